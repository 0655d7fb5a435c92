"""Check kinds that judge the values of one property: at least, at most, equals, includes all, one of, none of.

Each looks the rule's property up in the rule's scopes (the narrowest scope stating it
wins; with ``hops: all`` every hop of the data path too), judges the values by the
strictest (``includes_all`` by the most generous), and is unknown where a scope or hop
that should state the property is silent or its list is not known whole.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Hashable

from rdflib import URIRef

from selector.checks.base import (
    CheckContext,
    CheckKind,
    Found,
    Gap,
    Outcome,
    base_fields,
    fmt,
    lookup,
    scoped_parts,
    slugs,
    unknown_detail,
)
from selector.checks.survey import numbers, recorded, what
from selector.kb.facts import Fact
from selector.kb.literals import boolean, number
from selector.results import Verdict
from selector.rules import Rule, expand


def _compare(ctx: CheckContext, rule: Rule, required: Any, *, at_least: bool) -> Outcome:
    found = lookup(ctx, rule)
    fields = base_fields(ctx, required, found.subject)
    facts = [f for f in found.facts if f.predicate == expand(rule.params["property"])]
    # A further limit (an input cap below the context window) binds too, where stated.
    for extra in rule.params.get("also", []):
        facts += [f for f in lookup(ctx, rule, extra).facts if f.predicate == expand(extra)]
    values = [number(f.object) for f in facts]
    numbers = [v for v in values if v is not None]
    fields["detail"] = unknown_detail(found)
    if not numbers:
        return Outcome(Verdict.UNKNOWN, fields, found.facts + found.claims)
    # Several values (sources that both apply, hops of a route) are judged by the strictest.
    value = min(numbers) if at_least else max(numbers)
    fields["value"] = fmt(value)
    ok = value >= Decimal(str(required)) if at_least else value <= Decimal(str(required))
    if not ok:
        return Outcome(Verdict.FAIL, fields, tuple(facts))
    unknown = found.unsure or len(numbers) < len(values)
    return Outcome(Verdict.UNKNOWN if unknown else Verdict.PASS, fields, tuple(found.facts) + tuple(facts))


def check_at_least(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """The property's value is at least the policy's number (context window, output tokens)."""
    return _compare(ctx, rule, required, at_least=True)


def check_at_most(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """The property's value is at most the policy's number (retention days)."""
    return _compare(ctx, rule, required, at_least=False)


def check_equals(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """The boolean property has the policy's value (tool calling, training on inputs)."""
    found = lookup(ctx, rule)
    fields = base_fields(ctx, required, found.subject)
    values = [boolean(f.object) for f in found.facts if f.predicate == expand(rule.params["property"])]
    known = [v for v in values if v is not None]
    fields["detail"] = unknown_detail(found)
    if not known:
        return Outcome(Verdict.UNKNOWN, fields, found.facts + found.claims)
    fields["value"] = fmt(sorted(set(known)))
    if any(v != required for v in known):
        return Outcome(Verdict.FAIL, fields, found.facts)
    unknown = found.unsure or len(known) < len(values)
    return Outcome(Verdict.UNKNOWN if unknown else Verdict.PASS, fields, found.facts)


def check_includes_all(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """Every value the policy lists is among the property's values (modalities, certifications).

    More values only help, so the values are judged by the most generous and their
    list need not be known whole.
    """
    found = lookup(ctx, rule, strictest=False)
    fields = base_fields(ctx, required, found.subject)
    predicate = expand(rule.params["property"])
    facts = [f for f in found.facts if f.predicate == predicate]
    # With hops, each party on the path must hold every value; group the facts by subject.
    by_subject: dict = {}
    for fact in facts:
        by_subject.setdefault(fact.subject, []).append(fact)
    missing: set[str] = set()
    for subject_facts in by_subject.values():
        held: set[str] = set()
        for fact in subject_facts:
            held |= {h.lower() for h in slugs(ctx, fact.object, broader=bool(rule.params.get("broader")))}
        missing |= {r for r in required if r.lower() not in held}
    shown = sorted({slugs(ctx, f.object, broader=False).pop() for f in facts})
    fields["value"] = fmt(shown) if shown else "none recorded"
    fields["missing"] = fmt(sorted(missing)) if by_subject else fmt(required)
    fields["detail"] = unknown_detail(found)
    if by_subject and not missing and not found.unsure:
        return Outcome(Verdict.PASS, fields, found.facts)
    if not by_subject or found.unsure or rule.params.get("absent", "fail") == "unknown":
        return Outcome(Verdict.UNKNOWN, fields, found.facts + found.claims)
    return Outcome(Verdict.FAIL, fields, found.facts)


def check_one_of(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """The property's value is one the rule accepts (zero data retention at some level); only when required."""
    found = lookup(ctx, rule)
    fields = base_fields(ctx, required, found.subject)
    if required is False:
        fields["value"] = "not required"
        return Outcome(Verdict.PASS, fields, ())
    accepted = {expand(a) for a in rule.params["accepted"]}
    facts = [f for f in found.facts if f.predicate == expand(rule.params["property"])]
    fields["value"] = fmt(sorted({ctx.facts.title(f.object) for f in facts})) or "none recorded"
    fields["detail"] = unknown_detail(found)
    if not facts:
        return Outcome(Verdict.UNKNOWN, fields, found.facts + found.claims)
    if any(f.object not in accepted for f in facts):
        return Outcome(Verdict.FAIL, fields, found.facts)
    return Outcome(Verdict.UNKNOWN if found.unsure else Verdict.PASS, fields, found.facts)


def check_none_of(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """None of the property's values is on the policy's exclusion list (makers, providers, kinds, headquarters)."""
    found = lookup(ctx, rule)
    facts = found.facts
    fields = base_fields(ctx, required, found.subject)
    fields["missing"] = fmt(found.missing + found.doubts)
    if not facts:
        fields["detail"] = unknown_detail(found)
        return Outcome(Verdict.UNKNOWN, fields, found.claims)
    unreadable = [f for f in facts if rule.params.get("match") == "jurisdiction" and not isinstance(f.object, URIRef)]
    if rule.params.get("match") == "jurisdiction":
        used: list[Fact] = list(facts)
        hits = []
        for fact in facts:
            for code in required:
                place = ctx.places.resolve(code)
                if place is None or not isinstance(fact.object, URIRef):
                    continue
                judgement = ctx.places.place_within(fact.object, (place,))
                if judgement.verdict is Verdict.PASS:
                    hits.append(judgement.reason)
                    used.extend(judgement.facts)
                elif judgement.verdict is Verdict.UNKNOWN:
                    # A place the knowledge base cannot resolve may be inside the excluded one.
                    unreadable.append(fact)
                elif fact.object in ctx.places.blocs and (not ctx.places.members_complete(fact.object) or any(
                    ctx.places.country_within(m, place).verdict is Verdict.PASS for m in ctx.places.members(fact.object)
                )):
                    # A bloc that includes an excluded country (or may: its members are not all known) may be it.
                    unreadable.append(fact)
        fields["value"] = fmt([ctx.places.code(f.object) if isinstance(f.object, URIRef) else str(f.object)
                               for f in facts])
        fields["detail"] = "; ".join(hits)
    else:
        used = list(facts)
        values = sorted(
            str(f.object) if rule.params.get("property") == "sel:slug" else slugs(ctx, f.object, broader=False).pop()
            for f in facts
        )
        fields["value"] = fmt(values)
        excluded = {r.lower() for r in required}
        hits = [v for v in values if v.lower() in excluded]
        fields["detail"] = fmt(hits)
    if hits:
        return Outcome(Verdict.FAIL, fields, tuple(used))
    # A value that is not a place, or a node that states nothing, could be an excluded one.
    unknown = bool(unreadable or found.unsure)
    if unknown:
        why = [f"'{fmt(f.object)}' may be one of them" for f in dict.fromkeys(unreadable)]
        fields["detail"] = "; ".join(why + ([unknown_detail(found)] if found.unsure else []))
    return Outcome(Verdict.UNKNOWN if unknown else Verdict.PASS, fields, tuple(used))



def _facts(found: Found) -> tuple:
    """The facts found, as (which subject, property, value): subjects numbered in order of appearance."""
    subjects: dict = {}
    return tuple((subjects.setdefault(f.subject, len(subjects)), f.predicate, f.object) for f in found.facts)


def _values(found: Found, predicate) -> tuple:
    """The facts of one property, as (which subject, value); subjects numbered in order of appearance."""
    subjects: dict = {}
    return tuple((subjects.setdefault(f.subject, len(subjects)), f.object) for f in found.facts if f.predicate == predicate)


def sign_found(ctx: CheckContext, rule: Rule) -> Hashable:
    """For a kind that reads every fact found (and the route facts a data path adds).

    Those facts and whether any scope or hop that should state the property is silent.
    """
    found = lookup(ctx, rule)
    return _facts(found), found.unsure


def _sign_values(ctx: CheckContext, rule: Rule, *, keep_subject: bool, strictest: bool = True) -> Hashable:
    """The values of the rule's property (and of any further limits it names), and whether any is missing."""
    found = lookup(ctx, rule, strictest=strictest)
    main = _values(found, expand(rule.params["property"]))
    if not keep_subject:
        main = tuple(value for _, value in main)
    extra = tuple(
        tuple(value for _, value in _values(lookup(ctx, rule, prop), expand(prop))) for prop in rule.params.get("also", ())
    )
    return main, found.unsure, extra


def sign_values(ctx: CheckContext, rule: Rule) -> Hashable:
    """For a kind that judges only the values of the rule's property, whoever states them."""
    return _sign_values(ctx, rule, keep_subject=False)


def sign_held(ctx: CheckContext, rule: Rule) -> Hashable:
    """For ``includes_all``: the values by the party holding them (each party on a path must hold every value)."""
    return _sign_values(ctx, rule, keep_subject=True, strictest=False)


def gaps_at_least(world: Any, rule: Rule, required: Any, path: tuple, policy: Any) -> list[Gap]:
    """A bound above the largest value recorded: no deployment could meet it."""
    found = numbers(recorded(world, rule))  # an input cap ("also") only lowers what a window allows
    if found and max(found) < Decimal(str(required)):
        return [Gap(path, f"no deployment could meet it: the largest {what(world, rule)} recorded is "
                           f"{fmt(max(found))}, less than {fmt(required)}")]
    return []


def gaps_at_most(world: Any, rule: Rule, required: Any, path: tuple, policy: Any) -> list[Gap]:
    """A bound below the smallest value recorded: no deployment could meet it."""
    found = numbers(recorded(world, rule))
    if found and min(found) > Decimal(str(required)):
        return [Gap(path, f"no deployment could meet it: the smallest {what(world, rule)} recorded is "
                           f"{fmt(min(found))}, more than {fmt(required)}")]
    return []


def gaps_equals(world: Any, rule: Rule, required: Any, path: tuple, policy: Any) -> list[Gap]:
    """A flag that every deployment recording it records the other way."""
    flags = {boolean(v) for v in recorded(world, rule)} - {None}
    if flags and required not in flags:
        return [Gap(path, f"no deployment could meet it: every deployment that records {what(world, rule)} "
                           f"records {fmt(sorted(flags)[0])}")]
    return []


def gaps_one_of(world: Any, rule: Rule, required: Any, path: tuple, policy: Any) -> list[Gap]:
    """A requirement no value at an accepted level is recorded for."""
    if required is False:
        return []
    accepted = {expand(a) for a in rule.params.get("accepted", [])}
    if not any(v in accepted for v in recorded(world, rule)):
        return [Gap(path, f"no deployment could meet it: no {what(world, rule)} at an accepted level is recorded")]
    return []


def gaps_includes_all(world: Any, rule: Rule, required: Any, path: tuple, policy: Any) -> list[Gap]:
    """Each listed value no deployment records (with its kinds, where the rule says ``broader``)."""
    held: set[str] = set()
    for value in recorded(world, rule):
        held |= {name.lower() for name in slugs(world, value, broader=bool(rule.params.get("broader")))}
    out = []
    for index, item in enumerate(required):
        if str(item).lower() not in held:
            out.append(Gap(path + (index,), f"no deployment could meet it: no deployment records the "
                                              f"{what(world, rule)} {item}"))
    return out


AT_LEAST = CheckKind(
    name="at_least", needs=("property",), judges="number", check=check_at_least,
    signature=sign_values, depends_on=scoped_parts, gaps=gaps_at_least,
)
AT_MOST = CheckKind(
    name="at_most", needs=("property",), judges="number", check=check_at_most,
    signature=sign_values, depends_on=scoped_parts, gaps=gaps_at_most,
)
EQUALS = CheckKind(
    name="equals", needs=("property",), judges="boolean", check=check_equals,
    signature=sign_values, depends_on=scoped_parts, gaps=gaps_equals,
)
INCLUDES_ALL = CheckKind(
    name="includes_all", needs=("property",), judges="list", check=check_includes_all,
    signature=sign_held, depends_on=scoped_parts, gaps=gaps_includes_all,
)
ONE_OF = CheckKind(
    name="one_of", needs=("property", "accepted"), judges="boolean", check=check_one_of,
    signature=sign_values, depends_on=scoped_parts, gaps=gaps_one_of,
)
NONE_OF = CheckKind(
    name="none_of", needs=("property",), judges="list", check=check_none_of,
    signature=sign_found, depends_on=scoped_parts,
)
