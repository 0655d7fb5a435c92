"""Where the engine spends its time: cProfile of loading and of one select on the synthetic knowledge base.

    python bench/profile_engine.py --offerings 10000 [--seed S] [--top 25] [--out DIR]

Profiles (1) load_knowledge_base + Engine build and (2) Engine.select of bench/policy.yaml
(after one unprofiled warm-up select), prints the top functions by own time and by
cumulative time for each, and writes DIR/load.prof and DIR/select.prof (default
bench/.data/profile-N) for snakeviz or pstats.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from run import data_dir  # noqa: E402


def show(profile: cProfile.Profile, title: str, top: int, path: Path) -> None:
    profile.dump_stats(str(path))
    for key, label in (("tottime", "own time"), ("cumulative", "cumulative time")):
        buffer = io.StringIO()
        stats = pstats.Stats(profile, stream=buffer)
        stats.strip_dirs().sort_stats(key).print_stats(top)
        text = buffer.getvalue()
        body = text[text.index("   ncalls"):] if "   ncalls" in text else text
        print(f"== {title}: top {top} by {label} (total {stats.total_tt:.2f} s under the profiler)")
        print(body.rstrip() + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offerings", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--policy", type=Path, default=BENCH / "policy.yaml")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    data = data_dir(args.offerings, args.seed, args.policy.resolve(), BENCH / ".data")
    out = args.out or BENCH / ".data" / f"profile-{args.offerings}"
    out.mkdir(parents=True, exist_ok=True)

    from selector.checks import KINDS
    from selector.engine import Engine
    from selector.kb.load import load_knowledge_base
    from selector.policy import load_policy
    from selector.rules import load_rules

    rules = load_rules((), kinds=KINDS)
    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.enable()
    engine = Engine(load_knowledge_base(base_dir=data), rules)
    profile.disable()
    print(f"load + build: {time.perf_counter() - start:.2f} s with the profiler on\n")
    show(profile, "load_knowledge_base + Engine build", args.top, out / "load.prof")

    policy = load_policy(args.policy, engine.vocabulary())
    engine.select(policy)  # warm-up, unprofiled
    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.enable()
    engine.select(policy)
    profile.disable()
    print(f"select: {time.perf_counter() - start:.2f} s with the profiler on\n")
    show(profile, "Engine.select", args.top, out / "select.prof")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
