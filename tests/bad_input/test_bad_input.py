"""Every bad input under tests/bad_input/ gives its expected exit code and output, one harness for all.

A case is a file (or, in ``kb/``, a folder where a file is expected) next to
``CASE.expected``: ``exit N``, then every line the case prints (blank lines aside).
A line ending in ``...`` matches any line starting with it. ``CASE.xfail`` marks a
case the engine gets wrong today, with the reason. What running a case means
depends on its folder:

* ``policy/``: the policy file is loaded against a small fixed vocabulary; its
  ``PolicyError`` is one line, exit 2;
* ``rules/``: the rule file is loaded from a folder of its own beside the shipped
  rules; its ``RuleError`` is one line, exit 2;
* ``kb/``: ``selector kb validate`` with the file as an overlay on a small valid
  knowledge base (the rule-case world, the shipped ontology and shapes);
* ``cli/``: the command line in ``NAME.args`` (a YAML list of arguments), on the same
  small knowledge base.

Placeholders in the expected lines (and the arguments): ``{file}`` (the case's path),
``{dir}`` (the folder a rule file is loaded from), ``{rules}`` (the shipped rules),
``{inputs}`` (cli/inputs/), ``{base}`` (the small knowledge base), ``{tmp}`` (a fresh
folder), ``{missing}`` (a path that does not exist), ``{out}`` (an ``--output`` file,
which must not exist after a failure), ``{long}`` (20,000 characters).
"""

from __future__ import annotations

import logging
import shutil
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
import yaml
from click.testing import CliRunner

import selector.paths
from selector.checks import KINDS
from selector.cli import cli
from selector.errors import PolicyError, RuleError
from selector.paths import rules_dir
from selector.policy import load_policy
from selector.rules import load_rules

HERE = Path(__file__).resolve().parent
FOLDERS = ("cli", "kb", "policy", "rules")
LONG = "m" * 20_000


def _cases(folder: str) -> list[Path]:
    """The cases of one folder: every entry with an ``.expected`` beside it."""
    return sorted(p for p in (HERE / folder).iterdir() if p.with_name(p.name + ".expected").exists())


def _params():
    for folder in FOLDERS:
        for case in _cases(folder):
            reason = case.with_name(case.name + ".xfail")
            marks = [pytest.mark.xfail(reason=reason.read_text(encoding="utf-8").strip(), strict=False)] if reason.exists() else []
            yield pytest.param(folder, case, marks=marks, id=f"{folder}/{case.name}")


@dataclass
class Ran:
    """What a case did: its exit code, its non-blank output lines, and the values of the placeholders."""

    exit_code: int
    lines: list[str]
    values: dict[str, str]


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def _lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip()]


def run_policy(case: Path, expected: list[str], env) -> Ran:
    """Load the policy file against the fixed vocabulary."""
    try:
        load_policy(case, env.vocabulary)
    except PolicyError as error:
        line = error.one_line()
        assert "\n" not in line and "\r" not in line
        return Ran(2, [line], {"file": str(case)})
    return Ran(0, [], {"file": str(case)})


def run_rules(case: Path, expected: list[str], env) -> Ran:
    """Load the rule file from a folder of its own (under the name its expected line gives, if any)."""
    folder = env.tmp_path / "rules"
    folder.mkdir()
    first = expected[0] if expected else ""
    name = Path(first.split(":", 1)[0].replace("{dir}/", "")).name if first.startswith("{dir}/") else case.name
    shutil.copy(case, folder / name)
    values = {"file": str(folder / name), "dir": str(folder), "rules": str(rules_dir())}
    try:
        load_rules((folder,), kinds=KINDS)
    except RuleError as error:
        return Ran(2, [error.one_line()], values)
    return Ran(0, [], values)


def _invoke(args: list[str]):
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(30)
    try:
        return CliRunner().invoke(cli, args)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _checked(result) -> list[str]:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return _lines(result.output)


def run_kb(case: Path, expected: list[str], env) -> Ran:
    """``selector kb validate`` with the file as an overlay on the small knowledge base."""
    env.monkeypatch.setenv("SELECTOR_CACHE_DIR", "off")
    result = _invoke(["kb", "validate", "--base-dir", str(env.small_base), str(case)])
    return Ran(result.exit_code, _checked(result), {"file": str(case)})


def run_cli(case: Path, expected: list[str], env) -> Ran:
    """The command line of ``NAME.args``, on the small knowledge base."""
    shipped = selector.paths._data
    env.monkeypatch.setattr(selector.paths, "_data", lambda name: env.small_base if name == "ontology" else shipped(name))
    env.monkeypatch.setenv("SELECTOR_CACHE_DIR", "off")
    tmp = env.tmp_path
    values = {
        "file": str(case),
        "inputs": str(HERE / "cli" / "inputs"),
        "base": str(env.small_base),
        "tmp": str(tmp),
        "missing": str(tmp / "missing"),
        "out": str(tmp / "report.out"),
        "long": LONG,
    }
    args = [_fill(str(a), values) for a in yaml.safe_load(case.read_text(encoding="utf-8"))]
    result = _invoke(args)
    lines = _checked(result)
    if result.exit_code == 2:
        assert not Path(values["out"]).exists(), "a failed command left an --output file"
        assert [p.name for p in tmp.iterdir()] == [], "a failed command left files behind"
    return Ran(result.exit_code, lines, values)


#: How a case of each folder is run.
RUNNERS: dict[str, Callable[..., Ran]] = {"cli": run_cli, "kb": run_kb, "policy": run_policy, "rules": run_rules}


class _Hang(Exception):
    pass


def _alarm(signum, frame):  # noqa: ARG001
    raise _Hang("the command did not finish in 30 seconds")


@dataclass
class _Env:
    tmp_path: Path
    small_base: Path
    monkeypatch: pytest.MonkeyPatch
    vocabulary: object


def _matches(line: str, expected: str) -> bool:
    return line.startswith(expected[:-3]) if expected.endswith("...") else line == expected


@pytest.mark.parametrize(("folder", "case"), list(_params()))
def test_bad_input(folder: str, case: Path, tmp_path: Path, small_base: Path, vocabulary,
                   monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    head, *expected = case.with_name(case.name + ".expected").read_text(encoding="utf-8").rstrip("\n").split("\n")
    ran = RUNNERS[folder](case, expected, _Env(tmp_path, small_base, monkeypatch, vocabulary))
    # Outside pytest, a warning logged by a library is one more line on stderr.
    assert not caplog.records, [r.getMessage() for r in caplog.records]
    wanted = [_fill(line, ran.values) for line in expected]
    assert f"exit {ran.exit_code}" == head, ran.lines
    assert len(ran.lines) == len(wanted), ran.lines
    for line, want in zip(ran.lines, wanted):
        assert _matches(line, want), f"{line!r} is not {want!r}"


def test_every_case_has_its_expected_output_and_back() -> None:
    """One .expected per case, each starting with its exit code; policy and rule files fail as bad input."""
    for folder in FOLDERS:
        cases = {c.name for c in _cases(folder)}
        for path in (HERE / folder).glob("*.expected"):
            assert path.name.removesuffix(".expected") in cases, path
            head = path.read_text(encoding="utf-8").split("\n", 1)[0]
            assert head in ("exit 0", "exit 1", "exit 2"), path.name
            if folder in ("cli", "policy", "rules"):
                assert head == "exit 2" and len(path.read_text(encoding="utf-8").rstrip("\n").split("\n")) == 2, path.name
        assert {p.name.removesuffix(".xfail") for p in (HERE / folder).glob("*.xfail")} <= cases
    assert {c.name for c in _cases("cli")} == {p.name for p in (HERE / "cli").glob("*.args")}
    assert {c.name for c in _cases("policy")} == {p.name for p in (HERE / "policy").glob("*.yaml")}
    assert {c.name for c in _cases("rules")} == {p.name for p in (HERE / "rules").glob("*.yaml")}
    assert len(_cases("policy")) >= 40 and len(_cases("kb")) >= 30 and len(_cases("rules")) >= 8


def test_every_kb_case_says_what_it_is() -> None:
    """Each knowledge-base case file starts with a comment saying what is wrong with it (binary ones excepted)."""
    for case in _cases("kb"):
        if case.is_file() and case.suffix in (".trig", ".ttl") and case.stat().st_size:
            head = case.read_bytes()[:200]
            if head.isascii() or head.startswith(b"\xef\xbb\xbf"):
                assert head.lstrip(b"\xef\xbb\xbf").startswith(b"#"), case.name
