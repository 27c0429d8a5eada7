"""The Reloader: initial load, swaps, keeping the last good version, polling, drop-ins."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

import regresolve
from regresolve import InvalidConfig, RegresolveError, Reloader, Resolver, watch
from regresolve._atomic import write_atomic

V1 = '[[registry]]\nprefix = "docker.io"\nlocation = "one.example"\n'
V2 = '[[registry]]\nprefix = "docker.io"\nlocation = "two.example"\n'
BAD = '[[registry]]\nprefix = "docker.io"\nlocation = "http://x"\n'  # a scheme is refused


def _loc(r: Reloader) -> str:
    return r.resolver.plan("docker.io/library/x:1").sources[0].location


def _error(r: Reloader) -> RegresolveError | None:
    return r.error  # a call: mypy keeps no narrowing from earlier asserts


def _running(r: Reloader) -> bool:
    return r.running


def _setup(tmp_path: Path, text: str = V1) -> tuple[str, str]:
    conf = tmp_path / "registries.conf"
    d = tmp_path / "registries.conf.d"
    d.mkdir()
    write_atomic(conf, text)
    return str(conf), str(d)


def test_exported() -> None:
    assert regresolve.Reloader is Reloader
    assert regresolve.watch is watch


def test_initial_load_and_explicit_reload(tmp_path: Path) -> None:
    conf, d = _setup(tmp_path)
    installed: list[Resolver] = []
    r = Reloader(conf, dropin_dirs=d, env={}, on_reload=installed.append)
    assert isinstance(r.resolver, Resolver)
    assert (r.generation, r.reloads, r.error) == (1, 0, None)
    assert _loc(r) == "one.example"
    assert not r.changed()
    write_atomic(conf, V2)
    assert r.changed()
    assert r.reload() is True
    assert _loc(r) == "two.example"
    assert installed == [r.resolver]
    assert (r.generation, r.reloads) == (2, 1)
    assert not r.changed()


def test_invalid_version_keeps_last_good_and_reports(tmp_path: Path) -> None:
    conf, d = _setup(tmp_path)
    errors: list[RegresolveError] = []
    r = Reloader(conf, dropin_dirs=d, env={}, on_error=errors.append)
    good = r.resolver
    write_atomic(conf, BAD)
    assert r.reload() is False
    assert r.resolver is good
    assert isinstance(r.error, InvalidConfig)
    assert r.error.path == conf
    assert errors == [r.error]
    assert r.generation == 1
    assert not r.check()  # the failed version is not retried until the files change again
    write_atomic(conf, V2)
    assert r.check() is True
    assert _error(r) is None
    assert _loc(r) == "two.example"


def test_first_load_failure_raises(tmp_path: Path) -> None:
    conf, d = _setup(tmp_path, BAD)
    with pytest.raises(InvalidConfig):
        Reloader(conf, dropin_dirs=d, env={})


def test_dropin_added_changed_and_removed(tmp_path: Path) -> None:
    conf, d = _setup(tmp_path)
    r = Reloader(conf, dropin_dirs=d, env={})
    dropin = os.path.join(d, "50-x.conf")
    write_atomic(dropin, V2)
    assert r.check() is True
    assert _loc(r) == "two.example"
    os.unlink(dropin)
    assert r.check() is True
    assert _loc(r) == "one.example"
    assert r.check() is False


def test_unreadable_file_appearing_keeps_last_good(tmp_path: Path) -> None:
    conf, d = _setup(tmp_path)
    r = Reloader(conf, dropin_dirs=d, env={})
    os.mkdir(os.path.join(d, "60-dir.conf"))  # a directory named like a drop-in is skipped
    os.symlink("loop.conf", os.path.join(d, "loop.conf"))  # a symlink loop is not
    assert r.check() is False
    assert isinstance(r.error, InvalidConfig)
    assert "loop.conf" in str(r.error)
    assert _loc(r) == "one.example"


def test_environment_is_frozen_at_construction(tmp_path: Path) -> None:
    conf, _d = _setup(tmp_path)
    env = {"CONTAINERS_REGISTRIES_CONF": conf, "HOME": str(tmp_path)}
    r = Reloader(env=env, dropin_dirs=[])
    env["CONTAINERS_REGISTRIES_CONF"] = "/nonexistent"
    assert r.reload() is True
    assert _loc(r) == "one.example"


def test_alias_cache_is_loaded_and_watched(tmp_path: Path) -> None:
    conf, d = _setup(tmp_path, V1 + 'short-name-mode = "permissive"\n')
    cache = tmp_path / "aliases.conf"
    write_atomic(cache, '[aliases]\n"myimg" = "quay.io/ns/myimg"\n')
    r = Reloader(conf, dropin_dirs=d, env={}, alias_cache=str(cache))
    res = r.resolver.resolve_short_name("myimg")
    assert "quay.io/ns/myimg" in repr(res)
    write_atomic(cache, '[aliases]\n"myimg" = "quay.io/other/myimg"\n')
    assert r.check() is True
    assert "quay.io/other/myimg" in repr(r.resolver.resolve_short_name("myimg"))


def test_polling_thread_picks_up_changes_and_stops(tmp_path: Path) -> None:
    conf, d = _setup(tmp_path)
    seen = threading.Event()
    with watch(conf, interval=0.01, dropin_dirs=d, env={}, on_reload=lambda _r: seen.set()) as r:
        assert r.running
        write_atomic(conf, V2)
        assert seen.wait(10)
        assert _loc(r) == "two.example"
    assert not _running(r)
    write_atomic(conf, V1)
    time.sleep(0.05)
    assert _loc(r) == "two.example"  # stopped: no more reloads


def test_failing_callback_does_not_kill_the_watcher(tmp_path: Path) -> None:
    conf, d = _setup(tmp_path)
    calls: list[int] = []

    def bad(_r: Resolver) -> None:
        calls.append(1)
        raise RuntimeError("callback bug")

    r = Reloader(conf, dropin_dirs=d, env={}, on_reload=bad).start(0.01)
    try:
        write_atomic(conf, V2)
        deadline = time.monotonic() + 10
        while not calls and time.monotonic() < deadline:
            time.sleep(0.01)
        write_atomic(conf, V1)
        while _loc(r) != "one.example" and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _loc(r) == "one.example"
        assert r.running
    finally:
        r.stop(5)


def test_no_global_state(tmp_path: Path) -> None:
    conf, d = _setup(tmp_path)
    other = tmp_path / "other.conf"
    write_atomic(other, V2)
    a = Reloader(conf, dropin_dirs=d, env={})
    b = Reloader(str(other), dropin_dirs=d, env={})
    assert (_loc(a), _loc(b)) == ("one.example", "two.example")
    assert "generation=1" in repr(a)


def test_start_rejects_a_non_positive_interval(tmp_path: Path) -> None:
    conf, d = _setup(tmp_path)
    with pytest.raises(ValueError, match="positive"):
        Reloader(conf, dropin_dirs=d, env={}).start(0)
