"""``selector serve``: the decision API over HTTP, on Starlette under uvicorn (the ``serve`` extra)."""

from __future__ import annotations

from pathlib import Path

import click

from selector.cli.options import PATH, kb_endpoint_option, kb_option, rules_option
from selector.errors import UsageError
from selector.serve.log import DecisionLog
from selector.serve.state import Sources


@click.command()
@click.option("--constraints-dir", "constraints_dir", required=True, type=PATH, metavar="DIR",
              help="The folder of policy files served; each is named by its file name without extension.")
@kb_option
@kb_endpoint_option
@rules_option
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", default=8181, show_default=True, type=click.IntRange(0, 65535), help="The port to listen on.")
@click.option("--decision-log", "decision_log", type=PATH, metavar="FILE",
              help="Append one JSON line per decision to FILE (the only output with a time in it).")
def serve(constraints_dir: Path, kb, kb_endpoint, rules, host: str, port: int, decision_log: Path | None) -> int:
    """Serve decisions over HTTP: POST /v1/check, POST /v1/select, GET /v1/explain/CANDIDATE.

    Loads the compiled engine and the policy folder once; SIGHUP or POST /v1/reload (from
    this host) reads them again and swaps them in whole. GET /openapi.json describes the API.

    \b
    Example:
      selector serve --constraints-dir examples --decision-log decisions.jsonl
      curl -s localhost:8181/v1/check -d '{"candidate": "kimi-k2.5@vllm/self-hosted", "policy": "eu-finetune-long-context"}'
    """
    try:
        # Imported here to keep start-up fast, and because the server is an optional extra.
        import uvicorn

        # Imported here to keep start-up fast: it imports Starlette.
        from selector.serve.app import create_app
    except ImportError as error:
        raise UsageError(f"selector serve needs starlette and uvicorn ({error.name} is not installed)",
                         hint="install them with: pip install 'selector[serve]'") from None

    sources = Sources(constraints_dir, tuple(kb), tuple(rules), kb_endpoint)
    log = DecisionLog(decision_log) if decision_log is not None else None
    app = create_app(sources, log)
    click.echo(f"selector serve: http://{host}:{port} (SIGHUP or POST /v1/reload reloads; Ctrl+C stops)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, timeout_graceful_shutdown=5)
    return 0
