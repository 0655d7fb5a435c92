"""The ``lifecycle_status`` check kind: a deployment is not retired (every policy), or is active (``lifecycle: active``).

The rule's ``check.deny`` says what fails: ``retired`` (the rule every policy runs:
a retirement date on or before the evaluation date, or a status that says retired)
or ``deprecated`` (``require.lifecycle: active``: deprecated and retired fail, and a
deployment whose status is not recorded is unknown). The evaluation date is the
policy's ``as_of``, which the engine always sets (``--as-of``, else the knowledge
base's own date).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Hashable

from selector.checks.base import CheckContext, CheckKind, Gap, Outcome, base_fields
from selector.kb.lifecycle import LifecycleFacts, lifecycle_facts
from selector.results import Verdict
from selector.rules import Rule


def evaluation_date(ctx: CheckContext) -> date:
    """The date the policy is evaluated on (the engine sets it on every policy it decides)."""
    when = getattr(ctx.policy, "as_of", None)
    if when is None:
        raise ValueError("internal error: a policy reached the lifecycle check without an evaluation date")
    return when


def _fields(ctx: CheckContext, rule: Rule, required: Any, life: LifecycleFacts, when: date) -> dict[str, str]:
    fields = base_fields(ctx, "active" if rule.params["deny"] == "deprecated" else "not retired", None)
    status = life.status_on(when)
    fields["value"] = status or "unknown"
    parts = []
    if life.deprecated_on is not None:
        parts.append(f"deprecated on {life.deprecated_on.isoformat()}")
    if life.retires_on is not None:
        parts.append(f"retires on {life.retires_on.isoformat()}")
    if life.stated_status is not None and life.status_fact is not None:
        parts.append(f"status {life.stated_status} stated for {ctx.facts.label(life.status_fact.subject)}")
    fields["detail"] = ", ".join(parts) or "no lifecycle recorded"
    return fields


def check_lifecycle(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """Whether the deployment is retired (or, denying deprecated too, not active) on the evaluation date."""
    when = evaluation_date(ctx)
    life = lifecycle_facts(ctx.facts, ctx.candidate)
    status = life.status_on(when)
    fields = _fields(ctx, rule, required, life, when)
    used = life.deciding_facts(when)
    if status == "retired":
        return Outcome(Verdict.FAIL, fields, used)
    if life.unreadable:
        fields["detail"] += "; a lifecycle value cannot be read"
        return Outcome(Verdict.UNKNOWN, fields, used + life.unreadable)
    if rule.params["deny"] == "retired":
        return Outcome(Verdict.PASS, fields, used)
    if status == "deprecated":
        return Outcome(Verdict.FAIL, fields, used)
    if life.unreadable_deprecation:
        fields["detail"] += "; a deprecation date cannot be read"
        return Outcome(Verdict.UNKNOWN, fields, used + life.unreadable_deprecation)
    if status is None:
        return Outcome(Verdict.UNKNOWN, fields, used)
    return Outcome(Verdict.PASS, fields, used)


def sign_lifecycle(ctx: CheckContext, rule: Rule) -> Hashable:
    """What the verdict depends on: the stated status, the dates, and whether a value is unreadable."""
    life = lifecycle_facts(ctx.facts, ctx.candidate)
    return (life.stated_status, life.deprecated_on, life.retires_on, bool(life.unreadable),
            bool(life.unreadable_deprecation))


def gaps_lifecycle(world: Any, rule: Rule, required: Any, path: tuple, policy: Any) -> list[Gap]:
    """``lifecycle: active`` can be met only if some deployment's status is recorded as active."""
    if rule.params["deny"] != "deprecated":
        return []
    for candidate in world.candidates:
        if lifecycle_facts(world.facts, candidate).stated_status == "active":
            return []
    return [Gap(path, "no deployment's status is recorded as active")]


LIFECYCLE = CheckKind(
    name="lifecycle_status", needs=("deny",), judges="status", check=check_lifecycle,
    signature=sign_lifecycle, depends_on=lambda rule: ("offering", "target"), gaps=gaps_lifecycle,
)
