"""Residency: every place a deployment's data is processed or stored, on every hop, judged against a jurisdiction."""

from __future__ import annotations

from rdflib import URIRef

from selector.checks import CheckContext, Outcome, base_fields, claimed, doubts_about, fmt
from selector.kb.datapath import Hop, data_path
from selector.kb.facts import Fact
from selector.kb.places import Judgement
from selector.kb.namespaces import SEL
from selector.results import Verdict, worse
from selector.rules import Rule

#: Where the data terms of a hop may be stated, narrowest first.
_SCOPES = ("target", "offering", "provider")


def hop_places(ctx: CheckContext, hop: Hop, predicate: URIRef) -> tuple[tuple[Fact, ...], list[str]]:
    """Where one hop processes or stores data: the facts of the narrowest scope (target, offering,
    provider) stating it, and the doubts about them (several places not known to be all, a
    wider scope's places standing for a narrower one that may state its own)."""
    nodes = [hop.scope(name) for name in _SCOPES]
    for position, node in enumerate(nodes):
        facts = ctx.facts.values(node, predicate)
        if facts:
            facts = ctx.facts.noting_wider(facts, nodes[position + 1:], predicate)
            doubts = doubts_about(ctx, facts, predicate, strictest=True, default_from=node if position else None)
            return facts, doubts
    return (), []


def judge_residency(ctx: CheckContext, rule: Rule, required: tuple[str, ...]) -> Outcome:
    """Pass only if every processing and storage place on every hop lies inside the jurisdiction."""
    allowed = tuple(p for p in (ctx.places.resolve(code) for code in required) if p is not None)
    fields = base_fields(ctx, " or ".join(required), ctx.candidate.target)
    names = " or ".join(required)
    if ctx.facts.has_type(ctx.candidate.target, SEL.SelfHostedTarget):
        return _self_hosted(ctx, allowed, fields, names)
    hops, gaps = data_path(ctx.facts, ctx.candidate)
    verdict = Verdict.PASS
    outside: list[str] = []
    problems: list[str] = []
    inside: list[str] = []
    used: list[Fact] = []
    for hop in hops:
        if hop.route is not None:
            used.append(hop.route)
        for kind, predicate in (("processing", SEL.processingIn), ("storage", SEL.storageIn)):
            places, doubts = hop_places(ctx, hop, predicate)
            if not places:
                claims, sentences = claimed(ctx, [hop.scope(name) for name in _SCOPES], predicate)
                problems.append(f"{hop.label}: {kind} location " + ("; ".join(sentences) if sentences else "not recorded"))
                used.extend(claims)
                verdict = worse(verdict, Verdict.UNKNOWN)
                continue
            for doubt in doubts:
                problems.append(f"{hop.label}: {doubt}")
                verdict = worse(verdict, Verdict.UNKNOWN)
            for place in places:
                used.append(place)
                judgement = _judge(ctx, place, allowed)
                used.extend(judgement.facts)
                line = f"{hop.label}: {kind} in {_place(ctx, place)}; {judgement.reason}"
                {Verdict.PASS: inside, Verdict.FAIL: outside}.get(judgement.verdict, problems).append(line)
                verdict = worse(verdict, judgement.verdict)
    for gap in gaps:
        problems.append(gap)
        verdict = worse(verdict, Verdict.UNKNOWN)
    # What keeps the data out of the jurisdiction reads first; places inside are
    # listed in full only when nothing stands in the way (the evidence has them all).
    problems = outside + problems
    if problems:
        tail = f"; {len(inside)} other place{'s' if len(inside) != 1 else ''} inside {names}" if inside else ""
        fields["detail"] = "; ".join(problems) + tail
    else:
        fields["detail"] = "; ".join(inside)
    fields["value"] = names
    return Outcome(verdict, fields, tuple(used))


def _self_hosted(ctx: CheckContext, allowed: tuple[URIRef, ...], fields: dict, names: str) -> Outcome:
    choice = ctx.policy.self_hosting
    if choice is None:
        fields["detail"] = (
            f"{ctx.candidate.provider_slug} is self-hosted: where it runs is your choice, and the policy does not say"
        )
        return Outcome(Verdict.UNKNOWN, fields, ())
    verdict = Verdict.PASS
    lines: list[str] = []
    used: list[Fact] = []
    if choice.jurisdiction:
        place = ctx.places.resolve(choice.jurisdiction)
        judgement = ctx.places.place_within(place, allowed) if place is not None else Judgement(
            Verdict.UNKNOWN, f"unknown jurisdiction {choice.jurisdiction}")
        lines.append(f"self-hosted in {choice.jurisdiction} (your choice); {judgement.reason}")
        used.extend(judgement.facts)
        verdict = worse(verdict, judgement.verdict)
    for code in choice.regions or ():
        region = ctx.regions.get(code)
        if region is None:
            lines.append(f"self-hosted in region {code} (your choice); its country is not recorded")
            verdict = worse(verdict, Verdict.UNKNOWN)
            continue
        judgement = ctx.places.place_within(region, allowed)
        lines.append(f"self-hosted in {code} (your choice); {judgement.reason}")
        used.extend(judgement.facts)
        verdict = worse(verdict, judgement.verdict)
    fields["detail"] = "; ".join(lines)
    fields["value"] = names
    return Outcome(verdict, fields, tuple(used))


def _judge(ctx: CheckContext, place: Fact, allowed: tuple[URIRef, ...]) -> Judgement:
    if not isinstance(place.object, URIRef):
        return Judgement(Verdict.UNKNOWN, f"'{fmt(place.object)}' is not a place")
    return ctx.places.place_within(place.object, allowed)


def _place(ctx: CheckContext, fact: Fact) -> str:
    node = fact.object
    if node == SEL.AnyLocation:
        return "any location"
    if isinstance(node, URIRef) and (node in ctx.places.countries or node in ctx.places.blocs):
        return ctx.places.code(node)
    return ctx.facts.label(node)
