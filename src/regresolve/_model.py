"""Immutable value objects for a merged containers-registries.conf.

These mirror the Go types of ``pkg/sysregistriesv2`` (v5.34.2) after loading:
``Endpoint`` (here :class:`Mirror`), ``Registry`` and ``V2RegistriesConf`` with its
short-name alias table.  They are plain data: the parsers in ``_config`` are the only
way configuration text becomes these objects, and they do all validation there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal

import attrs

__all__ = [
    "DEFAULT_CREDENTIAL_HELPERS",
    "Alias",
    "Mirror",
    "PullFromMirror",
    "RegistriesConf",
    "Registry",
    "ShortNameMode",
]

#: Values of ``[[registry.mirror]] pull-from-mirror`` (``""`` behaves like ``"all"``).
PullFromMirror = Literal["", "all", "digest-only", "tag-only"]
#: Values of ``short-name-mode`` after merging (``""`` means unset, i.e. permissive).
ShortNameMode = Literal["", "enforcing", "permissive", "disabled"]

#: What ``credential-helpers`` becomes when no file sets a non-empty list (R-LOAD-5).
DEFAULT_CREDENTIAL_HELPERS: Final = ("containers-auth.json",)


@attrs.frozen
class Mirror:
    """One ``[[registry.mirror]]`` endpoint.

    Attributes:
        location: the mirror's location exactly as stored by v5.34.2.  Note that
            5.34.2 does *not* strip a trailing ``/`` here (R-CONF-6.5).
        insecure: skip TLS verification / allow HTTP for this mirror only.
        pull_from_mirror: ``""``, ``"all"``, ``"digest-only"`` or ``"tag-only"``.
    """

    location: str
    insecure: bool = False
    pull_from_mirror: PullFromMirror = ""


@attrs.frozen
class Registry:
    """One ``[[registry]]`` table after validation and merging.

    Attributes:
        prefix: the (trimmed) prefix it matches; equal to ``location`` when the file
            gave none.  ``*.example.com`` is a wildcard.
        location: where matching references are rewritten to (may be ``""`` for a
            wildcard prefix: no rewrite).
        insecure: the primary endpoint's TLS setting.
        blocked: pulls whose *physical* reference falls under this entry fail.
        mirror_by_digest_only: use the mirrors only for digest references.
        mirrors: in file order.
        origin: the file this entry was read from ("" for in-memory text); not part
            of equality, so a configuration written and read back compares equal.
    """

    prefix: str
    location: str
    insecure: bool = False
    blocked: bool = False
    mirror_by_digest_only: bool = False
    mirrors: tuple[Mirror, ...] = ()
    origin: str = attrs.field(default="", eq=False)


@attrs.frozen
class Alias:
    """One short-name alias.

    Attributes:
        name: the short name, exactly as written (aliases are not normalized).
        value: the normalized target (``docker.io/library/foo``), or ``""`` when a
            later file erased the alias.
        origin: the file that set it last ("" for in-memory text).
    """

    name: str
    value: str
    origin: str = attrs.field(default="", eq=False)


@attrs.frozen
class RegistriesConf:
    """A merged registries.conf: the main file and its drop-ins, as containers/image sees it.

    Attributes:
        registries: sorted by prefix (Go ``sort.Strings`` byte order), which is also
            the tie-break order of matching.
        unqualified_search_registries: ``None`` when no file set the key; ``()`` when a
            file set it to an empty list (different error texts, R-LOAD-6).
        unqualified_search_registries_origin: the file the list came from, or "".
        short_name_mode: as merged; ``""`` means unset (permissive).
        credential_helpers: after merging and defaulting (never empty).
        additional_layer_store_auth_helper: as merged.
        aliases: by short name, sorted.
        path: what ``ConfigPath`` reports (used in the blocked-registry message).
        dir_path: what ``ConfigDirPath`` reports (likewise).
        files: every file that contributed, main file first, in load order.
    """

    registries: tuple[Registry, ...] = ()
    unqualified_search_registries: tuple[str, ...] | None = None
    unqualified_search_registries_origin: str = attrs.field(default="", eq=False)
    short_name_mode: ShortNameMode = ""
    credential_helpers: tuple[str, ...] = DEFAULT_CREDENTIAL_HELPERS
    additional_layer_store_auth_helper: str = ""
    aliases: tuple[Alias, ...] = ()
    path: str = attrs.field(default="", eq=False)
    dir_path: str = attrs.field(default="", eq=False)
    files: tuple[str, ...] = attrs.field(default=(), eq=False)

    @classmethod
    def from_toml(
        cls,
        text: str,
        dropins: Mapping[str, str] | None = None,
        *,
        path: str = "",
        dropin_dir: str = "",
    ) -> RegistriesConf:
        """Parse a main file and drop-ins given as text (no I/O).

        ``dropins`` maps file names to their text; they are merged in byte-lexical order
        of their names, as containers/image walks a drop-in directory.  ``path`` and
        ``dropin_dir`` only name the files in messages (and in ``origin`` fields).
        """
        from regresolve._config import parse_registries_conf  # noqa: PLC0415 - avoids a cycle

        return parse_registries_conf(text, dropins, path=path, dropin_dir=dropin_dir)

    def to_toml(self) -> str:
        """Serialize as one v2 registries.conf that loads back to an equal configuration."""
        from regresolve._config import dump_registries_conf  # noqa: PLC0415 - avoids a cycle

        return dump_registries_conf(self)

    @property
    def effective_short_name_mode(self) -> Literal["enforcing", "permissive", "disabled"]:
        """The mode short-name resolution uses: unset means ``permissive``."""
        return self.short_name_mode or "permissive"

    @property
    def alias_map(self) -> Mapping[str, Alias]:
        """The aliases keyed by short name (a fresh dict: the object stays immutable)."""
        return {a.name: a for a in self.aliases}
