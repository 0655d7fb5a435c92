"""What the knowledge base records across every candidate: the values a kind's lint reasoning reads.

``selector policy lint`` asks each check kind why no deployment could meet a
requirement; the kinds answer from the values recorded at the rule's scopes for any
candidate (and upstream hop), read here. ``world`` is the compiled engine: its
``facts``, ``places``, ``regions`` and ``candidates``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Iterable

from rdflib.term import Node

from selector.kb.candidates import Candidate
from selector.kb.datapath import data_path
from selector.kb.literals import number
from selector.kb.namespaces import RDFS
from selector.rules import Rule, expand

#: The scopes a hop of a data path has.
DATA_SCOPES = ("target", "offering", "provider")


def recorded(world: Any, rule: Rule, prop: str | None = None) -> list[Node]:
    """Every value of the rule's property stated at any of its scopes, for any candidate (and upstream hop)."""
    predicate = expand(prop or rule.params["property"])
    scopes = rule.params.get("scopes", ["offering"])
    nodes: set[Node] = set()
    for candidate in world.candidates:
        for scope in scopes:
            nodes.update(scope_nodes(world, candidate, scope))
        if rule.params.get("hops") == "all":
            hops, _ = data_path(world.facts, candidate)
            for hop in hops[1:]:
                nodes.update(n for n in (hop.scope(s) for s in scopes if s in DATA_SCOPES) if n is not None)
    values: list[Node] = []
    for node in sorted(nodes, key=str):
        values.extend(world.facts.objects(node, predicate))
    return values


def scope_nodes(world: Any, candidate: Candidate, scope: str) -> list[Node]:
    """The nodes a rule scope names for a candidate (one, several, or none)."""
    found = candidate.scope(world.facts, scope)
    if found is None:
        return []
    return list(found) if isinstance(found, tuple) else [found]


def numbers(values: Iterable[Node]) -> list[Decimal]:
    """The values that are numbers, as numbers."""
    return [n for n in (number(v) for v in values) if n is not None]


def what(world: Any, rule: Rule) -> str:
    """What the rule's property is called: its label in the ontology, else its name in words."""
    prop = rule.params.get("property")
    if not isinstance(prop, str):
        return rule.title[0].lower() + rule.title[1:] if rule.title else rule.id
    label = world.facts.one(expand(prop), RDFS.label)
    if label is not None:
        return str(label.object)
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", prop.partition(":")[2]).lower()
