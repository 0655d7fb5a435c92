"""Small helpers the human-readable formats share."""

from __future__ import annotations

from selector.results import Decision, Report, Verdict
from selector.text import plural


def summary_line(report: Report) -> str:
    """The closing line of every human format."""
    s = report.summary
    parts = [f"{s.allowed} allowed", f"{s.denied} denied"]
    extra = []
    if s.denied_on_unknown:
        extra.append(f"{s.denied_on_unknown} only on unknown facts")
    if s.allowed_with_warnings:
        extra.append(f"{s.allowed_with_warnings} allowed with UNKNOWN facts (unknown: warn)")
    tail = f" ({'; '.join(extra)})" if extra else ""
    return f"{', '.join(parts)} of {plural(s.candidates, 'candidate')}{tail}"


def blocking(decision: Decision) -> list:
    """The results that deny a candidate: failures first, then unknowns."""
    fails = [r for r in decision.results if r.verdict is Verdict.FAIL]
    unknowns = [r for r in decision.results if r.verdict is Verdict.UNKNOWN]
    return fails + unknowns


def header(report: Report) -> list[str]:
    """Which policy and knowledge base a human-readable report answers."""
    return [
        f"policy: {report.policy.name} ({report.policy.fingerprint[:19]}), unknown facts: {report.policy.unknown}, "
        f"evaluated on {report.as_of}",
        f"knowledge base: {report.knowledge_base.fingerprint[:19]}, layers: {', '.join(report.knowledge_base.layers)}",
        f"rules: {report.rules_fingerprint[:19]}, active: {', '.join(report.rules) or 'none'}",
    ]

