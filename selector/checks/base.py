"""What every check kind is made of, and what each reads a candidate with.

A check kind is one :class:`CheckKind`: the parameters its rule file must give, the
kind of policy value it judges, its check (the verdict with the trail), its fast-path
signature (what it reads about a candidate, as a value), the verdict read from a
signature where it can be, the candidate parts the signature depends on, and its lint
reasoning (why no recorded value could meet a requirement). Each kind lives in one
module of this package; ``selector.checks.KINDS`` lists them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Hashable, Mapping

from rdflib import URIRef

from selector.kb.candidates import Candidate
from selector.kb.datapath import data_path
from selector.kb.facts import Fact, FactIndex
from selector.kb.namespaces import SEL, SKOS, short
from selector.kb.places import Jurisdictions
from selector.results import Obligation, Verdict
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
    """What a rule's property lookup found.

    The facts, the scopes or hops that state none, and the doubts about the facts found (a list not known to
    be all of it, a default that may not hold).
    """

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
    """The first group of scope nodes stating the property.

    Its first node, all its facts, its silent nodes, and the doubts about them.
    """
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


def lookup(ctx: CheckContext, rule: Rule, prop: str | None = None, *, strictest: bool = True) -> Found:
    """The property's facts from the first scope (in the rule's order) that states it.

    A narrower scope overrides a wider one (an offering's context cap over the model's).
    A scope with several nodes (two makers, say) must state it for every node: silent
    ones are returned as missing. When the rule says ``hops: all``, every hop of the
    data path (an aggregator's upstreams too) is looked up, and hops that state
    nothing, or routes that are not recorded, are returned as missing. ``strictest``:
    the kind judges several values by the strictest (so a list must be known whole);
    a kind that judges by the most generous (more values only help) says False.
    """
    predicate = expand(prop or rule.params["property"])
    scopes = rule.params.get("scopes", ["offering"])
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
        "date": when.isoformat() if (when := getattr(ctx.policy, "as_of", None)) is not None else "",
    }


def slugs(ctx: CheckContext, node: Any, *, broader: bool) -> set[str]:
    """A value's slug, and with ``broader`` the slugs of everything it is a kind of (SOC2Type2: SOC2 too)."""
    out: set[str] = set()
    for current in ctx.facts.walk(node, SKOS.broader) if broader else (node,):
        slug = ctx.facts.one(current, SEL.slug)
        out.add(str(slug.object) if slug is not None else fmt(current))
    return out


#: A check: the verdict for one candidate under the policy's value, with the fields and facts of its trail.
Check = Callable[[CheckContext, Rule, Any], Outcome]
#: A signature: what the check reads about a candidate, as a value (equal signatures, equal verdicts).
Signature = Callable[[CheckContext, Rule], Hashable]
#: A verdict read from a signature alone (None: run the check on a candidate of the group).
FromSignature = Callable[[CheckContext, Hashable, Any], "Verdict | None"]


@dataclass(frozen=True)
class Gap:
    """A requirement (or one item of a list requirement) no recorded value could meet."""

    path: tuple
    reason: str


@dataclass(frozen=True)
class CheckKind:
    """One kind of check a rule file may name, with everything that depends on what it means.

    ``needs``: the ``check`` parameters its rule file must give; ``judges``: the kind
    of policy value it judges (number, boolean, list, price, jurisdictions, licence);
    ``check``: the verdict with its trail; ``phrases``: the sentences of the trail
    its rule file words (``phrases:``), each with the fields it may use; ``signature``: what the check reads about a
    candidate, so candidates with equal signatures share a verdict; ``depends_on``:
    the candidate parts the signature can depend on; ``from_signature``: the verdict
    read from a signature, where that is faster than running the check on one
    candidate of each group; ``gaps``: for ``selector policy lint``, why no recorded
    value could meet the requirement (its arguments: the compiled engine, the rule,
    the policy's value, the key path and the policy).
    """

    name: str
    needs: tuple[str, ...]
    judges: str
    check: Check
    signature: Signature
    depends_on: Callable[[Rule], tuple[str, ...]]
    from_signature: FromSignature | None = None
    gaps: Callable[..., list[Gap]] | None = None
    phrases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def scoped_parts(rule: Rule) -> tuple[str, ...]:
    """The candidate parts a lookup in the rule's scopes can depend on.

    Model and provider are fixed by the offering; only the target varies within one.
    """
    scopes = rule.params.get("scopes", ["offering"])
    if "target" in scopes or rule.params.get("hops") == "all":
        return ("offering", "target")
    return ("offering",)


def offering_and_target(rule: Rule) -> tuple[str, ...]:
    """For kinds that read the offering and the target (whatever the rule's scopes)."""
    return ("offering", "target")


def every_part(rule: Rule) -> tuple[str, ...]:
    """For kinds that read the model, the provider and the target each."""
    return ("model", "provider", "target")


def self_hosted(ctx: CheckContext) -> bool:
    """Whether you run the deployment yourself (its target is a self-hosted target)."""
    return ctx.candidate.self_hosted(ctx.facts)
