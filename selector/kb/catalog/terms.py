"""The RDF terms the importer writes: knowledge-base IRIs and typed literals, each made one way.

Literals are built with the lexical form the TriG writer prints, so that what is
written reads back as the same term.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import Literal, URIRef

from selector.kb.namespaces import KB, SEL, XSD

_SPACES = {
    "model": "model/",
    "provider": "provider/",
    "offering": "offering/",
    "target": "target/",
    "party": "org/",
    "source": "source/",
}

_MODALITIES = {"text": SEL.Text, "image": SEL.Image, "audio": SEL.Audio, "video": SEL.Video, "pdf": SEL.Pdf}


def node(kind: str, local: str) -> URIRef:
    """A knowledge-base IRI: ``node("model", "gpt-5.4")`` is ``model:gpt-5.4``."""
    return URIRef(KB + _SPACES[kind] + local)


def integer(value: int) -> Literal:
    """An xsd:integer literal (token counts)."""
    return Literal(str(int(value)), datatype=XSD.integer)


def decimal(value: Decimal) -> Literal:
    """An xsd:decimal literal with at least one digit after the point (prices: 2.5, 15.0)."""
    text = format(Decimal(value).normalize(), "f")
    if "." not in text:
        text += ".0"
    return Literal(text, datatype=XSD.decimal)


def boolean(value: bool) -> Literal:
    """An xsd:boolean literal."""
    return Literal("true" if value else "false", datatype=XSD.boolean)


def day(value: str) -> Literal:
    """An xsd:date literal from an ISO date string."""
    return Literal(value, datatype=XSD.date)


def modality(kind: str) -> URIRef | None:
    """The ontology's modality for a catalog's modality word, or None for a word it has no term for."""
    return _MODALITIES.get(kind.lower())
