"""The names a policy may use, taken from the knowledge base, and the string types that must be one of them."""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
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
    codes (``EU``, ``EEA``, ``DE``, ``US``), model, maker and provider slugs, provider
    kinds, modalities, certifications, region codes usable in
    ``self_hosting.regions``, licence ids (SPDX or ``LicenseRef-``) and serving
    precisions (``bf16``, ``fp8``). Values in a policy are matched case-insensitively and
    replaced by the spelling given here; a jurisdiction alias people type (``UK``)
    is replaced by its code (``GB``) where the vocabulary has it and not the alias.
    Any iterable of strings is accepted and stored as a ``frozenset``.
    """

    jurisdictions: frozenset[str] = frozenset()
    models: frozenset[str] = frozenset()
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
        if matches:
            return matches[0]
        alias = ALIASES.get(kind, {}).get(value.upper())
        return alias if alias in names else None

    def suggestion(self, kind: str, value: str) -> str | None:
        """The closest valid name to an unknown ``value``, if one is close enough."""
        named = NAMES.get(kind, {}).get(" ".join(value.upper().split()))
        if named in getattr(self, kind):
            return named
        return closest(value, getattr(self, kind))

    def matching(self, kind: str, pattern: str) -> tuple[str, ...]:
        """The names of one kind a shell-style pattern matches (case-insensitively), sorted."""
        return tuple(sorted(name for name in getattr(self, kind) if name_matches(name, pattern)))

    def pattern_suggestion(self, kind: str, pattern: str) -> str | None:
        """A pattern close to one that matches nothing, which matches some name: its literal start corrected."""
        cut = next((i for i, c in enumerate(pattern) if c in "*?["), len(pattern))
        head, tail = pattern[:cut], pattern[cut:]
        if not head or not tail:
            return None
        names = getattr(self, kind)
        prefixes = {name[:size] for name in names for size in range(max(1, len(head) - 2), len(head) + 3)}
        for prefix in difflib.get_close_matches(head.casefold(), sorted(prefixes), n=5, cutoff=0.7):
            if self.matching(kind, prefix + tail):
                return prefix + tail
        return None



@dataclass(frozen=True)
class Vocab:
    """Marks a string that must be a name from one ``PolicyVocabulary`` field."""

    kind: str
    noun: str
    phrase: str
    plural: str
    patterns: bool = False

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict[str, Any]:
        # Marks the spot for ``policy_json_schema``, which puts the knowledge base's names there.
        result = dict(handler(schema))
        result[VOCABULARY_MARK] = [self.kind, self.patterns]
        return result



NAME = StringConstraints(strict=True, min_length=1)
#: The key that marks a vocabulary field in the generated schema, until the names are filled in.
VOCABULARY_MARK = "x-selector-vocabulary"


def _vocab(kind: str, noun: str, phrase: str, plural: str, patterns: bool = False) -> Any:
    return Annotated[str, NAME, Vocab(kind, noun, phrase, plural, patterns)]


Jurisdiction = _vocab("jurisdictions", "jurisdiction", "a jurisdiction code", "jurisdiction codes")
Maker = _vocab("makers", "maker", "a maker slug", "maker slugs")
Provider = _vocab("providers", "provider", "a provider slug", "provider slugs")
ProviderKind = _vocab("provider_kinds", "provider kind", "a provider kind", "provider kinds")
Modality = _vocab("modalities", "modality", "a modality", "modalities")
Certification = _vocab("certifications", "certification", "a certification", "certifications")
Region = _vocab("regions", "region", "a region code", "region codes")
LicenceId = _vocab("licences", "licence id", "an SPDX licence id", "SPDX licence ids")
Precision = _vocab("precisions", "precision", "a precision", "precisions")
ModelPattern = _vocab("models", "model", "a model slug or pattern", "model slugs or patterns", True)
MakerPattern = _vocab("makers", "maker", "a maker slug or pattern", "maker slugs or patterns", True)
ProviderPattern = _vocab("providers", "provider", "a provider slug or pattern", "provider slugs or patterns", True)

#: Spellings people type for a code, read as the code (``UK`` is ISO's ``GB``, ``EL`` the EU's for ``GR``).
ALIASES: dict[str, dict[str, str]] = {"jurisdictions": {"UK": "GB", "EL": "GR"}}
#: Names people type for a jurisdiction, suggested as its code (never read as it: a name may be ambiguous).
NAMES: dict[str, dict[str, str]] = {
    "jurisdictions": {
        "EUROPE": "EU",
        "EUROPEAN UNION": "EU",
        "EUROPEAN ECONOMIC AREA": "EEA",
        "UNITED KINGDOM": "GB",
        "GREAT BRITAIN": "GB",
        "BRITAIN": "GB",
        "ENGLAND": "GB",
        "USA": "US",
        "UNITED STATES": "US",
        "SWITZERLAND": "CH",
        "GERMANY": "DE",
        "FRANCE": "FR",
        "CHINA": "CN",
    }
}


def is_pattern(value: str) -> bool:
    """Whether a name is a shell-style pattern (has ``*``, ``?`` or ``[``) rather than a slug."""
    return any(c in value for c in "*?[")


def name_matches(name: str, entry: str) -> bool:
    """Whether a name is the slug an allow-list entry gives, or matches its pattern (case-insensitively)."""
    return fnmatch.fnmatchcase(name.casefold(), entry.casefold())



def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to ``word`` (case-insensitively), if one is close enough."""
    by_folded: dict[str, str] = {}
    for candidate in sorted(candidates):
        by_folded.setdefault(candidate.casefold(), candidate)
    matches = difflib.get_close_matches(word.casefold(), list(by_folded), n=1, cutoff=0.6)
    return by_folded[matches[0]] if matches else None
