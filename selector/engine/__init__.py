"""The engine: a knowledge base and rule set compiled once, to decide every candidate under many policies."""

from __future__ import annotations

import hashlib
from functools import cached_property

from rdflib import URIRef

from selector.engine.columns import Columns
from selector.engine.decide import decide
from selector.engine.selection import QuickDecision, Selection, quick_decision
from selector.gcpause import collector_paused
from selector.kb.candidates import Candidate, enumerate_candidates, find_candidate
from selector.kb.facts import FactIndex
from selector.kb.load import KnowledgeBase
from selector.kb.namespaces import SEL
from selector.kb.places import Jurisdictions
from selector.policy import Policy, PolicyVocabulary, policy_value
from selector.results import Decision, Report
from selector.rules import Rule


class Engine:
    """A knowledge base and rule set compiled once, to decide many policies and candidates."""

    def __init__(self, kb: KnowledgeBase, rules: tuple[Rule, ...]) -> None:
        with collector_paused():
            self._compile(kb, rules)

    def _compile(self, kb: KnowledgeBase, rules: tuple[Rule, ...]) -> None:
        self.layers = kb.layers
        self.kb_fingerprint = kb.fingerprint
        self.rules = rules
        self.facts = FactIndex.build(kb)
        self.places = Jurisdictions(self.facts)
        self.candidates: tuple[Candidate, ...] = enumerate_candidates(self.facts)
        self.candidate_index = {c.id: i for i, c in enumerate(self.candidates)}
        self.regions = self._region_codes()
        self.columns = Columns.build(self)

    @cached_property
    def candidate_by_id(self) -> dict[str, Candidate]:
        """Every candidate by its id."""
        return {c.id: c for c in self.candidates}

    def _region_codes(self) -> dict[str, URIRef]:
        regions: dict[str, URIRef] = {}
        for region in self.facts.instances(SEL.Region):
            for predicate in (SEL.regionCode, SEL.slug):
                for code in self.facts.objects(region, predicate):
                    regions.setdefault(str(code), region)
        return regions

    def vocabulary(self) -> PolicyVocabulary:
        """The values a policy may name, as this knowledge base knows them."""
        facts = self.facts

        def slugs(nodes) -> frozenset[str]:
            return frozenset(str(f.object) for n in nodes for f in facts.values(n, SEL.slug))

        return PolicyVocabulary(
            jurisdictions=self.places.codes(),
            makers=slugs(facts.instances(SEL.Maker)),
            providers=slugs(facts.instances(SEL.Provider)),
            provider_kinds=slugs(facts.instances(SEL.ProviderKind)),
            modalities=slugs(facts.instances(SEL.Modality)),
            certifications=slugs(facts.instances(SEL.Certification)),
            regions=frozenset(self.regions),
            licences=frozenset(str(f.object) for n in facts.instances(SEL.Licence) for f in facts.values(n, SEL.spdxId)),
            precisions=slugs(facts.instances(SEL.Precision)),
        )

    def active_rules(self, policy: Policy) -> tuple[Rule, ...]:
        """The rules a policy switches on, in id order."""
        return tuple(r for r in self.rules if any(policy_value(policy, k) is not None for k in r.active_when))

    def decide(self, candidate: Candidate, policy: Policy, rules: tuple[Rule, ...] | None = None) -> Decision:
        """One candidate's decision under the policy (unranked)."""
        chosen = self.active_rules(policy) if rules is None else rules
        return decide(self.facts, self.places, self.regions, candidate, policy, chosen)

    def selection(self, policy: Policy) -> Selection:
        """Every candidate's outcome under the policy, ranked, with each trail built only when asked for."""
        return Selection.make(self, policy)

    def select(self, policy: Policy, *, denied: bool = True) -> Report:
        """Every candidate's decision.

        Allowed first in the policy's preferred order, then denied by id (``denied=False``: the allowed ones
        only, with the counts of all).
        """
        return self.selection(policy).report(denied=denied)

    def find(self, name: str) -> Candidate:
        """The candidate a user named (MODEL@PROVIDER/DEPLOYMENT, or MODEL@PROVIDER naming one); UsageError if none."""
        index = self.candidate_index.get(name)
        return self.candidates[index] if index is not None else find_candidate(self.candidates, name)

    def check(self, name: str, policy: Policy) -> Decision:
        """The decision for one named candidate (MODEL@PROVIDER/DEPLOYMENT), with its whole trail."""
        return self.decide(self.find(name), policy)

    def allows(self, name: str, policy: Policy) -> QuickDecision:
        """Whether the named candidate is allowed, without building its trail (``.trail()`` builds it)."""
        index = self.candidate_index.get(name)
        if index is None:
            index = self.candidate_index[self.find(name).id]
        return quick_decision(self, index, policy)

    @property
    def rules_fingerprint(self) -> str:
        """The content fingerprint of the rules (the knowledge base's own is ``kb_fingerprint``, as ``kb stats`` shows).

        It covers each rule's id, policy key, check kind and parameters, and its words
        (messages, remedies, phrases): two rule sets with equal fingerprints decide and
        explain alike.
        """
        digest = hashlib.sha256()
        for rule in self.rules:
            digest.update(rule.id.encode())
            digest.update(repr((
                rule.policy_key, rule.active_when, rule.kind, sorted(rule.params.items()),
                sorted(rule.messages.items()), sorted(rule.remedy.items()), sorted(rule.phrases.items()),
            )).encode())
        return "sha256:" + digest.hexdigest()
