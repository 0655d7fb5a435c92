"""The knowledge base: loading base and overlay layers, validating them, and summarising them."""

from selector.kb.load import (
    ONTOLOGY_GRAPH,
    KnowledgeBase,
    Quad,
    Source,
    load_knowledge_base,
)
from selector.kb.stats import KnowledgeBaseStats, stats
from selector.kb.validate import ValidationReport, Violation, check, validate

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
