"""A violation of the knowledge base, where it is stated, and how a node is shown in one."""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from selector.kb.load import ONTOLOGY_LAYER, KnowledgeBase
from selector.kb.namespaces import PREFIXES, SEL, short
from selector.text import printable

LENGTH_LINKS = frozenset({SEL.closedList, SEL.closedMembers, SEL.closedOverrides})


@dataclass(frozen=True, order=True)
class Violation:
    """One thing wrong in the knowledge base: the file, the subject and the problem."""

    file: str
    subject: str
    message: str

    def one_line(self) -> str:
        """The violation as printed: ``FILE: SUBJECT: message``."""
        return printable(f"{self.file}: {self.subject}: {self.message}")

    def __str__(self) -> str:
        return self.one_line()


class Locator:
    """Finds the file a subject (or a statement about it) is stated in.

    First in load order, or first among the ``prefer`` layers' files when they state it (an overlay is blamed
    before the base).
    """

    def __init__(self, kb: KnowledgeBase, prefer: Collection[str] | None = None) -> None:
        self.by_triple: dict[tuple[Node, Node, Node], str] = {}
        self.by_subject_property: dict[tuple[Node, Node], str] = {}
        self.by_subject: dict[Node, str] = {}
        self.by_graph: dict[Node, str] = {}
        self.by_object: dict[Node, str] = {}
        quads = kb.quads
        if prefer:
            quads = [q for q in quads if q.layer in prefer] + [q for q in quads if q.layer not in prefer]
        for quad in quads:
            if quad.layer == ONTOLOGY_LAYER:
                continue
            self.by_triple.setdefault((quad.subject, quad.predicate, quad.object), quad.file)
            self.by_subject_property.setdefault((quad.subject, quad.predicate), quad.file)
            if quad.predicate not in LENGTH_LINKS:  # a list-length file is never where a subject is described
                self.by_subject.setdefault(quad.subject, quad.file)
            if quad.graph is not None:
                self.by_graph.setdefault(quad.graph, quad.file)
            self.by_object.setdefault(quad.object, quad.file)

    def file(self, subject: Node, path: Node | None = None, value: Node | None = None) -> str:
        """The file to blame for a finding about ``subject`` (and ``path`` / ``value``)."""
        if path is not None and value is not None:
            found = self.by_triple.get((subject, path, value))
            if found:
                return found
        if path is not None:
            found = self.by_subject_property.get((subject, path))
            if found:
                return found
        for index in (self.by_subject, self.by_graph, self.by_object):
            found = index.get(subject)
            if found:
                return found
        return "(knowledge base)"


# A full IRI inside a SPARQL constraint's message (from a {?var} placeholder).


@functools.lru_cache(maxsize=1)
def _namespaces() -> NamespaceManager:
    manager = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, namespace in PREFIXES:
        manager.bind(prefix, namespace, override=True, replace=True)
    return manager


def show(node: Node) -> str:
    """A node as a violation shows it: prefixed IRIs, Turtle-style literals."""
    if isinstance(node, URIRef):
        text = short(node)
        return text if text != str(node) else f"<{node}>"
    if isinstance(node, Literal):
        return node.n3(_namespaces())
    if isinstance(node, BNode):
        return "[]"
    return str(node)
