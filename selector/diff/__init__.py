"""``selector diff``: two knowledge bases, two git revisions of the ontology, or two policies, compared.

:func:`compare` decides every candidate on both sides and keeps, for each one that
flipped, the rules whose verdict changed and the facts their trails differ in; the
formats in :data:`RENDERERS` all render the one :class:`DiffReport`.
"""

from __future__ import annotations

from typing import Callable

from selector.diff.compare import DiffSide, compare, evaluation_date, rule_changes
from selector.diff.json_format import render_json
from selector.diff.markdown import render_markdown
from selector.diff.model import DiffReport, DiffSummary, Flip, RankChange, RuleChange, Side
from selector.diff.table import render_table

#: Every ``--format`` of ``selector diff``: from the report (and whether to list rank changes) to the text.
RENDERERS: dict[str, Callable[[DiffReport, bool], str]] = {
    "table": render_table,
    "markdown": render_markdown,
    "json": render_json,
}

__all__ = [
    "RENDERERS", "DiffReport", "DiffSide", "DiffSummary", "Flip", "RankChange", "RuleChange", "Side",
    "compare", "evaluation_date", "rule_changes",
]
