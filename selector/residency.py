"""Residency: every place a deployment's data is processed or stored, on every hop, judged against a jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from selector.checks import CheckContext, Outcome, _base, fmt
from selector.facts import Fact
from selector.locations import Judgement
from selector.namespaces import SEL
from selector.results import Verdict, worse
from selector.rules import Rule

#: Where the data terms of a hop may be stated, narrowest first.
_SCOPES = ("target", "offering", "provider")


@dataclass(frozen=True)
class Hop:
    """One party on a data path and the places it processes and stores content."""

    label: str
    processing: tuple[Fact, ...]
    storage: tuple[Fact, ...]
    facts: tuple[Fact, ...] = ()


def _first_stated(ctx: CheckContext, nodes: dict[str, URIRef | None], predicate: URIRef) -> tuple[Fact, ...]:
    for name in _SCOPES:
        facts = ctx.facts.values(nodes.get(name), predicate)
        if facts:
            return facts
    return ()


def _hop(ctx: CheckContext, offering: URIRef, provider: URIRef | None, target: URIRef, label: str) -> Hop:
    nodes = {"target": target, "offering": offering, "provider": provider}
    return Hop(
        label=label,
        processing=_first_stated(ctx, nodes, SEL.processingIn),
        storage=_first_stated(ctx, nodes, SEL.storageIn),
    )


def data_path(ctx: CheckContext) -> tuple[list[Hop], list[str]]:
    """The hops a candidate's data crosses, and what is unknown about the path itself.

    The provider's own endpoint is the first hop; an aggregator adds every target of
    every upstream offering it may route to.
    """
    c = ctx.candidate
    facts = ctx.facts
    first = _hop(ctx, c.offering, c.provider, c.target, f"{c.provider_slug}/{c.target_slug}")
    hops = [first]
    gaps: list[str] = []
    if SEL.Aggregator in facts.objects(c.provider, SEL.providerKind):
        routes = facts.values(c.offering, SEL.routesTo)
        if not routes:
            gaps.append(f"the upstream providers {c.provider_slug} may route {c.model_slug} to are not recorded")
        for route in routes:
            upstream = route.object
            provider = next(iter(facts.objects(upstream, SEL.provider)), None)
            targets = facts.objects(upstream, SEL.availableAt)
            if not targets:
                gaps.append(f"no deployment targets are recorded for upstream {facts.label(upstream)}")
            for target in targets:
                label = f"{c.provider_slug} -> {facts.label(provider)}/{facts.label(target)}"
                hop = _hop(ctx, upstream, provider, target, label)
                hops.append(Hop(hop.label, hop.processing, hop.storage, (route,)))
    return hops, gaps


def judge_residency(ctx: CheckContext, rule: Rule, required: tuple[str, ...]) -> Outcome:
    """Pass only if every processing and storage place on every hop lies inside the jurisdiction."""
    allowed = tuple(p for p in (ctx.places.resolve(code) for code in required) if p is not None)
    fields = _base(ctx, " or ".join(required), ctx.candidate.target)
    names = " or ".join(required)
    if ctx.facts.has_type(ctx.candidate.target, SEL.SelfHostedTarget):
        return _self_hosted(ctx, allowed, fields, names)
    hops, gaps = data_path(ctx)
    verdict = Verdict.PASS
    lines: list[str] = []
    used: list[Fact] = []
    for hop in hops:
        used.extend(hop.facts)
        for kind, places in (("processing", hop.processing), ("storage", hop.storage)):
            if not places:
                lines.append(f"{hop.label}: {kind} location not recorded")
                verdict = worse(verdict, Verdict.UNKNOWN)
                continue
            for place in places:
                used.append(place)
                judgement = _judge(ctx, place, allowed)
                used.extend(judgement.facts)
                lines.append(f"{hop.label}: {kind} in {_place(ctx, place)}; {judgement.reason}")
                verdict = worse(verdict, judgement.verdict)
    for gap in gaps:
        lines.append(gap)
        verdict = worse(verdict, Verdict.UNKNOWN)
    fields["detail"] = "; ".join(lines)
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
