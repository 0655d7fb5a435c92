"""The JSON Schema of policy files, generated from the models (``selector schema``, ``python -m selector.policy``)."""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Mapping
from typing import Any

from selector.policy.model import Policy, Require
from selector.policy.names import shipped_vocabulary
from selector.policy.vocabulary import VOCABULARY_MARK, PolicyVocabulary

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
#: Where the published schema lives: an editor's ``$schema`` or ``yaml-language-server`` comment names it.
SCHEMA_ID = "https://w3id.org/selector/schemas/policy.schema.json"

#: Each kind of name a policy uses: its definition in ``$defs``, and what it is.
NAME_DEFS = {
    "jurisdictions": ("JurisdictionCode", "A jurisdiction code the knowledge base knows: a country (ISO 3166-1 "
                      "alpha-2) or a bloc (EU, EEA). selector also reads other letter cases, and UK as GB."),
    "models": ("ModelSlug", "A model slug the knowledge base knows (case-insensitive)."),
    "makers": ("MakerSlug", "A maker slug the knowledge base knows (case-insensitive)."),
    "providers": ("ProviderSlug", "A provider slug the knowledge base knows (case-insensitive)."),
    "provider_kinds": ("ProviderKind", "A kind of provider the knowledge base knows (case-insensitive)."),
    "modalities": ("Modality", "A modality the knowledge base knows (case-insensitive)."),
    "certifications": ("Certification", "A certification the knowledge base knows (case-insensitive)."),
    "regions": ("RegionCode", "A region code the knowledge base knows (case-insensitive)."),
    "licences": ("LicenceId", "A licence id the knowledge base knows: SPDX or LicenseRef- (case-insensitive)."),
    "precisions": ("Precision", "A serving precision the knowledge base knows (bf16, fp8, ...; case-insensitive)."),
}
PATTERN_DEF = ("NamePattern", {
    "description": "A shell-style pattern (*, ?, [...]), matched case-insensitively; it must match at least one "
                   "name the knowledge base knows.",
    "minLength": 1,
    "pattern": "[*?\\[]",
    "type": "string",
})


def policy_json_schema(
    extra_require: Mapping[str, Mapping[str, Any]] | None = None,
    vocabulary: PolicyVocabulary | None = None,
) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a policy file, with keys in sorted order.

    ``extra_require`` adds the require keys of an organisation's own rule files
    (key -> JSON Schema of its value), as ``load_policy`` accepts them. Names
    (jurisdiction codes, model, maker and provider slugs, ...) are enumerated from
    ``vocabulary``, by default the shipped knowledge base's, each kind once under
    ``$defs`` in its canonical spelling, so an editor flags an unknown name as it is typed.
    """
    schema = Policy.model_json_schema(mode="validation")
    schema = _drop_null_defaults(schema)
    _add_titles(schema)
    _add_names(schema, vocabulary if vocabulary is not None else shipped_vocabulary())
    schema["$schema"] = JSON_SCHEMA_DIALECT
    schema["$id"] = SCHEMA_ID
    schema["title"] = "selector policy"
    extra = {key: value for key, value in (extra_require or {}).items() if key not in Require.model_fields}
    if extra:
        properties = schema["$defs"]["Require"]["properties"]
        for key, value in extra.items():
            properties[key] = copy.deepcopy(dict(value))
    return _sorted_keys(schema)


def policy_json_schema_text() -> str:
    """The policy JSON Schema as written to ``selector/schemas/policy.schema.json``."""
    return json.dumps(policy_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _add_titles(schema: Any) -> None:
    """Give every property a title (pydantic leaves it out next to a ``$ref``)."""
    if isinstance(schema, dict):
        for name, item in schema.get("properties", {}).items():
            if isinstance(item, dict):
                item.setdefault("title", name.replace("_", " ").capitalize())
        for item in schema.values():
            _add_titles(item)
    elif isinstance(schema, list):
        for item in schema:
            _add_titles(item)


def _add_names(schema: dict[str, Any], vocabulary: PolicyVocabulary) -> None:
    """Replace each marked name field by a reference to its kind's enumeration (or a pattern, where allowed)."""
    used: set[str] = set()

    def visit(value: Any) -> Any:
        if isinstance(value, dict):
            value = {key: visit(item) for key, item in value.items()}
            if VOCABULARY_MARK not in value:
                return value
            kind, patterns = value[VOCABULARY_MARK]
            used.add(kind)
            ref = {"$ref": f"#/$defs/{NAME_DEFS[kind][0]}"}
            if patterns:
                used.add("")
                ref = {"anyOf": [ref, {"$ref": f"#/$defs/{PATTERN_DEF[0]}"}]}
            kept = {key: item for key, item in value.items() if key in ("title", "description", "default")}
            return {**kept, **ref}
        if isinstance(value, list):
            return [visit(item) for item in value]
        return value

    schema.update(visit(schema))
    for kind in sorted(used - {""}):
        name, description = NAME_DEFS[kind]
        names = sorted(getattr(vocabulary, kind))
        schema["$defs"][name] = {"description": description, "enum": names, "title": name, "type": "string"}
    if "" in used:
        schema["$defs"][PATTERN_DEF[0]] = {"title": PATTERN_DEF[0], **PATTERN_DEF[1]}


def _drop_null_defaults(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: _drop_null_defaults(item)
            for key, item in value.items()
            if not (key == "default" and item is None)
        }
    if isinstance(value, list):
        return [_drop_null_defaults(item) for item in value]
    return value


def _sorted_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted_keys(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted_keys(item) for item in value]
    return value



def main() -> None:
    """Write the policy JSON Schema to standard output (``python -m selector.policy``)."""
    sys.stdout.write(policy_json_schema_text())

