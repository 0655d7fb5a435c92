"""The ``licence_id`` check kind: the weights licence of the model, and of every model it derives from, is one the policy lists.

A model with no weights licence (not open-weight) has none of the listed ones and
fails; a model whose licence, or the licence's id, is not recorded is unknown; so is
a model with several licences not known to be all of them. How the deployment is
reached (hosted or self-hosted) does not matter: the requirement is on the weights.
"""

from __future__ import annotations

from typing import Any, Hashable

from selector.checks.base import CheckContext, CheckKind, Gap, Outcome, base_fields, doubts_about, fmt
from selector.checks.licences import lineage
from selector.kb.facts import Fact
from selector.kb.literals import boolean
from selector.kb.namespaces import SEL
from selector.results import Verdict, worse
from selector.rules import Rule


def check_licence_id(ctx: CheckContext, rule: Rule, required: Any) -> Outcome:
    """Every licence of the model and of the models it derives from has a recorded id among the policy's."""
    fields = base_fields(ctx, " or ".join(required), ctx.candidate.model)
    allowed = {code.casefold() for code in required}
    verdict = Verdict.PASS
    outside: list[str] = []
    problems: list[str] = []
    inside: list[str] = []
    used: list[Fact] = []
    ids: list[str] = []
    for model in lineage(ctx, ctx.candidate.model):
        name = ctx.facts.label(model)
        licences = ctx.facts.values(model, SEL.licence)
        if not licences:
            weights = ctx.facts.values(model, SEL.openWeights)
            if weights and all(boolean(f.object) is False for f in weights):
                used.extend(weights)
                outside.append(rule.phrase("not_open_weight", model=name))
                verdict = Verdict.FAIL
            else:
                problems.append(rule.phrase("no_licence", model=name))
                verdict = worse(verdict, Verdict.UNKNOWN)
            continue
        for doubt in doubts_about(ctx, licences, SEL.licence, strictest=True):
            problems.append(doubt)
            verdict = worse(verdict, Verdict.UNKNOWN)
        for licence in licences:
            used.append(licence)
            spdx = ctx.facts.one(licence.object, SEL.spdxId)
            if spdx is None:
                problems.append(rule.phrase("no_id", model=name, licence=ctx.facts.label(licence.object)))
                verdict = worse(verdict, Verdict.UNKNOWN)
                continue
            used.append(spdx)
            ids.append(str(spdx.object))
            if str(spdx.object).casefold() in allowed:
                inside.append(rule.phrase("listed", model=name, licence=str(spdx.object)))
            else:
                outside.append(rule.phrase("not_listed", model=name, licence=str(spdx.object)))
                verdict = Verdict.FAIL
    fields["value"] = fmt(sorted(set(ids))) if ids else "none recorded"
    fields["detail"] = "; ".join(outside + problems + ([] if outside or problems else inside))
    return Outcome(verdict, fields, tuple(dict.fromkeys(used)))


def sign_licence_id(ctx: CheckContext, rule: Rule) -> Hashable:
    """The model: its licences and those of the models it derives from are all the check reads."""
    return ctx.candidate.model


def model_only(rule: Rule) -> tuple[str, ...]:
    """For kinds that read only the model."""
    return ("model",)


def gaps_licence_id(world: Any, rule: Rule, required: Any, path: tuple, policy: Any) -> list[Gap]:
    """No model of any candidate is under any of the listed ids: no deployment could meet it."""
    facts = world.facts
    models = {c.model for c in world.candidates}
    under = {str(i.object).casefold() for m in models for f in facts.values(m, SEL.licence)
             for i in facts.values(f.object, SEL.spdxId)}
    if not any(code.casefold() in under for code in required):
        return [Gap(path, f"no deployment could meet it: no model in the knowledge base is under {fmt(list(required))}")]
    return []


#: The sentences of the trail, worded in the rule file (``phrases:``), and the fields each may use.
PHRASES = {
    "not_open_weight": ("model",),
    "no_licence": ("model",),
    "no_id": ("model", "licence"),
    "listed": ("model", "licence"),
    "not_listed": ("model", "licence"),
}

LICENCE_ID = CheckKind(
    name="licence_id", needs=(), judges="licence_ids", check=check_licence_id, phrases=PHRASES,
    signature=sign_licence_id, depends_on=model_only, gaps=gaps_licence_id,
)
