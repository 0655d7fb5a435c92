"""How fresh the knowledge base is: its own date, each provider's as-of range, the sources past an age.

On a tiny knowledge base whose dates are chosen so every answer is known
(``fixtures/freshness/tiny.trig``), on the minimal base, on the shipped base, and
through ``selector kb stats`` and ``selector kb validate --max-age``.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from selector.cli.kb import kb
from selector.kb import KnowledgeBase, load_knowledge_base, stats
from selector.kb.freshness import AsOfRange, parse_date, provider_as_of, stale_sources
from selector.kb.freshness import newest_as_of as kb_date
from selector.paths import ontology_dir

from .support import FIXTURES, overlay

TINY = FIXTURES / "freshness"


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A base folder holding the ontology and the tiny knowledge base."""
    base = tmp_path / "tiny"
    (base / "kb").mkdir(parents=True)
    shutil.copy(ontology_dir() / "selector.ttl", base / "selector.ttl")
    shutil.copy(ontology_dir() / "shapes.ttl", base / "shapes.ttl")
    shutil.copy(TINY / "tiny.trig", base / "kb" / "tiny.trig")
    return base


# -- The tiny knowledge base: every answer known -------------------------------------


def test_the_knowledge_base_date_is_its_newest_source(tiny: Path) -> None:
    assert kb_date(load_knowledge_base(base_dir=tiny)) == "2030-01-01"


def test_a_providers_facts_are_its_own_its_offerings_targets_and_organisations(tiny: Path) -> None:
    ranges = provider_as_of(load_knowledge_base(base_dir=tiny))
    # Oldest: the operator's parent (2018); newest: the offering's price, a blank node (2026-03-03).
    # Left out: the model (2010), the claim (2011), the list-length declaration (2030).
    # 16 facts: p1 4 (retention once, though two sources state it), o1 4, t1 3, the blank 1,
    # the operator 2, its parent 2.
    assert ranges["p1"] == AsOfRange(oldest="2018-01-01", newest="2026-03-03", facts=16, undated=0)


def test_a_provider_without_dated_facts_has_no_range(tiny: Path) -> None:
    ranges = provider_as_of(load_knowledge_base(base_dir=tiny))
    assert ranges["p2"] == AsOfRange(oldest=None, newest=None, facts=2, undated=2)
    assert ranges["p2"].render() == "none"
    assert list(ranges) == ["p1", "p2"]


def test_a_replaced_statement_leaves_the_range(tiny: Path) -> None:
    knowledge_base = load_knowledge_base([TINY / "newer-parent.trig"], base_dir=tiny)
    assert provider_as_of(knowledge_base)["p1"] == AsOfRange("2019-05-05", "2026-03-03", 16, 0)
    assert kb_date(knowledge_base) == "2030-01-01"


def test_sources_older_than_the_maximum_age(tiny: Path) -> None:
    found = stale_sources(load_knowledge_base(base_dir=tiny), 365, date(2026, 3, 3))
    # src:edge is exactly 365 days before the date: not older than the maximum.
    assert [(s.source, s.as_of, s.age_days) for s in found.stale] == [
        ("src:model", "2010-01-01", 5905),
        ("src:claim", "2011-01-01", 5540),
        ("src:parent", "2018-01-01", 2983),
        ("src:org", "2019-05-05", 2494),
        ("src:old", "2020-01-01", 2253),
        ("src:dup", "2024-06-01", 640),
        ("src:offer", "2025-03-02", 366),
    ]
    assert found.stale[-1].url == "https://tiny.example/offer"
    assert found.stale[-1].file.endswith("kb/tiny.trig")
    assert found.summary() == "7 warnings (sources older than 365 days before 2026-03-03)"


def test_the_default_date_is_the_knowledge_bases_own(tiny: Path) -> None:
    knowledge_base = load_knowledge_base(base_dir=tiny)
    found = stale_sources(knowledge_base, 0)
    assert found.on == "2030-01-01"
    assert "src:lengths" not in {s.source for s in found.stale} and len(found.stale) == 9
    assert stale_sources(knowledge_base, 100_000).summary() == "no source older than 100000 days before 2030-01-01"


def test_a_negative_maximum_age_is_refused(tiny: Path) -> None:
    with pytest.raises(ValueError, match="0 or more"):
        stale_sources(load_knowledge_base(base_dir=tiny), -1)


@pytest.mark.parametrize("text", ["2026-13-40", "2026-02-30", "20260101", "2026-1-1", "today", ""])
def test_parse_date_refuses_what_is_not_a_date(text: str) -> None:
    with pytest.raises(ValueError, match="not a date"):
        parse_date(text)


def test_parse_date() -> None:
    assert parse_date("2026-02-28") == date(2026, 2, 28)


# -- The minimal base and the shipped base ---------------------------------------------


def test_minimal_base(base: Path) -> None:
    knowledge_base = load_knowledge_base(base_dir=base)
    assert kb_date(knowledge_base) == "2026-11-22"
    ranges = provider_as_of(knowledge_base)
    # CloudCo: its operator's facts (2026-04-01) to its terms (2026-06-15); the blog's claim
    # (2025-12-01) and the list lengths (2026-11-22) are not among its facts.
    assert (ranges["cloudco"].oldest, ranges["cloudco"].newest) == ("2026-04-01", "2026-06-15")
    assert (ranges["router"].oldest, ranges["router"].newest) == ("2026-07-01", "2026-07-01")


def test_an_overlay_can_move_the_knowledge_base_date(base: Path, tmp_path: Path) -> None:
    contract = overlay(tmp_path, "contract.trig")  # as of 2026-09-01
    knowledge_base = load_knowledge_base([contract], base_dir=base)
    assert kb_date(knowledge_base) == "2026-11-22"
    assert provider_as_of(knowledge_base)["cloudco"].newest == "2026-09-01"


def test_shipped_base(shipped_kb: KnowledgeBase) -> None:
    newest = kb_date(shipped_kb)
    assert newest == max(s.as_of for s in shipped_kb.sources.values()).isoformat()
    ranges = provider_as_of(shipped_kb)
    summary = stats(shipped_kb)
    assert summary.provider_as_of == ranges
    assert len(ranges) == summary.counts["providers"]
    for name, span in ranges.items():
        assert span.undated == 0, name  # every shipped fact has a dated source
        assert span.oldest is not None and span.newest is not None
        assert span.oldest <= span.newest <= newest, name
    found = stale_sources(shipped_kb, 180)
    assert found.on == newest
    assert all(s.age_days > 180 for s in found.stale)
    dates = [s.as_of for s in found.stale]
    assert dates == sorted(dates)
    limit = date.fromordinal(date.fromisoformat(newest).toordinal() - 180)
    assert len(found.stale) == sum(1 for s in shipped_kb.sources.values() if s.as_of and s.as_of < limit)


def test_freshness_is_deterministic(shipped_kb: KnowledgeBase) -> None:
    assert provider_as_of(shipped_kb) == provider_as_of(shipped_kb)
    assert stale_sources(shipped_kb, 180) == stale_sources(shipped_kb, 180)


# -- Through the command line -------------------------------------------------------------


def test_stats_shows_each_providers_range(base: Path) -> None:
    result = CliRunner().invoke(kb, ["stats", "--base-dir", str(base)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    at = lines.index("as-of by provider (oldest to newest):")
    assert lines[at + 1:] == [
        "  cloudco: 2026-04-01 to 2026-06-15",
        "  router:  2026-07-01 to 2026-07-01",
    ]


def test_validate_max_age_warns_and_keeps_the_exit_code(base: Path) -> None:
    plain = CliRunner().invoke(kb, ["validate", "--base-dir", str(base)])
    aged = CliRunner().invoke(kb, ["validate", "--base-dir", str(base), "--max-age", "180"])
    assert plain.exit_code == aged.exit_code == 0, aged.output
    warnings = [line for line in aged.stdout.splitlines() if ": warning: " in line]
    assert [w.split(": ")[1] for w in warnings] == [
        "src:cloudco-blog", "src:dpv-loc", "src:acme-about", "src:cloudco-about", "src:acme-models",
    ]
    assert warnings[0].endswith(
        "src:cloudco-blog: warning: as of 2025-12-01, 356 days before 2026-11-22 (more than 180 days); "
        "https://blog.example/cloudco"
    )
    last = aged.stdout.splitlines()[-1]
    assert last == plain.stdout.splitlines()[-1] + "; 5 warnings (sources older than 180 days before 2026-11-22)"


def test_validate_as_of_moves_the_evaluation_date(base: Path) -> None:
    result = CliRunner().invoke(kb, ["validate", "--base-dir", str(base), "--max-age", "180", "--as-of", "2026-06-01"])
    assert result.exit_code == 0, result.output
    assert [line.split(": ")[1] for line in result.stdout.splitlines() if ": warning: " in line] == ["src:cloudco-blog"]
    assert result.stdout.endswith("; 1 warning (sources older than 180 days before 2026-06-01)\n")


def test_warnings_never_change_the_exit_code_of_a_broken_base(tiny: Path) -> None:
    plain = CliRunner().invoke(kb, ["validate", "--base-dir", str(tiny)])
    aged = CliRunner().invoke(kb, ["validate", "--base-dir", str(tiny), "--max-age", "365", "--as-of", "2026-03-03"])
    assert plain.exit_code == aged.exit_code == 1
    violations = [line for line in aged.stdout.splitlines()[:-1] if ": warning: " not in line]
    assert violations == plain.stdout.splitlines()[:-1]
    assert sum(": warning: " in line for line in aged.stdout.splitlines()) == 7


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--max-age", "-1"], "Invalid value for '--max-age': '-1' is not a number of days"),
        (["--max-age", "abc"], "Invalid value for '--max-age': 'abc' is not a number of days"),
        (["--max-age", "3", "--as-of", "2026-13-40"], "Invalid value for '--as-of': '2026-13-40' is not a date"),
        (["--as-of", "2026-01-01"], "--as-of is the evaluation date for --max-age"),
    ],
)
def test_bad_values_are_usage_errors(base: Path, args: list[str], expected: str) -> None:
    from selector.cli import cli

    result = CliRunner().invoke(cli, ["kb", "validate", "--base-dir", str(base), *args])
    assert result.exit_code == 2
    assert expected in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
