"""Python client for the Go oracle (tests/oracle/build/regresolve-oracle; tests/oracle/PROTOCOL.md).

Usage: inside the test suite take the session-scoped ``oracle`` fixture from
``tests/conftest.py`` (it fails under ``CI`` and skips elsewhere when the binary is missing;
build it with ``bash tests/oracle/build.sh``).  To import the client directly, test modules
write ``from support.oracle import Oracle`` (pytest puts ``tests/`` on ``sys.path``: ``tests/``
has no ``__init__.py`` on purpose, ``tests/support/`` is a package); code outside the test
suite (``benchmarks/``) adds the ``tests`` directory to ``sys.path`` first.  ``find_oracle()``
returns the binary's path or ``None``; ``Oracle(path)`` starts it lazily, ``request(dict)``
sends one request and returns the answer (``OracleError`` on a ``{"fatal": ...}`` answer, a
crash or a timeout; a crashed oracle is restarted on the next request), ``close()`` stops it.
The helpers ``version()``, ``parse(s)``, ``config(**fields)``, ``toml(data)``,
``toml_batch(documents)``, ``hostctx(tree, refs, **fields)``, ``bench_parse(...)``,
``bench_plan(...)`` and ``bench_toml(...)``
build the requests.  One oracle serves one request at a time (a lock
serialises threads).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import selectors
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import IO, Any

__all__ = ["DEFAULT_PATH", "Oracle", "OracleError", "find_oracle"]

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "oracle" / "build" / "regresolve-oracle"
ENV_VAR = "REGRESOLVE_ORACLE"
DEFAULT_TIMEOUT = 300.0


class OracleError(RuntimeError):
    """The oracle answered ``{"fatal": ...}``, crashed, or did not answer in time."""


def find_oracle() -> str | None:
    """Path of the oracle binary: ``$REGRESOLVE_ORACLE`` if set, else the default build path.

    Returns ``None`` when that file does not exist or is not executable.
    """
    env = os.environ.get(ENV_VAR)
    candidate = Path(env) if env else DEFAULT_PATH
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    return None


class Oracle:
    """One long-running oracle process spoken to over its stdin/stdout pipes."""

    def __init__(
        self, path: str | os.PathLike[str] | None = None, *, timeout: float = DEFAULT_TIMEOUT
    ):
        found = str(path) if path is not None else find_oracle()
        if found is None:
            raise FileNotFoundError(
                f"Go oracle not found (set ${ENV_VAR} or run `bash tests/oracle/build.sh`): "
                f"{DEFAULT_PATH}"
            )
        self.path = found
        self.timeout = timeout
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._pid = 0  # the Python process that started _proc (fork safety)
        self._buf = b""

    # ------------------------------------------------------------------ process

    def _start(self) -> subprocess.Popen[bytes]:
        self._stop()
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in _stop
        self._proc = subprocess.Popen(
            [self.path],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            bufsize=0,
            close_fds=True,
        )
        self._pid = os.getpid()
        self._buf = b""
        return self._proc

    def _stderr_tail(self, limit: int = 4000) -> str:
        if self._stderr is None:
            return ""
        try:
            self._stderr.seek(0)
            data = self._stderr.read()
        except (OSError, ValueError):
            return ""
        return data[-limit:].decode("utf-8", "replace")

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and self._pid == os.getpid():
            if proc.stdin is not None:
                with contextlib.suppress(OSError):
                    proc.stdin.close()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        self._buf = b""

    def close(self) -> None:
        """Stop the oracle process (a later request starts a new one)."""
        with self._lock:
            self._stop()

    def __enter__(self) -> Oracle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ I/O

    def _readline(self, proc: subprocess.Popen[bytes], timeout: float | None) -> bytes:
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        deadline = None if timeout is None else time.monotonic() + timeout
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while True:
                nl = self._buf.find(b"\n")
                if nl >= 0:
                    line, self._buf = self._buf[:nl], self._buf[nl + 1 :]
                    return line
                wait = None if deadline is None else deadline - time.monotonic()
                if wait is not None and wait <= 0:
                    raise TimeoutError
                if not sel.select(wait):
                    continue
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise EOFError
                self._buf += chunk

    def request(
        self, req: dict[str, Any], *, allow_fatal: bool = False, timeout: float | None = -1.0
    ) -> dict[str, Any]:
        """Send one request, return the answer.

        ``timeout`` in seconds (``None``: wait forever; default: ``self.timeout``).  A
        ``{"fatal": ...}`` answer raises ``OracleError`` unless ``allow_fatal``.
        """
        if timeout is not None and timeout < 0:
            timeout = self.timeout
        line = json.dumps(req, separators=(",", ":")).encode("utf-8") + b"\n"
        with self._lock:
            proc = self._proc
            if proc is None or self._pid != os.getpid() or proc.poll() is not None:
                proc = self._start()
            assert proc.stdin is not None
            try:
                view = memoryview(line)
                while view:  # a raw pipe write may be partial
                    written = proc.stdin.write(view)
                    view = view[written or 0 :]
                answer = self._readline(proc, timeout)
            except TimeoutError:
                self._stop_hard()
                raise OracleError(
                    f"oracle gave no answer within {timeout} s to {_short(req)}"
                ) from None
            except (EOFError, BrokenPipeError, OSError) as exc:
                tail = self._stderr_tail()
                self._stop_hard()
                raise OracleError(
                    f"oracle died ({type(exc).__name__}) on {_short(req)}; stderr:\n{tail}"
                ) from None
        result: dict[str, Any] = json.loads(answer)
        if "fatal" in result and not allow_fatal:
            raise OracleError(f"oracle: {result['fatal']} (request {_short(req)})")
        return result

    def _stop_hard(self) -> None:
        proc = self._proc
        if proc is not None and self._pid == os.getpid() and proc.poll() is None:
            proc.kill()
        self._stop()

    # ------------------------------------------------------------------ helpers

    def version(self) -> dict[str, Any]:
        return self.request({"op": "version"})

    def parse(self, s: str) -> dict[str, Any]:
        """``{"op": "parse", "input": s}``."""
        return self.request({"op": "parse", "input": s})

    def config(self, **fields: Any) -> dict[str, Any]:
        """``{"op": "config", **fields}``; ``files`` defaults to ``{}``."""
        fields.setdefault("files", {})
        return self.request({"op": "config", **fields})

    def quote(self, inputs: list[str]) -> list[str]:
        """Go's ``strconv.Quote`` (``%q``) of each input."""
        quoted: list[str] = self.request({"op": "quote", "inputs": inputs})["quoted"]
        return quoted

    def toml(self, data: bytes) -> dict[str, Any]:
        """``{"op": "toml", "data_b64": ...}``: BurntSushi/toml 1.4.0's ``toml.Decode`` of
        ``data`` into a ``map[string]any`` (the error and its line, or the typed value and
        the key positions; see PROTOCOL.md)."""
        return self.request({"op": "toml", "data_b64": base64.b64encode(data).decode("ascii")})

    def toml_batch(self, documents: list[bytes]) -> list[dict[str, Any]]:
        """:meth:`toml` for many documents in one request (one answer per document)."""
        batch = [base64.b64encode(d).decode("ascii") for d in documents]
        results: list[dict[str, Any]] = self.request({"op": "toml", "batch_b64": batch})["results"]
        return results

    def hostctx(self, tree: str, refs: list[str], **fields: Any) -> dict[str, Any]:
        """``{"op": "hostctx", "tree": tree, "refs": refs, **fields}``: credentials,
        certificate directory and files, lookaside and TLS verification per pull source, read
        from the file tree at the real path ``tree`` (linked into the oracle's private root;
        see PROTOCOL.md)."""
        return self.request({"op": "hostctx", "tree": tree, "refs": refs, **fields})

    def bench_toml(self, data: bytes, iterations: int) -> dict[str, Any]:
        """Time ``toml.Decode`` of ``data`` into a ``map[string]any`` inside the oracle."""
        req = {
            "op": "bench_toml",
            "data_b64": base64.b64encode(data).decode("ascii"),
            "iterations": iterations,
        }
        return self.request(req, timeout=None)

    def bench_parse(self, inputs: list[str], iterations: int) -> dict[str, Any]:
        return self.request(
            {"op": "bench_parse", "inputs": inputs, "iterations": iterations}, timeout=None
        )

    def bench_plan(self, refs: list[str], iterations: int, **fields: Any) -> dict[str, Any]:
        fields.setdefault("files", {})
        req = {"op": "bench_plan", "refs": refs, "iterations": iterations, **fields}
        return self.request(req, timeout=None)


def _short(req: dict[str, Any]) -> str:
    text = json.dumps(req)
    return text if len(text) <= 300 else text[:300] + "..."
