"""Meta-tests over the whole rule catalogue: every policy key has a rule, every rule is documented."""

from __future__ import annotations

from selector.checks import KINDS
from selector.policy import Exclude, LicenceRequirement, Only, Require
from selector.policy.model import FACT_FILTERS
from selector.rules import load_rules

RULES = load_rules(kinds=KINDS)
KEYS = (
    {f"require.{k}" for k in Require.model_fields if k not in FACT_FILTERS}
    | {f"exclude.{k}" for k in Exclude.model_fields}
    | {f"only.{k}" for k in Only.model_fields}
)


def test_every_policy_key_has_a_rule() -> None:
    keys = KEYS
    covered = {r.policy_key for r in RULES}
    assert keys - covered == set(), f"policy keys without a rule: {sorted(keys - covered)}"


#: Keys inside a built-in mapping that have a rule of their own (the mapping's other keys are its own rule's).
NESTED = {"require.licence.spdx"}


def test_every_rule_implements_a_policy_key() -> None:
    assert {r.policy_key for r in RULES} - KEYS == NESTED
    assert all(key.rpartition(".")[2] in LicenceRequirement.model_fields for key in NESTED)


def test_every_rule_is_documented() -> None:
    for rule in RULES:
        assert rule.title and len(rule.description) > 40, rule.id
        assert set(rule.messages) == {"pass", "fail", "unknown"}, rule.id
        assert rule.remedy.get("fail") or rule.remedy.get("unknown"), rule.id


def test_rule_ids_follow_their_policy_key() -> None:
    for rule in RULES:
        if rule.always:  # a rule every policy runs names what it checks (retired), not its key
            continue
        section, _, name = rule.policy_key.partition(".")
        name = name.replace(".", "_")  # require.licence.spdx: licence_spdx
        assert rule.id == (name if section == "require" else f"{section}_{name}")
