"""Command-line value types shared by the commands: a date and a number of days.

A bad value is refused by click as a usage error (one line, exit 2) saying what was
expected, never a traceback.
"""

from __future__ import annotations

import re
from datetime import date

import click

from selector.kb.freshness import parse_date

_WHOLE = re.compile(r"[0-9]+")


class IsoDate(click.ParamType):
    """A date written ``YYYY-MM-DD`` (``--as-of 2026-06-30``)."""

    name = "date"

    def convert(self, value, param, ctx) -> date:
        """The date, or a usage error naming what is wrong."""
        if isinstance(value, date):
            return value
        text = str(value)
        try:
            return parse_date(text)
        except ValueError as error:
            self.fail(f"{text!r} is {error}; expected YYYY-MM-DD, e.g. 2026-06-30", param, ctx)


class Days(click.ParamType):
    """A whole number of days, 0 or more (``--max-age 180``)."""

    name = "days"

    def convert(self, value, param, ctx) -> int:
        """The number, or a usage error naming what is wrong."""
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        text = str(value)
        if not _WHOLE.fullmatch(text):
            self.fail(f"{text!r} is not a number of days; expected a whole number, 0 or more, e.g. 180", param, ctx)
        return int(text)


ISO_DATE = IsoDate()
DAYS = Days()
