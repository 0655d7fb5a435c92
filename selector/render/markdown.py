"""A Markdown report to attach to a procurement or legal review: ranked table, then every reason with its sources."""

from __future__ import annotations

from selector.render.common import blocking, summary_line
from selector.results import Decision, Evidence, Report
from selector.text import markdown_code as _code
from selector.text import markdown_link, markdown_text

#: Text from any input, escaped for a Markdown paragraph or table cell.
_cell = markdown_text


def _evidence(item: Evidence) -> str:
    source = markdown_link(item.source_title or item.source, item.source) if item.source else "no source"
    when = f", as of {_cell(item.as_of)}" if item.as_of else ""
    when += " (secondary source)" if item.secondary else ""
    note = f"; {_cell(item.note)}" if item.note else ""
    return f"{_code(item.subject)} {_code(item.predicate)} {_code(item.object)} — {source}{when}, layer {_cell(item.layer)}{note}"


def _details(decision: Decision) -> list[str]:
    title = f"#{decision.rank} " if decision.rank else ""
    lines = [f"### {title}{_code(decision.candidate.id)} — {decision.outcome}", ""]
    for warning in decision.warnings:
        lines.append(f"> **WARNING:** {_cell(warning)}")
    if decision.warnings:
        lines.append("")
    if decision.obligations:
        lines.append("Obligations you take on:")
        for item in decision.obligations:
            lines.append(f"- {_cell(item.text)} ({_cell(item.licence)}, {_code(item.clause)})")
        lines.append("")
    lines += ["| rule | verdict | reason |", "|---|---|---|"]
    for result in decision.results:
        lines.append(f"| {_cell(result.rule)} | {result.verdict.value} | {_cell(result.reason)} |")
    lines.append("")
    for result in decision.results:
        if result.evidence or result.remedy:
            lines.append(f"- **{_cell(result.rule)}**")
            for item in result.evidence:
                lines.append(f"  - {_evidence(item)}")
            if result.remedy:
                lines.append(f"  - remedy: {_cell(result.remedy)}")
    lines.append("")
    return lines


def render_markdown(report: Report, show_denied: bool = False) -> str:
    """The whole report; denied candidates are summarised, and detailed with ``show_denied``."""
    p, kb = report.policy, report.knowledge_base
    lines = [
        f"# Model selection: {_cell(p.name)}",
        "",
        f"- Policy fingerprint: {_code(p.fingerprint)} (unknown facts: **{p.unknown}**)",
        f"- Knowledge base: {_code(kb.fingerprint)}, layers: {_cell(', '.join(kb.layers))}",
        f"- Rules: {_code(report.rules_fingerprint)}, active: {_cell(', '.join(report.rules) or 'none')}",
        f"- Result: {summary_line(report)}",
        "",
        "## Allowed",
        "",
    ]
    allowed = report.allowed()
    if allowed:
        lines += ["| rank | candidate | ranked by | warnings | obligations |", "|---|---|---|---|---|"]
        for d in allowed:
            ranked = _cell("; ".join(f"{name}: {value}" for name, value in d.ranked_by))
            lines.append(f"| {d.rank} | {_code(d.candidate.id)} | {ranked} | {len(d.warnings)} | {len(d.obligations)} |")
    else:
        lines.append("No candidate satisfies the policy.")
    lines += ["", "## Denied", ""]
    denied = report.denied()
    if denied:
        lines += ["| candidate | why |", "|---|---|"]
        for d in denied:
            first = blocking(d)
            why = f"{first[0].rule}: {first[0].reason}" if first else ""
            lines.append(f"| {_code(d.candidate.id)} | {_cell(why)} |")
    else:
        lines.append("None.")
    lines += ["", "## Details", ""]
    for d in report.decisions:
        if d.allowed or show_denied:
            lines += _details(d)
    return "\n".join(lines).rstrip() + "\n"
