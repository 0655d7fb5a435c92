"""The machine contract of a diff: the whole DiffReport as JSON, rank changes always included."""

from __future__ import annotations

from selector.diff.model import DiffReport
from selector.render.json_format import json_text


def render_json(report: DiffReport, show_ranks: bool = True) -> str:
    """The report as indented JSON (no timestamps: the same inputs give the same bytes); ``show_ranks`` is ignored."""
    data = report.model_dump(mode="json")
    data["exit_code"] = report.exit_code
    return json_text(data)
