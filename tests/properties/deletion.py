"""The deletion property: deleting one statement of the shipped knowledge base never allows more.

Shared by the sampled test in the suite and the full run (``SELECTOR_LONG=1``, or
``python -m tests.properties.deletion`` for a report of every statement).
"""

from __future__ import annotations

import dataclasses
import random
import sys
import time
from functools import cached_property
from pathlib import Path

import yaml

from selector.checks import KINDS
from selector.engine import Engine
from selector.kb.load import BASE_LAYER, KnowledgeBase, load_knowledge_base
from selector.kb.namespaces import SEL
from selector.policy import Policy, load_policy
from selector.rules import load_rules

ROOT = Path(__file__).resolve().parents[2]
#: The rules that deny on a stated retirement or deprecation, and the statements they read.
LIFECYCLE_RULES = frozenset({"retired", "lifecycle"})
LIFECYCLE_PREDICATES = frozenset({SEL.status, SEL.retiresOn, SEL.deprecatedOn})
HERE = Path(__file__).resolve().parent


def policy_files(tmp: Path) -> list[Path]:
    """Every example policy, and the probe policies of deletion_policies.yaml written out as files."""
    files = sorted((ROOT / "examples").glob("*.yaml"))
    for probe in yaml.safe_load((HERE / "deletion_policies.yaml").read_text(encoding="utf-8")):
        path = tmp / f"{probe['name']}.yaml"
        path.write_text(yaml.safe_dump({"version": 1, **probe}), encoding="utf-8")
        files.append(path)
    return files


class Deletions:
    """The shipped base compiled once, and each policy's allowed set on it."""

    def __init__(self, tmp: Path) -> None:
        self.kb = load_knowledge_base()
        self.rules = load_rules((), kinds=KINDS)
        self.rules_without_lifecycle = tuple(r for r in self.rules if r.id not in LIFECYCLE_RULES)
        engine = Engine(self.kb, self.rules)
        vocabulary = engine.vocabulary()
        self.policies: list[Policy] = [load_policy(p, vocabulary) for p in policy_files(tmp)]
        assert all(p.unknown == "fail" for p in self.policies)
        self.allowed = [self._allowed(engine, p) for p in self.policies]
        #: Every fact of the shipped base (statements in named graphs of the base layer).
        self.statements = [i for i, q in enumerate(self.kb.quads) if q.layer == BASE_LAYER and q.graph is not None]

    @staticmethod
    def _allowed(engine: Engine, policy: Policy) -> frozenset[str]:
        return frozenset(engine.selection(policy).allowed_ids())

    def without(self, index: int) -> KnowledgeBase:
        """The base with one statement deleted."""
        quads = self.kb.quads[:index] + self.kb.quads[index + 1:]
        return dataclasses.replace(self.kb, quads=quads)

    @cached_property
    def allowed_without_lifecycle(self) -> list[frozenset[str]]:
        """Each policy's allowed set with the lifecycle rules left out."""
        engine = Engine(self.kb, self.rules_without_lifecycle)
        return [self._allowed(engine, p) for p in self.policies]

    def flips(self, index: int) -> list[str]:
        """What deleting one statement newly allows, policy by policy (empty: the property holds).

        The one exception by design: the lifecycle rules deny on a stated retirement or
        deprecation, so deleting that statement deletes the reason to deny (a deployment
        whose lifecycle is not recorded cannot be denied by every policy). A lifecycle
        statement's deletion is checked with those rules left out: it may change nothing else.
        """
        lifecycle = self.kb.quads[index].predicate in LIFECYCLE_PREDICATES
        rules = self.rules_without_lifecycle if lifecycle else self.rules
        baseline = self.allowed_without_lifecycle if lifecycle else self.allowed
        engine = Engine(self.without(index), rules)
        found = []
        for policy, before in zip(self.policies, baseline):
            gained = self._allowed(engine, policy) - before
            if gained:
                found.append(f"{policy.name}: {len(gained)} newly allowed, e.g. {sorted(gained)[0]}")
        return found

    def describe(self, index: int) -> str:
        """The statement as a line: subject, predicate, object and file."""
        from selector.kb.namespaces import short

        q = self.kb.quads[index]
        return f"{short(q.subject)} {short(q.predicate)} {short(q.object)} ({q.file})"

    def sample(self, count: int, seed: int) -> list[int]:
        """A reproducible random sample of the statements."""
        return sorted(random.Random(seed).sample(self.statements, min(count, len(self.statements))))


def main() -> None:
    """Delete every statement in turn and print every one that allows more, with the time taken."""
    import tempfile

    started = time.perf_counter()
    deletions = Deletions(Path(tempfile.mkdtemp()))
    failures = 0
    for n, index in enumerate(deletions.statements, start=1):
        flips = deletions.flips(index)
        if flips:
            failures += 1
            print(f"FLIP {deletions.describe(index)}: {'; '.join(flips)}", flush=True)
        if n % 200 == 0:
            print(f"... {n}/{len(deletions.statements)} in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started
    print(f"{len(deletions.statements)} statements deleted one at a time under {len(deletions.policies)} policies "
          f"in {elapsed:.0f} s: {failures} allowed more")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
