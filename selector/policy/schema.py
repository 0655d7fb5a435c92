"""The JSON Schema of policy files, generated from the models (``selector schema``, ``python -m selector.policy``)."""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Mapping
from typing import Any

from selector.policy.model import Policy, Require

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"




def policy_json_schema(extra_require: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a policy file, with keys in sorted order.

    ``extra_require`` adds the require keys of an organisation's own rule files
    (key -> JSON Schema of its value), as ``load_policy`` accepts them.
    """
    schema = Policy.model_json_schema(mode="validation")
    schema = _drop_null_defaults(schema)
    _add_titles(schema)
    schema["$schema"] = JSON_SCHEMA_DIALECT
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

