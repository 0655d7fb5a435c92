"""Policy types and JSON Schemas in words, for the one-line errors (``expected a list of modalities``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Literal, get_args, get_origin

from annotated_types import Ge, MinLen
from pydantic import (
    BaseModel,
    StringConstraints,
)

from selector.policy.types import OneOrMany, alternatives, unpack
from selector.policy.vocabulary import Vocab, closest


def phrase(annotation: Any) -> str:
    """What a value of this type is, in words: ``an integer >= 1``, ``a list of modalities``."""
    base, meta, _ = unpack(annotation)
    vocab = next((m for m in meta if isinstance(m, Vocab)), None)
    if vocab is not None:
        return vocab.phrase
    if alternatives(base):
        return ", or ".join(phrase(option) for option in alternatives(base))
    if isinstance(base, type) and issubclass(base, BaseModel):
        return getattr(base, "value_phrase", "a mapping")
    if get_origin(base) is Literal:
        options = [json_word(option) for option in get_args(base)]
        return options[0] if len(options) == 1 else "one of " + ", ".join(options)
    if get_origin(base) is tuple:
        item = get_args(base)[0]
        text = "a list of " + plural_of(item)
        if any(isinstance(m, OneOrMany) for m in meta):
            text = f"{phrase(item)} or {text}"
        return text
    if base is str:
        return "a non-empty string" if min_length(meta) else "a string"
    if base is bool:
        return "true or false"
    if base in (int, float):
        noun = "an integer" if base is int else "a number"
        lower = next((m.ge for m in meta if isinstance(m, Ge)), None)
        return f"{noun} >= {lower}" if lower is not None else noun
    return "a value"


def plural_of(item: Any) -> str:
    """What several values of this type are called: ``modalities``, ``strings``."""
    base, meta, _ = unpack(item)
    vocab = next((m for m in meta if isinstance(m, Vocab)), None)
    if vocab is not None:
        return vocab.plural
    if get_origin(base) is Literal:
        return "these values: " + ", ".join(json_word(option) for option in get_args(base))
    return "strings" if base is str else "values"


def min_length(meta: list[Any]) -> int:
    """The least length the constraints allow."""
    length = 0
    for m in meta:
        if isinstance(m, MinLen):
            length = max(length, m.min_length)
        elif isinstance(m, StringConstraints) and m.min_length:
            length = max(length, m.min_length)
    return length


def string_ok(meta: list[Any], value: str) -> bool:
    """Whether a string is long enough for its constraints."""
    return len(value) >= min_length(meta)


def json_word(value: Any) -> str:
    """A value as JSON shows it: strings in single quotes."""
    return f"'{value}'" if isinstance(value, str) else json.dumps(value)


def schema_phrase(schema: Any) -> str | None:
    """A JSON Schema (of a rule-file key) in words, for the common simple cases."""
    if not isinstance(schema, dict):
        return None
    if "enum" in schema:
        return "one of " + ", ".join(json_word(value) for value in schema["enum"])
    if "const" in schema:
        return json_word(schema["const"])
    kinds = schema.get("type")
    if kinds is None:
        return None
    words = []
    for kind in kinds if isinstance(kinds, list) else [kinds]:
        if kind in ("integer", "number"):
            word = "an integer" if kind == "integer" else "a number"
            if "minimum" in schema:
                word += f" >= {number_text(schema['minimum'])}"
            if "exclusiveMinimum" in schema:
                word += f" > {number_text(schema['exclusiveMinimum'])}"
            if "maximum" in schema:
                word += f" <= {number_text(schema['maximum'])}"
            if "exclusiveMaximum" in schema:
                word += f" < {number_text(schema['exclusiveMaximum'])}"
        elif kind == "string":
            word = "a non-empty string" if schema.get("minLength", 0) >= 1 else "a string"
        else:
            word = {"boolean": "true or false", "array": "a list", "object": "a mapping", "null": "null"}.get(kind, kind)
        words.append(word)
    return " or ".join(words)


def number_text(value: Any) -> str:
    """A number as written: 10 rather than 10.0."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return str(value)


def quote(value: str) -> str:
    """A string value in single quotes, shortened to 60 characters."""
    return f"'{short_text(value, 60)}'"


def short_text(text: str, limit: int) -> str:
    """The text, cut to ``limit`` characters with ``...`` where longer."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def did_you_mean(word: str, candidates: Sequence[str]) -> str | None:
    """The hint for an unknown name: the closest known one, else the list of them."""
    suggestion = closest(word, candidates)
    if suggestion is not None:
        return f"did you mean '{suggestion}'?"
    if candidates:
        return "expected one of: " + ", ".join(candidates)
    return None

