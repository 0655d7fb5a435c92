"""The types policy values take: the markers on the models' fields, and reading a field's type back.

The markers (``Unique``, ``OneOrMany``, ``ValueKind``, and ``vocabulary.Vocab``)
tell pydantic how to validate and publish a field, the file checker how to check and
word it, and the rules which kind of value a key takes.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

from annotated_types import MinLen
from pydantic import BaseModel, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema


class Conflict(ValueError):
    """A rule that ties several keys of one mapping together, with the key to blame (dotted for a nested one)."""

    def __init__(self, problem: str, *, key: str | None = None, hint: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.key = key
        self.hint = hint


@dataclass(frozen=True)
class Unique:
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
class OneOrMany:
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


def _one_to_tuple(value: Any) -> Any:
    return (value,) if isinstance(value, str) else value


@dataclass(frozen=True)
class ValueKind:
    """Names the kind of value a field takes where its type alone does not say it (residency: jurisdictions)."""

    name: str


def required_list(item: Any) -> Any:
    """A list type of ``item`` that must not be empty, each value once."""
    return Annotated[tuple[item, ...], MinLen(1), Unique()]


def optional_list(item: Any) -> Any:
    """A list type of ``item``, each value once (empty by default)."""
    return Annotated[tuple[item, ...], Unique()]


def alternatives(base: Any) -> tuple[Any, ...]:
    """The alternatives of a union type (one value may take either form), or ``()`` for any other type."""
    return get_args(base) if get_origin(base) in (Union, types.UnionType) else ()


def field_type(cls: type[BaseModel], name: str) -> Any:
    """A model field's full type, with its constraints, as one ``Annotated`` type."""
    info = cls.model_fields[name]
    if info.metadata:
        return Annotated[(info.annotation, *info.metadata)]
    return info.annotation


def is_none(annotation: Any) -> bool:
    """Whether a type is ``None`` (possibly with constraints)."""
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation is type(None)


def unpack(annotation: Any) -> tuple[Any, list[Any], bool]:
    """Split a type into its base type, its constraint markers, and whether ``None`` is allowed.

    A union of several alternatives (besides ``None``) is returned as that union.
    """
    meta: list[Any] = []
    optional = False
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *more = get_args(annotation)
            meta.extend(more)
        elif origin in (Union, types.UnionType):
            options = [arg for arg in get_args(annotation) if not is_none(arg)]
            optional = optional or len(options) < len(get_args(annotation))
            if len(options) != 1:
                # Alternatives (a list, or a mapping): the checker picks one by the value's shape.
                return Union[tuple(options)], meta, optional
            annotation = options[0]
        else:
            return annotation, meta, optional
