"""What each check kind reads about a candidate, as a value: candidates with equal signatures get equal verdicts.

A rule's verdict for a candidate depends on the policy and on a few facts about the
candidate (the context window found for it, the places its data path crosses, the
model its licence comes from). The signature is exactly those facts, with the
candidate's own identity taken out, so the evaluator can decide a rule once per
distinct signature and apply that verdict to every candidate sharing it.

Each signature is built from the same lookups the check itself makes (``lookup``,
``data_path``), never from a second reading of the knowledge base. For two kinds
whose groups are many (residency over aggregator paths, price caps) the verdict is
read from the signature itself (``FROM_SIGNATURE``); every other group is decided by
running the rule's own check on one of its members. The test in
``tests/fastpath`` compares decisions made this way with rule-by-rule evaluation on
random knowledge bases, and ``Selection.report`` checks every verdict it reuses
against the full evaluation it builds the report from.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Hashable, Mapping

from rdflib import URIRef

from selector.checks import CheckContext, Found, lookup, multiplier_doubts
from selector.kb.datapath import data_path
from selector.kb.facts import number
from selector.kb.namespaces import SEL
from selector.residency import hop_places
from selector.results import Verdict, worse
from selector.rules import Rule, expand

Signature = Callable[[CheckContext, Rule], Hashable]


def _facts(found: Found) -> tuple:
    """The facts found, as (which subject, property, value): subjects numbered in order of appearance."""
    subjects: dict = {}
    return tuple((subjects.setdefault(f.subject, len(subjects)), f.predicate, f.object) for f in found.facts)


def _found(found: Found) -> tuple:
    """The facts found and whether any scope or hop that should state the property is silent."""
    return _facts(found), found.unsure


#: Kinds that read only the facts of the rule's property (not the route facts a data path adds).
_FILTERED = frozenset({"at_least", "at_most", "equals", "one_of", "includes_all"})


def _values(found: Found, predicate) -> tuple:
    """The facts of one property, as (which subject, value); subjects numbered in order of appearance."""
    subjects: dict = {}
    return tuple((subjects.setdefault(f.subject, len(subjects)), f.object) for f in found.facts if f.predicate == predicate)


def sign_lookup(ctx: CheckContext, rule: Rule) -> Hashable:
    """Kinds that judge the values of the rule's property (and any further limits it names)."""
    found = lookup(ctx, rule)
    if rule.kind not in _FILTERED:
        return _found(found)
    # The subject numbering matters only where each party on the path must hold every value.
    keep_subject = rule.kind == "includes_all"
    main = _values(found, expand(rule.params["property"]))
    if not keep_subject:
        main = tuple(value for _, value in main)
    extra = tuple(
        tuple(value for _, value in _values(lookup(ctx, rule, prop), expand(prop))) for prop in rule.params.get("also", ())
    )
    return main, found.unsure, extra


def sign_flag_at_target(ctx: CheckContext, rule: Rule) -> Hashable:
    """The flag's values, and whether the offering limits it to targets that leave this one out."""
    at_property = expand(rule.params["at_property"])
    limits = ctx.facts.objects(ctx.candidate.offering, at_property)
    elsewhere = bool(limits) and ctx.candidate.target not in limits
    return _found(lookup(ctx, rule)), bool(limits), elsewhere, ctx.facts.closed_list(ctx.candidate.offering, at_property)


def sign_price_cap(ctx: CheckContext, rule: Rule) -> Hashable:
    """The target's price multipliers and the offering's input and output prices."""
    multiplier = expand(rule.params["multiplier_property"])
    multipliers = ctx.facts.values(ctx.candidate.target, multiplier)
    found = [lookup(ctx, rule, rule.params[f"{side}_property"]) for side in ("input", "output")]
    prices = tuple(tuple(f.object for f in each.facts) for each in found)
    unsure = tuple(each.unsure for each in found)
    return tuple(f.object for f in multipliers), prices, unsure, bool(multiplier_doubts(ctx, multipliers, multiplier))


def sign_headquarters(ctx: CheckContext, rule: Rule) -> Hashable:
    """Whether the deployment is self-hosted, else the operators whose headquarters are judged."""
    if ctx.facts.has_type(ctx.candidate.target, SEL.SelfHostedTarget):
        return ("self-hosted",)
    return ("operated", ctx.facts.objects(ctx.candidate.provider, SEL.operator))


def place_key(ctx: CheckContext, place, depth: int = 0) -> Hashable:
    """What judging a place against any jurisdiction reads (``Jurisdictions.place_within``), place by place.

    A country or bloc is itself; a region is its countries; a zone or global endpoint
    is the places it spans and whether their list is closed; nesting as deep as the
    judgement's own limit is its own key.
    """
    facts = ctx.facts
    if place == SEL.AnyLocation or place in ctx.places.countries or place in ctx.places.blocs:
        return place
    if facts.has_type(place, SEL.Region):
        return "region", tuple(
            place_key(ctx, c, depth + 1) if isinstance(c, URIRef) else ("not a place", c)
            for c in facts.objects(place, SEL.country)
        ), facts.closed_list(place, SEL.country, single=True)
    if depth >= 4:
        return ("too deep",)
    members = list(facts.objects(place, SEL.memberRegion))
    closed = bool(members) and facts.closed_list(place, SEL.memberRegion)
    if not members and facts.has_type(place, SEL.GlobalEndpoint):
        owner = facts.one(place, SEL.provider)
        if owner is not None:
            members = [r for r in facts.subjects(SEL.provider, owner.object) if facts.has_type(r, SEL.Region)]
    return "spans", tuple(place_key(ctx, m, depth + 1) for m in members), closed


def sign_data_location(ctx: CheckContext, rule: Rule) -> Hashable:
    """Whether self-hosted, else every place on the data path and whether any place or route is unrecorded."""
    if ctx.facts.has_type(ctx.candidate.target, SEL.SelfHostedTarget):
        return ("self-hosted",)
    hops, gaps = data_path(ctx.facts, ctx.candidate)
    places = set()
    unrecorded = bool(gaps)
    for hop in hops:
        for predicate in (SEL.processingIn, SEL.storageIn):
            stated, doubts = hop_places(ctx, hop, predicate)
            if not stated or doubts:
                unrecorded = True
            places.update(place_key(ctx, f.object) if isinstance(f.object, URIRef) else ("not a place", f.object)
                          for f in stated)
    return "hosted", frozenset(places), unrecorded


def sign_licence(ctx: CheckContext, rule: Rule) -> Hashable:
    """The model, and what makes the user a licensee regardless of the policy (self-hosting)."""
    return (
        ctx.candidate.model,
        ctx.facts.has_type(ctx.candidate.target, SEL.SelfHostedTarget),
        SEL.SelfHostedRuntime in ctx.facts.objects(ctx.candidate.provider, SEL.providerKind),
        SEL.InternalHosting in ctx.facts.objects(ctx.candidate.provider, SEL.providerKind),
    )


#: Every check kind's signature; the kinds are those of ``selector.checks.CHECKS``.
SIGNATURES: Mapping[str, Signature] = {
    "at_least": sign_lookup,
    "at_most": sign_lookup,
    "equals": sign_lookup,
    "includes_all": sign_lookup,
    "one_of": sign_lookup,
    "none_of": sign_lookup,
    "headquarters_within": sign_headquarters,
    "flag_at_target": sign_flag_at_target,
    "price_cap": sign_price_cap,
    "data_location": sign_data_location,
    "licence_terms": sign_licence,
}


def _judge_place(places, key: Hashable, allowed: tuple) -> Verdict:
    """A place's verdict from its key, as ``Jurisdictions.place_within`` would give it for the place itself."""
    if not isinstance(key, tuple):  # anywhere, a country or a bloc
        return places.place_within(key, allowed).verdict
    kind = key[0]
    if kind == "region":
        if not key[1]:
            return Verdict.UNKNOWN
        verdict = Verdict.PASS if key[2] else Verdict.UNKNOWN
        for country in key[1]:
            verdict = worse(verdict, _judge_place(places, country, allowed))
        return verdict
    if kind == "spans":
        verdict = Verdict.PASS
        for member in key[1]:
            inner = _judge_place(places, member, allowed)
            if inner is Verdict.FAIL:
                return Verdict.FAIL
            verdict = worse(verdict, inner)
        return verdict if key[2] and verdict is Verdict.PASS else Verdict.UNKNOWN
    return Verdict.UNKNOWN  # too deep, or not a place


def verdict_data_location(ctx: CheckContext, signature: Hashable, required) -> Verdict | None:
    """Residency from the places on the path; None for a self-hosted deployment (its check decides)."""
    if signature[0] != "hosted":
        return None
    allowed = tuple(p for p in (ctx.places.resolve(code) for code in required) if p is not None)
    verdict = Verdict.UNKNOWN if signature[2] else Verdict.PASS
    for key in signature[1]:
        verdict = worse(verdict, _judge_place(ctx.places, key, allowed))
        if verdict is Verdict.FAIL:
            break
    return verdict


def verdict_price_cap(ctx: CheckContext, signature: Hashable, required) -> Verdict:
    """Price caps from the multipliers and the input and output prices."""
    multipliers, prices, unsure, multiplier_unsure = signature
    factors = [number(m) for m in multipliers]
    verdict = Verdict.UNKNOWN if any(f is None for f in factors) or multiplier_unsure else Verdict.PASS
    factor = max((f for f in factors if f is not None), default=Decimal(1))
    for side, objects, doubt in zip(("input", "output"), prices, unsure):
        cap = getattr(required, side)
        if cap is None:
            continue
        known = [n for n in (number(o) for o in objects) if n is not None]
        if not known or len(known) < len(objects) or doubt:
            verdict = worse(verdict, Verdict.UNKNOWN)
        if known and max(known) * factor > Decimal(str(cap)):
            verdict = Verdict.FAIL
    return verdict


#: Kinds whose verdict can be read from the signature alone (None: run the check on a member).
FROM_SIGNATURE: Mapping[str, Callable[[CheckContext, Hashable, Any], Verdict | None]] = {
    "data_location": verdict_data_location,
    "price_cap": verdict_price_cap,
}


def depends_on(rule: Rule) -> tuple[str, ...]:
    """The parts of a candidate its signature for this rule can depend on (candidates equal on them share it).

    Model and provider are fixed by the offering; only the target varies within one.
    """
    if rule.kind in ("headquarters_within", "licence_terms"):
        return ("model", "provider", "target")
    if rule.kind in ("flag_at_target", "price_cap", "data_location"):
        return ("offering", "target")
    scopes = rule.params.get("scopes", ["offering"])
    if "target" in scopes or rule.params.get("hops") == "all":
        return ("offering", "target")
    return ("offering",)


__all__ = ["FROM_SIGNATURE", "SIGNATURES", "depends_on"]
