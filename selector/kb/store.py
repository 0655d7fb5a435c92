"""How a knowledge base is laid out in a SPARQL 1.1 store, shared by ``kb publish`` and ``--kb-endpoint``.

Every fact stays in its named graph (its source). When several files state facts in
one source graph (the generated catalog splits a source across files, an overlay may
add to a shipped source), the first file's part keeps the graph's name and each later
file's part is stored as ``.../store/graph/FILE/DIGEST``, recorded with the source
graph it stands for: the files' statements stay apart, so the reader puts each back
in its layer, file and order, as the files gave them. Each
file's source descriptions (its default graph) go to a graph of their own
(``.../store/descriptions/FILE``). The publication record, in the graph
:data:`META_GRAPH`, holds the layers in order, each file (layer, name, SHA-256 of its
bytes), each stored graph's layer, source graph and file, the knowledge base's
fingerprint and a digest of the stored content.

A store rewrites literals to its canonical forms (Oxigraph reads ``30.0`` as ``30``,
``"1"^^xsd:boolean`` as ``true``). Both sides canonicalise every literal the way
Oxigraph does (:func:`canonical_literals`), so the content digest does not depend on
whether a store rewrites; the record keeps each literal whose written form the
canonical form would lose, keyed by its canonical statement, and the reader puts the
written form back (the digest covers those written forms too). Blank nodes are stored as skolem IRIs (``/.well-known/genid/``,
RDF 1.1 section 3.5) carrying their label, and read back as the same blank nodes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from urllib.parse import quote, unquote

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

FORMAT = "selector-store-1"
"""The layout version written in every publication record; a reader refuses any other."""

STORE = "https://w3id.org/selector/store/"
ST = "https://w3id.org/selector/store#"
META_GRAPH = URIRef(STORE + "publication")
"""The named graph holding the publication record."""
RECORD = URIRef(STORE + "publication#record")
GENID = "https://w3id.org/selector/.well-known/genid/"
"""Prefix of the skolem IRIs that stand for blank nodes in the store."""

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def st(name: str) -> URIRef:
    """A term of the store vocabulary (``https://w3id.org/selector/store#NAME``)."""
    return URIRef(ST + name)


def layer_iri(index: int) -> URIRef:
    """The IRI of the layer at this position (0 = ontology) in the publication record."""
    return URIRef(f"{STORE}layer/{index}")


def file_iri(index: int) -> URIRef:
    """The IRI of the file at this position in load order, in the publication record."""
    return URIRef(f"{STORE}file/{index}")


def descriptions_graph(index: int) -> URIRef:
    """The stored graph holding the source descriptions (default graph) of the file at this position."""
    return URIRef(f"{STORE}descriptions/{index}")


def shared_graph(index: int, graph: URIRef) -> URIRef:
    """The stored name of the part of a source graph that the file at this position states, when an earlier file uses it too."""
    return URIRef(f"{STORE}graph/{index}/{hashlib.sha256(str(graph).encode('utf-8')).hexdigest()[:32]}")


def to_ox(term: Node):
    """The pyoxigraph term for an rdflib term; a blank node becomes its skolem IRI."""
    if isinstance(term, BNode):
        return ox.NamedNode(GENID + quote(str(term), safe=""))
    if isinstance(term, Literal):
        if term.language is not None:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    return ox.NamedNode(str(term))


def from_ox(term, named: dict[str, Node]) -> Node:
    """The rdflib term for a pyoxigraph one, as the file loader makes it; a skolem IRI becomes its blank node."""
    kind = type(term)
    if kind is ox.NamedNode:
        value = term.value
        found = named.get(value)
        if found is None:
            found = named[value] = BNode(unquote(value[len(GENID):])) if value.startswith(GENID) else URIRef(value)
        return found
    if kind is ox.Literal:
        return literal(term.value, term.datatype.value, term.language)
    raise ValueError(f"unexpected {kind.__name__} in the store")


def literal(lexical: str, datatype: str | None, language: str | None) -> Literal:
    """An rdflib literal as the file loader makes it from a parsed lexical form, datatype and language."""
    if language:
        return Literal(lexical, lang=language)
    if not datatype or datatype == _XSD_STRING:
        return Literal(lexical)
    made = Literal(lexical, datatype=URIRef(datatype))
    if made.ill_typed:  # what was written ("yes"), not rdflib's normal form of it
        made = Literal(lexical, datatype=made.datatype, normalize=False)
    return made


def canonical_literals(literals: Iterable) -> dict:
    """Each pyoxigraph literal and its canonical form: what an Oxigraph store gives back for it."""
    unique = list(dict.fromkeys(literals))
    scratch = ox.Store()
    predicate = ox.NamedNode(ST + "value")
    scratch.extend(ox.Quad(ox.NamedNode(f"{STORE}scratch/{i}"), predicate, value) for i, value in enumerate(unique))
    canonical = {}
    for quad in scratch.quads_for_pattern(None, predicate, None, None):
        canonical[int(quad.subject.value.rsplit("/", 1)[1])] = quad.object
    return {value: canonical.get(i, value) for i, value in enumerate(unique)}


def line(subject, predicate, obj, graph) -> str:
    """One statement as an N-Quads line (pyoxigraph terms)."""
    return f"{subject} {predicate} {obj} {graph} ."


def written_line(key: str, lexical: str, datatype: str | None, language: str | None) -> str:
    """The line a literal's written form adds to the content digest, beside its canonical statement ``key``."""
    return "written\t" + key + "\t" + json.dumps([lexical, datatype, language], ensure_ascii=True)


def content_digest(lines: Iterable[str]) -> str:
    """The digest of stored statements (canonical N-Quads lines), whatever their order or repeats."""
    digest = hashlib.sha256()
    for text in sorted(set(lines)):
        digest.update(text.encode("utf-8") + b"\n")
    return "sha256:" + digest.hexdigest()
