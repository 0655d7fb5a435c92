"""Golden outputs for every example policy, through the real CLI (regenerate with --update-goldens).

Per example: the table of every candidate (``--show-denied``), the Markdown report, and
the JSON report in full for the allowed candidates and, for the denied ones, each rule's
verdict and reason without the evidence (the knowledge base has well over a thousand
candidates: their whole trails would make goldens no reviewer reads).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from selector.cli import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
HERE = Path(__file__).parent
FORMATS = {"json": "json", "markdown": "md", "table": "txt"}


def _reviewable(output: str) -> str:
    """The JSON report with the evidence of denied decisions left out."""
    data = json.loads(output)
    for decision in data["decisions"]:
        if decision["outcome"] == "denied":
            decision["results"] = [
                {key: result[key] for key in ("rule", "verdict", "reason")} for result in decision["results"]
            ]
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_example_golden(example: Path, fmt: str, update_goldens: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    args = ["select", "--constraints", str(example.relative_to(ROOT)), "--format", fmt]
    overlay = ROOT / "examples" / "overlays" / f"{example.stem}.trig"
    if overlay.exists():  # an example that describes facts of its own (your own hosting, say)
        args += ["--kb", str(overlay.relative_to(ROOT))]
    if fmt == "table":
        args.append("--show-denied")
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    output = _reviewable(result.output) if fmt == "json" else result.output
    golden = HERE / f"{example.stem}.{FORMATS[fmt]}"
    if update_goldens:
        golden.write_text(output, encoding="utf-8")
    assert golden.exists(), f"no golden output {golden.name}; run pytest --update-goldens and review it"
    assert output == golden.read_text(encoding="utf-8"), (
        f"{golden.name} differs; if the change is intended, run pytest --update-goldens and review the diff"
    )
    if fmt == "json":
        data = json.loads(result.output)
        assert result.exit_code == (0 if data["summary"]["allowed"] else 1)
        assert [d["outcome"] for d in data["decisions"]] == sorted(
            (d["outcome"] for d in data["decisions"]), key=lambda o: o != "allowed"), "allowed first"


def test_examples_exist() -> None:
    assert len(EXAMPLES) >= 5
