"""Validating a loaded knowledge base: SHACL shapes plus the few checks SHACL cannot say.

The shapes (``ontology/shapes.ttl``) run with pySHACL over the union of every source
graph and a few materialised helper triples (see the head of the shapes file). Python
adds what shapes cannot say well: facts written in a default graph, facts slipped into
the ontology's graph, and cycles or dangling links in ``sel:routesTo``,
``sel:memberRegion`` and ``sel:derivedFrom``.

Every finding is a :class:`Violation` naming the file the offending subject is stated
in, the subject, and what is wrong; :class:`ValidationReport` adds the summary line
and owns the exit code.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS, NamespaceManager
from rdflib.term import Node

from selector.errors import KnowledgeBaseError
from selector.kb import lengths
from selector.kb.candidates import enumerate_candidates
from selector.kb.facts import FactIndex
from selector.kb.load import ONTOLOGY_GRAPH, ONTOLOGY_LAYER, SHIPPED_LAYERS, KnowledgeBase
from selector.kb.namespaces import DPV, LOC, PREFIXES, SEL, XSD, expand_short, short
from selector.kb.stats import count_facts, fact_graphs, source_descriptions
from selector.paths import ontology_dir
from selector.text import plural, printable

SHAPES_FILE = "shapes.ttl"

# Links checked in Python: the property and the class its values must have.
_LINKS: tuple[tuple[URIRef, URIRef], ...] = (
    (SEL.routesTo, SEL.Offering),
    (SEL.routeFrom, SEL.Offering),
    (SEL.routeTo, SEL.Offering),
    (SEL.routeAt, SEL.DeploymentTarget),
    (SEL.routeToTarget, SEL.DeploymentTarget),
    (SEL.memberRegion, SEL.Region),
    (SEL.derivedFrom, SEL.Model),
)

# Ontology triples the shapes need in the data graph.
_SCHEMA_TYPES = {RDFS.Class, RDF.Property, OWL.Ontology, OWL.Class, OWL.ObjectProperty,
                 OWL.DatatypeProperty, OWL.AnnotationProperty}


@dataclass(frozen=True, order=True)
class Violation:
    """One thing wrong in the knowledge base: the file, the subject and the problem."""

    file: str
    subject: str
    message: str

    def one_line(self) -> str:
        """The violation as printed: ``FILE: SUBJECT: message``."""
        return printable(f"{self.file}: {self.subject}: {self.message}")

    def __str__(self) -> str:
        return self.one_line()


@dataclass(frozen=True)
class ValidationReport:
    """The violations of one knowledge base, with its fact and source counts, the summary and exit code."""

    violations: tuple[Violation, ...]
    facts: int
    sources: int

    @property
    def valid(self) -> bool:
        """Whether the knowledge base passed every check."""
        return not self.violations

    @property
    def exit_code(self) -> int:
        """0 when valid, 1 when there are violations (unreadable input is a KnowledgeBaseError, exit 2)."""
        return 0 if self.valid else 1

    def summary(self) -> str:
        """The final line: counts of violations and files, or of facts and sources."""
        if self.valid:
            return (
                f"knowledge base is valid: {plural(self.facts, 'fact')} "
                f"from {plural(self.sources, 'source')}"
            )
        files = len({v.file for v in self.violations})
        return f"{plural(len(self.violations), 'violation')} in {plural(files, 'file')}"

    def render_text(self) -> str:
        """One line per violation, then the summary line."""
        lines = [v.one_line() for v in self.violations]
        lines.append(self.summary())
        return "\n".join(lines) + "\n"


def check(kb: KnowledgeBase, *, shapes: Path | None = None) -> ValidationReport:
    """Validate a knowledge base (see :func:`validate`) and wrap the result with its counts."""
    return ValidationReport(
        violations=validate(kb, shapes=shapes),
        facts=count_facts(kb),
        sources=len(fact_graphs(kb)),
    )


def validate(
    kb: KnowledgeBase, *, shapes: Path | None = None, only_layers: Collection[str] | None = None
) -> tuple[Violation, ...]:
    """Every violation of the shapes and of the Python checks, sorted and without duplicates.

    ``shapes`` is the SHACL file to use (default: the shipped ``ontology/shapes.ttl``).
    ``only_layers`` limits the work and the findings to those layers (the overlays): the
    shapes are checked only on the nodes their statements touch, over the whole knowledge
    base, and only violations found in their files are returned, so the shipped base is
    not validated again on every run.
    """
    where = _Locator(kb, prefer=only_layers)
    data = _data_graph(kb)
    shapes_graph = _shapes_graph(shapes or ontology_dir() / SHAPES_FILE)
    if only_layers is not None:
        shapes_graph = _focused(shapes_graph, data, _touched(kb, only_layers))
    found: set[Violation] = set()
    found.update(_shacl(data, shapes_graph, where))
    found.update(_default_graph_facts(kb))
    found.update(_ontology_graph_facts(kb))
    for prop, cls in _LINKS:
        found.update(_links(data, prop, cls, where))
    found.update(_cycles(data, SKOS.broader, where))
    # A literal the shapes already found wrong is not reported twice.
    said = {(v.file, v.subject, v.message.split(": ", 1)[0]) for v in found}
    found.update(v for v in _literals(kb) if (v.file, v.subject, v.message.split(": ", 1)[0]) not in said)
    found.update(_jurisdiction_codes(kb, where))
    found.update(_list_lengths(kb, where, check_shipped=only_layers is None))
    found.update(_shipped_jurisdictions(kb, only_layers or [layer for layer in kb.layers if layer not in SHIPPED_LAYERS]))
    if only_layers is not None:
        files = {quad.file for quad in kb.quads if quad.layer in only_layers}
        found = {v for v in found if v.file in files}
    return tuple(sorted(found))


def overlay_error(kb: KnowledgeBase) -> KnowledgeBaseError | None:
    """The one-line error for the first problem in the knowledge base's overlays, or None when they are valid.

    Every command that decides anything runs this before using overlays (the shipped
    base is validated by its tests, not on every run).
    """
    overlays = [layer for layer in kb.layers if layer not in SHIPPED_LAYERS]
    if not overlays:
        return None
    violations = validate(kb, only_layers=frozenset(overlays))
    if not violations:
        return None
    first = violations[0]
    more = len(violations) - 1
    hint = f"{plural(more, 'more problem')}; see: selector kb validate FILES" if more else None
    return KnowledgeBaseError(first.message, file=first.file, line=_line_of(kb, first.file, first.subject),
                              key=first.subject, hint=hint)


def _line_of(kb: KnowledgeBase, file: str, subject: str) -> int | None:
    """The first line of a file that states something about the subject (as written: prefixed or in <>)."""
    path = next((p for layer, p in kb.files if str(p) == file), None)
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1)
             if not line.lstrip().startswith(("@prefix", "#", "PREFIX"))]
    after = r"(?=[\s;,.\])])"
    # Where the subject starts a statement, else wherever it is named.
    for pattern in (r"^\s*" + re.escape(subject) + after, r"(?:^|[\s{;,\[(])" + re.escape(subject) + after):
        found = next((n for n, line in lines if re.search(pattern, line)), None)
        if found is not None:
            return found
    return None


class _Locator:
    """Finds the file a subject (or a statement about it) is stated in.

    First in load order, or first among the ``prefer`` layers' files when they state it (an overlay is blamed
    before the base).
    """

    def __init__(self, kb: KnowledgeBase, prefer: Collection[str] | None = None) -> None:
        self.by_triple: dict[tuple[Node, Node, Node], str] = {}
        self.by_subject_property: dict[tuple[Node, Node], str] = {}
        self.by_subject: dict[Node, str] = {}
        self.by_graph: dict[Node, str] = {}
        self.by_object: dict[Node, str] = {}
        quads = kb.quads
        if prefer:
            quads = [q for q in quads if q.layer in prefer] + [q for q in quads if q.layer not in prefer]
        for quad in quads:
            if quad.layer == ONTOLOGY_LAYER:
                continue
            self.by_triple.setdefault((quad.subject, quad.predicate, quad.object), quad.file)
            self.by_subject_property.setdefault((quad.subject, quad.predicate), quad.file)
            if quad.predicate not in _LENGTH_LINKS:  # a list-length file is never where a subject is described
                self.by_subject.setdefault(quad.subject, quad.file)
            if quad.graph is not None:
                self.by_graph.setdefault(quad.graph, quad.file)
            self.by_object.setdefault(quad.object, quad.file)

    def file(self, subject: Node, path: Node | None = None, value: Node | None = None) -> str:
        """The file to blame for a finding about ``subject`` (and ``path`` / ``value``)."""
        if path is not None and value is not None:
            found = self.by_triple.get((subject, path, value))
            if found:
                return found
        if path is not None:
            found = self.by_subject_property.get((subject, path))
            if found:
                return found
        for index in (self.by_subject, self.by_graph, self.by_object):
            found = index.get(subject)
            if found:
                return found
        return "(knowledge base)"


# A full IRI inside a SPARQL constraint's message (from a {?var} placeholder).
_IRI_IN_TEXT = re.compile(r"(?:https?|urn):[^\s<>\"{}|^`]+[^\s<>\"{}|^`.,;:)]")


@functools.lru_cache(maxsize=1)
def _namespaces() -> NamespaceManager:
    manager = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, namespace in PREFIXES:
        manager.bind(prefix, namespace, override=True, replace=True)
    return manager


def show(node: Node) -> str:
    """A node as a violation shows it: prefixed IRIs, Turtle-style literals."""
    if isinstance(node, URIRef):
        text = short(node)
        return text if text != str(node) else f"<{node}>"
    if isinstance(node, Literal):
        return node.n3(_namespaces())
    if isinstance(node, BNode):
        return "[]"
    return str(node)


@functools.lru_cache(maxsize=4)
def _shapes_graph_cached(path: str, mtime: float) -> Graph:
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph


def _shapes_graph(path: Path) -> Graph:
    try:
        return _shapes_graph_cached(str(path), path.stat().st_mtime)
    except OSError as error:
        raise KnowledgeBaseError(f"cannot read shapes: {error.strerror or error}", file=path) from None
    except Exception as error:  # a broken shapes file is a packaging error, still one line
        raise KnowledgeBaseError(f"cannot parse shapes: {error}", file=path) from None


def _data_graph(kb: KnowledgeBase) -> Graph:
    """Union of every graph but the ontology's, plus the helper triples the shapes rely on."""
    data = Graph()
    for s, p, o, g in kb.dataset.quads((None, None, None, None)):
        if g != ONTOLOGY_GRAPH:
            data.add((s, p, o))
    for graph in fact_graphs(kb):
        data.add((graph, RDF.type, SEL.FactGraph))
    ontology = kb.dataset.graph(ONTOLOGY_GRAPH)
    for triple in ontology.triples((None, RDFS.subClassOf, None)):
        data.add(triple)
    for s, _, o in ontology.triples((None, RDF.type, None)):
        if o not in _SCHEMA_TYPES:
            data.add((s, RDF.type, o))
    return data


def _shacl(data: Graph, shapes: Graph, where: _Locator) -> Iterable[Violation]:
    from pyshacl import validate as run_shacl  # slow to import; only needed here

    _, results, _ = run_shacl(
        data,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_infos=True,
        allow_warnings=True,
        meta_shacl=False,
        advanced=False,
        inplace=True,
    )
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        message = results.value(result, SH.resultMessage)
        text = str(message) if message is not None else "violates " + show(
            results.value(result, SH.sourceShape) or URIRef("urn:unknown")
        )
        text = _IRI_IN_TEXT.sub(lambda m: show(URIRef(m.group(0))), text)
        if isinstance(path, URIRef):
            shown = show(path) + (f" {show(value)}" if value is not None else "")
            yield Violation(where.file(focus, path, value), show(focus), f"{shown}: {text}")
        else:
            # A node-level check, or a path through other nodes: the message says it all.
            yield Violation(where.file(focus), show(focus), text)


_LENGTH_LINKS = frozenset({SEL.closedList, SEL.closedMembers, SEL.closedOverrides})
_SHAPE_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)


def _touched(kb: KnowledgeBase, layers: Collection[str]) -> set[Node]:
    """Every node a statement of these layers is about, points to, or is made in."""
    nodes: set[Node] = set()
    for quad in kb.quads:
        if quad.layer in layers:
            nodes.add(quad.subject)
            if not isinstance(quad.object, Literal):
                nodes.add(quad.object)
            if quad.graph is not None:
                nodes.add(quad.graph)
    return nodes


def _focused(shapes: Graph, data: Graph, touched: set[Node]) -> Graph:
    """A copy of the shapes whose targets are only the touched nodes they would target in ``data``."""
    focused = Graph()
    for triple in shapes:
        if triple[1] not in _SHAPE_TARGETS:
            focused.add(triple)
    for shape in set(shapes.subjects(None, None)):
        nodes: set[Node] = set()
        for cls in shapes.objects(shape, SH.targetClass):
            classes = set(data.transitive_subjects(RDFS.subClassOf, cls))
            nodes.update(n for n in touched if any(c in classes for c in data.objects(n, RDF.type)))
        for prop in shapes.objects(shape, SH.targetSubjectsOf):
            nodes.update(n for n in touched if (n, prop, None) in data)
        for prop in shapes.objects(shape, SH.targetObjectsOf):
            nodes.update(n for n in touched if (None, prop, n) in data)
        nodes.update(n for n in shapes.objects(shape, SH.targetNode) if n in touched)
        for node in nodes:
            focused.add((shape, SH.targetNode, node))
    return focused


def _literals(kb: KnowledgeBase) -> Iterable[Violation]:
    """Literals no reader can take at their word: ill-typed ("yes" as a boolean) or numbers that are not finite."""
    for quad in kb.quads:
        value = quad.object
        if quad.layer == ONTOLOGY_LAYER or not isinstance(value, Literal) or value.datatype is None:
            continue
        problem = None
        if value.ill_typed:
            problem = f"not a valid {show(value.datatype)} value"
        elif value.datatype in _FLOATS and str(value).strip().lstrip("+-").upper() in ("INF", "NAN"):
            problem = "not a finite number"
        if problem:
            yield Violation(quad.file, show(quad.subject), f"{show(quad.predicate)} {show(value)}: {problem}")


_FLOATS = frozenset({XSD.double, XSD.float})


def _jurisdiction_codes(kb: KnowledgeBase, where: _Locator) -> Iterable[Violation]:
    """Two jurisdictions with one code: a policy could not say which it means."""
    places = {q.subject for q in kb.quads if q.predicate == RDF.type and q.object in _PLACE_TYPES}
    holders: dict[str, set[Node]] = defaultdict(set)
    for quad in kb.quads:
        if quad.predicate == LOC.iso_alpha2 and quad.subject in places:
            holders[str(quad.object).upper()].add(quad.subject)
    for code, nodes in holders.items():
        if len(nodes) > 1:
            for node in nodes:
                yield Violation(where.file(node, LOC.iso_alpha2), show(node),
                                f"loc:iso_alpha2: another jurisdiction has the code \"{code}\"")


def _list_lengths(kb: KnowledgeBase, where: _Locator, *, check_shipped: bool) -> Iterable[Violation]:
    """Declared list lengths that no longer match their lists, and shipped lists that need one and have none."""
    facts = FactIndex.build(kb)
    try:
        enumerate_candidates(facts)
    except KnowledgeBaseError as error:
        node = expand_short(error.key) if error.key else None
        yield Violation(where.file(node) if node is not None else "(knowledge base)", error.key or "(knowledge base)",
                        error.problem)
    shipped = None
    if check_shipped:
        base = [q for q in kb.quads if q.layer in SHIPPED_LAYERS]
        shipped = facts if len(base) == len(kb.quads) else FactIndex.build(dataclasses.replace(kb, quads=tuple(base)))
    for subject, problem in lengths.problems(facts, shipped):
        link = problem.split(" ", 1)[0]
        yield Violation(where.file(subject, expand_short(link)), show(subject), problem)


_PLACE_TYPES = frozenset({DPV.Country, DPV.SupraNationalUnion})
_PLACE_PROPERTIES = frozenset({LOC.iso_alpha2, SKOS.broader, SKOS.narrower, RDF.type})


def _shipped_jurisdictions(kb: KnowledgeBase, layers: Collection[str]) -> Iterable[Violation]:
    """Overlay statements that change a shipped country's or bloc's code, type or membership."""
    shipped = {
        q.subject for q in kb.quads
        if q.layer in SHIPPED_LAYERS and q.predicate == RDF.type and q.object in _PLACE_TYPES
    }
    for quad in kb.quads:
        if quad.layer not in layers or quad.graph is None:
            continue
        changes_own = quad.subject in shipped and quad.predicate in _PLACE_PROPERTIES
        joins = quad.object in shipped and quad.predicate in (SKOS.broader, SKOS.narrower)
        if changes_own or joins:
            yield Violation(
                quad.file,
                show(quad.subject),
                f"{show(quad.predicate)} {show(quad.object)}: an overlay may add places, but may not change the "
                "codes or memberships of the shipped jurisdictions",
            )


def _default_graph_facts(kb: KnowledgeBase) -> Iterable[Violation]:
    """Statements in a default graph about anything but a described source (or its blank nodes)."""
    described = source_descriptions(kb)
    stray: dict[tuple[str, Node], int] = defaultdict(int)
    for quad in kb.quads:
        if quad.graph is None and quad.subject not in described:
            stray[(quad.file, quad.subject)] += 1
    for (file, subject), count in stray.items():
        statements = "statement" if count == 1 else "statements"
        yield Violation(
            file,
            show(subject),
            f"{count} {statements} outside any source's named graph; a default graph "
            "holds only sel:Source descriptions, and every fact goes in the graph named "
            "by its source",
        )


def _ontology_graph_facts(kb: KnowledgeBase) -> Iterable[Violation]:
    """Facts a knowledge-base file wrote into the ontology's own graph."""
    stray: dict[tuple[str, Node], int] = defaultdict(int)
    for quad in kb.quads:
        if quad.graph == ONTOLOGY_GRAPH and quad.layer != ONTOLOGY_LAYER:
            stray[(quad.file, quad.subject)] += 1
    for (file, subject), count in stray.items():
        yield Violation(
            file,
            show(subject),
            f"{plural(count, 'statement')} in the ontology's graph <{ONTOLOGY_GRAPH}>; "
            "facts go in the graph named by their source",
        )


def _instances(data: Graph, cls: URIRef) -> set[Node]:
    classes = set(data.transitive_subjects(RDFS.subClassOf, cls))
    found: set[Node] = set()
    for each in classes:
        found.update(data.subjects(RDF.type, each))
    return found


def _links(data: Graph, prop: URIRef, cls: URIRef, where: _Locator) -> Iterable[Violation]:
    """Dangling values (not instances of ``cls``) and cycles among ``prop`` links."""
    valid = _instances(data, cls)
    for s, _, o in data.triples((None, prop, None)):
        if o not in valid:
            yield Violation(
                where.file(s, prop, o),
                show(s),
                f"{show(prop)} {show(o)}: links to something that is not a {show(cls)} "
                "in the knowledge base",
            )
    yield from _cycles(data, prop, where)


def _cycles(data: Graph, prop: URIRef, where: _Locator) -> Iterable[Violation]:
    """Cycles among ``prop`` links (a route back to itself, a bloc inside itself)."""
    graph = nx.DiGraph()
    for s, _, o in data.triples((None, prop, None)):
        graph.add_edge(s, o)
    for component in nx.strongly_connected_components(graph):
        if len(component) == 1:
            node = next(iter(component))
            if not graph.has_edge(node, node):
                continue
        start = min(component, key=lambda n: (show(n), str(n)))
        cycle = _cycle_through(graph.subgraph(component), start)
        path = " -> ".join(show(n) for n in cycle)
        yield Violation(
            where.file(start, prop, cycle[1]),
            show(start),
            f"{show(prop)}: cycle {path}",
        )


def _cycle_through(graph: nx.DiGraph, start: Node) -> list[Node]:
    """The shortest cycle from ``start`` back to itself, ties broken by name."""
    if graph.has_edge(start, start):
        return [start, start]
    best: list[Node] | None = None
    for successor in sorted(graph.successors(start), key=lambda n: (show(n), str(n))):
        path = nx.shortest_path(graph, successor, start)
        if best is None or len(path) + 1 < len(best):
            best = [start, *path]
    return best or [start, start]
