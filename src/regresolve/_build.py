"""One registries.conf file -> :class:`ParsedFile`, exactly as containers/image v5.34.2 does it.

Go's ``loadConfigFile`` (``pkg/sysregistriesv2``), per file:

1. decode the TOML into the struct with the v2 and the v1 keys (:mod:`regresolve._decode`);
2. v1/v2 detection and conversion (R-V1): :func:`_v1_to_v2`;
3. ``postProcessRegistries``: per-entry location/prefix/mirror checks, the per-file conflict
   check, the search list, de-duplication by prefix and the sort (R-CONF-6..9):
   :func:`_post_process`;
4. the short-name mode, the wildcard prefix format and the aliases (R-CONF-10, R-SN-7/8).

Every error is wrapped with ``loading [drop-in ]registries configuration "<path>": ``.
Merging the files is :func:`regresolve._config.merge`.  Nothing here reads files.

Error messages that Go builds from a map walk (several alias errors) are in file order here;
Go's order is random.  Everything else is deterministic in Go and reproduced byte for byte.
"""

from __future__ import annotations

import gc
import re
from typing import Final, NoReturn

from regresolve._aliases import validate_aliases
from regresolve._decode import (
    DecodeError,
    RawFile,
    RawMirror,
    RawRegistry,
    any_name_of,
    decode,
    entry_of,
    go_dump,
    type_message,
)
from regresolve._errors import ConfigProblem, InvalidConfig
from regresolve._gotext import go_quote
from regresolve._model import (
    PULL_FROM_MIRROR_VALUES,
    SHORT_NAME_MODES,
    Alias,
    Mirror,
    Registry,
    new_mirror,
    new_registry,
)
from regresolve._profiles import DEFAULT_MINOR, since
from regresolve._tomldecode import TomlDecodeError, toml_for_containers_image
from regresolve._tomldecode import decode as decode_toml

__all__ = ["ParsedFile", "parse_file", "parse_location"]

# R-REF-1 ``domain``, anchored (Go: anchoredDomainRegexp).  Components cannot contain ".",
# so the only backtracking is inside one component: linear.
_DOMAIN_RE: Final = re.compile(
    r"[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
    r"(?::[0-9]+)?",
    re.ASCII,
)
_SCHEMES: Final = ("http://", "https://")


class ParsedFile:
    """One validated file, before merging (Go's ``parsedConfig`` for a single file).

    Attributes:
        path: the file's path as used in messages and ``origin`` fields.
        registries: validated, de-duplicated, sorted by prefix.
        unqualified_search_registries: None when the key is absent.
        credential_helpers: None when the key is absent.
        short_name_mode: ``""`` when unset or empty.
        additional_layer_store_auth_helper: as written.
        aliases: name -> :class:`Alias` (value ``""`` records an erased alias).
    """

    __slots__ = (
        "additional_layer_store_auth_helper",
        "aliases",
        "credential_helpers",
        "path",
        "registries",
        "short_name_mode",
        "unqualified_search_registries",
    )

    def __init__(
        self,
        path: str,
        *,
        registries: list[Registry],
        unqualified_search_registries: tuple[str, ...] | None,
        credential_helpers: tuple[str, ...] | None,
        short_name_mode: str,
        additional_layer_store_auth_helper: str,
        aliases: dict[str, Alias],
    ) -> None:
        self.path = path
        self.registries = registries
        self.unqualified_search_registries = unqualified_search_registries
        self.credential_helpers = credential_helpers
        self.short_name_mode = short_name_mode
        self.additional_layer_store_auth_helper = additional_layer_store_auth_helper
        self.aliases = aliases


def parse_location(s: str) -> str:
    """Go ``parseLocation`` (R-CONF-5): trailing slashes trimmed, no URI scheme."""
    trimmed = s.rstrip("/")
    if trimmed.startswith(_SCHEMES):
        raise ConfigProblem(f"invalid location '{s}': URI schemes are not supported")
    return trimmed


# -- v1 (R-V1) ----------------------------------------------------------------------------


def _v1_to_v2(raw: RawFile) -> None:
    """Go ``ConvertToV2``: one registry per distinct trimmed location, in first-seen order."""
    regs: dict[str, list[bool]] = {}  # location -> [insecure, blocked]
    for table, values, idx in (("block", raw.v1_block, 1), ("insecure", raw.v1_insecure, 0)):
        for i, value in enumerate(values or ()):
            try:
                loc = parse_location(value)
            except ConfigProblem as e:
                e.entry = f"registries.{table}.registries[{i}]"
                raise
            flags = regs.get(loc)
            if flags is None:
                flags = regs[loc] = [False, False]
            flags[idx] = True
    from_v1 = [(loc, loc, f[0], "", None, f[1], False, "") for loc, f in regs.items()]
    raw.registries = [_raw_registry(*r) for r in from_v1]
    raw.from_v1 = True
    raw.unqualified_search_registries = raw.v1_search
    raw.v1_search = raw.v1_insecure = raw.v1_block = None


def _raw_registry(*fields: object) -> RawRegistry:
    return RawRegistry(*fields)  # type: ignore[arg-type]


# -- postProcessRegistries (R-CONF-6..9) --------------------------------------------------


def _post_process(raw: RawFile, path: str, *, trim_mirrors: bool = True) -> list[Registry]:
    """The validated registries, sorted by prefix (the first entry of each prefix kept).

    ``trim_mirrors``: a mirror's location is stored without its trailing ``/`` (5.35+);
    before, the validated copy was thrown away and the location kept as written.
    """
    entries = raw.registries or []
    v1 = raw.from_v1
    entry_name = "registries" if v1 else "registry"
    # The group key (location, else prefix) of each entry; the conflict check below only
    # runs when some key is shared.
    groups: list[str] = []
    kept: dict[str, Registry] = {}
    for i, (raw_prefix, raw_location, insecure, pfm, mirrors, blocked, mbdo, proxy) in enumerate(
        entries
    ):
        try:
            location = parse_location(raw_location)
            if raw_prefix == "":
                if location == "":
                    raise ConfigProblem("invalid condition: both location and prefix are unset")
                prefix = location
            else:
                prefix = parse_location(raw_prefix)
                if location == "" and not prefix.startswith("*."):
                    raise ConfigProblem(
                        "invalid condition: location is unset and prefix is not in the"
                        " format: *.example.com"
                    )
            if pfm != "":
                raise ConfigProblem(
                    f"pull-from-mirror must not be set for a non-mirror registry {go_quote(prefix)}"
                )
            made: tuple[Mirror, ...] = ()
            if mirrors:
                made_list = []
                for mloc, minsecure, mpfm, mproxy in mirrors:
                    # The common case in one test; any doubt goes to the full check,
                    # which raises Go's error for the first mirror that has one.
                    if (
                        not mloc
                        or mloc[-1] == "/"
                        or "://" in mloc
                        or mpfm not in PULL_FROM_MIRROR_VALUES
                        or (mbdo and mpfm != "")
                    ):
                        _check_mirrors(mirrors, prefix, mbdo, i)
                        if trim_mirrors:
                            mloc = mloc.rstrip("/")  # noqa: PLW2901
                    made_list.append(new_mirror(mloc, minsecure, mpfm, mproxy))
                made = tuple(made_list)
        except ConfigProblem as e:
            if e.entry is None:
                e.entry = f"{entry_name}[{i}]"
            raise
        groups.append(location or prefix)
        if prefix not in kept:
            kept[prefix] = new_registry(
                prefix,
                location,
                insecure,
                blocked,
                mbdo,
                made,
                path,
                f"{entry_name}[{i}]",
                proxy,
            )
    if len(set(groups)) < len(groups):
        _check_conflicts(entries)

    usr = raw.unqualified_search_registries
    if usr is not None:
        usr_key = "unqualified-search-registries" if not v1 else "registries.search.registries"
        for i, value in enumerate(usr):
            try:
                reg = parse_location(value)
                if _DOMAIN_RE.fullmatch(reg) is None:
                    raise ConfigProblem(
                        f"Invalid unqualified-search-registries entry {go_quote(reg)}"
                    )
            except ConfigProblem as e:
                e.entry = f"{usr_key}[{i}]"
                raise
            usr[i] = reg

    return [kept[p] for p in sorted(kept)]


def _check_conflicts(entries: list[RawRegistry]) -> None:
    """Entries that share a location (or prefix) must agree on ``insecure`` and ``blocked``.

    Every entry against every member of its group, in file order, as Go does; only called
    for entries that all passed validation.
    """
    checked: list[tuple[str, bool, bool]] = []
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(entries):
        location = r.location.rstrip("/")
        checked.append((location, r.insecure, r.blocked))
        groups.setdefault(location or r.prefix.rstrip("/"), []).append(i)
    for i, (location, insecure, blocked) in enumerate(checked):
        members = groups[location or entries[i].prefix.rstrip("/")]
        if len(members) == 1:
            continue
        for j in members:
            other = checked[j]
            if insecure != other[1]:
                raise ConfigProblem(
                    f"registry '{location}' is defined multiple times with conflicting"
                    " 'insecure' setting",
                    f"registry[{i}]",
                )
            if blocked != other[2]:
                raise ConfigProblem(
                    f"registry '{location}' is defined multiple times with conflicting"
                    " 'blocked' setting",
                    f"registry[{i}]",
                )


def _check_mirrors(mirrors: list[RawMirror], prefix: str, mbdo: bool, i: int) -> None:
    for j, (mloc, _insecure, mpfm, _proxy) in enumerate(mirrors):
        try:
            # Go 5.34.2 validates a trimmed *copy*: the stored location keeps its
            # trailing "/" (R-CONF-6.5); messages show the trimmed one.
            trimmed = mloc.rstrip("/")
            if trimmed.startswith(_SCHEMES):
                raise ConfigProblem(f"invalid location '{mloc}': URI schemes are not supported")
            if trimmed == "":
                raise ConfigProblem("invalid condition: mirror location is unset")
            if mbdo and mpfm != "":
                raise ConfigProblem(
                    "cannot set mirror usage mirror-by-digest-only for the registry"
                    f" ({go_quote(prefix)}) and pull-from-mirror for per-mirror"
                    f" ({go_quote(trimmed)}) at the same time"
                )
            if mpfm not in PULL_FROM_MIRROR_VALUES:
                raise ConfigProblem(
                    f"unsupported pull-from-mirror value {go_quote(mpfm)}"
                    f" for mirror {go_quote(trimmed)}"
                )
        except ConfigProblem as e:
            e.entry = f"registry[{i}].mirror[{j}]"
            raise


# -- per file -----------------------------------------------------------------------------


def _raise(path: str, dropin: bool, message: str, entry: str | None) -> NoReturn:
    """``dropin``: the file is named as a drop-in (up to 5.39; 5.40 names every file alike)."""
    what = "drop-in registries configuration" if dropin else "registries configuration"
    raise InvalidConfig(f"loading {what} {go_quote(path)}: {message}", path=path, entry=entry)


def parse_file(
    data: str | bytes,
    path: str,
    *,
    dropin: bool,
    minor: int = DEFAULT_MINOR,
    toml: str | None = None,
) -> ParsedFile:
    """Go ``loadConfigFile(path, forceV2=dropin)`` on a file already read.

    ``data`` is the file's bytes (as Go reads them: byte-order marks, NUL bytes and bytes that
    are not UTF-8 are the decoder's business) or its text.  ``minor``: the containers/image
    release 5.``minor`` whose rules apply (docs/versions.md); ``toml``: the BurntSushi/toml
    dialect it is built with, when not the one its go.mod asks for (Debian's 5.39.2: "1.6").

    Raises:
        InvalidConfig: with ``go_message`` wrapped as Go's ``tryUpdatingCache`` wraps it.
    """
    dialect = toml or toml_for_containers_image(minor)
    # A large file allocates millions of acyclic containers; the cyclic GC's passes over the
    # growing heap would cost as much as the parsing, and nothing made here forms a cycle, so
    # the collector is paused meanwhile (and the previous state restored).
    if len(data) < 65536 or not gc.isenabled():
        return _parse_file(data, path, dropin=dropin, minor=minor, toml=dialect)
    gc.disable()
    try:
        return _parse_file(data, path, dropin=dropin, minor=minor, toml=dialect)
    finally:
        gc.enable()


def _v1_or_v2(raw: RawFile, dropin: bool, minor: int) -> None:
    """The v1 format: refused (5.40+), converted, or refused next to v2 keys (R-V1)."""
    if since(minor, "v1-format-refused"):
        if raw.v1_set():
            raise ConfigProblem("registries.conf must be in v2 format but is in v1", "registries")
        return
    if since(minor, "mixing-refuses-empty-v1"):
        # Any v1 list that was given counts, even an empty one; the message dumps the struct.
        if raw.v1_set():
            if dropin:
                raise ConfigProblem("registry must be in v2 format but is in v1")
            if raw.v2_set():
                raise ConfigProblem(
                    "mixing sysregistry v1/v2 is not supported: "
                    + go_dump(raw, als_auth_helper=since(minor, "als-auth-helper-key")),
                    "registries",
                )
            _v1_to_v2(raw)
        return
    # Up to 5.23 (Nonempty): empty lists and an empty [aliases] table count as absent, so
    # v1 tables holding only empty lists are ignored and the file is v2.
    if raw.v1_nonempty():
        if dropin:
            raise ConfigProblem("registry must be in v2 format but is in v1")
        if raw.v2_nonempty():
            raise ConfigProblem("mixing sysregistry v1/v2 is not supported", "registries")
        # ConvertToV2 replaces the whole v2 half (which held nothing but empty values).
        raw.credential_helpers = raw.aliases = None
        raw.short_name_mode = raw.additional_layer_store_auth_helper = ""
        _v1_to_v2(raw)


def _parse_file(data: str | bytes, path: str, *, dropin: bool, minor: int, toml: str) -> ParsedFile:
    # From 5.40 every file's errors read "loading registries configuration".
    named_dropin = dropin and not since(minor, "configfile-discovery")
    try:
        doc = decode_toml(data, toml=toml)
    except TomlDecodeError as e:
        _raise(path, named_dropin, e.go_text, None)
    try:
        raw = decode(
            doc.values,
            als_auth_helper=since(minor, "als-auth-helper-key"),
            namespace_proxy=since(minor, "namespace-proxy"),
        )
    except DecodeError as e:
        message = type_message(e, doc.key_lines, any_name=any_name_of(toml))
        _raise(path, named_dropin, message, entry_of(e))
    try:
        _v1_or_v2(raw, dropin, minor)
        registries = _post_process(raw, path, trim_mirrors=since(minor, "mirror-location-trimmed"))
        mode = raw.short_name_mode
        if mode != "" and mode not in SHORT_NAME_MODES:
            raise ConfigProblem(f"invalid short-name mode: {go_quote(mode)}", "short-name-mode")
        for reg in registries:
            p = reg.prefix
            if p.startswith("*.") and ("/" in p or "@" in p or ":" in p):
                raise ConfigProblem(
                    "Wildcarded prefix should be in the format: *.example.com. Current prefix"
                    f" {go_quote(p)} is incorrectly formatted",
                    reg.entry + ".prefix",
                )
        aliases: dict[str, Alias] = {}
        if raw.aliases:
            try:
                aliases = validate_aliases(
                    raw.aliases, path, file_order=since(minor, "alias-errors-in-file-order")
                )
            except ConfigProblem as e:
                e.message = "validating short-name aliases: " + e.message
                raise
    except ConfigProblem as e:
        _raise(path, named_dropin, e.message, e.entry)
    usr = raw.unqualified_search_registries
    helpers = raw.credential_helpers
    return ParsedFile(
        path,
        registries=registries,
        unqualified_search_registries=tuple(usr) if usr is not None else None,
        credential_helpers=tuple(helpers) if helpers is not None else None,
        short_name_mode=mode,
        additional_layer_store_auth_helper=raw.additional_layer_store_auth_helper,
        aliases=aliases,
    )
