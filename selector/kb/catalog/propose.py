"""A maintainer's helper: propose ``models.yaml`` entries for catalog ids no model lists yet.

Not used by the importer. It reads both catalogs, applies the current mapping, and
groups every in-scope chat entry whose id ``models.yaml`` does not list by a rough
normal form of the id (vendor namespace dropped, Bedrock and Fireworks spellings
undone, dates and serving suffixes removed). Each group is printed as a draft entry
with the ids, the providers that list them and the catalog's name for the model. The
drafts are proposals: a person decides every slug, merge and split before anything
goes into ``models.yaml``.

Run: ``python -m selector.kb.catalog.propose MODELS_DEV_DIR LITELLM_FILE``.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

from selector.kb.catalog import litellm, modelsdev
from selector.kb.catalog.apply import apply_mapping
from selector.kb.catalog.mapping import Mapping, Unmapped, load_mapping
from selector.paths import ontology_dir

_VENDOR_DOT = re.compile(
    r"^(anthropic|amazon|meta|mistral|deepseek|qwen|openai|cohere|moonshot|moonshotai|zai|"
    r"google|minimax|nvidia|writer|xai|ai21|twelvelabs)\."
)
_SUFFIXES = re.compile(
    r"(-instruct|-it|-maas|-fast|-basic|-tput|-fp8|-fp4|-\d{8}|-\d{4}-\d{2}-\d{2})$"
)


def rough_key(lookup_id: str) -> str:
    """A rough normal form of a model id, only for grouping ids a person then reviews."""
    text = lookup_id.lower()
    text = text.rsplit("/", 1)[-1]
    text = _VENDOR_DOT.sub("", text)
    text = re.sub(r"(\d)p(\d)", r"\1.\2", text)
    text = re.sub(r"(\d)_(\d)", r"\1.\2", text)
    text = re.sub(r"^meta-(llama)", r"\1", text)
    text = re.sub(r"^llama(\d)-(\d)-", r"llama-\1.\2-", text)
    text = re.sub(r"^llama-?v?(\d)(\.\d)?-", lambda m: f"llama-{m.group(1)}{m.group(2) or ''}-", text)
    text = re.sub(r"^claude-(\d)-(\d)-(sonnet|opus|haiku)", r"claude-\3-\1-\2", text)
    text = re.sub(r"^claude-(sonnet|opus|haiku)(\d)", r"claude-\1-\2", text)
    text = re.sub(r"(\d)-(\d{1,2})(?=$|-[a-z])", r"\1.\2", text)
    previous = None
    while previous != text:
        previous = text
        text = _SUFFIXES.sub("", text)
    return text


def _entries(mapping: dict[str, Mapping], records: dict) -> dict[str, list[tuple[str, str, str, str]]]:
    groups: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    for catalog, items in records.items():
        for record in items:
            result = apply_mapping(mapping[catalog], record)
            if isinstance(result, Unmapped) and result.reason == "model-unknown":
                lookup = result.why.split("'")[1] if "'" in result.why else record.model_id
                groups[rough_key(lookup)].append((catalog, record.provider or f"lab:{record.lab}", lookup, record.name or ""))
    return groups


def main(argv: list[str]) -> int:
    """Print draft models.yaml entries for the unmapped ids of the two catalogs given."""
    folder = ontology_dir() / "catalog-map"
    mapping = {name: load_mapping(folder, name) for name in ("models.dev", "litellm")}
    records = {
        "models.dev": modelsdev.read_snapshot(Path(argv[0])),
        "litellm": litellm.read_file(Path(argv[1])),
    }
    groups = _entries(mapping, records)
    for key in sorted(groups):
        rows = groups[key]
        ids = sorted({lookup for _, _, lookup, _ in rows})
        names = sorted({name for _, _, _, name in rows if name})
        where = sorted({f"{c[:2]}:{p}" for c, p, _, _ in rows})
        print(f"  {key}:  # {'; '.join(names)[:100]}")
        print(f"    # {' '.join(where)[:300]}")
        print(f"    ids: [{', '.join(ids)}]")
    print(f"# {len(groups)} groups", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
