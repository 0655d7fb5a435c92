"""A synthetic knowledge base of any size, in the project's own ontology and conventions.

    python bench/synth.py --offerings N --out DIR [--seed S] [--policy bench/policy.yaml]

writes DIR/selector.ttl and DIR/shapes.ttl (copied from ontology/), DIR/kb/*.trig
(jurisdictions, organisations, licences, models/<maker>.trig, offerings/<provider>.trig:
TriG, one named graph per source, every source described in the default graph) and
DIR/expected.json: the candidates the benchmark policy allows, computed here from the
generator's own record of what it wrote, without the engine.

The shape follows the shipped knowledge base: makers with their own APIs, cloud
platforms with regions, zones and a global endpoint, inference hosts, aggregators
that route to upstream offerings, self-hosted runtimes; offerings with prices,
fine-tuning flags and provider context caps; and about one fact in ten that a real
source would leave out (context windows, prices, training terms, storage places,
aggregator routes and whether a route list is complete, whether a zone's member list
is complete), so unknowns occur. About 11
triples per offering: 100,000 offerings is about 1.1 million triples.

Deterministic: the same --offerings, --seed and policy give the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology"
DEFAULT_POLICY = Path(__file__).resolve().parent / "policy.yaml"

PREFIXES = """\
@prefix sel:      <https://w3id.org/selector/ns#> .
@prefix src:      <https://w3id.org/selector/kb/source/> .
@prefix party:    <https://w3id.org/selector/kb/org/> .
@prefix model:    <https://w3id.org/selector/kb/model/> .
@prefix provider: <https://w3id.org/selector/kb/provider/> .
@prefix offering: <https://w3id.org/selector/kb/offering/> .
@prefix target:   <https://w3id.org/selector/kb/target/> .
@prefix licence:  <https://w3id.org/selector/kb/licence/> .
@prefix term:     <https://w3id.org/selector/kb/licence-term/> .
@prefix loc:      <https://w3id.org/dpv/loc#> .
@prefix dpv:      <https://w3id.org/dpv#> .
@prefix odrl:     <http://www.w3.org/ns/odrl/2/> .
@prefix rdfs:     <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:     <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms:  <http://purl.org/dc/terms/> .
@prefix xsd:      <http://www.w3.org/2001/XMLSchema#> .
"""

# Countries: code, name, blocs (skos:broader), as in DPV loc.
EU_CODES = ("AT", "BE", "DE", "DK", "ES", "FI", "FR", "IE", "IT", "NL", "PL", "SE")
EEA_ONLY = ("IS", "LI", "NO")
COUNTRIES = {
    "AT": "Austria", "BE": "Belgium", "DE": "Germany", "DK": "Denmark", "ES": "Spain",
    "FI": "Finland", "FR": "France", "IE": "Ireland", "IT": "Italy", "NL": "Netherlands",
    "PL": "Poland", "SE": "Sweden", "IS": "Iceland", "LI": "Liechtenstein", "NO": "Norway",
    "AU": "Australia", "BR": "Brazil", "CA": "Canada", "CH": "Switzerland", "CN": "China",
    "GB": "United Kingdom", "IN": "India", "JP": "Japan", "KR": "Korea, Republic of",
    "SG": "Singapore", "US": "United States of America",
}

# Cloud regions a platform may run: region code and country.
REGION_POOL = (
    ("eu-central-1", "DE"), ("eu-west-1", "IE"), ("eu-west-3", "FR"), ("eu-north-1", "SE"),
    ("eu-south-1", "IT"), ("eu-west-4", "NL"), ("eu-south-2", "ES"), ("eu-central-2", "PL"),
    ("ch-north-1", "CH"), ("uk-south-1", "GB"), ("no-west-1", "NO"),
    ("us-east-1", "US"), ("us-west-2", "US"), ("ca-central-1", "CA"), ("sa-east-1", "BR"),
    ("ap-northeast-1", "JP"), ("ap-northeast-2", "KR"), ("ap-south-1", "IN"),
    ("ap-southeast-1", "SG"), ("ap-southeast-2", "AU"),
)
EUROPE_OUTSIDE_EU = {"CH", "GB", "NO"}

MAKER_WORDS = (
    "aurora", "borealis", "cirrus", "delphi", "ember", "fjord", "glacier", "harbor", "iris",
    "juniper", "kestrel", "lumen", "meridian", "nimbus", "onyx", "polaris", "quartz", "raven",
    "sierra", "tundra", "umbra", "vertex", "willow", "xenon", "yarrow", "zephyr",
)
FAMILY_WORDS = (
    "sky", "stone", "reef", "pine", "spark", "tide", "comet", "delta", "echo", "flint",
    "grove", "haze", "ink", "jade", "kite", "lark",
)
CONTEXT_WINDOWS = (8192, 32768, 65536, 128000, 131072, 200000, 256000, 400000, 1000000, 1048576)
OUTPUT_TOKENS = (4096, 8192, 16384, 32768, 65536, 128000)
INPUT_PRICES = ("0.05", "0.10", "0.15", "0.20", "0.25", "0.40", "0.50", "0.60", "0.80", "1.00",
                "1.25", "2.00", "2.50", "3.00", "4.00", "5.00", "6.00", "8.00", "10.00", "15.00")
OUTPUT_FACTORS = ("2", "3", "4", "5", "8")
MULTIPLIERS = ("1.10", "1.25")

SEL = "https://w3id.org/selector/ns#"

# Kinds of provider: ontology individual and slug prefix.
KIND_IRI = {
    "maker-api": "sel:MakerAPI",
    "cloud": "sel:CloudPlatform",
    "aggregator": "sel:Aggregator",
    "host": "sel:InferenceHost",
    "self-hosted": "sel:SelfHostedRuntime",
}

# Place tokens: ("country", "DE"), ("bloc", "EU"), ("any",), ("target", local name).
ANY = ("any",)


@dataclass
class Maker:
    slug: str
    name: str
    hq: str
    models: list[str] = field(default_factory=list)


@dataclass
class Model:
    slug: str
    maker: str
    family: str
    release: str
    context: int | None
    max_output: int | None
    open_weights: bool
    licence: str | None
    tools: bool
    image: bool


@dataclass
class Target:
    local: str  # PROVIDER--SLUG
    slug: str
    provider: str
    cls: str  # Region, Zone, GlobalEndpoint, SelfHostedTarget
    label: str
    code: str | None = None
    country: str | None = None
    members: list[str] = field(default_factory=list)
    complete: bool | None = None
    processing: list[tuple] | None = None
    storage: list[tuple] | None = None
    multiplier: Decimal | None = None
    trains: bool | None = None


@dataclass
class Provider:
    slug: str
    kind: str
    name: str
    operator: str
    storage: list[tuple] | None = None
    trains: bool | None = None
    retention: int | None = None
    targets: list[str] = field(default_factory=list)
    offerings: list[str] = field(default_factory=list)


@dataclass
class Offering:
    local: str  # MODEL--PROVIDER
    model: str
    provider: str
    targets: list[str]
    input_price: Decimal | None
    output_price: Decimal | None
    context: int | None = None
    trains: bool | None = None
    fine_tuning: bool | None = None
    fine_tuning_at: str | None = None
    routes: list[str] = field(default_factory=list)
    routes_complete: bool = False
    deprecated: bool = False
    tools: bool | None = None
    max_output: int | None = None


# ---------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------


class World:
    """Everything the generator decided, kept so the expected answer can be computed from it."""

    def __init__(self, offerings: int, seed: int) -> None:
        self.n = offerings
        self.seed = seed
        self.rng = random.Random(seed)
        self.makers: dict[str, Maker] = {}
        self.operators: dict[str, tuple[str, str]] = {}  # slug -> (name, hq)
        self.models: dict[str, Model] = {}
        self.providers: dict[str, Provider] = {}
        self.targets: dict[str, Target] = {}
        self.offerings: dict[str, Offering] = {}
        self._build()

    # -- sizes --------------------------------------------------------------

    def _build(self) -> None:
        n = self.n
        n_makers = max(4, n // 2000)
        n_models = max(min(150, n // 4), n // 12)
        n_providers = max(16, n // 250)
        self._makers(n_makers)
        self._models(n_models)
        self._providers(n_providers)
        self._offerings()

    def _name(self, words: tuple[str, ...], i: int) -> str:
        word = words[i % len(words)]
        return word if i < len(words) else f"{word}{i // len(words)}"

    # -- organisations and models ------------------------------------------

    def _makers(self, count: int) -> None:
        rng = self.rng
        hqs = ("US", "US", "US", "FR", "DE", "CN", "GB", "CA", "SE", "JP")
        for i in range(count):
            slug = self._name(MAKER_WORDS, i) + "-labs"
            self.makers[slug] = Maker(slug, slug.replace("-", " ").title(), rng.choice(hqs))

    def _models(self, count: int) -> None:
        rng = self.rng
        makers = list(self.makers)
        for i in range(count):
            maker = makers[i % len(makers)]
            family = FAMILY_WORDS[rng.randrange(len(FAMILY_WORDS))]
            slug = f"{maker.split('-')[0]}-{family}-{i:05d}"
            open_weights = rng.random() < 0.45
            licence = None
            if open_weights:
                licence = "Apache-2.0" if rng.random() < 0.8 else "LicenseRef-Synthetic-Research-1.0"
            context = rng.choice(CONTEXT_WINDOWS) if rng.random() >= 0.10 else None
            max_output = rng.choice(OUTPUT_TOKENS) if rng.random() >= 0.10 else None
            if max_output is not None and context is not None and max_output > context:
                max_output = context
            year = rng.choice((2023, 2024, 2025, 2026))
            release = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            self.models[slug] = Model(slug, maker, family, release, context, max_output,
                                      open_weights, licence, rng.random() < 0.8, rng.random() < 0.4)
            self.makers[maker].models.append(slug)

    # -- providers and their targets ---------------------------------------

    def _providers(self, count: int) -> None:
        rng = self.rng
        for maker in self.makers.values():
            self._maker_api(maker)
        others = count - len(self.makers)
        shares = (("cloud", 0.25), ("host", 0.45), ("aggregator", 0.20), ("self-hosted", 0.10))
        counts = {kind: max(1, round(others * share)) for kind, share in shares}
        serial = 0
        for kind, k in counts.items():
            for _ in range(k):
                serial += 1
                slug = f"{kind.replace('-hosted', 'host')}-{serial:04d}"
                operator = f"{slug}-inc"
                hq = rng.choice(("US", "US", "DE", "FR", "NL", "IE", "GB", "CH", "SE", "SG"))
                self.operators[operator] = (operator.replace("-", " ").title(), hq)
                provider = Provider(slug, kind, f"Synthetic {kind} {serial}", operator)
                self.providers[slug] = provider
                getattr(self, "_" + kind.replace("-", "_"))(provider)

    def _target(self, provider: Provider, slug: str, cls: str, label: str, **kw) -> Target:
        target = Target(f"{provider.slug}--{slug}", slug, provider.slug, cls, label, **kw)
        self.targets[target.local] = target
        provider.targets.append(target.local)
        return target

    def _trains(self, p_true: float, p_missing: float = 0.10) -> bool | None:
        roll = self.rng.random()
        if roll < p_missing:
            return None
        return roll < p_missing + p_true

    def _maker_api(self, maker: Maker) -> None:
        rng = self.rng
        slug = maker.slug.replace("-labs", "-api")
        provider = Provider(slug, "maker-api", f"{maker.name} API", maker.slug)
        self.providers[slug] = provider
        roll = rng.random()
        provider.storage = [("country", "US")] if roll < 0.5 else ([("bloc", "EU")] if roll < 0.9 else None)
        provider.trains = self._trains(0.3)
        provider.retention = rng.choice((0, 7, 30))
        self._target(provider, "global", "GlobalEndpoint", f"{maker.name} API, global", code="global",
                     processing=[ANY])
        us = self._target(provider, "us", "Region", f"{maker.name} API, US", code="us", country="US")
        us.processing = [("target", us.local)]
        if rng.random() < 0.6:
            country = maker.hq if maker.hq in EU_CODES else rng.choice(("IE", "DE", "FR", "NL"))
            eu = self._target(provider, "eu", "Region", f"{maker.name} API, EU", code="eu", country=country)
            eu.processing = [("target", eu.local)] if rng.random() >= 0.05 else None
            if rng.random() < 0.5:
                eu.storage = [("target", eu.local)]
            if rng.random() < 0.3:
                eu.trains = False

    def _cloud(self, provider: Provider) -> None:
        rng = self.rng
        provider.storage = [("country", "US")] if rng.random() < 0.4 else None
        provider.trains = self._trains(0.0)
        provider.retention = 0
        regions = rng.sample(REGION_POOL, rng.randint(4, 9))
        regions.sort()
        made = []
        for code, country in regions:
            t = self._target(provider, code, "Region", f"{provider.name} {code}", code=code, country=country)
            t.processing = [("target", t.local)] if rng.random() >= 0.05 else None
            t.storage = [("target", t.local)] if rng.random() >= 0.10 else None
            if rng.random() < 0.15:
                t.multiplier = Decimal(rng.choice(MULTIPLIERS))
            made.append(t)
        eu = [t.local for t in made if t.country in EU_CODES]
        if len(eu) >= 2:
            z = self._target(provider, "eu-zone", "Zone", f"{provider.name} EU data zone", code="eu",
                             members=eu, complete=True if rng.random() < 0.85 else None)
            z.processing = [("target", z.local)]
            z.storage = [("target", z.local)]
            if rng.random() < 0.5:
                z.multiplier = Decimal("1.10")
        europe = [t.local for t in made if t.country in EU_CODES or t.country in EUROPE_OUTSIDE_EU]
        if any(self.targets[t].country in EUROPE_OUTSIDE_EU for t in europe) and len(europe) >= 2:
            z = self._target(provider, "europe-zone", "Zone", f"{provider.name} Europe zone", code="europe",
                             members=europe, complete=True)
            z.processing = [("target", z.local)]
            z.storage = [("target", z.local)]
        us = [t.local for t in made if t.country == "US"]
        if us:
            z = self._target(provider, "us-zone", "Zone", f"{provider.name} US zone", code="us",
                             members=us, complete=True)
            z.processing = [("target", z.local)]
            z.storage = [("target", z.local)]
        self._target(provider, "global", "GlobalEndpoint", f"{provider.name} global", code="global",
                     processing=[ANY])

    def _host(self, provider: Provider) -> None:
        rng = self.rng
        hq = self.operators[provider.operator][1]
        provider.storage = [("country", hq)] if rng.random() < 0.7 else None
        provider.trains = self._trains(0.1)
        provider.retention = rng.choice((0, 0, 30))
        for code, country in sorted(rng.sample(REGION_POOL, rng.randint(1, 3))):
            t = self._target(provider, code, "Region", f"{provider.name} {code}", code=code, country=country)
            t.processing = [("target", t.local)] if rng.random() >= 0.05 else None
            if rng.random() < 0.5:
                t.storage = [("target", t.local)]

    def _aggregator(self, provider: Provider) -> None:
        rng = self.rng
        roll = rng.random()
        provider.storage = [("bloc", "EU")] if roll < 0.5 else ([("country", "US")] if roll < 0.9 else None)
        provider.trains = self._trains(0.2)
        provider.retention = 0
        self._target(provider, "default", "GlobalEndpoint", f"{provider.name} default routing",
                     code="global", processing=[ANY])
        roll = rng.random()
        processing = [("bloc", "EU")] if roll < 0.7 else ([("bloc", "EU"), ("bloc", "EEA")] if roll < 0.9 else None)
        self._target(provider, "eu", "Zone", f"{provider.name} EU routing", code="eu", processing=processing)

    def _self_hosted(self, provider: Provider) -> None:
        provider.trains = False
        self._target(provider, "self-hosted", "SelfHostedTarget", f"{provider.name} on your own hardware")

    # -- offerings ---------------------------------------------------------

    def _offering(self, model: str, provider: Provider, targets: list[str]) -> Offering:
        rng = self.rng
        local = f"{model}--{provider.slug}"
        input_price = output_price = None
        if provider.kind != "self-hosted":
            roll = rng.random()
            if roll >= 0.04:
                input_price = Decimal(rng.choice(INPUT_PRICES))
            if roll >= 0.12:
                output_price = (Decimal(rng.choice(INPUT_PRICES)) * Decimal(rng.choice(OUTPUT_FACTORS))).quantize(Decimal("0.01"))
        offering = Offering(local, model, provider.slug, targets, input_price, output_price)
        if rng.random() < 0.08 and provider.kind != "self-hosted":
            offering.context = rng.choice((32768, 64000, 128000, 131072, 200000))
        if rng.random() < 0.03 and provider.trains is not False:
            offering.trains = False
        offering.deprecated = rng.random() < 0.05
        if rng.random() < 0.25:
            offering.tools = rng.random() < 0.8
        if rng.random() < 0.15:
            offering.max_output = rng.choice((4096, 8192, 16384))
        roll = rng.random()
        if roll < 0.7:
            offering.fine_tuning = roll < 0.25
            if offering.fine_tuning and provider.kind == "cloud" and rng.random() < 0.2:
                offering.fine_tuning_at = rng.choice(targets)
        self.offerings[local] = offering
        provider.offerings.append(local)
        return offering

    def _pick_targets(self, provider: Provider) -> list[str]:
        rng = self.rng
        targets = provider.targets
        if provider.kind == "maker-api":
            chosen = [targets[0]] + [t for t in targets[1:] if rng.random() < 0.5]
        elif provider.kind == "aggregator":
            chosen = [targets[0]] + ([targets[1]] if rng.random() < 0.6 else [])
        elif provider.kind == "self-hosted":
            chosen = [targets[0]]
        else:
            k = min(len(targets), 1 + int(rng.random() < 0.45) + int(rng.random() < 0.15))
            chosen = rng.sample(targets, k)
        return sorted(chosen)

    def _offerings(self) -> None:
        rng = self.rng
        # Every maker's API serves every model of its maker.
        for maker in self.makers.values():
            provider = self.providers[maker.slug.replace("-labs", "-api")]
            for model in maker.models:
                self._offering(model, provider, self._pick_targets(provider))
        total = self.n - len(self.offerings)
        aggregators = [p for p in self.providers.values() if p.kind == "aggregator"]
        direct = [p for p in self.providers.values() if p.kind in ("cloud", "host", "self-hosted")]
        n_aggregated = min(total // 8, len(aggregators) * len(self.models))
        n_direct = total - n_aggregated
        # Quotas: uneven (a few large providers), clamped to the models each may serve.
        open_models = sorted(m for m, v in self.models.items() if v.open_weights)
        all_models = sorted(self.models)
        pools = {p.slug: open_models if p.kind == "self-hosted" else all_models for p in direct}
        weights = {p.slug: rng.uniform(0.3, 1.0) * (0.4 if p.kind == "self-hosted" else 1.0) for p in direct}
        quotas = self._quotas(n_direct, weights, {k: len(v) for k, v in pools.items()})
        for provider in direct:
            for model in sorted(rng.sample(pools[provider.slug], quotas[provider.slug])):
                self._offering(model, provider, self._pick_targets(provider))
        # Aggregators: models that have upstream offerings at a cloud or inference host.
        upstream: dict[str, list[str]] = defaultdict(list)
        for o in self.offerings.values():
            if self.providers[o.provider].kind in ("cloud", "host", "maker-api"):
                upstream[o.model].append(o.local)
        routable = sorted(upstream)
        if aggregators:
            quotas = self._quotas(n_aggregated, {p.slug: rng.uniform(0.5, 1.0) for p in aggregators},
                                  {p.slug: len(routable) for p in aggregators})
            for provider in aggregators:
                for model in sorted(rng.sample(routable, quotas[provider.slug])):
                    offering = self._offering(model, provider, self._pick_targets(provider))
                    if rng.random() >= 0.10:
                        choices = sorted(upstream[model])
                        offering.routes = sorted(rng.sample(choices, min(len(choices), rng.randint(1, 2))))
                        # Most sources say the list is every upstream; the rest leave it open.
                        offering.routes_complete = rng.random() < 0.85
        # Top up when clamping left some offerings unplaced.
        shortfall = self.n - len(self.offerings)
        spare = [p for p in direct if p.kind != "self-hosted"]
        while shortfall > 0 and spare:
            provider = spare[shortfall % len(spare)]
            used = {self.offerings[o].model for o in provider.offerings}
            free = [m for m in all_models if m not in used]
            if not free:
                spare.remove(provider)
                continue
            self._offering(rng.choice(free), provider, self._pick_targets(provider))
            shortfall -= 1

    @staticmethod
    def _quotas(total: int, weights: dict[str, float], caps: dict[str, int]) -> dict[str, int]:
        quotas = {k: 0 for k in weights}
        remaining = total
        open_keys = sorted(weights)
        while remaining > 0 and open_keys:
            weight_sum = sum(weights[k] for k in open_keys)
            given = 0
            for k in open_keys:
                share = max(1, int(remaining * weights[k] / weight_sum))
                share = min(share, caps[k] - quotas[k], remaining - given)
                quotas[k] += share
                given += share
                if given >= remaining:
                    break
            remaining -= given
            open_keys = [k for k in open_keys if quotas[k] < caps[k]]
            if given == 0:
                break
        return quotas

    # ---------------------------------------------------------------------------
    # The expected answer, from the generator's own record
    # ---------------------------------------------------------------------------

    def candidates(self) -> list[tuple[str, Offering, Target]]:
        out = []
        for o in self.offerings.values():
            p = self.providers[o.provider]
            for t in o.targets:
                target = self.targets[t]
                out.append((f"{o.model}@{p.slug}/{target.slug}", o, target))
        out.sort(key=lambda c: c[0])
        return out

    def _within(self, place: tuple, allowed: tuple[str, ...], depth: int = 0) -> str:
        """'pass', 'fail' or 'unknown': whether a place lies inside any allowed jurisdiction code."""
        kind = place[0]
        if kind == "any":
            return "fail"
        if kind == "country":
            return "pass" if any(place[1] == a or (a == "EU" and place[1] in EU_CODES)
                                 or (a == "EEA" and place[1] in EU_CODES + EEA_ONLY) for a in allowed) else "fail"
        if kind == "bloc":
            members = {"EU": EU_CODES, "EEA": EU_CODES + EEA_ONLY}[place[1]]
            for a in allowed:
                if place[1] == a or all(self._within(("country", m), (a,)) == "pass" for m in members):
                    return "pass"
            return "fail"
        target = self.targets[place[1]]
        if target.cls == "Region":
            return self._within(("country", target.country), allowed, depth + 1)
        if depth >= 4:
            return "unknown"
        # A zone: a member outside fails it, listed or not; only a closed list of
        # members all inside passes. (No global endpoint is written as a place here.)
        worst = "pass"
        for member in target.members:
            verdict = self._within(("target", member), allowed, depth + 1)
            if verdict == "fail":
                return "fail"
            if verdict == "unknown":
                worst = "unknown"
        return "pass" if target.members and target.complete is True and worst == "pass" else "unknown"

    def _hops(self, o: Offering, t: Target) -> tuple[list[tuple[Target, Offering, Provider]], bool]:
        """The data path (target, offering, provider) of each hop, and whether the path has gaps."""
        p = self.providers[o.provider]
        hops = [(t, o, p)]
        gap = False
        if p.kind == "aggregator":
            # No routes, or a list not stated to be complete, leaves the path open.
            if not o.routes or not o.routes_complete:
                gap = True
            for route in o.routes:
                upstream = self.offerings[route]
                if not upstream.targets:
                    gap = True
                for ut in sorted(upstream.targets, key=lambda local: _iri("target", local)):
                    hops.append((self.targets[ut], upstream, self.providers[upstream.provider]))
        return hops, gap

    def judge(self, policy: dict, o: Offering, t: Target) -> dict[str, str]:
        """Each requirement's verdict for one candidate, by the engine's documented semantics."""
        require = policy["require"]
        out: dict[str, str] = {}
        model = self.models[o.model]
        hops, gap = self._hops(o, t)
        if "min_context_tokens" in require:
            value = o.context if o.context is not None else model.context
            out["min_context_tokens"] = ("unknown" if value is None
                                         else "pass" if value >= require["min_context_tokens"] else "fail")
        if "training_on_inputs" in require:
            wanted = require["training_on_inputs"]
            values = [next((v for v in (ht.trains, ho.trains, hp.trains) if v is not None), None)
                      for ht, ho, hp in hops]
            known = [v for v in values if v is not None]
            if not known:
                out["training_on_inputs"] = "unknown"
            elif any(v != wanted for v in known):
                out["training_on_inputs"] = "fail"
            else:
                out["training_on_inputs"] = "unknown" if (gap or len(known) < len(values)) else "pass"
        if "max_price_per_mtok" in require:
            caps = require["max_price_per_mtok"]
            multiplier = t.multiplier or Decimal(1)
            verdicts = []
            for side, price in (("input", o.input_price), ("output", o.output_price)):
                if caps.get(side) is None:
                    continue
                if price is None:
                    verdicts.append("unknown")
                else:
                    verdicts.append("fail" if price * multiplier > Decimal(str(caps[side])) else "pass")
            out["max_price_per_mtok"] = _worst(verdicts)
        if "residency" in require:
            allowed = tuple([require["residency"]] if isinstance(require["residency"], str) else require["residency"])
            if t.cls == "SelfHostedTarget":
                chosen = (policy.get("self_hosting") or {}).get("jurisdiction")
                out["residency"] = "unknown" if chosen is None else self._within(
                    ("bloc", chosen) if chosen in ("EU", "EEA") else ("country", chosen), allowed)
            else:
                verdicts = ["unknown"] if gap else []
                for hop in hops:
                    for name in ("processing", "storage"):
                        # The narrowest scope that states the place wins: target, offering, provider.
                        places = next((getattr(holder, name, None) for holder in hop
                                       if getattr(holder, name, None)), None)
                        if not places:
                            verdicts.append("unknown")
                            continue
                        verdicts.extend(self._within(place, allowed) for place in places)
                out["residency"] = _worst(verdicts)
        return out

    def expected(self, policy: dict) -> dict:
        allowed, unknown_only, total = [], 0, 0
        per_rule: dict[str, dict[str, int]] = defaultdict(lambda: {"pass": 0, "fail": 0, "unknown": 0})
        for cid, o, t in self.candidates():
            total += 1
            verdicts = self.judge(policy, o, t)
            for rule, verdict in verdicts.items():
                per_rule[rule][verdict] += 1
            values = set(verdicts.values())
            if values <= {"pass"}:
                allowed.append(cid)
            elif "fail" not in values:
                unknown_only += 1
        return {
            "candidates": total,
            "allowed": len(allowed),
            "denied": total - len(allowed),
            "denied_on_unknown": unknown_only if policy.get("unknown", "fail") == "fail" else 0,
            "per_rule": {k: dict(v) for k, v in sorted(per_rule.items())},
            "allowed_ids": allowed,
        }


def _worst(verdicts: list[str]) -> str:
    if "fail" in verdicts:
        return "fail"
    if "unknown" in verdicts:
        return "unknown"
    return "pass"


def _iri(prefix: str, local: str) -> str:
    base = {"target": "https://w3id.org/selector/kb/target/"}[prefix]
    return base + local


# ---------------------------------------------------------------------------
# Writing TriG
# ---------------------------------------------------------------------------


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _place(token: tuple) -> str:
    if token[0] == "any":
        return "sel:AnyLocation"
    if token[0] in ("country", "bloc"):
        return f"loc:{token[1]}"
    return f"target:{token[1]}"


class Doc:
    """One TriG file: source descriptions in the default graph, then one graph per source."""

    def __init__(self, comment: str) -> None:
        self.comment = comment
        self.sources: dict[str, tuple[str, str, str, bool]] = {}
        self.graphs: dict[str, list[str]] = defaultdict(list)

    def source(self, name: str, title: str, url: str, as_of: str, secondary: bool = False) -> str:
        self.sources[name] = (title, url, as_of, secondary)
        return name

    def add(self, source: str, block: str) -> None:
        self.graphs[source].append(block)

    def text(self) -> str:
        parts = [f"# {self.comment}\n", PREFIXES, "\n"]
        for name, (title, url, as_of, secondary) in self.sources.items():
            parts.append(
                f"src:{name} a sel:Source ;\n    dcterms:title {_lit(title)} ;\n"
                f"    dcterms:source <{url}> ;\n"
                + ("    sel:secondary true ;\n" if secondary else "")
                + f'    sel:asOf "{as_of}"^^xsd:date .\n\n'
            )
        for name, blocks in self.graphs.items():
            parts.append(f"src:{name} {{\n")
            parts.extend(blocks)
            parts.append("}\n\n")
        return "".join(parts)


def _statements(subject: str, pairs: list[tuple[str, str]]) -> str:
    pairs = [(p, o) for p, o in pairs if o is not None]
    body = " ;\n        ".join(f"{p} {o}" for p, o in pairs)
    return f"    {subject} {body} .\n"


def write_world(world: World, out: Path) -> None:
    kb = out / "kb"
    if kb.exists():
        shutil.rmtree(kb)
    (kb / "models").mkdir(parents=True)
    (kb / "offerings").mkdir(parents=True)
    shutil.copy(ONTOLOGY / "selector.ttl", out / "selector.ttl")
    shutil.copy(ONTOLOGY / "shapes.ttl", out / "shapes.ttl")

    def save(path: Path, doc: Doc) -> None:
        path.write_text(doc.text(), encoding="utf-8")

    # Jurisdictions (the DPV pattern: countries with skos:broader to their blocs).
    doc = Doc("Countries and blocs for the synthetic knowledge base, in the DPV loc: pattern.")
    doc.source("synthetic-dpv-loc", "DPV Locations extension (synthetic subset)", "https://w3id.org/dpv/loc", "2026-02-25")
    doc.add("synthetic-dpv-loc", '    loc:EU a dpv:SupraNationalUnion ;\n        skos:prefLabel "European Union (EU)"@en .\n')
    doc.add("synthetic-dpv-loc", '    loc:EEA a dpv:SupraNationalUnion ;\n        skos:prefLabel "European Economic Area (EEA)"@en .\n')
    for code, name in sorted(COUNTRIES.items()):
        pairs = [("a", "dpv:Country"), ("skos:prefLabel", _lit(name) + "@en"), ("loc:iso_alpha2", _lit(code))]
        if code in EU_CODES:
            pairs.append(("skos:broader", "loc:EEA, loc:EU"))
        elif code in EEA_ONLY:
            pairs.append(("skos:broader", "loc:EEA"))
        doc.add("synthetic-dpv-loc", _statements(f"loc:{code}", pairs))
    save(kb / "jurisdictions.trig", doc)

    # Licences: a permissive one and a research-only one, as ODRL sets.
    doc = Doc("Licences of the synthetic open-weight models, as ODRL 2.2 policies (selector profile).")
    doc.source("synthetic-spdx-apache-2.0", "SPDX License List: Apache License 2.0",
               "https://spdx.org/licenses/Apache-2.0.html", "2026-11-22")
    doc.source("synthetic-research-licence", "Synthetic Research Licence 1.0",
               "https://example.org/licences/synthetic-research-1.0", "2025-01-15")
    doc.add("synthetic-spdx-apache-2.0", """\
    licence:Apache-2.0 a sel:Licence ;
        sel:spdxId "Apache-2.0" ;
        rdfs:label "Apache License 2.0" ;
        sel:commercialUse true ;
        sel:terms term:apache-2.0 .
    term:apache-2.0 a odrl:Set ;
        odrl:profile sel:odrlProfile ;
        odrl:conflict odrl:prohibit ;
        odrl:permission term:apache-2.0-grant .
    term:apache-2.0-grant a odrl:Permission ;
        rdfs:label "Sec. 2-3: copyright and patent licence for any purpose" ;
        odrl:action odrl:use, odrl:commercialize, odrl:distribute, odrl:modify, odrl:derive ;
        odrl:duty term:apache-2.0-d-notices .
    term:apache-2.0-d-notices a odrl:Duty ;
        rdfs:label "Sec. 4: keep the notices and give recipients a copy of the licence" ;
        odrl:action odrl:attribute .
""")
    doc.add("synthetic-research-licence", """\
    licence:LicenseRef-Synthetic-Research-1.0 a sel:Licence ;
        sel:spdxId "LicenseRef-Synthetic-Research-1.0" ;
        rdfs:label "Synthetic Research Licence 1.0" ;
        sel:commercialUse false ;
        sel:terms term:synthetic-research-1.0 .
    term:synthetic-research-1.0 a odrl:Set ;
        odrl:profile sel:odrlProfile ;
        odrl:conflict odrl:prohibit ;
        odrl:permission term:synthetic-research-1.0-grant ;
        odrl:prohibition term:synthetic-research-1.0-no-commercial .
    term:synthetic-research-1.0-grant a odrl:Permission ;
        rdfs:label "Use, modify and distribute for research only" ;
        odrl:action odrl:use, odrl:distribute, odrl:modify, odrl:derive ;
        odrl:constraint term:synthetic-research-1.0-c-research .
    term:synthetic-research-1.0-c-research a odrl:Constraint ;
        rdfs:label "The use is non-commercial research" ;
        odrl:leftOperand sel:useContext ;
        odrl:operator odrl:eq ;
        odrl:rightOperand sel:Research .
    term:synthetic-research-1.0-no-commercial a odrl:Prohibition ;
        rdfs:label "No commercial use" ;
        odrl:action odrl:commercialize .
""")
    save(kb / "licences.trig", doc)

    # Organisations: makers and operators.
    doc = Doc("Makers and operators of the synthetic knowledge base.")
    doc.source("synthetic-company-register", "Synthetic company register", "https://example.org/register", "2026-06-30")
    for maker in world.makers.values():
        doc.add("synthetic-company-register", _statements(f"party:{maker.slug}", [
            ("a", "sel:Organisation, sel:Maker"), ("sel:slug", _lit(maker.slug)),
            ("rdfs:label", _lit(maker.name)), ("sel:headquarters", f"loc:{maker.hq}")]))
    for slug, (name, hq) in world.operators.items():
        doc.add("synthetic-company-register", _statements(f"party:{slug}", [
            ("a", "sel:Organisation"), ("sel:slug", _lit(slug)), ("rdfs:label", _lit(name)),
            ("sel:headquarters", f"loc:{hq}")]))
    save(kb / "organisations.trig", doc)

    # Models, one file per maker, two sources each (model cards and a spec sheet).
    for maker in world.makers.values():
        doc = Doc(f"Models of {maker.name}.")
        cards = doc.source(f"{maker.slug}-model-cards", f"{maker.name} model cards",
                           f"https://example.org/{maker.slug}/models", "2026-09-01")
        specs = doc.source(f"{maker.slug}-spec-sheet", f"{maker.name} model specification sheet",
                           f"https://example.org/{maker.slug}/specs.json", "2026-08-15", secondary=True)
        for slug in maker.models:
            m = world.models[slug]
            doc.add(cards, _statements(f"model:{slug}", [
                ("a", "sel:Model"), ("sel:slug", _lit(slug)),
                ("rdfs:label", _lit(f"{maker.name.split()[0]} {m.family.title()} {slug.rsplit('-', 1)[1]}")),
                ("sel:maker", f"party:{maker.slug}"), ("sel:family", _lit(m.family)),
                ("sel:releaseDate", f'"{m.release}"^^xsd:date'), ("sel:status", "sel:Active"),
                ("sel:openWeights", "true" if m.open_weights else "false"),
                ("sel:licence", f"licence:{m.licence}" if m.licence else None)]))
            doc.add(specs, _statements(f"model:{slug}", [
                ("sel:contextWindow", str(m.context) if m.context is not None else None),
                ("sel:maxOutputTokens", str(m.max_output) if m.max_output is not None else None),
                ("sel:inputModality", "sel:Text, sel:Image" if m.image else "sel:Text"),
                ("sel:outputModality", "sel:Text"),
                ("sel:toolCalling", "true" if m.tools else "false")]))
        save(kb / "models" / f"{maker.slug}.trig", doc)

    # Providers, one file each: terms, deployment targets, catalogue and price list.
    for provider in world.providers.values():
        doc = Doc(f"{provider.name}: the provider, its deployment targets, data terms and offerings.")
        base = f"https://example.org/{provider.slug}"
        terms = doc.source(f"{provider.slug}-terms", f"{provider.name} service terms", f"{base}/terms", "2026-10-01")
        regions = doc.source(f"{provider.slug}-regions", f"{provider.name} regions and data residency",
                             f"{base}/docs/regions", "2026-10-15")
        catalog = doc.source(f"{provider.slug}-catalog", f"{provider.name} model catalogue",
                             f"{base}/docs/models", "2026-11-01")
        pricing = doc.source(f"{provider.slug}-pricing", f"{provider.name} price list", f"{base}/pricing", "2026-11-10")
        doc.add(terms, _statements(f"provider:{provider.slug}", [
            ("a", "sel:Provider"), ("sel:slug", _lit(provider.slug)), ("rdfs:label", _lit(provider.name)),
            ("sel:operator", f"party:{provider.operator}"), ("sel:providerKind", KIND_IRI[provider.kind]),
            ("sel:trainsOnInputs", None if provider.trains is None else ("true" if provider.trains else "false")),
            ("sel:retentionDays", None if provider.retention is None else str(provider.retention)),
            ("sel:storageIn", ", ".join(_place(p) for p in provider.storage) if provider.storage else None)]))
        for local in provider.targets:
            t = world.targets[local]
            doc.add(regions, _statements(f"target:{local}", [
                ("a", f"sel:{t.cls}"), ("sel:slug", _lit(t.slug)), ("sel:provider", f"provider:{provider.slug}"),
                ("rdfs:label", _lit(t.label)), ("sel:regionCode", _lit(t.code) if t.code else None),
                ("sel:country", f"loc:{t.country}" if t.country else None),
                ("sel:memberRegion", ", ".join(f"target:{m}" for m in t.members) if t.members else None),
                ("sel:memberRegionsComplete", "true" if t.complete else None),
                ("sel:closedList", f"[ sel:listOf sel:memberRegion ; sel:listLength {len(set(t.members))} ]"
                 if t.complete and t.members else None),
                ("sel:processingIn", ", ".join(_place(p) for p in t.processing) if t.processing else None),
                ("sel:storageIn", ", ".join(_place(p) for p in t.storage) if t.storage else None),
                ("sel:trainsOnInputs", None if t.trains is None else ("true" if t.trains else "false"))]))
            if t.multiplier is not None:
                doc.add(pricing, _statements(f"target:{local}", [("sel:priceMultiplier", str(t.multiplier))]))
        for local in provider.offerings:
            o = world.offerings[local]
            doc.add(catalog, _statements(f"offering:{local}", [
                ("a", "sel:Offering"), ("sel:model", f"model:{o.model}"), ("sel:provider", f"provider:{provider.slug}"),
                ("sel:providerModelId", _lit(f"{world.models[o.model].maker.split('-')[0]}/{o.model}")),
                ("sel:availableAt", ", ".join(f"target:{t}" for t in o.targets)),
                ("sel:status", "sel:Deprecated" if o.deprecated else "sel:Active"),
                ("sel:contextWindow", str(o.context) if o.context is not None else None),
                ("sel:maxOutputTokens", str(o.max_output) if o.max_output is not None else None),
                ("sel:toolCalling", None if o.tools is None else ("true" if o.tools else "false")),
                ("sel:fineTuning", None if o.fine_tuning is None else ("true" if o.fine_tuning else "false")),
                ("sel:fineTuningAt", f"target:{o.fine_tuning_at}" if o.fine_tuning_at else None),
                ("sel:trainsOnInputs", None if o.trains is None else ("true" if o.trains else "false")),
                ("sel:routesTo", ", ".join(f"offering:{r}" for r in o.routes) if o.routes else None),
                ("sel:routesComplete", "true" if o.routes and o.routes_complete else None),
                ("sel:closedList", f"[ sel:listOf sel:routesTo ; sel:listLength {len(set(o.routes))} ]"
                 if o.routes and o.routes_complete else None)]))
            if o.input_price is not None or o.output_price is not None:
                doc.add(pricing, _statements(f"offering:{local}", [
                    ("sel:inputPricePerMTok", f"{o.input_price:.2f}" if o.input_price is not None else None),
                    ("sel:outputPricePerMTok", f"{o.output_price:.2f}" if o.output_price is not None else None)]))
        save(kb / "offerings" / f"{provider.slug}.trig", doc)


def load_policy_values(path: Path) -> dict:
    """The benchmark policy as plain data (the engine validates it separately)."""
    policy = yaml.safe_load(path.read_text(encoding="utf-8"))
    policy.setdefault("require", {})
    return policy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offerings", type=int, required=True, help="number of offerings to generate")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (ontology layout)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--policy", type=Path, default=DEFAULT_POLICY, help="policy for expected.json")
    args = parser.parse_args(argv)
    if args.offerings < 100:
        parser.error("--offerings must be at least 100")
    world = World(args.offerings, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    write_world(world, args.out)
    # The lengths of the lists the engine reads as complete, counted as a maintainer
    # would (selector kb lengths --write). The closed zone and route lists are declared
    # above twice over: sel:closedList for the engine, sel:memberRegionsComplete and
    # sel:routesComplete for the reference queries of bench/methods.py, which read those.
    from selector.kb import lengths

    lengths.write(args.out)
    policy = load_policy_values(args.policy)
    expected = world.expected(policy)
    digest = hashlib.sha256()
    for path in sorted(args.out.rglob("*.t*")):
        digest.update(path.relative_to(args.out).as_posix().encode())
        digest.update(path.read_bytes())
    summary = {
        "offerings": len(world.offerings),
        "seed": args.seed,
        "policy": str(args.policy.name),
        "policy_sha256": hashlib.sha256(args.policy.read_bytes()).hexdigest(),
        "kb_sha256": digest.hexdigest(),
        "models": len(world.models),
        "makers": len(world.makers),
        "providers": len(world.providers),
        "targets": len(world.targets),
        **expected,
    }
    (args.out / "expected.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {len(world.offerings)} offerings, {expected['candidates']} candidates, "
          f"{expected['allowed']} allowed by {args.policy.name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
