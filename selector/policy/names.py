"""The names a knowledge base lets a policy use, read from its facts (and those of the shipped base)."""

from __future__ import annotations

import functools

from rdflib import URIRef

from selector.kb.facts import FactIndex
from selector.kb.namespaces import SEL
from selector.kb.places import Jurisdictions
from selector.policy.vocabulary import PolicyVocabulary


def region_codes(facts: FactIndex) -> dict[str, URIRef]:
    """Every region code and region slug the knowledge base records, with its region (the first one, by code)."""
    regions: dict[str, URIRef] = {}
    for region in facts.instances(SEL.Region):
        for predicate in (SEL.regionCode, SEL.slug):
            for code in facts.objects(region, predicate):
                regions.setdefault(str(code), region)
    return regions


def vocabulary_from(facts: FactIndex, places: Jurisdictions, regions: dict[str, URIRef]) -> PolicyVocabulary:
    """The values a policy may name, as a compiled knowledge base knows them."""

    def slugs(kind: URIRef) -> frozenset[str]:
        return frozenset(str(f.object) for n in facts.instances(kind) for f in facts.values(n, SEL.slug))

    return PolicyVocabulary(
        jurisdictions=places.codes(),
        models=slugs(SEL.Model),
        makers=slugs(SEL.Maker),
        providers=slugs(SEL.Provider),
        provider_kinds=slugs(SEL.ProviderKind),
        modalities=slugs(SEL.Modality),
        certifications=slugs(SEL.Certification),
        regions=frozenset(regions),
        licences=frozenset(str(f.object) for n in facts.instances(SEL.Licence) for f in facts.values(n, SEL.spdxId)),
        precisions=slugs(SEL.Precision),
    )


@functools.lru_cache(maxsize=1)
def shipped_vocabulary() -> PolicyVocabulary:
    """The names the shipped knowledge base knows (no overlays): what the published JSON Schema enumerates."""
    from selector.kb.load import load_knowledge_base  # imported here to keep start-up fast: only the schema needs it

    facts = FactIndex.build(load_knowledge_base())
    return vocabulary_from(facts, Jurisdictions(facts), region_codes(facts))
