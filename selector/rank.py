"""Ranking allowed candidates by the policy's ``prefer`` list; ties broken by candidate id."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Callable, Sequence

from selector.facts import a_date, number
from selector.namespaces import SEL
from selector.results import Decision

if TYPE_CHECKING:
    from selector.evaluate import Engine

_MISSING = Decimal("Infinity")


def _price(engine: "Engine", decision: Decision) -> Decimal:
    c = _candidate(engine, decision)
    total = Decimal(0)
    for prop in (SEL.inputPricePerMTok, SEL.outputPricePerMTok):
        fact = engine.facts.one(c.offering, prop)
        value = number(fact.object) if fact else None
        if value is None:
            return _MISSING
        total += value
    multiplier = engine.facts.one(c.target, SEL.priceMultiplier)
    return total * (number(multiplier.object) or 1 if multiplier else 1)


def _capability(prop) -> Callable[["Engine", Decision], Decimal]:
    def key(engine: "Engine", decision: Decision) -> Decimal:
        c = _candidate(engine, decision)
        for node in (c.offering, c.model):
            fact = engine.facts.one(node, prop)
            value = number(fact.object) if fact else None
            if value is not None:
                return -value
        return _MISSING

    return key


def _newest(engine: "Engine", decision: Decision) -> Decimal:
    fact = engine.facts.one(_candidate(engine, decision).model, SEL.releaseDate)
    day = a_date(fact.object) if fact else None
    return -Decimal(day.toordinal()) if day else _MISSING


#: The orderings a policy's ``prefer`` list may name.
ORDERINGS: dict[str, Callable[["Engine", Decision], Decimal]] = {
    "lowest_price": _price,
    "largest_context": _capability(SEL.contextWindow),
    "largest_output": _capability(SEL.maxOutputTokens),
    "newest": _newest,
}


def _candidate(engine: "Engine", decision: Decision):
    return engine.candidate_by_id[decision.candidate.id]


def rank_allowed(engine: "Engine", decisions: Sequence[Decision], prefer: Sequence[str]) -> list[Decision]:
    """Allowed decisions sorted by each preference in turn (unknown values last), then by candidate id."""

    def key(decision: Decision) -> tuple:
        return tuple(ORDERINGS[name](engine, decision) for name in prefer) + (decision.candidate.id,)

    return sorted(decisions, key=key)
