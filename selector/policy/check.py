"""Loading a policy file (or plain data): each key and value checked in document order, the first problem as one line."""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NoReturn, get_args, get_origin

from annotated_types import Ge, Le, MinLen
from pydantic import (
    BaseModel,
    ValidationError,
)

from selector.errors import PolicyError, RuleError
from selector.policy.model import INTERNAL_FIELDS, Conflict, Policy, Require, all_field_names
from selector.policy.types import OneOrMany, Unique, alternatives, field_type, unpack
from selector.policy.vocabulary import PolicyVocabulary, Vocab, closest, is_pattern
from selector.policy.wording import (
    did_you_mean,
    number_text,
    phrase,
    quote,
    schema_phrase,
    short_text,
    string_ok,
)
from selector.yamlfile import KeyPath, YamlDocument, format_key_path, read_yaml


def load_policy(
    path: Path,
    vocabulary: PolicyVocabulary,
    *,
    extra_require: Mapping[str, Mapping[str, Any]] | None = None,
) -> Policy:
    """Read and check a policy file, or raise ``PolicyError`` for its first problem.

    Problems are reported one at a time, the first in document order (``version``
    is checked before anything else, as it decides how the rest is read), as
    ``FILE:LINE: key.path: problem; hint``. Names (jurisdictions, makers,
    providers, ...) are checked against ``vocabulary`` and normalised to its
    spelling. ``extra_require`` maps require keys added by an organisation's rule
    files to the JSON Schema of their value; such keys are validated with it and
    kept in ``Policy.require_extra``. Keys that name a built-in requirement are
    validated by the built-in model and their schema here is not used.
    """
    return check_policy_document(read_yaml(Path(path), error=PolicyError), vocabulary, extra_require=extra_require)


def check_policy_document(
    document: YamlDocument,
    vocabulary: PolicyVocabulary,
    *,
    extra_require: Mapping[str, Mapping[str, Any]] | None = None,
) -> Policy:
    """Check a policy document already read (from standard input, say) exactly as ``load_policy`` checks a file."""
    extra = {key: dict(schema) for key, schema in (extra_require or {}).items() if key not in Require.model_fields}
    for key, schema in extra.items():
        try:
            import jsonschema  # imported here to keep start-up fast: only a rule file's own key needs it

            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as exc:
            raise RuleError(
                f"invalid JSON Schema for the policy key require.{key}: {short_text(exc.message, 200)}"
            ) from None
    return PolicyChecker(document, vocabulary, extra).check()


def policy_from_data(
    data: Any,
    vocabulary: PolicyVocabulary,
    *,
    extra_require: Mapping[str, Mapping[str, Any]] | None = None,
    name: str = "policy",
) -> Policy:
    """Check a policy given as plain data (a mapping as a policy file holds it) exactly as a file is checked.

    The first problem raises the same one-line ``PolicyError`` a file gives, without
    a file and line: ``require.residency: unknown jurisdiction 'XX'; ...``. Tuples
    are read as lists; ``name`` is the policy's name where the data gives none.
    """
    extra = {key: dict(schema) for key, schema in (extra_require or {}).items() if key not in Require.model_fields}
    document = DataDocument(path=Path(name), data=_plain(data), error=PolicyError)
    return PolicyChecker(document, vocabulary, extra).check()


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


@dataclass(frozen=True)
class DataDocument(YamlDocument):
    """Policy data that was never a file: its errors name the key, without a file or line."""

    def fail(self, key_path: Sequence[str | int], problem: str, hint: str | None = None) -> PolicyError:
        """Build the error for a problem at a key path."""
        return PolicyError(problem, key=format_key_path(key_path) or None, hint=hint)


class PolicyChecker:
    """Walks a policy document in order, checking each value against the models' types."""

    def __init__(self, document: YamlDocument, vocabulary: PolicyVocabulary, extra: dict[str, dict[str, Any]]) -> None:
        self.document = document
        self.vocabulary = vocabulary
        self.extra = extra
        self.require_extra: dict[str, Any] = {}

    def fail(self, key_path: KeyPath, problem: str, hint: str | None = None) -> NoReturn:
        """Stop at a problem: raise the ``PolicyError`` for it, at the line of ``key_path``."""
        raise self.document.fail(key_path, problem, hint)

    def check(self) -> Policy:
        """The whole document as a ``Policy`` (``version`` first, then in document order)."""
        data = self.document.data
        if not isinstance(data, dict):
            self.fail((), f"expected a mapping of policy keys, got {self.show((), data)}", "start with 'version: 1'")
        if "version" not in data:
            self.fail(("version",), "missing required key", "add 'version: 1' as the first line")
        self.value(field_type(Policy, "version"), data["version"], ("version",))
        # A policy without a name is named for its file; one from standard input (<stdin>) is named stdin.
        return self.model(Policy, data, (), defaults={"name": self.document.path.stem.strip("<>")})

    # -- mappings ----------------------------------------------------------

    def model(
        self, cls: type[BaseModel], data: Any, path: KeyPath, defaults: Mapping[str, Any] | None = None
    ) -> BaseModel:
        """A mapping as an instance of ``cls``: unknown keys, values, missing keys, cross-key rules."""
        if not isinstance(data, dict):
            self.fail(path, f"expected a mapping, got {self.show(path, data)}")
        fields = [name for name in cls.model_fields if name not in INTERNAL_FIELDS]
        extra = self.extra if cls is Require else {}
        values: dict[str, Any] = {}
        for key, item in data.items():
            key_path = path + (key,)
            if key in extra:
                self.require_extra[key] = self.extra_value(key, extra[key], item, key_path)
            elif key in fields:
                values[key] = self.value(field_type(cls, key), item, key_path)
            else:
                self.fail(key_path, "unknown key", did_you_mean(key, [*fields, *extra]))
        for key, default in (defaults or {}).items():
            values.setdefault(key, default)
        for key in fields:
            if key not in values and cls.model_fields[key].is_required():
                self.fail(path + (key,), "missing required key")
        if cls is Policy:
            values["require_extra"] = tuple(sorted(self.require_extra.items()))
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            self.model_error(exc, path)

    def model_error(self, exc: ValidationError, path: KeyPath) -> NoReturn:
        """Report a model's own validation error (a rule tying several keys together)."""
        error = exc.errors()[0]
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, Conflict):
            self.fail(path + (tuple(cause.key.split(".")) if cause.key else ()), cause.problem, cause.hint)
        where = path + tuple(part for part in error["loc"] if isinstance(part, int) or part in all_field_names())
        self.fail(where, error["msg"])

    # -- values ------------------------------------------------------------

    def value(self, annotation: Any, value: Any, path: KeyPath) -> Any:
        """Check one value against a field type and return it normalised (tuples, vocabulary spelling)."""
        base, meta, optional = unpack(annotation)
        if value is None:
            hint = "remove the key if there is no such requirement" if optional else "give a value or remove the key"
            self.fail(path, f"expected {phrase(annotation)}, got {self.show(path, value)}", hint)
        if alternatives(base):
            return self.either(base, meta, value, path)
        if isinstance(base, type) and issubclass(base, BaseModel):
            return self.model(base, value, path)
        if get_origin(base) is Literal:
            return self.literal(base, value, path)
        if get_origin(base) is tuple:
            return self.sequence(annotation, base, meta, value, path)
        if base is str:
            return self.string(meta, annotation, value, path)
        if base is bool:
            return self.boolean(value, path)
        if base in (int, float):
            return self.number(base, meta, annotation, value, path)
        raise TypeError(f"no check for the policy type {base!r}")  # a model uses a type the checker lacks

    def either(self, base: Any, meta: list[Any], value: Any, path: KeyPath) -> Any:
        """A value that may take one of several forms (a list, or a mapping), checked as the form its shape is."""
        options = alternatives(base)
        if not isinstance(value, (dict, list, str)):
            self.fail(path, f"expected {phrase(base)}, got {self.show(path, value)}", self.quote_hint(path, value))
        models = [o for o in options if isinstance(unpack(o)[0], type) and issubclass(unpack(o)[0], BaseModel)]
        others = [o for o in options if o not in models]
        chosen = models[0] if isinstance(value, dict) and models else (others or models)[0]
        return self.value(chosen, value, path)

    def literal(self, base: Any, value: Any, path: KeyPath) -> Any:
        """One of a fixed set of values, of the same type (``true`` is not ``1``)."""
        options = get_args(base)
        for option in options:
            if type(option) is type(value) and option == value:
                return value
        hint = None
        if isinstance(value, str):
            suggestion = closest(value, [option for option in options if isinstance(option, str)])
            hint = f"did you mean '{suggestion}'?" if suggestion else None
        if path == ("version",):
            hint = "this version of selector reads policy files of version 1"
        self.fail(path, f"expected {phrase(base)}, got {self.show(path, value)}", hint)

    def sequence(self, annotation: Any, base: Any, meta: list[Any], value: Any, path: KeyPath) -> tuple[Any, ...]:
        """A list (or a single value where allowed), not empty where required, without duplicates."""
        item_type = get_args(base)[0]
        if isinstance(value, str) and any(isinstance(m, OneOrMany) for m in meta):
            return (self.value(item_type, value, path),)
        if not isinstance(value, list):
            hint = f"write a list: [{value}]" if isinstance(value, str) and value else None
            self.fail(path, f"expected {phrase(annotation)}, got {self.show(path, value)}", hint)
        minimum = max((m.min_length for m in meta if isinstance(m, MinLen)), default=0)
        if len(value) < minimum:
            self.fail(path, f"expected {phrase(annotation)}, got an empty list", "remove the key if there is no such requirement")
        unique = any(isinstance(m, Unique) for m in meta)
        items: list[Any] = []
        for index, item in enumerate(value):
            checked = self.value(item_type, item, path + (index,))
            if unique and checked in items:
                self.fail(path + (index,), f"duplicate value {self.show(path + (index,), item)}", "list each value once")
            items.append(checked)
        return tuple(items)

    def string(self, meta: list[Any], annotation: Any, value: Any, path: KeyPath) -> str:
        """A string, and for vocabulary fields a known name, returned in the vocabulary's spelling."""
        if not isinstance(value, str) or not string_ok(meta, value):
            self.fail(path, f"expected {phrase(annotation)}, got {self.show(path, value)}", self.quote_hint(path, value))
        vocab = next((m for m in meta if isinstance(m, Vocab)), None)
        if vocab is None:
            return value
        if vocab.patterns and is_pattern(value):
            if self.vocabulary.matching(vocab.kind, value):
                return value
            suggestion = self.vocabulary.pattern_suggestion(vocab.kind, value)
            hint = f"did you mean '{suggestion}'?" if suggestion else None
            self.fail(path, f"no {vocab.noun} matches the pattern {quote(value)}", hint)
        known = self.vocabulary.canonical(vocab.kind, value)
        if known is not None:
            return known
        names = getattr(self.vocabulary, vocab.kind)
        suggestion = self.vocabulary.suggestion(vocab.kind, value)
        if suggestion is not None:
            hint = f"did you mean '{suggestion}'?"
        elif not names:
            hint = f"the knowledge base lists no {vocab.plural}"
        elif len(names) <= 12:
            hint = "expected one of: " + ", ".join(sorted(names))
        else:
            hint = None
        self.fail(path, f"unknown {vocab.noun} {quote(value)}", hint)

    def boolean(self, value: Any, path: KeyPath) -> bool:
        """A boolean written ``true`` or ``false`` (YAML 1.1's yes/no/on/off are refused)."""
        written = self.document.source_text(path)
        if isinstance(value, bool) and (written is None or written.lower() in ("true", "false")):
            return value
        self.fail(path, f"expected true or false, got {self.show(path, value)}", "write true or false")

    def number(self, base: type, meta: list[Any], annotation: Any, value: Any, path: KeyPath) -> Any:
        """A finite integer (or, for floats, any finite number) within the field's bounds."""
        allowed = (int,) if base is int else (int, float)
        if isinstance(value, bool) or not isinstance(value, allowed) or (isinstance(value, float) and not math.isfinite(value)):
            self.fail(path, f"expected {phrase(annotation)}, got {self.show(path, value)}")
        noun = "an integer" if base is int else "a number"
        for m in meta:
            if isinstance(m, Ge) and value < m.ge:
                self.fail(path, f"expected {noun} >= {m.ge}, got {self.show(path, value)}")
            if isinstance(m, Le) and value > m.le:
                self.fail(path, f"expected {noun} <= {number_text(m.le)}, got {self.show(path, value)}")
        return value

    # -- requirements added by rule files ------------------------------------

    def extra_value(self, key: str, schema: dict[str, Any], value: Any, path: KeyPath) -> Any:
        """The value of a require key added by a rule file, validated with that rule's JSON Schema."""
        import jsonschema  # imported here to keep start-up fast, as above

        validator = jsonschema.Draft202012Validator(schema)
        errors = sorted(
            validator.iter_errors(value),
            key=lambda e: (self.document.position(path + tuple(e.absolute_path)), -len(e.absolute_path), e.message),
        )
        if errors:
            error = errors[0]
            where = path + tuple(error.absolute_path)
            phrase = schema_phrase(error.schema) if error.validator in _PHRASED_VALIDATORS else None
            if phrase is not None and isinstance(error.schema, dict):
                wants_string = "string" in str(error.schema.get("type", ""))
                hint = self.quote_hint(where, error.instance) if wants_string else None
                self.fail(where, f"expected {phrase}, got {self.show(where, error.instance)}", hint)
            self.fail(where, short_text(error.message, 200))
        self.plain_json(value, path)
        return value

    def plain_json(self, value: Any, path: KeyPath) -> None:
        """Refuse values YAML reads specially (yes/no booleans, dates) inside a rule-file key."""
        if isinstance(value, dict):
            for key, item in value.items():
                self.plain_json(item, path + (key,))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self.plain_json(item, path + (index,))
        elif isinstance(value, bool):
            self.boolean(value, path)
        elif isinstance(value, (datetime.date, datetime.datetime)):
            self.fail(path, f"expected a JSON value, got the date {self.show(path, value)}", self.quote_hint(path, value))
        elif isinstance(value, float) and not math.isfinite(value):
            self.fail(path, f"expected a finite number, got {self.show(path, value)}")

    # -- showing values ----------------------------------------------------

    def show(self, path: KeyPath, value: Any) -> str:
        """A value as an error line shows it: strings quoted, other scalars as written."""
        if isinstance(value, str):
            return quote(value)
        if isinstance(value, dict):
            return "a mapping"
        if isinstance(value, list):
            return "a list"
        written = self.document.source_text(path)
        if value is None:
            return "an empty value" if not written else "null"
        if written is None:
            written = json.dumps(value) if isinstance(value, (bool, int, float)) else str(value)
        if isinstance(value, int) and not isinstance(value, bool) and len(written) > 24:
            return f"{written[:12]}... ({len(written.lstrip('+-'))} digits)"
        return short_text(written, 40)

    def quote_hint(self, path: KeyPath, value: Any) -> str | None:
        """For a string expected but a YAML non-string written unquoted: how to quote it."""
        written = self.document.source_text(path)
        if isinstance(value, str) or value is None or written is None:
            return None
        if isinstance(value, bool):
            return f"YAML reads unquoted {written} as {str(value).lower()}; write '{written}'"
        return f"quote it: '{written}'"


_PHRASED_VALIDATORS = frozenset(
    {
        "type",
        "enum",
        "const",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
    }
)

