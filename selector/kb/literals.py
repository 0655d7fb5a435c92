"""Reading typed literals: a number, a boolean or a date, or None when the literal is not one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rdflib import Literal
from rdflib.term import Node


def number(node: Node) -> Decimal | None:
    """A numeric literal as a Decimal, or None when the node is not a finite, well-typed number."""
    if isinstance(node, Literal) and not node.ill_typed:
        value = node.toPython()
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float, Decimal)):
            result = Decimal(str(value))
            return result if result.is_finite() else None
    return None


def boolean(node: Node) -> bool | None:
    """A boolean literal's value, or None when the node is not a well-typed boolean ("yes" is not false)."""
    if isinstance(node, Literal) and not node.ill_typed and isinstance(node.toPython(), bool):
        return node.toPython()
    return None


def a_date(node: Node) -> date | None:
    """A date literal's value, or None."""
    if isinstance(node, Literal) and not node.ill_typed and isinstance(node.toPython(), date):
        return node.toPython()
    return None
