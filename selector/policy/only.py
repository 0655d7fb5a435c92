"""The ``only`` section of a policy: allow-lists of models, makers and providers, by slug or pattern."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from selector.policy.types import Conflict, required_list
from selector.policy.vocabulary import MakerPattern, ModelPattern, ProviderPattern


class Only(BaseModel):
    """Allow-lists: a deployment is allowed only if it matches every list given.

    Each entry is a slug or a shell-style pattern (``claude-sonnet-*``), matched
    case-insensitively; an entry that matches nothing the knowledge base knows is an error.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra={"minProperties": 1})

    models: required_list(ModelPattern) | SkipJsonSchema[None] = Field(
        default=None, description="Model slugs or patterns (claude-sonnet-*): the model must match one of them."
    )
    makers: required_list(MakerPattern) | SkipJsonSchema[None] = Field(
        default=None, description="Maker slugs or patterns: every maker of the model must match one of them."
    )
    providers: required_list(ProviderPattern) | SkipJsonSchema[None] = Field(
        default=None, description="Provider slugs or patterns: the provider must match one of them."
    )

    @model_validator(mode="after")
    def _at_least_one(self) -> Only:
        if self.models is None and self.makers is None and self.providers is None:
            raise Conflict("give models, makers or providers", hint="for example {providers: [aws-bedrock]}")
        return self
