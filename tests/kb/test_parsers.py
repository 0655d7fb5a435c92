"""The fast TriG parser (pyoxigraph) yields exactly the statements rdflib's parser yields.

The loader parses with pyoxigraph and hands a file to rdflib whenever pyoxigraph
refuses it (so errors read as they always have), when the file types a literal
xsd:string explicitly, or when blank nodes nest deeply. Here both parsers read the
shipped knowledge base and a few edge cases, and must agree on every statement
(blank nodes compared by position, their labels being arbitrary).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef

import selector.kb.load as load
import selector.kb.parse as parse

pytest.importorskip("pyoxigraph")


def _statements(kb) -> list[tuple]:
    return sorted(
        tuple(("BNode", "", "", "") if isinstance(t, BNode) else (type(t).__name__, str(t), str(getattr(t, "datatype", "")),
                                                                str(getattr(t, "language", ""))) for t in (q.subject, q.predicate, q.object, q.graph))
        + (q.layer, q.file)
        for q in kb.quads
    )


def _with_rdflib_only(monkeypatch, loader):
    monkeypatch.setattr(parse, "_parse_fast", lambda *args: None)
    try:
        return loader()
    finally:
        monkeypatch.undo()


def test_shipped_knowledge_base_reads_the_same(monkeypatch) -> None:
    fast = load.load_knowledge_base()
    reference = _with_rdflib_only(monkeypatch, load.load_knowledge_base)
    assert _statements(fast) == _statements(reference)
    assert fast.sources == reference.sources and fast.fingerprint == reference.fingerprint


HEADER = """@prefix sel: <https://w3id.org/selector/ns#> .
@prefix src: <https://w3id.org/selector/kb/source/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
src:s a sel:Source ; dcterms:source "https://example.org/doc" ; sel:asOf "2026-01-02"^^xsd:date .
"""

CASES = {
    "numbers and flags": 'src:s { <urn:x> sel:contextWindow 0128000 ; sel:price 1.50 , 2e3 ; sel:flag true , "1"^^xsd:boolean . }',
    "strings and languages": 'src:s { <urn:x> sel:label "plain" , "tagged"@EN-gb , """long\nstring""" , "esc\\u00e9\\t" . }',
    "explicit xsd:string": 'src:s { <urn:x> sel:label "typed"^^xsd:string , "plain" . }',
    "ill-typed literal": 'src:s { <urn:x> sel:contextWindow "many"^^xsd:integer ; sel:asOf "not a date"^^xsd:date . }',
    "blank nodes and lists": 'src:s { <urn:x> sel:route [ sel:to <urn:y> ; sel:at ( <urn:a> <urn:b> ) ] , _:b1 . _:b1 sel:to <urn:z> . }',
    "relative IRIs": 'src:s { <x> sel:to <../y> . }',
    "deep nesting": "src:s { <urn:x> sel:p " + "[ sel:p " * 80 + "<urn:end>" + " ]" * 80 + " . }",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_edge_cases_read_the_same(tmp_path: Path, monkeypatch, name: str) -> None:
    base = tmp_path / "ontology"
    (base / "kb").mkdir(parents=True)
    (base / "selector.ttl").write_text("@prefix sel: <https://w3id.org/selector/ns#> .\n", encoding="utf-8")
    (base / "kb" / "case.trig").write_text(HEADER + CASES[name] + "\n", encoding="utf-8")
    fast = load.load_knowledge_base(base_dir=base)
    reference = _with_rdflib_only(monkeypatch, lambda: load.load_knowledge_base(base_dir=base))
    assert _statements(fast) == _statements(reference)


def test_an_explicit_string_type_is_kept() -> None:
    """rdflib tells "x"^^xsd:string from "x"; the loader keeps the distinction by letting rdflib read such files."""
    assert parse._EXPLICIT_STRING.search(b'"x"^^xsd:string') and parse._EXPLICIT_STRING.search(
        b'"x"^^<http://www.w3.org/2001/XMLSchema#string>')
    assert not parse._EXPLICIT_STRING.search(b'"x" ; sel:kind sel:string')
    assert Literal("x", datatype=URIRef("http://www.w3.org/2001/XMLSchema#string")) != Literal("x")


def test_an_ill_typed_literal_keeps_what_was_written(tmp_path: Path) -> None:
    """rdflib would turn "yes"^^xsd:boolean into "false"; the loader keeps "yes", flagged ill-typed, for the error line."""
    base = tmp_path / "ontology"
    (base / "kb").mkdir(parents=True)
    (base / "selector.ttl").write_text("@prefix sel: <https://w3id.org/selector/ns#> .\n", encoding="utf-8")
    (base / "kb" / "case.trig").write_text(HEADER + 'src:s { <urn:x> sel:flag "yes"^^xsd:boolean , "TRUE"^^xsd:boolean . }\n',
                                           encoding="utf-8")
    flags = sorted((q.object for q in load.load_knowledge_base(base_dir=base).quads if str(q.predicate).endswith("flag")), key=str)
    assert [str(f) for f in flags] == ["TRUE", "yes"] and all(f.ill_typed for f in flags)
