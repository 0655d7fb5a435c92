"""Decisions over whole columns: each rule judged once per distinct signature, then for every candidate at once.

When a knowledge base is compiled, every rule gets a column: for each candidate, the
number of its signature group (``CheckKind.signature``). Under a policy, a rule's
verdict is decided once per group, by running the rule's own check on one candidate
of the group (or, for residency and price caps, from the group's signature), and the
verdicts reach every candidate through the column. Trails
(messages, evidence, obligations) are built only for the candidates someone looks
at (``selector.engine.selection``).
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

from selector.checks import KINDS, CheckContext
from selector.engine.rank import ORDERINGS
from selector.policy import Policy, policy_value
from selector.results import Verdict
from selector.rules import Rule

if TYPE_CHECKING:
    from selector.engine import Engine

#: Verdicts as small numbers, worst last: the worst of several verdicts is their maximum.
PASS, UNKNOWN, FAIL = 0, 1, 2
CODES = {Verdict.PASS: PASS, Verdict.UNKNOWN: UNKNOWN, Verdict.FAIL: FAIL}
VERDICTS = (Verdict.PASS, Verdict.UNKNOWN, Verdict.FAIL)
UNDECIDED = 255

#: Below this many candidates plain lists beat vectorised arrays (and spare the import).
_VECTOR_FROM = 4096
#: How many policies' verdict tables a long-running process keeps.
_KEEP_POLICIES = 32


@dataclass(frozen=True)
class RuleColumn:
    """One rule's signature groups.

    Each candidate's group, the candidate that stands for each group, and, for kinds whose verdict is read
    from it, each group's signature.
    """

    rule: Rule
    groups: array
    representatives: tuple[int, ...]
    signatures: tuple[Any, ...]


def build_column(engine: "Engine", rule: Rule) -> RuleColumn:
    """Group the engine's candidates by their signature for the rule."""
    kind = KINDS[rule.kind]
    sign = kind.signature
    parts = kind.depends_on(rule)
    by_nodes: dict[tuple, int] = {}
    numbering: dict[Any, int] = {}
    groups = array("I")
    representatives: list[int] = []
    signatures: list[Any] = []
    keep = kind.from_signature is not None
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
class PolicyState:
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
    _by_identity: "OrderedDict[int, PolicyState]" = field(default_factory=OrderedDict)

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

    def state(self, engine: "Engine", policy: Policy) -> PolicyState:
        """The policy's verdict tables: found by the policy object, then by its content, else started empty."""
        state = self._by_identity.get(id(policy))
        if state is not None and state.policy is policy:
            return state
        rules = engine.active_rules(policy)
        # Verdicts depend on the policy's content and its evaluation date.
        content = f"{policy.fingerprint}@{policy.as_of}"
        tables = self._by_content.pop(content, None) or {}
        for rule in rules:
            tables.setdefault(rule.id, bytearray([UNDECIDED]) * len(self.columns[rule.id].representatives))
        self._by_content[content] = tables
        state = PolicyState(
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


def decide_group(engine: "Engine", state: PolicyState, position: int, group: int) -> int:
    """Decide one rule for one signature group, by its representative, and remember the verdict."""
    column = state.columns[position]
    rule = column.rule
    candidate = engine.candidates[column.representatives[group]]
    ctx = CheckContext(engine.facts, engine.places, state.policy, candidate, engine.regions)
    required = state.required[position]
    kind = KINDS[rule.kind]
    reader = kind.from_signature
    verdict = reader(ctx, column.signatures[group], required) if reader is not None else None
    if verdict is None:
        verdict = kind.check(ctx, rule, required).verdict
    code = CODES[verdict]
    state.tables[position][group] = code
    return code


def _decide_all(engine: "Engine", state: PolicyState) -> None:
    for position, table in enumerate(state.tables):
        for group, code in enumerate(table):
            if code == UNDECIDED:
                decide_group(engine, state, position, group)


def worst_codes(engine: "Engine", state: PolicyState) -> Sequence[int]:
    """Every candidate's worst verdict over the policy's active rules (PASS when none is active)."""
    _decide_all(engine, state)
    count = len(engine.candidates)
    if count >= _VECTOR_FROM:
        import numpy  # imported here, not at the top, to keep start-up fast: only large bases need it

        worst = numpy.zeros(count, dtype=numpy.uint8)
        for column, table in zip(state.columns, state.tables):
            codes = numpy.frombuffer(table, dtype=numpy.uint8)
            numpy.maximum(worst, codes[numpy.frombuffer(column.groups, dtype=numpy.uint32)], out=worst)
        return worst
    worst_list = [PASS] * count
    for column, table in zip(state.columns, state.tables):
        worst_list = list(map(max, worst_list, map(table.__getitem__, column.groups)))
    return worst_list


def indices(worst: Sequence[int], lowest: int, highest: int) -> list[int]:
    """The candidates whose worst verdict lies between two codes, in id order."""
    if hasattr(worst, "nonzero"):
        return ((worst >= lowest) & (worst <= highest)).nonzero()[0].tolist()
    return [i for i, code in enumerate(worst) if lowest <= code <= highest]


def verdicts(state: PolicyState, index: int) -> tuple[tuple[str, Verdict], ...]:
    """One candidate's verdict for each active rule, from the policy's tables."""
    return tuple(
        (column.rule.id, VERDICTS[table[column.groups[index]]]) for column, table in zip(state.columns, state.tables)
    )


__all__ = ["Columns", "decide_group", "verdicts", "worst_codes"]
