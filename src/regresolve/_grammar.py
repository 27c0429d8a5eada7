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

Deliberate differences from the Go source, none of which changes the accepted language:

* Go's separator is ``(?:[._]|__|[-]*)``.  The empty alternative lets a backtracking engine
  split a run of letters in exponentially many ways (``"a" * 24 + "!"`` takes seconds in
  Python).  RE2 does not backtrack; we write ``-+`` instead, which accepts the same strings.
* Go's host label is ``[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]``; we write the
  unambiguous ``[a-zA-Z0-9]+(?:-+[a-zA-Z0-9]+)*``.
* Runs whose follower can never be one of their own characters are possessive (``++``,
  ``*+``), so a failing match gives nothing back and costs linear time.
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

# alphaNumeric = `[a-z0-9]+`
_ALNUM: Final = r"[a-z0-9]++"
# separator = `(?:[._]|__|[-]*)`  -- see the module docstring for why `-+`.
_SEPARATOR: Final = r"(?:[._]|__|-++)"
# nameComponent = alphaNumeric (separator alphaNumeric)*
_PATH_COMPONENT: Final = rf"{_ALNUM}(?:{_SEPARATOR}{_ALNUM})*+"
# domainComponent = `(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])`
_DOMAIN_COMPONENT: Final = r"[a-zA-Z0-9]++(?:-++[a-zA-Z0-9]++)*+"
# domain = domainComponent ("." domainComponent)* (":" [0-9]+)?   -- no IPv6 in this fork.
_DOMAIN: Final = rf"{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*+(?::[0-9]++)?+"
# tag = `[\w][\w.-]{0,127}`
_TAG: Final = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}+"
# digestPat = `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][[:xdigit:]]{32,}`
_DIGEST: Final = r"[A-Za-z][A-Za-z0-9]*+(?:[-_+.][A-Za-z][A-Za-z0-9]*+)*+:[0-9a-fA-F]{32,}+"
_PATH: Final = rf"{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*+"

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
ANCHORED_NAME: Final = re.compile(rf"(?:({_DOMAIN})/)?({_PATH})", _FLAGS)
#: ``ReferenceRegexp`` with the name split as ``anchoredNameRegexp`` splits it: groups
#: (domain, path, tag, digest).  Go's name group is domain + "/" + path.
REFERENCE: Final = re.compile(rf"(?:({_DOMAIN})/)?({_PATH})(?::({_TAG}))?(?:@({_DIGEST}))?", _FLAGS)
#: What follows a domain already known to be valid: groups (path, tag, digest).
REST: Final = re.compile(rf"({_PATH})(?::({_TAG}))?(?:@({_DIGEST}))?", _FLAGS)
#: ``anchoredIdentifierRegexp``: a 64-hex image ID.
IDENTIFIER: Final = re.compile(r"[a-f0-9]{64}", _FLAGS)
#: ``ShortIdentifierRegexp``, anchored.
SHORT_IDENTIFIER: Final = re.compile(r"[a-f0-9]{6,64}", _FLAGS)
#: go-digest 1.0.0 ``DigestRegexpAnchored``.
GO_DIGEST: Final = re.compile(r"[a-z0-9]+(?:[.+_-][a-z0-9]+)*+:[a-zA-Z0-9=_-]++", _FLAGS)
