"""The package's import layers, read from its source: imports run one way, and no cycle.

    cli -> diff, serve -> api -> lint, export -> render, engine -> checks -> rules -> policy -> kb -> results, errors

with ``text``, ``files``, ``paths``, ``yamlfile``, ``gcpause`` and ``about`` as leaf utilities any
layer may import (beside ``results`` and ``errors`` at the bottom). A module may import
modules of a lower layer, and modules of its own folder; never a higher layer. Imports
only a type checker reads (under ``if TYPE_CHECKING:``) are left out. An import placed
inside a function must say, on its line or the line above, that it keeps start-up fast.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

import selector

PACKAGE = Path(selector.__file__).resolve().parent

#: Each top-level name under selector/ and its layer: a module imports only from lower layers or its own.
RANK = {
    "selector": 12,  # the package's __init__: re-exports the API
    "__main__": 12,  # python -m selector
    "cli": 11,
    "diff": 10,
    "serve": 10,
    "api": 9,
    "lint": 8,
    "export": 8,
    "render": 7,
    "engine": 6,
    "checks": 5,
    "rules": 4,
    "policy": 3,
    "kb": 2,
    "results": 0,
    "errors": 0,
    "text": 0,
    "files": 0,
    "paths": 0,
    "yamlfile": 0,
    "gcpause": 0,
    "about": 0,
}


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "selector"


def _imports(path: Path) -> tuple[set[str], list[tuple[int, str]]]:
    """The selector modules a file imports when it runs, and the imports placed inside its functions."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    lines = source.splitlines()
    found: set[str] = set()
    inner: list[tuple[int, str]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            names: list[str] = []
            if isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                names = [f"{child.module}.{a.name}" for a in child.names]
            elif isinstance(child, ast.Import):
                names = [a.name for a in child.names]
            if isinstance(child, (ast.Import, ast.ImportFrom)) and in_function:
                # Its own line and the comment lines just above it.
                above = child.lineno - 2
                said = [lines[child.lineno - 1]]
                while above >= 0 and lines[above].strip().startswith("#"):
                    said.append(lines[above])
                    above -= 1
                inner.append((child.lineno, " ".join(said)))
            found.update(n for n in names if n == "selector" or n.startswith("selector."))
            visit(child, nested)

    visit(tree, False)
    return found, inner


def _graph() -> nx.DiGraph:
    modules = {_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = nx.DiGraph()
    for name, path in modules.items():
        graph.add_node(name)
        for target in _imports(path)[0]:
            # "from selector.kb import lengths" names a module; "from selector.kb.facts import Fact" a name in one.
            while target not in modules and "." in target:
                target = target.rsplit(".", 1)[0]
            if target != name and target in modules:
                graph.add_edge(name, target)
    return graph


def test_every_top_level_name_has_a_layer() -> None:
    assert {_top(n) for n in _graph().nodes} <= set(RANK)


def test_imports_run_one_way() -> None:
    wrong = []
    for source, target in _graph().edges:
        a, b = _top(source), _top(target)
        if a != b and not RANK[a] > RANK[b] and not (RANK[a] == RANK[b] == 0):
            wrong.append(f"{source} -> {target}")
    assert not wrong, "imports against the layers: " + ", ".join(sorted(wrong))


def test_no_import_cycle() -> None:
    cycles = list(nx.simple_cycles(_graph()))
    assert not cycles, cycles


def test_imports_inside_functions_say_they_keep_start_up_fast() -> None:
    unexplained = []
    for path in PACKAGE.rglob("*.py"):
        for line, text in _imports(path)[1]:
            if "start-up" not in text:
                unexplained.append(f"{path.relative_to(PACKAGE.parent)}:{line}")
    assert not unexplained, unexplained


def test_no_module_is_over_400_lines() -> None:
    long = {str(p.relative_to(PACKAGE.parent)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert not long, long


def test_a_check_kind_is_named_only_in_its_own_module() -> None:
    """Adding a kind touches one module under checks/ (and the list in checks/__init__.py): nothing else names it."""
    from selector.checks import KINDS

    for name, kind in KINDS.items():
        home = Path(kind.check.__code__.co_filename).resolve()
        assert home.parent == PACKAGE / "checks", name
        for path in PACKAGE.rglob("*.py"):
            if path.resolve() != home:
                assert f'"{name}"' not in path.read_text(encoding="utf-8"), f"{path} names the kind {name}"
