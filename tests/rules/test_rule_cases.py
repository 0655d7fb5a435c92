"""Data-driven rule cases: each file in cases/ gives facts, a policy, a candidate and the expected verdict."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from casefiles import RuleCase, RuleCaseFile, read
from pydantic import ValidationError

from selector.checks import KINDS
from selector.engine import Engine
from selector.kb import lengths
from selector.kb.load import load_knowledge_base
from selector.paths import ontology_dir
from selector.policy import load_policy
from selector.rules import load_rules

HERE = Path(__file__).parent
CASES = HERE / "cases"
PREFIXES = (HERE / "world.trig").read_text(encoding="utf-8").split("src:world a sel:Source")[0]
PREFIXES += "@prefix licence: <https://w3id.org/selector/kb/licence/> .\n"
PREFIXES += "@prefix term: <https://w3id.org/selector/kb/licence-term/> .\n"
PREFIXES += "@prefix cert: <https://w3id.org/selector/kb/certification/> .\n"
PREFIXES += "@prefix odrl: <http://www.w3.org/ns/odrl/2/> .\n"
PREFIXES += "@prefix claim: <https://w3id.org/selector/kb/claim/> .\n"
PREFIXES += "@prefix conflict: <https://w3id.org/selector/kb/conflict/> .\n"
PREFIXES += "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"

RULES = load_rules(kinds=KINDS)


def _cases():
    for path in sorted(CASES.glob("*.yaml")):
        data = read(path, RuleCaseFile)
        for case in data.cases:
            yield pytest.param(data.rule, case, id=f"{path.stem}: {case.name}")


def _world(tmp_path: Path, facts: str) -> Path:
    root = tmp_path / "ontology"
    (root / "kb").mkdir(parents=True)
    shutil.copy(ontology_dir() / "selector.ttl", root / "selector.ttl")
    shutil.copy(HERE / "world.trig", root / "kb" / "world.trig")
    case = PREFIXES + (
        "src:case a sel:Source ; dcterms:title \"Rule case\" ; dcterms:source <https://example.org/case> ;\n"
        "    sel:asOf \"2026-02-01\"^^xsd:date .\n"
        f"src:case {{\n{facts}\n}}\n"
    )
    (root / "kb" / "case.trig").write_text(case, encoding="utf-8")
    lengths.write(root)  # as a maintainer does after editing the facts
    return root


@pytest.mark.parametrize("rule_id, case", list(_cases()))
def test_rule_case(tmp_path: Path, rule_id: str, case: RuleCase) -> None:
    root = _world(tmp_path, case.facts)
    engine = Engine(load_knowledge_base(base_dir=root), RULES)
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text(yaml.safe_dump({"version": 1, "name": "case", **case.policy}), encoding="utf-8")
    policy = load_policy(policy_file, engine.vocabulary())
    if case.as_of is not None:
        policy = policy.on(case.as_of)
    decision = engine.check(case.candidate, policy)
    results = {r.rule: r for r in decision.results}
    assert rule_id in results, f"rule {rule_id} did not run; ran {sorted(results)}"
    result = results[rule_id]
    assert result.verdict.value == case.expect, result.reason
    for text in case.reason_contains:
        assert text in result.reason, result.reason
    if result.verdict.value != "pass":
        assert result.remedy, "a failing or unknown result says what would have to change"
    if case.outcome is not None:
        assert decision.outcome == case.outcome
    for text in case.obligations:
        assert any(text in o.text for o in decision.obligations), decision.obligations


def test_every_rule_has_cases_for_each_verdict() -> None:
    seen: dict[str, set[str]] = {}
    for path in sorted(CASES.glob("*.yaml")):
        data = read(path, RuleCaseFile)
        assert path.stem == data.rule, f"{path.name} holds cases for {data.rule}"
        seen.setdefault(data.rule, set()).update(c.expect for c in data.cases)
    for rule in RULES:
        needed = {"pass", "fail", "unknown"} - CANNOT.get(rule.id, set())
        assert seen.get(rule.id, set()) >= needed, (
            f"rule {rule.id} needs {sorted(needed)} cases (has {sorted(seen.get(rule.id, set()))})"
        )


#: Verdicts some rules cannot give, and why.
CANNOT = {
    # The knowledge base records certifications held, never ones not held, so a
    # missing certification is unknown rather than a failure.
    "certifications": {"fail"},
    # Every candidate has a provider, so its slug is always known.
    "exclude_providers": {"unknown"},
}


def test_a_misspelt_key_in_a_case_file_fails(tmp_path: Path) -> None:
    """Case files are read through a model with a closed set of keys: a typo is an error, not a skipped check."""
    path = tmp_path / "typo.yaml"
    path.write_text(
        "rule: residency\ncases:\n  - name: typo\n    policy: {}\n    candidate: m@p/t\n    expect: pass\n"
        "    reason_contain: [EU]\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match="reason_contain"):
        read(path, RuleCaseFile)


def test_an_allow_list_of_makers_is_unknown_when_the_makers_may_be_more(tmp_path: Path) -> None:
    """An overlay states two makers without declaring how many there are: a third could be outside the list."""
    root = _world(tmp_path, "")
    overlay = tmp_path / "second-maker.trig"
    overlay.write_text(
        PREFIXES + "src:overlay a sel:Source ; dcterms:title \"Overlay\" ; dcterms:source <https://example.org/o> ;\n"
        "    sel:asOf \"2026-02-01\"^^xsd:date .\nsrc:overlay {\n  model:m1 sel:maker party:acme, party:euco .\n}\n",
        encoding="utf-8",
    )
    engine = Engine(load_knowledge_base((overlay,), base_dir=root), RULES)
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text("version: 1\nname: p\nonly:\n  makers: [acme, euco]\n", encoding="utf-8")
    decision = engine.check("m1@cloud/eu-central-1", load_policy(policy_file, engine.vocabulary()))
    result = next(r for r in decision.results if r.rule == "only_makers")
    assert result.verdict.value == "unknown", result.reason
    assert "values of sel:maker for" in result.reason and not decision.allowed
    selection = engine.selection(load_policy(policy_file, engine.vocabulary()))
    assert "m1@cloud/eu-central-1" not in selection.allowed_ids()


def test_lowest_workload_cost_ranks_by_the_estimate_and_unknown_prices_last(tmp_path: Path) -> None:
    """m1 costs 200 x (1,000 x $3 + 100 x $15) / 1M = $0.90 at each of its targets but eu-west-1, where a 1.1
    uplift makes it $0.99; m2 records no output price: it ranks last, saying why."""
    facts = (
        "offering:m1--cloud sel:inputPricePerMTok 3 ; sel:outputPricePerMTok 15 .\n"
        "target:cloud--eu-west-1 sel:priceMultiplier 1.1 .\n"
        "offering:m2--cloud sel:inputPricePerMTok 0.01 .\n"
    )
    engine = Engine(load_knowledge_base(base_dir=_world(tmp_path, facts)), RULES)
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text(yaml.safe_dump({
        "version": 1, "name": "rank", "prefer": ["lowest_workload_cost"],
        "workload": {"requests_per_month": 200, "input_tokens_per_request": 1000, "output_tokens_per_request": 100},
        "exclude": {"providers": ["router", "selfrun"]},
    }), encoding="utf-8")
    report = engine.select(load_policy(policy_file, engine.vocabulary()), denied=False)
    ranked = [(d.candidate.id, dict(d.ranked_by)["lowest_workload_cost"]) for d in report.allowed()]
    assert ranked[0] == ("m1@cloud/eu-central-1",
                         "$0.90/month = 200 requests x (1,000 input tokens x $3 + 100 output tokens x $15) / 1M")
    assert ranked[-2][0] == "m1@cloud/eu-west-1"
    assert ranked[-2][1].startswith("$0.99/month") and ranked[-2][1].endswith("(prices x 1.1 at eu-west-1)")
    assert ranked[-1] == ("m2@cloud/eu-central-1", "unknown: no output price recorded for m2@cloud; ranked last")
