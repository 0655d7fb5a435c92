"""``selector select``, ``check`` and ``explain``: what a policy allows, and why."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from selector.cli.options import (
    PATH,
    as_of_option,
    check_output,
    constraints_option,
    kb_endpoint_option,
    kb_option,
    open_selector,
    rules_option,
    write,
)
from selector.policy import Policy
from selector.render import RENDERERS
from selector.render.json_format import json_text
from selector.render.text import decision_lines
from selector.render.tree import render_tree


def dated(policy: Policy, as_of: date | None) -> Policy:
    """The policy evaluated on ``--as-of`` when given (else the engine uses the knowledge base's date)."""
    return policy if as_of is None else policy.on(as_of)


@click.command()
@constraints_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown", "text", "html"]), default="table",
              show_default=True, help="Output format; json is the machine contract.")
@click.option("--show-denied", is_flag=True, help="Also list denied candidates and why.")
@click.option("--output", type=PATH, metavar="FILE", help="Write to FILE (whole or not at all) instead of stdout.")
@as_of_option
@kb_option
@kb_endpoint_option
@rules_option
def select(constraints: Path, fmt: str, show_denied: bool, output: Path | None, as_of, kb, kb_endpoint, rules) -> int:
    """Every deployment the policy allows, ranked, with the reasons.

    Exit code 0 when at least one candidate is allowed, 1 when none is, 2 on bad input.

    \b
    Example:
      selector select --constraints examples/eu-finetune-long-context.yaml
      selector select --constraints policy.yaml --format json --output report.json
      selector select --constraints policy.yaml --format html --show-denied --output review.html
    """
    check_output(output, (constraints, *kb))
    selector = open_selector(kb, rules, kb_endpoint)
    # The table and text views show denied candidates only on request: their trails are built only then.
    denied = show_denied or fmt not in ("table", "text")
    report = selector.select(dated(selector.load_policy(constraints), as_of), denied=denied)
    write(RENDERERS[fmt](report, show_denied), output)
    return report.exit_code


@click.command()
@click.argument("candidate")
@constraints_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@as_of_option
@kb_option
@kb_endpoint_option
@rules_option
def check(candidate: str, constraints: Path, fmt: str, as_of, kb, kb_endpoint, rules) -> int:
    """Is one deployment allowed? Exit 0 allowed, 1 denied, 2 bad input.

    CANDIDATE is MODEL@PROVIDER/DEPLOYMENT, or MODEL@PROVIDER when that names one deployment.

    \b
    Example:
      selector check claude-sonnet-4.6@aws-bedrock/eu-profile-from-eu --constraints policy.yaml
    """
    selector = open_selector(kb, rules, kb_endpoint)
    decision = selector.check(candidate, dated(selector.load_policy(constraints), as_of))
    if fmt == "json":
        click.echo(json_text(decision.model_dump(mode="json")), nl=False)
    else:
        click.echo("\n".join(decision_lines(decision)))
    return decision.exit_code


@click.command()
@click.argument("candidate")
@constraints_option
@as_of_option
@kb_option
@kb_endpoint_option
@rules_option
def explain(candidate: str, constraints: Path, as_of, kb, kb_endpoint, rules) -> int:
    """The whole explanation trail for one deployment: every rule, fact, source and remedy.

    \b
    Example:
      selector explain claude-opus-4.6@anthropic-api/global --constraints examples/eu-finetune-long-context.yaml
    """
    selector = open_selector(kb, rules, kb_endpoint)
    policy = selector.engine.dated(dated(selector.load_policy(constraints), as_of))
    decision = selector.check(candidate, policy)
    click.echo(render_tree(decision, policy.name, policy.unknown, policy.as_of.isoformat()), nl=False)
    return decision.exit_code
