"""The pre-commit hooks and the GitHub Action run the commands they declare, on the shipped examples.

The hooks' ``entry`` is run through CliRunner with the files pre-commit would pass.
The Action's steps are run with bash as a runner runs them: inputs through the
environment its ``env:`` maps them to, ``python`` being this interpreter. The install
step is run with a ``python`` that records its arguments instead of installing (the
test environment already has the package; pip on the index is not exercised here).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from selector.cli import cli

ROOT = Path(__file__).resolve().parents[2]
HOOKS = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
EXAMPLE = "examples/eu-finetune-long-context.yaml"
DENIED = "claude-opus-4.6@anthropic-api/global"


@pytest.fixture(autouse=True)
def _in_checkout(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)


def run_hook(hook_id: str, files: list[str]):
    entry = shlex.split(HOOKS[hook_id]["entry"])
    assert entry[0] == "selector"
    return CliRunner().invoke(cli, [*entry[1:], *files], catch_exceptions=False)


def test_hooks_declare_what_pre_commit_needs() -> None:
    assert set(HOOKS) == {"selector-policy-lint", "selector-kb-validate"}
    for hook in HOOKS.values():
        assert hook["language"] == "python" and hook["name"] and hook["description"]
    policies = re.compile(HOOKS["selector-policy-lint"]["files"])
    assert policies.search("policies/eu.yaml") and policies.search("team/ai.policy.yml")
    assert not policies.search(".github/workflows/ci.yml") and not policies.search(".pre-commit-config.yaml")
    overlays = re.compile(HOOKS["selector-kb-validate"]["files"])
    assert overlays.search("examples/overlays/internal-cluster.trig") and not overlays.search("README.md")


def test_lint_hook_on_policies() -> None:
    assert run_hook("selector-policy-lint", [EXAMPLE, "examples/zero-retention-contract.yaml"]).exit_code == 0
    failing = run_hook("selector-policy-lint", [EXAMPLE, "examples/internal-cluster.yaml"])
    assert failing.exit_code == 1 and "3 findings in examples/internal-cluster.yaml" in failing.output


def test_validate_hook_on_overlays(tmp_path: Path) -> None:
    overlays = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "examples" / "overlays").glob("*.trig"))
    assert run_hook("selector-kb-validate", overlays).exit_code == 0
    bad = tmp_path / "bad.ttl"
    bad.write_text("not turtle at all", encoding="utf-8")
    assert run_hook("selector-kb-validate", [str(bad)]).exit_code == 2


def _steps() -> dict[str, dict]:
    assert ACTION["runs"]["using"] == "composite"
    return {step["name"]: step for step in ACTION["runs"]["steps"]}


def _environment(step: dict, inputs: dict[str, str], python_dir: Path) -> dict[str, str]:
    given = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()} | inputs
    env = {"PATH": f"{python_dir}{os.pathsep}{os.environ['PATH']}", "HOME": os.environ.get("HOME", "/tmp"),
           "SELECTOR_CACHE_DIR": os.environ.get("SELECTOR_CACHE_DIR", "")}
    for name, value in step.get("env", {}).items():
        inputs_ref = re.fullmatch(r"\$\{\{ inputs\.([\w-]+) \}\}", value)
        if inputs_ref:
            env[name] = given[inputs_ref.group(1)]
        else:
            assert value == "${{ github.action_path }}", value
            env[name] = str(ROOT)
    assert "${{" not in step["run"], "inputs reach the script through the environment only"
    return {k: v for k, v in env.items() if v or k != "SELECTOR_CACHE_DIR"}


def _python(tmp_path: Path, recording: bool) -> Path:
    folder = tmp_path / ("recording" if recording else "real")
    folder.mkdir()
    shim = folder / "python"
    body = f'echo "$@" > {folder / "args"}' if recording else f'exec {shlex.quote(sys.executable)} "$@"'
    shim.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    shim.chmod(0o755)
    return folder


def run_step(name: str, inputs: dict[str, str], tmp_path: Path, recording: bool = False):
    step = _steps()[name]
    assert step["shell"] == "bash"
    folder = _python(tmp_path, recording)
    done = subprocess.run(["bash", "-e", "-c", step["run"]], env=_environment(step, inputs, folder), cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    return done, folder


def test_action_declares_its_inputs() -> None:
    assert ACTION["inputs"]["policy"]["required"] is True
    assert {"policy", "command", "candidate", "format", "version", "fail-on"} <= set(ACTION["inputs"])
    assert list(_steps()) == ["Install selector", "Run selector"]


def test_action_installs_with_pip(tmp_path: Path) -> None:
    done, folder = run_step("Install selector", {"policy": EXAMPLE}, tmp_path, recording=True)
    assert done.returncode == 0, done.stderr
    assert (folder / "args").read_text().split() == ["-m", "pip", "install", "--disable-pip-version-check", str(ROOT)]
    pinned = tmp_path / "pinned"
    pinned.mkdir()
    done, folder = run_step("Install selector", {"policy": EXAMPLE, "version": "0.1.0"}, pinned, recording=True)
    assert done.returncode == 0, done.stderr
    assert (folder / "args").read_text().split()[-1] == "selector-llm==0.1.0"


def test_action_runs_select(tmp_path: Path) -> None:
    done, _ = run_step("Run selector", {"policy": EXAMPLE}, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("selector: policy eu-finetune-long-context: 4 allowed")


def test_action_runs_check_and_fails_on_a_denied_candidate(tmp_path: Path) -> None:
    done, _ = run_step("Run selector", {"policy": EXAMPLE, "command": "check", "candidate": DENIED}, tmp_path)
    assert done.returncode == 1
    assert f"::error file={EXAMPLE},line=12,title=selector%3A require.residency::" in done.stdout


def test_action_writes_sarif_for_upload(tmp_path: Path) -> None:
    out = tmp_path / "selector.sarif"
    done, _ = run_step("Run selector", {"policy": EXAMPLE, "format": "sarif", "output": str(out)}, tmp_path)
    assert done.returncode == 0, done.stderr
    assert '"version": "2.1.0"' in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("inputs, said", [
    ({"command": "check"}, "command check needs the candidate input"),
    ({"command": "lint"}, "the command input is select or check"),
])
def test_action_refuses_bad_inputs(inputs: dict[str, str], said: str, tmp_path: Path) -> None:
    done, _ = run_step("Run selector", {"policy": EXAMPLE, **inputs}, tmp_path)
    assert done.returncode == 2 and said in done.stdout
