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
  research licensee).

Lint reads the knowledge base through the engine (the same facts, scopes and rules
``select`` uses), so, but for the pointless keys, it has findings exactly when
``select`` would allow nothing. Exit code 0 without findings, 1 with findings, 2
on bad input.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Literal

import click
from pydantic import BaseModel, ConfigDict
from rdflib import URIRef
from rdflib.term import Node

from selector.errors import PolicyError, SelectorError
from selector.kb.facts import boolean, number
from selector.kb.namespaces import RDFS, SEL, SKOS
from selector.results import Verdict
from selector.text import printable
from selector.yamlfile import KeyPath, YamlDocument, format_key_path, read_yaml

if TYPE_CHECKING:
    from selector.kb.candidates import Candidate
    from selector.engine import Engine
    from selector.policy import Policy
    from selector.rules import Rule

__all__ = ["Finding", "lint", "policy"]


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


# ---------------------------------------------------------------------------
# What every deployment could do, rule by rule
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Table:
    """Each active rule's verdict on each candidate, judged on its own."""

    candidates: tuple["Candidate", ...]
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


def _table(engine: "Engine", policy: "Policy", rules: tuple["Rule", ...]) -> _Table:
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
# Could any recorded value meet the requirement? (by check kind)
# ---------------------------------------------------------------------------

_DATA_SCOPES = ("target", "offering", "provider")


def _recorded(engine: "Engine", rule: "Rule", prop: str | None = None) -> list[Node]:
    """Every value of the rule's property stated at any of its scopes, for any candidate (and upstream hop)."""
    from selector.kb.datapath import data_path
    from selector.rules import expand

    predicate = expand(prop or rule.params["property"])
    scopes = rule.params.get("scopes", ["offering"])
    nodes: set[Node] = set()
    for candidate in engine.candidates:
        for scope in scopes:
            nodes.update(_scope_nodes(engine, candidate, scope))
        if rule.params.get("hops") == "all":
            hops, _ = data_path(engine.facts, candidate)
            for hop in hops[1:]:
                nodes.update(n for n in (hop.scope(s) for s in scopes if s in _DATA_SCOPES) if n is not None)
    values: list[Node] = []
    for node in sorted(nodes, key=str):
        values.extend(engine.facts.objects(node, predicate))
    return values


def _scope_nodes(engine: "Engine", candidate: "Candidate", scope: str) -> list[Node]:
    """The nodes a rule scope names for a candidate (one, several, or none)."""
    found = candidate.scope(engine.facts, scope)
    if found is None:
        return []
    return list(found) if isinstance(found, tuple) else [found]


def _names(engine: "Engine", value: Node, broader: bool) -> set[str]:
    """A value's slug (and, with ``broader``, the slugs of everything it is a kind of), lowercased."""
    out: set[str] = set()
    for node in engine.facts.walk(value, SKOS.broader) if broader else (value,):
        slugs = engine.facts.objects(node, SEL.slug)
        out |= {str(s).lower() for s in slugs} or {str(node).rsplit("#", 1)[-1].rsplit("/", 1)[-1].lower()}
    return out


@dataclass(frozen=True)
class _Gap:
    """A requirement (or one item of a list requirement) no recorded value could meet."""

    path: KeyPath
    reason: str


def _numbers(values: Iterable[Node]) -> list[Decimal]:
    return [n for n in (number(v) for v in values) if n is not None]


def _fmt(value: Any) -> str:
    from selector.checks import fmt

    return fmt(value)


def _gaps_at_least(engine, rule, required, path) -> list[_Gap]:
    found = _numbers(_recorded(engine, rule))  # an input cap ("also") only lowers what a window allows
    if found and max(found) < Decimal(str(required)):
        return [_Gap(path, f"no deployment could meet it: the largest {_what(engine, rule)} recorded is "
                           f"{_fmt(max(found))}, less than {_fmt(required)}")]
    return []


def _gaps_at_most(engine, rule, required, path) -> list[_Gap]:
    found = _numbers(_recorded(engine, rule))
    if found and min(found) > Decimal(str(required)):
        return [_Gap(path, f"no deployment could meet it: the smallest {_what(engine, rule)} recorded is "
                           f"{_fmt(min(found))}, more than {_fmt(required)}")]
    return []


def _gaps_equals(engine, rule, required, path) -> list[_Gap]:
    flags = {boolean(v) for v in _recorded(engine, rule)} - {None}
    if flags and required not in flags:
        return [_Gap(path, f"no deployment could meet it: every deployment that records {_what(engine, rule)} "
                           f"records {_fmt(sorted(flags)[0])}")]
    return []


def _gaps_flag(engine, rule, required, path) -> list[_Gap]:
    return _gaps_equals(engine, rule, required, path)


def _gaps_one_of(engine, rule, required, path) -> list[_Gap]:
    if required is False:
        return []
    from selector.rules import expand

    accepted = {expand(a) for a in rule.params.get("accepted", [])}
    if not any(v in accepted for v in _recorded(engine, rule)):
        return [_Gap(path, f"no deployment could meet it: no {_what(engine, rule)} at an accepted level is recorded")]
    return []


def _gaps_includes_all(engine, rule, required, path) -> list[_Gap]:
    held: set[str] = set()
    for value in _recorded(engine, rule):
        held |= _names(engine, value, bool(rule.params.get("broader")))
    out = []
    for index, item in enumerate(required):
        if str(item).lower() not in held:
            out.append(_Gap(path + (index,), f"no deployment could meet it: no deployment records the "
                                              f"{_what(engine, rule)} {item}"))
    return out


def _gaps_price(engine, rule, required, path) -> list[_Gap]:
    out = []
    for side in ("input", "output"):
        cap = getattr(required, side, None)
        if cap is None:
            continue
        prices = _numbers(_recorded(engine, rule, rule.params[f"{side}_property"]))
        if prices and min(prices) > Decimal(str(cap)):
            out.append(_Gap(path + (side,), f"no deployment could meet it: the lowest {side} price recorded is "
                                            f"${_fmt(min(prices))} per million tokens, more than ${_fmt(cap)}"))
    return out


def _gaps_data_location(engine, rule, required, path, policy) -> list[_Gap]:
    """Residency: no recorded processing place lies inside the jurisdiction, and self-hosting does not either."""
    places = engine.places
    allowed = tuple(p for p in (places.resolve(code) for code in required) if p is not None)
    if not allowed:
        return []
    recorded: set[Node] = set()
    for candidate in engine.candidates:
        for scope in _DATA_SCOPES:
            for node in _scope_nodes(engine, candidate, scope):
                recorded.update(engine.facts.objects(node, SEL.processingIn))
    for place in recorded:
        if isinstance(place, URIRef) and places.place_within(place, allowed).verdict is not Verdict.FAIL:
            return []
    self_hosted = [c for c in engine.candidates if engine.facts.has_type(c.target, SEL.SelfHostedTarget)]
    if self_hosted and _self_hosting_could_be_inside(engine, policy, allowed):
        return []
    names = " or ".join(required)
    where = "; self_hosting is not inside it either" if self_hosted and policy.self_hosting else ""
    return [_Gap(path, f"no deployment could meet it: no processing location recorded in the knowledge base "
                       f"lies inside {names}{where}")]


def _self_hosting_could_be_inside(engine, policy, allowed) -> bool:
    choice = policy.self_hosting
    if choice is None:
        return True  # unknown until the policy says where: it could be inside
    places = []
    if choice.jurisdiction:
        places.append(engine.places.resolve(choice.jurisdiction))
    places += [engine.regions.get(code) for code in choice.regions or ()]
    return any(p is None or engine.places.place_within(p, allowed).verdict is not Verdict.FAIL for p in places)


_GAPS: dict[str, Callable[..., list[_Gap]]] = {
    "at_least": _gaps_at_least,
    "at_most": _gaps_at_most,
    "equals": _gaps_equals,
    "flag_at_target": _gaps_flag,
    "one_of": _gaps_one_of,
    "includes_all": _gaps_includes_all,
    "price_cap": _gaps_price,
}


def _what(engine: "Engine", rule: "Rule") -> str:
    """What the rule's property is called: its label in the ontology, else its name in words."""
    import re

    from selector.rules import expand

    prop = rule.params.get("property")
    if not isinstance(prop, str):
        return rule.title[0].lower() + rule.title[1:] if rule.title else rule.id
    label = engine.facts.one(expand(prop), RDFS.label)
    if label is not None:
        return str(label.object)
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", prop.partition(":")[2]).lower()


# ---------------------------------------------------------------------------
# The whole policy
# ---------------------------------------------------------------------------


def lint(policy: "Policy", engine: "Engine", *, document: YamlDocument | None = None) -> tuple[Finding, ...]:
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
    from selector.policy import policy_value

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

    open_rules = [r for r in rules if r.id not in blocked]
    clashing = False
    for first, second in combinations(open_rules, 2):
        if not table.possible(first.id) & table.possible(second.id):
            clashing = True
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
    return tuple(sorted(findings, key=lambda f: (f.line or 0, f.key, f.reason)))


def _gaps(engine: "Engine", rule: "Rule", required: Any, path: KeyPath, policy: "Policy") -> list[_Gap]:
    """Why no recorded value could meet the requirement, where the rule's kind says how to tell."""
    try:
        if rule.kind == "data_location":
            return _gaps_data_location(engine, rule, required, path, policy)
        if rule.kind in _GAPS and required is not None:
            return _GAPS[rule.kind](engine, rule, required, path)
    except (KeyError, TypeError, AttributeError):
        pass  # an organisation's rule with parameters lint does not read: the generic reason applies
    return []


def _generic(table: _Table, rule: "Rule") -> str:
    """The reason when no value analysis applies: the verdict counts and one example."""
    first = next(i for i, v in enumerate(table.verdicts[rule.id]) if v is not Verdict.PASS)
    example = f"{table.candidates[first].id}: {table.reasons[rule.id][first]}"
    counts = table.counts(rule.id)
    denied = "" if table.unknown_allows or "unknown" not in counts else " (unknown: fail denies the unknown ones)"
    return f"no deployment passes it: of {_plural(len(table.candidates), 'deployment')}, {counts}{denied}; for example {example}"


def _said_in_vain(policy: "Policy", engine: "Engine", document: YamlDocument | None) -> list[Finding]:
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
            runtimes = [c for c in engine.candidates if SEL.SelfHostedRuntime in engine.facts.objects(c.provider, SEL.providerKind)]
            left = [c for c in runtimes if c.provider_slug.lower() not in {p.lower() for p in policy.exclude.providers}]
            if runtimes and not left:
                add(("self_hosting",), "says where you would run open weights yourself, but exclude.providers "
                                       "excludes every self-hosted runtime")
    licence, licensee = policy.require.licence, policy.licensee
    if licence is not None and licence.commercial_use and licensee is not None and licensee.use in ("research", "non-production"):
        add(("require", "licence", "commercial_use"),
            f"asks for commercial use, but licensee.use is {licensee.use}")
    return out


def _path(policy_key: str) -> KeyPath:
    return tuple(policy_key.split("."))


def _line(document: YamlDocument | None, path: KeyPath) -> int:
    return document.line(path) if document is not None else 0


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# ---------------------------------------------------------------------------
# The command (registered in selector.cli as ``selector policy``)
# ---------------------------------------------------------------------------


@click.group("policy")
def policy() -> None:
    """Check policy files before using them."""


@policy.command("lint")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--kb", "kb", multiple=True, type=click.Path(path_type=Path), metavar="FILE",
              help="An overlay Turtle/TriG file on top of the shipped knowledge base (repeatable).")
@click.option("--rules", "rules", multiple=True, type=click.Path(path_type=Path), metavar="DIR",
              help="A folder of your organisation's own rule files (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def lint_command(file: Path, kb: tuple[Path, ...], rules: tuple[Path, ...], fmt: str) -> None:
    """Find requirements no deployment could meet, and requirements that exclude each other.

    One line per finding (FILE:LINE: key: reason), then a summary line.
    Exit code 0: no findings; 1: findings; 2: the policy (or knowledge base) cannot be read.

    \b
    Examples:
      selector policy lint policy.yaml
      selector policy lint policy.yaml --kb contracts/acme-zdr.trig --format json
    """
    from selector.api import Selector
    from selector.render.json_format import json_text

    try:
        selector = Selector(overlays=kb, rules_dirs=rules)
        loaded = selector.load_policy(file)
        document = read_yaml(file, error=PolicyError)
        findings = lint(loaded, selector.engine, document=document)
    except SelectorError as error:
        click.echo(f"selector: {error.one_line()}", err=True)
        raise SystemExit(2) from None
    if fmt == "json":
        click.echo(json_text([f.model_dump(mode="json") for f in findings]), nl=False)
    else:
        for finding in findings:
            click.echo(finding.one_line())
        if findings:
            click.echo(printable(f"{_plural(len(findings), 'finding')} in {file}"))
        else:
            click.echo(printable(f"no findings: every requirement in {file} can be met by some deployment"))
    raise SystemExit(1 if findings else 0)
