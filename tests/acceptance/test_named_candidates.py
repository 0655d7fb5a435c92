"""Every candidate the README or a help text names exists: an example a reader copies must work."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from selector.api import Selector

ROOT = Path(__file__).resolve().parents[2]
#: MODEL@PROVIDER/DEPLOYMENT, as the README and the help texts write a candidate (never with "::" in it:
#: that ends a GitHub annotation's properties, ``title=...::MODEL@...``).
CANDIDATE = re.compile(r"\b[a-z0-9](?:[a-z0-9.-]|:(?!:))*@[a-z0-9-]+/[a-z0-9][a-z0-9.-]*[a-z0-9]")
NAMING = [ROOT / "README.md", *sorted((ROOT / "selector" / "cli").glob("*.py")), ROOT / "selector" / "api.py"]


@pytest.fixture(scope="module")
def known() -> frozenset[str]:
    """Candidates of the shipped base with the example overlays, which the README's examples load."""
    overlays = sorted((ROOT / "examples" / "overlays").glob("*.trig"))
    return frozenset(Selector(overlays).engine.candidate_by_id)


def test_the_pattern_finds_names() -> None:
    assert CANDIDATE.findall("run `selector check claude-sonnet-4.6@aws-bedrock/eu-profile-from-eu`.") == [
        "claude-sonnet-4.6@aws-bedrock/eu-profile-from-eu"
    ]
    assert CANDIDATE.findall("::error title=selector%3A require.residency::gpt-4o@openai-api/global: FAIL") == [
        "gpt-4o@openai-api/global"
    ]


@pytest.mark.parametrize("path", NAMING, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_named_candidate_exists(path: Path, known: frozenset[str]) -> None:
    named = set(CANDIDATE.findall(path.read_text(encoding="utf-8")))
    assert named <= known, f"not candidates of the shipped base: {sorted(named - known)}"
