"""Many threads planning while another rewrites registries.conf and reloads it.

The property (issue 8): every plan a reader gets equals the plan of one *complete* known
configuration -- the one the resolver it used was built from -- never a mix of two versions
or a half-built index; invalid versions keep the last good resolver and are reported.

Versions are written whole (``write_atomic``), non-atomically (truncate, then a few chunks
with pauses, so readers really meet partial files) and as invalid files.  A partial file can
itself be a valid configuration (the empty file is one); those valid prefixes are known
versions too, computed by parsing every byte prefix of every version.

STRESS_SECONDS (default 2) sets each scenario's duration; docs/reliability.md has figures from
longer runs.
"""

from __future__ import annotations

import os
import random
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from regresolve import (
    InvalidConfig,
    RegistriesConf,
    RegresolveError,
    Reloader,
    Resolver,
    load_config,
)
from regresolve._atomic import write_atomic

SECONDS = float(os.environ.get("STRESS_SECONDS", "2"))
READERS = int(os.environ.get("STRESS_READERS", "16"))

REFS = [
    "busybox",
    "docker.io/library/busybox:1.36",
    "quay.io/ns/app@sha256:" + "ab" * 32,
    "a.example.com/team/img:v1",
    "b.c.example.com/deep/path/x",
    "blocked.example.org/x/y:z",
    "registry.local:5000/p",
    "localhost/img",
]


def _version(i: int) -> str:
    """Version i, as one inline array: most cuts through it are invalid TOML."""
    entries = [
        f'{{prefix = "docker.io/library", location = "v{i}.mirror.example/lib", '
        + "mirror = ["
        + ", ".join(
            f'{{location = "m{j}.v{i}.example/lib", insecure = {str(j % 2 == 1).lower()}}}'
            for j in range(i % 3 + 1)
        )
        + "]}",
        f'{{prefix = "*.example.com", location = "w{i}.example.net/sub", '
        f"mirror-by-digest-only = {str(i % 2 == 0).lower()}}}",
        f'{{location = "blocked.example.org", blocked = {str(i % 2 == 1).lower()}}}',
        f'{{prefix = "quay.io/ns", location = "q{i}.example/ns", '
        f'mirror = [{{location = "qm.example/{i}", pull-from-mirror = "digest-only"}}]}}',
        f'{{prefix = "version.marker", location = "v{i}.marker.example"}}',
    ]
    return (
        f'unqualified-search-registries = ["s{i}.example", "docker.io"]\n'
        + "registry = [\n  "
        + ",\n  ".join(entries)
        + "\n]\n"
    )


VERSIONS = [_version(i) for i in range(6)]
INVALID = [
    "registry = [\n  {location = ",  # a TOML syntax error
    '[[registry]]\nlocation = "a.example"\n[[registry]]\nlocation = "a.example"\ninsecure = true\n',
    '[[registry]]\nprefix = "x.example"\nlocation = "http://bad.example"\n',
    "unqualified-search-registries = 7\n",
    "\udcff",  # written as the byte 0xff: not UTF-8
]


def _plans(conf: RegistriesConf) -> dict[str, Any]:
    r = Resolver(conf, cache_size=0)
    out: dict[str, Any] = {}
    for ref in REFS:
        try:
            out[ref] = r.plan(ref).to_dict()
        except RegresolveError as e:
            out[ref] = ("error", type(e).__name__, e.go_message)
    return out


def _known(path: str, *, prefixes: bool) -> dict[RegistriesConf, dict[str, Any]]:
    known: dict[RegistriesConf, dict[str, Any]] = {}
    for text in VERSIONS:
        cuts = range(len(text) + 1) if prefixes else [len(text)]
        for k in cuts:
            try:
                conf = RegistriesConf.from_toml(text[:k], path=path)
            except RegresolveError:
                continue
            if conf not in known:
                known[conf] = _plans(conf)
    return known


def _write_whole(path: str, text: str) -> None:
    write_atomic(path, text.encode("utf-8", "surrogateescape"))


def _write_partial(path: str, text: str, rng: random.Random) -> None:
    data = text.encode("utf-8", "surrogateescape")
    cuts = sorted(rng.sample(range(1, len(data)), min(3, len(data) - 1))) if len(data) > 1 else []
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC | os.O_CREAT, 0o644)
    try:
        prev = 0
        for c in [*cuts, len(data)]:
            os.write(fd, data[prev:c])
            prev = c
            time.sleep(rng.random() * 0.0005)
    finally:
        os.close(fd)


class _Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.plans = 0
        self.writes = 0
        self.failures: list[str] = []
        self.versions_seen: set[RegistriesConf] = set()


def _reader(
    get: Callable[[], Resolver],
    known: dict[RegistriesConf, dict[str, Any]],
    stop: threading.Event,
    stats: _Stats,
    seed: int,
) -> None:
    rng = random.Random(seed)
    n = 0
    seen: dict[int, tuple[Resolver, dict[str, Any] | None]] = {}
    try:
        while not stop.is_set():
            resolver = get()
            entry = seen.get(id(resolver))
            if entry is None or entry[0] is not resolver:
                entry = (resolver, known.get(resolver.conf))
                seen[id(resolver)] = entry
                if entry[1] is None:
                    raise AssertionError(
                        f"resolver built from an unknown configuration: {resolver.conf}"
                    )
                with stats.lock:
                    stats.versions_seen.add(resolver.conf)
            expected = entry[1]
            assert expected is not None
            ref = rng.choice(REFS)
            try:
                got: Any = resolver.plan(ref).to_dict()
            except RegresolveError as e:
                got = ("error", type(e).__name__, e.go_message)
            if got != expected[ref]:
                raise AssertionError(f"{ref}: plan {got} is not the plan of its configuration")
            n += 1
            if n % 16 == 0:
                time.sleep(0)  # a webhook does I/O between requests; it lets the writer in
    except BaseException as e:  # reported by the main thread
        with stats.lock:
            stats.failures.append(repr(e))
    with stats.lock:
        stats.plans += n


@pytest.fixture(autouse=True)
def _fast_switching() -> Any:
    # Switch threads often: more interleavings, and the writer is not starved by the readers.
    old = sys.getswitchinterval()
    sys.setswitchinterval(0.0002)
    yield
    sys.setswitchinterval(old)


def _run(tmp_path: Path, *, atomic: bool, polling: bool) -> tuple[_Stats, Reloader]:
    path = str(tmp_path / "registries.conf")
    _write_whole(path, VERSIONS[0])
    known = _known(path, prefixes=not atomic)
    errors: list[RegresolveError] = []
    reloader = Reloader(path, dropin_dirs=[], env={}, on_error=errors.append)
    assert reloader.resolver.conf in known
    stats = _Stats()
    stop = threading.Event()
    readers = [
        threading.Thread(target=_reader, args=(lambda: reloader.resolver, known, stop, stats, i))
        for i in range(READERS)
    ]
    for t in readers:
        t.start()
    rng = random.Random(8)
    if polling:
        reloader.start(0.001)
    deadline = time.monotonic() + SECONDS
    invalid_checked = 0
    try:
        while time.monotonic() < deadline and not stats.failures:
            if rng.random() < 0.2:
                # An invalid version: the last good resolver stays, the error is reported.
                text = rng.choice(INVALID)
                _write_whole(path, text)
                if not polling:
                    before = reloader.resolver
                    assert reloader.reload() is False
                    assert reloader.resolver is before
                    assert isinstance(reloader.error, InvalidConfig)
                    assert path in str(reloader.error)
                    invalid_checked += 1
            else:
                text = rng.choice(VERSIONS)
                if atomic:
                    _write_whole(path, text)
                else:
                    _write_partial(path, text, rng)
                if not polling:
                    reloader.reload()
            stats.writes += 1
            if polling:
                time.sleep(0.002)
            elif not atomic and rng.random() < 0.5:
                # Reload while a partial write is in flight, from another thread.
                w = threading.Thread(target=_write_partial, args=(path, rng.choice(VERSIONS), rng))
                w.start()
                reloader.reload()
                w.join()
    finally:
        stop.set()
        reloader.stop(5)
        for t in readers:
            t.join(30)
    assert not any(t.is_alive() for t in readers)
    assert not stats.failures, stats.failures[:3]
    if not polling:
        assert invalid_checked > 0
    assert errors, "invalid versions were never reported"
    # The end state: a last good write is picked up.
    _write_whole(path, VERSIONS[3])
    assert reloader.reload()
    assert reloader.resolver.conf == load_config(path, dropin_dirs=[], env={})
    return stats, reloader


@pytest.mark.slow
@pytest.mark.parametrize(
    ("atomic", "polling"),
    [(True, False), (False, False), (True, True), (False, True)],
    ids=["atomic-reload", "nonatomic-reload", "atomic-polling", "nonatomic-polling"],
)
def test_readers_only_see_complete_versions(tmp_path: Path, atomic: bool, polling: bool) -> None:
    stats, reloader = _run(tmp_path, atomic=atomic, polling=polling)
    assert stats.plans > 1000
    assert reloader.reloads > 10
    assert reloader.generation > 2
    assert len(stats.versions_seen) >= 2
    print(
        f"readers={READERS} seconds={SECONDS} plans={stats.plans} writes={stats.writes} "
        f"reloads={reloader.reloads} installed={reloader.generation} "
        f"versions_seen={len(stats.versions_seen)}"
    )


@pytest.mark.slow
def test_shared_resolver_with_a_small_cache_under_contention() -> None:
    """One Resolver shared by many threads; a tiny cache forces concurrent evictions."""
    conf = RegistriesConf.from_toml(VERSIONS[1])
    shared = Resolver(conf, cache_size=8)
    hosts = ("docker.io/library", "a.example.com", "quay.io/ns")
    refs = [f"{h}/img{i}:t{i % 5}" for i in range(200) for h in hosts]
    fresh = Resolver(conf, cache_size=0)
    expected = {r: fresh.plan(r).to_dict() for r in refs}
    failures: list[str] = []

    def work(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(3000):
            r = rng.choice(refs)
            if shared.plan(r).to_dict() != expected[r]:
                failures.append(r)
                return

    threads = [threading.Thread(target=work, args=(i,)) for i in range(READERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not failures
    assert shared.conf is conf
