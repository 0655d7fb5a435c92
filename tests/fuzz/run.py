"""A time-boxed fuzz run of every loader: ``python -m tests.fuzz.run --seconds 300``.

Mutates the seed files (see targets.py) round-robin over the targets until the time
is up, and reports how many inputs each target tried, how many it accepted, and how
long the run went clean. An input that raises anything but a SelectorError, or runs
longer than ``--timeout`` seconds, is saved under ``--crashes`` with its traceback;
inputs that hit a known bug are counted separately. Exit code 0 when nothing new was
found, 1 otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import random
import signal
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

from .targets import Workspace, known_bug, mutate, targets


class _Hang(Exception):
    pass


def _alarm(signum, frame):  # noqa: ARG001 - signal handler signature
    raise _Hang()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz.run", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to run (default 60)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: time-based, printed)")
    parser.add_argument("--target", action="append", help="run only these targets (repeatable)")
    parser.add_argument("--timeout", type=int, default=20, help="seconds one input may take (default 20)")
    parser.add_argument("--crashes", type=Path, default=Path("fuzz-crashes"), help="where to save crashing inputs")
    args = parser.parse_args(argv)

    seed = args.seed if args.seed is not None else int(time.time())
    rng = random.Random(seed)
    logging.getLogger("rdflib").setLevel(logging.ERROR)  # rdflib warns about every odd IRI it reads
    workspace = Workspace()
    chosen = [t for t in targets(workspace) if not args.target or t.name in args.target]
    if not chosen:
        parser.error("no such target; targets: policy, rules, kb-trig, kb-turtle, special-files")
    tried: Counter[str] = Counter()
    accepted: Counter[str] = Counter()
    known: Counter[str] = Counter()
    crashes: list[str] = []
    pool = {t.name: list(t.seeds) for t in chosen}
    use_alarm = hasattr(signal, "SIGALRM")
    if use_alarm:
        signal.signal(signal.SIGALRM, _alarm)
    print(f"fuzzing {', '.join(t.name for t in chosen)} for {args.seconds:g} s (seed {seed})", flush=True)
    start = time.monotonic()
    clean_until = None
    try:
        while time.monotonic() - start < args.seconds:
            for target in chosen:
                base = rng.choice(pool[target.name])
                data = mutate(base, rng, target.tokens, pool[target.name])
                tried[target.name] += 1
                if use_alarm:
                    signal.alarm(args.timeout)
                try:
                    if target.run(data):
                        accepted[target.name] += 1
                        if len(pool[target.name]) < 500:
                            pool[target.name].append(data)  # loadable inputs make good parents
                except _Hang:
                    crashes.append(_save(args.crashes, target.name, data, f"took longer than {args.timeout} s"))
                except Exception as exc:  # noqa: BLE001 - finding these is the point
                    bug = known_bug(exc)
                    if bug is not None:
                        known[bug] += 1
                    else:
                        crashes.append(_save(args.crashes, target.name, data, traceback.format_exc()))
                finally:
                    if use_alarm:
                        signal.alarm(0)
                if crashes and clean_until is None:
                    clean_until = time.monotonic() - start
    finally:
        workspace.close()
    elapsed = time.monotonic() - start
    total = sum(tried.values())
    print(f"ran {elapsed:.0f} s, {total} inputs ({total / max(elapsed, 1e-9):.0f}/s)")
    for target in chosen:
        print(f"  {target.name}: {tried[target.name]} inputs, {accepted[target.name]} loaded")
    for bug, count in known.items():
        print(f"  known bug, {count} inputs: {bug}")
    if crashes:
        print(f"clean for {clean_until:.0f} s; {len(crashes)} new failures saved:")
        for path in crashes:
            print(f"  {path}")
        return 1
    print(f"clean for the whole {elapsed:.0f} s: no exception but SelectorError")
    return 0


def _save(folder: Path, target: str, data: bytes, why: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{target}-{hashlib.sha256(data).hexdigest()[:12]}"
    (folder / f"{name}.input").write_bytes(data)
    (folder / f"{name}.txt").write_text(why, encoding="utf-8")
    return str(folder / f"{name}.input")


if __name__ == "__main__":
    sys.exit(main())
