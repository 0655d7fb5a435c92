"""``selector kb publish``: write a loaded knowledge base into a SPARQL 1.1 store, with its publication record.

The layout (:mod:`selector.kb.store`) keeps every fact in its source's named graph and
each layer and file distinguishable, so that :func:`selector.kb.endpoint.load_from_endpoint`
reads back the same knowledge base, with the same fingerprint.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from selector.errors import KnowledgeBaseError
from selector.kb import store
from selector.kb.load import KnowledgeBase
from selector.kb.sparql import endpoint, replace_dataset
from selector.kb.store import META_GRAPH, RECORD, STORE, st


@dataclass(frozen=True)
class Publication:
    """What a publication holds: N-Quads to store, and the counts and digests the record gives."""

    nquads: bytes
    statements: int
    graphs: int
    originals: int
    content_digest: str
    fingerprint: str


def publication(kb: KnowledgeBase) -> Publication:
    """The N-Quads (facts, source descriptions and publication record) that stand for the knowledge base."""
    if not kb.digests:
        raise KnowledgeBaseError("this knowledge base was not loaded from files; publish needs their digests")
    file_of = {name: i for i, (_, name, _) in enumerate(kb.digests)}
    owner: dict[Node, str] = {}
    graphs: dict[URIRef, tuple[str, Node | None, int]] = {}
    terms: dict[Node, object] = {}

    def term(node: Node, ours: bool = False):
        found = terms.get(node)
        if found is None:
            if not ours and isinstance(node, URIRef) and str(node).startswith((store.GENID, STORE)):
                raise KnowledgeBaseError(f"<{node}> is in a namespace the store layout reserves", file=_file_of(kb, node))
            found = terms[node] = store.to_ox(node)
        return found

    rows = []
    for quad in kb.quads:
        if quad.graph is None:
            stored = store.descriptions_graph(file_of[quad.file])
        elif owner.setdefault(quad.graph, quad.file) == quad.file:
            stored = quad.graph
        else:
            stored = store.shared_graph(file_of[quad.file], quad.graph)
        graphs.setdefault(stored, (quad.layer, quad.graph, file_of[quad.file]))
        rows.append((term(quad.subject), term(quad.predicate), quad.object, term(quad.object), term(stored, True)))

    canonical = store.canonical_literals(o for _, _, _, o, _ in rows if type(o) is ox.Literal)
    written: dict[str, set[tuple[str, str | None, str | None]]] = defaultdict(set)
    differs: set[str] = set()
    lines = []
    sent = []
    for s, p, original, o, g in rows:
        sent.append(store.line(s, p, o, g))
        if type(o) is ox.Literal:
            c = canonical[o]
            key = store.line(s, p, c, g)
            lines.append(key)
            assert isinstance(original, Literal)
            form = (str(original), str(original.datatype) if original.datatype else None, original.language)
            written[key].add(form)
            rebuilt = store.literal(c.value, c.datatype.value, c.language)
            if _form(rebuilt) != form:
                differs.add(key)
        else:
            lines.append(sent[-1])
    kept = {key: written[key] for key in sorted(differs)}
    statements = len(set(lines))
    lines += [store.written_line(key, *form) for key, forms in kept.items() for form in forms]
    digest = store.content_digest(lines)
    meta = _record(kb, graphs, kept, digest, statements)
    body = "\n".join(sent + meta) + "\n"
    return Publication(body.encode("utf-8"), statements, len(graphs), len(differs), digest, kb.fingerprint)


def publish(kb: KnowledgeBase, url: str, timeout: float | None = None) -> Publication:
    """Replace the store's content at the endpoint with this knowledge base; raises a one-line KnowledgeBaseError."""
    target = endpoint(url)
    made = publication(kb)
    replace_dataset(target, made.nquads, timeout)
    return made


def _form(value: Literal) -> tuple[str, str | None, str | None]:
    return (str(value), str(value.datatype) if value.datatype else None, value.language)


def _file_of(kb: KnowledgeBase, node: Node) -> str | None:
    return next((q.file for q in kb.quads if node in (q.subject, q.predicate, q.object, q.graph)), None)


def _record(kb: KnowledgeBase, graphs, originals, digest: str, statements: int) -> list[str]:
    """The publication record's N-Quads lines: links as IRIs, every value a plain string (which no store rewrites)."""
    meta = ox.NamedNode(str(META_GRAPH))
    out: list[str] = []

    def add(subject: URIRef, name: str, value) -> None:
        obj = ox.NamedNode(str(value)) if isinstance(value, URIRef) else ox.Literal(value)
        out.append(store.line(ox.NamedNode(str(subject)), ox.NamedNode(str(st(name))), obj, meta))

    add(RECORD, "format", store.FORMAT)
    add(RECORD, "fingerprint", kb.fingerprint)
    add(RECORD, "contentDigest", digest)
    add(RECORD, "statements", str(statements))
    layer_of = {}
    for i, layer in enumerate(kb.layers):
        layer_of[layer] = store.layer_iri(i)
        add(layer_of[layer], "index", str(i))
        add(layer_of[layer], "name", layer)
    for i, (layer, name, sha256) in enumerate(kb.digests):
        add(store.file_iri(i), "index", str(i))
        add(store.file_iri(i), "layer", layer_of[layer])
        add(store.file_iri(i), "name", name)
        add(store.file_iri(i), "sha256", sha256)
    for stored, (layer, source, file_index) in graphs.items():
        add(stored, "layer", layer_of[layer])
        add(stored, "file", store.file_iri(file_index))
        if source is not None:
            add(stored, "sourceGraph", source)
    n = 0
    for key, forms in originals.items():
        for lexical, datatype, language in sorted(forms, key=str):
            node = URIRef(f"{STORE}written/{n}")
            n += 1
            add(node, "key", key)
            add(node, "lexical", lexical)
            if datatype:
                add(node, "datatype", datatype)
            if language:
                add(node, "language", language)
    return out
