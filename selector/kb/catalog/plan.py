"""From mapped catalog records to the statements one catalog contributes.

Per catalog, after every record is mapped (``apply``):

- **Retired** records (a LiteLLM retirement date on or before the snapshot date) give
  no availability; an offering whose records are all retired gets only its retirement
  date and ``sel:status sel:Retired`` (so that where another source places it, the
  retirement is recorded beside it).
- **Models**: a model is imported when the catalog offers it somewhere (or it is a
  curated model). Its model-level facts (family, release date, limits, modalities,
  tool calling, open weights, deprecation) come from one *reference* record: the
  lab's provider-agnostic file, else the maker's own API listing it, the id listed
  first in ``models.yaml`` preferred. A new model is described (type, slug, label) in
  the graph of that record, or of the first record offering it. ``sel:maker`` is
  stated only by a record that names the maker (a lab folder, the maker's own API, a
  vendor namespace in the id) and only when it agrees with ``models.yaml``.
- **Offerings** (model at provider): every record states the targets it places the
  offering at and the provider's model id. Prices, caps and lifecycle come from the
  records of the model's preferred id at that provider: the highest price, the lowest
  cap (stated only where below the model's own figure, or where the model states
  none), modalities and tool calling only where the model states none, and
  deprecated where every record is, or where every record has a retirement date still
  to come (then the latest date is stated too).
- New providers, targets and makers are described where first named.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.term import Node

from selector.kb.catalog.apply import apply_mapping
from selector.kb.catalog.context import CuratedContext
from selector.kb.catalog.emit import Emitter, Statement
from selector.kb.catalog.mapping import Mapped, Mapping, TargetSpec, Unmapped
from selector.kb.catalog.records import CatalogError, Record, Snapshot
from selector.kb.catalog.terms import boolean, day, decimal, integer, modality, node
from selector.kb.namespaces import RDF, RDFS, SEL

MODELS_FILE = "models"
_LIMITS = (("context", SEL.contextWindow), ("input_limit", SEL.maxInputTokens), ("output_limit", SEL.maxOutputTokens))
_PRICES = (
    ("input_price", SEL.inputPricePerMTok),
    ("output_price", SEL.outputPricePerMTok),
    ("cache_read_price", SEL.cachedInputPricePerMTok),
)


@dataclass
class Plan:
    """What one catalog contributes: statements by file and graph, the records used, and the ones left out."""

    snapshot: Snapshot
    statements: list[Statement]
    records: dict[str, Record]
    imported: list[Mapped]
    unmapped: list[Unmapped]
    disagreements: list = field(default_factory=list)
    retired: list[Mapped] = field(default_factory=list)


def plan_import(mapping: Mapping, records: tuple[Record, ...], snapshot: Snapshot, curated: CuratedContext) -> Plan:
    """Map every record and turn the mapped ones into statements (see the module docstring)."""
    emitter = Emitter(snapshot, curated)
    results = [apply_mapping(mapping, record) for record in records]
    unmapped = [r for r in results if isinstance(r, Unmapped)]
    mapped = [r for r in results if isinstance(r, Mapped)]
    offers: dict[tuple[str, str], list[Mapped]] = defaultdict(list)
    for item in mapped:
        if item.targets:
            offers[(item.model, item.provider or "")].append(item)
    active: dict[tuple[str, str], list[Mapped]] = {}
    retired: list[Mapped] = []
    builder = _Builder(mapping, snapshot, curated, emitter)
    for key in sorted(offers):
        live = [m for m in offers[key] if not _retired(m.record, snapshot)]
        gone = [m for m in offers[key] if _retired(m.record, snapshot)]
        retired += gone
        for item in gone:
            unmapped.append(Unmapped(item.record, "retired", f"retires on {item.record.retires_on}"))
        if live:
            active[key] = live
        else:
            builder.retired(key[0], key[1], gone)
    offered = {model for model, _ in active}
    used: list[Mapped] = []
    for slug in sorted({m.model for m in mapped}):
        model_iri = builder.model_iri(slug)
        if slug not in offered and not curated.described(model_iri):
            unmapped += [
                Unmapped(m.record, "no-offering", f"{slug}: no active offering in this catalog")
                for m in mapped
                if m.model == slug and not m.targets
            ]
            continue
        used += builder.model(slug, [m for m in mapped if m.model == slug], active)
    for key in sorted(active):
        used += builder.offering(key[0], key[1], active[key])
    used_keys = sorted({m.record.key for m in used})
    placed = {u.record.key for u in unmapped} | set(used_keys)
    unmapped += [
        Unmapped(m.record, "duplicate", f"{m.model}: described by another entry")
        for m in mapped
        if m.record.key not in placed
    ]
    # A retired record may still describe its model (the maker's own entry): it is imported.
    unmapped = [u for u in unmapped if u.record.key not in set(used_keys)]
    unmapped.sort(key=lambda u: (u.reason, u.record.key))
    by_key = {m.record.key: m for m in mapped}
    return Plan(
        snapshot=snapshot,
        statements=emitter.statements,
        records={r.key: r for r in records},
        imported=[by_key[k] for k in used_keys],
        unmapped=unmapped,
        disagreements=emitter.disagreements,
        retired=retired,
    )


def _retired(record: Record, snapshot: Snapshot) -> bool:
    return record.retires_on is not None and record.retires_on <= snapshot.as_of


@dataclass
class _Builder:
    mapping: Mapping
    snapshot: Snapshot
    curated: CuratedContext
    out: Emitter
    model_values: dict[str, dict[URIRef, object]] = field(default_factory=dict)
    described: set[URIRef] = field(default_factory=set)

    def model_iri(self, slug: str) -> URIRef:
        """The IRI of a model slug."""
        return node("model", slug)

    # ---- models -------------------------------------------------------------

    def model(self, slug: str, items: list[Mapped], active: dict) -> list[Mapped]:
        """Describe a model and state its model-level facts; returns the records used."""
        iri = self.model_iri(slug)
        entry = self.mapping.models[slug]
        rank = {i: n for n, i in enumerate(entry.ids)}
        references = sorted(
            (m for m in items if m.reference),
            key=lambda m: (m.provider is not None, rank.get(m.lookup_id, len(rank)), m.record.key),
        )
        reference = references[0] if references else None
        offered = sorted(
            (m for (model, _), ms in active.items() if model == slug for m in ms),
            key=lambda m: (self._names_maker(m) != entry.maker, m.record.key),
        )
        first = reference or (offered[0] if offered else None)
        used = [first] if first else []
        if first and not self.curated.described(iri):
            self.out.describe(MODELS_FILE, first.record.key, iri, [
                (RDF.type, SEL.Model), (SEL.slug, Literal(slug)), (RDFS.label, Literal(entry.label)),
            ])  # fmt: skip
        for item in ([reference] if reference else []) + offered[:1]:
            if entry.maker and self._names_maker(item) == entry.maker:
                self._maker(item.record.key, iri, entry.maker)
                if item not in used:
                    used.append(item)
                break
        values: dict[URIRef, object] = {}
        if reference is not None:
            values = self._model_facts(iri, reference)
        self.model_values[slug] = values
        return used

    def _model_facts(self, iri: URIRef, item: Mapped) -> dict[URIRef, object]:
        r, g = item.record, item.record.key
        values: dict[URIRef, object] = {}
        if r.family:
            self.out.add(MODELS_FILE, g, iri, SEL.family, Literal(r.family))
        if r.release_date:
            self.out.add(MODELS_FILE, g, iri, SEL.releaseDate, day(r.release_date))
        context = self.curated.number(iri, SEL.contextWindow) or _num(r.context)
        for field_name, prop in _LIMITS:
            value = getattr(r, field_name)
            if value is None:
                continue
            values[prop] = value
            # An input limit no lower than the context window adds nothing (the window binds).
            if prop == SEL.maxInputTokens and context is not None and Decimal(value) >= context:
                continue
            self.out.add(MODELS_FILE, g, iri, prop, integer(value))
        for kinds, prop in ((r.modalities_in, SEL.inputModality), (r.modalities_out, SEL.outputModality)):
            found = [modality(k) for k in kinds if modality(k) is not None]
            values[prop] = bool(found)
            for term in found:
                self.out.add(MODELS_FILE, g, iri, prop, term)
        if r.tool_call is not None:
            values[SEL.toolCalling] = True
            self.out.add(MODELS_FILE, g, iri, SEL.toolCalling, boolean(r.tool_call))
        if r.open_weights is not None:
            self.out.add(MODELS_FILE, g, iri, SEL.openWeights, boolean(r.open_weights))
        if r.status == "deprecated":
            self.out.add(MODELS_FILE, g, iri, SEL.status, SEL.Deprecated)
        return values

    def _names_maker(self, item: Mapped) -> str | None:
        """The maker a record names: its lab folder, its provider (the maker's own API), or its id's vendor namespace."""
        record = item.record
        if record.provider is None:
            return self.mapping.labs.get(record.lab or "")
        rule = self.mapping.rules.get(record.provider)
        if item.reference and rule is not None and rule.maker:
            return rule.maker
        return self.mapping.namespaces.get(item.namespace or "")

    def _maker(self, graph: str, model: URIRef, slug: str) -> None:
        party = node("party", slug)
        if not self.curated.has_type(party, SEL.Maker):
            if self.curated.described(party):
                self.out.describe(MODELS_FILE, graph, party, [(RDF.type, SEL.Maker)])
            elif slug in self.mapping.makers:
                self.out.describe(MODELS_FILE, graph, party, [
                    (RDF.type, SEL.Organisation), (RDF.type, SEL.Maker),
                    (SEL.slug, Literal(slug)), (RDFS.label, Literal(self.mapping.makers[slug])),
                ])  # fmt: skip
            else:
                raise CatalogError(f"maker '{slug}' is neither curated nor listed in makers.yaml")
        self.out.add(MODELS_FILE, graph, model, SEL.maker, party)

    # ---- offerings ----------------------------------------------------------

    def offering(self, slug: str, provider: str, items: list[Mapped]) -> list[Mapped]:
        """State one offering's facts from its active records; returns the records used."""
        iri = node("offering", f"{slug}--{provider}")
        items = sorted(items, key=lambda m: m.record.key)
        rank = {i: n for n, i in enumerate(self.mapping.models[slug].ids)}
        best = min(rank.get(m.lookup_id, len(rank)) for m in items)
        primary = [m for m in items if rank.get(m.lookup_id, len(rank)) == best]
        lead = primary[0].record.key
        self._provider(provider, lead)
        offering = ((RDF.type, SEL.Offering), (SEL.model, self.model_iri(slug)), (SEL.provider, node("provider", provider)))
        for prop, obj in offering:
            self.out.add(provider, lead, iri, prop, obj)
        for item in items:
            for spec in item.targets:
                target = self._target(provider, spec, item.record.key)
                self.out.add(provider, item.record.key, iri, SEL.availableAt, target)
            if item.provider_model_id:
                self.out.add(provider, item.record.key, iri, SEL.providerModelId, Literal(item.provider_model_id))
        for field_name, prop in _PRICES:
            found = [(getattr(m.record, field_name), m.record.key) for m in primary if getattr(m.record, field_name) is not None]
            if found:
                top = max(value for value, _ in found)
                self.out.add(provider, next(k for v, k in found if v == top), iri, prop, decimal(top))
        self._caps(slug, provider, iri, primary)
        records = [m.record for m in items]
        if all(r.retires_on for r in records):
            # A retirement that is announced (still to come) makes the offering deprecated.
            last = max(r.retires_on for r in records)
            graph = next(r.key for r in records if r.retires_on == last)
            self.out.add(provider, graph, iri, SEL.retiresOn, day(last))
            self.out.add(provider, graph, iri, SEL.status, SEL.Deprecated)
        elif all(r.status == "deprecated" for r in records):
            self.out.add(provider, lead, iri, SEL.status, SEL.Deprecated)
        return items

    def retired(self, slug: str, provider: str, items: list[Mapped]) -> None:
        """An offering every record of which has retired by the snapshot date: its date and status only.

        No availability is stated; where another source places the offering, the
        retirement stands beside it.
        """
        iri = node("offering", f"{slug}--{provider}")
        last = max(m.record.retires_on for m in items)
        graph = min(m.record.key for m in items if m.record.retires_on == last)
        self.out.add(provider, graph, iri, SEL.retiresOn, day(last))
        self.out.add(provider, graph, iri, SEL.status, SEL.Retired)

    def _caps(self, slug: str, provider: str, iri: URIRef, primary: list[Mapped]) -> None:
        model = self.model_iri(slug)
        own = self.model_values.get(slug, {})
        context = self.curated.number(model, SEL.contextWindow) or _num(own.get(SEL.contextWindow))
        for field_name, prop in _LIMITS:
            found = [(getattr(m.record, field_name), m.record.key) for m in primary if getattr(m.record, field_name)]
            if not found:
                continue
            low = min(value for value, _ in found)
            limit = self.curated.number(model, prop) or _num(own.get(prop))
            if prop == SEL.maxInputTokens and context is not None:
                limit = min(limit, context) if limit is not None else context
            if limit is None or Decimal(low) < limit:
                self.out.add(provider, next(k for v, k in found if v == low), iri, prop, integer(low))
        lead = primary[0]
        for kinds, prop in ((lead.record.modalities_in, SEL.inputModality), (lead.record.modalities_out, SEL.outputModality)):
            if not own.get(prop) and not self.curated.values(model, prop):
                for term in (modality(k) for k in kinds):
                    if term is not None:
                        self.out.add(provider, lead.record.key, iri, prop, term)
        tools = [m.record.tool_call for m in primary if m.record.tool_call is not None]
        if tools and not own.get(SEL.toolCalling) and not self.curated.values(model, SEL.toolCalling):
            self.out.add(provider, lead.record.key, iri, SEL.toolCalling, boolean(all(tools)))

    def _provider(self, slug: str, graph: str) -> None:
        iri = node("provider", slug)
        if iri in self.described or self.curated.described(iri):
            return
        if slug not in self.mapping.providers:
            raise CatalogError(f"provider '{slug}' is neither curated nor listed in providers.yaml")
        self.described.add(iri)
        self.out.describe(slug, graph, iri, [
            (RDF.type, SEL.Provider), (SEL.slug, Literal(slug)), (RDFS.label, Literal(self.mapping.providers[slug])),
        ])  # fmt: skip

    def _target(self, provider: str, spec: TargetSpec, graph: str) -> URIRef:
        iri = node("target", f"{provider}--{spec.slug}")
        if iri in self.described or self.curated.described(iri):
            return iri
        self.described.add(iri)
        label = spec.label or f"{self._provider_label(provider)}, {spec.slug} endpoint"
        pairs: list[tuple[URIRef, Node]] = [
            (RDF.type, SEL.named(spec.kind)), (SEL.slug, Literal(spec.slug)),
            (SEL.provider, node("provider", provider)), (RDFS.label, Literal(label)),
        ]  # fmt: skip
        if spec.code:
            pairs.append((SEL.regionCode, Literal(spec.code)))
        self.out.describe(provider, graph, iri, pairs)
        return iri

    def _provider_label(self, provider: str) -> str:
        iri = node("provider", provider)
        labels = sorted(str(v) for v in self.curated.values(iri, RDFS.label))
        return labels[0] if labels else self.mapping.providers.get(provider, provider)


def _num(value: object) -> Decimal | None:
    return Decimal(value) if isinstance(value, int) and not isinstance(value, bool) else None
