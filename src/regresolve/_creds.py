"""Which credentials a pull source sends: containers/image v5.34.2 ``pkg/docker/config``.

The lookup is for the *source's own* reference (``GetCredentialsForRef(sys, physicalRef)`` in
``docker/docker_client.go`` ``newDockerClientFromRef``): a mirror's credentials are keyed under
the mirror, never under the registry the user named.  Explicit credentials (podman ``--creds``,
a Kubernetes pull secret in CRI-O: ``SystemContext.DockerAuthConfig``) win outright, but
``newImageSourceAttempt`` (``docker/docker_image_src.go``) drops them for a source whose host
differs from the logical reference's host.

Otherwise ``getCredentialsWithHomeDir`` tries ``credential-helpers`` (registries.conf; default
``containers-auth.json``) in order.  ``containers-auth.json`` searches the auth files
(``getAuthFilePaths``): the given auth file, or ``<root>/run/containers/<uid>/auth.json``
(with a root) / ``$XDG_RUNTIME_DIR/containers/auth.json`` / ``/run/containers/<uid>/auth.json``;
then, unless a file was given (5.24+), ``$XDG_CONFIG_HOME|~/.config``/containers/auth.json,
``$DOCKER_CONFIG/config.json`` or ``~/.docker/config.json``, and the legacy ``~/.dockercfg``.
In each file (``findCredentialsInFile``): ``credHelpers[host]`` first (that helper answers
for the file), then the ``auths`` keys ``host/ns/repo`` ... ``host`` exactly (the host only in
a legacy file), then any key that normalizes to the host (``http(s)://`` stripped, cut at the
first ``/`` with a scheme or in a legacy file; ``docker.io`` and ``registry-1.docker.io``
become ``index.docker.io``).  An entry whose ``auth`` has no ``:`` (or is empty) gives
nothing and the search goes on with the next file; an ``auth`` that is not base64 is an
error.  Any other helper name runs ``docker-credential-<name> get`` with the host only.
Errors are collected and only returned (``errors looking up credentials: ...``) when nothing
was found.

regresolve cannot know what a helper program answers: a helper that exists in ``PATH`` is
reported as the source (``kind="helper"``), with ``fallback`` saying what applies if it has
no credentials for the host.  Secrets never leave :func:`read_auth_file`: the snapshot keeps
per key only whether it gives credentials, the username, or the error text.
"""

from __future__ import annotations

import errno
from collections.abc import Mapping
from typing import Any, Final, Literal

import attrs

from regresolve._files import _join, host_errno, host_executable, host_read
from regresolve._gojson import GoJSONError, decode_auth_file, go_utf8
from regresolve._gotext import go_quote

__all__ = [
    "AUTH_FILE_HELPER",
    "AuthFile",
    "CredentialContext",
    "CredsSnapshot",
    "auth_file_paths",
    "credential_context",
    "read_auth_file",
    "snapshot_creds",
]

AUTH_FILE_HELPER = "containers-auth.json"

CredentialKind = Literal["explicit", "helper", "auth-file", "none"]


@attrs.frozen
class AuthEntry:
    """One ``auths`` key, without its secret.

    Attributes:
        key: the key as written.
        state: ``creds`` (gives credentials), ``empty`` (no ``:`` in ``auth``, or nothing
            at all: the search goes on), ``error`` (``auth`` is not base64).
        username: the user name for ``creds`` (may be ``""`` with a token or password).
        error: Go's base64 error for ``error``.
    """

    key: str
    state: Literal["creds", "empty", "error"]
    username: str | None = None
    error: str | None = None


@attrs.frozen
class AuthFile:
    """One auth file in the search order.

    Attributes:
        path: the file.
        legacy: ``.dockercfg`` format (host keys only).
        exists: whether it was found.
        error: the error that ends the auth-file search when this file is reached.
        entries: the ``auths`` keys in file order (a later duplicate replaces an earlier one).
        cred_helpers: ``credHelpers``: host -> helper name.
    """

    path: str
    legacy: bool
    exists: bool
    error: str | None = None
    entries: tuple[AuthEntry, ...] = ()
    cred_helpers: Mapping[str, str] = attrs.field(factory=dict)


@attrs.frozen
class CredsSnapshot:
    """The credential sources of a machine, read once.

    Attributes:
        helpers: ``credential-helpers`` from registries.conf, in order.
        files: the auth files in search order.
        warning: the ``$XDG_RUNTIME_DIR`` problem Go only logs (its auth file is skipped).
        executables: helper name -> whether ``docker-credential-<name>`` is in ``PATH``.
    """

    helpers: tuple[str, ...]
    files: tuple[AuthFile, ...]
    warning: str | None = None
    executables: Mapping[str, bool] = attrs.field(factory=dict)


@attrs.frozen
class CredentialContext:
    """Where a source's credentials come from (never the secret itself).

    Attributes:
        kind: ``explicit`` (``--creds``/pull secret), ``helper`` (a credential helper
            program), ``auth-file`` (an ``auths`` entry) or ``none``.
        helper: the helper name for ``helper``.
        file: the auth file (``auth-file``; for a ``credHelpers`` entry, the file naming it).
        key: the ``auths`` key used, or the host a helper is asked about.
        username: the user name of an ``auth-file`` entry.
        explicit_dropped: explicit credentials exist but are not sent to this source (its
            host differs from the image's).
        errors: lookup errors met before the answer (Go discards them when it finds
            credentials).
        error: the lookup error that fails the source (nothing found and errors met).
        fallback: for ``helper``: what applies if that helper has no credentials.
    """

    kind: CredentialKind
    helper: str | None = None
    file: str | None = None
    key: str | None = None
    username: str | None = None
    explicit_dropped: bool = False
    errors: tuple[str, ...] = ()
    error: str | None = None
    fallback: CredentialContext | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: names, keys and user names only."""
        return {
            "kind": self.kind,
            "helper": self.helper,
            "file": self.file,
            "key": self.key,
            "username": self.username,
            "explicit_dropped": self.explicit_dropped,
            "errors": list(self.errors),
            "error": self.error,
            "fallback": None if self.fallback is None else self.fallback.to_dict(),
        }


# ---------------------------------------------------------------------------------------------
# base64.StdEncoding.DecodeString
# ---------------------------------------------------------------------------------------------

_B64: Final[dict[int, int]] = {
    c: i for i, c in enumerate(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
}


def _corrupt(at: int) -> GoJSONError:
    return GoJSONError(f"illegal base64 data at input byte {at}")


def go_base64_decode(src: bytes) -> bytes:
    """``base64.StdEncoding.DecodeString``: padded, ``\\r`` and ``\\n`` ignored.

    Raises:
        GoJSONError: ``illegal base64 data at input byte N``.
    """
    out = bytearray()
    si = 0
    n = len(src)
    while si < n:
        dbuf = [0, 0, 0, 0]
        dlen = 4
        j = 0
        trailing: GoJSONError | None = None
        while j < 4:
            if si == n:
                if j == 0:
                    return bytes(out)
                raise _corrupt(si - j)
            c = src[si]
            si += 1
            v = _B64.get(c)
            if v is not None:
                dbuf[j] = v
                j += 1
                continue
            if c in (0x0A, 0x0D):
                continue
            if c != 0x3D:
                raise _corrupt(si - 1)
            if j in (0, 1):
                raise _corrupt(si - 1)
            if j == 2:
                while si < n and src[si] in (0x0A, 0x0D):
                    si += 1
                if si == n:
                    raise _corrupt(n)
                if src[si] != 0x3D:
                    raise _corrupt(si - 1)
                si += 1
            while si < n and src[si] in (0x0A, 0x0D):
                si += 1
            if si < n:
                trailing = _corrupt(si)
            dlen = j
            break
        val = (dbuf[0] << 18) | (dbuf[1] << 12) | (dbuf[2] << 6) | dbuf[3]
        chunk = bytes(((val >> 16) & 0xFF, (val >> 8) & 0xFF, val & 0xFF))
        out += chunk[: dlen - 1]
        if trailing is not None:
            raise trailing
    return bytes(out)


# ---------------------------------------------------------------------------------------------
# Paths and reading
# ---------------------------------------------------------------------------------------------


def auth_file_paths(
    *,
    auth_file: str | None,
    root: str,
    uid: int,
    home: str,
    env: Mapping[str, str],
    home_fallbacks_when_given: bool = False,
) -> tuple[list[tuple[str, bool]], str | None]:
    """``getAuthFilePaths``: ``[(path, legacy)]`` in search order, and the logged warning.

    ``home_fallbacks_when_given``: containers/image up to 5.23 appended the home files even
    after a given auth file.
    """
    paths: list[tuple[str, bool]] = []
    warning = None
    given = bool(auth_file)
    if auth_file:
        paths.append((auth_file, False))
    elif root:
        paths.append((_join(root, f"/run/containers/{uid}/auth.json"), False))
    else:
        runtime_dir = env.get("XDG_RUNTIME_DIR", "")
        if runtime_dir:
            if host_errno(runtime_dir) == errno.ENOENT:
                warning = (
                    f"{go_quote(runtime_dir)} directory set by $XDG_RUNTIME_DIR does not exist. "
                    "Either create the directory or unset $XDG_RUNTIME_DIR.: "
                    f"faccessat {runtime_dir}: no such file or directory"
                )
            else:
                paths.append((_join(runtime_dir, "containers/auth.json"), False))
        else:
            paths.append((f"/run/containers/{uid}/auth.json", False))
    if not given or home_fallbacks_when_given:
        config_home = env.get("XDG_CONFIG_HOME", "") or _join(home, ".config")
        paths.append((_join(config_home, "containers/auth.json"), False))
        docker_config = env.get("DOCKER_CONFIG", "")
        if docker_config:
            paths.append((_join(docker_config, "config.json"), False))
        else:
            paths.append((_join(home, ".docker/config.json"), False))
        paths.append((_join(home, ".dockercfg"), True))
    return paths, warning


def _entry(key: str, auth: str, token: str) -> AuthEntry:
    """``decodeDockerAuth`` without keeping the secret."""
    try:
        decoded = go_base64_decode(auth.encode("utf-8", "surrogatepass"))
    except GoJSONError as e:
        return AuthEntry(key, "error", error=str(e))
    user, sep, password = decoded.partition(b":")
    if not sep:
        return AuthEntry(key, "empty")
    if user or password.strip(b"\x00") or token:
        return AuthEntry(key, "creds", username=go_utf8(user))
    return AuthEntry(key, "empty")


def read_auth_file(path: str, *, legacy: bool) -> AuthFile:
    """Read and judge one auth file; only its secret-free index is returned."""
    data, read_error = host_read(path)
    if read_error is not None:
        return AuthFile(path, legacy, True, f"reading JSON file {go_quote(path)}: {read_error}")
    if data is None:
        return AuthFile(path, legacy, False)
    try:
        auths, helpers = decode_auth_file(data, legacy=legacy)
    except GoJSONError as e:
        return AuthFile(
            path,
            legacy,
            True,
            f"reading JSON file {go_quote(path)}: unmarshaling JSON at {go_quote(path)}: {e}",
        )
    entries = tuple(_entry(k, auth, token) for k, (auth, token) in auths.items())
    del auths, data
    return AuthFile(path, legacy, True, None, entries, dict(helpers))


def snapshot_creds(
    *,
    helpers: tuple[str, ...],
    auth_file: str | None,
    root: str,
    uid: int,
    home: str,
    env: Mapping[str, str],
    home_fallbacks_when_given: bool = False,
) -> CredsSnapshot:
    """Read every auth file and find every helper program a lookup could use."""
    paths, warning = auth_file_paths(
        auth_file=auth_file,
        root=root,
        uid=uid,
        home=home,
        env=env,
        home_fallbacks_when_given=home_fallbacks_when_given,
    )
    files = tuple(read_auth_file(p, legacy=legacy) for p, legacy in paths)
    names = {h for h in helpers if h != AUTH_FILE_HELPER}
    for f in files:
        names.update(f.cred_helpers.values())
    path_env = env.get("PATH", "")
    executables = {n: host_executable("docker-credential-" + n, path_env) for n in names}
    return CredsSnapshot(tuple(helpers), files, warning, executables)


# ---------------------------------------------------------------------------------------------
# The lookup (pure)
# ---------------------------------------------------------------------------------------------


def _normalize_registry(registry: str) -> str:
    return "index.docker.io" if registry in ("registry-1.docker.io", "docker.io") else registry


def _normalize_key(key: str, legacy: bool) -> str:
    stripped = key[len("http://") :] if key.startswith("http://") else key
    stripped = stripped[len("https://") :] if stripped.startswith("https://") else stripped
    if legacy or stripped != key:
        stripped = stripped.split("/", 1)[0]
    return _normalize_registry(stripped)


def _key_candidates(key: str) -> list[str]:
    out = [key]
    while "/" in key:
        key = key[: key.rfind("/")]
        out.append(key)
    return out


def _not_found_error(helper: str) -> str:
    return (
        f'error getting credentials - err: exec: "docker-credential-{helper}": '
        "executable file not found in $PATH, out: ``"
    )


def _format_errors(errors: tuple[str, ...]) -> str:
    """``multierr.Format("errors looking up credentials:\\n\\t* ", "\\nt* ", "\\n", errs)``."""
    if len(errors) == 1:
        return errors[0]
    return "errors looking up credentials:\n\t* " + "\nt* ".join(errors) + "\n"


class _Walk:
    """The search as a resumable walk, so a helper's ``fallback`` can continue it."""

    def __init__(self, snap: CredsSnapshot, key: str) -> None:
        self.snap = snap
        self.key = key
        self.registry = key.split("/", 1)[0]

    def run(self, helper_i: int, file_i: int | None, errors: tuple[str, ...]) -> CredentialContext:
        helpers = self.snap.helpers
        while helper_i < len(helpers):
            helper = helpers[helper_i]
            if helper == AUTH_FILE_HELPER:
                res = self._files(helper_i, 0 if file_i is None else file_i, errors)
                if isinstance(res, CredentialContext):
                    return res
                errors = res
            elif not self.snap.executables.get(helper, False):
                errors = (*errors, _not_found_error(helper))
            else:
                return CredentialContext(
                    "helper",
                    helper=helper,
                    key=self.registry,
                    errors=errors,
                    fallback=self.run(helper_i + 1, None, errors),
                )
            helper_i += 1
            file_i = None
        if errors:
            return CredentialContext("none", errors=errors, error=_format_errors(errors))
        return CredentialContext("none")

    def _files(
        self, helper_i: int, file_i: int, errors: tuple[str, ...]
    ) -> CredentialContext | tuple[str, ...]:
        files = self.snap.files
        for i in range(file_i, len(files)):
            f = files[i]
            if not f.exists:
                continue
            if f.error is not None:
                return (*errors, f.error)
            helper = f.cred_helpers.get(self.registry)
            if helper is not None:
                if not self.snap.executables.get(helper, False):
                    return (*errors, _not_found_error(helper))
                return CredentialContext(
                    "helper",
                    helper=helper,
                    file=f.path,
                    key=self.registry,
                    errors=errors,
                    fallback=self.run(helper_i, i + 1, errors),
                )
            entry = self._entry(f)
            if entry is None or entry.state == "empty":
                continue
            if entry.state == "error":
                return (*errors, entry.error or "")
            return CredentialContext(
                "auth-file", file=f.path, key=entry.key, username=entry.username, errors=errors
            )
        return errors

    def _entry(self, f: AuthFile) -> AuthEntry | None:
        by_key = {e.key: e for e in f.entries}
        for k in [self.registry] if f.legacy else _key_candidates(self.key):
            if k in by_key:
                return by_key[k]
        # Go walks a map here: when two keys normalize to the same host the choice is random;
        # regresolve takes the first in file order.
        wanted = _normalize_registry(self.registry)
        for e in f.entries:
            if _normalize_key(e.key, f.legacy) == wanted:
                return e
        return None


def credential_context(
    snap: CredsSnapshot,
    key: str,
    *,
    explicit: bool = False,
    explicit_dropped: bool = False,
) -> CredentialContext:
    """The credential source for ``key`` (a source's ``reference.Name()``).

    ``explicit``: explicit credentials were given; ``explicit_dropped``: they are not sent
    to this source (another host than the image's).
    """
    if explicit and not explicit_dropped:
        return CredentialContext("explicit", key=key)
    ctx = _Walk(snap, key).run(0, None, ())
    return attrs.evolve(ctx, explicit_dropped=explicit_dropped) if explicit_dropped else ctx
