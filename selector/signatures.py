"""What each check kind reads about a candidate, as a value: candidates with equal signatures get equal verdicts.

A rule's verdict for a candidate depends on the policy and on a few facts about the
candidate (the context window found for it, the places its data path crosses, the
model its licence comes from). The signature is exactly those facts, with the
candidate's own identity taken out, so the evaluator can decide a rule once per
distinct signature and apply that verdict to every candidate sharing it.

Each signature is built from the same lookups the check itself makes (``lookup``,
``data_path``), never from a second reading of the knowledge base. The test in
``tests/fastpath`` compares decisions made this way with rule-by-rule evaluation on
random knowledge bases, and ``Selection.report`` checks every verdict it reuses
against the full evaluation it builds the report from.
"""

from __future__ import annotations

from typing import Callable, Hashable, Mapping

from selector.checks import CheckContext, Found, lookup
from selector.datapath import data_path
from selector.namespaces import SEL
from selector.rules import Rule, expand

Signature = Callable[[CheckContext, Rule], Hashable]


def _facts(found: Found) -> tuple:
    """The facts found, as (which subject, property, value): subjects numbered in order of appearance."""
    subjects: dict = {}
    return tuple((subjects.setdefault(f.subject, len(subjects)), f.predicate, f.object) for f in found.facts)


def _found(found: Found) -> tuple:
    """The facts found and whether any scope or hop that should state the property is silent."""
    return _facts(found), bool(found.missing)


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
    return main, bool(found.missing), extra


def sign_flag_at_target(ctx: CheckContext, rule: Rule) -> Hashable:
    """The flag's values, and whether the offering limits it to targets that leave this one out."""
    limits = ctx.facts.objects(ctx.candidate.offering, expand(rule.params["at_property"]))
    excluded_here = bool(limits) and ctx.candidate.target not in limits
    return _found(lookup(ctx, rule)), bool(limits), excluded_here


def sign_price_cap(ctx: CheckContext, rule: Rule) -> Hashable:
    """The target's price multipliers and the offering's input and output prices."""
    multipliers = ctx.facts.objects(ctx.candidate.target, expand(rule.params["multiplier_property"]))
    prices = tuple(
        tuple(f.object for f in lookup(ctx, rule, rule.params[f"{side}_property"]).facts) for side in ("input", "output")
    )
    return multipliers, prices


def sign_headquarters(ctx: CheckContext, rule: Rule) -> Hashable:
    """Whether the deployment is self-hosted, else the operators whose headquarters are judged."""
    if ctx.facts.has_type(ctx.candidate.target, SEL.SelfHostedTarget):
        return ("self-hosted",)
    return ("operated", ctx.facts.objects(ctx.candidate.provider, SEL.operator))


def place_key(ctx: CheckContext, place) -> Hashable:
    """What a place's judgement against any jurisdiction reads: a region by its countries, else the place itself."""
    if place == SEL.AnyLocation or place in ctx.places.countries or place in ctx.places.blocs:
        return place
    if ctx.facts.has_type(place, SEL.Region):
        return "region", ctx.facts.objects(place, SEL.country)
    return place


def sign_data_location(ctx: CheckContext, rule: Rule) -> Hashable:
    """Whether self-hosted, else every place on the data path and whether any place or route is unrecorded."""
    from selector.residency import _first_stated

    if ctx.facts.has_type(ctx.candidate.target, SEL.SelfHostedTarget):
        return ("self-hosted",)
    hops, gaps = data_path(ctx.facts, ctx.candidate)
    places = set()
    unrecorded = bool(gaps)
    for hop in hops:
        for predicate in (SEL.processingIn, SEL.storageIn):
            stated = _first_stated(ctx, hop, predicate)
            if not stated:
                unrecorded = True
            places.update(place_key(ctx, f.object) for f in stated)
    return "hosted", frozenset(places), unrecorded


def sign_licence(ctx: CheckContext, rule: Rule) -> Hashable:
    """The model, and what makes the user a licensee regardless of the policy (self-hosting)."""
    return (
        ctx.candidate.model,
        ctx.facts.has_type(ctx.candidate.target, SEL.SelfHostedTarget),
        SEL.SelfHostedRuntime in ctx.facts.objects(ctx.candidate.provider, SEL.providerKind),
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


__all__ = ["SIGNATURES", "depends_on"]
