"""The merged configuration: [`RegistriesConf`][regresolve.RegistriesConf], and how files are
folded into it.

A configuration is the main file plus its drop-ins, each validated on its own
(`_build.parse_file`), then merged in order (R-LOAD-5/6/8): a drop-in's
``[[registry]]`` tables replace those with the same prefix, its search list, helpers, mode and
auth helper replace the earlier ones when set, and its aliases are added on top.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from regresolve._build import ParsedFile, parse_file
from regresolve._model import (
    DEFAULT_CREDENTIAL_HELPERS,
    Alias,
    EffectiveShortNameMode,
    Registry,
    ShortNameMode,
)
from regresolve._profiles import DEFAULT_VERSION, canonical_version, parse_version, since
from regresolve._tomldecode import toml_for_containers_image
from regresolve._write import dump_registries_conf

__all__ = ["RegistriesConf", "conf_to_dict", "merge", "parse_registries_conf"]


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
        containers_image: the containers/image release whose rules the files were loaded
            with (``"5.34.2"`` unless another was asked for); plans follow it too.
        toml: the BurntSushi/toml dialect the files were decoded with (``"1.4"`` for 5.34;
            see ``regresolve._tomldecode.toml_for_containers_image``).
        source_description: 5.40+: every main file and drop-in directory searched, as
            Go's ``ConfigurationSourceDescription`` prints them (the blocked-registry
            message names them); ``""`` before 5.40.
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
    containers_image: str = attrs.field(default=DEFAULT_VERSION, eq=False)
    source_description: str = attrs.field(default="", eq=False)
    toml: str = attrs.field(default="1.4", eq=False)

    @classmethod
    def from_toml(
        cls,
        text: str,
        dropins: Mapping[str, str] | None = None,
        *,
        path: str = "",
        dropin_dir: str = "",
        version: str | None = None,
        toml: str | None = None,
    ) -> RegistriesConf:
        """Parse a main file and drop-ins given as text (no I/O).

        ``dropins`` maps file names to their text; they are merged in byte-lexical order
        of their names, as containers/image walks a drop-in directory.  ``path`` and
        ``dropin_dir`` only name the files in messages (and in ``origin`` fields).
        ``version``: the containers/image release whose rules apply (``"5.23"``,
        ``"5.39.2"``; default 5.34.2); ``toml``: the BurntSushi/toml dialect, when the build
        differs from the release's go.mod (``"1.6"`` for Debian's 5.39.2).

        Raises:
            InvalidConfig: a file is invalid.
            InvalidProfile: ``version`` is not a release regresolve models.
        """
        return parse_registries_conf(
            text, dropins, path=path, dropin_dir=dropin_dir, version=version, toml=toml
        )

    @property
    def minor(self) -> int:
        """The containers/image minor release (23 for 5.23.1)."""
        return parse_version(self.containers_image)[0]

    def to_toml(self) -> str:
        """Serialize as one v2 registries.conf that loads back to an equal configuration."""
        return dump_registries_conf(self)

    @property
    def effective_short_name_mode(self) -> EffectiveShortNameMode:
        """The mode short-name resolution uses: unset means ``permissive``."""
        return self.short_name_mode or "permissive"

    def to_dict(self) -> dict[str, Any]:
        """The configuration as JSON-ready data (``regresolve dump --format json``)."""
        return conf_to_dict(self)

    @property
    def alias_map(self) -> Mapping[str, Alias]:
        """The aliases keyed by short name (a fresh dict: the object stays immutable)."""
        return {a.name: a for a in self.aliases}


def merge(
    main: ParsedFile | None,
    dropins: Iterable[ParsedFile],
    *,
    path: str = "",
    dir_path: str = "",
    version: str = DEFAULT_VERSION,
    source_description: str = "",
    toml: str | None = None,
) -> RegistriesConf:
    """Fold the main file (None when it does not exist) and the drop-ins, in order.

    Up to 5.39 the main file is the base, so it is the origin of the search list even when
    it does not set one; from 5.40 the merge starts empty and only a file that sets the
    list becomes its origin.
    """
    minor = parse_version(version)[0]
    files: list[str] = []
    if main is not None:
        files.append(main.path)
        registries = main.registries
        usr = main.unqualified_search_registries
        origin = main.path
        if usr is None and since(minor, "configfile-discovery"):
            origin = ""
        helpers = main.credential_helpers
        mode = main.short_name_mode
        alsah = main.additional_layer_store_auth_helper
        aliases = dict(main.aliases)
    else:
        registries, usr, origin, helpers, mode, alsah, aliases = [], None, "", None, "", "", {}
    for d in dropins:
        files.append(d.path)
        if d.registries:
            by_prefix = {r.prefix: r for r in registries}
            for r in d.registries:
                by_prefix[r.prefix] = r
            registries = [by_prefix[p] for p in sorted(by_prefix)]
        if d.unqualified_search_registries is not None:
            usr = d.unqualified_search_registries
            origin = d.path
        if d.credential_helpers is not None:
            helpers = d.credential_helpers
        if d.short_name_mode:
            mode = d.short_name_mode
        if d.additional_layer_store_auth_helper:
            alsah = d.additional_layer_store_auth_helper
        aliases.update(d.aliases)
    return RegistriesConf(
        registries=tuple(registries),
        unqualified_search_registries=usr,
        unqualified_search_registries_origin=origin,
        short_name_mode=mode,  # type: ignore[arg-type]
        credential_helpers=helpers if helpers else DEFAULT_CREDENTIAL_HELPERS,
        additional_layer_store_auth_helper=alsah,
        aliases=tuple(aliases[k] for k in sorted(aliases)),
        path=path,
        dir_path=dir_path,
        files=tuple(files),
        containers_image=version,
        source_description=source_description,
        toml=toml or toml_for_containers_image(minor),
    )


def _join(directory: str, name: str) -> str:
    if not directory:
        return name
    return directory.rstrip("/") + "/" + name


def parse_registries_conf(
    text: str,
    dropins: Mapping[str, str] | None = None,
    *,
    path: str = "",
    dropin_dir: str = "",
    version: str | None = None,
    toml: str | None = None,
) -> RegistriesConf:
    """Parse a main file and drop-ins given as text (``RegistriesConf.from_toml``)."""
    version = canonical_version(version) if version else DEFAULT_VERSION
    minor = parse_version(version)[0]
    main = parse_file(text, path, dropin=False, minor=minor, toml=toml)
    parsed = [
        parse_file(text_of, _join(dropin_dir, name), dropin=True, minor=minor, toml=toml)
        for name, text_of in sorted(
            (dropins or {}).items(), key=lambda kv: kv[0].encode("utf-8", "surrogatepass")
        )
    ]
    return merge(main, parsed, path=path, dir_path=dropin_dir, version=version, toml=toml)


def conf_to_dict(conf: RegistriesConf) -> dict[str, Any]:
    """The merged configuration as JSON-ready data, with registries.conf's own key names.

    Each registry and alias also says which file it came from (``origin``); ``files`` lists
    every file that contributed, and ``short-name-mode`` is the effective mode.
    """
    return {
        "schema": "regresolve/v1",
        "files": list(conf.files),
        "unqualified-search-registries": (
            None
            if conf.unqualified_search_registries is None
            else list(conf.unqualified_search_registries)
        ),
        "unqualified-search-registries-origin": conf.unqualified_search_registries_origin or None,
        "short-name-mode": conf.effective_short_name_mode,
        "credential-helpers": list(conf.credential_helpers),
        "additional-layer-store-auth-helper": conf.additional_layer_store_auth_helper,
        "registry": [
            {
                "prefix": r.prefix,
                "location": r.location,
                "insecure": r.insecure,
                "blocked": r.blocked,
                "mirror-by-digest-only": r.mirror_by_digest_only,
                "mirror": [
                    {
                        "location": m.location,
                        "insecure": m.insecure,
                        "pull-from-mirror": m.pull_from_mirror,
                    }
                    for m in r.mirrors
                ],
                "origin": r.origin or None,
                "entry": r.entry or None,
            }
            for r in conf.registries
        ],
        "aliases": {a.name: {"value": a.value, "origin": a.origin or None} for a in conf.aliases},
    }
