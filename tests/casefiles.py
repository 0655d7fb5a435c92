"""The rule-case and licence-case files, read through models with a closed set of keys.

A misspelt key (``reason_contain``, ``expected``) is an error when the file is read,
never a check silently skipped. Top-level keys starting with ``x-`` hold YAML anchors
that cases refer to (shared facts or policies) and are not read themselves.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

Verdict = Literal["pass", "fail", "unknown"]


class _Closed(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _File(_Closed):
    @model_validator(mode="before")
    @classmethod
    def _anchors(cls, data: Any) -> Any:
        """Leave out the ``x-`` keys that only hold YAML anchors."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith("x-"))}
        return data


class RuleCase(_Closed):
    """One rule case: facts (TriG in the case's graph), a policy, a candidate and the expected verdict."""

    name: str
    policy: dict[str, Any]
    candidate: str
    expect: Verdict
    facts: str = ""
    reason_contains: tuple[str, ...] = ()
    outcome: Literal["allowed", "denied"] | None = None
    obligations: tuple[str, ...] = ()
    as_of: date | None = None
    """The evaluation date (``--as-of``); by default the case world's own date, 2026-02-01."""


class RuleCaseFile(_File):
    """``tests/rules/cases/<rule>.yaml``: the cases of one rule."""

    rule: str
    cases: tuple[RuleCase, ...]


class ExpectedObligation(_Closed):
    """An obligation a decision must carry: text it contains, and the licence it comes from if given."""

    text: str
    licence: str | None = None


class LicenceCase(_Closed):
    """One licence case: a policy, a candidate of the licence world, the verdict and what the trail says."""

    name: str
    policy: dict[str, Any]
    candidate: str
    expect: Verdict
    outcome: Literal["allowed", "denied"] | None = None
    reason_contains: tuple[str, ...] = ()
    reason_excludes: tuple[str, ...] = ()
    remedy_contains: tuple[str, ...] = ()
    remedy_excludes: tuple[str, ...] = ()
    obligations: tuple[ExpectedObligation, ...] = ()
    no_obligations: tuple[str, ...] = ()
    obligation_count: int | None = None
    clauses: tuple[str, ...] = ()
    xfail: str | None = None

    @field_validator("obligations", mode="before")
    @classmethod
    def _texts(cls, value: Any) -> Any:
        """An obligation may be written as its text alone."""
        if isinstance(value, list):
            return [{"text": item} if isinstance(item, str) else item for item in value]
        return value


class LicenceCaseFile(_File):
    """``tests/licences/cases/<licence>.yaml``: the cases of one licence (or of licences along a lineage)."""

    licence: str | None = None
    cases: tuple[LicenceCase, ...]


File = TypeVar("File", bound=_File)


def read(path: Path, model: type[File]) -> File:
    """A case file read through its model (a pydantic ValidationError names a misspelt key)."""
    return model.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
