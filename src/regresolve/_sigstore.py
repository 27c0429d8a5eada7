"""Where signatures of a pull source are looked up: registries.d (containers/image v5.34.2).

``docker/registries_d.go``: one directory is read (``--registries.d``, else
``~/.config/containers/registries.d`` if it exists, else ``<root>/etc/containers/registries.d``),
every ``*.yaml`` in it (directory order, not recursive).  A ``default-docker`` in two files, or
the same ``docker:`` key in two files, is an error; so is a file that does not parse
(``parsing <path>: ...``).  The configuration is loaded once per pull, before any source, so
its error fails the whole pull.

For each source, with the *source's own* reference (``newDockerClientFromRef`` passes the
physical reference): the candidates are the identity (``name:tag`` or ``name@digest``), the
namespaces from the repository down to ``host[:port]`` and the ``*.domain`` wildcards (the
rule ``regresolve._policy.docker_policy_scopes`` implements), then ``default-docker``.
``lookaside`` (or its old name ``sigstore``) comes from the first candidate that sets a
non-empty one; ``use-sigstore-attachments`` from the first candidate that sets it at all.
Without a lookaside the built-in default is ``file:///var/lib/containers/sigstore`` (euid 0)
or ``~/.local/share/containers/sigstore``; the repository path is appended either way.

YAML: files are parsed with PyYAML (the ``yaml`` extra) and decoded with the rules of
``gopkg.in/yaml.v3`` into Go's structs: string fields take any scalar's text, the bool takes
``true``/``false`` and YAML 1.1's ``yes``/``no``/``on``/``off``..., ``null`` leaves a field
unset, a key twice in one mapping is an error, and type errors are reported as yaml.v3 words
them.  Syntax errors are PyYAML's text, not yaml.v3's (docs/pull-context.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from regresolve._errors import RegresolveError
from regresolve._files import _join, host_errno, host_list_raw, host_read
from regresolve._gotext import go_quote
from regresolve._gourl import GoURL, URLError, parse_url, redact_text
from regresolve._policy import docker_policy_scopes
from regresolve._yamlgo import NS_FIELDS, YamlDecodeError, decode_registries_yaml

__all__ = [
    "MissingDependency",
    "Namespace",
    "RegistriesD",
    "SignatureContext",
    "registries_d_dir",
    "signature_context",
    "snapshot_registries_d",
]

USER_REGISTRIES_D = ".config/containers/registries.d"
SYSTEM_REGISTRIES_D = "/etc/containers/registries.d"


class MissingDependency(RegresolveError, ImportError):
    """An optional dependency (PyYAML, the ``yaml`` extra) is needed and not installed."""


@attrs.frozen
class Namespace:
    """One ``default-docker`` or ``docker:`` entry (``registryNamespace``).

    URL passwords are replaced by ``xxxxx`` when the file is read; ``url`` / ``url_error``
    hold the parsed read location (``lookaside``, else ``sigstore``), parsed before that.
    """

    lookaside: str = ""
    lookaside_staging: str = ""
    sigstore: str = ""
    sigstore_staging: str = ""
    use_sigstore_attachments: bool | None = None
    url: GoURL | None = attrs.field(default=None, repr=False)
    url_error: str | None = None

    def top_level(self) -> str:
        """``signatureTopLevel(write=false)``: ``lookaside``, else ``sigstore``."""
        return self.lookaside or self.sigstore


@attrs.frozen
class RegistriesD:
    """The merged registries.d configuration.

    Attributes:
        path: the directory read.
        files: the ``.yaml`` files read, in directory order.
        error: the loading error that fails every pull (None when it loaded).
        pyyaml_error: the error is a YAML syntax error worded by PyYAML, not yaml.v3.
        default_docker: the ``default-docker`` entry.
        docker: scope -> entry.
        origins: scope (or ``default-docker``) -> the file that defines it.
    """

    path: str
    files: tuple[str, ...] = ()
    error: str | None = None
    pyyaml_error: bool = False
    default_docker: Namespace | None = None
    docker: Mapping[str, Namespace] = attrs.field(factory=dict)
    origins: Mapping[str, str] = attrs.field(factory=dict)


@attrs.frozen
class SignatureContext:
    """Where signatures of one source are read.

    Attributes:
        lookaside: the lookaside base URL for this repository (passwords redacted), or
            None when the configuration has an error.
        use_sigstore_attachments: sigstore signatures are read as OCI attachments.
        scope: the registries.d key that gave the lookaside (``default-docker`` for that
            entry), or None for the built-in default.
        attachments_scope: the key that set ``use-sigstore-attachments`` (None: unset).
        file: the file that defines ``scope``.
        error: the error that fails the pull (registries.d) or this source (a bad URL).
    """

    lookaside: str | None
    use_sigstore_attachments: bool
    scope: str | None
    attachments_scope: str | None = None
    file: str | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "lookaside": self.lookaside,
            "use_sigstore_attachments": self.use_sigstore_attachments,
            "scope": self.scope,
            "attachments_scope": self.attachments_scope,
            "file": self.file,
            "error": self.error,
        }


def registries_d_dir(registries_d: str | None, *, home: str, root: str) -> str:
    """``registriesDirPath``."""
    if registries_d:
        return registries_d
    user = _join(home, USER_REGISTRIES_D)
    if host_errno(user) == 0:
        return user
    return _join(root, SYSTEM_REGISTRIES_D) if root else SYSTEM_REGISTRIES_D


def snapshot_registries_d(registries_d: str | None, *, home: str, root: str) -> RegistriesD:
    """Read and merge registries.d (``loadAndMergeConfig``).

    Raises:
        MissingDependency: a ``.yaml`` file exists and PyYAML is not installed.
    """
    path = registries_d_dir(registries_d, home=home, root=root)
    names, error, code = host_list_raw(path)
    if names is None:
        if code == 2:  # ENOENT: no configuration at all
            return RegistriesD(path)
        return RegistriesD(path, error=error)
    default: Namespace | None = None
    default_from = ""
    docker: dict[str, Namespace] = {}
    origins: dict[str, str] = {}
    files: list[str] = []
    for name in names:
        if not name.endswith(".yaml"):
            continue
        full = _join(path, name)
        data, read_error = host_read(full)
        if read_error is not None:
            return RegistriesD(path, tuple(files), read_error)
        if data is None:
            continue
        files.append(full)
        try:
            dd, ns = decode_registries_yaml(data)
        except YamlDecodeError as e:
            return RegistriesD(path, tuple(files), f"parsing {full}: {e}", e.pyyaml)
        except ImportError:
            raise MissingDependency(
                f"reading registries.d ({full}) needs PyYAML: pip install 'regresolve[yaml]' "
                "or pyyaml"
            ) from None
        if dd is not None:
            if default is not None:
                return RegistriesD(
                    path,
                    tuple(files),
                    'Error parsing signature storage configuration: "default-docker" defined '
                    f"both in {go_quote(default_from)} and {go_quote(full)}",
                )
            default, default_from = _namespace(dd), full
            origins["default-docker"] = full
        for scope, fields in (ns or {}).items():
            if scope in docker:
                return RegistriesD(
                    path,
                    tuple(files),
                    'Error parsing signature storage configuration: "docker" namespace '
                    f"{go_quote(scope)} defined both in {go_quote(origins[scope])} and "
                    f"{go_quote(full)}",
                )
            docker[scope] = _namespace(fields)
            origins[scope] = full
    return RegistriesD(path, tuple(files), None, False, default, docker, origins)


def _namespace(fields: Mapping[str, Any]) -> Namespace:
    """A namespace with its read URL parsed now and every password redacted."""
    values = {NS_FIELDS[k]: v for k, v in fields.items()}
    top = values.get("lookaside") or values.get("sigstore") or ""
    url: GoURL | None = None
    url_error: str | None = None
    if top:
        try:
            url = parse_url(top)
        except URLError as e:
            url_error = redact_text(f"Invalid signature storage URL {top}: {e}")
        else:
            if url.user is not None and url.user[1] is not None:
                url = attrs.evolve(url, user=(url.user[0], b"xxxxx"))
    for k, v in list(values.items()):
        if isinstance(v, str):
            values[k] = redact_text(v)
    return Namespace(**values, url=url, url_error=url_error)


def signature_context(
    rd: RegistriesD,
    *,
    name: str,
    identity: str,
    repo_path: str,
    euid: int,
    home: str,
) -> SignatureContext:
    """The signature storage of a source whose reference is ``identity`` (``name`` + tag
    or digest) with repository path ``repo_path`` (``reference.Path``)."""
    if rd.error is not None:
        return SignatureContext(None, False, None, error=rd.error)
    candidates = [identity, *docker_policy_scopes(name)]
    entries: list[tuple[str, Namespace]] = [(c, rd.docker[c]) for c in candidates if c in rd.docker]
    if rd.default_docker is not None:
        entries.append(("default-docker", rd.default_docker))
    scope_i = next((i for i, (_, ns) in enumerate(entries) if ns.top_level()), None)
    attach_i = next(
        (i for i, (_, ns) in enumerate(entries) if ns.use_sigstore_attachments is not None), None
    )
    attach = attach_i is not None and bool(entries[attach_i][1].use_sigstore_attachments)
    attach_scope = None if attach_i is None else entries[attach_i][0]
    if scope_i is None:
        default_dir = (
            "/var/lib/containers/sigstore"
            if euid == 0
            else _join(home, ".local/share/containers/sigstore")
        )
        url = GoURL(scheme=b"file", path=default_dir.encode("utf-8", "surrogateescape"))
        scope = file = None
    else:
        scope, ns = entries[scope_i]
        file = rd.origins.get(scope)
        if ns.url is None:
            return SignatureContext(None, attach, scope, attach_scope, file, ns.url_error)
        url = ns.url
    url = attrs.evolve(url, path=url.path + b"/" + repo_path.encode())
    return SignatureContext(url.redacted(), attach, scope, attach_scope, file)
