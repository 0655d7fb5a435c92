"""``selector policy lint`` (selector/lint.py): unsatisfiable and contradictory requirements.

Hand-written knowledge bases pin each kind of finding and its line; a property over
random knowledge bases checks that lint has findings on the rules exactly when
``select`` allows nothing; the command is run through CliRunner.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from oracle.harness import examples, pair, scratch
from oracle.worlds import (
    DPV,
    LOC,
    MODEL,
    OFFERING,
    ORG,
    PROVIDER,
    SEL,
    TARGET,
    Features,
    hand_world,
    policies,
    worlds,
)
from rdflib import Literal
from rdflib.namespace import RDF

import selector.paths
from selector.cli.policy import policy
from selector.errors import PolicyError
from selector.lint import Finding, lint
from selector.paths import ontology_dir
from selector.policy import load_policy
from selector.yamlfile import read_yaml

TESTS = Path(__file__).resolve().parents[1]

#: Keys lint reports whatever the knowledge base says (a key other keys make pointless).
POINTLESS = {"self_hosting", "require.licence.commercial_use", "workload"}


def _world(*extra):
    """Three deployments of m0: p0 (a cloud run by an EU company, in DE, 128K context, tool calling,
    SOC2), p1 (a cloud run by a US company, in the US, 32K context), self (a self-hosted runtime).
    Switzerland is a country nothing runs in."""
    o0, o1, t0, t1 = ORG.o0, ORG.o1, TARGET["p0--t0"], TARGET["p1--t0"]
    return hand_world(
        (LOC.CH, RDF.type, DPV.Country), (TARGET["self--t0"], RDF.type, SEL.SelfHostedTarget),
        (ORG.o0, RDF.type, SEL.Organisation), (ORG.o0, SEL.headquarters, LOC.DE),
        (ORG.o1, RDF.type, SEL.Organisation), (ORG.o1, SEL.headquarters, LOC.US),
        (PROVIDER.p0, SEL.operator, o0), (PROVIDER.p1, SEL.operator, o1),
        (t0, SEL.processingIn, LOC.DE), (t0, SEL.storageIn, LOC.DE),
        (t1, SEL.processingIn, LOC.US), (t1, SEL.storageIn, LOC.US),
        (MODEL.m0, SEL.contextWindow, Literal(32000)), (OFFERING["m0--p0"], SEL.contextWindow, Literal(128000)),
        (MODEL.m0, SEL.inputModality, SEL.Text), (MODEL.m0, SEL.toolCalling, Literal(True)),
        (MODEL.m0, SEL.openWeights, Literal(True)),
        (PROVIDER.p0, SEL.certification, SEL.SOC2Placeholder),
        (SEL.SOC2Placeholder, RDF.type, SEL.Certification), (SEL.SOC2Placeholder, SEL.slug, Literal("SOC2")),
        (SEL.ISOPlaceholder, RDF.type, SEL.Certification), (SEL.ISOPlaceholder, SEL.slug, Literal("ISO27001")),
        *extra,
        kinds={"p0": SEL.CloudPlatform, "p1": SEL.CloudPlatform, "self": SEL.SelfHostedRuntime},
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return pair(_world(), tmp_path_factory.mktemp("lint-world"))


@pytest.fixture(scope="module")
def priced(tmp_path_factory):
    """The same world where p1's offering is priced: $3 input, $15 output per million tokens."""
    offering = OFFERING["m0--p1"]
    prices = ((offering, SEL.inputPricePerMTok, Literal(3)), (offering, SEL.outputPricePerMTok, Literal(15)))
    return pair(_world(*prices), tmp_path_factory.mktemp("lint-priced"))


def _lint(both, tmp_path: Path, text: str) -> list[Finding]:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_policy(path, both.engine.vocabulary())
    return list(lint(loaded, both.engine, document=read_yaml(path, error=PolicyError)))


def _short(findings: list[Finding]) -> list[tuple[str, str, int | None]]:
    return [(f.key, f.kind, f.line) for f in findings]


def test_a_policy_some_deployment_meets_has_no_findings(world, tmp_path) -> None:
    text = "version: 1\nname: ok\nrequire:\n  residency: EU\n  min_context_tokens: 100000\n  tool_calling: true\n"
    assert _lint(world, tmp_path, text) == []


def test_context_above_every_window(world, tmp_path) -> None:
    findings = _lint(world, tmp_path, "version: 1\nname: big\nrequire:\n  tool_calling: true\n  min_context_tokens: 500000\n")
    assert _short(findings) == [("require.min_context_tokens", "unsatisfiable", 5)]
    assert "largest context window recorded is 128000" in findings[0].reason
    assert findings[0].one_line().startswith(f"{tmp_path / 'policy.yaml'}:5: require.min_context_tokens: ")


def test_a_modality_no_model_accepts_is_reported_on_its_item(world, tmp_path) -> None:
    findings = _lint(world, tmp_path, "version: 1\nname: m\nrequire:\n  input_modalities:\n    - text\n    - audio\n")
    assert _short(findings) == [("require.input_modalities[1]", "unsatisfiable", 6)]
    assert "audio" in findings[0].reason


def test_a_certification_no_provider_holds(world, tmp_path) -> None:
    findings = _lint(world, tmp_path, "version: 1\nname: c\nrequire:\n  certifications: [SOC2, ISO27001]\n")
    assert _short(findings) == [("require.certifications[1]", "unsatisfiable", 4)]
    assert "ISO27001" in findings[0].reason


def test_a_residency_no_processing_place_satisfies(world, tmp_path) -> None:
    text = "version: 1\nname: r\nrequire:\n  residency: CH\nself_hosting:\n  jurisdiction: US\n"
    findings = _lint(world, tmp_path, text)
    assert _short(findings) == [("require.residency", "unsatisfiable", 4)]
    assert "no processing location" in findings[0].reason


def test_a_split_residency_is_reported_on_its_side(world, tmp_path) -> None:
    text = ("version: 1\nname: r\nrequire:\n  residency:\n    processing: EU\n    storage: CH\n"
            "self_hosting:\n  jurisdiction: US\n")
    findings = _lint(world, tmp_path, text)
    assert _short(findings) == [("require.residency.storage", "unsatisfiable", 6)]
    assert "no storage location" in findings[0].reason


def test_residency_and_headquarters_that_cannot_co_occur(world, tmp_path) -> None:
    text = ("version: 1\nname: r\nrequire:\n  residency: EU\n  provider_headquarters: [US]\n"
            "exclude:\n  provider_kinds: [self-hosted]\n")
    findings = _lint(world, tmp_path, text)
    assert _short(findings) == [("require.provider_headquarters", "contradiction", 5)]
    assert "require.residency" in findings[0].reason


def test_open_weights_while_excluding_every_kind_that_serves_them(world, tmp_path) -> None:
    text = ("version: 1\nname: o\nrequire:\n  open_weights: true\n  residency: EU\n"
            "self_hosting:\n  jurisdiction: US\nexclude:\n  provider_kinds: [cloud-platform]\n")
    findings = _lint(world, tmp_path, text)
    assert ("exclude.provider_kinds", "contradiction", 9) in _short(findings)


def test_self_hosting_while_excluding_self_hosted_runtimes(world, tmp_path) -> None:
    text = "version: 1\nname: s\nself_hosting:\n  jurisdiction: EU\nexclude:\n  provider_kinds: [self-hosted]\n"
    assert _short(_lint(world, tmp_path, text)) == [("self_hosting", "contradiction", 3)]


def test_self_hosting_while_refusing_open_weights(world, tmp_path) -> None:
    text = "version: 1\nname: s\nrequire:\n  open_weights: false\nself_hosting:\n  jurisdiction: EU\n"
    findings = _lint(world, tmp_path, text)
    assert ("self_hosting", "contradiction", 5) in _short(findings)


def test_commercial_use_asked_of_a_research_licensee(world, tmp_path) -> None:
    text = "version: 1\nname: l\nlicensee:\n  use: research\nrequire:\n  licence: {commercial_use: true}\n"
    findings = _lint(world, tmp_path, text)
    assert ("require.licence.commercial_use", "contradiction", 6) in _short(findings)


def test_a_pair_that_excludes_each_other_is_reported_on_the_later_key(world, tmp_path) -> None:
    """The context needs p0, the headquarters need p1."""
    text = ("version: 1\nname: t\nrequire:\n  residency: [EU, US]\n  min_context_tokens: 64000\n"
            "  provider_headquarters: [US]\nexclude:\n  provider_kinds: [self-hosted]\n")
    findings = _lint(world, tmp_path, text)
    assert _short(findings) == [("require.provider_headquarters", "contradiction", 6)]
    assert "require.min_context_tokens" in findings[0].reason


def test_requirements_that_only_fail_all_together(world, tmp_path) -> None:
    """Residency lets p0 and self through, headquarters p1 and self, the exclusion p0 and p1: no one gets all three."""
    text = ("version: 1\nname: t\nrequire:\n  residency: EU\n  provider_headquarters: [US]\n"
            "exclude:\n  providers: [self]\nself_hosting:\n  jurisdiction: EU\n")
    findings = _lint(world, tmp_path, text)
    assert _short(findings) == [("require", "contradiction", 3), ("self_hosting", "contradiction", 8)]
    assert "exclude.providers, require.provider_headquarters, require.residency" in findings[0].reason


WORKLOAD = ("workload:\n  requests_per_month: 200000\n  input_tokens_per_request: 6000\n"
            "  output_tokens_per_request: 800\n")


def test_a_workload_no_deployment_has_prices_for(world, tmp_path) -> None:
    text = "version: 1\nname: w\nprefer: [lowest_workload_cost]\n" + WORKLOAD
    findings = _lint(world, tmp_path, text)
    assert _short(findings) == [("workload", "unsatisfiable", 4)]
    assert "records both an input and an output price" in findings[0].reason


def test_a_cost_cap_with_no_priced_deployment(world, tmp_path) -> None:
    text = "version: 1\nname: w\nrequire:\n  max_monthly_cost_usd: 5000\n" + WORKLOAD
    findings = _lint(world, tmp_path, text)
    assert _short(findings) == [("require.max_monthly_cost_usd", "unsatisfiable", 4), ("workload", "unsatisfiable", 5)]


def test_a_cost_cap_below_the_cheapest_deployment(priced, tmp_path) -> None:
    """200,000 x (6,000 x $3 + 800 x $15) / 1M = $6,000 a month on p1, the only priced deployment."""
    text = "version: 1\nname: w\nrequire:\n  max_monthly_cost_usd: 5000\n" + WORKLOAD
    findings = _lint(priced, tmp_path, text)
    assert _short(findings) == [("require.max_monthly_cost_usd", "unsatisfiable", 4)]
    assert "lowest estimated monthly cost of the workload is $6,000.00, more than $5,000.00" in findings[0].reason
    assert _lint(priced, tmp_path, text.replace("5000", "6000")) == []


def test_a_workload_priced_only_where_other_requirements_deny(priced, tmp_path) -> None:
    """Only p1 is priced, and residency in the EU leaves p0 (and self-hosting) alone."""
    text = "version: 1\nname: w\nrequire:\n  residency: EU\nprefer: [lowest_workload_cost]\n" + WORKLOAD
    findings = _lint(priced, tmp_path, text)
    assert _short(findings) == [("workload", "unsatisfiable", 6)]
    assert _lint(priced, tmp_path, text.replace("residency: EU", "residency: US")) == []


def test_a_workload_nothing_uses(priced, tmp_path) -> None:
    findings = _lint(priced, tmp_path, "version: 1\nname: w\n" + WORKLOAD)
    assert _short(findings) == [("workload", "contradiction", 3)]


# ---------------------------------------------------------------------------
# Lint and select agree
# ---------------------------------------------------------------------------


@st.composite
def _cases(draw):
    world = draw(worlds(Features()))
    return world, draw(policies(world))


@settings(max_examples=examples(40, 5000), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_cases())
def test_lint_has_findings_exactly_when_select_allows_nothing(case) -> None:
    world, data = case
    with scratch() as root:
        both = pair(world, root)
        assume(both.engine.candidates)
        path = root / "policy.yaml"
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        loaded = load_policy(path, both.engine.vocabulary())
        findings = [f for f in lint(loaded, both.engine) if f.key not in POINTLESS]
        allowed = [d for d in both.engine.select(loaded).decisions if d.allowed]
    assert bool(findings) == (not allowed), (findings, [d.candidate.id for d in allowed], data)


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------


@pytest.fixture
def small_base(tmp_path, monkeypatch):
    """The rule-case world as the shipped knowledge base, for the command's tests."""
    base = tmp_path / "ontology"
    (base / "kb").mkdir(parents=True)
    shutil.copy(ontology_dir() / "selector.ttl", base / "selector.ttl")
    shutil.copy(TESTS / "rules" / "world.trig", base / "kb" / "world.trig")
    shipped = selector.paths._data
    monkeypatch.setattr(selector.paths, "_data", lambda name: base if name == "ontology" else shipped(name))
    monkeypatch.setenv("SELECTOR_CACHE_DIR", "off")
    return base


def _run(*args: str):
    return CliRunner().invoke(policy, ["lint", *map(str, args)])


def test_command_exit_codes(small_base, tmp_path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("version: 1\nname: good\nexclude:\n  providers: [router]\n", encoding="utf-8")
    result = _run(good)
    assert (result.exit_code, result.output.splitlines()) == (
        0, [f"no findings: every requirement in {good} can be met by some deployment"])

    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nname: bad\nexclude:\n  providers: [cloud, router, selfrun]\n", encoding="utf-8")
    result = _run(bad)
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == f"1 finding in {bad}"
    assert result.output.splitlines()[0].startswith(f"{bad}:4: exclude.providers: no deployment passes it")

    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\nrequire:\n  residncy: EU\n", encoding="utf-8")
    result = _run(broken)
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"selector: {broken}:3: require.residncy: unknown key; did you mean 'residency'?"]


def test_command_json(small_base, tmp_path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("version: 1\nname: p\nexclude:\n  provider_kinds: [cloud-platform, aggregator, self-hosted]\n",
                    encoding="utf-8")
    result = _run(path, "--format", "json")
    assert result.exit_code == 1
    [finding] = json.loads(result.output)
    assert finding["key"] == "exclude.provider_kinds" and finding["line"] == 4 and finding["kind"] == "unsatisfiable"


def test_command_help_has_examples() -> None:
    result = CliRunner().invoke(policy, ["lint", "--help"])
    assert result.exit_code == 0 and "Example" in result.output


# ---------------------------------------------------------------------------
# Allow-lists against exclusions
# ---------------------------------------------------------------------------


def test_an_allow_list_the_exclusions_empty_is_one_finding(world, tmp_path) -> None:
    text = "version: 1\nname: o\nonly:\n  providers: [p0]\nexclude:\n  providers: [p0]\n"
    findings = _lint(world, tmp_path, text)
    assert _short(findings) == [("only.providers", "contradiction", 4)]
    assert "every provider it allows is excluded by exclude.providers" in findings[0].reason


def test_a_pattern_whose_every_match_is_excluded(world, tmp_path) -> None:
    text = "version: 1\nname: o\nonly:\n  providers: ['p*']\nexclude:\n  providers: [p0, p1]\n"
    assert _short(_lint(world, tmp_path, text)) == [("only.providers", "contradiction", 4)]


def test_an_allow_list_entry_the_exclusions_take_back(world, tmp_path) -> None:
    text = "version: 1\nname: o\nonly:\n  providers:\n    - p0\n    - p1\nexclude:\n  providers: [p1]\n"
    findings = _lint(world, tmp_path, text)
    assert _short(findings) == [("only.providers[1]", "contradiction", 6)]
    assert "'p1' allows only providers that exclude.providers excludes" in findings[0].reason


def test_an_allow_list_that_contradicts_another_requirement(world, tmp_path) -> None:
    """p1 is in the US: an allow-list of p1 and EU residency cannot both be met."""
    text = "version: 1\nname: o\nrequire:\n  residency: EU\nonly:\n  providers: [p1]\n"
    findings = _lint(world, tmp_path, text)
    assert _short(findings) == [("only.providers", "contradiction", 6)]
    assert "require.residency" in findings[0].reason


def test_a_met_allow_list_still_names_its_excluded_entry(world, tmp_path) -> None:
    text = "version: 1\nname: o\nonly:\n  models: ['m*']\n  providers: [p0, p1]\nexclude:\n  providers: [p1]\n"
    assert _short(_lint(world, tmp_path, text)) == [("only.providers[1]", "contradiction", 5)]
