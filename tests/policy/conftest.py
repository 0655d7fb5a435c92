"""Fixtures for the policy tests: a small fixed vocabulary and a policy-file writer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from selector.policy import PolicyVocabulary

VOCABULARY = PolicyVocabulary(
    jurisdictions=frozenset({"EU", "EEA", "DE", "FR", "NL", "IE", "US", "CH", "GB", "CN", "NO"}),
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
)


@pytest.fixture
def vocabulary() -> PolicyVocabulary:
    """The fixed vocabulary every policy test checks names against."""
    return VOCABULARY


@pytest.fixture
def write_policy(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write policy text to a file in a temporary folder and return its path."""

    def write(text: str, name: str = "policy.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
