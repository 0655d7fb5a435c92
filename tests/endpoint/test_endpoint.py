"""The knowledge base shared through a SPARQL store: ``kb publish`` and ``--kb-endpoint`` against a real Oxigraph server.

Reading back must give the same knowledge base (statements, layers, files, sources,
fingerprint) and byte-identical decisions; every failure is one line and exit code 2.
"""

from __future__ import annotations

import json
import socket
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from selector.cli import cli
from selector.errors import KnowledgeBaseError
from selector.kb.endpoint import load_from_endpoint
from selector.kb.load import load_knowledge_base
from selector.kb.publish import publication

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
OVERLAY = EXAMPLES / "overlays" / "internal-cluster.trig"


def run(*args) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


@pytest.fixture(scope="module")
def shipped_store(oxigraph):
    """A server holding the shipped base, published through the command line."""
    server = oxigraph()
    result = run("kb", "publish", "--endpoint", server.url)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("published ") and "layers: ontology, catalog, base" in result.output
    return server


@pytest.mark.parametrize("policy", ["eu-finetune-long-context.yaml", "zero-retention-no-training.yaml",
                                    "cheap-vision-tools.yaml"])
def test_select_json_is_byte_identical(shipped_store, policy: str) -> None:
    from_files = run("select", "--constraints", EXAMPLES / policy, "--format", "json")
    from_store = run("select", "--constraints", EXAMPLES / policy, "--format", "json", "--kb-endpoint", shipped_store.url)
    assert from_store.exit_code == from_files.exit_code
    assert from_store.output == from_files.output
    assert json.loads(from_store.output)["knowledge_base"]["fingerprint"] == load_knowledge_base().fingerprint


def test_check_and_explain_are_identical(shipped_store) -> None:
    candidate = "claude-opus-4.6@anthropic-api/global"
    policy = EXAMPLES / "eu-finetune-long-context.yaml"
    for command in (["check", candidate, "--format", "json"], ["explain", candidate]):
        from_files = run(*command, "--constraints", policy)
        from_store = run(*command, "--constraints", policy, "--kb-endpoint", shipped_store.url)
        assert (from_store.exit_code, from_store.output) == (from_files.exit_code, from_files.output)


def test_reading_back_gives_the_same_knowledge_base(shipped_store) -> None:
    files = load_knowledge_base()
    stored = load_from_endpoint(shipped_store.url)
    assert stored.fingerprint == files.fingerprint
    assert stored.layers == files.layers
    assert stored.digests == files.digests
    assert stored.quads == files.quads  # in the same order, each in its layer, graph and file
    assert dict(stored.sources) == dict(files.sources)
    # Literals as written come back as written, although the store rewrites them (30.0 -> 30).
    assert [(str(q.object), getattr(q.object, "datatype", None)) for q in stored.quads] == \
        [(str(q.object), getattr(q.object, "datatype", None)) for q in files.quads]


def test_the_store_rewrites_literals_and_keeps_sources_as_graphs(shipped_store) -> None:
    made = publication(load_knowledge_base())
    assert made.originals > 0
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/selector/store/publication> { ?g <https://w3id.org/selector/store#layer> <https://w3id.org/selector/store/layer/2> } }"
    request = urllib.request.Request(f"{shipped_store.url}/query", data=query.encode(), method="POST",
                                     headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        count = int(json.load(response)["results"]["bindings"][0]["n"]["value"])
    assert count > 100  # the base layer's graphs, each recorded with its layer


def test_overlays_are_published_as_their_own_layer(oxigraph) -> None:
    server = oxigraph()
    assert run("kb", "publish", "--endpoint", server.url, "--kb", OVERLAY).exit_code == 0
    policy = EXAMPLES / "internal-cluster.yaml"
    from_files = run("select", "--constraints", policy, "--format", "json", "--kb", OVERLAY)
    from_store = run("select", "--constraints", policy, "--format", "json", "--kb-endpoint", server.url)
    assert from_store.output == from_files.output
    assert json.loads(from_store.output)["knowledge_base"]["layers"][-1] == "internal-cluster.trig"


def test_an_empty_store_is_refused(oxigraph) -> None:
    server = oxigraph()
    line = one_line_error(run("select", "--constraints", EXAMPLES / "eu-finetune-long-context.yaml",
                              "--kb-endpoint", server.url))
    assert line == (f"selector: {server.url}: the store holds no knowledge base published by selector; "
                    "publish it first: selector kb publish --endpoint URL")


def test_a_store_not_published_by_selector_is_refused(oxigraph) -> None:
    server = oxigraph()
    server.update("INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/a> <http://example.org/b> 1 } }")
    line = one_line_error(run("check", "x@y/z", "--constraints", EXAMPLES / "eu-finetune-long-context.yaml",
                              "--kb-endpoint", server.url))
    assert "holds no knowledge base published by selector" in line


def test_a_store_changed_after_publishing_is_refused(oxigraph) -> None:
    server = oxigraph()
    assert run("kb", "publish", "--endpoint", server.url).exit_code == 0
    server.update("INSERT DATA { GRAPH <https://w3id.org/selector/store/descriptions/1> "
                  "{ <http://example.org/a> <http://example.org/b> 1 } }")
    with pytest.raises(KnowledgeBaseError, match="content does not match its publication record"):
        load_from_endpoint(server.url)
    # A written form the record keeps for a rewritten literal is covered by the digest too.
    assert run("kb", "publish", "--endpoint", server.url).exit_code == 0
    load_from_endpoint(server.url)
    server.update("PREFIX st: <https://w3id.org/selector/store#> "
                  "DELETE { GRAPH <https://w3id.org/selector/store/publication> { ?w st:lexical ?l } } "
                  "INSERT { GRAPH <https://w3id.org/selector/store/publication> { ?w st:lexical \"99.0\" } } "
                  "WHERE { GRAPH <https://w3id.org/selector/store/publication> { ?w st:lexical ?l } "
                  "FILTER(?w = <https://w3id.org/selector/store/written/0>) }")
    with pytest.raises(KnowledgeBaseError, match="content does not match its publication record"):
        load_from_endpoint(server.url)


def test_an_unreachable_endpoint_is_one_line(tmp_path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    line = one_line_error(run("select", "--constraints", EXAMPLES / "eu-finetune-long-context.yaml",
                              "--kb-endpoint", f"http://127.0.0.1:{port}"))
    assert line.startswith(f"selector: http://127.0.0.1:{port}: cannot reach the knowledge-base endpoint")
    line = one_line_error(run("kb", "publish", "--endpoint", f"http://127.0.0.1:{port}"))
    assert line.startswith(f"http://127.0.0.1:{port}: cannot reach the knowledge-base endpoint")


class _NotFound(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - the handler's name is http.server's
        self.send_response(404)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html><body>no such page</body></html>")

    def log_message(self, *args) -> None:
        pass


def test_an_http_error_is_one_line() -> None:
    server = HTTPServer(("127.0.0.1", 0), _NotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        line = one_line_error(run("explain", "x@y/z", "--constraints", EXAMPLES / "eu-finetune-long-context.yaml",
                                  "--kb-endpoint", url))
        assert line == (f"selector: {url}: the knowledge-base endpoint answered HTTP 404 Not Found; "
                        "is it a SPARQL server's base URL (Oxigraph's layout: /query, /store)?")
    finally:
        server.shutdown()
        server.server_close()


def test_a_silent_endpoint_times_out(monkeypatch) -> None:
    monkeypatch.setenv("SELECTOR_ENDPOINT_TIMEOUT", "0.5")
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts connections, never answers
    try:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        line = one_line_error(run("select", "--constraints", EXAMPLES / "eu-finetune-long-context.yaml",
                                  "--kb-endpoint", url))
        assert line.startswith(f"selector: {url}: the knowledge-base endpoint did not answer within 0.5 s")
    finally:
        silent.close()


@pytest.mark.parametrize(("url", "problem"), [
    ("ftp://example.org", "not an http(s) URL with a host"),
    ("http://127.0.0.1:7878/?query=x", "a SPARQL server URL has no query or fragment"),
    ("http://127.0.0.1:port", "not a valid URL"),
    ("http://127.0.0.1:7878/a b", "not a URL: it contains spaces or control characters"),
])
def test_a_bad_url_is_one_line(url: str, problem: str) -> None:
    line = one_line_error(run("select", "--constraints", EXAMPLES / "eu-finetune-long-context.yaml",
                              "--kb-endpoint", url))
    assert problem in line


def test_overlays_and_an_endpoint_do_not_mix() -> None:
    line = one_line_error(run("select", "--constraints", EXAMPLES / "eu-finetune-long-context.yaml",
                              "--kb", OVERLAY, "--kb-endpoint", "http://127.0.0.1:7878"))
    assert line == ("selector: --kb and --kb-endpoint cannot be combined; publish the overlays with the base: "
                    "selector kb publish --endpoint URL --kb FILE")
