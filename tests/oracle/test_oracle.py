"""The engine and an independent oracle (``oracle.py``) agree on random small knowledge bases.

Each example is a fresh random world (see ``worlds.py``) and a random policy over it
(any of the require keys the oracle implements, exclusions, a self-hosting choice,
``unknown: fail`` or ``warn``); every candidate's outcome, and every requirement's
verdict, must be the same from both. ``SELECTOR_LONG=1`` runs 100,000 examples
instead of 1,000 (see README.md).

A second comparison adds ill-typed and repeated facts. Every difference these
comparisons found has its own test at the bottom, with the smallest knowledge base
that shows it, kept as a regression test now that the engine agrees.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Literal
from rdflib.namespace import RDF

from selector.errors import PolicyError

from .harness import examples, minimise, pair, scratch
from .worlds import (
    DPV,
    LOC,
    MODEL,
    OFFERING,
    ORG,
    PROVIDER,
    ROUTE,
    SEL,
    SKOS,
    TARGET,
    Features,
    World,
    hand_world,
    policies,
    worlds,
)

SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]


@st.composite
def cases(draw, features: Features = Features()):
    world = draw(worlds(features))
    return world, draw(policies(world))


def _problems(world: World, data: dict, *, fast: bool = True) -> list[str]:
    with scratch() as root:
        both = pair(world, root, fast=fast)
        try:
            policy = both.policy(data, root / "policy.yaml")
        except PolicyError:
            return []  # a smaller world may lack a name the policy uses
        return both.disagreements(policy)


def _final_run() -> bool:
    """Whether hypothesis is replaying the failing example it will report (shrinking is over)."""
    try:
        from hypothesis.control import current_build_context

        return bool(current_build_context().is_final)
    except Exception:  # outside a hypothesis test, or an older hypothesis: shrink anyway
        return True


def _check(world: World, data: dict) -> None:
    problems = _problems(world, data)
    if problems and _final_run():
        world = minimise(world, lambda smaller: bool(_problems(smaller, data)))
        problems = _problems(world, data)
    assert not problems, (
        "engine and oracle disagree:\n" + "\n".join(problems)
        + "\n\npolicy:\n" + yaml.safe_dump(data, sort_keys=False)
        + "\nknowledge base (every statement the disagreement needs):\n" + world.dump()
    )


@settings(max_examples=examples(400), deadline=None, suppress_health_check=SLOW_OK)
@given(cases())
def test_engine_agrees_with_the_oracle(case) -> None:
    world, data = case
    _check(world, data)


@settings(max_examples=examples(15, 2000), deadline=None, suppress_health_check=SLOW_OK)
@given(cases())
def test_fast_load_is_faithful(case) -> None:
    """The harness's shortcut (ontology parsed once) decides exactly as a full load does."""
    world, data = case
    reports = []
    for fast in (True, False):
        with scratch() as root:
            both = pair(world, root, fast=fast)
            reports.append(both.engine.select(both.policy(data, root / "policy.yaml")))
    assert reports[0].decisions == reports[1].decisions


def test_oracle_sees_every_candidate_kind() -> None:
    """A sanity check of the oracle on a hand-written world: allowed, denied, and denied on unknown."""
    w = World()
    for s, p, o in (
        (LOC.DE, RDF.type, DPV.Country), (LOC.US, RDF.type, DPV.Country),
        (LOC.EU, RDF.type, DPV.SupraNationalUnion), (LOC.DE, SKOS.broader, LOC.EU),
        (MODEL.m0, RDF.type, SEL.Model), (MODEL.m0, SEL.slug, Literal("m0")),
        (PROVIDER.p0, RDF.type, SEL.Provider), (PROVIDER.p0, SEL.slug, Literal("p0")),
        (PROVIDER.p0, SEL.providerKind, SEL.CloudPlatform),
        (OFFERING["m0--p0"], RDF.type, SEL.Offering), (OFFERING["m0--p0"], SEL.model, MODEL.m0),
        (OFFERING["m0--p0"], SEL.provider, PROVIDER.p0),
    ):
        w.add("a", s, p, o)
    for slug, country in (("de", LOC.DE), ("us", LOC.US), ("open", None)):
        target = TARGET[f"p0--{slug}"]
        w.add("a", target, RDF.type, SEL.Region)
        w.add("a", target, SEL.slug, Literal(slug))
        w.add("a", OFFERING["m0--p0"], SEL.availableAt, target)
        w.add("a", target, SEL.processingIn, target)
        w.add("a", target, SEL.storageIn, target)
        if country is not None:
            w.add("a", target, SEL.country, country)
    with scratch() as root:
        both = pair(w, root)
        policy = both.policy({"version": 1, "name": "eu", "require": {"residency": "EU"}}, root / "p.yaml")
        answers = both.oracle.decide(policy)
        assert not both.disagreements(policy)
    assert {cid: (a.allowed, a.verdicts["residency"]) for cid, a in answers.items()} == {
        "m0@p0/de": (True, "pass"),
        "m0@p0/us": (False, "fail"),
        "m0@p0/open": (False, "unknown"),
    }


# ---------------------------------------------------------------------------
# Ill-typed and repeated facts, and the differences found with them
# ---------------------------------------------------------------------------


@settings(max_examples=examples(100, 20000), deadline=None, suppress_health_check=SLOW_OK)
@given(cases(Features(odd_values=True)))
def test_engine_agrees_with_the_oracle_on_odd_facts(case) -> None:
    """Words where numbers, flags, places or organisations are expected, and two values where one is usual."""
    world, data = case
    _check(world, data)


def _decide(world: World, require: dict, unknown: str = "fail", exclude: dict | None = None):
    """The engine's report, the oracle's answers and their disagreements, for one hand-written world and policy."""
    with scratch() as root:
        both = pair(world, root)
        data = {"version": 1, "name": "case", "require": require, "unknown": unknown}
        if exclude:
            data["exclude"] = exclude
        policy = both.policy(data, root / "p.yaml")
        return both.engine.select(policy), both.oracle.decide(policy), both.disagreements(policy)


def _agrees(world: World, require: dict, unknown: str = "fail", exclude: dict | None = None) -> None:
    _, _, problems = _decide(world, require, unknown, exclude)
    assert not problems, "\n".join(problems)


def test_chained_aggregators_follow_every_hop() -> None:
    """An aggregator routing to another aggregator: the second one's upstreams are on the data path too."""
    kinds = {"agg": SEL.Aggregator, "agg2": SEL.Aggregator, "p0": SEL.CloudPlatform}
    world = hand_world(
        (OFFERING["m0--agg"], SEL.routesTo, OFFERING["m0--agg2"]), (OFFERING["m0--agg"], SEL.routesComplete, Literal(True)),
        (OFFERING["m0--agg2"], SEL.routesTo, OFFERING["m0--p0"]), (OFFERING["m0--agg2"], SEL.routesComplete, Literal(True)),
        (PROVIDER.agg, SEL.processingIn, LOC.DE), (PROVIDER.agg, SEL.storageIn, LOC.DE),
        (PROVIDER.agg2, SEL.processingIn, LOC.DE), (PROVIDER.agg2, SEL.storageIn, LOC.DE),
        (PROVIDER.p0, SEL.processingIn, LOC.US), (PROVIDER.p0, SEL.storageIn, LOC.US),
        kinds=kinds,
    )
    _agrees(world, {"residency": "EU"})


def test_a_pinned_route_to_two_upstreams_puts_both_on_the_path() -> None:
    """A pinned route naming two upstream offerings may use either: the second one is not ignored.

    Found by the long odd-facts run: the engine read only the first upstream, so an
    upstream that trains on inputs could have been missed and the candidate allowed.
    """
    kinds = {"agg": SEL.Aggregator, "p0": SEL.CloudPlatform, "p1": SEL.CloudPlatform}
    pin = ROUTE["m0--agg-pin"]
    world = hand_world(
        (pin, RDF.type, SEL.Route), (pin, SEL.routeFrom, OFFERING["m0--agg"]), (pin, SEL.routeAt, TARGET["agg--t0"]),
        (pin, SEL.routeTo, OFFERING["m0--p0"]), (pin, SEL.routeTo, OFFERING["m0--p1"]),
        (PROVIDER.agg, SEL.trainsOnInputs, Literal(False)), (PROVIDER.p0, SEL.trainsOnInputs, Literal(False)),
        (PROVIDER.p1, SEL.trainsOnInputs, Literal(True)),
        kinds=kinds,
    )
    report, _, problems = _decide(world, {"training_on_inputs": False})
    assert not problems, "\n".join(problems)
    decision = next(d for d in report.decisions if d.candidate.id == "m0@agg/t0")
    assert decision.outcome == "denied" and next(r for r in decision.results if r.rule == "training_on_inputs").verdict.value == "fail"


def _orgs(*extra):
    """Organisations o0 (in DE) and o1 (in the US), plus extra triples."""
    return (
        (ORG.o0, RDF.type, SEL.Organisation), (ORG.o0, SEL.slug, Literal("o0")), (ORG.o0, SEL.headquarters, LOC.DE),
        (ORG.o1, RDF.type, SEL.Organisation), (ORG.o1, SEL.slug, Literal("o1")), (ORG.o1, SEL.headquarters, LOC.US),
        *extra,
    )


_T0, _O0 = TARGET["p0--t0"], OFFERING["m0--p0"]

#: Each: the facts (added to hand_world's), the policy's require, exclude and unknown.
#: In every case the engine once allowed m0@p0/t0 where the rule files' semantics deny it; each is
#: now a regression test.
WRONGLY_ALLOWED = {
    "a maker headquartered somewhere the knowledge base cannot place passes exclude.maker_headquarters": (
        [(ORG.o0, RDF.type, SEL.Maker), (ORG.o0, SEL.slug, Literal("o0")), (MODEL.m0, SEL.maker, ORG.o0),
         (ORG.o0, SEL.headquarters, LOC.ZZ)],
        {}, {"maker_headquarters": ["DE"]}, "fail"),
    "literal operator passes provider_headquarters": (
        [(PROVIDER.p0, SEL.operator, Literal("Some Cloud Inc."))],
        {"provider_headquarters": ["EU"]}, None, "fail"),
    "second operator not checked": (
        _orgs((PROVIDER.p0, SEL.operator, ORG.o0), (PROVIDER.p0, SEL.operator, ORG.o1, "b")),
        {"provider_headquarters": ["EU"]}, None, "fail"),
    "second headquarters not checked": (
        _orgs((PROVIDER.p0, SEL.operator, ORG.o0), (ORG.o0, SEL.headquarters, LOC.US, "b")),
        {"provider_headquarters": ["EU"]}, None, "fail"),
    "second parent company not checked": (
        _orgs((ORG.o2, RDF.type, SEL.Organisation), (ORG.o2, SEL.headquarters, LOC.DE),
              (PROVIDER.p0, SEL.operator, ORG.o2), (ORG.o2, SEL.parentOrganisation, ORG.o0),
              (ORG.o2, SEL.parentOrganisation, ORG.o1, "b")),
        {"provider_headquarters": ["EU"]}, None, "fail"),
    "second country of a region not checked": (
        [(_T0, RDF.type, SEL.Region), (_T0, SEL.country, LOC.DE), (_T0, SEL.country, LOC.US, "b"),
         (_T0, SEL.processingIn, _T0), (_T0, SEL.storageIn, _T0)],
        {"residency": "EU"}, None, "fail"),
    "second maker not checked by exclude.makers": (
        _orgs((ORG.o0, RDF.type, SEL.Maker), (ORG.o1, RDF.type, SEL.Maker),
              (MODEL.m0, SEL.maker, ORG.o0), (MODEL.m0, SEL.maker, ORG.o1, "b")),
        {}, {"makers": ["o1"]}, "fail"),
    "literal maker headquarters passes exclude.maker_headquarters": (
        [(ORG.o0, RDF.type, SEL.Maker), (ORG.o0, SEL.slug, Literal("o0")), (MODEL.m0, SEL.maker, ORG.o0),
         (ORG.o0, SEL.headquarters, Literal("Berlin"))],
        {}, {"maker_headquarters": ["DE"]}, "fail"),
    "smaller of two price multipliers used": (
        [(_T0, SEL.priceMultiplier, Literal(Decimal("1.1"))), (_T0, SEL.priceMultiplier, Literal(Decimal("2")), "b"),
         (_O0, SEL.inputPricePerMTok, Literal(60))],
        {"max_price_per_mtok": {"input": 100}}, None, "fail"),
    "unreadable price multiplier taken as 1": (
        [(_T0, SEL.priceMultiplier, Literal("high")), (_O0, SEL.inputPricePerMTok, Literal(3))],
        {"max_price_per_mtok": {"input": 100}}, None, "fail"),
    "price over the cap is unknown when another price is unreadable": (
        [(_O0, SEL.inputPricePerMTok, Literal(30)), (_O0, SEL.inputPricePerMTok, Literal("about 3"), "b")],
        {"max_price_per_mtok": {"input": 5}}, None, "warn"),
    "fine-tuning stated false is unknown when another value is unreadable": (
        [(_O0, SEL.fineTuning, Literal(False)), (_O0, SEL.fineTuning, Literal("maybe"), "b")],
        {"fine_tuning": True}, None, "warn"),
    "fine-tuning offered only at other targets is unknown when the flag is unreadable": (
        [(_O0, SEL.fineTuning, Literal("yes")), (_O0, SEL.fineTuningAt, TARGET["p0--elsewhere"])],
        {"fine_tuning": True}, None, "warn"),
    "the licence rule reads the first of two open-weights values": (
        [(MODEL.m0, SEL.openWeights, Literal(False)), (MODEL.m0, SEL.openWeights, Literal(True), "b"),
         (_O0, SEL.fineTuning, Literal(True))],
        {"fine_tuning": True}, None, "fail"),
    "a maker headquartered in a bloc passes the exclusion of a member country": (
        [(ORG.o0, RDF.type, SEL.Maker), (ORG.o0, SEL.slug, Literal("o0")), (MODEL.m0, SEL.maker, ORG.o0),
         (ORG.o0, SEL.headquarters, LOC.EU), (LOC.FR, RDF.type, DPV.Country), (LOC.FR, SKOS.broader, LOC.EU)],
        {}, {"maker_headquarters": ["DE"]}, "fail"),
}




def _allowed_by_both(facts, require, exclude, unknown) -> tuple[bool, bool, list[str]]:
    report, answers, problems = _decide(hand_world(*facts), require, unknown, exclude)
    engine = {d.candidate.id: d.allowed for d in report.decisions}
    return engine["m0@p0/t0"], answers["m0@p0/t0"].allowed, problems


@pytest.mark.parametrize("facts, require, exclude, unknown", WRONGLY_ALLOWED.values(), ids=WRONGLY_ALLOWED.keys())
def test_no_longer_wrongly_allowed(facts, require, exclude, unknown) -> None:
    """Each case once allowed by the engine is denied by both evaluators."""
    engine, oracle, problems = _allowed_by_both(facts, require, exclude, unknown)
    assert not oracle
    assert engine == oracle, "\n".join(problems)


def test_a_maker_is_excluded_by_its_slug_not_its_iri() -> None:
    """Naming a maker by its IRI's last part (which once passed the vocabulary, then matched nothing) is refused."""
    world = hand_world((ORG.acme, RDF.type, SEL.Maker), (ORG.acme, SEL.slug, Literal("acme-corp")),
                       (MODEL.m0, SEL.maker, ORG.acme))
    with pytest.raises(PolicyError, match="unknown maker 'acme'"):
        _decide(world, {}, exclude={"makers": ["acme"]})
    report, answers, problems = _decide(world, {}, exclude={"makers": ["acme-corp"]})
    assert not problems and not answers["m0@p0/t0"].allowed


