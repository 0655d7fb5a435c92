"""The checks beyond the shapes: literals, jurisdiction codes, list lengths, links, cycles, graphs.

Each yields the violations it finds; ``validate`` runs them after the SHACL shapes.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Collection, Iterable

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from selector.errors import KnowledgeBaseError
from selector.kb import lengths
from selector.kb.candidates import enumerate_candidates
from selector.kb.facts import FactIndex
from selector.kb.load import ONTOLOGY_GRAPH, ONTOLOGY_LAYER, SHIPPED_LAYERS, KnowledgeBase
from selector.kb.namespaces import DPV, LOC, SEL, XSD, expand_short
from selector.kb.stats import source_descriptions
from selector.kb.violations import Locator, Violation, show
from selector.text import plural

# Links checked in Python: the property and the class its values must have.
LINKS: tuple[tuple[URIRef, URIRef], ...] = (
    (SEL.routesTo, SEL.Offering),
    (SEL.routeFrom, SEL.Offering),
    (SEL.routeTo, SEL.Offering),
    (SEL.routeAt, SEL.DeploymentTarget),
    (SEL.routeToTarget, SEL.DeploymentTarget),
    (SEL.memberRegion, SEL.Region),
    (SEL.derivedFrom, SEL.Model),
)


def literals(kb: KnowledgeBase) -> Iterable[Violation]:
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


def jurisdiction_codes(kb: KnowledgeBase, where: Locator) -> Iterable[Violation]:
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


def list_lengths(kb: KnowledgeBase, where: Locator, *, check_shipped: bool) -> Iterable[Violation]:
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


def shipped_jurisdictions(kb: KnowledgeBase, layers: Collection[str]) -> Iterable[Violation]:
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


def default_graph_facts(kb: KnowledgeBase) -> Iterable[Violation]:
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


def ontology_graph_facts(kb: KnowledgeBase) -> Iterable[Violation]:
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


def links(data: Graph, prop: URIRef, cls: URIRef, where: Locator) -> Iterable[Violation]:
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
    yield from cycles(data, prop, where)


def cycles(data: Graph, prop: URIRef, where: Locator) -> Iterable[Violation]:
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
