"""Validating a loaded knowledge base: SHACL shapes plus the few checks SHACL cannot say.

The shapes (``ontology/shapes.ttl``) run with pySHACL over the union of every source
graph and a few materialised helper triples (see the head of the shapes file). Python
adds what shapes cannot say well: facts written in a default graph, facts slipped into
the ontology's graph, and cycles or dangling links in ``sel:routesTo``,
``sel:memberRegion`` and ``sel:derivedFrom``.

Every finding is a :class:`Violation` naming the file the offending subject is stated
in, the subject, and what is wrong; :class:`ValidationReport` adds the summary line
and owns the exit code.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from selector.errors import KnowledgeBaseError
from selector.kb.freshness import AgeCheck
from selector.kb.integrity import (
    LINKS,
    cycles,
    default_graph_facts,
    jurisdiction_codes,
    links,
    list_lengths,
    literals,
    ontology_graph_facts,
    shipped_jurisdictions,
)
from selector.kb.load import ONTOLOGY_GRAPH, SHIPPED_LAYERS, KnowledgeBase
from selector.kb.namespaces import SEL
from selector.kb.stats import count_facts, fact_graphs
from selector.kb.violations import Locator, Violation, show
from selector.paths import ontology_dir
from selector.text import plural

SHAPES_FILE = "shapes.ttl"

_IRI_IN_TEXT = re.compile(r"(?:https?|urn):[^\s<>\"{}|^`]+[^\s<>\"{}|^`.,;:)]")

# Ontology triples the shapes need in the data graph.
_SCHEMA_TYPES = {RDFS.Class, RDF.Property, OWL.Ontology, OWL.Class, OWL.ObjectProperty,
                 OWL.DatatypeProperty, OWL.AnnotationProperty}


@dataclass(frozen=True)
class ValidationReport:
    """The violations of one knowledge base, with its fact and source counts, the summary and exit code.

    ``ages`` holds the sources older than a maximum age (``kb validate --max-age``):
    warnings, printed after the violations, that never change the exit code.
    """

    violations: tuple[Violation, ...]
    facts: int
    sources: int
    ages: AgeCheck | None = None

    @property
    def valid(self) -> bool:
        """Whether the knowledge base passed every check."""
        return not self.violations

    @property
    def exit_code(self) -> int:
        """0 when valid, 1 when there are violations (unreadable input is a KnowledgeBaseError, exit 2)."""
        return 0 if self.valid else 1

    def summary(self) -> str:
        """The final line: counts of violations and files, or of facts and sources; then what the age check found."""
        if self.valid:
            said = f"knowledge base is valid: {plural(self.facts, 'fact')} from {plural(self.sources, 'source')}"
        else:
            files = len({v.file for v in self.violations})
            said = f"{plural(len(self.violations), 'violation')} in {plural(files, 'file')}"
        return said if self.ages is None else f"{said}; {self.ages.summary()}"

    def render_text(self) -> str:
        """One line per violation, one per warning, then the summary line."""
        lines = [v.one_line() for v in self.violations]
        if self.ages is not None:
            lines += self.ages.lines()
        lines.append(self.summary())
        return "\n".join(lines) + "\n"


def check(kb: KnowledgeBase, *, shapes: Path | None = None, ages: AgeCheck | None = None) -> ValidationReport:
    """Validate a knowledge base (see :func:`validate`) and wrap the result with its counts.

    ``ages`` is the result of :func:`selector.kb.freshness.stale_sources`, reported as warnings.
    """
    return ValidationReport(
        violations=validate(kb, shapes=shapes),
        facts=count_facts(kb),
        sources=len(fact_graphs(kb)),
        ages=ages,
    )


def validate(
    kb: KnowledgeBase, *, shapes: Path | None = None, only_layers: Collection[str] | None = None
) -> tuple[Violation, ...]:
    """Every violation of the shapes and of the Python checks, sorted and without duplicates.

    ``shapes`` is the SHACL file to use (default: the shipped ``ontology/shapes.ttl``).
    ``only_layers`` limits the work and the findings to those layers (the overlays): the
    shapes are checked only on the nodes their statements touch, over the whole knowledge
    base, and only violations found in their files are returned, so the shipped base is
    not validated again on every run.
    """
    shapes_path = Path(shapes or ontology_dir() / SHAPES_FILE)
    try:
        stamp = shapes_path.stat().st_mtime_ns
    except OSError:
        stamp = None
    # The same content in the same files under the same shapes gives the same findings: a process that
    # validates again (a server, a test run) reuses them.
    key = (kb.fingerprint, len(kb.quads), tuple(sorted({quad.file for quad in kb.quads})), str(shapes_path), stamp,
           None if only_layers is None else tuple(sorted(only_layers)))
    found_before = _VALIDATED.get(key)
    if found_before is not None:
        return found_before
    result = _validate(kb, shapes_path, only_layers)
    _VALIDATED[key] = result
    while len(_VALIDATED) > 8:
        _VALIDATED.pop(next(iter(_VALIDATED)))
    return result


#: Findings of recent validations, by content, files, shapes and layers.
_VALIDATED: dict[tuple, tuple[Violation, ...]] = {}


def _validate(kb: KnowledgeBase, shapes: Path, only_layers: Collection[str] | None) -> tuple[Violation, ...]:
    where = Locator(kb, prefer=only_layers)
    data = _data_graph(kb)
    shapes_graph = _shapes_graph(shapes)
    if only_layers is not None:
        shapes_graph = _focused(shapes_graph, data, _touched(kb, only_layers))
    found: set[Violation] = set()
    found.update(_shacl(data, shapes_graph, where))
    found.update(default_graph_facts(kb))
    found.update(ontology_graph_facts(kb))
    for prop, cls in LINKS:
        found.update(links(data, prop, cls, where))
    found.update(cycles(data, SKOS.broader, where))
    # A literal the shapes already found wrong is not reported twice.
    said = {(v.file, v.subject, v.message.split(": ", 1)[0]) for v in found}
    found.update(v for v in literals(kb) if (v.file, v.subject, v.message.split(": ", 1)[0]) not in said)
    found.update(jurisdiction_codes(kb, where))
    found.update(list_lengths(kb, where, check_shipped=only_layers is None))
    found.update(shipped_jurisdictions(kb, only_layers or [layer for layer in kb.layers if layer not in SHIPPED_LAYERS]))
    if only_layers is not None:
        files = {quad.file for quad in kb.quads if quad.layer in only_layers}
        found = {v for v in found if v.file in files}
    return tuple(sorted(found))


def overlay_error(kb: KnowledgeBase) -> KnowledgeBaseError | None:
    """The one-line error for the first problem in the knowledge base's overlays, or None when they are valid.

    Every command that decides anything runs this before using overlays (the shipped
    base is validated by its tests, not on every run).
    """
    overlays = [layer for layer in kb.layers if layer not in SHIPPED_LAYERS]
    if not overlays:
        return None
    violations = validate(kb, only_layers=frozenset(overlays))
    if not violations:
        return None
    first = violations[0]
    more = len(violations) - 1
    hint = f"{plural(more, 'more problem')}; see: selector kb validate FILES" if more else None
    return KnowledgeBaseError(first.message, file=first.file, line=line_of(kb, first.file, first.subject),
                              key=first.subject, hint=hint)


def line_of(kb: KnowledgeBase, file: str, subject: str) -> int | None:
    """The first line of a file that states something about the subject (as written: prefixed or in <>)."""
    path = next((p for layer, p in kb.files if str(p) == file), None)
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1)
             if not line.lstrip().startswith(("@prefix", "#", "PREFIX"))]
    after = r"(?=[\s;,.\])])"
    # Where the subject starts a statement, else wherever it is named.
    for pattern in (r"^\s*" + re.escape(subject) + after, r"(?:^|[\s{;,\[(])" + re.escape(subject) + after):
        found = next((n for n, line in lines if re.search(pattern, line)), None)
        if found is not None:
            return found
    return None


@functools.lru_cache(maxsize=4)
def _shapes_graph_cached(path: str, mtime: float) -> Graph:
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph


def _shapes_graph(path: Path) -> Graph:
    try:
        return _shapes_graph_cached(str(path), path.stat().st_mtime)
    except OSError as error:
        raise KnowledgeBaseError(f"cannot read shapes: {error.strerror or error}", file=path) from None
    except Exception as error:  # a broken shapes file is a packaging error, still one line
        raise KnowledgeBaseError(f"cannot parse shapes: {error}", file=path) from None


def _data_graph(kb: KnowledgeBase) -> Graph:
    """Union of every graph but the ontology's, plus the helper triples the shapes rely on."""
    data = Graph()
    for s, p, o, g in kb.dataset.quads((None, None, None, None)):
        if g != ONTOLOGY_GRAPH:
            data.add((s, p, o))
    for graph in fact_graphs(kb):
        data.add((graph, RDF.type, SEL.FactGraph))
    ontology = kb.dataset.graph(ONTOLOGY_GRAPH)
    for triple in ontology.triples((None, RDFS.subClassOf, None)):
        data.add(triple)
    for s, _, o in ontology.triples((None, RDF.type, None)):
        if o not in _SCHEMA_TYPES:
            data.add((s, RDF.type, o))
    return data


def _shacl(data: Graph, shapes: Graph, where: Locator) -> Iterable[Violation]:
    from pyshacl import validate as run_shacl  # imported here to keep start-up fast: slow, and only validation needs it

    _, results, _ = run_shacl(
        data,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_infos=True,
        allow_warnings=True,
        meta_shacl=False,
        advanced=False,
        inplace=True,
    )
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        message = results.value(result, SH.resultMessage)
        text = str(message) if message is not None else "violates " + show(
            results.value(result, SH.sourceShape) or URIRef("urn:unknown")
        )
        text = _IRI_IN_TEXT.sub(lambda m: show(URIRef(m.group(0))), text)
        if isinstance(path, URIRef):
            shown = show(path) + (f" {show(value)}" if value is not None else "")
            yield Violation(where.file(focus, path, value), show(focus), f"{shown}: {text}")
        else:
            # A node-level check, or a path through other nodes: the message says it all.
            yield Violation(where.file(focus), show(focus), text)


_SHAPE_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)


def _touched(kb: KnowledgeBase, layers: Collection[str]) -> set[Node]:
    """Every node a statement of these layers is about, points to, or is made in."""
    nodes: set[Node] = set()
    for quad in kb.quads:
        if quad.layer in layers:
            nodes.add(quad.subject)
            if not isinstance(quad.object, Literal):
                nodes.add(quad.object)
            if quad.graph is not None:
                nodes.add(quad.graph)
    return nodes


def _focused(shapes: Graph, data: Graph, touched: set[Node]) -> Graph:
    """A copy of the shapes whose targets are only the touched nodes they would target in ``data``."""
    focused = Graph()
    for triple in shapes:
        if triple[1] not in _SHAPE_TARGETS:
            focused.add(triple)
    for shape in set(shapes.subjects(None, None)):
        nodes: set[Node] = set()
        for cls in shapes.objects(shape, SH.targetClass):
            classes = set(data.transitive_subjects(RDFS.subClassOf, cls))
            nodes.update(n for n in touched if any(c in classes for c in data.objects(n, RDF.type)))
        for prop in shapes.objects(shape, SH.targetSubjectsOf):
            nodes.update(n for n in touched if (n, prop, None) in data)
        for prop in shapes.objects(shape, SH.targetObjectsOf):
            nodes.update(n for n in touched if (None, prop, n) in data)
        nodes.update(n for n in shapes.objects(shape, SH.targetNode) if n in touched)
        for node in nodes:
            focused.add((shape, SH.targetNode, node))
    return focused


