"""A self-contained HTML report for reviewers: ranked table, then every reason with its sources."""

from __future__ import annotations

from html import escape as _html_escape

from selector.render.common import blocking, provenance, requirement_lines, summary_line
from selector.results import Decision, Evidence, Report
from selector.text import printable, safe_url


def escape(text: object) -> str:
    """Text from any input for HTML: printable (no control characters), then HTML-escaped."""
    return _html_escape(printable(text))

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:80em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
.pass{color:#176f2c}.fail{color:#b00020}.unknown{color:#8a5a00}.warn{background:#fff3cd;padding:.5em}
.lifecycle{background:#fde2e1;padding:.1em .4em;font-weight:bold}.denied td:last-child{min-width:22em}
code{font-size:90%}details{margin:.5em 0}summary{cursor:pointer}
@media print{
body{margin:0;max-width:none;font-size:10pt}a{color:inherit}
details::details-content{content-visibility:visible;display:block}
/* every trail prints expanded, without a script: the page stays static */
details>summary{list-style:none;font-weight:bold}
tr,li{break-inside:avoid}h2{break-after:avoid}
}
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
    flag = f' <span class="lifecycle">{escape(decision.lifecycle.flag)}</span>' if decision.lifecycle.flag else ""
    parts = [f"<details{' open' if decision.allowed else ''}><summary>{rank}<code>{escape(decision.candidate.id)}</code>"
             f" — <b>{escape(decision.outcome)}</b>{flag}</summary>"]
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


def _lifecycle(decision: Decision) -> str:
    """The lifecycle cell: a deprecated or retired deployment's flag, highlighted; else its status."""
    if decision.lifecycle.flag:
        return f'<span class="lifecycle">{escape(decision.lifecycle.flag)}</span>'
    return escape(decision.lifecycle.status or "not recorded")


def _denied_rows(decisions: tuple[Decision, ...]) -> str:
    rows = []
    for d in decisions:
        first = blocking(d)
        why = escape(f"{first[0].rule}: {first[0].reason}") if first else ""
        remedy = escape(first[0].remedy) if first and first[0].remedy else ""
        rows.append(f"<tr><td><code>{escape(d.candidate.id)}</code></td><td>{why}</td><td>{remedy}</td></tr>")
    head = '<table class="denied"><tr><th>candidate</th><th>why</th><th>remedy</th></tr>\n'
    return head + "\n".join(rows) + "\n</table>" if rows else "<p>None.</p>"


def render_html(report: Report, show_denied: bool = False) -> str:
    """The review report as one self-contained HTML page that prints with every trail expanded.

    What was asked, on what, what passed and why, and what would settle the unknowns; denied
    candidates are listed with their reason and remedy, and detailed with ``show_denied``.
    """
    p, kb = report.policy, report.knowledge_base
    rows = "\n".join(
        f"<tr><td>{d.rank}</td><td><code>{escape(d.candidate.id)}</code></td><td>{_lifecycle(d)}</td>"
        f"<td>{escape('; '.join(f'{n}: {v}' for n, v in d.ranked_by))}</td>"
        f"<td>{len(d.warnings)}</td><td>{len(d.obligations)}</td></tr>"
        for d in report.allowed()
    )
    failed = tuple(d for d in report.denied() if not d.denied_on_unknown)
    unknown = tuple(d for d in report.denied() if d.denied_on_unknown)
    settle = "\n".join(
        f"<tr><td>{escape(u.rule)}</td><td>{u.candidates}</td><td>{escape(u.example)}</td>"
        f"<td>{escape(u.remedy or '')}</td></tr>"
        for u in report.unsettled
    )
    settle_table = (
        "<p>What would settle them, by rule:</p><table><tr><th>rule</th><th>candidates</th><th>example</th>"
        f"<th>what to record</th></tr>\n{settle}\n</table>" if settle else ""
    )
    requirements = "".join(f"<li><code>{escape(line)}</code></li>" for line in requirement_lines(report))
    said = "".join(f"<li>{escape(line[0].upper() + line[1:])}</li>" for line in provenance(report))
    description = f"<p>{escape(p.description)}</p>" if p.description else ""
    left_out = "<p>(denied candidates left out of this view)</p>" if report.denied_left_out else ""
    details = "\n".join(_decision(d) for d in report.decisions if d.allowed or show_denied)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Model selection: {escape(p.name)}</title>
<style>{_STYLE}</style></head><body>
<h1>Model selection: {escape(p.name)}</h1>
{description}
<ul>{said}
<li>Policy fingerprint: <code>{escape(p.fingerprint)}</code> (unknown facts: <b>{escape(p.unknown)}</b>)</li>
<li>Knowledge base fingerprint: <code>{escape(kb.fingerprint)}</code>, layers: {escape(', '.join(kb.layers))}</li>
<li>Rules fingerprint: <code>{escape(report.rules_fingerprint)}</code>, active: {escape(', '.join(report.rules) or 'none')}</li>
<li>Result: {escape(summary_line(report))}</li></ul>
<h2>Requirements</h2>
<ul>{requirements}</ul>
<h2>Allowed</h2>
<table><tr><th>rank</th><th>candidate</th><th>lifecycle</th><th>ranked by</th><th>warnings</th><th>obligations</th></tr>
{rows}
</table>
<h2>Denied on a failed requirement ({len(failed)})</h2>
{_denied_rows(failed)}
<h2>Denied only on unknown facts ({len(unknown)})</h2>
{settle_table}
{_denied_rows(unknown)}
{left_out}
<h2>Details</h2>
{details}
</body></html>
"""
