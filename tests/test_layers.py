"""The imports of ``skillwiki_sdk`` form a tree (STYLE.md, habit 11): no cycle, not even
through an import inside a function; the library never imports the command line; and
a name used across modules is public in the module that owns it."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "skillwiki_sdk"
# The command line: it may import the library, never the other way round.
CLI = ("skillwiki_sdk.cli", "skillwiki_sdk.__main__", "skillwiki_sdk.commands")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _graph() -> tuple[dict[str, set[str]], list[tuple[str, str, str]]]:
    """module → the skillwiki_sdk modules it imports (anywhere in its code), and
    (module, imported module, name) of every private name imported from another module."""
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    edges: dict[str, set[str]] = {name: set() for name in modules}
    private: list[tuple[str, str, str]] = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in modules:
                targets = [node.value]  # importlib.import_module("skillwiki_sdk.checks.atoms"), DEFAULT_PLUGINS
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(name, is_package, node)
                targets = []
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    if full in modules:
                        targets.append(full)  # a submodule
                    else:
                        targets.append(base)
                        dunder = alias.name.startswith("__") and alias.name.endswith("__")
                        if (
                            alias.name.startswith("_")
                            and not dunder
                            and base != name
                            and base.startswith("skillwiki_sdk")
                        ):
                            private.append((name, base, alias.name))
            else:
                continue
            for target in targets:
                if target in modules and target != name:
                    edges[name].add(target)
    return edges, private


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                found.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return found


def test_the_import_graph_has_no_cycle() -> None:
    edges, _ = _graph()
    # the package's lazy surface (skillwiki_sdk/__init__.py) imports nothing at import time
    edges["skillwiki_sdk"] = set()
    assert _cycles(edges) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c", "a"]]


def test_the_library_never_imports_the_command_line() -> None:
    edges, _ = _graph()
    library = [name for name in edges if not name.startswith(CLI)]
    assert {
        name: sorted(t for t in edges[name] if t.startswith(CLI))
        for name in library
        if any(t.startswith(CLI) for t in edges[name])
    } == {}


def test_no_private_name_is_imported_from_another_module() -> None:
    _, private = _graph()
    assert private == []


def test_the_library_has_no_process_wide_side_effects_in_its_source() -> None:
    """What only the command line may do: fork, start processes or threads, signals
    and timers, fd redirection, gc switches, exiting, printing. (Building runs a
    build backend in processes: it is the command's, in ``commands/_build.py``.)"""
    forbidden = (
        "os.fork",
        "signal.",
        "setitimer",
        "os.dup2",
        "gc.disable",
        "gc.freeze",
        "gc.set_threshold",
        "sys.exit(",
        "os._exit",
        "print(",
        "threading.Thread",
        "subprocess.",
        "multiprocessing",
        "ProcessPoolExecutor",
    )
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        name = _module_name(path)
        if name.startswith(CLI):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Call, ast.Attribute)):
                text = ast.unparse(node)
                hits = [
                    word
                    for word in forbidden
                    if text.startswith(word)
                    or (word.endswith("(") and isinstance(node, ast.Call) and text.startswith(word))
                ]
                if hits:
                    offenders.append((name, node.lineno, text[:60]))
    assert offenders == []
