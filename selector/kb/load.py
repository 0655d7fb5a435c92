"""Loading the knowledge base: the shipped base and the user's overlays, layer by layer.

The base is the ontology (``ontology/selector.ttl``, kept in its own graph), the
generated catalog files under ``ontology/kb/catalog/`` (layer ``catalog``) and every
other TriG file under ``ontology/kb/`` (the hand-curated layer ``base``, which
overrides the catalog's statements); each overlay file the user gives is a layer of
its own, stacked on top in the order given. Every quad remembers its layer and file, and
every source described in a default graph becomes a :class:`Source`, so an
explanation can say where and when a fact came from and which layer stated it.

Any problem with an input file is a :class:`~selector.errors.KnowledgeBaseError`
carrying one line (``FILE:LINE: problem``); no parser exception escapes.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, RDF, XSD
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node, _is_valid_uri

from selector.errors import KnowledgeBaseError
from selector.files import NotRegularFile, TooLarge, read_bounded
from selector.gcpause import collector_paused
from selector.kb.namespaces import SEL
from selector.paths import ontology_dir

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
class Quad:
    """One statement as a file made it: triple, named graph (None = default graph), layer and file.

    ``file`` is the file's name as shown to people (``ontology/kb/models/meta.trig``
    for the base, the path as given for an overlay).
    """

    subject: Node
    predicate: URIRef
    object: Node
    graph: Node | None
    layer: str
    file: str = ""


@dataclass(frozen=True)
class Source:
    """A source document that facts were taken from, and the date they were true as of.

    ``url`` is the ``dcterms:source`` value (a URL, or a title and edition for a
    document without one); ``layer`` is the first layer that describes the source.
    """

    iri: URIRef
    url: str | None
    title: str | None
    as_of: date | None
    secondary: bool
    layer: str


@dataclass(frozen=True, eq=False)
class KnowledgeBase:
    """A loaded knowledge base: every quad with its layer, file and source, and the merged dataset.

    Treat it as immutable: the dataset is shared by everything that reads it. Two
    loads are told apart by identity (hashable, usable as a cache key); compare
    ``fingerprint`` to know whether they were loaded from the same bytes.
    """

    layers: tuple[str, ...]
    files: tuple[tuple[str, Path], ...]
    quads: tuple[Quad, ...]
    sources: Mapping[URIRef, Source]
    fingerprint: str

    @cached_property
    def dataset(self) -> Dataset:
        """Every quad in one rdflib dataset, for validation and statistics (built the first time it is read)."""
        dataset = Dataset()
        graphs: dict[Node, Graph] = {}
        for quad in self.quads:
            name = DATASET_DEFAULT_GRAPH_ID if quad.graph is None else quad.graph
            graph = graphs.get(name)
            if graph is None:
                graph = graphs[name] = dataset.graph(name)
            graph.add((quad.subject, quad.predicate, quad.object))
        return dataset


@dataclass(frozen=True)
class _Input:
    layer: str
    path: Path
    shown: str  # name in messages
    fmt: str
    graph: URIRef | None  # where a Turtle file's triples land (None = default graph)


def load_knowledge_base(
    overlays: Sequence[Path] = (), *, base_dir: Path | None = None
) -> KnowledgeBase:
    """Load the base knowledge base and the given overlay files into one :class:`KnowledgeBase`.

    ``base_dir`` is the ontology folder (default: the shipped one) holding
    ``selector.ttl`` and ``kb/**/*.trig``; files under ``kb/catalog/`` are the
    ``catalog`` layer, below the curated ``base`` layer. Each overlay (``.trig`` or ``.ttl``) is a
    layer named by its file name, or by its path as given when two overlays share a
    name. Raises :class:`KnowledgeBaseError` with one line for any unreadable or
    malformed file.
    """
    inputs = _base_inputs(Path(base_dir) if base_dir is not None else ontology_dir())
    inputs += _overlay_inputs([Path(p) for p in overlays])
    with collector_paused():
        return _load(inputs)


def _load(inputs: list[_Input]) -> KnowledgeBase:
    quads: list[Quad] = []
    contents: dict[str, list[bytes]] = {}
    first_layer: dict[URIRef, str] = {}
    for item in inputs:
        data = _read(item)
        contents.setdefault(item.layer, []).append(hashlib.sha256(data).digest())
        file_quads = _parse(item, data)
        for quad in file_quads:
            if (
                quad.graph is None
                and quad.predicate == RDF.type
                and quad.object == SEL.Source
                and isinstance(quad.subject, URIRef)
            ):
                first_layer.setdefault(quad.subject, item.layer)
        quads.extend(file_quads)

    layers = tuple(dict.fromkeys(item.layer for item in inputs))
    # The fingerprint is of content: each layer's name and its files' bytes, whatever
    # the files are called or the order they are read in.
    digest = hashlib.sha256()
    for layer in layers:
        digest.update(layer.encode("utf-8") + b"\0")
        for file_digest in sorted(contents[layer]):
            digest.update(file_digest)
    return KnowledgeBase(
        layers=layers,
        files=tuple((item.layer, item.path) for item in inputs),
        quads=tuple(quads),
        sources=MappingProxyType(_sources(quads, first_layer)),
        fingerprint="sha256:" + digest.hexdigest(),
    )


def _base_inputs(base_dir: Path) -> list[_Input]:
    shown_root = base_dir.name or str(base_dir)
    if not base_dir.is_dir():
        raise KnowledgeBaseError("ontology folder not found", file=base_dir)
    ontology = base_dir / ONTOLOGY_FILE
    inputs = [
        _Input(
            ONTOLOGY_LAYER,
            ontology,
            f"{shown_root}/{ONTOLOGY_FILE}",
            "turtle",
            ONTOLOGY_GRAPH,
        )
    ]
    kb_dir = base_dir / KB_FOLDER
    if kb_dir.is_dir():
        found = sorted(
            (path for path in kb_dir.rglob("*.trig") if path.is_file()),
            key=lambda path: path.relative_to(base_dir).as_posix(),
        )
        # The catalog layer is read first: layers stack in the order they are read.
        catalog = [p for p in found if p.relative_to(kb_dir).parts[0] == CATALOG_FOLDER]
        curated = [p for p in found if p.relative_to(kb_dir).parts[0] != CATALOG_FOLDER]
        for layer, paths in ((CATALOG_LAYER, catalog), (BASE_LAYER, curated)):
            for path in paths:
                relative = path.relative_to(base_dir).as_posix()
                inputs.append(_Input(layer, path, f"{shown_root}/{relative}", "trig", None))
    return inputs


def _overlay_inputs(paths: list[Path]) -> list[_Input]:
    seen: dict[Path, Path] = {}
    for path in paths:
        key = path.resolve()
        if key in seen:
            raise KnowledgeBaseError("overlay given more than once", file=path)
        seen[key] = path
    name_count: dict[str, int] = {}
    for path in paths:
        name_count[path.name] = name_count.get(path.name, 0) + 1
    inputs = []
    for path in paths:
        fmt = _FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise KnowledgeBaseError(
                f"unsupported file type '{path.suffix or path.name}'",
                file=path,
                hint="an overlay is a .trig (TriG) or .ttl (Turtle) file",
            )
        layer = path.name if name_count[path.name] == 1 else str(path)
        inputs.append(_Input(layer, path, str(path), fmt, None))
    return inputs


def _read(item: _Input) -> bytes:
    try:
        return read_bounded(item.path, MAX_FILE_BYTES)
    except FileNotFoundError:
        raise KnowledgeBaseError("no such file", file=item.shown) from None
    except IsADirectoryError:
        raise KnowledgeBaseError("is a directory, not a .trig or .ttl file", file=item.shown) from None
    except NotRegularFile:
        raise KnowledgeBaseError(
            "not a regular file (a pipe, device or socket)", file=item.shown, hint="give a .trig or .ttl file"
        ) from None
    except TooLarge as error:
        raise KnowledgeBaseError(_too_large(error.size), file=item.shown) from None
    except OSError as error:
        raise KnowledgeBaseError(
            f"cannot read file: {error.strerror or error}", file=item.shown
        ) from None


def _too_large(size: int) -> str:
    def amount(n: int) -> str:
        return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n} bytes"

    return f"file is too large ({amount(size)}; the limit is {amount(MAX_FILE_BYTES)})"


_PREFIX_NOT_BOUND = re.compile(r'Prefix "([^"]*)" not bound')


def _parse(item: _Input, data: bytes) -> list[Quad]:
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
    raw.sort(key=_quad_sort_key)
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
    return [Quad(s, p, o, g, item.layer, item.shown) for s, p, o, g in raw]


def _parse_rdflib(item: _Input, text: str, base: str) -> list[tuple[Node, Node, Node, Node | None]]:
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


def _parse_fast(item: _Input, text: str, base: str) -> list[tuple[Node, Node, Node, Node | None]] | None:
    """Parse with pyoxigraph (ten times faster on large files) into the terms rdflib would make.

    Returns None whenever the file is not plainly well-formed, so that rdflib parses it
    and reports the problem exactly as it always has; also when pyoxigraph is missing
    or the file types a literal xsd:string explicitly or writes a language tag in
    capitals (rdflib keeps both as written).
    """
    try:
        import pyoxigraph as ox
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


def _syntax_error(item: _Input, error: BadSyntax) -> KnowledgeBaseError:
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


def _quad_sort_key(quad: tuple[Node, Node, Node, Node | None]) -> tuple[str, ...]:
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


def _sources(quads: Sequence[Quad], first_layer: dict[URIRef, str]) -> dict[URIRef, Source]:
    described: dict[tuple[Node, Node], set[Node]] = {}
    wanted = (DCTERMS.source, DCTERMS.title, SEL.asOf, SEL.secondary)
    for quad in quads:
        if quad.graph is None and quad.subject in first_layer and quad.predicate in wanted:
            described.setdefault((quad.subject, quad.predicate), set()).add(quad.object)
    sources = {}
    for iri in sorted(first_layer):
        url = _first(described.get((iri, DCTERMS.source), ()))
        title = _first(described.get((iri, DCTERMS.title), ()))
        as_of = None
        for value in sorted(described.get((iri, SEL.asOf), ()), key=str):
            if isinstance(value, Literal) and value.datatype == XSD.date:
                parsed = value.toPython()
                if isinstance(parsed, date):
                    as_of = parsed
                    break
        secondary = any(
            isinstance(value, Literal) and value.toPython() is True
            for value in described.get((iri, SEL.secondary), ())
        )
        sources[iri] = Source(
            iri=iri,
            url=url,
            title=title,
            as_of=as_of,
            secondary=secondary,
            layer=first_layer[iri],
        )
    return sources


def _first(values) -> str | None:
    texts = sorted(str(value) for value in values if not isinstance(value, BNode))
    return texts[0] if texts else None
