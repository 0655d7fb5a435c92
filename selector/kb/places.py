"""The location graph: regions in countries, countries in blocs, and whether a place lies inside a jurisdiction.

Built once per knowledge base with networkx from the DPV ``loc:`` memberships
(``skos:broader``); its paths are kept so deciding does not walk the graph again.
Regions resolve to countries through their ``sel:country`` facts.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from selector.kb.facts import Fact, FactIndex
from selector.kb.namespaces import DPV, LOC, SEL, SKOS
from selector.results import Verdict, worse


@dataclass(frozen=True)
class Judgement:
    """Whether one place lies inside a jurisdiction, why, and the facts that say so."""

    verdict: Verdict
    reason: str
    facts: tuple[Fact, ...] = ()


class Jurisdictions:
    """Countries and blocs of the knowledge base, addressed by code (DE, EU, EEA)."""

    def __init__(self, facts: FactIndex) -> None:
        import networkx as nx  # imported here, not at the top, to keep start-up fast: a cached engine never needs it

        self._facts = facts
        self._judged: dict[tuple, Judgement] = {}
        graph = nx.DiGraph()
        self._codes: dict[str, URIRef] = {}
        self._code_of: dict[URIRef, str] = {}
        self.countries = frozenset(facts.instances(DPV.Country))
        self.blocs = frozenset(facts.instances(DPV.SupraNationalUnion))
        for node in sorted(self.countries | self.blocs):
            code = self._code(node)
            self._codes.setdefault(code.upper(), node)
            self._code_of[node] = code
            graph.add_node(node)
        member_fact: dict[tuple[URIRef, URIRef], Fact] = {}
        # Membership runs from a country to a bloc; links between blocs are not followed
        # (a bloc is inside another only when every one of its countries is).
        for country in sorted(self.countries):
            for fact in facts.values(country, SKOS.broader):
                if fact.object in self.blocs:
                    graph.add_edge(country, fact.object)
                    member_fact[(country, fact.object)] = fact
        # The graph is walked once, here: each place's blocs with the membership facts
        # on the path, and each bloc's member countries. Deciding needs only these.
        self._within: dict[URIRef, dict[URIRef, tuple[Fact, ...]]] = {}
        for node in graph.nodes:
            paths = nx.single_source_shortest_path(graph, node)
            self._within[node] = {
                target: tuple(member_fact[(a, b)] for a, b in zip(path, path[1:]))
                for target, path in sorted(paths.items()) if target != node
            }
        self._members: dict[URIRef, tuple[URIRef, ...]] = {
            bloc: tuple(sorted(c for c in graph.predecessors(bloc) if c in self.countries)) for bloc in self.blocs
        }
        #: Blocs whose member list is declared complete: only for these is "not a member" known.
        self._complete = frozenset(b for b in self.blocs if facts.closed_members(b, SKOS.broader))

    def _code(self, node: URIRef) -> str:
        fact = self._facts.one(node, LOC.iso_alpha2)
        if fact is not None:
            return str(fact.object)
        return str(node).rsplit("#", 1)[-1]

    def codes(self) -> frozenset[str]:
        """Every jurisdiction code a policy may use."""
        return frozenset(self._code_of.values())

    def resolve(self, code: str) -> URIRef | None:
        """The loc: IRI for a code, case-insensitively, or None."""
        return self._codes.get(code.upper())

    def code(self, node: URIRef) -> str:
        """The code people write for a country or bloc."""
        return self._code_of.get(node) or str(node).rsplit("#", 1)[-1].rsplit("/", 1)[-1]

    def members(self, bloc: URIRef) -> tuple[URIRef, ...]:
        """The countries directly in a bloc."""
        return self._members.get(bloc, ())

    def members_complete(self, bloc: URIRef) -> bool:
        """Whether the bloc's member countries are all recorded (its length is declared and matches)."""
        return bloc in self._complete

    def country_within(self, country: URIRef, jurisdiction: URIRef) -> Judgement:
        """Whether a country is, or is part of, the jurisdiction."""
        name, target = self.code(country), self.code(jurisdiction)
        if country == jurisdiction:
            return Judgement(Verdict.PASS, f"{name} is the required jurisdiction")
        if jurisdiction in self.blocs and jurisdiction in self._within.get(country, {}):
            return Judgement(Verdict.PASS, f"{name} is part of {target}", self._within[country][jurisdiction])
        if jurisdiction in self.countries:
            return Judgement(Verdict.FAIL, f"{name} is not {target}")
        if jurisdiction not in self.blocs:
            return Judgement(Verdict.UNKNOWN, f"{target} is not a country or bloc the knowledge base lists")
        if jurisdiction not in self._complete:
            return Judgement(Verdict.UNKNOWN, f"{name} is not recorded as part of {target}, but the members of "
                                              f"{target} are not known to be all recorded")
        return Judgement(Verdict.FAIL, f"{name} is not part of {target}")

    def bloc_within(self, bloc: URIRef, jurisdiction: URIRef) -> Judgement:
        """Whether every country of a bloc is inside the jurisdiction (EU inside EEA, say)."""
        name, target = self.code(bloc), self.code(jurisdiction)
        if bloc == jurisdiction:
            return Judgement(Verdict.PASS, f"{name} is the required jurisdiction")
        members = self.members(bloc)
        if not members:
            return Judgement(Verdict.UNKNOWN, f"the knowledge base lists no member countries of {name}")
        judged = [(m, self.country_within(m, jurisdiction)) for m in members]
        outside = [m for m, j in judged if j.verdict is Verdict.FAIL]
        if outside:
            listed = ", ".join(self.code(m) for m in outside[:5])
            return Judgement(Verdict.FAIL, f"{name} includes {listed}, not part of {target}")
        unsure = [j for _, j in judged if j.verdict is Verdict.UNKNOWN]
        if unsure:
            return unsure[0]
        if bloc not in self._complete:
            return Judgement(Verdict.UNKNOWN, f"the members of {name} are not known to be all recorded")
        return Judgement(Verdict.PASS, f"every member of {name} is part of {target}")

    def __getstate__(self) -> dict:
        # Judgements are remembered per policy's jurisdictions while a process runs, never on disk.
        return {k: v for k, v in self.__dict__.items() if k != "_judged"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _judged={})

    def place_within(self, place: URIRef, allowed: tuple[URIRef, ...], *, depth: int = 0) -> Judgement:
        """Whether a place (region, zone, country, bloc, anywhere) lies inside any allowed jurisdiction."""
        key = (place, allowed, depth)
        judgement = self._judged.get(key)
        if judgement is None:
            if len(self._judged) > 200_000:
                self._judged.clear()
            judgement = self._judged[key] = self._place_within(place, allowed, depth)
        return judgement

    def _place_within(self, place: URIRef, allowed: tuple[URIRef, ...], depth: int) -> Judgement:
        names = " or ".join(self.code(j) for j in allowed)
        facts = self._facts
        if place == SEL.AnyLocation:
            return Judgement(Verdict.FAIL, f"may be anywhere the provider operates, so not only in {names}")
        if place in self.countries or place in self.blocs:
            check = self.country_within if place in self.countries else self.bloc_within
            judgements = [check(place, j) for j in allowed]
            for judgement in judgements:
                if judgement.verdict is Verdict.PASS:
                    return judgement
            unknown = [j for j in judgements if j.verdict is Verdict.UNKNOWN]
            return unknown[0] if unknown else Judgement(Verdict.FAIL, "; ".join(j.reason for j in judgements))
        label = facts.label(place)
        if facts.has_type(place, SEL.Region):
            countries = facts.values(place, SEL.country)
            if not countries:
                return Judgement(Verdict.UNKNOWN, f"no country is recorded for region {label}")
            verdict, reasons, used = Verdict.PASS, [], []
            if not facts.closed_list(place, SEL.country, single=True):
                reasons.append(f"{label} lies in several countries, not known to be all of them")
                verdict = Verdict.UNKNOWN
            for country in countries:
                used.append(country)
                if not isinstance(country.object, URIRef):
                    reasons.append(f"the country of {label} is not a place ('{country.object}')")
                    verdict = worse(verdict, Verdict.UNKNOWN)
                    continue
                inner = self.place_within(country.object, allowed, depth=depth + 1)
                used.extend(inner.facts)
                reasons.append(f"{label} is in {self.code(country.object)}; {inner.reason}")
                verdict = worse(verdict, inner.verdict)
            return Judgement(verdict, "; ".join(reasons), tuple(used))
        if depth >= 4:
            return Judgement(Verdict.UNKNOWN, f"where {label} runs is not resolved")
        members = [f.object for f in facts.values(place, SEL.memberRegion)]
        closed = bool(members) and facts.closed_list(place, SEL.memberRegion)
        used: list[Fact] = list(facts.values(place, SEL.memberRegion))
        if not members and facts.has_type(place, SEL.GlobalEndpoint):
            # A global endpoint spans every region its provider runs.
            owner = facts.one(place, SEL.provider)
            if owner is not None:
                members = [r for r in facts.subjects(SEL.provider, owner.object) if facts.has_type(r, SEL.Region)]
        worst = Verdict.PASS
        for member in members:
            inner = self.place_within(member, allowed, depth=depth + 1)
            used.extend(inner.facts)
            if inner.verdict is Verdict.FAIL:
                return Judgement(Verdict.FAIL, f"{label} spans {facts.label(member)}: {inner.reason}", tuple(used))
            if inner.verdict is Verdict.UNKNOWN:
                worst = Verdict.UNKNOWN
        if closed and worst is Verdict.PASS:
            return Judgement(Verdict.PASS, f"every region of {label} is in {names}", tuple(used))
        return Judgement(Verdict.UNKNOWN, f"where {label} runs is not recorded as a closed list of regions",
                         tuple(used))
