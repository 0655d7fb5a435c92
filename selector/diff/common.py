"""What the diff formats share: how a side, a change and the summary read in words."""

from __future__ import annotations

from selector.diff.model import DiffReport, Flip, RuleChange, Side
from selector.results import Evidence
from selector.text import plural

#: How each change reads.
CHANGES = {"allowed_to_denied": "allowed -> denied", "denied_to_allowed": "denied -> allowed"}


def side_line(side: Side) -> str:
    """The policy, knowledge base and rules one side decided on."""
    base = f"git revision {side.revision} of ontology/" if side.revision else "shipped ontology"
    return (f"{side.label}: policy {side.policy} ({side.policy_fingerprint[:19]}), unknown facts: {side.unknown}; "
            f"knowledge base {side.knowledge_base[:19]} ({base}), layers: {', '.join(side.layers)}; "
            f"rules {side.rules_fingerprint[:19]}; {side.allowed} allowed of {plural(side.candidates, 'candidate')}")


def outcome(flip: Flip, label: str) -> str:
    """``allowed (rank 2)``, ``denied`` or ``absent`` on one side."""
    value = flip.outcome_a if label == "a" else flip.outcome_b
    rank = flip.rank_a if label == "a" else flip.rank_b
    return f"{value} (rank {rank})" if rank is not None else value


def verdicts(change: RuleChange) -> str:
    """``pass -> fail``; a rule the policy does not switch on reads ``off``."""
    a = change.verdict_a.value if change.verdict_a is not None else "off"
    b = change.verdict_b.value if change.verdict_b is not None else "off"
    return f"{a} -> {b}"


def fact(item: Evidence) -> str:
    """The triple of a fact, as a trail shows it."""
    return f"{item.subject} {item.predicate} {item.object}"


def sourced(item: Evidence) -> str:
    """Where a fact came from and when: source, title, as-of and layer."""
    title = f' "{item.source_title}"' if item.source_title else ""
    secondary = " (secondary source)" if item.secondary else ""
    when = f", as of {item.as_of}" if item.as_of else ", no as-of date"
    note = f"; {item.note}" if item.note else ""
    return f"{item.source or 'no source'}{title}{secondary}{when}, layer {item.layer}{note}"


def summary_line(report: DiffReport) -> str:
    """The closing line: flips by direction, rank changes and candidates on one side only."""
    s = report.summary
    parts = [f"{plural(s.flipped, 'decision')} flipped of {plural(s.candidates, 'candidate')}: "
             f"{s.allowed_to_denied} allowed -> denied, {s.denied_to_allowed} denied -> allowed",
             plural(s.rank_changes, "rank change")]
    if s.only_in_a or s.only_in_b:
        parts.append(f"{s.only_in_a} only in a, {s.only_in_b} only in b")
    return "; ".join(parts)
