"""Where sources disagree: recorded conflicts between sources, and catalogs that state different values.

Both become notes on the applied facts (``FactIndex.build``), so a trail shows the
disagreement and how it was settled. ``index`` is the fact index being built.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import URIRef

from selector.kb.load import CATALOG_LAYER
from selector.kb.namespaces import RDF, SEL, short

CATALOG_SINGLE_VALUED: frozenset[URIRef] = frozenset(
    {
        SEL.contextWindow, SEL.maxInputTokens, SEL.maxOutputTokens, SEL.toolCalling, SEL.openWeights,
        SEL.inputPricePerMTok, SEL.outputPricePerMTok, SEL.cachedInputPricePerMTok, SEL.releaseDate,
        SEL.maker, SEL.family, SEL.status, SEL.deprecatedOn, SEL.retiresOn,
    }
)  # fmt: skip
"""Properties a catalog gives one value of per subject: two catalog values that differ are noted."""


def conflict_notes(index) -> dict[tuple[URIRef, URIRef], list[tuple[URIRef | None, str]]]:
    """For each subject and property sources disagree on, the source applied and a note saying why."""
    notes: dict[tuple[URIRef, URIRef], list[tuple[URIRef | None, str]]] = defaultdict(list)
    for conflict in index.instances(SEL.Conflict):
        subject = index.objects(conflict, SEL.conflictSubject)
        prop = index.objects(conflict, SEL.conflictProperty)
        if not subject or not prop:
            continue
        claims = []
        for claim in sorted(index.objects(conflict, SEL.rejectedClaim)):
            value = index.one(claim, RDF.object)
            source = value.source.url if value and value.source else None
            shown = short(value.object) if value else "?"
            claims.append(f"{shown} ({source})" if source else shown)
        resolution = index.one(conflict, SEL.resolution)
        text = "sources disagree"
        if claims:
            text += "; not applied: " + ", ".join(claims)
        if resolution is not None:
            text += f"; applied because: {resolution.object}"
        applied = index.objects(conflict, SEL.appliedSource)
        notes[(subject[0], prop[0])].append((applied[0] if applied else None, text))
    return dict(notes)


def catalog_disagreements(index) -> dict[tuple[URIRef, URIRef], str]:
    """Notes for single-valued facts that only catalogs state and that they state differently.

    Both values stay facts (the checks judge several values by the strictest); the
    note names each value and its source so the trail shows the disagreement.
    """
    notes = {}
    for key, facts in index.statements():
        if key[1] not in CATALOG_SINGLE_VALUED or len(facts) < 2:
            continue
        if any(f.layer != CATALOG_LAYER for f in facts) or len({f.object for f in facts}) < 2:
            continue
        stated = ", ".join(
            f"{short(f.object)} ({f.source.url if f.source and f.source.url else 'no source'})" for f in facts
        )
        notes[key] = f"catalogs disagree: {stated}; the strictest value applies"
    return notes
