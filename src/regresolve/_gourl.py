"""Go's ``net/url`` (Go 1.23) as far as a registries.d ``lookaside`` URL needs it.

containers/image parses a configured lookaside with ``url.Parse`` (its error becomes
``Invalid signature storage URL <url>: parse "<url>": <reason>``), appends ``/<repository
path>`` to ``URL.Path`` and uses the result; regresolve prints it as ``URL.Redacted()`` does
(a password in the user information is replaced by ``xxxxx``, so no secret is shown).  This
module ports ``Parse`` (scheme, opaque form, authority, host and port checks, percent
escapes, fragment) and ``String`` on bytes, so results are byte-for-byte Go's.
"""

from __future__ import annotations

import re
from typing import Final

import attrs

from regresolve._gojson import _rune_at, go_utf8
from regresolve._gotext import go_quote

__all__ = ["GoURL", "URLError", "parse_url", "redact_text"]


class URLError(ValueError):
    """A ``url.Parse`` error; ``str()`` is Go's text."""


_PATH, _HOST, _ZONE, _USER, _FRAG = "path", "host", "zone", "user", "frag"
_ALNUM: Final = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_HEX: Final = frozenset(b"0123456789abcdefABCDEF")


def _should_escape(c: int, mode: str) -> bool:
    if c in _ALNUM:
        return False
    if mode in (_HOST, _ZONE) and c in b"!$&'()*+,;=:[]<>\"":
        return False
    if c in b"-_.~":
        return False
    if c in b"$&+,/:;=?@":
        if mode == _PATH:
            return c == 0x3F
        if mode == _USER:
            return c in b"@/?:"
        if mode == _FRAG:
            return False
    return not (mode == _FRAG and c in b"!()*")


def _escape(s: bytes, mode: str) -> bytes:
    out = bytearray()
    for c in s:
        if _should_escape(c, mode):
            out += b"%%%02X" % c
        else:
            out.append(c)
    return bytes(out)


def _text(b: bytes) -> str:
    return go_utf8(b)


def _quote(b: bytes) -> str:
    """Go's ``%q`` of a byte string: an invalid UTF-8 byte is written ``\\xNN``."""
    out = []
    i = 0
    while i < len(b):
        r, size = _rune_at(b, i)
        if r == 0xFFFD and size == 1 and b[i : i + 3] != b"\xef\xbf\xbd":
            out.append(f"\\x{b[i]:02x}")
        else:
            out.append(go_quote(chr(r))[1:-1])
        i += size
    return '"' + "".join(out) + '"'


def _unescape(s: bytes, mode: str) -> bytes:
    i = 0
    n = 0
    while i < len(s):
        c = s[i]
        if c == 0x25:
            n += 1
            if i + 2 >= len(s) or s[i + 1] not in _HEX or s[i + 2] not in _HEX:
                bad = s[i : i + 3]
                raise URLError(f"invalid URL escape {_quote(bad)}")
            if mode == _HOST and int(s[i + 1 : i + 2], 16) < 8 and s[i : i + 3] != b"%25":
                raise URLError(f"invalid URL escape {_quote(s[i : i + 3])}")
            if mode == _ZONE:
                v = int(s[i + 1 : i + 3], 16)
                if s[i : i + 3] != b"%25" and v != 0x20 and _should_escape(v, _HOST):
                    raise URLError(f"invalid URL escape {_quote(s[i : i + 3])}")
            i += 3
            continue
        if mode in (_HOST, _ZONE) and c < 0x80 and _should_escape(c, mode):
            raise URLError(f"invalid character {go_quote(chr(c))} in host name")
        i += 1
    if n == 0:
        return s
    out = bytearray()
    i = 0
    while i < len(s):
        if s[i] == 0x25:
            out.append(int(s[i + 1 : i + 3], 16))
            i += 3
        else:
            out.append(s[i])
            i += 1
    return bytes(out)


def _valid_port(port: bytes) -> bool:
    return not port or (port[:1] == b":" and all(0x30 <= b <= 0x39 for b in port[1:]))


def _parse_host(host: bytes) -> bytes:
    if host.startswith(b"["):
        i = host.rfind(b"]")
        if i < 0:
            raise URLError("missing ']' in host")
        if not _valid_port(host[i + 1 :]):
            raise URLError(f"invalid port {_quote(host[i + 1 :])} after host")
        zone = host[:i].find(b"%25")
        if zone >= 0:
            return (
                _unescape(host[:zone], _HOST)
                + _unescape(host[zone:i], _ZONE)
                + _unescape(host[i:], _HOST)
            )
    else:
        i = host.rfind(b":")
        if i != -1 and not _valid_port(host[i:]):
            raise URLError(f"invalid port {_quote(host[i:])} after host")
    return _unescape(host, _HOST)


_USERINFO_OK: Final = frozenset(b"-._:~!$&'()*+,;=%@") | _ALNUM


@attrs.frozen
class GoURL:
    """The parts of a Go ``*url.URL`` that ``String`` uses (bytes, as Go's strings)."""

    scheme: bytes = b""
    opaque: bytes = b""
    user: tuple[bytes, bytes | None] | None = None
    host: bytes = b""
    path: bytes = b""
    omit_host: bool = False
    force_query: bool = False
    raw_query: bytes = b""
    fragment: bytes = b""
    raw_fragment: bytes = b""

    def redacted(self) -> str:
        """``URL.Redacted()``: ``String()`` with any password replaced by ``xxxxx``."""
        if self.user is not None and self.user[1] is not None:
            return attrs.evolve(self, user=(self.user[0], b"xxxxx")).string()
        return self.string()

    def string(self) -> str:
        """``URL.String()`` (``RawPath`` is never current: callers change ``path``)."""
        buf = bytearray()
        if self.scheme:
            buf += self.scheme + b":"
        if self.opaque:
            buf += self.opaque
        else:
            if (self.scheme or self.host or self.user is not None) and not (
                self.omit_host and not self.host and self.user is None
            ):
                if self.host or self.path or self.user is not None:
                    buf += b"//"
                if self.user is not None:
                    buf += _escape(self.user[0], _USER)
                    if self.user[1] is not None:
                        buf += b":" + _escape(self.user[1], _USER)
                    buf += b"@"
                if self.host:
                    buf += _escape(self.host, _HOST)
            path = b"*" if self.path == b"*" else _escape(self.path, _PATH)
            if path and path[:1] != b"/" and self.host:
                buf += b"/"
            if not buf and b":" in path.split(b"/", 1)[0]:
                buf += b"./"
            buf += path
        if self.force_query or self.raw_query:
            buf += b"?" + self.raw_query
        if self.fragment:
            frag = self.raw_fragment
            if not (frag and _valid_encoded(frag) and _unescape_ok(frag) == self.fragment):
                frag = _escape(self.fragment, _FRAG)
            buf += b"#" + frag
        return _text(bytes(buf))


def _valid_encoded(s: bytes) -> bool:
    return all(c in b"!$&'()*+,;=:@[]%" or not _should_escape(c, _FRAG) for c in s)


def _unescape_ok(s: bytes) -> bytes | None:
    try:
        return _unescape(s, _FRAG)
    except URLError:
        return None


def _parse(raw: bytes) -> GoURL:
    if any(b < 0x20 or b == 0x7F for b in raw):
        raise URLError("net/url: invalid control character in URL")
    if raw == b"*":
        return GoURL(path=b"*")
    scheme, rest = b"", raw
    for i, c in enumerate(raw):
        if c in _ALNUM and not (0x30 <= c <= 0x39):
            continue
        if (0x30 <= c <= 0x39) or c in b"+-.":
            if i == 0:
                break
            continue
        if c == 0x3A:
            if i == 0:
                raise URLError("missing protocol scheme")
            scheme, rest = raw[:i].lower(), raw[i + 1 :]
        break
    force_query = False
    raw_query = b""
    if rest.endswith(b"?") and rest.count(b"?") == 1:
        force_query, rest = True, rest[:-1]
    else:
        rest, _, raw_query = rest.partition(b"?")
    if not rest.startswith(b"/"):
        if scheme:
            return GoURL(scheme=scheme, opaque=rest, force_query=force_query, raw_query=raw_query)
        if b":" in rest.split(b"/", 1)[0]:
            raise URLError("first path segment in URL cannot contain colon")
    user: tuple[bytes, bytes | None] | None = None
    host = b""
    omit_host = False
    if (scheme or not rest.startswith(b"///")) and rest.startswith(b"//"):
        authority, rest = rest[2:], b""
        slash = authority.find(b"/")
        if slash >= 0:
            authority, rest = authority[:slash], authority[slash:]
        at = authority.rfind(b"@")
        host = _parse_host(authority[at + 1 :] if at >= 0 else authority)
        if at >= 0:
            info = authority[:at]
            if not all(c in _USERINFO_OK for c in info):
                raise URLError("net/url: invalid userinfo")
            if b":" not in info:
                user = (_unescape(info, _USER), None)
            else:
                name, _, password = info.partition(b":")
                user = (_unescape(name, _USER), _unescape(password, _USER))
    elif scheme and rest.startswith(b"/"):
        omit_host = True
    path = _unescape(rest, _PATH)
    return GoURL(scheme, b"", user, host, path, omit_host, force_query, raw_query)


def parse_url(text: str) -> GoURL:
    """``url.Parse``.

    Raises:
        URLError: ``parse "<url>": <reason>`` as Go's ``*url.Error`` prints it.
    """
    raw = text.encode("utf-8", "surrogatepass")
    base, sep, frag = raw.partition(b"#")
    try:
        url = _parse(base)
    except URLError as e:
        raise URLError(f"parse {_quote(base)}: {e}") from None
    if not sep or not frag:
        return url
    try:
        fragment = _unescape(frag, _FRAG)
    except URLError as e:
        raise URLError(f"parse {_quote(raw)}: {e}") from None
    raw_frag = b"" if _escape(fragment, _FRAG) == frag else frag
    return attrs.evolve(url, fragment=fragment, raw_fragment=raw_frag)


_USERINFO_PASSWORD: Final = re.compile(r'(//[^/?#@"\s]*?:)([^/?#@"\s]*)@')


def redact_text(text: str, password: str | None = None) -> str:
    """Replace URL passwords in ``text`` (``//user:password@``) by ``xxxxx``, as
    ``URL.Redacted`` does; ``password``, when known, is replaced wherever it occurs."""
    if password:
        text = text.replace(password, "xxxxx")
    return _USERINFO_PASSWORD.sub(r"\1xxxxx@", text)


def url_password(text: str) -> str | None:
    """The password of ``scheme://user:password@host...`` as written, or None."""
    m = _USERINFO_PASSWORD.search(text)
    return m.group(2) if m is not None and m.group(2) else None
