"""A self-contained HTML report for reviewers: ranked table, then every reason with its sources."""

from __future__ import annotations

from html import escape as _html_escape

from selector.render.common import blocking, summary_line
from selector.results import Decision, Evidence, Report
from selector.text import printable, safe_url


def escape(text: object) -> str:
    """Text from any input for HTML: printable (no control characters), then HTML-escaped."""
    return _html_escape(printable(text))

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:80em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
.pass{color:#176f2c}.fail{color:#b00020}.unknown{color:#8a5a00}.warn{background:#fff3cd;padding:.5em}
code{font-size:90%}details{margin:.5em 0}
"""


def _evidence(item: Evidence) -> str:
    source = (
        f'<a href="{escape(item.source)}">{escape(item.source_title or item.source)}</a>'
        if item.source and safe_url(item.source)
        else escape(item.source or "no source")
    )
    when = f", as of {escape(item.as_of)}" if item.as_of else ""
    kind = " (secondary source)" if item.secondary else ""
    note = f"<br><small>{escape(item.note)}</small>" if item.note else ""
    return (
        f"<li><code>{escape(item.subject)}</code> <code>{escape(item.predicate)}</code> "
        f"<code>{escape(item.object)}</code> — {source}{kind}{when}, layer {escape(item.layer)}{note}</li>"
    )


def _decision(decision: Decision) -> str:
    rank = f"#{decision.rank} " if decision.rank else ""
    flag = f" <b>{escape(decision.lifecycle.flag)}</b>" if decision.lifecycle.flag else ""
    parts = [f"<details><summary>{rank}<code>{escape(decision.candidate.id)}</code> — "
             f"<b>{escape(decision.outcome)}</b>{flag}</summary>"]
    for warning in decision.warnings:
        parts.append(f'<p class="warn"><b>WARNING:</b> {escape(warning)}</p>')
    if decision.obligations:
        parts.append("<p>Obligations you take on:</p><ul>")
        parts += [f"<li>{escape(o.text)} ({escape(o.licence)}, <code>{escape(o.clause)}</code>)</li>"
                  for o in decision.obligations]
        parts.append("</ul>")
    parts.append("<table><tr><th>rule</th><th>verdict</th><th>reason and evidence</th></tr>")
    for result in decision.results:
        evidence = "".join(_evidence(e) for e in result.evidence)
        remedy = f"<p><i>Remedy:</i> {escape(result.remedy)}</p>" if result.remedy else ""
        parts.append(
            f'<tr><td>{escape(result.rule)}</td><td class="{result.verdict.value}">{result.verdict.value}</td>'
            f"<td>{escape(result.reason)}<ul>{evidence}</ul>{remedy}</td></tr>"
        )
    parts.append("</table></details>")
    return "\n".join(parts)


def render_html(report: Report, show_denied: bool = False) -> str:
    """The whole report as one HTML page; denied candidates are summarised, and detailed with ``show_denied``."""
    p, kb = report.policy, report.knowledge_base
    rows = "\n".join(
        f"<tr><td>{d.rank}</td><td><code>{escape(d.candidate.id)}</code></td>"
        f"<td>{escape(d.lifecycle.flag or d.lifecycle.status or 'not recorded')}</td>"
        f"<td>{escape('; '.join(f'{n}: {v}' for n, v in d.ranked_by))}</td>"
        f"<td>{len(d.warnings)}</td><td>{len(d.obligations)}</td></tr>"
        for d in report.allowed()
    )
    denied = "\n".join(
        f"<tr><td><code>{escape(d.candidate.id)}</code></td><td>"
        + (escape(f"{blocking(d)[0].rule}: {blocking(d)[0].reason}") if blocking(d) else "")
        + "</td></tr>"
        for d in report.denied()
    )
    details = "\n".join(_decision(d) for d in report.decisions if d.allowed or show_denied)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Model selection: {escape(p.name)}</title>
<style>{_STYLE}</style></head><body>
<h1>Model selection: {escape(p.name)}</h1>
<ul><li>Policy fingerprint: <code>{escape(p.fingerprint)}</code> (unknown facts: <b>{escape(p.unknown)}</b>),
evaluated on {escape(report.as_of)}</li>
<li>Knowledge base: <code>{escape(kb.fingerprint)}</code>, layers: {escape(', '.join(kb.layers))}</li>
<li>Rules: <code>{escape(report.rules_fingerprint)}</code>, active: {escape(', '.join(report.rules) or 'none')}</li>
<li>Result: {escape(summary_line(report))}</li></ul>
<h2>Allowed</h2>
<table><tr><th>rank</th><th>candidate</th><th>lifecycle</th><th>ranked by</th><th>warnings</th><th>obligations</th></tr>
{rows}
</table>
<h2>Denied</h2>
<table><tr><th>candidate</th><th>why</th></tr>
{denied}
</table>
<h2>Details</h2>
{details}
</body></html>
"""
