"""Loading a generated world into the engine and the oracle, and comparing what they decide."""

from __future__ import annotations

import dataclasses
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Iterator

from rdflib.namespace import OWL, RDF, RDFS

from selector.checks import KINDS
from selector.engine import Engine
from selector.kb.lengths import with_lengths
from selector.kb.load import KnowledgeBase, Quad, load_knowledge_base
from selector.policy import Policy, load_policy
from selector.rules import load_rules

from .oracle import SEL as SEL_NS
from .oracle import Oracle
from .worlds import Layout, World, write_policy, write_world

RULES = load_rules(kinds=KINDS)

LONG = os.environ.get("SELECTOR_LONG") == "1"


def examples(default: int, long: int = 100_000) -> int:
    """How many examples a property runs: ``default``, or ``long`` with SELECTOR_LONG=1."""
    return long if LONG else default


@contextmanager
def scratch() -> Iterator[Path]:
    """A fresh temporary folder for one example."""
    with tempfile.TemporaryDirectory(prefix="selector-world-") as folder:
        yield Path(folder)


def load(world: World, root: Path, layout: Layout = Layout()) -> KnowledgeBase:
    """Write a world under ``root`` (with a copy of ``selector.ttl``) and load it as base plus overlay."""
    base, overlays = write_world(world, root, layout)
    return load_knowledge_base(overlays, base_dir=base)


_ONTOLOGY: list[KnowledgeBase] = []


def ontology_only() -> KnowledgeBase:
    """The shipped ontology alone, loaded once (from a folder holding a copy of ``selector.ttl``)."""
    if not _ONTOLOGY:
        with scratch() as root:
            _ONTOLOGY.append(load(World(), root))
    return _ONTOLOGY[0]


def load_fast(world: World, root: Path, layout: Layout = Layout()) -> KnowledgeBase:
    """Like :func:`load`, but with the ontology layer parsed once per session.

    Parsing ``selector.ttl`` (and indexing its class and property definitions) costs
    more than the rest of a tiny world, so the world is loaded with an empty ontology
    file and the ontology's statements about its individuals are put in front of its
    own quads: the knowledge base the loader would have made, less the definitions,
    and with a dataset holding only the world's triples. ``test_fast_load_is_faithful``
    checks that the engine decides exactly the same on both.
    """
    ontology = ontology_only()
    base, overlays = write_world(world, root, layout, ontology="# the ontology is added by the test harness\n")
    kb = load_knowledge_base(overlays, base_dir=base)
    assert kb.layers[0] == ontology.layers[0] and not [q for q in kb.quads if q.layer == kb.layers[0]]
    return dataclasses.replace(
        kb,
        quads=_individuals(ontology) + kb.quads,
        sources=MappingProxyType({**ontology.sources, **kb.sources}),
    )


_SCHEMA = frozenset({RDFS.Class, RDF.Property, OWL.Ontology, OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty})
_KEPT: dict[int, tuple[Quad, ...]] = {}


def _individuals(ontology: KnowledgeBase) -> tuple[Quad, ...]:
    """The ontology's statements about its individuals (modalities, provider kinds, ZDR levels, ...).

    The definitions of classes and properties are left out: the engine decides from
    the individuals alone, and the fidelity test would notice if it did not.
    """
    if id(ontology) not in _KEPT:
        schema = {q.subject for q in ontology.quads if q.predicate == RDF.type and q.object in _SCHEMA}
        _KEPT[id(ontology)] = tuple(q for q in ontology.quads if q.subject not in schema)
    return _KEPT[id(ontology)]


@dataclass
class Pair:
    """The engine and the oracle over one knowledge base."""

    kb: KnowledgeBase
    engine: Engine
    oracle: Oracle

    def policy(self, data: dict, path: Path) -> Policy:
        """Validate policy data against this knowledge base's vocabulary."""
        return load_policy(write_policy(data, path), self.engine.vocabulary())

    def disagreements(self, policy: Policy) -> list[str]:
        """Every candidate on which the engine and the oracle differ, as readable lines."""
        report = self.engine.select(policy)
        answers = self.oracle.decide(policy)
        problems = []
        engine_ids = {d.candidate.id for d in report.decisions}
        if engine_ids != set(answers):
            problems.append(f"candidates differ: engine-only {sorted(engine_ids - set(answers))}, "
                            f"oracle-only {sorted(set(answers) - engine_ids)}")
        for decision in report.decisions:
            answer = answers.get(decision.candidate.id)
            if answer is None:
                continue
            verdicts = {r.rule: r.verdict.value for r in decision.results}
            if decision.allowed != answer.allowed or verdicts != answer.verdicts:
                differing = {
                    rule: (verdicts.get(rule), answer.verdicts.get(rule))
                    for rule in sorted(set(verdicts) | set(answer.verdicts))
                    if verdicts.get(rule) != answer.verdicts.get(rule)
                }
                problems.append(
                    f"{decision.candidate.id}: engine {decision.outcome}, oracle "
                    f"{'allowed' if answer.allowed else 'denied'}; (engine, oracle) verdicts {differing}; "
                    + "; ".join(f"{r.rule}: {r.reason}" for r in decision.results if r.rule in differing)
                )
        return problems


def pair(world: World, root: Path, layout: Layout = Layout(), *, fast: bool = True) -> Pair:
    """Load a world and compile it for both evaluators.

    The world's lists are declared as a maintainer would declare them: the lengths the
    engine counts (``with_lengths``), and, where the world marks a zone's member regions
    or an aggregator's routes complete (the oracle reads ``sel:memberRegionsComplete`` and
    ``sel:routesComplete``, a world's plain words for it), their lengths.
    """
    kb = with_lengths(declare_complete((load_fast if fast else load)(world, root, layout)))
    return Pair(kb, Engine(kb, RULES), Oracle(kb))


_COMPLETE = {SEL_NS.memberRegionsComplete: SEL_NS.memberRegion, SEL_NS.routesComplete: SEL_NS.routesTo}


def declare_complete(kb: KnowledgeBase) -> KnowledgeBase:
    """A list-length declaration for each list the world says is complete, in the layer of the list's facts."""
    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import XSD

    from selector.kb.facts import FactIndex

    facts = FactIndex.build(kb)
    quads = list(kb.quads)
    for marker, listed in _COMPLETE.items():
        for subject in {q.subject for q in kb.quads if q.predicate == marker}:
            flags = facts.values(subject, marker)
            members = facts.values(subject, listed)
            if not flags or not members or not all(f.object == Literal(True) for f in flags):
                continue
            node = BNode()
            layer = members[0].layer
            graph = min(str(q.graph) for q in kb.quads if q.subject == subject and q.predicate == listed
                        and q.layer == layer and q.graph is not None)
            count = Literal(len({f.object for f in members}), datatype=XSD.integer)
            for s, p, o in ((subject, SEL_NS.closedList, node), (node, SEL_NS.listOf, listed), (node, SEL_NS.listLength, count)):
                quads.append(Quad(s, p, o, URIRef(graph), layer, "(declared by the test harness)"))
    return dataclasses.replace(kb, quads=tuple(quads))


def minimise(world: World, fails: Callable[[World], bool]) -> World:
    """The world with every statement removed whose removal keeps ``fails`` true (one greedy pass, repeated)."""
    changed = True
    while changed:
        changed = False
        i = len(world.statements) - 1
        while i >= 0:
            smaller = world.without(i)
            if fails(smaller):
                world, changed = smaller, True
            i -= 1
    return world
