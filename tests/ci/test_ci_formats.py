"""select and check in the CI formats (junit, sarif, github), --constraints - and --fail-on unknown, through CliRunner."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from sarif_check import check_sarif, schema_path

from selector.cli import cli
from selector.render import RENDERERS
from selector.render.github import escape_data, escape_property

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = "examples/eu-finetune-long-context.yaml"
POLICY = (ROOT / EXAMPLE).read_text(encoding="utf-8")
WARN = POLICY.replace("unknown: fail", "unknown: warn")
DENIED = "claude-opus-4.6@anthropic-api/global"     # fails residency, fine_tuning unknown
ALLOWED = "gemini-3.5-flash@vertex-ai/eu"
ON_UNKNOWN = "gpt-5.4@cortecs/default"               # allowed only under unknown: warn
#: The lines of the example that hold the keys its rules implement.
LINES = {"residency": 12, "fine_tuning": 13, "min_context_tokens": 14}


@pytest.fixture(autouse=True)
def _in_checkout(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)


def one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


# -- junit ------------------------------------------------------------------------


def test_select_junit_has_one_case_per_candidate() -> None:
    result = run("select", "--constraints", EXAMPLE, "--format", "junit")
    assert result.exit_code == 0
    suites = ET.fromstring(result.output)
    suite = suites.find("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == int(suite.get("tests")) == 2149
    assert int(suite.get("failures")) == 2145 == len([c for c in cases if c.find("failure") is not None])
    assert cases[0].get("name") == ALLOWED and cases[0].find("failure") is None
    denied = next(c for c in cases if c.get("name") == DENIED)
    failure = denied.find("failure")
    assert failure.get("type") == "denied" and "residency" in failure.get("message")
    assert denied.get("file") == EXAMPLE and denied.get("line") == str(LINES["residency"]), "the first rule that denies: failures before unknowns"
    assert {p.get("name") for p in suite.find("properties")} >= {"policy", "policy_fingerprint", "as_of", "tool"}


def test_check_junit_has_one_case_per_rule() -> None:
    result = run("check", DENIED, "--constraints", EXAMPLE, "--format", "junit")
    assert result.exit_code == 1
    cases = {c.get("name").split()[0]: c for c in ET.fromstring(result.output).iter("testcase")}
    assert set(cases) == {"fine_tuning", "licence", "min_context_tokens", "residency", "retired"}
    assert cases["residency"].find("failure").get("type") == "fail"
    assert cases["fine_tuning"].find("failure").get("type") == "unknown"
    assert cases["licence"].find("failure") is None
    assert cases["residency"].get("line") == str(LINES["residency"])


# -- sarif ------------------------------------------------------------------------


def test_select_sarif_is_valid_and_points_at_the_keys() -> None:
    result = run("select", "--constraints", EXAMPLE, "--format", "sarif")
    assert result.exit_code == 0
    results = check_sarif(result.output)
    residency = next(r for r in results if r["ruleId"] == "residency")
    place = residency["locations"][0]
    assert place["physicalLocation"]["artifactLocation"]["uri"] == EXAMPLE
    assert place["physicalLocation"]["region"]["startLine"] == LINES["residency"]
    assert place["logicalLocations"][0]["fullyQualifiedName"] == "require.residency"
    assert residency["level"] == "note", "candidates are allowed: denials are notes"
    run_properties = json.loads(result.output)["runs"][0]["properties"]
    assert run_properties["allowed"][0] == ALLOWED


def test_check_sarif_records_every_rule_and_levels() -> None:
    result = run("check", DENIED, "--constraints", EXAMPLE, "--format", "sarif")
    assert result.exit_code == 1
    by_rule = {r["ruleId"]: r for r in check_sarif(result.output)}
    assert by_rule["residency"]["level"] == "error" and by_rule["fine_tuning"]["level"] == "error"
    assert by_rule["licence"]["kind"] == "pass" and by_rule["licence"]["level"] == "none"
    assert by_rule["min_context_tokens"]["locations"][0]["physicalLocation"]["region"]["startLine"] == 14


def test_select_sarif_when_nothing_is_allowed_is_an_error_per_rule() -> None:
    strict = POLICY.replace("min_context_tokens: 200000", "min_context_tokens: 900000000")
    result = run("select", "--constraints", "-", "--format", "sarif", stdin=strict)
    assert result.exit_code == 1
    results = check_sarif(result.output)
    assert {r["level"] for r in results} == {"error"}
    assert all("physicalLocation" not in r["locations"][0] for r in results), "standard input has no file"
    assert "min_context_tokens" in {r["ruleId"] for r in results}


@pytest.mark.skipif(schema_path() is None, reason="no copy of the SARIF 2.1.0 schema at hand (see tests/ci/sarif_check.py)")
def test_the_official_schema_is_used_when_at_hand() -> None:
    assert json.loads(schema_path().read_text(encoding="utf-8"))["title"].startswith("Static Analysis Results Format")


# -- github -----------------------------------------------------------------------


def test_check_github_annotates_the_failing_keys() -> None:
    result = run("check", DENIED, "--constraints", EXAMPLE, "--format", "github")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    assert len(errors) == 2
    assert errors[1].startswith(f"::error file={EXAMPLE},line=12,title=selector%3A require.residency::{DENIED}: FAIL")
    assert lines[-1] == f"selector: {DENIED}: DENIED"


def test_select_github_on_nothing_allowed_and_on_stdin() -> None:
    strict = POLICY.replace("residency: EU", "residency: [EU, US]").replace("min_context_tokens: 200000",
                                                                            "min_context_tokens: 900000000")
    result = run("select", "--constraints", "-", "--format", "github", stdin=strict)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("::error ")]
    assert errors and all(line.startswith("::error title=selector%3A ") for line in errors)
    assert "0 allowed" in result.output.splitlines()[-1]


def test_github_escaping_follows_the_runner() -> None:
    assert escape_data("50% a\r\nb") == "50%25 a%0D%0Ab"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


@pytest.mark.parametrize("fmt", ["junit", "sarif", "github"])
def test_ci_formats_are_in_the_one_table(fmt: str) -> None:
    assert fmt in RENDERERS


# -- --constraints - and --fail-on unknown -----------------------------------------


@pytest.mark.parametrize("command", [["select"], ["check", ALLOWED], ["explain", ALLOWED]])
def test_constraints_from_stdin_give_what_the_file_gives(command: list[str]) -> None:
    from_file = run(*command, "--constraints", EXAMPLE)
    from_stdin = run(*command, "--constraints", "-", stdin=POLICY)
    assert from_stdin.exit_code == from_file.exit_code == 0
    assert from_stdin.output == from_file.output


def test_stdin_errors_name_stdin() -> None:
    line = one_line_error(run("select", "--constraints", "-", stdin="version: 1\nrequire:\n  residncy: EU\n"))
    assert line.startswith("selector: <stdin>:3: require.residncy: unknown key") and "did you mean 'residency'" in line
    assert one_line_error(run("check", ALLOWED, "--constraints", "-", stdin="")).startswith("selector: <stdin>: file is empty")
    assert "<stdin>:1" in one_line_error(run("explain", ALLOWED, "--constraints", "-", stdin="\x00"))


def test_stdin_policy_without_a_name_is_named_stdin() -> None:
    result = run("select", "--constraints", "-", "--format", "json", stdin="version: 1\nrequire: {residency: EU}\n")
    assert json.loads(result.output)["policy"]["name"] == "stdin"


def test_fail_on_unknown_exits_3_when_allowed_only_under_warn() -> None:
    assert run("select", "--constraints", "-", stdin=WARN).exit_code == 0
    assert run("select", "--constraints", "-", "--fail-on", "unknown", stdin=WARN).exit_code == 3
    assert run("select", "--constraints", EXAMPLE, "--fail-on", "unknown").exit_code == 0, "unknown: fail allows none on unknowns"
    assert run("check", ON_UNKNOWN, "--constraints", "-", stdin=WARN).exit_code == 0
    assert run("check", ON_UNKNOWN, "--constraints", "-", "--fail-on", "unknown", stdin=WARN).exit_code == 3
    assert run("check", DENIED, "--constraints", "-", "--fail-on", "unknown", stdin=WARN).exit_code == 1
    assert run("check", ALLOWED, "--constraints", EXAMPLE, "--fail-on", "unknown").exit_code == 0


def test_fail_on_unknown_turns_warnings_into_failures_in_the_ci_formats() -> None:
    warned = run("check", ON_UNKNOWN, "--constraints", "-", "--format", "sarif", stdin=WARN)
    levels = {r["ruleId"]: r["level"] for r in check_sarif(warned.output)}
    assert levels["fine_tuning"] == "warning"
    failing = run("check", ON_UNKNOWN, "--constraints", "-", "--format", "sarif", "--fail-on", "unknown", stdin=WARN)
    assert {r["ruleId"]: r["level"] for r in check_sarif(failing.output)}["fine_tuning"] == "error"
    junit = run("check", ON_UNKNOWN, "--constraints", "-", "--format", "junit", "--fail-on", "unknown", stdin=WARN)
    assert ET.fromstring(junit.output).get("failures") != "0"
    github = run("check", ON_UNKNOWN, "--constraints", "-", "--format", "github", stdin=WARN)
    assert any(line.startswith("::warning title=selector%3A require.fine_tuning::") for line in github.output.splitlines())


@pytest.mark.parametrize("args, expected", [
    (["select", "--constraints", EXAMPLE, "--fail-on", "unknwn"], "'unknwn' is not 'unknown'"),
    (["select", "--constraints", EXAMPLE, "--format", "sarf"], "'sarf' is not one of"),
    (["check", ALLOWED, "--constraints", EXAMPLE, "--format", "html"], "'html' is not one of"),
    (["policy", "lint", "-", "-"], "- (standard input) can be given once"),
    (["policy", "lint"], "Missing argument 'FILES...'"),
    (["kb", "validate", "--format", "xml"], "'xml' is not one of"),
])
def test_bad_arguments_are_one_line(args: list[str], expected: str) -> None:
    assert expected in one_line_error(run(*args, stdin=""))


def test_a_report_rendered_without_a_context_points_at_no_file() -> None:
    from selector.api import Selector

    chosen = Selector()
    report = chosen.select(chosen.load_policy(ROOT / EXAMPLE))
    results = check_sarif(RENDERERS["sarif"](report, True))
    assert results and all("physicalLocation" not in r["locations"][0] for r in results)
    assert " file=" not in RENDERERS["junit"](report, True)
