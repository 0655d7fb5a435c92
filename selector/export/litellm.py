"""``--to litellm``: a LiteLLM proxy config whose ``model_list`` is the allowed deployments, in rank order.

Each entry's ``model_name`` is the model slug: several allowed deployments of one model
share it, so LiteLLM's router balances and falls back only among allowed deployments.
``litellm_params`` carry LiteLLM's provider prefix with the provider's own model id and
the parameters that pin the deployment target (``aws_region_name``, ``vertex_location``,
``api_base``), from the shipped mapping ``litellm.yaml``; ``model_info`` carries the
candidate id, its rank and the fingerprints of the policy, knowledge base and rules.
A deployment the mapping cannot express (no provider model id, a provider or target
LiteLLM cannot address, a self-hosted runtime) is left out and listed; a target the
config can name but not pin (an Azure resource's region) is written with a warning.
"""

from __future__ import annotations

from typing import Any

import yaml

from selector.export.common import Deployment, Export, NotExported, mapping, one_line, provenance
from selector.results import Report


def _fill(template: str, values: dict[str, str]) -> str:
    out = template
    for key, value in values.items():
        out = out.replace("{" + key + "}", value)
    return out


def _rule(provider: dict[str, Any], deployment: Deployment) -> dict[str, Any] | None:
    """The mapping's entry for this deployment's target, or None when the target cannot be expressed."""
    targets = provider.get("targets") or {}
    slug = deployment.candidate.target_slug
    if slug in targets:
        return targets[slug] or {}
    default = targets.get("*")
    if default is None or (default.get("regions_only") and not deployment.single_region):
        return None
    return default


def entry(deployment: Deployment, trace: dict[str, str]) -> tuple[dict[str, Any] | None, str | None, str | None]:
    """One ``model_list`` entry, or None and why not; and the condition the config cannot pin, if any."""
    candidate = deployment.candidate
    if deployment.self_hosted:
        return None, "self-hosted: the config cannot know your server's address", None
    provider = mapping("litellm")["providers"].get(candidate.provider_slug)
    if provider is None:
        return None, f"provider {candidate.provider_slug} has no LiteLLM mapping", None
    rule = _rule(provider, deployment)
    if rule is None:
        return None, f"target {candidate.target_slug} of {candidate.provider_slug} cannot be pinned in LiteLLM", None
    model_id = deployment.model_id
    if model_id is None:
        return None, "the knowledge base records no provider model id for this offering", None
    code = deployment.region_code or ""
    if any("{code}" in str(v) for v in (rule.get("params") or {}).values()) and not code:
        return None, f"target {candidate.target_slug} has no region code", None
    values = {"id": model_id, "code": code, "slug": candidate.target_slug,
              "SLUG": candidate.target_slug.upper().replace("-", "_")}
    params: dict[str, Any] = {"model": f"{provider['prefix']}/{_fill(rule.get('model', '{id}'), values)}"}
    params.update({k: _fill(str(v), values) for k, v in (rule.get("params") or {}).items()})
    info = {"id": candidate.id, "selector_candidate": candidate.id, "selector_rank": deployment.rank, **trace}
    condition = rule.get("condition")
    return (
        {"model_name": candidate.model_slug, "litellm_params": params, "model_info": info},
        None,
        f"{candidate.id}: {one_line(_fill(condition, values))}" if condition else None,
    )


def export_litellm(deployments: list[Deployment], report: Report) -> Export:
    """The LiteLLM proxy config for the allowed deployments (in rank order), with what was left out."""
    trace = {f"selector_{k}": v for k, v in provenance(report).items()}
    model_list: list[dict[str, Any]] = []
    left: list[NotExported] = []
    warnings: list[str] = []
    for deployment in deployments:
        item, reason, condition = entry(deployment, trace)
        if item is None:
            left.append(NotExported(candidate=deployment.candidate.id, reason=reason or ""))
            continue
        model_list.append(item)
        if condition:
            warnings.append(condition)
    return Export(to="litellm", document={"model_list": model_list}, allowed=len(deployments),
                  exported=len(model_list), not_exported=tuple(left), warnings=tuple(warnings))


def render_litellm(result: Export, report: Report) -> str:
    """The config as YAML, headed by comments: its provenance, what was not exported, what it cannot pin."""
    trace = provenance(report)
    lines = [
        "# LiteLLM proxy config written by `selector export --to litellm`: only deployments the policy allows.",
        f"# policy: {one_line(trace['policy'])} ({trace['policy_fingerprint']})",
        f"# knowledge base: {trace['kb_fingerprint']}, rules: {trace['rules_fingerprint']}, as of {trace['as_of']}",
        f"# {len(result.document['model_list'])} of {result.allowed} allowed deployments exported, in rank order.",
    ]
    if result.not_exported:
        lines.append("# not exported:")
        lines += [f"#   {one_line(n.candidate)}: {one_line(n.reason)}" for n in result.not_exported]
    if result.warnings:
        lines.append("# warnings (the config cannot pin these; arrange them before use):")
        lines += [f"#   {one_line(w)}" for w in result.warnings]
    body = yaml.safe_dump(result.document, sort_keys=False, allow_unicode=False, width=1000)
    return "\n".join(lines) + "\n" + body
