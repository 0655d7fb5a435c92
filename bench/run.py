"""Benchmark: this project against rdflib, pyoxigraph, pySHACL and cedarpy on one synthetic knowledge base.

    python bench/run.py --offerings N [--seed S] [--json] [--skip METHOD ...] [--only METHOD ...]

Generates (or reuses) the synthetic knowledge base of bench/synth.py for N offerings,
then measures, each method in a fresh worker process so that its memory is its own:

  selector   load_knowledge_base + Engine build, Engine.select, one Engine.check
             (and Engine.decide) on one candidate, median over many calls
  snapshot   loading the compiled engine from the project's own snapshot
             (selector.engine.cache, as the compiled-engine cache of the commands uses)
  cli        cold `selector select` on the bundled knowledge base (subprocess):
             first run with an empty engine cache, then warm, and with the cache off
  rdflib     TriG parse, then bench/policy.rq with initBindings
  oxigraph   bulk load, then bench/policy.rq with substitutions
  shacl      pySHACL validation against bench/policy.shacl.ttl (up to 10,000 offerings)
  cedar      bench/policy.cedar over entities compiled from the knowledge base:
             one is_authorized call with the parsed policy set and entities reused

Every method's allowed set is checked against DIR/expected.json (computed by the
generator, not the engine); a disagreement is printed loudly and the exit code is 1.
Prints a table of medians, peak RSS and ratios, or with --json one JSON object with a
key per method.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from methods import METHODS, run_worker  # noqa: E402

SHACL_LIMIT = 10_000
RDFLIB_QUERY_LIMIT = 10_000


def repetitions(offerings: int) -> dict[str, int]:
    small = offerings <= 10_000
    return {
        "load": 3 if small else 1,
        "parse": 3 if small else 1,
        "select": 5 if small else 3,
        "report": 3 if small else 1,
        "query": 3 if offerings <= 1_000 else 1,
        "rdflib_query": (3 if offerings <= 1_000 else 1) if offerings <= RDFLIB_QUERY_LIMIT else 0,
        "shacl": 1,
        "cedar_all": 3 if small else 1,
        "check": 5000,
        "budget": 5.0,
        "cli": 5,
    }


def data_dir(offerings: int, seed: int, policy: Path, root: Path) -> Path:
    """The synthetic knowledge base for these parameters, generated on first use."""
    folder = root / f"synth-{offerings}-seed{seed}"
    expected = folder / "expected.json"
    stamp = json.dumps([offerings, seed, policy.read_text(encoding="utf-8"), (BENCH / "synth.py").stat().st_mtime])
    marker = folder / ".parameters"
    if not expected.exists() or not marker.exists() or marker.read_text(encoding="utf-8") != stamp:
        subprocess.run([sys.executable, str(BENCH / "synth.py"), "--offerings", str(offerings), "--out", str(folder),
                        "--seed", str(seed), "--policy", str(policy)], check=True)
        marker.write_text(stamp, encoding="utf-8")
    return folder


def worker(args: argparse.Namespace) -> int:
    extra = json.loads(args.extra) if args.extra else {}
    result = run_worker(args.worker, Path(args.data), Path(args.policy), json.loads(args.reps), extra)
    Path(args.result).write_text(json.dumps(result), encoding="utf-8")
    return 0


def spawn(method: str, data: Path, policy: Path, reps: dict, extra: dict, timeout: float) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result_path = Path(handle.name)
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", method, "--data", str(data),
               "--policy", str(policy), "--reps", json.dumps(reps), "--extra", json.dumps(extra),
               "--result", str(result_path)]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        result_path.unlink(missing_ok=True)
        return {"error": f"timed out after {timeout:.0f} s"}
    wall = time.perf_counter() - started
    if done.returncode != 0:
        result_path.unlink(missing_ok=True)
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return {"error": f"exit {done.returncode}: " + " | ".join(tail)}
    result = json.loads(result_path.read_text(encoding="utf-8"))
    result_path.unlink(missing_ok=True)
    result["worker_wall"] = wall
    return result


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        memory = next(int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))
    except (OSError, StopIteration):
        memory = None
    versions = {}
    for name in ("selector", "rdflib", "pyoxigraph", "pyshacl", "cedarpy", "pydantic", "networkx"):
        try:
            from importlib.metadata import version

            versions[name] = version("selector-llm" if name == "selector" else name)  # the distribution's name
        except Exception:  # not installed
            versions[name] = None
    revision = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True)
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_mb": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
        "revision": revision.stdout.strip() or None,
    }


def check_answers(results: dict, expected: dict) -> list[str]:
    want = set(expected["allowed_ids"])
    problems = []
    for method, result in results.items():
        got = result.get("allowed")
        if got is None:
            continue
        got = set(got)
        result["allowed_count"] = len(got)
        result["agrees"] = got == want
        if got != want:
            missing, extra = sorted(want - got), sorted(got - want)
            problems.append(
                f"{method}: allowed set DISAGREES with expected.json: {len(got)} allowed, expected {len(want)}; "
                f"missing {len(missing)} (e.g. {missing[:3]}), extra {len(extra)} (e.g. {extra[:3]})"
            )
    selector = results.get("selector", {})
    summary = selector.get("summary")
    if summary:
        for key in ("candidates", "allowed", "denied", "denied_on_unknown"):
            if summary.get(key) != expected.get(key):
                problems.append(f"selector: summary {key} = {summary.get(key)}, expected {expected.get(key)}")
    return problems


def fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def med(result: dict, key: str) -> float | None:
    value = result.get(key)
    if isinstance(value, dict):
        return value.get("median")
    return value if isinstance(value, (int, float)) else None


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "-"
    return f"{a / b:.3g}x"


def table(report: dict) -> str:
    r = report["methods"]
    rows: list[tuple[str, str, str, str]] = []

    def add(method: str, what: str, seconds: float | None, memory: float | None = None) -> None:
        rows.append((method, what, fmt_s(seconds), f"{memory:.0f}" if memory else ""))

    s = r.get("selector", {})
    if "error" not in s and s:
        add("selector", "load_knowledge_base", med(s, "load"))
        add("selector", "Engine build (compile)", med(s, "build"), s.get("rss_after_load_mb"))
        add("selector", "Engine.selection: every candidate decided and ranked, trails on demand", med(s, "select"),
            s.get("peak_rss_mb"))
        add("selector", "  the same policy again (verdict tables kept)", med(s, "select_warm"))
        add("selector", "  plus the trail of every allowed candidate", med(s, "select_trails"))
        add("selector", "Engine.select: full report, every trail (allowed and denied)", med(s, "report"))
        add("selector", "Engine.allows (one candidate by name, decision; sample median)", med(s, "allows"))
        add("selector", "Engine.check (one candidate by name, with trail; sample median)", med(s, "check"))
    sn = r.get("snapshot", {})
    if "error" not in sn and sn:
        add("snapshot", f"load the compiled engine from its snapshot ({sn.get('snapshot_mb', 0):.0f} MB)",
            med(sn, "load"), sn.get("rss_after_load_mb"))
        add("snapshot", "  then the first Engine.selection", sn.get("select_after_load"))
    c = r.get("cli", {})
    if "error" not in c and c:
        add("cli", "cold `selector select` (bundled KB), warm engine cache", med(c, "select"), c.get("peak_rss_mb"))
        add("cli", "  first run, empty engine cache", c.get("select_empty_cache"))
        add("cli", "  engine cache off", med(c, "select_cache_off"))
        add("cli", "  of which python -c 'import selector.cli'", med(c, "import_cli"))
        add("cli", "  of which bare python startup", med(c, "python_startup"))
    for name in ("rdflib", "oxigraph"):
        m = r.get(name, {})
        if "error" not in m and m:
            add(name, "parse / load TriG", med(m, "parse"), m.get("rss_after_load_mb"))
            if m.get("query_skipped"):
                rows.append((name, "SPARQL query: skipped above 10,000 offerings", "-", ""))
            else:
                add(name, "SPARQL query (bench/policy.rq)", med(m, "query"), m.get("peak_rss_mb"))
    sh = r.get("shacl", {})
    if "error" not in sh and sh:
        add("shacl", "parse TriG into one graph", med(sh, "parse"), sh.get("rss_after_load_mb"))
        add("shacl", "pySHACL validate (bench/policy.shacl.ttl)", med(sh, "validate"), sh.get("peak_rss_mb"))
    ce = r.get("cedar", {})
    if "error" not in ce and ce:
        add("cedar", "compile entities from the KB (pyoxigraph + Python)", med(ce, "entities_build"))
        add("cedar", f"Entities.from_json_str ({ce.get('entities_json_mb', 0):.0f} MB JSON)", med(ce, "entities_parse"),
            ce.get("rss_after_load_mb"))
        add("cedar", "is_authorized_batch, every candidate", med(ce, "all_decisions"), ce.get("peak_rss_mb"))
        add("cedar", "is_authorized, one decision (same sample; parsed policy + entities)", med(ce, "decision"))
    width = [max(len(row[i]) for row in rows + [("method", "what", "median", "RSS MB")]) for i in range(4)]
    lines = []
    head = ("method", "what", "median", "RSS MB")
    lines.append("  ".join(h.ljust(w) for h, w in zip(head, width)))
    lines.append("  ".join("-" * w for w in width))
    for row in rows:
        lines.append("  ".join([row[0].ljust(width[0]), row[1].ljust(width[1]), row[2].rjust(width[2]),
                                row[3].rjust(width[3])]))
    for name, result in r.items():
        if "error" in result:
            lines.append(f"{name}: {result['error']}")
        elif "skipped" in result:
            lines.append(f"{name}: skipped ({result['skipped']})")
    lines.append("")
    ox = r.get("oxigraph", {})
    rd = r.get("rdflib", {})
    lines.append("ratios:")
    lines.append(f"  selector select / oxigraph query           {ratio(med(s, 'select'), med(ox, 'query'))}")
    lines.append(f"  selector select / rdflib query             {ratio(med(s, 'select'), med(rd, 'query'))}")
    lines.append(f"  selector load+build / oxigraph load        {ratio(med(s, 'load_and_build'), med(ox, 'parse'))}")
    lines.append(f"  selector load+build / rdflib parse         {ratio(med(s, 'load_and_build'), med(rd, 'parse'))}")
    lines.append(f"  selector allows / cedar decision           {ratio(med(s, 'allows'), med(ce, 'decision'))}")
    lines.append(f"  selector check / cedar decision            {ratio(med(s, 'check'), med(ce, 'decision'))}")
    lines.append("")
    expected = report["expected"]
    lines.append(f"knowledge base: {report['offerings']} offerings, {s.get('quads', '?')} quads, "
                 f"{expected['candidates']} candidates; expected {expected['allowed']} allowed "
                 f"({expected['denied_on_unknown']} denied only on unknown facts)")
    agree = [f"{k}: {'agrees' if v.get('agrees') else 'DISAGREES'}" for k, v in r.items() if "agrees" in v]
    lines.append("answers: " + ", ".join(agree))
    for problem in report["problems"]:
        lines.append("!!! " + problem)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offerings", type=int, help="number of offerings in the synthetic knowledge base")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--policy", type=Path, default=BENCH / "policy.yaml")
    parser.add_argument("--json", action="store_true", help="print one JSON object with a key per method")
    parser.add_argument("--skip", nargs="*", default=[], metavar="METHOD", choices=METHODS)
    parser.add_argument("--only", nargs="*", default=[], metavar="METHOD", choices=METHODS)
    parser.add_argument("--data-root", type=Path, default=BENCH / ".data",
                        help="where synthetic knowledge bases are kept (default bench/.data)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds allowed per method (default 900)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--reps", help=argparse.SUPPRESS)
    parser.add_argument("--extra", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)
    if not args.offerings:
        parser.error("--offerings is required")
    policy = args.policy.resolve()
    data = data_dir(args.offerings, args.seed, policy, args.data_root)
    expected = json.loads((data / "expected.json").read_text(encoding="utf-8"))
    reps = repetitions(args.offerings)
    methods = [m for m in METHODS if m not in args.skip and (not args.only or m in args.only)]
    results: dict[str, dict] = {}
    snapshot = Path(tempfile.mkdtemp(prefix="selector-bench-snapshot-"))
    try:
        for method in methods:
            if method == "shacl" and args.offerings > SHACL_LIMIT:
                results[method] = {"skipped": f"pySHACL is measured up to {SHACL_LIMIT} offerings"}
                continue
            if method == "snapshot" and "selector" not in results:
                results[method] = {"skipped": "needs the selector method in the same run"}
                continue
            extra = {"snapshot": str(snapshot) if "snapshot" in methods else None}
            print(f"[{time.strftime('%H:%M:%S')}] {method} ...", file=sys.stderr, flush=True)
            results[method] = spawn(method, data, policy, reps, extra, args.timeout)
    finally:
        shutil.rmtree(snapshot, ignore_errors=True)
    problems = check_answers(results, expected)
    for method, result in results.items():
        if "error" in result:
            problems.append(f"{method}: {result['error']}")
    report = {
        "offerings": args.offerings,
        "seed": args.seed,
        "policy": str(args.policy),
        "data": str(data),
        "machine": machine(),
        "expected": {k: v for k, v in expected.items() if k != "allowed_ids"},
        "methods": {k: {kk: vv for kk, vv in v.items() if kk != "allowed"} for k, v in results.items()},
        "problems": problems,
    }
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print(table(report))
    for problem in problems:
        print("!!! " + problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
