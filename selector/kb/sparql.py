"""A small SPARQL 1.1 client over HTTP: constant queries, the Graph Store Protocol, one-line errors, timeouts.

The endpoint is a server's base URL laid out as Oxigraph's (``/query``, ``/update``,
``/store``); a URL naming one of those is read as its server. No value a user gives is
ever written into a query: the queries here are constants, and data travels as
N-Quads in a request body.
"""

from __future__ import annotations

import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from selector.errors import KnowledgeBaseError

TIMEOUT_SECONDS = 30.0
"""How long one request may wait for the server (connecting, or between bytes), unless
``SELECTOR_ENDPOINT_TIMEOUT`` (seconds) says otherwise."""


def timeout_seconds() -> float:
    """The request timeout: ``SELECTOR_ENDPOINT_TIMEOUT`` when it is a positive number, else 30 seconds."""
    try:
        chosen = float(os.environ.get("SELECTOR_ENDPOINT_TIMEOUT", ""))
    except ValueError:
        return TIMEOUT_SECONDS
    return chosen if 0 < chosen < 86400 else TIMEOUT_SECONDS

MAX_RESPONSE_BYTES = 1024 * 1024 * 1024
"""Largest response read (1 GB); a larger one is refused."""

_SERVICES = ("query", "update", "store", "sparql")


@dataclass(frozen=True)
class Endpoint:
    """A SPARQL server's base URL (``http(s)://host[:port][/path]``), validated."""

    base: str

    def url(self, service: str) -> str:
        """The URL of one of the server's services (``query``, ``store``)."""
        return f"{self.base}/{service}"


def endpoint(url: str) -> Endpoint:
    """The endpoint named by a URL, or a one-line KnowledgeBaseError saying what a URL must look like."""
    shown = url
    hint = "give the server's http(s) URL, e.g. http://127.0.0.1:7878"
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise KnowledgeBaseError("not a URL: it contains spaces or control characters", file=shown, hint=hint)
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        raise KnowledgeBaseError("not a valid URL", file=shown, hint=hint) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise KnowledgeBaseError("not an http(s) URL with a host", file=shown, hint=hint)
    if parts.query or parts.fragment:
        raise KnowledgeBaseError("a SPARQL server URL has no query or fragment", file=shown, hint=hint)
    path = parts.path.rstrip("/")
    last = path.rsplit("/", 1)[-1]
    if last in _SERVICES:
        path = path[: -len(last) - 1]
    return Endpoint(urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", "")))


def _request(target: Endpoint, request: urllib.request.Request, timeout: float | None) -> bytes:
    shown = target.base
    timeout = timeout_seconds() if timeout is None else timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only, checked above
            data = response.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as error:
        # A SPARQL server words its errors in plain text; a web page's HTML is left out.
        plain = (error.headers.get("Content-Type") or "").startswith("text/plain") if error.headers else False
        detail = _first_line(error.read(2000)) if plain else ""
        raise KnowledgeBaseError(
            f"the knowledge-base endpoint answered HTTP {error.code} {error.reason}" + (f": {detail}" if detail else ""),
            file=shown, hint=None if plain else _NOT_SPARQL,
        ) from None
    except urllib.error.URLError as error:
        raise _unreachable(shown, error.reason, timeout) from None
    except OSError as error:  # a timeout or a connection broken while the answer was read
        raise _unreachable(shown, error, timeout) from None
    except ValueError as error:
        raise KnowledgeBaseError(f"cannot talk to the knowledge-base endpoint: {error}", file=shown) from None
    if len(data) > MAX_RESPONSE_BYTES:
        raise KnowledgeBaseError("the knowledge-base endpoint's answer is larger than 1 GB", file=shown)
    return data


_NOT_SPARQL = "is it a SPARQL server's base URL (Oxigraph's layout: /query, /store)?"


def _unreachable(shown: str, reason, timeout: float) -> KnowledgeBaseError:
    """The one line for a request that got no answer: refused, timed out, or broken off."""
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return KnowledgeBaseError(f"the knowledge-base endpoint did not answer within {timeout:g} s", file=shown,
                                  hint="SELECTOR_ENDPOINT_TIMEOUT sets the limit in seconds")
    text = reason.strerror if isinstance(reason, OSError) and reason.strerror else str(reason)
    if isinstance(reason, ConnectionRefusedError) or isinstance(reason, socket.gaierror):
        return KnowledgeBaseError(f"cannot reach the knowledge-base endpoint: {text}", file=shown,
                                  hint="is the SPARQL server running, at this address?")
    return KnowledgeBaseError(f"the connection to the knowledge-base endpoint broke off: {text}", file=shown,
                              hint=_NOT_SPARQL)


def _first_line(data: bytes) -> str:
    text = data.decode("utf-8", "replace").strip()
    return text.splitlines()[0][:200] if text else ""


def select_tsv(target: Endpoint, query: str, timeout: float | None = None) -> bytes:
    """The results of a constant SELECT query, as SPARQL 1.1 TSV results."""
    body = urllib.parse.urlencode({"query": query}).encode("ascii")
    request = urllib.request.Request(
        target.url("query"),
        data=body,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/tab-separated-values"},
    )
    return _request(target, request, timeout)


def replace_dataset(target: Endpoint, nquads: bytes, timeout: float | None = None) -> None:
    """Replace the store's whole dataset with these N-Quads (Graph Store Protocol PUT on ``/store``)."""
    request = urllib.request.Request(
        target.url("store"), data=nquads, method="PUT", headers={"Content-Type": "application/n-quads"}
    )
    _request(target, request, timeout)
