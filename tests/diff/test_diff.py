"""``selector diff``: a fact correction, a policy edit and a revision of ontology/ reviewed before merging.

The fact-correction case runs on the shipped base (an overlay that moves the storage of
an allowed deployment of the mission's example out of the EU); the others run on the
small rule-case world, compiled in well under a second.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import selector.paths
from selector.api import Selector
from selector.cli import cli
from selector.diff import RENDERERS, DiffSide, compare
from selector.kb import lengths
from selector.paths import ontology_dir

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
ROOT = TESTS.parent
MISSION = ROOT / "examples" / "eu-finetune-long-context.yaml"
CORRECTION = ROOT / "examples" / "overlays" / "vertex-eu-storage-correction.trig"
FLIPPED = "gemini-3.5-flash@vertex-ai/eu"


def _run(args: list[str]):
    result = CliRunner().invoke(cli, args)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


# --- a fact correction on the shipped base -------------------------------------------------


@pytest.fixture(scope="module")
def corrected(shipped):
    """The mission's example on the shipped base (a) and with the storage correction (b), compared once."""
    b = Selector(overlays=(CORRECTION,))
    return compare(DiffSide(shipped, shipped.load_policy(MISSION)), DiffSide(b, b.load_policy(MISSION)))


def test_a_fact_correction_names_the_flipped_candidate_the_rule_and_the_fact(corrected) -> None:
    assert corrected.exit_code == 1
    assert corrected.summary.flipped == corrected.summary.allowed_to_denied == 1
    (flip,) = corrected.flips
    assert (flip.candidate, flip.change, flip.outcome_a, flip.outcome_b) == (FLIPPED, "allowed_to_denied", "allowed", "denied")
    (change,) = flip.rules
    assert (change.rule, change.verdict_a.value, change.verdict_b.value) == ("residency", "pass", "fail")
    (new,) = change.only_b
    assert (new.subject, new.predicate, new.object) == ("target:vertex-ai--eu", "sel:storageIn", "loc:US")
    assert (new.source, new.as_of, new.layer) == ("https://example.com/reviews/vertex-eu-storage", "2026-11-20",
                                                  "vertex-eu-storage-correction.trig")
    assert [(f.predicate, f.object) for f in change.only_a] == [("sel:storageIn", "loc:EU")]
    assert corrected.a.allowed == corrected.b.allowed + 1 and corrected.a.layers + ("vertex-eu-storage-correction.trig",) == corrected.b.layers


def test_every_format_shows_the_flip_and_is_deterministic(corrected) -> None:
    for fmt, render in RENDERERS.items():
        text = render(corrected, True)
        assert text == render(corrected, True), fmt
        assert FLIPPED in text and "residency" in text and "loc:US" in text and "2026-11-20" in text, fmt
    table = RENDERERS["table"](corrected, False)
    assert "allowed -> denied  gemini-3.5-flash@vertex-ai/eu  allowed (rank 1)  denied  residency" in table
    assert table.rstrip().endswith("show the rank changes with --ranks")
    data = json.loads(RENDERERS["json"](corrected, False))
    assert data["exit_code"] == 1 and data["flips"][0]["rules"][0]["only_b"][0]["object"] == "loc:US"
    assert [m["candidate"] for m in data["rank_changes"]] == [
        "kimi-k2.5@vllm/self-hosted", "mistral-large-3@vllm/self-hosted", "qwen3-coder@vllm/self-hosted"]
    assert "## Rank changes" in RENDERERS["markdown"](corrected, True)


def test_the_command_exits_1_on_a_flip() -> None:
    result = _run(["diff", "--constraints", str(MISSION), "--kb-b", str(CORRECTION), "--format", "json"])
    assert result.exit_code == 1, result.output
    assert [f["candidate"] for f in json.loads(result.output)["flips"]] == [FLIPPED]


def test_text_from_a_knowledge_base_is_escaped(corrected) -> None:
    flip = corrected.flips[0]
    change = flip.rules[0]
    hostile_fact = change.only_b[0].model_copy(update={"source_title": "x\x1b[2J\n| [a](javascript:1) <b>"})
    hostile = corrected.model_copy(update={"flips": (flip.model_copy(update={
        "rules": (change.model_copy(update={"only_b": (hostile_fact,)}),)}),)})
    for fmt, render in RENDERERS.items():
        text = render(hostile, True)
        assert "\x1b" not in text and "x\n" not in text, fmt
    markdown = RENDERERS["markdown"](hostile, True)
    assert not re.search(r"(?<!\\)<b>|(?<!\\)\]\(javascript", markdown)
    assert "\\<b>" in markdown


# --- the small world: two policies, two revisions, no change ------------------------------------


def _small_base(folder: Path) -> Path:
    base = folder / "ontology"
    (base / "kb").mkdir(parents=True)
    for name in ("selector.ttl", "shapes.ttl"):
        shutil.copy(ontology_dir() / name, base / name)
    shutil.copy(TESTS / "rules" / "world.trig", base / "kb" / "world.trig")
    lengths.write(base)
    return base


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The rule-case world as the shipped base (uncached), and a folder of policies beside it."""
    base = _small_base(tmp_path / "shipped")
    shipped = selector.paths._data
    monkeypatch.setattr(selector.paths, "_data", lambda name: base if name == "ontology" else shipped(name))
    monkeypatch.setenv("SELECTOR_CACHE_DIR", "off")
    (tmp_path / "m1.yaml").write_text("version: 1\nname: m1\nonly:\n  models: [m1]\n", encoding="utf-8")
    (tmp_path / "m1-m2.yaml").write_text("version: 1\nname: m1-m2\nonly:\n  models: [m1, m2]\n", encoding="utf-8")
    (tmp_path / "acme.yaml").write_text("version: 1\nname: acme\nonly:\n  makers: [acme]\n", encoding="utf-8")
    return tmp_path


def test_two_policies_over_one_knowledge_base(world: Path) -> None:
    result = _run(["diff", "--constraints-a", str(world / "m1.yaml"), "--constraints-b", str(world / "m1-m2.yaml"),
                   "--format", "json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert data["a"]["policy"] == "m1" and data["b"]["policy"] == "m1-m2"
    assert data["a"]["knowledge_base"] == data["b"]["knowledge_base"]
    assert [f["candidate"] for f in data["flips"]] == ["m2@cloud/eu-central-1", "m2@selfrun/self-hosted"]
    assert all(f["change"] == "denied_to_allowed" and f["rank_b"] for f in data["flips"])
    for flip in data["flips"]:
        (change,) = flip["rules"]
        assert (change["rule"], change["verdict_a"], change["verdict_b"]) == ("only_models", "fail", "pass")
    assert data["summary"]["denied_to_allowed"] == 2 and data["summary"]["allowed_to_denied"] == 0


def test_no_flip_exits_0(world: Path) -> None:
    same = world / "m1-again.yaml"
    same.write_text((world / "m1.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = _run(["diff", "--constraints-a", str(world / "m1.yaml"), "--constraints-b", str(same)])
    assert result.exit_code == 0, result.output
    assert "no decision flipped" in result.output
    assert result.output.rstrip().endswith("0 decisions flipped of 10 candidates: 0 allowed -> denied, 0 denied -> allowed; 0 rank changes")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false",
                    *args], cwd=repo, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_two_git_revisions_of_the_ontology(world: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = world / "repo"
    repo.mkdir()
    base = _small_base(repo)
    _git(repo, "init", "-q")
    _git(repo, "add", "ontology")
    _git(repo, "commit", "-q", "-m", "a tiny ontology")
    facts = base / "kb" / "world.trig"
    facts.write_text(facts.read_text(encoding="utf-8").replace(
        'rdfs:label "M1" ; sel:maker party:acme', 'rdfs:label "M1" ; sel:maker party:euco'), encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "M1 is made by EuCo")
    monkeypatch.chdir(repo / "ontology" / "kb")  # anywhere inside the checkout
    result = _run(["diff", "--constraints", str(world / "acme.yaml"), "--rev-a", "HEAD~1", "--rev-b", "HEAD"])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[1].startswith("a: policy acme") and "(git revision HEAD~1 (" in lines[1]
    assert "(git revision HEAD (" in lines[2]
    assert "8 decisions flipped of 10 candidates: 8 allowed -> denied, 0 denied -> allowed; 0 rank changes" in lines
    assert any(line.startswith("allowed -> denied  m1@cloud/eu-central-1") and line.endswith("only_makers")
               for line in lines)
    assert "    - cited by a only: party:acme sel:slug acme" in lines
    assert "    + cited by b only: party:euco sel:slug euco" in lines
    assert "        source: https://example.org/world \"Rule-case world\", as of 2026-01-01, layer base" in lines


def test_a_revision_outside_a_git_checkout_is_one_line(world: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outside = world / "not-a-checkout"
    outside.mkdir()
    monkeypatch.chdir(outside)
    if subprocess.run(["git", "rev-parse"], cwd=outside, capture_output=True).returncode == 0:
        pytest.skip("the temporary folder is inside a git checkout")
    result = _run(["diff", "--constraints", str(world / "m1.yaml"), "--rev-a", "HEAD"])
    assert result.exit_code == 2
    assert result.output == ("selector: --rev-a: not inside a git checkout; run selector diff from a clone of the "
                             "knowledge base's repository, or compare overlays with --kb-a/--kb-b\n")
