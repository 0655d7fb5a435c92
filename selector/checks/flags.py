"""The ``flag_at_target`` check kind: a capability flag (fine-tuning) that may hold only at some targets."""

from __future__ import annotations

from typing import Any, Hashable

from selector.checks.base import (
    CheckContext,
    CheckKind,
    Gap,
    Outcome,
    base_fields,
    fmt,
    lookup,
    offering_and_target,
    unknown_detail,
)
from selector.checks.values import gaps_equals, sign_found
from selector.kb.literals import boolean
from selector.results import Verdict
from selector.rules import Rule, expand


def check_flag_at_target(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """A capability flag (fine-tuning) holds for the offering, and at this target when it is limited to some.

    A list of targets that leaves this one out means "not here", whatever a readable
    flag says; a flag that cannot be read leaves ``fine_tuning: false`` unknown.
    """
    found = lookup(ctx, rule)
    facts = found.facts
    fields = base_fields(ctx, required, found.subject)
    values = [boolean(f.object) for f in facts]
    used = list(facts)
    at_property = expand(rule.params["at_property"])
    limits = ctx.facts.values(ctx.candidate.offering, at_property)
    elsewhere = bool(limits) and not any(f.object == ctx.candidate.target for f in limits)
    # "Not here" only where the list of places is known to be whole.
    excluded_here = elsewhere and ctx.facts.closed_list(ctx.candidate.offering, at_property)
    if limits:
        used.extend(limits)
        places = sorted(ctx.facts.label(f.object) for f in limits)
        fields["detail"] = "(offered only at " + ", ".join(places) + ")" if excluded_here or not elsewhere else (
            "(offered at " + ", ".join(places) + ", a list not known to be all of them)")
    unsure = not values or None in values or found.unsure or (elsewhere and not excluded_here)
    if required:
        if excluded_here or False in values:
            fields["value"] = "false"
            return Outcome(Verdict.FAIL, fields, tuple(used))
    else:
        if excluded_here and None in values:
            # Not listed here, but a statement of the flag cannot be read: it may say more.
            fields["value"] = "unknown"
            return Outcome(Verdict.UNKNOWN, fields, tuple(used))
        if excluded_here:
            fields["value"] = "false"
            return Outcome(Verdict.PASS, fields, tuple(used))
        if True in values:
            fields["value"] = "true"
            return Outcome(Verdict.FAIL, fields, tuple(used))
    fields["value"] = fmt(bool(required)) if not unsure else "unknown"
    if unsure:
        why = [unknown_detail(found)] if not values or found.unsure else []
        if None in values:
            why.append("a stated value is not true or false")
        if elsewhere and not excluded_here:
            why.append(fields.get("detail", ""))
        fields["detail"] = "; ".join(w for w in why if w)
    return Outcome(Verdict.UNKNOWN if unsure else Verdict.PASS, fields, tuple(used) + found.claims)


def sign_flag_at_target(ctx: CheckContext, rule: Rule) -> Hashable:
    """The flag's values, and whether the offering limits it to targets that leave this one out."""
    at_property = expand(rule.params["at_property"])
    limits = ctx.facts.objects(ctx.candidate.offering, at_property)
    elsewhere = bool(limits) and ctx.candidate.target not in limits
    return sign_found(ctx, rule), bool(limits), elsewhere, ctx.facts.closed_list(ctx.candidate.offering, at_property)


def gaps_flag(world: Any, rule: Rule, required: Any, path: tuple, policy: Any) -> list[Gap]:
    """As for ``equals``: every deployment that records the flag records the other value."""
    return gaps_equals(world, rule, required, path, policy)


FLAG_AT_TARGET = CheckKind(
    name="flag_at_target", needs=("property", "at_property"), judges="boolean", check=check_flag_at_target,
    signature=sign_flag_at_target, depends_on=offering_and_target, gaps=gaps_flag,
)
