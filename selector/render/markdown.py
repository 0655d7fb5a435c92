"""A Markdown report to attach to a procurement or legal review: ranked table, then every reason with its sources."""

from __future__ import annotations

from selector.render.common import blocking, provenance, requirement_lines, summary_line
from selector.results import Decision, Evidence, Report
from selector.text import markdown_code as _code
from selector.text import markdown_link, markdown_text

#: Text from any input, escaped for a Markdown paragraph or table cell.
_cell = markdown_text


def evidence_markdown(item: Evidence) -> str:
    """One fact of a trail as a Markdown line: the triple, its linked source, as-of, layer and note (escaped)."""
    source = markdown_link(item.source_title or item.source, item.source) if item.source else "no source"
    when = f", as of {_cell(item.as_of)}" if item.as_of else ""
    when += " (secondary source)" if item.secondary else ""
    note = f"; {_cell(item.note)}" if item.note else ""
    return f"{_code(item.subject)} {_code(item.predicate)} {_code(item.object)} — {source}{when}, layer {_cell(item.layer)}{note}"


def _details(decision: Decision) -> list[str]:
    title = f"#{decision.rank} " if decision.rank else ""
    lines = [f"### {title}{_code(decision.candidate.id)} — {decision.outcome}", ""]
    if decision.lifecycle.flag:
        lines += [f"> **{_cell(decision.lifecycle.flag)}**", ""]
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
                lines.append(f"  - {evidence_markdown(item)}")
            if result.remedy:
                lines.append(f"  - remedy: {_cell(result.remedy)}")
    lines.append("")
    return lines


def _denied_table(decisions: tuple[Decision, ...]) -> list[str]:
    if not decisions:
        return ["None."]
    lines = ["| candidate | why | remedy |", "|---|---|---|"]
    for d in decisions:
        first = blocking(d)
        why = f"{first[0].rule}: {first[0].reason}" if first else ""
        remedy = first[0].remedy if first and first[0].remedy else ""
        lines.append(f"| {_code(d.candidate.id)} | {_cell(why)} | {_cell(remedy)} |")
    return lines


def render_markdown(report: Report, show_denied: bool = False) -> str:
    """The review report: what was asked, on what, what passed and why, and what would settle the unknowns.

    Denied candidates are listed with their reason and remedy, and detailed with ``show_denied``.
    """
    p, kb = report.policy, report.knowledge_base
    lines = [f"# Model selection: {_cell(p.name)}", ""]
    if p.description:
        lines += [_cell(p.description), ""]
    lines += [
        *(f"- {_cell(line[0].upper() + line[1:])}" for line in provenance(report)),
        f"- Policy fingerprint: {_code(p.fingerprint)} (unknown facts: **{p.unknown}**)",
        f"- Knowledge base fingerprint: {_code(kb.fingerprint)}, layers: {_cell(', '.join(kb.layers))}",
        f"- Rules fingerprint: {_code(report.rules_fingerprint)}, active: {_cell(', '.join(report.rules) or 'none')}",
        f"- Result: {summary_line(report)}",
        "",
        "## Requirements",
        "",
        *(f"- {_code(line)}" for line in requirement_lines(report)),
        "",
        "## Allowed",
        "",
    ]
    allowed = report.allowed()
    if allowed:
        lines += ["| rank | candidate | lifecycle | ranked by | warnings | obligations |", "|---|---|---|---|---|---|"]
        for d in allowed:
            flag = _cell(d.lifecycle.flag) if d.lifecycle.flag else (d.lifecycle.status or "not recorded")
            ranked = _cell("; ".join(f"{name}: {value}" for name, value in d.ranked_by))
            lines.append(f"| {d.rank} | {_code(d.candidate.id)} | {flag} | {ranked} | {len(d.warnings)} | "
                         f"{len(d.obligations)} |")
    else:
        lines.append("No candidate satisfies the policy.")
    failed = tuple(d for d in report.denied() if not d.denied_on_unknown)
    unknown = tuple(d for d in report.denied() if d.denied_on_unknown)
    lines += ["", f"## Denied on a failed requirement ({len(failed)})", "", *_denied_table(failed)]
    lines += ["", f"## Denied only on unknown facts ({len(unknown)})", ""]
    if report.unsettled:
        lines += ["What would settle them, by rule:", "", "| rule | candidates | example | what to record |",
                  "|---|---|---|---|"]
        for u in report.unsettled:
            lines.append(f"| {_cell(u.rule)} | {u.candidates} | {_cell(u.example)} | {_cell(u.remedy or '')} |")
        lines.append("")
    lines += _denied_table(unknown)
    if report.denied_left_out:
        lines += ["", "(denied candidates left out of this view)"]
    lines += ["", "## Details", ""]
    for d in report.decisions:
        if d.allowed or show_denied:
            lines += _details(d)
    return "\n".join(lines).rstrip() + "\n"
