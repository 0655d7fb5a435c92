"""The lengths of the lists the engine reads as complete, declared in a file of their own.

The engine reads a list as complete (a licence's prohibitions, a bloc's members, the
several places one target may process data in, the offerings that cap a model's
context window) only where the knowledge base declares how long it is (the ontology's
"closed world" section). For the shipped layers these declarations are counted from
the facts and written to ``ontology/kb/list-lengths.trig`` by ``selector kb lengths
--write``; ``kb validate`` checks that the file still matches. Because the lengths live
apart from the facts they count, deleting any one fact (or any one declaration) leaves
a list whose length no longer matches, and the engine reads it as unknown: a knowledge
base that says less never allows more.

Lists whose completeness is a claim about the world rather than a count of what is
recorded (a zone's member regions, an aggregator's upstreams) are declared by hand,
in the graph of the source that says so, and are not generated here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from selector.files import write_atomically
from selector.kb.facts import FactIndex, length_group
from selector.kb.load import BASE_LAYER, KB_FOLDER, SHIPPED_LAYERS, KnowledgeBase, Quad, Source, load_knowledge_base
from selector.kb.namespaces import DPV, ODRL, PREFIXES, SEL, SKOS, short

FILE = "list-lengths.trig"
"""The generated file, under ``ontology/kb/``."""

SOURCE = URIRef("https://w3id.org/selector/kb/source/list-lengths")

#: Properties judged by the strictest of their values: a subject stating two or more
#: values declares how many.
STRICTEST = (
    SEL.processingIn, SEL.storageIn, SEL.headquarters, SEL.operator, SEL.maker, SEL.providerKind, SEL.country,
    SEL.licence, SEL.retentionDays, SEL.abuseMonitoringRetentionDays, SEL.abuseMonitoringStorage,
    SEL.zeroDataRetention, SEL.trainsOnInputs, SEL.privateNetworking, SEL.fineTuning, SEL.toolCalling,
    SEL.openWeights, SEL.contextWindow, SEL.maxInputTokens, SEL.maxOutputTokens, SEL.inputPricePerMTok,
    SEL.outputPricePerMTok, SEL.priceMultiplier, SEL.commercialUse, SEL.cachedInputPricePerMTok,
    SEL.servingPrecision, SEL.toolCallSuccessRate,
)

#: Properties a wider scope states as the default of narrower ones (a model's context
#: window for its offerings, a provider's retention for its targets, a provider's price
#: multiplier of 1 for its targets): where narrower subjects state their own, the wider
#: subject declares how many do.
DEFAULTED = (
    SEL.processingIn, SEL.storageIn, SEL.retentionDays, SEL.abuseMonitoringRetentionDays,
    SEL.abuseMonitoringStorage, SEL.zeroDataRetention, SEL.trainsOnInputs, SEL.privateNetworking,
    SEL.fineTuning, SEL.contextWindow, SEL.maxInputTokens, SEL.maxOutputTokens, SEL.toolCalling,
    SEL.inputModality, SEL.outputModality, SEL.priceMultiplier,
)


#: Defaults that hold without being stated: a target's price is its provider's list price (multiplier 1).
IMPLICIT_DEFAULTS = (SEL.priceMultiplier,)


@dataclass(frozen=True, order=True)
class Length:
    """One declaration.

    The subject, how the list is counted (closedList, closedMembers, closedOverrides), the property it counts,
    its length, and the layer whose facts it counts (the shipped layers count together; see
    ``FactIndex.closed_list``).
    """

    subject: Node
    link: URIRef
    predicate: URIRef
    length: int
    layer: str = BASE_LAYER


def narrower(facts: FactIndex, wider: Node) -> set[Node]:
    """The subjects a wider one's values stand for.

    A model's offerings, a provider's offerings and targets, the targets an offering is available at (as
    ``FactIndex.defaults_hold`` counts them).
    """
    found = set(facts.subjects(SEL.model, wider)) | set(facts.subjects(SEL.provider, wider))
    found.update(n for n in facts.objects(wider, SEL.availableAt) if isinstance(n, URIRef))
    return found


def expected(facts: FactIndex, layers: Iterable[str] | None = None) -> list[Length]:
    """Every declaration the knowledge base needs, counted from its facts, sorted.

    ``layers``: only declarations that count facts of these layers (the shipped layers
    by default); each declaration says which layer it belongs in.
    """
    wanted = {length_group(layer) for layer in (layers if layers is not None else SHIPPED_LAYERS)}
    out: set[Length] = set()

    def values(subject: Node, predicate: URIRef) -> None:
        found = facts.values(subject, predicate)
        layer = found[0].layer if found else BASE_LAYER
        if length_group(layer) in wanted:
            out.add(Length(subject, SEL.closedList, predicate, len({f.object for f in found}), _home(layer)))

    for bloc in facts.instances(DPV.SupraNationalUnion):
        by_group: dict[str, int] = {}
        for member in facts.subjects(SKOS.broader, bloc):
            for fact in facts.values(member, SKOS.broader):
                if fact.object == bloc:
                    by_group[length_group(fact.layer)] = by_group.get(length_group(fact.layer), 0) + 1
        for group in wanted:
            if by_group.get(group) or group == "shipped":
                out.add(Length(bloc, SEL.closedMembers, SKOS.broader, by_group.get(group, 0), _home(group)))
    # Subjects are found by the part they play (the object of sel:terms, of sel:operator...),
    # as the engine reads them, whether or not they are typed.
    role: dict[URIRef, set[Node]] = {}
    holders: dict[URIRef, set[Node]] = {}
    for (subject, predicate), found in facts.statements():
        holders.setdefault(predicate, set()).add(subject)
        for fact in found:
            role.setdefault(predicate, set()).add(fact.object)
    for terms in role.get(SEL.terms, ()):
        values(terms, ODRL.prohibition)
        for permission in facts.objects(terms, ODRL.permission):
            values(permission, ODRL.constraint)
    organisations = set(facts.instances(SEL.Organisation)) | set(facts.instances(SEL.Maker))
    organisations |= role.get(SEL.operator, set()) | role.get(SEL.maker, set()) | role.get(SEL.parentOrganisation, set())
    for organisation in organisations:
        if isinstance(organisation, URIRef):
            values(organisation, SEL.parentOrganisation)
    for subject in holders.get(SEL.inputModality, ()):
        values(subject, SEL.inputModality)
    for subject in holders.get(SEL.fineTuningAt, ()):
        values(subject, SEL.fineTuningAt)
    for (subject, predicate), found in facts.statements():
        if predicate in STRICTEST and len({f.object for f in found}) > 1:
            values(subject, predicate)
    wider_subjects = (set(facts.instances(SEL.Model)) | set(facts.instances(SEL.Provider))
                      | set(facts.instances(SEL.Offering)) | role.get(SEL.model, set()) | role.get(SEL.provider, set())
                      | holders.get(SEL.availableAt, set()))
    providers = set(facts.instances(SEL.Provider)) | role.get(SEL.provider, set())
    for wider in wider_subjects:
        below = narrower(facts, wider)
        for predicate in DEFAULTED:
            own = facts.values(wider, predicate)
            if own:
                groups = {length_group(own[0].layer)} & wanted
            elif predicate in IMPLICIT_DEFAULTS and wider in providers:
                groups = {length_group(f.layer) for n in below for f in facts.values(n, predicate)} & wanted
            else:
                continue  # no value of its own: nothing stands for the narrower subjects
            for group in groups:
                stating = sum(1 for n in below if any(length_group(f.layer) == group for f in facts.values(n, predicate)))
                if stating:
                    out.add(Length(wider, SEL.closedOverrides, predicate, stating, _home(group)))
    return sorted(out, key=lambda d: (d.layer, str(d.subject), str(d.link), str(d.predicate)))


def _home(layer_or_group: str) -> str:
    """The layer a declaration is written in: the base for the shipped layers, else the overlay itself."""
    return BASE_LAYER if layer_or_group in ("shipped", *SHIPPED_LAYERS) else layer_or_group


def declared(facts: FactIndex) -> dict[tuple[Node, URIRef, URIRef], list[tuple[int, str]]]:
    """Every declaration the knowledge base holds: (subject, link, property) -> [(length, layer)]."""
    out: dict[tuple[Node, URIRef, URIRef], list[tuple[int, str]]] = {}
    links = (SEL.closedList, SEL.closedMembers, SEL.closedOverrides)
    for (subject, predicate), values in facts.statements():
        if predicate not in links:
            continue
        for fact in values + (values[0].overrides if values else ()):
            of, length = facts.one(fact.object, SEL.listOf), facts.one(fact.object, SEL.listLength)
            if of is not None and length is not None:
                out.setdefault((subject, predicate, of.object), []).append((int(str(length.object)), fact.layer))
    return out


def actual(facts: FactIndex, subject: Node, link: URIRef, predicate: URIRef, layer: str) -> int:
    """How long the list a declaration (made in ``layer``) counts is, as the engine counts it."""
    group = length_group(layer)
    if link == SEL.closedMembers:
        return sum(1 for member in facts.subjects(predicate, subject) for f in facts.values(member, predicate)
                   if f.object == subject and length_group(f.layer) == group)
    if link == SEL.closedOverrides:
        return sum(1 for n in narrower(facts, subject) if any(length_group(f.layer) == group for f in facts.values(n, predicate)))
    found = facts.values(subject, predicate)
    return len({f.object for f in found}) if found and length_group(found[0].layer) == group else 0


def render(kb: KnowledgeBase, lengths: list[Length]) -> str:
    """The generated TriG file: a header, the source, and one statement per declaration."""
    newest = max((s.as_of for s in kb.sources.values() if s.as_of is not None and s.iri != SOURCE),
                 default=date(1970, 1, 1))
    used = {"sel", "src", "xsd", "dcterms", "rdfs"}
    lines = [
        "# GENERATED by `selector kb lengths --write` from the shipped knowledge base: do not edit by hand.",
        "#",
        "# How long each list is that the engine reads as complete (see the ontology's",
        "# \"closed world\" section): counted from the facts of the shipped layers, kept apart",
        "# from them so that deleting any one fact leaves a length that no longer matches.",
        "# `selector kb validate` fails when this file and the facts disagree.",
        "",
    ]
    body = []
    for item in lengths:
        subject, prop = short(item.subject), short(item.predicate)
        used.update(part.split(":", 1)[0] for part in (subject, prop) if ":" in part)
        body.append(f"    {_iri(subject)} {short(item.link)} [ sel:listOf {_iri(prop)} ; sel:listLength {item.length} ] .")
    for prefix, namespace in PREFIXES:
        if prefix in used:
            lines.append(f"@prefix {prefix + ':':<10}<{namespace}> .")
    lines += [
        "",
        "src:list-lengths a sel:Source ;",
        '    dcterms:title "selector knowledge base: lengths of the lists it holds as complete" ;',
        '    dcterms:source "ontology/kb, counted by selector kb lengths" ;',
        f'    sel:asOf "{newest.isoformat()}"^^xsd:date ;',
        '    rdfs:comment "Counted from the shipped facts; as of the newest source they were taken from." .',
        "",
        "src:list-lengths {",
        *body,
        "}",
        "",
    ]
    return "\n".join(lines)


def _iri(text: str) -> str:
    return text if ":" in text and not text.startswith(("http:", "https:", "urn:")) else f"<{text}>"


def problems(facts: FactIndex, shipped: FactIndex | None = None) -> list[tuple[Node, str]]:
    """Where declared lengths and facts disagree, as (subject, problem), for ``kb validate``.

    Every declaration must match the list it counts (as the engine counts it); with
    ``shipped`` (the shipped layers alone), every list those layers need declared must be.
    """
    found: list[tuple[Node, str]] = []
    have = declared(facts)
    for (subject, link, predicate), lengths in sorted(have.items(), key=lambda kv: tuple(map(str, kv[0]))):
        holds = {
            SEL.closedMembers: lambda: facts.closed_members(subject, predicate),
            SEL.closedOverrides: lambda: any(facts.defaults_hold(subject, predicate, at) for _, at in lengths),
        }.get(link, lambda: facts.closed_list(subject, predicate))
        if not holds():
            n, layer = sorted(lengths)[0]
            found.append((subject, f"{short(link)} {short(predicate)}: the declared length {n} does not match "
                                   f"the {actual(facts, subject, link, predicate, layer)} recorded in its layer"))
    if shipped is not None:
        for item in expected(shipped):
            if (item.subject, item.link, item.predicate) not in have:
                found.append((item.subject, f"{short(item.link)} {short(item.predicate)}: {item.length} recorded, but "
                                            "no length is declared; run: selector kb lengths --write"))
    return found


def write(base_dir) -> Path:
    """Count the lists of the knowledge base in ``base_dir`` (an ontology folder) and write its lengths file."""
    knowledge_base = load_knowledge_base((), base_dir=Path(base_dir))
    target = Path(base_dir) / KB_FOLDER / FILE
    write_atomically(target, render(knowledge_base, expected(FactIndex.build(knowledge_base))))
    return target



def with_lengths(kb: KnowledgeBase) -> KnowledgeBase:
    """The knowledge base with the list lengths of every layer declared, counted from its own facts.

    For knowledge bases built by program (tests, generators), as a maintainer would run
    ``selector kb lengths --write`` after writing the facts. Declarations it already
    holds are kept; generated ones go in each counted layer, in the graph ``src:list-lengths``.
    """
    facts = FactIndex.build(kb)
    have = declared(facts)
    quads = list(kb.quads)
    for item in expected(facts, kb.layers):
        if (item.subject, item.link, item.predicate) in have:
            continue
        node = BNode()
        for s, p, o in ((item.subject, item.link, node), (node, SEL.listOf, item.predicate),
                        (node, SEL.listLength, Literal(item.length, datatype=XSD.integer))):
            quads.append(Quad(s, p, o, SOURCE, item.layer, "(generated list lengths)"))
    sources = dict(kb.sources)
    sources.setdefault(SOURCE, Source(SOURCE, "list lengths counted from the facts", None, None, False, BASE_LAYER))
    return dataclasses.replace(kb, quads=tuple(quads), sources=MappingProxyType(sources))
