"""A policy's selection: every candidate's outcome from the columns, ranked; trails built when asked for.

Trails (messages, evidence, obligations) are built only for the candidates someone
looks at, by the same rule-by-rule evaluation as ``selector check``;
``Selection.report`` builds them all and refuses to return a report whose outcomes
differ from the columns'.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from selector.engine.columns import (
    FAIL,
    PASS,
    UNDECIDED,
    UNKNOWN,
    VERDICTS,
    PolicyState,
    decide_group,
    indices,
    verdicts,
    worst_codes,
)
from selector.engine.rank import ordering_keys, rank_key, with_rank
from selector.engine.review import fact_dates, tool_version, unsettled
from selector.policy import Policy
from selector.results import (
    Decision,
    KnowledgeBaseRef,
    PolicyRef,
    Report,
    Summary,
    Verdict,
)
from selector.rules import Rule

if TYPE_CHECKING:
    from selector.engine import Engine


class InconsistentDecision(RuntimeError):
    """The columns and the rule-by-rule evaluation disagree about a candidate: a bug, never an answer."""


def verify(decision: Decision, verdicts: Sequence[tuple[str, Verdict]]) -> Decision:
    """The decision, once its rule verdicts are shown to be the ones the columns gave (else InconsistentDecision)."""
    built = tuple((r.rule, r.verdict) for r in decision.results)
    if built != tuple(verdicts):
        raise InconsistentDecision(
            f"internal error: the verdicts for {decision.candidate.id} differ between the columns {list(verdicts)} "
            f"and its rules {list(built)}; please report this with the policy and knowledge base"
        )
    return decision


@dataclass(frozen=True)
class Selection:
    """Every candidate's outcome under a policy, ranked; each trail is built when it is asked for."""

    engine: "Engine"
    policy: Policy
    state: PolicyState
    allowed: tuple[int, ...]
    denied: tuple[int, ...]
    summary: Summary
    denied_on_unknown: frozenset[int]

    @classmethod
    def make(cls, engine: "Engine", policy: Policy) -> "Selection":
        """Decide every candidate under the policy, column by column."""
        state = engine.columns.state(engine, policy)
        worst = worst_codes(engine, state)
        unsure = indices(worst, UNKNOWN, UNKNOWN)
        if policy.unknown == "warn":
            allowed = indices(worst, PASS, UNKNOWN)
            denied = indices(worst, FAIL, FAIL)
            on_unknown: list[int] = []
        else:
            allowed = indices(worst, PASS, PASS)
            denied = indices(worst, UNKNOWN, FAIL)
            on_unknown = unsure
        if policy.prefer:
            # Candidates are numbered in id order, so the number breaks ties as the id would.
            columns = [ordering_keys(engine, name, allowed, policy.workload) for name in policy.prefer]
            allowed.sort(key=lambda index: tuple(column[index] for column in columns) + (index,))
        summary = Summary(
            candidates=len(engine.candidates),
            allowed=len(allowed),
            denied=len(denied),
            denied_on_unknown=len(on_unknown),
            allowed_with_warnings=len(unsure) if policy.unknown == "warn" else 0,
        )
        return cls(engine, policy, state, tuple(allowed), tuple(denied), summary, frozenset(on_unknown))

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The rules the policy switches on, in id order."""
        return self.state.rules

    def allowed_ids(self) -> tuple[str, ...]:
        """The allowed candidates' ids, best ranked first."""
        return tuple(self.engine.candidates[i].id for i in self.allowed)

    def decision(self, index: int, rank: int | None = None) -> Decision:
        """One candidate's full decision with its trail (and its rank when allowed)."""
        engine = self.engine
        decision = engine.decide(engine.candidates[index], self.policy, self.rules)
        verify(decision, verdicts(self.state, index))
        if decision.allowed != (rank is not None):
            raise InconsistentDecision(f"internal error: the outcome of {decision.candidate.id} differs from the columns'")
        if rank is not None:
            values = rank_key(engine, engine.candidates[index], self.policy.prefer, self.policy.workload)[1]
            return with_rank(decision, rank, self.policy.prefer, values)
        return decision

    def decisions(self, *, denied: bool = True) -> tuple[Decision, ...]:
        """Every decision with its trail: allowed first by rank, then (unless ``denied`` is false) denied by id."""
        ranked = tuple(self.decision(i, rank) for rank, i in enumerate(self.allowed, start=1))
        return ranked + (tuple(self.decision(i) for i in self.denied) if denied else ())

    def report(self, *, denied: bool = True) -> Report:
        """The report every output format is rendered from.

        Every trail, or (``denied=False``, for a view that shows only the allowed candidates) the allowed
        ones' and the counts of the rest.
        """
        engine, policy = self.engine, self.policy
        decisions = self.decisions(denied=denied)
        data = policy.canonical_data()
        return Report(
            as_of=policy.as_of.isoformat() if policy.as_of else "",
            tool=tool_version(),
            policy=PolicyRef(
                name=policy.name, fingerprint=policy.fingerprint, unknown=policy.unknown,
                description=policy.description,
                requirements={k: v for k, v in data.items() if k not in ("name", "description", "version")},
            ),
            knowledge_base=KnowledgeBaseRef(fingerprint=engine.kb_fingerprint, layers=engine.layers),
            rules=tuple(r.id for r in self.rules),
            rules_fingerprint=engine.rules_fingerprint,
            summary=self.summary,
            facts=fact_dates(decisions),
            unsettled=unsettled(self),
            decisions=decisions,
            denied_left_out=not denied and bool(self.denied),
        )


@dataclass(frozen=True)
class QuickDecision:
    """One candidate's outcome from the columns, for embedded checks; ``trail()`` gives the full decision."""

    candidate: str
    allowed: bool
    denied_on_unknown: bool
    verdicts: tuple[tuple[str, Verdict], ...]
    _engine: "Engine" = field(repr=False, compare=False)
    _policy: Policy = field(repr=False, compare=False)

    @property
    def exit_code(self) -> int:
        """0 when allowed, 1 when denied."""
        return 0 if self.allowed else 1

    def trail(self) -> Decision:
        """The full decision: every rule's verdict, reason, evidence and remedy (evaluated now)."""
        return verify(self._engine.check(self.candidate, self._policy), self.verdicts)


def quick_decision(engine: "Engine", index: int, policy: Policy) -> QuickDecision:
    """One candidate's outcome, read from the policy's verdict tables (deciding a group the first time it is met)."""
    state = engine.columns.state(engine, policy)
    worst = PASS
    verdicts = []
    for position, column in enumerate(state.columns):
        group = column.groups[index]
        code = state.tables[position][group]
        if code == UNDECIDED:
            code = decide_group(engine, state, position, group)
        if code > worst:
            worst = code
        verdicts.append((column.rule.id, VERDICTS[code]))
    allowed = worst == PASS or (worst == UNKNOWN and policy.unknown == "warn")
    return QuickDecision(
        engine.candidates[index].id, allowed, not allowed and worst == UNKNOWN, tuple(verdicts), engine, policy
    )


__all__ = ["InconsistentDecision", "QuickDecision", "Selection", "quick_decision", "verify"]
