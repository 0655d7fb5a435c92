"""The closed set of check kinds rules are built from.

A rule file names one kind and its parameters (a property, the scopes to look it up
in); the kind decides pass, fail or unknown for one candidate. Registration is the
explicit ``CHECKS`` table at the bottom; a rule naming any other kind is refused at load.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Mapping

from rdflib import URIRef

from selector.kb.candidates import Candidate
from selector.kb.facts import Fact, FactIndex, boolean, number
from selector.kb.load import BASE_LAYER
from selector.kb.places import Jurisdictions
from selector.kb.namespaces import SEL, SKOS, short
from selector.results import Obligation, Verdict, worse
from selector.rules import Rule, expand


@dataclass(frozen=True)
class CheckContext:
    """What a check may read: the compiled facts, the location graph, the policy and the candidate."""

    facts: FactIndex
    places: Jurisdictions
    policy: Any
    candidate: Candidate
    regions: Mapping[str, URIRef]


@dataclass(frozen=True)
class Outcome:
    """A check's verdict, the fields its rule's messages are filled with, and the facts it used."""

    verdict: Verdict
    fields: Mapping[str, str]
    facts: tuple[Fact, ...] = ()
    obligations: tuple[Obligation, ...] = ()


def fmt(value: Any) -> str:
    """A value as the trail shows it (30 rather than 30.0, slugs rather than IRIs)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        value = value.normalize()
        return f"{value:f}"
    if isinstance(value, float):
        return fmt(Decimal(str(value)))
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(fmt(v) for v in value)
    if isinstance(value, URIRef):
        return short(value)
    return str(value)


@dataclass(frozen=True)
class Found:
    """What a rule's property lookup found: the facts, the scopes or hops that state none, and
    the doubts about the facts found (a list not known to be all of it, a default that may not hold)."""

    subject: URIRef | None
    facts: tuple[Fact, ...]
    missing: tuple[str, ...] = ()
    doubts: tuple[str, ...] = ()
    claims: tuple[Fact, ...] = ()
    looked_for: tuple[str, ...] = ()

    @property
    def unsure(self) -> bool:
        """Whether anything the verdict needs is missing or in doubt (then it cannot pass)."""
        return bool(self.missing or self.doubts)


def doubts_about(ctx: CheckContext, facts, predicate: URIRef, *, strictest: bool, default_from=None) -> list[str]:
    """Why the facts found may not be the whole story (see the ontology's "closed world" section).

    ``strictest``: the values are judged by the strictest, so a subject stating several
    must say how many (one value is its own whole list). ``default_from``: the wider
    scope node the facts were found on while narrower scopes were silent; its value
    stands for them only if it declares the narrower subjects that state their own.
    """
    out: list[str] = []
    if strictest:
        for subject in dict.fromkeys(f.subject for f in facts):
            if not ctx.facts.closed_list(subject, predicate, single=True):
                count = len({f.object for f in facts if f.subject == subject})
                out.append(f"the {count} values of {short(predicate)} for {ctx.facts.label(subject)} are not "
                           "known to be all of them")
    if default_from is not None and facts and not ctx.facts.defaults_hold(default_from, predicate, facts[0].layer):
        out.append(f"{ctx.facts.label(default_from)}'s {short(predicate)} stands for narrower scopes that state "
                   "none, but the number of those that state their own is not as declared")
    return out


def _first_scope(ctx: CheckContext, groups, predicate: URIRef, *, strictest: bool = True):
    """The first group of scope nodes stating the property: its first node, all its facts, its silent nodes,
    and the doubts about them."""
    first: URIRef | None = None
    for position, nodes in enumerate(groups):
        if first is None and nodes:
            first = nodes[0]
        facts = [f for node in nodes for f in ctx.facts.values(node, predicate)]
        if facts:
            wider = [n for later in groups[position + 1:] for n in later]
            facts = list(ctx.facts.noting_wider(tuple(facts), wider, predicate))
            silent = [
                f"{ctx.facts.label(n)} (not a resource)" if not isinstance(n, URIRef) else ctx.facts.label(n)
                for n in nodes
                if not isinstance(n, URIRef) or not ctx.facts.values(n, predicate)
            ]
            defaults = [n for earlier in groups[:position] for n in earlier]
            doubts = doubts_about(ctx, facts, predicate, strictest=strictest,
                                  default_from=nodes[0] if defaults and len(nodes) == 1 else None)
            return nodes[0], tuple(facts), silent, doubts
        if any(not isinstance(n, URIRef) for n in nodes):
            return nodes[0], (), [f"{fmt(n)} (not a resource)" for n in nodes if not isinstance(n, URIRef)], []
    return first, (), [], []


def claimed(ctx: CheckContext, nodes, predicate: URIRef) -> tuple[tuple[Fact, ...], list[str]]:
    """The claims about the property on any of the nodes that are not applied, and a sentence for each.

    Where a fact is unknown but a source claims it, the trail says what the source says
    and why it is not applied, rather than that nothing is recorded.
    """
    facts = tuple(f for node in nodes for f in ctx.facts.claims_about(node, predicate))
    sentences = []
    for fact in facts:
        source = fact.source
        who = "a secondary source" if source and source.secondary else "a source"
        named = f" ({source.title or source.url})" if source and (source.title or source.url) else ""
        sentences.append(f"{who}{named} states {short(fact.object)} for {ctx.facts.label(fact.subject)}: {fact.note}")
    return facts, sentences


def unknown_detail(found: Found) -> str:
    """Why a lookup leaves its rule unknown, as a clause: what is missing or in doubt, or what is only claimed."""
    said = _missing(found)
    if said:
        return said
    return "not recorded for " + "; ".join(found.looked_for) if found.looked_for else "not recorded"


#: Check kinds that judge several values by the most generous: more values only help, so the list need not be whole.
_GENEROUS = frozenset({"includes_all"})


def lookup(ctx: CheckContext, rule: Rule, prop: str | None = None) -> Found:
    """The property's facts from the first scope (in the rule's order) that states it.

    A narrower scope overrides a wider one (an offering's context cap over the model's).
    A scope with several nodes (two makers, say) must state it for every node: silent
    ones are returned as missing. When the rule says ``hops: all``, every hop of the
    data path (an aggregator's upstreams too) is looked up, and hops that state
    nothing, or routes that are not recorded, are returned as missing.
    """
    predicate = expand(prop or rule.params["property"])
    scopes = rule.params.get("scopes", ["offering"])
    strictest = rule.kind not in _GENEROUS
    groups = [ctx.candidate.scope(ctx.facts, n) for n in scopes]
    subject, facts, silent, doubts = _first_scope(ctx, groups, predicate, strictest=strictest)
    claims: tuple[Fact, ...] = ()
    looked_for: tuple[str, ...] = ()
    if not facts:
        looked = [n for nodes in groups for n in nodes]
        claims, sentences = claimed(ctx, looked, predicate)
        doubts.extend(sentences)
        looked_for = tuple(dict.fromkeys(ctx.facts.label(n) if isinstance(n, URIRef) else fmt(n) for n in looked))
    if rule.params.get("hops") != "all":
        return Found(subject, facts, tuple(silent), tuple(doubts), claims, looked_for)
    from selector.kb.datapath import data_path

    hops, gaps = data_path(ctx.facts, ctx.candidate)
    missing = list(silent) if facts else [hops[0].label]
    collected = list(facts)
    for hop in hops[1:]:
        nodes = [(hop.scope(n),) for n in scopes if n in ("target", "offering", "provider")]
        _, more, _, more_doubts = _first_scope(ctx, nodes, predicate, strictest=strictest)
        doubts.extend(d for d in more_doubts if d not in doubts)
        if more:
            collected.extend(more)
        else:
            missing.append(hop.label)
        if hop.route is not None and hop.route not in collected:
            collected.append(hop.route)
    return Found(subject, tuple(collected), tuple(missing) + gaps, tuple(doubts), claims, looked_for)


def _missing(found: Found) -> str:
    parts = ["not recorded for " + "; ".join(found.missing)] if found.missing else []
    return "; ".join(parts + list(found.doubts))


def base_fields(ctx: CheckContext, required: Any, subject: URIRef | None) -> dict[str, str]:
    """The message fields every check fills: the candidate's parts, the subject and the requirement."""
    c = ctx.candidate
    return {
        "candidate": c.id,
        "model": c.model_slug,
        "provider": c.provider_slug,
        "deployment": c.target_slug,
        "subject": ctx.facts.label(subject) if subject is not None else c.id,
        "required": fmt(required),
    }


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


def _slugs(ctx: CheckContext, node: Any, *, broader: bool) -> set[str]:
    """A value's slug, and with ``broader`` the slugs of everything it is a kind of (SOC2Type2: SOC2 too)."""
    out: set[str] = set()
    for current in ctx.facts.walk(node, SKOS.broader) if broader else (node,):
        slug = ctx.facts.one(current, SEL.slug)
        out.add(str(slug.object) if slug is not None else fmt(current))
    return out


def check_includes_all(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """Every value the policy lists is among the property's values (modalities, certifications)."""
    found = lookup(ctx, rule)
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
            held |= {h.lower() for h in _slugs(ctx, fact.object, broader=bool(rule.params.get("broader")))}
        missing |= {r for r in required if r.lower() not in held}
    shown = sorted({_slugs(ctx, f.object, broader=False).pop() for f in facts})
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
            str(f.object) if rule.params.get("property") == "sel:slug" else _slugs(ctx, f.object, broader=False).pop()
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


def check_headquarters_within(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """Every operator, and every parent company above each, is headquartered inside a listed jurisdiction."""
    fields = base_fields(ctx, required, ctx.candidate.provider)
    if ctx.facts.has_type(ctx.candidate.target, SEL.SelfHostedTarget):
        fields["value"] = "you (self-hosted)"
        fields["detail"] = "self-hosted: you operate it"
        return Outcome(Verdict.PASS, fields, ())
    operators = ctx.facts.values(ctx.candidate.provider, SEL.operator)
    if not operators:
        fields["detail"] = f"no operator is recorded for {ctx.candidate.provider_slug}"
        return Outcome(Verdict.UNKNOWN, fields, ())
    allowed = tuple(p for p in (ctx.places.resolve(c) for c in required) if p is not None)
    used: list[Fact] = list(operators)
    chain: list[str] = doubts_about(ctx, operators, SEL.operator, strictest=True)
    verdict = Verdict.UNKNOWN if chain else Verdict.PASS
    todo = [f.object for f in operators]
    seen: set = set()
    while todo:
        org = todo.pop(0)
        if not isinstance(org, URIRef):
            chain.append(f"operator '{fmt(org)}' is not an organisation in the knowledge base")
            verdict = worse(verdict, Verdict.UNKNOWN)
            continue
        if org in seen:
            continue
        seen.add(org)
        name = ctx.facts.label(org)
        hqs = ctx.facts.values(org, SEL.headquarters)
        if not hqs:
            chain.append(f"{name}: headquarters not recorded")
            verdict = worse(verdict, Verdict.UNKNOWN)
        unsure = doubts_about(ctx, hqs, SEL.headquarters, strictest=True)
        if not ctx.facts.closed_list(org, SEL.parentOrganisation):
            unsure.append(f"whether {name} has a parent company is not recorded")
        chain.extend(unsure)
        if unsure:
            verdict = worse(verdict, Verdict.UNKNOWN)
        for hq in hqs:
            used.append(hq)
            if not isinstance(hq.object, URIRef):
                chain.append(f"{name}: headquarters '{fmt(hq.object)}' is not a country")
                verdict = worse(verdict, Verdict.UNKNOWN)
                continue
            judgement = ctx.places.place_within(hq.object, allowed)
            used.extend(judgement.facts)
            chain.append(f"{name} is headquartered in {ctx.places.code(hq.object)} ({judgement.reason})")
            verdict = worse(verdict, judgement.verdict)
        for parent in ctx.facts.values(org, SEL.parentOrganisation):
            used.append(parent)
            chain.append(f"{name} is a subsidiary of {ctx.facts.label(parent.object)}")
            todo.append(parent.object)
    fields["detail"] = "; ".join(chain)
    return Outcome(verdict, fields, tuple(used))


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


def check_data_location(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """Every place the data is processed or stored, on every hop, lies inside the required jurisdiction."""
    from selector.residency import judge_residency

    return judge_residency(ctx, rule, required)


def check_licence_terms(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """The model's licence terms, evaluated for the right party, allow the use; duties become obligations."""
    from selector.licences import judge_licence

    return judge_licence(ctx, rule, required)


#: Every check kind a rule file may name.
CHECKS: Mapping[str, Callable[[CheckContext, Rule, Any], Outcome]] = {
    "at_least": check_at_least,
    "at_most": check_at_most,
    "equals": check_equals,
    "includes_all": check_includes_all,
    "one_of": check_one_of,
    "none_of": check_none_of,
    "headquarters_within": check_headquarters_within,
    "flag_at_target": check_flag_at_target,
    "price_cap": check_price_cap,
    "data_location": check_data_location,
    "licence_terms": check_licence_terms,
}

#: What each kind needs from its rule file, and what kind of policy value it judges.
KIND_PARAMS: Mapping[str, tuple[tuple[str, ...], str]] = {
    "at_least": (("property",), "number"),
    "at_most": (("property",), "number"),
    "equals": (("property",), "boolean"),
    "includes_all": (("property",), "list"),
    "one_of": (("property", "accepted"), "boolean"),
    "none_of": (("property",), "list"),
    "headquarters_within": ((), "list"),
    "flag_at_target": (("property", "at_property"), "boolean"),
    "price_cap": (("input_property", "output_property", "multiplier_property"), "price"),
    "data_location": ((), "jurisdictions"),
    "licence_terms": ((), "licence"),
}

KINDS = frozenset(CHECKS)
__all__ = ["CHECKS", "KINDS", "KIND_PARAMS", "CheckContext", "Found", "Outcome", "fmt", "lookup"]
