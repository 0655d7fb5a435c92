"""What the CI formats (junit, sarif, github) share: where the policy's keys are, and the findings to report.

The results say what each rule decided; a CI format also points at the line of the
policy that asked for it. :class:`CiContext` carries that beside the report (the
report's own fields and the other formats are unchanged): the policy file as given on
the command line (``<stdin>`` for standard input), each rule's policy key and its line,
and whether a decision allowed only under ``unknown: warn`` counts as a failure
(``--fail-on unknown``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Iterable, Mapping
from urllib.parse import quote

from selector.results import Decision, Report, RuleResult, Verdict
from selector.rules import Rule
from selector.yamlfile import YamlDocument

#: The name a policy read from standard input goes by in errors and in the CI formats.
STDIN = "<stdin>"


@dataclass(frozen=True)
class CiContext:
    """The policy file, each rule's policy key and the line it is written on, and whether unknowns fail."""

    file: str
    """The policy file as given (``<stdin>`` for standard input; empty when not known)."""
    keys: Mapping[str, str] = field(default_factory=dict)
    lines: Mapping[str, int] = field(default_factory=dict)
    fail_on_unknown: bool = False
    tool: str = "selector"
    """The tool and its version, as a report names them (``selector 0.1.0``)."""

    @classmethod
    def of(cls, document: YamlDocument, rules: Iterable[Rule], *, fail_on_unknown: bool = False,
           tool: str = "selector") -> CiContext:
        """The context of a policy document: each rule's key, at its line (or its nearest parent's, or the first)."""
        keys = {rule.id: rule.policy_key for rule in rules}
        lines = {rule: document.line(tuple(key.split("."))) for rule, key in keys.items()}
        return cls(str(document.path), keys, lines, fail_on_unknown, tool)

    def key(self, rule: str) -> str:
        """The policy key a rule implements (its id when not known)."""
        return self.keys.get(rule, rule)

    def line(self, rule: str) -> int:
        """The 1-based line of the policy that holds the rule's key (1 when not known)."""
        return self.lines.get(rule, 1)

    @property
    def located(self) -> bool:
        """Whether the policy is a file a CI system can open (not standard input, not unknown)."""
        return self.file not in ("", STDIN)

    def uri(self) -> str:
        """The policy file as a URI reference: a relative path with forward slashes, or a file: URI."""
        path = PurePath(self.file)
        return path.as_uri() if path.is_absolute() else quote(path.as_posix())


def context_for(report: Report) -> CiContext:
    """The context when none was given (a report rendered outside the command line): no file, no lines."""
    return CiContext("")


def warned(decision: Decision) -> list[RuleResult]:
    """The unknown results of a decision allowed only because the policy says ``unknown: warn``."""
    if not decision.allowed:
        return []
    return [r for r in decision.results if r.verdict is Verdict.UNKNOWN]


@dataclass
class Tally:
    """One rule over a report's denied candidates: how many it failed, how many it left unknown, one example."""

    rule: str
    title: str
    failed: int = 0
    unknown: int = 0
    example: str = ""
    reason: str = ""

    def sentence(self, report: Report) -> str:
        """``residency (Data residency) denied 1,800 of 2,149 candidates (1,700 failed, 100 unknown), e.g. ...``."""
        parts = [f"{self.failed:,} failed" if self.failed else "", f"{self.unknown:,} unknown" if self.unknown else ""]
        counts = ", ".join(p for p in parts if p)
        return (f"{self.rule} ({self.title}) denied {self.failed + self.unknown:,} of {report.summary.candidates:,} "
                f"candidates ({counts}), e.g. {self.example}: {self.reason}")


def tallies(report: Report) -> list[Tally]:
    """Each rule that stood in the way of a denied candidate, in rule order, with its counts."""
    found: dict[str, Tally] = {}
    for decision in report.denied():
        for result in decision.results:
            if result.verdict is Verdict.PASS:
                continue
            tally = found.setdefault(result.rule, Tally(result.rule, result.title))
            if not tally.example:
                tally.example, tally.reason = decision.candidate.id, result.reason
            if result.verdict is Verdict.FAIL:
                tally.failed += 1
            else:
                tally.unknown += 1
    return [found[rule] for rule in sorted(found)]
