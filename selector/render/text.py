"""Plain text: one line per candidate, then one indented line per rule result, then a summary."""

from __future__ import annotations

from selector.render.common import header, summary_line
from selector.results import Decision, Report
from selector.text import printable


def decision_lines(decision: Decision) -> list[str]:
    """A decision as a heading line and one line per rule result, warning and obligation (each printable)."""
    head = f"#{decision.rank} " if decision.rank else ""
    outcome = decision.outcome.upper()
    if decision.denied_on_unknown:
        outcome += " (on unknown facts)"
    ranked = "; ".join(f"{name}: {value}" for name, value in decision.ranked_by)
    lines = [f"{head}{decision.candidate.id}: {outcome}" + (f" ({ranked})" if ranked else "")]
    if decision.lifecycle.flag:
        lines.append(f"  LIFECYCLE {decision.lifecycle.flag}")
    for result in decision.results:
        lines.append(f"  {result.verdict.value.upper():7} {result.rule}: {result.reason}")
        if result.remedy:
            lines.append(f"          remedy: {result.remedy}")
    for warning in decision.warnings:
        lines.append(f"  WARNING {warning}")
    for item in decision.obligations:
        lines.append(f"  OBLIGATION ({item.licence}) {item.text}")
    return [printable(line) for line in lines]


def render_text(report: Report, show_denied: bool = False) -> str:
    """Every allowed decision (and denied ones on request) with its reasons."""
    lines = header(report) + [""]
    for decision in report.decisions:
        if decision.allowed or show_denied:
            lines += decision_lines(decision)
    lines += ["", summary_line(report)]
    return "\n".join(printable(line) for line in lines) + "\n"
