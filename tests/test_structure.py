"""The shape of the package: one-way imports, no CLI in the library, small modules, one core.

These guard the restructuring of issue 11 (docs/architecture.md): the import graph of
``src/regresolve`` has no cycle (module-level and deferred imports alike), nothing but
``__main__`` imports the command line, no module grows past 600 lines, and the rules that
exist once (Go's quoting, the TOML decoder, the matcher) are not written a second time.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "regresolve"
MAX_LINES = 600


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    """Every regresolve module ``path`` imports, anywhere in the file (deferred ones too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from regresolve import _files`` imports the submodule, not just the package.
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            if target in known and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(path, name, known) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` (as a path that ends where it starts), or None."""
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_cycle_finder_finds_a_planted_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_import_walker_sees_deferred_and_relative_imports(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    mod = pkg / "m.py"
    mod.write_text(
        "def f():\n    from pkg import other\n    import pkg.third\nfrom . import fourth\n",
        encoding="utf-8",
    )
    found = _imports(mod, "pkg.m", {"pkg", "pkg.other", "pkg.third", "pkg.fourth"})
    assert found == {"pkg", "pkg.other", "pkg.third", "pkg.fourth"}


def test_no_import_cycles() -> None:
    graph = import_graph()
    # The package __init__ re-exports everything; importing it from a submodule would make
    # every module depend on every other one, so that alone is a cycle worth naming.
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_only_main_imports_the_cli() -> None:
    offenders = sorted(
        name
        for name, deps in import_graph().items()
        if "regresolve._cli" in deps and name != "regresolve.__main__"
    )
    assert offenders == []


def test_modules_stay_small() -> None:
    sizes = {
        name: len(path.read_text(encoding="utf-8").splitlines())
        for name, path in _modules().items()
    }
    assert {n: s for n, s in sizes.items() if s > MAX_LINES} == {}


@pytest.mark.parametrize("module", ["regresolve", "regresolve.webhook", "regresolve.imageplan"])
def test_library_modules_do_not_load_the_command_line(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "bad = sorted(m for m in ('argparse', 'regresolve._cli') if m in sys.modules)\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == ""


def _defined_functions(name: str) -> list[str]:
    return sorted(
        mod
        for mod, path in _modules().items()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and node.name.lstrip("_") == name
    )


@pytest.mark.parametrize(
    ("function", "home"),
    [
        ("go_quote", "regresolve._gotext"),
        ("go_key", "regresolve._gotext"),
        ("fold", "regresolve._gotext"),
        ("toml_quote", "regresolve._gotext"),
        ("go_lower", "regresolve._gotext"),
        ("decode_conf", "regresolve.openshift._registries"),
    ],
)
def test_one_definition_of_each_rule(function: str, home: str) -> None:
    assert _defined_functions(function) == [home]


def test_no_module_uses_tomllib() -> None:
    """TOML is decoded by regresolve._tomldecode (BurntSushi/toml 1.4.0's behaviour); the
    standard library's tomllib (Python >= 3.11) is not needed."""
    users = sorted(name for name, deps in _raw_stdlib_imports().items() if "tomllib" in deps)
    assert users == []


def _raw_stdlib_imports() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for name, path in _modules().items():
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
        out[name] = names
    return out
