"""RDF namespaces the engine reads, and short prefixed names for showing IRIs to people."""

from __future__ import annotations

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ODRL2, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

SEL = Namespace("https://w3id.org/selector/ns#")
KB = "https://w3id.org/selector/kb/"
LOC = Namespace("https://w3id.org/dpv/loc#")
DPV = Namespace("https://w3id.org/dpv#")
ODRL = ODRL2

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
