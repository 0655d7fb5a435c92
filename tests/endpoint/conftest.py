"""Oxigraph servers on free localhost ports for the endpoint tests, stopped at the end (skipped without ``oxigraph``)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def oxigraph_command() -> str | None:
    """The ``oxigraph`` server command: beside this Python (a virtual environment's bin), else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Oxigraph:
    """One in-memory ``oxigraph serve`` process bound to 127.0.0.1."""

    def __init__(self, command: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [command, "serve", "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/query?query=ASK%7B%7D", timeout=1):
                    return
            except (urllib.error.URLError, OSError):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    pytest.fail(f"oxigraph serve did not start on port {self.port}")
                time.sleep(0.1)

    def update(self, text: str) -> None:
        """Run a SPARQL update (the test's own constant text)."""
        request = urllib.request.Request(f"{self.url}/update", data=text.encode("utf-8"), method="POST",
                                         headers={"Content-Type": "application/sparql-update"})
        with urllib.request.urlopen(request, timeout=10):
            pass

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def oxigraph():
    """A factory of Oxigraph servers; every server it started is stopped when the module is done."""
    command = oxigraph_command()
    if command is None:
        if os.environ.get("SELECTOR_REQUIRE_OXIGRAPH"):
            pytest.fail("the oxigraph server command is not installed, and SELECTOR_REQUIRE_OXIGRAPH is set")
        pytest.skip("the oxigraph server command is not installed (pip install oxigraph)")
    started: list[Oxigraph] = []

    def start() -> Oxigraph:
        server = Oxigraph(command)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
