"""The knowledge base: loading base and overlay layers, validating them, and summarising them.

Loading and statistics are imported eagerly; validation (SHACL) only when first used.
"""

from selector.kb.load import (
    ONTOLOGY_GRAPH,
    KnowledgeBase,
    Quad,
    Source,
    load_knowledge_base,
)
from selector.kb.stats import KnowledgeBaseStats, stats

_LAZY = {
    "ValidationReport": "selector.kb.validate",
    "Violation": "selector.kb.validate",
    "check": "selector.kb.validate",
    "validate": "selector.kb.validate",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module = importlib.import_module(_LAZY[name])
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(name)


__all__ = [
    "ONTOLOGY_GRAPH",
    "KnowledgeBase",
    "KnowledgeBaseStats",
    "Quad",
    "Source",
    "ValidationReport",
    "Violation",
    "check",
    "load_knowledge_base",
    "stats",
    "validate",
]
