"""Random small knowledge bases ("worlds") and random policies over them, as hypothesis strategies.

A world is a list of statements, each written in one of four places: the base
files' two source graphs (``a`` and ``b``), an overlay layer (``overlay``), or a
default graph (``default``: a statement without a source, which is never a fact).
It holds the countries DE, FR, NO, US, CH and the blocs EU and EEA, three
organisations, one to three models, providers (``p0``, sometimes ``p1``, an
aggregator ``agg`` with routes, sometimes a self-hosted runtime ``self``), their
deployment targets (regions, zones, global endpoints, plain targets, self-hosted)
and offerings. Every fact the rules read is present or absent at random, sometimes
stated twice with different values, and may land in the overlay, where it replaces
the base's statements of the same subject and property.

Each fact costs the generator one or two random choices, each leaning towards
"absent" at its smallest, so a world shrinks (see ``worlds``) to the few facts a
failure needs.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Sequence

import yaml
from hypothesis import strategies as st
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS, XSD
from rdflib.term import Node

from selector.paths import ontology_dir

SEL = Namespace("https://w3id.org/selector/ns#")
KB = "https://w3id.org/selector/kb/"
SRC = Namespace(KB + "source/")
ORG = Namespace(KB + "org/")
MODEL = Namespace(KB + "model/")
PROVIDER = Namespace(KB + "provider/")
OFFERING = Namespace(KB + "offering/")
TARGET = Namespace(KB + "target/")
ROUTE = Namespace(KB + "route/")
LOC = Namespace("https://w3id.org/dpv/loc#")
DPV = Namespace("https://w3id.org/dpv#")
DCTERMS = Namespace("http://purl.org/dc/terms/")

PREFIXES = {
    "sel": SEL, "src": SRC, "party": ORG, "model": MODEL, "provider": PROVIDER, "offering": OFFERING,
    "target": TARGET, "route": ROUTE, "loc": LOC, "dpv": DPV, "dcterms": DCTERMS,
    "skos": SKOS, "xsd": XSD, "rdf": RDF,
}

COUNTRIES = ("DE", "FR", "NO", "US", "CH")
BLOCS = ("EU", "EEA")
CODES = COUNTRIES + BLOCS
MEMBERSHIPS = (("DE", "EU"), ("FR", "EU"), ("DE", "EEA"), ("FR", "EEA"), ("NO", "EEA"), ("EU", "EEA"))

KINDS = {
    "maker-api": SEL.MakerAPI,
    "cloud-platform": SEL.CloudPlatform,
    "aggregator": SEL.Aggregator,
    "inference-host": SEL.InferenceHost,
    "self-hosted": SEL.SelfHostedRuntime,
}
MODALITIES = ("text", "image", "audio")
MODALITY = {"text": SEL.Text, "image": SEL.Image, "audio": SEL.Audio}
ZDR = (SEL.ZDRDefault, SEL.ZDRSelfServe, SEL.ZDRApproval, SEL.ZDRContract, SEL.ZDRNotOffered)
CONTEXTS = tuple(Literal(n) for n in (8000, 32000, 128000, 200000, 1000000))
OUTPUTS = tuple(Literal(n) for n in (4000, 8000, 64000))
RETENTION = tuple(Literal(n) for n in (0, 1, 30, 90))
PRICES = tuple(Literal(Decimal(n)) for n in ("0.5", "3", "15", "60"))
MULTIPLIERS = tuple(Literal(Decimal(n)) for n in ("1", "1.1", "2"))
BOOLS = (Literal(True), Literal(False))
WORD = Literal("unknown-ish")

GRAPHS = ("a", "b", "overlay", "default")
DATA_SCOPES = ("target", "offering", "provider")
CAPABILITY_SCOPES = ("offering", "model")
FINE_TUNING_SCOPES = ("offering", "provider")
#: Where a fact is written: mostly the base, sometimes the overlay, rarely a default graph.
_FACT_GRAPHS = ("a",) * 10 + ("b",) * 5 + ("overlay",) * 4 + ("default",)


@dataclass(frozen=True)
class Statement:
    """One triple and where it is written (a base graph, the overlay, or a default graph)."""

    graph: str
    s: Node
    p: URIRef
    o: Node


@dataclass(frozen=True)
class Features:
    """Which kinds of facts the generator may produce.

    ``odd_values``: ill-typed values (a word where a number, flag, place or
    organisation is expected) and two values for facts that usually have one.
    ``chains``: an aggregator may route to another aggregator's offering.
    ``unsourced``: some facts are written in a default graph, where they are not facts.
    ``pinned``: routes pinned to one deployment (``sel:Route``).
    ``self_hosted``: a self-hosted runtime with a self-hosted target.
    ``overrides``: an overlay layer, and each property stated at any of its scopes
    (when false, nothing is in an overlay, and each property is stated at one scope
    only, chosen per world: deleting a fact then leaves it unstated rather than
    uncovering another statement of it).
    """

    odd_values: bool = False
    chains: bool = True
    unsourced: bool = True
    pinned: bool = True
    self_hosted: bool = True
    overrides: bool = True


@dataclass
class World:
    """A generated knowledge base and the names a policy over it may use."""

    statements: list[Statement] = field(default_factory=list)
    makers: list[str] = field(default_factory=list)
    providers: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"World({len(self.statements)} statements; print world.dump() to see them)"

    def _repr_pretty_(self, printer, cycle) -> None:  # how hypothesis shows a failing example
        printer.text(repr(self))

    def add(self, graph: str, s: Node, p: URIRef, o: Node) -> None:
        self.statements.append(Statement(graph, s, p, o))

    def without(self, index: int) -> "World":
        """The world minus one statement."""
        return replace(self, statements=self.statements[:index] + self.statements[index + 1:])

    def fact_indices(self) -> list[int]:
        """Indices of statements that are facts (in a named graph)."""
        return [i for i, s in enumerate(self.statements) if s.graph != "default"]

    def dump(self) -> str:
        """The statements, one per line, in prefixed form (for failure messages)."""
        return "\n".join(f"[{s.graph}] {_n3(s.s)} {_n3(s.p)} {_n3(s.o)} ." for s in self.statements)


# ---------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------


class _Maker:
    """Draws facts into a world: each fact is absent, one value, or (with odd values) two."""

    def __init__(self, integer: Callable[[int, int], int], features: Features) -> None:
        self.integer = integer  # a random integer between two bounds, inclusive
        self.features = features
        self.world = World()
        self.levels: dict[URIRef, str] = {}

    def level(self, p: URIRef, scopes: Sequence[str]) -> str:
        """The one scope a property is stated at in this world (when overrides are off)."""
        if p not in self.levels:
            self.levels[p] = self.pick(scopes)
        return self.levels[p]

    def fact(
        self, s: Node, p: URIRef, domain: Sequence[Node], present: int, odd: Sequence[Node] = (),
        *, scope: str | None = None, scopes: Sequence[str] = (),
    ) -> None:
        """State ``s p v`` with chance ``present``/100, v from ``domain`` (or ``odd`` when allowed).

        ``scope`` names where ``s`` sits among the property's ``scopes``; without
        overrides, only one of them ever states the property.
        """
        if scope is not None and not self.features.overrides and self.level(p, scopes) != scope:
            return
        pool = list(domain) + (list(odd) if self.features.odd_values else [])
        roll = self.integer(0, 99)
        if roll >= present:
            return
        choice = self.integer(0, len(pool) * len(_FACT_GRAPHS) - 1)
        self._put(s, p, pool[choice // len(_FACT_GRAPHS)], choice % len(_FACT_GRAPHS))
        if self.features.odd_values and roll < 5 and len(pool) > 1:
            second = self.integer(0, len(pool) * len(_FACT_GRAPHS) - 1)
            self._put(s, p, pool[second // len(_FACT_GRAPHS)], second % len(_FACT_GRAPHS))

    def subset(
        self, s: Node, p: URIRef, domain: Sequence[Node], present: int,
        *, scope: str | None = None, scopes: Sequence[str] = (),
    ) -> None:
        """State ``s p v`` for a non-empty random subset of ``domain``, with chance ``present``/100."""
        if scope is not None and not self.features.overrides and self.level(p, scopes) != scope:
            return
        if self.integer(0, 99) >= present:
            return
        mask = self.integer(1, 2 ** len(domain) - 1)
        for i, value in enumerate(domain):
            if mask >> i & 1:
                self._put(s, p, value, self.integer(0, len(_FACT_GRAPHS) - 1))

    def structure(self, s: Node, p: URIRef, o: Node) -> None:
        """A statement every candidate needs (types, slugs, links), always in a base graph."""
        self.world.add("a", s, p, o)

    def chance(self, percent: int) -> bool:
        return self.integer(0, 99) < percent

    def pick(self, options: Sequence[Any]) -> Any:
        return options[self.integer(0, len(options) - 1)]

    def some(self, options: Sequence[Any], at_most: int = 3) -> list[Any]:
        """A non-empty subset of up to ``at_most`` options, in their order."""
        mask = self.integer(1, 2 ** len(options) - 1)
        return [o for i, o in enumerate(options) if mask >> i & 1][:at_most]

    def _put(self, s: Node, p: URIRef, value: Node, slot: int) -> None:
        graph = _FACT_GRAPHS[slot]
        if graph == "default" and not self.features.unsourced:
            graph = "a"
        if graph == "overlay" and not self.features.overrides:
            graph = "b"
        self.world.add(graph, s, p, value)


def worlds(features: Features = Features(), *, shrink: bool = False) -> st.SearchStrategy[World]:
    """A random small knowledge base.

    By default a world is built from one drawn seed, which is fast (a world takes a few
    hundred random choices) but shrinks poorly: a failing test shrinks the world itself
    with :func:`oracle.harness.minimise`. With ``shrink=True`` every choice is a
    hypothesis draw, which shrinks towards absent facts but generates more slowly.
    """
    if shrink:
        return _drawn_world(features)
    return st.integers(0, 2**64 - 1).map(lambda seed: build_world(random.Random(seed).randint, features))


@st.composite
def _drawn_world(draw, features: Features) -> World:
    return build_world(lambda lo, hi: draw(st.integers(lo, hi)), features)


def build_world(integer: Callable[[int, int], int], features: Features = Features()) -> World:
    """A random small knowledge base, from a source of random integers (bounds inclusive)."""
    m = _Maker(integer, features)
    w = m.world
    for code in COUNTRIES:
        m.structure(LOC[code], RDF.type, DPV.Country)
        m.structure(LOC[code], LOC.iso_alpha2, Literal(code))
    for code in BLOCS:
        m.structure(LOC[code], RDF.type, DPV.SupraNationalUnion)
    for member, bloc in MEMBERSHIPS:
        m.fact(LOC[member], SKOS.broader, [LOC[bloc]], 30 if member in BLOCS else 80)
    countries = [LOC[c] for c in COUNTRIES]

    # Organisations: o0 and o1 make models; any of them may operate a provider.
    orgs = [ORG[f"o{i}"] for i in range(3)]
    for i, org in enumerate(orgs):
        m.structure(org, RDF.type, SEL.Organisation)
        m.structure(org, SEL.slug, Literal(f"o{i}"))
        if i < 2:
            m.structure(org, RDF.type, SEL.Maker)
            w.makers.append(f"o{i}")
        m.fact(org, SEL.headquarters, countries, 80, odd=[LOC.EU, WORD])
        m.fact(org, SEL.parentOrganisation, [o for o in orgs if o != org], 30)

    models = [MODEL[f"m{i}"] for i in range(1 + m.integer(0, 1))]
    for i, model in enumerate(models):
        m.structure(model, RDF.type, SEL.Model)
        m.structure(model, SEL.slug, Literal(f"m{i}"))
        m.fact(model, SEL.maker, orgs[:2], 85, odd=[WORD])
        on_model = {"scope": "model", "scopes": CAPABILITY_SCOPES}
        m.fact(model, SEL.contextWindow, CONTEXTS, 75, odd=[WORD], **on_model)
        m.fact(model, SEL.maxInputTokens, CONTEXTS, 15, **on_model)
        m.fact(model, SEL.maxOutputTokens, OUTPUTS, 60, odd=[WORD], **on_model)
        m.fact(model, SEL.toolCalling, BOOLS, 70, odd=[WORD], **on_model)
        m.fact(model, SEL.openWeights, BOOLS, 70, odd=[WORD])
        m.subset(model, SEL.inputModality, [MODALITY[x] for x in MODALITIES], 75, **on_model)
        m.subset(model, SEL.outputModality, [MODALITY[x] for x in MODALITIES], 60)
        m.fact(model, SEL.status, STATUSES, 25, odd=[WORD])

    names = ["p0"] + (["p1"] if m.chance(50) else []) + ["agg"]
    if features.self_hosted and m.chance(30):
        names.append("self")
    providers = {name: PROVIDER[name] for name in names}
    for name, node in providers.items():
        m.structure(node, RDF.type, SEL.Provider)
        m.structure(node, SEL.slug, Literal(name))
        w.providers.append(name)
        if name == "agg":
            m.fact(node, SEL.providerKind, [SEL.Aggregator], 90)
        elif name == "self":
            m.structure(node, SEL.providerKind, SEL.SelfHostedRuntime)
        else:
            m.fact(node, SEL.providerKind, [SEL.MakerAPI, SEL.CloudPlatform, SEL.InferenceHost], 85)
        m.fact(node, SEL.operator, orgs, 80, odd=[WORD])

    # Deployment targets, with globally unique slugs so that region codes are unambiguous.
    targets: dict[str, list[URIRef]] = {}
    regions: list[URIRef] = []
    for name, node in providers.items():
        targets[name] = []
        for i in range(1 + m.integer(0, 1)):
            slug = f"{name}-t{i}"
            target = TARGET[f"{name}--t{i}"]
            kind = SEL.SelfHostedTarget if name == "self" else m.pick(
                (SEL.Region, SEL.Region, SEL.Zone, SEL.GlobalEndpoint, SEL.DeploymentTarget))
            m.structure(target, RDF.type, kind)
            m.structure(target, SEL.slug, Literal(slug))
            m.structure(target, SEL.provider, node)
            targets[name].append(target)
            if kind == SEL.Region:
                m.structure(target, SEL.regionCode, Literal(slug))
                regions.append(target)
                w.regions.append(slug)
                m.fact(target, SEL.country, countries, 85, odd=[LOC.EU])
            elif kind == SEL.Zone:
                targets.setdefault("zones", []).append(target)
    for zone in targets.pop("zones", []):
        if regions and m.chance(70):
            for region in m.some(regions):
                m.fact(zone, SEL.memberRegion, [region], 100)
            m.fact(zone, SEL.memberRegionsComplete, [Literal(True)], 70)

    all_targets = [t for ts in targets.values() for t in ts]
    places = [LOC[c] for c in CODES] + all_targets + [SEL.AnyLocation]

    def data_terms(node: URIRef, present: int, scope: str) -> None:
        here = {"scope": scope, "scopes": DATA_SCOPES}
        m.fact(node, SEL.retentionDays, RETENTION, present, odd=[WORD], **here)
        m.fact(node, SEL.trainsOnInputs, BOOLS, present, odd=[WORD], **here)
        m.fact(node, SEL.zeroDataRetention, ZDR, present, odd=[WORD], **here)
        m.fact(node, SEL.privateNetworking, BOOLS, present, odd=[WORD], **here)
        m.fact(node, SEL.processingIn, places, present, odd=[WORD], **here)
        m.fact(node, SEL.storageIn, places, present, odd=[WORD], **here)

    for node in providers.values():
        data_terms(node, 60, "provider")
        m.fact(node, SEL.fineTuning, BOOLS, 40, odd=[WORD], scope="provider", scopes=FINE_TUNING_SCOPES)
    for target in all_targets:
        data_terms(target, 35, "target")
        m.fact(target, SEL.priceMultiplier, MULTIPLIERS, 25, odd=[WORD])

    # Offerings: some (model, provider) pairs, each at some of the provider's targets.
    offerings: dict[str, list[URIRef]] = {name: [] for name in providers}
    for i, model in enumerate(models):
        for name, node in providers.items():
            if not m.chance(70):
                continue
            offering = OFFERING[f"m{i}--{name}"]
            offerings[name].append(offering)
            m.structure(offering, RDF.type, SEL.Offering)
            m.structure(offering, SEL.model, model)
            m.structure(offering, SEL.provider, node)
            for target in m.some(targets[name]):
                m.structure(offering, SEL.availableAt, target)
            data_terms(offering, 15, "offering")
            here = {"scope": "offering", "scopes": CAPABILITY_SCOPES}
            m.fact(offering, SEL.contextWindow, CONTEXTS, 25, odd=[WORD], **here)
            m.fact(offering, SEL.maxInputTokens, CONTEXTS, 10, **here)
            m.fact(offering, SEL.maxOutputTokens, OUTPUTS, 15, **here)
            m.fact(offering, SEL.toolCalling, BOOLS, 20, odd=[WORD], **here)
            m.subset(offering, SEL.inputModality, [MODALITY[x] for x in MODALITIES], 15, **here)
            m.fact(offering, SEL.inputPricePerMTok, PRICES, 70, odd=[WORD])
            m.fact(offering, SEL.outputPricePerMTok, PRICES, 70, odd=[WORD])
            m.fact(offering, SEL.fineTuning, BOOLS, 50, odd=[WORD], scope="offering", scopes=FINE_TUNING_SCOPES)
            m.fact(offering, SEL.status, STATUSES, 20, odd=[WORD])
            m.fact(offering, SEL.retiresOn, DATES, 20, odd=[WORD])
            m.fact(offering, SEL.deprecatedOn, DATES, 15, odd=[WORD])
            if m.chance(25):
                for target in m.some(targets[name]):
                    m.fact(offering, SEL.fineTuningAt, [target], 100)

    # Routes of the aggregator's offerings (and a dangling one to an offering nobody describes).
    upstream = [o for name, os in offerings.items() if name != "agg" for o in os]
    if features.chains:
        upstream += offerings["agg"]
    upstream.append(OFFERING["ghost--nowhere"])
    for offering in offerings["agg"]:
        choices = [o for o in upstream if o != offering]
        if m.chance(80):
            for chosen in m.some(choices):
                m.fact(offering, SEL.routesTo, [chosen], 100)
            m.fact(offering, SEL.routesComplete, BOOLS, 60)
        if features.pinned and m.chance(20):
            route = ROUTE[offering.rsplit("/", 1)[-1] + "-pin"]
            m.structure(route, RDF.type, SEL.Route)
            m.fact(route, SEL.routeFrom, [offering], 95)
            m.fact(route, SEL.routeAt, targets["agg"], 95)
            m.fact(route, SEL.routeTo, choices, 95)
            m.fact(route, SEL.routeToTarget, all_targets, 40)
    return w


def hand_world(*triples, kinds: dict | None = None) -> World:
    """A hand-written world: model m0, the given providers (slug -> kind, default a cloud platform
    p0), each with one target t0 and an offering of m0; countries DE (in the EU) and US; plus the
    given triples, each (s, p, o) in graph a or (s, p, o, graph)."""
    w = World()
    w.add("a", MODEL.m0, RDF.type, SEL.Model)
    w.add("a", MODEL.m0, SEL.slug, Literal("m0"))
    for code in ("DE", "US"):
        w.add("a", LOC[code], RDF.type, DPV.Country)
    w.add("a", LOC.EU, RDF.type, DPV.SupraNationalUnion)
    w.add("a", LOC.DE, SKOS.broader, LOC.EU)
    for name, kind in (kinds or {"p0": SEL.CloudPlatform}).items():
        provider, target, offering = PROVIDER[name], TARGET[f"{name}--t0"], OFFERING[f"m0--{name}"]
        for s, p, o in (
            (provider, RDF.type, SEL.Provider), (provider, SEL.slug, Literal(name)),
            (provider, SEL.providerKind, kind),
            (target, RDF.type, SEL.DeploymentTarget), (target, SEL.slug, Literal("t0")),
            (target, SEL.provider, provider),
            (offering, RDF.type, SEL.Offering), (offering, SEL.model, MODEL.m0),
            (offering, SEL.provider, provider), (offering, SEL.availableAt, target),
        ):
            w.add("a", s, p, o)
    for triple in triples:
        w.add("a" if len(triple) == 3 else triple[3], *triple[:3])
    return w


# ---------------------------------------------------------------------------
# Policies
# ---------------------------------------------------------------------------

REQUIRE_KEYS = (
    "residency",
    "min_context_tokens",
    "min_output_tokens",
    "max_retention_days",
    "training_on_inputs",
    "zero_data_retention",
    "tool_calling",
    "open_weights",
    "private_networking",
    "input_modalities",
    "output_modalities",
    "max_price_per_mtok",
    "fine_tuning",
    "provider_headquarters",
    "lifecycle",
)
EXCLUDE_KEYS = ("makers", "providers", "provider_kinds", "maker_headquarters")

#: Candidate values of each numeric requirement, loosest to tightest.
#: Lifecycle statuses, and dates around the worlds' own date (2026-01-01, every source's as-of).
STATUSES = [SEL.Active, SEL.Deprecated, SEL.Retired]
DATES = [Literal(d, datatype=XSD.date) for d in ("2025-12-31", "2026-01-01", "2026-01-02")]
THRESHOLDS = {
    "min_context_tokens": (1, 16000, 128000, 200000, 500000),
    "min_output_tokens": (1, 4000, 8000, 16000),
    "max_retention_days": (60, 30, 1, 0.5, 0),
    "max_price_per_mtok": (100, 15, 3, 2.5, 1),
}


def _codes(draw, at_most: int = 2) -> list[str]:
    return sorted(draw(st.sets(st.sampled_from(CODES), min_size=1, max_size=at_most)))


@st.composite
def requirement(draw, key: str, world: World) -> Any:
    """A random value for one require key."""
    if key == "lifecycle":
        return "active"
    if key in ("residency", "provider_headquarters"):
        codes = _codes(draw)
        return codes[0] if key == "residency" and len(codes) == 1 and draw(st.booleans()) else codes
    if key in ("min_context_tokens", "min_output_tokens", "max_retention_days"):
        return draw(st.sampled_from(THRESHOLDS[key]))
    if key in ("input_modalities", "output_modalities"):
        return sorted(draw(st.sets(st.sampled_from(MODALITIES), min_size=1)))
    if key == "max_price_per_mtok":
        sides = draw(st.sampled_from((("input",), ("output",), ("input", "output"))))
        return {side: draw(st.sampled_from(THRESHOLDS[key])) for side in sides}
    return draw(st.booleans())


@st.composite
def exclusion(draw, key: str, world: World) -> list[str]:
    """A random value for one exclude key."""
    pool = {
        "makers": world.makers,
        "providers": world.providers,
        "provider_kinds": sorted(KINDS),
        "maker_headquarters": list(CODES),
    }[key]
    return sorted(draw(st.sets(st.sampled_from(pool), min_size=1, max_size=2)))


@st.composite
def policies(draw, world: World, *, keys: Sequence[str] = REQUIRE_KEYS, max_keys: int = 4) -> dict:
    """A random policy (as YAML data) over the names of a world."""
    chosen = draw(st.lists(st.sampled_from(keys), max_size=max_keys, unique=True))
    require = {key: draw(requirement(key, world)) for key in chosen}
    if "min_output_tokens" in require and "min_context_tokens" in require:
        require["min_output_tokens"] = min(require["min_output_tokens"], require["min_context_tokens"])
    data: dict[str, Any] = {"version": 1, "name": "random", "require": require}
    excluded = draw(st.lists(st.sampled_from(EXCLUDE_KEYS), max_size=2, unique=True))
    if excluded:
        data["exclude"] = {key: draw(exclusion(key, world)) for key in excluded}
    roll = draw(st.integers(0, 9))
    if roll < 3:
        data["self_hosting"] = {"jurisdiction": draw(st.sampled_from(CODES))}
    elif roll < 5 and world.regions:
        data["self_hosting"] = {"regions": sorted(draw(st.sets(st.sampled_from(world.regions), min_size=1, max_size=2)))}
    data["unknown"] = draw(st.sampled_from(("fail", "warn")))
    return data


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Where each part of a world is written.

    ``a`` and ``b``: file paths under ``kb/`` for the two base graphs; a graph's
    statements are dealt round-robin over its files (a source may be described in
    several files, identically), and both graphs may share a file. ``overlay``: the
    overlay file's name.
    """

    a: tuple[str, ...] = ("world.trig",)
    b: tuple[str, ...] = ("world.trig",)
    overlay: str = "overlay.trig"


_SOURCES = {"a": SRC.a, "b": SRC.b, "overlay": SRC.ours}
_BY_LENGTH = sorted(((p, str(ns)) for p, ns in PREFIXES.items()), key=lambda item: -len(item[1]))


def _n3(node: Node) -> str:
    if isinstance(node, URIRef):
        text = str(node)
        for prefix, namespace in _BY_LENGTH:
            local = text[len(namespace):]
            if text.startswith(namespace) and local and all(ch.isalnum() or ch in "-_" for ch in local):
                return f"{prefix}:{local}"
    return node.n3()


def _header() -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())


def _source(graph: str) -> str:
    return (
        f"{_n3(_SOURCES[graph])} a sel:Source ; dcterms:source <https://example.org/{graph}> ;\n"
        f'    sel:asOf "2026-01-01"^^xsd:date .\n'
    )


def render(graph: str, statements: Sequence[Statement], unsourced: Sequence[Statement] = ()) -> str:
    """One TriG file: prefixes, the source description, stray default-graph statements, the named graph."""
    lines = [_header() + _source(graph)]
    lines += [f"{_n3(s.s)} {_n3(s.p)} {_n3(s.o)} ." for s in unsourced]
    lines.append(f"{_n3(_SOURCES[graph])} {{")
    lines += [f"    {_n3(s.s)} {_n3(s.p)} {_n3(s.o)} ." for s in statements]
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_world(
    world: World, root: Path, layout: Layout = Layout(), *, ontology: str | None = None
) -> tuple[Path, tuple[Path, ...]]:
    """Write a world as an ontology folder under ``root`` and an overlay file; return (base_dir, overlays).

    The folder holds a copy of the shipped ``selector.ttl``, or ``ontology`` as its text.
    """
    base = root / "ontology"
    (base / "kb").mkdir(parents=True, exist_ok=True)
    if ontology is None:
        shutil.copy(ontology_dir() / "selector.ttl", base / "selector.ttl")
    else:
        (base / "selector.ttl").write_text(ontology, encoding="utf-8")
    by_graph: dict[str, list[Statement]] = {g: [] for g in GRAPHS}
    for statement in world.statements:
        by_graph[statement.graph].append(statement)
    texts: dict[str, list[str]] = {}
    for graph in ("a", "b"):
        files = getattr(layout, graph)
        for i, name in enumerate(files):
            mine = by_graph[graph][i::len(files)]
            unsourced = by_graph["default"] if (graph == "a" and i == 0) else ()
            texts.setdefault(name, []).append(render(graph, mine, unsourced))
    for name, parts in texts.items():
        path = base / "kb" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(parts), encoding="utf-8")
    overlays: tuple[Path, ...] = ()
    if by_graph["overlay"]:
        path = root / layout.overlay
        path.write_text(render("overlay", by_graph["overlay"]), encoding="utf-8")
        overlays = (path,)
    return base, overlays


def write_policy(data: dict, path: Path) -> Path:
    """Write policy data as a YAML file."""
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path
