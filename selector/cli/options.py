"""What several commands share: the --kb, --rules and --constraints options, and --output handling."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from selector.api import Selector
from selector.cli.params import ISO_DATE
from selector.errors import PolicyError, SelectorError
from selector.files import output_problem, write_atomically
from selector.render.ci import STDIN
from selector.yamlfile import YamlDocument, parse_yaml, read_yaml

PATH = click.Path(path_type=Path)

def check_output(output: Path | None, inputs: tuple[Path, ...]) -> None:
    """Refuse an --output that is a folder, a device, one of the inputs, or in no folder (before any work)."""
    if output is None:
        return
    problem = output_problem(output, inputs)
    if problem is not None:
        raise SelectorError(problem[0], file=output, key="--output", hint=problem[1])


def write(text: str, output: Path | None) -> None:
    """Print, or write the whole file at once (a temporary file renamed into place)."""
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        write_atomically(output, text)
    except OSError as error:
        raise SelectorError(f"cannot write: {error.strerror or error}", file=output, key="--output") from None


#: The most a policy may hold, from a file or from standard input.
POLICY_BYTES = 1_000_000


def policy_document(constraints: Path) -> YamlDocument:
    """The policy file read safely; ``-`` reads standard input, which errors and reports name ``<stdin>``."""
    if str(constraints) != "-":
        return read_yaml(constraints, error=PolicyError, max_bytes=POLICY_BYTES)
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise PolicyError("there is no standard input to read the policy from", file=STDIN)
    if stream.isatty():
        raise PolicyError("standard input is a terminal, not a policy", file=STDIN,
                          hint="pipe the policy in (selector select --constraints - < policy.yaml)")
    return parse_yaml(stream.read(POLICY_BYTES + 1), Path(STDIN), error=PolicyError, max_bytes=POLICY_BYTES)


def open_selector(kb: tuple[Path, ...], rules: tuple[Path, ...], endpoint: str | None = None) -> Selector:
    """The shipped knowledge base and rules plus the overlays and rule folders given.

    With ``endpoint`` (``--kb-endpoint``), the knowledge base published to that SPARQL server instead of the files.
    """
    return Selector(overlays=kb, rules_dirs=rules, endpoint=endpoint)


kb_option = click.option(
    "--kb", "kb", multiple=True, type=PATH, metavar="FILE",
    help="An overlay Turtle/TriG file on top of the shipped knowledge base (repeatable).",
)
kb_endpoint_option = click.option(
    "--kb-endpoint", "kb_endpoint", default=None, metavar="URL",
    help="Read the knowledge base from this SPARQL server (its base URL, e.g. http://127.0.0.1:7878), "
    "as `selector kb publish` wrote it, instead of the shipped files.",
)
"""The shared ``--kb-endpoint URL`` option: pass its value to :func:`open_selector` (or ``Selector(endpoint=...)``)."""
rules_option = click.option(
    "--rules", "rules", multiple=True, type=PATH, metavar="DIR",
    help="A folder of your organisation's own rule files (repeatable).",
)
constraints_option = click.option(
    "--constraints", "constraints", required=True, type=PATH, metavar="FILE",
    help="The policy file (YAML); - reads it from standard input.",
)
fail_on_option = click.option(
    "--fail-on", "fail_on", multiple=True, type=click.Choice(["unknown"]),
    help="unknown: exit 3 when a candidate is allowed only because the policy says unknown: warn.",
)


as_of_option = click.option(
    "--as-of", "as_of", type=ISO_DATE, metavar="DATE",
    help="Evaluation date, YYYY-MM-DD: retirements and fact ages are judged on it "
    "(default: the knowledge base's own date, its newest source's as-of).",
)
