"""Checking a SARIF log: against the official 2.1.0 schema where a copy is at hand, and its required structure by hand.

The schema (``sarif-schema-2.1.0.json``, OASIS, the same document json.schemastore.org
serves) is not shipped with the tests; it is read from ``$SELECTOR_SARIF_SCHEMA`` or
from ``shared/schemas/`` beside the checkout. The hand check always runs.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LEVELS = {"none", "note", "warning", "error"}
KINDS = {"notApplicable", "pass", "fail", "review", "open", "informational"}


def schema_path() -> Path | None:
    for candidate in (os.environ.get("SELECTOR_SARIF_SCHEMA"), ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def check_structure(log: dict) -> list[dict]:
    """The required structure of a SARIF 2.1.0 log (the parts this tool writes); returns the results."""
    assert log["version"] == "2.1.0"
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert isinstance(log["runs"], list) and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert isinstance(driver["name"], str) and driver["name"]
    ids = [rule["id"] for rule in driver["rules"]]
    assert len(ids) == len(set(ids))
    for rule in driver["rules"]:
        assert isinstance(rule["shortDescription"]["text"], str)
    for result in run["results"]:
        assert isinstance(result["message"]["text"], str) and result["message"]["text"]
        assert result["ruleId"] in ids
        if "ruleIndex" in result:
            assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in LEVELS and result["kind"] in KINDS
        if result["level"] != "none":
            assert result["kind"] == "fail", "a level other than none goes with kind fail"
        for location in result["locations"]:
            physical = location.get("physicalLocation")
            if physical is not None:
                assert isinstance(physical["artifactLocation"]["uri"], str)
                assert " " not in physical["artifactLocation"]["uri"]
                if "region" in physical:
                    assert physical["region"]["startLine"] >= 1
            for logical in location.get("logicalLocations", []):
                assert isinstance(logical["fullyQualifiedName"], str)
    return run["results"]


def check_sarif(text: str) -> list[dict]:
    """Parse and check a SARIF log; validate it against the schema too when a copy is at hand."""
    log = json.loads(text)
    path = schema_path()
    if path is not None:
        import jsonschema

        schema = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER).validate(log)
    return check_structure(log)
