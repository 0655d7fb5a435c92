"""What one server serves: the compiled engine and the policy folder, loaded whole and swapped as one reference."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from selector.api import Selector
from selector.errors import PolicyError, UsageError
from selector.policy import Policy
from selector.policy.vocabulary import closest

#: The file endings a policy in the served folder may have.
POLICY_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Sources:
    """Where the served state is read from: the policy folder, overlays and rule folders (read again on reload)."""

    constraints_dir: Path
    kb: tuple[Path, ...] = ()
    rules: tuple[Path, ...] = ()
    endpoint: str | None = None
    """A SPARQL server's URL to read the knowledge base from (``selector kb publish``), instead of the files."""


@dataclass(frozen=True)
class ServedState:
    """One complete, immutable generation of what is served; a reload builds a new one and swaps the reference.

    Requests take the current generation once, when they start, and finish on it even if
    a reload swaps in another meanwhile.
    """

    selector: Selector
    policies: Mapping[str, Policy]
    files: Mapping[str, str]
    generation: int = 1

    @property
    def kb_fingerprint(self) -> str:
        """The knowledge base's fingerprint (the one ``selector kb stats`` shows)."""
        return self.selector.engine.kb_fingerprint

    @property
    def rules_fingerprint(self) -> str:
        """The rules' fingerprint."""
        return self.selector.engine.rules_fingerprint

    def policy(self, name: str) -> Policy:
        """The folder's policy of that name (its file name without extension); UsageError naming the closest."""
        found = self.policies.get(name)
        if found is None:
            suggestion = closest(name, self.policies)
            hint = f"did you mean '{suggestion}'?" if suggestion else "list them with GET /v1/policies"
            raise UsageError(f"unknown policy '{name}'", key="policy", hint=hint)
        return found

    def summary(self) -> dict:
        """Names, files and fingerprints of what is served, as ``GET /v1/policies`` answers."""
        return {
            "policies": [
                {"name": name, "file": self.files[name], "fingerprint": self.policies[name].fingerprint}
                for name in sorted(self.policies)
            ],
            "knowledge_base": {"fingerprint": self.kb_fingerprint, "layers": list(self.selector.engine.layers)},
            "rules_fingerprint": self.rules_fingerprint,
            "generation": self.generation,
        }


def load_state(sources: Sources, generation: int = 1) -> ServedState:
    """Compile (or load from the cache) the engine, then read and check every policy in the folder.

    The first problem raises its one-line SelectorError; nothing half-built is returned.
    """
    folder = sources.constraints_dir
    if not folder.is_dir():
        raise UsageError("not a folder of policy files", file=folder, key="--constraints-dir",
                         hint="give a folder holding policy files (*.yaml)")
    selector = Selector(overlays=sources.kb, rules_dirs=sources.rules, endpoint=sources.endpoint)
    policies: dict[str, Policy] = {}
    files: dict[str, str] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix not in POLICY_SUFFIXES or not path.is_file() or path.name.startswith("."):
            continue
        if path.stem in policies:
            raise PolicyError(f"two policy files are named '{path.stem}'", file=path,
                              hint=f"rename one of {files[path.stem]} and {path.name}")
        policies[path.stem] = selector.load_policy(path)
        files[path.stem] = path.name
    return ServedState(selector, MappingProxyType(policies), MappingProxyType(files), generation)
