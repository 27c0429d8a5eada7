"""Nothing in the code base needs a Python newer than 3.9, the oldest one supported.

CI runs the default test lane on every supported version, and mypy on Python 3.9 checks
``src/`` against 3.9's standard library; but tests outside the default lane (oracle, slow,
property) and code paths no test reaches on 3.9 would only fail there.  So every Python file
of the project is parsed as Python 3.9 (no ``match``, no parenthesized context managers, no
``except*``), and the call sites and imports of the newer features most often written by
habit are refused: ``zip(..., strict=...)`` (use ``support.pycompat.strict_zip`` in tests),
``itertools.pairwise``, ``tomllib``, ``enum.StrEnum``, ``datetime.UTC``, ``typing.Self`` and
friends outside ``TYPE_CHECKING``, ``asyncio.timeout`` / ``TaskGroup``, ``int.bit_count``,
``ExceptionGroup``.

The end-to-end lane (``tests/e2e`` and its ``tests/support/e2e_*`` helpers) runs on the main
interpreter only (3.11) and may use them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("src", "tests", "benchmarks", "tools", "examples")
SKIP_PARTS = {"build", "__pycache__", ".hypothesis", "e2e"}
#: Runs on the main interpreter only (see the module docstring).
MAIN_INTERPRETER_ONLY = ("tests/support/e2e_",)

NEWER_MODULES = {"tomllib": "3.11"}
NEWER_NAMES = {
    ("itertools", "pairwise"): "3.10",
    ("enum", "StrEnum"): "3.11",
    ("enum", "ReprEnum"): "3.11",
    ("datetime", "UTC"): "3.11",
    ("asyncio", "timeout"): "3.11",
    ("asyncio", "TaskGroup"): "3.11",
    ("contextlib", "chdir"): "3.11",
    ("typing", "Self"): "3.11",
    ("typing", "TypeAlias"): "3.10",
    ("typing", "ParamSpec"): "3.10",
    ("typing", "Concatenate"): "3.10",
    ("typing", "TypeGuard"): "3.10",
    ("typing", "Never"): "3.11",
    ("typing", "LiteralString"): "3.11",
    ("typing", "assert_never"): "3.11",
    ("typing", "NotRequired"): "3.11",
    ("typing", "Required"): "3.11",
    ("typing", "Unpack"): "3.11",
    ("typing", "override"): "3.12",
}
NEWER_BUILTINS = {"ExceptionGroup": "3.11", "BaseExceptionGroup": "3.11", "aiter": "3.10"}
NEWER_METHODS = {"bit_count": "3.10"}


def _files() -> list[Path]:
    out = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if SKIP_PARTS & set(rel.parts[:-1]) or rel.as_posix().startswith(MAIN_INTERPRETER_ONLY):
                continue
            out.append(path)
    return out


def _type_checking_lines(tree: ast.Module) -> set[int]:
    """Lines inside ``if TYPE_CHECKING:`` blocks (never run)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
            if name == "TYPE_CHECKING":
                for child in node.body:
                    for sub in ast.walk(child):
                        if hasattr(sub, "lineno"):
                            lines.add(sub.lineno)
    return lines


def _problems(path: Path) -> list[str]:
    return _problems_in(path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8"))


def _problems_in(rel: str, text: str) -> list[str]:
    """What in ``text`` (the file ``rel``) needs a Python newer than 3.9."""
    try:
        tree = ast.parse(text, filename=rel, feature_version=(3, 9))
    except SyntaxError as e:
        return [f"{rel}:{e.lineno}: not Python 3.9 syntax: {e.msg}"]
    hidden = _type_checking_lines(tree)
    out = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if line in hidden:
            continue
        where = f"{rel}:{line}"
        if isinstance(node, ast.Call):
            func = node.func
            strict = any(k.arg == "strict" for k in node.keywords)
            if isinstance(func, ast.Name) and func.id in ("zip", "map") and strict:
                out.append(f"{where}: {func.id}(strict=) needs Python 3.10")
            if isinstance(func, ast.Attribute) and func.attr in NEWER_METHODS:
                out.append(f"{where}: .{func.attr}() needs Python {NEWER_METHODS[func.attr]}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in NEWER_MODULES:
                    out.append(f"{where}: {alias.name} needs Python {NEWER_MODULES[alias.name]}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module in NEWER_MODULES:
                out.append(f"{where}: {node.module} needs Python {NEWER_MODULES[node.module]}")
            for alias in node.names:
                version = NEWER_NAMES.get((node.module, alias.name))
                if version:
                    out.append(f"{where}: {node.module}.{alias.name} needs Python {version}")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            version = NEWER_NAMES.get((node.value.id, node.attr))
            if version:
                out.append(f"{where}: {node.value.id}.{node.attr} needs Python {version}")
        elif isinstance(node, ast.Name) and node.id in NEWER_BUILTINS:
            out.append(f"{where}: {node.id} needs Python {NEWER_BUILTINS[node.id]}")
    return out


def test_every_file_is_python_39() -> None:
    files = _files()
    assert len(files) > 100
    problems = [p for path in files for p in _problems(path)]
    assert problems == []


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("for a, b in zip(x, y, strict=True): pass", "zip(strict=) needs Python 3.10"),
        ("import itertools\nitertools.pairwise(x)", "itertools.pairwise needs Python 3.10"),
        ("from enum import StrEnum", "enum.StrEnum needs Python 3.11"),
        ("import tomllib", "tomllib needs Python 3.11"),
        ("match x:\n    case 1: pass", "not Python 3.9 syntax"),
        ("n = (5).bit_count()", ".bit_count() needs Python 3.10"),
        ("raise ExceptionGroup('x', [])", "ExceptionGroup needs Python 3.11"),
    ],
)
def test_the_check_finds_newer_features(source: str, found: str) -> None:
    problems = _problems_in("probe.py", source + "\n")
    assert any(found in p for p in problems), problems


def test_type_checking_imports_are_allowed() -> None:
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from typing import Self\n"
    assert _problems_in("probe.py", source) == []
