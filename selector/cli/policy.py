"""``selector policy lint`` and ``selector schema``: checking policy files before using them."""

from __future__ import annotations

import json
from pathlib import Path

import click

from selector.cli import Boundary
from selector.cli.options import kb_endpoint_option, kb_option, open_selector, rules_option
from selector.errors import PolicyError
from selector.lint import lint
from selector.render.json_format import json_text
from selector.text import printable
from selector.yamlfile import read_yaml


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


@policy.command("lint")
@click.argument("file", type=click.Path(path_type=Path))
@kb_option
@kb_endpoint_option
@rules_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def lint_command(file: Path, kb: tuple[Path, ...], kb_endpoint: str | None, rules: tuple[Path, ...], fmt: str) -> int:
    """Find requirements no deployment could meet, and requirements that exclude each other.

    One line per finding (FILE:LINE: key: reason), then a summary line.
    Exit code 0: no findings; 1: findings; 2: the policy (or knowledge base) cannot be read.

    \b
    Examples:
      selector policy lint policy.yaml
      selector policy lint policy.yaml --kb contracts/acme-zdr.trig --format json
    """
    chosen = open_selector(kb, rules, kb_endpoint)
    loaded = chosen.load_policy(file)
    result = lint(loaded, chosen.engine, document=read_yaml(file, error=PolicyError))
    if fmt == "json":
        click.echo(json_text([f.model_dump(mode="json") for f in result.findings]), nl=False)
    else:
        for finding in result.findings:
            click.echo(finding.one_line())
        click.echo(printable(result.summary_line(file)))
    return result.exit_code
