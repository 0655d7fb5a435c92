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

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, RDF, XSD
from rdflib.term import Node

from selector.errors import KnowledgeBaseError
from selector.files import NotRegularFile, TooLarge, read_bounded
from selector.gcpause import collector_paused
from selector.kb.namespaces import SEL
from selector.kb.parse import Input, parse_quads
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
    digests: tuple[tuple[str, str, str], ...] = ()
    """Each file in load order: its layer, its name as shown, and the SHA-256 (hex) of its bytes."""

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


def _load(inputs: list[Input]) -> KnowledgeBase:
    quads: list[Quad] = []
    digests: list[tuple[str, str, str]] = []
    first_layer: dict[URIRef, str] = {}
    for item in inputs:
        data = _read(item)
        digests.append((item.layer, item.shown, hashlib.sha256(data).hexdigest()))
        file_quads = [Quad(s, p, o, g, item.layer, item.shown) for s, p, o, g in parse_quads(item, data)]
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
    return KnowledgeBase(
        layers=layers,
        files=tuple((item.layer, item.path) for item in inputs),
        quads=tuple(quads),
        sources=MappingProxyType(sources_of(quads, first_layer)),
        fingerprint=fingerprint_of(layers, digests),
        digests=tuple(digests),
    )


def fingerprint_of(layers: Sequence[str], digests: Sequence[tuple[str, str, str]]) -> str:
    """The fingerprint of content: each layer's name and its files' bytes, whatever the files are called or read in.

    ``digests`` holds (layer, file name, SHA-256 hex of the file's bytes) for every file.
    """
    contents: dict[str, list[bytes]] = {}
    for layer, _, hexdigest in digests:
        contents.setdefault(layer, []).append(bytes.fromhex(hexdigest))
    digest = hashlib.sha256()
    for layer in layers:
        digest.update(layer.encode("utf-8") + b"\0")
        for file_digest in sorted(contents.get(layer, ())):
            digest.update(file_digest)
    return "sha256:" + digest.hexdigest()


def _base_inputs(base_dir: Path) -> list[Input]:
    shown_root = base_dir.name or str(base_dir)
    if not base_dir.is_dir():
        raise KnowledgeBaseError("ontology folder not found", file=base_dir)
    ontology = base_dir / ONTOLOGY_FILE
    inputs = [
        Input(
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
                inputs.append(Input(layer, path, f"{shown_root}/{relative}", "trig", None))
    return inputs


def _overlay_inputs(paths: list[Path]) -> list[Input]:
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
        inputs.append(Input(layer, path, str(path), fmt, None))
    return inputs


def _read(item: Input) -> bytes:
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


def sources_of(quads: Sequence[Quad], first_layer: dict[URIRef, str]) -> dict[URIRef, Source]:
    """The sources described in the default graph, each with the first layer (in ``first_layer``) that declares it."""
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
