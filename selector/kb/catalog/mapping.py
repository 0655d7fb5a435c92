"""The reviewed mapping from catalog entries to the knowledge base, read from ``ontology/catalog-map/``.

The mapping is data a person reviews, not code: which catalog provider is which
knowledge-base provider, how a catalog key names a region or profile, which catalog
model id is which model slug, and which entries are left out and why. This module
reads those YAML files and applies them to one record at a time, giving either a
:class:`Mapped` entry or an :class:`Unmapped` one with its reason. Nothing is
inferred here that the files do not say.

Files (see ``ontology/catalog-map/README.md``): ``models.yaml`` (model slugs, their
makers, labels and catalog ids, and ids deliberately left unmapped), ``makers.yaml``
and ``providers.yaml`` (organisations and providers the catalogs add), and one file
per catalog (``models.dev.yaml``, ``litellm.yaml``) with its provider rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from selector.kb.catalog.reasons import REASONS
from selector.kb.catalog.records import CatalogError, Record
from selector.yamlfile import read_yaml

_SLUG = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")
#: Kinds of target an import may create. Not sel:Region: a region is located in a country,
#: which is a curated fact, so a new region is a plain sel:DeploymentTarget until curated.
_KINDS = frozenset({"Zone", "GlobalEndpoint", "DeploymentTarget"})


@dataclass(frozen=True)
class TargetSpec:
    """A deployment target an entry is placed at: its slug, and how to describe it if it is new."""

    slug: str
    kind: str = "DeploymentTarget"
    label: str = ""
    code: str | None = None


@dataclass(frozen=True)
class Mapped:
    """A record the mapping places: model, provider, targets and the provider's own model id.

    ``targets`` is empty for a provider-agnostic model file (it describes a model,
    not an offering). ``reference`` is True when the record speaks for the model
    itself (a lab's model file, or the maker's own API listing its own model).
    """

    record: Record
    model: str
    provider: str | None
    targets: tuple[TargetSpec, ...]
    provider_model_id: str | None
    lookup_id: str
    reference: bool
    namespace: str | None = None


@dataclass(frozen=True)
class Unmapped:
    """A record the importer leaves out, with a reason code (see ``reasons.REASONS``) and a why."""

    record: Record
    reason: str
    why: str


@dataclass(frozen=True)
class ModelEntry:
    """A model slug in ``models.yaml``: its maker, its label and the catalog ids that name it."""

    slug: str
    maker: str
    label: str
    ids: tuple[str, ...]


@dataclass(frozen=True)
class _KeyRule:
    pattern: re.Pattern[str]
    target: str | None
    kind: str
    label: str
    code: str | None
    unmapped: str | None
    why: str


@dataclass(frozen=True)
class ProviderRule:
    """How one catalog provider's entries are read: the KB provider, its targets and id rules."""

    catalog_id: str
    provider: str | None
    maker: str | None = None
    target: TargetSpec | None = None
    keys: tuple[_KeyRule, ...] = ()
    strip: tuple[re.Pattern[str], ...] = ()
    regions: _KeyRule | None = None
    skip: str | None = None
    why: str = ""
    namespace: re.Pattern[str] = re.compile(r"^~?(?P<ns>[^/]+)/")


@dataclass(frozen=True)
class Mapping:
    """Everything in ``ontology/catalog-map/`` for one catalog: models, makers, providers, rules."""

    catalog: str
    models: dict[str, ModelEntry]
    by_id: dict[str, str]
    unmapped_ids: dict[str, tuple[str, str]]
    normalise: tuple[tuple[re.Pattern[str], str], ...]
    makers: dict[str, str]
    namespaces: dict[str, str]
    providers: dict[str, str]
    labs: dict[str, str]
    rules: dict[str, ProviderRule]
    default_skip: tuple[str, str]
    not_chat: dict[str, Any]
    files: tuple[Path, ...]

    def lookup(self, model_id: str) -> str:
        """The id as ``models.yaml`` lists it: lowercased, with the shared normalisation applied."""
        text = model_id.lower()
        for pattern, replacement in self.normalise:
            text = pattern.sub(replacement, text)
        return text


def load_mapping(folder: Path, catalog: str) -> Mapping:
    """Read the mapping files for one catalog from a ``catalog-map`` folder.

    Raises :class:`CatalogError` naming the file, line and key of anything wrong:
    unknown keys, bad regular expressions, slugs that break the slug pattern, an id
    mapped to two models.
    """
    folder = Path(folder)
    models_doc = _read(folder / "models.yaml")
    makers_doc = _read(folder / "makers.yaml")
    providers_doc = _read(folder / "providers.yaml")
    catalog_doc = _read(folder / f"{catalog}.yaml")
    makers = _labels(makers_doc, "makers")
    providers = _labels(providers_doc, "providers")
    models, by_id = _models(models_doc)
    unmapped = {}
    for raw_id, entry in (models_doc.data.get("unmapped") or {}).items():
        if not isinstance(entry, dict) or set(entry) != {"reason", "why"} or entry["reason"] not in REASONS:
            raise models_doc.fail(("unmapped", raw_id), "needs reason (one of the report's reasons) and why")
        unmapped[str(raw_id).lower()] = (entry["reason"], str(entry["why"]))
    normalise = tuple(
        (_regex(models_doc, ("normalise", i), item.get("pattern")), str(item.get("replace", "")))
        for i, item in enumerate(models_doc.data.get("normalise") or [])
    )
    data = catalog_doc.data
    _only(catalog_doc, (), data, {"catalog", "labs", "providers", "skip", "not_chat"})
    specs = data.get("providers") or {}
    rules = {}
    for name, spec in specs.items():
        if isinstance(spec, dict) and "same_as" in spec:
            _only(catalog_doc, ("providers", name), spec, {"same_as"})
            other = specs.get(spec["same_as"])
            if not isinstance(other, dict) or "same_as" in other:
                raise catalog_doc.fail(("providers", name, "same_as"), "must name a provider listed with its own rules")
            spec = other
        rules[str(name)] = _rule(catalog_doc, str(name), spec)
    skip = data.get("skip") or {}
    default_skip = (str(skip.get("reason", "provider-not-in-scope")), str(skip.get("why", "")))
    return Mapping(
        catalog=catalog,
        models=models,
        by_id=by_id,
        unmapped_ids=unmapped,
        normalise=normalise,
        makers=makers,
        namespaces={str(k).lower(): str(v) for k, v in (makers_doc.data.get("namespaces") or {}).items()},
        providers=providers,
        labs={str(k): str(v) for k, v in (data.get("labs") or {}).items()},
        rules=rules,
        default_skip=default_skip,
        not_chat=dict(data.get("not_chat") or {}),
        files=tuple(
            doc.path for doc in (models_doc, makers_doc, providers_doc, catalog_doc)
        ),
    )


def _read(path: Path):
    return read_yaml(path, error=CatalogError, max_bytes=5_000_000, max_nodes=500_000)


def _only(doc, where: tuple, data: Any, allowed: set[str]) -> None:
    if not isinstance(data, dict):
        raise doc.fail(where, "expected a mapping")
    for key in data:
        if key not in allowed:
            raise doc.fail(where + (key,), "unknown key", f"allowed: {', '.join(sorted(allowed))}")


def _labels(doc, section: str) -> dict[str, str]:
    out = {}
    for slug, label in (doc.data.get(section) or {}).items():
        if not _SLUG.match(str(slug)) or not isinstance(label, str):
            raise doc.fail((section, slug), "expected a lowercase slug and its label")
        out[str(slug)] = label
    return out


def _models(doc) -> tuple[dict[str, ModelEntry], dict[str, str]]:
    models: dict[str, ModelEntry] = {}
    by_id: dict[str, str] = {}
    for slug, entry in (doc.data.get("models") or {}).items():
        where = ("models", slug)
        _only(doc, where, entry, {"maker", "label", "ids"})
        if not _SLUG.match(str(slug)):
            raise doc.fail(where, "not a slug (lowercase letters, digits, '.' and '-')")
        ids = tuple(str(i).lower() for i in entry.get("ids") or ())
        for raw in ids:
            if raw in by_id and by_id[raw] != slug:
                raise doc.fail(where, f"id '{raw}' is already mapped to {by_id[raw]}")
            by_id[raw] = str(slug)
        maker = entry.get("maker")
        if maker is not None and not _SLUG.match(str(maker)):
            raise doc.fail(where + ("maker",), "not a party slug")
        models[str(slug)] = ModelEntry(str(slug), str(maker or ""), str(entry.get("label", slug)), ids)
    return models, by_id


def _regex(doc, where: tuple, text: Any) -> re.Pattern[str]:
    try:
        return re.compile(str(text))
    except re.error as error:
        raise doc.fail(where, f"not a regular expression: {error}") from None


def _key_rule(doc, where: tuple, spec: Any) -> _KeyRule:
    _only(doc, where, spec, {"match", "target", "kind", "label", "code", "unmapped", "why"})
    kind = str(spec.get("kind", "DeploymentTarget"))
    if kind not in _KINDS:
        raise doc.fail(where + ("kind",), f"unknown kind '{kind}'", f"one of {', '.join(sorted(_KINDS))}")
    unmapped = spec.get("unmapped")
    if unmapped is not None and unmapped not in REASONS:
        raise doc.fail(where + ("unmapped",), f"unknown reason '{unmapped}'")
    return _KeyRule(
        pattern=_regex(doc, where + ("match",), spec.get("match", "^(?P<id>.+)$")),
        target=spec.get("target"),
        kind=kind,
        label=str(spec.get("label", "")),
        code=spec.get("code"),
        unmapped=unmapped,
        why=str(spec.get("why", "")),
    )


def _rule(doc, name: str, spec: Any) -> ProviderRule:
    where = ("providers", name)
    _only(doc, where, spec, {"provider", "maker", "target", "keys", "strip", "regions", "skip", "why", "namespace"})
    if spec.get("skip") is not None:
        if spec["skip"] not in REASONS:
            raise doc.fail(where + ("skip",), f"unknown reason '{spec['skip']}'")
        return ProviderRule(name, None, skip=str(spec["skip"]), why=str(spec.get("why", "")))
    if not isinstance(spec.get("provider"), str):
        raise doc.fail(where, "needs provider (a knowledge-base provider slug) or skip")
    target = None
    if spec.get("target") is not None:
        target = TargetSpec(str(spec["target"]))
    keys = tuple(_key_rule(doc, where + ("keys", i), k) for i, k in enumerate(spec.get("keys") or []))
    strip = tuple(_regex(doc, where + ("strip", i), s) for i, s in enumerate(spec.get("strip") or []))
    regions = _key_rule(doc, where + ("regions",), spec["regions"]) if spec.get("regions") else None
    return ProviderRule(
        catalog_id=name,
        provider=spec["provider"],
        maker=spec.get("maker"),
        target=target,
        keys=keys,
        strip=strip,
        regions=regions,
        why=str(spec.get("why", "")),
        **({"namespace": _regex(doc, where + ("namespace",), spec["namespace"])} if spec.get("namespace") else {}),
    )
