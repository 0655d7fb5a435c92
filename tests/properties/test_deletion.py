"""Deleting one statement of the shipped knowledge base never allows more (under unknown: fail).

The suite deletes a small sample of the statements and of those that once broke the
property (deletion_regressions.yaml); ``SELECTOR_LONG=1`` deletes every statement
in turn (about eight minutes on two cores), as ``python -m tests.properties.deletion``
does with a report.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
import yaml

from .deletion import Deletions

HERE = Path(__file__).resolve().parent
LONG = os.environ.get("SELECTOR_LONG") == "1"
SAMPLE = 3
#: How many of the statements that once broke the property the suite deletes again (all with SELECTOR_LONG=1).
REGRESSIONS = 6


@pytest.fixture(scope="module")
def deletions(tmp_path_factory) -> Deletions:
    return Deletions(tmp_path_factory.mktemp("deletion-policies"))


def _chosen(deletions: Deletions) -> list[int]:
    if LONG:
        return deletions.statements
    regressions = set(yaml.safe_load((HERE / "deletion_regressions.yaml").read_text(encoding="utf-8")))
    known = [i for i in deletions.statements if deletions.describe(i).rsplit(" (", 1)[0] in regressions]
    assert len(known) == len(regressions), "a regression statement is no longer in the shipped base: update the list"
    again = random.Random(20261205).sample(known, min(REGRESSIONS, len(known)))
    return sorted(set(again) | set(deletions.sample(SAMPLE, seed=20261204)))


def test_deleting_a_statement_never_allows_more(deletions: Deletions) -> None:
    found = {deletions.describe(i): flips for i in _chosen(deletions) if (flips := deletions.flips(i))}
    assert not found, "\n".join(f"{statement}: {'; '.join(flips)}" for statement, flips in found.items())


def test_the_probe_policies_allow_something(deletions: Deletions) -> None:
    """A policy that allows nothing cannot show a deletion allowing more: most probes must allow some."""
    assert sum(1 for allowed in deletions.allowed if allowed) >= len(deletions.allowed) - 3
