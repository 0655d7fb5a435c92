"""Measure this project's engine alone on a synthetic knowledge base (no comparisons).

    python bench/synth.py --offerings 10000 --out /tmp/synth10k
    python bench/engine_only.py /tmp/synth10k

Prints parse and compile time, the median of three selects, the median of 300
embedded checks, peak RSS, and whether the allowed set equals the generator's own
expected answer.
"""
import json
import resource
import statistics
import sys
import time
from pathlib import Path

from selector.checks import KINDS
from selector.engine import Engine
from selector.kb.load import load_knowledge_base
from selector.policy import load_policy
from selector.rules import load_rules

root = Path(sys.argv[1])
t = time.perf_counter(); kb = load_knowledge_base(base_dir=root); t_load = time.perf_counter() - t
t = time.perf_counter(); engine = Engine(kb, load_rules(kinds=KINDS)); t_build = time.perf_counter() - t
policy = load_policy(Path("bench/policy.yaml"), engine.vocabulary())
runs = []
for _ in range(3):
    t = time.perf_counter(); report = engine.select(policy); runs.append(time.perf_counter() - t)
allowed = {d.candidate.id for d in report.decisions if d.allowed}
expected = set(json.loads((root / "expected.json").read_text())["allowed_ids"]) if (root / "expected.json").exists() else None
one = report.decisions[0].candidate.id
checks = []
for _ in range(300):
    t = time.perf_counter(); engine.check(one, policy); checks.append(time.perf_counter() - t)
print(f"{len(engine.candidates)} candidates: parse {t_load:.2f}s, compile {t_build:.2f}s, select median {statistics.median(runs)*1000:.0f} ms, "
      f"check median {statistics.median(checks)*1e6:.0f} us, peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024:.0f} MB, "
      f"allowed {len(allowed)}, matches expected: {allowed == expected if expected is not None else 'n/a'}")
