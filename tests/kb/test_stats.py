"""Statistics of a knowledge base, as values and through ``selector kb stats``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from click.testing import CliRunner

from selector.cli.kb import kb
from selector.kb import load_knowledge_base, stats
from selector.kb.namespaces import SEL

from .support import overlay


def test_counts_of_the_minimal_base(base: Path) -> None:
    summary = stats(load_knowledge_base(base_dir=base))
    assert dict(summary.counts) == {
        "models": 2,
        "makers": 1,
        "organisations": 2,  # the maker counts as an organisation too
        "providers": 2,
        "offerings": 2,
        "regions": 1,
        "zones": 1,
        "global endpoints": 1,
        "self-hosted targets": 0,
        "deployment targets": 3,
        "licences": 1,
        "sources": 10,
        "claims": 1,
        "conflicts": 1,
    }
    assert summary.count(SEL.Offering) == 2
    assert summary.candidate_deployments == 3
    assert summary.facts == 117
    assert summary.oldest_as_of == date(2025, 12, 1)
    assert summary.newest_as_of == date(2026, 11, 22)
    assert summary.unsourced_facts == 0
    assert summary.layers == ("ontology", "base")


def test_overlay_adds_a_source_and_its_facts(base: Path, tmp_path: Path) -> None:
    before = stats(load_knowledge_base(base_dir=base))
    after = stats(load_knowledge_base([overlay(tmp_path, "contract.trig")], base_dir=base))
    assert after.counts["sources"] == before.counts["sources"] + 1
    assert after.facts == before.facts + 2
    assert after.layers[-1] == "contract.trig"


def test_render_text_lists_every_count(base: Path) -> None:
    text = stats(load_knowledge_base(base_dir=base)).render_text()
    assert "candidate deployments:" in text
    assert "facts without a source: 0" in text
    assert text.endswith("\n")


def test_stats_command(base: Path, tmp_path: Path) -> None:
    contract = overlay(tmp_path, "contract.trig")
    result = CliRunner().invoke(kb, ["stats", "--base-dir", str(base), "--kb", str(contract)])
    assert result.exit_code == 0, result.output
    assert "layers:" in result.stdout and "contract.trig" in result.stdout
    assert any(line.split() == ["models:", "2"] for line in result.stdout.splitlines())


def test_stats_command_bad_overlay_exits_2(base: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        kb, ["stats", "--base-dir", str(base), "--kb", str(overlay(tmp_path, "bad-syntax.trig"))]
    )
    assert result.exit_code == 2
    assert "bad-syntax.trig:7: Turtle syntax error" in result.stderr
    assert result.stdout == ""
