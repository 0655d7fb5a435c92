"""``--to openrouter``: OpenRouter's request-level ``provider`` routing object, per allowed model.

For a model whose OpenRouter deployment the policy allows, the object reproduces the
path the decision judged: ``only`` the upstream providers of its pinned routes (none
pinned: the open path was judged and allowed), the routing fields its target stands for
(``zdr: true`` for the ZDR-only target), and ``allow_fallbacks: false``. For a model the
policy allows only at providers OpenRouter also routes to, the object names those
providers with ``only``, and the warnings say what it cannot enforce: OpenRouter's own
hop, which the policy did not allow for that model, and the upstream's regions (a
provider slug matches every region). The policy's own terms become ``data_collection``,
``zdr``, ``quantizations`` and ``max_price``. Mappings: ``openrouter.yaml``.
"""

from __future__ import annotations

from typing import Any

from selector.export.common import Deployment, Export, NotExported, mapping, provenance
from selector.kb.candidates import Candidate
from selector.kb.facts import FactIndex
from selector.kb.namespaces import SEL
from selector.results import Decision, Report, Verdict

OPENROUTER = "openrouter"


def policy_fields(requirements: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The routing fields the policy's own terms give, and what of them the object cannot say."""
    require = requirements.get("require") or {}
    fields: dict[str, Any] = {}
    gaps: list[str] = []
    if require.get("training_on_inputs") is False:
        fields["data_collection"] = "deny"
    if require.get("zero_data_retention") is True:
        fields["zdr"] = True
    precisions = require.get("serving_precision")
    if precisions:
        levels = mapping("openrouter")["quantizations"]
        fields["quantizations"] = sorted({levels[p] for p in precisions if p in levels})
        if not fields["quantizations"]:
            del fields["quantizations"]
            gaps.append(f"require.serving_precision {sorted(precisions)}: no OpenRouter quantization level says it")
    cap = require.get("max_price_per_mtok") or {}
    price = {k: cap[v] for k, v in (("prompt", "input"), ("completion", "output")) if cap.get(v) is not None}
    if price:
        fields["max_price"] = price
    return fields, gaps


def _upstream_slug(provider: str) -> str | None:
    found = mapping("openrouter")["upstreams"].get(provider)
    return found["slug"] if found else None


def _routes(facts: FactIndex, candidate: Candidate) -> tuple[str, ...] | None:
    """The upstream offerings pinned for an OpenRouter deployment (as providers' slugs), or None when none is pinned."""
    upstream: list[str] = []
    for route in facts.subjects(SEL.routeFrom, candidate.offering):
        if candidate.target in facts.objects(route, SEL.routeAt):
            for offering in facts.objects(route, SEL.routeTo):
                for provider in facts.objects(offering, SEL.provider):
                    slug = facts.one(provider, SEL.slug)
                    upstream.append(str(slug.object) if slug else str(provider))
    return tuple(sorted(set(upstream))) if upstream else None


def _denials(decision: Decision | None) -> str:
    if decision is None:
        return "not decided"
    rules = [r.rule for r in decision.results if r.verdict is not Verdict.PASS]
    return ", ".join(rules) or "denied"


class _Builder:
    """Collects the per-model objects, what was left out and the warnings."""

    def __init__(self, facts: FactIndex, candidates: tuple[Candidate, ...], decisions: dict[str, Decision],
                 report: Report) -> None:
        self.facts = facts
        self.candidates = candidates
        self.decisions = decisions
        self.allowed_ids = {d.candidate.id for d in report.allowed()}
        self.fields, self.warnings = policy_fields(report.policy.requirements)
        self.models: dict[str, dict[str, Any]] = {}
        self.left: list[NotExported] = []

    def add(self, model_id: str, provider: dict[str, Any], candidates: list[str]) -> None:
        """One model's object: the routing fields given, the policy's own, and no fallbacks."""
        merged = {**provider, **self.fields, "allow_fallbacks": False}
        if provider.get("zdr"):
            merged["zdr"] = True
        self.models[model_id] = {"provider": dict(sorted(merged.items())), "candidates": candidates}

    def through_openrouter(self, chosen: Deployment, others: list[Deployment], direct: list[Deployment]) -> None:
        """A model whose OpenRouter deployment is allowed: its pinned routes and its target's fields."""
        rule = mapping("openrouter")["targets"].get(chosen.candidate.target_slug)
        if rule is None or chosen.model_id is None:
            why = "no OpenRouter model id" if chosen.model_id is None else (
                f"target {chosen.candidate.target_slug} is not a field of the provider object")
            self.left += [NotExported(candidate=d.candidate.id, reason=why) for d in [chosen, *others]]
            return
        provider: dict[str, Any] = dict(rule)
        routes = _routes(self.facts, chosen.candidate)
        if routes is not None:
            slugs = [_upstream_slug(p) for p in routes]
            if None in slugs:
                unnamed = [p for p, s in zip(routes, slugs) if s is None]
                self.warnings.append(f"{chosen.candidate.id}: pinned upstream(s) {', '.join(unnamed)} have no "
                                     "OpenRouter provider slug here; `only` cannot pin the judged path")
            else:
                ranked = [s for s in (_upstream_slug(d.candidate.provider_slug) for d in direct) if s in slugs]
                provider["only"] = sorted(set(slugs))
                provider["order"] = list(dict.fromkeys(ranked + sorted(slugs)))
        self.add(chosen.model_id, provider, [d.candidate.id for d in [chosen, *others]])
        self.left += [NotExported(candidate=d.candidate.id, reason="a direct deployment, not a route through "
                                  f"OpenRouter (the object covers {chosen.candidate.id})") for d in direct]

    def via_upstreams(self, model: str, direct: list[Deployment]) -> None:
        """A model allowed only at providers OpenRouter routes to: ``only`` those, and what it cannot pin."""
        mapped = [d for d in direct if _upstream_slug(d.candidate.provider_slug)]
        routers = [c for c in self.candidates if c.model_slug == model and c.provider_slug == OPENROUTER]
        ids = sorted({str(v) for c in routers for v in self.facts.objects(c.offering, SEL.providerModelId)},
                     key=lambda i: (len(i), i))
        for d in direct:
            if d not in mapped:
                self.left.append(NotExported(candidate=d.candidate.id,
                                             reason=f"OpenRouter has no provider slug for {d.candidate.provider_slug}"))
        if not mapped:
            return
        if not ids:
            self.left += [NotExported(candidate=d.candidate.id, reason=f"OpenRouter does not list {model}")
                          for d in mapped]
            return
        slugs = list(dict.fromkeys(_upstream_slug(d.candidate.provider_slug) for d in mapped))
        self.add(ids[0], {"only": sorted(slugs), "order": slugs}, [d.candidate.id for d in mapped])
        denied = "; ".join(f"{c.id}: {_denials(self.decisions.get(c.id))}" for c in routers)
        self.warnings.append(f"{model}: no OpenRouter deployment of it is allowed ({denied}); routing through "
                             "OpenRouter adds a hop the policy did not allow")
        for d in mapped:
            self._regions(d)

    def _regions(self, d: Deployment) -> None:
        same = [c.id for c in self.candidates if c.offering == d.candidate.offering]
        outside = [c for c in same if c not in self.allowed_ids]
        if outside:
            slug = _upstream_slug(d.candidate.provider_slug)
            self.warnings.append(
                f"{d.candidate.id}: OpenRouter's '{slug}' may route to any of its regions; "
                f"{len(outside)} of {len(same)} deployments of this offering are not allowed "
                f"(e.g. {outside[0]}), and the object cannot pin {d.candidate.target_slug}")


def export_openrouter(deployments: list[Deployment], report: Report, facts: FactIndex,
                      candidates: tuple[Candidate, ...], decisions: dict[str, Decision]) -> Export:
    """The routing object per allowed model (in rank order), with what was left out and what it cannot enforce."""
    builder = _Builder(facts, candidates, decisions, report)
    by_model: dict[str, list[Deployment]] = {}
    for d in deployments:
        by_model.setdefault(d.candidate.model_slug, []).append(d)
    for model, group in by_model.items():
        routed = [d for d in group if d.candidate.provider_slug == OPENROUTER]
        direct = [d for d in group if d.candidate.provider_slug != OPENROUTER]
        if routed:
            builder.through_openrouter(routed[0], routed[1:], direct)
        else:
            builder.via_upstreams(model, direct)
    document = {
        **provenance(report),
        "models": builder.models,
        "not_exported": [n.model_dump() for n in builder.left],
        "warnings": builder.warnings,
    }
    return Export(to="openrouter", document=document, allowed=len(deployments),
                  exported=len(builder.models), not_exported=tuple(builder.left),
                  warnings=tuple(builder.warnings), complete=False)
