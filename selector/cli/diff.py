"""``selector diff``: what a knowledge-base update, a revision of the ontology or a policy edit changes."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from selector.api import Selector
from selector.cli.options import PATH, as_of_option, check_output, kb_option, rules_option, write
from selector.diff import RENDERERS, DiffSide, compare
from selector.diff.revision import ontology_at
from selector.errors import UsageError


def _policy_paths(constraints: Path | None, constraints_a: Path | None, constraints_b: Path | None) -> tuple[Path, Path]:
    """The policy file of each side, or a UsageError naming the option that is missing or too many."""
    if constraints is not None:
        if constraints_a is not None or constraints_b is not None:
            key = "--constraints-a" if constraints_a is not None else "--constraints-b"
            raise UsageError("not with --constraints", key=key,
                             hint="give --constraints (one policy on both sides) or --constraints-a and --constraints-b")
        return constraints, constraints
    if constraints_a is None or constraints_b is None:
        missing = "--constraints-a" if constraints_a is None else "--constraints-b"
        if constraints_a is None and constraints_b is None:
            raise UsageError("missing", key="--constraints",
                             hint="give --constraints FILE, or --constraints-a FILE and --constraints-b FILE")
        raise UsageError("missing", key=missing, hint="two policies are compared: give --constraints-a and --constraints-b")
    return constraints_a, constraints_b


@click.command()
@click.option("--constraints", type=PATH, metavar="FILE", help="The policy both sides are decided under.")
@click.option("--constraints-a", type=PATH, metavar="FILE", help="Side a's policy (with --constraints-b).")
@click.option("--constraints-b", type=PATH, metavar="FILE", help="Side b's policy (with --constraints-a).")
@click.option("--kb-a", multiple=True, type=PATH, metavar="FILE", help="An overlay on side a only (repeatable).")
@click.option("--kb-b", multiple=True, type=PATH, metavar="FILE", help="An overlay on side b only (repeatable).")
@click.option("--rev-a", metavar="REV", help="Side a's base: ontology/ at this git revision (default: the shipped one).")
@click.option("--rev-b", metavar="REV", help="Side b's base: ontology/ at this git revision (default: the shipped one).")
@click.option("--format", "fmt", type=click.Choice(sorted(RENDERERS)), default="table", show_default=True,
              help="Output format; json is the machine contract.")
@click.option("--ranks", is_flag=True, help="Also list candidates allowed on both sides at different ranks.")
@click.option("--output", type=PATH, metavar="FILE", help="Write to FILE (whole or not at all) instead of stdout.")
@as_of_option
@kb_option
@rules_option
def diff(constraints, constraints_a, constraints_b, kb_a, kb_b, rev_a, rev_b, fmt, ranks, output, as_of,
         kb, rules) -> int:
    """Which decisions flip between two knowledge bases, two revisions of ontology/, or two policies.

    Each side is the shipped base (or ontology/ at --rev-a/--rev-b in the git checkout
    around the working directory), plus --kb overlays, plus its own --kb-a/--kb-b
    overlays, under --constraints (or its own --constraints-a/--constraints-b). Both
    sides are decided on one date: --as-of, else the later knowledge base's own date.
    For every candidate allowed on one side and not the other: the rules whose verdict
    changed and the facts their trails cite on one side only, with source and as-of.

    Exit code 0 when no decision flipped, 1 when one did, 2 on bad input.

    \b
    Example:
      selector diff --constraints examples/eu-finetune-long-context.yaml --kb-b fix.trig
      selector diff --constraints policy.yaml --rev-a main --rev-b HEAD --format markdown
      selector diff --constraints-a old.yaml --constraints-b new.yaml --ranks
    """
    policy_a, policy_b = _policy_paths(constraints, constraints_a, constraints_b)
    if not (kb_a or kb_b or rev_a or rev_b or policy_a != policy_b):
        raise UsageError("nothing to compare: both sides are the same",
                         hint="give --kb-a/--kb-b, --rev-a/--rev-b, or --constraints-a and --constraints-b")
    check_output(output, (policy_a, policy_b, *kb, *kb_a, *kb_b))
    with tempfile.TemporaryDirectory(prefix="selector-diff-") as scratch:
        bases = {}
        for label, rev in (("a", rev_a), ("b", rev_b)):
            if rev is not None:
                folder = Path(scratch) / label
                folder.mkdir()
                bases[label] = ontology_at(rev, folder, cwd=Path.cwd(), key=f"--rev-{label}")
        compiled: dict[tuple, Selector] = {}

        def side(label: str, extra: tuple[Path, ...], policy_path: Path, rev: str | None) -> DiffSide:
            base, commit = bases.get(label, (None, None))
            key = (tuple(kb) + tuple(extra), commit)
            if key not in compiled:
                compiled[key] = Selector(overlays=key[0], rules_dirs=rules, base_dir=base)
            selector = compiled[key]
            revision = f"{rev} ({commit[:12]})" if rev is not None else None
            return DiffSide(selector, selector.load_policy(policy_path), revision)

        report = compare(side("a", kb_a, policy_a, rev_a), side("b", kb_b, policy_b, rev_b), as_of)
    write(RENDERERS[fmt](report, ranks), output)
    return report.exit_code
