"""Reading a models.dev snapshot: one record per TOML file, ``base_model`` inheritance resolved.

The snapshot is a folder holding ``providers/<provider>/models/**/*.toml`` (one file
per model a provider serves) and ``models/<lab>/**/*.toml`` (provider-agnostic model
files). A provider file may name ``base_model = "<lab>/<id>"``: it then inherits that
file's fields by deep merge, its own fields winning, minus the paths listed in
``base_model_omit``; ``license``, ``links``, ``weights`` and ``benchmarks`` are not
inherited (models.dev's own generator works this way). Prices are already US dollars
per million tokens; the standard price is read, not context tiers.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from selector.kb.catalog.records import (
    CatalogError,
    Record,
    Snapshot,
    flag,
    full_date,
    per_million,
    whole,
)

CATALOG = "models.dev"
COMMIT = "f3fc692299671838c7c65fd8126bf84d81a2e817"
SNAPSHOT = Snapshot(
    catalog=CATALOG,
    edition=f"commit {COMMIT[:8]}",
    url=f"https://github.com/anomalyco/models.dev/blob/{COMMIT}/{{path}}",
    as_of="2026-07-02",
    prefix="catalog-modelsdev",
)
"""The pinned snapshot: github.com/anomalyco/models.dev at commit f3fc6922, dated 2026-07-02."""

_NOT_INHERITED = frozenset({"license", "links", "weights", "benchmarks"})
_MAX_FILE_BYTES = 1_000_000


def read_snapshot(folder: Path) -> tuple[Record, ...]:
    """Every model file of a models.dev snapshot folder as a record, sorted by path.

    Raises :class:`CatalogError` when the folder is not a models.dev snapshot or a
    file cannot be read as TOML.
    """
    folder = Path(folder)
    providers = folder / "providers"
    labs = folder / "models"
    if not providers.is_dir() or not labs.is_dir():
        raise CatalogError(
            "not a models.dev snapshot (no providers/ and models/ folders)",
            file=folder,
            hint="give the folder that holds providers/ and models/",
        )
    base_files = {
        path.relative_to(labs).with_suffix("").as_posix(): _load(path, folder)
        for path in sorted(labs.rglob("*.toml"))
        if path.is_file()
    }
    records = [
        _record(f"models/{lab_id}.toml", None, lab_id.split("/", 1)[0], lab_id.split("/", 1)[1], data)
        for lab_id, data in sorted(base_files.items())
        if "/" in lab_id
    ]
    for provider_dir in sorted(p for p in providers.iterdir() if p.is_dir()):
        models = provider_dir / "models"
        if not models.is_dir():
            continue
        for path in sorted(models.rglob("*.toml")):
            if not path.is_file():
                continue
            model_id = path.relative_to(models).with_suffix("").as_posix()
            data = _load(path, folder)
            base = data.get("base_model")
            if isinstance(base, str):
                if base not in base_files:
                    raise CatalogError(
                        f"base_model '{base}' names no file under models/", file=_shown(path, folder)
                    )
                data = _inherit(base_files[base], data)
            relative = path.relative_to(folder).as_posix()
            records.append(_record(relative, provider_dir.name, None, model_id, data))
    records.sort(key=lambda r: r.key)
    return tuple(records)


def _shown(path: Path, folder: Path) -> str:
    return path.relative_to(folder).as_posix()


def _load(path: Path, folder: Path) -> dict[str, Any]:
    try:
        if path.stat().st_size > _MAX_FILE_BYTES:
            raise CatalogError("file is too large for a catalog entry", file=_shown(path, folder))
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogError(f"cannot read file: {error}", file=_shown(path, folder)) from None
    except tomllib.TOMLDecodeError as error:
        raise CatalogError(f"not valid TOML: {error}", file=_shown(path, folder)) from None


def _inherit(base: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """Deep merge: the provider file's fields win; listed paths are omitted from the base."""
    inherited = {k: v for k, v in base.items() if k not in _NOT_INHERITED}
    for path in own.get("base_model_omit", ()) or ():
        if isinstance(path, str):
            _remove(inherited, path.split("."))
    return _merge(inherited, own)


def _remove(data: dict[str, Any], parts: list[str]) -> None:
    node: Any = data
    for part in parts[:-1]:
        node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return
    if isinstance(node, dict):
        node.pop(parts[-1], None)


def _merge(base: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in own.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(v for v in value if isinstance(v, str))


def _record(key: str, provider: str | None, lab: str | None, model_id: str, data: dict[str, Any]) -> Record:
    cost = data.get("cost") if isinstance(data.get("cost"), dict) else {}
    limit = data.get("limit") if isinstance(data.get("limit"), dict) else {}
    modalities = data.get("modalities") if isinstance(data.get("modalities"), dict) else {}
    name = data.get("name")
    status = data.get("status")
    family = data.get("family")
    base = data.get("base_model")
    return Record(
        catalog=CATALOG,
        key=key,
        path=key,
        provider=provider,
        model_id=model_id,
        lab=lab,
        title=f"models.dev catalog file {key} ({SNAPSHOT.edition})",
        name=name if isinstance(name, str) else None,
        family=family if isinstance(family, str) else None,
        release_date=full_date(data.get("release_date")),
        status=status if isinstance(status, str) else None,
        base_model=base if isinstance(base, str) else None,
        open_weights=flag(data.get("open_weights")),
        tool_call=flag(data.get("tool_call")),
        context=whole(limit.get("context")),
        input_limit=whole(limit.get("input")),
        output_limit=whole(limit.get("output")),
        modalities_in=_strings(modalities.get("input")),
        modalities_out=_strings(modalities.get("output")),
        input_price=per_million(cost.get("input")),
        output_price=per_million(cost.get("output")),
        cache_read_price=per_million(cost.get("cache_read")),
    )
