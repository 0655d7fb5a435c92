"""The published JSON Schema of policy files: current, complete, and in step with the loader."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from selector.policy import PolicyVocabulary, load_policy, main, policy_json_schema, policy_json_schema_text

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "selector" / "schemas" / "policy.schema.json"
VALID = Path(__file__).resolve().parent / "valid"
BAD = ROOT / "tests" / "bad_input" / "policy"


def test_checked_in_schema_is_current() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == policy_json_schema_text(), (
        "selector/schemas/policy.schema.json is out of date; regenerate it with "
        "`python -m selector.policy > selector/schemas/policy.schema.json`"
    )


def test_main_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    main()
    assert capsys.readouterr().out == policy_json_schema_text()


def test_the_regeneration_command_prints_the_schema() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "selector.policy"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout == policy_json_schema_text()


def test_schema_is_draft_2020_12_and_valid() -> None:
    schema = policy_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["required"] == ["version"]
    assert "require_extra" not in schema["properties"]


def test_schema_key_order_is_stable() -> None:
    text = policy_json_schema_text()
    assert text.endswith("}\n")
    assert json.dumps(policy_json_schema(), indent=2) + "\n" == text
    assert policy_json_schema_text() == text


def _properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = [(name, value) for name, value in schema.get("properties", {}).items()]
    for definition in schema.get("$defs", {}).values():
        found.extend(_properties(definition))
    return found


def test_every_field_has_a_title_and_a_description() -> None:
    properties = _properties(policy_json_schema())
    assert len(properties) > 30
    for name, value in properties:
        assert value.get("title"), name
        assert value.get("description"), name
    for name, definition in policy_json_schema()["$defs"].items():
        assert definition.get("description"), name


@pytest.mark.parametrize("path", sorted(VALID.glob("*.yaml")), ids=lambda path: path.stem)
def test_valid_policies_pass_the_schema(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(policy_json_schema()).validate(data)


@pytest.mark.parametrize(
    "case",
    [
        "unknown_key_top", "unknown_key_require", "unknown_key_licensee", "unknown_key_exclude",
        "string_for_int", "int_for_bool", "list_for_str", "negative_number", "absurd_exponent",
        "absurd_integer", "version_2", "prefer_unknown_value", "self_hosting_both", "self_hosting_neither",
        "price_cap_empty", "empty_list", "prefer_duplicate", "missing_version",
    ],
)
def test_bad_policies_fail_the_schema_too(case: str) -> None:
    data = yaml.safe_load((BAD / f"{case}.yaml").read_text(encoding="utf-8"))
    assert not jsonschema.Draft202012Validator(policy_json_schema()).is_valid(data)


def test_extra_require_keys_appear_in_the_schema() -> None:
    schema = policy_json_schema({"audited": {"type": "boolean", "description": "Audited."}, "residency": {"type": "integer"}})
    require = schema["$defs"]["Require"]["properties"]
    assert require["audited"] == {"description": "Audited.", "type": "boolean"}
    assert "anyOf" in require["residency"]
    assert "audited" not in policy_json_schema()["$defs"]["Require"]["properties"]


def test_schema_and_loader_agree_on_the_example(vocabulary: PolicyVocabulary) -> None:
    path = VALID / "spec_example.yaml"
    policy = load_policy(path, vocabulary)
    jsonschema.Draft202012Validator(policy_json_schema()).validate(policy.canonical_data())
