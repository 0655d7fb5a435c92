"""The answers the issues promise on the shipped knowledge base, through the Python API."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from selector.results import Verdict

ROOT = Path(__file__).resolve().parents[2]


def policy(shipped, tmp_path: Path, data: dict):
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "name": "acceptance", **data}), encoding="utf-8")
    return shipped.load_policy(path)


def result(decision, rule: str):
    return next(r for r in decision.results if r.rule == rule)


SELF_HOSTED_ONLY = {"provider_kinds": ["maker-api", "cloud-platform", "aggregator", "inference-host"]}
RUNTIMES = ("vllm", "ollama", "tgi", "llama-cpp", "lm-studio")


def self_hosted(report, *prefixes: str):
    """The self-hosted decisions for models whose slug starts with a prefix."""
    return [d for d in report.decisions if d.candidate.provider in RUNTIMES and d.candidate.model.startswith(prefixes)]


def test_mission_example_has_sourced_answers(shipped) -> None:
    report = shipped.select(shipped.load_policy(ROOT / "examples" / "eu-finetune-long-context.yaml"))
    allowed = report.allowed()
    assert allowed, "the mission's example must return candidates"
    for decision in allowed:
        for rule in ("residency", "fine_tuning", "min_context_tokens"):
            r = result(decision, rule)
            assert r.verdict is Verdict.PASS
            if decision.candidate.provider not in RUNTIMES or rule != "residency":
                assert r.evidence and all(e.source and e.as_of for e in r.evidence), (decision.candidate.id, rule)
    anthropic = [d for d in report.decisions if d.candidate.provider == "anthropic-api"]
    assert anthropic and all(not d.allowed for d in anthropic)
    for decision in anthropic:
        assert result(decision, "residency").verdict is Verdict.FAIL
        assert result(decision, "residency").remedy


def test_residency_eu_on_the_shipped_base(shipped, tmp_path: Path) -> None:
    report = shipped.select(policy(shipped, tmp_path, {"require": {"residency": "EU"}}))
    by_id = {d.candidate.id: d for d in report.decisions}
    assert by_id["gemini-3.5-flash@vertex-ai/eu"].allowed
    assert result(by_id["gemini-2.5-pro@vertex-ai/europe-west4"], "residency").verdict is Verdict.PASS
    for decision in report.decisions:
        c = decision.candidate
        if c.provider in ("anthropic-api", "deepseek-api") or (c.provider == "openrouter" and c.deployment == "default"):
            assert not decision.allowed, c.id
        if c.deployment in ("global", "global-profile"):
            assert result(decision, "residency").verdict is not Verdict.PASS, c.id
    routed = [d for d in report.decisions if d.candidate.provider == "openrouter"]
    assert routed and all("openrouter" in result(d, "residency").reason for d in routed)


def test_eu_domiciled_licensee_cannot_self_host_multimodal_llama(shipped, tmp_path: Path) -> None:
    p = policy(shipped, tmp_path, {
        "licensee": {"domicile": "DE", "monthly_active_users": 1000, "monthly_revenue_usd": 1000, "use": "commercial"},
        "require": {"input_modalities": ["image"], "open_weights": True},
        "exclude": SELF_HOSTED_ONLY,
    })
    report = shipped.select(p)
    llama = self_hosted(report, "llama-4", "llama-3.2")
    assert llama
    for decision in llama:
        assert not decision.allowed
        r = result(decision, "licence")
        assert r.verdict is Verdict.FAIL and "European Union" in r.reason, decision.candidate.id


def test_hosted_llama_makes_the_provider_the_licensee(shipped, tmp_path: Path) -> None:
    p = policy(shipped, tmp_path, {"licensee": {"domicile": "DE", "monthly_active_users": 1000}})
    decision = shipped.check("llama-4-scout@aws-bedrock/us-profile", p)
    r = result(decision, "licence")
    assert r.verdict is Verdict.PASS and "end user" in r.reason


def test_800m_users_deny_llama_and_allow_apache_qwen3(shipped, tmp_path: Path) -> None:
    p = policy(shipped, tmp_path, {
        "licensee": {"domicile": "US", "monthly_active_users": 800_000_000, "monthly_revenue_usd": 1, "use": "commercial"},
        "require": {"open_weights": True},
        "exclude": SELF_HOSTED_ONLY,
    })
    report = shipped.select(p)
    llama = self_hosted(report, "llama")
    qwen3 = self_hosted(report, "qwen3")
    assert llama and qwen3
    assert all(not d.allowed and result(d, "licence").verdict is Verdict.FAIL for d in llama)
    assert all(d.allowed for d in qwen3)


def test_commercial_use_denies_mistral_research_licence(shipped, tmp_path: Path) -> None:
    p = policy(shipped, tmp_path, {"require": {"licence": {"commercial_use": True}}, "exclude": SELF_HOSTED_ONLY})
    report = shipped.select(p)
    research = self_hosted(report, "mistral-large-2407", "mistral-large-2411")
    apache = self_hosted(report, "mistral-large-3", "mistral-small-3.2")
    assert research and apache
    assert all(not d.allowed for d in research)
    assert all("does not grant commercial use" in result(d, "licence").reason for d in research)
    assert all(d.allowed for d in apache)


def test_kimi_over_the_revenue_threshold_lists_the_display_duty(shipped, tmp_path: Path) -> None:
    p = policy(shipped, tmp_path, {
        "licensee": {"domicile": "US", "monthly_active_users": 1000, "monthly_revenue_usd": 30_000_000},
        "require": {"open_weights": True},
    })
    decision = shipped.check("kimi-k2.5@vllm/self-hosted", p)
    assert decision.allowed
    assert any("Kimi K2.5" in o.text for o in decision.obligations)
    under = policy(shipped, tmp_path, {
        "licensee": {"domicile": "US", "monthly_active_users": 1000, "monthly_revenue_usd": 1_000_000},
        "require": {"open_weights": True},
    })
    assert not any("Kimi K2.5" in o.text for o in shipped.check("kimi-k2.5@vllm/self-hosted", under).obligations)


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_allowed_result_has_sourced_evidence(shipped, example: Path) -> None:
    report = shipped.select(shipped.load_policy(example))
    for decision in report.allowed():
        for r in decision.results:
            for item in r.evidence:
                assert item.layer in report.knowledge_base.layers
                if item.layer != "ontology":
                    assert item.source and item.as_of, (decision.candidate.id, r.rule, item)


def test_an_internal_cluster_is_decided_on_its_own_terms() -> None:
    """Your own hosting: an overlay describing an internal cluster makes its deployments decidable, and you the licensee."""
    from selector.api import Selector

    selector = Selector(overlays=(ROOT / "examples" / "overlays" / "internal-cluster.trig",))
    report = selector.select(selector.load_policy(ROOT / "examples" / "internal-cluster.yaml"))
    allowed = {d.candidate.id: d for d in report.allowed()}
    assert set(allowed) == {"llama-3.3-70b@example-corp-inference/fra-gpu", "mistral-large-3@example-corp-inference/fra-gpu"}
    for decision in allowed.values():
        assert "your organisation's own service" in result(decision, "licence").reason
        assert all(r.verdict is Verdict.PASS for r in decision.results)
        assert any(e.layer == "internal-cluster.trig" for e in result(decision, "residency").evidence)


# --- Lifecycle: never recommend a retired model ----------------------------------------------

RETIRING = "gemini-2.5-pro@vertex-ai/europe-west4"  # Vertex AI retires it on 2026-10-20


@pytest.mark.parametrize(("as_of", "allowed"), [("2026-10-19", True), ("2026-10-20", False), (None, False)])
def test_as_of_moves_a_candidate_to_denied_when_its_retirement_passes(shipped, tmp_path: Path, as_of, allowed) -> None:
    from datetime import date

    p = policy(shipped, tmp_path, {"require": {"residency": "EU"}})
    if as_of is not None:
        p = p.on(date.fromisoformat(as_of))
    decision = shipped.check(RETIRING, p)
    assert decision.allowed is allowed
    retired = result(decision, "retired")
    assert retired.verdict is (Verdict.PASS if allowed else Verdict.FAIL)
    assert any(e.predicate == "sel:retiresOn" and e.object == "2026-10-20" and e.source and e.as_of
               for e in retired.evidence), "the trail cites the retirement date and its source"
    assert decision.lifecycle.retires_on == "2026-10-20"
    assert decision.lifecycle.status == ("deprecated" if allowed else "retired")


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.stem)
def test_no_example_allows_a_retired_deployment(shipped, example: Path) -> None:
    report = shipped.select(shipped.load_policy(example), denied=False)
    assert all(d.lifecycle.status != "retired" for d in report.allowed())
    assert "retired" in report.rules


def test_the_review_report_says_what_would_settle_the_unknowns(shipped) -> None:
    report = shipped.select(shipped.load_policy(ROOT / "examples" / "eu-finetune-long-context.yaml"))
    assert report.as_of and report.tool.startswith("selector ")
    assert report.policy.requirements["require"]["residency"] == ["EU"]
    assert report.facts.oldest <= report.facts.newest <= report.as_of
    assert report.unsettled and all(u.remedy for u in report.unsettled)
    on_unknown = {d.candidate.id for d in report.denied() if d.denied_on_unknown}
    for item in report.unsettled:
        unknown_here = {d.candidate.id for d in report.denied() if d.denied_on_unknown
                        and result(d, item.rule).verdict is Verdict.UNKNOWN}
        assert item.candidates == len(unknown_here) and unknown_here <= on_unknown
        assert item.example.split(":")[0] == min(unknown_here)
