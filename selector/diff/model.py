"""The frozen result tree of a diff: DiffReport -> Flip -> RuleChange -> Evidence.

Every output format of ``selector diff`` and its exit code derive from it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from selector.results import Evidence, Verdict

#: What a candidate is on one side: allowed, denied, or not a candidate there at all.
Outcome = Literal["allowed", "denied", "absent"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Side(_Frozen):
    """What one side of a diff decided on: its policy, knowledge base and rules, identified by content."""

    label: Literal["a", "b"]
    policy: str
    policy_fingerprint: str
    unknown: Literal["fail", "warn"]
    knowledge_base: str
    layers: tuple[str, ...]
    revision: str | None = None
    """The git revision whose ``ontology/`` was the base, or None for the shipped one."""
    rules: tuple[str, ...]
    rules_fingerprint: str
    candidates: int
    allowed: int


class RuleChange(_Frozen):
    """One rule whose verdict on a candidate differs between the sides, and the facts its trails differ in.

    A verdict is None on a side where the policy does not switch the rule on.
    ``only_a`` are the facts the rule's trail cites on side a and not on side b (with
    their source, as-of and layer), ``only_b`` the other way round: a changed fact
    shows as its old value in one and its new value in the other.
    """

    rule: str
    title: str
    verdict_a: Verdict | None
    verdict_b: Verdict | None
    reason_a: str | None = None
    reason_b: str | None = None
    only_a: tuple[Evidence, ...] = ()
    only_b: tuple[Evidence, ...] = ()


class Flip(_Frozen):
    """A candidate allowed on one side and not on the other, with the rules and facts behind the change."""

    candidate: str
    change: Literal["allowed_to_denied", "denied_to_allowed"]
    outcome_a: Outcome
    outcome_b: Outcome
    rank_a: int | None = None
    rank_b: int | None = None
    rules: tuple[RuleChange, ...] = ()


class RankChange(_Frozen):
    """A candidate allowed on both sides at different ranks."""

    candidate: str
    rank_a: int
    rank_b: int


class DiffSummary(_Frozen):
    """Counts over a diff."""

    candidates: int
    """Candidates on either side."""
    flipped: int
    allowed_to_denied: int
    denied_to_allowed: int
    rank_changes: int
    only_in_a: int
    only_in_b: int


class DiffReport(_Frozen):
    """Two sides' decisions compared candidate by candidate, on one evaluation date."""

    as_of: str
    tool: str
    a: Side
    b: Side
    summary: DiffSummary
    flips: tuple[Flip, ...]
    """allowed -> denied first, then denied -> allowed, each by candidate id."""
    rank_changes: tuple[RankChange, ...] = ()
    """By candidate id."""

    @property
    def exit_code(self) -> int:
        """0 when no decision flipped, 1 when one did (rank changes alone are not a flip)."""
        return 1 if self.flips else 0
