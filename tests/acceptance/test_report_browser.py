"""The HTML review report in a real headless browser: it renders, and prints with every trail expanded.

Skips where no Chromium is installed (Debian: ``apt-get install chromium``); the PDF's text
is read with ``pdftotext`` (poppler-utils) where that is installed.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from selector.cli import cli
from selector.render.html_format import render_html

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "eu-finetune-long-context.yaml"
BROWSER = next((b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)

pytestmark = pytest.mark.skipif(BROWSER is None, reason="no headless Chromium installed")


def _browser(tmp_path: Path, *args: str) -> None:
    home = tmp_path / "profile"
    subprocess.run(
        [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={home}", *args],
        check=True, capture_output=True, timeout=180,
    )


def test_the_report_renders_and_prints(tmp_path: Path) -> None:
    report = tmp_path / "review.html"
    result = CliRunner().invoke(cli, ["select", "--constraints", str(EXAMPLE), "--format", "html",
                                      "--output", str(report)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    shot, pdf = tmp_path / "review.png", tmp_path / "review.pdf"
    _browser(tmp_path, f"--screenshot={shot}", "--window-size=1400,2000", report.as_uri())
    _browser(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", report.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    assert pdf.read_bytes()[:5] == b"%PDF-"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_printing_expands_the_folded_trails(shipped, tmp_path: Path) -> None:
    """A denied candidate's trail is folded on screen; printed, its facts and remedy are on the page."""
    report = shipped.select(shipped.load_policy(EXAMPLE))
    denied = next(d for d in report.denied() if any(r.evidence for r in d.results if r.verdict.value == "fail"))
    small = report.model_copy(update={"decisions": (*report.allowed(), denied)})
    page = tmp_path / "small.html"
    page.write_text(render_html(small, True), encoding="utf-8")
    assert f"<details><summary><code>{denied.candidate.id}</code>" in page.read_text(encoding="utf-8"), "folded"
    pdf = tmp_path / "small.pdf"
    _browser(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    failing = next(r for r in denied.results if r.verdict.value == "fail" and r.evidence)
    words = " ".join(text.split())
    assert failing.evidence[0].subject in words, "the folded trail's evidence is printed"
    assert "Remedy:" in words
