"""The policy file: what a team requires of an LLM deployment, as validated data.

A policy is a YAML file (SPEC section 5). ``load_policy`` reads it safely, checks
every key and value in document order against the models below and against the
knowledge base's vocabulary (jurisdictions, makers, providers, ...), and returns a
frozen ``Policy`` or raises one ``PolicyError`` line naming the file, line and key
of the first problem, with a suggestion where one is close.

``policy_json_schema()`` publishes the same models as a JSON Schema for editors;
``python -m selector.policy`` prints it (the checked-in copy is
``selector/schemas/policy.schema.json``).
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import difflib
import hashlib
import json
import math
import sys
import types
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn, Union, get_args, get_origin

from annotated_types import Ge, Le, MinLen
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    JsonValue,
    Strict,
    StrictBool,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue, SkipJsonSchema
from pydantic.types import AllowInfNan
from pydantic_core import CoreSchema, core_schema

from selector.errors import PolicyError, RuleError
from selector.yamlfile import KeyPath, YamlDocument, read_yaml

__all__ = [
    "Exclude",
    "LicenceRequirement",
    "Licensee",
    "Policy",
    "PolicyVocabulary",
    "PriceCap",
    "Require",
    "SelfHosting",
    "load_policy",
    "policy_json_schema",
    "policy_json_schema_text",
]

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# ---------------------------------------------------------------------------
# The vocabulary a policy's values are checked against
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyVocabulary:
    """The names a policy may use, taken from the knowledge base.

    Each field is the set of valid spellings of one kind of value: jurisdiction
    codes (``EU``, ``EEA``, ``DE``, ``US``), maker and provider slugs, provider
    kinds, modalities, certifications, and region codes usable in
    ``self_hosting.regions``. Values in a policy are matched case-insensitively and
    replaced by the spelling given here. Any iterable of strings is accepted and
    stored as a ``frozenset``.
    """

    jurisdictions: frozenset[str] = frozenset()
    makers: frozenset[str] = frozenset()
    providers: frozenset[str] = frozenset()
    provider_kinds: frozenset[str] = frozenset()
    modalities: frozenset[str] = frozenset()
    certifications: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for each in dataclasses.fields(self):
            value = getattr(self, each.name)
            if isinstance(value, str):
                raise TypeError(f"PolicyVocabulary.{each.name} must be a collection of strings, not a string")
            object.__setattr__(self, each.name, frozenset(value))

    def canonical(self, kind: str, value: str) -> str | None:
        """The vocabulary's spelling of ``value`` (compared case-insensitively), or ``None``."""
        names: frozenset[str] = getattr(self, kind)
        if value in names:
            return value
        folded = value.casefold()
        matches = sorted(name for name in names if name.casefold() == folded)
        return matches[0] if matches else None

    def suggestion(self, kind: str, value: str) -> str | None:
        """The closest valid name to an unknown ``value``, if one is close enough."""
        return _closest(value, getattr(self, kind))


# ---------------------------------------------------------------------------
# Type markers the models use and the file checker reads
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Vocab:
    """Marks a string that must be a name from one ``PolicyVocabulary`` field."""

    kind: str
    noun: str
    phrase: str
    plural: str


@dataclass(frozen=True)
class _Unique:
    """Marks a list whose items must all differ (``uniqueItems`` in the schema)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(_no_duplicates, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        result = handler(schema)
        result["uniqueItems"] = True
        return result


@dataclass(frozen=True)
class _OneOrMany:
    """Marks a list that may also be written as a single value (``residency: EU``)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_before_validator_function(_one_to_tuple, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        result = handler(schema)
        return {"anyOf": [result["items"], result]}


def _no_duplicates(value: tuple[Any, ...]) -> tuple[Any, ...]:
    if len(set(value)) != len(value):
        raise ValueError("list each value once")
    return value


def _exact_int(value: Any) -> Any:
    if type(value) is not int:
        raise ValueError("expected the integer 1")
    return value


def _one_to_tuple(value: Any) -> Any:
    return (value,) if isinstance(value, str) else value


class _Conflict(ValueError):
    """A rule that ties several keys of one mapping together, with the key to blame."""

    def __init__(self, problem: str, *, key: str | None = None, hint: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.key = key
        self.hint = hint


_NAME = StringConstraints(strict=True, min_length=1)


def _vocab(kind: str, noun: str, phrase: str, plural: str) -> Any:
    return Annotated[str, _NAME, _Vocab(kind, noun, phrase, plural)]


Jurisdiction = _vocab("jurisdictions", "jurisdiction", "a jurisdiction code", "jurisdiction codes")
Maker = _vocab("makers", "maker", "a maker slug", "maker slugs")
Provider = _vocab("providers", "provider", "a provider slug", "provider slugs")
ProviderKind = _vocab("provider_kinds", "provider kind", "a provider kind", "provider kinds")
Modality = _vocab("modalities", "modality", "a modality", "modalities")
Certification = _vocab("certifications", "certification", "a certification", "certifications")
Region = _vocab("regions", "region", "a region code", "region codes")

Preference = Literal["lowest_price", "largest_context", "largest_output", "newest"]

_MAX_TOKENS = 1_000_000_000
_TokenCount = Annotated[int, Strict(), Ge(1), Le(_MAX_TOKENS)]
_Price = Annotated[float, Strict(), Ge(0), Le(1_000_000), AllowInfNan(False)]


def _required_list(item: Any) -> Any:
    return Annotated[tuple[item, ...], MinLen(1), _Unique()]


def _optional_list(item: Any) -> Any:
    return Annotated[tuple[item, ...], _Unique()]


_FROZEN = ConfigDict(frozen=True, extra="forbid")

# ---------------------------------------------------------------------------
# The models
# ---------------------------------------------------------------------------


class Licensee(BaseModel):
    """Who will use the model. Open-weight licence clauses (user counts, revenue, domicile, kind of use) are checked against it."""

    model_config = _FROZEN

    domicile: Jurisdiction | SkipJsonSchema[None] = Field(
        default=None,
        description="Jurisdiction code where the licensee is established (DE, US, ...).",
    )
    monthly_active_users: Annotated[int, Strict(), Ge(0), Le(100_000_000_000)] | SkipJsonSchema[None] = Field(
        default=None,
        description="Monthly active users of the product that will use the model.",
    )
    monthly_revenue_usd: Annotated[float, Strict(), Ge(0), Le(10**13), AllowInfNan(False)] | SkipJsonSchema[None] = Field(
        default=None,
        description="The licensee's monthly revenue in US dollars.",
    )
    use: Literal["commercial", "research", "non-production"] | SkipJsonSchema[None] = Field(
        default=None,
        description="Kind of use: commercial, research or non-production.",
    )


class PriceCap(BaseModel):
    """The most a deployment may charge, in US dollars per million tokens."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra={"minProperties": 1})

    input: _Price | SkipJsonSchema[None] = Field(
        default=None, description="Highest acceptable price per million input tokens, in US dollars."
    )
    output: _Price | SkipJsonSchema[None] = Field(
        default=None, description="Highest acceptable price per million output tokens, in US dollars."
    )

    @model_validator(mode="after")
    def _at_least_one(self) -> PriceCap:
        if self.input is None and self.output is None:
            raise _Conflict("give an input price, an output price or both", hint="for example {input: 5, output: 15}")
        return self


class LicenceRequirement(BaseModel):
    """What an open-weight model's licence must permit for the licensee."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra={"minProperties": 1})

    commercial_use: StrictBool | SkipJsonSchema[None] = Field(
        default=None,
        description="true: the licence must permit commercial use by this licensee.",
    )

    @model_validator(mode="after")
    def _at_least_one(self) -> LicenceRequirement:
        if self.commercial_use is None:
            raise _Conflict("give commercial_use", hint="for example {commercial_use: true}")
        return self


class Require(BaseModel):
    """Hard requirements: a deployment that fails one (or, under unknown: fail, cannot be shown to meet one) is denied. Leave a key out when there is no such requirement."""

    model_config = _FROZEN

    residency: Annotated[tuple[Jurisdiction, ...], MinLen(1), _Unique(), _OneOrMany()] | SkipJsonSchema[None] = Field(
        default=None,
        description=(
            "Jurisdiction every place the data is processed or stored must lie in, on every hop. "
            "A list means inside any of them, for example [EU, CH]."
        ),
    )
    fine_tuning: StrictBool | SkipJsonSchema[None] = Field(
        default=None, description="true: the deployment must offer fine-tuning of the model."
    )
    min_context_tokens: _TokenCount | SkipJsonSchema[None] = Field(
        default=None, description="Smallest acceptable context window, in tokens."
    )
    min_output_tokens: _TokenCount | SkipJsonSchema[None] = Field(
        default=None, description="Smallest acceptable maximum output length, in tokens."
    )
    max_retention_days: Annotated[float, Strict(), Ge(0), Le(36_500), AllowInfNan(False)] | SkipJsonSchema[None] = Field(
        default=None, description="Longest acceptable retention of prompts and outputs, in days (0: none)."
    )
    training_on_inputs: StrictBool | SkipJsonSchema[None] = Field(
        default=None, description="false: the provider must not train on customer inputs."
    )
    zero_data_retention: StrictBool | SkipJsonSchema[None] = Field(
        default=None, description="true: zero data retention must be available."
    )
    input_modalities: _required_list(Modality) | SkipJsonSchema[None] = Field(
        default=None, description="Kinds of input the model must accept (text, image, audio, video, pdf)."
    )
    output_modalities: _required_list(Modality) | SkipJsonSchema[None] = Field(
        default=None, description="Kinds of output the model must produce."
    )
    tool_calling: StrictBool | SkipJsonSchema[None] = Field(
        default=None, description="true: the model must support tool or function calling."
    )
    open_weights: StrictBool | SkipJsonSchema[None] = Field(
        default=None, description="true: the model's weights must be published."
    )
    private_networking: StrictBool | SkipJsonSchema[None] = Field(
        default=None, description="true: the deployment must be reachable over private networking (VPC, private endpoints)."
    )
    certifications: _required_list(Certification) | SkipJsonSchema[None] = Field(
        default=None, description="Certifications or attestations the provider must hold, all of them (ISO27001, SOC2, ...)."
    )
    provider_headquarters: _required_list(Jurisdiction) | SkipJsonSchema[None] = Field(
        default=None, description="Jurisdictions the provider's headquarters must be in, any of them (sovereignty)."
    )
    max_price_per_mtok: PriceCap | SkipJsonSchema[None] = Field(
        default=None, description="Highest acceptable prices per million tokens, in US dollars."
    )
    licence: LicenceRequirement | SkipJsonSchema[None] = Field(
        default=None, description="What an open-weight model's licence must permit."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Require:
        if (
            self.min_output_tokens is not None
            and self.min_context_tokens is not None
            and self.min_output_tokens > self.min_context_tokens
        ):
            raise _Conflict(
                f"min_output_tokens ({self.min_output_tokens}) is larger than min_context_tokens "
                f"({self.min_context_tokens}); no model can satisfy both",
                key="min_output_tokens",
                hint="the output is part of the context window",
            )
        return self


class SelfHosting(BaseModel):
    """Where you would run open weights yourself: cloud regions or a jurisdiction, not both."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        json_schema_extra={"oneOf": [{"required": ["regions"]}, {"required": ["jurisdiction"]}]},
    )

    regions: _required_list(Region) | SkipJsonSchema[None] = Field(
        default=None, description="Region codes you would run the model in (eu-central-1, ...)."
    )
    jurisdiction: Jurisdiction | SkipJsonSchema[None] = Field(
        default=None, description="Jurisdiction code you would run the model in (EU, DE, ...)."
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> SelfHosting:
        if self.regions is not None and self.jurisdiction is not None:
            raise _Conflict("give either regions or jurisdiction, not both")
        if self.regions is None and self.jurisdiction is None:
            raise _Conflict("give regions or jurisdiction", hint="for example {jurisdiction: EU}")
        return self


class Exclude(BaseModel):
    """Makers, providers and kinds of provider whose deployments are never allowed."""

    model_config = _FROZEN

    makers: _optional_list(Maker) = Field(default=(), description="Maker slugs whose models are excluded.")
    providers: _optional_list(Provider) = Field(default=(), description="Provider slugs that are excluded.")
    provider_kinds: _optional_list(ProviderKind) = Field(
        default=(), description="Provider kinds that are excluded (maker-api, cloud-platform, aggregator, inference-host, self-hosted)."
    )
    maker_headquarters: _optional_list(Jurisdiction) = Field(
        default=(), description="Jurisdiction codes: models whose maker is headquartered in one of them are excluded."
    )


class Policy(BaseModel):
    """A compliance policy: which LLM deployments a team may use, and how to rank those that pass."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra=lambda schema, cls: _policy_schema_extra(schema))

    version: Annotated[Literal[1], BeforeValidator(_exact_int)] = Field(description="Policy file format version; always 1.")
    name: Annotated[str, _NAME] = Field(description="Short name of the policy. Defaults to the file name without its extension.")
    description: Annotated[str, Strict()] = Field(default="", description="What the policy is for, in a sentence.")
    licensee: Licensee | SkipJsonSchema[None] = Field(
        default=None, description="Who will use the model: licence clauses depend on it."
    )
    require: Require = Field(default_factory=Require, description="Hard requirements every allowed deployment meets.")
    self_hosting: SelfHosting | SkipJsonSchema[None] = Field(
        default=None, description="Where you would run open weights yourself."
    )
    exclude: Exclude = Field(default_factory=Exclude, description="Makers, providers and provider kinds never allowed.")
    prefer: Annotated[tuple[Preference, ...], _Unique()] = Field(
        default=(),
        description="How to rank the deployments that pass, most important first.",
    )
    unknown: Literal["fail", "warn"] = Field(
        default="fail",
        description="What an unknown fact does to a requirement: fail (deny, the default) or warn (allow, with a warning).",
    )
    require_extra: tuple[tuple[str, JsonValue], ...] = Field(
        default=(),
        description="Requirements added by an organisation's own rule files, as (key, value) pairs sorted by key.",
    )

    def __hash__(self) -> int:
        return hash(self.fingerprint)

    def extra_requirement(self, key: str) -> JsonValue | None:
        """The value of a require key added by an organisation's rule file, or ``None``."""
        return dict(self.require_extra).get(key)

    def canonical_data(self) -> dict[str, Any]:
        """The policy as plain JSON data in a canonical form.

        Keys that are not set are left out, lists whose order does not matter are
        sorted, and requirements added by rule files sit under ``require`` as in
        the file. Two files that say the same thing give the same data.
        """
        data = self.model_dump(mode="json", exclude_none=True, exclude={"require_extra"})
        data = _sort_unordered(data, ())
        for key, value in self.require_extra:
            data.setdefault("require", {})[key] = copy.deepcopy(value)
        return data

    def canonical_json(self) -> str:
        """``canonical_data()`` as compact JSON with sorted keys."""
        return json.dumps(
            self.canonical_data(), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )

    @property
    def fingerprint(self) -> str:
        """``sha256:`` and the hex digest of ``canonical_json()``: equal for equal policy content."""
        return "sha256:" + hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()


def policy_value(policy: Policy, key: str) -> Any:
    """The value a policy gives a dotted key (``require.residency``), or None when it is not set."""
    section, _, name = key.partition(".")
    if not name:
        value = getattr(policy, section, None)
        return value if value not in ((), None) else None
    container = getattr(policy, section, None)
    if container is None:
        return None
    value = getattr(container, name, None)
    if value is None and section == "require":
        value = dict(policy.require_extra).get(name)
    return value if value not in ((), None) else None


_ORDERED_LISTS = frozenset({("prefer",)})
_INTERNAL_FIELDS = frozenset({"require_extra"})


def _sort_unordered(value: Any, path: tuple[str, ...]) -> Any:
    """Sort the lists of a dumped policy whose order carries no meaning."""
    if isinstance(value, dict):
        return {key: _sort_unordered(item, path + (key,)) for key, item in value.items()}
    if isinstance(value, list) and path not in _ORDERED_LISTS:
        return sorted(value)
    return value


# ---------------------------------------------------------------------------
# The JSON Schema
# ---------------------------------------------------------------------------


def _policy_schema_extra(schema: dict[str, Any]) -> None:
    """Adjust the generated schema of ``Policy`` to the file format."""
    for field in _INTERNAL_FIELDS:
        schema.get("properties", {}).pop(field, None)
    schema["required"] = [key for key in schema.get("required", []) if key != "name"]


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


# ---------------------------------------------------------------------------
# Loading a policy file
# ---------------------------------------------------------------------------


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
    path = Path(path)
    extra = {key: dict(schema) for key, schema in (extra_require or {}).items() if key not in Require.model_fields}
    for key, schema in extra.items():
        try:
            import jsonschema

            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as exc:
            raise RuleError(
                f"invalid JSON Schema for the policy key require.{key}: {_short(exc.message, 200)}"
            ) from None
    document = read_yaml(path, error=PolicyError)
    return _PolicyChecker(document, vocabulary, extra).check()


class _PolicyChecker:
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
        self.value(_field_type(Policy, "version"), data["version"], ("version",))
        return self.model(Policy, data, (), defaults={"name": self.document.path.stem})

    # -- mappings ----------------------------------------------------------

    def model(
        self, cls: type[BaseModel], data: Any, path: KeyPath, defaults: Mapping[str, Any] | None = None
    ) -> BaseModel:
        """A mapping as an instance of ``cls``: unknown keys, values, missing keys, cross-key rules."""
        if not isinstance(data, dict):
            self.fail(path, f"expected a mapping, got {self.show(path, data)}")
        fields = [name for name in cls.model_fields if name not in _INTERNAL_FIELDS]
        extra = self.extra if cls is Require else {}
        values: dict[str, Any] = {}
        for key, item in data.items():
            key_path = path + (key,)
            if key in extra:
                self.require_extra[key] = self.extra_value(key, extra[key], item, key_path)
            elif key in fields:
                values[key] = self.value(_field_type(cls, key), item, key_path)
            else:
                self.fail(key_path, "unknown key", _did_you_mean(key, [*fields, *extra]))
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
        if isinstance(cause, _Conflict):
            self.fail(path + ((cause.key,) if cause.key else ()), cause.problem, cause.hint)
        where = path + tuple(part for part in error["loc"] if isinstance(part, int) or part in _all_field_names())
        self.fail(where, error["msg"])

    # -- values ------------------------------------------------------------

    def value(self, annotation: Any, value: Any, path: KeyPath) -> Any:
        """Check one value against a field type and return it normalised (tuples, vocabulary spelling)."""
        base, meta, optional = _unpack(annotation)
        if value is None:
            hint = "remove the key if there is no such requirement" if optional else "give a value or remove the key"
            self.fail(path, f"expected {_phrase(annotation)}, got {self.show(path, value)}", hint)
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

    def literal(self, base: Any, value: Any, path: KeyPath) -> Any:
        """One of a fixed set of values, of the same type (``true`` is not ``1``)."""
        options = get_args(base)
        for option in options:
            if type(option) is type(value) and option == value:
                return value
        hint = None
        if isinstance(value, str):
            suggestion = _closest(value, [option for option in options if isinstance(option, str)])
            hint = f"did you mean '{suggestion}'?" if suggestion else None
        if path == ("version",):
            hint = "this version of selector reads policy files of version 1"
        self.fail(path, f"expected {_phrase(base)}, got {self.show(path, value)}", hint)

    def sequence(self, annotation: Any, base: Any, meta: list[Any], value: Any, path: KeyPath) -> tuple[Any, ...]:
        """A list (or a single value where allowed), not empty where required, without duplicates."""
        item_type = get_args(base)[0]
        if isinstance(value, str) and any(isinstance(m, _OneOrMany) for m in meta):
            return (self.value(item_type, value, path),)
        if not isinstance(value, list):
            hint = f"write a list: [{value}]" if isinstance(value, str) and value else None
            self.fail(path, f"expected {_phrase(annotation)}, got {self.show(path, value)}", hint)
        minimum = max((m.min_length for m in meta if isinstance(m, MinLen)), default=0)
        if len(value) < minimum:
            self.fail(path, f"expected {_phrase(annotation)}, got an empty list", "remove the key if there is no such requirement")
        unique = any(isinstance(m, _Unique) for m in meta)
        items: list[Any] = []
        for index, item in enumerate(value):
            checked = self.value(item_type, item, path + (index,))
            if unique and checked in items:
                self.fail(path + (index,), f"duplicate value {self.show(path + (index,), item)}", "list each value once")
            items.append(checked)
        return tuple(items)

    def string(self, meta: list[Any], annotation: Any, value: Any, path: KeyPath) -> str:
        """A string, and for vocabulary fields a known name, returned in the vocabulary's spelling."""
        if not isinstance(value, str) or not _string_ok(meta, value):
            self.fail(path, f"expected {_phrase(annotation)}, got {self.show(path, value)}", self.quote_hint(path, value))
        vocab = next((m for m in meta if isinstance(m, _Vocab)), None)
        if vocab is None:
            return value
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
        self.fail(path, f"unknown {vocab.noun} {_quote(value)}", hint)

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
            self.fail(path, f"expected {_phrase(annotation)}, got {self.show(path, value)}")
        noun = "an integer" if base is int else "a number"
        for m in meta:
            if isinstance(m, Ge) and value < m.ge:
                self.fail(path, f"expected {noun} >= {m.ge}, got {self.show(path, value)}")
            if isinstance(m, Le) and value > m.le:
                self.fail(path, f"expected {noun} <= {_number(m.le)}, got {self.show(path, value)}")
        return value

    # -- requirements added by rule files ------------------------------------

    def extra_value(self, key: str, schema: dict[str, Any], value: Any, path: KeyPath) -> Any:
        """The value of a require key added by a rule file, validated with that rule's JSON Schema."""
        import jsonschema

        validator = jsonschema.Draft202012Validator(schema)
        errors = sorted(
            validator.iter_errors(value),
            key=lambda e: (self.document.position(path + tuple(e.absolute_path)), -len(e.absolute_path), e.message),
        )
        if errors:
            error = errors[0]
            where = path + tuple(error.absolute_path)
            phrase = _schema_phrase(error.schema) if error.validator in _PHRASED_VALIDATORS else None
            if phrase is not None and isinstance(error.schema, dict):
                wants_string = "string" in str(error.schema.get("type", ""))
                hint = self.quote_hint(where, error.instance) if wants_string else None
                self.fail(where, f"expected {phrase}, got {self.show(where, error.instance)}", hint)
            self.fail(where, _short(error.message, 200))
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
            return _quote(value)
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
        return _short(written, 40)

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

# ---------------------------------------------------------------------------
# Type introspection and wording
# ---------------------------------------------------------------------------


def _field_type(cls: type[BaseModel], name: str) -> Any:
    """A model field's full type, with its constraints, as one ``Annotated`` type."""
    info = cls.model_fields[name]
    if info.metadata:
        return Annotated[(info.annotation, *info.metadata)]
    return info.annotation


def _is_none(annotation: Any) -> bool:
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation is type(None)


def _unpack(annotation: Any) -> tuple[Any, list[Any], bool]:
    """Split a type into its base type, its constraint markers, and whether ``None`` is allowed."""
    meta: list[Any] = []
    optional = False
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *more = get_args(annotation)
            meta.extend(more)
        elif origin in (Union, types.UnionType):
            options = [arg for arg in get_args(annotation) if not _is_none(arg)]
            optional = optional or len(options) < len(get_args(annotation))
            if len(options) != 1:
                raise TypeError(f"no check for the policy type {annotation!r}")
            annotation = options[0]
        else:
            return annotation, meta, optional


def _phrase(annotation: Any) -> str:
    """What a value of this type is, in words: ``an integer >= 1``, ``a list of modalities``."""
    base, meta, _ = _unpack(annotation)
    vocab = next((m for m in meta if isinstance(m, _Vocab)), None)
    if vocab is not None:
        return vocab.phrase
    if isinstance(base, type) and issubclass(base, BaseModel):
        return "a mapping"
    if get_origin(base) is Literal:
        options = [_json_word(option) for option in get_args(base)]
        return options[0] if len(options) == 1 else "one of " + ", ".join(options)
    if get_origin(base) is tuple:
        item = get_args(base)[0]
        text = "a list of " + _plural(item)
        if any(isinstance(m, _OneOrMany) for m in meta):
            text = f"{_phrase(item)} or {text}"
        return text
    if base is str:
        return "a non-empty string" if _min_length(meta) else "a string"
    if base is bool:
        return "true or false"
    if base in (int, float):
        noun = "an integer" if base is int else "a number"
        lower = next((m.ge for m in meta if isinstance(m, Ge)), None)
        return f"{noun} >= {lower}" if lower is not None else noun
    return "a value"


def _plural(item: Any) -> str:
    base, meta, _ = _unpack(item)
    vocab = next((m for m in meta if isinstance(m, _Vocab)), None)
    if vocab is not None:
        return vocab.plural
    if get_origin(base) is Literal:
        return "these values: " + ", ".join(_json_word(option) for option in get_args(base))
    return "strings" if base is str else "values"


def _min_length(meta: list[Any]) -> int:
    length = 0
    for m in meta:
        if isinstance(m, MinLen):
            length = max(length, m.min_length)
        elif isinstance(m, StringConstraints) and m.min_length:
            length = max(length, m.min_length)
    return length


def _string_ok(meta: list[Any], value: str) -> bool:
    return len(value) >= _min_length(meta)


def _json_word(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else json.dumps(value)


def _schema_phrase(schema: Any) -> str | None:
    """A JSON Schema (of a rule-file key) in words, for the common simple cases."""
    if not isinstance(schema, dict):
        return None
    if "enum" in schema:
        return "one of " + ", ".join(_json_word(value) for value in schema["enum"])
    if "const" in schema:
        return _json_word(schema["const"])
    kinds = schema.get("type")
    if kinds is None:
        return None
    words = []
    for kind in kinds if isinstance(kinds, list) else [kinds]:
        if kind in ("integer", "number"):
            word = "an integer" if kind == "integer" else "a number"
            if "minimum" in schema:
                word += f" >= {_number(schema['minimum'])}"
            if "exclusiveMinimum" in schema:
                word += f" > {_number(schema['exclusiveMinimum'])}"
            if "maximum" in schema:
                word += f" <= {_number(schema['maximum'])}"
            if "exclusiveMaximum" in schema:
                word += f" < {_number(schema['exclusiveMaximum'])}"
        elif kind == "string":
            word = "a non-empty string" if schema.get("minLength", 0) >= 1 else "a string"
        else:
            word = {"boolean": "true or false", "array": "a list", "object": "a mapping", "null": "null"}.get(kind, kind)
        words.append(word)
    return " or ".join(words)


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return str(value)


def _quote(value: str) -> str:
    return f"'{_short(value, 60)}'"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to ``word`` (case-insensitively), if one is close enough."""
    by_folded: dict[str, str] = {}
    for candidate in sorted(candidates):
        by_folded.setdefault(candidate.casefold(), candidate)
    matches = difflib.get_close_matches(word.casefold(), list(by_folded), n=1, cutoff=0.6)
    return by_folded[matches[0]] if matches else None


def _did_you_mean(word: str, candidates: Sequence[str]) -> str | None:
    suggestion = _closest(word, candidates)
    if suggestion is not None:
        return f"did you mean '{suggestion}'?"
    if candidates:
        return "expected one of: " + ", ".join(candidates)
    return None


def _all_field_names() -> frozenset[str]:
    names: set[str] = set()
    for cls in (Policy, Licensee, Require, PriceCap, LicenceRequirement, SelfHosting, Exclude):
        names.update(cls.model_fields)
    return frozenset(names)


def main() -> None:
    """Write the policy JSON Schema to standard output (``python -m selector.policy``)."""
    sys.stdout.write(policy_json_schema_text())


if __name__ == "__main__":
    main()
