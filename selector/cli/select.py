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
    fail_on_option,
    kb_endpoint_option,
    kb_option,
    open_selector,
    policy_document,
    rules_option,
    write,
)
from selector.engine.review import tool_version
from selector.policy import Policy
from selector.render import CI_FORMATS, RENDERERS, CiContext, renderer
from selector.render.json_format import json_text
from selector.render.text import decision_lines
from selector.render.tree import render_tree


def dated(policy: Policy, as_of: date | None) -> Policy:
    """The policy evaluated on ``--as-of`` when given (else the engine uses the knowledge base's date)."""
    return policy if as_of is None else policy.on(as_of)


def context(selector, document, fail_on: tuple[str, ...]) -> CiContext:
    """Where the CI formats point: the policy file and the line of each rule's key."""
    return CiContext.of(document, selector.rules, fail_on_unknown="unknown" in fail_on, tool=tool_version())


@click.command()
@constraints_option
@click.option("--format", "fmt", type=click.Choice(list(RENDERERS)), default="table", show_default=True,
              help="Output format; json is the machine contract; junit, sarif and github are for CI.")
@click.option("--show-denied", is_flag=True, help="Also list denied candidates and why.")
@click.option("--output", type=PATH, metavar="FILE", help="Write to FILE (whole or not at all) instead of stdout.")
@fail_on_option
@as_of_option
@kb_option
@kb_endpoint_option
@rules_option
def select(
    constraints: Path, fmt: str, show_denied: bool, output: Path | None, fail_on, as_of, kb, kb_endpoint, rules
) -> int:
    """Every deployment the policy allows, ranked, with the reasons.

    Exit code 0 when at least one candidate is allowed, 1 when none is, 2 on bad
    input; with --fail-on unknown, 3 when a candidate is allowed only because the
    policy says unknown: warn.

    \b
    Example:
      selector select --constraints examples/eu-finetune-long-context.yaml
      selector select --constraints policy.yaml --format json --output report.json
      selector select --constraints policy.yaml --format html --show-denied --output review.html
      selector select --constraints policy.yaml --format sarif --fail-on unknown --output selector.sarif
      cat policy.yaml | selector select --constraints - --format github
    """
    check_output(output, (constraints, *kb))
    selector = open_selector(kb, rules, kb_endpoint)
    document = policy_document(constraints)
    # The table and text views show denied candidates only on request: their trails are built only then.
    denied = show_denied or fmt not in ("table", "text")
    report = selector.select(dated(selector.read_policy(document), as_of), denied=denied)
    write(renderer(fmt, context(selector, document, fail_on))(report, show_denied), output)
    return report.exit_code_failing_on(fail_on)


@click.command()
@click.argument("candidate")
@constraints_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", *CI_FORMATS]), default="text", show_default=True,
              help="Output format; junit (a test case per rule), sarif and github are for CI.")
@fail_on_option
@as_of_option
@kb_option
@kb_endpoint_option
@rules_option
def check(candidate: str, constraints: Path, fmt: str, fail_on, as_of, kb, kb_endpoint, rules) -> int:
    """Is one deployment allowed? Exit 0 allowed, 1 denied, 2 bad input (3: see --fail-on).

    CANDIDATE is MODEL@PROVIDER/DEPLOYMENT, or MODEL@PROVIDER when that names one deployment.

    \b
    Example:
      selector check claude-sonnet-4.6@aws-bedrock/eu-profile-from-eu --constraints policy.yaml
      selector check mistral-large-3@vllm/self-hosted --constraints policy.yaml --format junit > check.xml
    """
    selector = open_selector(kb, rules, kb_endpoint)
    document = policy_document(constraints)
    decision = selector.check(candidate, dated(selector.read_policy(document), as_of))
    if fmt in CI_FORMATS:
        click.echo(CI_FORMATS[fmt].decision(decision, context(selector, document, fail_on)), nl=False)
    elif fmt == "json":
        click.echo(json_text(decision.model_dump(mode="json")), nl=False)
    else:
        click.echo("\n".join(decision_lines(decision)))
    return decision.exit_code_failing_on(fail_on)


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
    policy = selector.engine.dated(dated(selector.read_policy(policy_document(constraints)), as_of))
    decision = selector.check(candidate, policy)
    click.echo(render_tree(decision, policy.name, policy.unknown, policy.as_of.isoformat()), nl=False)
    return decision.exit_code
