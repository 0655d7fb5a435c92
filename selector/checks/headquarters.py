"""The ``headquarters_within`` and ``headquarters_outside`` check kinds.

Every operator, and every parent company above it, is headquartered inside a listed
jurisdiction (``require.provider_headquarters``), or outside every listed one
(``exclude.provider_headquarters``). Both walk the same chain, and both fail closed:
an operator, headquarters or parent company that is not recorded is unknown.
"""

from __future__ import annotations

from typing import Any, Hashable

from rdflib import URIRef

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
from selector.kb.facts import Fact
from selector.kb.namespaces import SEL
from selector.results import Verdict, worse
from selector.rules import Rule


def check_headquarters_within(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """Every operator, and every parent company above each, is headquartered inside a listed jurisdiction."""
    return _walk(ctx, rule, required, inside=True)


def check_headquarters_outside(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """No operator, nor any parent company above one, is headquartered inside a listed jurisdiction."""
    return _walk(ctx, rule, required, inside=False)


_OUTSIDE = {Verdict.PASS: Verdict.FAIL, Verdict.FAIL: Verdict.PASS, Verdict.UNKNOWN: Verdict.UNKNOWN}


def _walk(ctx: CheckContext, rule: Rule, required: Any, *, inside: bool) -> Outcome:
    """The operators and their parent companies, each headquarters judged inside (or outside) the listed places."""
    fields = base_fields(ctx, required, ctx.candidate.provider)
    if self_hosted(ctx):
        fields["value"] = rule.phrase("self_hosted_operator")
        fields["detail"] = rule.phrase("self_hosted")
        return Outcome(Verdict.PASS, fields, ())
    operators = ctx.facts.values(ctx.candidate.provider, SEL.operator)
    if not operators:
        fields["detail"] = rule.phrase("no_operator", provider=ctx.candidate.provider_slug)
        return Outcome(Verdict.UNKNOWN, fields, ())
    allowed = tuple(p for p in (ctx.places.resolve(c) for c in required) if p is not None)
    if not inside and len(allowed) < len(required):
        # An excluded jurisdiction the knowledge base does not know could be anywhere.
        fields["detail"] = rule.phrase("not_a_country", organisation="the policy", value=fmt(required))
        return Outcome(Verdict.UNKNOWN, fields, ())
    used: list[Fact] = list(operators)
    chain: list[str] = doubts_about(ctx, operators, SEL.operator, strictest=True)
    verdict = Verdict.UNKNOWN if chain else Verdict.PASS
    # The operators and every parent company above them, nearest first, each once.
    for org in ctx.facts.walk(tuple(f.object for f in operators), SEL.parentOrganisation):
        if not isinstance(org, URIRef):
            chain.append(rule.phrase("not_an_organisation", value=fmt(org)))
            verdict = worse(verdict, Verdict.UNKNOWN)
            continue
        name = ctx.facts.label(org)
        hqs = ctx.facts.values(org, SEL.headquarters)
        if not hqs:
            chain.append(rule.phrase("no_headquarters", organisation=name))
            verdict = worse(verdict, Verdict.UNKNOWN)
        unsure = doubts_about(ctx, hqs, SEL.headquarters, strictest=True)
        if not ctx.facts.closed_list(org, SEL.parentOrganisation):
            unsure.append(rule.phrase("parent_unrecorded", organisation=name))
        chain.extend(unsure)
        if unsure:
            verdict = worse(verdict, Verdict.UNKNOWN)
        for hq in hqs:
            used.append(hq)
            if not isinstance(hq.object, URIRef):
                chain.append(rule.phrase("not_a_country", organisation=name, value=fmt(hq.object)))
                verdict = worse(verdict, Verdict.UNKNOWN)
                continue
            judgement = ctx.places.place_within(hq.object, allowed)
            used.extend(judgement.facts)
            reason = judgement.reason if inside else judgement.reason.replace("the required", "an excluded")
            chain.append(rule.phrase("headquartered", organisation=name, country=ctx.places.code(hq.object),
                                     reason=reason))
            if inside:
                verdict = worse(verdict, judgement.verdict)
            elif hq.object in ctx.places.countries or judgement.verdict is Verdict.PASS:
                verdict = worse(verdict, _OUTSIDE[judgement.verdict])
            else:
                # A bloc (or a place that is not a country) may hold an excluded country: not known to be outside.
                chain.append(rule.phrase("not_a_country", organisation=name, value=ctx.places.code(hq.object)))
                verdict = worse(verdict, Verdict.UNKNOWN)
        for parent in ctx.facts.values(org, SEL.parentOrganisation):
            used.append(parent)
            chain.append(rule.phrase("subsidiary", organisation=name, parent=ctx.facts.label(parent.object)))
    fields["detail"] = "; ".join(chain)
    return Outcome(verdict, fields, tuple(used))


def sign_headquarters(ctx: CheckContext, rule: Rule) -> Hashable:
    """Whether the deployment is self-hosted, else the operators whose headquarters are judged."""
    if self_hosted(ctx):
        return ("self-hosted",)
    return ("operated", ctx.facts.objects(ctx.candidate.provider, SEL.operator))


#: The sentences of the trail, worded in the rule file (``phrases:``), and the fields each may use.
PHRASES = {
    "self_hosted_operator": (),
    "self_hosted": (),
    "no_operator": ("provider",),
    "not_an_organisation": ("value",),
    "no_headquarters": ("organisation",),
    "parent_unrecorded": ("organisation",),
    "not_a_country": ("organisation", "value"),
    "headquartered": ("organisation", "country", "reason"),
    "subsidiary": ("organisation", "parent"),
}

HEADQUARTERS_WITHIN = CheckKind(
    name="headquarters_within", needs=(), judges="list", check=check_headquarters_within, phrases=PHRASES,
    signature=sign_headquarters, depends_on=every_part,
)
HEADQUARTERS_OUTSIDE = CheckKind(
    name="headquarters_outside", needs=(), judges="list", check=check_headquarters_outside, phrases=PHRASES,
    signature=sign_headquarters, depends_on=every_part,
)
