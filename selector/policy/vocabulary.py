"""The names a policy may use, taken from the knowledge base, and the string types that must be one of them."""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    StringConstraints,
)


@dataclass(frozen=True)
class PolicyVocabulary:
    """The names a policy may use, taken from the knowledge base.

    Each field is the set of valid spellings of one kind of value: jurisdiction
    codes (``EU``, ``EEA``, ``DE``, ``US``), maker and provider slugs, provider
    kinds, modalities, certifications, region codes usable in
    ``self_hosting.regions``, licence ids (SPDX or ``LicenseRef-``) and serving
    precisions (``bf16``, ``fp8``). Values in a policy are matched case-insensitively and
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
    licences: frozenset[str] = frozenset()
    precisions: frozenset[str] = frozenset()

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
        return closest(value, getattr(self, kind))



@dataclass(frozen=True)
class Vocab:
    """Marks a string that must be a name from one ``PolicyVocabulary`` field."""

    kind: str
    noun: str
    phrase: str
    plural: str



NAME = StringConstraints(strict=True, min_length=1)


def _vocab(kind: str, noun: str, phrase: str, plural: str) -> Any:
    return Annotated[str, NAME, Vocab(kind, noun, phrase, plural)]


Jurisdiction = _vocab("jurisdictions", "jurisdiction", "a jurisdiction code", "jurisdiction codes")
Maker = _vocab("makers", "maker", "a maker slug", "maker slugs")
Provider = _vocab("providers", "provider", "a provider slug", "provider slugs")
ProviderKind = _vocab("provider_kinds", "provider kind", "a provider kind", "provider kinds")
Modality = _vocab("modalities", "modality", "a modality", "modalities")
Certification = _vocab("certifications", "certification", "a certification", "certifications")
Region = _vocab("regions", "region", "a region code", "region codes")
LicenceId = _vocab("licences", "licence id", "an SPDX licence id", "SPDX licence ids")
Precision = _vocab("precisions", "precision", "a precision", "precisions")



def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to ``word`` (case-insensitively), if one is close enough."""
    by_folded: dict[str, str] = {}
    for candidate in sorted(candidates):
        by_folded.setdefault(candidate.casefold(), candidate)
    matches = difflib.get_close_matches(word.casefold(), list(by_folded), n=1, cutoff=0.6)
    return by_folded[matches[0]] if matches else None
