"""Where the shipped ontology, knowledge base and rules are, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent


def _data(name: str) -> Path:
    installed = _PACKAGE / "_data" / name
    return installed if installed.is_dir() else _CHECKOUT / name


def ontology_dir() -> Path:
    """The folder holding the ontology, the shapes and (under ``kb/``) the shipped facts."""
    return _data("ontology")


def rules_dir() -> Path:
    """The folder holding the shipped rule files."""
    return _data("rules")
