"""One catalog entry read into the fields the importer may use, the same for every catalog.

A reader (``modelsdev``, ``litellm``) turns each entry of a catalog snapshot into a
:class:`Record`; everything after that (mapping, building facts, writing TriG) sees
records only. A record keeps the catalog's own words: ids, numbers and flags as the
catalog states them, absent where it states nothing. Prices are US dollars per million
tokens whatever unit the catalog uses.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from decimal import Decimal

from selector.errors import SelectorError


class CatalogError(SelectorError):
    """A catalog snapshot or a mapping file that cannot be read, or a mapping that contradicts itself."""


@dataclass(frozen=True)
class Snapshot:
    """Which snapshot of a catalog is read: its name, where its files are published, and its date.

    ``url`` is a format string with ``{path}`` (models.dev: one URL per file) or a
    fixed URL (LiteLLM: one file); ``as_of`` is the ISO date the catalog was true as
    of; ``edition`` names the commit or release for titles and file headers.
    """

    catalog: str
    edition: str
    url: str
    as_of: str
    prefix: str  # start of every source IRI's local name, e.g. "catalog-modelsdev"

    def source_url(self, path: str) -> str:
        """The published URL of one catalog file (or of the one file, for single-file catalogs)."""
        return self.url.replace("{path}", path)


@dataclass(frozen=True)
class Record:
    """One catalog entry: where it is, what it names, and the values it states.

    ``key`` identifies the entry in its catalog (a file path for models.dev, a JSON key
    for LiteLLM) and names its source graph. ``provider`` is the catalog's provider id
    (``None`` for a provider-agnostic model file, whose ``lab`` is set instead).
    ``model_id`` is the catalog's id of the model at that provider. Every other field
    is ``None`` (or empty) when the entry does not state it.
    """

    catalog: str
    key: str
    path: str
    provider: str | None
    model_id: str
    lab: str | None = None
    title: str = ""
    name: str | None = None
    family: str | None = None
    release_date: str | None = None
    status: str | None = None
    mode: str | None = None
    alias_of: str | None = None
    base_model: str | None = None
    open_weights: bool | None = None
    tool_call: bool | None = None
    context: int | None = None
    input_limit: int | None = None
    output_limit: int | None = None
    modalities_in: tuple[str, ...] = ()
    modalities_out: tuple[str, ...] = ()
    input_price: Decimal | None = None
    output_price: Decimal | None = None
    cache_read_price: Decimal | None = None
    retires_on: str | None = None
    regions: tuple[str, ...] = ()


def per_million(value: object) -> Decimal | None:
    """A price the catalog gives per million tokens, as an exact decimal (``None`` if not a number)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return _tidy(Decimal(str(value)))


def per_token_to_million(value: object) -> Decimal | None:
    """A price the catalog gives per token, as an exact decimal per million tokens."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return _tidy(Decimal(str(value)) * 1_000_000)


def _tidy(value: Decimal) -> Decimal:
    """Drop trailing zeros (2.50 -> 2.5) but keep integers readable (1E+1 -> 10)."""
    value = value.normalize()
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value


def whole(value: object) -> int | None:
    """A token count as an int, or None when the catalog gives no positive whole number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, int) and value > 0 else None


def flag(value: object) -> bool | None:
    """A yes/no field as a bool, or None when it is not a boolean."""
    return value if isinstance(value, bool) else None


def full_date(value: object) -> str | None:
    """An ISO calendar date (YYYY-MM-DD) as a string; partial dates (2025-07) are not dates."""
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, str) and len(value) == 10:
        try:
            return _dt.date.fromisoformat(value).isoformat()
        except ValueError:
            return None
    return None
