"""The facts a policy with ``require.max_fact_age_days`` may use: those older than the cutoff become unknown.

A fact about a deployment's parts (a model, offering, target, provider, organisation
or route) whose source's as-of is before the cutoff is taken out of the index and
kept as a claim that is not applied, so the trail of a rule that needed it says
which fact was too old, its date and its source. Taking facts out never allows more
(the deletion property), so a stale fact can only make a requirement unknown.

Kept whatever their age: what says what a thing is or which deployment it belongs
to (types, slugs, labels, the offering's model, provider and targets), the
declarations of how long a list is, reference data (jurisdictions, licences,
certifications), and every lifecycle fact that says a deployment is deprecated or
retired: an old retirement date is still a retirement. An old ``sel:Active`` status
is too old like any other fact.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date

from rdflib import URIRef

from selector.kb.facts import Fact, FactIndex
from selector.kb.namespaces import RDF, RDFS, SEL

#: The classes whose facts age: a deployment's parts.
AGEING = frozenset({
    SEL.Model, SEL.Offering, SEL.DeploymentTarget, SEL.Region, SEL.Zone, SEL.GlobalEndpoint, SEL.SelfHostedTarget,
    SEL.Provider, SEL.Organisation, SEL.Maker, SEL.Route, SEL.AbuseMonitoringStorage, SEL.ZDRAvailability,
})
#: Properties that never age: what a thing is, which deployment it belongs to, how long its lists are.
TIMELESS = frozenset({
    RDF.type, SEL.slug, RDFS.label, RDFS.comment, SEL.model, SEL.provider, SEL.availableAt,
    SEL.closedList, SEL.closedMembers, SEL.closedOverrides, SEL.deprecatedOn, SEL.retiresOn,
})


def _ages(facts: FactIndex, fact: Fact) -> bool:
    if fact.predicate in TIMELESS or not isinstance(fact.subject, URIRef):
        return False
    if fact.predicate == SEL.status and fact.object != SEL.Active:
        return False
    return any(facts.has_type(fact.subject, cls) for cls in AGEING)


def without_stale(facts: FactIndex, cutoff: date, evaluated: date, days: int) -> FactIndex:
    """The index with every ageing fact sourced before ``cutoff`` (or with no as-of) moved to the claims."""
    kept: dict = {}
    stale: dict = defaultdict(list)
    for key, found in facts.statements():
        fresh = []
        for fact in found:
            as_of = fact.source.as_of if fact.source else None
            if (as_of is None or as_of < cutoff) and _ages(facts, fact):
                when = as_of.isoformat() if as_of else "no date"
                stale[key].append(replace(fact, overrides=(), note=(
                    f"too old for this policy: as of {when}, more than {days} days before the evaluation date "
                    f"{evaluated.isoformat()} (require.max_fact_age_days: {days})")))
            else:
                fresh.append(fact)
        if fresh:
            kept[key] = tuple(fresh) if len(fresh) < len(found) else found
    claims = {key: facts.claims_about(*key) for key in stale}
    for key, old in stale.items():
        claims[key] = tuple(old) + claims[key]
    return facts.narrowed(kept, {**facts.claims(), **claims})
