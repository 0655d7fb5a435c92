"""``selector rules``: the rules policies are checked with."""

from __future__ import annotations

import difflib

import click

from selector.checks import KINDS
from selector.cli import Boundary
from selector.cli.options import rules_option
from selector.errors import SelectorError
from selector.rules import load_rules
from selector.text import printable


@click.group("rules", cls=Boundary)
def rules() -> None:
    """The rules policies are checked with."""


@rules.command("list")
@rules_option
def rules_list(rules) -> int:
    """List every rule: id, policy key and title.

    \b
    Example:
      selector rules list --rules ./our-rules
    """
    loaded = load_rules(tuple(rules), kinds=KINDS)
    width = max(len(r.id) for r in loaded)
    for rule in loaded:
        click.echo(printable(f"{rule.id.ljust(width)}  {rule.policy_key.ljust(30)}  {rule.title}"))
    return 0


@rules.command("show")
@click.argument("rule_id")
@rules_option
def rules_show(rule_id: str, rules) -> int:
    """Show one rule: what it checks, its messages, remedy and references.

    \b
    Example:
      selector rules show residency
    """
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
