"""The one frozen result tree every output format and exit code derive from.

Report -> Decision -> RuleResult -> Evidence.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Iterable, Literal

from pydantic import BaseModel, ConfigDict, Field

#: The exit code of ``select`` and ``check`` with ``--fail-on unknown`` when a candidate is allowed only
#: because the policy says ``unknown: warn`` (0 allowed, 1 denied or none allowed, 2 bad input).
EXIT_ALLOWED_ON_UNKNOWN = 3


class Verdict(str, Enum):
    """What one rule says about one candidate."""

    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"


_SEVERITY = {Verdict.PASS: 0, Verdict.UNKNOWN: 1, Verdict.FAIL: 2}


def worse(a: Verdict, b: Verdict) -> Verdict:
    """The more severe of two verdicts (fail over unknown over pass)."""
    return a if _SEVERITY[a] >= _SEVERITY[b] else b


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Evidence(_Frozen):
    """One fact a rule used: the triple, where it came from, and when it was true."""

    subject: str
    predicate: str
    object: str
    source: str | None
    source_title: str | None = None
    as_of: str | None
    layer: str
    secondary: bool = False
    note: str | None = None


class RuleResult(_Frozen):
    """One rule's verdict on one candidate, with its reason, evidence and remedy."""

    rule: str
    title: str
    verdict: Verdict
    reason: str
    evidence: tuple[Evidence, ...] = ()
    remedy: str | None = None


class Obligation(_Frozen):
    """A duty the user takes on by using an allowed candidate (a licence's attribution clause, say)."""

    text: str
    clause: str
    licence: str
    evidence: tuple[Evidence, ...] = ()


class CandidateRef(_Frozen):
    """A deployment: one model served by one provider at one deployment target."""

    id: str
    model: str
    provider: str
    deployment: str


class Lifecycle(_Frozen):
    """A deployment's lifecycle on the evaluation date: its status (None: not recorded) and announced dates."""

    status: Literal["active", "deprecated", "retired"] | None = None
    deprecated_on: str | None = None
    retires_on: str | None = None

    @property
    def flag(self) -> str | None:
        """A short note for a deprecated or retired deployment ("deprecated, retires on 2026-10-20"), else None."""
        if self.status not in ("deprecated", "retired"):
            return None
        dates = [f"deprecated on {self.deprecated_on}" if self.deprecated_on else "",
                 f"retires on {self.retires_on}" if self.retires_on else ""]
        return ", ".join([self.status.upper()] + [d for d in dates if d])


class Decision(_Frozen):
    """The policy's answer for one candidate and every rule result behind it."""

    candidate: CandidateRef
    outcome: Literal["allowed", "denied"]
    rank: int | None
    ranked_by: tuple[tuple[str, str], ...] = ()
    denied_on_unknown: bool
    warnings: tuple[str, ...] = ()
    obligations: tuple[Obligation, ...] = ()
    lifecycle: Lifecycle = Lifecycle()
    results: tuple[RuleResult, ...]

    @property
    def allowed(self) -> bool:
        """Whether the candidate may be used under the policy."""
        return self.outcome == "allowed"

    @property
    def exit_code(self) -> int:
        """0 when allowed, 1 when denied: what `selector check` exits with."""
        return 0 if self.allowed else 1

    def exit_code_failing_on(self, fail_on: Iterable[str] = ()) -> int:
        """The exit code, with ``fail_on`` ``unknown``: 3 when allowed only because the policy says ``unknown: warn``."""
        if self.allowed and "unknown" in fail_on and self.warnings:
            return EXIT_ALLOWED_ON_UNKNOWN
        return self.exit_code


class PolicyRef(_Frozen):
    """The policy a report answers, identified by its content, with its description and requirements as evaluated."""

    name: str
    fingerprint: str
    unknown: Literal["fail", "warn"]
    description: str = ""
    requirements: dict[str, Any] = Field(default_factory=dict)
    """The policy's keys in canonical form (what was evaluated): require, exclude, prefer, and the rest."""


class KnowledgeBaseRef(_Frozen):
    """The knowledge base a report was computed on, identified by its content."""

    fingerprint: str
    layers: tuple[str, ...]


class FactDates(_Frozen):
    """The as-of range of the facts a report's decisions used, and how many sources they came from."""

    oldest: str | None = None
    newest: str | None = None
    sources: int = 0


class Unsettled(_Frozen):
    """A rule that left candidates denied only on unknown facts: how many, and what would settle one."""

    rule: str
    title: str
    candidates: int
    example: str
    remedy: str | None = None


class Summary(_Frozen):
    """Counts over a report's decisions."""

    candidates: int
    allowed: int
    denied: int
    denied_on_unknown: int
    allowed_with_warnings: int = 0


class Report(_Frozen):
    """Every candidate's decision under one policy: allowed first by rank, then denied."""

    as_of: str
    """The evaluation date (``--as-of``, else the knowledge base's own date: its newest source's as-of)."""
    tool: str
    """The selector version that wrote the report."""
    policy: PolicyRef
    knowledge_base: KnowledgeBaseRef
    rules: tuple[str, ...]
    rules_fingerprint: str
    """The content fingerprint of every loaded rule (shipped and an organisation's): kind, check, words."""
    summary: Summary
    facts: FactDates = FactDates()
    unsettled: tuple[Unsettled, ...] = ()
    """For candidates denied only on unknown facts: each rule that was unknown, and what would settle it."""
    decisions: tuple[Decision, ...]
    denied_left_out: bool = Field(default=False, exclude=True)
    """True when the denied decisions were left out (a view of the allowed ones); never in JSON."""

    @property
    def exit_code(self) -> int:
        """0 when at least one candidate is allowed, 1 when none is."""
        return 0 if self.summary.allowed else 1

    def exit_code_failing_on(self, fail_on: Iterable[str] = ()) -> int:
        """The exit code, with ``fail_on`` ``unknown``: 3 when some candidate is allowed only under ``unknown: warn``."""
        if self.summary.allowed and "unknown" in fail_on and self.summary.allowed_with_warnings:
            return EXIT_ALLOWED_ON_UNKNOWN
        return self.exit_code

    def allowed(self) -> tuple[Decision, ...]:
        """The allowed decisions in rank order."""
        return tuple(d for d in self.decisions if d.allowed)

    def denied(self) -> tuple[Decision, ...]:
        """The denied decisions, by candidate id."""
        return tuple(d for d in self.decisions if not d.allowed)
