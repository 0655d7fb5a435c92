"""policy lint and kb validate over many files, in text, json and sarif, through CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sarif_check import check_sarif

from selector.cli import cli

ROOT = Path(__file__).resolve().parents[2]
CLEAN = ["examples/eu-finetune-long-context.yaml", "examples/zero-retention-contract.yaml"]
FINDINGS = "examples/internal-cluster.yaml"  # without its overlay, three requirements no deployment meets
OVERLAYS = ["examples/overlays/anthropic-zdr-contract.trig", "examples/overlays/internal-cluster.trig"]


@pytest.fixture(autouse=True)
def _in_checkout(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)


def test_lint_many_files_text() -> None:
    result = run("policy", "lint", *CLEAN, FINDINGS)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"no findings: every requirement in {CLEAN[0]} can be met by some deployment"
    assert lines[-1] == f"3 findings in {FINDINGS}"
    assert all(line.startswith(f"{FINDINGS}:") for line in lines[2:-1])
    assert run("policy", "lint", *CLEAN).exit_code == 0


def test_lint_json_and_sarif_name_file_and_line() -> None:
    findings = json.loads(run("policy", "lint", *CLEAN, FINDINGS, "--format", "json").output)
    assert len(findings) == 3 and {f["file"] for f in findings} == {FINDINGS}
    result = run("policy", "lint", *CLEAN, FINDINGS, "--format", "sarif")
    assert result.exit_code == 1
    results = check_sarif(result.output)
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results] == [f["line"] for f in findings]
    assert {r["ruleId"] for r in results} <= {"unsatisfiable", "contradiction"}
    assert check_sarif(run("policy", "lint", *CLEAN, "--format", "sarif").output) == []


def test_lint_reads_stdin() -> None:
    text = (ROOT / FINDINGS).read_text(encoding="utf-8")
    result = run("policy", "lint", "-", stdin=text)
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith("<stdin>:14: require.private_networking:")
    assert result.output.splitlines()[-1] == "3 findings in <stdin>"


def test_lint_stops_at_an_unreadable_file_with_one_line() -> None:
    result = run("policy", "lint", CLEAN[0], "no/such/policy.yaml")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == ["selector: no/such/policy.yaml: file not found"]


def test_kb_validate_many_overlays_in_every_format() -> None:
    text = run("kb", "validate", *OVERLAYS)
    assert text.exit_code == 0 and text.output.startswith("knowledge base is valid")
    data = json.loads(run("kb", "validate", *OVERLAYS, "--format", "json").output)
    assert data["valid"] is True and data["findings"] == [] and data["facts"] > 0
    assert check_sarif(run("kb", "validate", *OVERLAYS, "--format", "sarif").output) == []


def test_kb_validate_findings_in_json_and_sarif(tmp_path: Path) -> None:
    bad = tmp_path / "bad.trig"
    bad.write_text("@prefix model: <https://w3id.org/selector/model/> .\n"
                   "@prefix sel: <https://w3id.org/selector#> .\n"
                   "<urn:x:g> { model:foo sel:contextWindow 5 . }\n", encoding="utf-8")
    result = run("kb", "validate", OVERLAYS[0], str(bad), "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.output)["findings"]
    assert findings and {f["file"] for f in findings} == {str(bad)} and findings[0]["line"] == 3
    sarif = run("kb", "validate", OVERLAYS[0], str(bad), "--format", "sarif")
    assert sarif.exit_code == 1
    results = check_sarif(sarif.output)
    assert results[0]["level"] == "error" and results[0]["ruleId"] == "violation"
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == bad.as_uri()


def test_kb_validate_old_sources_are_sarif_warnings() -> None:
    result = run("kb", "validate", "--max-age", "100000", "--format", "sarif")
    assert result.exit_code == 0
    assert check_sarif(result.output) == []
    data = json.loads(run("kb", "validate", "--max-age", "0", "--as-of", "2100-01-01", "--format", "json").output)
    assert data["findings"] and {f["level"] for f in data["findings"]} == {"warning"}
    assert {f["check"] for f in data["findings"]} == {"stale-source"}


def test_kb_validate_unreadable_overlay_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    result = run("kb", "validate", str(bad), "--format", "sarif")
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
