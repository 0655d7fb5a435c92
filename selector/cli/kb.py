"""``selector kb``: validate the knowledge base, summarise it, count its lists, import catalogs."""

from __future__ import annotations

from pathlib import Path

import click

from selector.cli import Boundary
from selector.cli.catalog import import_group
from selector.cli.params import DAYS, ISO_DATE
from selector.engine.review import tool_version
from selector.kb import lengths
from selector.kb.facts import FactIndex
from selector.kb.freshness import stale_sources
from selector.kb.load import KnowledgeBase, load_knowledge_base
from selector.kb.stats import stats
from selector.kb.validate import ValidationReport, check, line_of
from selector.paths import ontology_dir
from selector.render.findings import FileFinding, findings_json, findings_sarif
from selector.text import printable

_BASE_DIR = click.option(
    "--base-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Ontology folder to use as the base instead of the shipped one "
    "(holds selector.ttl, shapes.ttl and kb/).",
)


class _Findings(Boundary):
    """The kb commands print bad input as the bare line, as they print a validator's findings."""

    error_prefix = ""


@click.group("kb", cls=_Findings)
def kb() -> None:
    """Validate and summarise the knowledge base (the shipped facts plus your overlays); import catalogs."""


@kb.command("validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=True))
@click.option("--max-age", "max_age", type=DAYS, default=None, metavar="DAYS",
              help="Also list, as warnings, the sources whose as-of is more than DAYS days before the "
              "evaluation date.")
@click.option("--as-of", "as_of", type=ISO_DATE, default=None, metavar="DATE",
              help="The evaluation date for --max-age (YYYY-MM-DD); by default the knowledge base's own "
              "date, the newest as-of among its sources.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True,
              help="text: one line per violation or warning and a summary line; json: an object with the counts "
              "and the findings; sarif: SARIF 2.1.0 for code scanning.")
@_BASE_DIR
def validate_command(files: tuple[Path, ...], max_age: int | None, as_of, fmt: str, base_dir: Path | None) -> int:
    """Check the shipped knowledge base, plus any overlay FILES, against the shapes.

    Prints one line per violation (FILE: SUBJECT: problem) and a summary line. With
    --max-age, also one warning per source older than that (FILE: SOURCE: warning: its
    as-of, its age in days, its URL); warnings never change the exit code.
    Exit code 0: valid; 1: violations; 2: a file cannot be read or parsed.

    \b
    Examples:
      selector kb validate
      selector kb validate contracts/acme-zdr.trig internal-hosting.ttl
      selector kb validate --max-age 180
      selector kb validate --max-age 365 --as-of 2027-01-01
      selector kb validate overlays/*.trig --format sarif > kb.sarif
    """
    if as_of is not None and max_age is None:
        raise click.UsageError("--as-of is the evaluation date for --max-age; give --max-age DAYS too")
    knowledge_base = load_knowledge_base(files, base_dir=base_dir)
    shapes = base_dir / "shapes.ttl" if base_dir is not None else None
    ages = stale_sources(knowledge_base, max_age, as_of) if max_age is not None else None
    report = check(knowledge_base, shapes=shapes, ages=ages)
    click.echo(FORMATS[fmt](report, knowledge_base), nl=False)
    return report.exit_code


#: What ``kb validate --format sarif`` calls its two kinds of finding.
KB_CHECKS = {
    "violation": "A statement the knowledge base's shapes or integrity checks refuse",
    "stale-source": "A source whose as-of is older than --max-age before the evaluation date",
}


def _findings(report: ValidationReport, knowledge_base: KnowledgeBase) -> list[FileFinding]:
    """The violations (errors) and old sources (warnings) as file findings, with the line where one is found."""
    rows = [FileFinding(v.file, line_of(knowledge_base, v.file, v.subject), v.subject, "error", "violation", v.message)
            for v in report.violations]
    if report.ages is not None:
        rows += [FileFinding(s.file, line_of(knowledge_base, s.file, s.source), s.source, "warning", "stale-source",
                             s.one_line(report.ages.on, report.ages.max_age_days).split(": warning: ", 1)[-1])
                 for s in report.ages.stale]
    return rows


#: Every ``kb validate --format``: a function from the report and the knowledge base to the text to print.
FORMATS = {
    "text": lambda report, _: report.render_text(),
    "json": lambda report, kb: findings_json(_findings(report, kb), {
        "valid": report.valid, "facts": report.facts, "sources": report.sources, "summary": report.summary()}),
    "sarif": lambda report, kb: findings_sarif(_findings(report, kb), KB_CHECKS, tool_version()),
}


@kb.command("stats")
@click.option(
    "--kb",
    "overlays",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="An overlay file (.trig or .ttl) to stack on the shipped base; repeatable.",
)
@_BASE_DIR
def stats_command(overlays: tuple[Path, ...], base_dir: Path | None) -> None:
    """Count what the knowledge base holds: models, providers, targets, facts, sources.

    Also shows the layers, the fingerprint, the oldest and newest as-of dates, the
    number of facts without a source (zero for the shipped base), and each provider's
    oldest and newest as-of (of the facts about it, its offerings and targets, and its
    operator).

    \b
    Examples:
      selector kb stats
      selector kb stats --kb contracts/acme-zdr.trig --kb internal-hosting.ttl
    """
    knowledge_base = load_knowledge_base(overlays, base_dir=base_dir)
    click.echo(stats(knowledge_base).render_text(), nl=False)


@kb.command("lengths")
@click.option("--write", is_flag=True, help="Write ontology/kb/list-lengths.trig instead of printing it.")
@_BASE_DIR
def lengths_command(write: bool, base_dir: Path | None) -> None:
    """Count the lists the engine reads as complete, and print or write their lengths.

    The engine reads a list as complete (a licence's prohibitions, a bloc's members,
    the offerings that cap a model's context window) only where its length is
    declared; for the shipped knowledge base the declarations are counted here and
    kept in ontology/kb/list-lengths.trig, which `selector kb validate` checks.
    Run it with --write after changing the shipped facts.

    \b
    Examples:
      selector kb lengths
      selector kb lengths --write
    """
    if write:
        click.echo(f"wrote {lengths.write(base_dir or ontology_dir())}")
        return
    knowledge_base = load_knowledge_base((), base_dir=base_dir)
    click.echo(lengths.render(knowledge_base, lengths.expected(FactIndex.build(knowledge_base))), nl=False)


@kb.command("publish")
@click.option("--endpoint", "url", required=True, metavar="URL",
              help="The SPARQL server's base URL (Oxigraph's layout: /query, /store), e.g. http://127.0.0.1:7878.")
@click.option("--kb", "overlays", multiple=True, type=click.Path(path_type=Path), metavar="FILE",
              help="An overlay file (.trig or .ttl) to publish on top of the shipped base; repeatable.")
def publish_command(url: str, overlays: tuple[Path, ...]) -> int:
    """Write the knowledge base (the shipped base plus overlays) into a SPARQL 1.1 store, replacing its content.

    Every fact stays in its source's named graph; a publication record (graph
    https://w3id.org/selector/store/publication) keeps each graph's layer and file,
    each file's digest and the fingerprint, so that --kb-endpoint URL reads back the
    same knowledge base and decides byte for byte as the files do. Overlays are
    validated first, as every deciding command validates them. Give the store to
    selector alone: its whole content is replaced.

    
    Examples:
      oxigraph serve --location kb-store --bind 127.0.0.1:7878 &
      selector kb publish --endpoint http://127.0.0.1:7878
      selector select --constraints policy.yaml --kb-endpoint http://127.0.0.1:7878
    """
    # Imported here to keep start-up fast: only publishing needs the store layout and validation.
    from selector.kb.publish import publish
    from selector.kb.sparql import endpoint  # (imported here to keep start-up fast)
    from selector.kb.validate import overlay_error  # (imported here to keep start-up fast)

    target = endpoint(url)
    knowledge_base = load_knowledge_base(overlays)
    problem = overlay_error(knowledge_base)
    if problem is not None:
        raise problem
    made = publish(knowledge_base, url)
    click.echo(printable(
        f"published {made.statements} statements in {made.graphs} graphs to {target.base} "
        f"(knowledge base {made.fingerprint[:19]}, layers: {', '.join(knowledge_base.layers)})"
    ))
    return 0


kb.add_command(import_group)
