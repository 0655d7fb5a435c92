"""No text from an input reaches a terminal, Markdown or HTML raw: it cannot forge lines or run escapes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from selector.cli import cli
from selector.render import RENDERERS
from selector.render.text import decision_lines
from selector.render.tree import render_tree
from selector.results import (
    CandidateRef,
    Decision,
    Evidence,
    FactDates,
    KnowledgeBaseRef,
    Lifecycle,
    PolicyRef,
    Report,
    RuleResult,
    Summary,
    Unsettled,
    Verdict,
)
from selector.text import markdown_code, markdown_link, markdown_text, printable

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "eu-finetune-long-context.yaml"

#: Set the terminal title, clear the screen, reverse the reading order, forge a summary line.
HOSTILE = "x\x1b]0;owned\x07\x1b[2J\u202eevil\nFORGED 9 allowed\r\u009b31m"


def _report() -> Report:
    evidence = Evidence(subject=HOSTILE, predicate="sel:label", object=HOSTILE, source="javascript:alert(1)",
                        source_title=HOSTILE + "](javascript:alert(1))", as_of="2026-01-01", layer=HOSTILE,
                        note="<script>alert(1)</script>`")
    result = RuleResult(rule="residency", title=HOSTILE, verdict=Verdict.FAIL, reason=HOSTILE,
                        evidence=(evidence,), remedy=HOSTILE)
    decision = Decision(candidate=CandidateRef(id="m@p/t" + HOSTILE, model="m", provider="p", deployment="t"),
                        outcome="denied", rank=None, denied_on_unknown=False, warnings=(HOSTILE,), results=(result,),
                        lifecycle=Lifecycle(status="deprecated", deprecated_on=HOSTILE, retires_on=HOSTILE))
    return Report(as_of=HOSTILE, tool=HOSTILE,
                  policy=PolicyRef(name=HOSTILE, fingerprint="sha256:0", unknown="fail", description=HOSTILE,
                                   requirements={"require": {HOSTILE: [HOSTILE]}}),
                  facts=FactDates(oldest=HOSTILE, newest=HOSTILE, sources=1),
                  unsettled=(Unsettled(rule=HOSTILE, title=HOSTILE, candidates=1, example=HOSTILE, remedy=HOSTILE),),
                  knowledge_base=KnowledgeBaseRef(fingerprint="sha256:1", layers=("base", HOSTILE)),
                  rules=("residency",), rules_fingerprint="sha256:2",
                  summary=Summary(candidates=1, allowed=0, denied=1, denied_on_unknown=0),
                  decisions=(decision,))


def _terminal_safe(text: str) -> None:
    for char in ("\x1b", "\x07", "\r", "\u202e", "\u009b"):
        assert char not in text, repr(char)
    assert "\nFORGED" not in text, "a value forged a line of its own"


@pytest.mark.parametrize("fmt", ["table", "text", "markdown", "html", "json", "junit", "sarif", "github"])
def test_every_format_escapes_hostile_values(fmt: str) -> None:
    output = RENDERERS[fmt](_report(), True)
    _terminal_safe(output)
    if fmt == "json":
        data = json.loads(output)
        assert data["policy"]["name"] == HOSTILE, "JSON escapes change no value"
    if fmt == "markdown":
        assert not re.search(r"(?<!\\)<script>", output) and not re.search(r"(?<!\\)\]\(javascript:", output)
    if fmt == "html":
        assert "<script>" not in output and 'href="javascript:' not in output
    if fmt == "junit":
        ElementTree.fromstring(output)  # well-formed: every value escaped for XML
        assert "<script>" not in output
    if fmt == "sarif":
        json.loads(output)
    if fmt == "github":
        assert all(line.startswith(("::error ", "selector: ")) for line in output.splitlines()), output


def test_explain_and_check_views_escape() -> None:
    decision = _report().decisions[0]
    _terminal_safe(render_tree(decision, HOSTILE, "fail", HOSTILE))
    _terminal_safe("\n".join(decision_lines(decision)))


def test_helpers() -> None:
    assert printable("a\nb\x1b") == "a\\nb\\x1b"
    assert printable("\u202e") == "\\u202e"
    assert printable("plain — text é") == "plain — text é"
    assert markdown_text("<b>*x*</b>") == "\\<b>\\*x\\*\\</b>"
    assert markdown_code("a`b") == "``a`b``"
    assert markdown_link("t", "javascript:alert(1)").startswith("t (")
    assert markdown_link("t", "https://example.org/a") == "[t](https://example.org/a)"


def test_a_hostile_policy_name_and_rule_message_reach_the_terminal_escaped(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(EXAMPLE.read_text().replace("name: eu-finetune-long-context",
                                                  'name: "evil\\e]0;title\\a\\nFORGED"'))
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "tool_calling_twice.yaml").write_text(
        "id: tool_calling_twice\npolicy_key: require.tool_calling_twice\ntitle: t\ndescription: d\n"
        "check: {kind: equals, property: sel:toolCalling, scopes: [offering, model]}\n"
        'messages: {pass: "ok\\e[2J", fail: "no\\e[2J", unknown: "?\\e[2J\\nforged"}\n'
        "parameter: {type: boolean}\n")
    policy.write_text(policy.read_text().replace("  fine_tuning: true\n", "  fine_tuning: true\n  tool_calling_twice: true\n"))
    for args in (["select", "--show-denied"], ["select", "--format", "text", "--show-denied"],
                 ["explain", "claude-opus-4.6@anthropic-api/global"], ["check", "claude-opus-4.6@anthropic-api/global"]):
        result = CliRunner().invoke(cli, [*args, "--constraints", str(policy), "--rules", str(rules)])
        assert result.exit_code in (0, 1), result.output
        _terminal_safe(result.output)
        assert "\\x1b" in result.output


@pytest.mark.parametrize("fmt", ["table", "text", "markdown", "html"])
def test_an_allow_list_pattern_with_hostile_characters_is_escaped(fmt: str, tmp_path: Path) -> None:
    """A pattern that matches names may still hold any character inside brackets; outputs escape it."""
    policy = tmp_path / "hostile.yaml"
    pattern = "claude-sonnet-4.[!\x1b\u202e<>&`]"
    policy.write_text(json.dumps({"version": 1, "name": "hostile", "only": {"models": [pattern]}}), encoding="utf-8")
    result = CliRunner().invoke(cli, ["select", "--constraints", str(policy), "--format", fmt, "--show-denied"])
    assert result.exit_code == 0, result.output
    _terminal_safe(result.output)
    if fmt == "markdown":
        assert "4.\\[!\\\\x1b\\\\u202e\\<>&amp;\\`\\]" in result.output
    if fmt == "html":
        assert "<>" not in result.output and "&lt;&gt;&amp;" in result.output
