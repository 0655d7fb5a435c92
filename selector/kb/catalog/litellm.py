"""Reading LiteLLM's ``model_prices_and_context_window.json``: one record per key.

The file is one JSON object, key -> entry. ``sample_spec`` (the field documentation)
and ``fallback_generalizations`` (router rules) are not model entries and are left
out. A key whose entry is only ``{"alias_of": KEY}`` is an alias: its record names
the target and takes the target's provider. Prices are US dollars per token and are
turned into dollars per million tokens. ``deprecation_date`` is documented as the
date the model becomes deprecated, but in practice copies the providers' shutdown
dates; it is kept as the record's retirement date.

Modalities: ``supported_modalities`` / ``supported_output_modalities`` where given;
otherwise a ``chat`` or ``responses`` entry takes and gives text, plus image, PDF,
audio and video input where ``supports_vision``, ``supports_pdf_input``,
``supports_audio_input`` and ``supports_video_input`` say so, and audio output where
``supports_audio_output`` does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from selector.kb.catalog.records import (
    CatalogError,
    Record,
    Snapshot,
    flag,
    full_date,
    per_token_to_million,
    whole,
)

CATALOG = "litellm"
RELEASE = "1.110.2"
FILE = "model_prices_and_context_window.json"
SNAPSHOT = Snapshot(
    catalog=CATALOG,
    edition=f"release {RELEASE}",
    url=f"https://github.com/BerriAI/litellm/blob/v{RELEASE}/{FILE}",
    as_of="2026-12-04",
    prefix="catalog-litellm",
)
"""The pinned release: LiteLLM 1.110.2, the newest release on 2026-12-04 (its file records no date)."""

NOT_ENTRIES = frozenset({"sample_spec", "fallback_generalizations"})
"""Keys of the file that are not model entries."""

_MAX_BYTES = 50 * 1024 * 1024
_TEXT_MODES = frozenset({"chat", "responses", "completion"})
_INPUT_FLAGS = (
    ("supports_vision", "image"),
    ("supports_pdf_input", "pdf"),
    ("supports_audio_input", "audio"),
    ("supports_video_input", "video"),
)


def read_file(path: Path) -> tuple[Record, ...]:
    """Every model entry of the LiteLLM price file as a record, sorted by key.

    Raises :class:`CatalogError` when the file cannot be read or is not a JSON object.
    """
    path = Path(path)
    try:
        if path.is_dir():
            raise CatalogError("is a directory; give the JSON file", file=path)
        if path.stat().st_size > _MAX_BYTES:
            raise CatalogError("file is too large (more than 50 MB)", file=path)
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogError("no such file", file=path) from None
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogError(f"cannot read file: {error}", file=path) from None
    except json.JSONDecodeError as error:
        raise CatalogError(f"not valid JSON: {error.msg}", file=path, line=error.lineno) from None
    if not isinstance(data, dict):
        raise CatalogError("not a LiteLLM price file (the top level is not an object)", file=path)
    records = []
    for key in sorted(data):
        entry = data[key]
        if key in NOT_ENTRIES or not isinstance(entry, dict):
            continue
        records.append(_record(key, entry, data))
    return tuple(records)


def _provider(entry: dict[str, Any], data: dict[str, Any]) -> str | None:
    provider = entry.get("litellm_provider")
    if isinstance(provider, str):
        return provider
    target = entry.get("alias_of")
    if isinstance(target, str) and isinstance(data.get(target), dict):
        found = data[target].get("litellm_provider")
        return found if isinstance(found, str) else None
    return None


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _modalities(entry: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    given_in = _strings(entry.get("supported_modalities"))
    given_out = _strings(entry.get("supported_output_modalities"))
    text = entry.get("mode") in _TEXT_MODES
    if given_in:
        inputs = list(given_in)
        if entry.get("supports_pdf_input") is True and "pdf" not in inputs:
            inputs.append("pdf")
    else:
        inputs = ["text"] if text else []
        inputs += [kind for field, kind in _INPUT_FLAGS if entry.get(field) is True]
    if given_out:
        outputs = list(given_out)
    else:
        outputs = ["text"] if text else []
        if entry.get("supports_audio_output") is True:
            outputs.append("audio")
    return tuple(dict.fromkeys(inputs)), tuple(dict.fromkeys(outputs))


def _record(key: str, entry: dict[str, Any], data: dict[str, Any]) -> Record:
    inputs, outputs = _modalities(entry)
    mode = entry.get("mode")
    alias = entry.get("alias_of")
    regions = _strings(entry.get("supported_regions"))
    return Record(
        catalog=CATALOG,
        key=key,
        path=FILE,
        provider=_provider(entry, data),
        model_id=key,
        title=f"LiteLLM {FILE} ({SNAPSHOT.edition}), key '{key}'",
        mode=mode if isinstance(mode, str) else None,
        alias_of=alias if isinstance(alias, str) else None,
        tool_call=flag(entry.get("supports_function_calling")),
        input_limit=whole(entry.get("max_input_tokens")),
        output_limit=whole(entry.get("max_output_tokens")),
        modalities_in=inputs,
        modalities_out=outputs,
        input_price=per_token_to_million(entry.get("input_cost_per_token")),
        output_price=per_token_to_million(entry.get("output_cost_per_token")),
        cache_read_price=per_token_to_million(entry.get("cache_read_input_token_cost")),
        retires_on=full_date(entry.get("deprecation_date")),
        regions=regions,
    )
