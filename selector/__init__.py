"""selector: which LLM deployments a compliance policy allows, with sourced reasons.

The public API: load once with :class:`Selector`, then ``select(policy)`` and
``check(candidate, policy)`` many times; results are frozen models
(:class:`Report` -> :class:`Decision` -> :class:`RuleResult` -> :class:`Evidence`).
"""

from selector.api import Selector
from selector.errors import KnowledgeBaseError, PolicyError, RuleError, SelectorError, UsageError
from selector.policy import Policy
from selector.results import Decision, Evidence, Obligation, Report, RuleResult, Verdict

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
