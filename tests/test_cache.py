"""The compiled-engine cache: keyed by every input's content, rebuilt when corrupt, never trusted blindly."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from selector.engine import Engine
from selector.engine import cache as snapshot
from selector.paths import ontology_dir

ROOT = Path(__file__).resolve().parents[1]
WORLD = ROOT / "tests" / "rules" / "world.trig"


def _tiny_base() -> tuple[Path, Path]:
    """A small ontology folder (the rule cases' world) and an overlay on it: the cache is tested on these,
    where compiling takes milliseconds, not on the shipped base."""
    root = Path(tempfile.mkdtemp(prefix="selector-cache-test-"))
    (root / "ontology" / "kb").mkdir(parents=True)
    shutil.copy(ontology_dir() / "selector.ttl", root / "ontology" / "selector.ttl")
    shutil.copy(WORLD, root / "ontology" / "kb" / "world.trig")
    prefixes = WORLD.read_text(encoding="utf-8").split("src:world a sel:Source")[0]
    overlay = root / "deal.trig"
    overlay.write_text(
        prefixes + 'src:deal a sel:Source ; dcterms:title "A deal" ; dcterms:source <https://example.org/deal> ;\n'
        '    sel:asOf "2026-02-01"^^xsd:date .\nsrc:deal {\n  offering:m1--cloud sel:retentionDays 0 .\n}\n',
        encoding="utf-8",
    )
    return root / "ontology", overlay


TINY, OVERLAY = _tiny_base()


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SELECTOR_CACHE_DIR", str(folder))
    return folder


def test_second_load_comes_from_the_cache(cache: Path) -> None:
    first = snapshot.compiled_engine((), (), TINY)
    files = list(snapshot.private_folder(cache).glob("*.engine"))
    assert len(files) == 1
    assert snapshot.compiled_engine((), (), TINY) is first, "the same process reuses the engine it verified"
    snapshot._LOADED.clear()  # another process reads the file
    second = snapshot.compiled_engine((), (), TINY)
    assert isinstance(second, Engine) and second is not first
    assert [c.id for c in second.candidates] == [c.id for c in first.candidates]
    assert second.kb_fingerprint == first.kb_fingerprint
    assert second.rules_fingerprint == first.rules_fingerprint


def test_any_input_change_gives_another_key(cache: Path, tmp_path: Path) -> None:
    base = snapshot.input_key((), (), TINY)
    assert snapshot.input_key((OVERLAY,), (), TINY) != base
    copy = tmp_path / "overlay.trig"
    copy.write_bytes(OVERLAY.read_bytes())
    changed = tmp_path / "changed.trig"
    changed.write_bytes(OVERLAY.read_bytes() + b"\n# a comment\n")
    assert snapshot.input_key((copy,), (), TINY) != snapshot.input_key((changed,), (), TINY)
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "x.yaml").write_text("id: x\n")
    assert snapshot.input_key((), (rules,), TINY) != snapshot.input_key((), (), TINY)


def test_a_missing_input_gives_no_key() -> None:
    assert snapshot.input_key((Path("/no/such/overlay.trig"),), ()) is None


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "wrong-key"])
def test_a_damaged_cache_is_rebuilt(cache: Path, damage: str) -> None:
    snapshot.compiled_engine((), (), TINY)
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
    engine = snapshot.compiled_engine((), (), TINY)
    assert isinstance(engine, Engine)
    assert snapshot.read(cache, key) is not None, "the rebuilt engine is cached again"


def test_cache_can_be_switched_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SELECTOR_CACHE_DIR", "off")
    assert snapshot.cache_dir() is None
    assert isinstance(snapshot.compiled_engine((), (), TINY), Engine)


def test_only_the_newest_caches_are_kept(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot, "_KEEP", 2)
    for i in range(3):
        overlay = tmp_path / f"o{i}.trig"
        overlay.write_bytes(OVERLAY.read_bytes() + f"\n# {i}\n".encode())
        snapshot.compiled_engine((overlay,), (), TINY)
    assert len(list(cache.glob("*.engine"))) == snapshot._KEEP


# --- A cache entry this user did not write is never loaded --------------------------------

OTHER_UID = 65534  # "nobody"


class _Planted:
    """A pickle that, when loaded, creates a marker file: proof that the cache ran foreign code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def _forged_blob(key: str, marker: Path) -> bytes:
    """What an attacker can compute: the format, the key (a digest of public inputs) and a plain digest."""
    import hashlib
    import pickle

    payload = pickle.dumps(_Planted(marker))
    return snapshot.FORMAT + key.encode() + hashlib.sha256(payload).digest() + payload


def _chown_or_skip(path: Path, uid: int = OTHER_UID) -> None:
    import os

    try:
        os.chown(path, uid, -1)
    except (PermissionError, AttributeError):
        pytest.skip("changing a file's owner needs root")


def test_a_file_planted_by_another_user_is_never_loaded(cache: Path, tmp_path: Path) -> None:
    key = snapshot.input_key((), (), TINY)
    folder = snapshot.private_folder(cache)
    marker = tmp_path / "ran"
    planted = folder / f"{key}.engine"
    planted.write_bytes(_forged_blob(key, marker))
    _chown_or_skip(planted)
    engine = snapshot.compiled_engine((), (), TINY)
    assert isinstance(engine, Engine)
    assert not marker.exists(), "a planted cache file was unpickled"


def test_a_forged_file_of_this_user_fails_the_tag(cache: Path, tmp_path: Path) -> None:
    key = snapshot.input_key((), (), TINY)
    folder = snapshot.private_folder(cache)
    marker = tmp_path / "ran"
    (folder / f"{key}.engine").write_bytes(_forged_blob(key, marker))
    assert snapshot.read(folder, key) is None
    assert not marker.exists()


def test_a_genuine_engine_under_another_key_is_refused(cache: Path) -> None:
    snapshot.compiled_engine((OVERLAY,), (), TINY)
    folder = snapshot.private_folder(cache)
    (source,) = folder.glob("*.engine")
    key = snapshot.input_key((), (), TINY)
    blob = source.read_bytes().replace(source.stem.encode(), key.encode(), 1)
    (folder / f"{key}.engine").write_bytes(blob)
    assert snapshot.read(folder, key) is None


def test_a_shared_folder_gets_a_private_one_inside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import stat

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    monkeypatch.setenv("SELECTOR_CACHE_DIR", str(shared))
    key = snapshot.input_key((), (), TINY)
    marker = tmp_path / "ran"
    (shared / f"{key}.engine").write_bytes(_forged_blob(key, marker))
    snapshot.compiled_engine((), (), TINY)
    assert not marker.exists()
    own = snapshot.private_folder(shared)
    assert own == shared / f"selector-{os.geteuid()}"
    assert stat.S_IMODE(own.stat().st_mode) == 0o700
    assert list(own.glob("*.engine")), "the engine is cached in the private folder"
    assert snapshot.read(own, key) is not None


def test_a_private_folder_owned_by_someone_else_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    theirs = shared / f"selector-{os.geteuid()}"
    theirs.mkdir(mode=0o700)
    _chown_or_skip(theirs)
    assert snapshot.private_folder(shared) is None
    monkeypatch.setenv("SELECTOR_CACHE_DIR", str(shared))
    assert isinstance(snapshot.compiled_engine((), (), TINY), Engine)


def test_a_fifo_in_the_cache_is_skipped_unread(cache: Path) -> None:
    import os
    import signal

    key = snapshot.input_key((), (), TINY)
    folder = snapshot.private_folder(cache)
    os.mkfifo(folder / f"{key}.engine")
    signal.alarm(30)  # a blocking open would hang here; fail instead
    try:
        assert snapshot.read(folder, key) is None
        assert isinstance(snapshot.compiled_engine((), (), TINY), Engine)
    finally:
        signal.alarm(0)


def test_a_symlinked_cache_file_is_not_followed(cache: Path, tmp_path: Path) -> None:
    snapshot.compiled_engine((), (), TINY)
    folder = snapshot.private_folder(cache)
    (real,) = folder.glob("*.engine")
    moved = tmp_path / "elsewhere.engine"
    real.rename(moved)
    real.symlink_to(moved)
    assert snapshot.read(folder, real.stem) is None


def test_cleanup_removes_only_this_users_entries(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setattr(snapshot, "_KEEP", 1)
    folder = snapshot.private_folder(cache)
    theirs = folder / ("0" * 64 + ".engine")
    theirs.write_bytes(b"someone else's")
    os.utime(theirs, (0, 0))
    _chown_or_skip(theirs)
    for i in range(2):
        overlay = tmp_path / f"o{i}.trig"
        overlay.write_bytes(OVERLAY.read_bytes() + f"\n# {i}\n".encode())
        snapshot.compiled_engine((overlay,), (), TINY)
    assert theirs.exists(), "pruning removed a file this user did not write"
    assert len([p for p in folder.glob("*.engine") if p != theirs]) == 1


def test_an_unreadable_input_is_never_hashed_whole(tmp_path: Path) -> None:
    import os
    import signal

    fifo = tmp_path / "overlay.trig"
    os.mkfifo(fifo)
    signal.alarm(30)
    try:
        assert snapshot.input_key((fifo,), (), TINY) is None
        assert snapshot.input_key((Path("/dev/zero"),), ()) is None
        rules = tmp_path / "rules"
        rules.mkdir()
        os.mkfifo(rules / "pipe.yaml")
        assert snapshot.input_key((), (rules,), TINY) is None
    finally:
        signal.alarm(0)
