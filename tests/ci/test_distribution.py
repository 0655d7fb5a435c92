"""The distribution name, ``selector --version`` and ``python -m selector``."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from click.testing import CliRunner

from selector.about import DISTRIBUTION, installed_version
from selector.cli import cli
from selector.engine.review import tool_version

ROOT = Path(__file__).resolve().parents[2]


def test_the_distribution_name_is_the_one_pyproject_declares() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == DISTRIBUTION == "selector-llm"
    assert project["scripts"] == {"selector": "selector.cli:main"}
    assert any(c.startswith("Programming Language :: Python :: 3") for c in project["classifiers"])


def test_the_installed_metadata_is_found_under_that_name() -> None:
    assert installed_version() == metadata.version(DISTRIBUTION)
    assert tool_version() == f"selector {installed_version()}"


def test_version_option() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"selector, version {installed_version()}\n"


def test_python_dash_m_selector_runs_the_same_command() -> None:
    done = subprocess.run([sys.executable, "-m", "selector", "--version"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"selector, version {installed_version()}\n"
    done = subprocess.run([sys.executable, "-m", "selector", "rules", "show", "residncy"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "did you mean 'residency'" in done.stderr and "Traceback" not in done.stderr
