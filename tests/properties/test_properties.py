"""Properties of the engine over random small knowledge bases (see tests/oracle/worlds.py).

* Tightening a policy (a stricter threshold, a new requirement, a narrower list, a
  new exclusion, ``unknown: fail`` for ``warn``) never adds an allowed candidate.
* Under ``unknown: fail``, deleting a fact never turns a denied candidate into an
  allowed one.
* The output of ``select --format json`` does not depend on the names or order of
  the knowledge-base files, on the order the rule files are found in, or on
  ``PYTHONHASHSEED``; splitting the same facts over other files changes only the
  knowledge base's fingerprint.

``SELECTOR_LONG=1`` runs each property on many more examples.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from oracle.harness import RULES, examples, pair, scratch
from oracle.worlds import (
    EXCLUDE_KEYS,
    MODALITIES,
    REQUIRE_KEYS,
    SEL,
    SKOS,
    THRESHOLDS,
    Features,
    Layout,
    World,
    exclusion,
    policies,
    requirement,
    worlds,
)

from selector.checks import KINDS as CHECK_KINDS
from selector.engine import Engine
from selector.errors import PolicyError
from selector.paths import rules_dir
from selector.render import RENDERERS
from selector.rules import load_rules

ROOT = Path(__file__).resolve().parents[2]
SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]


def _allowed(both, data: dict, path: Path) -> set[str]:
    report = both.engine.select(both.policy(data, path))
    return {d.candidate.id for d in report.decisions if d.allowed}


# ---------------------------------------------------------------------------
# Tightening
# ---------------------------------------------------------------------------


@st.composite
def tightened(draw, data: dict, world: World) -> tuple[str, dict]:
    """A stricter copy of a policy, and what was changed."""
    out = copy.deepcopy(data)
    require = out.setdefault("require", {})
    moves = ["add"]
    for key in THRESHOLDS:
        if key in require:
            moves.append(key)
    if isinstance(require.get("residency"), list) and len(require["residency"]) > 1:
        moves.append("residency")
    if len(require.get("provider_headquarters", [])) > 1:
        moves.append("provider_headquarters")
    for key in ("input_modalities", "output_modalities"):
        if key in require and len(require[key]) < len(MODALITIES):
            moves.append(key)
    if require.get("zero_data_retention") is False:
        moves.append("zero_data_retention")
    if out.get("unknown") == "warn":
        moves.append("unknown")
    moves.append("exclude")
    move = draw(st.sampled_from(moves))
    if move == "add":
        missing = [k for k in REQUIRE_KEYS if k not in require]
        if not missing:
            return "nothing", out
        key = draw(st.sampled_from(missing))
        require[key] = draw(requirement(key, world))
        if key in ("min_output_tokens", "min_context_tokens") and {"min_output_tokens", "min_context_tokens"} <= set(require):
            if require["min_output_tokens"] > require["min_context_tokens"]:
                del require[key]
                return "nothing", out
        return f"add require.{key}", out
    if move in THRESHOLDS:
        scale = THRESHOLDS[move]
        if move == "max_price_per_mtok":
            side = draw(st.sampled_from(sorted(require[move])))
            stricter = [v for v in scale if v < require[move][side]]
            if stricter:
                require[move][side] = draw(st.sampled_from(stricter))
            return f"lower {move}.{side}", out
        current = scale.index(require[move]) if require[move] in scale else 0
        if current + 1 < len(scale):
            require[move] = draw(st.sampled_from(scale[current + 1:]))
        if move == "min_context_tokens" and require.get("min_output_tokens", 0) > require[move]:
            return "nothing", copy.deepcopy(data)
        return f"tighten {move}", out
    if move in ("residency", "provider_headquarters"):
        values = list(require[move])
        values.remove(draw(st.sampled_from(values)))
        require[move] = values
        return f"narrow {move}", out
    if move in ("input_modalities", "output_modalities"):
        extra = draw(st.sampled_from([m for m in MODALITIES if m not in require[move]]))
        require[move] = sorted(require[move] + [extra])
        return f"widen {move}", out
    if move == "zero_data_retention":
        require[move] = True
        return "require zero data retention", out
    if move == "unknown":
        out["unknown"] = "fail"
        return "unknown: fail", out
    key = draw(st.sampled_from(EXCLUDE_KEYS))
    section = out.setdefault("exclude", {})
    section[key] = sorted(set(section.get(key, [])) | set(draw(exclusion(key, world))))
    return f"exclude {key}", out


@st.composite
def tightening_cases(draw):
    world = draw(worlds(Features()))
    data = draw(policies(world, max_keys=3))
    change, stricter = draw(tightened(data, world))
    return world, data, change, stricter


@settings(max_examples=examples(90, 20000), deadline=None, suppress_health_check=SLOW_OK)
@given(tightening_cases())
def test_tightening_never_adds_an_allowed_candidate(case) -> None:
    world, data, change, stricter = case
    with scratch() as root:
        both = pair(world, root)
        before = _allowed(both, data, root / "before.yaml")
        try:
            after = _allowed(both, stricter, root / "after.yaml")
        except PolicyError:
            return  # tightened past what a policy may say (more output than context): refused, so nothing allowed
    assert after <= before, f"{change} allowed {sorted(after - before)}\n{stricter}\n{world.dump()}"


# ---------------------------------------------------------------------------
# Deleting facts
# ---------------------------------------------------------------------------

#: Properties whose statements make up a list another fact says is complete (an
#: aggregator's routes or a zone's members, declared complete by the world, an
#: upstream's targets, a bloc's member countries, the regions a global endpoint's
#: provider runs), or that switch what the other facts mean (an aggregator's kind):
#: deleting one edits the list rather than leaving a gap. (These random worlds are
#: given list lengths counted after the deletion; the shipped base's lengths are fixed,
#: and tests/properties/test_deletion.py deletes each of its statements in turn.)
#: test_forgotten_route_is_not_a_pass covers a route list that is not said to be complete.
CLOSED_WORLD = frozenset({
    SEL.routesTo, SEL.routeFrom, SEL.routeAt, SEL.routeTo, SEL.routeToTarget, SEL.availableAt,
    SEL.memberRegion, SEL.providerKind,
    SEL.provider,  # which regions a global endpoint spans
    SKOS.broader,
})


@st.composite
def deletion_cases(draw):
    world = draw(worlds(Features(overrides=False)))
    data = draw(policies(world))
    data["unknown"] = "fail"
    facts = [i for i in world.fact_indices() if world.statements[i].p not in CLOSED_WORLD]
    index = draw(st.sampled_from(facts))
    return world, data, index


@settings(max_examples=examples(70, 20000), deadline=None, suppress_health_check=SLOW_OK)
@given(deletion_cases())
def test_deleting_a_fact_never_allows_a_denied_candidate(case) -> None:
    world, data, index = case
    with scratch() as root:
        before = pair(world, root / "before")
        policy = before.policy(data, root / "policy.yaml")
        denied = {d.candidate.id for d in before.engine.select(policy).decisions if not d.allowed}
        smaller = pair(world.without(index), root / "after")
        try:  # the deleted fact may have been the policy's only use of a name (a country's type, a slug)
            smaller.policy(data, root / "policy.yaml")
        except PolicyError:
            reject()
        after = smaller.engine.select(policy)
    allowed = {d.candidate.id for d in after.decisions if d.allowed}
    deleted = world.statements[index]
    assert not (denied & allowed), (
        f"deleting [{deleted.graph}] {deleted.s.n3()} {deleted.p.n3()} {deleted.o.n3()} "
        f"allowed {sorted(denied & allowed)}\n{data}\n{world.dump()}"
    )


def test_forgotten_route_is_not_a_pass() -> None:
    """A route list no source says is complete is open: forgetting one route cannot allow the deployment."""
    from oracle.worlds import LOC, OFFERING, PROVIDER, hand_world

    kinds = {"agg": SEL.Aggregator, "p0": SEL.CloudPlatform, "p1": SEL.CloudPlatform}
    facts = [
        (PROVIDER[name], prop, place)
        for name, place in (("agg", LOC.DE), ("p0", LOC.DE), ("p1", LOC.US))
        for prop in (SEL.processingIn, SEL.storageIn)
    ]
    full = hand_world(*facts, (OFFERING["m0--agg"], SEL.routesTo, OFFERING["m0--p0"]),
                  (OFFERING["m0--agg"], SEL.routesTo, OFFERING["m0--p1"]), kinds=kinds)
    forgotten = hand_world(*facts, (OFFERING["m0--agg"], SEL.routesTo, OFFERING["m0--p0"]), kinds=kinds)
    data = {"version": 1, "name": "eu", "require": {"residency": "EU"}}
    with scratch() as root:
        denied_before = "m0@agg/t0" not in _allowed(pair(full, root / "a"), data, root / "a.yaml")
        allowed_after = "m0@agg/t0" in _allowed(pair(forgotten, root / "b"), data, root / "b.yaml")
    assert denied_before
    assert not allowed_after


# ---------------------------------------------------------------------------
# Determinism
# ---------------------------------------------------------------------------


def _json(world: World, data: dict, root: Path, layout: Layout, rules=RULES) -> str:
    both = pair(world, root, layout)
    report = Engine(both.kb, rules).select(both.policy(data, root / "policy.yaml"))
    return RENDERERS["json"](report, True)


def _without_fingerprint(text: str) -> dict:
    data = json.loads(text)
    data["knowledge_base"].pop("fingerprint")
    return data


#: Other ways to split the base facts over files (an overlay's name is its layer's name, so it stays).
LAYOUTS = st.sampled_from([
    Layout(a=("z.trig",), b=("a.trig",)),
    Layout(a=("one/x.trig", "two/y.trig", "m.trig"), b=("0.trig",)),
    Layout(a=("b.trig",), b=("b.trig",)),
    Layout(a=("q/2.trig", "q/1.trig"), b=("p/9.trig", "p/10.trig")),
])


@st.composite
def layout_cases(draw):
    world = draw(worlds(Features()))
    return world, draw(policies(world)), draw(LAYOUTS)


@settings(max_examples=examples(35, 5000), deadline=None, suppress_health_check=SLOW_OK)
@given(layout_cases())
def test_splitting_the_facts_differently_does_not_change_the_decisions(case) -> None:
    """The same facts split over other files give the same JSON, but for the fingerprint (a digest of the files' bytes)."""
    world, data, layout = case
    with scratch() as root:
        first = _json(world, data, root / "one", Layout())
        second = _json(world, data, root / "two", layout)
    assert _without_fingerprint(first) == _without_fingerprint(second)


#: The same two files (graph a in one, graph b in the other) under other names and in another order.
RENAMINGS = st.sampled_from([
    Layout(a=("x.trig",), b=("y.trig",)),
    Layout(a=("z/last.trig",), b=("a/first.trig",)),
    Layout(a=("b.trig",), b=("a.trig",)),
])


@st.composite
def renaming_cases(draw):
    world = draw(worlds(Features()))
    return world, draw(policies(world)), draw(RENAMINGS)


@settings(max_examples=examples(25, 5000), deadline=None, suppress_health_check=SLOW_OK)
@given(renaming_cases())
def test_file_names_and_order_do_not_change_the_output_bytes(case) -> None:
    """Renaming and reordering the knowledge-base files changes not one byte of select --format json."""
    world, data, layout = case
    with scratch() as root:
        first = _json(world, data, root / "one", Layout(a=("a.trig",), b=("b.trig",)))
        second = _json(world, data, root / "two", layout)
    assert first == second


@settings(max_examples=examples(10, 2000), deadline=None, suppress_health_check=SLOW_OK)
@given(layout_cases(), st.randoms(use_true_random=False))
def test_rule_file_order_does_not_change_the_output(case, rng) -> None:
    """Rules spread over several --rules folders, given in any order, give the same JSON bytes."""
    world, data, _ = case
    ids = [r.id for r in RULES]
    rng.shuffle(ids)
    with scratch() as root:
        shipped, empty = rules_dir(), root / "shipped"
        empty.mkdir()
        folders = [root / name for name in ("r1", "r2", "r3")]
        for folder in folders:
            folder.mkdir()
        for i, rule_id in enumerate(ids):
            shutil.copy(shipped / f"{rule_id}.yaml", folders[i % 3] / f"{rule_id}.yaml")
        rng.shuffle(folders)
        with mock.patch("selector.rules.rules_dir", lambda: empty):
            shuffled = load_rules(tuple(folders), kinds=CHECK_KINDS)
        first = _json(world, data, root / "one", Layout(), rules=RULES)
        second = _json(world, data, root / "two", Layout(), rules=shuffled)
    assert [r.id for r in shuffled] == [r.id for r in RULES]
    assert first == second


def test_pythonhashseed_does_not_change_the_output(tmp_path: Path) -> None:
    """select --format json on the shipped knowledge base, in fresh interpreters with different hash seeds."""
    policy = ROOT / "examples" / "eu-sovereign-providers.yaml"
    command = [sys.executable, "-c", "from selector.cli import main; main()",
               "select", "--constraints", str(policy), "--format", "json"]
    runs = []
    for seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "SELECTOR_CACHE_DIR": "off"}
        runs.append(subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    outputs = []
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode in (0, 1), err.decode()
        outputs.append(out)
    assert outputs[0] and outputs[0] == outputs[1]
