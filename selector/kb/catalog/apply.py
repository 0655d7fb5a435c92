"""Applying the mapping to one record: which model, provider and targets it names, or why none.

The steps, in order, each able to leave the record out with a reason: an alias key;
a model that is not a chat model; a customer's fine-tuned model; a provider-agnostic
model file (mapped by its id, a reference for the model when its lab is the model's
maker); a provider that is out of scope; the provider's key rules (the first that
matches gives the target, or leaves the key out); the provider's default target or
the entry's listed regions; and finally the model id, looked up in ``models.yaml``.
"""

from __future__ import annotations

import re

from selector.kb.catalog.mapping import Mapped, Mapping, ProviderRule, TargetSpec, Unmapped
from selector.kb.catalog.records import Record

_CHAT_MODES = frozenset({"chat", "responses"})


def apply_mapping(mapping: Mapping, record: Record) -> Mapped | Unmapped:
    """Map one record with the mapping's rules (see the module docstring for the order)."""
    if record.alias_of is not None:
        return Unmapped(record, "alias", f"alias of '{record.alias_of}'")
    not_chat = _not_chat(mapping, record)
    if not_chat:
        return Unmapped(record, "not-chat", not_chat)
    if record.model_id.startswith("ft:"):
        return Unmapped(record, "fine-tuned", "fine-tuned model key (ft:)")
    if record.provider is None:
        return _lab_file(mapping, record)
    rule = mapping.rules.get(record.provider)
    if rule is None:
        reason, why = mapping.default_skip
        return Unmapped(record, reason, why or f"provider '{record.provider}' is not mapped")
    if rule.skip is not None:
        return Unmapped(record, rule.skip, rule.why)
    placed = _place(rule, record)
    if isinstance(placed, Unmapped):
        return placed
    targets, native_id = placed
    lookup = native_id
    for pattern in rule.strip:
        lookup = pattern.sub("", lookup)
    lookup = mapping.lookup(lookup)
    found = _model(mapping, record, lookup)
    if isinstance(found, Unmapped):
        return found
    slug = found
    maker = mapping.models[slug].maker
    space = rule.namespace.search(native_id.lower())
    return Mapped(
        record=record,
        model=slug,
        provider=rule.provider,
        targets=targets,
        provider_model_id=native_id,
        lookup_id=lookup,
        reference=rule.maker is not None and rule.maker == maker,
        namespace=space.group("ns") if space else None,
    )


def _model(mapping: Mapping, record: Record, lookup: str) -> str | Unmapped:
    if lookup in mapping.unmapped_ids:
        reason, why = mapping.unmapped_ids[lookup]
        return Unmapped(record, reason, why)
    slug = mapping.by_id.get(lookup)
    if slug is None:
        return Unmapped(record, "model-unknown", f"no model in models.yaml lists the id '{lookup}'")
    return slug


def _lab_file(mapping: Mapping, record: Record) -> Mapped | Unmapped:
    maker = mapping.labs.get(record.lab or "")
    if maker is None:
        return Unmapped(record, "provider-not-in-scope", f"models/{record.lab}/ is not a mapped lab")
    lookup = mapping.lookup(record.model_id)
    found = _model(mapping, record, lookup)
    if isinstance(found, Unmapped):
        return found
    if mapping.models[found].maker != maker:
        return Unmapped(
            record,
            "maker-mismatch",
            f"lab {record.lab} (party {maker}) but {found} is made by {mapping.models[found].maker}",
        )
    return Mapped(record, found, None, (), None, lookup, True)


def _not_chat(mapping: Mapping, record: Record) -> str | None:
    if record.catalog == "litellm" or record.mode is not None:
        if record.mode not in _CHAT_MODES:
            return f"mode {record.mode or 'not given'}"
    rules = mapping.not_chat
    if rules.get("output_without_text") and "text" not in record.modalities_out:
        return f"output modalities {', '.join(record.modalities_out) or 'none'} (no text)"
    if rules.get("input_without_text") and "text" not in record.modalities_in:
        return f"input modalities {', '.join(record.modalities_in) or 'none'} (no text)"
    lowered = record.model_id.lower()
    for word in rules.get("id_words") or ():
        if word in lowered:
            return f"the id names a '{word}' model"
    for word in rules.get("family_words") or ():
        if record.family and word in record.family.lower():
            return f"family {record.family}"
    return None


def _fill(template: str, groups: dict[str, str]) -> str:
    return template.format(**{k: v for k, v in groups.items() if v is not None})


def _place(rule: ProviderRule, record: Record) -> tuple[tuple[TargetSpec, ...], str] | Unmapped:
    """The targets a record is placed at and the provider's own model id, or why there are none."""
    native = record.model_id
    target_specs: list[TargetSpec] = []
    for key_rule in rule.keys:
        match = key_rule.pattern.search(record.model_id)
        if match is None:
            continue
        if key_rule.unmapped is not None:
            return Unmapped(record, key_rule.unmapped, key_rule.why)
        groups = match.groupdict()
        native = groups.get("id") or record.model_id
        if key_rule.target is not None:
            target_specs.append(_spec(key_rule, groups))
        break
    if not target_specs and rule.regions is not None and record.regions:
        for region in record.regions:
            target_specs.append(_spec(rule.regions, {"region": region}))
    if not target_specs and rule.target is not None:
        target_specs.append(rule.target)
    if not target_specs:
        return Unmapped(record, "no-target", rule.why or "the entry names no region, profile or deployment type")
    return tuple(dict.fromkeys(target_specs)), native


def _spec(key_rule, groups: dict[str, str]) -> TargetSpec:
    slug = _fill(key_rule.target, groups)
    if not re.match(r"^[a-z0-9][a-z0-9.\-]*$", slug):
        slug = re.sub(r"[^a-z0-9.\-]+", "-", slug.lower()).strip("-")
    return TargetSpec(
        slug=slug,
        kind=key_rule.kind,
        label=_fill(key_rule.label, groups),
        code=_fill(key_rule.code, groups) if key_rule.code else None,
    )
