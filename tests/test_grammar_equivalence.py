"""regresolve._grammar describes exactly the Go grammar, capture groups included.

``_grammar`` writes every repetition as one run of a character class checked by lookahead
assertions (linear time on any Python from 3.9 on, without possessive quantifiers).  Here the
Go patterns of containers/image 5.34.2 (``docker/reference/regexp.go``) and go-digest 1.0.0
are transcribed literally, the verbatim separator ``(?:[._]|__|[-]*)`` included, and both
are run on every short string over the grammar's characters.  The literal transcription
backtracks exponentially on long runs of letters (the empty separator lets it split a run in
every possible way), so longer random strings built from the grammar's pieces are checked
against the same transcription with ``-+`` for the separator's ``[-]*`` (the empty
alternative adds no string: two alphanumeric runs side by side are one run), which the short
strings check against the verbatim one.  Python's backtracking picks the same submatches as
RE2's leftmost-first semantics, so the groups must agree too.
"""

from __future__ import annotations

import itertools
import random
import re

import pytest

from regresolve import _grammar as G

# -- the Go patterns, verbatim (only [[:xdigit:]] spelled out; \w is ASCII in re.ASCII) -------

_ALPHA_NUMERIC = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]*)"
_SEPARATOR_NONEMPTY = r"(?:[._]|__|-+)"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}"
_DOMAIN = rf"{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*(?::[0-9]+)?"


def _transcribe(separator: str) -> dict[str, re.Pattern[str]]:
    name_component = rf"{_ALPHA_NUMERIC}(?:{separator}{_ALPHA_NUMERIC})*"
    path = rf"{name_component}(?:/{name_component})*"
    patterns = {
        "DOMAIN": _DOMAIN,
        "TAG": _TAG,
        "DIGEST": _DIGEST,
        # anchoredNameRegexp; referencePat with the name split the same way; what follows a
        # domain.
        "ANCHORED_NAME": rf"(?:({_DOMAIN})/)?({path})",
        "REFERENCE": rf"(?:({_DOMAIN})/)?({path})(?::({_TAG}))?(?:@({_DIGEST}))?",
        "REST": rf"({path})(?::({_TAG}))?(?:@({_DIGEST}))?",
        "GO_DIGEST": r"[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+",
    }
    return {name: re.compile(p, re.ASCII) for name, p in patterns.items()}


LITERAL = _transcribe(_SEPARATOR)
STRUCTURAL = _transcribe(_SEPARATOR_NONEMPTY)
OURS: dict[str, re.Pattern[str]] = {name: getattr(G, name) for name in LITERAL}

HEX32 = "0123456789abcdef" * 2
ALPHABET = "aAg0._-/:@+"


def _groups(pattern: re.Pattern[str], text: str) -> tuple[str | None, ...] | None:
    m = pattern.fullmatch(text)
    return None if m is None else (m.group(0), *m.groups())


def _differences(
    texts: list[str], reference: dict[str, re.Pattern[str]], ours: dict[str, re.Pattern[str]]
) -> list[tuple[str, str, object, object]]:
    out = []
    for text in texts:
        for name, pattern in reference.items():
            want, got = _groups(pattern, text), _groups(ours[name], text)
            if want != got:
                out.append((name, text, want, got))
    return out


def test_every_short_string_matches_as_in_go() -> None:
    # Every string of up to 4 characters over one representative of each character class
    # the grammar distinguishes (lower/upper hex letter, other letter, digit, each separator).
    texts = ["".join(t) for n in range(5) for t in itertools.product(ALPHABET, repeat=n)]
    assert len(texts) == 16_105
    diffs = _differences(texts, LITERAL, OURS)
    assert not diffs, diffs[:10]
    diffs = _differences(texts, LITERAL, STRUCTURAL)
    assert not diffs, diffs[:10]


# Pieces of references: runs of letters and digits, every separator run up to length 3, the
# delimiters, and digest/port/tag shapes; concatenations of a few of them.
PIECES = [
    "a", "b9", "Z", "x1y", "0", "sha256", "sha256:" + HEX32, ":" + HEX32 + HEX32, "Sha", "A.b",
    ".", "..", "_", "__", "___", "-", "--", "---", "._", "-.", "_-", "/", "//", ":", "::",
    "@", "+", ":5000", "localhost", "example.com", "a-b", "a--b", "a__b", "a.b", "=", "!",
]  # fmt: skip


def test_random_piece_strings_match_as_in_go() -> None:
    rng = random.Random(20260118)
    texts = ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 9))) for _ in range(15_000)]
    diffs = _differences(texts, STRUCTURAL, OURS)
    assert not diffs, diffs[:10]


@pytest.mark.slow
def test_every_string_of_five_or_six_matches_as_in_go() -> None:
    texts = ["".join(t) for t in itertools.product(ALPHABET, repeat=5)]
    texts += ["".join(t) for t in itertools.product("aA0._-/:@", repeat=6)]
    diffs = _differences(texts, LITERAL, OURS)
    assert not diffs, diffs[:10]
