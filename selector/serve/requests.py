"""Requests to the decision API, read and answered exactly as the CLI answers: the same JSON, the same one-line errors.

Nothing here knows HTTP: each function takes the served state and the request's data
and gives the response text, or raises the SelectorError the CLI would print.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from selector.errors import SelectorError, UsageError
from selector.kb.freshness import parse_date
from selector.policy import Policy
from selector.policy.wording import did_you_mean
from selector.render.json_format import json_text, render_json
from selector.render.tree import render_tree
from selector.serve.state import ServedState

#: The keys each request body may hold.
CHECK_KEYS = ("candidate", "policy", "as_of")
SELECT_KEYS = ("policy", "as_of", "allowed_only")


@dataclass(frozen=True)
class Asked:
    """A request, read: the candidate (if any), the dated policy, and where the policy came from."""

    candidate: str | None
    policy: Policy
    file: str | None
    """The policy's file in the served folder; None for a policy given inline."""
    allowed_only: bool = False


@dataclass(frozen=True)
class Answer:
    """A response body and what the decision log records about it."""

    text: str
    record: dict[str, Any]


def read_body(raw: bytes) -> dict[str, Any]:
    """The request body as a JSON object; UsageError (one line) when it is not one."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise UsageError("the request body is not UTF-8", key="body", hint="send a JSON object") from None
    except json.JSONDecodeError as error:
        raise UsageError(f"the request body is not JSON: {error.msg} at line {error.lineno} column {error.colno}",
                         key="body", hint='send a JSON object, e.g. {"candidate": "...", "policy": "NAME"}') from None
    if not isinstance(data, dict):
        raise UsageError(f"expected a JSON object, got {_kind(data)}", key="body",
                         hint='send a JSON object, e.g. {"candidate": "...", "policy": "NAME"}')
    return data


def read_request(state: ServedState, data: Mapping[str, Any], keys: tuple[str, ...]) -> Asked:
    """Check a request's keys and values and build the dated policy it asks about (raises SelectorError)."""
    for key in data:
        if key not in keys:
            suggestion = did_you_mean(str(key), list(keys))
            raise UsageError("unknown key", key=str(key), hint=suggestion or f"the keys are: {', '.join(keys)}")
    candidate = None
    if "candidate" in keys:
        candidate = data.get("candidate")
        if not isinstance(candidate, str) or not candidate:
            raise UsageError(f"expected a candidate id, got {_kind(candidate)}", key="candidate",
                             hint="write MODEL@PROVIDER/DEPLOYMENT, e.g. claude-sonnet-4.6@aws-bedrock/eu-central-1")
    policy, file = read_policy(state, data.get("policy"))
    allowed_only = data.get("allowed_only", False)
    if not isinstance(allowed_only, bool):
        raise UsageError(f"expected true or false, got {_kind(allowed_only)}", key="allowed_only")
    as_of = read_as_of(data.get("as_of"))
    if as_of is not None:
        policy = policy.on(as_of)
    return Asked(candidate, state.selector.engine.dated(policy), file, allowed_only)


def read_policy(state: ServedState, value: Any) -> tuple[Policy, str | None]:
    """The policy a request names (a file in the served folder, and that file) or gives inline (and None)."""
    if isinstance(value, str):
        return state.policy(value), state.files[value]
    if isinstance(value, dict):
        return state.selector.policy(value, name=str(value.get("name", "inline"))), None
    raise UsageError(f"expected a policy name or a policy object, got {_kind(value)}", key="policy",
                     hint="name a policy from GET /v1/policies, or give the policy's keys as an object")


def read_as_of(value: Any) -> date | None:
    """The evaluation date a request gives (``YYYY-MM-DD``), or None for the knowledge base's own date."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise UsageError(f"expected a date, got {_kind(value)}", key="as_of", hint="write YYYY-MM-DD, e.g. 2026-06-30")
    try:
        return parse_date(value)
    except ValueError as error:
        raise UsageError(f"{value!r} is {error}", key="as_of", hint="expected YYYY-MM-DD, e.g. 2026-06-30") from None


def check(state: ServedState, asked: Asked) -> Answer:
    """The decision JSON ``selector check --format json`` prints, and its log record."""
    decision = state.selector.engine.check(asked.candidate, asked.policy)
    text = json_text(decision.model_dump(mode="json"))
    return Answer(text, record(state, asked, decision.candidate.id, decision.outcome))


def select(state: ServedState, asked: Asked) -> Answer:
    """The report JSON ``selector select --format json`` prints (``allowed_only``: without denied decisions)."""
    report = state.selector.engine.select(asked.policy, denied=not asked.allowed_only)
    entry = record(state, asked, None, "allowed" if report.summary.allowed else "denied")
    entry["allowed"] = report.summary.allowed
    return Answer(render_json(report), entry)


def explain(state: ServedState, asked: Asked, fmt: str) -> Answer:
    """The trail as ``selector explain`` prints it (``fmt`` text), or the decision JSON (``fmt`` json)."""
    decision = state.selector.engine.check(asked.candidate, asked.policy)
    policy = asked.policy
    if fmt == "json":
        text = json_text(decision.model_dump(mode="json"))
    else:
        text = render_tree(decision, policy.name, policy.unknown, policy.as_of.isoformat())
    return Answer(text, record(state, asked, decision.candidate.id, decision.outcome))


def record(state: ServedState, asked: Asked, candidate: str | None, outcome: str) -> dict[str, Any]:
    """What the decision log keeps of a decision: enough to replay it with ``selector check --as-of``."""
    entry: dict[str, Any] = {
        "candidate": candidate,
        "policy": {"name": asked.policy.name, "fingerprint": asked.policy.fingerprint},
        "knowledge_base": state.kb_fingerprint,
        "rules": state.rules_fingerprint,
        "as_of": asked.policy.as_of.isoformat(),
        "outcome": outcome,
    }
    if asked.file is None:
        entry["policy"]["inline"] = asked.policy.canonical_data()
    else:
        entry["policy"]["file"] = asked.file
    return entry


def not_found(error: SelectorError) -> bool:
    """Whether an error names something the server does not have (HTTP 404) rather than a malformed request."""
    return isinstance(error, UsageError) and error.problem.startswith(("unknown candidate", "unknown policy"))


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "an empty string" if not value else "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"
