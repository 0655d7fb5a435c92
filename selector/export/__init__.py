"""Exports of a decision to the gateways that route traffic: one module per gateway.

``export(engine, report, to)`` turns a report (every candidate's decision under one
policy) into the gateway's own document, an :class:`Export` that also lists the allowed
deployments it could not express and the policy terms it cannot enforce, and owns the
exit code. ``render(result, report)`` writes it: LiteLLM as YAML, OpenRouter as JSON.
"""

from __future__ import annotations

from selector.engine import Engine
from selector.export.common import Export, NotExported, allowed_deployments
from selector.export.litellm import export_litellm, render_litellm
from selector.export.openrouter import export_openrouter
from selector.render.json_format import json_text
from selector.results import Report

#: The gateways ``selector export --to`` writes for.
TARGETS = ("litellm", "openrouter")

__all__ = ["TARGETS", "Export", "NotExported", "export", "render"]


def export(engine: Engine, report: Report, to: str) -> Export:
    """The report's allowed deployments as the gateway ``to`` ("litellm" or "openrouter") takes them."""
    deployments = allowed_deployments(engine.facts, engine.candidate_by_id, report)
    if to == "litellm":
        return export_litellm(deployments, report)
    if to == "openrouter":
        decisions = {d.candidate.id: d for d in report.decisions}
        return export_openrouter(deployments, report, engine.facts, engine.candidates, decisions)
    raise ValueError(f"unknown export target {to!r}; expected one of {', '.join(TARGETS)}")


def render(result: Export, report: Report) -> str:
    """The export as the gateway reads it: LiteLLM's YAML config, or OpenRouter's JSON."""
    if result.to == "litellm":
        return render_litellm(result, report)
    return json_text(result.document)
