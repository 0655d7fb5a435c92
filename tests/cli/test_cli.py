"""The command line through click's CliRunner: exit codes, one-line errors, outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from selector.cli import cli
from selector.policy import policy_json_schema

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "eu-finetune-long-context.yaml"


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


def test_schema_prints_the_policy_schema() -> None:
    result = run("schema")
    assert result.exit_code == 0
    assert json.loads(result.output) == json.loads(json.dumps(policy_json_schema(), sort_keys=True))


def test_rules_list_names_every_rule() -> None:
    result = run("rules", "list")
    assert result.exit_code == 0
    assert "residency" in result.output and "require.residency" in result.output


def test_rules_show_and_unknown_rule() -> None:
    assert "Data residency" in run("rules", "show", "residency").output
    line = one_line_error(run("rules", "show", "residncy"))
    assert "did you mean 'residency'" in line


def test_every_command_has_an_example_in_its_help() -> None:
    for args in (["select"], ["check"], ["explain"], ["schema"], ["rules", "list"], ["rules", "show"],
                 ["kb", "validate"], ["kb", "stats"]):
        result = run(*args, "--help")
        assert result.exit_code == 0
        assert "Example" in result.output, args


def test_missing_constraints_is_one_line() -> None:
    line = one_line_error(run("select"))
    assert "--constraints" in line


def test_bad_policy_is_one_line_with_file_and_line(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("version: 1\nrequire:\n  residncy: EU\n", encoding="utf-8")
    line = one_line_error(run("select", "--constraints", policy))
    assert f"{policy}:3: require.residncy: unknown key; did you mean 'residency'?" in line


def test_unknown_candidate_is_one_line() -> None:
    line = one_line_error(run("check", "no-such-model@nowhere/x", "--constraints", EXAMPLE))
    assert "unknown candidate" in line


def test_malformed_candidate_is_one_line() -> None:
    line = one_line_error(run("check", "just-a-name", "--constraints", EXAMPLE))
    assert "MODEL@PROVIDER/DEPLOYMENT" in line


def test_broken_overlay_is_one_line(tmp_path: Path) -> None:
    overlay = tmp_path / "ours.trig"
    overlay.write_text("@prefix sel: <https://w3id.org/selector/ns#> .\nsel:a sel:b sel:c .\nthis is not turtle\n")
    line = one_line_error(run("select", "--constraints", EXAMPLE, "--kb", overlay))
    assert "ours.trig:3" in line


def test_rules_dir_with_unknown_kind_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "our_rule.yaml").write_text(
        "id: our_rule\npolicy_key: require.our_rule\ntitle: t\ndescription: d\n"
        "check:\n  kind: magic\nmessages: {pass: p, fail: f, unknown: u}\n",
        encoding="utf-8",
    )
    line = one_line_error(run("rules", "list", "--rules", tmp_path))
    assert "our_rule.yaml:6: check.kind: unknown check kind 'magic'; valid kinds:" in line


def test_output_file_is_written_whole(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run("select", "--constraints", EXAMPLE, "--format", "json", "--output", out)
    assert result.exit_code in (0, 1)
    assert json.loads(out.read_text(encoding="utf-8"))["policy"]["name"] == "eu-finetune-long-context"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_bad_input_leaves_no_output_file(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("version: 1\nrequire: {min_context_tokens: lots}\n", encoding="utf-8")
    out = tmp_path / "report.json"
    one_line_error(run("select", "--constraints", policy, "--output", out))
    assert not out.exists()


def test_output_to_a_directory_is_one_line(tmp_path: Path) -> None:
    line = one_line_error(run("select", "--constraints", EXAMPLE, "--output", tmp_path))
    assert "is a directory" in line


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "text", "html"])
def test_repeated_runs_are_byte_identical(fmt: str) -> None:
    first = run("select", "--constraints", EXAMPLE, "--format", fmt, "--show-denied").output
    second = run("select", "--constraints", EXAMPLE, "--format", fmt, "--show-denied").output
    assert first == second


def test_an_overlay_fact_overrides_the_base_and_says_so() -> None:
    policy = ROOT / "examples" / "zero-retention-contract.yaml"
    overlay = ROOT / "examples" / "overlays" / "anthropic-zdr-contract.trig"
    candidate = "claude-sonnet-4.6@anthropic-api/us"
    assert run("check", candidate, "--constraints", policy).exit_code == 1
    result = run("explain", candidate, "--constraints", policy, "--kb", overlay)
    assert result.exit_code == 0, result.output
    assert "layer anthropic-zdr-contract.trig" in result.output
    assert "overrides 30.0 from layer base" in result.output
    report = json.loads(run("select", "--constraints", policy, "--kb", overlay, "--format", "json").output)
    assert report["knowledge_base"]["layers"] == ["ontology", "catalog", "base", "anthropic-zdr-contract.trig"]


def test_html_report_escapes_what_it_shows(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text('version: 1\nname: "<script>alert(1)</script>"\nrequire: {residency: EU}\n', encoding="utf-8")
    result = run("select", "--constraints", policy, "--format", "html")
    assert result.exit_code in (0, 1)
    assert "<script>alert" not in result.output and "&lt;script&gt;" in result.output


def test_model_at_provider_names_its_one_deployment() -> None:
    result = run("check", "command-r-plus@cohere-api", "--constraints", EXAMPLE, "--format", "json")
    assert result.exit_code in (0, 1)
    assert json.loads(result.output)["candidate"]["id"] == "command-r-plus@cohere-api/default"


def test_ambiguous_model_at_provider_lists_the_deployments() -> None:
    line = one_line_error(run("check", "gpt-4o@azure-openai", "--constraints", EXAMPLE))
    assert "deployments" in line and "gpt-4o@azure-openai/" in line


def test_the_report_names_the_knowledge_base_and_rules_fingerprints_apart(tmp_path: Path) -> None:
    """The report's knowledge-base fingerprint is the one kb stats shows; the rules have their own."""
    stats = run("kb", "stats")
    shown = next(line.split()[-1] for line in stats.output.splitlines() if line.startswith("fingerprint:"))
    report = json.loads(run("select", "--constraints", EXAMPLE, "--format", "json").output)
    assert report["knowledge_base"]["fingerprint"] == shown
    assert report["rules_fingerprint"].startswith("sha256:") and report["rules_fingerprint"] != shown
    text = run("select", "--constraints", EXAMPLE, "--format", "text").output
    assert f"rules: {report['rules_fingerprint'][:19]}, active: " in text
    # Rules of one's own change the rules' fingerprint, never the knowledge base's.
    ours = tmp_path / "rules"
    ours.mkdir()
    (ours / "our_tool_calling.yaml").write_text(
        (ROOT / "rules" / "tool_calling.yaml").read_text(encoding="utf-8").replace("id: tool_calling", "id: our_tool_calling"),
        encoding="utf-8",
    )
    other = json.loads(run("select", "--constraints", EXAMPLE, "--format", "json", "--rules", ours).output)
    assert other["knowledge_base"]["fingerprint"] == shown
    assert other["rules_fingerprint"] != report["rules_fingerprint"]
