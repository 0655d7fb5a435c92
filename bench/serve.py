"""Load on `selector serve`: requests a second and latency for /v1/check, memory per worker, and a soak with a reload.

Starts real servers (`python -m selector serve`) on free localhost ports, on the shipped
knowledge base and a folder of the shipped example policies, and drives them with client
threads, each on one keep-alive connection (http.client). Clients and servers share the
machine's cores, as they would on one host. Every answer is compared with the answer
the server gave before the load, so a wrong or failed answer is counted, not missed.

    python bench/serve.py                       # the load levels, memory, workers, a 150 s soak
    python bench/serve.py --soak-seconds 0      # without the soak
    python bench/serve.py --requests 4000 --soak-seconds 300
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ("eu-finetune-long-context", "zero-retention-contract", "open-weights-commercial", "eu-sovereign-providers")
CANDIDATES = ("kimi-k2.5@vllm/self-hosted", "claude-opus-4.6@anthropic-api/global",
              "gemini-2.5-pro@vertex-ai/europe-west4", "claude-sonnet-4.6@aws-bedrock/eu-profile-from-eu")

try:
    import psutil
except ImportError:  # memory figures need psutil (the bench extra)
    psutil = None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, folder: Path, log: Path | None = None) -> None:
        self.port = free_port()
        command = [sys.executable, "-m", "selector", "serve", "--constraints-dir", str(folder), "--port", str(self.port)]
        if log is not None:
            command += ["--decision-log", str(log)]
        self.process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                call(http.client.HTTPConnection("127.0.0.1", self.port, timeout=5), "GET", "/healthz")
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.1)

    def memory(self) -> dict:
        if psutil is None:
            return {}
        info = psutil.Process(self.process.pid).memory_full_info()
        return {"rss_mb": info.rss / 2**20, "uss_mb": info.uss / 2**20}

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def call(connection: http.client.HTTPConnection, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
    data = None if body is None else json.dumps(body).encode()
    connection.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
    response = connection.getresponse()
    return response.status, response.read()


def asks() -> list[dict]:
    return [{"candidate": c, "policy": p} for p in POLICIES for c in CANDIDATES]


def expected_answers(port: int) -> dict[str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    out = {}
    for body in asks():
        status, data = call(connection, "POST", "/v1/check", body)
        assert status == 200, data
        out[json.dumps(body, sort_keys=True)] = data
    return out


def load(ports: list[int], clients: int, requests: int, expected: dict[str, bytes]) -> dict:
    """`requests` checks in all, spread over `clients` threads (client i on server i mod len(ports))."""
    bodies = asks()
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    share = [requests // clients + (1 if i < requests % clients else 0) for i in range(clients)]

    def client(slot: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", ports[slot % len(ports)], timeout=60)
        mine, bad = [], 0
        for n in range(share[slot]):
            body = bodies[(slot + n) % len(bodies)]
            start = time.perf_counter()
            try:
                status, data = call(connection, "POST", "/v1/check", body)
            except OSError:
                status, data = 0, b""
                connection = http.client.HTTPConnection("127.0.0.1", ports[slot % len(ports)], timeout=60)
            mine.append(time.perf_counter() - start)
            if status != 200 or data != expected[json.dumps(body, sort_keys=True)]:
                bad += 1
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {"clients": clients, "servers": len(ports), "requests": len(latencies), "failed": failures[0],
            "rps": len(latencies) / elapsed, "p50_ms": 1000 * latencies[len(latencies) // 2],
            "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]}


def in_process(repeat: int) -> dict:
    from selector.api import Selector

    selector = Selector()
    policies = [selector.load_policy(ROOT / "examples" / f"{p}.yaml") for p in POLICIES]
    pairs = [(c, p) for p in policies for c in CANDIDATES]
    for c, p in pairs:  # the first call per policy builds its tables
        selector.allows(c, p)
        selector.check(c, p)
    figures = {}
    for name, method in (("allows", selector.allows), ("check (whole trail)", selector.check)):
        times = []
        for n in range(repeat):
            c, p = pairs[n % len(pairs)]
            start = time.perf_counter()
            method(c, p)
            times.append(time.perf_counter() - start)
        times.sort()
        figures[name] = {"per_s": len(times) / sum(times), "p50_us": 1e6 * times[len(times) // 2],
                         "p99_us": 1e6 * times[int(len(times) * 0.99)]}
    return figures


def soak(folder: Path, seconds: float, clients: int, log: Path) -> dict:
    server = Server(folder, log)
    try:
        expected = expected_answers(server.port)
        stop = threading.Event()
        counts, failures, errors = [0] * clients, [0] * clients, []
        bodies = asks()

        def client(slot: int) -> None:
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            n = 0
            while not stop.is_set():
                body = bodies[(slot + n) % len(bodies)]
                n += 1
                try:
                    status, data = call(connection, "POST", "/v1/check", body)
                except OSError as error:
                    status, data = 0, str(error).encode()
                    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
                counts[slot] += 1
                if status != 200 or data != expected[json.dumps(body, sort_keys=True)]:
                    failures[slot] += 1
                    errors.append(data[:200])

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        time.sleep(seconds / 2)
        admin = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        reload_start = time.perf_counter()
        status, data = call(admin, "POST", "/v1/reload")
        reload_s = time.perf_counter() - reload_start
        assert status == 200, data
        server.process.send_signal(signal.SIGHUP)  # a second reload, by signal
        time.sleep(seconds / 2)
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
        _, health = call(http.client.HTTPConnection("127.0.0.1", server.port, timeout=30), "GET", "/healthz")
        logged = sum(1 for _ in log.open(encoding="utf-8"))
        return {"seconds": elapsed, "clients": clients, "requests": sum(counts), "failed": sum(failures),
                "rps": sum(counts) / elapsed, "reload_s": reload_s, "generation": json.loads(health)["generation"],
                "log_lines": logged, "errors": errors[:3], **server.memory()}
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="checks per load level (bounded)")
    parser.add_argument("--soak-seconds", type=float, default=150, help="soak length; 0 skips it")
    parser.add_argument("--soak-clients", type=int, default=8)
    options = parser.parse_args()
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    work = Path(tempfile.mkdtemp(prefix="selector-serve-bench-"))
    folder = work / "policies"
    folder.mkdir()
    for name in POLICIES:
        shutil.copy(ROOT / "examples" / f"{name}.yaml", folder)

    print("in-process (one thread):")
    for name, figure in in_process(20000).items():
        print(f"  {name}: {figure['per_s']:,.0f}/s, p50 {figure['p50_us']:.0f} us, p99 {figure['p99_us']:.0f} us")

    server = Server(folder)
    try:
        print(f"one server, idle: {server.memory()}")
        expected = expected_answers(server.port)
        for clients in (1, 8, 32):
            print(f"  {load([server.port], clients, options.requests, expected)}")
        print(f"one server, after load: {server.memory()}")
        second = Server(folder)
        try:
            for clients in (8, 32):
                print(f"  {load([server.port, second.port], clients, options.requests, expected)}")
            print(f"second server: {second.memory()}")
        finally:
            second.stop()
    finally:
        server.stop()

    if options.soak_seconds > 0:
        print(f"soak: {soak(folder, options.soak_seconds, options.soak_clients, work / 'decisions.jsonl')}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
