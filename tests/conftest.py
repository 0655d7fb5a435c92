"""Shared test options and fixtures."""

from __future__ import annotations

import os
import tempfile

import pytest

# Compiled engines are cached in a folder of the test run's own, never the user's.
os.environ.setdefault("SELECTOR_CACHE_DIR", tempfile.mkdtemp(prefix="selector-test-cache-"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite the golden outputs under tests/golden/ from the current code (review the diff)",
    )


@pytest.fixture(scope="session")
def update_goldens(request: pytest.FixtureRequest) -> bool:
    """Whether golden files are rewritten instead of compared."""
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(scope="session")
def shipped():
    """The shipped knowledge base and rules, compiled once for the whole session."""
    from selector.api import Selector

    return Selector()
