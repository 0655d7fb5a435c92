"""The machine contract (SPEC §7): every candidate's decision, allowed first by rank, then denied."""

from __future__ import annotations

import json

from selector.results import Report
from selector.text import unsafe_char


def render_json(report: Report, show_denied: bool = True) -> str:
    """The report as JSON; denied decisions are always included, whatever ``show_denied`` says."""
    return json_text(report.model_dump(mode="json"))


def json_text(data: object) -> str:
    """JSON as every command prints it: indented, UTF-8, and with every control or format character escaped.

    ``json`` escapes only the C0 controls; DEL, the C1 controls (a terminal reads U+009B
    as CSI) and the bidirectional overrides are escaped here too, which leaves the data
    unchanged (``\\u009b`` and the raw character are the same JSON string).
    """
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if not text.isascii() or "\x7f" in text:  # json.dumps has escaped every other ASCII control
        text = "".join(json.dumps(c)[1:-1] if c != "\n" and unsafe_char(c) else c for c in text)
    return text + "\n"
