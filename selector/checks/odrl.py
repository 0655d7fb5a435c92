"""Evaluating a licence's ODRL terms for one licensee: constraints, their operands and operators.

A constraint is true, false or unknown (``Truth.value`` None) for the policy's
licensee and the model; an unknown one names what it waits for (a policy key, or a
fact of the knowledge base), in the words of the licence rule's ``phrases``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import URIRef
from rdflib.term import Node

from selector.checks.base import CheckContext
from selector.kb.facts import Fact
from selector.kb.literals import number
from selector.kb.namespaces import ODRL, RDFS, SEL, short
from selector.results import Verdict
from selector.rules import Rule

_USE = {"commercial": SEL.Commercial, "research": SEL.Research, "non-production": SEL.NonProduction}
_MULTIMODAL_INPUTS = {SEL.Image, SEL.Audio, SEL.Video}


@dataclass
class Truth:
    """A three-valued answer with the licensee keys it was missing and the facts it read."""

    value: bool | None
    missing: set[str] = field(default_factory=set)
    facts: list[Fact] = field(default_factory=list)


def clause_label(ctx: CheckContext, node: Node) -> str:
    """A node's label, else its prefixed name."""
    fact = ctx.facts.one(node, RDFS.label)
    return str(fact.object) if fact is not None else short(node)


def failed(ctx: CheckContext, rule: Rule, model: URIRef, rule_node: Node, required) -> str:
    """Why a permission does not apply: the labels of its constraints that do not hold."""
    out = []
    for constraint in ctx.facts.objects(rule_node, ODRL.constraint):
        if judge_constraint(ctx, rule, model, constraint, required).value is False:
            text = clause_label(ctx, constraint)
            either = ctx.facts.one(constraint, ODRL["or"]) or ctx.facts.one(constraint, ODRL["and"])
            if either is not None:
                parts = [clause_label(ctx, m) for m in ctx.facts.items(either.object)
                         if judge_constraint(ctx, rule, model, m, required).value is False]
                text += ": " + "; ".join(parts)
            out.append(text)
    return "; ".join(out) or rule.phrase("condition_fails")


def all_hold(ctx: CheckContext, rule: Rule, model: URIRef, constraints, required) -> Truth:
    """Whether every constraint holds: false at the first that does not, unknown if any is unknown."""
    result = Truth(True)
    for constraint in constraints:
        truth = judge_constraint(ctx, rule, model, constraint, required)
        result.facts.extend(truth.facts)
        if truth.value is False:
            return Truth(False, facts=result.facts)
        if truth.value is None:
            result.value = None
            result.missing |= truth.missing
    return result


def judge_constraint(ctx: CheckContext, rule: Rule, model: URIRef, node: Node, required) -> Truth:
    """Whether one constraint (or an odrl:or / odrl:and of several) holds for this licensee and model."""
    facts = ctx.facts
    own = [f for f in (facts.one(node, RDFS.label),) if f is not None]
    either = facts.one(node, ODRL["or"])
    both = facts.one(node, ODRL["and"])
    if either is not None or both is not None:
        members = facts.items((either or both).object)
        if not members:  # an empty or broken list: nothing to decide on
            return Truth(None, {rule.phrase("missing_parts", constraint=short(node))}, own)
        parts = [judge_constraint(ctx, rule, model, m, required) for m in members]
        collected = own + [f for p in parts for f in p.facts]
        missing = set().union(*(p.missing for p in parts)) if parts else set()
        values = [p.value for p in parts]
        if either is not None:
            value = True if True in values else (None if None in values else False)
        else:
            value = False if False in values else (None if None in values else True)
        return Truth(value, missing if value is None else set(), collected)
    left = facts.one(node, ODRL.leftOperand)
    operator = facts.one(node, ODRL.operator)
    right = facts.one(node, ODRL.rightOperand)
    if left is None or operator is None or right is None:
        return Truth(None, {rule.phrase("missing_constraint", constraint=short(node))}, own)
    collected = own + [left, operator, right]
    actual, key, extra = _operand(ctx, rule, model, left.object, required)
    collected.extend(extra)
    if actual is None:
        return Truth(None, {key}, collected)
    value = _compare(ctx, actual, operator.object, right.object)
    return Truth(value, set() if value is not None else {key}, collected)


def _operand(ctx: CheckContext, rule: Rule, model: URIRef, left: Node, required):
    """The value of a left operand for this licensee and model, the policy key it comes from, and facts used."""
    licensee = ctx.policy.licensee
    if left in (SEL.licenseeMAUAtReleaseDate, SEL.licenseeMAU):
        value = licensee.monthly_active_users if licensee else None
        return (Decimal(value) if value is not None else None), rule.phrase("missing_users"), []
    if left == SEL.licenseeMonthlyRevenueUSD:
        value = licensee.monthly_revenue_usd if licensee else None
        return (Decimal(str(value)) if value is not None else None), rule.phrase("missing_revenue"), []
    if left == SEL.licenseeDomicile:
        code = licensee.domicile if licensee else None
        return (ctx.places.resolve(code) if code else None), rule.phrase("missing_domicile"), []
    if left == SEL.useContext:
        use = licensee.use if licensee and licensee.use else None
        if use is None and required is not None and required.commercial_use:
            use = "commercial"
        return (_USE.get(use) if use else None), rule.phrase("missing_use"), []
    if left == SEL.licenseeRole:
        return SEL.Licensee, "", []
    if left == SEL.modelModality:
        inputs = ctx.facts.values(model, SEL.inputModality)
        wanted = rule.phrase("missing_modalities", model=ctx.facts.label(model))
        if not inputs:
            return None, wanted, []
        if any(f.object in _MULTIMODAL_INPUTS for f in inputs):
            return SEL.Multimodal, "", list(inputs)
        # Text only: known only where the list of input modalities is known to be whole.
        if not ctx.facts.closed_list(model, SEL.inputModality):
            return None, rule.phrase("modalities_open", modalities=wanted), list(inputs)
        return SEL.Text, "", list(inputs)
    return None, rule.phrase("unevaluated", operand=short(left)), []


def _compare(ctx: CheckContext, actual, operator: Node, right: Node) -> bool | None:
    if operator in (ODRL.eq, ODRL.neq):
        same = actual == right if isinstance(right, URIRef) else actual == number(right)
        return same if operator == ODRL.eq else not same
    if operator in (ODRL.lt, ODRL.lteq, ODRL.gt, ODRL.gteq):
        bound = number(right)
        if bound is None or not isinstance(actual, Decimal):
            return None
        return {
            ODRL.lt: actual < bound, ODRL.lteq: actual <= bound,
            ODRL.gt: actual > bound, ODRL.gteq: actual >= bound,
        }[operator]
    if operator == ODRL.isPartOf and isinstance(actual, URIRef) and isinstance(right, URIRef):
        if actual in ctx.places.blocs:
            # A bloc as domicile: inside only if all its members are, outside only if none is,
            # and either only when the bloc's members are all known.
            members = ctx.places.members(actual)
            judged = [ctx.places.country_within(m, right).verdict for m in members]
            if not ctx.places.members_complete(actual) or Verdict.UNKNOWN in judged:
                return None
            inside = [v is Verdict.PASS for v in judged]
            return True if inside and all(inside) else (False if not any(inside) else None)
        verdict = ctx.places.place_within(actual, (right,)).verdict
        return None if verdict is Verdict.UNKNOWN else verdict is Verdict.PASS
    if operator == ODRL.isAnyOf:
        options = ctx.facts.items(right) or (right,)
        return actual in options
    return None
