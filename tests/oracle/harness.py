"""Loading a generated world into the engine and the oracle, and comparing what they decide."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from selector.checks import KINDS
from selector.evaluate import Engine
from selector.kb.load import KnowledgeBase, load_knowledge_base
from selector.policy import Policy, load_policy
from selector.rules import load_rules

from .oracle import Oracle
from .worlds import Layout, World, write_policy, write_world

RULES = load_rules(kinds=KINDS)

LONG = os.environ.get("SELECTOR_LONG") == "1"


def examples(default: int, long: int = 100_000) -> int:
    """How many examples a property runs: ``default``, or ``long`` with SELECTOR_LONG=1."""
    return long if LONG else default


@contextmanager
def scratch() -> Iterator[Path]:
    """A fresh temporary folder for one example."""
    with tempfile.TemporaryDirectory(prefix="selector-world-") as folder:
        yield Path(folder)


def load(world: World, root: Path, layout: Layout = Layout()) -> KnowledgeBase:
    """Write a world under ``root`` and load it as base plus overlay."""
    base, overlays = write_world(world, root, layout)
    return load_knowledge_base(overlays, base_dir=base)


@dataclass
class Pair:
    """The engine and the oracle over one knowledge base."""

    kb: KnowledgeBase
    engine: Engine
    oracle: Oracle

    def policy(self, data: dict, path: Path) -> Policy:
        """Validate policy data against this knowledge base's vocabulary."""
        return load_policy(write_policy(data, path), self.engine.vocabulary())

    def disagreements(self, policy: Policy) -> list[str]:
        """Every candidate on which the engine and the oracle differ, as readable lines."""
        report = self.engine.select(policy)
        answers = self.oracle.decide(policy)
        problems = []
        engine_ids = {d.candidate.id for d in report.decisions}
        if engine_ids != set(answers):
            problems.append(f"candidates differ: engine-only {sorted(engine_ids - set(answers))}, "
                            f"oracle-only {sorted(set(answers) - engine_ids)}")
        for decision in report.decisions:
            answer = answers.get(decision.candidate.id)
            if answer is None:
                continue
            verdicts = {r.rule: r.verdict.value for r in decision.results}
            if decision.allowed != answer.allowed or verdicts != answer.verdicts:
                differing = {
                    rule: (verdicts.get(rule), answer.verdicts.get(rule))
                    for rule in sorted(set(verdicts) | set(answer.verdicts))
                    if verdicts.get(rule) != answer.verdicts.get(rule)
                }
                problems.append(
                    f"{decision.candidate.id}: engine {decision.outcome}, oracle "
                    f"{'allowed' if answer.allowed else 'denied'}; (engine, oracle) verdicts {differing}; "
                    + "; ".join(f"{r.rule}: {r.reason}" for r in decision.results if r.rule in differing)
                )
        return problems


def pair(world: World, root: Path, layout: Layout = Layout()) -> Pair:
    """Load a world and compile it for both evaluators."""
    kb = load(world, root, layout)
    return Pair(kb, Engine(kb, RULES), Oracle(kb))


def dump(world: World) -> str:
    """A world's statements, one per line, for a failure message."""
    return "\n".join(f"[{s.graph}] {s.s.n3()} {s.p.n3()} {s.o.n3()}" for s in world.statements)
