"""Random small knowledge bases ("worlds") and random policies over them, as hypothesis strategies.

A world is a list of statements, each in one of four places: the base files' two
source graphs (``a`` and ``b``), an overlay layer (``overlay``), or a default graph
(``default``: a statement without a source, which must never count as a fact). It
holds a few countries and blocs, organisations, models, providers (one of them an
aggregator with routes, sometimes a self-hosted runtime), their deployment targets
(regions, zones, global endpoints, self-hosted) and offerings; every fact the rules
read is present or absent at random, sometimes stated twice with different values,
sometimes overridden in the overlay.

``write_world`` renders a world as TriG into an ontology folder (with the shipped
``selector.ttl``) plus an overlay file, ready for
``load_knowledge_base(overlays, base_dir=...)``.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence

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
MODALITIES = {"text": SEL.Text, "image": SEL.Image, "audio": SEL.Audio}
ZDR = (SEL.ZDRDefault, SEL.ZDRSelfServe, SEL.ZDRApproval, SEL.ZDRContract, SEL.ZDRNotOffered)
CONTEXTS = (8000, 32000, 128000, 200000, 1000000)
OUTPUTS = (4000, 8000, 64000)
RETENTION = (0, 1, 30, 90)
PRICES = (Decimal("0.5"), Decimal("3"), Decimal("15"), Decimal("60"))
MULTIPLIERS = (Decimal("1"), Decimal("1.1"), Decimal("2"))

GRAPHS = ("a", "b", "overlay", "default")
FACT_GRAPHS = st.sampled_from(("a",) * 10 + ("b",) * 5 + ("overlay",) * 4 + ("default",))
STRUCTURE_GRAPHS = st.sampled_from(("a", "a", "b"))


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

    ``chains`` lets an aggregator route to another aggregator's offering.
    ``odd_values`` allows ill-typed values (a literal where a place or organisation is
    expected, a word where a number is) and several values for single-valued facts.
    ``unsourced`` writes some facts in a default graph, where they are not facts.
    ``pinned`` adds routes pinned to one deployment (``sel:Route``).
    """

    chains: bool = False
    odd_values: bool = True
    unsourced: bool = True
    pinned: bool = True
    self_hosted: bool = True


@dataclass
class World:
    """A generated knowledge base and the names a policy over it may use."""

    statements: list[Statement] = field(default_factory=list)
    makers: list[str] = field(default_factory=list)
    providers: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)

    def add(self, graph: str, s: Node, p: URIRef, o: Node) -> None:
        self.statements.append(Statement(graph, s, p, o))

    def without(self, index: int) -> "World":
        """The world minus one statement."""
        return replace(self, statements=self.statements[:index] + self.statements[index + 1:])

    def fact_indices(self) -> list[int]:
        """Indices of statements that are facts (in a named graph)."""
        return [i for i, s in enumerate(self.statements) if s.graph != "default"]


# ---------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------


def _values(draw, domain: Sequence[Any], odd: Sequence[Any] = (), *, absent: float = 0.45, features: Features):
    """No value, one value, or (rarely) two different values from a domain; sometimes an ill-typed one."""
    roll = draw(st.integers(0, 99))
    if roll < absent * 100:
        return []
    pool = list(domain) + (list(odd) if features.odd_values else [])
    first = draw(st.sampled_from(pool))
    if features.odd_values and roll >= 93 and len(pool) > 1:
        second = draw(st.sampled_from([v for v in pool if v != first]))
        return [first, second]
    return [first]


def _put(draw, world: World, s: Node, p: URIRef, values: Sequence[Node], features: Features) -> None:
    for value in values:
        graph = draw(FACT_GRAPHS)
        if graph == "default" and not features.unsourced:
            graph = "a"
        world.add(graph, s, p, value)


def _structure(draw, world: World, s: Node, p: URIRef, o: Node) -> None:
    world.add(draw(STRUCTURE_GRAPHS), s, p, o)


def _lit(value: Any) -> Literal:
    if isinstance(value, Literal):
        return value
    return Literal(value)


_WORD = Literal("unknown-ish")


@st.composite
def worlds(draw, features: Features = Features()) -> World:
    """A random small knowledge base."""
    w = World()
    put = lambda s, p, vals: _put(draw, w, s, p, vals, features)  # noqa: E731
    places_country = {code: LOC[code] for code in COUNTRIES}
    places_bloc = {code: LOC[code] for code in BLOCS}

    # Jurisdictions: always typed, memberships at random.
    for code, node in places_country.items():
        _structure(draw, w, node, RDF.type, DPV.Country)
        _structure(draw, w, node, LOC.iso_alpha2, Literal(code))
    for node in places_bloc.values():
        _structure(draw, w, node, RDF.type, DPV.SupraNationalUnion)
    for member, bloc in MEMBERSHIPS:
        chance = 30 if member in BLOCS else 75
        if draw(st.integers(0, 99)) < chance:
            put(LOC[member], SKOS.broader, [LOC[bloc]])

    # Organisations: makers and operators, headquarters, parents.
    orgs = [ORG[f"o{i}"] for i in range(3)]
    for i, org in enumerate(orgs):
        _structure(draw, w, org, RDF.type, SEL.Organisation)
        _structure(draw, w, org, SEL.slug, Literal(f"o{i}"))
        if i < 2:
            _structure(draw, w, org, RDF.type, SEL.Maker)
            w.makers.append(f"o{i}")
        put(org, SEL.headquarters, _values(draw, list(places_country.values()), [places_bloc["EU"], _WORD],
                                           absent=0.25, features=features))
        if draw(st.integers(0, 99)) < 35:
            put(org, SEL.parentOrganisation, [draw(st.sampled_from([o for o in orgs if o != org]))])

    # Models and their capabilities.
    models = [MODEL[f"m{i}"] for i in range(draw(st.integers(1, 3)))]
    for i, model in enumerate(models):
        _structure(draw, w, model, RDF.type, SEL.Model)
        _structure(draw, w, model, SEL.slug, Literal(f"m{i}"))
        put(model, SEL.maker, _values(draw, orgs[:2], absent=0.2, features=features))
        put(model, SEL.contextWindow, [_lit(v) for v in _values(draw, CONTEXTS, [_WORD], absent=0.3, features=features)])
        put(model, SEL.maxInputTokens, [_lit(v) for v in _values(draw, CONTEXTS, absent=0.85, features=features)])
        put(model, SEL.maxOutputTokens, [_lit(v) for v in _values(draw, OUTPUTS, absent=0.4, features=features)])
        put(model, SEL.toolCalling, [_lit(v) for v in _values(draw, (True, False), [_WORD], absent=0.3, features=features)])
        put(model, SEL.openWeights, [_lit(v) for v in _values(draw, (True, False), [_WORD], absent=0.3, features=features)])
        for prop in (SEL.inputModality, SEL.outputModality):
            if draw(st.integers(0, 99)) < 75:
                chosen = draw(st.sets(st.sampled_from(sorted(MODALITIES)), min_size=1))
                put(model, prop, [MODALITIES[m] for m in sorted(chosen)])

    # Providers, with kinds and operators.
    names = ["p0", "p1", "agg"] + (["self"] if features.self_hosted and draw(st.booleans()) else [])
    providers = {name: PROVIDER[name] for name in names}
    for name, node in providers.items():
        _structure(draw, w, node, RDF.type, SEL.Provider)
        _structure(draw, w, node, SEL.slug, Literal(name))
        w.providers.append(name)
        if name == "agg":
            kinds = [SEL.Aggregator] if draw(st.integers(0, 99)) < 90 else []
        elif name == "self":
            kinds = [SEL.SelfHostedRuntime]
        else:
            kinds = _values(draw, (SEL.MakerAPI, SEL.CloudPlatform, SEL.InferenceHost), absent=0.15, features=features)
        put(node, SEL.providerKind, kinds)
        put(node, SEL.operator, _values(draw, orgs, [_WORD], absent=0.2, features=features))

    # Deployment targets, globally unique slugs (so region codes are unambiguous).
    targets: dict[str, list[URIRef]] = {}
    regions: list[URIRef] = []
    kinds_of: dict[URIRef, URIRef] = {}
    for name, node in providers.items():
        targets[name] = []
        for i in range(draw(st.integers(1, 2))):
            slug = f"{name}-t{i}"
            target = TARGET[f"{name}--t{i}"]
            kind = SEL.SelfHostedTarget if name == "self" else draw(
                st.sampled_from((SEL.Region, SEL.Region, SEL.Zone, SEL.GlobalEndpoint, SEL.DeploymentTarget))
            )
            kinds_of[target] = kind
            _structure(draw, w, target, RDF.type, kind)
            _structure(draw, w, target, SEL.slug, Literal(slug))
            _structure(draw, w, target, SEL.provider, node)
            targets[name].append(target)
            if kind == SEL.Region:
                _structure(draw, w, target, SEL.regionCode, Literal(slug))
                regions.append(target)
                w.regions.append(slug)
                put(target, SEL.country, _values(draw, list(places_country.values()), [places_bloc["EU"]],
                                                  absent=0.15, features=features))
    for target, kind in kinds_of.items():
        if kind == SEL.Zone and regions and draw(st.integers(0, 99)) < 70:
            members = draw(st.lists(st.sampled_from(regions), min_size=1, max_size=3, unique=True))
            put(target, SEL.memberRegion, members)
            if draw(st.integers(0, 99)) < 70:
                put(target, SEL.memberRegionsComplete, [Literal(True)])

    all_targets = [t for ts in targets.values() for t in ts]
    places = list(places_country.values()) + list(places_bloc.values()) + all_targets + [SEL.AnyLocation]

    def data_terms(node: URIRef, absent: float) -> None:
        put(node, SEL.retentionDays, [_lit(v) for v in _values(draw, RETENTION, [_WORD], absent=absent, features=features)])
        put(node, SEL.trainsOnInputs, [_lit(v) for v in _values(draw, (True, False), [_WORD], absent=absent, features=features)])
        put(node, SEL.zeroDataRetention, _values(draw, ZDR, [_WORD], absent=absent, features=features))
        put(node, SEL.privateNetworking, [_lit(v) for v in _values(draw, (True, False), absent=absent, features=features)])
        put(node, SEL.processingIn, _values(draw, places, [_WORD], absent=absent, features=features))
        put(node, SEL.storageIn, _values(draw, places, absent=absent, features=features))

    for name, node in providers.items():
        data_terms(node, 0.4)
        put(node, SEL.fineTuning, [_lit(v) for v in _values(draw, (True, False), absent=0.6, features=features)])
    for target in all_targets:
        data_terms(target, 0.6)
        put(target, SEL.priceMultiplier, [_lit(v) for v in _values(draw, MULTIPLIERS, [_WORD], absent=0.7, features=features)])

    # Offerings: some (model, provider) pairs, each at some of the provider's targets.
    offerings: dict[str, list[URIRef]] = {name: [] for name in providers}
    for m_index, model in enumerate(models):
        for name, node in providers.items():
            if draw(st.integers(0, 99)) >= 65:
                continue
            offering = OFFERING[f"m{m_index}--{name}"]
            offerings[name].append(offering)
            _structure(draw, w, offering, RDF.type, SEL.Offering)
            _structure(draw, w, offering, SEL.model, model)
            _structure(draw, w, offering, SEL.provider, node)
            at = draw(st.lists(st.sampled_from(targets[name]), min_size=1, unique=True))
            for target in at:
                _structure(draw, w, offering, SEL.availableAt, target)
            data_terms(offering, 0.8)
            put(offering, SEL.contextWindow, [_lit(v) for v in _values(draw, CONTEXTS, absent=0.75, features=features)])
            put(offering, SEL.maxInputTokens, [_lit(v) for v in _values(draw, CONTEXTS, absent=0.9, features=features)])
            put(offering, SEL.maxOutputTokens, [_lit(v) for v in _values(draw, OUTPUTS, absent=0.85, features=features)])
            put(offering, SEL.toolCalling, [_lit(v) for v in _values(draw, (True, False), absent=0.8, features=features)])
            if draw(st.integers(0, 99)) < 15:
                chosen = draw(st.sets(st.sampled_from(sorted(MODALITIES)), min_size=1))
                put(offering, SEL.inputModality, [MODALITIES[m] for m in sorted(chosen)])
            put(offering, SEL.inputPricePerMTok, [_lit(v) for v in _values(draw, PRICES, [_WORD], absent=0.3, features=features)])
            put(offering, SEL.outputPricePerMTok, [_lit(v) for v in _values(draw, PRICES, absent=0.3, features=features)])
            put(offering, SEL.fineTuning, [_lit(v) for v in _values(draw, (True, False), absent=0.5, features=features)])
            if draw(st.integers(0, 99)) < 25:
                put(offering, SEL.fineTuningAt, draw(st.lists(st.sampled_from(targets[name]), min_size=1, unique=True)))

    # Routes of the aggregator's offerings.
    upstream = [o for name, os in offerings.items() if name != "agg" for o in os]
    if features.chains:
        upstream += offerings["agg"]
    upstream.append(OFFERING["ghost--nowhere"])
    for offering in offerings["agg"]:
        if draw(st.integers(0, 99)) < 80:
            chosen = draw(st.lists(st.sampled_from(upstream), min_size=1, max_size=3, unique=True))
            put(offering, SEL.routesTo, [o for o in chosen if o != offering])
        if features.pinned and draw(st.integers(0, 99)) < 20:
            at = [t for t in all_targets if t in targets["agg"]]
            route = ROUTE[f"{offering.rsplit('/', 1)[-1]}-pin"]
            choices = [o for o in upstream if o != offering]
            _structure(draw, w, route, RDF.type, SEL.Route)
            put(route, SEL.routeFrom, [offering])
            put(route, SEL.routeAt, [draw(st.sampled_from(at))])
            put(route, SEL.routeTo, [draw(st.sampled_from(choices))])
            if draw(st.booleans()):
                put(route, SEL.routeToTarget, [draw(st.sampled_from(all_targets))])
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
)
EXCLUDE_KEYS = ("makers", "providers", "provider_kinds", "maker_headquarters")


def _codes(draw) -> list[str]:
    return sorted(draw(st.sets(st.sampled_from(CODES), min_size=1, max_size=2)))


@st.composite
def requirement(draw, key: str, world: World) -> Any:
    """A random value for one require key."""
    if key in ("residency", "provider_headquarters"):
        codes = _codes(draw)
        return codes[0] if key == "residency" and len(codes) == 1 and draw(st.booleans()) else codes
    if key == "min_context_tokens":
        return draw(st.sampled_from((1, 16000, 128000, 200000, 500000)))
    if key == "min_output_tokens":
        return draw(st.sampled_from((1, 4000, 8000, 16000)))
    if key == "max_retention_days":
        return draw(st.sampled_from((0, 1, 30, 60, 0.5)))
    if key in ("input_modalities", "output_modalities"):
        return sorted(draw(st.sets(st.sampled_from(sorted(MODALITIES)), min_size=1)))
    if key == "max_price_per_mtok":
        caps = {}
        while not caps:
            for side in ("input", "output"):
                if draw(st.booleans()):
                    caps[side] = draw(st.sampled_from((1, 3, 15, 100, 2.5)))
        return caps
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
def policies(draw, world: World, *, keys: Sequence[str] = REQUIRE_KEYS) -> dict:
    """A random policy (as YAML data) over the names of a world."""
    chosen = draw(st.lists(st.sampled_from(keys), max_size=4, unique=True))
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
    """Where each part of a world is written: base files for graphs a and b, and the overlay's name.

    ``a`` and ``b`` are lists of file paths relative to ``kb/``; a graph's statements
    are dealt round-robin over its files (a source may be described in several files).
    """

    a: tuple[str, ...] = ("a.trig",)
    b: tuple[str, ...] = ("b.trig",)
    overlay: str = "overlay.trig"


_SOURCES = {"a": SRC.a, "b": SRC.b, "overlay": SRC.ours}


def _source(graph: str) -> str:
    iri = _SOURCES[graph]
    return (
        f"{iri.n3()} a {SEL.Source.n3()} ;\n"
        f"    {DCTERMS.source.n3()} <https://example.org/{graph}> ;\n"
        f'    {SEL.asOf.n3()} "2026-01-01"^^{XSD.date.n3()} .\n'
    )


def _trig(graph: str, statements: Sequence[Statement], unsourced: Sequence[Statement] = ()) -> str:
    lines = [_source(graph)]
    for st_ in unsourced:
        lines.append(f"{st_.s.n3()} {st_.p.n3()} {st_.o.n3()} .")
    lines.append(f"{_SOURCES[graph].n3()} {{")
    for st_ in statements:
        lines.append(f"    {st_.s.n3()} {st_.p.n3()} {st_.o.n3()} .")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_world(world: World, root: Path, layout: Layout = Layout()) -> tuple[Path, tuple[Path, ...]]:
    """Write a world as an ontology folder under ``root`` and an overlay file; return (base_dir, overlays)."""
    base = root / "ontology"
    (base / "kb").mkdir(parents=True, exist_ok=True)
    shutil.copy(ontology_dir() / "selector.ttl", base / "selector.ttl")
    by_graph: dict[str, list[Statement]] = {g: [] for g in GRAPHS}
    for statement in world.statements:
        by_graph[statement.graph].append(statement)
    for graph in ("a", "b"):
        files = getattr(layout, graph)
        for i, name in enumerate(files):
            mine = by_graph[graph][i::len(files)]
            unsourced = by_graph["default"] if (graph == "a" and i == 0) else ()
            path = base / "kb" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_trig(graph, mine, unsourced), encoding="utf-8")
    overlays: tuple[Path, ...] = ()
    if by_graph["overlay"]:
        path = root / layout.overlay
        path.write_text(_trig("overlay", by_graph["overlay"]), encoding="utf-8")
        overlays = (path,)
    return base, overlays


def write_policy(data: dict, path: Path) -> Path:
    """Write policy data as a YAML file."""
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path
