"""A cache of the compiled engine, keyed by the content of every input, so a command starts fast.

The key is a digest of the selector code, the ontology and knowledge-base files, the
overlays and the rule files, byte for byte: any change gives a new key and a fresh
compile. Set ``SELECTOR_CACHE_DIR`` to choose the folder, or to ``off`` to disable the cache.

Cache files are pickles, and unpickling runs code, so an entry is loaded only when
this user wrote it. Three checks, each enough on its own against another user:

* the folder: this user's own, not a symlink, writable by no one else. When the
  configured folder is shared (a CI cache, ``/tmp``), a private folder
  ``selector-<uid>`` is made inside it (mode 0700) and checked the same way;
* the file: a regular file (a FIFO or device is skipped unread: it is opened
  non-blocking and checked again once open), owned by this user, writable by no one
  else, opened without following a symlink;
* the content: an HMAC-SHA256 of the key and the payload under a per-user secret
  kept in the folder (mode 0600), so a file this user did not write, even a genuine
  engine compiled from other inputs and renamed, fails the tag and is rebuilt.

Whatever fails a check is ignored and rebuilt, never trusted, and pruning old entries
removes only regular files this user owns.

The engine lives as long as the process, so once it is read or compiled here every
object then alive is moved out of the cyclic garbage collector's sight
(``gc.freeze()``): later collections do not scan millions of objects again.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import io
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path
from typing import Sequence

from rdflib import URIRef

from selector.checks import KINDS
from selector.engine import Engine
from selector.errors import UsageError
from selector.files import read_bounded
from selector.gcpause import collector_paused
from selector.kb.load import load_knowledge_base
from selector.kb.namespaces import namespace_term
from selector.paths import ontology_dir, rules_dir
from selector.rules import load_rules

FORMAT = b"selector-engine-3"
_KEEP = 8
_PACKAGE = Path(__file__).resolve().parent.parent
_SECRET = ".secret"
_TAG_BYTES = 32
#: Largest input hashed for the key (the loaders refuse larger files anyway).
MAX_INPUT_BYTES = 50 * 1024 * 1024
#: Largest cache file read back.
MAX_ENGINE_BYTES = 2 * 1024 * 1024 * 1024


def cache_dir() -> Path | None:
    """The configured cache folder (before the safety checks), or None when caching is off."""
    chosen = os.environ.get("SELECTOR_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "none") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home folder to be found: run uncached
            return None
    return Path(base) / "selector"


def _uid() -> int | None:
    geteuid = getattr(os, "geteuid", None)
    return geteuid() if geteuid is not None else None


def _private(info: os.stat_result, uid: int) -> bool:
    """Owned by this user and writable by no one else."""
    return info.st_uid == uid and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _safe_folder(path: Path, uid: int) -> bool:
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and _private(info, uid)


def private_folder(base: Path) -> Path | None:
    """The folder this user's engines live in.

    ``base`` when it is private to this user, else ``base/selector-<uid>`` (made 0700); None when neither is
    safe or none can be made.
    """
    uid = _uid()
    if uid is None:
        return None
    try:
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    if _safe_folder(base, uid):
        return base
    own = base / f"selector-{uid}"
    try:
        own.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    return own if _safe_folder(own, uid) else None


def _open_own(path: Path, limit: int) -> bytes | None:
    """The bytes of a regular file this user owns and no one else may write, else None (never blocks)."""
    uid = _uid()
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or uid is None or not _private(info, uid) or info.st_size > limit:
            return None
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode) or not _private(opened, uid) or opened.st_size > limit:
            return None
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 24)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def _secret(folder: Path) -> bytes | None:
    """This user's cache secret (made on first use), or None when it cannot be trusted."""
    path = folder / _SECRET
    found = _open_own(path, 64)
    if found is not None:
        return found if len(found) == 32 and not os.lstat(path).st_mode & 0o077 else None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError:
        return None
    try:
        os.write(fd, os.urandom(32))
    finally:
        os.close(fd)
    found = _open_own(path, 64)
    return found if found is not None and len(found) == 32 else None


def input_key(
    overlays: Sequence[Path], rules_dirs: Sequence[Path], base_dir: Path | None = None, published: str | None = None
) -> str | None:
    """The digest of every input the engine is compiled from, or None if one cannot be read.

    An input that is not a regular file, or is larger than the loaders accept, gives no
    key (and is never read whole): the loaders then report it as bad input. The
    ontology's files are named by their path inside the ontology folder (as the
    trails show them), so two folders with the same files give the same key.
    ``published`` is the identity of a knowledge base read from a SPARQL store (its
    publication record's fingerprint and content digest), which then stands for the files.
    """
    digest = hashlib.sha256(FORMAT + sys.version.encode())
    base = Path(base_dir) if base_dir is not None else ontology_dir()
    groups = [("code", sorted(_PACKAGE.rglob("*.py")) + sorted((_PACKAGE / "schemas").glob("*.json")))]
    if published is None:
        groups += [
            ("ontology", [base / "selector.ttl"] + sorted((base / "kb").rglob("*.trig"))),
            ("overlays", list(overlays)),
        ]
    else:
        digest.update(b"published" + published.encode("utf-8"))
    groups.append(("rules", sorted(rules_dir().glob("*.yaml"))))
    for folder in rules_dirs:
        groups.append(("extra-rules", sorted(Path(folder).glob("*.yaml"))))
    try:
        for group, paths in groups:
            digest.update(group.encode())
            for path in paths:
                data = read_bounded(Path(path), MAX_INPUT_BYTES)
                shown = f"{base.name}/{Path(path).relative_to(base).as_posix()}" if group == "ontology" else str(path)
                name = shown.encode()
                digest.update(len(name).to_bytes(8, "big") + name + len(data).to_bytes(8, "big") + data)
    except OSError:
        return None
    return digest.hexdigest()


def _tag(secret: bytes, key: str, payload: bytes) -> bytes:
    return hmac.new(secret, FORMAT + key.encode() + payload, hashlib.sha256).digest()


def read(folder: Path, key: str):
    """The engine cached under the key, or None when it is missing, damaged, or not written by this user."""
    secret = _secret(folder)
    if secret is None:
        return None
    blob = _open_own(folder / f"{key}.engine", MAX_ENGINE_BYTES)
    header = FORMAT + key.encode()
    if blob is None or not blob.startswith(header) or len(blob) < len(header) + _TAG_BYTES:
        return None
    tag, payload = blob[len(header): len(header) + _TAG_BYTES], blob[len(header) + _TAG_BYTES:]
    if not hmac.compare_digest(_tag(secret, key, payload), tag):
        return None
    try:
        with collector_paused():
            engine = pickle.loads(payload)
    except Exception:  # a corrupt or incompatible cache is rebuilt, whatever went wrong in it
        return None
    # The engine lives as long as the process: full collections need not scan it again.
    gc.freeze()
    return engine


def _uri(value: str):
    """Rebuild an IRI the engine already validated when it was compiled (skips re-validation).

    A namespace's own terms come back as the very objects ``SEL.model`` and the like
    return, as when the engine was compiled.
    """
    found = namespace_term(value)
    return found if found is not None else str.__new__(URIRef, value)


def _dumps(engine) -> bytes:
    class _Pickler(pickle.Pickler):
        def reducer_override(self, obj):
            if type(obj) is URIRef:
                return _uri, (str(obj),)
            return NotImplemented

    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(engine)
    return buffer.getvalue()


def write(folder: Path, key: str, engine) -> None:
    """Cache the engine under the key (atomically), keeping only this user's newest few; failures are ignored."""
    try:
        secret = _secret(folder)
        if secret is None:
            return
        payload = _dumps(engine)
        blob = FORMAT + key.encode() + _tag(secret, key, payload) + payload
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".engine-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(blob)
            os.replace(tmp, folder / f"{key}.engine")
        finally:
            Path(tmp).unlink(missing_ok=True)
        _prune(folder)
    except (OSError, pickle.PicklingError, RecursionError):
        return


def _prune(folder: Path) -> None:
    """Remove this user's oldest cached engines beyond the newest few; other files are never touched."""
    uid = _uid()
    own = []
    for entry in os.scandir(folder):
        if not entry.name.endswith(".engine"):
            continue
        info = entry.stat(follow_symlinks=False)
        if stat.S_ISREG(info.st_mode) and uid is not None and info.st_uid == uid:
            own.append((info.st_mtime, entry.name))
    for _, name in sorted(own, reverse=True)[_KEEP:]:
        (folder / name).unlink(missing_ok=True)


def compiled_engine(
    overlays: Sequence[Path], rules_dirs: Sequence[Path], base_dir: Path | None = None, endpoint: str | None = None
):
    """The engine for the shipped base plus overlays and rules: from the cache when it matches, else compiled.

    ``base_dir`` is another ontology folder to use as the base (an earlier revision of
    the shipped one, say). Bad input is reported exactly as an uncached load would
    report it, because a file that cannot be read gives no key and so goes through the
    normal loaders. With ``endpoint`` (a SPARQL server's URL), the knowledge base is the
    one ``selector kb publish`` wrote there (no overlays): its publication record is
    read on every call, and the statements only when no engine for that record is
    cached (a read checks them against the record's digest).
    """
    # Imported here, not at the top, to keep start-up fast: validation (and networkx)
    # is needed only when the engine is compiled, never when it comes from the cache.
    from selector.kb.validate import overlay_error

    record = None
    if endpoint is not None:
        # Imported here to keep start-up fast: only an endpoint needs the HTTP client and pyoxigraph.
        from selector.kb.endpoint import load_from_endpoint, publication_record

        if overlays:
            raise UsageError("--kb and --kb-endpoint cannot be combined",
                             hint="publish the overlays with the base: selector kb publish --endpoint URL --kb FILE")
        record = publication_record(endpoint)
    configured = cache_dir()
    folder = private_folder(configured) if configured is not None else None
    published = record.identity if record is not None else None
    key = input_key(overlays, rules_dirs, base_dir, published) if folder is not None else None
    if key is not None:
        loaded = _LOADED.get((str(folder), key))
        if loaded is not None and loaded[0] == _stamp(folder, key):
            return loaded[1]
        engine = read(folder, key)
        if isinstance(engine, Engine):
            _remember(folder, key, engine)
            return engine
    rules = load_rules(tuple(rules_dirs), kinds=KINDS)
    if endpoint is not None:
        knowledge_base = load_from_endpoint(endpoint, record=record)
    else:
        knowledge_base = load_knowledge_base(tuple(overlays), base_dir=base_dir)
    # Overlays read from a store are validated as overlays read from files are.
    problem = overlay_error(knowledge_base)
    if problem is not None:
        raise problem
    engine = Engine(knowledge_base, rules)
    if key is not None:
        write(folder, key, engine)
        _remember(folder, key, engine)
    # As for a snapshot: the engine lives as long as the process.
    gc.freeze()
    return engine


#: Engines this process loaded or compiled, by cache folder and key, with the cache file's stamp then: a
#: second request for the same inputs in one process (a test run, a server reload) reuses the engine
#: instead of reading the file again, as long as the file is the one that was verified.
_LOADED: dict[tuple[str, str], tuple[tuple[int, int, int] | None, Engine]] = {}


def _stamp(folder: Path, key: str) -> tuple[int, int, int] | None:
    """The cache file's inode, size and modification time (None when it is not there)."""
    try:
        found = os.stat(Path(folder) / f"{key}.engine")
    except OSError:
        return None
    return found.st_ino, found.st_size, found.st_mtime_ns


def _remember(folder: Path, key: str, engine: Engine) -> None:
    stamp = _stamp(folder, key)
    if stamp is None:
        return
    _LOADED[(str(folder), key)] = (stamp, engine)
    while len(_LOADED) > 4:
        _LOADED.pop(next(iter(_LOADED)))

