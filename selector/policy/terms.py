"""Policy terms beside the plain requirements: residency split by processing and storage, licence, workload, self-hosting.

``require.residency`` takes a jurisdiction (or a list: inside any of them) for both
sides, or a mapping ``{processing: EU, storage: EEA}`` judging each side on its own.
``workload`` says what one month of use looks like, so ``prefer:
lowest_workload_cost`` and ``require.max_monthly_cost_usd`` can estimate its cost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from annotated_types import Ge, Le, MinLen
from pydantic import BaseModel, ConfigDict, Field, Strict, StrictBool, model_validator
from pydantic.json_schema import SkipJsonSchema
from pydantic.types import AllowInfNan

from selector.policy.types import Conflict, OneOrMany, Unique, ValueKind, required_list
from selector.policy.vocabulary import Jurisdiction, LicenceId, Region

if TYPE_CHECKING:
    from selector.policy.model import Policy

#: Jurisdictions written as one code or a list of them (inside any of them).
Jurisdictions = Annotated[tuple[Jurisdiction, ...], MinLen(1), Unique(), OneOrMany()]


class ResidencySplit(BaseModel):
    """Where data may be processed and where it may be stored, each judged on its own; a side left out is not judged."""  # noqa: E501 - the JSON Schema description

    value_phrase: ClassVar[str] = "a mapping of processing and storage"

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra={"minProperties": 1})

    processing: Jurisdictions | SkipJsonSchema[None] = Field(
        default=None, description="Jurisdiction (or list: any of them) every place of processing (inference) must lie in."
    )
    storage: Jurisdictions | SkipJsonSchema[None] = Field(
        default=None, description="Jurisdiction (or list: any of them) every place of storage at rest must lie in."
    )

    @model_validator(mode="after")
    def _at_least_one(self) -> ResidencySplit:
        if self.processing is None and self.storage is None:
            raise Conflict("give processing, storage or both", hint="for example {processing: EU, storage: EEA}")
        return self


#: ``require.residency``: one jurisdiction list for both sides, or a mapping of the two.
Residency = Annotated[Jurisdictions | ResidencySplit, ValueKind("jurisdictions")]


def residency_sides(required: Any) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """The jurisdictions processing and storage must lie in (None: that side is not judged)."""
    if isinstance(required, ResidencySplit):
        return required.processing, required.storage
    codes = tuple(required)
    return codes, codes


class LicenceRequirement(BaseModel):
    """What an open-weight model's licence must permit for the licensee."""

    value_kind: ClassVar[str] = "licence"

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra={"minProperties": 1})

    commercial_use: StrictBool | SkipJsonSchema[None] = Field(
        default=None,
        description="true: the licence must permit commercial use by this licensee.",
    )
    spdx: Annotated[required_list(LicenceId), ValueKind("licence_ids")] | SkipJsonSchema[None] = Field(
        default=None,
        description="SPDX (or LicenseRef-) ids the model's weights licence must be one of, for the model and every "
        "model it derives from; a model with no weights licence fails.",
    )

    @model_validator(mode="after")
    def _at_least_one(self) -> LicenceRequirement:
        if self.commercial_use is None and self.spdx is None:
            raise Conflict("give commercial_use, spdx or both", hint="for example {commercial_use: true}")
        return self


_Tokens = Annotated[int, Strict(), Ge(0), Le(1_000_000_000)]


class Workload(BaseModel):
    """What one month of use looks like: requests, tokens per request, and the share of input read from a cache."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    requests_per_month: Annotated[int, Strict(), Ge(1), Le(10**12)] = Field(
        description="Requests sent in a month."
    )
    input_tokens_per_request: _Tokens = Field(description="Input (prompt) tokens per request, on average.")
    output_tokens_per_request: _Tokens = Field(description="Output tokens per request, on average.")
    cached_input_share: Annotated[float, Strict(), Ge(0), Le(1), AllowInfNan(False)] | SkipJsonSchema[None] = Field(
        default=None,
        description="Share (0 to 1) of input tokens read from the provider's prompt cache; priced at the "
        "offering's cache-read price where it records one, else at its input price.",
    )


def check_workload_keys(policy: Policy) -> None:
    """Refuse a policy that asks for a workload's cost without giving the workload."""
    if policy.workload is not None:
        return
    if policy.require.max_monthly_cost_usd is not None:
        raise Conflict(
            "a monthly cost cap needs a workload to estimate the cost from",
            key="require.max_monthly_cost_usd",
            hint="add workload: {requests_per_month: ..., input_tokens_per_request: ..., output_tokens_per_request: ...}",
        )
    if "lowest_workload_cost" in policy.prefer:
        raise Conflict(
            "lowest_workload_cost needs a workload to estimate the cost from",
            key="prefer",
            hint="add workload: {requests_per_month: ..., input_tokens_per_request: ..., output_tokens_per_request: ...}",
        )


class SelfHosting(BaseModel):
    """Where you would run open weights yourself: cloud regions or a jurisdiction, not both."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        json_schema_extra={"oneOf": [{"required": ["regions"]}, {"required": ["jurisdiction"]}]},
    )

    regions: required_list(Region) | SkipJsonSchema[None] = Field(
        default=None, description="Region codes you would run the model in (eu-central-1, ...)."
    )
    jurisdiction: Jurisdiction | SkipJsonSchema[None] = Field(
        default=None, description="Jurisdiction code you would run the model in (EU, DE, ...)."
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> SelfHosting:
        if self.regions is not None and self.jurisdiction is not None:
            raise Conflict("give either regions or jurisdiction, not both")
        if self.regions is None and self.jurisdiction is None:
            raise Conflict("give regions or jurisdiction", hint="for example {jurisdiction: EU}")
        return self
