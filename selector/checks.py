"""The closed set of check kinds rules are built from.

A rule file names one kind and its parameters (a property, the scopes to look it up
in); the kind decides pass, fail or unknown for one candidate. Registration is the
explicit ``CHECKS`` table at the bottom; a rule naming any other kind is refused at load.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Mapping

from rdflib import URIRef

from selector.candidates import Candidate
from selector.facts import Fact, FactIndex, boolean, number
from selector.locations import Jurisdictions, Judgement
from selector.namespaces import SEL, SKOS, short
from selector.results import Obligation, Verdict
from selector.rules import Rule, expand


@dataclass(frozen=True)
class CheckContext:
    """What a check may read: the compiled facts, the location graph, the policy and the candidate."""

    facts: FactIndex
    places: Jurisdictions
    policy: Any
    candidate: Candidate
    regions: Mapping[str, URIRef]


@dataclass(frozen=True)
class Outcome:
    """A check's verdict, the fields its rule's messages are filled with, and the facts it used."""

    verdict: Verdict
    fields: Mapping[str, str]
    facts: tuple[Fact, ...] = ()
    obligations: tuple[Obligation, ...] = ()
    notes: tuple[str, ...] = field(default=())


def fmt(value: Any) -> str:
    """A value as the trail shows it (30 rather than 30.0, slugs rather than IRIs)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        value = value.normalize()
        return f"{value:f}"
    if isinstance(value, float):
        return fmt(Decimal(str(value)))
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(fmt(v) for v in value)
    if isinstance(value, URIRef):
        return short(value)
    return str(value)


def lookup(ctx: CheckContext, rule: Rule, prop: str | None = None) -> tuple[URIRef | None, tuple[Fact, ...]]:
    """The first scope (in the rule's order) that states the property, and its facts.

    A narrower scope overrides a wider one (an offering's context cap over the model's);
    returns the first scope's node and no facts when none states it.
    """
    predicate = expand(prop or rule.params["property"])
    first: URIRef | None = None
    for name in rule.params.get("scopes", ["offering"]):
        node = ctx.candidate.scope(ctx.facts, name)
        if first is None:
            first = node
        facts = ctx.facts.values(node, predicate)
        if facts:
            return node, facts
    return first, ()


def _base(ctx: CheckContext, required: Any, subject: URIRef | None) -> dict[str, str]:
    c = ctx.candidate
    return {
        "candidate": c.id,
        "model": c.model_slug,
        "provider": c.provider_slug,
        "deployment": c.target_slug,
        "subject": ctx.facts.label(subject) if subject is not None else c.id,
        "required": fmt(required),
    }


def _compare(ctx: CheckContext, rule: Rule, required: Any, *, at_least: bool) -> Outcome:
    subject, facts = lookup(ctx, rule)
    fields = _base(ctx, required, subject)
    values = [number(f.object) for f in facts]
    if not facts or any(v is None for v in values):
        return Outcome(Verdict.UNKNOWN, fields, facts)
    # A further limit (an input cap below the context window) binds too, where stated.
    for extra in rule.params.get("also", []):
        _, more = lookup(ctx, rule, extra)
        numbers = [number(f.object) for f in more]
        if more and all(v is not None for v in numbers):
            facts, values = facts + more, values + numbers
    # Several values (sources that both apply) are judged by the strictest one.
    value = min(values) if at_least else max(values)
    fields["value"] = fmt(value)
    ok = value >= Decimal(str(required)) if at_least else value <= Decimal(str(required))
    return Outcome(Verdict.PASS if ok else Verdict.FAIL, fields, facts)


def check_at_least(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """The property's value is at least the policy's number (context window, output tokens)."""
    return _compare(ctx, rule, required, at_least=True)


def check_at_most(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """The property's value is at most the policy's number (retention days)."""
    return _compare(ctx, rule, required, at_least=False)


def check_equals(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """The boolean property has the policy's value (tool calling, training on inputs)."""
    subject, facts = lookup(ctx, rule)
    fields = _base(ctx, required, subject)
    values = [boolean(f.object) for f in facts]
    if not facts or any(v is None for v in values):
        return Outcome(Verdict.UNKNOWN, fields, facts)
    fields["value"] = fmt(sorted(set(values)))
    ok = all(v == required for v in values)
    return Outcome(Verdict.PASS if ok else Verdict.FAIL, fields, facts)


def _slugs(ctx: CheckContext, node: Any, *, broader: bool) -> set[str]:
    out: set[str] = set()
    todo = [node]
    while todo:
        current = todo.pop()
        slug = ctx.facts.one(current, SEL.slug)
        out.add(str(slug.object) if slug is not None else fmt(current))
        if broader:
            todo.extend(ctx.facts.objects(current, SKOS.broader))
    return out


def check_includes_all(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """Every value the policy lists is among the property's values (modalities, certifications)."""
    subject, facts = lookup(ctx, rule)
    fields = _base(ctx, required, subject)
    held: set[str] = set()
    for fact in facts:
        held |= _slugs(ctx, fact.object, broader=bool(rule.params.get("broader")))
    shown = sorted(_slugs(ctx, f.object, broader=False).pop() for f in facts)
    fields["value"] = fmt(shown) if shown else "none recorded"
    missing = [r for r in required if r.lower() not in {h.lower() for h in held}]
    fields["missing"] = fmt(missing)
    if not missing:
        return Outcome(Verdict.PASS, fields, facts)
    if not facts or rule.params.get("absent", "fail") == "unknown":
        return Outcome(Verdict.UNKNOWN, fields, facts)
    return Outcome(Verdict.FAIL, fields, facts)


def check_one_of(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """The property's value is one the rule accepts (zero data retention at some level); only when required."""
    subject, facts = lookup(ctx, rule)
    fields = _base(ctx, required, subject)
    if required is False:
        fields["value"] = "not required"
        return Outcome(Verdict.PASS, fields, ())
    accepted = {expand(a) for a in rule.params["accepted"]}
    fields["value"] = fmt([ctx.facts.title(f.object) for f in facts]) or "none recorded"
    if not facts:
        return Outcome(Verdict.UNKNOWN, fields, facts)
    ok = all(f.object in accepted for f in facts)
    return Outcome(Verdict.PASS if ok else Verdict.FAIL, fields, facts)


def check_none_of(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """None of the property's values is on the policy's exclusion list (makers, providers, kinds, headquarters)."""
    subject, facts = lookup(ctx, rule)
    fields = _base(ctx, required, subject)
    if not facts:
        return Outcome(Verdict.UNKNOWN, fields, facts)
    if rule.params.get("match") == "jurisdiction":
        used: list[Fact] = list(facts)
        hits = []
        for fact in facts:
            for code in required:
                place = ctx.places.resolve(code)
                if place is None or not isinstance(fact.object, URIRef):
                    continue
                judgement = ctx.places.place_within(fact.object, (place,))
                if judgement.verdict is Verdict.PASS:
                    hits.append(judgement.reason)
                    used.extend(judgement.facts)
        fields["value"] = fmt([ctx.places.code(f.object) for f in facts if isinstance(f.object, URIRef)])
        fields["detail"] = "; ".join(hits)
        return Outcome(Verdict.FAIL if hits else Verdict.PASS, fields, tuple(used))
    values = sorted(
        str(f.object) if rule.params.get("property") == "sel:slug" else _slugs(ctx, f.object, broader=False).pop()
        for f in facts
    )
    fields["value"] = fmt(values)
    excluded = {r.lower() for r in required}
    hits = [v for v in values if v.lower() in excluded]
    fields["detail"] = fmt(hits)
    return Outcome(Verdict.FAIL if hits else Verdict.PASS, fields, facts)


def check_headquarters_within(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """The operator, and every parent company above it, is headquartered inside a listed jurisdiction."""
    fields = _base(ctx, required, ctx.candidate.provider)
    if ctx.facts.has_type(ctx.candidate.target, SEL.SelfHostedTarget):
        fields["value"] = "you (self-hosted)"
        fields["detail"] = "self-hosted: you operate it"
        return Outcome(Verdict.PASS, fields, ())
    operators = ctx.facts.values(ctx.candidate.provider, SEL.operator)
    if not operators:
        fields["detail"] = f"no operator is recorded for {ctx.candidate.provider_slug}"
        return Outcome(Verdict.UNKNOWN, fields, ())
    allowed = tuple(p for p in (ctx.places.resolve(c) for c in required) if p is not None)
    used: list[Fact] = list(operators)
    chain: list[str] = []
    verdict = Verdict.PASS
    org = operators[0].object
    seen: set = set()
    while isinstance(org, URIRef) and org not in seen:
        seen.add(org)
        name = ctx.facts.label(org)
        hq = ctx.facts.one(org, SEL.headquarters)
        if hq is None or not isinstance(hq.object, URIRef):
            chain.append(f"{name}: headquarters not recorded")
            verdict = Verdict.FAIL if verdict is Verdict.FAIL else Verdict.UNKNOWN
        else:
            used.append(hq)
            judgement = ctx.places.place_within(hq.object, allowed)
            used.extend(judgement.facts)
            chain.append(f"{name} is headquartered in {ctx.places.code(hq.object)} ({judgement.reason})")
            if judgement.verdict is Verdict.FAIL:
                verdict = Verdict.FAIL
            elif judgement.verdict is Verdict.UNKNOWN and verdict is Verdict.PASS:
                verdict = Verdict.UNKNOWN
        parent = ctx.facts.one(org, SEL.parentOrganisation)
        if parent is None:
            break
        used.append(parent)
        chain.append(f"{name} is a subsidiary of {ctx.facts.label(parent.object)}")
        org = parent.object
    fields["detail"] = "; ".join(chain)
    return Outcome(verdict, fields, tuple(used))


def check_flag_at_target(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """A capability flag (fine-tuning) holds for the offering, and at this target when it is limited to some."""
    subject, facts = lookup(ctx, rule)
    fields = _base(ctx, required, subject)
    values = [boolean(f.object) for f in facts]
    if not facts or any(v is None for v in values):
        return Outcome(Verdict.UNKNOWN, fields, facts)
    available = all(values)
    used = list(facts)
    if available:
        limits = ctx.facts.values(ctx.candidate.offering, expand(rule.params["at_property"]))
        if limits:
            used.extend(limits)
            places = sorted(ctx.facts.label(f.object) for f in limits)
            fields["detail"] = "(offered only at " + ", ".join(places) + ")"
            available = any(f.object == ctx.candidate.target for f in limits)
    fields["value"] = fmt(available)
    ok = available == required
    return Outcome(Verdict.PASS if ok else Verdict.FAIL, fields, tuple(used))


def check_price_cap(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """List prices per million tokens (times the target's multiplier) are within the policy's caps."""
    fields = _base(ctx, fmt_caps(required), ctx.candidate.offering)
    multiplier_fact = ctx.facts.one(ctx.candidate.target, expand(rule.params["multiplier_property"]))
    multiplier = number(multiplier_fact.object) if multiplier_fact else Decimal(1)
    used: list[Fact] = [multiplier_fact] if multiplier_fact else []
    verdict = Verdict.PASS
    shown, over = [], []
    for side in ("input", "output"):
        cap = getattr(required, side)
        if cap is None:
            continue
        _, facts = lookup(ctx, rule, rule.params[f"{side}_property"])
        prices = [number(f.object) for f in facts]
        if not facts or any(p is None for p in prices):
            shown.append(f"{side} price not recorded")
            verdict = Verdict.FAIL if verdict is Verdict.FAIL else Verdict.UNKNOWN
            continue
        used.extend(facts)
        price = max(prices) * (multiplier or Decimal(1))
        shown.append(f"{side} ${fmt(price)}/Mtok")
        if price > Decimal(str(cap)):
            over.append(f"{side} ${fmt(price)} > ${fmt(cap)}")
            verdict = Verdict.FAIL
    fields["value"] = ", ".join(shown)
    fields["detail"] = "; ".join(over)
    return Outcome(verdict, fields, tuple(used))


def fmt_caps(caps: Any) -> str:
    """A price cap as people write it."""
    parts = [f"{side} ${fmt(getattr(caps, side))}" for side in ("input", "output") if getattr(caps, side) is not None]
    return ", ".join(parts)


def check_data_location(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """Every place the data is processed or stored, on every hop, lies inside the required jurisdiction."""
    from selector.residency import judge_residency

    return judge_residency(ctx, rule, required)


def check_licence_terms(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """The model's licence terms, evaluated for the right party, allow the use; duties become obligations."""
    from selector.licences import judge_licence

    return judge_licence(ctx, rule, required)


#: Every check kind a rule file may name.
CHECKS: Mapping[str, Callable[[CheckContext, Rule, Any], Outcome]] = {
    "at_least": check_at_least,
    "at_most": check_at_most,
    "equals": check_equals,
    "includes_all": check_includes_all,
    "one_of": check_one_of,
    "none_of": check_none_of,
    "headquarters_within": check_headquarters_within,
    "flag_at_target": check_flag_at_target,
    "price_cap": check_price_cap,
    "data_location": check_data_location,
    "licence_terms": check_licence_terms,
}

KINDS = frozenset(CHECKS)
__all__ = ["CHECKS", "KINDS", "CheckContext", "Outcome", "Judgement", "Jurisdictions", "fmt", "lookup"]
