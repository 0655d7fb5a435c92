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


def licensee_role(ctx: CheckContext, rule: Rule) -> str | None:
    """Why the user is the licensee for this deployment, or None when the user is an end user.

    Self-hosting the weights, or fine-tuning them (which makes a derivative), makes
    the user the licensee; calling a hosted API does not.
    """
    kinds = ctx.facts.objects(ctx.candidate.provider, SEL.providerKind)
    if self_hosted(ctx) or SEL.SelfHostedRuntime in kinds:
        return rule.phrase("role_self_hosted")
    if SEL.InternalHosting in kinds:
        return rule.phrase("role_internal", provider=ctx.candidate.provider_slug)
    if ctx.policy.require.fine_tuning:
        return rule.phrase("role_fine_tuning")
    return None


def judge_licence(ctx: CheckContext, rule: Rule, required) -> Outcome:
    """The licence clauses that bind the right party allow the use; duties are returned as obligations."""
    fields = base_fields(ctx, _describe(rule, required), ctx.candidate.model)
    role = licensee_role(ctx, rule)
    if role is None:
        licences = [f for m in lineage(ctx, ctx.candidate.model) for f in ctx.facts.values(m, SEL.licence)]
        provider = ctx.candidate.provider_slug
        fields["detail"] = rule.phrase(
            "end_user_under", provider=provider, licences=fmt([ctx.facts.label(f.object) for f in licences])
        ) if licences else rule.phrase("end_user", provider=provider)
        fields["value"] = rule.phrase("end_user_value")
        return Outcome(Verdict.PASS, fields, tuple(licences))
    fields["value"] = rule.phrase("licensee_value")
    weights = ctx.facts.values(ctx.candidate.model, SEL.openWeights)
    closed = bool(weights) and all(boolean(f.object) is False for f in weights)
    if closed and not ctx.facts.values(ctx.candidate.model, SEL.licence):
        fields["detail"] = rule.phrase(
            "not_open_weight", model=ctx.candidate.model_slug, provider=ctx.candidate.provider_slug
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
            lines.append(rule.phrase("no_licence", model=name))
            missing.add(rule.phrase("missing_licence", model=name))
            verdict = worse(verdict, Verdict.UNKNOWN)
            continue
        for doubt in doubts_about(ctx, licence_facts, SEL.licence, strictest=True):
            lines.append(doubt)
            missing.add(rule.phrase("missing_licence_count", model=name))
            verdict = worse(verdict, Verdict.UNKNOWN)
        for licence_fact in licence_facts:
            used.append(licence_fact)
            result = _judge_one(ctx, rule, model, licence_fact.object, required, obligations)
            lines.extend(rule.phrase("of_model", model=name, line=line) for line in result[1])
            used.extend(result[2])
            missing |= result[3]
            verdict = worse(verdict, result[0])
    fields["detail"] = rule.phrase("licensee", role=role, lines="; ".join(lines) or rule.phrase("no_restriction"))
    fields["missing"] = fmt(sorted(missing))
    return Outcome(verdict, fields, tuple(used), tuple(obligations))


def _judge_one(ctx: CheckContext, rule: Rule, model: URIRef, licence: Node, required, obligations: list[Obligation]):
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
            lines.append(rule.phrase("commercial_unrecorded", licence=licence_id))
            missing.add(rule.phrase("missing_commercial", licence=licence_id))
            verdict = worse(verdict, Verdict.UNKNOWN)
        else:
            used.append(commercial)
            if not boolean(commercial.object):
                lines.append(rule.phrase("no_commercial", licence=licence_id))
                verdict = Verdict.FAIL
    terms = facts.one(licence, SEL.terms)
    if terms is None:
        lines.append(rule.phrase("terms_unrecorded", licence=licence_id))
        missing.add(rule.phrase("missing_terms", licence=licence_id))
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
        truth = _all(ctx, rule, model, facts.objects(permission, ODRL.constraint), required)
        if truth.value and not facts.closed_list(permission, ODRL.constraint):
            # A grant is unconditional only where its list of conditions is known to be whole.
            truth = _Truth(None, {rule.phrase("missing_conditions", clause=_label(ctx, permission))}, truth.facts)
        rule_label = _label(ctx, permission)
        if truth.value:
            granted = _Truth(True, facts=truth.facts + list(facts.values(permission, RDFS.label)))
            for duty in facts.objects(permission, ODRL.duty):
                _add_duty(ctx, rule, model, duty, licence_id, required, obligations)
            reasons.append(rule.phrase("grants", licence=licence_id, clause=rule_label))
            break
        if truth.value is None and granted.value is False:
            granted = _Truth(None, truth.missing, truth.facts)
            pending = permission
            reasons.append(rule.phrase("grant_depends", licence=licence_id, clause=rule_label,
                                       keys=fmt(sorted(truth.missing))))
        elif truth.value is False:
            reasons.append(rule.phrase("grant_does_not_apply", licence=licence_id, clause=rule_label,
                                       why=_failed(ctx, rule, model, permission, required)))
            failed_facts.extend(truth.facts + list(facts.values(permission, RDFS.label)))
    used.extend(granted.facts)
    if not permissions:
        lines.append(rule.phrase("no_permission", licence=licence_id))
        verdict = Verdict.FAIL
    elif granted.value is None:
        missing |= granted.missing
        verdict = worse(verdict, Verdict.UNKNOWN)
        lines.extend(reasons)
        # If the use is allowed anyway (unknown: warn), the duties of the grant still bind.
        for duty in facts.objects(pending, ODRL.duty):
            _add_duty(ctx, rule, model, duty, licence_id, required, obligations, condition=granted.missing)
    elif granted.value is False:
        verdict = Verdict.FAIL
        lines.extend(reasons)
        used.extend(failed_facts)
    else:
        granted_line = reasons[-1]
    # Prohibitions: any whose constraints all hold forbids the use; none recorded means
    # none only where the licence's list of prohibitions is known to be whole.
    if not facts.closed_list(policy, ODRL.prohibition):
        lines.append(rule.phrase("prohibitions_open", licence=licence_id))
        missing.add(rule.phrase("missing_prohibitions", licence=licence_id))
        verdict = worse(verdict, Verdict.UNKNOWN)
    for prohibition in sorted(facts.objects(policy, ODRL.prohibition), key=str):
        truth = _all(ctx, rule, model, facts.objects(prohibition, ODRL.constraint), required)
        rule_label = _label(ctx, prohibition)
        if truth.value:
            used.extend(truth.facts)
            used.extend(facts.values(prohibition, RDFS.label))
            lines.append(rule.phrase("prohibits", licence=licence_id, clause=rule_label))
            verdict = Verdict.FAIL
        elif truth.value is None:
            missing |= truth.missing
            used.extend(truth.facts)
            lines.append(rule.phrase("prohibition_depends", licence=licence_id, clause=rule_label,
                                     keys=fmt(sorted(truth.missing))))
            verdict = worse(verdict, Verdict.UNKNOWN)
    for duty in facts.objects(policy, ODRL.obligation):
        _add_duty(ctx, rule, model, duty, licence_id, required, obligations)
    # What stands in the way reads first; the grant that holds comes last.
    if granted_line:
        lines.append(granted_line)
    return verdict, lines, used, missing


def _add_duty(ctx: CheckContext, rule: Rule,
    model: URIRef,
    duty: Node,
    licence_id: str,
    required,
    obligations: list[Obligation],
    condition: set[str] = frozenset(),
) -> None:
    truth = _all(ctx, rule, model, ctx.facts.objects(duty, ODRL.constraint), required)
    if truth.value is False:
        return
    text = _label(ctx, duty)
    mark = ctx.facts.one(duty, SEL.markText)
    if mark is not None and str(mark.object) not in text:
        text = rule.phrase("duty_marked", duty=text, mark=mark.object)
    depends = set(condition) | (truth.missing if truth.value is None else set())
    if depends:
        text = rule.phrase("duty_depends", duty=text, keys=fmt(sorted(depends)))
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


def _failed(ctx: CheckContext, rule: Rule, model: URIRef, rule_node: Node, required) -> str:
    out = []
    for constraint in ctx.facts.objects(rule_node, ODRL.constraint):
        if _constraint(ctx, rule, model, constraint, required).value is False:
            text = _label(ctx, constraint)
            either = ctx.facts.one(constraint, ODRL["or"]) or ctx.facts.one(constraint, ODRL["and"])
            if either is not None:
                parts = [_label(ctx, m) for m in ctx.facts.items(either.object)
                         if _constraint(ctx, rule, model, m, required).value is False]
                text += ": " + "; ".join(parts)
            out.append(text)
    return "; ".join(out) or rule.phrase("condition_fails")


def _all(ctx: CheckContext, rule: Rule, model: URIRef, constraints, required) -> _Truth:
    result = _Truth(True)
    for constraint in constraints:
        truth = _constraint(ctx, rule, model, constraint, required)
        result.facts.extend(truth.facts)
        if truth.value is False:
            return _Truth(False, facts=result.facts)
        if truth.value is None:
            result.value = None
            result.missing |= truth.missing
    return result


def _constraint(ctx: CheckContext, rule: Rule, model: URIRef, node: Node, required) -> _Truth:
    facts = ctx.facts
    own = [f for f in (facts.one(node, RDFS.label),) if f is not None]
    either = facts.one(node, ODRL["or"])
    both = facts.one(node, ODRL["and"])
    if either is not None or both is not None:
        members = facts.items((either or both).object)
        if not members:  # an empty or broken list: nothing to decide on
            return _Truth(None, {rule.phrase("missing_parts", constraint=short(node))}, own)
        parts = [_constraint(ctx, rule, model, m, required) for m in members]
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
        return _Truth(None, {rule.phrase("missing_constraint", constraint=short(node))}, own)
    collected = own + [left, operator, right]
    actual, key, extra = _operand(ctx, rule, model, left.object, required)
    collected.extend(extra)
    if actual is None:
        return _Truth(None, {key}, collected)
    value = _compare(ctx, actual, operator.object, right.object)
    return _Truth(value, set() if value is not None else {key}, collected)


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


def _describe(rule: Rule, required) -> str:
    if required is None or required.commercial_use is None:
        return rule.phrase("this_use")
    return rule.phrase("commercial_use") if required.commercial_use else rule.phrase("non_commercial_use")


def sign_licence(ctx: CheckContext, rule: Rule) -> Hashable:
    """The model, and what makes the user a licensee regardless of the policy (self-hosting)."""
    return (
        ctx.candidate.model,
        self_hosted(ctx),
        SEL.SelfHostedRuntime in ctx.facts.objects(ctx.candidate.provider, SEL.providerKind),
        SEL.InternalHosting in ctx.facts.objects(ctx.candidate.provider, SEL.providerKind),
    )


#: The sentences of the trail, worded in the rule file (``phrases:``), and the fields each may use.
PHRASES = {
    "role_self_hosted": (),
    "role_internal": ("provider",),
    "role_fine_tuning": (),
    "end_user": ("provider",),
    "end_user_under": ("provider", "licences"),
    "end_user_value": (),
    "licensee_value": (),
    "not_open_weight": ("model", "provider"),
    "licensee": ("role", "lines"),
    "no_restriction": (),
    "of_model": ("model", "line"),
    "no_licence": ("model",),
    "commercial_unrecorded": ("licence",),
    "no_commercial": ("licence",),
    "terms_unrecorded": ("licence",),
    "grants": ("licence", "clause"),
    "grant_depends": ("licence", "clause", "keys"),
    "grant_does_not_apply": ("licence", "clause", "why"),
    "condition_fails": (),
    "no_permission": ("licence",),
    "prohibitions_open": ("licence",),
    "prohibits": ("licence", "clause"),
    "prohibition_depends": ("licence", "clause", "keys"),
    "duty_marked": ("duty", "mark"),
    "duty_depends": ("duty", "keys"),
    "missing_licence": ("model",),
    "missing_licence_count": ("model",),
    "missing_commercial": ("licence",),
    "missing_terms": ("licence",),
    "missing_conditions": ("clause",),
    "missing_prohibitions": ("licence",),
    "missing_parts": ("constraint",),
    "missing_constraint": ("constraint",),
    "missing_users": (),
    "missing_revenue": (),
    "missing_domicile": (),
    "missing_use": (),
    "missing_modalities": ("model",),
    "modalities_open": ("modalities",),
    "unevaluated": ("operand",),
    "this_use": (),
    "commercial_use": (),
    "non_commercial_use": (),
}

LICENCE_TERMS = CheckKind(
    name="licence_terms", needs=(), judges="licence", check=judge_licence, phrases=PHRASES,
    signature=sign_licence, depends_on=every_part,
)
