"""Validation through the CLI: a clean base passes, each kind of breakage is reported where it is.

pySHACL is slow, so every breakage that validation (rather than loading) catches is
made in one copy of the fixture, validated once for the module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from selector.cli.kb import kb
from selector.kb import Violation, load_knowledge_base, stats

from .support import edit, make_base, overlay


@dataclass(frozen=True)
class Run:
    """One CLI run: exit code, output lines and the overlay paths it was given."""

    exit_code: int
    lines: list[str]
    stderr: str
    overlays: dict[str, Path]

    def line(self, file: str, subject: str, *fragments: str) -> str:
        """The one output line for this file and subject that holds every fragment."""
        prefix = f"{file}: {subject}: "
        found = [line for line in self.lines if line.startswith(prefix) and all(f in line for f in fragments)]
        assert len(found) == 1, f"no single line {prefix}...{fragments} in:\n" + "\n".join(self.lines)
        return found[0]


def _validate(base: Path, *files: Path) -> Run:
    result = CliRunner().invoke(kb, ["validate", "--base-dir", str(base), *map(str, files)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return Run(result.exit_code, result.stdout.splitlines(), result.stderr, {})


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The unmodified fixture, validated."""
    return _validate(make_base(tmp_path_factory.mktemp("clean")))


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """A fixture copy with one breakage of each kind, plus two bad overlays, validated once."""
    root = tmp_path_factory.mktemp("broken")
    base = make_base(root)
    models = base / "kb" / "models" / "acme.trig"
    # The model file's source is no longer described.
    edit(
        models,
        'src:acme-models a sel:Source ;\n'
        '    dcterms:title "Acme model card" ;\n'
        '    dcterms:source <https://acme.example/models> ;\n'
        '    sel:asOf "2026-05-01"^^xsd:date .\n',
        "",
    )
    # A datatype is wrong.
    edit(models, "sel:contextWindow 200000 ;", 'sel:contextWindow "lots" ;')
    # A region without a country.
    edit(base / "kb" / "offerings" / "cloudco.trig", "        sel:country loc:DE ;\n", "")
    names = ("cycle.trig", "unsourced.ttl", "duplicates.trig")
    run = _validate(base, *(overlay(root, name) for name in names))
    return Run(run.exit_code, run.lines, run.stderr, {name: root / name for name in names})


def test_clean_base_is_valid(clean: Run) -> None:
    assert clean.exit_code == 0, "\n".join(clean.lines)
    assert clean.lines == ["knowledge base is valid: 117 facts from 10 sources"]


def test_broken_base_exits_1_with_a_summary(broken: Run) -> None:
    assert broken.exit_code == 1
    *violations, summary = broken.lines
    files = {line.split(": ", 1)[0] for line in violations}
    assert summary == f"{len(violations)} violations in {len(files)} files"
    assert broken.stderr == ""


def test_undescribed_source_is_reported(broken: Run) -> None:
    broken.line("ontology/kb/models/acme.trig", "src:acme-models", "not described as a sel:Source")


def test_region_without_country_is_reported(broken: Run) -> None:
    broken.line("ontology/kb/offerings/cloudco.trig", "target:cloudco--eu-central-1", "sel:country")


def test_wrong_datatype_is_reported(broken: Run) -> None:
    broken.line("ontology/kb/models/acme.trig", "model:acme-1", 'sel:contextWindow "lots"', "xsd:integer")


def test_unsourced_fact_in_turtle_overlay_is_reported(broken: Run) -> None:
    broken.line(str(broken.overlays["unsourced.ttl"]), "model:acme-1", "outside any source")


def test_routes_cycle_is_reported(broken: Run) -> None:
    line = broken.line(str(broken.overlays["cycle.trig"]), "offering:acme-1--cloudco", "cycle")
    assert "offering:acme-1--router" in line


def test_dangling_route_is_reported(broken: Run) -> None:
    broken.line(
        str(broken.overlays["cycle.trig"]),
        "offering:acme-1--router",
        "sel:routesTo offering:ghost--nowhere",
        "sel:Offering",
    )


def test_duplicate_model_slug_is_reported_on_both_models(broken: Run) -> None:
    broken.line(str(broken.overlays["duplicates.trig"]), "model:acme-one", "same sel:slug")
    broken.line("ontology/kb/models/acme.trig", "model:acme-1", "same sel:slug")


def test_duplicate_target_slug_is_reported_on_the_provider(broken: Run) -> None:
    line = broken.line("ontology/kb/offerings/cloudco.trig", "provider:cloudco", "share the sel:slug")
    assert "target:cloudco--eu " in line and "target:cloudco--eu-2" in line


def test_target_of_another_provider_is_reported(broken: Run) -> None:
    broken.line(
        str(broken.overlays["duplicates.trig"]), "offering:acme-1-mini--router", "sel:availableAt"
    )


def test_nothing_else_is_reported(broken: Run) -> None:
    assert len(broken.lines) == 11, "\n".join(broken.lines)


def test_unsourced_facts_are_counted(tmp_path: Path) -> None:
    base = make_base(tmp_path)
    assert stats(load_knowledge_base(base_dir=base)).unsourced_facts == 0
    with_overlay = load_knowledge_base([overlay(tmp_path, "unsourced.ttl")], base_dir=base)
    assert stats(with_overlay).unsourced_facts == 1


# --- bad input: one line on stderr, exit 2, no traceback -----------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bad-syntax.trig", r"bad-syntax\.trig:7: Turtle syntax error: "),
        ("undefined-prefix.trig", r"undefined-prefix\.trig:5: undefined prefix 'provider:'"),
    ],
)
def test_unparsable_overlay_exits_2(base: Path, tmp_path: Path, name: str, expected: str) -> None:
    run = _validate(base, overlay(tmp_path, name))
    assert run.exit_code == 2
    assert run.lines == []
    assert len(run.stderr.splitlines()) == 1
    assert re.search(expected, run.stderr)
    assert "Traceback" not in run.stderr


def test_broken_base_file_exits_2(base: Path) -> None:
    edit(base / "kb" / "offerings" / "router.trig", "src:router-docs {", "src:router-docs {{")
    run = _validate(base)
    assert run.exit_code == 2
    assert run.stderr.startswith("ontology/kb/offerings/router.trig:")


def test_missing_overlay_exits_2(base: Path, tmp_path: Path) -> None:
    run = _validate(base, tmp_path / "nope.trig")
    assert run.exit_code == 2
    assert run.stderr.strip() == f"{tmp_path / 'nope.trig'}: no such file"


# --- the Violation value ----------------------------------------------------------------------


def test_violation_renders_as_one_line() -> None:
    violation = Violation("a.trig", "model:x", "bad\nvalue")
    assert violation.one_line() == "a.trig: model:x: bad\\nvalue"
    assert sorted([Violation("b", "a", "m"), Violation("a", "z", "m")])[0].file == "a"


def test_help_has_examples() -> None:
    for command in ("validate", "stats"):
        result = CliRunner().invoke(kb, [command, "--help"])
        assert result.exit_code == 0
        assert f"selector kb {command}" in result.stdout
