"""The Python API for embedded checks: load once, then decide many times."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from selector.engine import Engine
from selector.engine.cache import compiled_engine
from selector.engine.selection import QuickDecision, Selection
from selector.policy import Policy, Require, load_policy
from selector.results import Decision, Report
from selector.rules import Rule


class Selector:
    """The shipped knowledge base (plus overlays) and rules (plus an organisation's), compiled once.

    >>> s = Selector()
    >>> policy = s.load_policy(Path("examples/eu-finetune-long-context.yaml"))
    >>> s.check("gemini-2.5-pro@vertex-ai/europe-west4", policy).allowed  # doctest: +SKIP
    >>> s.allows("gemini-2.5-pro@vertex-ai/europe-west4", policy).allowed  # doctest: +SKIP
    """

    def __init__(self, overlays: Sequence[Path] = (), rules_dirs: Sequence[Path] = ()) -> None:
        self.engine: Engine = compiled_engine(tuple(overlays), tuple(rules_dirs))
        self.rules: tuple[Rule, ...] = self.engine.rules

    def load_policy(self, path: Path) -> Policy:
        """Read and validate a policy file against this knowledge base's vocabulary (raises PolicyError)."""
        return load_policy(path, self.engine.vocabulary(), extra_require=self.extra_require())

    def extra_require(self) -> dict[str, dict]:
        """Policy keys that an organisation's own rules add under ``require``, with their value schemas."""
        builtin = set(Require.model_fields)
        out = {}
        for rule in self.rules:
            section, _, name = rule.policy_key.partition(".")
            if section == "require" and "." not in name and name not in builtin:
                out[name] = dict(rule.parameter_schema or {})
        return out

    def select(self, policy: Policy, *, denied: bool = True) -> Report:
        """Every candidate's decision under the policy, allowed first by rank (``denied=False``: allowed only)."""
        return self.engine.select(policy, denied=denied)

    def selection(self, policy: Policy) -> Selection:
        """Every candidate's outcome, ranked, without trails: ``.decision(i)`` or ``.report()`` builds them."""
        return self.engine.selection(policy)

    def check(self, candidate: str, policy: Policy) -> Decision:
        """The decision for one candidate named MODEL@PROVIDER/DEPLOYMENT (raises UsageError if unknown)."""
        return self.engine.check(candidate, policy)

    def allows(self, candidate: str, policy: Policy) -> QuickDecision:
        """Whether one candidate is allowed, for request paths: microseconds; ``.trail()`` gives the decision."""
        return self.engine.allows(candidate, policy)
