"""The explain view: one decision's whole trail as an indented tree."""

from __future__ import annotations

from selector.results import Decision
from selector.text import printable


def render_tree(decision: Decision, policy_name: str, unknown: str, as_of: str = "") -> str:
    """Every rule, its verdict and reason, each fact with source, date and layer, and the remedy."""
    outcome = decision.outcome.upper()
    if decision.denied_on_unknown:
        outcome += " (only unknown facts stand in the way)"
    lines = [f"{decision.candidate.id}: {outcome}", f"  policy {policy_name}, unknown facts: {unknown}"
                                                   + (f", evaluated on {as_of}" if as_of else "")]
    if decision.lifecycle.flag:
        lines.append(f"  LIFECYCLE {decision.lifecycle.flag}")
    for result in decision.results:
        lines.append(f"  {result.verdict.value.upper()} {result.rule} ({result.title})")
        lines.append(f"    reason: {result.reason}")
        for item in result.evidence:
            lines.append(f"    fact: {item.subject} {item.predicate} {item.object}")
            source = item.source or "no source"
            title = f" \"{item.source_title}\"" if item.source_title else ""
            when = f", as of {item.as_of}" if item.as_of else ""
            kind = " (secondary source)" if item.secondary else ""
            lines.append(f"      source: {source}{title}{kind}{when}, layer {item.layer}")
            if item.note:
                lines.append(f"      note: {item.note}")
        if result.remedy:
            lines.append(f"    remedy: {result.remedy}")
    for warning in decision.warnings:
        lines.append(f"  WARNING {warning}")
    for item in decision.obligations:
        lines.append(f"  OBLIGATION ({item.licence}, {item.clause}): {item.text}")
    return "\n".join(printable(line) for line in lines) + "\n"
