"""Tightening a policy never adds an allowed candidate (on the shipped knowledge base)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))

#: Requirements added one at a time to every example policy.
TIGHTENINGS = [
    {"require": {"min_context_tokens": 500000}},
    {"require": {"training_on_inputs": False}},
    {"require": {"max_retention_days": 0}},
    {"require": {"residency": "EU"}},
    {"require": {"tool_calling": True}},
    {"require": {"input_modalities": ["image"]}},
    {"require": {"certifications": ["SOC2"]}},
    {"require": {"provider_headquarters": ["US"]}},
    {"require": {"max_price_per_mtok": {"input": 1}}},
    {"require": {"licence": {"commercial_use": True}}},
    {"exclude": {"provider_kinds": ["aggregator"]}},
    {"exclude": {"maker_headquarters": ["CN"]}},
]


def _merge(base: dict, extra: dict) -> dict:
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in base.items()}
    for section, values in extra.items():
        merged = dict(out.get(section) or {})
        for key, value in values.items():
            merged.setdefault(key, value)
        out[section] = merged
    return out


def _allowed(shipped, data: dict, tmp_path: Path, name: str) -> set[str]:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    # The decisions alone (no trails): the fast path's agreement with rule-by-rule
    # evaluation is checked in tests/fastpath.
    return set(shipped.selection(shipped.load_policy(path)).allowed_ids())


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_tightening_never_adds_a_candidate(shipped, example: Path, tmp_path: Path) -> None:
    base = yaml.safe_load(example.read_text(encoding="utf-8"))
    before = _allowed(shipped, base, tmp_path, "base")
    for i, extra in enumerate(TIGHTENINGS):
        after = _allowed(shipped, _merge(base, extra), tmp_path, f"t{i}")
        assert after <= before, f"adding {extra} allowed {sorted(after - before)[:5]}"
