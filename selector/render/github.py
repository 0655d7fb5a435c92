"""GitHub Actions workflow commands: ``::error file=...,line=...,title=...::message`` annotations on the policy file.

Escaped as GitHub's runner reads them: in a message ``%``, CR and LF become ``%25``,
``%0D`` and ``%0A``; in a property value ``:`` and ``,`` too (``%3A``, ``%2C``); every
other control or format character from an input is written as a visible escape first,
so no input can start a workflow command of its own. A policy read from standard input
has no file to annotate: its annotations name the key in the title only.

``check``: an error for each rule that fails, or is unknown and so denies; a warning
for each unknown allowed under ``unknown: warn`` (an error with ``--fail-on unknown``).
``select``: when nothing is allowed, an error for each rule that denied candidates,
with the counts; a warning (or error) for each unknown of a candidate allowed only
under ``unknown: warn``. Both end with one plain summary line.
"""

from __future__ import annotations

from selector.render.ci import CiContext, context_for, tallies, warned
from selector.render.common import summary_line
from selector.results import Decision, Report, Verdict
from selector.text import printable


def escape_data(text: str) -> str:
    """A message as a workflow command's data: ``%``, CR and LF escaped."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value of a workflow command: as data, and ``:`` and ``,`` escaped too."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(level: str, ctx: CiContext, rule: str, lines: list[str]) -> str:
    """One ``::LEVEL file=...,line=...,title=...::message`` line about the policy key of ``rule``."""
    properties = [("file", ctx.file), ("line", str(ctx.line(rule)))] if ctx.located else []
    properties.append(("title", f"selector: {ctx.key(rule)}"))
    said = ",".join(f"{name}={escape_property(printable(value))}" for name, value in properties)
    return f"::{level} {said}::{escape_data(chr(10).join(printable(line) for line in lines))}"


def _warned(decision: Decision, ctx: CiContext) -> list[str]:
    level = "error" if ctx.fail_on_unknown else "warning"
    return [annotation(level, ctx, r.rule, [f"{decision.candidate.id} is allowed only because the policy says unknown: warn",
                                            f"{r.rule}: {r.reason}"]) for r in warned(decision)]


def render_github(report: Report, show_denied: bool = True, context: CiContext | None = None) -> str:
    """Annotations for what blocks the selection, then the summary line."""
    ctx = context or context_for(report)
    lines = [] if report.summary.allowed else [
        annotation("error", ctx, t.rule, [f"no deployment is allowed; {t.sentence(report)}"]) for t in tallies(report)]
    for decision in report.allowed():
        lines += _warned(decision, ctx)
    allowed = ", ".join(d.candidate.id for d in report.allowed()[:10])
    more = " ..." if report.summary.allowed > 10 else ""
    lines.append(printable(f"selector: policy {report.policy.name}: {summary_line(report)}"
                           + (f"; allowed: {allowed}{more}" if allowed else "")))
    return "\n".join(lines) + "\n"


def github_decision(decision: Decision, context: CiContext) -> str:
    """Annotations for each rule that denies (or warns about) one candidate, then its outcome."""
    lines = []
    for result in decision.results:
        if result.verdict is Verdict.PASS or (result.verdict is Verdict.UNKNOWN and decision.allowed):
            continue
        text = [f"{decision.candidate.id}: {result.verdict.value.upper()} {result.rule}: {result.reason}"]
        lines.append(annotation("error", context, result.rule, text + ([f"remedy: {result.remedy}"] if result.remedy else [])))
    lines += _warned(decision, context)
    lines.append(printable(f"selector: {decision.candidate.id}: {decision.outcome.upper()}"))
    return "\n".join(lines) + "\n"
