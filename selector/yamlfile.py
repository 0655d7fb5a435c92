"""Safe reading of the YAML files users write (policies, rule files).

``read_yaml`` turns a file into plain Python data (dicts, lists, strings, numbers,
booleans, ``None`` and dates) and remembers the line every key and list item was
written on, so that a later check can point at it. It refuses, with one
``SelectorError`` line each, everything that is not a small, single, plain YAML
document: oversized, binary or non-UTF-8 files, syntax errors, anchors and aliases
(alias bombs), deep nesting, too many nodes, duplicate or non-string keys, unknown
tags, empty files and multi-document streams. No PyYAML exception,
``UnicodeDecodeError``, ``RecursionError`` or ``OSError`` escapes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import yaml
from yaml.events import (
    AliasEvent,
    MappingStartEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from selector.errors import SelectorError
from selector.files import NotRegularFile, TooLarge, read_bounded

KeyPath = tuple[str | int, ...]
"""A place in a YAML document: mapping keys and list indices from the root."""

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(
    _TAG + name for name in ("null", "bool", "int", "float", "str", "timestamp")
)
_MAPPING_TAG = _TAG + "map"
_SEQUENCE_TAG = _TAG + "seq"
_ALIAS_HINT = "write each value out in full; YAML anchors (&name) and aliases (*name) are refused"


def format_key_path(key_path: Sequence[str | int]) -> str:
    """Render a key path the way error lines show it: ``require.residency[1]``."""
    text = ""
    for part in key_path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


@dataclass(frozen=True)
class YamlDocument:
    """A YAML file read by ``read_yaml``: its plain data and where each part was written.

    ``data`` holds plain Python values only. ``line(key_path)`` gives the 1-based line
    of the key (or list item) at a key path, falling back to the nearest parent that
    exists, so an error about a missing key points at the mapping that lacks it.
    """

    path: Path
    data: Any
    error: type[SelectorError] = SelectorError
    _positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict, repr=False)
    _plain: dict[KeyPath, str] = field(default_factory=dict, repr=False)

    def position(self, key_path: Sequence[str | int]) -> tuple[int, int]:
        """The 1-based (line, column) where a key path was written, or its nearest parent's."""
        parts = tuple(key_path)
        while parts not in self._positions and parts:
            parts = parts[:-1]
        return self._positions.get(parts, (1, 1))

    def line(self, key_path: Sequence[str | int]) -> int:
        """The 1-based line where a key path was written, or its nearest parent's."""
        return self.position(key_path)[0]

    def source_text(self, key_path: Sequence[str | int]) -> str | None:
        """The text of an unquoted scalar exactly as written (``yes``, ``NO``, ``1e30``).

        Lets a check tell ``true`` from ``yes`` (both read as a boolean) and show a
        value as the user typed it. ``None`` for quoted scalars, collections and
        key paths that do not exist.
        """
        return self._plain.get(tuple(key_path))

    def fail(
        self, key_path: Sequence[str | int], problem: str, hint: str | None = None
    ) -> SelectorError:
        """Build the error (of this document's error type) for a problem at a key path."""
        return self.error(
            problem,
            file=self.path,
            line=self.line(key_path),
            key=format_key_path(key_path) or None,
            hint=hint,
        )


class _Refusal(Exception):
    """A problem found while composing, carried out of PyYAML with its position."""

    def __init__(
        self, mark: Any, problem: str, hint: str | None = None, key_path: KeyPath = ()
    ) -> None:
        super().__init__(problem)
        self.line = mark.line + 1 if mark is not None else None
        self.problem = problem
        self.hint = hint
        self.key = format_key_path(key_path) or None


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with limits enforced while the node tree is built."""

    def __init__(self, text: str, max_depth: int, max_nodes: int) -> None:
        super().__init__(text)
        self._max_depth = max_depth
        self._max_nodes = max_nodes
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        """Compose one node, refusing aliases, anchors, deep nesting and too many nodes."""
        event = self.peek_event()
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refusal(event.start_mark, "aliases are not allowed", _ALIAS_HINT)
        self._nodes += 1
        if self._nodes > self._max_nodes:
            raise _Refusal(
                event.start_mark,
                f"too many values (more than {self._max_nodes})",
                "split the file or simplify it",
            )
        collection = isinstance(event, (MappingStartEvent, SequenceStartEvent))
        if collection:
            self._depth += 1
            if self._depth > self._max_depth:
                raise _Refusal(
                    event.start_mark,
                    f"nesting is deeper than {self._max_depth} levels",
                    "flatten the structure",
                )
        try:
            return super().compose_node(parent, index)
        finally:
            if collection:
                self._depth -= 1


def read_yaml(
    path: Path,
    *,
    error: type[SelectorError],
    max_bytes: int = 1_000_000,
    max_depth: int = 32,
    max_nodes: int = 100_000,
) -> YamlDocument:
    """Read one small, plain YAML document from a file, or raise ``error`` saying why not.

    ``error`` is the ``SelectorError`` subclass to raise (``PolicyError`` for a
    policy, ``RuleError`` for a rule file); every error names the file and, where
    there is one, the line. Limits: ``max_bytes`` of file size (checked before
    reading), ``max_depth`` levels of nested mappings and lists, ``max_nodes``
    keys, values and list items in all.
    """
    path = Path(path)
    raw = _read_bytes(path, max_bytes, _refuser(path, error))
    return parse_yaml(raw, path, error=error, max_bytes=max_bytes, max_depth=max_depth, max_nodes=max_nodes)


def parse_yaml(raw: bytes, path: Path, *, error: type[SelectorError], max_bytes: int = 1_000_000, max_depth: int = 32,
               max_nodes: int = 100_000) -> YamlDocument:
    """Check and parse bytes already read (standard input, say) as ``read_yaml`` does a file's.

    ``path`` only names the source in errors and in the document (``<stdin>``).
    """
    refuse = _refuser(path, error)
    text = _decode(raw, max_bytes, refuse)
    try:
        loader = _Loader(text, max_depth, max_nodes)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        refuse(f"invalid YAML: character #x{exc.character:04x} is not allowed", line)
    try:
        root = _compose_single(loader)
        if root is None or _is_empty_document(root):
            refuse("file is empty")
        positions: dict[KeyPath, tuple[int, int]] = {}
        plain: dict[KeyPath, str] = {}
        data = _to_python(loader, root, (), positions, plain)
    except _Refusal as exc:
        refuse(exc.problem, exc.line, exc.hint, exc.key)
    except yaml.MarkedYAMLError as exc:
        refuse(*_syntax_problem(exc), hint="check the indentation, colons and quotes there")
    except yaml.YAMLError as exc:
        refuse(f"invalid YAML: {_first_line(str(exc))}")
    except RecursionError:
        refuse(f"nesting is deeper than {max_depth} levels", hint="flatten the structure")
    finally:
        loader.dispose()
    positions[()] = (root.start_mark.line + 1, root.start_mark.column + 1)
    return YamlDocument(path, data, error, positions, plain)


def _refuser(path: Path, error: type[SelectorError]) -> Any:
    def refuse(problem: str, line: int | None = None, hint: str | None = None, key: str | None = None) -> NoReturn:
        raise error(problem, file=path, line=line, key=key, hint=hint)

    return refuse


def _read_bytes(path: Path, max_bytes: int, refuse: Any) -> bytes:
    """The bytes of a readable regular file of sensible size."""
    try:
        return read_bounded(path, max_bytes)
    except FileNotFoundError:
        refuse("file not found")
    except IsADirectoryError:
        refuse("is a directory, not a file")
    except NotRegularFile:
        refuse("not a regular file")
    except TooLarge as exc:
        refuse(f"file is too large ({exc.size} bytes; the limit is {max_bytes})", hint="a policy or rule file is a few kilobytes")
    except OSError as exc:
        refuse(f"cannot read the file: {exc.strerror or exc.__class__.__name__}")


def _decode(raw: bytes, max_bytes: int, refuse: Any) -> str:
    """The bytes as UTF-8 text, refusing oversized, UTF-16, binary and undecodable content."""
    if len(raw) > max_bytes:
        refuse(f"file is too large ({len(raw)} bytes; the limit is {max_bytes})",
               hint="a policy or rule file is a few kilobytes")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        refuse("file is UTF-16 text", 1, "save it as UTF-8")
    nul = raw.find(b"\x00")
    if nul >= 0:
        refuse("binary content (a NUL byte), not YAML text", raw.count(b"\n", 0, nul) + 1)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start] if exc.start < len(raw) else 0
        refuse(f"not valid UTF-8 text (byte 0x{bad:02x})", raw.count(b"\n", 0, exc.start) + 1, "save the file as UTF-8")


def _compose_single(loader: _Loader) -> Node | None:
    """The root node of the only document in the stream (``None`` if there is none)."""
    loader.get_event()  # stream start
    root = None
    if not loader.check_event(StreamEndEvent):
        root = loader.compose_document()
    if not loader.check_event(StreamEndEvent):
        event = loader.get_event()
        raise _Refusal(
            event.start_mark,
            "more than one YAML document in the file",
            "a file holds one document: remove the '---' line and what follows",
        )
    return root


def _is_empty_document(root: Node) -> bool:
    """Whether a document holds nothing at all (a bare ``---``)."""
    return isinstance(root, ScalarNode) and root.tag == _TAG + "null" and root.value == "" and not root.style


def _to_python(
    loader: _Loader,
    node: Node,
    key_path: KeyPath,
    positions: dict[KeyPath, tuple[int, int]],
    plain: dict[KeyPath, str],
) -> Any:
    """Turn a node into plain data, recording positions and refusing unsafe constructs."""
    if isinstance(node, MappingNode):
        if node.tag != _MAPPING_TAG:
            raise _Refusal(node.start_mark, f"unsupported YAML tag {_short_tag(node.tag)!r}", "remove the tag")
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _mapping_key(loader, key_node)
            if key in result:
                first = positions[key_path + (key,)][0]
                raise _Refusal(
                    key_node.start_mark,
                    f"duplicate key (first written on line {first})",
                    "give each key once",
                    key_path + (key,),
                )
            positions[key_path + (key,)] = _mark(key_node)
            result[key] = _to_python(loader, value_node, key_path + (key,), positions, plain)
        return result
    if isinstance(node, SequenceNode):
        if node.tag != _SEQUENCE_TAG:
            raise _Refusal(node.start_mark, f"unsupported YAML tag {_short_tag(node.tag)!r}", "remove the tag")
        items = []
        for index, item_node in enumerate(node.value):
            positions[key_path + (index,)] = _mark(item_node)
            items.append(_to_python(loader, item_node, key_path + (index,), positions, plain))
        return items
    if node.style is None:
        plain[key_path] = node.value
    return _scalar(loader, node, key_path)


def _mapping_key(loader: _Loader, key_node: Node) -> str:
    """A mapping key, which must be a plain string."""
    if isinstance(key_node, ScalarNode):
        if key_node.tag == _TAG + "str":
            return key_node.value
        if key_node.tag == _TAG + "merge":
            raise _Refusal(key_node.start_mark, "merge keys (<<) are not allowed", "write the keys out in full")
        raise _Refusal(
            key_node.start_mark,
            f"keys must be strings, got {key_node.value or 'an empty key'}",
            f"quote the key: '{key_node.value}'",
        )
    raise _Refusal(key_node.start_mark, "keys must be strings, got a list or mapping")


def _scalar(loader: _Loader, node: ScalarNode, key_path: KeyPath = ()) -> Any:
    """The value of a scalar node, for the plain YAML types only."""
    if node.tag not in _SCALAR_TAGS:
        raise _Refusal(node.start_mark, f"unsupported YAML tag {_short_tag(node.tag)!r}", "remove the tag")
    if node.style is None and node.tag in (_TAG + "int", _TAG + "float"):
        _plain_number(node, key_path)
    try:
        return loader.yaml_constructors[node.tag](loader, node)
    except (ValueError, OverflowError) as exc:
        kind = node.tag[len(_TAG):]
        problem = "number is too large" if kind in ("int", "float") else f"invalid date {node.value!r}"
        raise _Refusal(node.start_mark, problem) from exc


#: Numbers every YAML reader reads alike: decimal digits, a fraction, an exponent; .inf and .nan.
_PLAIN_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")


def _plain_number(node: ScalarNode, key_path: KeyPath) -> None:
    """Refuse the YAML 1.1 number forms other readers take for text or another value.

    ``3:20:00`` is the base-60 number 12000 to YAML 1.1, ``0x1F`` is 31, ``0755`` is the
    octal 493 and ``1_000`` is 1000; YAML 1.2 reads most of them as strings. A policy
    means one thing to every reader, so only plain decimal numbers are accepted.
    """
    text = node.value
    if _PLAIN_NUMBER.fullmatch(text) and not re.match(r"[-+]?0[0-9]", text):
        return
    if ":" in text:
        reading = "a base-60 number"
    elif re.match(r"[-+]?0[xX]", text):
        reading = "a hexadecimal number"
    elif re.match(r"[-+]?0[oO0-9]", text):
        reading = "an octal number"
    elif re.match(r"[-+]?0[bB]", text):
        reading = "a binary number"
    else:
        reading = "a number with digit separators"
    raise _Refusal(
        node.start_mark,
        f"YAML 1.1 reads unquoted {text} as {reading}, and other readers differ",
        f"write the number in plain decimal digits, or quote it for text: '{text}'",
        key_path,
    )


def _mark(node: Node) -> tuple[int, int]:
    """A node's 1-based (line, column)."""
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _short_tag(tag: str) -> str:
    """A tag the way it is written in YAML (``!!python/object`` rather than the full URI)."""
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


def _syntax_problem(exc: yaml.MarkedYAMLError) -> tuple[str, int | None]:
    """The one-line problem and line of a PyYAML syntax error."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "syntax error"
    text = f"invalid YAML: {_first_line(problem)}"
    if exc.context and exc.problem and exc.context_mark is not None and mark is not exc.context_mark:
        if exc.context_mark.line != mark.line:
            text += f" ({exc.context} on line {exc.context_mark.line + 1})"
    return text, (mark.line + 1 if mark is not None else None)


def _first_line(text: str) -> str:
    """The first non-blank line of a message."""
    lines: Iterator[str] = (line.strip() for line in text.splitlines())
    return next((line for line in lines if line), text.strip())
