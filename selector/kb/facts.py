"""The knowledge base compiled for lookups: every fact with its source, layer and overrides.

The engine never queries RDF while deciding: it reads this index, which resolves
overlays (a later layer's statements about a subject and property replace earlier
layers') and keeps, for each fact, what the trail must cite.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable

from rdflib import BNode, URIRef
from rdflib.term import Node

from selector.kb.disagreements import catalog_disagreements, conflict_notes
from selector.kb.literals import number
from selector.kb.load import SHIPPED_LAYERS as _SHIPPED
from selector.kb.load import KnowledgeBase, Source
from selector.kb.namespaces import RDF, RDFS, SEL, short, term
from selector.results import Evidence


@dataclass(frozen=True)
class Fact:
    """One effective statement and where it came from."""

    subject: URIRef
    predicate: URIRef
    object: Node
    source: Source | None
    layer: str
    overrides: tuple["Fact", ...] = ()
    note: str | None = None

    def __getstate__(self) -> dict:
        # The trail entry is rebuilt on demand; a cached copy never goes into the snapshot.
        return {k: v for k, v in self.__dict__.items() if k != "evidence_item"}

    @cached_property
    def evidence_item(self) -> Evidence:
        """The fact as it appears in an explanation trail (built once per fact)."""
        notes = []
        if self.note:
            notes.append(self.note)
        for old in self.overrides:
            origin = old.source.url if old.source and old.source.url else "no source"
            notes.append(f"overrides {short(old.object)} from layer {old.layer} ({origin})")
        return Evidence.model_construct(
            subject=short(self.subject),
            predicate=short(self.predicate),
            object=short(self.object),
            source=self.source.url if self.source else None,
            source_title=self.source.title if self.source else None,
            as_of=self.source.as_of.isoformat() if self.source and self.source.as_of else None,
            layer=self.layer,
            secondary=bool(self.source and self.source.secondary),
            note="; ".join(notes) or None,
        )


@dataclass
class _Statement:
    obj: Node
    source: Source | None
    layer: str
    rank: int


@dataclass
class FactIndex:
    """Effective facts by (subject, predicate), subjects by type, and conflict notes."""

    layers: tuple[str, ...]
    _facts: dict[tuple[URIRef, URIRef], tuple[Fact, ...]] = field(default_factory=dict)
    _by_type: dict[URIRef, tuple[URIRef, ...]] = field(default_factory=dict)
    _conflicts: dict[tuple[URIRef, URIRef], list[tuple[URIRef | None, str]]] = field(default_factory=dict)
    _reverse: dict[tuple[URIRef, Node], tuple[URIRef, ...]] = field(default_factory=dict)
    _labels: dict[Node, str] = field(default_factory=dict)
    _defaults: dict[tuple, bool] = field(default_factory=dict)
    _claims: dict[tuple[URIRef, URIRef], tuple[Fact, ...]] = field(default_factory=dict)

    @classmethod
    def build(cls, kb: KnowledgeBase) -> "FactIndex":
        """Compile a loaded knowledge base (done once per knowledge base)."""
        rank = {name: i for i, name in enumerate(kb.layers)}
        grouped: dict[tuple[URIRef, URIRef], list[_Statement]] = defaultdict(list)
        seen: set[tuple] = set()
        # Every node is kept as one object (the namespace's own term where it is one),
        # so that lookups find their keys by identity.
        shared: dict[Node, Node] = {}

        def one_object(node: Node) -> Node:
            found = shared.get(node)
            if found is None:
                found = shared[node] = term(node) if type(node) is URIRef else node
            return found

        for quad in kb.quads:
            if quad.graph is None:
                continue
            key = (quad.subject, quad.predicate, quad.object, quad.layer)
            if key in seen:
                continue
            seen.add(key)
            subject, predicate, obj = one_object(quad.subject), one_object(quad.predicate), one_object(quad.object)
            grouped[(subject, predicate)].append(
                _Statement(obj, kb.sources.get(quad.graph), quad.layer, rank.get(quad.layer, 0))
            )
        index = cls(layers=tuple(kb.layers))
        for key, statements in grouped.items():
            top = max(s.rank for s in statements)
            older = tuple(
                Fact(key[0], key[1], s.obj, s.source, s.layer)
                for s in sorted(statements, key=_order)
                if s.rank < top
            )
            current = sorted((s for s in statements if s.rank == top), key=_order)
            index._facts[key] = tuple(
                Fact(key[0], key[1], s.obj, s.source, s.layer, overrides=older) for s in current
            )
        types: dict[URIRef, set[URIRef]] = defaultdict(set)
        for (subject, predicate), facts in index._facts.items():
            if predicate == RDF.type:
                for fact in facts:
                    if isinstance(fact.object, URIRef) and isinstance(subject, URIRef):
                        types[fact.object].add(subject)
        index._by_type = {t: tuple(sorted(s)) for t, s in types.items()}
        reverse: dict[tuple[URIRef, Node], set[URIRef]] = defaultdict(set)
        for (subject, predicate), facts in index._facts.items():
            if isinstance(subject, URIRef):
                for fact in facts:
                    if isinstance(fact.object, URIRef):
                        reverse[(predicate, fact.object)].add(subject)
        index._reverse = {k: tuple(sorted(v)) for k, v in reverse.items()}
        index._conflicts = conflict_notes(index)
        index._claims = index._collect_claims()
        notes: dict[tuple[URIRef, URIRef], list[str]] = defaultdict(list)
        # A conflict note explains the applied claim; it does not apply once a later
        # layer (an organisation's overlay) has replaced that claim.
        for key, conflicts in index._conflicts.items():
            facts = index._facts.get(key, ())
            sources = {f.source.iri for f in facts if f.source}
            notes[key] += [note for applied, note in conflicts if applied in sources]
        for key, note in catalog_disagreements(index).items():
            notes[key].append(note)
        for key, texts in notes.items():
            if texts:
                index._facts[key] = tuple(
                    Fact(f.subject, f.predicate, f.object, f.source, f.layer, f.overrides, "; ".join(texts))
                    for f in index._facts[key]
                )
        return index

    def narrowed(self, facts: dict[tuple[URIRef, URIRef], tuple[Fact, ...]],
                 claims: dict[tuple[URIRef, URIRef], tuple[Fact, ...]]) -> "FactIndex":
        """This index with fewer facts (and the claims that say why): types and conflicts stay, lookups follow."""
        reverse: dict[tuple[URIRef, Node], set[URIRef]] = defaultdict(set)
        for (subject, predicate), found in facts.items():
            if isinstance(subject, URIRef):
                for fact in found:
                    if isinstance(fact.object, URIRef):
                        reverse[(predicate, fact.object)].add(subject)
        return FactIndex(self.layers, facts, self._by_type, self._conflicts,
                         {k: tuple(sorted(v)) for k, v in reverse.items()}, _claims=claims)

    def noting_wider(self, facts: tuple[Fact, ...], wider: Iterable[Node | None], predicate: URIRef) -> tuple[Fact, ...]:
        """The facts, each from an overlay noted with the lower layers' facts it replaces at the wider scopes.

        Where an overlay's fact at a narrower scope replaces a lower layer's fact at a
        wider one (an offering's retention over its provider's), the trail says so, as
        it does for an override at the same scope.
        """
        if all(f.layer in _SHIPPED for f in facts):
            return facts  # the shipped base states scopes as it means them: nothing to note
        rank = {name: i for i, name in enumerate(self.layers)}
        hidden = [w for node in wider for w in self.values(node, predicate)]
        out = []
        for fact in facts:
            below = [w for w in hidden if fact.layer not in _SHIPPED and rank.get(w.layer, 0) < rank.get(fact.layer, 0)]
            if below:
                said = "; ".join(
                    f"replaces {short(w.subject)} {short(w.object)} stated at a wider scope in layer {w.layer} "
                    f"({w.source.url if w.source and w.source.url else 'no source'})"
                    for w in below
                )
                fact = Fact(fact.subject, fact.predicate, fact.object, fact.source, fact.layer, fact.overrides,
                            f"{fact.note}; {said}" if fact.note else said)
            out.append(fact)
        return tuple(out)

    # -- What is known to be complete (the ontology's "closed world" section) -------

    def _lengths(self, subject: Node | None, link: URIRef, predicate: URIRef) -> list[tuple[int, str]]:
        """Each readable list-length declaration on the subject for the property: (length, layer)."""
        out = []
        stated = self.values(subject, link)
        # Each layer declares the lengths of its own lists: a later layer's declarations add to, not replace, them.
        for fact in stated + (stated[0].overrides if stated else ()):
            of, length = self.one(fact.object, SEL.listOf), self.one(fact.object, SEL.listLength)
            count = number(length.object) if length is not None else None
            if of is not None and of.object == predicate and count is not None and count >= 0 and count == int(count):
                out.append((int(count), fact.layer))
        return out

    def closed_list(self, subject: Node | None, predicate: URIRef, *, single: bool = False) -> bool:
        """Whether the subject's values of the property are all there are.

        True where the layer stating them declares how many (``sel:closedList``) and that
        many distinct values are stated; with ``single``, also where exactly one value is
        stated and nothing is declared (a property judged by the strictest of its values:
        one value is its own whole list).
        """
        facts = self.values(subject, predicate)
        count = len({f.object for f in facts})
        group = length_group(facts[0].layer) if facts else None
        lengths = self._lengths(subject, SEL.closedList, predicate)
        if not lengths:
            return single and count == 1
        return any(n == count and (group is None or length_group(at) == group) for n, at in lengths)

    def closed_members(self, subject: Node | None, predicate: URIRef) -> bool:
        """Whether every subject stating the property with this one as value is known (``sel:closedMembers``).

        A bloc's member countries, say.
        """
        lengths = self._lengths(subject, SEL.closedMembers, predicate)
        if not lengths or not isinstance(subject, URIRef):
            return False
        layers = [
            f.layer for member in self.subjects(predicate, subject) for f in self.values(member, predicate)
            if f.object == subject
        ]
        return any(n == sum(1 for at in layers if length_group(at) == length_group(layer)) for n, layer in lengths)

    def defaults_hold(self, wider: Node | None, predicate: URIRef, layer: str) -> bool:
        """Whether the wider subject's value of the property may stand for a narrower subject that states none.

        The narrower subjects are a model's offerings, a provider's offerings and targets,
        and the targets an offering is available at. Where some of them in the same layer
        state their own value (an offering's cap), the wider subject declares how many
        (``sel:closedOverrides``); a count that does not match means one was deleted, so
        the default cannot be trusted for any of them.
        """
        key = (wider, predicate, layer)
        found = self._defaults.get(key)
        if found is None:
            narrower = set(self.subjects(SEL.model, wider)) | set(self.subjects(SEL.provider, wider))
            narrower.update(n for n in self.objects(wider, SEL.availableAt) if isinstance(n, URIRef))
            group = length_group(layer)
            count = sum(1 for n in narrower if any(length_group(f.layer) == group for f in self.values(n, predicate)))
            lengths = [n for n, at in self._lengths(wider, SEL.closedOverrides, predicate) if length_group(at) == group]
            found = self._defaults[key] = (count in lengths) if lengths else count == 0
        return found

    def __getstate__(self) -> dict:
        # Labels and default checks are remembered as they are asked for; the snapshot holds none.
        return {**self.__dict__, "_labels": {}, "_defaults": {}}

    def statements(self):
        """Every (subject, property) with its effective facts."""
        return self._facts.items()

    def values(self, subject: Node | None, predicate: URIRef) -> tuple[Fact, ...]:
        """The effective facts for a subject and property (empty when unknown)."""
        if not isinstance(subject, (URIRef, BNode)):
            return ()
        return self._facts.get((subject, predicate), ())

    def one(self, subject: Node | None, predicate: URIRef) -> Fact | None:
        """The single effective fact for a subject and property, or None (first in a stable order)."""
        facts = self.values(subject, predicate)
        return facts[0] if facts else None

    def objects(self, subject: Node | None, predicate: URIRef) -> tuple[Node, ...]:
        """Just the values of the effective facts."""
        return tuple(f.object for f in self.values(subject, predicate))

    def items(self, head: Node | None) -> tuple[Node, ...]:
        """The members of an RDF list, in order (empty for a missing or broken list)."""
        out: list[Node] = []
        node = head
        while node is not None and node != RDF.nil and len(out) < 1000:
            first = self.objects(node, RDF.first)
            rest = self.objects(node, RDF.rest)
            if not first or not rest:
                return ()
            out.append(first[0])
            node = rest[0]
        return tuple(out)

    def walk(self, start: Node | Iterable[Node], predicate: URIRef, *, limit: int = 10_000) -> dict[Node, int]:
        """Every node reachable from ``start`` along ``predicate``, with its distance, in breadth-first order.

        The one graph walk every check uses (``skos:broader``, ``sel:derivedFrom``,
        ``sel:parentOrganisation``): each node is visited once, so a cycle in the data
        (which validation refuses, but an engine must survive) cannot make it spin, and
        ``limit`` nodes at most are visited.
        """
        starts = [start] if isinstance(start, Node) else list(start)
        found: dict[Node, int] = {}
        frontier = []
        for node in starts:
            if node not in found:
                found[node] = 0
                frontier.append(node)
        while frontier and len(found) < limit:
            following = []
            for node in frontier:
                for value in self.objects(node, predicate):
                    if value not in found and len(found) < limit:
                        found[value] = found[node] + 1
                        following.append(value)
            frontier = following
        return found

    def instances(self, cls: URIRef) -> tuple[URIRef, ...]:
        """Every subject typed with the class, sorted."""
        return self._by_type.get(cls, ())

    def subjects(self, predicate: URIRef, obj: Node) -> tuple[URIRef, ...]:
        """Every subject with an effective fact (predicate, obj), sorted."""
        return self._reverse.get((predicate, obj), ())

    def has_type(self, subject: Node, cls: URIRef) -> bool:
        """Whether the subject is typed with the class."""
        return cls in self.objects(subject, RDF.type)

    def label(self, subject: Node) -> str:
        """A readable name: the slug, else the label, else MODEL@PROVIDER for an offering, else the prefixed IRI."""
        cached = self._labels.get(subject)
        if cached is None:
            cached = self._labels[subject] = self._label(subject)
        return cached

    def _label(self, subject: Node) -> str:
        for predicate in (SEL.slug, RDFS.label):
            fact = self.one(subject, predicate)
            if fact is not None:
                return str(fact.object)
        model, provider = self.one(subject, SEL.model), self.one(subject, SEL.provider)
        if model is not None and provider is not None:
            return f"{self.label(model.object)}@{self.label(provider.object)}"
        return short(subject)

    def title(self, subject: Node) -> str:
        """A descriptive name: the label, else the slug, else the prefixed IRI."""
        fact = self.one(subject, RDFS.label)
        return str(fact.object) if fact is not None else self.label(subject)

    def claims_about(self, subject: Node | None, predicate: URIRef) -> tuple[Fact, ...]:
        """The claims about a subject's property that are not applied (unconfirmed or rejected).

        Each is the value it claims, with its source and a note saying why it is not applied.
        """
        return self._claims.get((subject, predicate), ())

    def claims(self) -> dict[tuple[URIRef, URIRef], tuple[Fact, ...]]:
        """Every claim that is not applied, by (subject, property)."""
        return dict(self._claims)

    def _collect_claims(self) -> dict[tuple[URIRef, URIRef], tuple[Fact, ...]]:
        found: dict[tuple[URIRef, URIRef], list[Fact]] = defaultdict(list)
        for claim in self.instances(SEL.Claim):
            subject, predicate, value = (self.one(claim, p) for p in (RDF.subject, RDF.predicate, RDF.object))
            if subject is None or predicate is None or value is None:
                continue
            status = self.one(claim, SEL.claimStatus)
            comment = self.one(claim, RDFS.comment)
            why = {SEL.Rejected: "rejected, another source's value applies", SEL.Unconfirmed: "not confirmed by a "
                   "primary source"}.get(status.object if status else None, "not applied")
            note = f"claimed, not applied ({why})" + (f": {comment.object}" if comment is not None else "")
            found[(subject.object, predicate.object)].append(
                Fact(subject.object, predicate.object, value.object, value.source, value.layer, note=note))
        return {key: tuple(sorted(facts, key=lambda f: (str(f.object), str(f.source.url if f.source else ""))))
                for key, facts in found.items()}

def length_group(layer: str) -> str:
    """The layers a list-length declaration counts in: the shipped layers together, or one overlay."""
    return "shipped" if layer in _SHIPPED else layer


def _order(statement: _Statement) -> tuple:
    return (statement.layer, str(statement.obj), statement.source.url if statement.source else "")
