"""What the bad-input cases share: the small knowledge base their commands run on."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from selector.kb import lengths
from selector.paths import ontology_dir

TESTS = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def small_base(tmp_path_factory) -> Path:
    """The rule-case world as a knowledge base folder, with the shipped ontology and shapes."""
    base = tmp_path_factory.mktemp("small-base") / "ontology"
    (base / "kb").mkdir(parents=True)
    for name in ("selector.ttl", "shapes.ttl"):
        shutil.copy(ontology_dir() / name, base / name)
    shutil.copy(TESTS / "rules" / "world.trig", base / "kb" / "world.trig")
    lengths.write(base)
    return base
