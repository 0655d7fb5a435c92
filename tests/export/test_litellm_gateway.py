"""The LiteLLM export read by LiteLLM itself, and every model it names checked against LiteLLM's catalog.

LiteLLM is not a test dependency (it is large): the config-model tests skip cleanly
when it is not installed (``pip install litellm``). The catalog check reads the
project's snapshot of LiteLLM's model_prices_and_context_window.json from the shared
catalogs folder and skips when that is absent.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from selector.cli import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = [ROOT / "examples" / "eu-finetune-long-context.yaml", ROOT / "examples" / "approved-clouds-monthly-budget.yaml"]
CATALOG = ROOT.parent.parent / "shared" / "catalogs" / "litellm" / "model_prices_and_context_window.json"
if not CATALOG.exists():
    CATALOG = Path("/work/shared/catalogs/litellm/model_prices_and_context_window.json")


@pytest.fixture(scope="module")
def configs() -> list[dict]:
    out = []
    for policy in EXAMPLES:
        result = CliRunner().invoke(cli, ["export", "--constraints", str(policy), "--to", "litellm"])
        assert result.exit_code in (0, 1), result.output
        out.append(yaml.safe_load(result.stdout))
    assert all(c["model_list"] for c in out)
    return out


@pytest.fixture(scope="module")
def litellm():
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # never fetch the cost map from the network
    return pytest.importorskip("litellm")


def test_litellm_reads_the_config(configs, litellm) -> None:
    from litellm.proxy._types import ConfigYAML
    from litellm.types.router import Deployment

    for config in configs:
        assert len(ConfigYAML(**config).model_list) == len(config["model_list"])
        for entry in config["model_list"]:
            deployment = Deployment(**entry)
            assert deployment.model_info.id == entry["model_info"]["selector_candidate"]
            litellm.get_llm_provider(entry["litellm_params"]["model"])  # raises on a prefix LiteLLM does not know
        router = litellm.Router(model_list=config["model_list"])
        assert sorted(router.registry().names()) == sorted({e["model_name"] for e in config["model_list"]})


def known_to_catalog(model: str, catalog: dict) -> bool:
    """Whether LiteLLM's catalog lists the model: its key, or the provider's bare id (Bedrock, Vertex AI) or a regional key."""
    prefix, _, rest = model.partition("/")
    if model in catalog:
        return True
    if rest in catalog and str(catalog[rest].get("litellm_provider", "")).startswith(prefix):
        return True
    return any(k.startswith(prefix + "/") and k.endswith("/" + rest) for k in catalog)


@pytest.mark.skipif(not CATALOG.exists(), reason="the LiteLLM catalog snapshot is not on this machine")
def test_every_model_is_in_the_litellm_catalog(configs) -> None:
    catalog = json.loads(CATALOG.read_text(encoding="utf-8"))
    models = [e["litellm_params"]["model"] for c in configs for e in c["model_list"]]
    assert [m for m in models if not known_to_catalog(m, catalog)] == []


def test_every_mapped_provider_and_target_is_in_the_knowledge_base(shipped) -> None:
    from selector.export.common import mapping

    known = {(c.provider_slug, c.target_slug) for c in shipped.engine.candidates}
    providers = {p for p, _ in known}
    for name in ("litellm", "openrouter"):
        data = mapping(name)
        assert data["read_on"], name
    litellm_map = mapping("litellm")["providers"]
    for slug, entry in litellm_map.items():
        assert slug in providers, slug
        assert entry["prefix"] and entry["docs"].startswith("https://docs.litellm.ai/docs/providers/"), slug
        for target in entry["targets"]:
            assert target == "*" or (slug, target) in known, (slug, target)
    for slug in mapping("openrouter")["upstreams"]:
        assert slug in providers, slug
    assert {t for t in mapping("openrouter")["targets"]} <= {t for p, t in known if p == "openrouter"}


def test_every_litellm_prefix_is_a_litellm_provider(litellm) -> None:
    from selector.export.common import mapping

    names = {getattr(p, "value", p) for p in litellm.provider_list}
    assert {e["prefix"] for e in mapping("litellm")["providers"].values()} <= names
