"""Bad rule files: each in tests/bad_input/rules/ gives its expected one-line error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from selector.checks import KINDS
from selector.errors import RuleError
from selector.paths import rules_dir
from selector.rules import load_rules

FOLDER = Path(__file__).resolve().parents[1] / "bad_input" / "rules"
CASES = sorted(FOLDER.glob("*.yaml"))


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_bad_rule_file(case: Path, tmp_path: Path) -> None:
    expected = (case.parent / (case.name + ".expected")).read_text(encoding="utf-8").strip()
    name = expected.split(":", 1)[0] if expected.startswith("{dir}/") else None
    folder = tmp_path / "rules"
    folder.mkdir()
    target = folder / (Path(name.replace("{dir}/", "")).name if name else case.name)
    shutil.copy(case, target)
    with pytest.raises(RuleError) as caught:
        load_rules((folder,), kinds=KINDS)
    assert caught.value.one_line() == expected.replace("{dir}", str(folder)).replace("{rules}", str(rules_dir()))


def test_corpus_is_not_empty() -> None:
    assert len(CASES) >= 8
