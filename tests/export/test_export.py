"""``selector export`` through click's CliRunner: the gateway documents, what is left out, and the exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from selector.cli import cli

ROOT = Path(__file__).resolve().parents[2]
MISSION = ROOT / "examples" / "eu-finetune-long-context.yaml"
CLOUDS = ROOT / "examples" / "approved-clouds-monthly-budget.yaml"

ZDR_POLICY = """\
version: 1
name: through-openrouter-zdr
only:
  providers: [openrouter]
  models: [claude-sonnet-4.6, gpt-5]
require:
  zero_data_retention: true
  training_on_inputs: false
  max_price_per_mtok: {input: 5, output: 20}
"""


def run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def selected(policy: Path) -> dict:
    result = run("select", "--constraints", policy, "--format", "json")
    return json.loads(result.output)


@pytest.fixture(scope="module")
def clouds_litellm(tmp_path_factory) -> tuple[int, dict, str]:
    out = tmp_path_factory.mktemp("export") / "config.yaml"
    result = run("export", "--constraints", CLOUDS, "--to", "litellm", "--output", out)
    text = out.read_text(encoding="utf-8")
    return result.exit_code, yaml.safe_load(text), text


def test_litellm_lists_the_allowed_deployments_in_rank_order(clouds_litellm) -> None:
    code, config, _ = clouds_litellm
    report = selected(CLOUDS)
    allowed = [d["candidate"]["id"] for d in report["decisions"] if d["outcome"] == "allowed"]
    assert code == 0
    assert [e["model_info"]["selector_candidate"] for e in config["model_list"]] == allowed
    assert [e["model_info"]["selector_rank"] for e in config["model_list"]] == list(range(1, len(allowed) + 1))
    first = config["model_list"][0]
    assert first["model_name"] == "claude-sonnet-4.6"
    assert first["litellm_params"] == {"model": "bedrock/eu.anthropic.claude-sonnet-4-6", "aws_region_name": "eu-central-1"}
    assert first["model_info"]["selector_policy_fingerprint"] == report["policy"]["fingerprint"]
    assert first["model_info"]["selector_kb_fingerprint"] == report["knowledge_base"]["fingerprint"]
    assert first["model_info"]["selector_as_of"] == report["as_of"]


def test_litellm_leaves_out_what_it_cannot_express_and_exits_1() -> None:
    result = run("export", "--constraints", MISSION, "--to", "litellm")
    assert result.exit_code == 1
    head, _, body = result.stdout.partition("model_list:")
    assert "# not exported:\n#   kimi-k2.5@vllm/self-hosted: self-hosted" in head
    config = yaml.safe_load("model_list:" + body)
    assert [e["litellm_params"] for e in config["model_list"]] == [
        {"model": "vertex_ai/gemini-3.5-flash", "vertex_location": "eu"}
    ]
    assert "selector export: not exported: kimi-k2.5@vllm/self-hosted" in result.stderr


def test_litellm_warns_where_the_config_cannot_pin_the_target(tmp_path: Path) -> None:
    policy = tmp_path / "azure.yaml"
    policy.write_text("version: 1\nonly: {providers: [azure-openai], models: [gpt-5-mini]}\n")
    result = run("export", "--constraints", policy, "--to", "litellm")
    config = yaml.safe_load(result.stdout)
    assert result.exit_code == 1
    assert config["model_list"], result.stdout
    for entry in config["model_list"]:
        assert entry["litellm_params"]["model"] == "azure/gpt-5-mini"
        assert entry["litellm_params"]["api_base"].startswith("os.environ/AZURE_API_BASE_")
    assert "selector export: warning: gpt-5-mini@azure-openai/datazone-eu: the Azure resource behind " \
        "AZURE_API_BASE_DATAZONE_EU must hold a deployment named 'gpt-5-mini'" in result.stderr


def test_the_output_is_deterministic(tmp_path: Path) -> None:
    first = run("export", "--constraints", CLOUDS, "--to", "openrouter").stdout
    assert first == run("export", "--constraints", CLOUDS, "--to", "openrouter").stdout


def test_openrouter_says_what_the_object_cannot_enforce() -> None:
    result = run("export", "--constraints", CLOUDS, "--to", "openrouter")
    document = json.loads(result.stdout)
    assert result.exit_code == 1
    sonnet = document["models"]["anthropic/claude-sonnet-4.6"]
    assert sonnet["provider"] == {"allow_fallbacks": False, "only": ["amazon-bedrock"], "order": ["amazon-bedrock"]}
    assert sonnet["candidates"] == ["claude-sonnet-4.6@aws-bedrock/eu-profile-from-eu"]
    warnings = "\n".join(document["warnings"])
    assert "claude-sonnet-4.6: no OpenRouter deployment of it is allowed" in warnings
    assert "only_providers" in warnings
    assert "cannot pin eu-profile-from-eu" in warnings
    assert document["policy_fingerprint"] == selected(CLOUDS)["policy"]["fingerprint"]


def test_openrouter_reproduces_a_pinned_zero_retention_route(tmp_path: Path) -> None:
    policy = tmp_path / "zdr.yaml"
    policy.write_text(ZDR_POLICY)
    result = run("export", "--constraints", policy, "--to", "openrouter")
    document = json.loads(result.stdout)
    assert result.exit_code == 0, document["warnings"]
    assert document["warnings"] == [] and document["not_exported"] == []
    assert document["models"]["anthropic/claude-sonnet-4.6"]["provider"] == {
        "allow_fallbacks": False,
        "data_collection": "deny",
        "max_price": {"prompt": 5.0, "completion": 20.0},
        "only": ["amazon-bedrock", "google-vertex"],
        "order": ["amazon-bedrock", "google-vertex"],
        "zdr": True,
    }
    assert document["models"]["openai/gpt-5"]["provider"]["only"] == ["azure"]


def test_openrouter_asks_for_the_policy_precisions(tmp_path: Path) -> None:
    policy = tmp_path / "precision.yaml"
    policy.write_text("version: 1\nonly: {providers: [openrouter]}\nrequire: {serving_precision: [bf16, fp8, mxfp4]}\n")
    document = json.loads(run("export", "--constraints", policy, "--to", "openrouter").stdout)
    for model in document["models"].values():
        assert model["provider"]["quantizations"] == ["bf16", "fp8"]


def test_nothing_allowed_exits_1(tmp_path: Path) -> None:
    policy = tmp_path / "none.yaml"
    policy.write_text("version: 1\nrequire: {min_context_tokens: 900000000}\n")
    for to in ("litellm", "openrouter"):
        assert run("export", "--constraints", policy, "--to", to).exit_code == 1


def test_hostile_text_in_a_policy_name_stays_inside_a_comment(tmp_path: Path) -> None:
    policy = tmp_path / "hostile.yaml"
    policy.write_text('version: 1\nname: "x\\u2028model_list: []"\nonly: {models: [claude-sonnet-4.6]}\n')
    result = run("export", "--constraints", policy, "--to", "litellm")
    if result.exit_code == 2:  # the name is refused as bad input: nothing was written
        return
    config = yaml.safe_load(result.stdout)
    assert config["model_list"], result.stdout


def test_as_of_decides_on_that_date() -> None:
    result = run("export", "--constraints", MISSION, "--to", "litellm", "--as-of", "2027-06-01")
    config = yaml.safe_load(result.stdout)
    assert result.exit_code == 1
    assert config["model_list"] == []  # gemini-3.5-flash retires on 2027-05-19; the rest is self-hosted
    assert "as of 2027-06-01" in result.stdout
