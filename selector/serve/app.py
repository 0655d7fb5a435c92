"""The decision API as a Starlette application: routes, errors as one line of JSON, body limits and reloads.

Every decision runs on one engine thread per process, in request order: the engine's
per-policy tables are built on first use and are not shared across threads, and Python
runs one thread at a time anyway, so more throughput comes from more processes
(replicas), not threads. The event loop stays free to accept connections, answer
``/healthz`` and reload while a decision runs.

A reload (``POST /v1/reload`` from this host, or SIGHUP) reads the knowledge base,
rules and policy folder again and builds a whole new :class:`ServedState` beside the
old one; only when it is complete is the one reference swapped. Requests take the
state once, when they start, and finish on it. A reload that fails keeps the old state.
Nothing else a request does changes what the server serves.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Awaitable, Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from selector.errors import SelectorError, UsageError
from selector.render.json_format import json_text
from selector.serve import requests as asks
from selector.serve.log import DecisionLog, NoLog
from selector.serve.openapi import openapi_document
from selector.serve.state import ServedState, Sources, load_state

#: The largest request body read, in bytes: a policy is a few hundred bytes.
MAX_BODY = 64 * 1024
#: Clients that may ask for a reload: this host only.
LOOPBACK = ("127.0.0.1", "::1", "localhost")

logger = logging.getLogger("selector.serve")


class TooLarge(UsageError):
    """A request body over the limit (HTTP 413)."""


class DecisionServer:
    """The served state, the decision log, the engine thread, and the reload that swaps the state."""

    def __init__(self, sources: Sources, state: ServedState, log: DecisionLog | NoLog | None = None) -> None:
        self.sources = sources
        self.state = state
        self.log = log or NoLog()
        self.engine_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="selector-engine")
        self._reloading: asyncio.Lock | None = None

    async def reload(self) -> ServedState:
        """Build the next state from the same sources in a thread, then swap it in (raises SelectorError, keeping the old)."""
        if self._reloading is None:
            self._reloading = asyncio.Lock()
        async with self._reloading:
            fresh = await asyncio.to_thread(load_state, self.sources, self.state.generation + 1)
            self.state = fresh
            logger.warning("selector serve: reloaded, generation %d, knowledge base %s, %d policies",
                           fresh.generation, fresh.kb_fingerprint[:19], len(fresh.policies))
            return fresh

    async def reload_on_signal(self) -> None:
        """A reload asked for by SIGHUP: a failure is logged and the old state kept."""
        try:
            await self.reload()
        except SelectorError as error:
            logger.error("selector serve: reload failed, still serving generation %d: %s",
                         self.state.generation, error.one_line())

    async def decide(self, work: Callable[..., asks.Answer], *args: Any, endpoint: str) -> asks.Answer:
        """Run one decision on the engine thread, on the state current when the request started; log it."""
        state = self.state

        def run() -> asks.Answer:
            answer = work(state, *args)
            self.log.write(endpoint, answer.record)
            return answer

        return await asyncio.get_running_loop().run_in_executor(self.engine_thread, run)

    def close(self) -> None:
        """Stop the engine thread and close the log."""
        self.engine_thread.shutdown(wait=True)
        self.log.close()


def build_app(server: DecisionServer) -> Starlette:
    """The Starlette application serving ``server``."""

    async def healthz(request: Request) -> Response:
        state = server.state
        return _json({"status": "ok", "generation": state.generation, "policies": len(state.policies),
                      "knowledge_base": state.kb_fingerprint, "rules_fingerprint": state.rules_fingerprint})

    async def policies(request: Request) -> Response:
        return _json(server.state.summary())

    async def check(request: Request) -> Response:
        data = asks.read_body(await _body(request))
        answer = await server.decide(_check, data, endpoint="check")
        return _text(answer)

    async def select(request: Request) -> Response:
        data = asks.read_body(await _body(request))
        answer = await server.decide(_select, data, endpoint="select")
        return _text(answer)

    async def explain(request: Request) -> Response:
        query = request.query_params
        for key in query:
            if key not in ("policy", "as_of", "format"):
                raise UsageError("unknown query parameter", key=key, hint="the parameters are: policy, as_of, format")
        fmt = query.get("format", "text")
        if fmt not in ("text", "json"):
            raise UsageError(f"unknown format {fmt!r}", key="format", hint="text or json")
        data = {"candidate": request.path_params["candidate"], "policy": query.get("policy")}
        if "as_of" in query:
            data["as_of"] = query["as_of"]
        answer = await server.decide(_explain, data, fmt, endpoint="explain")
        return _text(answer, "text/plain" if fmt == "text" else "application/json")

    async def reload(request: Request) -> Response:
        if request.client is None or request.client.host not in LOOPBACK:
            return _json({"error": "a reload is asked for from this host only (or by SIGHUP)"}, 403)
        await _body(request)
        state = await server.reload()
        return _json({"reloaded": True, **state.summary()})

    async def openapi(request: Request) -> Response:
        return _json(openapi_document())

    routes = [
        Route("/healthz", _guarded(healthz), methods=["GET"]),
        Route("/openapi.json", _guarded(openapi), methods=["GET"]),
        Route("/v1/policies", _guarded(policies), methods=["GET"]),
        Route("/v1/check", _guarded(check), methods=["POST"]),
        Route("/v1/select", _guarded(select), methods=["POST"]),
        Route("/v1/explain/{candidate:path}", _guarded(explain), methods=["GET"]),
        Route("/v1/reload", _guarded(reload), methods=["POST"]),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        hangup = getattr(signal, "SIGHUP", None)
        loop = asyncio.get_running_loop()
        listening = False
        if hangup is not None:
            with contextlib.suppress(RuntimeError, ValueError):  # not the main thread (a test's server): no signal
                loop.add_signal_handler(hangup, lambda: asyncio.ensure_future(server.reload_on_signal()))
                listening = True
        try:
            yield
        finally:
            if listening:
                loop.remove_signal_handler(hangup)
            server.close()

    return Starlette(routes=routes, lifespan=lifespan, exception_handlers={HTTPException: _http_error})


def _check(state: ServedState, data: dict) -> asks.Answer:
    return asks.check(state, asks.read_request(state, data, asks.CHECK_KEYS))


def _select(state: ServedState, data: dict) -> asks.Answer:
    return asks.select(state, asks.read_request(state, data, asks.SELECT_KEYS))


def _explain(state: ServedState, data: dict, fmt: str) -> asks.Answer:
    return asks.explain(state, asks.read_request(state, data, asks.CHECK_KEYS), fmt)


def _guarded(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """The handler, with bad input answered as the CLI's one line (400, 404, 413) and never a traceback."""

    async def guarded(request: Request) -> Response:
        try:
            return await handler(request)
        except TooLarge as error:
            return _json({"error": error.one_line()}, 413)
        except SelectorError as error:
            return _json({"error": error.one_line()}, 404 if asks.not_found(error) else 400)
        except Exception:  # a fault of the server's own: logged in full there, one line to the client
            logger.exception("selector serve: internal error on %s %s", request.method, request.url.path)
            return _json({"error": "internal error; the server's log has the details"}, 500)

    guarded.__name__ = handler.__name__
    return guarded


async def _body(request: Request) -> bytes:
    """The request body, refused (413) past MAX_BODY bytes, whatever Content-Length says."""
    hint = f"a request body is at most {MAX_BODY} bytes"
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
        raise TooLarge("the request body is too large", key="body", hint=hint)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise TooLarge("the request body is too large", key="body", hint=hint)
        chunks.append(chunk)
    return b"".join(chunks)


async def _http_error(request: Request, error: Exception) -> Response:
    """Unknown paths and methods, as one line of JSON."""
    status = getattr(error, "status_code", 500)
    detail = "no such endpoint; see /openapi.json" if status == 404 else str(getattr(error, "detail", "error"))
    return _json({"error": detail}, status, getattr(error, "headers", None))


def _json(data: Any, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json_text(data), status_code=status, media_type="application/json", headers=headers)


def _text(answer: asks.Answer, media_type: str = "application/json") -> Response:
    return Response(answer.text, media_type=media_type)


def create_app(sources: Sources, log: DecisionLog | None = None) -> Starlette:
    """Load the state (raises SelectorError on bad input) and build the application serving it."""
    return build_app(DecisionServer(sources, load_state(sources), log))
