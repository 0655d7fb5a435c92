"""The knowledge base: loading base and overlay layers, validating them, and summarising them.

``load`` reads the layers; ``facts`` compiles them into the index every check reads;
``namespaces`` names the terms; ``places`` is the location graph; ``candidates`` and
``datapath`` are the deployments and the hops their data crosses; ``validate``,
``lengths`` and ``stats`` check and describe a base; ``catalog`` imports public
catalogs. Loading and statistics are imported eagerly; validation (SHACL) only when
first used.
"""

import importlib

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
    # Validation is imported on first use, not with the package, to keep start-up fast.
    if name in _LAZY:
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
