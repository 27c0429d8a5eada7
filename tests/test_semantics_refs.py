"""Every rule identifier cited in the repository resolves to an anchor in docs/semantics.md.

Code, tests and docs cite the rules of docs/semantics.md: ``# SPEC R-MATCH-4``, a sub-rule
``R-CONF-6.5``, a range ``R-CONF-6..9``, a list ``R-SN-7/8`` or ``R-LOAD-1/2/9``, a family
``R-SN`` or ``R-SN-*``, and the OpenShift rules ``V7`` or ranges ``E1-E7``.  The scan covers
``src/``, ``tests/``, ``docs/``, ``benchmarks/``, ``examples/``, ``README.md`` and
``DEVELOPING.md``; it reads every text file there except build output, caches and the
machine-generated corpora (``tests/corpus``, ``tests/fuzz/corpus``: data, not citations).

In Python files only comments and string literals are read, so a variable named ``V1`` is not
a citation; ``noqa: E402``-style codes are ignored everywhere.  The anchor of an identifier is
the identifier in lower case with ``.`` turned into ``-`` (``R-CONF-6.5`` -> ``#r-conf-6-5``,
``R-SN`` -> ``#r-sn``, ``V7`` -> ``#v7``); semantics.md gives it with an ``attr_list`` heading
id, ``### R-CONF-6.5: ... {#r-conf-6-5}``.
"""

from __future__ import annotations

import io
import os
import re
import tokenize
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from support.pycompat import strict_zip

ROOT = Path(__file__).resolve().parent.parent
SEMANTICS = ROOT / "docs" / "semantics.md"
SCANNED = ("src", "tests", "docs", "benchmarks", "examples", "README.md", "DEVELOPING.md")
# Directory names never entered (besides hidden ones): build output and caches.
SKIP_DIR_NAMES = frozenset({"__pycache__", "build", "dist", "site", "node_modules"})
# Machine-generated corpora: random tokens there (" E5 ") are data, not citations.
SKIP_DIRS = frozenset({ROOT / "tests" / "corpus", ROOT / "tests" / "fuzz" / "corpus"})

FAMILIES = ("REF", "CONF", "MATCH", "RW", "PULL", "LOAD", "SN", "V1")
_DASH = "[-\u2011]"  # the spec's text also uses U+2011 (non-breaking hyphen)
_NUMBER = r"\d+(?:\.\d+)?"
#: ``R-FAMILY``, ``R-FAMILY-*``, ``R-FAMILY-N``, ``-N.M``, ``-N..M``, ``-N/M/K``.
#: The part after the family is atomic (``(?>...)``, written as a lookahead and a
#: back-reference for Python < 3.11): ``R-REF-1x`` cites ``R-REF``, never ``R-REF-1``.
R_CITATION = re.compile(
    rf"(?<![\w\-\u2011])R{_DASH}(?P<family>{'|'.join(FAMILIES)})"
    rf"(?:(?=(?P<rest>{_DASH}(?:(?P<star>\*)|(?P<numbers>{_NUMBER}(?:(?:\.\.|/){_NUMBER})*))))"
    r"(?P=rest))?"
    r"(?![\w])"
)
#: The OpenShift rules: ``V1``...``V7``, ``M1``-``M5``, ``E1``-``E7``, ``Q1``-``Q4``,
#: ``P1``-``P6``, and ranges with the same letter (``V1-V4``).  Not after ``R-`` (``R-V1``),
#: a word character, or a path/host character.
OS_CITATION = re.compile(
    r"(?<![\w./:@\-\u2011])(?P<letter>[VMEPQ])(?P<first>[1-9])"
    r"(?:[-\u2011\u2013](?P=letter)(?P<last>[1-9]))?(?![\w])"
)
#: Linter codes after a noqa marker (E402, E501, ...) look like OpenShift rules.
NOQA = re.compile(r"noqa(?::\s*[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)?")
#: An ``attr_list`` heading id: ``### Title {#anchor}``.
ANCHORED_HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<title>.*?)\s*\{#(?P<id>[^}\s]+)\}\s*$")
HEADING = re.compile(r"^#{1,6}\s")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


class Citation(NamedTuple):
    """One citation: where it is, how it is written, the identifiers it stands for."""

    path: str
    line: int
    text: str
    rules: tuple[str, ...]


def anchor_of(rule: str) -> str:
    """``R-CONF-6.5`` -> ``r-conf-6-5``; ``V7`` -> ``v7``."""
    return rule.lower().replace(".", "-")


def _expand_numbers(numbers: str) -> list[str]:
    """``6..9`` -> 6 7 8 9; ``1/2/9`` -> 1 2 9; ``6.5`` -> 6.5 (ranges of whole numbers)."""
    parts = re.split(r"(\.\.|/)", numbers)
    out = [parts[0]]
    for sep, value in strict_zip(parts[1::2], parts[2::2]):
        prev = out[-1]
        if sep == ".." and prev.isdigit() and value.isdigit() and int(prev) < int(value):
            out.extend(str(n) for n in range(int(prev) + 1, int(value) + 1))
        else:
            out.append(value)
    return out


def citations_in_line(line: str) -> Iterator[tuple[str, tuple[str, ...]]]:
    """(text as written, expanded identifiers) for every citation in one line."""
    line = NOQA.sub("", line)
    for m in R_CITATION.finditer(line):
        family = f"R-{m['family']}"
        if m["numbers"] is None:  # bare family or R-FAMILY-*
            yield m[0], (family,)
        else:
            yield m[0], tuple(f"{family}-{n}" for n in _expand_numbers(m["numbers"]))
    for m in OS_CITATION.finditer(line):
        letter, first = m["letter"], int(m["first"])
        last = int(m["last"]) if m["last"] else first
        yield m[0], tuple(f"{letter}{n}" for n in range(first, max(first, last) + 1))


def _python_prose(source: str) -> Iterator[tuple[int, str]]:
    """(line number, text) of the comments and string literals of Python source."""
    prose = {tokenize.COMMENT, tokenize.STRING}
    fstring_middle = getattr(tokenize, "FSTRING_MIDDLE", None)  # Python 3.12+
    if fstring_middle is not None:
        prose.add(fstring_middle)
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in prose:
            for offset, text in enumerate(tok.string.split("\n")):
                yield tok.start[0] + offset, text


def citations_in_text(text: str, *, python: bool, path: str = "<text>") -> list[Citation]:
    """Every citation in a file's text (for Python: in comments and strings only)."""
    lines: Iterator[tuple[int, str]] | list[tuple[int, str]]
    if python:
        try:
            lines = list(_python_prose(text))
        except (tokenize.TokenError, SyntaxError):  # unfinished edit: read it all
            lines = list(enumerate(text.splitlines(), 1))
    else:
        lines = enumerate(text.splitlines(), 1)
    return [
        Citation(path, number, written, rules)
        for number, line in lines
        for written, rules in citations_in_line(line)
    ]


def scanned_files(root: Path = ROOT) -> Iterator[Path]:
    """The files the scan reads, in a stable order."""
    for name in SCANNED:
        top = root / name
        if top.is_file():
            yield top
            continue
        for directory, dirs, files in os.walk(top):
            here = Path(directory)
            dirs[:] = sorted(
                d
                for d in dirs
                if d not in SKIP_DIR_NAMES
                and not d.startswith(".")
                and not d.endswith(".egg-info")
                and here / d not in SKIP_DIRS
            )
            for f in sorted(files):
                yield here / f


def scan_repository(root: Path = ROOT) -> list[Citation]:
    """Every citation in the scanned part of the repository."""
    found: list[Citation] = []
    for path in scanned_files(root):
        data = path.read_bytes()
        if b"\0" in data:
            continue  # binary (images, ...)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        rel = path.relative_to(root).as_posix()
        found.extend(citations_in_text(text, python=path.suffix == ".py", path=rel))
    return found


def _outside_fences(markdown: str) -> Iterator[tuple[int, str]]:
    """(line number, line) of a Markdown text, skipping fenced code blocks."""
    fence: str | None = None
    for number, line in enumerate(markdown.splitlines(), 1):
        m = FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)[0] * len(m.group(1))
            continue
        if fence is not None:
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
            continue
        yield number, line


def anchors_in(markdown: str) -> list[tuple[int, str]]:
    """(line number, id) of every ``{#id}`` heading, in order."""
    return [
        (number, m["id"])
        for number, line in _outside_fences(markdown)
        if (m := ANCHORED_HEADING.match(line))
    ]


def empty_sections(markdown: str) -> list[tuple[int, str]]:
    """Anchored headings followed directly by another heading (or the end)."""
    empty: list[tuple[int, str]] = []
    current: tuple[int, str] | None = None
    has_text = True
    for number, line in _outside_fences(markdown):
        if HEADING.match(line):
            if current is not None and not has_text:
                empty.append(current)
            m = ANCHORED_HEADING.match(line)
            current = (number, m["id"]) if m else None
            has_text = False
        elif line.strip():
            has_text = True
    if current is not None and not has_text:
        empty.append(current)
    return empty


def unresolved(citations: list[Citation], anchors: set[str]) -> list[str]:
    """``path:line: RULE (cited as TEXT) has no #anchor`` for every dangling identifier."""
    return [
        f"{c.path}:{c.line}: {rule} (cited as {c.text!r}) has no #{anchor_of(rule)} in "
        "docs/semantics.md"
        for c in citations
        for rule in c.rules
        if anchor_of(rule) not in anchors
    ]


# -- the repository ------------------------------------------------------------------------


def test_every_cited_rule_has_an_anchor() -> None:
    citations = scan_repository()
    anchors = {a for _, a in anchors_in(SEMANTICS.read_text(encoding="utf-8"))}
    problems = unresolved(citations, anchors)
    assert not problems, "rule identifiers without an anchor:\n" + "\n".join(problems)


def test_the_scan_finds_citations_everywhere_they_are_made() -> None:
    # Guards against a scanner that silently finds nothing (a regex or path mistake).
    citations = scan_repository()
    tops = {c.path.split("/", 1)[0] for c in citations}
    assert {"src", "tests", "docs"} <= tops, tops
    kinds = {rule.split("-")[1] if rule.startswith("R-") else "openshift"
             for c in citations for rule in c.rules}  # fmt: skip
    assert {"REF", "CONF", "MATCH", "RW", "PULL", "LOAD", "SN", "openshift"} <= kinds, kinds
    # Files are read in full: a citation in a data file and one in a Python comment.
    paths = {c.path for c in citations}
    assert "tests/data/reference_spec.json" in paths
    assert any(p.startswith("tests/test_") and p.endswith(".py") for p in paths)
    assert not any(p.startswith(("tests/corpus/", "tests/oracle/build/")) for p in paths)


def test_anchors_are_unique() -> None:
    anchors = anchors_in(SEMANTICS.read_text(encoding="utf-8"))
    counts = Counter(a for _, a in anchors)
    duplicates = [f"line {n}: #{a}" for n, a in anchors if counts[a] > 1]
    assert not duplicates, "anchors defined more than once:\n" + "\n".join(duplicates)


def test_every_anchored_section_has_text() -> None:
    empty = empty_sections(SEMANTICS.read_text(encoding="utf-8"))
    assert not empty, "anchored headings without any text: " + ", ".join(
        f"line {n} #{a}" for n, a in empty
    )


def test_rule_anchors_follow_the_naming_rule() -> None:
    # Every anchor that looks like a rule id is the anchor_of() of that rule's heading title.
    for _, line in _outside_fences(SEMANTICS.read_text(encoding="utf-8")):
        m = ANCHORED_HEADING.match(line)
        if m is None:
            continue
        head = m["title"].split(":", 1)[0].strip()
        cited = list(citations_in_line(head))
        if len(cited) == 1 and cited[0][0] == head and len(cited[0][1]) == 1:
            assert m["id"] == anchor_of(cited[0][1][0]), line


# -- the scanner itself, on small in-memory examples ----------------------------------------
# The samples spell "-" as "~" and write a bogus number with a "^" inside, so that this file
# itself holds no dangling citation for the repository scan above.


def _sample(text: str) -> str:
    return text.replace("~", "-").replace("^", "")


SAMPLE_TEXT = _sample(
    """# SPEC R~MATCH~4
see R~CONF~6..9 and R~SN~7/8, also R~LOAD~1/2/9.
R~CONF~6.5, R~LOAD~5. and R~SN~* and (R~V1) and R~V1~2
OpenShift: V1~V3, E7; not R~V1~1 as V1, not E2E, not P50, not IPv6
R\u2011MATCH\u20112 (spec hyphens)
# noqa: E402 is a linter code, M4 is a rule
bogus: R~CONF~9^9 and Q^9
"""
)


def test_scanner_expands_every_citation_form() -> None:
    got = [(c.line, c.rules) for c in citations_in_text(SAMPLE_TEXT, python=False)]
    assert got == [
        (1, ("R-MATCH-4",)),
        (2, ("R-CONF-6", "R-CONF-7", "R-CONF-8", "R-CONF-9")),
        (2, ("R-SN-7", "R-SN-8")),
        (2, ("R-LOAD-1", "R-LOAD-2", "R-LOAD-9")),
        (3, ("R-CONF-6.5",)),
        (3, ("R-LOAD-5",)),
        (3, ("R-SN",)),
        (3, ("R-V1",)),
        (3, ("R-V1-2",)),
        (4, ("R-V1-1",)),
        (4, ("V1", "V2", "V3")),
        (4, ("E7",)),
        (4, ("V1",)),
        (5, ("R-MATCH-2",)),
        (6, ("M4",)),
        (7, (_sample("R~CONF~9^9"),)),
        (7, (_sample("Q^9"),)),
    ]


def test_scanner_reads_only_comments_and_strings_of_python() -> None:
    source = _sample(
        "V1 = 'plain data'\n"
        "x = V2  # SPEC V3\n"
        "def f() -> None:\n"
        '    """Docstring citing R~RW~1..3\n'
        '    on two lines: R~PULL~6."""\n'
        "import os  # noqa: E402\n"
    )
    got = [(c.line, c.rules) for c in citations_in_text(source, python=True)]
    assert got == [
        (2, ("V3",)),
        (4, ("R-RW-1", "R-RW-2", "R-RW-3")),
        (5, ("R-PULL-6",)),
    ]


def test_unresolved_names_file_line_and_rule() -> None:
    citations = citations_in_text(SAMPLE_TEXT, python=False, path="docs/example.md")
    anchors = {anchor_of(r) for c in citations for r in c.rules} - {
        anchor_of(_sample("R~CONF~9^9")),
        "q" + "9",
        "r-sn-8",
    }
    problems = unresolved(citations, anchors)
    assert problems == [
        "docs/example.md:2: R-SN-8 (cited as 'R-SN-7/8') has no #r-sn-8 in docs/semantics.md",
        _sample(
            "docs/example.md:7: R~CONF~9^9 (cited as 'R~CONF~9^9') has no #r~conf~9^9 in "
            "docs/semantics.md"
        ),
        _sample("docs/example.md:7: Q^9 (cited as 'Q^9') has no #q^9 in docs/semantics.md"),
    ]


def test_anchor_and_section_checks_can_fail() -> None:
    page = (
        "# Title\n\nIntro.\n\n"
        "## R-A family {#r-a}\n\nText.\n\n"
        "### R-A-1: one {#r-a-1}\n\n"
        "### R-A-2: two {#r-a-2}\n\nText.\n\n"
        "```text\n### not a heading {#r-a-9}\n```\n\n"
        "### R-A-1: again {#r-a-1}\n"
    )
    assert anchors_in(page) == [(5, "r-a"), (9, "r-a-1"), (11, "r-a-2"), (19, "r-a-1")]
    assert empty_sections(page) == [(9, "r-a-1"), (19, "r-a-1")]
    assert anchor_of("R-CONF-6.5") == "r-conf-6-5"
    assert anchor_of("R-SN") == "r-sn"
