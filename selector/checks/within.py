"""The ``all_within`` check kind: every value the knowledge base records is one the policy lists.

For a property whose several values each may apply (a host that serves a model at
FP8 or at BF16 may serve any request at either), every recorded value must be
allowed. Nothing recorded is unknown, never assumed; several values not known to be
all of them are unknown unless one already falls outside the list.
"""

from __future__ import annotations

from typing import Any

from selector.checks.base import (
    CheckContext,
    CheckKind,
    Gap,
    Outcome,
    base_fields,
    fmt,
    lookup,
    scoped_parts,
    slugs,
    unknown_detail,
)
from selector.checks.survey import recorded
from selector.checks.values import sign_values
from selector.results import Verdict
from selector.rules import Rule, expand


def check_all_within(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """Every recorded value of the rule's property (serving precision) is among the policy's values."""
    found = lookup(ctx, rule)
    fields = base_fields(ctx, fmt(required), found.subject)
    predicate = expand(rule.params["property"])
    facts = [f for f in found.facts if f.predicate == predicate]
    values = sorted({slugs(ctx, f.object, broader=False).pop() for f in facts})
    allowed = {r.casefold() for r in required}
    outside = [v for v in values if v.casefold() not in allowed]
    fields["value"] = fmt(values) if values else "none recorded"
    fields["missing"] = fmt(outside)
    fields["detail"] = unknown_detail(found)
    if outside:
        return Outcome(Verdict.FAIL, fields, tuple(facts))
    if not facts or found.unsure:
        return Outcome(Verdict.UNKNOWN, fields, found.facts + found.claims)
    return Outcome(Verdict.PASS, fields, found.facts)


def gaps_all_within(world: Any, rule: Rule, required: Any, path: tuple, policy: Any) -> list[Gap]:
    """No recorded value is one the policy lists: no deployment could meet it."""
    allowed = {r.casefold() for r in required}
    held = set()
    for value in recorded(world, rule):
        slug = world.facts.one(value, expand("sel:slug"))
        held.add(str(slug.object) if slug is not None else fmt(value))
    if not any(h.casefold() in allowed for h in held):
        shown = fmt(sorted(held)) if held else "none"
        return [Gap(path, f"no deployment could meet it: the values recorded in the knowledge base are {shown}")]
    return []


ALL_WITHIN = CheckKind(
    name="all_within", needs=("property",), judges="list", check=check_all_within,
    signature=sign_values, depends_on=scoped_parts, gaps=gaps_all_within,
)
