"""Generators for the per-era differential tests (tests/test_eras_differential.py) and the era
corpora (tests/record_era_corpus.py): file sets that hit the behaviour changes between
containers/image releases (tests/oracle/eras/ERAS.md).

The case type is :class:`EraCase`: a :class:`support.strategies_config.ConfigCase` plus a home
directory and an environment, which the era oracles honour (``home``, ``env`` in
tests/oracle/eras/PROTOCOL.md; such a request runs in a fresh oracle process, 5-20 ms, so the
generators use them for a minority of cases).  :meth:`EraCase.oracle_request` builds the request
for one era: up to 5.39 the library reads neither ``CONTAINERS_REGISTRIES_CONF`` nor
``REGISTRIES_CONFIG_PATH`` and podman/skopeo copy them into ``SystemRegistriesConfPath``
(spec R-LOAD-9: containers/common ``libimage.setRegistriesConfPath``, skopeo
``UpdateRegistriesConf``), so the request carries that copy; from 5.40 the library reads
``CONTAINERS_REGISTRIES_CONF`` itself and podman 6 no longer copies either variable.

What the generators lean towards (each a change between eras):

* v1: empty v1 arrays, v1 next to v2 (the ``%#v`` dump), v1-only files, v1 drop-ins, an empty
  ``[aliases]`` table in a v1 file;
* several invalid aliases in one file (joined errors; Go map order, compared as sets);
* mirror locations with a trailing ``/`` (kept until 5.34, trimmed from 5.35);
* ``additional-layer-store-auth-helper`` of the wrong type (ignored before 5.32);
* ``namespace-proxy`` on registries and mirrors, also of the wrong type (5.41);
* dangling symlinks and symlink loops in drop-in directories (5.34 skips the vanished file);
* user files in ``~/.config/containers``, ``/usr/share/containers`` files, the
  ``registries.rootful.conf.d`` / ``registries.rootless.conf.d/<uid>`` directories, the same
  drop-in basename in several directories (masking, 5.40), a drop-in directory that is a file;
* ``CONTAINERS_REGISTRIES_CONF``, ``CONTAINERS_REGISTRIES_CONF_OVERRIDE``, ``XDG_CONFIG_HOME``,
  ``_CONTAINERS_ROOTLESS_UID``, another home directory;
* blocked registries (the blocked text changed in 5.40), no search registries (the origin rule
  and the short-name error text changed in 5.40);
* the TOML parser of each era (BurntSushi/toml 1.2.0, 1.3.2, 1.4.0, 1.6.0): byte-order marks,
  array keys assigned twice, dotted keys in inline tables, trailing commas, times and datetimes,
  type names in decode errors.

At most one TOML type error per file (Go reports one of several at random).
"""

from __future__ import annotations

import functools
import os
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import strategies as st

from support.pycompat import strict_zip
from support.strategies_config import (
    CUSTOM_CONF,
    CUSTOM_DIR,
    SYSTEM_CONF,
    SYSTEM_DIR,
    USER_CONF,
    USER_DIR,
    ConfigCase,
    config_cases,
    toml_string,
)
from support.strategies_plan import (
    ALIAS_NAMES,
    ALIAS_VALUES,
    DIGEST,
    MIRROR_LOCATIONS,
    PLAN_LOCATIONS,
    PLAN_PREFIXES,
    REF_HOSTS,
    REF_PATHS,
    REF_SUFFIXES,
    SEARCH,
    plan_cases,
)

__all__ = [
    "ALIAS_QUERIES",
    "REF_POOL",
    "EraCase",
    "at_least",
    "era_cases",
    "era_env_cases",
    "era_file",
    "era_plan_cases",
    "mixed_cases",
    "sample_lists",
]

# -- the virtual layout (tests/oracle/eras/PROTOCOL.md) ------------------------------------

USR_CONF = "/usr/share/containers/registries.conf"
USR_DIR = "/usr/share/containers/registries.conf.d"
ETC_ROOTFUL = "/etc/containers/registries.rootful.conf.d"
USR_ROOTFUL = "/usr/share/containers/registries.rootful.conf.d"
ETC_ROOTLESS = "/etc/containers/registries.rootless.conf.d"
ETC_ROOTLESS_UID = ETC_ROOTLESS + "/1000"
USR_ROOTLESS_UID = "/usr/share/containers/registries.rootless.conf.d/1000"
ENV_CONF = "/env/registries.conf"
OVERRIDE_CONF = "/env/override.conf"
LEGACY_CONF = "/env/legacy.conf"
XDG = "/xdg"
XDG_CONF = XDG + "/containers/registries.conf"
XDG_DIR = XDG + "/containers/registries.conf.d"
OTHER_HOME = "/home/other"
OTHER_CONF = OTHER_HOME + "/.config/containers/registries.conf"
OTHER_DIR = OTHER_HOME + "/.config/containers/registries.conf.d"

#: Drop-in directories a layout may fill (every era reads some of them, 5.40 most).
DROPIN_DIRS = (
    SYSTEM_DIR,
    USER_DIR,
    USR_DIR,
    ETC_ROOTFUL,
    USR_ROOTFUL,
    ETC_ROOTLESS_UID,
    ETC_ROOTLESS,
    USR_ROOTLESS_UID,
)
#: Few basenames, so that one name often sits in several directories (5.40 masking).
DROPIN_NAMES = ("00-a.conf", "50.conf", "50-b.conf", "99-z.conf", "Z.conf")

T = TypeVar("T")


@functools.cache
def at_least(era: str, version: str) -> bool:
    """``era`` (``"5.26"``, ``"5.34.2"``) is ``version`` (``"5.24"``) or newer."""
    return tuple(map(int, era.split(".")[:2])) >= tuple(map(int, version.split(".")[:2]))


# -- the case ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EraCase(ConfigCase):
    """A file set plus the process environment of the request.

    Attributes:
        home: virtual ``$HOME`` (None: the oracle's ``/home/user``).
        env: variable -> value (a value starting with ``/`` is a virtual path) or None (unset).
    """

    home: str | None = None
    env: Mapping[str, str | None] = field(default_factory=dict)

    @property
    def fresh_process(self) -> bool:
        """The oracle answers this case in a child process (slower)."""
        return self.home is not None or bool(self.env)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> EraCase:
        return cls(
            data["files"],
            symlinks=data.get("symlinks") or {},
            system_registries_conf_path=data.get("system_registries_conf_path"),
            system_registries_conf_dir_path=data.get("system_registries_conf_dir_path"),
            home=data.get("home"),
            env=data.get("env") or {},
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"files": dict(self.files)}
        if self.symlinks:
            out["symlinks"] = dict(self.symlinks)
        if self.system_registries_conf_path is not None:
            out["system_registries_conf_path"] = self.system_registries_conf_path
        if self.system_registries_conf_dir_path is not None:
            out["system_registries_conf_dir_path"] = self.system_registries_conf_dir_path
        if self.home is not None:
            out["home"] = self.home
        if self.env:
            out["env"] = dict(self.env)
        return out

    def podman_conf_path(self, era: str) -> str | None:
        """The ``SystemRegistriesConfPath`` podman sets for this case in ``era``.

        The explicit path; else, up to 5.39, ``CONTAINERS_REGISTRIES_CONF`` then
        ``REGISTRIES_CONFIG_PATH`` (``os.LookupEnv``: a variable set to ``""`` stops the search
        and leaves the path unset).  From 5.40 the library reads the first variable itself.
        """
        if self.system_registries_conf_path is not None or at_least(era, "5.40"):
            return self.system_registries_conf_path
        for name in ("CONTAINERS_REGISTRIES_CONF", "REGISTRIES_CONFIG_PATH"):
            value = self.env.get(name)
            if value is not None:
                return value or None
        return None

    def oracle_request(self, era: str = "5.34", **extra: Any) -> dict[str, Any]:
        """The era oracle's ``config`` request: the library as podman calls it in ``era``."""
        req = super().oracle_request(**extra)
        path = self.podman_conf_path(era)
        if path is not None:
            req["system_registries_conf_path"] = path
        if self.home is not None:
            req["home"] = self.home
        if self.env:
            req["env"] = dict(self.env)
        return req

    def materialize(self, root: Path) -> None:
        """Write the files and symlinks under ``root`` as the era oracle does (an absolute
        link target is virtual: ``root`` + target)."""
        ConfigCase(self.files).materialize(root)
        for vpath, target in sorted(self.symlinks.items()):
            real = root / vpath.lstrip("/")
            real.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(str(root) + target if target.startswith("/") else target, real)

    def load_kwargs(self, root: Path) -> dict[str, Any]:
        """``load_config`` arguments: the oracle's root, home and environment under ``root``."""
        kwargs = super().load_kwargs(root)
        r = str(root)
        if self.home is not None:
            kwargs["home"] = r + self.home
        kwargs["env"] = {
            k: (r + v if v.startswith("/") else v) for k, v in self.env.items() if v is not None
        }
        return kwargs


def as_era_case(case: ConfigCase) -> EraCase:
    return EraCase(
        case.files,
        symlinks=case.symlinks,
        system_registries_conf_path=case.system_registries_conf_path,
        system_registries_conf_dir_path=case.system_registries_conf_dir_path,
    )


# -- cheap draws ----------------------------------------------------------------------------------
#
# Hypothesis costs tens of microseconds per draw and these layouts take hundreds of choices, so
# each generator draws one seed and makes its choices with ``random.Random(seed)``: a hundred
# times faster, reproducible from the printed example, but not shrinkable (the tests that use
# these generators turn shrinking off and print every difference instead).  The loader's and
# the resolver's generators (strategies_config, strategies_plan) are still drawn through
# Hypothesis.

_SEEDS = st.integers(0, 2**63 - 1)


class _Gen:
    """Choices from a seeded ``random.Random``, plus ``draw`` for Hypothesis strategies."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.rng = random.Random(draw(_SEEDS))

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def one_in(self, n: int) -> bool:
        """True about once in ``n`` draws."""
        return self.rng.randrange(n) == 0

    def pick(self, seq: Sequence[T]) -> T:
        return seq[self.rng.randrange(len(seq))]

    def some(self, seq: Sequence[T], lo: int, hi: int, *, unique: bool = False) -> list[T]:
        n = self.integer(lo, hi)
        if unique:
            return self.rng.sample(list(seq), min(n, len(seq)))
        return [self.pick(seq) for _ in range(n)]


@st.composite
def sample_lists(draw: st.DrawFn, pool: Sequence[T], n: int) -> list[T]:
    """``n`` elements of ``pool`` (with repeats), from one seed."""
    return random.Random(draw(_SEEDS)).choices(pool, k=n)


# -- file texts -------------------------------------------------------------------------------

TRAILING_MIRRORS = ("m.com/", "m.com/ns/", "m.com//", "a.com/", "quay.io/", "localhost:5000/", "/")
NAMESPACE_PROXIES = ("docker.io", "quay.io/ns", "", "ns", "a.com:5000/x", "Not A Ref")
WRONG_STRINGS = ("1", "true", '["h"]', "{a = 1}", "1.5", "1979-05-27")
BAD_ALIAS_NAMES = ("foo:1", "a.com/foo", "Foo", "foo@" + DIGEST, "localhost/x", "", "a b")
BAD_ALIAS_VALUES = ("foo", "b:1", "a.com/foo:1", "a.com/foo@" + DIGEST, "A.com/Foo", "ns/bar")
_MIRRORS = MIRROR_LOCATIONS + TRAILING_MIRRORS * 2  # a trailing "/" in about 1 mirror of 3
_MIRRORS_OK = tuple(m for m in _MIRRORS if m != "/")  # "/" is an unset location after trimming
_SEARCH_OK = tuple(s for s in SEARCH if "/" not in s)
_PFM = ("all", "digest-only", "tag-only", "")
_HELPERS: tuple[list[str], ...] = ([], ["containers-auth.json"], ["pass"])


@dataclass
class _Budget:
    """At most one TOML type error per file (Go reports one of several at random)."""

    type_error: bool = False

    def take(self, g: _Gen, n: int) -> bool:
        """Spend the file's type error, about once in ``n`` draws."""
        if not self.type_error and g.one_in(n):
            self.type_error = True
            return True
        return False


def _strings(values: Sequence[str]) -> str:
    return "[" + ", ".join(toml_string(v) for v in values) + "]"


def _endpoint(
    g: _Gen, budget: _Budget, *, mirror: bool, by_digest: bool, errors: bool
) -> list[tuple[str, str]]:
    """Key/value pairs of one ``[[registry]]`` or ``[[registry.mirror]]`` table."""
    kv: list[tuple[str, str]] = []
    if mirror:
        kv.append(("location", toml_string(g.pick(_MIRRORS if errors else _MIRRORS_OK))))
        if g.one_in(3):
            kv.append(("insecure", "true"))
        if not by_digest and g.one_in(2):
            value = "none" if errors and g.one_in(15) else g.pick(_PFM)
            kv.append(("pull-from-mirror", toml_string(value)))
    if g.one_in(4):
        if errors and budget.take(g, 6):
            kv.append(("namespace-proxy", g.pick(WRONG_STRINGS)))
        else:
            kv.append(("namespace-proxy", toml_string(g.pick(NAMESPACE_PROXIES))))
    return kv


def _table(header: str, kv: list[tuple[str, str]]) -> list[str]:
    return [header] + [f"{k} = {v}" for k, v in kv]


def _inline(kv: list[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{k} = {v}" for k, v in kv) + "}"


def _registries(g: _Gen, budget: _Budget, *, errors: bool) -> list[str]:
    entries: list[tuple[list[tuple[str, str]], list[list[tuple[str, str]]]]] = []
    flags: dict[str, tuple[bool, bool]] = {}  # location -> (insecure, blocked)
    for prefix in g.some(PLAN_PREFIXES, 0, 5, unique=True):
        wild = prefix.startswith("*.")
        kv = [("prefix", toml_string(prefix))]
        loc = g.pick(("", *PLAN_LOCATIONS) if wild else PLAN_LOCATIONS)
        if loc:
            kv.append(("location", toml_string(loc)))
        insecure, blocked = g.one_in(4), g.one_in(3)
        if not errors:  # one location with two settings is an error
            insecure, blocked = flags.setdefault(loc or prefix, (insecure, blocked))
        if insecure:
            kv.append(("insecure", "true"))
        if blocked:
            kv.append(("blocked", "true"))
        by_digest = g.one_in(6)
        if by_digest:
            kv.append(("mirror-by-digest-only", "true"))
        kv.extend(_endpoint(g, budget, mirror=False, by_digest=by_digest, errors=errors))
        mirrors = [
            _endpoint(g, budget, mirror=True, by_digest=by_digest, errors=errors)
            for _ in range(g.integer(0, 3))
        ]
        entries.append((kv, mirrors))
    if entries and g.one_in(6):
        items = []
        for kv, mirrors in entries:
            full = list(kv)
            if mirrors:
                full.append(("mirror", "[" + ", ".join(_inline(m) for m in mirrors) + "]"))
            items.append(_inline(full))
        return ["registry = [" + ", ".join(items) + "]"]
    lines: list[str] = []
    for kv, mirrors in entries:
        lines.extend(_table("[[registry]]", kv))
        for m in mirrors:
            lines.extend(_table("[[registry.mirror]]", m))
    return lines


def _aliases(g: _Gen, *, errors: bool) -> list[str]:
    table = {g.pick(ALIAS_NAMES): g.pick(ALIAS_VALUES) for _ in range(g.integer(0, 4))}
    if errors and g.one_in(3):
        # Several invalid entries: the joined error (separator and order change in 5.31).
        for _ in range(g.integer(1, 3)):
            if g.one_in(2):
                table[g.pick(BAD_ALIAS_NAMES)] = g.pick(ALIAS_VALUES)
            else:
                table[g.pick(ALIAS_NAMES)] = g.pick(BAD_ALIAS_VALUES)
    if not table and not g.one_in(8):
        return []
    return ["[aliases]"] + [f"{toml_string(k)} = {toml_string(v)}" for k, v in table.items()]


def _era_v2_file(g: _Gen, *, errors: bool) -> str:
    """A v2 file (the same shapes serve as drop-ins; v1 drop-ins come from _v1_file)."""
    budget = _Budget()
    top: list[str] = []
    if not g.one_in(3):  # a third of the files set no search registries (origin rules)
        search = g.some(SEARCH if errors else _SEARCH_OK, 0, 3)
        top.append(f"unqualified-search-registries = {_strings(search)}")
    if g.one_in(4):
        modes = ("enforcing", "permissive", "disabled", "prompt" if errors else "")
        top.append(f"short-name-mode = {toml_string(g.pick(modes))}")
    if g.one_in(8):
        top.append(f"credential-helpers = {_strings(g.pick(_HELPERS))}")
    if g.one_in(4):
        if errors and budget.take(g, 3):
            value = g.pick(WRONG_STRINGS)
        else:
            value = toml_string(g.pick(("", "helper", "other-helper")))
        top.append(f"additional-layer-store-auth-helper = {value}")
    lines = top + _registries(g, budget, errors=errors) + _aliases(g, errors=errors)
    if errors and g.one_in(12):
        # v1 next to v2: empty arrays (ignored up to 5.23, the mixing error from 5.24) or not.
        table = g.pick(("search", "insecure", "block"))
        values = g.pick(([], [], ["quay.io"], ["a.com", "m.com"]))
        lines.extend([f"[registries.{table}]", f"registries = {_strings(values)}"])
    if errors and g.one_in(60):
        lines.append(g.pick(("invalid", "[[registry]]\nprefix = 'a' = 'b'")))
    return "\n".join(lines) + "\n"


def _v1_file(g: _Gen, *, errors: bool = True) -> str:
    """A v1 file: only empty arrays, real entries, an empty ``[aliases]``, or next to v2 keys
    (``errors=False``: only v1 tables)."""
    lines: list[str] = []
    for table in ("search", "insecure", "block"):
        if g.one_in(2):
            continue
        if g.one_in(3):
            values: list[str] = []
        elif table == "search":
            values = g.some(SEARCH if errors else _SEARCH_OK, 1, 3)
        else:
            values = g.some(PLAN_LOCATIONS, 1, 2)
        lines.extend([f"[registries.{table}]", f"registries = {_strings(values)}"])
    extra = g.integer(0, 9) if errors else 9
    if extra == 0:
        lines.append("[aliases]")  # empty: counted from 5.24 (hasSetField)
    elif extra == 1:
        lines.extend(["[aliases]", 'foo = "quay.io/foo"'])
    elif extra == 2:
        lines.insert(0, 'unqualified-search-registries = ["docker.io"]')
    elif extra == 3:
        lines.insert(0, 'short-name-mode = "enforcing"')
    elif extra == 4:
        lines.extend(
            ["[[registry]]", 'location = "a.com"', "[[registry.mirror]]", 'location = "m.com/"']
        )
    if not lines:
        lines = ["[registries.search]", "registries = []"]
    return "\n".join(lines) + "\n"


_VALID = '[[registry]]\nprefix = "a.com"\nlocation = "m.com"\n'
#: One quirk each of the TOML decoders of the eras (tests/oracle/eras/ERAS.md, "TOML").
TOML_QUIRKS = (
    "\ufeff" + _VALID,
    'unqualified-search-registries = ["a.com"]\nunqualified-search-registries = ["quay.io"]\n',
    'registry = [{prefix = "a.com", foo.location = "m.com"}]\n',
    'registry = [{location = "a.com", insecure.x = 1, insecure = true}]\n',
    'registry = [{location = "a.com",}]\n',
    'registry = [{location = "a.com",\n prefix = "a.com"}]\n',
    "x = 07:32\n" + _VALID,
    "x = 1979-05-27T7:32:00\n" + _VALID,
    "x = [1979-05-27T7:32:00]\n" + _VALID,
    "x = 0xg\n",
    '[aliases]\nfoo = """quay.io/foo\r\nbar"""\n',
    "unqualified-search-registries = 1\n",
    'registry = {location = "a.com"}\n',
    "registry = [[1]]\n",
    "credential-helpers = [{a = 1}]\n",
    'unqualified-search-registries = [["a"]]\n',
    "invalid\n",
    "[aliases",
    '[a]\n"" = [1]\n[a]\nb = 2\n',
    "x = {a = [1], a.b = 2}\n",
    'short-name-mode = ["enforcing"]\n',
    _VALID + "[registry.mirror]\nlocation = 1\n",
)


def _file(g: _Gen, *, dropin: bool, errors: bool) -> str:
    """One registries.conf (or drop-in) text; ``errors=False`` keeps most files loadable."""
    if not errors:
        if not dropin and g.one_in(13):
            return _v1_file(g, errors=False)
        return _era_v2_file(g, errors=False)
    kind = g.integer(0, 15)
    if kind < 13:
        return _era_v2_file(g, errors=True)
    if kind < 15:
        return _v1_file(g)
    return g.pick(TOML_QUIRKS)


@st.composite
def _era_file(draw: st.DrawFn, dropin: bool, errors: bool) -> str:
    return _file(_Gen(draw), dropin=dropin, errors=errors)


def era_file(*, dropin: bool = False, errors: bool = True) -> st.SearchStrategy[str]:
    """One registries.conf (or drop-in) text as a strategy."""
    return _era_file(dropin, errors)


# -- file layouts -------------------------------------------------------------------------------

Files = dict[str, "str | None"]


def _dropins(g: _Gen, directory: str, *, errors: bool, files: Files, links: dict[str, str]) -> None:
    """Fill ``directory`` (into ``files`` and ``links``)."""
    files[directory] = None
    for name in g.some(DROPIN_NAMES, 1, 3, unique=True):
        files[f"{directory}/{name}"] = _file(g, dropin=True, errors=errors)
    kind = g.integer(0, 19)
    if kind in (0, 1):
        links[f"{directory}/40-gone.conf"] = "nowhere.conf"  # vanished: skipped from 5.34
    elif kind == 2 and errors:
        links[f"{directory}/41-loop.conf"] = "41-loop.conf"  # ELOOP: an error in every era
    elif kind == 3:
        files[f"{directory}/sub.conf"] = None  # a directory named *.conf: skipped
        files[f"{directory}/sub.conf/x.conf"] = "invalid ["
    elif kind == 4:
        files[f"{directory}/ignored.CONF"] = "invalid ["


def _layout(g: _Gen, *, errors: bool) -> EraCase:
    files: Files = {}
    links: dict[str, str] = {}
    sys_path: str | None = None
    sys_dir: str | None = None
    if not g.one_in(5):
        files[SYSTEM_CONF] = _file(g, dropin=False, errors=errors)
    if g.one_in(4):
        files[USER_CONF] = _file(g, dropin=False, errors=errors)
    if g.one_in(4):
        files[USR_CONF] = _file(g, dropin=False, errors=errors)
    if g.one_in(12):
        sys_path = CUSTOM_CONF
        if not (errors and g.one_in(5)):
            files[CUSTOM_CONF] = _file(g, dropin=False, errors=errors)
    weights = (3, 6, 4, 5, 8, 10, 14, 16)  # one in N for each of DROPIN_DIRS
    for directory, n in strict_zip(DROPIN_DIRS, weights):
        if g.one_in(n):
            _dropins(g, directory, errors=errors, files=files, links=links)
    if errors and g.one_in(40):
        # A drop-in "directory" that is a file: an error from 5.40, nothing before.
        directory = g.pick(DROPIN_DIRS[:5])
        files = {p: t for p, t in files.items() if not p.startswith(directory + "/")}
        links = {p: t for p, t in links.items() if not p.startswith(directory + "/")}
        files[directory] = "not a directory"
    if g.one_in(12):
        sys_dir = CUSTOM_DIR
        _dropins(g, CUSTOM_DIR, errors=errors, files=files, links=links)
    return EraCase(
        files,
        symlinks=links,
        system_registries_conf_path=sys_path,
        system_registries_conf_dir_path=sys_dir,
    )


@st.composite
def era_cases(draw: st.DrawFn, *, errors: bool = True) -> EraCase:
    """A file layout over every place some era reads (no environment: the batch process)."""
    return _layout(_Gen(draw), errors=errors)


def _environment(g: _Gen, files: Files) -> tuple[dict[str, str | None], str | None]:
    env: dict[str, str | None] = {}
    home: str | None = None
    if g.one_in(2):
        kind = g.integer(0, 5)
        if kind == 0:
            env["CONTAINERS_REGISTRIES_CONF"] = ""  # set but empty: the defaults apply
        else:
            env["CONTAINERS_REGISTRIES_CONF"] = ENV_CONF
            if kind > 1:
                files[ENV_CONF] = _file(g, dropin=False, errors=True)
    if g.one_in(3):
        env["CONTAINERS_REGISTRIES_CONF_OVERRIDE"] = OVERRIDE_CONF
        if not g.one_in(6):
            files[OVERRIDE_CONF] = _file(g, dropin=False, errors=True)
    if g.one_in(8):
        env["REGISTRIES_CONFIG_PATH"] = LEGACY_CONF
        files[LEGACY_CONF] = _file(g, dropin=False, errors=True)
    links: dict[str, str] = {}  # not kept: the base layout has the links of this case
    if g.one_in(3):
        env["_CONTAINERS_ROOTLESS_UID"] = g.pick(("1000", "1000", "0"))
        for directory in (ETC_ROOTLESS_UID, ETC_ROOTLESS, USR_ROOTLESS_UID):
            if g.one_in(2):
                _dropins(g, directory, errors=True, files=files, links=links)
    if g.one_in(4):
        env["XDG_CONFIG_HOME"] = XDG
        if g.one_in(2):
            files[XDG_CONF] = _file(g, dropin=False, errors=True)
        if g.one_in(2):
            _dropins(g, XDG_DIR, errors=True, files=files, links=links)
    if g.one_in(6):
        home = OTHER_HOME
        if g.one_in(2):
            files[OTHER_CONF] = _file(g, dropin=False, errors=True)
        if g.one_in(2):
            _dropins(g, OTHER_DIR, errors=True, files=files, links=links)
    if not env and home is None:
        env["CONTAINERS_REGISTRIES_CONF_OVERRIDE"] = OVERRIDE_CONF
        files[OVERRIDE_CONF] = _file(g, dropin=False, errors=True)
    return env, home


@st.composite
def era_env_cases(draw: st.DrawFn) -> EraCase:
    """A layout plus an environment (or home directory): one fresh oracle process each."""
    g = _Gen(draw)
    base = _layout(g, errors=True)
    files = dict(base.files)
    env, home = _environment(g, files)
    return EraCase(
        files,
        symlinks=base.symlinks,
        system_registries_conf_path=base.system_registries_conf_path,
        system_registries_conf_dir_path=base.system_registries_conf_dir_path,
        home=home,
        env=env,
    )


_PLAN_CASES = plan_cases()
_CONFIG_CASES = config_cases()


@st.composite
def era_plan_cases(draw: st.DrawFn) -> tuple[EraCase, str | None]:
    """Configurations for the plan comparisons: mostly loadable, from three generators.

    Returns (case, user alias cache text or None).
    """
    g = _Gen(draw)
    kind = g.integer(0, 19)
    if kind < 12:
        return _layout(g, errors=False), None
    if kind < 17:
        case, cache = draw(_PLAN_CASES)
        return as_era_case(case), cache
    if kind < 19:
        return as_era_case(draw(_CONFIG_CASES)), None
    return _layout(g, errors=True), None


@st.composite
def mixed_cases(draw: st.DrawFn) -> EraCase:
    """Loading-focused cases: the era layouts (errors on) and the loader's generator."""
    g = _Gen(draw)
    if g.one_in(6):
        return as_era_case(draw(_CONFIG_CASES))
    return _layout(g, errors=True)


# -- references and names ---------------------------------------------------------------------

#: References over the hosts of the generated prefixes: hits, misses, ties, tag+digest.
REF_POOL: tuple[str, ...] = tuple(
    sorted(
        {
            *(f"{h}/{p}{s}" for h in REF_HOSTS for p in REF_PATHS[:8] for s in REF_SUFFIXES),
            *(f"{p}{s}" for p in REF_PATHS[:6] for s in REF_SUFFIXES[:4]),
            "Bad/Name", "a.com/UPPER", "", "a.com/", "a.com//x", "a.com/x:", "@" + DIGEST,
            "m.com/ns/x/y:1", "quay.io/evil/x", "evil.com/m/x",
        }
    )
)  # fmt: skip
#: Names whose aliases are looked up in every request (the era oracles have no alias table).
ALIAS_QUERIES = ("foo", "bar", "library/foo", "ns/bar", "busybox", "evil", "ns/x", "Foo", "foo:1")
