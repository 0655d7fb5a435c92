"""The one exception family for bad input, rendered as a single line at the CLI boundary."""

from __future__ import annotations

from pathlib import Path

from selector.text import printable


class SelectorError(Exception):
    """Bad input a user can fix: a policy, rule, knowledge-base file or CLI argument.

    Rendered as one line, ``FILE:LINE: key.path: problem; hint``, with the parts
    that are known; the CLI prints it and exits with code 2.
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        key: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = str(file) if file is not None else None
        self.line = line
        self.key = key
        self.hint = hint
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """The error as the single line the CLI prints."""
        place = ""
        if self.file is not None:
            place = self.file if self.line is None else f"{self.file}:{self.line}"
            place += ": "
        key = f"{self.key}: " if self.key else ""
        hint = f"; {self.hint}" if self.hint else ""
        # One line, always: hostile values must not break the format or reach the terminal raw.
        return printable(f"{place}{key}{self.problem}{hint}")


class PolicyError(SelectorError):
    """A policy file that cannot be read or does not match the policy schema."""


class RuleError(SelectorError):
    """A rule file that cannot be read or does not match the rule schema."""


class KnowledgeBaseError(SelectorError):
    """A knowledge-base file that cannot be read or parsed."""


class UsageError(SelectorError):
    """A command-line argument that names nothing valid (an unknown candidate, say)."""
