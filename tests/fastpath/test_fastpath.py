"""The column-wise fast path decides exactly as rule-by-rule evaluation does.

``Engine.selection`` and ``Engine.allows`` decide each rule once per signature group
(``selector.signatures``) and spread the verdicts over every candidate. Here a
straightforward evaluation (``Engine.decide`` on every candidate, sorted the way the
ranking says) is the reference: on random knowledge bases and policies, and on the
shipped knowledge base with every example policy and random ones over every require
key, every candidate's outcome and every rule verdict must match.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle.harness import examples, pair, scratch
from oracle.worlds import LOC, OFFERING, PROVIDER, SEL, TARGET, Features, World, hand_world, policies, worlds
from rdflib import Literal
from rdflib.namespace import RDF

from selector.engine import Engine
from selector.engine.rank import rank_key
from selector.engine.selection import InconsistentDecision
from selector.errors import PolicyError
from selector.policy import Policy

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]


def reference(engine: Engine, policy: Policy) -> list[tuple[str, str, tuple]]:
    """Every candidate decided rule by rule: allowed ones in ranking order, then denied ones by id."""
    rules = engine.active_rules(policy)
    decided = [(c, engine.decide(c, policy, rules)) for c in engine.candidates]
    allowed = sorted((rank_key(engine, c, policy.prefer, policy.workload)[0], c.id, d) for c, d in decided if d.allowed)
    denied = [(c.id, d) for c, d in decided if not d.allowed]
    return [(cid, d.outcome, tuple((r.rule, r.verdict) for r in d.results)) for _, cid, d in allowed] + [
        (cid, d.outcome, tuple((r.rule, r.verdict) for r in d.results)) for cid, d in denied
    ]


def fast(engine: Engine, policy: Policy) -> list[tuple[str, str, tuple]]:
    """The same, from the columns: the selection's order and each candidate's quick decision."""
    selection = engine.selection(policy)
    out = []
    for index in selection.allowed + selection.denied:
        quick = engine.allows(engine.candidates[index].id, policy)
        out.append((quick.candidate, "allowed" if quick.allowed else "denied", quick.verdicts))
    assert [o[1] for o in out].count("allowed") == selection.summary.allowed == len(selection.allowed)
    return out


def assert_same(engine: Engine, policy: Policy) -> None:
    expected = reference(engine, policy)
    assert fast(engine, policy) == expected
    # A second policy object with the same content reuses the verdict tables: same answers.
    twin = policy.model_copy()
    assert fast(engine, twin) == expected
    report = engine.select(policy)
    assert [(d.candidate.id, d.outcome) for d in report.decisions] == [(e[0], e[1]) for e in expected]


@settings(max_examples=examples(150, 20000), deadline=None, suppress_health_check=SLOW_OK)
@given(st.data())
def test_random_knowledge_bases(data) -> None:
    world: World = data.draw(worlds(Features(odd_values=data.draw(st.booleans()))))
    policy_data = data.draw(policies(world, max_keys=10))
    with scratch() as root:
        both = pair(world, root)
        try:
            policy = both.policy(policy_data, root / "policy.yaml")
        except PolicyError:
            return
        assert_same(both.engine, policy)


T0, T1, OFFER = TARGET["p0--t0"], TARGET["p0--t1"], OFFERING["m0--p0"]
#: Two targets of one offering that differ in one fact a rule reads at the target: (facts, require).
SIBLINGS = {
    "price multiplier": (
        [(OFFER, SEL.inputPricePerMTok, Literal(3)), (OFFER, SEL.outputPricePerMTok, Literal(3)),
         (T1, SEL.priceMultiplier, Literal(2))],
        {"max_price_per_mtok": {"input": 5}},
    ),
    "fine-tuning limited to one target": (
        [(OFFER, SEL.fineTuning, Literal(True)), (OFFER, SEL.fineTuningAt, T0)],
        {"fine_tuning": True},
    ),
    "processing place": (
        [(PROVIDER.p0, SEL.storageIn, LOC.DE), (T0, SEL.processingIn, LOC.DE), (T1, SEL.processingIn, LOC.US)],
        {"residency": "EU"},
    ),
    "regions in two countries": (
        [(PROVIDER.p0, SEL.storageIn, LOC.DE), (T0, SEL.processingIn, TARGET.rde), (T1, SEL.processingIn, TARGET.rus),
         (TARGET.rde, RDF.type, SEL.Region), (TARGET.rde, SEL.country, LOC.DE),
         (TARGET.rus, RDF.type, SEL.Region), (TARGET.rus, SEL.country, LOC.US)],
        {"residency": "EU"},
    ),
    "storage place, judged apart from processing": (
        [(T0, SEL.processingIn, LOC.DE), (T1, SEL.processingIn, LOC.DE),
         (T0, SEL.storageIn, LOC.DE), (T1, SEL.storageIn, LOC.US)],
        {"residency": {"processing": "EU", "storage": "EU"}},
    ),
    "price multiplier under a monthly cost cap": (
        [(OFFER, SEL.inputPricePerMTok, Literal(3)), (OFFER, SEL.outputPricePerMTok, Literal(3)),
         (T1, SEL.priceMultiplier, Literal(2))],
        {"max_monthly_cost_usd": 1500},
    ),
    "training stated at the target": (
        [(PROVIDER.p0, SEL.trainsOnInputs, Literal(False)), (T1, SEL.trainsOnInputs, Literal(True))],
        {"training_on_inputs": False},
    ),
}


@pytest.mark.parametrize("name", sorted(SIBLINGS))
def test_targets_of_one_offering_are_told_apart(name: str) -> None:
    """Candidates that share an offering but not a target fact must not share a verdict."""
    triples, require = SIBLINGS[name]
    world = hand_world(
        (T1, RDF.type, SEL.DeploymentTarget), (T1, SEL.slug, Literal("t1")), (T1, SEL.provider, PROVIDER.p0),
        (OFFER, SEL.availableAt, T1), *triples,
    )
    with scratch() as root:
        both = pair(world, root)
        data = {"version": 1, "name": "siblings", "require": require, "unknown": "warn", **WORKLOAD}
        policy = both.policy(data, root / "policy.yaml")
        engine = both.engine
        assert_same(engine, policy)
        outcomes = {c.id: engine.allows(c.id, policy).allowed for c in engine.candidates}
    assert outcomes == {"m0@p0/t0": True, "m0@p0/t1": False}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_shipped_knowledge_base_examples(shipped, path: Path) -> None:
    assert_same(shipped.engine, shipped.load_policy(path))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_vectorised_columns_decide_the_same(shipped, path: Path, monkeypatch) -> None:
    """Large knowledge bases combine the columns with numpy: the same answers as the plain lists give."""
    import selector.engine.columns as columns

    policy = shipped.load_policy(path)
    plain = [(d.candidate.id, d.outcome) for d in shipped.engine.select(policy).decisions]
    monkeypatch.setattr(columns, "_VECTOR_FROM", 0)
    shipped.engine.columns._by_identity.clear()
    shipped.engine.columns._by_content.clear()
    assert_same(shipped.engine, policy)
    assert [(d.candidate.id, d.outcome) for d in shipped.engine.select(policy).decisions] == plain


#: Values for every require key over the shipped knowledge base's names, loosest to tightest where ordered.
SHIPPED_VALUES = {
    "residency": ["EU", "US", ["EU", "CH"], "DE", {"processing": "EU", "storage": "EEA"}, {"storage": "US"}],
    "min_context_tokens": [8000, 128000, 200000, 1000000],
    "min_output_tokens": [4000, 32000, 128000],
    "max_retention_days": [30, 1, 0],
    "training_on_inputs": [False, True],
    "zero_data_retention": [True, False],
    "tool_calling": [True, False],
    "open_weights": [True, False],
    "private_networking": [True, False],
    "fine_tuning": [True, False],
    "input_modalities": [["text"], ["text", "image"], ["audio"]],
    "output_modalities": [["text"], ["image"]],
    "max_price_per_mtok": [{"input": 5}, {"output": 20}, {"input": 1, "output": 4}],
    "provider_headquarters": [["US"], ["EU"], ["FR", "DE"]],
    "certifications": [["iso-27001"], ["soc-2-type-2"], ["iso-27001", "iso-42001"]],
    "licence": [{"commercial_use": True}, {"commercial_use": True, "modify": True}, {"spdx": ["Apache-2.0", "MIT"]}],
    "serving_precision": [["fp8"], ["bf16", "fp16", "fp8"], ["int4", "mxfp4"]],
    "min_tool_call_success": [0.95, 1],
    "max_monthly_cost_usd": [500, 5000, 50000],
}
ONLY = [
    {"models": ["claude-sonnet-*", "gpt-5*"]},
    {"makers": ["anthropic", "mistral-ai"], "providers": ["aws-bedrock", "vertex-ai", "openrouter"]},
    {"providers": ["*-api"]},
]
#: A month of use, for the monthly cost cap and lowest_workload_cost (300,000 requests of 1,000 and 200 tokens).
WORKLOAD = {"workload": {"requests_per_month": 300_000, "input_tokens_per_request": 1000,
                         "output_tokens_per_request": 200, "cached_input_share": 0.25}}
LICENSEES = [
    None,
    {"domicile": "DE", "monthly_active_users": 2_000_000, "monthly_revenue_usd": 5_000_000, "use": "commercial"},
    {"domicile": "US", "monthly_active_users": 900_000_000, "use": "research"},
]


@st.composite
def shipped_policies(draw) -> dict:
    keys = draw(st.lists(st.sampled_from(sorted(SHIPPED_VALUES)), min_size=1, max_size=5, unique=True))
    data: dict = {"version": 1, "name": "random", "require": {k: draw(st.sampled_from(SHIPPED_VALUES[k])) for k in keys}}
    licensee = draw(st.sampled_from(LICENSEES))
    if licensee:
        data["licensee"] = licensee
    if draw(st.booleans()):
        data["self_hosting"] = {"jurisdiction": draw(st.sampled_from(["EU", "US", "DE"]))}
    if draw(st.booleans()):
        data["exclude"] = {"provider_kinds": [draw(st.sampled_from(["aggregator", "maker-api", "self-hosted"]))]}
    if draw(st.booleans()):
        data.setdefault("exclude", {})["provider_headquarters"] = [draw(st.sampled_from(["CN", "US", "EU"]))]
    if draw(st.booleans()):
        data["only"] = draw(st.sampled_from(ONLY))
    data["prefer"] = draw(st.lists(st.sampled_from(["lowest_price", "largest_context", "newest", "lowest_workload_cost"]),
                                   max_size=2, unique=True))
    if "max_monthly_cost_usd" in data["require"] or "lowest_workload_cost" in data["prefer"]:
        data.update(WORKLOAD)
    data["unknown"] = draw(st.sampled_from(["fail", "warn"]))
    return data


# Each example evaluates every shipped candidate rule by rule (about 1,650 since the catalog layer).
@settings(max_examples=examples(8, 2000), deadline=None, suppress_health_check=SLOW_OK)
@given(shipped_policies())
def test_shipped_knowledge_base_random_policies(shipped, tmp_path_factory, data) -> None:
    path = tmp_path_factory.mktemp("policy") / "policy.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    try:
        policy = shipped.load_policy(path)
    except PolicyError:
        return  # a combination the policy checks refuse (a licence with no licensee, say)
    assert_same(shipped.engine, policy)


def test_a_wrong_column_verdict_is_refused_not_reported(shipped) -> None:
    """If a verdict table ever disagreed with the rules, the report is refused rather than returned."""
    engine = pickle.loads(pickle.dumps(shipped.engine))  # a copy whose tables may be spoilt
    policy = shipped.load_policy(ROOT / "examples" / "eu-finetune-long-context.yaml")
    selection = engine.selection(policy)
    first = selection.allowed[0]
    column = selection.state.columns[0]
    selection.state.tables[0][column.groups[first]] = 2  # claim a fail the rules do not give
    with pytest.raises(InconsistentDecision, match="internal error"):
        selection.report()
    with pytest.raises(InconsistentDecision):
        engine.allows(engine.candidates[first].id, policy).trail()


def test_verdict_tables_are_not_kept_in_the_snapshot(shipped) -> None:
    policy = shipped.load_policy(EXAMPLES[0])
    shipped.engine.selection(policy)
    copy = pickle.loads(pickle.dumps(shipped.engine))
    assert copy.columns.columns.keys() == shipped.engine.columns.columns.keys()
    assert not copy.columns._by_content and not copy.columns._by_identity
    assert [d.outcome for d in copy.select(policy).decisions] == [d.outcome for d in shipped.engine.select(policy).decisions]
