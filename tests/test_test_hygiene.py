"""Test hygiene: no module under tests/ or benchmarks/ imports a test module.

Shared helpers live in the one support package, ``tests/support/``.  Importing a test module
from elsewhere runs its module-level code twice under two names, couples unrelated lanes (a
corpus replay that needs an oracle test's helpers) and makes pytest collect its tests again
in the importer.  The check reads the source with :mod:`ast`, so it imports nothing.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TREES = (ROOT / "tests", ROOT / "benchmarks")
SKIP_DIRS = {"__pycache__", ".hypothesis", ".benchmarks", "build", "corpus", "data"}


def python_files() -> list[Path]:
    return sorted(
        p
        for tree in TREES
        for p in tree.rglob("*.py")
        if not SKIP_DIRS.intersection(p.relative_to(tree).parts[:-1])
    )


def is_test_module_name(name: str) -> bool:
    return name.startswith("test_") or name.endswith("_test") or name == "conftest"


def imported_names(source: str, filename: str) -> list[tuple[int, str]]:
    """``(line, dotted name)`` of every import in ``source``, ``from`` imports included."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            found.append((node.lineno, base))
            # ``from pkg import test_x`` imports a module too.
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
    return found


def imports_of_test_modules(source: str) -> list[str]:
    """The test modules that ``source`` imports (by any part of the dotted name)."""
    return [
        f"line {line}: {name}"
        for line, name in imported_names(source, "<source>")
        if any(is_test_module_name(part) for part in name.split("."))
    ]


@pytest.mark.parametrize("path", python_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_imports_a_test_module(path: Path) -> None:
    assert imports_of_test_modules(path.read_text(encoding="utf-8")) == []


def test_the_check_sees_test_module_imports() -> None:
    """The detector itself: each import form that reaches a test module is caught."""
    bad = [
        "import test_cli_oracle\n",
        "from test_plan_oracle import compare_with_answer\n",
        "from tests.test_reference import X\n",
        "from . import test_reference\n",
        "import conftest\n",
        "def f():\n    from test_config_oracle import FIXED\n",
    ]
    good = [
        "from support.oracle import Oracle\n",
        "import pytest\n",
        "from regresolve import parse_reference\n",
        "from support.fuzz_targets import TARGETS\n",
    ]

    missed = [src for src in bad if not imports_of_test_modules(src)]
    assert missed == []
    assert not any(imports_of_test_modules(src) for src in good)


def test_support_package_has_no_tests() -> None:
    """tests/support/ holds helpers only: pytest would not collect a test there anyway."""
    support = ROOT / "tests" / "support"
    assert (support / "__init__.py").is_file()
    assert not [p.name for p in support.glob("*.py") if is_test_module_name(p.stem)]
