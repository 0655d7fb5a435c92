"""Open-weight licences: which clauses bind whom for a deployment, and what the user owes.

A licence's terms are an ODRL policy in the knowledge base. Self-hosting makes the
user the licensee, so its permissions, prohibitions and duties are evaluated against
the policy's ``licensee`` block; calling a hosted API makes the provider the
licensee and distributor and the user an end user under the provider's terms.
A model derived from another carries both models' licences (the lineage is a
walk up ``sel:derivedFrom``, whose cycles the knowledge-base validation refuses).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Hashable

from rdflib import URIRef
from rdflib.term import Node

from selector.checks.base import (
    CheckContext,
    CheckKind,
    Outcome,
    base_fields,
    doubts_about,
    every_part,
    fmt,
    self_hosted,
)
from selector.kb.facts import Fact, boolean, number
from selector.kb.namespaces import ODRL, RDFS, SEL, short
from selector.results import Obligation, Verdict, worse
from selector.rules import Rule

_USE = {"commercial": SEL.Commercial, "research": SEL.Research, "non-production": SEL.NonProduction}
_MULTIMODAL_INPUTS = {SEL.Image, SEL.Audio, SEL.Video}


@dataclass
class _Truth:
    """A three-valued answer with the licensee keys it was missing and the facts it read."""

    value: bool | None
    missing: set[str] = field(default_factory=set)
    facts: list[Fact] = field(default_factory=list)


def lineage(ctx: CheckContext, model: URIRef) -> tuple[URIRef, ...]:
    """The model and every model it derives from (sel:derivedFrom), nearest first, each once."""
    order = {n: d for n, d in ctx.facts.walk(model, SEL.derivedFrom).items() if isinstance(n, URIRef)}
    return tuple(sorted(order, key=lambda n: (order[n], str(n))))


def licensee_role(ctx: CheckContext) -> str | None:
    """Why the user is the licensee for this deployment, or None when the user is an end user.

    Self-hosting the weights, or fine-tuning them (which makes a derivative), makes
    the user the licensee; calling a hosted API does not.
    """
    kinds = ctx.facts.objects(ctx.candidate.provider, SEL.providerKind)
    if self_hosted(ctx) or SEL.SelfHostedRuntime in kinds:
        return "you self-host the weights"
    if SEL.InternalHosting in kinds:
        return f"you run the weights on your organisation's own service, {ctx.candidate.provider_slug}"
    if ctx.policy.require.fine_tuning:
        return "you fine-tune the model, which makes a derivative of it"
    return None


def judge_licence(ctx: CheckContext, rule: Rule, required) -> Outcome:
    """The licence clauses that bind the right party allow the use; duties are returned as obligations."""
    fields = base_fields(ctx, _describe(required), ctx.candidate.model)
    role = licensee_role(ctx)
    if role is None:
        licences = [f for m in lineage(ctx, ctx.candidate.model) for f in ctx.facts.values(m, SEL.licence)]
        named = f" under {fmt([ctx.facts.label(f.object) for f in licences])}" if licences else ""
        fields["detail"] = (
            f"you call {ctx.candidate.provider_slug}'s hosted service: the provider is the licensee and "
            f"distributor{named}, and you are an end user under its terms"
        )
        fields["value"] = "end user"
        return Outcome(Verdict.PASS, fields, tuple(licences))
    fields["value"] = "licensee"
    weights = ctx.facts.values(ctx.candidate.model, SEL.openWeights)
    closed = bool(weights) and all(boolean(f.object) is False for f in weights)
    if closed and not ctx.facts.values(ctx.candidate.model, SEL.licence):
        fields["detail"] = (
            f"{ctx.candidate.model_slug} is not an open-weight model: no weights licence applies, "
            f"and {ctx.candidate.provider_slug}'s terms govern its use"
        )
        return Outcome(Verdict.PASS, fields, tuple(weights))
    verdict = Verdict.PASS
    lines: list[str] = []
    used: list[Fact] = []
    missing: set[str] = set()
    obligations: list[Obligation] = []
    for model in lineage(ctx, ctx.candidate.model):
        name = ctx.facts.label(model)
        licence_facts = ctx.facts.values(model, SEL.licence)
        if not licence_facts:
            lines.append(f"no licence is recorded for {name}")
            missing.add(f"the licence of {name} (sel:licence) in the knowledge base")
            verdict = worse(verdict, Verdict.UNKNOWN)
            continue
        for doubt in doubts_about(ctx, licence_facts, SEL.licence, strictest=True):
            lines.append(doubt)
            missing.add(f"how many licences {name} has (sel:closedList) in the knowledge base")
            verdict = worse(verdict, Verdict.UNKNOWN)
        for licence_fact in licence_facts:
            used.append(licence_fact)
            result = _judge_one(ctx, model, licence_fact.object, required, obligations)
            lines.extend(f"{name}: {line}" for line in result[1])
            used.extend(result[2])
            missing |= result[3]
            verdict = worse(verdict, result[0])
    fields["detail"] = f"you are the licensee ({role}): " + ("; ".join(lines) or "no clause restricts this use")
    fields["missing"] = fmt(sorted(missing))
    return Outcome(verdict, fields, tuple(used), tuple(obligations))


def _judge_one(ctx: CheckContext, model: URIRef, licence: Node, required, obligations: list[Obligation]):
    facts = ctx.facts
    label = facts.label(licence)
    spdx = facts.one(licence, SEL.spdxId)
    licence_id = str(spdx.object) if spdx else label
    verdict = Verdict.PASS
    lines: list[str] = []
    used: list[Fact] = []
    missing: set[str] = set()
    wants_commercial = bool(required is not None and required.commercial_use)
    commercial = facts.one(licence, SEL.commercialUse)
    if wants_commercial:
        if commercial is None or boolean(commercial.object) is None:
            lines.append(f"{licence_id}: whether it grants commercial use is not recorded")
            missing.add(f"whether {licence_id} grants commercial use (sel:commercialUse) in the knowledge base")
            verdict = worse(verdict, Verdict.UNKNOWN)
        else:
            used.append(commercial)
            if not boolean(commercial.object):
                lines.append(f"{licence_id} does not grant commercial use")
                verdict = Verdict.FAIL
    terms = facts.one(licence, SEL.terms)
    if terms is None:
        lines.append(f"the terms of {licence_id} are not recorded")
        missing.add(f"the terms of {licence_id} (sel:terms) in the knowledge base")
        return worse(verdict, Verdict.UNKNOWN), lines, used, missing
    used.append(terms)
    policy = terms.object
    # Permissions: at least one must have all its constraints hold.
    permissions = facts.objects(policy, ODRL.permission)
    granted = _Truth(False)
    reasons: list[str] = []
    failed_facts: list[Fact] = []
    pending: Node | None = None
    granted_line: str | None = None
    for permission in sorted(permissions, key=str):
        truth = _all(ctx, model, facts.objects(permission, ODRL.constraint), required)
        if truth.value and not facts.closed_list(permission, ODRL.constraint):
            # A grant is unconditional only where its list of conditions is known to be whole.
            truth = _Truth(None, {f"how many conditions {_label(ctx, permission)} has (sel:closedList) in the "
                                  "knowledge base"}, truth.facts)
        rule_label = _label(ctx, permission)
        if truth.value:
            granted = _Truth(True, facts=truth.facts + list(facts.values(permission, RDFS.label)))
            for duty in facts.objects(permission, ODRL.duty):
                _add_duty(ctx, model, duty, licence_id, required, obligations)
            reasons.append(f"{licence_id} grants {rule_label}")
            break
        if truth.value is None and granted.value is False:
            granted = _Truth(None, truth.missing, truth.facts)
            pending = permission
            reasons.append(f"{licence_id}: {rule_label} depends on {fmt(sorted(truth.missing))}")
        elif truth.value is False:
            reasons.append(f"{licence_id}: {rule_label} does not apply ({_failed(ctx, model, permission, required)})")
            failed_facts.extend(truth.facts + list(facts.values(permission, RDFS.label)))
    used.extend(granted.facts)
    if not permissions:
        lines.append(f"{licence_id} grants no permission")
        verdict = Verdict.FAIL
    elif granted.value is None:
        missing |= granted.missing
        verdict = worse(verdict, Verdict.UNKNOWN)
        lines.extend(reasons)
        # If the use is allowed anyway (unknown: warn), the duties of the grant still bind.
        for duty in facts.objects(pending, ODRL.duty):
            _add_duty(ctx, model, duty, licence_id, required, obligations, condition=granted.missing)
    elif granted.value is False:
        verdict = Verdict.FAIL
        lines.extend(reasons)
        used.extend(failed_facts)
    else:
        granted_line = reasons[-1]
    # Prohibitions: any whose constraints all hold forbids the use; none recorded means
    # none only where the licence's list of prohibitions is known to be whole.
    if not facts.closed_list(policy, ODRL.prohibition):
        lines.append(f"the prohibitions of {licence_id} are not known to be all recorded")
        missing.add(f"how many prohibitions {licence_id} has (sel:closedList) in the knowledge base")
        verdict = worse(verdict, Verdict.UNKNOWN)
    for prohibition in sorted(facts.objects(policy, ODRL.prohibition), key=str):
        truth = _all(ctx, model, facts.objects(prohibition, ODRL.constraint), required)
        rule_label = _label(ctx, prohibition)
        if truth.value:
            used.extend(truth.facts)
            used.extend(facts.values(prohibition, RDFS.label))
            lines.append(f"{licence_id} prohibits this: {rule_label}")
            verdict = Verdict.FAIL
        elif truth.value is None:
            missing |= truth.missing
            used.extend(truth.facts)
            lines.append(f"{licence_id}: {rule_label} applies depending on {fmt(sorted(truth.missing))}")
            verdict = worse(verdict, Verdict.UNKNOWN)
    for duty in facts.objects(policy, ODRL.obligation):
        _add_duty(ctx, model, duty, licence_id, required, obligations)
    # What stands in the way reads first; the grant that holds comes last.
    if granted_line:
        lines.append(granted_line)
    return verdict, lines, used, missing


def _add_duty(
    ctx: CheckContext,
    model: URIRef,
    duty: Node,
    licence_id: str,
    required,
    obligations: list[Obligation],
    condition: set[str] = frozenset(),
) -> None:
    truth = _all(ctx, model, ctx.facts.objects(duty, ODRL.constraint), required)
    if truth.value is False:
        return
    text = _label(ctx, duty)
    mark = ctx.facts.one(duty, SEL.markText)
    if mark is not None and str(mark.object) not in text:
        text = f"{text}: \"{mark.object}\""
    depends = set(condition) | (truth.missing if truth.value is None else set())
    if depends:
        text += f" (applies depending on {fmt(sorted(depends))})"
    evidence = [f for f in (ctx.facts.one(duty, RDFS.label), mark) if f is not None] + truth.facts
    item = Obligation(
        text=text,
        clause=short(duty),
        licence=licence_id,
        evidence=tuple(f.evidence_item for f in evidence),
    )
    if item not in obligations:
        obligations.append(item)


def _label(ctx: CheckContext, node: Node) -> str:
    fact = ctx.facts.one(node, RDFS.label)
    return str(fact.object) if fact is not None else short(node)


def _failed(ctx: CheckContext, model: URIRef, rule_node: Node, required) -> str:
    out = []
    for constraint in ctx.facts.objects(rule_node, ODRL.constraint):
        if _constraint(ctx, model, constraint, required).value is False:
            text = _label(ctx, constraint)
            either = ctx.facts.one(constraint, ODRL["or"]) or ctx.facts.one(constraint, ODRL["and"])
            if either is not None:
                parts = [_label(ctx, m) for m in ctx.facts.items(either.object)
                         if _constraint(ctx, model, m, required).value is False]
                text += ": " + "; ".join(parts)
            out.append(text)
    return "; ".join(out) or "a condition does not hold"


def _all(ctx: CheckContext, model: URIRef, constraints, required) -> _Truth:
    result = _Truth(True)
    for constraint in constraints:
        truth = _constraint(ctx, model, constraint, required)
        result.facts.extend(truth.facts)
        if truth.value is False:
            return _Truth(False, facts=result.facts)
        if truth.value is None:
            result.value = None
            result.missing |= truth.missing
    return result


def _constraint(ctx: CheckContext, model: URIRef, node: Node, required) -> _Truth:
    facts = ctx.facts
    own = [f for f in (facts.one(node, RDFS.label),) if f is not None]
    either = facts.one(node, ODRL["or"])
    both = facts.one(node, ODRL["and"])
    if either is not None or both is not None:
        members = facts.items((either or both).object)
        if not members:  # an empty or broken list: nothing to decide on
            return _Truth(None, {f"the parts of constraint {short(node)} in the knowledge base"}, own)
        parts = [_constraint(ctx, model, m, required) for m in members]
        collected = own + [f for p in parts for f in p.facts]
        missing = set().union(*(p.missing for p in parts)) if parts else set()
        values = [p.value for p in parts]
        if either is not None:
            value = True if True in values else (None if None in values else False)
        else:
            value = False if False in values else (None if None in values else True)
        return _Truth(value, missing if value is None else set(), collected)
    left = facts.one(node, ODRL.leftOperand)
    operator = facts.one(node, ODRL.operator)
    right = facts.one(node, ODRL.rightOperand)
    if left is None or operator is None or right is None:
        return _Truth(None, {f"a complete constraint {short(node)} in the knowledge base"}, own)
    collected = own + [left, operator, right]
    actual, key, extra = _operand(ctx, model, left.object, required)
    collected.extend(extra)
    if actual is None:
        return _Truth(None, {key}, collected)
    value = _compare(ctx, actual, operator.object, right.object)
    return _Truth(value, set() if value is not None else {key}, collected)


def _operand(ctx: CheckContext, model: URIRef, left: Node, required):
    """The value of a left operand for this licensee and model, the policy key it comes from, and facts used."""
    licensee = ctx.policy.licensee
    if left in (SEL.licenseeMAUAtReleaseDate, SEL.licenseeMAU):
        value = licensee.monthly_active_users if licensee else None
        return (Decimal(value) if value is not None else None), "licensee.monthly_active_users in the policy", []
    if left == SEL.licenseeMonthlyRevenueUSD:
        value = licensee.monthly_revenue_usd if licensee else None
        return (Decimal(str(value)) if value is not None else None), "licensee.monthly_revenue_usd in the policy", []
    if left == SEL.licenseeDomicile:
        code = licensee.domicile if licensee else None
        return (ctx.places.resolve(code) if code else None), "licensee.domicile in the policy", []
    if left == SEL.useContext:
        use = licensee.use if licensee and licensee.use else None
        if use is None and required is not None and required.commercial_use:
            use = "commercial"
        return (_USE.get(use) if use else None), "licensee.use in the policy", []
    if left == SEL.licenseeRole:
        return SEL.Licensee, "", []
    if left == SEL.modelModality:
        inputs = ctx.facts.values(model, SEL.inputModality)
        wanted = f"the input modalities of {ctx.facts.label(model)} (sel:inputModality) in the knowledge base"
        if not inputs:
            return None, wanted, []
        if any(f.object in _MULTIMODAL_INPUTS for f in inputs):
            return SEL.Multimodal, "", list(inputs)
        # Text only: known only where the list of input modalities is known to be whole.
        if not ctx.facts.closed_list(model, SEL.inputModality):
            return None, f"whether {wanted} are all recorded (sel:closedList)", list(inputs)
        return SEL.Text, "", list(inputs)
    return None, f"a value for {short(left)}, which this engine does not evaluate", []


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


def _describe(required) -> str:
    if required is None or required.commercial_use is None:
        return "this use"
    return "commercial use" if required.commercial_use else "non-commercial use"


def sign_licence(ctx: CheckContext, rule: Rule) -> Hashable:
    """The model, and what makes the user a licensee regardless of the policy (self-hosting)."""
    return (
        ctx.candidate.model,
        self_hosted(ctx),
        SEL.SelfHostedRuntime in ctx.facts.objects(ctx.candidate.provider, SEL.providerKind),
        SEL.InternalHosting in ctx.facts.objects(ctx.candidate.provider, SEL.providerKind),
    )


LICENCE_TERMS = CheckKind(
    name="licence_terms", needs=(), judges="licence", check=judge_licence,
    signature=sign_licence, depends_on=every_part,
)
