"""The measured methods of bench/run.py: each answers bench/policy.yaml over one knowledge base.

Every ``measure_*`` function runs in a fresh worker process (``run.py --worker``), so
its peak RSS is its own, and returns a dict of timings in seconds, memory in MB and
``allowed``: the candidate ids it found allowed (compared with expected.json by run.py).
"""

from __future__ import annotations

import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import yaml

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SEL = "https://w3id.org/selector/ns#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS_BROADER = "http://www.w3.org/2004/02/skos/core#broader"
DPV = "https://w3id.org/dpv#"
LOC = "https://w3id.org/dpv/loc#"
XSD = "http://www.w3.org/2001/XMLSchema#"


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def rss_mb() -> float:
    """Resident set size of this process now, in MB."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except OSError:
        import psutil

        return psutil.Process().memory_info().rss / 1e6


def peak_rss_mb() -> float:
    """Peak resident set size of this process, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def repeat(fn: Callable[[], Any], reps: int) -> tuple[list[float], Any]:
    times, value = [], None
    for _ in range(reps):
        gc.collect()
        seconds, value = timed(fn)
        times.append(seconds)
    return times, value


def per_call(fn: Callable[[Any], Any], items: list, *, calls: int, budget: float) -> list[float]:
    """Seconds per call of fn(item), cycling through items, for up to ``calls`` calls or ``budget`` seconds."""
    out: list[float] = []
    clock = time.perf_counter
    deadline = clock() + budget
    for i in range(calls):
        item = items[i % len(items)]
        start = clock()
        fn(item)
        out.append(clock() - start)
        if i >= len(items) and clock() > deadline:
            break
    return out


def sample_ids(ids: list[str], size: int = 500) -> list[str]:
    """A deterministic, evenly spread sample of candidate ids (every k-th in sorted order)."""
    ordered = sorted(ids)
    return ordered[:: max(1, len(ordered) // size)][:size]


def stats(times: list[float]) -> dict[str, float]:
    return {"median": statistics.median(times), "min": min(times), "n": len(times)}


def kb_files(data: Path) -> list[Path]:
    return sorted((data / "kb").rglob("*.trig"))


def policy_values(path: Path) -> dict:
    policy = yaml.safe_load(path.read_text(encoding="utf-8"))
    require = policy.get("require", {})
    caps = require.get("max_price_per_mtok", {})
    residency = require.get("residency")
    if isinstance(residency, list):
        if len(residency) != 1:
            raise SystemExit("the benchmark's SPARQL, SHACL and Cedar forms take one residency jurisdiction")
        residency = residency[0]
    missing = [k for k in ("residency", "min_context_tokens", "training_on_inputs") if k not in require]
    if missing or caps.get("input") is None or caps.get("output") is None or policy.get("self_hosting"):
        raise SystemExit(
            "the benchmark's SPARQL, SHACL and Cedar forms expect residency, min_context_tokens, "
            "training_on_inputs and both price caps, and no self_hosting block"
        )
    return {
        "min_context": int(require["min_context_tokens"]),
        "training_on_inputs": bool(require["training_on_inputs"]),
        "max_input": Decimal(str(caps["input"])),
        "max_output": Decimal(str(caps["output"])),
        "jurisdiction": LOC + residency,
    }


# ---------------------------------------------------------------------------
# (a) this project
# ---------------------------------------------------------------------------


def measure_selector(data: Path, policy_path: Path, reps: dict[str, int], snapshot: Path | None = None) -> dict:
    """load_knowledge_base + Engine build, Engine.select, Engine.check and Engine.decide on one candidate."""
    from selector.checks import KINDS
    from selector.engine import Engine
    from selector.kb.load import load_knowledge_base
    from selector.policy import load_policy
    from selector.rules import load_rules

    out: dict[str, Any] = {"rss_baseline_mb": rss_mb()}
    rules = load_rules((), kinds=KINDS)
    load_times, build_times = [], []
    engine = None
    for _ in range(reps["load"]):
        engine = None
        gc.collect()
        seconds, kb = timed(lambda: load_knowledge_base(base_dir=data))
        load_times.append(seconds)
        seconds, engine = timed(lambda: Engine(kb, rules))  # noqa: F821 - kb is bound just above; deleted after use
        build_times.append(seconds)
        quads = len(kb.quads)
        del kb
    assert engine is not None
    gc.collect()
    out["rss_after_load_mb"] = rss_mb()
    out["load"] = stats(load_times)
    out["build"] = stats(build_times)
    out["load_and_build"] = stats([a + b for a, b in zip(load_times, build_times)])
    out["quads"] = quads
    out["candidates"] = len(engine.candidates)

    seconds, policy = timed(lambda: load_policy(policy_path, engine.vocabulary()))
    out["policy_load"] = seconds
    measure_fast_path(engine, policy, reps, out)

    # The full report: every candidate's trail, allowed and denied (what --show-denied renders).
    times, report = repeat(lambda: engine.select(policy), reps["report"])
    out["report"] = stats(times)
    out["rss_after_select_mb"] = rss_mb()
    out["summary"] = report.summary.model_dump()
    out["allowed_trails"] = sum(len(r.evidence) for d in report.decisions if d.allowed for r in d.results)
    if [d.candidate.id for d in report.decisions if d.allowed] != out["allowed"]:
        raise SystemExit("Engine.select and Engine.selection disagree")
    del report
    gc.collect()

    # One embedded check at a time, over an evenly spread sample of candidates, by name:
    # the decision alone (Engine.allows), and with its whole trail (Engine.check).
    sample = sample_ids([c.id for c in engine.candidates])
    out["check_sample"] = len(sample)
    out["allows"] = stats(per_call(lambda name: engine.allows(name, policy), sample,
                                   calls=reps["check"], budget=reps["budget"]))
    out["check"] = stats(per_call(lambda name: engine.check(name, policy), sample,
                                  calls=reps["check"], budget=reps["budget"]))
    if snapshot is not None:
        seconds, size = timed(lambda: write_snapshot(engine, snapshot))
        out["snapshot_write"] = seconds
        out["snapshot_mb"] = size / 1e6
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def measure_fast_path(engine, policy, reps: dict[str, int], out: dict) -> None:
    """Engine.selection (every candidate decided, ranked) with verdict tables cold and warm, and with trails."""

    def cold():
        # As for a policy never seen before: no verdict tables, no place judgements.
        engine.columns._by_content.clear()
        engine.columns._by_identity.clear()
        engine.places._judged.clear()
        return engine.selection(policy)

    times, selection = repeat(cold, reps["select"])
    out["select"] = stats(times)
    out["select_first"] = times[0]
    times, selection = repeat(lambda: engine.selection(policy), reps["select"])
    out["select_warm"] = stats(times)

    def with_trails():
        chosen = cold()
        return [chosen.decision(i, rank) for rank, i in enumerate(chosen.allowed, start=1)]

    times, trails = repeat(with_trails, reps["select"])
    out["select_trails"] = stats(times)
    out["groups"] = {rule.id: len(column.representatives) for rule, column in
                     zip(selection.rules, selection.state.columns)}
    out["allowed"] = list(selection.allowed_ids())
    del trails


SNAPSHOT_KEY = "bench"


def write_snapshot(engine, path: Path) -> int:
    """Write the compiled engine as the commands' cache (selector.engine.cache) does; returns its size."""
    from selector.engine import cache as snapshot

    snapshot.write(path, SNAPSHOT_KEY, engine)
    written = path / f"{SNAPSHOT_KEY}.engine"
    if not written.exists():
        raise SystemExit("selector.engine.cache.write did not write the compiled engine")
    return written.stat().st_size


def measure_snapshot(folder: Path, policy_path: Path, reps: dict[str, int]) -> dict:
    """Loading the compiled engine from its snapshot (selector.engine.cache.read), as a command does."""
    out: dict[str, Any] = {"rss_baseline_mb": rss_mb()}
    from selector.engine import cache as snapshot

    def load():
        engine = snapshot.read(folder, SNAPSHOT_KEY)
        if engine is None:
            raise SystemExit("selector.engine.cache.read found no usable snapshot")
        return engine

    out["format"] = "selector.engine.cache (pickle of the Engine)"
    size = (folder / f"{SNAPSHOT_KEY}.engine").stat().st_size
    out["rss_after_imports_mb"] = rss_mb()
    times = []
    for _ in range(reps["load"]):
        gc.collect()
        seconds, state = timed(load)
        times.append(seconds)
        if len(times) < reps["load"]:
            del state
    gc.collect()
    out["load"] = stats(times)
    out["rss_after_load_mb"] = rss_mb()
    from selector.policy import load_policy

    policy = load_policy(policy_path, state.vocabulary())
    seconds, _ = timed(lambda: state.selection(policy))
    out["select_after_load"] = seconds
    out["peak_rss_mb"] = peak_rss_mb()
    out["snapshot_mb"] = size / 1e6
    out["allowed"] = None
    return out


def measure_cli(reps: dict[str, int]) -> dict:
    """Cold `selector select` on the bundled knowledge base: first run (empty cache), warm cache, cache off."""
    exe = Path(sys.executable).parent / "selector"
    command = [str(exe), "select", "--constraints", str(ROOT / "examples" / "eu-finetune-long-context.yaml")]

    def run(env: dict) -> float:
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, cwd=ROOT, env=env)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"selector select exited {done.returncode}: {done.stderr.decode()[:300]}")
        return seconds

    out: dict[str, Any] = {"command": " ".join(["selector"] + command[1:]).replace(str(ROOT) + "/", "")}
    with tempfile.TemporaryDirectory(prefix="selector-bench-cache-") as cache:
        env = dict(os.environ, SELECTOR_CACHE_DIR=cache)
        out["select_empty_cache"] = run(env)
        out["select"] = stats([run(env) for _ in range(reps["cli"])])
    off = dict(os.environ, SELECTOR_CACHE_DIR="off")
    out["select_cache_off"] = stats([run(off) for _ in range(max(1, reps["cli"] // 2))])
    imports = []
    for _ in range(reps["cli"]):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import selector.cli"], check=True, cwd=ROOT)
        imports.append(time.perf_counter() - start)
    bare = []
    for _ in range(reps["cli"]):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True, cwd=ROOT)
        bare.append(time.perf_counter() - start)
    out["import_cli"] = stats(imports)
    out["python_startup"] = stats(bare)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1e3
    out["allowed"] = None
    return out


# ---------------------------------------------------------------------------
# (b) rdflib and (c) pyoxigraph: parse, then the SPARQL form of the policy
# ---------------------------------------------------------------------------


def _ids(rows) -> list[str]:
    return sorted({f"{m}@{p}/{t}" for m, p, t in rows})


def measure_rdflib(data: Path, policy_path: Path, reps: dict[str, int]) -> dict:
    from rdflib import Dataset, Literal, URIRef

    values = policy_values(policy_path)
    query = (BENCH / "policy.rq").read_text(encoding="utf-8")
    out: dict[str, Any] = {"rss_baseline_mb": rss_mb()}

    def parse() -> Dataset:
        dataset = Dataset(default_union=True)
        for path in kb_files(data):
            dataset.parse(path, format="trig")
        return dataset

    times, dataset = repeat(parse, reps["parse"])
    out["parse"] = stats(times)
    out["rss_after_load_mb"] = rss_mb()
    bindings = {
        "minContext": Literal(values["min_context"]),
        "trainingOnInputs": Literal(values["training_on_inputs"]),
        "maxInput": Literal(values["max_input"]),
        "maxOutput": Literal(values["max_output"]),
        "jurisdiction": URIRef(values["jurisdiction"]),
    }

    def run() -> list[str]:
        rows = dataset.query(query, initBindings=bindings)
        return _ids((str(r.modelSlug), str(r.providerSlug), str(r.targetSlug)) for r in rows)

    if reps["rdflib_query"] == 0:
        out["query_skipped"] = "rdflib's SPARQL is measured up to 10,000 offerings"
        out["peak_rss_mb"] = peak_rss_mb()
        out["allowed"] = None
        return out
    times, allowed = repeat(run, reps["rdflib_query"])
    out["query"] = stats(times)
    out["peak_rss_mb"] = peak_rss_mb()
    out["allowed"] = allowed
    return out


def _oxigraph_store(data: Path):
    import pyoxigraph as ox

    store = ox.Store()
    for path in kb_files(data):
        store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
    return store


def measure_oxigraph(data: Path, policy_path: Path, reps: dict[str, int]) -> dict:
    import pyoxigraph as ox

    values = policy_values(policy_path)
    query = (BENCH / "policy.rq").read_text(encoding="utf-8")
    out: dict[str, Any] = {"rss_baseline_mb": rss_mb()}
    times, store = repeat(lambda: _oxigraph_store(data), reps["parse"])
    out["parse"] = stats(times)
    out["rss_after_load_mb"] = rss_mb()
    out["quads"] = len(store)

    def literal(value: Any, datatype: str):
        return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))

    substitutions = {
        ox.Variable("minContext"): literal(str(values["min_context"]), "integer"),
        ox.Variable("trainingOnInputs"): literal("true" if values["training_on_inputs"] else "false", "boolean"),
        ox.Variable("maxInput"): literal(str(values["max_input"]), "decimal"),
        ox.Variable("maxOutput"): literal(str(values["max_output"]), "decimal"),
        ox.Variable("jurisdiction"): ox.NamedNode(values["jurisdiction"]),
    }

    def run() -> list[str]:
        rows = store.query(query, use_default_graph_as_union=True, substitutions=substitutions)
        return _ids((r["modelSlug"].value, r["providerSlug"].value, r["targetSlug"].value) for r in rows)

    times, allowed = repeat(run, reps["query"])
    out["query"] = stats(times)
    out["peak_rss_mb"] = peak_rss_mb()
    out["allowed"] = allowed
    return out


# ---------------------------------------------------------------------------
# (d) pySHACL: the policy as shapes
# ---------------------------------------------------------------------------


def measure_shacl(data: Path, policy_path: Path, reps: dict[str, int]) -> dict:
    import pyshacl
    from rdflib import Dataset, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import RDF, SH

    values = policy_values(policy_path)
    bench_ns = Namespace("https://w3id.org/selector/bench#")
    sel = Namespace(SEL)
    out: dict[str, Any] = {"rss_baseline_mb": rss_mb()}

    def parse() -> Graph:
        dataset = Dataset()
        for path in kb_files(data):
            dataset.parse(path, format="trig")
        graph = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            graph.add((s, p, o))
        return graph

    times, graph = repeat(parse, reps["parse"])
    out["parse"] = stats(times)
    out["rss_after_load_mb"] = rss_mb()

    shapes = Graph().parse(BENCH / "policy.shacl.ttl", format="turtle")
    candidate_shape = bench_ns.CandidateShape
    shapes.add((candidate_shape, bench_ns.maxInputPrice, Literal(values["max_input"])))
    shapes.add((candidate_shape, bench_ns.maxOutputPrice, Literal(values["max_output"])))
    shapes.add((candidate_shape, bench_ns.trainingOnInputs, Literal(values["training_on_inputs"])))
    shapes.add((candidate_shape, bench_ns.residency, URIRef(values["jurisdiction"])))
    for cap in (bench_ns.OfferingContextCap, bench_ns.ModelContext):
        shapes.add((cap, SH.minInclusive, Literal(values["min_context"])))

    def run():
        _, report, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none", abort_on_first=False)
        if not isinstance(report, Graph):
            raise SystemExit(f"pySHACL failed: {report}")
        return report

    times, report = repeat(run, reps["shacl"])
    out["validate"] = stats(times)
    per_candidate = {bench_ns.PriceCapComponent, bench_ns.TrainingComponent, bench_ns.ResidencyComponent}
    denied_pairs, denied_offerings = set(), set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        if report.value(result, SH.sourceConstraintComponent) in per_candidate:
            denied_pairs.add((focus, report.value(result, SH.value)))
        else:
            denied_offerings.add(focus)
    rows = []
    for offering in graph.subjects(RDF.type, sel.Offering):
        if offering in denied_offerings:
            continue
        model, provider = graph.value(offering, sel.model), graph.value(offering, sel.provider)
        for target in graph.objects(offering, sel.availableAt):
            if (offering, target) not in denied_pairs:
                rows.append((str(graph.value(model, sel.slug)), str(graph.value(provider, sel.slug)),
                             str(graph.value(target, sel.slug))))
    out["peak_rss_mb"] = peak_rss_mb()
    out["allowed"] = _ids(rows)
    return out


# ---------------------------------------------------------------------------
# (e) cedarpy: the policy in Cedar over entities compiled from the knowledge base
# ---------------------------------------------------------------------------


class _Facts:
    """The knowledge base's facts by property and subject (IRIs and Python values), read with pyoxigraph."""

    PROPERTIES = (
        RDF_TYPE, SKOS_BROADER, SEL + "slug", SEL + "model", SEL + "provider", SEL + "availableAt",
        SEL + "contextWindow", SEL + "trainsOnInputs", SEL + "inputPricePerMTok", SEL + "outputPricePerMTok",
        SEL + "priceMultiplier", SEL + "processingIn", SEL + "storageIn", SEL + "providerKind", SEL + "routesTo",
        SEL + "country", SEL + "memberRegion", SEL + "memberRegionsComplete", SEL + "routesComplete",
    )

    def __init__(self, data: Path) -> None:
        import pyoxigraph as ox

        store = _oxigraph_store(data)
        values = " ".join(f"<{p}>" for p in self.PROPERTIES)
        self.by: dict[str, dict[str, list]] = {p: defaultdict(list) for p in self.PROPERTIES}
        for row in store.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }}",
                               use_default_graph_as_union=True):
            subject, prop, obj = row["s"], row["p"].value, row["o"]
            if not isinstance(subject, ox.NamedNode):
                continue
            self.by[prop][subject.value].append(self._python(obj, ox))
        for per_subject in self.by.values():
            for key in per_subject:
                per_subject[key] = sorted(set(per_subject[key]), key=repr)
        self.types = self.by[RDF_TYPE]

    @staticmethod
    def _python(term, ox):
        if isinstance(term, ox.Literal):
            kind = term.datatype.value
            if kind == XSD + "boolean":
                return term.value == "true"
            if kind in (XSD + "integer", XSD + "int", XSD + "long"):
                return int(term.value)
            if kind in (XSD + "decimal", XSD + "double", XSD + "float"):
                return Decimal(term.value)
            return term.value
        return term.value if isinstance(term, ox.NamedNode) else str(term)

    def get(self, subject: str, prop: str) -> list:
        return self.by[SEL + prop].get(subject, [])

    def first(self, scopes: list[str], prop: str) -> list:
        """The values of the narrowest scope that states the property."""
        for scope in scopes:
            values = self.get(scope, prop)
            if values:
                return values
        return []

    def typed(self, subject: str, cls: str) -> bool:
        return cls in self.types.get(subject, [])


def _entity(kind: str, ident: str) -> dict:
    return {"type": kind, "id": ident}


def _ref(kind: str, ident: str) -> dict:
    return {"__entity": _entity(kind, ident)}


def _decimal(value: Decimal) -> dict:
    text = f"{value.quantize(Decimal('0.0001'))}"
    return {"__extn": {"fn": "decimal", "arg": text}}


def cedar_entities(data: Path, values: dict) -> tuple[list[dict], list[dict], list[str]]:
    """Place entities, Deployment entities (one per candidate) and the candidate ids, by the engine's semantics."""
    facts = _Facts(data)
    countries = {s for s, t in facts.types.items() if DPV + "Country" in t}
    blocs = {s for s, t in facts.types.items() if DPV + "SupraNationalUnion" in t}
    regions = {s for s, t in facts.types.items() if SEL + "Region" in t}
    places: list[dict] = []
    for node in sorted(countries | blocs):
        parents = [_entity("Place", b) for b in facts.by[SKOS_BROADER].get(node, []) if b in blocs]
        places.append({"uid": _entity("Place", node), "attrs": {}, "parents": parents})
    for node in sorted(regions):
        country = [c for c in facts.get(node, "country") if c in countries]
        places.append({"uid": _entity("Place", node), "attrs": {}, "parents": [_entity("Place", c) for c in country[:1]]})
    places.append({"uid": _entity("Place", SEL + "AnyLocation"), "attrs": {}, "parents": []})
    known_places = countries | blocs | regions | {SEL + "AnyLocation"}

    def expand(place: str, depth: int = 0) -> list[str] | None:
        """The Place entities a stated place stands for, or None when it cannot be placed."""
        if place in known_places:
            return [place]
        members = facts.get(place, "memberRegion")
        if members and True in facts.get(place, "memberRegionsComplete") and depth < 4:
            out = []
            for member in members:
                inner = expand(member, depth + 1)
                if inner is None:
                    return None
                out.extend(inner)
            return out
        return None

    deployments, ids = [], []
    for offering in sorted(s for s, t in facts.types.items() if SEL + "Offering" in t):
        model, provider = facts.get(offering, "model"), facts.get(offering, "provider")
        if not model or not provider:
            continue
        model, provider = model[0], provider[0]
        model_slug, provider_slug = facts.get(model, "slug"), facts.get(provider, "slug")
        if not model_slug or not provider_slug:
            continue
        hops_up: list[tuple[str, str, str]] = []
        gap = False
        if SEL + "Aggregator" in facts.get(provider, "providerKind"):
            routes = facts.get(offering, "routesTo")
            # no routes, or a route list not stated complete, leaves the path open
            gap = not routes or True not in facts.get(offering, "routesComplete")
            for upstream in routes:
                up_provider = facts.get(upstream, "provider")
                up_targets = facts.get(upstream, "availableAt")
                if not up_targets:
                    gap = True
                for up_target in up_targets:
                    hops_up.append((up_target, upstream, up_provider[0] if up_provider else ""))
        context = [v for v in facts.first([offering, model], "contextWindow")]
        inputs = facts.get(offering, "inputPricePerMTok")
        outputs = facts.get(offering, "outputPricePerMTok")
        for target in facts.get(offering, "availableAt"):
            target_slug = facts.get(target, "slug")
            if not target_slug:
                continue
            cid = f"{model_slug[0]}@{provider_slug[0]}/{target_slug[0]}"
            ids.append(cid)
            hops = [(target, offering, provider)] + hops_up
            attrs: dict[str, Any] = {}
            if context and all(isinstance(v, int) and not isinstance(v, bool) for v in context):
                attrs["context_window"] = min(context)
            trains, complete = set(), not gap
            for hop in hops:
                stated = facts.first(list(hop), "trainsOnInputs")
                if not stated or any(not isinstance(v, bool) for v in stated):
                    complete = False
                trains.update(v for v in stated if isinstance(v, bool))
            attrs["trains"] = sorted(trains)
            attrs["trains_complete"] = complete
            multiplier = (facts.get(target, "priceMultiplier") or [Decimal(1)])[0] or Decimal(1)
            for side, prices in (("input_price", inputs), ("output_price", outputs)):
                if prices and all(isinstance(v, Decimal) or (isinstance(v, int) and not isinstance(v, bool))
                                  for v in prices):
                    attrs[side] = _decimal(max(Decimal(v) for v in prices) * multiplier)
            located: set[str] = set()
            placed = not gap and not facts.typed(target, SEL + "SelfHostedTarget")
            for hop in hops:
                for prop in ("processingIn", "storageIn"):
                    stated = facts.first(list(hop), prop)
                    if not stated:
                        placed = False
                    for place in stated:
                        inner = expand(place)
                        if inner is None:
                            placed = False
                        else:
                            located.update(inner)
            attrs["places"] = [_ref("Place", p) for p in sorted(located)]
            attrs["places_complete"] = placed
            deployments.append({"uid": _entity("Deployment", cid), "attrs": attrs, "parents": []})
    return places, deployments, ids


def measure_cedar(data: Path, policy_path: Path, reps: dict[str, int]) -> dict:
    import cedarpy

    values = policy_values(policy_path)
    out: dict[str, Any] = {"rss_baseline_mb": rss_mb()}
    seconds, (places, deployments, ids) = timed(lambda: cedar_entities(data, values))
    out["entities_build"] = seconds
    seconds, policies = timed(lambda: cedarpy.PolicySet.from_str((BENCH / "policy.cedar").read_text(encoding="utf-8")))
    out["policy_parse"] = seconds

    # The places inside the jurisdiction, decided by Cedar over the Place hierarchy.
    principal = {"uid": _entity("Policy", "bench"), "parents": [],
                 "attrs": {"jurisdiction": _ref("Place", values["jurisdiction"])}}
    place_entities = cedarpy.Entities.from_json_str(json.dumps(places + [principal]))
    requests = [{"principal": _entity("Policy", "bench"), "action": _entity("Action", "locate"),
                 "resource": p["uid"], "context": {}} for p in places]
    located = cedarpy.is_authorized_batch(requests, policies, place_entities)
    inside = [p["uid"]["id"] for p, r in zip(places, located) if r.allowed]

    principal["attrs"].update({
        "min_context": values["min_context"],
        "training_on_inputs": values["training_on_inputs"],
        "max_input": _decimal(values["max_input"]),
        "max_output": _decimal(values["max_output"]),
        "residency_places": [_ref("Place", p) for p in inside],
    })
    document = json.dumps(places + [principal] + deployments)
    out["entities_json_mb"] = len(document) / 1e6
    seconds, entities = timed(lambda: cedarpy.Entities.from_json_str(document))  # noqa: F821 - document is bound just above; deleted after use
    out["entities_parse"] = seconds
    del document
    gc.collect()
    out["rss_after_load_mb"] = rss_mb()

    def request(cid: str) -> dict:
        return {"principal": _entity("Policy", "bench"), "action": _entity("Action", "deploy"),
                "resource": _entity("Deployment", cid), "context": {}}

    def decide_all() -> list[str]:
        allowed = []
        for start in range(0, len(ids), 5000):
            chunk = ids[start:start + 5000]
            results = cedarpy.is_authorized_batch([request(c) for c in chunk], policies, entities)
            allowed.extend(c for c, r in zip(chunk, results) if r.allowed)
        return sorted(allowed)

    times, allowed = repeat(decide_all, reps["cedar_all"])
    out["all_decisions"] = stats(times)
    # One decision at a time, over the same sample of candidates as Engine.check.
    sample = [request(name) for name in sample_ids(ids)]
    out["check_sample"] = len(sample)
    out["decision"] = stats(per_call(lambda one: cedarpy.is_authorized(one, policies, entities), sample,
                                     calls=reps["check"], budget=reps["budget"]))
    out["peak_rss_mb"] = peak_rss_mb()
    out["allowed"] = allowed
    return out


METHODS = ("selector", "snapshot", "cli", "rdflib", "oxigraph", "shacl", "cedar")


def run_worker(method: str, data: Path, policy: Path, reps: dict[str, int], extra: dict) -> dict:
    if method == "selector":
        return measure_selector(data, policy, reps, Path(extra["snapshot"]) if extra.get("snapshot") else None)
    if method == "snapshot":
        return measure_snapshot(Path(extra["snapshot"]), policy, reps)
    if method == "cli":
        return measure_cli(reps)
    if method == "rdflib":
        return measure_rdflib(data, policy, reps)
    if method == "oxigraph":
        return measure_oxigraph(data, policy, reps)
    if method == "shacl":
        return measure_shacl(data, policy, reps)
    if method == "cedar":
        return measure_cedar(data, policy, reps)
    raise SystemExit(f"unknown method {method}")


__all__ = ["METHODS", "run_worker"]
