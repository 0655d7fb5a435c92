"""What every export shares: the result it returns, the shipped mappings, and the facts it reads per deployment."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

from selector.kb.candidates import Candidate
from selector.kb.facts import FactIndex
from selector.kb.namespaces import SEL
from selector.results import Report
from selector.text import printable

_HERE = Path(__file__).resolve().parent


class NotExported(BaseModel):
    """An allowed deployment the export could not express, and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    candidate: str
    reason: str


class Export(BaseModel):
    """One export: the gateway document, what was left out and what the document cannot enforce.

    ``document`` is the gateway's own data (a LiteLLM config, an OpenRouter routing
    object); ``not_exported`` lists allowed deployments it could not express and
    ``warnings`` the policy terms it cannot enforce. Never silently weaker: the exit code
    is 0 only when every allowed deployment is in the document with nothing left to warn.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    to: str
    document: dict[str, Any]
    allowed: int
    exported: int
    not_exported: tuple[NotExported, ...] = ()
    warnings: tuple[str, ...] = ()
    complete: bool = True
    """Whether every allowed deployment must be in the document for exit 0 (a gateway config: yes; a
    routing object for one gateway, which cannot hold direct deployments: no, those are listed only)."""

    @property
    def exit_code(self) -> int:
        """0 when what is allowed was exported and nothing is unenforced; 1 otherwise (or when nothing is allowed)."""
        missing = self.complete and bool(self.not_exported)
        return 0 if self.exported and not missing and not self.warnings else 1


@cache
def mapping(name: str) -> dict[str, Any]:
    """A mapping shipped beside this module (``litellm.yaml``, ``openrouter.yaml``), read once."""
    return yaml.safe_load((_HERE / f"{name}.yaml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Deployment:
    """An allowed deployment and the knowledge-base facts an export writes: its model id and region code."""

    candidate: Candidate
    rank: int
    model_ids: tuple[str, ...]
    region_code: str | None
    single_region: bool
    self_hosted: bool

    @property
    def model_id(self) -> str | None:
        """The provider model id used: the shortest, then the first in order (a moving alias before dated snapshots)."""
        return min(self.model_ids, key=lambda i: (len(i), i)) if self.model_ids else None


def deployment(facts: FactIndex, candidate: Candidate, rank: int) -> Deployment:
    """The facts an export needs about one candidate."""
    ids = tuple(sorted(str(v) for v in facts.objects(candidate.offering, SEL.providerModelId)))
    codes = sorted(str(v) for v in facts.objects(candidate.target, SEL.regionCode))
    return Deployment(
        candidate=candidate,
        rank=rank,
        model_ids=ids,
        region_code=codes[0] if codes else None,
        single_region=facts.has_type(candidate.target, SEL.Region),
        self_hosted=candidate.self_hosted(facts),
    )


def allowed_deployments(facts: FactIndex, by_id: dict[str, Candidate], report: Report) -> list[Deployment]:
    """The report's allowed deployments, in rank order, with their facts."""
    return [deployment(facts, by_id[d.candidate.id], d.rank or 0) for d in report.allowed()]


def provenance(report: Report) -> dict[str, str]:
    """The fingerprints and date an exported document carries, so it can be traced to its decision."""
    return {
        "policy": report.policy.name,
        "policy_fingerprint": report.policy.fingerprint,
        "kb_fingerprint": report.knowledge_base.fingerprint,
        "rules_fingerprint": report.rules_fingerprint,
        "as_of": report.as_of,
    }


def one_line(text: str) -> str:
    """Text from the knowledge base or a policy, safe on one line of a comment (no newline, no control)."""
    return printable(" ".join(text.split()))
