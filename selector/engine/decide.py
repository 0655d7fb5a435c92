"""One candidate's decision under a policy: every active rule's check, its reason, evidence and remedy."""

from __future__ import annotations

from typing import Any, Mapping

from rdflib import URIRef

from selector.checks import KINDS, CheckContext
from selector.kb.candidates import Candidate
from selector.kb.facts import FactIndex
from selector.kb.lifecycle import lifecycle_facts
from selector.kb.places import Jurisdictions
from selector.policy import Policy, policy_value
from selector.results import Decision, Lifecycle, RuleResult, Verdict
from selector.rules import Rule


def decide(
    facts: FactIndex,
    places: Jurisdictions,
    regions: Mapping[str, URIRef],
    candidate: Candidate,
    policy: Policy,
    rules: tuple[Rule, ...],
) -> Decision:
    """The candidate's decision under the policy's given rules (unranked), with the whole trail."""
    ctx = CheckContext(facts, places, policy, candidate, regions)
    results: list[RuleResult] = []
    obligations: list[Any] = []
    for rule in rules:
        required = policy_value(policy, rule.policy_key)
        outcome = KINDS[rule.kind].check(ctx, rule, required)
        verdict = outcome.verdict.value
        results.append(
            RuleResult.model_construct(
                rule=rule.id,
                title=rule.title,
                verdict=outcome.verdict,
                reason=rule.message(verdict, outcome.fields),
                evidence=tuple(dict.fromkeys(f.evidence_item for f in outcome.facts)),
                remedy=rule.remedy_for(verdict, outcome.fields) if verdict != "pass" else None,
            )
        )
        for item in outcome.obligations:
            if item not in obligations:
                obligations.append(item)
    fails = [r for r in results if r.verdict is Verdict.FAIL]
    unknowns = [r for r in results if r.verdict is Verdict.UNKNOWN]
    allowed = not fails and (not unknowns or policy.unknown == "warn")
    warnings = tuple(
        f"UNKNOWN {r.rule}: {r.reason} (allowed only because the policy says unknown: warn)"
        for r in unknowns
    ) if allowed else ()
    life = lifecycle_facts(facts, candidate)
    return Decision(
        candidate=candidate.ref(),
        outcome="allowed" if allowed else "denied",
        rank=None,
        denied_on_unknown=not allowed and not fails,
        warnings=warnings,
        obligations=tuple(obligations) if allowed else (),
        lifecycle=Lifecycle(
            status=life.status_on(policy.as_of),
            deprecated_on=life.deprecated_on.isoformat() if life.deprecated_on else None,
            retires_on=life.retires_on.isoformat() if life.retires_on else None,
        ),
        results=tuple(results),
    )
