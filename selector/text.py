"""Showing text that came from an input (a policy, a knowledge-base literal, a rule file).

Every human-readable output passes such text through one of these helpers, so that no
input can move the cursor, set a terminal title, clear the screen, reverse the reading
order or start a new line of its own (a forged summary row):

* :func:`printable` escapes control and format characters (``\\n`` becomes the two
  characters ``\\`` and ``n``, ESC becomes ``\\x1b``, a right-to-left override
  ``\\u202e``) and is what terminal output, error lines and plain text use;
* :func:`markdown_text`, :func:`markdown_code` and :func:`markdown_link` make text safe
  inside Markdown (no raw HTML, no link or emphasis syntax, no code-span breakout, no
  ``javascript:`` links);
* :func:`safe_url` says whether a URL may be a link at all (http and https only).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["markdown_code", "markdown_link", "markdown_text", "plural", "printable", "safe_url", "unsafe_char"]

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def unsafe_char(char: str) -> bool:
    """Whether a character must never reach a terminal raw: a control, format or separator character."""
    # Cc: C0 and C1 controls (ESC, CSI, BEL, DEL...); Cf: format characters, among them
    # the bidirectional overrides and isolates; Zl/Zp: line and paragraph separators.
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")


def printable(text: object) -> str:
    """The text on one line with every control or format character written as an escape."""
    value = str(text)
    if value.isprintable():  # no control, format or separator character: the usual case
        return value
    return "".join(_escape(c) if unsafe_char(c) else c for c in value)


def plural(count: int, word: str, words: str | None = None) -> str:
    """'1 candidate', '2 candidates' (``words`` for irregular plurals)."""
    return f"{count} {word if count == 1 else (words or word + 's')}"


# Markdown: characters that start syntax anywhere (code, links, raw HTML, emphasis, tables,
# strikethrough); an underscore only where it can open or close emphasis (at a word's edge).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*\[\]<|~])|^>|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])|^#")


def markdown_text(text: object) -> str:
    """Text for a Markdown paragraph or table cell: printable, syntax characters escaped, no raw HTML."""
    value = printable(text).replace("&", "&amp;")
    return _MARKDOWN_SPECIAL.sub(lambda m: "\\" + m.group(0), value)


def markdown_code(text: object) -> str:
    """Text as an inline code span that no backtick in it can close early."""
    value = printable(text)
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    if value.startswith("`") or value.endswith("`") or (value.startswith(" ") and value.endswith(" ")):
        value = f" {value} "
    return f"{fence}{value}{fence}"


def safe_url(url: object) -> bool:
    """Whether a URL may be shown as a link: http or https, with no space or control character."""
    value = str(url)
    return bool(re.fullmatch(r"https?://[^\s<>\"`\\]+", value, flags=re.IGNORECASE)) and value == printable(value)


def markdown_link(title: object, url: object) -> str:
    """A Markdown link to an http(s) URL, or the escaped title and URL as text for any other URL."""
    if not safe_url(url):
        return f"{markdown_text(title)} ({markdown_code(url)})" if str(title) != str(url) else markdown_code(url)
    target = str(url).replace("(", "%28").replace(")", "%29")
    return f"[{markdown_text(title)}]({target})"
