"""The default terminal format: a ranked table of allowed candidates (and denied ones on request)."""

from __future__ import annotations

from selector.render.common import blocking, header, summary_line
from selector.results import Report
from selector.text import printable


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_table(report: Report, show_denied: bool = False) -> str:
    """Rank, candidate and a short note per row, then a summary line."""
    lines = header(report) + [""]
    rows = [("RANK", "CANDIDATE", "OUTCOME", "NOTE")]
    for decision in report.decisions:
        if decision.allowed:
            notes = [flag] if (flag := decision.lifecycle.flag) else []
            if decision.warnings:
                notes.append(f"UNKNOWN: {', '.join(r.rule for r in decision.results if r.verdict.value == 'unknown')}")
            if decision.obligations:
                notes.append(f"{len(decision.obligations)} obligation(s)")
            notes.extend(f"{name}: {value}" for name, value in decision.ranked_by)
            rows.append((str(decision.rank), decision.candidate.id, "allowed", "; ".join(notes)))
        elif show_denied:
            first = blocking(decision)
            note = f"{first[0].rule}: {first[0].reason}" if first else ""
            outcome = "denied (unknown)" if decision.denied_on_unknown else "denied"
            rows.append(("-", decision.candidate.id, outcome, _clip(note, 110)))
    rows = [tuple(printable(cell) for cell in row) for row in rows]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for row in rows:
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3])
    lines = [printable(line).rstrip() for line in lines]
    lines += ["", summary_line(report)]
    if not show_denied and report.summary.denied:
        lines.append("show why candidates were denied with --show-denied, or: selector explain CANDIDATE")
    return "\n".join(lines) + "\n"
