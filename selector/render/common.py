"""Small helpers the human-readable formats share."""

from __future__ import annotations

import json

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


def provenance(report: Report) -> list[str]:
    """Who wrote the report, on which date, from facts of which dates (one sentence each)."""
    f = report.facts
    used = (f"facts used: as of {f.oldest} to {f.newest}, from {plural(f.sources, 'source')}" if f.oldest
            else "facts used: none with a date")
    return [f"evaluated on {report.as_of or 'the knowledge base date'} by {report.tool}", used]


def requirement_lines(report: Report) -> list[str]:
    """The policy's keys as evaluated, one ``key: value`` line each (dotted keys, lists comma-separated)."""
    lines: list[str] = []

    def walk(value: object, path: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            if value:
                lines.append(f"{path}: {', '.join(v if isinstance(v, str) else json.dumps(v) for v in value)}")
        else:
            lines.append(f"{path}: {value if isinstance(value, str) else json.dumps(value)}")

    walk(report.policy.requirements, "")
    return lines
