"""The ``data_location`` check kind (residency).

Every place a deployment's data is processed or stored, on every hop, judged against a jurisdiction.
"""

from __future__ import annotations

from typing import Any, Hashable

from rdflib import URIRef
from rdflib.term import Node

from selector.checks.base import (
    CheckContext,
    CheckKind,
    Gap,
    Outcome,
    base_fields,
    claimed,
    doubts_about,
    fmt,
    offering_and_target,
    self_hosted,
)
from selector.checks.survey import DATA_SCOPES, scope_nodes
from selector.kb.datapath import Hop, data_path
from selector.kb.facts import Fact
from selector.kb.namespaces import SEL
from selector.kb.places import Judgement
from selector.policy.terms import ResidencySplit, residency_sides
from selector.results import Verdict, worse
from selector.rules import Rule

#: Where the data terms of a hop may be stated, narrowest first.
_SCOPES = ("target", "offering", "provider")


def hop_places(ctx: CheckContext, hop: Hop, predicate: URIRef) -> tuple[tuple[Fact, ...], list[str]]:
    """Where one hop processes or stores data.

    The facts of the narrowest scope (target, offering, provider) stating it, and the doubts about them
    (several places not known to be all, a wider scope's places standing for a narrower one that may state its
    own).
    """
    nodes = [hop.scope(name) for name in _SCOPES]
    for position, node in enumerate(nodes):
        facts = ctx.facts.values(node, predicate)
        if facts:
            facts = ctx.facts.noting_wider(facts, nodes[position + 1:], predicate)
            doubts = doubts_about(ctx, facts, predicate, strictest=True, default_from=node if position else None)
            return facts, doubts
    return (), []


def _sides(ctx: CheckContext, rule: Rule, required: Any) -> list[tuple[str, URIRef, tuple[URIRef, ...]]]:
    """Each side the policy judges: its phrase, its predicate and the places it must lie in."""
    processing, storage = residency_sides(required)
    out = []
    for aspect, predicate, codes in (("processing", SEL.processingIn, processing), ("storage", SEL.storageIn, storage)):
        if codes is not None:
            allowed = tuple(p for p in (ctx.places.resolve(code) for code in codes) if p is not None)
            out.append((rule.phrase(aspect), predicate, allowed))
    return out


def required_text(required: Any) -> str:
    """The requirement as the trail words it: ``EU or CH``, or ``EU (processing) and EEA (storage)``."""
    processing, storage = residency_sides(required)
    if processing == storage:
        return " or ".join(processing)
    parts = [f"{' or '.join(codes)} ({side})" for side, codes in (("processing", processing), ("storage", storage)) if codes]
    return " and ".join(parts)


def judge_residency(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """Pass only if every processing and storage place on every hop lies inside the jurisdiction of its side."""
    names = required_text(required)
    fields = base_fields(ctx, names, ctx.candidate.target)
    sides = _sides(ctx, rule, required)
    if self_hosted(ctx):
        return _self_hosted(ctx, rule, sides, fields, names)
    hops, gaps = data_path(ctx.facts, ctx.candidate)
    verdict = Verdict.PASS
    outside: list[str] = []
    problems: list[str] = []
    inside: list[str] = []
    used: list[Fact] = []
    for hop in hops:
        if hop.route is not None:
            used.append(hop.route)
        for aspect, predicate, allowed in sides:
            places, doubts = hop_places(ctx, hop, predicate)
            if not places:
                claims, sentences = claimed(ctx, [hop.scope(name) for name in _SCOPES], predicate)
                problems.append(
                    rule.phrase("claimed", hop=hop.label, aspect=aspect, claims="; ".join(sentences)) if sentences
                    else rule.phrase("unrecorded", hop=hop.label, aspect=aspect)
                )
                used.extend(claims)
                verdict = worse(verdict, Verdict.UNKNOWN)
                continue
            for doubt in doubts:
                problems.append(rule.phrase("doubt", hop=hop.label, doubt=doubt))
                verdict = worse(verdict, Verdict.UNKNOWN)
            for place in places:
                used.append(place)
                judgement = _judge(ctx, rule, place, allowed)
                used.extend(judgement.facts)
                line = rule.phrase("place", hop=hop.label, aspect=aspect, place=_place(ctx, rule, place),
                                   reason=judgement.reason)
                {Verdict.PASS: inside, Verdict.FAIL: outside}.get(judgement.verdict, problems).append(line)
                verdict = worse(verdict, judgement.verdict)
    for gap in gaps:
        problems.append(gap)
        verdict = worse(verdict, Verdict.UNKNOWN)
    # What keeps the data out of the jurisdiction reads first; places inside are
    # listed in full only when nothing stands in the way (the evidence has them all).
    problems = outside + problems
    if problems:
        tail = ""
        if inside:
            others = rule.phrase("one_other_inside", jurisdictions=names) if len(inside) == 1 else rule.phrase(
                "others_inside", count=len(inside), jurisdictions=names)
            tail = f"; {others}"
        fields["detail"] = "; ".join(problems) + tail
    else:
        fields["detail"] = "; ".join(inside)
    fields["value"] = names
    return Outcome(verdict, fields, tuple(used))


def _self_hosted(ctx: CheckContext, rule: Rule, sides: list, fields: dict, names: str) -> Outcome:
    choice = ctx.policy.self_hosting
    if choice is None:
        fields["detail"] = rule.phrase("self_hosted_unsaid", provider=ctx.candidate.provider_slug)
        return Outcome(Verdict.UNKNOWN, fields, ())
    verdict = Verdict.PASS
    lines: list[str] = []
    used: list[Fact] = []
    # Where you run it is where it is both processed and stored: each side judges the same places.
    for allowed in dict.fromkeys(allowed for _, _, allowed in sides):
        if choice.jurisdiction:
            place = ctx.places.resolve(choice.jurisdiction)
            judgement = ctx.places.place_within(place, allowed) if place is not None else Judgement(
                Verdict.UNKNOWN, rule.phrase("unknown_jurisdiction", code=choice.jurisdiction))
            lines.append(rule.phrase("self_hosted_in", place=choice.jurisdiction, reason=judgement.reason))
            used.extend(judgement.facts)
            verdict = worse(verdict, judgement.verdict)
        for code in choice.regions or ():
            region = ctx.regions.get(code)
            if region is None:
                lines.append(rule.phrase("self_hosted_region_unrecorded", region=code))
                verdict = worse(verdict, Verdict.UNKNOWN)
                continue
            judgement = ctx.places.place_within(region, allowed)
            lines.append(rule.phrase("self_hosted_in", place=code, reason=judgement.reason))
            used.extend(judgement.facts)
            verdict = worse(verdict, judgement.verdict)
    fields["detail"] = "; ".join(dict.fromkeys(lines))
    fields["value"] = names
    return Outcome(verdict, fields, tuple(dict.fromkeys(used)))


def _judge(ctx: CheckContext, rule: Rule, place: Fact, allowed: tuple[URIRef, ...]) -> Judgement:
    if not isinstance(place.object, URIRef):
        return Judgement(Verdict.UNKNOWN, rule.phrase("not_a_place", value=fmt(place.object)))
    return ctx.places.place_within(place.object, allowed)


def _place(ctx: CheckContext, rule: Rule, fact: Fact) -> str:
    node = fact.object
    if node == SEL.AnyLocation:
        return rule.phrase("anywhere")
    if isinstance(node, URIRef) and (node in ctx.places.countries or node in ctx.places.blocs):
        return ctx.places.code(node)
    return ctx.facts.label(node)


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
    """Whether self-hosted, else per side (processing, storage) every place on the data path and whether any is unrecorded."""  # noqa: E501
    if self_hosted(ctx):
        return ("self-hosted",)
    hops, gaps = data_path(ctx.facts, ctx.candidate)
    sides = []
    for predicate in (SEL.processingIn, SEL.storageIn):
        places = set()
        unrecorded = bool(gaps)
        for hop in hops:
            stated, doubts = hop_places(ctx, hop, predicate)
            if not stated or doubts:
                unrecorded = True
            places.update(place_key(ctx, f.object) if isinstance(f.object, URIRef) else ("not a place", f.object)
                          for f in stated)
        sides.append((frozenset(places), unrecorded))
    return "hosted", tuple(sides)


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
    """Residency from the places on the path, side by side; None for a self-hosted deployment (its check decides)."""
    if signature[0] != "hosted":
        return None
    verdict = Verdict.PASS
    for codes, (places, unrecorded) in zip(residency_sides(required), signature[1]):
        if codes is None:
            continue
        allowed = tuple(p for p in (ctx.places.resolve(code) for code in codes) if p is not None)
        if unrecorded:
            verdict = worse(verdict, Verdict.UNKNOWN)
        for key in places:
            verdict = worse(verdict, _judge_place(ctx.places, key, allowed))
            if verdict is Verdict.FAIL:
                return verdict
    return verdict


def gaps_data_location(world: Any, rule: Rule, required: Any, path: tuple, policy: Any) -> list[Gap]:
    """Residency: no recorded place of a side lies inside its jurisdiction, and self-hosting does not either."""
    places = world.places
    split = isinstance(required, ResidencySplit)
    out = []
    for side, predicate, codes in zip(("processing", "storage"), (SEL.processingIn, SEL.storageIn),
                                      residency_sides(required)):
        allowed = tuple(p for p in (places.resolve(code) for code in codes or ()) if p is not None)
        if not allowed or (not split and side == "storage"):
            continue
        recorded: set[Node] = set()
        for candidate in world.candidates:
            for scope in DATA_SCOPES:
                for node in scope_nodes(world, candidate, scope):
                    recorded.update(world.facts.objects(node, predicate))
        if any(isinstance(p, URIRef) and places.place_within(p, allowed).verdict is not Verdict.FAIL for p in recorded):
            continue
        hosted_yourself = [c for c in world.candidates if c.self_hosted(world.facts)]
        if hosted_yourself and _self_hosting_could_be_inside(world, policy, allowed):
            continue
        names = " or ".join(codes)
        where = "; self_hosting is not inside it either" if hosted_yourself and policy.self_hosting else ""
        out.append(Gap(path + ((side,) if split else ()),
                       f"no deployment could meet it: no {side} location recorded in the knowledge base "
                       f"lies inside {names}{where}"))
    return out


def _self_hosting_could_be_inside(world: Any, policy: Any, allowed: tuple) -> bool:
    choice = policy.self_hosting
    if choice is None:
        return True  # unknown until the policy says where: it could be inside
    places = []
    if choice.jurisdiction:
        places.append(world.places.resolve(choice.jurisdiction))
    places += [world.regions.get(code) for code in choice.regions or ()]
    return any(p is None or world.places.place_within(p, allowed).verdict is not Verdict.FAIL for p in places)


#: The sentences of the trail, worded in the rule file (``phrases:``), and the fields each may use.
PHRASES = {
    "processing": (),
    "storage": (),
    "unrecorded": ("hop", "aspect"),
    "claimed": ("hop", "aspect", "claims"),
    "doubt": ("hop", "doubt"),
    "place": ("hop", "aspect", "place", "reason"),
    "anywhere": (),
    "not_a_place": ("value",),
    "one_other_inside": ("jurisdictions",),
    "others_inside": ("count", "jurisdictions"),
    "self_hosted_unsaid": ("provider",),
    "self_hosted_in": ("place", "reason"),
    "self_hosted_region_unrecorded": ("region",),
    "unknown_jurisdiction": ("code",),
}

DATA_LOCATION = CheckKind(
    name="data_location", needs=(), judges="jurisdictions", check=judge_residency, phrases=PHRASES,
    signature=sign_data_location, depends_on=offering_and_target,
    from_signature=verdict_data_location, gaps=gaps_data_location,
)
