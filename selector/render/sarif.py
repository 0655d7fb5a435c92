"""SARIF 2.1.0, the static-analysis log code-scanning services read; its results point into the policy file.

Every result names a rule (``tool.driver.rules`` lists the rules the policy switched
on) and a location: the policy file and the line of the rule's key (``require.residency``),
and that key as a logical location. A policy read from standard input has no file to
point at: its results carry the key only.

``check``: one result per rule, a pass as ``kind: pass``; a fail, or an unknown that
denies, as an error; an unknown allowed under ``unknown: warn`` as a warning (an error
with ``--fail-on unknown``). ``select``: one result per rule that denied candidates,
with the counts and an example (an error when nothing is allowed, else a note), and one
per unknown of each candidate allowed only under ``unknown: warn``.
"""

from __future__ import annotations

from typing import Any

from selector.render.ci import CiContext, Tally, context_for, tallies, warned
from selector.render.json_format import json_text
from selector.results import Decision, Report, RuleResult, Verdict
from selector.text import printable

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _location(ctx: CiContext, rule: str) -> dict[str, Any]:
    place: dict[str, Any] = {"logicalLocations": [{"fullyQualifiedName": ctx.key(rule), "kind": "member"}]}
    if ctx.located:
        place["physicalLocation"] = {"artifactLocation": {"uri": ctx.uri()}, "region": {"startLine": ctx.line(rule)}}
    return place


def _result(ctx: CiContext, rules: list[str], rule: str, level: str, text: str, **properties: Any) -> dict[str, Any]:
    result: dict[str, Any] = {"ruleId": rule}
    if rule in rules:
        result["ruleIndex"] = rules.index(rule)
    # SARIF: a level other than "none" goes with kind "fail"; a pass is kind "pass", level "none".
    result.update({"kind": "pass" if level == "none" else "fail", "level": level,
                   "message": {"text": printable(text)}, "locations": [_location(ctx, rule)]})
    if properties:
        result["properties"] = properties
    return result


def _unknown_level(ctx: CiContext) -> str:
    return "error" if ctx.fail_on_unknown else "warning"


def _warned_results(decision: Decision, ctx: CiContext, rules: list[str]) -> list[dict[str, Any]]:
    return [_result(ctx, rules, r.rule, _unknown_level(ctx),
                    f"{decision.candidate.id} is allowed only because the policy says unknown: warn; {r.rule}: {r.reason}",
                    candidate=decision.candidate.id, verdict=r.verdict.value) for r in warned(decision)]


def _log(rules: list[str], titles: dict[str, str], tool: str, results: list[dict], properties: dict) -> str:
    name, _, version = tool.partition(" ")
    driver: dict[str, Any] = {"name": name or "selector", "rules": [
        {"id": rule, "name": rule, "shortDescription": {"text": printable(titles.get(rule, rule))}} for rule in rules]}
    if version and version[0].isdigit():
        driver["version"] = version
    run = {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results, "properties": properties}
    return json_text({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]})


def _titles(decisions: tuple[Decision, ...]) -> dict[str, str]:
    return {r.rule: r.title for d in decisions for r in d.results}


def render_sarif(report: Report, show_denied: bool = True, context: CiContext | None = None) -> str:
    """The report's findings as one SARIF run: what denied candidates, by rule, and what was allowed on unknowns."""
    ctx = context or context_for(report)
    rules = list(report.rules)
    level = "note" if report.summary.allowed else "error"

    def tally_result(tally: Tally) -> dict[str, Any]:
        return _result(ctx, rules, tally.rule, level, tally.sentence(report), failed=tally.failed, unknown=tally.unknown)

    results = [tally_result(t) for t in tallies(report)]
    for decision in report.allowed():
        results += _warned_results(decision, ctx, rules)
    return _log(rules, _titles(report.decisions), report.tool, results, {
        "policy": report.policy.name, "policyFile": ctx.file, "policyFingerprint": report.policy.fingerprint,
        "unknown": report.policy.unknown,
        "asOf": report.as_of, "knowledgeBase": report.knowledge_base.fingerprint,
        "rulesFingerprint": report.rules_fingerprint, "summary": report.summary.model_dump(mode="json"),
        "allowed": [d.candidate.id for d in report.allowed()],
    })


def sarif_decision(decision: Decision, context: CiContext) -> str:
    """One candidate's decision as one SARIF run: one result per rule, passes included."""
    rules = [r.rule for r in decision.results]

    def level(result: RuleResult) -> str:
        if result.verdict is Verdict.PASS:
            return "none"
        if result.verdict is Verdict.UNKNOWN and decision.allowed:
            return _unknown_level(context)
        return "error"

    results = [_result(context, rules, r.rule, level(r), f"{decision.candidate.id}: {r.verdict.value.upper()} {r.rule}: "
                       f"{r.reason}" + (f"; remedy: {r.remedy}" if r.remedy else ""), candidate=decision.candidate.id,
                       verdict=r.verdict.value) for r in decision.results]
    properties = {"policyFile": context.file, "candidate": decision.candidate.id, "outcome": decision.outcome}
    return _log(rules, _titles((decision,)), context.tool, results, properties)
