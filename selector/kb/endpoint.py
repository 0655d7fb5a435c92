"""``--kb-endpoint``: read the knowledge base that ``selector kb publish`` wrote into a SPARQL 1.1 store.

The reader asks two constant SELECT queries (the publication record, then every
statement in a named graph), canonicalises each literal as the publisher did, and
recomputes the content digest of what it got. It refuses, in one line, a store that
holds no record, a record of another layout, and content whose digest or whose files'
fingerprint differs from the record: a store changed behind the record's back, or
read half-published, never decides anything. What it returns is the knowledge base
the files gave: the same layers, statements (each in its layer, graph and file, with
the literals as written), sources and fingerprint; only ``files`` (local paths) is
empty, the files being named in ``digests``.
"""

from __future__ import annotations

from collections import defaultdict
from types import MappingProxyType

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from selector.errors import KnowledgeBaseError
from selector.gcpause import collector_paused
from selector.kb import store
from selector.kb.load import KnowledgeBase, Quad, fingerprint_of, sources_of
from selector.kb.namespaces import SEL
from selector.kb.parse import quad_sort_key
from selector.kb.sparql import Endpoint, endpoint, select_tsv
from selector.kb.store import META_GRAPH, RECORD

_RECORD_QUERY = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{META_GRAPH}> {{ ?s ?p ?o }} }}"
_DATA_QUERY = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
_HINT = "publish it first: selector kb publish --endpoint URL"


def load_from_endpoint(url: str, *, record: "Record | None" = None, timeout: float | None = None) -> KnowledgeBase:
    """The knowledge base published at a SPARQL endpoint (the server's base URL), checked against its record.

    Raises a one-line KnowledgeBaseError naming the endpoint when it cannot be reached,
    answers an HTTP error, holds no publication record, or holds content that does
    not match it. ``record`` is the one :func:`publication_record` read, when read already.
    """
    target = endpoint(url)
    if record is None:
        record = publication_record(url, timeout=timeout)
    rows = _solutions(target, select_tsv(target, _DATA_QUERY, timeout), ("g", "s", "p", "o"))
    with collector_paused():
        return _rebuild(target, record, rows)


def publication_record(url: str, *, timeout: float | None = None) -> "Record":
    """The publication record at a SPARQL endpoint (one small query), checked to add up; raises one line."""
    target = endpoint(url)
    triples = _solutions(target, select_tsv(target, _RECORD_QUERY, timeout), ("s", "p", "o"))
    try:
        return Record(target, triples)
    except (KeyError, ValueError) as error:
        raise KnowledgeBaseError(f"the store's publication record is damaged ({error})", file=target.base,
                                 hint="publish it again") from None


class Record:
    """A publication record as read: layers, files, stored graphs, written literal forms, digests.

    ``identity`` names the published content (fingerprint and content digest): two
    records with equal identities stand for the same knowledge base.
    """

    def __init__(self, target: Endpoint, triples: list[tuple]) -> None:
        about: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for s, p, o in triples:
            if type(s) is ox.NamedNode and type(p) is ox.NamedNode and p.value.startswith(store.ST):
                about[s.value][p.value[len(store.ST):]].append(o)
        self.target = target
        top = about.get(str(RECORD), {})
        if not top:
            raise KnowledgeBaseError("the store holds no knowledge base published by selector", file=target.base, hint=_HINT)
        found = _text(top, "format")
        if found != store.FORMAT:
            raise KnowledgeBaseError(f"the store's publication record is in format '{found}', not '{store.FORMAT}'",
                                     file=target.base, hint="publish it again with this version of selector")
        self.fingerprint = _text(top, "fingerprint")
        self.digest = _text(top, "contentDigest")
        self.identity = f"{store.FORMAT} {self.fingerprint} {self.digest}"
        layers, files, graphs, self.written = {}, {}, {}, defaultdict(list)
        self.written_lines: list[str] = []
        for subject, values in about.items():
            if subject.startswith(store.STORE + "layer/"):
                layers[subject] = (int(_text(values, "index")), _text(values, "name"))
            elif subject.startswith(store.STORE + "file/"):
                files[subject] = (int(_text(values, "index")), _node(values, "layer"), _text(values, "name"),
                                  _text(values, "sha256"))
            elif subject.startswith(store.STORE + "written/"):
                datatype = _text(values, "datatype", required=False)
                language = _text(values, "language", required=False)
                key, lexical = _text(values, "key"), _text(values, "lexical")
                self.written[key].append(store.literal(lexical, datatype, language))
                self.written_lines.append(store.written_line(key, lexical, datatype, language))
            elif "layer" in values:
                graphs[subject] = (_node(values, "layer"), _node(values, "file"),
                                   _node(values, "sourceGraph", required=False))
        self.layers = tuple(name for _, name in sorted(layers.values()))
        layer_name = {iri: name for iri, (_, name) in layers.items()}
        ordered = sorted(files.items(), key=lambda item: item[1][0])
        self.files = tuple((layer_name[layer], name, sha256) for _, (_, layer, name, sha256) in ordered)
        file_rank = {iri: (index, layer_name[layer], name) for iri, (index, layer, name, _) in ordered}
        #: Each stored graph: its file's position, layer, file name, and the source graph it stands for.
        self.graphs = {g: (*file_rank[f], URIRef(source) if source else None) for g, (_, f, source) in graphs.items()}
        if fingerprint_of(self.layers, self.files) != self.fingerprint:
            raise KnowledgeBaseError("the store's publication record does not add up: its files' digests do not give "
                                     "its fingerprint", file=target.base, hint="publish it again")


def _text(values: dict, name: str, *, required: bool = True) -> str | None:
    found = values.get(name)
    if not found:
        if required:
            raise KeyError(f"no '{name}'")
        return None
    return found[0].value


def _node(values: dict, name: str, *, required: bool = True) -> str | None:
    return _text(values, name, required=required)


def _solutions(target: Endpoint, data: bytes, names: tuple[str, ...]) -> list[tuple]:
    try:
        results = ox.parse_query_results(data, format=ox.QueryResultsFormat.TSV)
        return [tuple(solution[name] for name in names) for solution in results]
    except Exception as error:  # pyoxigraph raises several kinds for a body that is not TSV results
        raise KnowledgeBaseError(f"the endpoint's answer is not SPARQL TSV results ({str(error)[:120]})",
                                 file=target.base, hint="is this a SPARQL 1.1 server's base URL?") from None


def _rebuild(target: Endpoint, record: Record, rows: list[tuple]) -> KnowledgeBase:
    wanted = [row for row in rows if type(row[0]) is ox.NamedNode and row[0].value in record.graphs]
    canonical = store.canonical_literals(o for _, _, _, o in wanted if type(o) is ox.Literal)
    named: dict[str, Node] = {}
    lines, placed = [], []
    for g, s, p, o in wanted:
        c = canonical.get(o, o)
        key = store.line(s, p, c, g)
        lines.append(key)
        index, layer, file, source = record.graphs[g.value]
        subject, predicate = store.from_ox(s, named), store.from_ox(p, named)
        graph = None if source is None else named.setdefault(str(source), source)
        objects = record.written.get(key) or [store.from_ox(c, named)]
        for obj in objects:
            placed.append((index, Quad(subject, predicate, obj, graph, layer, file)))
    if store.content_digest(lines + record.written_lines) != record.digest:
        raise KnowledgeBaseError("the store's content does not match its publication record (changed since it was "
                                 "published, or being published now)", file=target.base, hint="publish it again")
    placed.sort(key=lambda item: (item[0], quad_sort_key((item[1].subject, item[1].predicate, item[1].object,
                                                             item[1].graph))))
    quads = tuple(quad for _, quad in placed)
    first_layer: dict[URIRef, str] = {}
    for quad in quads:
        if quad.graph is None and quad.predicate == RDF.type and quad.object == SEL.Source and isinstance(quad.subject,
                                                                                                          URIRef):
            first_layer.setdefault(quad.subject, quad.layer)
    return KnowledgeBase(
        layers=record.layers,
        files=(),  # read from a store, not from files: ``digests`` names them
        quads=quads,
        sources=MappingProxyType(sources_of(quads, first_layer)),
        fingerprint=record.fingerprint,
        digests=record.files,
    )
