"""Hypothesis strategies for image references (valid and nearly valid), and our answers.

Inputs are built from small alphabets so that the interesting collisions actually happen:
every separator (``.``, ``_``, ``__``, ``-``, ``--`` and the invalid ``___``, ``..``, ``.-``),
ports (``0``, long, non-numeric), upper case where only lower case is allowed, tags and names at
and around the 128/255 limits, digests of every algorithm with every hex length near the valid
ones, 64-hex strings, ``localhost``/``LOCALHOST``/``index.docker.io``, and the Unicode characters
whose case mapping differs between Go and Python (``İ``, ``ß``, the Kelvin sign ``\u212a``,
fullwidth letters, final sigma), whitespace and newlines, ``@`` and ``:`` in odd places.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from regresolve import InvalidReference, Reference, is_short_name, parse_reference
from regresolve._reference import parse_any_reference

__all__ = [
    "ODD_CHARS",
    "digests",
    "domains",
    "near_limits",
    "our_answer",
    "path_components",
    "random_texts",
    "reference_texts",
    "structured_references",
    "tags",
]

HEX = "0123456789abcdef"

#: Characters that are interesting anywhere in a reference.
ODD_CHARS = (
    "aAzZ09._-/:@+="
    " \t\n\r\x00\x7f"
    "\u0130\u0131\u00df\u212a\u212b\uff21\uff41\u03a3\u03c2\u01c5\u00e9\u00c9\u00a0\u200b\u2028"
    "\U0001f433"
)

_alnum = st.text(alphabet="abz019", min_size=1, max_size=4)
_upper_alnum = st.text(alphabet="abzAZ019", min_size=1, max_size=4)
_separator = st.sampled_from([".", "_", "__", "-", "--", "---", "___", "..", ".-", "-.", "_-", ""])
_valid_separator = st.sampled_from([".", "_", "__", "-", "--", "---"])


@st.composite
def path_components(draw: st.DrawFn, *, valid: bool = False) -> str:
    """A path component such as ``a__b-c`` (with ``valid=False`` possibly a broken one)."""
    alnum = _alnum if valid or draw(st.integers(0, 9)) else _upper_alnum
    sep = _valid_separator if valid else _separator
    parts = [draw(alnum)]
    for _ in range(draw(st.integers(0, 3))):
        parts.append(draw(sep))
        parts.append(draw(alnum))
    if not valid and draw(st.integers(0, 15)) == 0:
        # a leading or trailing separator
        if draw(st.booleans()):
            parts.insert(0, draw(_separator))
        else:
            parts.append(draw(_separator))
    return "".join(parts)


_host_label = st.one_of(
    st.text(alphabet="abAZ09-", min_size=1, max_size=5),
    st.sampled_from(["a", "io", "com", "x-y", "-a", "a-", "A", "LOCAL"]),
)
_port = st.sampled_from(["", "", "", ":5000", ":0", ":00", ":" + "9" * 30, ":", ":http", ":-1"])


@st.composite
def domains(draw: st.DrawFn) -> str:
    """A registry host (valid or nearly), often a well-known one."""
    known = st.sampled_from(
        [
            "docker.io",
            "index.docker.io",
            "Docker.IO",
            "registry-1.docker.io",
            "localhost",
            "LOCALHOST",
            "Localhost",
            "localhost:5000",
            "quay.io",
            "example.com",
            "127.0.0.1",
            "[::1]",
            "[::1]:5000",
            "foo_bar.com",
            "xn--n3h.com",
            "a",
            "library",
        ]
    )
    if draw(st.booleans()):
        host = draw(known)
    else:
        labels = draw(st.lists(_host_label, min_size=1, max_size=3))
        host = ".".join(labels)
    return host + draw(_port)


_tag_chars = "aZ09_.-"


@st.composite
def tags(draw: st.DrawFn) -> str:
    """A tag, sometimes at or just over the 128-character limit or with a bad first char."""
    kind = draw(st.integers(0, 5))
    if kind == 0:
        n = draw(st.sampled_from([127, 128, 129]))
        return draw(st.sampled_from("aZ0_")) + "t" * (n - 1)
    if kind == 1:
        return draw(st.text(alphabet=_tag_chars + "~!+ ", min_size=0, max_size=6))
    return draw(st.sampled_from("aZ0_")) + draw(st.text(alphabet=_tag_chars, max_size=8))


_algorithm = st.sampled_from(
    [
        "sha256",
        "sha256",
        "sha384",
        "sha512",
        "md5",
        "SHA256",
        "Sha512",
        "sha256+b64",
        "a.b",
        "a-b_c+d",
        "x",
        "9x",
        "sha256.",
        "",
    ]
)


@st.composite
def digests(draw: st.DrawFn) -> str:
    """``algo:hex`` with hex lengths at and around 32/64/96/128, sometimes upper case."""
    if draw(st.booleans()):
        # A valid one: a linked algorithm with its exact lowercase length.
        alg, n = draw(st.sampled_from([("sha256", 64), ("sha384", 96), ("sha512", 128)]))
        return f"{alg}:{_hex(draw(st.integers(0, 16**n - 1)), n)}"
    alg = draw(_algorithm)
    n = draw(st.sampled_from([0, 31, 32, 33, 63, 64, 65, 95, 96, 97, 127, 128, 129]))
    hexpart = _hex(draw(st.integers(0, 16**n - 1)), n) if n else ""
    case = draw(st.integers(0, 7))
    if case == 0:
        hexpart = hexpart.upper()
    elif case == 1 and hexpart:
        i = draw(st.integers(0, len(hexpart) - 1))
        hexpart = hexpart[:i] + draw(st.sampled_from("AFg=_-")) + hexpart[i + 1 :]
    return f"{alg}:{hexpart}"


@st.composite
def structured_references(draw: st.DrawFn) -> str:
    """``[domain/]component(/component)*[:tag][@digest]`` from the pieces above."""
    valid = draw(st.integers(0, 3)) == 0
    parts = draw(st.lists(path_components(valid=valid), min_size=1, max_size=4))
    text = "/".join(parts)
    if draw(st.booleans()):
        text = draw(domains()) + "/" + text
    if draw(st.integers(0, 2)) == 0:
        text += ":" + draw(tags())
    if draw(st.integers(0, 2)) == 0:
        text += "@" + draw(digests())
    return text


@st.composite
def _mutated(draw: st.DrawFn) -> str:
    text = draw(structured_references())
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(text)))
        op = draw(st.integers(0, 3))
        ch = draw(st.sampled_from(ODD_CHARS))
        if op == 0:
            text = text[:i] + ch + text[i:]
        elif op == 1:
            text = text[:i] + ch + text[i + 1 :]
        elif op == 2:
            text = text[:i] + text[i + 1 :]
        else:
            text = text[:i].upper() + text[i:] if draw(st.booleans()) else text.swapcase()
    return text


@st.composite
def near_limits(draw: st.DrawFn) -> str:
    """Names whose normalized length is 253..258, with and without tags/digests."""
    prefix = draw(
        st.sampled_from(
            [
                "",
                "library/",
                "docker.io/",
                "index.docker.io/",
                "docker.io/library/",
                "a/",
                "quay.io/",
            ]
        )
    )
    normalized_prefix = {
        "": "docker.io/library/",
        "library/": "docker.io/library/",
        "docker.io/": "docker.io/library/",
        "index.docker.io/": "docker.io/library/",
        "docker.io/library/": "docker.io/library/",
        "a/": "docker.io/a/",
        "quay.io/": "quay.io/",
    }[prefix]
    target = draw(st.integers(250, 260))
    n = max(1, target - len(normalized_prefix))
    body = draw(st.sampled_from(["a" * n, ("a/" * n)[:n].rstrip("/") or "a", ("ab." * n)[:n]]))
    body = body.rstrip(".") or "a"
    text = prefix + body
    if draw(st.booleans()):
        text += ":" + draw(tags())
    if draw(st.booleans()):
        text += "@" + draw(digests())
    return text


def _hex(value: int, n: int) -> str:
    # One integer draw instead of n character draws keeps generation cheap.
    return f"{value:0{n}x}"


def _hex64() -> st.SearchStrategy[str]:
    h = st.integers(0, 16**64 - 1).map(lambda v: _hex(v, 64))
    return st.one_of(
        h,
        h.map(str.upper),
        h.map(lambda s: "sha256:" + s),
        h.map(lambda s: s[:63]),
        h.map(lambda s: s + "0"),
        h.map(lambda s: "docker.io/" + s),
        h.map(lambda s: s + ":tag"),
    )


def random_texts() -> st.SearchStrategy[str]:
    """Short strings over the odd-character alphabet, plus arbitrary Unicode."""
    return st.one_of(
        st.text(alphabet=ODD_CHARS, max_size=16),
        st.text(st.characters(exclude_categories=["Cs"]), max_size=12),
    )


def _canonical(text: str) -> str:
    # Our own normalized form, used only to *generate* inputs that ParseNamed may accept;
    # the expected answers still come from the oracle.
    try:
        return str(parse_reference(text))
    except InvalidReference:
        return text


@st.composite
def _canonical_forms(draw: st.DrawFn) -> str:
    """Canonical references (``docker.io/library/x:1``), sometimes slightly altered."""
    text = _canonical(draw(structured_references()))
    kind = draw(st.integers(0, 4))
    if kind == 0:
        text = text.replace("docker.io/", draw(st.sampled_from(["index.docker.io/", ""])), 1)
    elif kind == 1:
        text = text.replace("library/", "", 1)
    elif kind == 2:
        text += draw(st.sampled_from([":latest", "/", " ", "\n", "@", ":"]))
    return text


def reference_texts() -> st.SearchStrategy[str]:
    """Everything above, weighted towards almost-valid references."""
    return st.one_of(
        structured_references(),
        structured_references(),
        _canonical_forms(),
        _mutated(),
        near_limits(),
        _hex64(),
        random_texts(),
    )


# -- our answers in the oracle's "parse" shape (tests/oracle/PROTOCOL.md) ----------------------


def _ref_object(ref: Reference) -> dict[str, Any]:
    return {
        "string": str(ref),
        "name": ref.name,
        "domain": ref.domain,
        "path": ref.path,
        "tag": ref.tag,
        "digest": ref.digest,
        "familiar_name": ref.familiar_name,
        "familiar_string": ref.familiar,
        "tagged": str(ref.with_default_tag()),
    }


def our_answer(text: str) -> dict[str, Any]:
    """What regresolve says for ``text``, shaped like the oracle's ``parse`` answer."""
    answer: dict[str, Any] = {}
    for key, normalize in (("normalized", True), ("named", False)):
        try:
            answer[key] = _ref_object(parse_reference(text, normalize=normalize))
            answer[key + "_error"] = None
        except InvalidReference as e:
            answer[key] = None
            answer[key + "_error"] = e.go_message
    try:
        anyref = parse_any_reference(text)
        answer["any"] = {"string": str(anyref)}
        answer["any_error"] = None
    except InvalidReference as e:
        answer["any"] = None
        answer["any_error"] = e.go_message
    try:
        answer["short"] = is_short_name(text)
        answer["short_error"] = None
    except InvalidReference as e:
        answer["short"] = False
        answer["short_error"] = e.go_message
    return answer
