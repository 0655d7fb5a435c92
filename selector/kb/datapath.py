"""The data path of a deployment: every party and place its requests cross.

The provider's own endpoint is the first hop. An aggregator adds, for every upstream
offering it may route the model to, one hop per deployment target of that offering;
when the knowledge base records no routes, the path is open and said to be so.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from selector.kb.candidates import Candidate
from selector.kb.facts import Fact, FactIndex
from selector.kb.namespaces import SEL


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
    routes (sel:routesTo), and are complete by definition: a pinned deployment's path
    is only its pinned upstreams. General routes are a closed list only where the
    offering declares how many there are (sel:closedList); otherwise the path is open. An
    upstream that is itself an aggregator adds its own upstreams, hop after hop. A
    provider whose kind is not recorded may be an aggregator: its path is open too.
    """
    c = candidate
    first = Hop(f"{c.provider_slug}/{c.target_slug}", c.target, c.offering, c.provider)
    hops = [first]
    gaps: list[str] = []
    todo = [(first, 0)]
    seen = {(c.offering, c.target)}
    while todo:
        hop, depth = todo.pop(0)
        kinds = facts.objects(hop.provider, SEL.providerKind) if hop.provider is not None else ()
        if not kinds or not facts.closed_list(hop.provider, SEL.providerKind, single=True):
            gaps.append(f"{hop.label}: what kind of provider {facts.label(hop.provider) if hop.provider else 'it'} "
                        "is (whether it forwards requests to others) is not recorded")
        if SEL.Aggregator not in kinds:
            continue
        if depth >= _MAX_DEPTH:
            gaps.append(f"{hop.label}: routes nest more than {_MAX_DEPTH} aggregators deep")
            continue
        for upstream, targets, route in _upstreams(facts, hop, gaps):
            provider = next((p for p in facts.objects(upstream, SEL.provider) if isinstance(p, URIRef)), None)
            for target in targets:
                label = f"{hop.label} -> {facts.label(provider)}/{facts.label(target)}"
                nxt = Hop(label, target, upstream, provider, route)
                hops.append(nxt)
                if (upstream, target) not in seen:
                    seen.add((upstream, target))
                    todo.append((nxt, depth + 1))
    return tuple(hops), tuple(gaps)


_MAX_DEPTH = 5


def _upstreams(facts: FactIndex, hop: Hop, gaps: list[str]) -> list[tuple[URIRef, list[URIRef], Fact]]:
    """The upstream offerings (with their targets) an aggregator hop may forward to; gaps get what is open."""
    name = f"{facts.label(hop.offering)} at {facts.label(hop.target)}"
    out: list[tuple[URIRef, list[URIRef], Fact]] = []
    pinned = [r for r in facts.subjects(SEL.routeFrom, hop.offering) if hop.target in facts.objects(r, SEL.routeAt)]
    if pinned:
        for route in pinned:
            upstreams = facts.values(route, SEL.routeTo)
            if not upstreams:
                gaps.append(f"pinned route {facts.label(route)} names no upstream offering")
            chosen = [t.object for t in facts.values(route, SEL.routeToTarget) if isinstance(t.object, URIRef)]
            # A route naming several upstreams may use any of them: each is on the path.
            for upstream in upstreams:
                if not isinstance(upstream.object, URIRef):
                    gaps.append(f"pinned route {facts.label(route)} names an upstream that is not an offering "
                                f"('{upstream.object}')")
                    continue
                targets = chosen or _targets(facts, upstream.object)
                if not targets:
                    gaps.append(f"no deployment targets are recorded for upstream {facts.label(upstream.object)}")
                out.append((upstream.object, sorted(targets), upstream))
        return out
    routes = facts.values(hop.offering, SEL.routesTo)
    if not routes:
        gaps.append(f"the upstream providers of {name} are not recorded")
        return out
    if not facts.closed_list(hop.offering, SEL.routesTo):
        gaps.append(f"the recorded upstreams of {name} are not known to be all it may route to")
    for route in routes:
        if not isinstance(route.object, URIRef):
            gaps.append(f"an upstream of {name} is not an offering ('{route.object}')")
            continue
        targets = _targets(facts, route.object)
        if not targets:
            gaps.append(f"no deployment targets are recorded for upstream {facts.label(route.object)}")
        out.append((route.object, sorted(targets), route))
    return out


def _targets(facts: FactIndex, offering) -> list[URIRef]:
    return [t for t in facts.objects(offering, SEL.availableAt) if isinstance(t, URIRef)]
