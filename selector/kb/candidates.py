"""Candidate deployments: every (offering, deployment target) pair in the knowledge base."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.term import Node

from selector.errors import KnowledgeBaseError, UsageError
from selector.kb.facts import FactIndex
from selector.kb.namespaces import SEL, short
from selector.results import CandidateRef


@dataclass(frozen=True)
class Candidate:
    """One deployment and the knowledge-base nodes it is made of."""

    id: str
    model_slug: str
    provider_slug: str
    target_slug: str
    model: URIRef
    provider: URIRef
    offering: URIRef
    target: URIRef

    def ref(self) -> CandidateRef:
        """The candidate as it appears in reports."""
        return CandidateRef(
            id=self.id, model=self.model_slug, provider=self.provider_slug, deployment=self.target_slug
        )

    def self_hosted(self, facts: FactIndex) -> bool:
        """Whether you run this deployment yourself: its target is a self-hosted target."""
        return facts.has_type(self.target, SEL.SelfHostedTarget)

    def scope(self, facts: FactIndex, name: str) -> tuple[Node, ...]:
        """The nodes a rule scope names for this candidate (model, provider, operator, maker, licence...).

        Direct scopes name one node; scopes reached through a property (the maker of
        the model, say) name every value the knowledge base states, resources or not,
        so a check can refuse a value that is not a resource.
        """
        if name in _DIRECT:
            return (getattr(self, name),)
        via = self.scope_via(name)
        if via is None:
            raise KeyError(name)
        subject, predicate = via
        return facts.objects(subject, predicate)

    def scope_via(self, name: str) -> tuple[URIRef, URIRef] | None:
        """For a scope reached through a property, the subject and the property (the model, sel:maker); else None."""
        via = {
            "operator": (self.provider, SEL.operator),
            "maker": (self.model, SEL.maker),
            "licence": (self.model, SEL.licence),
        }
        return via.get(name)


_DIRECT = frozenset({"target", "offering", "model", "provider"})


def enumerate_candidates(facts: FactIndex) -> tuple[Candidate, ...]:
    """Every deployment the knowledge base describes, sorted by id.

    Offerings whose model, provider or targets lack a slug are skipped here; the
    knowledge-base shapes report them.
    """
    out: dict[str, Candidate] = {}
    for offering in facts.instances(SEL.Offering):
        model = _first(facts.objects(offering, SEL.model))
        provider = _first(facts.objects(offering, SEL.provider))
        model_slug = _slug(facts, model)
        provider_slug = _slug(facts, provider)
        if model is None or provider is None or model_slug is None or provider_slug is None:
            continue
        for target in facts.objects(offering, SEL.availableAt):
            target_slug = _slug(facts, target)
            if not isinstance(target, URIRef) or target_slug is None:
                continue
            cid = f"{model_slug}@{provider_slug}/{target_slug}"
            candidate = Candidate(cid, model_slug, provider_slug, target_slug, model, provider, offering, target)
            known = out.get(cid)
            if known is not None and known != candidate:
                # Two deployments under one name: deciding either would be deciding the wrong one.
                raise KnowledgeBaseError(
                    f"two deployments share the candidate id {cid} ({short(known.offering)} at "
                    f"{short(known.target)} and {short(offering)} at {short(target)})",
                    key=short(offering),
                    hint="give models, providers and each provider's targets slugs of their own",
                )
            out[cid] = candidate
    return tuple(out[k] for k in sorted(out))


def find_candidate(candidates: tuple[Candidate, ...], name: str) -> Candidate:
    """The candidate a user named as MODEL@PROVIDER/DEPLOYMENT, or MODEL@PROVIDER when that names one.

    Raises UsageError naming the possibilities when the name is ambiguous or unknown.
    """
    by_id = {c.id: c for c in candidates}
    if name in by_id:
        return by_id[name]
    if "@" not in name:
        raise UsageError(
            f"'{name}' is not a candidate id",
            key="CANDIDATE",
            hint="write MODEL@PROVIDER/DEPLOYMENT, e.g. claude-sonnet-4.6@aws-bedrock/eu-central-1",
        )
    if "/" not in name:
        matches = [c for c in candidates if f"{c.model_slug}@{c.provider_slug}" == name]
        if len(matches) == 1:
            return matches[0]
        if matches:
            options = ", ".join(c.id for c in matches[:8])
            more = f" and {len(matches) - 8} more" if len(matches) > 8 else ""
            raise UsageError(
                f"'{name}' names {len(matches)} deployments",
                key="CANDIDATE",
                hint=f"add the deployment: {options}{more}",
            )
    close = difflib.get_close_matches(name, list(by_id), n=3, cutoff=0.6)
    hint = "did you mean " + " or ".join(f"'{c}'" for c in close) + "?" if close else (
        "list candidates with: selector select --constraints POLICY --show-denied"
    )
    raise UsageError(f"unknown candidate '{name}'", key="CANDIDATE", hint=hint)


def _first(values: tuple) -> URIRef | None:
    for value in values:
        if isinstance(value, URIRef):
            return value
    return None


def _slug(facts: FactIndex, node: URIRef | None) -> str | None:
    if node is None:
        return None
    fact = facts.one(node, SEL.slug)
    return str(fact.object) if fact is not None else None
