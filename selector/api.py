"""The Python API for embedded checks: load once, then decide many times."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any, Mapping, Sequence

from selector.engine import Engine
from selector.engine.cache import compiled_engine
from selector.engine.selection import QuickDecision, Selection
from selector.policy import (
    Policy,
    PolicyVocabulary,
    Require,
    check_policy_document,
    load_policy,
    policy_from_data,
    policy_json_schema,
)
from selector.results import Decision, Report
from selector.rules import Rule
from selector.yamlfile import YamlDocument


class Selector:
    """The shipped knowledge base (plus overlays) and rules (plus an organisation's), compiled once.

    >>> s = Selector()
    >>> policy = s.load_policy(Path("examples/eu-finetune-long-context.yaml"))
    >>> s.check("gemini-2.5-pro@vertex-ai/europe-west4", policy).allowed  # doctest: +SKIP
    >>> s.allows("gemini-2.5-pro@vertex-ai/europe-west4", policy).allowed  # doctest: +SKIP
    """

    def __init__(
        self, overlays: Sequence[Path] = (), rules_dirs: Sequence[Path] = (), *, base_dir: Path | None = None,
        endpoint: str | None = None,
    ) -> None:
        """Compile (or load from the cache) the engine.

        ``base_dir`` replaces the shipped ontology folder; ``endpoint`` reads the knowledge base
        ``selector kb publish`` wrote to this SPARQL server, not the files.
        """
        self.engine: Engine = compiled_engine(tuple(overlays), tuple(rules_dirs), base_dir, endpoint)
        self.rules: tuple[Rule, ...] = self.engine.rules
        self._checked: dict[int, tuple[Policy, Policy]] = {}

    @cached_property
    def vocabulary(self) -> PolicyVocabulary:
        """The names a policy may use: the shipped knowledge base's and the overlays'."""
        return self.engine.vocabulary()

    def load_policy(self, path: Path) -> Policy:
        """Read and validate a policy file against this knowledge base's vocabulary (raises PolicyError)."""
        return load_policy(path, self.vocabulary, extra_require=self.extra_require())

    def read_policy(self, document: YamlDocument) -> Policy:
        """Check a policy document already read (``read_yaml`` / ``parse_yaml``) as ``load_policy`` checks a file."""
        return check_policy_document(document, self.vocabulary, extra_require=self.extra_require())

    def policy(self, data: Mapping[str, Any], *, name: str = "policy") -> Policy:
        """A policy from plain data, checked as a file is: the first problem raises the same one-line PolicyError.

        >>> Selector().policy({"version": 1, "require": {"residency": "XX"}})  # doctest: +SKIP
        PolicyError: require.residency: unknown jurisdiction 'XX'
        """
        return policy_from_data(data, self.vocabulary, extra_require=self.extra_require(), name=name)

    def policy_schema(self) -> dict[str, Any]:
        """The JSON Schema of policy files for this knowledge base and rules (overlays' names, rules' own keys)."""
        return policy_json_schema(self.extra_require(), self.vocabulary)

    def checked(self, policy: Policy) -> Policy:
        """The policy, checked against this knowledge base's names (raises PolicyError), as every method here does.

        A ``Policy`` built directly (``Policy.model_validate``) has its types checked but
        not its names; an unknown name (``residency: XX``) would match nothing and allow
        nothing. Here it is refused with the line a file would give; names in another
        letter case are read in the knowledge base's spelling. Checked once per policy object.
        """
        known = self._checked.get(id(policy))
        if known is not None and known[0] is policy:
            return known[1]
        if not isinstance(policy, Policy):
            raise TypeError(f"expected a Policy, got {type(policy).__name__}; build one with Selector.policy(data)")
        checked = self.policy(policy.canonical_data(), name=policy.name)
        result = policy if checked.fingerprint == policy.fingerprint else checked
        if len(self._checked) >= 64:
            self._checked.pop(next(iter(self._checked)))
        self._checked[id(policy)] = (policy, result)
        return result

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
        return self.engine.select(self.checked(policy), denied=denied)

    def selection(self, policy: Policy) -> Selection:
        """Every candidate's outcome, ranked, without trails: ``.decision(i)`` or ``.report()`` builds them."""
        return self.engine.selection(self.checked(policy))

    def check(self, candidate: str, policy: Policy) -> Decision:
        """The decision for one candidate named MODEL@PROVIDER/DEPLOYMENT (raises UsageError if unknown)."""
        return self.engine.check(candidate, self.checked(policy))

    def allows(self, candidate: str, policy: Policy) -> QuickDecision:
        """Whether one candidate is allowed, for request paths: microseconds; ``.trail()`` gives the decision."""
        return self.engine.allows(candidate, self.checked(policy))
