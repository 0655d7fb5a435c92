"""``selector policy lint`` and ``selector schema``: checking policy files before using them."""

from __future__ import annotations

import json
from pathlib import Path

import click

from selector.cli import Boundary
from selector.cli.options import kb_endpoint_option, kb_option, open_selector, policy_document, rules_option
from selector.engine.review import tool_version
from selector.lint import lint
from selector.render.findings import FileFinding, findings_sarif
from selector.render.json_format import json_text
from selector.text import printable


@click.command()
@kb_option
@kb_endpoint_option
@rules_option
def schema(kb: tuple[Path, ...], kb_endpoint: str | None, rules: tuple[Path, ...]) -> int:
    """Print the JSON Schema of policy files (for editor autocompletion and checking as you type).

    It lists the names the knowledge base knows (jurisdiction codes, model, maker and
    provider slugs, ...); with --kb, the overlays' names too, and with --rules, the
    require keys your rules add.

    \b
    Examples:
      selector schema > policy.schema.json
      selector schema --kb overlays/internal.trig > policy.schema.json
    """
    click.echo(json.dumps(open_selector(kb, rules, kb_endpoint).policy_schema(), indent=2, sort_keys=True))
    return 0


@click.group("policy", cls=Boundary)
def policy() -> None:
    """Check policy files before using them."""


#: What ``policy lint --format sarif`` calls its two kinds of finding.
LINT_CHECKS = {
    "unsatisfiable": "A requirement no deployment in the knowledge base can meet",
    "contradiction": "Requirements that no single deployment meets together, or a key another makes pointless",
}


@policy.command("lint")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@kb_option
@kb_endpoint_option
@rules_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True,
              help="text: one line per finding and a summary line per file; json: a list of findings; "
              "sarif: SARIF 2.1.0 for code scanning.")
def lint_command(
    files: tuple[Path, ...], kb: tuple[Path, ...], kb_endpoint: str | None, rules: tuple[Path, ...], fmt: str
) -> int:
    """Find requirements no deployment could meet, and requirements that exclude each other.

    FILES are policy files; - reads one from standard input (named <stdin>).
    One line per finding (FILE:LINE: key: reason), then a summary line per file.
    Exit code 0: no findings; 1: findings; 2: a policy (or the knowledge base) cannot be read.

    \b
    Examples:
      selector policy lint policy.yaml
      selector policy lint policies/*.yaml --format sarif > lint.sarif
      selector policy lint policy.yaml --kb contracts/acme-zdr.trig --format json
    """
    if sum(str(f) == "-" for f in files) > 1:
        raise click.UsageError("- (standard input) can be given once")
    chosen = open_selector(kb, rules, kb_endpoint)
    reports = []
    for file in files:
        document = policy_document(file)
        reports.append((document.path, lint(chosen.read_policy(document), chosen.engine, document=document)))
    findings = [finding for _, result in reports for finding in result.findings]
    if fmt == "json":
        click.echo(json_text([f.model_dump(mode="json") for f in findings]), nl=False)
    elif fmt == "sarif":
        rows = [FileFinding(f.file or str(path), f.line or None, f.key, "error", f.kind, f.reason)
                for path, result in reports for f in result.findings]
        click.echo(findings_sarif(rows, LINT_CHECKS, tool_version()), nl=False)
    else:
        for path, result in reports:
            for finding in result.findings:
                click.echo(finding.one_line())
            click.echo(printable(result.summary_line(path)))
    return max(result.exit_code for _, result in reports)
