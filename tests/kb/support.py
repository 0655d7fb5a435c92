"""Helpers for the knowledge-base tests: copy the minimal base, edit it, add overlays."""

from __future__ import annotations

import shutil
from pathlib import Path

from selector.paths import ontology_dir

FIXTURES = Path(__file__).parent / "fixtures"


def make_base(root: Path) -> Path:
    """A copy of the minimal knowledge base at ``root/ontology``, with the real ontology and shapes."""
    base = root / "ontology"
    base.mkdir(parents=True)
    for name in ("selector.ttl", "shapes.ttl"):
        shutil.copy(ontology_dir() / name, base / name)
    shutil.copytree(FIXTURES / "kb", base / "kb")
    return base


def edit(path: Path, old: str, new: str) -> None:
    """Replace one exact passage of a fixture copy (failing loudly if it is not there)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not found once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def overlay(root: Path, name: str) -> Path:
    """A copy of one overlay fixture in ``root`` (so the path shown is short and predictable)."""
    target = root / name
    shutil.copy(FIXTURES / "overlays" / name, target)
    return target
