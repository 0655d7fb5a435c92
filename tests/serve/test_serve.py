"""The decision API on a real server (uvicorn on a free localhost port): the CLI's JSON, its errors, reloads, the log."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

from selector.cli import cli  # noqa: E402
from selector.serve.app import MAX_BODY, create_app  # noqa: E402
from selector.serve.log import DecisionLog  # noqa: E402
from selector.serve.state import Sources  # noqa: E402
from tests.serve.server import Client, ThreadServer  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
POLICIES = ("eu-finetune-long-context", "zero-retention-contract")
ALLOWED = "kimi-k2.5@vllm/self-hosted"
DENIED = "claude-opus-4.6@anthropic-api/global"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    served = tmp_path_factory.mktemp("policies")
    for name in POLICIES:
        shutil.copy(EXAMPLES / f"{name}.yaml", served / f"{name}.yaml")
    return served


@pytest.fixture(scope="module")
def log_path(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("log") / "decisions.jsonl"


@pytest.fixture(scope="module")
def server(folder, log_path):
    running = ThreadServer(create_app(Sources(folder), DecisionLog(log_path))).start()
    yield running
    running.stop()


@pytest.fixture
def client(server):
    connection = Client(server.port)
    yield connection
    connection.close()


@pytest.fixture
def cli_run(monkeypatch, shipped):
    """The CLI in-process, on the session's compiled engine (the same inputs as the server's)."""
    monkeypatch.setattr("selector.cli.select.open_selector", lambda kb, rules, endpoint=None: shipped)

    def run(*args):
        return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return run


@pytest.mark.parametrize("candidate", [ALLOWED, DENIED])
def test_check_answers_the_cli_json_byte_for_byte(client, cli_run, folder, candidate) -> None:
    reply = client.request("POST", "/v1/check", {"candidate": candidate, "policy": POLICIES[0]})
    expected = cli_run("check", candidate, "--constraints", folder / f"{POLICIES[0]}.yaml", "--format", "json")
    assert reply.status == 200 and reply.content_type.startswith("application/json")
    assert reply.body == expected.output


def test_check_on_a_date_answers_as_check_as_of(client, cli_run, folder) -> None:
    reply = client.request("POST", "/v1/check", {"candidate": ALLOWED, "policy": POLICIES[0], "as_of": "2026-10-19"})
    expected = cli_run("check", ALLOWED, "--constraints", folder / f"{POLICIES[0]}.yaml", "--format", "json",
                       "--as-of", "2026-10-19")
    assert reply.status == 200 and reply.body == expected.output


def test_an_inline_policy_decides_as_the_same_policy_in_a_file(client, shipped) -> None:
    data = shipped.load_policy(EXAMPLES / f"{POLICIES[0]}.yaml").canonical_data()
    inline = client.request("POST", "/v1/check", {"candidate": ALLOWED, "policy": data})
    named = client.request("POST", "/v1/check", {"candidate": ALLOWED, "policy": POLICIES[0]})
    assert inline.status == 200 and inline.body == named.body


def test_select_answers_the_cli_json(client, cli_run, folder) -> None:
    reply = client.request("POST", "/v1/select", {"policy": POLICIES[1]})
    expected = cli_run("select", "--constraints", folder / f"{POLICIES[1]}.yaml", "--format", "json")
    assert reply.status == 200 and reply.body == expected.output
    allowed = client.request("POST", "/v1/select", {"policy": POLICIES[1], "allowed_only": True}).json()
    full = reply.json()
    assert allowed["summary"] == full["summary"]
    assert [d["candidate"]["id"] for d in allowed["decisions"]] == \
        [d["candidate"]["id"] for d in full["decisions"] if d["outcome"] == "allowed"]


def test_explain_answers_the_cli_tree(client, cli_run, folder) -> None:
    reply = client.request("GET", f"/v1/explain/{DENIED}?policy={POLICIES[0]}")
    expected = cli_run("explain", DENIED, "--constraints", folder / f"{POLICIES[0]}.yaml")
    assert reply.status == 200 and reply.content_type.startswith("text/plain")
    assert reply.body == expected.output
    as_json = client.request("GET", f"/v1/explain/{DENIED}?policy={POLICIES[0]}&format=json")
    assert as_json.body == client.request("POST", "/v1/check", {"candidate": DENIED, "policy": POLICIES[0]}).body


def test_policies_healthz_and_openapi(client, shipped) -> None:
    listed = client.request("GET", "/v1/policies").json()
    assert [p["name"] for p in listed["policies"]] == sorted(POLICIES)
    for entry in listed["policies"]:
        assert entry["fingerprint"] == shipped.load_policy(EXAMPLES / entry["file"]).fingerprint
    assert listed["knowledge_base"]["fingerprint"] == shipped.engine.kb_fingerprint
    assert client.request("GET", "/healthz").json()["status"] == "ok"
    document = client.request("GET", "/openapi.json").json()
    assert {"/v1/check", "/v1/select", "/v1/explain/{candidate}", "/v1/policies", "/healthz"} <= set(document["paths"])


def _error(reply, status: int) -> str:
    assert reply.status == status, reply.body
    data = reply.json()
    assert list(data) == ["error"] and "\n" not in data["error"] and "Traceback" not in reply.body
    return data["error"]


def test_bad_input_gets_the_cli_one_line_error(client, cli_run, folder, tmp_path) -> None:
    # The same line the CLI prints after "selector: ", for an unknown candidate...
    cli_line = cli_run("check", "nope@nowhere/x", "--constraints", folder / f"{POLICIES[0]}.yaml").output.strip()
    reply = client.request("POST", "/v1/check", {"candidate": "nope@nowhere/x", "policy": POLICIES[0]})
    assert "selector: " + _error(reply, 404) == cli_line
    # ...and for a bad policy (given inline: the key path without the file and line).
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nrequire:\n  residency: XX\n", encoding="utf-8")
    file_line = cli_run("check", ALLOWED, "--constraints", bad).output.strip()
    reply = client.request("POST", "/v1/check", {"candidate": ALLOWED, "policy": {"version": 1, "require": {"residency": "XX"}}})
    assert file_line.endswith(_error(reply, 400))
    assert "did you mean 'eu-finetune-long-context'" in _error(
        client.request("POST", "/v1/check", {"candidate": ALLOWED, "policy": "eu-finetune-long-contxt"}), 404)
    assert "did you mean 'candidate'" in _error(
        client.request("POST", "/v1/check", {"candidat": ALLOWED, "policy": POLICIES[0]}), 400)
    assert "YYYY-MM-DD" in _error(
        client.request("POST", "/v1/check", {"candidate": ALLOWED, "policy": POLICIES[0], "as_of": "2026-13-01"}), 400)
    assert "not JSON" in _error(client.request("POST", "/v1/check", raw=b"{nope"), 400)
    assert "JSON object" in _error(client.request("POST", "/v1/check", [1, 2]), 400)
    assert "policy" in _error(client.request("POST", "/v1/select", {"policy": 3}), 400)
    assert "too large" in _error(client.request("POST", "/v1/check", raw=b" " * (MAX_BODY + 1)), 413)
    assert _error(client.request("GET", "/v1/nothing"), 404)
    assert _error(client.request("GET", "/v1/check"), 405)
    assert _error(client.request("GET", f"/v1/explain/{ALLOWED}?policy={POLICIES[0]}&colour=red"), 400)


def test_decision_log_lines_replay_with_check_as_of(client, cli_run, folder, log_path, shipped) -> None:
    client.request("POST", "/v1/check", {"candidate": DENIED, "policy": POLICIES[0], "as_of": "2026-10-19"})
    last = json.loads(log_path.read_text(encoding="utf-8").splitlines()[-1])
    assert set(last) == {"time", "endpoint", "candidate", "policy", "knowledge_base", "rules", "as_of", "outcome"}
    assert (last["endpoint"], last["candidate"], last["as_of"], last["outcome"]) == ("check", DENIED, "2026-10-19", "denied")
    assert last["policy"]["file"] == f"{POLICIES[0]}.yaml" and last["policy"]["fingerprint"].startswith("sha256:")
    replay = cli_run("check", last["candidate"], "--constraints", folder / last["policy"]["file"], "--as-of", last["as_of"],
                     "--format", "json")
    assert json.loads(replay.output)["outcome"] == last["outcome"]
    client.request("POST", "/v1/check", {"candidate": ALLOWED, "policy": {"version": 1, "require": {"residency": "EU"}}})
    inline = json.loads(log_path.read_text(encoding="utf-8").splitlines()[-1])
    # An inline policy is logged whole, in canonical form: it gives the fingerprint logged.
    assert shipped.policy(inline["policy"]["inline"]).fingerprint == inline["policy"]["fingerprint"]
    # Every line is whole JSON: bad requests are not decisions and are not logged.
    for line in log_path.read_text(encoding="utf-8").splitlines():
        assert json.loads(line)["outcome"] in ("allowed", "denied")


def test_reload_under_load_fails_no_request_and_a_bad_folder_keeps_the_old_state(server, folder) -> None:
    expected = {c: Client(server.port).request("POST", "/v1/check", {"candidate": c, "policy": POLICIES[0]}).body
                for c in (ALLOWED, DENIED)}
    failures: list[str] = []
    done = threading.Event()
    counts = [0] * 4

    def hammer(slot: int) -> None:
        connection = Client(server.port)
        candidate = (ALLOWED, DENIED)[slot % 2]
        while not done.is_set():
            reply = connection.request("POST", "/v1/check", {"candidate": candidate, "policy": POLICIES[0]})
            if reply.status != 200 or reply.body != expected[candidate]:
                failures.append(f"{reply.status} {reply.body[:200]}")
            counts[slot] += 1
        connection.close()

    workers = [threading.Thread(target=hammer, args=(i,)) for i in range(4)]
    for worker in workers:
        worker.start()
    admin = Client(server.port)
    try:
        before = admin.request("GET", "/healthz").json()["generation"]
        shutil.copy(EXAMPLES / "open-weights-commercial.yaml", folder / "open-weights-commercial.yaml")
        reloaded = admin.request("POST", "/v1/reload")
        assert reloaded.status == 200, reloaded.body
        assert "open-weights-commercial" in [p["name"] for p in reloaded.json()["policies"]]
        (folder / "broken.yaml").write_text("version: 1\nrequire:\n  residncy: EU\n", encoding="utf-8")
        refused = admin.request("POST", "/v1/reload")
        assert "broken.yaml:3" in _error(refused, 400) and "did you mean 'residency'" in refused.body
        assert admin.request("GET", "/healthz").json()["generation"] == before + 1
    finally:
        (folder / "broken.yaml").unlink(missing_ok=True)
        (folder / "open-weights-commercial.yaml").unlink(missing_ok=True)
        done.set()
        for worker in workers:
            worker.join()
        admin.close()
    assert not failures, failures[:3]
    assert all(counts), counts


def test_serve_refuses_a_missing_folder_in_one_line(tmp_path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--constraints-dir", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert result.output.strip().startswith("selector: ") and "--constraints-dir" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_the_command_serves_reloads_on_sighup_and_stops_on_sigterm(tmp_path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.serve.server import free_port

    shutil.copy(EXAMPLES / f"{POLICIES[0]}.yaml", tmp_path / f"{POLICIES[0]}.yaml")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "selector", "serve", "--constraints-dir", str(tmp_path),
                                "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy())

    def health(until) -> dict:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                reply = Client(port).request("GET", "/healthz").json()
                if until(reply):
                    return reply
            except OSError:
                assert process.poll() is None, process.communicate()
            time.sleep(0.05)
        raise AssertionError("the server did not answer as expected")

    try:
        assert health(lambda r: True)["policies"] == 1
        shutil.copy(EXAMPLES / "open-weights-commercial.yaml", tmp_path / "open-weights-commercial.yaml")
        process.send_signal(signal.SIGHUP)
        assert health(lambda r: r["generation"] == 2)["policies"] == 2
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=20)
    # uvicorn shuts down gracefully, then re-raises the signal it caught, as a process stopped by it should.
    assert process.returncode in (0, -signal.SIGTERM), err
    assert b"Traceback" not in err
