"""Every knowledge-base file in this folder gives its expected output from ``selector kb validate``.

A case is a file (or a folder, for "a directory where a file is expected") given as
an overlay on a small valid knowledge base (the rule-case world, the shipped
ontology and shapes), and ``CASE.expected``: ``exit N`` and then the expected lines.
Exit code 2 (unreadable or malformed input) prints exactly one line; 1 (violations)
prints one line per violation and a summary line; 0 prints the summary. A line ending
in ``...`` matches any line starting with it. ``CASE.xfail`` marks a case the engine
gets wrong today, with the reason. ``{file}`` stands for the case's path.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from selector.cli import cli

HERE = Path(__file__).resolve().parent
CASES = sorted(p for p in HERE.iterdir() if p.with_name(p.name + ".expected").exists())


def _params():
    for case in CASES:
        reason = case.with_name(case.name + ".xfail")
        marks = [pytest.mark.xfail(reason=reason.read_text(encoding="utf-8").strip(), strict=False)] if reason.exists() else []
        yield pytest.param(case, marks=marks, id=case.name)


def _matches(line: str, expected: str) -> bool:
    return line.startswith(expected[:-3]) if expected.endswith("...") else line == expected


@pytest.mark.parametrize("case", list(_params()))
def test_kb_case(case: Path, small_base: Path, monkeypatch: pytest.MonkeyPatch,
                 caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("SELECTOR_CACHE_DIR", "off")
    caplog.set_level(logging.WARNING)
    head, *expected = case.with_name(case.name + ".expected").read_text(encoding="utf-8").rstrip("\n").split("\n")
    expected = [line.replace("{file}", str(case)) for line in expected]
    result = CliRunner().invoke(cli, ["kb", "validate", "--base-dir", str(small_base), str(case)])
    assert "Traceback" not in result.output
    # Outside pytest, a warning logged by a library is one more line on stderr.
    assert not caplog.records, [r.getMessage() for r in caplog.records]
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert f"exit {result.exit_code}" == head, result.output
    lines = result.output.splitlines()
    assert len(lines) == len(expected), result.output
    for line, wanted in zip(lines, expected):
        assert _matches(line, wanted), f"{line!r} is not {wanted!r}"
    if result.exit_code == 1:
        assert re.fullmatch(r"\d+ violations? in \d+ files?", lines[-1])


def test_every_case_says_what_it_is() -> None:
    """Each case file starts with a comment saying what is wrong with it (binary ones excepted)."""
    assert len(CASES) >= 30
    for case in CASES:
        if case.is_file() and case.suffix in (".trig", ".ttl") and case.stat().st_size:
            head = case.read_bytes()[:200]
            if head.isascii() or head.startswith(b"\xef\xbb\xbf"):
                assert head.lstrip(b"\xef\xbb\xbf").startswith(b"#"), case.name
