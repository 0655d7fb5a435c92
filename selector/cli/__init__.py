"""The ``selector`` command: thin wrappers over the API; every exit code comes from a result object.

One error boundary (:class:`Boundary`) prints bad input as one line and exits 2, never
a traceback. The commands live one group a module (``select``, ``rules``, ``policy``,
``kb``); the top command imports a group's module only when that group runs, so that
``selector --help`` and every command start without loading what they do not use.
"""

from __future__ import annotations

import importlib
import sys

import click

from selector.about import DISTRIBUTION
from selector.errors import SelectorError
from selector.text import printable


class Boundary(click.Group):
    """A command group that prints bad input (a SelectorError) as one line and exits 2, never a traceback.

    ``error_prefix`` starts the line (``selector: ``; the ``kb`` commands print the
    bare line, as a validator's findings are printed). A command's return value is
    its exit code.
    """

    error_prefix = "selector: "

    def invoke(self, ctx: click.Context):
        """Run the command; bad input from it is printed here, once."""
        try:
            return super().invoke(ctx)
        except SelectorError as error:
            click.echo(f"{self.error_prefix}{error.one_line()}", err=True)
            sys.exit(2)

    def main(self, *args, **kwargs):  # noqa: D417 - click's signature
        """Run the command line, exiting with the command's exit code (2 for a usage error)."""
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except SelectorError as error:
            click.echo(f"{self.error_prefix}{error.one_line()}", err=True)
            sys.exit(2)
        except click.exceptions.Exit as done:
            sys.exit(done.exit_code)
        except click.exceptions.Abort:
            click.echo("selector: aborted", err=True)
            sys.exit(2)
        except click.UsageError as error:
            where = " ".join(["selector", *_subcommands(error.ctx)])
            click.echo(printable(f"{where}: {error.format_message()}".replace("\n", " ")), err=True)
            sys.exit(2)
        except click.ClickException as error:
            click.echo(printable(f"selector: {error.format_message()}".replace("\n", " ")), err=True)
            sys.exit(2)
        sys.exit(code if isinstance(code, int) else 0)


def _subcommands(ctx: click.Context | None) -> list[str]:
    """The names of the (sub)commands a usage error is about, outermost first (``kb validate``)."""
    names: list[str] = []
    while ctx is not None and ctx.parent is not None:
        names.insert(0, ctx.info_name or "")
        ctx = ctx.parent
    return names


#: Every command of ``selector``: the module that holds it and its name there.
COMMANDS = {
    "select": ("selector.cli.select", "select"),
    "check": ("selector.cli.select", "check"),
    "explain": ("selector.cli.select", "explain"),
    "diff": ("selector.cli.diff", "diff"),
    "schema": ("selector.cli.policy", "schema"),
    "policy": ("selector.cli.policy", "policy"),
    "rules": ("selector.cli.rules", "rules"),
    "kb": ("selector.cli.kb", "kb"),
    "export": ("selector.cli.export", "export"),
    "serve": ("selector.cli.serve", "serve"),
}


class _Main(Boundary):
    """The top command: a command's module is imported only when that command runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command's name, sorted."""
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        """The command, imported on first use."""
        if name not in COMMANDS:
            return None
        module, attribute = COMMANDS[name]
        return getattr(importlib.import_module(module), attribute)


@click.group(cls=_Main)
@click.version_option(package_name=DISTRIBUTION, prog_name="selector")
def cli() -> None:
    """Which LLM deployments may we use? Policies in, ranked deployments with sourced reasons out."""


def main() -> None:
    """Console entry point."""
    cli()
