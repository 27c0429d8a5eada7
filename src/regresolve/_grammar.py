"""The image-reference grammar of containers/image v5.34.2, as Python regular expressions.

containers/image carries its own fork of docker/distribution's ``reference`` package
(``docker/reference``, forked at distribution commit 3226863).  Its grammar, in our words:

    reference   := name [ ":" tag ] [ "@" digest ]
    name        := [ domain "/" ] component ( "/" component )*
    domain      := host-label ( "." host-label )* [ ":" port ]
    host-label  := letters/digits of either case, "-" allowed inside but not at either end
    port        := one or more decimal digits (``0`` and leading zeros included)
    component   := alnum ( separator alnum )*
    alnum       := one or more of [a-z0-9]
    separator   := "." | "_" | "__" | one or more "-"
    tag         := [A-Za-z0-9_] followed by up to 127 of [A-Za-z0-9_.-]
    digest      := algorithm ":" at least 32 hex digits (either case)
    algorithm   := alg-part ( [-_+.] alg-part )*,  alg-part := a letter then letters/digits

Every pattern below is compiled once, in ASCII mode, and used only with ``fullmatch`` (Go's
``^...$`` means the whole text; Python's ``$`` would also accept a trailing newline).

How the patterns are written
----------------------------

Python's ``re`` backtracks, RE2 does not.  A transcription of the Go patterns (nested
repetitions such as ``alnum (separator alnum)*``) accepts the right strings but is slow on
long inputs that almost match (the verbatim separator ``(?:[._]|__|[-]*)`` even makes it
exponential), and possessive quantifiers, the usual cure, need Python 3.11.  So every part of
the grammar that repeats is written as *one run of a character class* plus lookahead
assertions that scan that same run, none of which nests a repetition:

* a path is a run of ``[a-z0-9._/-]`` that starts with a letter or digit, in which
  ``.`` and ``/`` are always followed by a letter or digit, ``-`` by a letter, digit or
  ``-``, and ``_`` by a letter or digit or by ``_`` and then a letter or digit;
* a host is a run of ``[a-zA-Z0-9.-]`` that starts with a letter or digit, in which ``.``
  is always followed by a letter or digit, and ``-`` by a letter, digit or ``-``; an
  optional ``:port`` follows;
* a digest algorithm is a letter and then a run of ``[A-Za-z0-9+._-]`` in which each of
  ``+ . _ -`` is followed by a letter (go-digest's algorithm: a lowercase letter or digit
  first, and ``[.+_-]`` followed by a lowercase letter or digit).

Each rule describes exactly the strings of its Go pattern: a separator may never end a run (a
run ends where its class ends, and what follows is no letter or digit), so the runs of
separators between letters and digits are exactly ``.``, ``_``, ``__``, ``-``, ``--``, ... and
``/`` (paths), or ``.`` and ``-``, ``--``, ... (hosts).  Each assertion is a greedy run
followed by one character, which ``re`` scans in a tight loop; a failing match gives back
each position of a run at most once per alternative, so matching takes linear time (about
20 ms for the worst 64 KiB input, ``tests/test_reference_linear.py``).
``tests/test_grammar_equivalence.py`` checks these patterns, groups included, against a
literal transcription of the Go grammar on every short string over the grammar's characters.
The optional domain group first checks cheaply that a ``/`` follows the host-like prefix
(a necessary condition, so it changes nothing but speed).

Other deliberate differences from the Go source, none of which changes the accepted language:

* Go's ``\\w`` is ASCII-only; Python's is Unicode unless ASCII mode is on.  We spell the
  classes out anyway.
* Go's ``[[:xdigit:]]`` is written ``[0-9a-fA-F]``.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "ANCHORED_NAME",
    "DIGEST",
    "DOMAIN",
    "GO_DIGEST",
    "IDENTIFIER",
    "NAME_TOTAL_LENGTH_MAX",
    "REFERENCE",
    "REST",
    "SHORT_IDENTIFIER",
    "TAG",
]

#: ``NameTotalLengthMax``: the longest repository name (domain + "/" + path), in bytes.
NAME_TOTAL_LENGTH_MAX: Final = 255

# -- fragments (Go constant names in the comments) -----------------------------------------

# nameComponent = alphaNumeric (separator alphaNumeric)*, alphaNumeric = `[a-z0-9]+`,
# separator = `(?:[._]|__|[-]*)`; path = nameComponent ("/" nameComponent)*.
_P: Final = r"[a-z0-9._/-]"
_PATH: Final = (
    r"(?=[a-z0-9])"
    rf"(?!{_P}*\.(?![a-z0-9]))"
    rf"(?!{_P}*/(?![a-z0-9]))"
    rf"(?!{_P}*-(?![a-z0-9-]))"
    rf"(?!{_P}*_(?![a-z0-9]|_[a-z0-9]))"
    rf"{_P}+"
)
# domainComponent = `(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])`
# domain = domainComponent ("." domainComponent)* (":" [0-9]+)?   -- no IPv6 in this fork.
_H: Final = r"[a-zA-Z0-9.-]"
_DOMAIN: Final = (
    r"(?=[a-zA-Z0-9])"
    rf"(?!{_H}*\.(?![a-zA-Z0-9]))"
    rf"(?!{_H}*-(?![a-zA-Z0-9-]))"
    rf"{_H}+(?::[0-9]+)?"
)
# A domain can only be taken when a "/" follows it: checked first, in one scan.
_DOMAIN_SLASH: Final = rf"(?=[a-zA-Z0-9.:-]*/)({_DOMAIN})/"
# tag = `[\w][\w.-]{0,127}`
_TAG: Final = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
# digestPat = `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][[:xdigit:]]{32,}`
_G: Final = r"[A-Za-z0-9+._-]"
_DIGEST: Final = rf"(?!{_G}*[-_+.](?![A-Za-z]))[A-Za-z]{_G}*:[0-9a-fA-F]{{32,}}"
# go-digest: `[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+`
_GD: Final = r"[a-z0-9.+_-]"
_GO_DIGEST: Final = rf"(?=[a-z0-9])(?!{_GD}*[.+_-](?![a-z0-9])){_GD}+:[a-zA-Z0-9=_-]+"

_FLAGS: Final = re.ASCII

#: ``DomainRegexp``, anchored.
DOMAIN: Final = re.compile(_DOMAIN, _FLAGS)
#: ``anchoredTagRegexp``.
TAG: Final = re.compile(_TAG, _FLAGS)
#: ``anchoredDigestRegexp`` (the grammar only; go-digest validation is separate).
DIGEST: Final = re.compile(_DIGEST, _FLAGS)
#: ``anchoredNameRegexp``: groups (domain, path).  Like RE2's leftmost-first submatches, the
#: optional domain group is taken whenever the first component is a valid domain and a "/"
#: follows it.
ANCHORED_NAME: Final = re.compile(rf"(?:{_DOMAIN_SLASH})?({_PATH})", _FLAGS)
#: ``ReferenceRegexp`` with the name split as ``anchoredNameRegexp`` splits it: groups
#: (domain, path, tag, digest).  Go's name group is domain + "/" + path.
REFERENCE: Final = re.compile(
    rf"(?:{_DOMAIN_SLASH})?({_PATH})(?::({_TAG}))?(?:@({_DIGEST}))?", _FLAGS
)
#: What follows a domain already known to be valid: groups (path, tag, digest).
REST: Final = re.compile(rf"({_PATH})(?::({_TAG}))?(?:@({_DIGEST}))?", _FLAGS)
#: ``anchoredIdentifierRegexp``: a 64-hex image ID.
IDENTIFIER: Final = re.compile(r"[a-f0-9]{64}", _FLAGS)
#: ``ShortIdentifierRegexp``, anchored.
SHORT_IDENTIFIER: Final = re.compile(r"[a-f0-9]{6,64}", _FLAGS)
#: go-digest 1.0.0 ``DigestRegexpAnchored``.
GO_DIGEST: Final = re.compile(_GO_DIGEST, _FLAGS)
