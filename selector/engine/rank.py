"""Ranking allowed candidates by the policy's ``prefer`` list; ties broken by candidate id."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable, Sequence

from selector.checks import CheckContext
from selector.checks.workload import estimate
from selector.kb.literals import a_date, number
from selector.kb.namespaces import SEL
from selector.results import Decision

if TYPE_CHECKING:
    from selector.engine import Engine
    from selector.kb.candidates import Candidate

_MISSING = Decimal("Infinity")

#: A preference's value for a candidate: the sort key (smaller ranks first) and how it is shown.
Keyed = tuple[Decimal, str]


def _price(engine: "Engine", c: "Candidate") -> Keyed:
    prices = []
    for prop in (SEL.inputPricePerMTok, SEL.outputPricePerMTok):
        # Several stated prices (catalogs that disagree) rank by the highest, as the price cap judges them.
        values = [number(value) for value in engine.facts.objects(c.offering, prop)]
        known = [value for value in values if value is not None]
        if not known:
            return _MISSING, "unknown"
        prices.append(max(known))
    # Several stated multipliers rank by the highest, as the price cap judges them.
    factors = [v for v in (number(m) for m in engine.facts.objects(c.target, SEL.priceMultiplier)) if v is not None]
    factor = max(factors, default=None) or Decimal(1)
    prices = [p * factor for p in prices]
    return sum(prices), f"${prices[0].normalize():f} / ${prices[1].normalize():f} per Mtok"


def _capability(prop) -> Callable[["Engine", "Candidate"], Keyed]:
    def key(engine: "Engine", c: "Candidate") -> Keyed:
        for node in (c.offering, c.model):
            # Several stated limits (catalogs that disagree) rank by the smallest, as the checks judge them.
            known = [v for v in (number(value) for value in engine.facts.objects(node, prop)) if v is not None]
            if known:
                value = min(known)
                return -value, f"{int(value):,} tokens"
        return _MISSING, "unknown"

    return key


def _newest(engine: "Engine", c: "Candidate") -> Keyed:
    fact = engine.facts.one(c.model, SEL.releaseDate)
    day = a_date(fact.object) if fact else None
    return (-Decimal(day.toordinal()), day.isoformat()) if day else (_MISSING, "unknown")


#: The orderings a policy's ``prefer`` list may name.
ORDERINGS: dict[str, Callable[["Engine", "Candidate"], Keyed]] = {
    "lowest_price": _price,
    "largest_context": _capability(SEL.contextWindow),
    "largest_output": _capability(SEL.maxOutputTokens),
    "newest": _newest,
}


def workload_cost(engine: "Engine", c: "Candidate", workload: Any) -> Keyed:
    """The workload's estimated monthly cost (unknown ranks last, and says so), with its formula."""
    cost = estimate(CheckContext(engine.facts, engine.places, None, c, engine.regions), workload)
    if cost.amount is None:
        return _MISSING, cost.shown + "; ranked last"
    return cost.amount, cost.shown


#: The orderings that depend on the policy (its workload), computed per policy for the allowed candidates.
WORKLOAD_ORDERINGS: dict[str, Callable[["Engine", "Candidate", Any], Keyed]] = {
    "lowest_workload_cost": workload_cost,
}


def ordering_keys(engine: "Engine", name: str, indices: Sequence[int], workload: Any) -> Sequence[Decimal]:
    """One preference's sort key for each candidate (indexable by candidate number)."""
    if name in WORKLOAD_ORDERINGS:
        keyed = {i: WORKLOAD_ORDERINGS[name](engine, engine.candidates[i], workload)[0] for i in indices}
        return keyed  # type: ignore[return-value] - indexed by candidate number like the precomputed columns
    return engine.columns.orderings[name]


def rank_key(
    engine: "Engine", candidate: "Candidate", prefer: Sequence[str], workload: Any = None
) -> tuple[tuple, list[Keyed]]:
    """A candidate's sort key under the preferences (unknown values last, then its id) and the values shown."""
    values = [
        WORKLOAD_ORDERINGS[name](engine, candidate, workload) if name in WORKLOAD_ORDERINGS
        else ORDERINGS[name](engine, candidate)
        for name in prefer
    ]
    return tuple(v[0] for v in values) + (candidate.id,), values


def with_rank(decision: Decision, rank: int, prefer: Sequence[str], values: Sequence[Keyed]) -> Decision:
    """The decision with its place in the ranking and the values it was ranked by."""
    return decision.model_copy(update={"rank": rank, "ranked_by": tuple((n, v[1]) for n, v in zip(prefer, values))})
