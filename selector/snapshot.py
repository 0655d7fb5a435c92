"""A cache of the compiled engine, keyed by the content of every input, so a command starts fast.

The key is a digest of the selector code, the ontology and knowledge-base files, the
overlays and the rule files, byte for byte: any change gives a new key and a fresh
compile. A cache file carries its key and a digest of its payload; one that does not
match, cannot be read or does not unpickle is ignored and rebuilt, never trusted.
Set ``SELECTOR_CACHE_DIR`` to choose the folder, or to ``off`` to disable the cache.
The folder must be writable only by its user: its files are unpickled.

The engine lives as long as the process, so once it is read or compiled here every
object then alive is moved out of the cyclic garbage collector's sight
(``gc.freeze()``): later collections do not scan millions of objects again.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Sequence

from rdflib import URIRef

from selector.gcpause import collector_paused
from selector.namespaces import namespace_term
from selector.paths import ontology_dir, rules_dir

FORMAT = b"selector-engine-2"
_KEEP = 8
_PACKAGE = Path(__file__).resolve().parent


def cache_dir() -> Path | None:
    """Where compiled engines are kept, or None when caching is off."""
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


def input_key(overlays: Sequence[Path], rules_dirs: Sequence[Path]) -> str | None:
    """The digest of every input the engine is compiled from, or None if one cannot be read."""
    digest = hashlib.sha256(FORMAT + sys.version.encode())
    groups = [
        ("code", sorted(_PACKAGE.rglob("*.py")) + sorted((_PACKAGE / "schemas").glob("*.json"))),
        ("ontology", [ontology_dir() / "selector.ttl"] + sorted((ontology_dir() / "kb").rglob("*.trig"))),
        ("overlays", list(overlays)),
        ("rules", sorted(rules_dir().glob("*.yaml"))),
    ]
    for folder in rules_dirs:
        groups.append(("extra-rules", sorted(Path(folder).glob("*.yaml"))))
    try:
        for group, paths in groups:
            digest.update(group.encode())
            for path in paths:
                data = Path(path).read_bytes()
                name = str(path).encode()
                digest.update(len(name).to_bytes(8, "big") + name + len(data).to_bytes(8, "big") + data)
    except OSError:
        return None
    return digest.hexdigest()


def read(folder: Path, key: str):
    """The engine cached under the key, or None when it is missing, corrupt or from other inputs."""
    path = folder / f"{key}.engine"
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    header = FORMAT + key.encode()
    if not blob.startswith(header) or len(blob) < len(header) + 32:
        return None
    check, payload = blob[len(header): len(header) + 32], blob[len(header) + 32:]
    if hashlib.sha256(payload).digest() != check:
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
    import io

    class _Pickler(pickle.Pickler):
        def reducer_override(self, obj):
            if type(obj) is URIRef:
                return _uri, (str(obj),)
            return NotImplemented

    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(engine)
    return buffer.getvalue()


def write(folder: Path, key: str, engine) -> None:
    """Cache the engine under the key (atomically), keeping only the newest few; failures are ignored."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        payload = _dumps(engine)
        blob = FORMAT + key.encode() + hashlib.sha256(payload).digest() + payload
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".engine-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(blob)
            os.replace(tmp, folder / f"{key}.engine")
        finally:
            Path(tmp).unlink(missing_ok=True)
        cached = sorted(folder.glob("*.engine"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in cached[_KEEP:]:
            old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, RecursionError):
        return


def compiled_engine(overlays: Sequence[Path], rules_dirs: Sequence[Path]):
    """The engine for the shipped base plus overlays and rules: from the cache when it matches, else compiled.

    Bad input is reported exactly as an uncached load would report it, because a
    file that cannot be read gives no key and so goes through the normal loaders.
    """
    from selector.checks import KINDS
    from selector.evaluate import Engine
    from selector.kb.load import load_knowledge_base
    from selector.rules import load_rules

    folder = cache_dir()
    key = input_key(overlays, rules_dirs) if folder is not None else None
    if key is not None:
        engine = read(folder, key)
        if isinstance(engine, Engine):
            return engine
    rules = load_rules(tuple(rules_dirs), kinds=KINDS)
    engine = Engine(load_knowledge_base(tuple(overlays)), rules)
    if key is not None:
        write(folder, key, engine)
    # As for a snapshot: the engine lives as long as the process.
    gc.freeze()
    return engine
