"""RDF namespaces the engine reads, and short prefixed names for showing IRIs to people."""

from __future__ import annotations

from rdflib import Literal, Namespace, URIRef
from rdflib import namespace as _rdflib
from rdflib.term import Node


class Terms(Namespace):
    """A namespace whose terms are each made once: ``SEL.model`` is then a plain attribute read.

    rdflib builds and validates a new IRI on every attribute access, and the evaluator
    reads these terms millions of times on a large knowledge base.
    """

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):  # not a term: copy, pickle and the like look these up
            raise AttributeError(name)
        return self.named(name)

    def named(self, local: str) -> URIRef:
        """The term for a local name, made the first time it is asked for."""
        found = self.__dict__.get(local)
        if found is None:
            found = self.__dict__[local] = URIRef(str(self) + local)
        return found


SEL = Terms("https://w3id.org/selector/ns#")
KB = "https://w3id.org/selector/kb/"
LOC = Terms("https://w3id.org/dpv/loc#")
DPV = Terms("https://w3id.org/dpv#")
RDF = Terms(str(_rdflib.RDF))
RDFS = Terms(str(_rdflib.RDFS))
SKOS = Terms(str(_rdflib.SKOS))
XSD = Terms(str(_rdflib.XSD))
DCTERMS = Terms(str(_rdflib.DCTERMS))
ODRL = Terms(str(_rdflib.ODRL2))

#: The namespaces whose terms the engine names in code, longest first.
_TERM_SPACES: tuple[Terms, ...] = tuple(sorted((SEL, LOC, DPV, RDF, RDFS, SKOS, XSD, DCTERMS, ODRL), key=len, reverse=True))


def namespace_term(iri: str) -> URIRef | None:
    """The namespace's own term object for an IRI in one of the engine's namespaces, else None."""
    for space in _TERM_SPACES:
        if iri.startswith(space) and len(iri) > len(space):
            local = iri[len(space):]
            if local.isidentifier():
                return space.named(local)
    return None


def term(iri: str) -> URIRef:
    """The IRI as one shared object: the namespace's own term where it is one (``SEL.model``).

    The fact index keys facts by these objects, so a lookup with ``SEL.model`` finds
    its key by identity rather than by comparing strings.
    """
    found = namespace_term(iri)
    if found is not None:
        return found
    return iri if type(iri) is URIRef else URIRef(iri)


PREFIXES: tuple[tuple[str, str], ...] = (
    ("sel", str(SEL)),
    ("src", KB + "source/"),
    ("party", KB + "org/"),
    ("model", KB + "model/"),
    ("provider", KB + "provider/"),
    ("offering", KB + "offering/"),
    ("target", KB + "target/"),
    ("licence", KB + "licence/"),
    ("term", KB + "licence-term/"),
    ("claim", KB + "claim/"),
    ("conflict", KB + "conflict/"),
    ("cert", KB + "certification/"),
    ("loc", str(LOC)),
    ("dpv", str(DPV)),
    ("odrl", str(ODRL)),
    ("rdf", str(RDF)),
    ("rdfs", str(RDFS)),
    ("skos", str(SKOS)),
    ("dcterms", str(DCTERMS)),
    ("xsd", str(XSD)),
)

# Longest namespace first, so "kb/licence-term/" wins over "kb/licence/".
_BY_LENGTH = sorted(PREFIXES, key=lambda p: -len(p[1]))


def expand_short(name: str) -> URIRef | None:
    """A prefixed name (``sel:closedList``) as its IRI, or None when the prefix is not one of ours."""
    prefix, _, local = name.partition(":")
    for known, namespace in PREFIXES:
        if known == prefix:
            return term(namespace + local)
    return None


def short(node: Node) -> str:
    """A node as people read it: a prefixed name for IRIs, the lexical form for literals."""
    if isinstance(node, URIRef):
        text = str(node)
        for prefix, ns in _BY_LENGTH:
            if text.startswith(ns) and len(text) > len(ns):
                return f"{prefix}:{text[len(ns):]}"
        return text
    if isinstance(node, Literal):
        return str(node)
    return str(node)
