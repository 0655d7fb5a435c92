"""Statements the import writes, weighed against the curated layer as they are added.

:class:`Emitter` collects one catalog's statements, each in the graph of the catalog
record that states it and in the output file it belongs to (``models`` or a provider
slug). Every statement passes the precedence rule on its way in:

- the curated layer states the same triple: it is skipped (it would add nothing);
- the curated layer states another value of a single-valued property: the catalog's
  value becomes a ``sel:Claim`` (``sel:claimStatus sel:Rejected``) with a
  ``sel:Conflict`` naming the curated source as applied, both in the record's graph;
- otherwise it is written as a plain triple. (A curated value of a multi-valued
  property, such as availability or modalities, overrides the catalog's values when
  the knowledge base is loaded; such values are listed as hidden.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.term import Node

from selector.kb.catalog.context import SINGLE_VALUED, CuratedContext
from selector.kb.catalog.records import Snapshot
from selector.kb.namespaces import KB, RDF, RDFS, SEL, short

CLAIM = KB + "claim/"
CONFLICT = KB + "conflict/"


@dataclass(frozen=True)
class Statement:
    """One triple to write: the file it goes in, the record (graph) that states it, and the triple."""

    file: str
    graph: str
    subject: URIRef
    predicate: URIRef
    object: Node


@dataclass(frozen=True)
class Disagreement:
    """A catalog value the curated layer contradicts (written as a rejected claim) or overrides."""

    subject: URIRef
    predicate: URIRef
    catalog_value: Node
    curated_values: tuple[Node, ...]
    record: str
    kind: str  # "claim" (single-valued) or "hidden" (multi-valued, overridden on load)


@dataclass
class Emitter:
    """Collects one catalog's statements, applying the curated layer's precedence."""

    snapshot: Snapshot
    curated: CuratedContext
    statements: list[Statement] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    _seen: set[tuple] = field(default_factory=set)
    _claimed: set[tuple] = field(default_factory=set)

    def add(self, file: str, graph: str, subject: URIRef, predicate: URIRef, obj: Node) -> None:
        """Add one catalog triple, stated by the record ``graph``, to ``file`` (precedence applied)."""
        if self.curated.states(subject, predicate, obj):
            return
        curated = self.curated.values(subject, predicate)
        if curated and predicate in SINGLE_VALUED:
            self._claim(file, graph, subject, predicate, obj, curated)
            return
        if curated:
            self.disagreements.append(
                Disagreement(subject, predicate, obj, tuple(sorted(curated, key=str)), graph, "hidden")
            )
        self._put(Statement(file, graph, subject, predicate, obj))

    def describe(self, file: str, graph: str, subject: URIRef, pairs: list[tuple[URIRef, Node]]) -> None:
        """Describe a subject the curated layer does not (a new model, maker, provider or target)."""
        for predicate, obj in pairs:
            self._put(Statement(file, graph, subject, predicate, obj))

    def _put(self, statement: Statement) -> None:
        key = (statement.file, statement.graph, statement.subject, statement.predicate, statement.object)
        if key not in self._seen:
            self._seen.add(key)
            self.statements.append(statement)

    def _claim(
        self, file: str, graph: str, subject: URIRef, predicate: URIRef, obj: Node, curated: dict
    ) -> None:
        if (subject, predicate) in self._claimed:
            return
        self._claimed.add((subject, predicate))
        name = f"{self.snapshot.prefix}--{_local(subject)}--{_local(predicate)}"
        claim, conflict = URIRef(CLAIM + name), URIRef(CONFLICT + name)
        applied = sorted({source for sources in curated.values() for source in sources}, key=str)
        values = ", ".join(short(v) for v in sorted(curated, key=str))
        where = "; ".join(self.curated.titles.get(s, str(s)) for s in applied)
        self.disagreements.append(
            Disagreement(subject, predicate, obj, tuple(sorted(curated, key=str)), graph, "claim")
        )
        self.describe(file, graph, claim, [
            (RDF.type, SEL.Claim),
            (RDF.subject, subject),
            (RDF.predicate, predicate),
            (RDF.object, obj),
            (SEL.claimStatus, SEL.Rejected),
            (RDFS.comment, Literal(
                f"{self.snapshot.catalog} ({self.snapshot.edition}) states {short(obj)}; "
                f"the curated fact ({values}, from {where}) applies."
            )),
        ])  # fmt: skip
        pairs: list[tuple[URIRef, Node]] = [
            (RDF.type, SEL.Conflict),
            (RDFS.label, Literal(f"{short(subject)} {short(predicate)}: {self.snapshot.catalog} and curated sources")),
            (SEL.conflictSubject, subject),
            (SEL.conflictProperty, predicate),
            (SEL.rejectedClaim, claim),
            (SEL.resolution, Literal("a hand-curated fact wins over a catalog fact")),
        ]
        if applied:
            pairs.insert(4, (SEL.appliedSource, applied[0]))
        self.describe(file, graph, conflict, pairs)


def _local(term: URIRef) -> str:
    text = short(term)
    return text.split(":", 1)[1] if ":" in text else text.rsplit("/", 1)[-1]
