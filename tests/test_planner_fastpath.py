"""The planner's shortcut for canonical locations never answers differently from the full parse.

``_canonical_name`` decides, once per configured location, whether rewrites through it can skip
re-parsing.  Its regular-expression shortcut may say "don't know" (then the full
``ParseNamed`` check runs) but must never say "canonical" where the full check says no.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from regresolve._errors import InvalidReference
from regresolve._planner import _canonical_name
from regresolve._reference import parse_reference


def _full_check(text: str) -> bool:
    try:
        ref = parse_reference(text, normalize=False)
    except InvalidReference:
        return False
    return (
        ref.tag is None
        and ref.digest is None
        and ref.domain not in ("", "docker.io", "index.docker.io")
        and ref.name == text
    )


PIECES = st.sampled_from(
    ["a", "b0", "docker", "io", "index", "localhost", "x-y", "A", "9", "_", "__", "--", "."]
)
SEPARATORS = st.sampled_from(["", ".", "/", ":", ":5000", "-", "_", "@"])


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.tuples(PIECES, SEPARATORS), min_size=1, max_size=8))
def test_shortcut_agrees_with_the_full_check(parts: list[tuple[str, str]]) -> None:
    text = "".join(a + b for a, b in parts)
    assert _canonical_name(text) == _full_check(text)


def test_known_cases() -> None:
    assert _canonical_name("mirror.example.net:5000/org1/repo2")
    assert not _canonical_name("docker.io/library/x")  # normalizes differently
    assert _canonical_name("Mirror.example.net/x") == _full_check("Mirror.example.net/x")
    assert not _canonical_name("m.example.net/UPPER")
    assert not _canonical_name("a" * 250 + ".com/x")  # over the 255-character name limit
