"""Every example in the documentation runs, and prints what the page says it prints.

The convention (docs/reference/cli.md, "Examples in these pages", states it for authors):

* Every fenced block whose language is ``console`` or ``python`` in ``docs/**/*.md`` and
  ``README.md`` is an example and runs here, unless the line right before its fence is an HTML
  comment ``<!-- test: skip REASON -->``.
* The blocks of one page run in order, in one scratch directory that holds a copy of
  ``examples/``, with ``HOME`` pointing at an empty directory and no
  ``CONTAINERS_REGISTRIES_CONF``; ``regresolve`` on ``PATH`` is this checkout's command and
  ``python`` is the interpreter running the tests (``sys.executable``), whatever the
  caller's ``PATH`` holds.
* ``console``: a line starting with ``$ `` is a command (a line ending in ``\\`` continues it,
  and so does a here-document, up to its delimiter line);
  the lines up to the next command are its expected output (stdout and stderr together),
  compared exactly after trailing spaces are stripped; a line ``...`` matches any number of
  lines.  A command must exit 0: show a failure as ``cmd || echo "exit status $?"``.
* ``python``: the blocks of a page share one namespace.  A block with ``>>>`` prompts is a
  doctest (its outputs are compared); any other block is executed and must not raise.
"""

from __future__ import annotations

import contextlib
import doctest
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})\s*(?P<lang>[\w+-]*)[^\n]*$")
SKIP = re.compile(r"^\s*<!--\s*test:\s*skip\b.*-->\s*$")
HEREDOC = re.compile(r"<<-?\s*(['\"]?)(?P<word>\w+)\1")
COMMAND_TIMEOUT = 120


class Block:
    """One fenced example: where it is, its language, its text."""

    def __init__(self, page: Path, line: int, lang: str, text: str, skip: bool) -> None:
        self.page = page
        self.line = line
        self.lang = lang
        self.text = text
        self.skip = skip

    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def extract_blocks(page: Path) -> list[Block]:
    """The fenced blocks of a Markdown page, in order (every language)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, lang, indent = m["fence"], m["lang"], len(m["indent"])
        skip = i > 0 and bool(SKIP.match(lines[i - 1]))
        start = i
        body: list[str] = []
        i += 1
        while i < len(lines) and not (
            lines[i].strip().startswith(fence[0] * len(fence))
            and lines[i].strip().strip(fence[0]) == ""
        ):
            body.append(lines[i][indent:] if lines[i][:indent].strip() == "" else lines[i])
            i += 1
        blocks.append(Block(page, start + 1, lang, "\n".join(body) + "\n", skip))
        i += 1
    return blocks


def pages() -> list[Path]:
    found = sorted((ROOT / "docs").rglob("*.md"))
    return [ROOT / "README.md", *found]


def examples(page: Path) -> list[Block]:
    return [b for b in extract_blocks(page) if b.lang in ("console", "python")]


PAGES_WITH_EXAMPLES = [p for p in pages() if any(not b.skip for b in examples(p))]


def parse_console(text: str) -> list[tuple[str, list[str]]]:
    """``[(command, expected output lines), ...]`` of a console block."""
    steps: list[tuple[str, list[str]]] = []
    lines = text.rstrip("\n").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.startswith("$ "):
            raise AssertionError(f"output before any command: {line!r}")
        command = line[2:]
        while command.endswith("\\") and i + 1 < len(lines):
            i += 1
            command = command + "\n" + lines[i]  # bash reads the backslash-newline
        heredoc = HEREDOC.search(command)
        if heredoc:
            # The document's lines belong to the command, up to the delimiter line.
            while i + 1 < len(lines):
                i += 1
                command += "\n" + lines[i]
                if lines[i] == heredoc["word"]:
                    break
        i += 1
        expected: list[str] = []
        while i < len(lines) and not lines[i].startswith("$ "):
            expected.append(lines[i])
            i += 1
        steps.append((command, expected))
    return steps


def output_matches(expected: list[str], actual: list[str]) -> bool:
    """Exact line match where a ``...`` line stands for any number of lines."""
    exp = [e.rstrip() for e in expected]
    act = [a.rstrip() for a in actual]
    # Trailing blank lines do not matter on either side.
    while exp and not exp[-1]:
        exp.pop()
    while act and not act[-1]:
        act.pop()

    def match(i: int, j: int) -> bool:
        if i == len(exp):
            return j == len(act)
        if exp[i] == "...":
            return any(match(i + 1, k) for k in range(j, len(act) + 1))
        return j < len(act) and exp[i] == act[j] and match(i + 1, j + 1)

    return match(0, 0)


@pytest.fixture
def scratch(tmp_path: Path) -> dict[str, Any]:
    """A working directory with examples/, an empty HOME and this checkout's regresolve."""
    return make_scratch(tmp_path)


def make_scratch(tmp_path: Path) -> dict[str, Any]:
    """See :func:`scratch`."""
    work = tmp_path / "work"
    work.mkdir()
    shutil.copytree(ROOT / "examples", work / "examples")
    home = tmp_path / "home"
    home.mkdir()
    bindir = tmp_path / "bin"
    bindir.mkdir()
    # The commands a page runs are this interpreter's, whatever comes first on the caller's
    # PATH: ``regresolve`` is ``sys.executable -m regresolve`` and ``python`` is sys.executable.
    shims = {
        "regresolve": f'exec "{sys.executable}" -m regresolve "$@"',
        "python": f'exec "{sys.executable}" "$@"',
        "python3": f'exec "{sys.executable}" "$@"',
    }
    for name, line in shims.items():
        shim = bindir / name
        shim.write_text(f"#!/bin/sh\n{line}\n", encoding="utf-8")
        shim.chmod(0o755)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CONTAINERS_REGISTRIES_CONF", "REGISTRIES_CONFIG_PATH", "XDG_CACHE_HOME")
    }
    env["HOME"] = str(home)
    # The short-name alias cache below HOME too, not in the machine's /var/cache/containers.
    env["_CONTAINERS_ROOTLESS_UID"] = "1000"
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "src"), env.get("PYTHONPATH", "")) if p
    )
    env["COLUMNS"] = "100"
    env["LC_ALL"] = "C.UTF-8"
    return {"cwd": work, "env": env}


def stop_background(cwd: Path) -> None:
    """Stop what a page started in the background and recorded in a ``*.pid`` file."""
    for pidfile in cwd.glob("*.pid"):
        with contextlib.suppress(ValueError, ProcessLookupError, PermissionError):
            os.kill(int(pidfile.read_text().strip()), signal.SIGTERM)


def run_console(block: Block, scratch: dict[str, Any]) -> None:
    for command, expected in parse_console(block.text):
        proc = subprocess.run(
            ["bash", "-c", command],
            cwd=scratch["cwd"],
            env=scratch["env"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        actual = proc.stdout.split("\n")
        assert proc.returncode == 0, (
            f"{block.where()}: `{command}` exited {proc.returncode}:\n{proc.stdout}"
        )
        assert output_matches(expected, actual), (
            f"{block.where()}: `{command}` printed:\n{proc.stdout}\nexpected:\n"
            + "\n".join(expected)
        )


def run_python(block: Block, namespace: dict[str, Any], scratch: dict[str, Any]) -> None:
    old_cwd = Path.cwd()
    old_env = dict(os.environ)
    os.chdir(scratch["cwd"])
    os.environ.clear()
    os.environ.update(scratch["env"])
    try:
        if ">>> " in block.text:
            parser = doctest.DocTestParser()
            test = parser.get_doctest(block.text, namespace, block.where(), str(block.page), 0)
            runner = doctest.DocTestRunner(
                optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
            )
            out: list[str] = []
            runner.run(test, out=out.append, clear_globs=False)
            assert runner.failures == 0, f"{block.where()}:\n" + "".join(out)
        else:
            code = compile(block.text, block.where(), "exec")
            exec(code, namespace)
    finally:
        os.chdir(old_cwd)
        os.environ.clear()
        os.environ.update(old_env)


#: A page whose examples run more commands than this is in the slow lane: each command is a
#: new interpreter (about 0.3 s with regresolve's imports), and the long walk-throughs take
#: 1 to 6 s each.  The README's first screen stays in the quick lane.
QUICK_PAGE_COMMANDS = 5


def _command_count(page: Path) -> int:
    return sum(
        len(parse_console(b.text)) for b in examples(page) if not b.skip and b.lang == "console"
    )


def _page_param(page: Path) -> Any:
    slow = page != ROOT / "README.md" and _command_count(page) > QUICK_PAGE_COMMANDS
    return pytest.param(
        page, id=str(page.relative_to(ROOT)), marks=[pytest.mark.slow] if slow else []
    )


@pytest.mark.parametrize("page", [_page_param(p) for p in PAGES_WITH_EXAMPLES])
def test_page_examples_run(page: Path, scratch: dict[str, Any]) -> None:
    """Each page's console and python examples run in order and print what they show."""
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    ran = 0
    try:
        for block in examples(page):
            if block.skip:
                continue
            if block.lang == "console":
                run_console(block, scratch)
            else:
                run_python(block, namespace, scratch)
            ran += 1
    finally:
        stop_background(scratch["cwd"])

    assert ran > 0


def test_skipped_examples_give_a_reason() -> None:
    """A skipped example says why, so skipping stays the exception."""
    for page in pages():
        text = page.read_text(encoding="utf-8")
        for m in re.finditer(r"<!--\s*test:\s*skip\b(.*?)-->", text):
            assert m.group(1).strip(), f"{page}: <!-- test: skip --> without a reason"


def test_every_page_is_in_the_nav() -> None:
    """mkdocs.yml lists every page under docs/ and only pages that exist."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = set(re.findall(r":\s*([\w/.-]+\.md)\s*$", text, re.MULTILINE))
    on_disk = {str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.md")}

    assert nav - on_disk == set()
    assert on_disk - nav == set()


def test_readme_first_command(scratch: dict[str, Any]) -> None:
    """README's first set-up command: after the install, its regresolve part runs as shown."""
    first = next(b for b in examples(ROOT / "README.md") if b.lang == "console")
    [(command, expected)] = parse_console(first.text)
    prefix = "pip install -e . && "

    assert command.startswith(prefix + "regresolve explain --config examples/registries.conf ")
    proc = subprocess.run(
        ["bash", "-c", command.removeprefix(prefix)],
        cwd=scratch["cwd"],
        env=scratch["env"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "mirror.example.net/dockerhub" in proc.stdout
    assert output_matches(expected, proc.stdout.split("\n")), proc.stdout


# -- the harness itself -------------------------------------------------------------------------


def test_console_parsing_and_matching() -> None:
    """Commands, continuation lines and expected output are split as documented."""
    steps = parse_console("$ echo a \\\n  b\na b\n$ true\n$ cat <<'X'\n$ y\nX\n$ y\nX\n")

    assert steps == [
        ("echo a \\\n  b", ["a b"]),
        ("true", []),
        ("cat <<'X'\n$ y\nX", []),
        ("y", ["X"]),
    ]
    assert output_matches(["x", "...", "z"], ["x", "y1", "y2", "z"])
    assert output_matches(["x", "...", "z"], ["x", "z", ""])
    assert not output_matches(["x", "z"], ["x", "y", "z"])
    assert not output_matches(["x"], ["y"])


def test_scratch_commands_are_this_interpreters(scratch: dict[str, Any]) -> None:
    """``python`` and ``regresolve`` in an example do not depend on the caller's PATH."""
    env = dict(scratch["env"])
    env["PATH"] = env["PATH"].split(os.pathsep, 1)[0] + os.pathsep + "/usr/bin:/bin"
    proc = subprocess.run(
        ["bash", "-c", 'python -c "import sys; print(sys.executable)"; regresolve --help'],
        cwd=scratch["cwd"],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )

    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split("\n", 1)[0] == sys.executable


def test_fence_extraction(tmp_path: Path) -> None:
    """Languages, skip markers and indented fences are recognised."""
    page = tmp_path / "p.md"
    page.write_text(
        "text\n```python\nx = 1\n```\n<!-- test: skip needs a cluster -->\n"
        "```console\n$ kubectl get pods\n```\n  ```toml\n  a = 1\n  ```\n",
        encoding="utf-8",
    )
    blocks = extract_blocks(page)

    assert [(b.lang, b.skip, b.text) for b in blocks] == [
        ("python", False, "x = 1\n"),
        ("console", True, "$ kubectl get pods\n"),
        ("toml", False, "a = 1\n"),
    ]


# -- maintenance: python tests/test_docs.py --update docs/PAGE.md ... -------------------------


def _update(page: Path) -> None:
    """Rewrite the expected output of each console example of ``page`` with the real output.

    For authors only: review the diff, the tests never call this.  Blocks that use ``...``
    are left alone.
    """
    import tempfile

    lines = page.read_text(encoding="utf-8").split("\n")
    edits: list[tuple[int, int, list[str]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        env = make_scratch(Path(tmp))
        for block in examples(page):
            if block.skip or block.lang != "console":
                continue
            keep = any(line.strip() == "..." for line in block.text.split("\n"))
            new: list[str] = []
            for command, _ in parse_console(block.text):
                proc = subprocess.run(
                    ["bash", "-c", command],
                    cwd=env["cwd"],
                    env=env["env"],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    timeout=COMMAND_TIMEOUT,
                    check=False,
                )
                new.extend(("$ " + command).split("\n"))
                if proc.stdout.strip():
                    new.extend(proc.stdout.rstrip("\n").split("\n"))
            if not keep:
                start = block.line  # the fence's 1-based line = the body's 0-based index
                end = start + len(block.text.rstrip("\n").split("\n"))
                edits.append((start, end, new))
        stop_background(env["cwd"])
    for start, end, new in reversed(edits):
        lines[start:end] = new
    page.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] != "--update":
        raise SystemExit("usage: python tests/test_docs.py --update PAGE.md...")
    for arg in sys.argv[2:]:
        _update(Path(arg).resolve())
