"""Decisions over whole columns: each rule judged once per distinct signature, then for every candidate at once.

When a knowledge base is compiled, every rule gets a column: for each candidate, the
number of its signature group (``selector.signatures``). Under a policy, a rule's
verdict is decided once per group, by running the rule's own check on one candidate
of the group (or, for residency and price caps, from the group's signature), and the
verdicts reach every candidate through the column. Trails
(messages, evidence, obligations) are built only for the candidates someone looks
at, by the same rule-by-rule evaluation as before; ``Selection.report`` builds them
all and refuses to return a report whose outcomes differ from the columns'.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

from selector.checks import CHECKS, CheckContext
from selector.policy import Policy, policy_value
from selector.rank import ORDERINGS, rank_key, with_rank
from selector.results import Decision, KnowledgeBaseRef, PolicyRef, Report, Summary, Verdict
from selector.rules import Rule
from selector.signatures import FROM_SIGNATURE, SIGNATURES, depends_on

if TYPE_CHECKING:
    from selector.evaluate import Engine

#: Verdicts as small numbers, worst last: the worst of several verdicts is their maximum.
PASS, UNKNOWN, FAIL = 0, 1, 2
CODES = {Verdict.PASS: PASS, Verdict.UNKNOWN: UNKNOWN, Verdict.FAIL: FAIL}
VERDICTS = (Verdict.PASS, Verdict.UNKNOWN, Verdict.FAIL)
_UNDECIDED = 255

#: Below this many candidates plain lists beat vectorised arrays (and spare the import).
_VECTOR_FROM = 4096
#: How many policies' verdict tables a long-running process keeps.
_KEEP_POLICIES = 32


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
class RuleColumn:
    """One rule's signature groups: each candidate's group, the candidate that stands for each group, and,
    for kinds whose verdict is read from it, each group's signature."""

    rule: Rule
    groups: array
    representatives: tuple[int, ...]
    signatures: tuple[Any, ...]


def build_column(engine: "Engine", rule: Rule) -> RuleColumn:
    """Group the engine's candidates by their signature for the rule."""
    sign = SIGNATURES[rule.kind]
    parts = depends_on(rule)
    by_nodes: dict[tuple, int] = {}
    numbering: dict[Any, int] = {}
    groups = array("I")
    representatives: list[int] = []
    signatures: list[Any] = []
    keep = rule.kind in FROM_SIGNATURE
    facts, places, regions = engine.facts, engine.places, engine.regions
    for i, candidate in enumerate(engine.candidates):
        nodes = tuple(getattr(candidate, part) for part in parts)
        group = by_nodes.get(nodes)
        if group is None:
            signature = sign(CheckContext(facts, places, None, candidate, regions), rule)
            group = numbering.get(signature)
            if group is None:
                group = numbering[signature] = len(representatives)
                representatives.append(i)
                if keep:
                    signatures.append(signature)
            by_nodes[nodes] = group
        groups.append(group)
    return RuleColumn(rule, groups, tuple(representatives), tuple(signatures))


@dataclass
class _PolicyState:
    """A policy's active rules, each with its column, required value and verdict per group (filled as needed)."""

    policy: Policy
    rules: tuple[Rule, ...]
    columns: tuple[RuleColumn, ...]
    required: tuple[Any, ...]
    tables: tuple[bytearray, ...]


@dataclass
class Columns:
    """Every rule's column for one compiled knowledge base, and the verdict tables of recent policies."""

    columns: dict[str, RuleColumn]
    orderings: dict[str, tuple[Any, ...]]
    _by_content: "OrderedDict[str, dict[str, bytearray]]" = field(default_factory=OrderedDict)
    _by_identity: "OrderedDict[int, _PolicyState]" = field(default_factory=OrderedDict)

    @classmethod
    def build(cls, engine: "Engine") -> "Columns":
        """Compute every rule's column and every ordering's sort key (once per knowledge base and rule set)."""
        return cls(
            {rule.id: build_column(engine, rule) for rule in engine.rules},
            {name: tuple(key(engine, c)[0] for c in engine.candidates) for name, key in ORDERINGS.items()},
        )

    def __getstate__(self) -> dict:
        # Verdict tables depend on policies, not on the knowledge base: never cached on disk.
        return {"columns": self.columns, "orderings": self.orderings}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["columns"], state["orderings"])

    def state(self, engine: "Engine", policy: Policy) -> _PolicyState:
        """The policy's verdict tables: found by the policy object, then by its content, else started empty."""
        state = self._by_identity.get(id(policy))
        if state is not None and state.policy is policy:
            return state
        rules = engine.active_rules(policy)
        tables = self._by_content.pop(policy.fingerprint, None) or {}
        for rule in rules:
            tables.setdefault(rule.id, bytearray([_UNDECIDED]) * len(self.columns[rule.id].representatives))
        self._by_content[policy.fingerprint] = tables
        state = _PolicyState(
            policy,
            rules,
            tuple(self.columns[r.id] for r in rules),
            tuple(policy_value(policy, r.policy_key) for r in rules),
            tuple(tables[r.id] for r in rules),
        )
        self._by_identity[id(policy)] = state
        for cache in (self._by_identity, self._by_content):
            while len(cache) > _KEEP_POLICIES:
                cache.popitem(last=False)
        return state


def decide_group(engine: "Engine", state: _PolicyState, position: int, group: int) -> int:
    """Decide one rule for one signature group, by its representative, and remember the verdict."""
    column = state.columns[position]
    rule = column.rule
    candidate = engine.candidates[column.representatives[group]]
    ctx = CheckContext(engine.facts, engine.places, state.policy, candidate, engine.regions)
    required = state.required[position]
    reader = FROM_SIGNATURE.get(rule.kind)
    verdict = reader(ctx, column.signatures[group], required) if reader is not None else None
    if verdict is None:
        verdict = CHECKS[rule.kind](ctx, rule, required).verdict
    code = CODES[verdict]
    state.tables[position][group] = code
    return code


def _decide_all(engine: "Engine", state: _PolicyState) -> None:
    for position, table in enumerate(state.tables):
        for group, code in enumerate(table):
            if code == _UNDECIDED:
                decide_group(engine, state, position, group)


def worst_codes(engine: "Engine", state: _PolicyState) -> Sequence[int]:
    """Every candidate's worst verdict over the policy's active rules (PASS when none is active)."""
    _decide_all(engine, state)
    count = len(engine.candidates)
    if count >= _VECTOR_FROM:
        import numpy

        worst = numpy.zeros(count, dtype=numpy.uint8)
        for column, table in zip(state.columns, state.tables):
            codes = numpy.frombuffer(table, dtype=numpy.uint8)
            numpy.maximum(worst, codes[numpy.frombuffer(column.groups, dtype=numpy.uint32)], out=worst)
        return worst
    worst_list = [PASS] * count
    for column, table in zip(state.columns, state.tables):
        worst_list = list(map(max, worst_list, map(table.__getitem__, column.groups)))
    return worst_list


def _indices(worst: Sequence[int], lowest: int, highest: int) -> list[int]:
    """The candidates whose worst verdict lies between two codes, in id order."""
    if hasattr(worst, "nonzero"):
        return ((worst >= lowest) & (worst <= highest)).nonzero()[0].tolist()
    return [i for i, code in enumerate(worst) if lowest <= code <= highest]


@dataclass(frozen=True)
class Selection:
    """Every candidate's outcome under a policy, ranked; each trail is built when it is asked for."""

    engine: "Engine"
    policy: Policy
    state: _PolicyState
    allowed: tuple[int, ...]
    denied: tuple[int, ...]
    summary: Summary
    denied_on_unknown: frozenset[int]

    @classmethod
    def make(cls, engine: "Engine", policy: Policy) -> "Selection":
        """Decide every candidate under the policy, column by column."""
        state = engine.columns.state(engine, policy)
        worst = worst_codes(engine, state)
        unsure = _indices(worst, UNKNOWN, UNKNOWN)
        if policy.unknown == "warn":
            allowed = _indices(worst, PASS, UNKNOWN)
            denied = _indices(worst, FAIL, FAIL)
            on_unknown: list[int] = []
        else:
            allowed = _indices(worst, PASS, PASS)
            denied = _indices(worst, UNKNOWN, FAIL)
            on_unknown = unsure
        if policy.prefer:
            # Candidates are numbered in id order, so the number breaks ties as the id would.
            columns = [engine.columns.orderings[name] for name in policy.prefer]
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
            values = rank_key(engine, engine.candidates[index], self.policy.prefer)[1]
            return with_rank(decision, rank, self.policy.prefer, values)
        return decision

    def decisions(self, *, denied: bool = True) -> tuple[Decision, ...]:
        """Every decision with its trail: allowed first by rank, then (unless ``denied`` is false) denied by id."""
        ranked = tuple(self.decision(i, rank) for rank, i in enumerate(self.allowed, start=1))
        return ranked + (tuple(self.decision(i) for i in self.denied) if denied else ())

    def report(self, *, denied: bool = True) -> Report:
        """The report every output format is rendered from: every trail, or (``denied=False``, for a view
        that shows only the allowed candidates) the allowed ones' and the counts of the rest."""
        engine, policy = self.engine, self.policy
        return Report(
            policy=PolicyRef(name=policy.name, fingerprint=policy.fingerprint, unknown=policy.unknown),
            knowledge_base=KnowledgeBaseRef(fingerprint=engine.fingerprint, layers=engine.layers),
            rules=tuple(r.id for r in self.rules),
            summary=self.summary,
            decisions=self.decisions(denied=denied),
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


def verdicts(state: _PolicyState, index: int) -> tuple[tuple[str, Verdict], ...]:
    """One candidate's verdict for each active rule, from the policy's tables."""
    return tuple(
        (column.rule.id, VERDICTS[table[column.groups[index]]]) for column, table in zip(state.columns, state.tables)
    )


def quick_decision(engine: "Engine", index: int, policy: Policy) -> QuickDecision:
    """One candidate's outcome, read from the policy's verdict tables (deciding a group the first time it is met)."""
    state = engine.columns.state(engine, policy)
    worst = PASS
    verdicts = []
    for position, column in enumerate(state.columns):
        group = column.groups[index]
        code = state.tables[position][group]
        if code == _UNDECIDED:
            code = decide_group(engine, state, position, group)
        if code > worst:
            worst = code
        verdicts.append((column.rule.id, VERDICTS[code]))
    allowed = worst == PASS or (worst == UNKNOWN and policy.unknown == "warn")
    return QuickDecision(
        engine.candidates[index].id, allowed, not allowed and worst == UNKNOWN, tuple(verdicts), engine, policy
    )


__all__ = ["Columns", "InconsistentDecision", "QuickDecision", "Selection", "quick_decision"]
