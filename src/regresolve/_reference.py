"""Image references: parsing and normalization exactly as containers/image v5.34.2 does them.

Theory of operation
-------------------
Go's ``reference.Parse`` matches one anchored regular expression, then picks an error when it
does not match, checks the name length and validates the digest.  ``ParseNormalizedNamed``
first splits off a registry the "docker way" (``splitDockerDomain``), checks that the
repository part is lowercase, and then runs ``Parse`` on ``domain + "/" + remainder``.

The order of those checks decides which error a bad input gets, so a failing input replays
them in Go's order.  A succeeding input takes shortcuts that cannot change the answer:

* For a registry other than docker.io, ``domain + "/" + remainder`` is the input itself, so
  one match of the input does it.
* For docker.io (a valid domain), the whole string matches exactly when the remainder matches
  what may follow a domain, so only the remainder is matched.
* When the grammar matches, the repository part is lowercase by construction, except for an
  ``@algo`` when there is no tag; only that is checked.

Error texts are Go's, byte for byte (``InvalidReference.go_message``).
"""

from __future__ import annotations

import attrs

from regresolve._errors import InvalidReference
from regresolve._gotext import go_lower, go_quote
from regresolve._grammar import (
    ANCHORED_NAME,
    DIGEST,
    IDENTIFIER,
    NAME_TOTAL_LENGTH_MAX,
    REFERENCE,
    REST,
    TAG,
)

__all__ = [
    "Reference",
    "is_short_name",
    "parse_any_reference",
    "parse_docker_ref",
    "parse_raw",
    "parse_reference",
    "parse_unnormalized_short_name",
    "with_name",
]

# Go error texts (docker/reference and go-digest 1.0.0).
ERR_INVALID_FORMAT = "invalid reference format"
ERR_UPPERCASE = "repository name must be lowercase"
ERR_EMPTY = "repository name must have at least one component"
ERR_TOO_LONG = f"repository name must not be more than {NAME_TOTAL_LENGTH_MAX} characters"
ERR_NOT_CANONICAL = "repository name must be canonical"
ERR_TAG_FORMAT = "invalid tag format"
ERR_DIGEST_FORMAT = "invalid digest format"
ERR_NORMALIZED_UPPERCASE = "invalid reference format: repository name must be lowercase"
ERR_CHECKSUM_FORMAT = "invalid checksum digest format"
ERR_CHECKSUM_LENGTH = "invalid checksum digest length"
ERR_CHECKSUM_UNSUPPORTED = "unsupported digest algorithm"

DEFAULT_DOMAIN = "docker.io"
LEGACY_DEFAULT_DOMAIN = "index.docker.io"
OFFICIAL_REPO_PREFIX = "library/"
DEFAULT_TAG = "latest"

# go-digest: the algorithms a real binary links, and their hex lengths.
_DIGEST_HEX_LENGTH = {"sha256": 64, "sha384": 96, "sha512": 128}


class _ReferenceSlots:
    # The storage of Reference, in a base class so that _make can fill a mutable twin with
    # the same layout and then switch its class (see _make).
    __slots__ = ("digest", "domain", "name", "path", "tag")


@attrs.frozen(slots=True, weakref_slot=False, repr=False)
class Reference(_ReferenceSlots):
    """A parsed image reference (Go ``reference.Named``, possibly tagged and/or digested).

    Instances come from [`parse_reference`][regresolve.parse_reference]; constructing one
    directly validates the parts the way Go's ``WithName``/``WithTag``/``WithDigest`` do.

    Attributes:
        domain: the registry part, e.g. ``docker.io`` or ``quay.io:443``; ``""`` when the
            first path component is not a valid domain (``foo_bar.com/x``).
        path: the repository path, e.g. ``library/busybox``.
        tag: the tag, or None.
        digest: the digest (``algo:hex``), or None.
        name: the repository name, ``domain + "/" + path`` (just ``path`` without a domain).
    """

    domain: str
    path: str
    tag: str | None = None
    digest: str | None = None
    name: str = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        name = f"{self.domain}/{self.path}" if self.domain else self.path
        if len(name.encode()) > NAME_TOTAL_LENGTH_MAX:  # Go counts bytes
            raise InvalidReference(ERR_TOO_LONG, name)
        m = ANCHORED_NAME.fullmatch(name)
        if m is None or (m.group(1) or "") != self.domain:
            raise InvalidReference(ERR_INVALID_FORMAT, name)
        if self.tag is not None and TAG.fullmatch(self.tag) is None:
            raise InvalidReference(ERR_TAG_FORMAT, self.tag)
        if self.digest is not None and DIGEST.fullmatch(self.digest) is None:
            raise InvalidReference(ERR_DIGEST_FORMAT, self.digest)
        object.__setattr__(self, "name", name)

    def __str__(self) -> str:
        s = self.name
        if self.tag is not None:
            s = f"{s}:{self.tag}"
        if self.digest is not None:
            s = f"{s}@{self.digest}"
        return s

    def __repr__(self) -> str:
        return f"Reference({str(self)!r})"

    @property
    def familiar_name(self) -> str:
        """Go ``FamiliarName``: no ``docker.io/``, no ``library/`` before a single component."""
        if self.domain != DEFAULT_DOMAIN:
            return self.name
        path = self.path
        if path.startswith(OFFICIAL_REPO_PREFIX) and path.count("/") == 1:
            return path[8:]
        return path

    @property
    def familiar(self) -> str:
        """Go ``FamiliarString``, e.g. ``busybox:1`` for ``docker.io/library/busybox:1``."""
        s = self.familiar_name
        if self.tag is not None:
            s = f"{s}:{self.tag}"
        if self.digest is not None:
            s = f"{s}@{self.digest}"
        return s

    def with_default_tag(self) -> Reference:
        """Go ``TagNameOnly``: add ``:latest`` only when there is neither a tag nor a digest."""
        if self.tag is None and self.digest is None:
            return _make(self.domain, self.path, DEFAULT_TAG, None, self.name)
        return self

    def with_tag(self, tag: str) -> Reference:
        """Go ``WithTag``: replace the tag (a digest is kept).

        Raises:
            InvalidReference: ``invalid tag format``.
        """
        if TAG.fullmatch(tag) is None:
            raise InvalidReference(ERR_TAG_FORMAT, tag)
        return _make(self.domain, self.path, tag, self.digest, self.name)

    def with_digest(self, digest: str) -> Reference:
        """Go ``WithDigest``: replace the digest (a tag is kept).

        Only the grammar is checked, as in Go: ``sha256:`` + 32 hex digits is accepted.

        Raises:
            InvalidReference: ``invalid digest format``.
        """
        if DIGEST.fullmatch(digest) is None:
            raise InvalidReference(ERR_DIGEST_FORMAT, digest)
        return _make(self.domain, self.path, self.tag, digest, self.name)

    def name_only(self) -> Reference:
        """Go ``TrimNamed``: the repository without tag or digest."""
        if self.tag is None and self.digest is None:
            return self
        return _make(self.domain, self.path, None, None, self.name)


class _Building(_ReferenceSlots):
    """A mutable twin of Reference with the same memory layout."""

    __slots__ = ()
    domain: str
    path: str
    tag: str | None
    digest: str | None
    name: str


_new = object.__new__


def _make(domain: str, path: str, tag: str | None, digest: str | None, name: str) -> Reference:
    """The internal constructor: trusted parts, no validation.

    attrs' frozen ``__init__`` goes through ``object.__setattr__`` once per field.  Plain
    attribute stores on a layout-compatible twin followed by a ``__class__`` switch cost half
    as much (about 150 ns instead of 320 ns), and creating references is most of a parse.
    """
    r = _new(_Building)
    r.domain = domain
    r.path = path
    r.tag = tag
    r.digest = digest
    r.name = name
    r.__class__ = Reference  # type: ignore[assignment]
    return r  # type: ignore[return-value]


_reference_match = REFERENCE.fullmatch
_rest_match = REST.fullmatch
_identifier_match = IDENTIFIER.fullmatch


def _digest_error(digest: str) -> str | None:
    """go-digest ``Digest.Validate`` for a string the reference grammar accepted."""
    alg, _, hexpart = digest.partition(":")
    size = _DIGEST_HEX_LENGTH.get(alg)
    if size is None:
        # Not an available algorithm: "unsupported" when the whole digest matches go-digest's
        # DigestRegexpAnchored, which (given the reference grammar) means a lowercase algorithm.
        return ERR_CHECKSUM_UNSUPPORTED if alg.lower() == alg else ERR_CHECKSUM_FORMAT
    if len(hexpart) != size:
        return ERR_CHECKSUM_LENGTH
    if hexpart.lower() != hexpart:
        return ERR_CHECKSUM_FORMAT
    return None


def _no_match_error(s: str) -> str:
    """The error Go's ``Parse`` gives when ``ReferenceRegexp`` does not match ``s``."""
    if not s:
        return ERR_EMPTY
    # Go retries the match on strings.ToLower(s) to pick the error kind.  When lowering
    # changes nothing the retry cannot succeed, so we skip it.
    lowered = go_lower(s)
    if lowered != s and _reference_match(lowered) is not None:
        return ERR_UPPERCASE
    return ERR_INVALID_FORMAT


def _parse(s: str) -> Reference:
    """Go ``reference.Parse``; raises InvalidReference with the bare Go error."""
    m = _reference_match(s)
    if m is None:
        raise InvalidReference(_no_match_error(s), s)
    domain, path, tag, digest = m.groups()
    name = path if domain is None else f"{domain}/{path}"
    if len(name) > NAME_TOTAL_LENGTH_MAX:
        raise InvalidReference(ERR_TOO_LONG, s)
    if digest is not None:
        err = _digest_error(digest)
        if err is not None:
            raise InvalidReference(err, s)
    return _make(domain or "", path, tag, digest, name)


def parse_raw(text: str) -> Reference:
    """Go ``reference.Parse``: the grammar only, no docker.io normalization.

    The domain is whatever the first component is when it looks like a host and a ``/``
    follows (``library/busybox`` has domain ``library``).

    Raises:
        InvalidReference: with the bare Go error (e.g. ``invalid reference format``).
    """
    return _parse(text)


def parse_reference(text: str, normalize: bool = True) -> Reference:
    """Parse an image reference the way podman does.

    With ``normalize=True`` this is Go ``reference.ParseNormalizedNamed``: ``busybox``
    becomes ``docker.io/library/busybox``.  With ``normalize=False`` it is
    ``reference.ParseNamed``: the input must already be in that canonical form.

    >>> ref = parse_reference("busybox:1")
    >>> ref.name, ref.tag, ref.familiar
    ('docker.io/library/busybox', '1', 'busybox:1')

    Raises:
        InvalidReference: ``go_message`` is the exact Go error text.
    """
    # Go's order: 64-hex check, splitDockerDomain, lowercase check of the repository part,
    # then Parse(domain + "/" + remainder); see the module docstring for the shortcuts.
    # This is the hot path of every plan, so it is one function with _make inlined.
    s = text
    if len(s) == 64 and _identifier_match(s) is not None:
        raise InvalidReference(
            f"invalid repository name ({s}), cannot specify 64-byte hexadecimal strings", s
        )
    # splitDockerDomain: only a first component with "." or ":", or exactly "localhost",
    # is a registry; index.docker.io is docker.io; docker.io/x is docker.io/library/x.
    i = s.find("/")
    other_registry = False
    if i < 0:
        remainder = OFFICIAL_REPO_PREFIX + s
    else:
        head = s[:i]
        if "." not in head and ":" not in head and head != "localhost":
            remainder = s
        elif head in (DEFAULT_DOMAIN, LEGACY_DEFAULT_DOMAIN):
            remainder = s[i + 1 :]
            if "/" not in remainder:
                remainder = OFFICIAL_REPO_PREFIX + remainder
        else:
            other_registry = True
    if other_registry:
        # Parse sees exactly s.
        m = _reference_match(s)
        if m is None:
            _check_lowercase(s[i + 1 :], s)
            raise InvalidReference(_no_match_error(s), s)
        domain, path, tag, digest = m.groups()
        if domain is None:  # the first component is no valid domain: it is part of the path
            domain = ""
            name = path
        else:
            name = f"{domain}/{path}"
    else:
        # docker.io is a valid domain, so "docker.io/" + remainder matches the grammar
        # exactly when the remainder matches what may follow a domain.
        m = _rest_match(remainder)
        if m is None:
            _check_lowercase(remainder, s)
            raise InvalidReference(_no_match_error("docker.io/" + remainder), s)
        path, tag, digest = m.groups()
        domain = DEFAULT_DOMAIN
        name = "docker.io/" + path
    if digest is not None:
        _check_digest(name, tag, digest, s)
    elif len(name) > NAME_TOTAL_LENGTH_MAX:
        raise InvalidReference(ERR_TOO_LONG, s)
    r = _new(_Building)
    r.domain = domain
    r.path = path
    r.tag = tag
    r.digest = digest
    r.name = name
    r.__class__ = Reference  # type: ignore[assignment]
    # ParseNamed: the input must be the normalized string.
    if not normalize and (name if tag is None and digest is None else str(r)) != s:
        raise InvalidReference(ERR_NOT_CANONICAL, s)
    return r  # type: ignore[return-value]


def _check_lowercase(remainder: str, s: str) -> None:
    """ParseNormalizedNamed's check: the remainder up to its first ":" must be lowercase."""
    j = remainder.find(":")
    remote = remainder if j < 0 else remainder[:j]
    if (remote.lower() if remote.isascii() else go_lower(remote)) != remote:
        raise InvalidReference(ERR_NORMALIZED_UPPERCASE, s)


def _check_digest(name: str, tag: str | None, digest: str, s: str) -> None:
    """The checks after a grammar match with a digest, in Go's order.

    1. Without a tag, ParseNormalizedNamed's lowercase check runs into ``@algo``.
    2. Parse: the name length.
    3. go-digest validation.
    """
    alg, _, hexpart = digest.partition(":")
    size = _DIGEST_HEX_LENGTH.get(alg)
    if size is None and tag is None and alg.lower() != alg:
        raise InvalidReference(ERR_NORMALIZED_UPPERCASE, s)
    if len(name) > NAME_TOTAL_LENGTH_MAX:
        raise InvalidReference(ERR_TOO_LONG, s)
    if size is None or len(hexpart) != size or hexpart.lower() != hexpart:
        raise InvalidReference(_digest_error(digest) or ERR_CHECKSUM_FORMAT, s)


def parse_docker_ref(text: str) -> Reference:
    """Go ``reference.ParseDockerRef``: normalize; tag+digest keeps only the digest; add
    ``:latest`` to a bare name."""
    ref = parse_reference(text)
    if ref.tag is not None and ref.digest is not None:
        return _make(ref.domain, ref.path, None, ref.digest, ref.name)
    return ref.with_default_tag()


def parse_any_reference(text: str) -> Reference | str:
    """Go ``reference.ParseAnyReference``.

    Returns the digest string for a 64-hex image ID (as ``sha256:<hex>``) or for a valid
    ``algo:hex`` digest, and a [`Reference`][regresolve.Reference] otherwise.
    """
    if len(text) == 64 and _identifier_match(text) is not None:
        return "sha256:" + text
    alg, sep, hexpart = text.partition(":")
    size = _DIGEST_HEX_LENGTH.get(alg)
    if (
        sep
        and size is not None
        and len(hexpart) == size
        and hexpart.isascii()
        and hexpart.lower() == hexpart
        and all(c in "0123456789abcdef" for c in hexpart)
    ):
        return text
    return parse_reference(text)


def with_name(name: str) -> Reference:
    """Go ``reference.WithName``: a repository name, unnormalized (length is checked first)."""
    if len(name.encode()) > NAME_TOTAL_LENGTH_MAX:
        raise InvalidReference(ERR_TOO_LONG, name)
    m = ANCHORED_NAME.fullmatch(name)
    if m is None:
        raise InvalidReference(ERR_INVALID_FORMAT, name)
    return _make(m.group(1) or "", m.group(2), None, None, name)


def _is_registry(domain: str) -> bool:
    return "." in domain or ":" in domain or domain == "localhost"


def parse_unnormalized_short_name(text: str) -> tuple[bool, Reference]:
    """Go ``shortnames.parseUnnormalizedShortName``.

    Returns ``(True, raw reference)`` for a short name and ``(False, normalized reference)``
    otherwise.

    Raises:
        InvalidReference: ``cannot parse input: "<text>": <err>`` or
            ``cannot normalize input: "<text>": <err>``.
    """
    try:
        ref = _parse(text)
    except InvalidReference as e:
        raise InvalidReference(
            f"cannot parse input: {go_quote(text)}: {e.go_message}", text
        ) from None
    if _is_registry(ref.domain):
        try:
            return False, parse_reference(text)
        except InvalidReference as e:
            raise InvalidReference(
                f"cannot normalize input: {go_quote(text)}: {e.go_message}", text
            ) from None
    return True, ref


def is_short_name(text: str) -> bool:
    """Go ``shortnames.IsShortName``: is there no registry in ``text``?

    ``fedora``, ``library/fedora`` and ``Foo/bar``-style first components without ``.``/``:``
    are short; ``quay.io/fedora`` and ``localhost/fedora`` are not.

    Go's function returns false for unparseable input and drops the error; we raise it
    instead (the text Go's ``ResolveLocally`` reports).

    Raises:
        InvalidReference: ``cannot parse input: "<text>": <err>`` (or ``cannot normalize
            input: ...`` for a qualified name that fails normalization).
    """
    return parse_unnormalized_short_name(text)[0]
