"""Fixtures for the knowledge-base tests: a small base folder to copy and break, and the shipped base."""

from __future__ import annotations

from pathlib import Path

import pytest

from selector.kb import KnowledgeBase, ValidationReport, check, load_knowledge_base

from .support import make_base


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """A fresh, valid copy of the minimal knowledge base."""
    return make_base(tmp_path)


@pytest.fixture(scope="session")
def shipped_kb() -> KnowledgeBase:
    """The shipped knowledge base, loaded once."""
    return load_knowledge_base()


@pytest.fixture(scope="session")
def shipped_report(shipped_kb: KnowledgeBase) -> ValidationReport:
    """The shipped knowledge base, validated once (pySHACL is slow)."""
    return check(shipped_kb)
