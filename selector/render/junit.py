"""JUnit XML, as CI systems read test reports: one test case per candidate (``select``) or per rule (``check``).

A denied candidate, or a rule that fails or is unknown and so denies, is a
``<failure>``: ``type`` says ``denied``/``denied-on-unknown`` or ``fail``/``unknown``,
the message names the rules, the body gives each reason and remedy. A decision allowed
only because the policy says ``unknown: warn`` passes, its warnings in
``<system-out>``, unless ``--fail-on unknown`` makes it a failure of type ``unknown``.
Every text from an input is escaped for XML, and characters XML 1.0 cannot hold are
written as escapes.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from selector.render.ci import CiContext, context_for, warned
from selector.render.common import blocking
from selector.results import Decision, Report, RuleResult, Verdict
from selector.text import printable


def _text(value: object) -> str:
    return escape(printable(value))


def _attr(value: object) -> str:
    return quoteattr(printable(value))


def _reasons(results: list[RuleResult]) -> str:
    lines = []
    for result in results:
        lines.append(f"{result.verdict.value.upper()} {result.rule}: {result.reason}")
        if result.remedy:
            lines.append(f"  remedy: {result.remedy}")
    return "\n".join(_text(line) for line in lines)


def _case(name: str, classname: str, ctx: CiContext, rule: str | None, body: str) -> str:
    where = "" if not ctx.located else f" file={_attr(ctx.file)}" + (f" line=\"{ctx.line(rule)}\"" if rule else "")
    head = f"    <testcase name={_attr(name)} classname={_attr(classname)}{where}"
    return f"{head}/>" if not body else f"{head}>\n{body}\n    </testcase>"


def _failure(kind: str, message: str, detail: str) -> str:
    return f"      <failure type={_attr(kind)} message={_attr(message)}>{detail}</failure>"


def _out(lines: list[str]) -> str:
    return "      <system-out>" + "\n".join(_text(line) for line in lines) + "</system-out>" if lines else ""


def _candidate_case(decision: Decision, classname: str, ctx: CiContext) -> tuple[str, bool]:
    """A candidate's test case, and whether it failed."""
    unsure = warned(decision)
    if decision.allowed and not (unsure and ctx.fail_on_unknown):
        return _case(decision.candidate.id, classname, ctx, None, _out(list(decision.warnings))), False
    stand = blocking(decision) if not decision.allowed else unsure
    kind = "unknown" if decision.allowed else ("denied-on-unknown" if decision.denied_on_unknown else "denied")
    message = f"{kind}: {', '.join(r.rule for r in stand)}"
    return _case(decision.candidate.id, classname, ctx, stand[0].rule, _failure(kind, message, _reasons(stand))), True


def _rule_case(decision: Decision, result: RuleResult, ctx: CiContext) -> tuple[str, bool]:
    """A rule's test case for one candidate, and whether it failed."""
    name, classname = f"{result.rule} ({result.title})", decision.candidate.id
    allowed_unknown = result.verdict is Verdict.UNKNOWN and decision.allowed
    if result.verdict is Verdict.PASS or (allowed_unknown and not ctx.fail_on_unknown):
        out = _out([f"{result.verdict.value.upper()}: {result.reason}"] + (list(decision.warnings) if allowed_unknown else []))
        return _case(name, classname, ctx, result.rule, out), False
    kind = result.verdict.value
    return _case(name, classname, ctx, result.rule, _failure(kind, f"{kind}: {result.reason}", _reasons([result]))), True


def _document(suite: str, cases: list[tuple[str, bool]], properties: dict[str, str]) -> str:
    failures = sum(failed for _, failed in cases)
    counts = f'tests="{len(cases)}" failures="{failures}" errors="0"'
    props = "\n".join(f"      <property name={_attr(k)} value={_attr(v)}/>" for k, v in properties.items())
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<testsuites name="selector" {counts}>',
             f'  <testsuite name={_attr(suite)} {counts} skipped="0">',
             f"    <properties>\n{props}\n    </properties>" if props else "",
             *(case for case, _ in cases), "  </testsuite>", "</testsuites>"]
    return "\n".join(line for line in lines if line) + "\n"


def render_junit(report: Report, show_denied: bool = True, context: CiContext | None = None) -> str:
    """One test case per candidate, allowed ones first in rank order, then the denied ones by id."""
    ctx = context or context_for(report)
    classname = f"select.{report.policy.name}"
    cases = [_candidate_case(decision, classname, ctx) for decision in report.decisions]
    return _document(report.policy.name, cases, {
        "policy": report.policy.name, "policy_file": ctx.file, "policy_fingerprint": report.policy.fingerprint,
        "unknown": report.policy.unknown,
        "as_of": report.as_of, "knowledge_base": report.knowledge_base.fingerprint,
        "rules_fingerprint": report.rules_fingerprint, "tool": report.tool,
    })


def junit_decision(decision: Decision, context: CiContext) -> str:
    """One test case per rule the policy switched on, for one candidate."""
    cases = [_rule_case(decision, result, context) for result in decision.results]
    return _document(decision.candidate.id, cases, {"policy_file": context.file, "outcome": decision.outcome})
