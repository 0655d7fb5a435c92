"""What the hand-curated knowledge base already says, as the importer needs to know it.

A catalog fact is weighed against the curated layer (every file under ``ontology/kb/``
outside ``catalog/``): a curated fact wins. The importer skips a catalog triple the
curated layer already states, writes a rejected claim where they disagree on a
single-valued property, and describes only the subjects (models, providers, targets,
makers) the curated layer does not.
"""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.term import Node

from selector.kb.disagreements import CATALOG_SINGLE_VALUED
from selector.kb.literals import number
from selector.kb.load import BASE_LAYER, KnowledgeBase, load_knowledge_base
from selector.kb.namespaces import RDF

SINGLE_VALUED = CATALOG_SINGLE_VALUED
"""Properties a catalog states one value of per subject: a curated value of one rejects the catalog's."""


@dataclass
class CuratedContext:
    """The curated layer's facts by (subject, property), with the sources stating each value."""

    facts: dict[tuple[Node, Node], dict[Node, list[URIRef]]] = field(default_factory=dict)
    titles: dict[URIRef, str] = field(default_factory=dict)

    def values(self, subject: Node, predicate: URIRef) -> dict[Node, list[URIRef]]:
        """Curated values of a property of a subject, each with the sources that state it."""
        return self.facts.get((subject, predicate), {})

    def states(self, subject: Node, predicate: URIRef, obj: Node) -> bool:
        """Whether the curated layer states this triple (numbers, booleans and dates compared by value)."""
        wanted = same_value(obj)
        return any(same_value(value) == wanted for value in self.values(subject, predicate))

    def described(self, subject: Node) -> bool:
        """Whether the curated layer types the subject (it is a curated model, provider, target...)."""
        return bool(self.values(subject, RDF.type))

    def has_type(self, subject: Node, cls: URIRef) -> bool:
        """Whether the curated layer gives the subject this type."""
        return cls in self.values(subject, RDF.type)

    def number(self, subject: Node, predicate: URIRef):
        """The smallest curated numeric value of a property, or None."""
        found = [number(value) for value in self.values(subject, predicate)]
        known = [value for value in found if value is not None]
        return min(known) if known else None


def same_value(node: Node) -> object:
    """A key under which equal values compare equal: 3, 3.0 and "3.0"^^xsd:decimal are one number."""
    if isinstance(node, Literal):
        value = node.toPython()
        if isinstance(value, bool) or isinstance(value, (_dt.date,)):
            return (type(value).__name__, value)
        if isinstance(value, (int, float, Decimal)):
            return ("number", Decimal(str(value)).normalize())
    return node


def curated_context(kb: KnowledgeBase) -> CuratedContext:
    """Index the curated (base) layer of a loaded knowledge base."""
    context = CuratedContext()
    grouped: dict[tuple[Node, Node], dict[Node, list[URIRef]]] = defaultdict(lambda: defaultdict(list))
    for quad in kb.quads:
        if quad.layer != BASE_LAYER or quad.graph is None:
            continue
        sources = grouped[(quad.subject, quad.predicate)][quad.object]
        if isinstance(quad.graph, URIRef) and quad.graph not in sources:
            sources.append(quad.graph)
    context.facts = {key: {o: sorted(g) for o, g in values.items()} for key, values in grouped.items()}
    context.titles = {
        iri: source.title or source.url or str(iri)
        for iri, source in kb.sources.items()
        if source.layer == BASE_LAYER
    }
    return context


def load_context(kb_dir: Path) -> tuple[KnowledgeBase, CuratedContext]:
    """Load the ontology folder's knowledge base and index its curated layer."""
    kb = load_knowledge_base(base_dir=kb_dir)
    return kb, curated_context(kb)
