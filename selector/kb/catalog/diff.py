"""What an import would change: the facts of the new files against the files that exist.

Facts are compared by subject and property (graphs aside), so that a maintainer
reviews a catalog update as a list of readable changes:

    + offering:gpt-5.4--openai-api sel:inputPricePerMTok 2.5
    - offering:gpt-4.1--openai-api sel:availableAt target:openai-api--global
    ~ model:gpt-5.5 sel:maxOutputTokens 128000 -> 100000

Source descriptions (the default graphs) are counted, not listed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal, URIRef

from selector.kb.catalog.records import CatalogError
from selector.kb.namespaces import short


@dataclass(frozen=True)
class Diff:
    """The changes an import makes to one catalog's folder."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]
    sources_added: int
    sources_removed: int
    files_added: tuple[str, ...]
    files_removed: tuple[str, ...]

    @property
    def empty(self) -> bool:
        """Whether the import changes nothing."""
        return not (self.added or self.removed or self.changed or self.files_added or self.files_removed
                    or self.sources_added or self.sources_removed)  # fmt: skip

    def render(self) -> str:
        """The changes, one per line, then a summary line."""
        lines = [f"+ file {name}" for name in self.files_added] + [f"- file {name}" for name in self.files_removed]
        lines += list(self.added) + list(self.removed) + list(self.changed)
        lines.sort(key=lambda line: (line[2:].split(" ", 2)[:2], line[0]))
        lines.append(
            f"{len(self.added)} added, {len(self.removed)} removed, {len(self.changed)} changed "
            f"(subject and property); sources {self.sources_added} added, {self.sources_removed} removed"
        )
        return "\n".join(lines) + "\n"


def read_folder(folder: Path) -> dict[str, str]:
    """The TriG files of a catalog folder, by file name (empty when the folder does not exist)."""
    if not folder.is_dir():
        return {}
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.trig"))}


def facts(files: dict[str, str], *, readable: bool = True) -> tuple[dict[tuple[str, str], set[str]], set[str]]:
    """Facts by (subject, property), and the sources described.

    Terms are shown as people read them (``model:gpt-5.4``), or with ``readable=False``
    as full IRIs and literal values.
    """
    import pyoxigraph as ox  # imported here, not at the top, to keep start-up fast: only a catalog diff needs it

    by_key: dict[tuple[str, str], set[str]] = defaultdict(set)
    sources: set[str] = set()
    for name, text in sorted(files.items()):
        try:
            quads = list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TRIG))
        except (SyntaxError, ValueError) as error:
            raise CatalogError(f"cannot parse: {error}", file=name) from None
        for quad in quads:
            show = _show if readable else _raw
            subject, predicate, obj = (show(t) for t in (quad.subject, quad.predicate, quad.object))
            if type(quad.graph_name) is ox.DefaultGraph:
                sources.add(subject)
            else:
                by_key[(subject, predicate)].add(obj)
    return by_key, sources


def compare(old_files: dict[str, str], new_files: dict[str, str]) -> Diff:
    """The changes from the old files to the new ones."""
    old, old_sources = facts(old_files)
    new, new_sources = facts(new_files)
    added, removed, changed = [], [], []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key, set()), new.get(key, set())
        if before == after:
            continue
        name = f"{key[0]} {key[1]}"
        if not before:
            added += [f"+ {name} {value}" for value in sorted(after)]
        elif not after:
            removed += [f"- {name} {value}" for value in sorted(before)]
        else:
            changed.append(f"~ {name} {', '.join(sorted(before))} -> {', '.join(sorted(after))}")
    return Diff(
        added=tuple(added),
        removed=tuple(removed),
        changed=tuple(changed),
        sources_added=len(new_sources - old_sources),
        sources_removed=len(old_sources - new_sources),
        files_added=tuple(sorted(set(new_files) - set(old_files))),
        files_removed=tuple(sorted(set(old_files) - set(new_files))),
    )


def _raw(term) -> str:
    return str(term.value) if hasattr(term, "value") else str(term)


def _show(term) -> str:
    import pyoxigraph as ox  # imported here to keep start-up fast, as above

    if isinstance(term, ox.NamedNode):
        return short(URIRef(term.value))
    if isinstance(term, ox.Literal):
        return short(Literal(term.value))
    return str(term)
