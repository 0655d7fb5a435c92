"""A deployment's lifecycle on a date: active, deprecated or retired, read from its model, offering and target.

The knowledge base states ``sel:status`` (sel:Active, sel:Deprecated, sel:Retired),
``sel:deprecatedOn`` and ``sel:retiresOn`` on models and offerings (and may on
targets), each from the maker's or provider's own page or a catalog. A candidate's
lifecycle is the strictest of what its model, offering and target state: the worst
status, the earliest dates. On an evaluation date it is

- **retired** when a status says retired, or a retirement date is on or before the date;
- **deprecated** when a status says deprecated, or a deprecation date is on or before
  the date, or a retirement is announced for a later date;
- **active** when a status says active and nothing above holds;
- **unknown** (``None``) otherwise: nothing is recorded.

A status that is not one of the three, or a retirement date that is not a date, is
``unreadable``: whether the deployment is retired is then unknown; a deprecation date
that is not a date leaves only whether it is active unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from rdflib import URIRef

from selector.kb.candidates import Candidate
from selector.kb.facts import Fact, FactIndex
from selector.kb.literals import a_date
from selector.kb.namespaces import SEL

#: Statuses from least to most severe.
_SEVERITY = {SEL.Active: 0, SEL.Deprecated: 1, SEL.Retired: 2}
_NAMES = {SEL.Active: "active", SEL.Deprecated: "deprecated", SEL.Retired: "retired"}
#: The candidate parts whose lifecycle facts apply to it, widest first.
PARTS = ("model", "offering", "target")


@dataclass(frozen=True)
class LifecycleFacts:
    """What the knowledge base states about a candidate's lifecycle, and the facts that state it."""

    stated_status: str | None
    deprecated_on: date | None
    retires_on: date | None
    facts: tuple[Fact, ...]
    status_fact: Fact | None = None
    deprecation_fact: Fact | None = None
    retirement_fact: Fact | None = None
    unreadable: tuple[Fact, ...] = ()
    unreadable_deprecation: tuple[Fact, ...] = ()

    def status_on(self, when: date) -> str | None:
        """The candidate's status on the evaluation date: active, deprecated, retired, or None (unknown)."""
        if self.stated_status == "retired" or (self.retires_on is not None and self.retires_on <= when):
            return "retired"
        if (
            self.stated_status == "deprecated"
            or (self.deprecated_on is not None and self.deprecated_on <= when)
            or self.retires_on is not None
        ):
            return "deprecated"
        return self.stated_status

    def deciding_facts(self, when: date) -> tuple[Fact, ...]:
        """The facts the status on the date rests on (the retirement date, a status, a deprecation date)."""
        status = self.status_on(when)
        chosen: list[Fact | None] = []
        if status == "retired":
            dated = self.retires_on is not None and self.retires_on <= when
            chosen = [self.retirement_fact if dated else self.status_fact]
        elif status == "deprecated":
            chosen = [self.status_fact if self.stated_status == "deprecated" else None, self.deprecation_fact,
                      self.retirement_fact]
        elif status == "active":
            chosen = [self.status_fact]
        return tuple(dict.fromkeys(f for f in chosen if f is not None))


def _day(fact: Fact) -> date | None:
    value = a_date(fact.object)
    return value.date() if isinstance(value, datetime) else value


def _earliest(facts: list[Fact]) -> tuple[date | None, Fact | None]:
    dated = [(d, f) for f in facts if (d := _day(f)) is not None]
    if not dated:
        return None, None
    return min(dated, key=lambda pair: (pair[0], str(pair[1].subject)))


def lifecycle_facts(facts: FactIndex, candidate: Candidate) -> LifecycleFacts:
    """The strictest lifecycle its model, offering and target state: the worst status, the earliest dates."""
    nodes: list[URIRef] = [getattr(candidate, part) for part in PARTS]
    stated = [f for n in nodes for f in facts.values(n, SEL.status)]
    statuses = [f for f in stated if f.object in _SEVERITY]
    deprecations = [f for n in nodes for f in facts.values(n, SEL.deprecatedOn)]
    retirements = [f for n in nodes for f in facts.values(n, SEL.retiresOn)]
    unreadable = [f for f in stated if f.object not in _SEVERITY] + [f for f in retirements if _day(f) is None]
    unreadable_deprecation = [f for f in deprecations if _day(f) is None]
    status_fact = max(statuses, key=lambda f: _SEVERITY[f.object], default=None)
    deprecated_on, deprecation_fact = _earliest(deprecations)
    retires_on, retirement_fact = _earliest(retirements)
    return LifecycleFacts(
        stated_status=_NAMES[status_fact.object] if status_fact is not None else None,
        deprecated_on=deprecated_on,
        retires_on=retires_on,
        facts=tuple(statuses + deprecations + retirements),
        status_fact=status_fact,
        deprecation_fact=deprecation_fact,
        retirement_fact=retirement_fact,
        unreadable=tuple(unreadable),
        unreadable_deprecation=tuple(unreadable_deprecation),
    )
