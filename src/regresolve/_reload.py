"""Reloading: a current [`Resolver`][regresolve.Resolver] that follows registries.conf as it
changes.

A long-running process (an admission webhook) keeps one `Reloader`.  Request handlers
read `Reloader.resolver` -- a single attribute read, so each request sees one complete,
immutable [`Resolver`][regresolve.Resolver] -- while `Reloader.reload` builds a new one from
the files off to the side and swaps it in with one assignment.  A new version that fails to
load keeps the last good resolver in place and is reported through `Reloader.error` and the
``on_error`` callback.  `Reloader.start` (or `watch`) polls the files' metadata in
a daemon thread; `Reloader.stop` ends it.  Nothing here is global: every reloader owns
its state.

File contents are read only by `_files`; this module ``stat``-s paths to
decide when a reload is worth doing.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Union

from regresolve._errors import InvalidConfig, RegresolveError
from regresolve._files import alias_cache_path, config_files, load_alias_cache, load_config
from regresolve._model import Alias
from regresolve._resolve import DEFAULT_CACHE_SIZE, Resolver

__all__ = ["Reloader", "watch"]

PathArg = Union[str, os.PathLike[str]]  # a runtime alias: no "X | Y" before Python 3.10
# (path, kind, device, inode, size, mtime_ns, ctime_ns) per path; kind "-" when absent.
_Stamp = tuple[tuple[str, str, int, int, int, int, int], ...]


def _stat(path: str) -> tuple[str, str, int, int, int, int, int]:
    try:
        st = os.stat(path)
    except OSError as e:
        return (path, f"-{e.errno}", 0, 0, 0, 0, 0)
    kind = "d" if os.path.isdir(path) else "f"
    return (path, kind, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class Reloader:
    """Holds the current [`Resolver`][regresolve.Resolver] and replaces it when the
    configuration changes.

    Args:
        path, dropin_dirs, home, env, root: as for [`load_config`][regresolve.load_config].
        alias_cache: the user alias cache to load with each version (a path), True for the
            default location (``load_alias_cache()``), or None/False for none.
        cache_size: passed to each [`Resolver`][regresolve.Resolver].
        on_reload: called with the new resolver after each successful swap.
        on_error: called with the error when a new version fails to load (the previous
            resolver stays current).
        version: the containers/image release whose rules apply (as for ``load_config``).

    Raises:
        InvalidConfig: the *first* load fails (there is no last good version to keep).

    Attributes:
        error: the error of the latest reload attempt, None after a success.
        generation: how many resolvers have been installed (1 after construction).
        reloads: how many reload attempts were made (successful or not).
    """

    def __init__(
        self,
        path: PathArg | None = None,
        *,
        dropin_dirs: PathArg | Sequence[PathArg] | None = None,
        home: PathArg | None = None,
        env: Mapping[str, str] | None = None,
        root: PathArg | None = None,
        alias_cache: PathArg | bool | None = None,
        cache_size: int = DEFAULT_CACHE_SIZE,
        on_reload: Callable[[Resolver], Any] | None = None,
        on_error: Callable[[RegresolveError], Any] | None = None,
        version: str | None = None,
    ) -> None:
        self._version = version
        self._path = path
        self._dropin_dirs = dropin_dirs
        self._home = home
        # Freeze the environment now: a reload must not pick other files because a
        # variable changed in the process meanwhile.
        self._env: dict[str, str] = dict(os.environ if env is None else env)
        self._root = root
        self._alias_cache = alias_cache
        self._cache_size = cache_size
        self._on_reload = on_reload
        self._on_error = on_error
        self._reload_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: RegresolveError | None = None
        self.generation = 0
        self.reloads = 0
        stamp = self._stamp()
        self._resolver = self._build()
        self._last_stamp = stamp
        self.generation = 1

    # -- the current resolver ----------------------------------------------------------------

    @property
    def resolver(self) -> Resolver:
        """The current resolver: complete and immutable; keep using it for a whole request."""
        return self._resolver

    # -- reloading ---------------------------------------------------------------------------

    def _build(self) -> Resolver:
        conf = load_config(
            self._path,
            dropin_dirs=self._dropin_dirs,
            home=self._home,
            env=self._env,
            root=self._root,
            version=self._version,
        )
        user: tuple[Alias, ...] | InvalidConfig | None = None
        cache = self._alias_cache
        if cache is not None and cache is not False:
            try:
                user = load_alias_cache(
                    None if cache is True else cache,
                    home=self._home,
                    env=self._env,
                    version=self._version,
                )
            except InvalidConfig as e:
                user = e  # as in Go: a corrupt cache fails short-name resolution, not loading
        return Resolver(conf, cache_size=self._cache_size, user_aliases=user)

    def _watched_paths(self) -> list[str]:
        try:
            files = config_files(
                self._path,
                dropin_dirs=self._dropin_dirs,
                home=self._home,
                env=self._env,
                root=self._root,
                version=self._version,
            )
        except (RegresolveError, OSError, KeyError):
            return []
        paths = [files.main, *files.dropin_dirs, *files.dropins]
        cache = self._alias_cache
        if cache is not None and cache is not False:
            with contextlib.suppress(RegresolveError):
                c = None if cache is True else cache
                paths.append(alias_cache_path(c, home=self._home, env=self._env))
        return paths

    def _stamp(self) -> _Stamp:
        return tuple(_stat(p) for p in self._watched_paths())

    def reload(self) -> bool:
        """Load the files now and install the result; True if a new resolver was installed.

        On failure the current resolver stays, `error` holds the error and
        ``on_error`` is called; nothing is raised.
        """
        with self._reload_lock:
            stamp = self._stamp()  # taken *before* reading: a change during the load re-triggers
            self.reloads += 1
            self._last_stamp = stamp
            try:
                new = self._build()
            except RegresolveError as e:
                self.error = e
                failed: RegresolveError | None = e
            else:
                self._resolver = new  # the swap: one reference assignment
                self.error = None
                self.generation += 1
                failed = None
        if failed is not None:
            if self._on_error is not None:
                self._on_error(failed)
            return False
        if self._on_reload is not None:
            self._on_reload(new)
        return True

    def changed(self) -> bool:
        """Whether any watched file (main file, drop-in dirs and files, alias cache) changed
        since the last load (path, type, device, inode, size, mtime or ctime)."""
        return self._stamp() != self._last_stamp

    def check(self) -> bool:
        """Reload if `changed`; True if a new resolver was installed."""
        if self.changed():
            return self.reload()
        return False

    # -- polling -----------------------------------------------------------------------------

    def start(self, interval: float = 1.0) -> Reloader:
        """Poll every ``interval`` seconds in a daemon thread (idempotent); returns self."""
        if interval <= 0:
            raise ValueError("interval must be positive")
        if self._thread is not None and self._thread.is_alive():
            return self
        self._stop.clear()
        t = threading.Thread(
            target=self._run, args=(interval,), name="regresolve-reloader", daemon=True
        )
        self._thread = t
        t.start()
        return self

    def _run(self, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                self.check()
            except Exception as e:  # a callback's bug must not kill the watcher
                self.error = RegresolveError(f"reloader: {type(e).__name__}: {e}")

    def stop(self, timeout: float | None = None) -> None:
        """Stop polling and wait for the thread (at most ``timeout`` seconds)."""
        self._stop.set()
        t = self._thread
        if t is not None and t is not threading.current_thread():
            t.join(timeout)
        self._thread = None

    @property
    def running(self) -> bool:
        """Whether the polling thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self) -> Reloader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return (
            f"<Reloader generation={self.generation} reloads={self.reloads} "
            f"error={self.error!r} running={self.running}>"
        )


def watch(
    path: PathArg | None = None,
    *,
    interval: float = 1.0,
    **kwargs: Any,
) -> Reloader:
    """A started `Reloader`: loads now (raising if that fails), then polls every
    ``interval`` seconds.  Use it as a context manager or call `Reloader.stop`."""
    return Reloader(path, **kwargs).start(interval)
