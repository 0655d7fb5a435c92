"""Rules as data: loading the rule files in ``rules/`` (and an organisation's own) against the rule schema."""

from __future__ import annotations

import difflib
import functools
import json
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Protocol, Sequence

from rdflib import URIRef

from selector.errors import RuleError
from selector.kb.namespaces import PREFIXES, term
from selector.paths import rules_dir
from selector.policy import value_kind
from selector.yamlfile import read_yaml

_SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "rule.schema.json"

#: The fields a rule's message and remedy templates may use.
TEMPLATE_FIELDS = frozenset(
    {"candidate", "model", "provider", "deployment", "subject", "value", "required", "missing", "detail", "date"}
)


@dataclass(frozen=True)
class Rule:
    """One rule: what a policy key means on the graph, and the words the trail uses for it."""

    id: str
    policy_key: str
    active_when: tuple[str, ...]
    title: str
    description: str
    kind: str
    params: Mapping[str, Any]
    messages: Mapping[str, str]
    remedy: Mapping[str, str]
    phrases: Mapping[str, str]
    references: tuple[str, ...]
    parameter_schema: Mapping[str, Any] | None
    file: str

    @property
    def always(self) -> bool:
        """Whether the rule applies under every policy (``active_when: [always]``), whatever it sets."""
        return "always" in self.active_when

    def message(self, verdict: str, fields: Mapping[str, str]) -> str:
        """The one-line reason for a verdict, filled from the check's fields."""
        return _fill(self.messages[verdict], fields)

    def phrase(self, name: str, **fields: object) -> str:
        """One sentence of the trail, worded in the rule file's ``phrases``, filled with its fields."""
        return self.phrases[name].format_map(fields)

    def remedy_for(self, verdict: str, fields: Mapping[str, str]) -> str | None:
        """What would have to change for a failing or unknown result to pass."""
        template = self.remedy.get(verdict)
        return _fill(template, fields) if template else None


def rule_schema() -> dict:
    """The JSON Schema every rule file is checked against."""
    return json.loads(_SCHEMA_PATH.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=4096)
def expand(name: str) -> URIRef:
    """A prefixed name from a rule file (``sel:contextWindow``) as an IRI."""
    prefix, _, local = name.partition(":")
    for known, namespace in PREFIXES:
        if known == prefix:
            return term(namespace + local)
    raise KeyError(name)


class Kind(Protocol):
    """What loading a rule reads of its check kind (``selector.checks.CheckKind``)."""

    needs: tuple[str, ...]
    judges: str
    phrases: Mapping[str, tuple[str, ...]]


def load_rules(extra_dirs: Sequence[Path] = (), *, kinds: Mapping[str, Kind]) -> tuple[Rule, ...]:
    """The shipped rules plus those in each extra directory, sorted by id.

    ``kinds`` are the check kinds a rule may name (``selector.checks.KINDS``).

    Raises RuleError (one line, naming file, line and key) for a file that does not
    match the rule schema, names an unknown check kind, or repeats an id.
    """
    import jsonschema  # imported here, not at the top, to keep start-up fast: a cached engine holds its rules

    validator = jsonschema.Draft202012Validator(rule_schema())
    found: dict[str, Rule] = {}
    for directory in (rules_dir(), *extra_dirs):
        if not directory.is_dir():
            raise RuleError("not a directory of rule files", file=directory, key="--rules")
        for path in sorted(directory.glob("*.yaml")):
            rule, document = _load_rule(path, validator, kinds)
            if rule.id in found:
                raise RuleError(
                    f"rule id '{rule.id}' is already defined in {found[rule.id].file}",
                    file=path,
                    line=1,
                    key="id",
                    hint="give the rule file another name",
                )
            _check_phrases(path, document, rule, kinds[rule.kind])
            found[rule.id] = rule
    return tuple(found[k] for k in sorted(found))


def _load_rule(path: Path, validator, kinds: Mapping[str, Kind]) -> tuple[Rule, Any]:
    document = read_yaml(path, error=RuleError)
    data = document.data
    if not isinstance(data, dict):
        raise RuleError("expected a mapping of rule fields", file=path, line=1)
    kind = data.get("check", {}).get("kind") if isinstance(data.get("check"), dict) else None
    if isinstance(kind, str) and kind not in kinds:
        raise RuleError(
            f"unknown check kind '{kind}'",
            file=path,
            line=document.line(("check", "kind")),
            key="check.kind",
            hint="valid kinds: " + ", ".join(sorted(kinds)),
        )
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(e.absolute_path), e.message))
    if errors:
        error = errors[0]
        keypath = tuple(error.absolute_path)
        problem, hint = _schema_problem(error), None
        unexpected = _unexpected_keys(error)
        if unexpected:
            keypath += (unexpected[0],)
            allowed = sorted(error.schema.get("properties", {}))
            if keypath[0] == "parameter":
                problem = "not allowed in a rule's parameter schema"
                hint = ("$ref, pattern and format are refused (nothing is fetched, nothing can take exponential "
                        "time); allowed: " + ", ".join(allowed))
            else:
                problem = "unknown key"
                close = difflib.get_close_matches(str(unexpected[0]), allowed, n=1)
                hint = f"did you mean '{close[0]}'?" if close else "valid keys: " + ", ".join(allowed)
        raise RuleError(
            problem,
            file=path,
            line=document.line(keypath),
            key=".".join(str(k) for k in keypath) or None,
            hint=hint,
        )
    if data["id"] != path.stem:
        raise RuleError(
            f"id '{data['id']}' differs from the file name",
            file=path,
            line=document.line(("id",)),
            key="id",
            hint=f"name the file {data['id']}.yaml or set id: {path.stem}",
        )
    for section in ("messages", "remedy"):
        for verdict, template in data.get(section, {}).items():
            problem = _template_problem(template)
            if problem:
                raise RuleError(
                    problem,
                    file=path,
                    line=document.line((section, verdict)),
                    key=f"{section}.{verdict}",
                    hint="fields: " + ", ".join(sorted(TEMPLATE_FIELDS)),
                )
    params = dict(data["check"])
    params.pop("kind")
    for key, value in params.items():
        if key not in _TERM_PARAMS:
            continue
        names = value if isinstance(value, list) else [value]
        for name in names:
            if isinstance(name, str):
                try:
                    expand(name)
                except KeyError:
                    raise RuleError(
                        f"unknown prefix in '{name}'" if ":" in name else f"'{name}' is not a prefixed name",
                        file=path,
                        line=document.line(("check", key)),
                        key=f"check.{key}",
                        hint="known prefixes: " + ", ".join(p for p, _ in PREFIXES),
                    ) from None
    _check_fit(path, document, data, kind, kinds[kind], params)
    return Rule(
        id=data["id"],
        policy_key=data["policy_key"],
        active_when=tuple(data.get("active_when", [data["policy_key"]])),
        title=data["title"],
        description=data["description"].strip(),
        kind=kind,
        params=params,
        messages=dict(data["messages"]),
        remedy=dict(data.get("remedy", {})),
        phrases=dict(data.get("phrases", {})),
        references=tuple(data.get("references", [])),
        parameter_schema=data.get("parameter"),
        file=str(path),
    ), document


#: Check parameters whose values are terms of the ontology, written as prefixed names.
_TERM_PARAMS = frozenset(
    {"property", "at_property", "input_property", "output_property", "multiplier_property", "also", "accepted"}
)

_SCHEMA_TYPES = {"number": "number", "integer": "number", "boolean": "boolean", "array": "list"}


def _check_fit(path: Path, document, data: dict, kind: str, spec: Kind, params: dict) -> None:
    """Refuse a rule whose check lacks a parameter its kind needs, or whose kind cannot judge its key's value."""
    judges = spec.judges
    for name in spec.needs:
        if name not in params:
            raise RuleError(
                f"check kind '{kind}' needs '{name}'",
                file=path,
                line=document.line(("check",)),
                key="check",
                hint=f"add check.{name}",
            )
    key = data["policy_key"]
    # A built-in key's kind of value is its field's in the policy model; any exclude key is a list.
    takes = value_kind(key) or ("list" if key.startswith("exclude.") else None)
    if takes is None and key.count(".") > 1:
        raise RuleError(
            "a key inside a mapping must name a field of a built-in policy mapping",
            file=path,
            line=document.line(("policy_key",)),
            key="policy_key",
            hint="a rule for a key of its own names it require.KEY",
        )
    if takes is None:
        takes = _SCHEMA_TYPES.get(str((data.get("parameter") or {}).get("type")), "")
        if not takes:
            raise RuleError(
                "a rule for a key of its own needs a parameter schema with a type",
                file=path,
                line=document.line(("policy_key",)),
                key="parameter",
                hint="e.g. parameter: {type: number, minimum: 0}",
            )
    if takes != judges:
        raise RuleError(
            f"check kind '{kind}' judges a {judges} value, but {key} takes a {takes} value",
            file=path,
            line=document.line(("check", "kind")),
            key="check.kind",
            hint="choose a kind for this kind of value",
        )


def _check_phrases(path: Path, document, rule: Rule, kind: Kind) -> None:
    """Refuse a rule whose ``phrases`` do not fit its check kind.

    A phrase the kind words its trail with is missing, a phrase the kind does not have
    is named, or a template uses a field its phrase does not have.
    """
    for name in kind.phrases:
        if name not in rule.phrases:
            raise RuleError(
                f"check kind '{rule.kind}' needs the phrase '{name}'",
                file=path,
                line=document.line(("phrases",)) if "phrases" in document.data else document.line(("check",)),
                key="phrases",
                hint=f"add phrases.{name}" + (f" (fields: {', '.join(kind.phrases[name])})" if kind.phrases[name] else ""),
            )
    for name, template in rule.phrases.items():
        fields = kind.phrases.get(name)
        if fields is None:
            known = sorted(kind.phrases)
            close = difflib.get_close_matches(name, known, n=1)
            raise RuleError(
                "unknown phrase",
                file=path,
                line=document.line(("phrases", name)),
                key=f"phrases.{name}",
                hint=f"did you mean '{close[0]}'?" if close else
                ("phrases: " + ", ".join(known) if known else f"check kind '{rule.kind}' words no phrases"),
            )
        problem = _template_problem(template, frozenset(fields))
        if problem:
            raise RuleError(
                problem,
                file=path,
                line=document.line(("phrases", name)),
                key=f"phrases.{name}",
                hint="fields: " + (", ".join(fields) or "none"),
            )


def _unexpected_keys(error) -> list[str]:
    """The keys an ``additionalProperties: false`` error is about, in sorted order."""
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return []
    known = error.schema.get("properties", {})
    return sorted(key for key in error.instance if key not in known)


def _schema_problem(error) -> str:
    if error.validator == "additionalProperties":
        return "unknown key; " + error.message.split("(")[-1].rstrip(")")
    if error.validator == "required":
        return error.message.replace("'", "", 0)
    return error.message if len(error.message) < 200 else error.message[:200] + "..."


def _template_problem(template: str, allowed: frozenset[str] = TEMPLATE_FIELDS) -> str | None:
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        return f"bad template: {exc}"
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in allowed or spec or conversion:
            return f"template field '{{{field}}}' is not allowed"
    return None


def _fill(template: str, fields: Mapping[str, str]) -> str:
    values = {name: fields.get(name, "") for name in TEMPLATE_FIELDS}
    return " ".join(template.format_map(values).split())
