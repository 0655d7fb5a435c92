"""The engine: a knowledge base and rule set compiled once, to decide every candidate under many policies."""

from __future__ import annotations

import copy
import hashlib
from datetime import date, timedelta
from functools import cached_property

from rdflib import URIRef

from selector.engine.columns import Columns
from selector.engine.decide import decide
from selector.engine.selection import QuickDecision, Selection, quick_decision
from selector.gcpause import collector_paused
from selector.kb.candidates import Candidate, enumerate_candidates, find_candidate
from selector.kb.facts import FactIndex
from selector.kb.freshness import newest_as_of
from selector.kb.load import KnowledgeBase
from selector.kb.places import Jurisdictions
from selector.kb.stale import without_stale
from selector.policy import Policy, PolicyVocabulary, policy_value
from selector.policy.names import region_codes, vocabulary_from
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
        #: The knowledge base's own date: its newest source's as-of (the default evaluation date).
        self.kb_date: date = date.fromisoformat(newest_as_of(kb) or "1970-01-01")
        self._fresh: dict[tuple[date, int], Engine] = {}

    def __getstate__(self) -> dict:
        # Engines narrowed to a policy's freshness are rebuilt as policies ask for them: never cached on disk.
        return {**self.__dict__, "_fresh": {}}

    def dated(self, policy: Policy) -> Policy:
        """The policy with its evaluation date: its own (``--as-of``), else the knowledge base's date."""
        return policy if policy.as_of is not None else policy.on(self.kb_date)

    def judging(self, policy: Policy) -> "Engine":
        """The engine a dated policy is judged on: this one, or one without the facts too old for the policy."""
        days = policy.require.max_fact_age_days
        if days is None or policy.as_of is None:
            return self
        key = (policy.as_of, days)
        found = self._fresh.get(key)
        if found is None:
            with collector_paused():
                found = copy.copy(self)
                found._fresh = {key: found}  # judging the same policy again on it gives itself
                found.facts = without_stale(self.facts, policy.as_of - timedelta(days=days), policy.as_of, days)
                found.places = Jurisdictions(found.facts)
                found.columns = Columns.build(found)
            while len(self._fresh) >= 4:
                self._fresh.pop(next(iter(self._fresh)))
            self._fresh[key] = found
        return found

    @cached_property
    def candidate_by_id(self) -> dict[str, Candidate]:
        """Every candidate by its id."""
        return {c.id: c for c in self.candidates}

    def _region_codes(self) -> dict[str, URIRef]:
        return region_codes(self.facts)

    def vocabulary(self) -> PolicyVocabulary:
        """The values a policy may name, as this knowledge base knows them."""
        return vocabulary_from(self.facts, self.places, self.regions)

    def active_rules(self, policy: Policy) -> tuple[Rule, ...]:
        """The rules a policy switches on, in id order (a rule active ``always`` is on under every policy)."""
        return tuple(
            r for r in self.rules if r.always or any(policy_value(policy, k) is not None for k in r.active_when)
        )

    def decide(self, candidate: Candidate, policy: Policy, rules: tuple[Rule, ...] | None = None) -> Decision:
        """One candidate's decision under the policy (unranked)."""
        policy = self.dated(policy)
        engine = self.judging(policy)
        chosen = self.active_rules(policy) if rules is None else rules
        return decide(engine.facts, engine.places, engine.regions, candidate, policy, chosen)

    def selection(self, policy: Policy) -> Selection:
        """Every candidate's outcome under the policy, ranked, with each trail built only when asked for."""
        policy = self.dated(policy)
        return Selection.make(self.judging(policy), policy)

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
        policy = self.dated(policy)
        return quick_decision(self.judging(policy), index, policy)

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
