"""The machine contract (SPEC §7): every candidate's decision, allowed first by rank, then denied."""

from __future__ import annotations

import json

from selector.results import Report


def render_json(report: Report, show_denied: bool = True) -> str:
    """The report as JSON; denied decisions are always included, whatever ``show_denied`` says."""
    data = report.model_dump(mode="json")
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
