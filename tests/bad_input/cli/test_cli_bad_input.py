"""Every command line in this folder gives its expected exit code and one-line output.

A case is ``NAME.args`` (a YAML list of arguments) and ``NAME.expected`` (``exit N``,
then the line). For exit code 2 the whole output must be that one line; for 0 and
1 (inputs that must not hang or crash, such as cycles) the line must be among the
output. A line ending in ``...`` matches any line starting with it. ``NAME.xfail`` marks a
case the engine gets wrong today, with the reason.

Placeholders in both files: ``{inputs}`` (the inputs/ folder here), ``{base}`` (the
small knowledge base the commands run on), ``{tmp}`` (a fresh folder), ``{missing}``
(a path that does not exist), ``{out}`` (an ``--output`` file, which must not exist
after a failure), ``{long}`` (20,000 characters).

The commands run on a small knowledge base (the rule-case world plus the shipped
ontology and shapes) rather than the shipped one, which takes a second to load.
"""

from __future__ import annotations

import logging
import signal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import selector.paths
from selector.cli import cli

HERE = Path(__file__).resolve().parent
CASES = sorted(HERE.glob("*.args"))
LONG = "m" * 20_000


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def _params():
    for case in CASES:
        marks = []
        reason = case.with_suffix(".xfail")
        if reason.exists():
            marks.append(pytest.mark.xfail(reason=reason.read_text(encoding="utf-8").strip(), strict=False))
        yield pytest.param(case, marks=marks, id=case.stem)


class _Hang(Exception):
    pass


def _alarm(signum, frame):  # noqa: ARG001
    raise _Hang("the command did not finish in 30 seconds")


def use_base(monkeypatch: pytest.MonkeyPatch, base: Path) -> None:
    """Make ``base`` the shipped ontology folder for this test, with no compiled-engine cache."""
    shipped = selector.paths._data
    monkeypatch.setattr(selector.paths, "_data", lambda name: base if name == "ontology" else shipped(name))
    monkeypatch.setenv("SELECTOR_CACHE_DIR", "off")


@pytest.mark.parametrize("case", list(_params()))
def test_cli_case(case: Path, small_base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                  caplog: pytest.LogCaptureFixture) -> None:
    use_base(monkeypatch, small_base)
    caplog.set_level(logging.WARNING)
    values = {
        "inputs": str(HERE / "inputs"),
        "base": str(small_base),
        "tmp": str(tmp_path),
        "missing": str(tmp_path / "missing"),
        "out": str(tmp_path / "report.out"),
        "long": LONG,
    }
    args = [_fill(str(a), values) for a in yaml.safe_load(case.read_text(encoding="utf-8"))]
    code_line, expected = case.with_suffix(".expected").read_text(encoding="utf-8").rstrip("\n").split("\n", 1)
    exit_code = int(code_line.removeprefix("exit "))
    expected = _fill(expected, values)

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(30)
    try:
        result = CliRunner().invoke(cli, args)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)

    output = result.output
    assert "Traceback" not in output
    # Outside pytest, a warning logged by a library is one more line on stderr.
    assert not caplog.records, [r.getMessage() for r in caplog.records]
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == exit_code, output
    lines = [line for line in output.splitlines() if line.strip()]
    if exit_code == 2:
        if expected.endswith("..."):  # the exact wording is left to the fix of a known bug
            assert len(lines) == 1 and lines[0].startswith(expected[:-3]), output
        else:
            assert lines == [expected]
        assert not Path(values["out"]).exists(), "a failed command left an --output file"
        assert [p.name for p in tmp_path.iterdir()] == [], "a failed command left files behind"
    elif expected.endswith("..."):
        assert any(line.startswith(expected[:-3]) for line in lines), output
    else:
        assert expected in lines, output


def test_every_case_has_its_expected_output() -> None:
    assert {c.stem for c in CASES} == {p.stem for p in HERE.glob("*.expected")}
    for path in HERE.glob("*.expected"):
        head, *rest = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
        assert head in ("exit 0", "exit 1", "exit 2") and len(rest) == 1, path.name
    assert {p.stem for p in HERE.glob("*.xfail")} <= {c.stem for c in CASES}
