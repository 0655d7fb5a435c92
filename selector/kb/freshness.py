"""How fresh a knowledge base is: its own date, each provider's as-of range, and the sources past an age.

Every fact is vouched for by a source with an as-of date (``sel:asOf``). Three questions
are asked of those dates, each a pure function of a loaded knowledge base:

* :func:`newest_as_of`: the knowledge base's own date, the newest as-of among its
  sources (overlays included). It is the default evaluation date, so it depends on the
  loaded bytes only, never on the clock.
* :func:`provider_as_of`: for each provider, the oldest and newest as-of of its facts.
  A provider's facts are the effective statements (those of the highest layer stating
  the subject and property, as the engine reads them) about the provider itself; its
  offerings and deployment targets (every subject whose ``sel:provider`` it is, and the
  targets its offerings are ``sel:availableAt``); the pinned routes from its offerings;
  its operator and the operator's parent organisations; and the blank nodes those
  statements reach. Every source stating such a statement counts. Left out: the models
  it serves (the maker's facts, shared by every provider), the places its targets are
  in, claims that are not applied, and the list-length declarations
  (``sel:closedList`` and the like, bookkeeping dated by the newest source they were
  counted from, not facts about the provider).
* :func:`stale_sources`: the sources whose as-of is more than N days before a date.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from rdflib import BNode, URIRef
from rdflib.term import Node

from selector.kb.load import ONTOLOGY_LAYER, KnowledgeBase, Quad
from selector.kb.namespaces import RDF, SEL, short
from selector.kb.violations import LENGTH_LINKS, show
from selector.text import plural, printable

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(text: str) -> date:
    """A date written ``YYYY-MM-DD``; ValueError saying what is wrong otherwise."""
    if not _ISO_DATE.fullmatch(text):
        raise ValueError("not a date as YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise ValueError(f"not a date ({error})") from None


def age_in_days(as_of: date, on: date) -> int:
    """How many days before ``on`` the date ``as_of`` is (negative when after it)."""
    return (on - as_of).days


def newest_as_of(kb: KnowledgeBase) -> str | None:
    """The knowledge base's own date: the newest as-of among its sources, as ``YYYY-MM-DD`` (None when none is dated).

    One pass over the sources (a few thousand), deterministic for the same loaded files.
    """
    newest = max((s.as_of for s in kb.sources.values() if s.as_of is not None), default=None)
    return newest.isoformat() if newest is not None else None


# -- Each provider's range ---------------------------------------------------------


@dataclass(frozen=True)
class AsOfRange:
    """The oldest and newest as-of (``YYYY-MM-DD``) of a set of facts.

    ``facts`` is how many distinct facts were counted; ``undated`` how many of them no
    dated source vouches for (they take no part in the range; None and None when all are).
    """

    oldest: str | None
    newest: str | None
    facts: int
    undated: int

    def render(self) -> str:
        """``OLDEST to NEWEST``, or ``none`` when no fact is dated."""
        if self.oldest is None or self.newest is None:
            return "none"
        return f"{self.oldest} to {self.newest}"


def provider_as_of(kb: KnowledgeBase) -> Mapping[str, AsOfRange]:
    """Each provider's :class:`AsOfRange`, by slug (the prefixed IRI where it has none), in name order.

    What counts as a provider's facts is said at the head of this module.
    """
    statements = _Effective(kb)
    found: dict[str, AsOfRange] = {}
    for provider in sorted(statements.subjects(RDF.type, SEL.Provider), key=str):
        slugs = sorted(str(v) for v in statements.objects(provider, SEL.slug))
        name = slugs[0] if slugs and slugs[0] not in found else short(provider)
        found[name] = statements.range(_provider_subjects(statements, provider))
    return MappingProxyType(dict(sorted(found.items())))


def _provider_subjects(statements: _Effective, provider: Node) -> set[Node]:
    """The provider, its offerings, targets and routes, its operator and parents, and the blank nodes they reach."""
    owned = set(statements.subjects(SEL.provider, provider))
    subjects = {provider} | owned
    for offering in owned:
        subjects.update(statements.objects(offering, SEL.availableAt))
        subjects.update(statements.subjects(SEL.routeFrom, offering))
    organisations = list(statements.objects(provider, SEL.operator))
    while organisations:
        organisation = organisations.pop()
        if organisation not in subjects:
            subjects.add(organisation)
            organisations.extend(statements.objects(organisation, SEL.parentOrganisation))
    todo = list(subjects)
    while todo:
        for quad in statements.about(todo.pop()):
            if isinstance(quad.object, BNode) and quad.object not in subjects and quad.predicate not in LENGTH_LINKS:
                subjects.add(quad.object)
                todo.append(quad.object)
    return subjects


class _Effective:
    """The statements in named graphs of the highest layer stating each subject and property, by subject."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.sources = kb.sources
        rank = {layer: i for i, layer in enumerate(kb.layers)}
        best: dict[tuple[Node, Node], tuple[int, list[Quad]]] = {}
        for quad in kb.quads:
            if quad.graph is None or quad.layer == ONTOLOGY_LAYER:
                continue
            key = (quad.subject, quad.predicate)
            level = rank.get(quad.layer, 0)
            held = best.get(key)
            if held is None or level > held[0]:
                best[key] = (level, [quad])
            elif level == held[0]:
                held[1].append(quad)
        self._by_subject: dict[Node, list[Quad]] = defaultdict(list)
        self._reverse: dict[tuple[Node, Node], set[Node]] = defaultdict(set)
        for (subject, predicate), (_, quads) in best.items():
            self._by_subject[subject].extend(quads)
            for quad in quads:
                self._reverse[(predicate, quad.object)].add(subject)

    def about(self, subject: Node) -> list[Quad]:
        """Every effective statement about the subject (one per stating source)."""
        return self._by_subject.get(subject, [])

    def objects(self, subject: Node, predicate: Node) -> set[Node]:
        """The subject's effective values of the property."""
        return {q.object for q in self.about(subject) if q.predicate == predicate}

    def subjects(self, predicate: Node, obj: Node) -> set[Node]:
        """Every subject with an effective statement (predicate, obj)."""
        return self._reverse.get((predicate, obj), set())

    def range(self, subjects: Iterable[Node]) -> AsOfRange:
        """The as-of range of every effective statement about the subjects (list-length declarations left out)."""
        dated: dict[tuple[Node, Node, Node], list[date]] = defaultdict(list)
        for subject in subjects:
            for quad in self.about(subject):
                if quad.predicate in LENGTH_LINKS:
                    continue
                source = self.sources.get(quad.graph) if quad.graph is not None else None
                dates = dated[(quad.subject, quad.predicate, quad.object)]
                if source is not None and source.as_of is not None:
                    dates.append(source.as_of)
        every = [d for dates in dated.values() for d in dates]
        return AsOfRange(
            oldest=min(every).isoformat() if every else None,
            newest=max(every).isoformat() if every else None,
            facts=len(dated),
            undated=sum(1 for dates in dated.values() if not dates),
        )


# -- Sources past an age ------------------------------------------------------------


@dataclass(frozen=True)
class StaleSource:
    """A source whose as-of is more than the maximum age before the evaluation date.

    ``source`` is its IRI as shown (prefixed), ``url`` its ``dcterms:source``, ``file``
    where it is described.
    """

    file: str
    source: str
    url: str | None
    as_of: str
    age_days: int

    def one_line(self, on: str, max_age_days: int) -> str:
        """The warning as printed: ``FILE: SOURCE: warning: as of DATE, N days before DATE (more than M days); URL``."""
        where = f"; {self.url}" if self.url else ""
        return printable(
            f"{self.file}: {self.source}: warning: as of {self.as_of}, {plural(self.age_days, 'day')} "
            f"before {on} (more than {plural(max_age_days, 'day')}){where}"
        )


@dataclass(frozen=True)
class AgeCheck:
    """The sources older than ``max_age_days`` days before ``on`` (the evaluation date), oldest first."""

    on: str
    max_age_days: int
    stale: tuple[StaleSource, ...]

    def lines(self) -> list[str]:
        """One warning line per stale source."""
        return [s.one_line(self.on, self.max_age_days) for s in self.stale]

    def summary(self) -> str:
        """What the check found, for the end of the summary line."""
        if not self.stale:
            return f"no source older than {plural(self.max_age_days, 'day')} before {self.on}"
        return (f"{plural(len(self.stale), 'warning')} (sources older than "
                f"{plural(self.max_age_days, 'day')} before {self.on})")


def stale_sources(kb: KnowledgeBase, max_age_days: int, on: date | None = None) -> AgeCheck:
    """The sources whose as-of is more than ``max_age_days`` days before ``on``.

    ``on`` defaults to the knowledge base's own date (:func:`newest_as_of`); a source
    without an as-of is not listed (validation reports it). Oldest first, then by IRI.
    """
    if max_age_days < 0:
        raise ValueError("the maximum age is a number of days, 0 or more")
    if on is None:
        newest = newest_as_of(kb)
        on = date.fromisoformat(newest) if newest is not None else date.min
    files: dict[Node, str] = {}
    for quad in kb.quads:
        if quad.graph is None and quad.subject in kb.sources:
            files.setdefault(quad.subject, quad.file)
    stale = sorted(
        (source.as_of, str(iri), StaleSource(
            file=files.get(iri, "(knowledge base)"),
            source=show(iri) if isinstance(iri, URIRef) else str(iri),
            url=source.url,
            as_of=source.as_of.isoformat(),
            age_days=age_in_days(source.as_of, on),
        ))
        for iri, source in kb.sources.items()
        if source.as_of is not None and age_in_days(source.as_of, on) > max_age_days
    )
    return AgeCheck(on=on.isoformat(), max_age_days=max_age_days, stale=tuple(s for _, _, s in stale))
