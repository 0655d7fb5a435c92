"""The policy models: what a policy file may say, as frozen pydantic models, and its canonical form."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import date
from typing import Annotated, Any, ClassVar, Literal, get_origin

from annotated_types import Ge, Le
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    Strict,
    StrictBool,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic.types import AllowInfNan

from selector.policy.only import Only
from selector.policy.terms import (
    LicenceRequirement,
    Residency,
    ResidencySplit,
    SelfHosting,
    Workload,
    check_workload_keys,
)
from selector.policy.types import (
    Conflict,
    Unique,
    ValueKind,
    field_type,
    optional_list,
    required_list,
    unpack,
)
from selector.policy.vocabulary import (
    NAME,
    Certification,
    Jurisdiction,
    Maker,
    Modality,
    Precision,
    Provider,
    ProviderKind,
)


def _exact_int(value: Any) -> Any:
    if type(value) is not int:
        raise ValueError("expected the integer 1")
    return value


Preference = Literal["lowest_price", "largest_context", "largest_output", "newest", "lowest_workload_cost"]

_MAX_TOKENS = 1_000_000_000
_TokenCount = Annotated[int, Strict(), Ge(1), Le(_MAX_TOKENS)]
_Price = Annotated[float, Strict(), Ge(0), Le(1_000_000), AllowInfNan(False)]


FROZEN = ConfigDict(frozen=True, extra="forbid")



class Licensee(BaseModel):
    """Who will use the model. Open-weight licence clauses (user counts, revenue, domicile, kind of use) are checked against it."""  # noqa: E501 - the JSON Schema description

    model_config = FROZEN

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

    value_kind: ClassVar[str] = "price"

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
            raise Conflict("give an input price, an output price or both", hint="for example {input: 5, output: 15}")
        return self


class Require(BaseModel):
    """Hard requirements: a deployment that fails one (or, under unknown: fail, cannot be shown to meet one) is denied. Leave a key out when there is no such requirement."""  # noqa: E501 - the JSON Schema description

    model_config = FROZEN

    residency: Residency | SkipJsonSchema[None] = Field(
        default=None,
        description=(
            "Jurisdiction every place the data is processed or stored must lie in, on every hop. "
            "A list means inside any of them, for example [EU, CH]; {processing: EU, storage: EEA} "
            "judges each side on its own."
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
    input_modalities: required_list(Modality) | SkipJsonSchema[None] = Field(
        default=None, description="Kinds of input the model must accept (text, image, audio, video, pdf)."
    )
    output_modalities: required_list(Modality) | SkipJsonSchema[None] = Field(
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
    certifications: required_list(Certification) | SkipJsonSchema[None] = Field(
        default=None, description="Certifications or attestations the provider must hold, all of them (ISO27001, SOC2, ...)."
    )
    provider_headquarters: required_list(Jurisdiction) | SkipJsonSchema[None] = Field(
        default=None, description="Jurisdictions the provider's headquarters must be in, any of them (sovereignty)."
    )
    max_price_per_mtok: PriceCap | SkipJsonSchema[None] = Field(
        default=None, description="Highest acceptable prices per million tokens, in US dollars."
    )
    licence: LicenceRequirement | SkipJsonSchema[None] = Field(
        default=None, description="What an open-weight model's licence must permit."
    )
    lifecycle: Annotated[Literal["active"], ValueKind("status")] | SkipJsonSchema[None] = Field(
        default=None, description="active: deny deprecated deployments too (retired ones are denied under every policy)."
    )
    max_fact_age_days: Annotated[int, Strict(), Ge(1), Le(36_500)] | SkipJsonSchema[None] = Field(
        default=None, description="Oldest acceptable fact about a deployment, in days before the evaluation date; "
        "an older one counts as unknown."
    )
    serving_precision: required_list(Precision) | SkipJsonSchema[None] = Field(
        default=None,
        description="Numeric precisions the host must document it serves the model at (bf16, fp16, fp8, ...): "
        "every precision it documents must be one of them.",
    )
    min_tool_call_success: Annotated[float, Strict(), Ge(0), Le(1), AllowInfNan(False)] | SkipJsonSchema[None] = Field(
        default=None,
        description="Lowest acceptable share (0 to 1) of well-formed tool calls in a recorded, sourced measurement "
        "of the model on this host.",
    )
    max_monthly_cost_usd: Annotated[float, Strict(), Ge(0), Le(10**12), AllowInfNan(False)] | SkipJsonSchema[None] = Field(
        default=None, description="Highest acceptable estimated monthly cost of the workload, in US dollars."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Require:
        if (
            self.min_output_tokens is not None
            and self.min_context_tokens is not None
            and self.min_output_tokens > self.min_context_tokens
        ):
            raise Conflict(
                f"min_output_tokens ({self.min_output_tokens}) is larger than min_context_tokens "
                f"({self.min_context_tokens}); no model can satisfy both",
                key="min_output_tokens",
                hint="the output is part of the context window",
            )
        return self


class Exclude(BaseModel):
    """Makers, providers and kinds of provider whose deployments are never allowed."""

    model_config = FROZEN

    makers: optional_list(Maker) = Field(default=(), description="Maker slugs whose models are excluded.")
    providers: optional_list(Provider) = Field(default=(), description="Provider slugs that are excluded.")
    provider_kinds: optional_list(ProviderKind) = Field(
        default=(),
        description="Provider kinds that are excluded (maker-api, cloud-platform, aggregator, inference-host, "
        "self-hosted).",
    )
    maker_headquarters: optional_list(Jurisdiction) = Field(
        default=(), description="Jurisdiction codes: models whose maker is headquartered in one of them are excluded."
    )
    provider_headquarters: required_list(Jurisdiction) | SkipJsonSchema[None] = Field(
        default=None,
        description="Jurisdiction codes: providers whose operator, or any parent company above it, is headquartered "
        "in one of them are excluded.",
    )


class Policy(BaseModel):
    """A compliance policy: which LLM deployments a team may use, and how to rank those that pass."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra=lambda schema, cls: policy_schema_extra(schema))

    version: Annotated[Literal[1], BeforeValidator(_exact_int)] = Field(description="Policy file format version; always 1.")
    name: Annotated[str, NAME] = Field(description="Short name of the policy. Defaults to the file name without its extension.")
    description: Annotated[str, Strict()] = Field(default="", description="What the policy is for, in a sentence.")
    licensee: Licensee | SkipJsonSchema[None] = Field(
        default=None, description="Who will use the model: licence clauses depend on it."
    )
    require: Require = Field(default_factory=Require, description="Hard requirements every allowed deployment meets.")
    self_hosting: SelfHosting | SkipJsonSchema[None] = Field(
        default=None, description="Where you would run open weights yourself."
    )
    exclude: Exclude = Field(default_factory=Exclude, description="Makers, providers and provider kinds never allowed.")
    only: Only | SkipJsonSchema[None] = Field(
        default=None, description="Allow-lists of models, makers and providers: everything else is never allowed."
    )
    workload: Workload | SkipJsonSchema[None] = Field(
        default=None, description="What one month of use looks like, to estimate its cost (lowest_workload_cost)."
    )
    prefer: Annotated[tuple[Preference, ...], Unique()] = Field(
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
    as_of: date | None = Field(
        default=None,
        description="The evaluation date (set by --as-of, never by a file); None: the knowledge base's own date.",
    )

    def on(self, when: date) -> "Policy":
        """The same policy evaluated on the given date."""
        return self if self.as_of == when else self.model_copy(update={"as_of": when})

    def __hash__(self) -> int:
        return hash(self.fingerprint)

    @model_validator(mode="after")
    def _workload_given(self) -> Policy:
        check_workload_keys(self)
        return self

    def extra_requirement(self, key: str) -> JsonValue | None:
        """The value of a require key added by an organisation's rule file, or ``None``."""
        return dict(self.require_extra).get(key)

    def canonical_data(self) -> dict[str, Any]:
        """The policy as plain JSON data in a canonical form.

        Keys that are not set are left out, lists whose order does not matter are
        sorted, and requirements added by rule files sit under ``require`` as in
        the file. Two files that say the same thing give the same data.
        """
        data = self.model_dump(mode="json", exclude_none=True, exclude=set(INTERNAL_FIELDS))
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
    name, _, part = name.partition(".")
    value = getattr(container, name, None)
    if value is None and section == "require":
        value = dict(policy.require_extra).get(name)
    if part and value is not None:  # a key inside a mapping (require.licence.spdx)
        value = getattr(value, part, None)
    return value if value not in ((), None) else None


_ORDERED_LISTS = frozenset({("prefer",)})
INTERNAL_FIELDS = frozenset({"require_extra", "as_of"})
#: Require keys that change which facts every rule may read, rather than being a rule of their own.
FACT_FILTERS = frozenset({"max_fact_age_days"})


def _sort_unordered(value: Any, path: tuple[str, ...]) -> Any:
    """Sort the lists of a dumped policy whose order carries no meaning."""
    if isinstance(value, dict):
        return {key: _sort_unordered(item, path + (key,)) for key, item in value.items()}
    if isinstance(value, list) and path not in _ORDERED_LISTS:
        return sorted(value)
    return value



def policy_schema_extra(schema: dict[str, Any]) -> None:
    """Adjust the generated schema of ``Policy`` to the file format."""
    for field in INTERNAL_FIELDS:
        schema.get("properties", {}).pop(field, None)
    schema["required"] = [key for key in schema.get("required", []) if key != "name"]


def value_kind(key: str) -> str | None:
    """The kind of value a built-in ``require`` or ``exclude`` key takes, read from its field in the models.

    A number, a boolean, a list, or what a marker or a model names (jurisdictions,
    price, licence); None for a key the models do not have (a key a rule file adds
    says its type in its ``parameter`` schema).
    """
    section, _, name = key.partition(".")
    model = {"require": Require, "exclude": Exclude, "only": Only}.get(section)
    name, _, part = name.partition(".")
    if model is None or name not in model.model_fields:
        return None
    if part:  # a key inside a mapping (require.licence.spdx)
        inner, _, _ = unpack(field_type(model, name))
        if not (isinstance(inner, type) and issubclass(inner, BaseModel) and part in inner.model_fields):
            return None
        model, name = inner, part
    base, meta, _ = unpack(field_type(model, name))
    marker = next((m for m in meta if isinstance(m, ValueKind)), None)
    if marker is not None:
        return marker.name
    if isinstance(base, type) and issubclass(base, BaseModel):
        return getattr(base, "value_kind", None)
    if get_origin(base) is tuple:
        return "list"
    if base is bool:
        return "boolean"
    if base in (int, float):
        return "number"
    return None


def all_field_names() -> frozenset[str]:
    """Every field name of every policy model (to tell a key from a list index in an error)."""
    names: set[str] = set()
    for cls in (Policy, Licensee, Require, PriceCap, LicenceRequirement, SelfHosting, Exclude, Only, ResidencySplit,
                Workload):
        names.update(cls.model_fields)
    return frozenset(names)
