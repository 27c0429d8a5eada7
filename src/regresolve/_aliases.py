"""Short-name aliases: validating names and values, and the user's alias cache (R-SN-6..8).

``[aliases]`` in registries.conf and the machine-written cache
(``~/.cache/containers/short-name-aliases.conf``) follow the same rules: a name must be a
short name (no registry, tag or digest), a value a fully qualified repository (registry and
path, no tag or digest), normalized the way ``ParseNormalizedNamed`` does.  An empty value
erases an alias set by an earlier file.
"""

from __future__ import annotations

from collections.abc import Mapping

from regresolve._decode import (
    DecodeError,
    any_name_of,
    decode_aliases_only,
    entry_of,
    type_message,
)
from regresolve._errors import ConfigProblem, InvalidConfig, InvalidReference
from regresolve._gotext import go_quote
from regresolve._model import Alias
from regresolve._reference import parse_raw, parse_reference
from regresolve._tomldecode import TomlDecodeError
from regresolve._tomldecode import decode as decode_toml

__all__ = ["parse_alias_cache", "short_name_error", "short_name_value", "validate_aliases"]


def _has_registry(domain: str) -> bool:
    return "." in domain or ":" in domain or domain == "localhost"


def short_name_error(name: str) -> str | None:
    """Go ``validateShortName`` (R-SN-8): the error text, or None when ``name`` is valid."""
    try:
        ref = parse_raw(name)
    except InvalidReference as e:
        return f"cannot parse short name: {go_quote(name)}: {e.go_message}"
    if ref.digest is not None:
        return f"invalid short name {go_quote(name)}: must not contain digest"
    if ref.tag is not None:
        return f"invalid short name {go_quote(name)}: must not contain tag"
    if _has_registry(ref.domain):
        return f"invalid short name {go_quote(name)}: must not contain registry"
    return None


def short_name_value(value: str) -> tuple[str | None, str | None]:
    """Go ``parseShortNameValue`` (R-SN-7): ``(normalized, None)`` or ``(None, error text)``."""
    try:
        ref = parse_raw(value)
    except InvalidReference as e:
        return None, f"parsing alias {go_quote(value)}: {e.go_message}"
    if ref.digest is not None:
        return None, f"invalid alias {go_quote(value)}: must not contain digest"
    if ref.tag is not None:
        return None, f"invalid alias {go_quote(value)}: must not contain tag"
    if not _has_registry(ref.domain):
        return None, f"invalid alias {go_quote(value)}: must contain registry and repository"
    try:
        return parse_reference(value).name, None  # ParseNormalizedNamed, unwrapped errors
    except InvalidReference as e:
        return None, e.go_message


def _alias_errors(name: str, value: str) -> tuple[list[str], str | None]:
    """Errors for one alias (name first, then value) and the normalized value."""
    errs: list[str] = []
    err = short_name_error(name)
    if err is not None:
        errs.append(err)
    if value == "":
        return errs, ""
    normalized, verr = short_name_value(value)
    if verr is not None:
        errs.append(verr)
        return errs, None
    return errs, normalized


def validate_aliases(
    aliases: Mapping[str, str], path: str, *, file_order: bool = True
) -> dict[str, Alias]:
    """Every alias of one file, validated; all errors joined.

    Go collects the errors walking a map, so its order is random; regresolve's is the file's.
    ``file_order`` (5.31+): joined by newlines in that order; before, each later error was
    put in front of the ones before it with ``"\n: "`` between them.

    Raises:
        ConfigProblem: one or more invalid aliases.
    """
    out: dict[str, Alias] = {}
    errs: list[str] = []
    first_bad: str | None = None
    for name, value in aliases.items():
        e, normalized = _alias_errors(name, value)
        if e:
            errs.extend(e)
            if first_bad is None:
                first_bad = name
        if normalized is not None:
            out[name] = Alias(name, normalized, path)
    if errs:
        text = "\n".join(errs) if file_order else "\n: ".join(reversed(errs))
        raise ConfigProblem(text, f"aliases.{go_quote(first_bad or '')}")
    return out


def parse_alias_cache(
    data: str | bytes, path: str, *, file_order: bool = True, toml: str = "1.4"
) -> tuple[Alias, ...]:
    """Validate the machine-written short-name alias cache (``[aliases]`` only).

    ``data``: the file's bytes (or text), decoded as containers/image decodes it;
    ``file_order`` as for :func:`validate_aliases`; ``toml``: the BurntSushi/toml dialect.

    Raises:
        InvalidConfig: ``loading short-name aliases config file "<path>": ...``.
    """
    prefix = f"loading short-name aliases config file {go_quote(path)}: "
    try:
        doc = decode_toml(data, toml=toml)
    except TomlDecodeError as e:
        raise InvalidConfig(prefix + e.go_text, path=path) from None
    try:
        aliases = decode_aliases_only(doc.values)
    except DecodeError as e:
        message = prefix + type_message(e, doc.key_lines, any_name=any_name_of(toml))
        raise InvalidConfig(message, path=path, entry=entry_of(e)) from None
    try:
        validated = validate_aliases(aliases, path, file_order=file_order)
    except ConfigProblem as e:
        raise InvalidConfig(prefix + e.message, path=path, entry=e.entry) from None
    return tuple(validated[k] for k in sorted(validated))
