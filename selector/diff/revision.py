"""The ``ontology/`` folder of a git revision, written out to a folder so it can be loaded as the base.

The revision is resolved in the git checkout around the working directory; its
``ontology/`` tree is read with ``git archive`` and unpacked with the tar reader's
``data`` filter (regular files and folders only, nothing outside the target). A
revision is passed to git as one argument, never through a shell, and one starting
with ``-`` is refused, so it cannot be read as an option.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

from selector.errors import SelectorError

#: The folder of a checkout that holds the ontology and the shipped facts.
ONTOLOGY = "ontology"
_TIMEOUT = 120


def _git(args: list[str], cwd: Path, key: str) -> bytes:
    """Run git; its output, or a SelectorError naming the option whose value it could not read."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=_TIMEOUT, check=False)
    except FileNotFoundError:
        raise SelectorError("git is not installed", key=key, hint="install git, or compare overlays with --kb-a/--kb-b") from None
    except subprocess.TimeoutExpired:
        raise SelectorError(f"git did not answer in {_TIMEOUT} seconds", key=key) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise _GitFailed(message[-1] if message else f"git exited with code {done.returncode}")
    return done.stdout


class _GitFailed(Exception):
    """git ran and refused."""


def checkout_root(cwd: Path, key: str) -> Path:
    """The top folder of the git checkout around ``cwd`` (SelectorError outside one)."""
    try:
        top = _git(["rev-parse", "--show-toplevel"], cwd, key)
    except _GitFailed:
        raise SelectorError(
            "not inside a git checkout", key=key,
            hint="run selector diff from a clone of the knowledge base's repository, or compare overlays with --kb-a/--kb-b",
        ) from None
    return Path(top.decode("utf-8", "replace").strip())


def ontology_at(revision: str, into: Path, *, cwd: Path, key: str) -> tuple[Path, str]:
    """Write ``ontology/`` as it is at ``revision`` under ``into``: the folder written and the commit id.

    Raises SelectorError (naming ``key``, the option) outside a git checkout, for an
    unknown revision, and for a revision without ``ontology/selector.ttl``.
    """
    if not revision or revision.startswith("-") or "\0" in revision:
        raise SelectorError(f"{revision!r} is not a git revision", key=key, hint="e.g. main, HEAD~1 or a commit id")
    root = checkout_root(cwd, key)
    try:
        commit = _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], root, key).decode().strip()
    except _GitFailed:
        raise SelectorError(
            f"unknown revision {revision!r}", key=key, hint="e.g. main, HEAD~1 or a commit id (git log lists them)"
        ) from None
    try:
        archive = _git(["archive", "--format=tar", commit, "--", ONTOLOGY], root, key)
    except _GitFailed:
        raise SelectorError(f"revision {revision!r} has no {ONTOLOGY}/ folder", key=key) from None
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:") as tar:
        members = [m for m in tar.getmembers() if m.isfile() or m.isdir()]
        tar.extractall(into, members=members, filter="data")
    folder = into / ONTOLOGY
    if not (folder / "selector.ttl").is_file():
        raise SelectorError(f"revision {revision!r} has no {ONTOLOGY}/selector.ttl", key=key)
    return folder, commit
