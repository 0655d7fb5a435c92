"""Loading: layers, files, quads, sources, the fingerprint, and one-line errors for bad files."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from selector.errors import KnowledgeBaseError
from selector.kb import ONTOLOGY_GRAPH, load_knowledge_base
from selector.kb import load as load_module
from selector.kb.namespaces import SEL

from .support import edit, make_base, overlay

KB = "https://w3id.org/selector/kb/"
MODEL = URIRef(KB + "model/acme-1")
CLOUDCO = URIRef(KB + "provider/cloudco")
CONTRACT = URIRef(KB + "source/our-cloudco-contract")


def test_base_layers_and_files(base: Path) -> None:
    kb = load_knowledge_base(base_dir=base)
    assert kb.layers == ("ontology", "base")
    assert kb.files[0] == ("ontology", base / "selector.ttl")
    relative = [path.relative_to(base).as_posix() for layer, path in kb.files[1:]]
    assert relative == sorted(relative)
    assert "kb/models/acme.trig" in relative
    assert {layer for layer, _ in kb.files[1:]} == {"base"}


def test_catalog_files_are_a_layer_below_the_curated_base(base: Path) -> None:
    from selector.kb.facts import FactIndex

    catalog = base / "kb" / "catalog" / "somecatalog"
    catalog.mkdir(parents=True)
    (catalog / "models.trig").write_text(
        "@prefix sel: <https://w3id.org/selector/ns#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n@prefix model: <https://w3id.org/selector/kb/model/> .\n"
        "<urn:catalog:acme> a sel:Source ; dcterms:source <https://catalog.example/acme> ; sel:asOf \"2026-07-02\"^^xsd:date .\n"
        "<urn:catalog:acme> { model:acme-1 sel:slug \"acme-1\" ; sel:maxInputTokens 1 ; sel:family \"acme\" . }\n",
        encoding="utf-8",
    )
    kb = load_knowledge_base(base_dir=base)
    assert kb.layers == ("ontology", "catalog", "base")
    assert [layer for layer, path in kb.files if "catalog" in path.parts] == ["catalog"]
    assert kb.sources[URIRef("urn:catalog:acme")].layer == "catalog"
    facts = FactIndex.build(kb)
    # The catalog states what the base does not; where both state a property, the base wins.
    assert [(str(f.object), f.layer) for f in facts.values(MODEL, SEL.maxInputTokens)] == [("1", "catalog")]
    (family,) = facts.values(MODEL, SEL.family)
    assert (str(family.object), family.layer) == ("Acme", "base")
    assert [(str(o.object), o.layer) for o in family.overrides] == [("acme", "catalog")]
    assert "overrides acme from layer catalog (https://catalog.example/acme)" in family.evidence_item.note


def test_ontology_triples_sit_in_the_ontology_graph(base: Path) -> None:
    kb = load_knowledge_base(base_dir=base)
    ontology = [q for q in kb.quads if q.layer == "ontology"]
    assert ontology and all(q.graph == ONTOLOGY_GRAPH for q in ontology)
    assert (SEL.Model, RDF.type, URIRef("http://www.w3.org/2000/01/rdf-schema#Class")) in kb.dataset.graph(
        ONTOLOGY_GRAPH
    )


def test_facts_sit_in_their_source_graph(base: Path) -> None:
    kb = load_knowledge_base(base_dir=base)
    graph = kb.dataset.graph(URIRef(KB + "source/acme-models"))
    assert (MODEL, SEL.slug, Literal("acme-1")) in graph
    quad = next(q for q in kb.quads if q.subject == MODEL and q.predicate == SEL.slug)
    assert quad.graph == URIRef(KB + "source/acme-models")
    assert quad.layer == "base"
    assert quad.file == "ontology/kb/models/acme.trig"


def test_sources_are_described(base: Path) -> None:
    kb = load_knowledge_base(base_dir=base)
    source = kb.sources[URIRef(KB + "source/cloudco-about")]
    assert source.url == "https://cloudco.example/company"
    assert source.title == "CloudCo: company facts"
    assert source.as_of == date(2026, 4, 1)
    assert source.secondary is True
    assert source.layer == "base"
    assert kb.sources[URIRef(KB + "source/acme-models")].secondary is False


def test_overlays_are_layers_in_order(base: Path, tmp_path: Path) -> None:
    contract = overlay(tmp_path, "contract.trig")
    unsourced = overlay(tmp_path, "unsourced.ttl")
    kb = load_knowledge_base([contract, unsourced], base_dir=base)
    assert kb.layers == ("ontology", "base", "contract.trig", "unsourced.ttl")
    assert kb.files[-2:] == (("contract.trig", contract), ("unsourced.ttl", unsourced))
    assert kb.sources[CONTRACT].layer == "contract.trig"
    assert kb.sources[CONTRACT].url == "Master services agreement with CloudCo, 2026 edition"
    stated = [q for q in kb.quads if q.subject == CLOUDCO and q.predicate == SEL.zeroDataRetention]
    assert [(q.object, q.layer) for q in stated] == [
        (SEL.ZDRApproval, "base"),
        (SEL.ZDRContract, "contract.trig"),
    ]


def test_turtle_overlay_lands_in_the_default_graph(base: Path, tmp_path: Path) -> None:
    kb = load_knowledge_base([overlay(tmp_path, "unsourced.ttl")], base_dir=base)
    quads = [q for q in kb.quads if q.layer == "unsourced.ttl"]
    assert [(q.subject, q.predicate, q.graph) for q in quads] == [(MODEL, SEL.toolCalling, None)]


def test_overlays_sharing_a_name_are_named_by_path(base: Path, tmp_path: Path) -> None:
    first = tmp_path / "a" / "contract.trig"
    second = tmp_path / "b" / "contract.trig"
    for path in (first, second):
        path.parent.mkdir()
        shutil.copy(overlay(tmp_path, "contract.trig"), path)
    kb = load_knowledge_base([first, second], base_dir=base)
    assert kb.layers[2:] == (str(first), str(second))
    # The same quad stated in two layers is recorded twice.
    stated = [q for q in kb.quads if q.subject == CLOUDCO and q.object == SEL.ZDRContract]
    assert [q.layer for q in stated] == [str(first), str(second)]


def test_same_overlay_twice_is_an_error(base: Path, tmp_path: Path) -> None:
    contract = overlay(tmp_path, "contract.trig")
    with pytest.raises(KnowledgeBaseError, match="more than once"):
        load_knowledge_base([contract, contract], base_dir=base)


def test_fingerprint_is_stable_and_location_independent(tmp_path: Path) -> None:
    one = make_base(tmp_path / "one")
    two = make_base(tmp_path / "two")
    first = load_knowledge_base(base_dir=one).fingerprint
    assert first.startswith("sha256:") and len(first) == len("sha256:") + 64
    assert load_knowledge_base(base_dir=one).fingerprint == first
    assert load_knowledge_base(base_dir=two).fingerprint == first


def test_fingerprint_changes_with_any_byte_and_with_layers(base: Path, tmp_path: Path) -> None:
    before = load_knowledge_base(base_dir=base).fingerprint
    contract = overlay(tmp_path, "contract.trig")
    unsourced = overlay(tmp_path, "unsourced.ttl")
    with_overlays = load_knowledge_base([contract, unsourced], base_dir=base).fingerprint
    swapped = load_knowledge_base([unsourced, contract], base_dir=base).fingerprint
    assert len({before, with_overlays, swapped}) == 3
    edit(base / "kb" / "licences.trig", "Apache License 2.0", "Apache License 2.0 ")
    assert load_knowledge_base(base_dir=base).fingerprint != before


# --- errors: one line naming the file (and line), never a parser exception -------------


def _error(overlays: list[Path], base: Path) -> str:
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(overlays, base_dir=base)
    line = caught.value.one_line()
    assert "\n" not in line
    return line


def test_syntax_error_names_file_and_line(base: Path, tmp_path: Path) -> None:
    line = _error([overlay(tmp_path, "bad-syntax.trig")], base)
    assert line.startswith(f"{tmp_path / 'bad-syntax.trig'}:7: Turtle syntax error: expected '.'")


def test_undefined_prefix_is_named(base: Path, tmp_path: Path) -> None:
    line = _error([overlay(tmp_path, "undefined-prefix.trig")], base)
    assert line.startswith(f"{tmp_path / 'undefined-prefix.trig'}:5: undefined prefix 'provider:'")


def test_syntax_error_in_the_base_names_the_base_file(base: Path) -> None:
    edit(base / "kb" / "licences.trig", 'sel:spdxId "Apache-2.0" ;', 'sel:spdxId "Apache-2.0" ')
    line = _error([], base)
    assert line.startswith("ontology/kb/licences.trig:17: Turtle syntax error")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("missing.trig", None, "missing.trig: no such file"),
        ("folder.trig", "dir", "folder.trig: is a directory"),
        ("latin1.trig", b"# caf\xe9\n", "latin1.trig:1: not UTF-8 text"),
        ("facts.nt", b"", "facts.nt: unsupported file type '.nt'"),
        ("deep.ttl", b"[" * 100_000, "deep.ttl:"),
    ],
)
def test_unreadable_overlays(
    base: Path, tmp_path: Path, name: str, content: bytes | str | None, expected: str
) -> None:
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    assert _error([path], base).startswith(str(tmp_path / expected))


def test_huge_file_is_refused(base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load_module, "MAX_FILE_BYTES", 100)
    assert _error([], base).startswith("ontology/selector.ttl: file is too large")


def test_missing_base_folder(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="ontology folder not found"):
        load_knowledge_base(base_dir=tmp_path / "nowhere")
