"""``selector policy lint``: requirements no deployment can meet, and requirements that exclude each other.

A policy can be valid and still useless: it asks for more context than any model
has, a modality no model reads, a certification no provider holds, residency
nowhere the knowledge base records processing, or two things no single deployment
offers together. ``lint`` says so before anyone runs ``select`` and wonders why
nothing is allowed. Its findings are of two kinds:

* **unsatisfiable**: the requirement's rule, on its own, lets no deployment through
  (none passes it; under ``unknown: warn`` none passes or is unknown). Where the
  rule's check kind allows it, the reason names the recorded values that fall short
  (the largest context window recorded, the certifications no provider records);
  otherwise it counts the verdicts and gives an example.
* **contradiction**: each of two requirements lets some deployment through, but none
  gets through both (residency in the EU with providers headquartered in the US
  only; open weights while excluding every kind of provider that serves them); all
  of them together let nothing through; or a key makes another pointless
  (``self_hosting`` while excluding self-hosted runtimes, commercial use asked of a
  research licensee), or an ``only`` list (or one of its entries) whose every match
  ``exclude`` takes back.

A ``workload`` gets a finding of its own when nothing uses it (neither ``prefer:
lowest_workload_cost`` nor ``require.max_monthly_cost_usd``), or when no deployment
the other requirements let through records the prices its monthly cost needs (then
the ranking has nothing to go by, and a cost cap nothing to pass). A cost cap without
a workload is not a finding but an error when the policy is read.

Lint reads the knowledge base through the engine (the same facts, scopes and rules
``select`` uses), so, but for the pointless keys and the workload, it has findings exactly when
``select`` would allow nothing. Exit code 0 without findings, 1 with findings, 2
on bad input.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from selector.checks import KINDS
from selector.checks.base import Gap
from selector.checks.workload import world_estimates
from selector.engine import Engine
from selector.kb.candidates import Candidate
from selector.kb.namespaces import SEL
from selector.policy import Policy, policy_value
from selector.results import Verdict
from selector.rules import Rule
from selector.text import plural, printable
from selector.yamlfile import KeyPath, YamlDocument, format_key_path

__all__ = ["Finding", "LintReport", "lint"]


class Finding(BaseModel):
    """One problem with a policy: the key it is about, what kind of problem, why, and where."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    kind: Literal["unsatisfiable", "contradiction"]
    reason: str
    line: int | None = None
    file: str | None = None

    def one_line(self) -> str:
        """The finding as printed: ``FILE:LINE: key: reason``."""
        place = ""
        if self.file is not None:
            place = f"{self.file}:{self.line}: " if self.line is not None else f"{self.file}: "
        return printable(f"{place}{self.key}: {self.reason}")


@dataclass(frozen=True)
class LintReport:
    """Every finding about one policy, in line order; iterating it gives the findings."""

    findings: tuple[Finding, ...]

    def __iter__(self):
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    @property
    def exit_code(self) -> int:
        """0 without findings, 1 with findings: what ``selector policy lint`` exits with."""
        return 1 if self.findings else 0

    def summary_line(self, file: object) -> str:
        """The closing line: how many findings in the file, or that every requirement can be met."""
        if self.findings:
            return f"{plural(len(self.findings), 'finding')} in {file}"
        return f"no findings: every requirement in {file} can be met by some deployment"


# ---------------------------------------------------------------------------
# What every deployment could do, rule by rule
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Table:
    """Each active rule's verdict on each candidate, judged on its own."""

    candidates: tuple[Candidate, ...]
    verdicts: dict[str, tuple[Verdict, ...]]  # rule id -> verdict per candidate, in candidate order
    reasons: dict[str, tuple[str, ...]]
    unknown_allows: bool  # the policy says unknown: warn

    def possible(self, rule_id: str) -> set[int]:
        """The candidates (by index) the rule would let through: it passes, or (under warn) is unknown."""
        allowed = {Verdict.PASS, Verdict.UNKNOWN} if self.unknown_allows else {Verdict.PASS}
        return {i for i, v in enumerate(self.verdicts[rule_id]) if v in allowed}

    def counts(self, rule_id: str) -> str:
        verdicts = self.verdicts[rule_id]
        parts = [f"{sum(1 for v in verdicts if v is wanted)} {wanted.value}" for wanted in (Verdict.FAIL, Verdict.UNKNOWN)]
        return ", ".join(p for p in parts if not p.startswith("0 "))


def _table(engine: Engine, policy: Policy, rules: tuple[Rule, ...]) -> _Table:
    verdicts: dict[str, list[Verdict]] = {r.id: [] for r in rules}
    reasons: dict[str, list[str]] = {r.id: [] for r in rules}
    for candidate in engine.candidates:
        decision = engine.decide(candidate, policy, rules)
        for result in decision.results:
            verdicts[result.rule].append(result.verdict)
            reasons[result.rule].append(result.reason)
    return _Table(
        candidates=tuple(engine.candidates),
        verdicts={k: tuple(v) for k, v in verdicts.items()},
        reasons={k: tuple(v) for k, v in reasons.items()},
        unknown_allows=policy.unknown == "warn",
    )


# ---------------------------------------------------------------------------
# The whole policy
# ---------------------------------------------------------------------------


def lint(policy: Policy, engine: Engine, *, document: YamlDocument | None = None) -> LintReport:
    """Every requirement of ``policy`` no deployment could meet, and every pair no deployment could meet together.

    A requirement is judged by its rule alone, on every candidate: it is
    unsatisfiable when the rule lets no candidate through (a pass, or under
    ``unknown: warn`` an unknown too). The reason names the recorded values that fall
    short where the rule's check kind allows it (the largest context window, the
    certifications held...). Two requirements contradict each other when each lets
    some candidate through but none gets through both; when no single requirement or
    pair explains it, a policy whose requirements together let nothing through gets
    one finding on ``require``. So, but for the keys other keys make pointless
    (``self_hosting`` while excluding self-hosted runtimes), there are findings
    exactly when ``select`` would allow nothing. ``document`` is the policy file as
    read by :func:`selector.yamlfile.read_yaml`, for each finding's line.
    """
    rules = engine.active_rules(policy)
    table = _table(engine, policy, rules)
    findings: list[Finding] = []
    blocked: set[str] = set()

    def add(path: KeyPath, kind: str, reason: str) -> None:
        line = document.line(path) if document is not None else None
        findings.append(Finding(key=format_key_path(path), kind=kind, reason=reason, line=line,
                                file=str(document.path) if document is not None else None))

    for rule in rules:
        if table.possible(rule.id) or not table.candidates:
            continue
        blocked.add(rule.id)
        path = _path(rule.policy_key)
        gaps = _gaps(engine, rule, policy_value(policy, rule.policy_key), path, policy)
        for gap in gaps:
            add(gap.path, "unsatisfiable", gap.reason)
        if not gaps:
            add(path, "unsatisfiable", _generic(table, rule))

    listed, explained = _only_against_exclude(policy, engine, document)
    findings.extend(listed)
    open_rules = [r for r in rules if r.id not in blocked]
    clashing = False
    for first, second in combinations(open_rules, 2):
        if not table.possible(first.id) & table.possible(second.id):
            clashing = True
            if frozenset((first.policy_key, second.policy_key)) in explained:
                continue  # said above, in words that name the entries
            a, b = sorted((first, second), key=lambda r: _line(document, _path(r.policy_key)))
            add(_path(b.policy_key), "contradiction",
                f"no deployment can meet both this and {a.policy_key}: every deployment that meets one does not meet the other")
    if open_rules and not blocked and not clashing and table.candidates:
        survivors = set(range(len(table.candidates)))
        for rule in open_rules:
            survivors &= table.possible(rule.id)
        if not survivors:
            add(("require",), "contradiction",
                "no deployment meets all of these together, though each and each pair can be met: "
                + ", ".join(r.policy_key for r in open_rules))

    findings.extend(_said_in_vain(policy, engine, document))
    findings.extend(_unpriced_workload(policy, engine, table, rules, document))
    return LintReport(tuple(sorted(findings, key=lambda f: (f.line or 0, f.key, f.reason))))


def _gaps(engine: Engine, rule: Rule, required: Any, path: KeyPath, policy: Policy) -> list[Gap]:
    """Why no recorded value could meet the requirement, where the rule's kind says how to tell."""
    reason = KINDS[rule.kind].gaps
    try:
        if reason is not None and required is not None:
            return reason(engine, rule, required, path, policy)
    except (KeyError, TypeError, AttributeError):
        pass  # an organisation's rule with parameters lint does not read: the generic reason applies
    return []


def _generic(table: _Table, rule: Rule) -> str:
    """The reason when no value analysis applies: the verdict counts and one example."""
    first = next(i for i, v in enumerate(table.verdicts[rule.id]) if v is not Verdict.PASS)
    example = f"{table.candidates[first].id}: {table.reasons[rule.id][first]}"
    counts = table.counts(rule.id)
    denied = "" if table.unknown_allows or "unknown" not in counts else " (unknown: fail denies the unknown ones)"
    return f"no deployment passes it: of {plural(len(table.candidates), 'deployment')}, {counts}{denied}; for example {example}"


def _said_in_vain(policy: Policy, engine: Engine, document: YamlDocument | None) -> list[Finding]:
    """Keys that other keys make pointless, whatever the knowledge base says."""
    out: list[Finding] = []

    def add(path: KeyPath, reason: str) -> None:
        out.append(Finding(key=format_key_path(path), kind="contradiction", reason=reason,
                           line=document.line(path) if document is not None else None,
                           file=str(document.path) if document is not None else None))

    excluded_kinds = {k.lower() for k in policy.exclude.provider_kinds}
    if policy.self_hosting is not None:
        if "self-hosted" in excluded_kinds:
            add(("self_hosting",), "says where you would run open weights yourself, but exclude.provider_kinds "
                                   "excludes self-hosted runtimes")
        elif policy.require.open_weights is False:
            add(("self_hosting",), "says where you would run open weights yourself, but require.open_weights "
                                   "is false")
        else:
            runtimes = [
                c for c in engine.candidates if SEL.SelfHostedRuntime in engine.facts.objects(c.provider, SEL.providerKind)
            ]
            left = [c for c in runtimes if c.provider_slug.lower() not in {p.lower() for p in policy.exclude.providers}]
            if runtimes and not left:
                add(("self_hosting",), "says where you would run open weights yourself, but exclude.providers "
                                       "excludes every self-hosted runtime")
    licence, licensee = policy.require.licence, policy.licensee
    if licence is not None and licence.commercial_use and licensee is not None and licensee.use in ("research", "non-production"):
        add(("require", "licence", "commercial_use"),
            f"asks for commercial use, but licensee.use is {licensee.use}")
    return out


def _only_against_exclude(
    policy: Policy, engine: Engine, document: YamlDocument | None
) -> tuple[list[Finding], set[frozenset[str]]]:
    """Allow-list entries that ``exclude`` takes back: each such entry, or the whole list when nothing is left.

    Also the pairs of keys whose clash these findings explain (not reported again as a pair).
    """
    out: list[Finding] = []
    explained: set[frozenset[str]] = set()
    if policy.only is None:
        return out, explained
    vocabulary = engine.vocabulary()

    def add(path: KeyPath, reason: str) -> None:
        out.append(Finding(key=format_key_path(path), kind="contradiction", reason=reason,
                           line=document.line(path) if document is not None else None,
                           file=str(document.path) if document is not None else None))

    for section, noun in (("makers", "maker"), ("providers", "provider")):
        entries = getattr(policy.only, section) or ()
        excluded = {name.lower() for name in getattr(policy.exclude, section)}
        if not entries or not excluded:
            continue
        taken = [
            i for i, entry in enumerate(entries)
            if all(name.lower() in excluded for name in vocabulary.matching(section, entry))
        ]
        if taken:
            explained.add(frozenset((f"only.{section}", f"exclude.{section}")))
        if len(taken) == len(entries):
            add(("only", section), f"every {noun} it allows is excluded by exclude.{section}, so no deployment "
                                   "can pass both")
            continue
        for i in taken:
            add(("only", section, i), f"'{entries[i]}' allows only {section} that exclude.{section} excludes")
    return out, explained


def _unpriced_workload(
    policy: Policy, engine: Engine, table: _Table, rules: tuple[Rule, ...], document: YamlDocument | None
) -> list[Finding]:
    """A workload nothing uses, or one no deployment the other requirements let through has the prices for."""
    if policy.workload is None:
        return []
    where = {"line": document.line(("workload",)) if document is not None else None,
             "file": str(document.path) if document is not None else None}
    if "lowest_workload_cost" not in policy.prefer and policy.require.max_monthly_cost_usd is None:
        return [Finding(key="workload", kind="contradiction", reason="says what a month of use looks like, but "
                        "neither prefer: lowest_workload_cost nor require.max_monthly_cost_usd uses it", **where)]
    # The candidates every other requirement lets through (all of them when none does).
    survivors = set(range(len(table.candidates)))
    for rule in rules:
        if rule.policy_key != "require.max_monthly_cost_usd":
            survivors &= table.possible(rule.id)
    chosen = tuple(table.candidates[i] for i in sorted(survivors)) or table.candidates
    if not chosen or any(e.amount is not None for e in world_estimates(engine, policy.workload, chosen)):
        return []
    return [Finding(key="workload", kind="unsatisfiable", reason=f"no deployment the other requirements let through "
                    f"({plural(len(chosen), 'deployment')}) records both an input and an output price, so its monthly "
                    "cost cannot be estimated for any", **where)]


def _path(policy_key: str) -> KeyPath:
    return tuple(policy_key.split("."))


def _line(document: YamlDocument | None, path: KeyPath) -> int:
    return document.line(path) if document is not None else 0
