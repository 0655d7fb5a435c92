"""The data path of a deployment: every party and place its requests cross.

The provider's own endpoint is the first hop. An aggregator adds, for every upstream
offering it may route the model to, one hop per deployment target of that offering;
when the knowledge base records no routes, the path is open and said to be so.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from selector.candidates import Candidate
from selector.facts import Fact, FactIndex
from selector.namespaces import SEL


@dataclass(frozen=True)
class Hop:
    """One party on the path: its target, offering and provider, and the route fact that put it there."""

    label: str
    target: URIRef
    offering: URIRef
    provider: URIRef | None
    route: Fact | None = None

    def scope(self, name: str) -> URIRef | None:
        """The node a data-term scope names on this hop."""
        return {"target": self.target, "offering": self.offering, "provider": self.provider}.get(name)


def data_path(facts: FactIndex, candidate: Candidate) -> tuple[tuple[Hop, ...], tuple[str, ...]]:
    """The hops a candidate's data crosses, and what is unknown about the path itself.

    Routes pinned for this exact deployment (sel:Route) replace the offering's general
    routes (sel:routesTo): a pinned deployment's path is only its pinned upstreams.
    """
    c = candidate
    hops = [Hop(f"{c.provider_slug}/{c.target_slug}", c.target, c.offering, c.provider)]
    gaps: list[str] = []
    if SEL.Aggregator not in facts.objects(c.provider, SEL.providerKind):
        return tuple(hops), ()
    pinned = [r for r in facts.subjects(SEL.routeFrom, c.offering) if c.target in facts.objects(r, SEL.routeAt)]
    if pinned:
        for route in pinned:
            upstream = facts.one(route, SEL.routeTo)
            if upstream is None or not isinstance(upstream.object, URIRef):
                gaps.append(f"pinned route {facts.label(route)} names no upstream offering")
                continue
            chosen = [t for t in facts.values(route, SEL.routeToTarget) if isinstance(t.object, URIRef)]
            targets = [f.object for f in chosen] or _targets(facts, upstream.object)
            if not targets:
                gaps.append(f"no deployment targets are recorded for upstream {facts.label(upstream.object)}")
            for target in sorted(targets):
                hops.append(_upstream_hop(facts, c, upstream.object, target, upstream))
        return tuple(hops), tuple(gaps)
    routes = facts.values(c.offering, SEL.routesTo)
    if not routes:
        gaps.append(f"the upstream providers {c.provider_slug} may route {c.model_slug} to are not recorded")
    for route in routes:
        targets = _targets(facts, route.object)
        if not targets:
            gaps.append(f"no deployment targets are recorded for upstream {facts.label(route.object)}")
        for target in sorted(targets):
            hops.append(_upstream_hop(facts, c, route.object, target, route))
    return tuple(hops), tuple(gaps)


def _targets(facts: FactIndex, offering) -> list[URIRef]:
    return [t for t in facts.objects(offering, SEL.availableAt) if isinstance(t, URIRef)]


def _upstream_hop(facts: FactIndex, c: Candidate, upstream: URIRef, target: URIRef, route: Fact) -> Hop:
    provider = next((p for p in facts.objects(upstream, SEL.provider) if isinstance(p, URIRef)), None)
    label = f"{c.provider_slug} -> {facts.label(provider)}/{facts.label(target)}"
    return Hop(label, target, upstream, provider, route)
