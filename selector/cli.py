"""The ``selector`` command: thin wrappers over the API; every exit code comes from the result tree."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from selector.errors import SelectorError
from selector.files import output_problem, write_atomically
from selector.text import printable

_EXISTING = click.Path(path_type=Path)


class _Group(click.Group):
    """Prints bad input as one line and exits 2, never a traceback."""

    def main(self, *args, **kwargs):  # noqa: D401 - click's signature
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except SelectorError as error:
            click.echo(f"selector: {error.one_line()}", err=True)
            sys.exit(2)
        except click.exceptions.Exit as done:
            sys.exit(done.exit_code)
        except click.exceptions.Abort:
            click.echo("selector: aborted", err=True)
            sys.exit(2)
        except click.UsageError as error:
            where = f"selector {error.ctx.info_name}" if error.ctx and error.ctx.parent else "selector"
            click.echo(printable(f"{where}: {error.format_message()}".replace("\n", " ")), err=True)
            sys.exit(2)
        except click.ClickException as error:
            click.echo(printable(f"selector: {error.format_message()}".replace("\n", " ")), err=True)
            sys.exit(2)
        sys.exit(code if isinstance(code, int) else 0)


class _Main(_Group):
    """The top command: the kb and policy groups' modules are imported only when one of them runs."""

    lazy = {"kb": ("selector.kb.commands", "kb"), "policy": ("selector.lint", "policy")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy and name not in self.commands:
            import importlib

            module, attribute = self.lazy[name]
            self.add_command(getattr(importlib.import_module(module), attribute))
        return super().get_command(ctx, name)


def _check_output(output: Path | None, inputs: tuple[Path, ...]) -> None:
    """Refuse an --output that is a folder, a device, one of the inputs, or in no folder (before any work)."""
    if output is None:
        return
    problem = output_problem(output, inputs)
    if problem is not None:
        raise SelectorError(problem[0], file=output, key="--output", hint=problem[1])


def _write(text: str, output: Path | None) -> None:
    """Print, or write the whole file at once (a temporary file renamed into place)."""
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        write_atomically(output, text)
    except OSError as error:
        raise SelectorError(f"cannot write: {error.strerror or error}", file=output, key="--output") from None


def _selector(kb: tuple[Path, ...], rules: tuple[Path, ...]):
    from selector.api import Selector

    return Selector(overlays=kb, rules_dirs=rules)


_kb_option = click.option(
    "--kb", "kb", multiple=True, type=_EXISTING, metavar="FILE",
    help="An overlay Turtle/TriG file on top of the shipped knowledge base (repeatable).",
)
_rules_option = click.option(
    "--rules", "rules", multiple=True, type=_EXISTING, metavar="DIR",
    help="A folder of your organisation's own rule files (repeatable).",
)
_constraints_option = click.option(
    "--constraints", "constraints", required=True, type=_EXISTING, metavar="FILE",
    help="The policy file (YAML).",
)


@click.group(cls=_Main)
@click.version_option(package_name="selector")
def cli() -> None:
    """Which LLM deployments may we use? Policies in, ranked deployments with sourced reasons out."""


@cli.command()
@_constraints_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown", "text", "html"]), default="table",
              show_default=True, help="Output format; json is the machine contract.")
@click.option("--show-denied", is_flag=True, help="Also list denied candidates and why.")
@click.option("--output", type=_EXISTING, metavar="FILE", help="Write to FILE (whole or not at all) instead of stdout.")
@_kb_option
@_rules_option
def select(constraints: Path, fmt: str, show_denied: bool, output: Path | None, kb, rules) -> int:
    """Every deployment the policy allows, ranked, with the reasons.

    Exit code 0 when at least one candidate is allowed, 1 when none is, 2 on bad input.

    \b
    Example:
      selector select --constraints examples/eu-finetune-long-context.yaml
      selector select --constraints policy.yaml --format json --output report.json
      selector select --constraints policy.yaml --format html --show-denied --output review.html
    """
    from selector.render import RENDERERS

    _check_output(output, (constraints, *kb))
    selector = _selector(kb, rules)
    # The table and text views show denied candidates only on request: their trails are built only then.
    denied = show_denied or fmt not in ("table", "text")
    report = selector.select(selector.load_policy(constraints), denied=denied)
    _write(RENDERERS[fmt](report, show_denied), output)
    return report.exit_code


@cli.command()
@click.argument("candidate")
@_constraints_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_kb_option
@_rules_option
def check(candidate: str, constraints: Path, fmt: str, kb, rules) -> int:
    """Is one deployment allowed? Exit 0 allowed, 1 denied, 2 bad input.

    CANDIDATE is MODEL@PROVIDER/DEPLOYMENT, or MODEL@PROVIDER when that names one deployment.

    \b
    Example:
      selector check claude-sonnet-4.6@aws-bedrock/eu-central-1 --constraints policy.yaml
    """
    from selector.render.json_format import json_text
    from selector.render.text import decision_lines

    selector = _selector(kb, rules)
    decision = selector.check(candidate, selector.load_policy(constraints))
    if fmt == "json":
        click.echo(json_text(decision.model_dump(mode="json")), nl=False)
    else:
        click.echo("\n".join(decision_lines(decision)))
    return decision.exit_code


@cli.command()
@click.argument("candidate")
@_constraints_option
@_kb_option
@_rules_option
def explain(candidate: str, constraints: Path, kb, rules) -> int:
    """The whole explanation trail for one deployment: every rule, fact, source and remedy.

    \b
    Example:
      selector explain claude-opus-4.6@anthropic-api/global --constraints examples/eu-finetune-long-context.yaml
    """
    from selector.render.tree import render_tree

    selector = _selector(kb, rules)
    policy = selector.load_policy(constraints)
    decision = selector.check(candidate, policy)
    click.echo(render_tree(decision, policy.name, policy.unknown), nl=False)
    return decision.exit_code


@cli.command()
def schema() -> int:
    """Print the JSON Schema of policy files (for editor autocompletion).

    \b
    Example:
      selector schema > policy.schema.json
    """
    from selector.policy import policy_json_schema

    click.echo(json.dumps(policy_json_schema(), indent=2, sort_keys=True))
    return 0


@cli.group()
def rules() -> None:
    """The rules policies are checked with."""


@rules.command("list")
@_rules_option
def rules_list(rules) -> int:
    """List every rule: id, policy key and title.

    \b
    Example:
      selector rules list --rules ./our-rules
    """
    from selector.checks import KINDS
    from selector.rules import load_rules

    loaded = load_rules(tuple(rules), kinds=KINDS)
    width = max(len(r.id) for r in loaded)
    for rule in loaded:
        click.echo(printable(f"{rule.id.ljust(width)}  {rule.policy_key.ljust(30)}  {rule.title}"))
    return 0


@rules.command("show")
@click.argument("rule_id")
@_rules_option
def rules_show(rule_id: str, rules) -> int:
    """Show one rule: what it checks, its messages, remedy and references.

    \b
    Example:
      selector rules show residency
    """
    import difflib

    from selector.checks import KINDS
    from selector.rules import load_rules

    loaded = {r.id: r for r in load_rules(tuple(rules), kinds=KINDS)}
    if rule_id not in loaded:
        close = difflib.get_close_matches(rule_id, list(loaded), n=1)
        raise SelectorError(f"unknown rule '{rule_id}'", key="RULE_ID",
                            hint=f"did you mean '{close[0]}'?" if close else "see: selector rules list")
    rule = loaded[rule_id]
    lines = [
        f"{rule.id}: {rule.title}",
        f"policy key: {rule.policy_key}",
        f"check: {rule.kind} {dict(rule.params) if rule.params else ''}".rstrip(),
        f"file: {rule.file}",
        "",
        *rule.description.splitlines(),
        "",
        *(f"{verdict}: {text}" for verdict, text in rule.messages.items()),
        *(f"remedy when {verdict}: {' '.join(text.split())}" for verdict, text in rule.remedy.items()),
        *(f"reference: {ref}" for ref in rule.references),
    ]
    click.echo("\n".join(printable(line) for line in lines))
    return 0


def main() -> None:
    """Console entry point."""
    cli()
