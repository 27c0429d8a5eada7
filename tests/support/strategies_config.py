"""Hypothesis strategies that generate whole containers-registries.conf file sets.

The generated sets are deliberately hostile: a small host alphabet so prefixes collide
(``a.com``, ``b.a.com``, ``*.a.com``, ``a.com:5000``, ``a.com/ns`` ...), duplicate prefixes,
conflicting ``insecure``/``blocked``, every ``pull-from-mirror`` value, trailing slashes,
``http://`` locations, v1 files, case-variant and unknown keys, the "top-level key after a
table" trap, invalid short-name modes and aliases, credential helpers.

Each example is a :class:`ConfigCase`.  It carries the files in the oracle's request
format (virtual absolute paths, see ``tests/oracle/PROTOCOL.md``) and knows how to

* build the oracle request (:meth:`ConfigCase.oracle_request`),
* write the same layout under a real directory (:meth:`ConfigCase.materialize`), and
* produce the keyword arguments for :func:`regresolve.load_config` that make our loader
  look at exactly what the oracle's Go code looks at (:meth:`ConfigCase.load_kwargs`).

Generated files never contain more than one TOML *type* error each, and never spell the
same struct field twice in one table (``location`` and ``LOCATION``): BurntSushi/toml walks a
Go map there, so Go's answer would be non-deterministic.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

import regresolve
from regresolve import InvalidConfig

__all__ = [
    "HOME",
    "SYSTEM_CONF",
    "SYSTEM_DIR",
    "USER_CONF",
    "USER_DIR",
    "ConfigCase",
    "compare",
    "conf_json",
    "config_cases",
    "errors_match",
    "load_corpus",
    "oracle_conf_json",
    "registries_conf_texts",
    "run_ours",
    "toml_documents",
    "toml_string",
]

# -- the oracle's virtual layout ----------------------------------------------------------

HOME = "/home/user"
SYSTEM_CONF = "/etc/containers/registries.conf"
SYSTEM_DIR = "/etc/containers/registries.conf.d"
USER_CONF = HOME + "/.config/containers/registries.conf"
USER_DIR = HOME + "/.config/containers/registries.conf.d"
CUSTOM_CONF = "/custom/registries.conf"
CUSTOM_DIR = "/custom/registries.d"


@dataclass(frozen=True)
class ConfigCase:
    """One generated configuration file set.

    Attributes:
        files: virtual absolute path -> file text, or ``None`` for a directory.
        symlinks: virtual path -> link target (written verbatim).
        system_registries_conf_path: ``SystemContext.SystemRegistriesConfPath`` (virtual) or None.
        system_registries_conf_dir_path: ``SystemContext.SystemRegistriesConfDirPath`` or None.
    """

    files: Mapping[str, str | None]
    symlinks: Mapping[str, str] = field(default_factory=dict)
    system_registries_conf_path: str | None = None
    system_registries_conf_dir_path: str | None = None

    @classmethod
    def from_request(cls, req: Mapping[str, Any]) -> ConfigCase:
        """The case behind a recorded ``{"op": "config", ...}`` request (corpus replay)."""
        return cls(
            req["files"],
            symlinks=req.get("symlinks") or {},
            system_registries_conf_path=req.get("system_registries_conf_path"),
            system_registries_conf_dir_path=req.get("system_registries_conf_dir_path"),
        )

    def oracle_request(self, **extra: Any) -> dict[str, Any]:
        """The ``{"op": "config", ...}`` request for this file set (plus ``extra`` fields)."""
        req: dict[str, Any] = {"op": "config", "files": dict(self.files)}
        if self.symlinks:
            req["symlinks"] = dict(self.symlinks)
        if self.system_registries_conf_path is not None:
            req["system_registries_conf_path"] = self.system_registries_conf_path
        if self.system_registries_conf_dir_path is not None:
            req["system_registries_conf_dir_path"] = self.system_registries_conf_dir_path
        req.update(extra)
        return req

    def materialize(self, root: Path) -> None:
        """Write the files (and symlinks) under ``root`` exactly as the oracle does."""
        root.mkdir(parents=True, exist_ok=True)
        (root / HOME.lstrip("/")).mkdir(parents=True, exist_ok=True)
        for vpath, text in sorted(self.files.items(), key=lambda kv: kv[0].count("/")):
            real = root / vpath.lstrip("/")
            if text is None:
                real.mkdir(parents=True, exist_ok=True)
            else:
                real.parent.mkdir(parents=True, exist_ok=True)
                real.write_bytes(text.encode("utf-8"))
        for vpath, target in self.symlinks.items():
            real = root / vpath.lstrip("/")
            real.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(target, real)

    def load_kwargs(self, root: Path) -> dict[str, Any]:
        """Arguments for ``regresolve.load_config`` that mirror the oracle's SystemContext.

        The oracle sets ``RootForImplicitAbsolutePaths = R`` and ``HOME = R/home/user`` and
        passes the two optional paths prefixed with ``R``; ``env`` is empty so nothing on the
        host is consulted.
        """
        r = str(root)
        kwargs: dict[str, Any] = {"root": r, "home": r + HOME, "env": {}}
        if self.system_registries_conf_path is not None:
            kwargs["path"] = r + self.system_registries_conf_path
        if self.system_registries_conf_dir_path is not None:
            kwargs["dropin_dirs"] = [r + self.system_registries_conf_dir_path]
        return kwargs


# -- TOML building blocks -----------------------------------------------------------------


def load_corpus(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A recorded corpus: its header line and its cases (one JSON object per line)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return json.loads(lines[0]), [json.loads(line) for line in lines[1:] if line]


def toml_string(s: str) -> str:
    """A TOML basic string for ``s`` (escapes what TOML requires, keeps the rest)."""
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def toml_key(k: str) -> str:
    """A TOML key: bare when possible, else a basic string."""
    if k and all(c in _BARE for c in k):
        return k
    return toml_string(k)


# Hosts and prefixes from a deliberately small alphabet so that matches overlap.
HOSTS = (
    "a.com",
    "b.a.com",
    "c.b.a.com",
    "a.com:5000",
    "b.a.com:5000",
    "a.com/ns",
    "a.com/ns/x",
    "a.com:5000/ns",
    "docker.io",
    "docker.io/library",
    "docker.io/library/busybox",
    "localhost",
    "localhost:5000",
    "m.com",
    "m.com/mirror",
    "quay.io",
    "quay.io/ns",
)
WILDCARDS = ("*.a.com", "*.b.a.com", "*.com", "*.a.com:5000", "*.a.com/ns", "*.", "*", "**.a.com")

#: Fully qualified references that fall under the generated prefixes in many ways (the CLI
#: and webhook differential tests send them with every generated configuration).
_QUALIFIED_DIGEST = "sha256:" + "c" * 64
QUALIFIED = sorted(
    {
        *(f"{h}/img:1" for h in HOSTS),
        *(f"{h}/x/y@{_QUALIFIED_DIGEST}" for h in HOSTS),
        *(f"{h}/img" for h in HOSTS),
        "docker.io/library/busybox:1",
        "busybox.a.com/x:2",
        "x.b.a.com/y",
        "a.com:5000/ns/img:1",
        f"a.com/ns/img:1@{_QUALIFIED_DIGEST}",
        "Bad/Name",
        "a.com/UPPER",
    }
)
ODD = (
    "",
    "/",
    "a.com/",
    "a.com//",
    "m.com/",
    "http://a.com",
    "https://m.com/",
    "A.com",
    "a.com@sha256:" + "a" * 64,
    "a.com/ns:tag",
    "john.doe@a.com",
)


_BIG = 2**32 - 1


def _one_of_weighted(*pairs: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """``one_of`` with real weights.

    A plain ``one_of``/``integers(0, n)`` would not do: Hypothesis favours boundary values,
    which would make the rare (mostly invalid) branches common.  A wide integer taken modulo
    the total weight is close to uniform; it shrinks towards 0, the first (common) branch.
    """
    strategies: list[st.SearchStrategy[Any]] = []
    for weight, strat in pairs:
        strategies.extend([strat] * weight)
    return st.integers(0, _BIG).flatmap(lambda i: strategies[i % len(strategies)])


def _rare(n: int) -> st.SearchStrategy[bool]:
    """True about once in ``n + 1`` draws (see :func:`_one_of_weighted` for why not 0..n)."""
    return st.integers(0, _BIG).map(lambda i: i % (n + 1) == n // 2 and n > 0)


VALID_WILDCARDS = ("*.a.com", "*.b.a.com", "*.com", "*.", "*", "**.a.com")
locations = _one_of_weighted(
    (40, st.sampled_from(HOSTS)), (2, st.sampled_from(ODD)), (1, st.sampled_from(WILDCARDS))
)
prefixes = _one_of_weighted(
    (30, st.sampled_from(HOSTS)),
    (12, st.sampled_from(VALID_WILDCARDS)),
    (1, st.sampled_from(WILDCARDS)),
    (1, st.sampled_from(ODD)),
)
wildcard_prefixes = _one_of_weighted((20, st.sampled_from(VALID_WILDCARDS[:3])), (1, prefixes))
pull_from_mirror_values = _one_of_weighted(
    (30, st.sampled_from(["", "all", "digest-only", "tag-only"])),
    (1, st.sampled_from(["All", "none", "digest"])),
)
search_entries = _one_of_weighted(
    (40, st.sampled_from(["docker.io", "quay.io", "a.com", "a.com:5000", "localhost"])),
    (
        1,
        st.sampled_from(
            ["quay.io/", "Docker.IO", "quay.io/ns", "", "my_reg.com", "[::1]:5000", "http://q.io"]
        ),
    ),
)
short_name_modes = _one_of_weighted(
    (20, st.sampled_from(["enforcing", "permissive", "disabled", ""])),
    (1, st.sampled_from(["prompt", "Enforcing", "off"])),
)
alias_names = _one_of_weighted(
    (30, st.sampled_from(["foo", "bar", "library/foo", "ns/bar", "busybox"])),
    (
        1,
        st.sampled_from(
            ["a.com/foo", "foo:1", "foo@sha256:" + "b" * 64, "Foo", "", "localhost/x", "a b"]
        ),
    ),
)
alias_values = _one_of_weighted(
    (30, st.sampled_from(["a.com/foo", "docker.io/foo", "quay.io/ns/bar", "localhost/x", ""])),
    (
        1,
        st.sampled_from(
            ["foo", "a.com/foo:1", "a.com/foo@sha256:" + "c" * 64, "A.com/Foo", "a.com:5000/x"]
        ),
    ),
)
helpers = st.lists(
    st.sampled_from(["containers-auth.json", "pass", "secretservice", ""]), max_size=3
)


def _case_variant(name: str) -> st.SearchStrategy[str]:
    """``name`` as written, or a case variant BurntSushi/toml still maps to the same field."""
    variants = [name, name.upper(), name[:1].upper() + name[1:]]
    if "k" in name:
        variants.append(name.replace("k", "\u212a", 1))  # KELVIN SIGN folds to k in Go
    if "s" in name:
        variants.append(name.replace("s", "\u017f", 1))  # LATIN SMALL LETTER LONG S folds to s
    return _one_of_weighted((12, st.just(name)), (1, st.sampled_from(variants)))


@dataclass
class _Budget:
    """Per-file state: at most one TOML type error."""

    type_error_used: bool = False


def _bool_value(draw: st.DrawFn, budget: _Budget) -> str:
    if not budget.type_error_used and draw(_rare(400)):
        budget.type_error_used = True
        return draw(st.sampled_from(['"true"', "1", "[true]", "1979-05-27", "1.5"]))
    return "true" if draw(st.booleans()) else "false"


def _str_value(draw: st.DrawFn, budget: _Budget, value: str) -> str:
    if not budget.type_error_used and draw(_rare(500)):
        budget.type_error_used = True
        return draw(st.sampled_from(["true", "42", "[" + toml_string(value) + "]", "{}"]))
    return toml_string(value)


def _str_list_value(draw: st.DrawFn, budget: _Budget, values: list[str]) -> str:
    if not budget.type_error_used and draw(_rare(300)):
        budget.type_error_used = True
        return draw(
            st.sampled_from([toml_string(values[0] if values else "x"), "[1]", "[[" + '"a"' + "]]"])
        )
    return "[" + ", ".join(toml_string(v) for v in values) + "]"


@st.composite
def _mirror_lines(draw: st.DrawFn, budget: _Budget, mirror_by_digest_only: bool) -> dict[str, str]:
    """Key -> TOML value text for one mirror table."""
    kv: dict[str, str] = {}
    kv[draw(_case_variant("location"))] = _str_value(draw, budget, draw(locations))
    if draw(_rare(2)):
        kv[draw(_case_variant("insecure"))] = _bool_value(draw, budget)
    # pull-from-mirror next to mirror-by-digest-only is an error; keep it rarer there.
    if draw(st.integers(0, 4 if mirror_by_digest_only else 1)) == 0:
        kv[draw(_case_variant("pull-from-mirror"))] = _str_value(
            draw, budget, draw(pull_from_mirror_values)
        )
    if draw(_rare(15)):
        kv["mirror-by-digest"] = "true"  # unknown key: ignored
    return kv


@st.composite
def _registry_entry(
    draw: st.DrawFn, budget: _Budget
) -> tuple[dict[str, str], list[dict[str, str]]]:
    kv: dict[str, str] = {}
    shape = draw(st.integers(0, 9))
    if shape <= 6:
        kv[draw(_case_variant("location"))] = _str_value(draw, budget, draw(locations))
    if shape >= 3:
        p = draw(prefixes) if shape <= 6 else draw(wildcard_prefixes)
        kv[draw(_case_variant("prefix"))] = _str_value(draw, budget, p)
    if draw(_rare(2)):
        kv[draw(_case_variant("insecure"))] = _bool_value(draw, budget)
    if draw(_rare(2)):
        kv[draw(_case_variant("blocked"))] = _bool_value(draw, budget)
    mbdo = draw(_rare(5))
    if mbdo:
        kv[draw(_case_variant("mirror-by-digest-only"))] = _bool_value(draw, budget)
    if draw(_rare(60)):
        kv[draw(_case_variant("pull-from-mirror"))] = _str_value(
            draw, budget, draw(st.sampled_from(["", "all", "digest-only"]))
        )
    if draw(_rare(20)):
        kv[draw(st.sampled_from(["mirror-by-digest", "Unknown", "search"]))] = "true"
    mirrors = draw(st.lists(_mirror_lines(budget, mbdo), max_size=3))
    return kv, mirrors


def _kv_lines(kv: Mapping[str, str]) -> list[str]:
    return [f"{toml_key(k)} = {v}" for k, v in kv.items()]


def _inline_table(kv: Mapping[str, str]) -> str:
    return "{" + ", ".join(f"{toml_key(k)} = {v}" for k, v in kv.items()) + "}"


@st.composite
def _v2_file(draw: st.DrawFn, *, dropin: bool) -> str:
    budget = _Budget()
    top: list[str] = []
    trailing_top: list[str] = []  # written after a table header: the TOML trap
    if draw(_rare(2)):
        line = (
            f"{toml_key(draw(_case_variant('unqualified-search-registries')))} = "
            + _str_list_value(draw, budget, draw(st.lists(search_entries, max_size=3)))
        )
        (trailing_top if draw(_rare(12)) else top).append(line)
    if draw(_rare(4)):
        line = f"{toml_key(draw(_case_variant('short-name-mode')))} = " + _str_value(
            draw, budget, draw(short_name_modes)
        )
        (trailing_top if draw(_rare(12)) else top).append(line)
    if draw(_rare(5)):
        top.append(
            f"{toml_key(draw(_case_variant('credential-helpers')))} = "
            + _str_list_value(draw, budget, draw(helpers))
        )
    if draw(_rare(8)):
        top.append(
            f"{toml_key(draw(_case_variant('additional-layer-store-auth-helper')))} = "
            + _str_value(draw, budget, draw(st.sampled_from(["", "helper", "other-helper"])))
        )
    if draw(_rare(15)):
        top.append(draw(st.sampled_from(["unknown-key = 1", 'mirror-by-digest = "x"', "[foo]"])))
    if not dropin and draw(_rare(80)):
        # A v1 key in a v2 file: the mixing error (even with empty arrays).
        top.append("[registries.search]\nregistries = []")

    lines = list(top)
    if draw(_rare(3)):
        aliases = draw(st.dictionaries(alias_names, alias_values, max_size=4))
        lines.append(f"[{toml_key(draw(_case_variant('aliases')))}]")
        for name, value in aliases.items():
            lines.append(f"{toml_key(name)} = {_str_value(draw, budget, value)}")
        # Trapped top-level keys land in [aliases]; a list there is a type error, and a
        # file must not have two (Go's map walk would pick one at random).
        has_list = any(" = [" in t for t in trailing_top)
        if not has_list or not budget.type_error_used:
            budget.type_error_used = budget.type_error_used or has_list
            lines.extend(trailing_top)
            trailing_top = []

    reg_key = toml_key(draw(_case_variant("registry")))
    entries = draw(st.lists(_registry_entry(budget), max_size=5))
    style = draw(st.integers(0, 9))
    if style == 0 and entries:
        # Inline array of inline tables for the whole registry list.
        items = []
        for kv, mirrors in entries:
            full = dict(kv)
            if mirrors:
                full["mirror"] = "[" + ", ".join(_inline_table(m) for m in mirrors) + "]"
            items.append(_inline_table(full))
        lines.insert(len(top), f"{reg_key} = [{', '.join(items)}]")
    elif style == 1 and entries and not budget.type_error_used and draw(_rare(5)):
        # A table instead of an array of tables: a type error.
        budget.type_error_used = True
        kv, _ = entries[0]
        lines.append(f"[{reg_key}]")
        lines.extend(_kv_lines(kv))
    else:
        for kv, mirrors in entries:
            lines.append(f"[[{reg_key}]]")
            lines.extend(_kv_lines(kv))
            lines.extend(trailing_top)
            trailing_top = []
            inline: bool = draw(st.booleans())
            if mirrors and inline:
                lines.append(f"mirror = [{', '.join(_inline_table(m) for m in mirrors)}]")
            else:
                mkey = toml_key(draw(_case_variant("mirror")))
                for m in mirrors:
                    lines.append(f"[[{reg_key}.{mkey}]]")
                    lines.extend(_kv_lines(m))
    if trailing_top and not entries and "[" in "".join(lines):
        trailing_top = []  # would land in whatever table came last; keep it simple
    lines.extend(trailing_top)
    if draw(_rare(200)):
        lines.append(draw(st.sampled_from(["invalid", "[[registry]]\nprefix = 'a' = 'b'"])))
    return "\n".join(lines) + "\n"


@st.composite
def _v1_file(draw: st.DrawFn) -> str:
    budget = _Budget()
    lines = []
    for table in ("search", "insecure", "block"):
        if draw(_rare(2)):
            continue
        name = draw(_case_variant(table))
        values = (
            draw(st.lists(search_entries, max_size=3))
            if table == "search"
            else draw(st.lists(locations, max_size=3))
        )
        lines.append(f"[{toml_key(draw(_case_variant('registries')))}.{toml_key(name)}]")
        lines.append(f"registries = {_str_list_value(draw, budget, values)}")
    if draw(_rare(8)):
        lines.insert(0, draw(st.sampled_from(['short-name-mode = "enforcing"', "[aliases]"])))
    return "\n".join(lines) + "\n"


def registries_conf_file(*, dropin: bool = False) -> st.SearchStrategy[str]:
    """One registries.conf (or drop-in) text."""
    if dropin:
        return _one_of_weighted((80, _v2_file(dropin=True)), (1, _v1_file()))
    return _one_of_weighted((8, _v2_file(dropin=False)), (1, _v1_file()))


@st.composite
def registries_conf_texts(draw: st.DrawFn) -> tuple[str, dict[str, str]]:
    """A main file text and a ``{name: text}`` drop-in mapping for ``RegistriesConf.from_toml``."""
    main = draw(registries_conf_file())
    names = draw(
        st.lists(
            st.sampled_from(["01.conf", "10-a.conf", "2-b.conf", "Z.conf"]), unique=True, max_size=3
        )
    )
    return main, {n: draw(registries_conf_file(dropin=True)) for n in names}


_DROPIN_NAMES = ("01-a.conf", "10-b.conf", "2-c.conf", "Z.conf", "a.conf", ".hidden.conf")


@st.composite
def _dropin_dir(draw: st.DrawFn, directory: str) -> dict[str, str | None]:
    files: dict[str, str | None] = {}
    for name in draw(st.lists(st.sampled_from(_DROPIN_NAMES), unique=True, max_size=3)):
        files[f"{directory}/{name}"] = draw(registries_conf_file(dropin=True))
    extra = draw(st.integers(0, 10))
    if extra == 0:
        files[f"{directory}/ignored.CONF"] = "this is not toml ["
    elif extra == 1:
        files[f"{directory}/sub.conf"] = None  # a directory named *.conf: skipped
    elif extra == 2:
        files[f"{directory}/nested"] = None
        files[f"{directory}/nested/x.conf"] = "invalid toml ["
    if not files:
        files[directory] = None
    return files


@st.composite
def config_cases(draw: st.DrawFn) -> ConfigCase:
    """A whole file set as the oracle and our loader see it."""
    files: dict[str, str | None] = {}
    symlinks: dict[str, str] = {}
    sys_path: str | None = None
    sys_dir: str | None = None

    main_kind = draw(st.integers(0, 9))
    if main_kind <= 5:
        files[SYSTEM_CONF] = draw(registries_conf_file())
    elif main_kind == 6:
        files[USER_CONF] = draw(registries_conf_file())
        if draw(st.booleans()):
            files[SYSTEM_CONF] = draw(registries_conf_file())  # hidden by the user file
    elif main_kind == 7:
        sys_path = CUSTOM_CONF
        if not draw(_rare(4)):
            files[CUSTOM_CONF] = draw(registries_conf_file())
    # main_kind 8, 9: no main file at all.

    if not draw(_rare(2)):
        files.update(draw(_dropin_dir(SYSTEM_DIR)))
    if draw(_rare(3)):
        files.update(draw(_dropin_dir(USER_DIR)))
    if draw(_rare(7)):
        sys_dir = CUSTOM_DIR
        files.update(draw(_dropin_dir(CUSTOM_DIR)))
    if draw(_rare(20)):
        # A symlinked drop-in (followed by Go's loader).
        target = "/srv/linked.conf"
        files[target] = draw(registries_conf_file(dropin=True))
        symlinks[SYSTEM_DIR + "/50-link.conf"] = "../../../srv/linked.conf"
        files.setdefault(SYSTEM_DIR, None)
    return ConfigCase(
        files=files,
        symlinks=symlinks,
        system_registries_conf_path=sys_path,
        system_registries_conf_dir_path=sys_dir,
    )


# -- arbitrary documents ------------------------------------------------------------

_FIELD_KEYS = st.sampled_from(
    [
        "registry", "Registry", "mirror", "location", "prefix", "insecure", "blocked",
        "mirror-by-digest-only", "pull-from-mirror", "unqualified-search-registries",
        "credential-helpers", "short-name-mode", "additional-layer-store-auth-helper",
        "aliases", "registries", "search", "block", "x", "", "a b", "bloc\u212aed",
    ]
)  # fmt: skip
_SCALARS = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["a.com", "*.a.com", "docker.io/foo", "all", "enforcing"]),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=False),
    st.dates(),
)
#: Arbitrary TOML documents over the struct's keys (plus strangers), for decoder fuzzing.
toml_documents = st.dictionaries(
    _FIELD_KEYS,
    st.recursive(
        _SCALARS,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_FIELD_KEYS, inner, max_size=4),
        max_leaves=12,
    ),
    max_size=5,
)


# -- comparing our loader with the oracle -------------------------------------------------


def conf_json(conf: Any) -> dict[str, Any]:
    """Our ``RegistriesConf`` in the shape of the oracle's ``config`` answer object."""
    return {
        "registries": [
            {
                "prefix": r.prefix,
                "location": r.location,
                "insecure": r.insecure,
                "blocked": r.blocked,
                "mirror_by_digest_only": r.mirror_by_digest_only,
                "mirrors": [
                    {
                        "location": m.location,
                        "insecure": m.insecure,
                        "pull_from_mirror": m.pull_from_mirror,
                    }
                    for m in r.mirrors
                ],
            }
            for r in conf.registries
        ],
        "unqualified_search_registries": (
            None
            if conf.unqualified_search_registries is None
            else list(conf.unqualified_search_registries)
        ),
        "unqualified_search_registries_origin": conf.unqualified_search_registries_origin,
        "short_name_mode": conf.effective_short_name_mode,
        "short_name_mode_error": None,
        "credential_helpers": list(conf.credential_helpers),
        "additional_layer_store_auth_helper": conf.additional_layer_store_auth_helper,
        "aliases": {a.name: a.value for a in conf.aliases},
        "alias_origins": {a.name: a.origin for a in conf.aliases},
    }


def oracle_conf_json(config: Mapping[str, Any]) -> dict[str, Any]:
    """The oracle's ``config`` object, normalised for comparison with :func:`conf_json`."""
    out = {k: v for k, v in config.items() if k != "aliases_error"}
    out["registries"] = [dict(r, mirrors=list(r.get("mirrors") or [])) for r in out["registries"]]
    out["aliases"] = dict(out.get("aliases") or {})
    out["alias_origins"] = dict(out.get("alias_origins") or {})
    return out


_ALIAS_MARKERS = ("validating short-name aliases: ", "loading short-name aliases config file ")
_MIXING = "mixing sysregistry v1/v2 is not supported: "


def errors_match(ours: str, go: str) -> bool:
    """Whether our error text is Go's, modulo the documented deviations (docs/compat.md).

    * Several alias errors: Go joins them in map order (random); compare as sets.

    TOML errors (syntax, re-definitions, values) compare word for word.
    """
    if ours == go:
        return True
    for marker in ("validating short-name aliases: ", '": '):
        if "\n" in go and marker in go and "\n" not in go.partition(marker)[0]:
            head, _, tail = go.partition(marker)
            ohead, _, otail = ours.partition(marker)
            return head == ohead and sorted(tail.split("\n")) == sorted(otail.split("\n"))
    return False


def run_ours(case: ConfigCase) -> dict[str, Any]:
    """Load ``case`` with our loader; the answer uses virtual paths like the oracle's."""
    with tempfile.TemporaryDirectory(prefix="regresolve-") as tmp:
        root = Path(tmp) / "R"
        case.materialize(root)
        r = str(root)

        def strip(s: str) -> str:
            return s.replace(r, "")

        try:
            conf = regresolve.load_config(**case.load_kwargs(root))
        except InvalidConfig as e:
            return {"error": strip(e.go_message), "config": None}
        out = conf_json(conf)
        out["unqualified_search_registries_origin"] = strip(
            out["unqualified_search_registries_origin"]
        )
        out["alias_origins"] = {k: strip(v) for k, v in out["alias_origins"].items()}
        return {
            "error": None,
            "config": out,
            "config_path": strip(conf.path),
            "config_dir_path": strip(conf.dir_path),
        }


def compare(case: ConfigCase, answer: Mapping[str, Any], *, strict: bool = False) -> None:
    """Assert that our loader agrees with the oracle's answer for ``case``.

    ``strict``: TOML syntax errors must match byte for byte too (only alias-error order is
    still free).
    """
    ours = run_ours(case)
    if answer["error"] is not None or ours["error"] is not None:
        assert ours["error"] is not None, f"Go failed, we did not: {answer['error']!r}"
        assert answer["error"] is not None, f"we failed, Go did not: {ours['error']!r}"
        if strict and "validating short-name aliases: " not in answer["error"]:
            assert ours["error"] == answer["error"]
        assert errors_match(ours["error"], answer["error"]), (ours["error"], answer["error"])
        return
    assert ours["config"] == oracle_conf_json(answer["config"])
    assert ours["config_path"] == answer["config_path"]
    assert ours["config_dir_path"] == answer["config_dir_path"]
