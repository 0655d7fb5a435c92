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


#: Valid files that spell names as the loader reads them but not as the schema lists them (any letter case).
LOOSE = {"lower_case_names", "aliases_and_lists"}


@pytest.mark.parametrize("path", sorted(p for p in VALID.glob("*.yaml") if p.stem not in LOOSE), ids=lambda path: path.stem)
def test_valid_policies_pass_the_schema(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(policy_json_schema()).validate(data)


@pytest.mark.parametrize("path", sorted(VALID.glob("*.yaml")), ids=lambda path: path.stem)
def test_every_valid_policy_passes_the_schema_as_loaded(path: Path, shipped) -> None:
    """The loader reads names in any letter case (and UK as GB); what it makes of them, the schema lists."""
    policy = shipped.load_policy(path)
    jsonschema.Draft202012Validator(policy_json_schema()).validate(policy.canonical_data())


def test_schema_has_an_id() -> None:
    assert policy_json_schema()["$id"] == "https://w3id.org/selector/schemas/policy.schema.json"


def test_schema_enumerates_the_shipped_names(shipped) -> None:
    """Each kind of name, once under $defs, equals what the shipped knowledge base knows: it cannot go stale."""
    defs = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))["$defs"]
    vocabulary = shipped.engine.vocabulary()
    for kind, name in [
        ("jurisdictions", "JurisdictionCode"), ("models", "ModelSlug"), ("makers", "MakerSlug"),
        ("providers", "ProviderSlug"), ("provider_kinds", "ProviderKind"), ("modalities", "Modality"),
        ("certifications", "Certification"), ("regions", "RegionCode"),
    ]:
        assert defs[name]["enum"] == sorted(getattr(vocabulary, kind)), kind
        assert getattr(vocabulary, kind), kind
    assert {"EU", "EEA", "GB", "CN"} <= set(defs["JurisdictionCode"]["enum"])


@pytest.mark.parametrize(
    ("data", "valid"),
    [
        ({"version": 1, "require": {"residency": "Atlantis"}}, False),
        ({"version": 1, "require": {"residency": ["EU", "Atlantis"]}}, False),
        ({"version": 1, "licensee": {"domicile": "Atlantis"}}, False),
        ({"version": 1, "exclude": {"provider_headquarters": ["Atlantis"]}}, False),
        ({"version": 1, "only": {"models": ["claude-sonnet-4.6", "claude-sonnet-*"]}}, True),
        ({"version": 1, "only": {"models": ["claude-sonet-4.6"]}}, False),
        ({"version": 1, "only": {"makers": ["anthropic"], "providers": ["aws-*"]}}, True),
        ({"version": 1, "only": {}}, False),
        ({"version": 1, "only": {"providers": []}}, False),
        ({"version": 1, "exclude": {"provider_kinds": ["gateway"]}}, False),
    ],
)
def test_editors_catch_unknown_names(data: dict, valid: bool) -> None:
    assert jsonschema.Draft202012Validator(policy_json_schema()).is_valid(data) is valid


def test_a_schema_for_another_vocabulary_lists_its_names() -> None:
    vocabulary = PolicyVocabulary(jurisdictions={"EU", "XA"}, providers={"internal"})
    defs = policy_json_schema(vocabulary=vocabulary)["$defs"]
    assert defs["JurisdictionCode"]["enum"] == ["EU", "XA"]
    assert defs["ProviderSlug"]["enum"] == ["internal"]
    assert defs["ModelSlug"]["enum"] == []


@pytest.mark.parametrize(
    "case",
    [
        "unknown_key_top", "unknown_key_require", "unknown_key_licensee", "unknown_key_exclude",
        "string_for_int", "int_for_bool", "list_for_str", "negative_number", "absurd_exponent",
        "absurd_integer", "version_2", "prefer_unknown_value", "self_hosting_both", "self_hosting_neither",
        "price_cap_empty", "empty_list", "prefer_duplicate", "missing_version",
        "unknown_jurisdiction", "unknown_maker", "unknown_provider", "only_empty", "only_unknown_model",
        "exclude_provider_headquarters_unknown",
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
