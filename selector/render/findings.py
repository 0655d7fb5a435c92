"""Findings about input files (``policy lint``, ``kb validate``) as JSON and SARIF.

The commands turn their own reports into :class:`FileFinding` rows (a file, a line
where known, the key or subject, a level, the check that found it and what it says);
one function per format writes them, so the two commands' machine outputs have one
shape.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import PurePath
from typing import Iterable, Literal, Mapping
from urllib.parse import quote

from selector.render.ci import STDIN
from selector.render.json_format import json_text
from selector.render.sarif import SCHEMA
from selector.text import printable


@dataclass(frozen=True, order=True)
class FileFinding:
    """One problem in one input file: where, about what, how serious, found by which check, and why."""

    file: str
    line: int | None
    key: str
    level: Literal["error", "warning"]
    check: str
    message: str


def _uri(file: str) -> str:
    path = PurePath(file)
    return path.as_uri() if path.is_absolute() else quote(path.as_posix())


def _result(finding: FileFinding, index: int) -> dict:
    place: dict = {"logicalLocations": [{"fullyQualifiedName": printable(finding.key), "kind": "member"}]}
    if finding.file != STDIN:
        physical: dict = {"artifactLocation": {"uri": _uri(finding.file)}}
        if finding.line:
            physical["region"] = {"startLine": finding.line}
        place["physicalLocation"] = physical
    return {"ruleId": finding.check, "ruleIndex": index, "kind": "fail", "level": finding.level,
            "message": {"text": printable(f"{finding.key}: {finding.message}")}, "locations": [place]}


def findings_sarif(findings: Iterable[FileFinding], checks: Mapping[str, str], tool: str) -> str:
    """One SARIF run: ``checks`` maps each check's id to its description (the run's rules), in that order."""
    ids = list(checks)
    name, _, version = tool.partition(" ")
    driver: dict = {"name": name or "selector",
                    "rules": [{"id": i, "name": i, "shortDescription": {"text": checks[i]}} for i in ids]}
    if version and version[0].isdigit():
        driver["version"] = version
    results = [_result(f, ids.index(f.check)) for f in findings]
    return json_text({"$schema": SCHEMA, "version": "2.1.0", "runs": [{"tool": {"driver": driver}, "results": results}]})


def findings_json(findings: Iterable[FileFinding], head: Mapping[str, object]) -> str:
    """A JSON object: the ``head`` fields (counts, validity), then ``findings``, a list of objects."""
    return json_text({**head, "findings": [asdict(f) for f in findings]})
