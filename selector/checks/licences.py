"""Open-weight licences: which clauses bind whom for a deployment, and what the user owes.

A licence's terms are an ODRL policy in the knowledge base. Self-hosting makes the
user the licensee, so its permissions, prohibitions and duties are evaluated against
the policy's ``licensee`` block; calling a hosted API makes the provider the
licensee and distributor and the user an end user under the provider's terms.
A model derived from another carries both models' licences (the lineage is a
walk up ``sel:derivedFrom``, whose cycles the knowledge-base validation refuses).
"""

from __future__ import annotations

from typing import Hashable

from rdflib import URIRef
from rdflib.term import Node

from selector.checks.base import (
    CheckContext,
    CheckKind,
    Outcome,
    base_fields,
    claimed,
    doubts_about,
    every_part,
    fmt,
    self_hosted,
)
from selector.checks.odrl import Truth, all_hold, clause_label, failed
from selector.kb.facts import Fact
from selector.kb.literals import boolean
from selector.kb.namespaces import ODRL, RDFS, SEL, short
from selector.results import Obligation, Verdict, worse
from selector.rules import Rule


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
            claims, sentences = claimed(ctx, [model], SEL.licence)
            lines.append("; ".join([rule.phrase("no_licence", model=name), *sentences]))
            used.extend(claims)
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
    granted = Truth(False)
    reasons: list[str] = []
    failed_facts: list[Fact] = []
    pending: Node | None = None
    granted_line: str | None = None
    for permission in sorted(permissions, key=str):
        truth = all_hold(ctx, rule, model, facts.objects(permission, ODRL.constraint), required)
        if truth.value and not facts.closed_list(permission, ODRL.constraint):
            # A grant is unconditional only where its list of conditions is known to be whole.
            truth = Truth(None, {rule.phrase("missing_conditions", clause=clause_label(ctx, permission))}, truth.facts)
        rule_label = clause_label(ctx, permission)
        if truth.value:
            granted = Truth(True, facts=truth.facts + list(facts.values(permission, RDFS.label)))
            for duty in facts.objects(permission, ODRL.duty):
                _add_duty(ctx, rule, model, duty, licence_id, required, obligations)
            reasons.append(rule.phrase("grants", licence=licence_id, clause=rule_label))
            break
        if truth.value is None and granted.value is False:
            granted = Truth(None, truth.missing, truth.facts)
            pending = permission
            reasons.append(rule.phrase("grant_depends", licence=licence_id, clause=rule_label,
                                       keys=fmt(sorted(truth.missing))))
        elif truth.value is False:
            reasons.append(rule.phrase("grant_does_not_apply", licence=licence_id, clause=rule_label,
                                       why=failed(ctx, rule, model, permission, required)))
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
        truth = all_hold(ctx, rule, model, facts.objects(prohibition, ODRL.constraint), required)
        rule_label = clause_label(ctx, prohibition)
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
    truth = all_hold(ctx, rule, model, ctx.facts.objects(duty, ODRL.constraint), required)
    if truth.value is False:
        return
    text = clause_label(ctx, duty)
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
