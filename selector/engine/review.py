"""What a review report adds to the decisions: the tool's version, the facts' dates, what would settle the unknowns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from selector.about import installed_version
from selector.engine.columns import verdicts
from selector.results import Decision, FactDates, Unsettled, Verdict

if TYPE_CHECKING:
    from selector.engine.selection import Selection


def tool_version() -> str:
    """``selector`` and the installed version, as a report names the tool that wrote it."""
    version = installed_version()
    return f"selector {version}" if version is not None else "selector (not installed)"


def fact_dates(decisions: Iterable[Decision]) -> FactDates:
    """The oldest and newest as-of of the facts the decisions' trails cite, and how many sources they name."""
    dates: set[str] = set()
    sources: set[str] = set()
    for decision in decisions:
        for result in decision.results:
            for item in result.evidence:
                if item.as_of:
                    dates.add(item.as_of)
                if item.source:
                    sources.add(item.source)
    return FactDates(oldest=min(dates, default=None), newest=max(dates, default=None), sources=len(sources))


def unsettled(selection: "Selection") -> tuple[Unsettled, ...]:
    """Each rule that was unknown for a candidate denied only on unknown facts: how many, and one remedy.

    Read from the verdict tables; one trail per rule is built, for the first such candidate (by id), to word
    what recording would settle it.
    """
    counts: dict[str, list[int]] = {}
    for index in sorted(selection.denied_on_unknown):
        for rule, verdict in verdicts(selection.state, index):
            if verdict is Verdict.UNKNOWN:
                counts.setdefault(rule, []).append(index)
    titles = {rule.id: rule.title for rule in selection.rules}
    out = []
    for rule, indices in sorted(counts.items(), key=lambda item: (-len(item[1]), item[0])):
        decision = selection.decision(indices[0])
        result = next(r for r in decision.results if r.rule == rule)
        out.append(Unsettled(rule=rule, title=titles[rule], candidates=len(indices),
                             example=f"{decision.candidate.id}: {result.reason}", remedy=result.remedy))
    return tuple(out)
