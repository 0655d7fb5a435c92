"""The shipped knowledge base: it passes its own shapes, and it holds every system the seeds name."""

from __future__ import annotations

from collections import defaultdict

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF, RDFS

from selector.kb import KnowledgeBase, ValidationReport, stats
from selector.kb.load import ONTOLOGY_GRAPH
from selector.kb.namespaces import SEL

SEED_MODELS = [
    "claude-opus-4.6", "claude-sonnet-4.6", "claude-opus-4.5", "claude-sonnet-4.5",
    "claude-opus-4.1", "claude-opus-4", "claude-sonnet-4", "gpt-5.2", "gpt-5", "gpt-4o", "o3",
    "gemini-3-pro", "gemini-2.5-pro", "gemini-2.5-flash", "gemini-1.5-pro", "grok-4.1",
    "deepseek-v3.2", "deepseek-v3", "llama-4-scout", "llama-4-maverick", "llama-3.1-405b",
    "llama-3.2-11b-vision|llama-3.2-90b-vision", "mistral-large-2407", "mistral-large-3",
    "qwen3-235b", "qwen3-coder", "kimi-k2", "kimi-k2.5", "glm-4.5", "glm-4.7", "command-r-plus",
]  # fmt: skip
SEED_ORGANISATIONS = [
    "anthropic", "openai", "google", "xai", "deepseek", "meta", "mistral-ai", "alibaba",
    "moonshot-ai", "zhipu-ai", "cohere",
]  # fmt: skip
SEED_PROVIDERS = [
    "anthropic-api", "openai-api", "gemini-api", "vertex-ai", "azure-openai", "aws-bedrock",
    "openrouter", "together-ai", "groq", "fireworks-ai", "mistral-api", "deepseek-api", "xai-api",
    "cohere-api", "ollama", "lm-studio", "vllm", "tgi", "llama-cpp",
]  # fmt: skip
SEED_TARGETS = [
    ("azure-openai", "datazone-eu"), ("azure-openai", "global"),
    ("aws-bedrock", "eu-profile"), ("aws-bedrock", "us-profile"), ("aws-bedrock", "global-profile"),
    ("vertex-ai", "eu"), ("vertex-ai", "global"), ("openai-api", "eu"),
]  # fmt: skip

ORG = "https://w3id.org/selector/kb/org/"


class Catalogue:
    """Slugs of the shipped models, providers and targets, and the shipped organisations."""

    def __init__(self, knowledge_base: KnowledgeBase) -> None:
        subclasses: dict[URIRef, set[URIRef]] = defaultdict(set)
        for s, _, o in knowledge_base.dataset.graph(ONTOLOGY_GRAPH).triples((None, RDFS.subClassOf, None)):
            subclasses[o].add(s)
        typed: dict[URIRef, set] = defaultdict(set)
        slug: dict = {}
        provider: dict = {}
        for s, p, o, g in knowledge_base.dataset.quads((None, None, None, None)):
            if g == ONTOLOGY_GRAPH:
                continue
            if p == RDF.type:
                typed[o].add(s)
            elif p == SEL.slug:
                slug[s] = str(o)
            elif p == SEL.provider:
                provider[s] = o

        def members(cls: URIRef) -> set:
            found = set(typed[cls])
            for sub in subclasses[cls]:
                found |= members(sub)
            return found

        self.models = {slug[m] for m in members(SEL.Model) if m in slug}
        self.providers = {slug[p] for p in members(SEL.Provider) if p in slug}
        self.organisations = {
            str(o)[len(ORG):] for o in members(SEL.Organisation) if str(o).startswith(ORG)
        }
        self.targets = {
            (slug[provider[t]], slug[t])
            for t in members(SEL.DeploymentTarget)
            if t in slug and t in provider and provider[t] in slug
        }


@pytest.fixture(scope="module")
def catalogue(shipped_kb: KnowledgeBase) -> Catalogue:
    """What the shipped knowledge base names."""
    return Catalogue(shipped_kb)


def test_shipped_base_is_valid(shipped_report: ValidationReport) -> None:
    lines = "\n".join(v.one_line() for v in shipped_report.violations)
    assert shipped_report.violations == (), f"{shipped_report.summary()}:\n{lines}"


def test_shipped_base_has_no_unsourced_facts(shipped_kb: KnowledgeBase) -> None:
    assert stats(shipped_kb).unsourced_facts == 0


def test_shipped_base_has_facts_and_sources(shipped_kb: KnowledgeBase) -> None:
    summary = stats(shipped_kb)
    assert summary.facts > 0 and summary.counts["sources"] > 0
    assert all(source.as_of is not None for source in shipped_kb.sources.values())


@pytest.mark.parametrize("slugs", SEED_MODELS)
def test_seed_model_is_shipped(catalogue: Catalogue, slugs: str) -> None:
    assert set(slugs.split("|")) & catalogue.models, f"no model with slug {slugs}"


@pytest.mark.parametrize("slug", SEED_ORGANISATIONS)
def test_seed_organisation_is_shipped(catalogue: Catalogue, slug: str) -> None:
    assert slug in catalogue.organisations, f"no organisation party:{slug}"


@pytest.mark.parametrize("slug", SEED_PROVIDERS)
def test_seed_provider_is_shipped(catalogue: Catalogue, slug: str) -> None:
    assert slug in catalogue.providers, f"no provider with slug {slug}"


@pytest.mark.parametrize(("provider", "target"), SEED_TARGETS)
def test_seed_target_is_shipped(catalogue: Catalogue, provider: str, target: str) -> None:
    assert (provider, target) in catalogue.targets, f"no target {target} of provider {provider}"
