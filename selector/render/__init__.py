"""Output formats for a report, one module each, chosen from one table."""

from __future__ import annotations

from typing import Callable

from selector.render.html_format import render_html
from selector.render.json_format import render_json
from selector.render.markdown import render_markdown
from selector.render.table import render_table
from selector.render.text import render_text
from selector.results import Report

#: Every ``--format`` of ``selector select``: a function from the report (and whether
#: to show denied candidates in full) to the text to print.
RENDERERS: dict[str, Callable[[Report, bool], str]] = {
    "table": render_table,
    "json": render_json,
    "markdown": render_markdown,
    "text": render_text,
    "html": render_html,
}

__all__ = ["RENDERERS"]
