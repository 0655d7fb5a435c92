"""What a loaded knowledge base holds: instances per class, facts, sources and their dates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from rdflib import BNode, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from selector.kb.freshness import AsOfRange, provider_as_of
from selector.kb.load import ONTOLOGY_GRAPH, KnowledgeBase
from selector.kb.namespaces import SEL
from selector.text import printable

COUNTED_CLASSES: tuple[tuple[str, URIRef], ...] = (
    ("models", SEL.Model),
    ("makers", SEL.Maker),
    ("organisations", SEL.Organisation),
    ("providers", SEL.Provider),
    ("offerings", SEL.Offering),
    ("regions", SEL.Region),
    ("zones", SEL.Zone),
    ("global endpoints", SEL.GlobalEndpoint),
    ("self-hosted targets", SEL.SelfHostedTarget),
    ("deployment targets", SEL.DeploymentTarget),
    ("licences", SEL.Licence),
    ("sources", SEL.Source),
    ("claims", SEL.Claim),
    ("conflicts", SEL.Conflict),
)
"""The classes ``stats`` counts, with the plural it prints for each (subclasses included)."""


@dataclass(frozen=True)
class KnowledgeBaseStats:
    """A summary of a knowledge base: what it describes, how many facts, how fresh its sources are.

    ``counts`` maps each name of :data:`COUNTED_CLASSES` to its number of instances.
    ``candidate_deployments`` counts (offering, target) pairs, each offering's targets
    taken from the highest layer that states any (as the engine reads them).
    ``facts_by_layer`` counts the facts each layer states (the catalog layer, the
    curated base, each overlay).
    ``unsourced_facts`` is the number of facts no sel:Source vouches for; the shipped
    base has none.
    ``provider_as_of`` is each provider's oldest and newest as-of, by slug (see
    :mod:`selector.kb.freshness` for which facts are a provider's).
    """

    layers: tuple[str, ...]
    files: int
    fingerprint: str
    counts: Mapping[str, int]
    candidate_deployments: int
    facts: int
    facts_by_layer: Mapping[str, int]
    oldest_as_of: date | None
    newest_as_of: date | None
    unsourced_facts: int
    provider_as_of: Mapping[str, AsOfRange]

    def count(self, cls: URIRef) -> int:
        """Number of instances of one of the counted classes."""
        for name, counted in COUNTED_CLASSES:
            if counted == cls:
                return self.counts[name]
        raise KeyError(cls)

    def render_text(self) -> str:
        """The statistics as aligned ``name: value`` lines."""
        rows: list[tuple[str, str]] = [
            ("layers", ", ".join(self.layers)),
            ("files", str(self.files)),
            ("fingerprint", self.fingerprint),
        ]
        rows += [(name, str(value)) for name, value in self.counts.items()]
        rows += [
            ("candidate deployments", str(self.candidate_deployments)),
            ("facts", str(self.facts)),
            ("facts by layer", ", ".join(f"{layer} {n}" for layer, n in self.facts_by_layer.items()) or "none"),
            ("oldest as-of", self.oldest_as_of.isoformat() if self.oldest_as_of else "none"),
            ("newest as-of", self.newest_as_of.isoformat() if self.newest_as_of else "none"),
            ("facts without a source", str(self.unsourced_facts)),
        ]
        width = max(len(name) for name, _ in rows) + 1
        text = "".join(f"{name + ':':<{width}} {printable(value)}\n" for name, value in rows)
        if not self.provider_as_of:
            return text
        width = max(len(name) for name in self.provider_as_of) + 1
        return text + "as-of by provider (oldest to newest):\n" + "".join(
            f"  {printable(name) + ':':<{width}} {span.render()}\n" for name, span in self.provider_as_of.items()
        )


def stats(kb: KnowledgeBase) -> KnowledgeBaseStats:
    """Count what a loaded knowledge base holds."""
    types = _types(kb)
    subclasses = _subclass_closure(kb)
    counts = {name: len(_instances(types, subclasses, cls)) for name, cls in COUNTED_CLASSES}
    available = _effective(kb, SEL.availableAt)
    candidates = sum(
        len(available.get(offering, ())) for offering in _instances(types, subclasses, SEL.Offering)
    )
    dates = sorted(s.as_of for s in kb.sources.values() if s.as_of is not None)
    return KnowledgeBaseStats(
        layers=kb.layers,
        files=len(kb.files),
        fingerprint=kb.fingerprint,
        counts=MappingProxyType(counts),
        candidate_deployments=candidates,
        facts=count_facts(kb),
        facts_by_layer=MappingProxyType(facts_by_layer(kb)),
        oldest_as_of=dates[0] if dates else None,
        newest_as_of=dates[-1] if dates else None,
        unsourced_facts=count_unsourced_facts(kb),
        provider_as_of=provider_as_of(kb),
    )


def fact_graphs(kb: KnowledgeBase) -> tuple[Node, ...]:
    """Every named graph that holds at least one fact (the ontology's graph excluded), sorted."""
    names = {
        graph.identifier
        for graph in kb.dataset.graphs()
        if graph.identifier not in (DATASET_DEFAULT_GRAPH_ID, ONTOLOGY_GRAPH) and len(graph)
    }
    return tuple(sorted(names, key=lambda n: n.n3()))


def count_facts(kb: KnowledgeBase) -> int:
    """Number of distinct facts: quads in named graphs other than the ontology's."""
    return sum(len(kb.dataset.graph(name)) for name in fact_graphs(kb))


def facts_by_layer(kb: KnowledgeBase) -> dict[str, int]:
    """Distinct facts each layer states (quads in named graphs other than the ontology's), in layer order.

    A fact two layers both state counts in each.
    """
    seen: dict[str, set] = {layer: set() for layer in kb.layers}
    for quad in kb.quads:
        if quad.graph is not None and quad.graph != ONTOLOGY_GRAPH:
            seen[quad.layer].add((quad.subject, quad.predicate, quad.object, quad.graph))
    return {layer: len(facts) for layer, facts in seen.items() if facts}


def count_unsourced_facts(kb: KnowledgeBase) -> int:
    """Facts no source vouches for.

    In a named graph no sel:Source describes, or in a default graph about anything but a source.
    """
    unsourced = sum(
        len(kb.dataset.graph(name)) for name in fact_graphs(kb) if name not in kb.sources
    )
    described = source_descriptions(kb)
    default = kb.dataset.graph(DATASET_DEFAULT_GRAPH_ID)
    unsourced += sum(1 for s, _, _ in default if s not in described)
    return unsourced


def source_descriptions(kb: KnowledgeBase) -> set[Node]:
    """Described sources, and the blank nodes their descriptions reach in a default graph.

    Statements about these are what a default graph may hold; anything else there is a
    fact without a source.
    """
    default = kb.dataset.graph(DATASET_DEFAULT_GRAPH_ID)
    reached: set[Node] = set(kb.sources)
    todo = list(reached)
    while todo:
        for value in default.objects(todo.pop(), None):
            if isinstance(value, BNode) and value not in reached:
                reached.add(value)
                todo.append(value)
    return reached


def _effective(kb: KnowledgeBase, predicate: Node) -> dict[Node, set[Node]]:
    """Each subject's values of a property from the highest layer stating any (a layer overrides those below)."""
    rank = {layer: i for i, layer in enumerate(kb.layers)}
    best: dict[Node, tuple[int, set[Node]]] = {}
    for quad in kb.quads:
        if quad.predicate != predicate or quad.graph is None:
            continue
        level = rank[quad.layer]
        found = best.get(quad.subject)
        if found is None or level > found[0]:
            best[quad.subject] = (level, {quad.object})
        elif level == found[0]:
            found[1].add(quad.object)
    return {subject: values for subject, (_, values) in best.items()}


def _types(kb: KnowledgeBase) -> dict[Node, set[Node]]:
    """Instances by asserted class, over every graph but the ontology's."""
    types: dict[Node, set[Node]] = {}
    for s, _, o, g in kb.dataset.quads((None, RDF.type, None, None)):
        if g != ONTOLOGY_GRAPH:
            types.setdefault(o, set()).add(s)
    return types


def _subclass_closure(kb: KnowledgeBase) -> dict[Node, set[Node]]:
    """Each class and all its subclasses, from every graph (the ontology's included)."""
    direct: dict[Node, set[Node]] = {}
    for s, _, o, _ in kb.dataset.quads((None, RDFS.subClassOf, None, None)):
        direct.setdefault(o, set()).add(s)
    closure: dict[Node, set[Node]] = {}
    for cls in direct:
        seen = {cls}
        todo = [cls]
        while todo:
            for sub in direct.get(todo.pop(), ()):
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        closure[cls] = seen
    return closure


def _instances(
    types: dict[Node, set[Node]], subclasses: dict[Node, set[Node]], cls: URIRef
) -> set[Node]:
    members: set[Node] = set()
    for each in subclasses.get(cls, {cls}):
        members |= types.get(each, set())
    return members
