"""Files in and out: no input is read without limit or blocks, no output is half-written or replaces an input."""

from __future__ import annotations

import os
import signal
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from selector.cli import cli
from selector.files import NotRegularFile, TooLarge, read_bounded, write_atomically

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "eu-finetune-long-context.yaml"


@pytest.fixture()
def deadline():
    """Fail a test that blocks (on a FIFO, say) instead of hanging the suite."""
    def _alarm(signum, frame):  # noqa: ARG001
        raise AssertionError("blocked for 30 seconds")

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(30)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_read_bounded_refuses_what_is_not_a_regular_file(tmp_path: Path, deadline) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(NotRegularFile):
        read_bounded(fifo, 100)
    with pytest.raises(NotRegularFile):
        read_bounded(Path("/dev/zero"), 100)
    big = tmp_path / "big"
    big.write_bytes(b"x" * 101)
    with pytest.raises(TooLarge):
        read_bounded(big, 100)
    assert read_bounded(big, 101) == b"x" * 101


@pytest.mark.parametrize("where", ["kb", "rules"])
def test_a_fifo_or_device_input_is_refused_with_the_cache_on(where: str, tmp_path: Path, deadline,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SELECTOR_CACHE_DIR", str(tmp_path / "cache"))
    if where == "kb":
        fifo = tmp_path / "overlay.trig"
        os.mkfifo(fifo)
        zero = tmp_path / "zero.trig"
        zero.symlink_to("/dev/zero")
        for path in (fifo, zero):
            result = CliRunner().invoke(cli, ["select", "--constraints", str(EXAMPLE), "--kb", str(path)])
            assert result.exit_code == 2, result.output
            assert "not a regular file" in result.output and len(result.output.splitlines()) == 1
    else:
        rules = tmp_path / "rules"
        rules.mkdir()
        os.mkfifo(rules / "pipe.yaml")
        result = CliRunner().invoke(cli, ["select", "--constraints", str(EXAMPLE), "--rules", str(rules)])
        assert result.exit_code == 2, result.output
        assert "pipe.yaml: not a regular file" in result.output


def test_output_is_written_with_the_usual_mode(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        target = tmp_path / "report.md"
        write_atomically(target, "hello\n")
        assert stat.S_IMODE(target.stat().st_mode) == 0o644
        os.umask(0o027)
        write_atomically(target, "again\n")
        assert stat.S_IMODE(target.stat().st_mode) == 0o640
    finally:
        os.umask(previous)
    assert target.read_text() == "again\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]


def test_output_through_a_symlink_writes_the_target(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    result = CliRunner().invoke(cli, ["select", "--constraints", str(EXAMPLE), "--format", "json",
                                      "--output", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and real.read_text().startswith("{")


def test_output_equal_to_the_policy_leaves_it_alone(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_bytes(EXAMPLE.read_bytes())
    result = CliRunner().invoke(cli, ["select", "--constraints", str(policy), "--output", str(policy)])
    assert result.exit_code == 2
    assert policy.read_bytes() == EXAMPLE.read_bytes()
