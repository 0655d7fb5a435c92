"""Overlays: validated by every deciding command, and an override at a narrower scope says so in the trail."""

from __future__ import annotations

import warnings
from pathlib import Path

from rdflib import Literal, URIRef

from selector.api import Selector
from selector.kb.literals import boolean, number
from selector.kb.load import load_knowledge_base
from selector.kb.validate import overlay_error, validate

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT / "examples" / "overlays" / "anthropic-zdr-contract.trig"
_XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = """@prefix sel: <https://w3id.org/selector/ns#> .
@prefix src: <https://w3id.org/selector/kb/source/> .
@prefix offering: <https://w3id.org/selector/kb/offering/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
src:deal a sel:Source ; dcterms:source <https://example.org/deal> ; sel:asOf "2026-09-01"^^xsd:date .
"""


def test_unreadable_literals_are_unknown_to_the_engine() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # rdflib's own complaint about "yes"
        yes = Literal("yes", datatype=URIRef(_XSD + "boolean"), normalize=False)
    assert boolean(yes) is None
    assert boolean(Literal("false", datatype=URIRef(_XSD + "boolean"))) is False
    assert number(Literal("INF", datatype=URIRef(_XSD + "double"))) is None
    assert number(Literal("NaN", datatype=URIRef(_XSD + "double"))) is None
    assert number(Literal("abc", datatype=URIRef(_XSD + "integer"))) is None


def test_a_valid_overlay_passes_and_only_its_own_findings_are_reported(tmp_path: Path) -> None:
    assert overlay_error(load_knowledge_base((CONTRACT,))) is None
    bad = tmp_path / "bad.trig"
    bad.write_text(PREFIXES + 'src:deal { offering:claude-opus-4.6--anthropic-api sel:retentionDays -1 . }\n')
    found = validate(load_knowledge_base((bad,)), only_layers={"bad.trig"})
    assert [v.file for v in found] == [str(bad)]
    assert "of at least 0" in found[0].message


def test_an_overlay_at_a_narrower_scope_says_what_it_replaces(tmp_path: Path) -> None:
    overlay = tmp_path / "deal.trig"
    overlay.write_text(PREFIXES + "src:deal { offering:claude-opus-4.6--anthropic-api sel:retentionDays 0 . }\n")
    policy = tmp_path / "policy.yaml"
    policy.write_text("version: 1\nname: no-retention\nrequire:\n  max_retention_days: 0\n")
    selector = Selector(overlays=(overlay,))
    decision = selector.check("claude-opus-4.6@anthropic-api/global", selector.load_policy(policy))
    (result,) = [r for r in decision.results if r.rule == "max_retention_days"]
    notes = [e.note or "" for e in result.evidence if e.layer == "deal.trig"]
    assert notes and "replaces provider:anthropic-api 30.0 stated at a wider scope in layer base" in notes[0], notes


def test_a_cycle_the_engine_is_given_anyway_cannot_make_it_spin(tmp_path: Path) -> None:
    """Validation refuses broader-cycles, but the engine must survive one: every walk is the one cycle-safe walk."""
    import signal

    from selector.checks import KINDS
    from selector.engine import Engine
    from selector.rules import load_rules

    overlay = tmp_path / "cycle.trig"
    overlay.write_text(PREFIXES + "@prefix cert: <https://w3id.org/selector/kb/certification/> .\n"
                       "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
                       "src:deal { cert:SOC2 skos:broader cert:SOC2Type2 . cert:SOC2Type2 skos:broader cert:SOC2 . }\n")
    policy = tmp_path / "policy.yaml"
    policy.write_text("version: 1\nname: certified\nrequire:\n  certifications: [SOC2, ISO27001]\n")
    signal.alarm(60)
    try:
        engine = Engine(load_knowledge_base((overlay,)), load_rules((), kinds=KINDS))
        from selector.policy import load_policy

        report = engine.select(load_policy(policy, engine.vocabulary()))
    finally:
        signal.alarm(0)
    assert report.summary.candidates > 0
