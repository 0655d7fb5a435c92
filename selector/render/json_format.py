"""The machine contract (SPEC §7): every candidate's decision, allowed first by rank, then denied."""

from __future__ import annotations

import json

from selector.results import Report
from selector.text import unsafe_char


def render_json(report: Report, show_denied: bool = True) -> str:
    """The report as JSON; denied decisions are always included, whatever ``show_denied`` says.

    The report's header is indented; each decision is one line (readable, diffable one
    candidate at a time, and written by the fast encoder rather than the indenting one).
    """
    data = report.model_dump(mode="json")
    decisions = data.pop("decisions")
    head = json.dumps(data, indent=2, ensure_ascii=False)
    lines = ",\n    ".join(json.dumps(d, ensure_ascii=False, separators=(", ", ": ")) for d in decisions)
    body = f'  "decisions": [\n    {lines}\n  ]' if decisions else '  "decisions": []'
    return _safe(head[:-2] + ",\n" + body + "\n}") + "\n"


def json_text(data: object) -> str:
    """JSON as every command prints it: indented, UTF-8, and with every control or format character escaped."""
    return _safe(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"


def _safe(text: str) -> str:
    """JSON text with DEL, the C1 controls and the format characters escaped as well.

    ``json`` escapes only the C0 controls; a terminal reads U+009B as CSI, and the
    bidirectional overrides reorder what it shows. Escaping them leaves the data
    unchanged (``\\u009b`` and the raw character are the same JSON string).
    """
    if text.isascii() and "\x7f" not in text:  # json.dumps has escaped every other ASCII control
        return text
    unsafe = {c: json.dumps(c)[1:-1] for c in set(text) if c != "\n" and unsafe_char(c)}
    return text.translate(str.maketrans(unsafe)) if unsafe else text
