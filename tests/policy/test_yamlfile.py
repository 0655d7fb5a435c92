"""The safe YAML reader: plain data, line numbers, and refusals that are one SelectorError each."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selector.errors import RuleError, SelectorError
from selector.yamlfile import format_key_path, read_yaml

TEXT = """\
# a comment
name: example
items:
  - first
  - {key: yes, other: 'no'}
nested:
  deeper:
    value: 1.5
when: 2026-01-31
"""


@pytest.fixture
def document(tmp_path: Path):
    path = tmp_path / "doc.yaml"
    path.write_text(TEXT, encoding="utf-8")
    return read_yaml(path, error=RuleError)


def test_data_is_plain_python(document) -> None:
    assert document.data == {
        "name": "example",
        "items": ["first", {"key": True, "other": "no"}],
        "nested": {"deeper": {"value": 1.5}},
        "when": datetime.date(2026, 1, 31),
    }


def test_lines_of_keys_and_items(document) -> None:
    assert document.line(()) == 2
    assert document.line(("name",)) == 2
    assert document.line(("items",)) == 3
    assert document.line(("items", 0)) == 4
    assert document.line(("items", 1)) == 5
    assert document.line(("items", 1, "other")) == 5
    assert document.line(("nested", "deeper", "value")) == 8
    assert document.position(("items", 1, "other")) == (5, 16)


def test_missing_key_path_falls_back_to_nearest_parent(document) -> None:
    assert document.line(("nested", "deeper", "absent")) == 7
    assert document.line(("items", 7, "x")) == 3
    assert document.line(("absent",)) == 2


def test_source_text_keeps_what_was_written(document) -> None:
    assert document.source_text(("items", 1, "key")) == "yes"
    assert document.source_text(("items", 1, "other")) is None  # quoted
    assert document.source_text(("items",)) is None
    assert document.source_text(("nested", "deeper", "value")) == "1.5"


def test_fail_builds_an_error_of_the_document_type(document) -> None:
    error = document.fail(("items", 1, "key"), "expected a string", "quote it")
    assert isinstance(error, RuleError)
    assert error.one_line() == f"{document.path}:5: items[1].key: expected a string; quote it"


def test_format_key_path() -> None:
    assert format_key_path(()) == ""
    assert format_key_path(("require", "residency", 1)) == "require.residency[1]"
    assert format_key_path((0, "a")) == "[0].a"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a: [[[[1]]]]\n", "nesting is deeper than 3 levels"),
        ("a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n", "too many values (more than 10)"),
    ],
)
def test_limits_are_parameters(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "limits.yaml"
    path.write_text(text)
    with pytest.raises(RuleError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        read_yaml(path, error=RuleError, max_depth=3, max_nodes=10)


def test_size_limit_is_a_parameter(tmp_path: Path) -> None:
    path = tmp_path / "small.yaml"
    path.write_text("a: 12345678901234567890\n")
    with pytest.raises(RuleError, match="file is too large"):
        read_yaml(path, error=RuleError, max_bytes=10)


def test_a_null_document_is_not_empty(tmp_path: Path) -> None:
    path = tmp_path / "null.yaml"
    path.write_text("~\n")
    assert read_yaml(path, error=RuleError).data is None


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert read_yaml(path, error=RuleError).data == {"a": 1}


def test_integer_beyond_python_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "7" * 5000 + "\n")
    with pytest.raises(RuleError) as caught:
        read_yaml(path, error=RuleError)
    assert caught.value.one_line() == f"{path}:1: number is too large"


def test_special_file_is_refused() -> None:
    zero = Path("/dev/zero")
    if not zero.exists():
        pytest.skip("no /dev/zero here")
    with pytest.raises(RuleError, match="not a regular file"):
        read_yaml(zero, error=RuleError)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=300))
def test_any_bytes_give_data_or_one_selector_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(content)
    try:
        read_yaml(path, error=RuleError)
    except SelectorError as error:
        assert isinstance(error, RuleError)
        assert "\n" not in error.one_line()


YAML_PIECES = st.sampled_from(
    ["a", ":", " ", "\n", "  ", "-", "[", "]", "{", "}", ",", "&x", "*x", "!!str", "!t", "'", '"', "#",
     "---", "...", "? ", "|", ">", "1", "yes", "~", "\t", "%YAML 1.1", "<<", "é"]
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(YAML_PIECES, max_size=40))
def test_yaml_like_text_gives_data_or_one_selector_error(tmp_path: Path, pieces: list[str]) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text("".join(pieces), encoding="utf-8")
    try:
        read_yaml(path, error=RuleError)
    except RuleError as error:
        assert "\n" not in error.one_line()
