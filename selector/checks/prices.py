"""The ``price_cap`` check kind: list prices per million tokens, times the target's multiplier, within caps."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Hashable

from rdflib import URIRef

from selector.checks.base import (
    CheckContext,
    CheckKind,
    Gap,
    Outcome,
    base_fields,
    doubts_about,
    fmt,
    lookup,
    offering_and_target,
)
from selector.checks.survey import numbers, recorded
from selector.kb.facts import Fact
from selector.kb.literals import number
from selector.kb.load import BASE_LAYER
from selector.results import Verdict, worse
from selector.rules import Rule, expand


def check_price_cap(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """List prices per million tokens (times the target's multiplier) are within the policy's caps."""
    fields = base_fields(ctx, fmt_caps(required), ctx.candidate.offering)
    multiplier = expand(rule.params["multiplier_property"])
    multipliers = ctx.facts.values(ctx.candidate.target, multiplier)
    factors = [number(f.object) for f in multipliers]
    used: list[Fact] = list(multipliers)
    verdict = Verdict.PASS
    shown, over = [], []
    if any(f is None for f in factors):
        shown.append("price multiplier unreadable")
        verdict = Verdict.UNKNOWN
    doubts = multiplier_doubts(ctx, multipliers, multiplier)
    if doubts:
        shown.extend(doubts)
        verdict = Verdict.UNKNOWN
    # Several multipliers (sources that both apply): the largest is the strictest.
    factor = max((f for f in factors if f is not None), default=Decimal(1))
    for side in ("input", "output"):
        cap = getattr(required, side)
        if cap is None:
            continue
        found = lookup(ctx, rule, rule.params[f"{side}_property"])
        facts = found.facts
        prices = [number(f.object) for f in facts]
        known = [p for p in prices if p is not None]
        used.extend(facts)
        if not known or len(known) < len(prices):
            shown.append(f"{side} price not recorded" if not facts else f"{side} price unreadable")
            verdict = worse(verdict, Verdict.UNKNOWN)
        elif found.unsure:
            shown.extend(found.doubts)
            verdict = worse(verdict, Verdict.UNKNOWN)
        if not known:
            continue
        price = max(known) * factor
        shown.append(f"{side} ${fmt(price)}/Mtok")
        if price > Decimal(str(cap)):
            over.append(f"{side} ${fmt(price)} > ${fmt(cap)}")
            verdict = Verdict.FAIL
    fields["value"] = ", ".join(shown)
    fields["detail"] = "; ".join(over)
    return Outcome(verdict, fields, tuple(used))


def multiplier_doubts(ctx: CheckContext, multipliers, multiplier: URIRef) -> list[str]:
    """Why a target's price multipliers (none: 1) may not be all there is."""
    if multipliers:
        return doubts_about(ctx, multipliers, multiplier, strictest=True)
    if not ctx.facts.defaults_hold(ctx.candidate.provider, multiplier, BASE_LAYER):
        return [f"whether {ctx.candidate.target_slug} costs more than {ctx.candidate.provider_slug}'s list price "
                "is not known: the number of its targets with a price multiplier is not as declared"]
    return []


def fmt_caps(caps: Any) -> str:
    """A price cap as people write it."""
    parts = [f"{side} ${fmt(getattr(caps, side))}" for side in ("input", "output") if getattr(caps, side) is not None]
    return ", ".join(parts)


def sign_price_cap(ctx: CheckContext, rule: Rule) -> Hashable:
    """The target's price multipliers and the offering's input and output prices."""
    multiplier = expand(rule.params["multiplier_property"])
    multipliers = ctx.facts.values(ctx.candidate.target, multiplier)
    found = [lookup(ctx, rule, rule.params[f"{side}_property"]) for side in ("input", "output")]
    prices = tuple(tuple(f.object for f in each.facts) for each in found)
    unsure = tuple(each.unsure for each in found)
    return tuple(f.object for f in multipliers), prices, unsure, bool(multiplier_doubts(ctx, multipliers, multiplier))


def verdict_price_cap(ctx: CheckContext, signature: Hashable, required) -> Verdict:
    """Price caps from the multipliers and the input and output prices."""
    multipliers, prices, unsure, multiplier_unsure = signature
    factors = [number(m) for m in multipliers]
    verdict = Verdict.UNKNOWN if any(f is None for f in factors) or multiplier_unsure else Verdict.PASS
    factor = max((f for f in factors if f is not None), default=Decimal(1))
    for side, objects, doubt in zip(("input", "output"), prices, unsure):
        cap = getattr(required, side)
        if cap is None:
            continue
        known = [n for n in (number(o) for o in objects) if n is not None]
        if not known or len(known) < len(objects) or doubt:
            verdict = worse(verdict, Verdict.UNKNOWN)
        if known and max(known) * factor > Decimal(str(cap)):
            verdict = Verdict.FAIL
    return verdict


def gaps_price(world: Any, rule: Rule, required: Any, path: tuple, policy: Any) -> list[Gap]:
    """A side whose lowest recorded price is above its cap: no deployment could meet it."""
    out = []
    for side in ("input", "output"):
        cap = getattr(required, side, None)
        if cap is None:
            continue
        prices = numbers(recorded(world, rule, rule.params[f"{side}_property"]))
        if prices and min(prices) > Decimal(str(cap)):
            out.append(Gap(path + (side,), f"no deployment could meet it: the lowest {side} price recorded is "
                                            f"${fmt(min(prices))} per million tokens, more than ${fmt(cap)}"))
    return out


PRICE_CAP = CheckKind(
    name="price_cap", needs=("input_property", "output_property", "multiplier_property"), judges="price",
    check=check_price_cap, signature=sign_price_cap, depends_on=offering_and_target,
    from_signature=verdict_price_cap, gaps=gaps_price,
)
