"""The compiled-engine cache: keyed by every input's content, rebuilt when corrupt, never trusted blindly."""

from __future__ import annotations

from pathlib import Path

import pytest

from selector import snapshot
from selector.evaluate import Engine

ROOT = Path(__file__).resolve().parents[1]
OVERLAY = ROOT / "examples" / "overlays" / "anthropic-zdr-contract.trig"


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SELECTOR_CACHE_DIR", str(folder))
    return folder


def test_second_load_comes_from_the_cache(cache: Path) -> None:
    first = snapshot.compiled_engine((), ())
    files = list(cache.glob("*.engine"))
    assert len(files) == 1
    second = snapshot.compiled_engine((), ())
    assert isinstance(second, Engine) and second is not first
    assert [c.id for c in second.candidates] == [c.id for c in first.candidates]
    assert second.fingerprint == first.fingerprint


def test_any_input_change_gives_another_key(cache: Path, tmp_path: Path) -> None:
    base = snapshot.input_key((), ())
    assert snapshot.input_key((OVERLAY,), ()) != base
    copy = tmp_path / "overlay.trig"
    copy.write_bytes(OVERLAY.read_bytes())
    changed = tmp_path / "changed.trig"
    changed.write_bytes(OVERLAY.read_bytes() + b"\n# a comment\n")
    assert snapshot.input_key((copy,), ()) != snapshot.input_key((changed,), ())
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "x.yaml").write_text("id: x\n")
    assert snapshot.input_key((), (rules,)) != snapshot.input_key((), ())


def test_a_missing_input_gives_no_key() -> None:
    assert snapshot.input_key((Path("/no/such/overlay.trig"),), ()) is None


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "wrong-key"])
def test_a_damaged_cache_is_rebuilt(cache: Path, damage: str) -> None:
    snapshot.compiled_engine((), ())
    (path,) = cache.glob("*.engine")
    blob = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(blob[: len(blob) // 2])
    elif damage == "flip":
        path.write_bytes(blob[:-10] + bytes([blob[-10] ^ 0xFF]) + blob[-9:])
    elif damage == "garbage":
        path.write_bytes(b"not a cache at all")
    else:
        path.write_bytes(blob.replace(path.stem.encode(), b"0" * len(path.stem), 1))
    key = path.stem
    assert snapshot.read(cache, key) is None
    engine = snapshot.compiled_engine((), ())
    assert isinstance(engine, Engine)
    assert snapshot.read(cache, key) is not None, "the rebuilt engine is cached again"


def test_cache_can_be_switched_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SELECTOR_CACHE_DIR", "off")
    assert snapshot.cache_dir() is None
    assert isinstance(snapshot.compiled_engine((), ()), Engine)


def test_only_the_newest_caches_are_kept(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot, "_KEEP", 2)
    for i in range(3):
        overlay = tmp_path / f"o{i}.trig"
        overlay.write_bytes(OVERLAY.read_bytes() + f"\n# {i}\n".encode())
        snapshot.compiled_engine((overlay,), ())
    assert len(list(cache.glob("*.engine"))) == snapshot._KEEP
