"""The terminal format of a diff: one row per flipped candidate, then each flip's rules and facts."""

from __future__ import annotations

from selector.diff.common import CHANGES, fact, outcome, side_line, sourced, summary_line, verdicts
from selector.diff.model import DiffReport
from selector.text import printable


def _rows(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    return ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])) + "  " + row[-1] for row in rows]


def render_table(report: DiffReport, show_ranks: bool = False) -> str:
    """The flips as a table and a trail each; rank changes too with ``show_ranks``; then the summary."""
    lines = [f"decisions compared on {report.as_of}", side_line(report.a), side_line(report.b), ""]
    if report.flips:
        rows = [("CHANGE", "CANDIDATE", "A", "B", "RULES")]
        rows += [(CHANGES[f.change], f.candidate, outcome(f, "a"), outcome(f, "b"),
                  ", ".join(r.rule for r in f.rules) or "-") for f in report.flips]
        lines += _rows([tuple(printable(c) for c in row) for row in rows])
    else:
        lines.append("no decision flipped")
    for flip in report.flips:
        lines += ["", f"{flip.candidate}: {outcome(flip, 'a')} -> {outcome(flip, 'b')}"]
        if not flip.rules:
            lines.append("  no rule's verdict changed (the candidate is on one side only, or unknown facts are read differently)")
        for change in flip.rules:
            lines.append(f"  {change.rule} ({change.title}): {verdicts(change)}")
            if change.reason_a is not None:
                lines.append(f"    a: {change.reason_a}")
            if change.reason_b is not None:
                lines.append(f"    b: {change.reason_b}")
            for sign, items in (("- cited by a only", change.only_a), ("+ cited by b only", change.only_b)):
                for item in items:
                    lines += [f"    {sign}: {fact(item)}", f"        source: {sourced(item)}"]
    if show_ranks and report.rank_changes:
        lines += ["", *_rows([("CANDIDATE", "RANK A", "RANK B", "")] + [
            (printable(m.candidate), str(m.rank_a), str(m.rank_b), "") for m in report.rank_changes])]
    lines = [printable(line).rstrip() for line in lines]
    lines += ["", summary_line(report)]
    if report.rank_changes and not show_ranks:
        lines.append("show the rank changes with --ranks")
    return "\n".join(lines) + "\n"
