"""The README's shown commands give the output it shows (``--update-goldens`` rewrites it), so the
documentation cannot go stale."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from selector.cli import cli

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
#: A fenced block whose first line is a shown command: "$ selector ...", then its output.
BLOCK = re.compile(r"```\n\$ (selector [^\n]*)\n(.*?)```", re.DOTALL)


def _run(command: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(ROOT)
    args = shlex.split(command)[1:]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result.output


def test_every_shown_command_gives_the_shown_output(update_goldens: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    text = README.read_text(encoding="utf-8")
    blocks = list(BLOCK.finditer(text))
    assert blocks, "the README shows no command"
    updated, stale = text, []
    for block in blocks:
        command, shown = block.group(1), block.group(2)
        output = _run(command, monkeypatch)
        if output != shown:
            stale.append(command)
            updated = updated.replace(block.group(0), f"```\n$ {command}\n{output}```", 1)
    if update_goldens and stale:
        README.write_text(updated, encoding="utf-8")
        stale = []
    assert not stale, f"README output differs for {stale}; run pytest --update-goldens and review the diff"
