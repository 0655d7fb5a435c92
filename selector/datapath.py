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
    """The hops a candidate's data crosses, and what is unknown about the path itself."""
    c = candidate
    hops = [Hop(f"{c.provider_slug}/{c.target_slug}", c.target, c.offering, c.provider)]
    gaps: list[str] = []
    if SEL.Aggregator in facts.objects(c.provider, SEL.providerKind):
        routes = facts.values(c.offering, SEL.routesTo)
        if not routes:
            gaps.append(f"the upstream providers {c.provider_slug} may route {c.model_slug} to are not recorded")
        for route in routes:
            upstream = route.object
            provider = next((p for p in facts.objects(upstream, SEL.provider) if isinstance(p, URIRef)), None)
            targets = [t for t in facts.objects(upstream, SEL.availableAt) if isinstance(t, URIRef)]
            if not isinstance(upstream, URIRef) or not targets:
                gaps.append(f"no deployment targets are recorded for upstream {facts.label(upstream)}")
                continue
            for target in sorted(targets):
                label = f"{c.provider_slug} -> {facts.label(provider)}/{facts.label(target)}"
                hops.append(Hop(label, target, upstream, provider, route))
    return tuple(hops), tuple(gaps)
