"""The closed set of check kinds rules are built from: one object per kind, in one explicit list.

A rule file names one kind and its parameters (a property, the scopes to look it up
in); the kind decides pass, fail or unknown for one candidate, says what it reads
about a candidate (its fast-path signature) and why no recorded value could meet a
requirement (its lint reasoning). Each kind is one :class:`CheckKind` in one module;
``KINDS`` below lists them all, and a rule naming any other kind is refused at load.
Adding a kind is one module here, its entry below, its rule file and its cases.
"""

from __future__ import annotations

from typing import Mapping

from selector.checks.allowlist import MATCHES_LIST
from selector.checks.base import CheckContext, CheckKind, Found, Outcome, fmt, lookup
from selector.checks.flags import FLAG_AT_TARGET
from selector.checks.headquarters import HEADQUARTERS_OUTSIDE, HEADQUARTERS_WITHIN
from selector.checks.licence_ids import LICENCE_ID
from selector.checks.licences import LICENCE_TERMS
from selector.checks.lifecycle import LIFECYCLE
from selector.checks.prices import PRICE_CAP
from selector.checks.residency import DATA_LOCATION
from selector.checks.values import (
    AT_LEAST,
    AT_MOST,
    EQUALS,
    INCLUDES_ALL,
    NONE_OF,
    ONE_OF,
)
from selector.checks.within import ALL_WITHIN
from selector.checks.workload import MONTHLY_COST

#: Every check kind a rule file may name, by name.
KINDS: Mapping[str, CheckKind] = {
    kind.name: kind
    for kind in (
        AT_LEAST,
        AT_MOST,
        EQUALS,
        INCLUDES_ALL,
        ONE_OF,
        NONE_OF,
        HEADQUARTERS_WITHIN,
        HEADQUARTERS_OUTSIDE,
        MATCHES_LIST,
        FLAG_AT_TARGET,
        PRICE_CAP,
        DATA_LOCATION,
        LICENCE_TERMS,
        LIFECYCLE,
        LICENCE_ID,
        ALL_WITHIN,
        MONTHLY_COST,
    )
}

__all__ = ["KINDS", "CheckContext", "CheckKind", "Found", "Outcome", "fmt", "lookup"]
