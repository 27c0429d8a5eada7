"""Fuzz targets: one function per public entry point that reads untrusted text.

Each target takes raw bytes and exercises the public API the way a webhook or the CLI
would.  The property: every exception that escapes is a :class:`regresolve.RegresolveError`
(the documented, typed errors), and nothing hangs (run.py bounds each input's time).  Any
other exception propagates and is a finding.

The targets are plain functions so that ``tests/test_fuzz_corpus.py`` replays the corpus
through exactly the same code without atheris; the fuzzer itself is ``tests/fuzz/run.py``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator
from types import FrameType

from regresolve import (
    RegistriesConf,
    RegresolveError,
    Resolver,
    is_short_name,
    parse_reference,
)
from regresolve._aliases import parse_alias_cache

# A configuration with the shapes that make planning interesting: wildcards, mirrors,
# digest-only mirrors, a blocked entry, rewrites to a different path, aliases.
_BASE_CONF = """\
unqualified-search-registries = ["docker.io", "quay.io"]
short-name-mode = "permissive"
[aliases]
"fedora" = "registry.fedoraproject.org/fedora"
[[registry]]
prefix = "*.example.com"
location = "mirror.example.net/ex"
[[registry.mirror]]
location = "m1.example.org"
[[registry.mirror]]
location = "m2.example.org/a/b"
pull-from-mirror = "digest-only"
[[registry]]
prefix = "docker.io/library"
location = "internal.example.com/dockerhub"
[[registry.mirror]]
location = "blocked.example.com/lib"
[[registry]]
location = "blocked.example.com"
blocked = true
[[registry]]
location = "quay.io"
mirror-by-digest-only = true
[[registry.mirror]]
location = "localhost:5000/quay"
insecure = true
"""
_BASE = Resolver(RegistriesConf.from_toml(_BASE_CONF), cache_size=0)
_SEP = b"\x00\x00"  # splits one input into several files


# Known, already-reported hangs that would otherwise stop every fuzzing run at the same bug.
# With REGRESOLVE_FUZZ_SKIP_KNOWN=1 an input still running after 0.5 s inside one of these
# functions is abandoned (SIGALRM) instead of reported; any other slow input still reaches
# libFuzzer's -timeout.  Off by default: CI reports them.  (module, function, why)
KNOWN_HANGS: tuple[tuple[str, str, str], ...] = (
    # Empty: the hangs found so far are fixed (the TOML line locator on a stray "}" in an
    # array, e5f06f9; YAML alias expansion, 9179438); their inputs stay in the corpus.
)


class KnownHang(Exception):
    """Raised by the alarm handler inside a known hang (only when skipping is enabled)."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    f = frame
    while f is not None:
        for module, func, _why in KNOWN_HANGS:
            if f.f_code.co_name == func and f.f_globals.get("__name__") == module:
                raise KnownHang(f"{module}.{func}")
        f = f.f_back


@contextlib.contextmanager
def _known_hang_guard() -> Iterator[None]:
    if os.environ.get("REGRESOLVE_FUZZ_SKIP_KNOWN") != "1" or sys.platform == "win32":
        yield
        return
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        yield
    except KnownHang:
        pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def guarded(target: Callable[[bytes], None]) -> Callable[[bytes], None]:
    """``target`` under the known-hang guard (what run.py hands to atheris)."""

    def run(data: bytes) -> None:
        with _known_hang_guard():
            target(data)

    return run


def _text(data: bytes) -> str:
    # surrogateescape: invalid UTF-8 becomes lone surrogates, which JSON (a webhook's
    # AdmissionReview) can carry too.
    return data.decode("utf-8", "surrogateescape")


def _plan_some(resolver: Resolver, refs: list[str]) -> None:
    for r in refs:
        try:
            plan = resolver.plan(r)
        except RegresolveError:
            continue
        plan.to_dict()
        plan.explain()
    for name in ("fedora", "busybox", "library/busybox:1"):
        with contextlib.suppress(RegresolveError):
            resolver.resolve_short_name(name)


def target_reference(data: bytes) -> None:
    """parse_reference (normalized and not), is_short_name, and a plan against _BASE."""
    text = _text(data)
    for normalize in (True, False):
        try:
            ref = parse_reference(text, normalize=normalize)
        except RegresolveError:
            continue
        str(ref)
        _ = (ref.name, ref.domain, ref.path, ref.tag, ref.digest)
        if normalize:
            _ = ref.familiar
            ref.with_default_tag()
    with contextlib.suppress(RegresolveError):  # documented: InvalidReference if unparseable
        is_short_name(text)
    _plan_some(_BASE, [text])
    with contextlib.suppress(RegresolveError):
        _BASE.find_registry(text)


def _conf_then_plan(conf: RegistriesConf) -> None:
    resolver = Resolver(conf, cache_size=0)
    _plan_some(resolver, ["busybox", "docker.io/library/busybox:latest", "a.example.com/x/y@sha256:"
                          + "a" * 64, "quay.io/ns/img:1", "localhost/x"])  # fmt: skip
    try:
        text = conf.to_toml()
    except RegresolveError:
        return
    # The round trip must load (a failure here is a finding: to_toml wrote what we refuse).
    RegistriesConf.from_toml(text)


def target_config(data: bytes) -> None:
    """RegistriesConf.from_toml on one file (v2, v1, aliases), then planning and to_toml."""
    try:
        conf = RegistriesConf.from_toml(_text(data), path="/fuzz/registries.conf")
    except RegresolveError:
        return
    _conf_then_plan(conf)


def target_dropins(data: bytes) -> None:
    """A main file and up to three drop-ins (split on two NUL bytes), merged."""
    parts = [_text(p) for p in data.split(_SEP)]
    main, rest = parts[0], parts[1:4]
    dropins = {f"{i:02d}-fuzz.conf": t for i, t in enumerate(rest)}
    try:
        conf = RegistriesConf.from_toml(
            main, dropins, path="/fuzz/registries.conf", dropin_dir="/fuzz/registries.conf.d"
        )
    except RegresolveError:
        return
    _conf_then_plan(conf)


def target_alias_cache(data: bytes) -> None:
    """The machine-written alias cache, then a resolver that consults it."""
    try:
        aliases = parse_alias_cache(_text(data), "/fuzz/short-name-aliases.conf")
    except RegresolveError:
        return
    resolver = Resolver(_BASE.conf, cache_size=0, user_aliases=aliases)
    for a in aliases[:8]:
        with contextlib.suppress(RegresolveError):
            resolver.resolve_short_name(a.name)


def target_openshift(data: bytes) -> None:
    """OpenShift objects (YAML/JSON as ``oc get`` prints them), rendering, node planning."""
    from regresolve.openshift import objects_from_text, plan_on_node, render

    try:
        objs = objects_from_text(_text(data), path="/fuzz/objects.yaml")
        files = render(objs, release_image="quay.io/openshift-release-dev/ocp-release@sha256:"
                       + "0" * 64)  # fmt: skip
    except RegresolveError:
        return
    for image in ("quay.io/ns/img:1", "registry.example.com/a/b@sha256:" + "1" * 64):
        with contextlib.suppress(RegresolveError):
            plan_on_node(files, image)


TARGETS: dict[str, Callable[[bytes], None]] = {
    "reference": target_reference,
    "config": target_config,
    "dropins": target_dropins,
    "alias_cache": target_alias_cache,
    "openshift": target_openshift,
}
