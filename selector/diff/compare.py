"""Two sides' decisions compared: which candidates flipped, the rules whose verdict changed, and the facts behind them.

Each side is a compiled knowledge base and rule set (a :class:`~selector.api.Selector`)
with a policy. Both sides are decided on one evaluation date, so that a diff shows
what the facts or the policy changed, not what a later date changed. Outcomes come
from the columns (fast); trails are built only for the candidates that flipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from selector.api import Selector
from selector.diff.model import DiffReport, DiffSummary, Flip, Outcome, RankChange, RuleChange, Side
from selector.engine.review import tool_version
from selector.engine.selection import Selection
from selector.policy import Policy
from selector.results import Decision, RuleResult, Verdict


@dataclass(frozen=True)
class DiffSide:
    """One side of a diff: a compiled knowledge base and rules, a policy, and the git revision of its base if any."""

    selector: Selector
    policy: Policy
    revision: str | None = None


def evaluation_date(a: DiffSide, b: DiffSide, as_of: date | None) -> date:
    """The date both sides are decided on: ``as_of``, else the later of the two knowledge bases' own dates."""
    return as_of if as_of is not None else max(a.selector.engine.kb_date, b.selector.engine.kb_date)


def compare(a: DiffSide, b: DiffSide, as_of: date | None = None) -> DiffReport:
    """Every candidate's outcome on side a against side b, with the trail differences of those that flipped."""
    when = evaluation_date(a, b, as_of)
    sel_a = a.selector.selection(a.policy.on(when))
    sel_b = b.selector.selection(b.policy.on(when))
    ranks_a, ranks_b = _ranks(sel_a), _ranks(sel_b)
    ids_a = set(sel_a.engine.candidate_index)
    ids_b = set(sel_b.engine.candidate_index)
    flips: list[Flip] = []
    moved: list[RankChange] = []
    for candidate in sorted(ids_a | ids_b):
        out_a = _outcome(candidate, ids_a, ranks_a)
        out_b = _outcome(candidate, ids_b, ranks_b)
        if (out_a == "allowed") != (out_b == "allowed"):
            flips.append(_flip(candidate, sel_a, sel_b, out_a, out_b, ranks_a, ranks_b))
        elif out_a == "allowed" and ranks_a[candidate] != ranks_b[candidate]:
            moved.append(RankChange(candidate=candidate, rank_a=ranks_a[candidate], rank_b=ranks_b[candidate]))
    flips.sort(key=lambda f: (f.change != "allowed_to_denied", f.candidate))
    lost = sum(f.change == "allowed_to_denied" for f in flips)
    summary = DiffSummary(
        candidates=len(ids_a | ids_b), flipped=len(flips), allowed_to_denied=lost,
        denied_to_allowed=len(flips) - lost, rank_changes=len(moved),
        only_in_a=len(ids_a - ids_b), only_in_b=len(ids_b - ids_a),
    )
    return DiffReport(
        as_of=when.isoformat(), tool=tool_version(), a=_side("a", a, sel_a), b=_side("b", b, sel_b),
        summary=summary, flips=tuple(flips), rank_changes=tuple(moved),
    )


def _ranks(selection: Selection) -> dict[str, int]:
    return {candidate: rank for rank, candidate in enumerate(selection.allowed_ids(), start=1)}


def _outcome(candidate: str, ids: set[str], ranks: dict[str, int]) -> Outcome:
    if candidate not in ids:
        return "absent"
    return "allowed" if candidate in ranks else "denied"


def _side(label: str, side: DiffSide, selection: Selection) -> Side:
    engine, policy = selection.engine, selection.policy
    return Side(
        label=label, policy=policy.name, policy_fingerprint=policy.fingerprint, unknown=policy.unknown,
        knowledge_base=engine.kb_fingerprint, layers=engine.layers, revision=side.revision,
        rules=tuple(r.id for r in selection.rules), rules_fingerprint=engine.rules_fingerprint,
        candidates=selection.summary.candidates, allowed=selection.summary.allowed,
    )


def _decision(candidate: str, selection: Selection, ranks: dict[str, int]) -> Decision | None:
    index = selection.engine.candidate_index.get(candidate)
    return None if index is None else selection.decision(index, ranks.get(candidate))


def _flip(candidate: str, sel_a: Selection, sel_b: Selection, out_a: Outcome, out_b: Outcome,
          ranks_a: dict[str, int], ranks_b: dict[str, int]) -> Flip:
    before = _decision(candidate, sel_a, ranks_a)
    after = _decision(candidate, sel_b, ranks_b)
    return Flip(
        candidate=candidate, change="allowed_to_denied" if out_a == "allowed" else "denied_to_allowed",
        outcome_a=out_a, outcome_b=out_b, rank_a=ranks_a.get(candidate), rank_b=ranks_b.get(candidate),
        rules=rule_changes(before, after),
    )


def rule_changes(before: Decision | None, after: Decision | None) -> tuple[RuleChange, ...]:
    """The rules whose verdict differs between two decisions on one candidate, by rule id.

    A rule switched on one side only counts when it does not pass there. Each change
    lists the facts the rule's trail cites on one side and not the other.
    """
    results_a = {r.rule: r for r in before.results} if before is not None else {}
    results_b = {r.rule: r for r in after.results} if after is not None else {}
    changes = []
    for rule in sorted(results_a.keys() | results_b.keys()):
        ra, rb = results_a.get(rule), results_b.get(rule)
        va, vb = _verdict(ra), _verdict(rb)
        if va == vb or {va, vb} == {None, Verdict.PASS}:
            continue
        cited_a = ra.evidence if ra is not None else ()
        cited_b = rb.evidence if rb is not None else ()
        changes.append(RuleChange(
            rule=rule, title=(ra or rb).title, verdict_a=va, verdict_b=vb,
            reason_a=ra.reason if ra is not None else None, reason_b=rb.reason if rb is not None else None,
            only_a=_only(cited_a, cited_b), only_b=_only(cited_b, cited_a),
        ))
    return tuple(changes)


def _verdict(result: RuleResult | None) -> Verdict | None:
    return result.verdict if result is not None else None


def _only(cited, other) -> tuple:
    """The facts of ``cited`` not in ``other``, once each, in trail order."""
    seen = set(other)
    out = []
    for item in cited:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return tuple(out)
