"""Output formats for a report, one module each, chosen from one table."""

from __future__ import annotations

from functools import partial
from typing import Callable, NamedTuple

from selector.render.ci import CiContext
from selector.render.github import github_decision, render_github
from selector.render.html_format import render_html
from selector.render.json_format import render_json
from selector.render.junit import junit_decision, render_junit
from selector.render.markdown import render_markdown
from selector.render.sarif import render_sarif, sarif_decision
from selector.render.table import render_table
from selector.render.text import render_text
from selector.results import Decision, Report


class CiFormat(NamedTuple):
    """A format CI systems read: a report (``select``) and one decision (``check``), each told where the keys are."""

    report: Callable[[Report, bool, CiContext], str]
    decision: Callable[[Decision, CiContext], str]


#: The formats that point into the policy file: they take a :class:`CiContext` beside the results.
CI_FORMATS: dict[str, CiFormat] = {
    "junit": CiFormat(render_junit, junit_decision),
    "sarif": CiFormat(render_sarif, sarif_decision),
    "github": CiFormat(render_github, github_decision),
}

#: Every ``--format`` of ``selector select``: a function from the report (and whether
#: to show denied candidates in full) to the text to print. Called so, a CI format
#: names the policy without lines; :func:`renderer` tells it where the keys are.
RENDERERS: dict[str, Callable[[Report, bool], str]] = {
    "table": render_table,
    "json": render_json,
    "markdown": render_markdown,
    "text": render_text,
    "html": render_html,
    **{name: ci.report for name, ci in CI_FORMATS.items()},
}


def renderer(fmt: str, context: CiContext | None = None) -> Callable[[Report, bool], str]:
    """The renderer of a format; a CI format is given the context (the policy file and its key lines)."""
    if context is not None and fmt in CI_FORMATS:
        return partial(CI_FORMATS[fmt].report, context=context)
    return RENDERERS[fmt]


__all__ = ["CI_FORMATS", "RENDERERS", "CiContext", "CiFormat", "renderer"]
