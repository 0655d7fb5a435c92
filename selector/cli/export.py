"""``selector export``: the allowed deployments as a gateway's own configuration (LiteLLM, OpenRouter)."""

from __future__ import annotations

from pathlib import Path

import click

from selector.cli.options import (
    PATH,
    as_of_option,
    check_output,
    constraints_option,
    kb_option,
    open_selector,
    rules_option,
    write,
)
from selector.cli.select import dated
from selector.export import TARGETS, render
from selector.export import export as export_report
from selector.text import plural, printable


@click.command()
@constraints_option
@click.option("--to", "to", type=click.Choice(TARGETS),
              help="The gateway: litellm (a proxy config.yaml) or openrouter (the request's provider object, JSON).")
@click.option("--output", type=PATH, metavar="FILE", help="Write to FILE (whole or not at all) instead of stdout.")
@as_of_option
@kb_option
@rules_option
def export(constraints: Path, to: str | None, output: Path | None, as_of, kb, rules) -> int:
    """The deployments a policy allows, as a gateway's configuration, in rank order.

    Never silently weaker: an allowed deployment the gateway cannot express is left out
    and listed (a "# not exported:" comment, a "not_exported" list), and a policy term
    the gateway cannot enforce is a warning. Exit code 0 when everything allowed was
    exported and nothing is left to warn about, 1 otherwise (or when nothing is
    allowed), 2 on bad input.

    \b
    Example:
      selector export --constraints examples/approved-clouds-monthly-budget.yaml --to litellm --output config.yaml
      selector export --constraints policy.yaml --to openrouter
    """
    if to is None:
        raise click.UsageError(f"Missing option '--to': expected {' or '.join(TARGETS)}, e.g. --to litellm")
    check_output(output, (constraints, *kb))
    selector = open_selector(kb, rules)
    report = selector.select(dated(selector.load_policy(constraints), as_of), denied=to == "openrouter")
    result = export_report(selector.engine, report, to)
    write(render(result, report), output)
    if result.complete:  # a config file: what it could not say is in comments, and here
        for line in result.warnings:
            click.echo(printable(f"selector export: warning: {line}"), err=True)
        for left in result.not_exported:
            click.echo(printable(f"selector export: not exported: {left.candidate}: {left.reason}"), err=True)
    elif result.warnings:  # a JSON document: its "warnings" list says it all
        click.echo(f"selector export: {plural(len(result.warnings), 'warning')}: what the object cannot enforce is "
                   "listed under \"warnings\"", err=True)
    return result.exit_code
