"""The distribution this package is installed as, and its version.

The command and the import package are ``selector``; the distribution on the package
index is ``selector-llm`` (the name ``selector`` there belongs to an unrelated WSGI
router). Everything that reads the installed metadata asks here.
"""

from __future__ import annotations

from importlib import metadata

#: The name ``pip install`` takes (``[project].name`` in pyproject.toml).
DISTRIBUTION = "selector-llm"


def installed_version() -> str | None:
    """The installed distribution's version, or None when run from a source tree that is not installed."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return None
