"""Running an import: read the snapshot, map and plan it, write the folder, report.

``import_catalog`` reads one catalog snapshot, maps every entry with the reviewed
mapping, weighs the result against the curated layer, renders the TriG files, and
compares them with the catalog's folder as it is. Unless it is a dry run it then
replaces the folder ``kb/catalog/<catalog>/`` wholly and atomically: the files are
written to a temporary folder beside it, which is then swapped in.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from rdflib import URIRef

from selector.kb import lengths
from selector.kb.catalog import litellm, modelsdev
from selector.kb.catalog.context import SINGLE_VALUED, CuratedContext, load_context
from selector.kb.catalog.diff import Diff, compare, facts, read_folder
from selector.kb.catalog.mapping import load_mapping
from selector.kb.catalog.plan import Plan, plan_import
from selector.kb.catalog.records import CatalogError, Record, Snapshot
from selector.kb.catalog.report import CatalogDisagreement, full, summary
from selector.kb.catalog.terms import node
from selector.kb.catalog.trig import render_files
from selector.kb.load import CATALOG_FOLDER, KB_FOLDER
from selector.kb.namespaces import SEL, short


@dataclass(frozen=True)
class Catalog:
    """A catalog the importer reads: how to read a snapshot, which snapshot, and the command's words."""

    name: str
    read: Callable[[Path], tuple[Record, ...]]
    snapshot: Snapshot
    command: str


CATALOGS: dict[str, Catalog] = {
    "models.dev": Catalog("models.dev", modelsdev.read_snapshot, modelsdev.SNAPSHOT, "selector kb import models.dev DIR"),
    "litellm": Catalog("litellm", litellm.read_file, litellm.SNAPSHOT, "selector kb import litellm FILE"),
}
"""The catalogs ``selector kb import`` reads, by the name the command takes."""


@dataclass(frozen=True)
class ImportResult:
    """What an import did (or, for a dry run, would do): the plan, the files, the changes, the report."""

    plan: Plan
    files: dict[str, str]
    diff: Diff
    disagreements: tuple[CatalogDisagreement, ...]
    folder: Path
    written: bool
    retired_elsewhere: tuple[str, ...] = ()

    def summary(self) -> str:
        """The printed summary: counts and reasons."""
        return summary(self.plan, list(self.disagreements), self.retired_elsewhere)

    def report(self) -> str:
        """The full report (Markdown)."""
        return full(self.plan, list(self.disagreements), self.retired_elsewhere)


def catalog_folder(kb_dir: Path, catalog: str) -> Path:
    """Where a catalog's generated files live: ``<ontology>/kb/catalog/<catalog>/``."""
    return Path(kb_dir) / KB_FOLDER / CATALOG_FOLDER / catalog


def import_catalog(catalog: str, source: Path, *, kb_dir: Path, map_dir: Path, dry_run: bool = False) -> ImportResult:
    """Import one catalog snapshot into ``kb_dir`` (see the module docstring)."""
    if catalog not in CATALOGS:
        raise CatalogError(f"unknown catalog '{catalog}'", hint=f"one of {', '.join(sorted(CATALOGS))}")
    spec = CATALOGS[catalog]
    records = spec.read(Path(source))
    mapping = load_mapping(Path(map_dir), catalog)
    _, curated = load_context(Path(kb_dir))
    plan = plan_import(mapping, records, spec.snapshot, curated)
    files = render_files(plan.statements, plan.records, spec.snapshot, spec.command)
    folder = catalog_folder(kb_dir, catalog)
    changes = compare(read_folder(folder), files)
    others = {}
    for name in sorted(CATALOGS):
        if name != catalog:
            others[name] = read_folder(catalog_folder(kb_dir, name))
    disagreements = _between_catalogs(catalog, files, others, curated)
    stale = _retired_elsewhere(plan, files, others)
    if not dry_run:
        _replace(folder, files)
        # The lengths of the lists the engine reads as complete count the catalog layer too.
        lengths.write(kb_dir)
    return ImportResult(plan, files, changes, tuple(disagreements), folder, not dry_run, tuple(stale))


def _between_catalogs(
    catalog: str, files: dict[str, str], others: dict[str, dict[str, str]], curated: CuratedContext
) -> list[CatalogDisagreement]:
    """Single-valued facts this catalog and another state differently, where no curated fact decides."""
    single = {str(p) for p in SINGLE_VALUED}
    mine, _ = facts(files, readable=False)
    found = []
    for other, other_files in sorted(others.items()):
        theirs, _ = facts(other_files, readable=False)
        for key in sorted(set(mine) & set(theirs)):
            if key[1] not in single or mine[key] == theirs[key]:
                continue
            if curated.values(URIRef(key[0]), URIRef(key[1])):
                continue
            found.append(CatalogDisagreement(
                short(URIRef(key[0])), short(URIRef(key[1])),
                tuple((catalog, _show(v)) for v in sorted(mine[key])) + tuple((other, _show(v)) for v in sorted(theirs[key])),
            ))  # fmt: skip
    return found


def _show(value: str) -> str:
    return short(URIRef(value)) if value.startswith(("http://", "https://")) else value


def _retired_elsewhere(plan: Plan, files: dict[str, str], others: dict[str, dict[str, str]]) -> list[str]:
    """Deployments this catalog reports retired (and no longer places) that another catalog's files still place."""

    def _placed(texts: dict[str, str]) -> set[tuple[str, str]]:
        found, _ = facts(texts, readable=False)
        return {(s, t) for (s, p), values in found.items() if p == str(SEL.availableAt) for t in values}

    mine = _placed(files)
    theirs: set[tuple[str, str]] = set()
    for other_files in others.values():
        theirs |= _placed(other_files)
    stale: dict[str, str] = {}
    for item in plan.retired:
        offering = str(node("offering", f"{item.model}--{item.provider}"))
        for spec in item.targets:
            pair = (offering, str(node("target", f"{item.provider}--{spec.slug}")))
            if pair in theirs and pair not in mine:
                name = f"{item.model}@{item.provider}/{spec.slug}"
                stale[name] = max(stale.get(name, ""), item.record.retires_on or "")
    return [f"{name} (retires on {day})" for name, day in sorted(stale.items())]


def _replace(folder: Path, files: dict[str, str]) -> None:
    """Write the files to a temporary folder, then swap it in for ``folder``.

    The temporary folders sit in the ontology folder, outside ``kb/``, so that a run
    that is interrupted never leaves half a catalog where the loader reads.
    """
    outside = folder.parents[2]
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".import-{folder.name}-new-", dir=outside))
    retired = Path(tempfile.mkdtemp(prefix=f".import-{folder.name}-old-", dir=outside))
    try:
        for name, text in sorted(files.items()):
            with open(staging / name, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        if folder.exists():
            os.replace(folder, retired / folder.name)
        try:
            os.replace(staging, folder)
        except OSError:
            if (retired / folder.name).exists():
                os.replace(retired / folder.name, folder)
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(retired, ignore_errors=True)
