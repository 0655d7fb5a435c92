"""A deliberately simple second evaluator, to check the engine against.

It reads nothing of the engine but the loaded knowledge base's quads (each with its
layer) and the validated policy, and decides every candidate from the rule files'
descriptions, written out by hand as plain loops over sets of values:

* A fact is a statement in a named graph; a default graph holds no facts. For one
  subject and property, the statements of the highest layer that states any replace
  those of lower layers (an overlay overrides the base).
* A candidate is an offering's model and provider slugs and one of its targets.
* Where a property may be stated at several scopes (target > offering > provider for
  data terms, offering > model for capabilities, offering > provider for
  fine-tuning), the narrowest scope stating any value is used, and all its values
  count: several values are judged by the strictest (any value that fails fails).
* A value that is missing, or is not of the expected kind (a word where a number or
  a place is expected), is unknown. Unknown never passes: the requirement's verdict
  is unknown unless another value fails it.
* A provider whose kind is not recorded may be an aggregator: its path is open.
* An aggregator's data path is its own hop plus, for each upstream offering it may
  route to, one hop per target of that offering; routes pinned to the deployment
  (``sel:Route``) replace the offering's general routes and are all there is; an
  upstream that is itself an aggregator adds its own upstreams. The general routes
  are an open list unless the offering says ``sel:routesComplete true``: an open
  list, or unrecorded routes or upstream targets, are unknown. Data terms
  (retention, training, zero data retention, residency) must hold on every hop.
* A place lies inside a jurisdiction when it is the jurisdiction, a country with a
  ``skos:broader`` link to the bloc (a link from one bloc to another makes no
  country a member of the second), a bloc all of whose member countries do, a
  region whose countries do, or a zone whose complete list of member regions all
  do. A zone with any member region outside is outside, complete list or not; a
  global endpoint without a list spans every region of its provider, which is never
  known to be complete. ``sel:AnyLocation`` lies nowhere in particular, so inside
  nothing.
* Lifecycle, on the evaluation date (the policy's, else the newest source's as-of):
  under every policy, a deployment whose model, offering or target says retired, or
  gives a retirement date on or before the date, fails ``retired``; a status that is
  not active, deprecated or retired, or a retirement date that is not a date, is
  unknown. ``lifecycle: active`` also fails a deprecated status, a deprecation date
  on or before the date and any retirement date, and passes only a stated active
  status.
* Allowed = no requirement fails, and none is unknown unless the policy says
  ``unknown: warn``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS
from rdflib.term import Node

SEL = Namespace("https://w3id.org/selector/ns#")
DPV = Namespace("https://w3id.org/dpv#")
LOC = Namespace("https://w3id.org/dpv/loc#")

PASS, UNKNOWN, FAIL = "pass", "unknown", "fail"
_ORDER = {PASS: 0, UNKNOWN: 1, FAIL: 2}


def worst(*verdicts: str) -> str:
    """The most severe verdict (fail over unknown over pass); pass for none."""
    return max(verdicts, key=_ORDER.__getitem__, default=PASS)


def any_of(verdicts: Iterable[str]) -> str:
    """Inside any of several jurisdictions: pass if one passes, else unknown if one is unknown, else fail."""
    verdicts = list(verdicts)
    if PASS in verdicts:
        return PASS
    return UNKNOWN if UNKNOWN in verdicts else FAIL


DATA_SCOPES = ("target", "offering", "provider")
ZDR_LEVELS = frozenset({SEL.ZDRDefault, SEL.ZDRSelfServe, SEL.ZDRApproval, SEL.ZDRContract})


@dataclass(frozen=True)
class Cand:
    """One deployment: its id and the nodes it is made of."""

    id: str
    model: URIRef
    provider: URIRef
    offering: URIRef
    target: URIRef

    def node(self, scope: str) -> URIRef:
        return {"target": self.target, "offering": self.offering, "provider": self.provider, "model": self.model}[scope]


@dataclass(frozen=True)
class Hop:
    """One party on a data path."""

    target: Node
    offering: Node
    provider: Node | None

    def node(self, scope: str) -> Node | None:
        return {"target": self.target, "offering": self.offering, "provider": self.provider}[scope]


@dataclass(frozen=True)
class Answer:
    """The oracle's decision for one candidate: allowed or not, and the verdict of each requirement."""

    allowed: bool
    verdicts: dict[str, str]


def _number(node: Node) -> Decimal | None:
    if not isinstance(node, Literal):
        return None
    value = node.toPython()
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _date(node: Node) -> date | None:
    if isinstance(node, Literal) and isinstance(node.toPython(), date):
        value = node.toPython()
        return value.date() if hasattr(value, "date") else value
    return None


STATUSES = frozenset({SEL.Active, SEL.Deprecated, SEL.Retired})


def _bool(node: Node) -> bool | None:
    if isinstance(node, Literal) and isinstance(node.toPython(), bool):
        return node.toPython()
    return None


class Oracle:
    """Decides candidates of one loaded knowledge base, straight from its quads."""

    def __init__(self, kb: Any) -> None:
        rank = {layer: i for i, layer in enumerate(kb.layers)}
        stated: dict[tuple[Node, Node], dict[int, set[Node]]] = defaultdict(dict)
        dates = [_date(q.object) for q in kb.quads if q.graph is None and q.predicate == SEL.asOf]
        #: The knowledge base's own date: the newest as-of of its sources.
        self.newest = max((d for d in dates if d is not None), default=date(1970, 1, 1))
        for quad in kb.quads:
            if quad.graph is None:
                continue  # a default graph holds source descriptions, not facts
            stated[(quad.subject, quad.predicate)].setdefault(rank[quad.layer], set()).add(quad.object)
        self.facts: dict[tuple[Node, Node], frozenset[Node]] = {
            key: frozenset(by_rank[max(by_rank)]) for key, by_rank in stated.items()
        }
        self._inverse: dict[tuple[Node, Node], set[Node]] = defaultdict(set)
        for (s, p), objects in self.facts.items():
            for o in objects:
                self._inverse[(p, o)].add(s)
        self.countries = set(self.subjects(RDF.type, DPV.Country))
        self.blocs = set(self.subjects(RDF.type, DPV.SupraNationalUnion))

    # -- reading facts ------------------------------------------------------

    def values(self, subject: Node | None, prop: Node) -> frozenset[Node]:
        if subject is None:
            return frozenset()
        return self.facts.get((subject, prop), frozenset())

    def iris(self, subject: Node | None, prop: Node) -> list[URIRef]:
        return sorted(v for v in self.values(subject, prop) if isinstance(v, URIRef))

    def typed(self, node: Node, cls: Node) -> bool:
        return cls in self.values(node, RDF.type)

    def subjects(self, prop: Node, obj: Node) -> list[Node]:
        return sorted(self._inverse.get((prop, obj), ()))

    def slug(self, node: Node) -> str | None:
        slugs = sorted(str(v) for v in self.values(node, SEL.slug))
        return slugs[0] if slugs else None

    def first_scope(self, nodes: Iterable[Node | None], prop: Node) -> frozenset[Node]:
        """The values of the narrowest scope that states the property."""
        for node in nodes:
            found = self.values(node, prop)
            if found:
                return found
        return frozenset()

    # -- candidates --------------------------------------------------------

    def candidates(self) -> dict[str, Cand]:
        out: dict[str, Cand] = {}
        for offering in self.subjects(RDF.type, SEL.Offering):
            models = self.iris(offering, SEL.model)
            providers = self.iris(offering, SEL.provider)
            if not models or not providers:
                continue
            model, provider = models[0], providers[0]
            if self.slug(model) is None or self.slug(provider) is None:
                continue
            for target in self.iris(offering, SEL.availableAt):
                if self.slug(target) is None:
                    continue
                cid = f"{self.slug(model)}@{self.slug(provider)}/{self.slug(target)}"
                out[cid] = Cand(cid, model, provider, offering, target)
        return out

    # -- places --------------------------------------------------------------

    def code_of(self, node: Node) -> str:
        codes = sorted(str(v) for v in self.values(node, LOC.iso_alpha2))
        return codes[0] if codes else str(node).rsplit("#", 1)[-1]

    def resolve(self, code: str) -> Node | None:
        for node in sorted(self.countries | self.blocs):
            if self.code_of(node).upper() == code.upper():
                return node
        return None

    def blocs_of(self, country: Node) -> set[Node]:
        """The blocs a country is a member of: its skos:broader links to blocs (links between blocs count for nothing)."""
        return {parent for parent in self.values(country, SKOS.broader) if parent in self.blocs}

    def country_in(self, country: Node, jurisdiction: Node) -> str:
        if country == jurisdiction:
            return PASS
        return PASS if jurisdiction in self.blocs_of(country) else FAIL

    def bloc_in(self, bloc: Node, jurisdiction: Node) -> str:
        if bloc == jurisdiction:
            return PASS
        members = [c for c in self.countries if bloc in self.values(c, SKOS.broader)]
        if not members:
            return UNKNOWN
        return PASS if all(self.country_in(m, jurisdiction) == PASS for m in members) else FAIL

    def place_in(self, place: Node, allowed: list[Node], depth: int = 0) -> str:
        """Whether a place lies inside any of the allowed jurisdictions."""
        if not isinstance(place, URIRef):
            return UNKNOWN
        if place == SEL.AnyLocation:
            return FAIL
        if place in self.countries:
            return any_of(self.country_in(place, j) for j in allowed)
        if place in self.blocs:
            return any_of(self.bloc_in(place, j) for j in allowed)
        if self.typed(place, SEL.Region):
            countries = self.values(place, SEL.country)
            if not countries or depth > 4:
                return UNKNOWN
            return worst(*(self.place_in(c, allowed, depth + 1) for c in countries))
        if depth >= 4:
            return UNKNOWN
        # A zone spans its member regions; a global endpoint without a list spans every
        # region of its provider. A member outside fails; only a closed list can pass.
        members = set(self.values(place, SEL.memberRegion))
        complete = self.values(place, SEL.memberRegionsComplete)
        closed = bool(members) and bool(complete) and all(_bool(v) is True for v in complete)
        if not members and self.typed(place, SEL.GlobalEndpoint):
            for owner in self.values(place, SEL.provider):
                members |= {r for r in self.subjects(SEL.provider, owner) if self.typed(r, SEL.Region)}
        verdicts = [self.place_in(m, allowed, depth + 1) for m in members]
        if FAIL in verdicts:
            return FAIL
        return PASS if closed and all(v == PASS for v in verdicts) else UNKNOWN

    # -- data path -----------------------------------------------------------

    def provider_of(self, offering: Node) -> Node | None:
        found = self.iris(offering, SEL.provider)
        return found[0] if found else None

    def data_path(self, c: Cand) -> tuple[list[Hop], bool]:
        """Every hop of a candidate's data path, and whether part of the path is not recorded."""
        hops = [Hop(c.target, c.offering, c.provider)]
        gap = False
        seen: set[tuple[Node, Node]] = set()

        def follow(offering: Node, target: Node, provider: Node | None) -> None:
            nonlocal gap
            kinds = self.values(provider, SEL.providerKind) if provider is not None else []
            if not kinds:
                gap = True  # a provider of no recorded kind may forward requests: the path is open
            if SEL.Aggregator not in kinds:
                return
            if (offering, target) in seen:
                return
            seen.add((offering, target))
            pinned = [r for r in self.subjects(SEL.routeFrom, offering) if target in self.values(r, SEL.routeAt)]
            upstreams: list[tuple[Node, list[Node]]] = []
            if pinned:
                for route in pinned:
                    tos = self.values(route, SEL.routeTo)
                    if not tos:
                        gap = True
                    chosen = list(self.values(route, SEL.routeToTarget))
                    for upstream in tos:
                        upstreams.append((upstream, chosen or list(self.values(upstream, SEL.availableAt))))
            else:
                routes = self.values(offering, SEL.routesTo)
                complete = self.values(offering, SEL.routesComplete)
                if not routes or not complete or not all(_bool(v) is True for v in complete):
                    gap = True  # no routes, or a list no source says is complete: the path is open
                for upstream in routes:
                    upstreams.append((upstream, list(self.values(upstream, SEL.availableAt))))
            for upstream, targets in upstreams:
                if not isinstance(upstream, URIRef) or not targets:
                    gap = True
                    continue
                provider_up = self.provider_of(upstream)
                for t in targets:
                    hops.append(Hop(t, upstream, provider_up))
                    follow(upstream, t, provider_up)

        follow(c.offering, c.target, c.provider)
        return hops, gap

    def on_every_hop(self, c: Cand, prop: Node) -> tuple[list[Node], bool]:
        """The values of a data term on every hop, and whether some hop (or the path) states none."""
        hops, missing = self.data_path(c)
        values: list[Node] = []
        for hop in hops:
            found = self.first_scope((hop.node(s) for s in DATA_SCOPES), prop)
            if not found:
                missing = True
            values.extend(found)
        return values, missing

    # -- value judgements ----------------------------------------------------------

    @staticmethod
    def at_least(values: Iterable[Node], limit: Any, missing: bool = False) -> str:
        values = list(values)
        numbers = [_number(v) for v in values]
        if any(n is not None and n < Decimal(str(limit)) for n in numbers):
            return FAIL
        if not values or missing or any(n is None for n in numbers):
            return UNKNOWN
        return PASS

    @staticmethod
    def at_most(values: Iterable[Node], limit: Any, missing: bool = False) -> str:
        values = list(values)
        numbers = [_number(v) for v in values]
        if any(n is not None and n > Decimal(str(limit)) for n in numbers):
            return FAIL
        if not values or missing or any(n is None for n in numbers):
            return UNKNOWN
        return PASS

    @staticmethod
    def equals(values: Iterable[Node], required: bool, missing: bool = False) -> str:
        values = list(values)
        flags = [_bool(v) for v in values]
        if any(f is not None and f != required for f in flags):
            return FAIL
        if not values or missing or any(f is None for f in flags):
            return UNKNOWN
        return PASS

    # -- requirements ------------------------------------------------------------

    def residency(self, c: Cand, codes: Iterable[str], policy: Any) -> str:
        allowed = [n for n in (self.resolve(code) for code in codes) if n is not None]
        if self.typed(c.target, SEL.SelfHostedTarget):
            choice = policy.self_hosting
            if choice is None:
                return UNKNOWN
            verdicts = []
            if choice.jurisdiction:
                place = self.resolve(choice.jurisdiction)
                verdicts.append(self.place_in(place, allowed) if place is not None else UNKNOWN)
            for code in choice.regions or ():
                regions = [
                    r for r in self.subjects(RDF.type, SEL.Region)
                    if code in {str(v) for v in self.values(r, SEL.regionCode) | self.values(r, SEL.slug)}
                ]
                verdicts.append(worst(*(self.place_in(r, allowed) for r in regions)) if regions else UNKNOWN)
            return worst(*verdicts)
        hops, gap = self.data_path(c)
        verdict = UNKNOWN if gap else PASS
        for hop in hops:
            for prop in (SEL.processingIn, SEL.storageIn):
                places = self.first_scope((hop.node(s) for s in DATA_SCOPES), prop)
                if not places:
                    verdict = worst(verdict, UNKNOWN)
                for place in places:
                    verdict = worst(verdict, self.place_in(place, allowed))
        return verdict

    def context(self, c: Cand, required: int) -> str:
        scopes = (c.offering, c.model)
        window = self.first_scope(scopes, SEL.contextWindow)
        cap = self.first_scope(scopes, SEL.maxInputTokens)
        return self.at_least(list(window) + list(cap), required)

    def capability(self, c: Cand, prop: Node) -> frozenset[Node]:
        return self.first_scope((c.offering, c.model), prop)

    def modalities(self, c: Cand, prop: Node, required: Iterable[str]) -> str:
        found = self.capability(c, prop)
        if not found:
            return UNKNOWN
        held = set()
        for node in found:
            held |= {str(s).lower() for s in self.values(node, SEL.slug)}
        return PASS if {r.lower() for r in required} <= held else FAIL

    def zero_data_retention(self, c: Cand, required: bool) -> str:
        if not required:
            return PASS
        values, missing = self.on_every_hop(c, SEL.zeroDataRetention)
        if any(v not in ZDR_LEVELS for v in values):
            return FAIL
        return UNKNOWN if missing or not values else PASS

    def price(self, c: Cand, caps: Any) -> str:
        multipliers = self.values(c.target, SEL.priceMultiplier)
        factors = [_number(m) for m in multipliers]
        verdict = PASS
        if any(f is None for f in factors):
            verdict = UNKNOWN
        factor = max((f for f in factors if f is not None), default=Decimal(1))
        for side, prop in (("input", SEL.inputPricePerMTok), ("output", SEL.outputPricePerMTok)):
            cap = getattr(caps, side)
            if cap is None:
                continue
            prices = [_number(v) for v in self.values(c.offering, prop)]
            if any(p is not None and p * factor > Decimal(str(cap)) for p in prices):
                verdict = FAIL
            elif not prices or any(p is None for p in prices):
                verdict = worst(verdict, UNKNOWN)
        return verdict

    def fine_tuning(self, c: Cand, required: bool) -> str:
        """Offered for the offering (else the provider), and at this target when the offering lists targets.

        A list of targets that leaves this one out says "not here", whatever the flag says.
        """
        flags = [_bool(v) for v in self.first_scope((c.offering, c.provider), SEL.fineTuning)]
        limits = self.values(c.offering, SEL.fineTuningAt)
        excluded_here = bool(limits) and c.target not in limits
        if required:
            if excluded_here or False in flags:
                return FAIL
            return UNKNOWN if not flags or None in flags else PASS
        # fine_tuning: false asks that it is not offered here: a source saying it is fails it.
        if excluded_here:
            return UNKNOWN if None in flags else PASS
        if True in flags:
            return FAIL
        return UNKNOWN if not flags or None in flags else PASS

    def headquarters(self, c: Cand, codes: Iterable[str]) -> str:
        if self.typed(c.target, SEL.SelfHostedTarget):
            return PASS
        allowed = [n for n in (self.resolve(code) for code in codes) if n is not None]
        operators = self.values(c.provider, SEL.operator)
        if not operators:
            return UNKNOWN
        verdict = PASS
        seen: set[Node] = set()
        todo = list(operators)
        while todo:
            org = todo.pop()
            if not isinstance(org, URIRef):
                verdict = worst(verdict, UNKNOWN)
                continue
            if org in seen:
                continue
            seen.add(org)
            places = self.values(org, SEL.headquarters)
            if not places:
                verdict = worst(verdict, UNKNOWN)
            for place in places:
                verdict = worst(verdict, self.place_in(place, allowed))
            todo.extend(self.values(org, SEL.parentOrganisation))
        return verdict

    def excluded_makers(self, c: Cand, names: Iterable[str]) -> str:
        makers = self.values(c.model, SEL.maker)
        if not makers:
            return UNKNOWN
        names = {n.casefold() for n in names}
        verdict = PASS
        for maker in makers:
            if not isinstance(maker, URIRef):
                verdict = worst(verdict, UNKNOWN)
                continue
            known = {str(s).casefold() for s in self.values(maker, SEL.slug)}
            known.add(str(maker).rsplit("/", 1)[-1].casefold())
            if known & names:
                return FAIL
        return verdict

    def excluded_providers(self, c: Cand, names: Iterable[str]) -> str:
        slugs = {str(s).casefold() for s in self.values(c.provider, SEL.slug)}
        return FAIL if slugs & {n.casefold() for n in names} else PASS

    def excluded_kinds(self, c: Cand, names: Iterable[str]) -> str:
        kinds = self.values(c.provider, SEL.providerKind)
        if not kinds:
            return UNKNOWN
        held = set()
        for kind in kinds:
            held |= {str(s).casefold() for s in self.values(kind, SEL.slug)}
        return FAIL if held & {n.casefold() for n in names} else PASS

    def excluded_maker_headquarters(self, c: Cand, codes: Iterable[str]) -> str:
        makers = self.values(c.model, SEL.maker)
        if not makers:
            return UNKNOWN
        places = [n for n in (self.resolve(code) for code in codes) if n is not None]
        verdict = PASS
        for maker in makers:
            hqs = self.values(maker, SEL.headquarters) if isinstance(maker, URIRef) else frozenset()
            if not hqs:
                verdict = worst(verdict, UNKNOWN)
            for hq in hqs:
                inside = self.place_in(hq, places)
                if inside == PASS:
                    return FAIL
                if hq in self.blocs:
                    # Somewhere in a bloc: excluded if it may be in an excluded member country.
                    members = [m for m in self.countries if hq in self.values(m, SKOS.broader)]
                    if not members or any(self.place_in(m, places) != FAIL for m in members):
                        inside = UNKNOWN
                if inside == UNKNOWN:
                    verdict = worst(verdict, UNKNOWN)
        return verdict

    def licence(self, c: Cand, policy: Any) -> str:
        """Licence terms, for knowledge bases that record no licences.

        Self-hosting or fine-tuning makes the user the licensee; calling a hosted
        service does not, and then no licence clause binds the user. A licensee of a
        model known not to be open-weight owes nothing to a weights licence; of any
        other model, the unrecorded licence is unknown.
        """
        licensee = (
            self.typed(c.target, SEL.SelfHostedTarget)
            or SEL.SelfHostedRuntime in self.values(c.provider, SEL.providerKind)
            or bool(policy.require.fine_tuning)
        )
        if not licensee:
            return PASS
        weights = [_bool(v) for v in self.values(c.model, SEL.openWeights)]
        if weights and all(w is False for w in weights) and not self.values(c.model, SEL.licence):
            return PASS
        if self.values(c.model, SEL.licence) or self.values(c.model, SEL.derivedFrom):
            raise NotImplementedError("the oracle judges licences only where none is recorded")
        return UNKNOWN

    # -- a whole policy ------------------------------------------------------------

    def lifecycle(self, c: Cand, on: date, *, active: bool) -> str:
        nodes = (c.model, c.offering, c.target)
        statuses = {v for n in nodes for v in self.values(n, SEL.status)}
        retirements = [_date(v) for n in nodes for v in self.values(n, SEL.retiresOn)]
        deprecations = [_date(v) for n in nodes for v in self.values(n, SEL.deprecatedOn)]
        if SEL.Retired in statuses or any(d is not None and d <= on for d in retirements):
            return FAIL
        if statuses - STATUSES or None in retirements:
            return UNKNOWN
        if not active:
            return PASS
        if SEL.Deprecated in statuses or retirements or any(d is not None and d <= on for d in deprecations):
            return FAIL
        if None in deprecations or SEL.Active not in statuses:
            return UNKNOWN
        return PASS

    def verdicts(self, c: Cand, policy: Any) -> dict[str, str]:
        r = policy.require
        on = policy.as_of or self.newest
        out: dict[str, str] = {"retired": self.lifecycle(c, on, active=False)}
        if r.lifecycle == "active":
            out["lifecycle"] = self.lifecycle(c, on, active=True)
        if r.residency:
            out["residency"] = self.residency(c, r.residency, policy)
        if r.min_context_tokens is not None:
            out["min_context_tokens"] = self.context(c, r.min_context_tokens)
        if r.min_output_tokens is not None:
            out["min_output_tokens"] = self.at_least(self.capability(c, SEL.maxOutputTokens), r.min_output_tokens)
        if r.max_retention_days is not None:
            values, missing = self.on_every_hop(c, SEL.retentionDays)
            out["max_retention_days"] = self.at_most(values, r.max_retention_days, missing)
        if r.training_on_inputs is not None:
            values, missing = self.on_every_hop(c, SEL.trainsOnInputs)
            out["training_on_inputs"] = self.equals(values, r.training_on_inputs, missing)
        if r.zero_data_retention is not None:
            out["zero_data_retention"] = self.zero_data_retention(c, r.zero_data_retention)
        if r.tool_calling is not None:
            out["tool_calling"] = self.equals(self.capability(c, SEL.toolCalling), r.tool_calling)
        if r.open_weights is not None:
            out["open_weights"] = self.equals(self.values(c.model, SEL.openWeights), r.open_weights)
        if r.private_networking is not None:
            found = self.first_scope((c.node(s) for s in DATA_SCOPES), SEL.privateNetworking)
            out["private_networking"] = self.equals(found, r.private_networking)
        if r.input_modalities:
            out["input_modalities"] = self.modalities(c, SEL.inputModality, r.input_modalities)
        if r.output_modalities:
            out["output_modalities"] = self.modalities(c, SEL.outputModality, r.output_modalities)
        if r.max_price_per_mtok is not None:
            out["max_price_per_mtok"] = self.price(c, r.max_price_per_mtok)
        if r.fine_tuning is not None:
            out["fine_tuning"] = self.fine_tuning(c, r.fine_tuning)
        if r.provider_headquarters:
            out["provider_headquarters"] = self.headquarters(c, r.provider_headquarters)
        if r.licence is not None or policy.licensee is not None or r.fine_tuning is not None:
            out["licence"] = self.licence(c, policy)
        e = policy.exclude
        if e.makers:
            out["exclude_makers"] = self.excluded_makers(c, e.makers)
        if e.providers:
            out["exclude_providers"] = self.excluded_providers(c, e.providers)
        if e.provider_kinds:
            out["exclude_provider_kinds"] = self.excluded_kinds(c, e.provider_kinds)
        if e.maker_headquarters:
            out["exclude_maker_headquarters"] = self.excluded_maker_headquarters(c, e.maker_headquarters)
        return out

    def decide(self, policy: Any) -> dict[str, Answer]:
        """Every candidate's answer under the policy."""
        out = {}
        for cid, c in self.candidates().items():
            verdicts = self.verdicts(c, policy)
            values = set(verdicts.values())
            allowed = FAIL not in values and (UNKNOWN not in values or policy.unknown == "warn")
            out[cid] = Answer(allowed, verdicts)
        return out


__all__ = ["Answer", "Cand", "Oracle", "PASS", "FAIL", "UNKNOWN", "worst"]
