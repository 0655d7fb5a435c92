"""selector: which LLM deployments a compliance policy allows, with sourced reasons.

The public API: load once with :class:`Selector`, then ``select(policy)`` and
``check(candidate, policy)`` many times; results are frozen models
(:class:`Report` -> :class:`Decision` -> :class:`RuleResult` -> :class:`Evidence`).
"""

import importlib

from selector.errors import KnowledgeBaseError, PolicyError, RuleError, SelectorError, UsageError

_LAZY = {
    "Selector": "selector.api",
    "Policy": "selector.policy",
    "Report": "selector.results",
    "Decision": "selector.results",
    "RuleResult": "selector.results",
    "Evidence": "selector.results",
    "Obligation": "selector.results",
    "Verdict": "selector.results",
}


def __getattr__(name: str):
    # The API is imported on first use, so the command line starts without it.
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(name)


__all__ = [
    "Selector",
    "Policy",
    "Report",
    "Decision",
    "RuleResult",
    "Evidence",
    "Obligation",
    "Verdict",
    "SelectorError",
    "PolicyError",
    "RuleError",
    "KnowledgeBaseError",
    "UsageError",
]
