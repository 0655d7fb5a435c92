"""Shared test options and fixtures."""

from __future__ import annotations

import os
import tempfile

import pytest

from selector.policy import PolicyVocabulary

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


VOCABULARY = PolicyVocabulary(
    jurisdictions=frozenset({"EU", "EEA", "DE", "FR", "NL", "IE", "US", "CH", "GB", "CN", "NO"}),
    models=frozenset({"claude-sonnet-4.5", "claude-sonnet-4.6", "claude-opus-4.6", "gpt-5", "gemini-2.5-pro"}),
    makers=frozenset({"anthropic", "openai", "google", "mistral", "meta", "alibaba", "deepseek"}),
    providers=frozenset(
        {
            "anthropic-api",
            "openai-api",
            "aws-bedrock",
            "azure-openai",
            "google-vertex",
            "mistral-api",
            "openrouter",
            "together-ai",
            "self-hosted",
        }
    ),
    provider_kinds=frozenset({"maker-api", "cloud-platform", "aggregator", "inference-host", "self-hosted"}),
    modalities=frozenset({"text", "image", "audio", "video", "pdf"}),
    certifications=frozenset({"ISO27001", "ISO27701", "SOC2", "SOC2Type2", "HIPAA", "C5"}),
    regions=frozenset({"eu-central-1", "eu-west-1", "us-east-1", "europe-west4", "westeurope"}),
    licences=frozenset({"Apache-2.0", "MIT", "LicenseRef-Llama-4-Community"}),
    precisions=frozenset({"fp32", "bf16", "fp16", "fp8", "int8", "mxfp4", "fp4", "int4"}),
)


@pytest.fixture
def vocabulary() -> PolicyVocabulary:
    """The fixed vocabulary every policy test checks names against."""
    return VOCABULARY
