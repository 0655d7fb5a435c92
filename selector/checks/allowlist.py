"""The ``matches_list`` check kind: an allow-list of slugs or shell-style patterns (``only.models``).

Every value the rule's property has in its scope (the model's slug, each maker's slug,
the provider's slug) must match an entry of the policy's list. Fail closed: a scope
that states no value (a model whose maker is not recorded) is unknown, never a pass;
several makers not known to be all of them are unknown too (one more could be outside
the list); and one value outside the list fails, whatever the others are.
"""

from __future__ import annotations

from typing import Any, Hashable

from selector.checks.base import (
    CheckContext,
    CheckKind,
    Outcome,
    base_fields,
    doubts_about,
    fmt,
    lookup,
    scoped_parts,
    unknown_detail,
)
from selector.checks.values import sign_found
from selector.policy.vocabulary import name_matches
from selector.results import Verdict
from selector.rules import Rule, expand


def check_matches_list(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """Each value of the property matches a slug or pattern of the policy's allow-list."""
    found = lookup(ctx, rule)
    fields = base_fields(ctx, required, found.subject)
    predicate = expand(rule.params["property"])
    facts = tuple(f for f in found.facts if f.predicate == predicate)
    fields["missing"] = fmt(found.missing + found.doubts)
    if not facts:
        fields["detail"] = unknown_detail(found)
        return Outcome(Verdict.UNKNOWN, fields, found.facts + found.claims)
    values = sorted({str(f.object) for f in facts})
    fields["value"] = fmt(values)
    outside = [v for v in values if not any(name_matches(v, entry) for entry in required)]
    if outside:
        fields["detail"] = fmt(outside)
        return Outcome(Verdict.FAIL, fields, facts)
    fields["detail"] = "; ".join(
        f"{value} matches {', '.join(entry for entry in required if name_matches(value, entry))}" for value in values
    )
    doubts = _open_scopes(ctx, rule)
    if found.unsure or doubts:
        fields["detail"] = "; ".join(filter(None, [unknown_detail(found) if found.unsure else "", *doubts]))
        return Outcome(Verdict.UNKNOWN, fields, found.facts)
    return Outcome(Verdict.PASS, fields, found.facts)


def _open_scopes(ctx: CheckContext, rule: Rule) -> list[str]:
    """For scopes reached through a property (the model's makers): why their list may not be all of them."""
    out: list[str] = []
    for scope in rule.params.get("scopes", ()):
        via = ctx.candidate.scope_via(scope)
        if via is not None:
            out.extend(doubts_about(ctx, ctx.facts.values(*via), via[1], strictest=True))
    return out


def sign_matches_list(ctx: CheckContext, rule: Rule) -> Hashable:
    """The facts found and whether any is missing, and whether the scopes' own lists are known whole."""
    return sign_found(ctx, rule), bool(_open_scopes(ctx, rule))


MATCHES_LIST = CheckKind(
    name="matches_list", needs=("property",), judges="list", check=check_matches_list,
    signature=sign_matches_list, depends_on=scoped_parts,
)
