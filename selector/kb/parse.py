"""Parsing one knowledge-base file (TriG or Turtle) into statements, with one-line errors.

A fast path (pyoxigraph) reads the usual file; rdflib, the reference parser, reads
the rest and words the errors (file, line, problem).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node, _is_valid_uri

from selector.errors import KnowledgeBaseError

ONTOLOGY_GRAPH = URIRef("https://w3id.org/selector/ns")
"""The named graph holding the ontology's own triples (layer ``ontology``)."""

ONTOLOGY_LAYER = "ontology"
CATALOG_LAYER = "catalog"
BASE_LAYER = "base"
SHIPPED_LAYERS = frozenset({ONTOLOGY_LAYER, CATALOG_LAYER, BASE_LAYER})
"""The layers that ship with selector; every other layer is an overlay a user gave."""

MAX_FILE_BYTES = 50 * 1024 * 1024
"""Largest input file accepted (50 MB); larger files are refused unread."""

ONTOLOGY_FILE = "selector.ttl"
KB_FOLDER = "kb"
CATALOG_FOLDER = "catalog"
"""Folder under ``kb/`` holding the generated catalog layer (``selector kb import``)."""

_FORMATS = {".trig": "trig", ".ttl": "turtle"}


@dataclass(frozen=True)
class Input:
    """One file to load: its layer, path, name in messages, format, and the graph a Turtle file's triples land in."""

    layer: str
    path: Path
    shown: str  # name in messages
    fmt: str
    graph: URIRef | None  # where a Turtle file's triples land (None = default graph)


_PREFIX_NOT_BOUND = re.compile(r'Prefix "([^"]*)" not bound')


def parse_quads(item: Input, data: bytes) -> list[tuple[Node, Node, Node, Node | None]]:
    """The statements of one file, in a stable order, as (subject, predicate, object, graph).

    Raises KnowledgeBaseError (one line, naming the file and line) for text that is
    not UTF-8, does not parse, nests too deeply, or names an IRI that is not valid.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise KnowledgeBaseError(
            f"not UTF-8 text (byte 0x{data[error.start]:02x})", file=item.shown, line=line
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    base = item.path.resolve().as_uri()
    raw = _parse_fast(item, text, base)
    if raw is None:
        raw = _parse_rdflib(item, text, base)
    raw.sort(key=quad_sort_key)
    checked: set[URIRef] = set()
    for term in (t for quad in raw for t in quad if isinstance(t, URIRef) and t not in checked):
        if not _is_valid_uri(term):
            at = text.find(str(term))
            line = text.count("\n", 0, at) + 1 if at >= 0 else None
            raise KnowledgeBaseError(
                f"not a valid IRI: <{_shorten(str(term), 80)}>",
                file=item.shown,
                line=line,
                hint="IRIs may not contain spaces, quotes, braces or angle brackets",
            )
        checked.add(term)
    return raw


def _parse_rdflib(item: Input, text: str, base: str) -> list[tuple[Node, Node, Node, Node | None]]:
    """Parse with rdflib: the reference parser, whose errors name the line and the problem."""
    try:
        with _quiet_literal_warnings():
            if item.fmt == "trig":
                parsed = Dataset()
                parsed.parse(data=text, format="trig", publicID=base)
                return [
                    (s, p, o, None if g == DATASET_DEFAULT_GRAPH_ID else g)
                    for s, p, o, g in parsed.quads((None, None, None, None))
                ]
            graph = Graph()
            graph.parse(data=text, format="turtle", publicID=base)
            return [(s, p, o, item.graph) for s, p, o in graph]
    except BadSyntax as error:
        raise _syntax_error(item, error) from None
    except RecursionError:
        raise KnowledgeBaseError("nested too deeply to parse", file=item.shown) from None
    except Exception as error:  # rdflib raises many kinds; none may escape
        detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
        problem = f"cannot parse as {'TriG' if item.fmt == 'trig' else 'Turtle'}"
        if detail:
            problem += f": {_shorten(detail)}"
        raise KnowledgeBaseError(problem, file=item.shown) from None


#: A literal typed xsd:string explicitly: rdflib keeps the type, RDF 1.1 parsers drop it.
_EXPLICIT_STRING = re.compile(rb"\^\^\s*(?:[A-Za-z0-9_.-]*:string\b|<[^>]*#string>)")
#: A language tag with capitals: rdflib keeps them as written, pyoxigraph lowers them.
_CAPITAL_LANGUAGE = re.compile(rb"[\"']@[A-Za-z0-9-]*[A-Z]")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def _parse_fast(item: Input, text: str, base: str) -> list[tuple[Node, Node, Node, Node | None]] | None:
    """Parse with pyoxigraph (ten times faster on large files) into the terms rdflib would make.

    Returns None whenever the file is not plainly well-formed, so that rdflib parses it
    and reports the problem exactly as it always has; also when pyoxigraph is missing
    or the file types a literal xsd:string explicitly or writes a language tag in
    capitals (rdflib keeps both as written).
    """
    try:
        import pyoxigraph as ox  # imported here to keep start-up fast (and it may be missing)
    except ImportError:
        return None
    data = text.encode("utf-8")
    if _EXPLICIT_STRING.search(data) or _CAPITAL_LANGUAGE.search(data):
        return None
    named: dict[str, URIRef] = {}
    blank: dict[str, BNode] = {}
    literals: dict[tuple, Literal] = {}
    prefix = "f" + hashlib.sha256(item.shown.encode("utf-8") + b"\0" + data).hexdigest()[:12] + "b"

    def term(node) -> Node:
        kind = type(node)
        if kind is ox.NamedNode:
            value = node.value
            found = named.get(value)
            if found is None:
                found = named[value] = URIRef(value)
            return found
        if kind is ox.BlankNode:
            found_blank = blank.get(node.value)
            if found_blank is None:
                found_blank = blank[node.value] = BNode(f"{prefix}{len(blank)}")
            return found_blank
        if kind is ox.Literal:
            datatype = node.datatype.value
            key = (node.value, datatype, node.language)
            made = literals.get(key)
            if made is None:
                if node.language is not None:
                    made = Literal(node.value, lang=node.language)
                elif datatype == _XSD_STRING:
                    made = Literal(node.value)
                else:
                    made = Literal(node.value, datatype=named.get(datatype) or URIRef(datatype))
                    if made.ill_typed:  # keep what was written ("yes"), not rdflib's normal form of it ("false")
                        made = Literal(node.value, datatype=made.datatype, normalize=False)
                literals[key] = made
            return made
        raise ValueError(f"unsupported term {kind.__name__}")

    fmt = ox.RdfFormat.TRIG if item.fmt == "trig" else ox.RdfFormat.TURTLE
    raw: list[tuple[Node, Node, Node, Node | None]] = []
    try:
        with _quiet_literal_warnings():
            for quad in ox.parse(data, format=fmt, base_iri=base):
                graph = quad.graph_name
                if item.fmt != "trig":
                    where = item.graph
                elif type(graph) is ox.DefaultGraph:
                    where = None
                else:
                    where = term(graph)
                raw.append((term(quad.subject), term(quad.predicate), term(quad.object), where))
    except Exception:  # not plainly well-formed: rdflib will say what is wrong
        return None
    if _blank_depth(raw) > _PLAIN_DEPTH:
        return None  # deep nesting: rdflib decides whether it can be read, as it always has
    # Literals that differ only in how they were written ("1.50", "1.5") are one statement.
    return list(dict.fromkeys(raw))


#: Blank-node nesting this deep or less is read the same by both parsers.
_PLAIN_DEPTH = 64


def _blank_depth(raw: list[tuple[Node, Node, Node, Node | None]]) -> int:
    """The longest chain of blank nodes, each the object of the one before ([ [ [ ... or ( ( ( ...)."""
    children: dict[Node, list[Node]] = {}
    for s, _, o, _ in raw:
        if isinstance(s, BNode) and isinstance(o, BNode):
            children.setdefault(s, []).append(o)
    depth: dict[Node, int] = {}
    deepest = 0
    for start in children:
        if start in depth:
            continue
        stack = [(start, iter(children.get(start, ())))]
        on_path = {start}
        while stack:
            node, pending = stack[-1]
            child = next(pending, None)
            if child is None:
                stack.pop()
                on_path.discard(node)
                depth[node] = 1 + max((depth.get(c, 0) for c in children.get(node, ()) if c not in on_path), default=0)
                deepest = max(deepest, depth[node])
            elif child not in depth and child not in on_path:
                on_path.add(child)
                stack.append((child, iter(children.get(child, ()))))
    return deepest


def _syntax_error(item: Input, error: BadSyntax) -> KnowledgeBaseError:
    why = str(getattr(error, "_why", "") or "unreadable statement")
    position = getattr(error, "_i", None)
    source = getattr(error, "_str", None)
    if isinstance(source, bytes) and isinstance(position, int):
        line = source[:position].count(b"\n") + 1
    else:
        line = int(getattr(error, "lines", 0)) + 1
    unbound = _PREFIX_NOT_BOUND.search(why)
    if unbound:
        problem = f"undefined prefix '{unbound.group(1)}'"
        hint = "declare it with @prefix"
    else:
        problem = f"Turtle syntax error: {_shorten(why)}"
        hint = None
    return KnowledgeBaseError(problem, file=item.shown, line=line, hint=hint)


def _shorten(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def quad_sort_key(quad: tuple[Node, Node, Node, Node | None]) -> tuple[str, ...]:
    """The order statements of one file are kept in: graph, subject, predicate, object, by kind and text."""
    return tuple("" if t is None else f"{type(t).__name__}:{t}" for t in (quad[3], quad[0], quad[1], quad[2]))


class _DropLiteralWarnings(logging.Filter):
    """Drops rdflib's warning about ill-typed literals; validation reports them instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return "Failed to convert Literal lexical form" not in message and "does not look like a valid URI" not in message


@contextlib.contextmanager
def _quiet_literal_warnings() -> Iterator[None]:
    """Rdflib's complaints about odd literals ("yes" as a boolean) stay off stderr: validation names them."""
    logger = logging.getLogger("rdflib.term")
    quiet = _DropLiteralWarnings()
    logger.addFilter(quiet)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            yield
    finally:
        logger.removeFilter(quiet)
