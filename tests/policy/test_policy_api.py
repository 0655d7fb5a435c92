"""Policies built in Python go through the same checks as policy files, with the same one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from selector.cli import cli
from selector.errors import PolicyError
from selector.policy import Policy, PolicyVocabulary, policy_from_data

ROOT = Path(__file__).resolve().parents[2]


def test_data_is_checked_as_a_file_is(vocabulary: PolicyVocabulary) -> None:
    with pytest.raises(PolicyError) as caught:
        policy_from_data({"version": 1, "require": {"residency": "EUR"}}, vocabulary)
    assert caught.value.one_line() == "require.residency: unknown jurisdiction 'EUR'; did you mean 'EU'?"


def test_data_is_normalised_as_a_file_is(vocabulary: PolicyVocabulary) -> None:
    policy = policy_from_data(
        {"version": 1, "require": {"residency": ("uk", "eea")}, "only": {"models": ["Claude-Sonnet-*"]}}, vocabulary,
        name="from-python",
    )
    assert policy.name == "from-python"
    assert policy.require.residency == ("GB", "EEA")
    assert policy.only is not None and policy.only.models == ("Claude-Sonnet-*",)


@pytest.mark.parametrize(
    ("data", "line"),
    [
        ({"version": 1, "require": {"residency": "XX"}}, "require.residency: unknown jurisdiction 'XX'"),
        ({"version": 1, "only": {"models": ["claude-sonet-*"]}},
         "only.models[0]: no model matches the pattern 'claude-sonet-*'; did you mean 'claude-sonnet-*'?"),
        ({"version": 1, "only": {"providers": ["aws-bedrok"]}},
         "only.providers[0]: unknown provider 'aws-bedrok'; did you mean 'aws-bedrock'?"),
        ({"version": 1, "exclude": {"provider_headquarters": ["China"]}},
         "exclude.provider_headquarters[0]: unknown jurisdiction 'China'; did you mean 'CN'?"),
        ({"version": 1, "require": {"fine_tuning": "yes"}}, "require.fine_tuning: expected true or false, got 'yes'; write true or false"),
        ({"version": 1, "requires": {}}, "requires: unknown key; did you mean 'require'?"),
    ],
)
def test_selector_policy_raises_the_line_a_file_gives(shipped, data: dict, line: str) -> None:
    with pytest.raises(PolicyError) as caught:
        shipped.policy(data)
    assert caught.value.one_line() == line


def test_a_policy_built_directly_is_checked_before_use(shipped) -> None:
    """``Policy.model_validate`` checks types only; every Selector method checks the names before deciding."""
    unchecked = Policy.model_validate({"version": 1, "name": "p", "require": {"residency": "XX"}})
    for use in (
        lambda: shipped.select(unchecked),
        lambda: shipped.selection(unchecked),
        lambda: shipped.check("gemini-3.5-flash@vertex-ai/eu", unchecked),
        lambda: shipped.allows("gemini-3.5-flash@vertex-ai/eu", unchecked),
    ):
        with pytest.raises(PolicyError, match=r"require\.residency\[0\]: unknown jurisdiction 'XX'"):
            use()


def test_a_policy_built_directly_in_another_case_is_read_in_the_base_spelling(shipped) -> None:
    loose = Policy.model_validate({"version": 1, "name": "p", "require": {"residency": "eu"}})
    strict = shipped.policy({"version": 1, "name": "p", "require": {"residency": "EU"}})
    assert shipped.checked(loose) == strict
    assert shipped.allows("gemini-3.5-flash@vertex-ai/eu", loose).allowed == \
        shipped.allows("gemini-3.5-flash@vertex-ai/eu", strict).allowed
    assert shipped.check("gemini-3.5-flash@vertex-ai/eu", loose).allowed


def test_a_checked_policy_is_used_as_it_is(shipped) -> None:
    policy = shipped.policy({"version": 1, "require": {"residency": ["EU", "CH"]}})
    assert shipped.checked(policy) is policy
    with pytest.raises(TypeError, match="Selector.policy"):
        shipped.checked({"version": 1})  # type: ignore[arg-type]


def test_schema_command_lists_an_overlays_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    shipped = json.loads(CliRunner().invoke(cli, ["schema"]).output)["$defs"]["ProviderSlug"]["enum"]
    result = CliRunner().invoke(cli, ["schema", "--kb", "examples/overlays/internal-cluster.trig"])
    assert result.exit_code == 0, result.output
    providers = json.loads(result.output)["$defs"]["ProviderSlug"]["enum"]
    assert "example-corp-inference" in providers and "example-corp-inference" not in shipped
