"""``selector kb import``: one command per catalog, sharing their options."""

from __future__ import annotations

from pathlib import Path

import click

from selector.cli import Boundary
from selector.errors import SelectorError
from selector.files import write_atomically
from selector.kb.catalog.importer import import_catalog
from selector.paths import ontology_dir


def _options(command):
    command = click.option(
        "--report", "report", type=click.Path(path_type=Path, dir_okay=False), default=None, metavar="FILE",
        help="Write the full import report (Markdown) to FILE: every entry left out with its reason, "
        "rejected claims, values hidden by curated facts, and where the catalogs disagree.",
    )(command)
    command = click.option(
        "--dry-run", is_flag=True, default=False,
        help="Print what would be added, removed and changed against the existing files; write nothing.",
    )(command)
    command = click.option(
        "--map-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
        help="Folder holding the mapping (default: KB_DIR/catalog-map).",
    )(command)
    command = click.option(
        "--kb-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
        help="Ontology folder to write into (default: the checkout's ontology/); "
        "files go to KB_DIR/kb/catalog/<catalog>/.",
    )(command)
    return command


@click.group("import", cls=Boundary)
def import_group() -> None:
    """Import a public model catalog as the knowledge base's catalog layer (kb/catalog/).

    Each import replaces its catalog's folder wholly, from the snapshot given and the
    reviewed mapping in ontology/catalog-map/. Curated facts win over catalog facts.
    """


@import_group.command("models.dev")
@click.argument("folder", type=click.Path(path_type=Path), metavar="DIR")
@_options
def modelsdev_command(folder: Path, kb_dir: Path | None, map_dir: Path | None, dry_run: bool, report: Path | None) -> None:
    """Import a models.dev snapshot folder DIR (holding providers/ and models/).

    \b
    Examples:
      selector kb import models.dev ../shared/catalogs/models.dev --dry-run
      selector kb import models.dev ../shared/catalogs/models.dev --report models.dev-report.md
    """
    _run("models.dev", folder, kb_dir, map_dir, dry_run, report)


@import_group.command("litellm")
@click.argument("file", type=click.Path(path_type=Path), metavar="FILE")
@_options
def litellm_command(file: Path, kb_dir: Path | None, map_dir: Path | None, dry_run: bool, report: Path | None) -> None:
    """Import LiteLLM's model_prices_and_context_window.json (FILE).

    \b
    Examples:
      selector kb import litellm ../shared/catalogs/litellm/model_prices_and_context_window.json --dry-run
    """
    _run("litellm", file, kb_dir, map_dir, dry_run, report)


def _run(catalog: str, source: Path, kb_dir: Path | None, map_dir: Path | None, dry_run: bool, report: Path | None) -> None:
    kb_dir = kb_dir if kb_dir is not None else ontology_dir()
    map_dir = map_dir if map_dir is not None else kb_dir / "catalog-map"
    if report is not None and not report.resolve().parent.is_dir():
        raise SelectorError("folder does not exist", file=report, key="--report")
    result = import_catalog(catalog, source, kb_dir=kb_dir, map_dir=map_dir, dry_run=dry_run)
    if report is not None:
        write_atomically(report, result.report())
    if dry_run:
        click.echo(result.diff.render(), nl=False)
        click.echo("dry run: nothing written")
    else:
        click.echo(f"wrote {len(result.files)} files to {result.folder}")
    click.echo(result.summary(), nl=False)
