"""The monthly cost of a policy's workload on one deployment, and the ``monthly_cost`` check kind that caps it.

    monthly cost = requests x (input tokens x input price + output tokens x output price) / 1,000,000

where, with a ``cached_input_share`` s, the input price is (1 - s) x the input price +
s x the cache-read price if the offering records one (else the input price), and every
price is times the target's price multiplier. Several stated prices (catalogs that
disagree) are judged by the highest, as the price cap does. The knowledge base records
list prices only, no tiers by context length, so the list price applies to any input
size. A price that is not recorded leaves the cost unknown, never assumed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Hashable

from selector.checks.base import (
    CheckContext,
    CheckKind,
    Gap,
    Outcome,
    base_fields,
    doubts_about,
    fmt,
    offering_and_target,
)
from selector.checks.prices import multiplier_doubts
from selector.kb.candidates import Candidate
from selector.kb.facts import Fact
from selector.kb.literals import number
from selector.kb.namespaces import SEL
from selector.results import Verdict, worse
from selector.rules import Rule

_MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class Estimate:
    """A workload's monthly cost on one deployment: the figure (None when unknown), how it is made, and why it may not hold."""  # noqa: E501

    amount: Decimal | None
    formula: str
    facts: tuple[Fact, ...]
    unknown: tuple[str, ...] = ()

    @property
    def shown(self) -> str:
        """The figure and its formula, or why there is none."""
        if self.amount is None:
            return "unknown: " + "; ".join(self.unknown)
        return f"{dollars(self.amount)}/month = {self.formula}"


def dollars(amount: Decimal) -> str:
    """An amount of US dollars to the cent: ``$12,345.60``."""
    return f"${amount.quantize(Decimal('0.01')):,}"


def _price(ctx: CheckContext, prop) -> tuple[Decimal | None, list[Fact], list[str]]:
    """The highest stated price of the offering, its facts, and why it may not hold."""
    facts = list(ctx.facts.values(ctx.candidate.offering, prop))
    values = [number(f.object) for f in facts]
    known = [v for v in values if v is not None]
    if not known:
        return None, facts, []
    doubts = ["a price is unreadable"] if len(known) < len(values) else []
    doubts += doubts_about(ctx, facts, prop, strictest=True)
    return max(known), facts, doubts


def estimate(ctx: CheckContext, workload: Any) -> Estimate:
    """The workload's monthly cost on the context's candidate (see the module's formula)."""
    share = Decimal(str(workload.cached_input_share or 0))
    offering = ctx.facts.label(ctx.candidate.offering)
    used: list[Fact] = []
    unknown: list[str] = []
    doubts: list[str] = []
    prices: dict[str, Decimal] = {}
    for side, prop in (("input", SEL.inputPricePerMTok), ("output", SEL.outputPricePerMTok)):
        price, facts, why = _price(ctx, prop)
        used.extend(facts)
        doubts.extend(why)
        if price is None:
            unknown.append(f"no {side} price recorded for {offering}")
        else:
            prices[side] = price
    multipliers = ctx.facts.values(ctx.candidate.target, SEL.priceMultiplier)
    used.extend(multipliers)
    factors = [number(f.object) for f in multipliers]
    if any(f is None for f in factors):
        doubts.append("a price multiplier is unreadable")
    doubts.extend(multiplier_doubts(ctx, multipliers, SEL.priceMultiplier))
    factor = max((f for f in factors if f is not None), default=Decimal(1))
    cached = None
    if share:
        cached, facts, why = _price(ctx, SEL.cachedInputPricePerMTok)
        used.extend(facts)
        doubts.extend(why if cached is not None else [])
    if unknown:
        return Estimate(None, "", tuple(used), tuple(unknown))
    pin, pout = prices["input"] * factor, prices["output"] * factor
    if share and cached is not None:
        pcache = cached * factor
        input_price = (1 - share) * pin + share * pcache
        input_text = f"({fmt(1 - share)} x ${fmt(pin)} + {fmt(share)} x ${fmt(pcache)} cached)"
    else:
        input_price, input_text = pin, f"${fmt(pin)}"
        if share:
            input_text += " (no cache price recorded)"
    amount = Decimal(workload.requests_per_month) * (
        Decimal(workload.input_tokens_per_request) * input_price + Decimal(workload.output_tokens_per_request) * pout
    ) / _MILLION
    formula = (f"{workload.requests_per_month:,} requests x ({workload.input_tokens_per_request:,} input tokens x "
               f"{input_text} + {workload.output_tokens_per_request:,} output tokens x ${fmt(pout)}) / 1M")
    if factor != 1:
        formula += f" (prices x {fmt(factor)} at {ctx.candidate.target_slug})"
    return Estimate(amount, formula, tuple(used), tuple(doubts))


def check_monthly_cost(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """The workload's estimated monthly cost is at most the policy's cap; an unknown price never passes."""
    cost = estimate(ctx, ctx.policy.workload)
    fields = base_fields(ctx, dollars(Decimal(str(required))), ctx.candidate.offering)
    fields["value"] = cost.shown
    fields["missing"] = "; ".join(cost.unknown)
    fields["detail"] = "; ".join(cost.unknown)
    if cost.amount is None:
        return Outcome(Verdict.UNKNOWN, fields, cost.facts)
    verdict = Verdict.FAIL if cost.amount > Decimal(str(required)) else Verdict.PASS
    if cost.unknown:  # doubts about a price or multiplier: the figure may be too low
        fields["detail"] = "; ".join((cost.shown, *cost.unknown))
        verdict = worse(verdict, Verdict.UNKNOWN)
    return Outcome(verdict, fields, cost.facts)


def sign_monthly_cost(ctx: CheckContext, rule: Rule) -> Hashable:
    """The offering's prices (input, output, cache read), the target's multipliers, and whether any is in doubt."""
    facts = ctx.facts
    prices = tuple(
        tuple(f.object for f in facts.values(ctx.candidate.offering, prop))
        for prop in (SEL.inputPricePerMTok, SEL.outputPricePerMTok, SEL.cachedInputPricePerMTok)
    )
    doubts = tuple(
        bool(doubts_about(ctx, facts.values(ctx.candidate.offering, prop), prop, strictest=True))
        for prop in (SEL.inputPricePerMTok, SEL.outputPricePerMTok, SEL.cachedInputPricePerMTok)
    )
    multipliers = facts.values(ctx.candidate.target, SEL.priceMultiplier)
    return prices, doubts, tuple(f.object for f in multipliers), bool(
        multiplier_doubts(ctx, multipliers, SEL.priceMultiplier))


def world_estimates(world: Any, workload: Any, candidates: tuple[Candidate, ...] | None = None) -> list[Estimate]:
    """The workload's estimate on each candidate of the compiled engine (all of them by default)."""
    return [estimate(CheckContext(world.facts, world.places, None, c, world.regions), workload)
            for c in (world.candidates if candidates is None else candidates)]


def gaps_monthly_cost(world: Any, rule: Rule, required: Any, path: tuple, policy: Any) -> list[Gap]:
    """The lowest cost any deployment's recorded prices give is above the cap, or no deployment has the prices."""
    amounts = [e.amount for e in world_estimates(world, policy.workload) if e.amount is not None]
    if not amounts:
        return [Gap(path, "no deployment could meet it: no deployment records both an input and an output price")]
    if min(amounts) > Decimal(str(required)):
        return [Gap(path, f"no deployment could meet it: the lowest estimated monthly cost of the workload is "
                          f"{dollars(min(amounts))}, more than {dollars(Decimal(str(required)))}")]
    return []


MONTHLY_COST = CheckKind(
    name="monthly_cost", needs=(), judges="number", check=check_monthly_cost,
    signature=sign_monthly_cost, depends_on=offering_and_target, gaps=gaps_monthly_cost,
)
