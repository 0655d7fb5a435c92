"""A diff as Markdown, to paste into the review of a knowledge-base or policy change."""

from __future__ import annotations

from selector.diff.common import CHANGES, outcome, side_line, summary_line, verdicts
from selector.diff.model import DiffReport
from selector.render.markdown import evidence_markdown
from selector.text import markdown_code as _code
from selector.text import markdown_text

_cell = markdown_text


def render_markdown(report: DiffReport, show_ranks: bool = False) -> str:
    """Both sides, the flips as a table, each flip's changed rules and facts, and rank changes with ``show_ranks``."""
    lines = [
        "# Decision diff", "",
        f"- Evaluated on {_cell(report.as_of)} by {_cell(report.tool)}",
        f"- {_cell(side_line(report.a))}",
        f"- {_cell(side_line(report.b))}",
        f"- Result: {_cell(summary_line(report))}",
        "", "## Flipped", "",
    ]
    if report.flips:
        lines += ["| change | candidate | a | b | rules |", "|---|---|---|---|---|"]
        for f in report.flips:
            rules = ", ".join(_cell(r.rule) for r in f.rules) or "-"
            lines.append(f"| {_cell(CHANGES[f.change])} | {_code(f.candidate)} | {_cell(outcome(f, 'a'))} | "
                         f"{_cell(outcome(f, 'b'))} | {rules} |")
    else:
        lines.append("No decision flipped.")
    for f in report.flips:
        lines += ["", f"### {_code(f.candidate)}: {_cell(outcome(f, 'a'))} → {_cell(outcome(f, 'b'))}", ""]
        if not f.rules:
            lines.append("No rule's verdict changed (the candidate is on one side only, or unknown facts are read "
                         "differently).")
        for change in f.rules:
            lines.append(f"- **{_cell(change.rule)}** ({_cell(change.title)}): {_cell(verdicts(change))}")
            if change.reason_a is not None:
                lines.append(f"  - a: {_cell(change.reason_a)}")
            if change.reason_b is not None:
                lines.append(f"  - b: {_cell(change.reason_b)}")
            lines += [f"  - cited by a only: {evidence_markdown(item)}" for item in change.only_a]
            lines += [f"  - cited by b only: {evidence_markdown(item)}" for item in change.only_b]
    if show_ranks:
        lines += ["", "## Rank changes", ""]
        if report.rank_changes:
            lines += ["| candidate | rank a | rank b |", "|---|---|---|"]
            lines += [f"| {_code(m.candidate)} | {m.rank_a} | {m.rank_b} |" for m in report.rank_changes]
        else:
            lines.append("None.")
    return "\n".join(lines).rstrip() + "\n"
