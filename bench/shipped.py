"""Timings on the shipped knowledge base, as a user meets them: whole commands, each a fresh process.

    python bench/shipped.py [--runs 5] [--json]

Measures, for every example policy's first (the README's) and in minimum / median over
``--runs`` runs: the first compile (an empty engine cache, the engine then written to it),
``select`` with the cache warm (table), ``select --format json`` (every decision's trail),
``check`` of one candidate, ``kb validate`` of the shipped base, and in-process the
engine's ``select`` with and without trails. The figures go in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "examples" / "eu-finetune-long-context.yaml"
CANDIDATE = "claude-opus-4.6@anthropic-api/global"


def _timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "selector", *args] if args[0] != "-c" else [sys.executable, *args],
                          env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{args}: exit {done.returncode}: {done.stderr.decode()[:300]}")
    return elapsed


def _series(runs: int, setup, args: list[str], env: dict[str, str]) -> list[float]:
    out = []
    for _ in range(runs):
        setup()
        out.append(_timed(args, env))
    return out


def main() -> None:
    """Run every measurement and print a table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    cache = Path(tempfile.mkdtemp(prefix="selector-bench-cache-"))
    env = {**os.environ, "SELECTOR_CACHE_DIR": str(cache)}
    policy = str(POLICY.relative_to(ROOT))

    def empty() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    def keep() -> None:
        pass

    results: dict[str, list[float]] = {}
    results["first compile (empty cache), select"] = _series(args.runs, empty, ["select", "--constraints", policy], env)
    _timed(["select", "--constraints", policy], env)  # warm the cache
    results["select, cache warm (table)"] = _series(args.runs, keep, ["select", "--constraints", policy], env)
    results["select --format json, every trail"] = _series(
        args.runs, keep, ["select", "--constraints", policy, "--format", "json"], env)
    results["check one candidate"] = _series(args.runs, keep, ["check", CANDIDATE, "--constraints", policy], env)
    results["kb validate (shipped base)"] = _series(max(1, args.runs // 2), keep, ["kb", "validate"], env)
    results["python startup + import selector.cli"] = _series(args.runs, keep, ["-c", "import selector.cli"], env)

    from selector.api import Selector

    os.environ["SELECTOR_CACHE_DIR"] = str(cache)
    selector = Selector()
    loaded = selector.load_policy(POLICY)
    for label, call in (("engine select, no trails (selection)", lambda: selector.selection(loaded)),
                        ("engine select, every trail (report)", lambda: selector.select(loaded))):
        times = []
        for _ in range(args.runs):
            selector.engine.columns._by_identity.clear()
            selector.engine.columns._by_content.clear()
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
        results[label] = times
    shutil.rmtree(cache, ignore_errors=True)

    info = {"candidates": len(selector.engine.candidates), "layers": list(selector.engine.layers)}
    if args.json:
        print(json.dumps({"knowledge_base": info, "seconds": results}, indent=2))
        return
    print(f"shipped knowledge base: {info['candidates']} candidates, layers {', '.join(info['layers'])}")
    print(f"{'measurement':<44} {'min':>9} {'median':>9} {'max':>9}")
    for label, times in results.items():
        print(f"{label:<44} {min(times):>8.3f}s {statistics.median(times):>8.3f}s {max(times):>8.3f}s")


if __name__ == "__main__":
    main()
