"""A machine's pull configuration, read once: TLS, credentials, signatures and policy per source.

[`load_host`][regresolve.load_host] reads everything a pull consults besides registries.conf
(certificate directories, auth files and helper programs, registries.d, policy.json) into an
immutable [`Host`][regresolve.Host].  [`Host.pull_context`][regresolve.Host.pull_context] then
plans an image as [`plan_image`][regresolve.plan_image] does and adds, for every source in pull
order, what containers/image v5.34.2 decides before it opens a connection
(``docker/docker_image_src.go`` ``newImageSourceAttempt``, ``docker/docker_client.go``
``newDockerClientFromRef``):

* credentials (``regresolve._creds``), then the lookaside URL (``regresolve._sigstore``),
  then the certificate directory and files (``regresolve._certs``), then the blocked check;
  the first failure is the source's ``error``;
* TLS verification from the source's own ``insecure``, unless ``tls_verify`` (podman
  ``--tls-verify``) overrides it;
* policy.json for the *logical* reference (mirrors are invisible to it).

No secret is kept: see :mod:`regresolve._creds`.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from regresolve._certs import CertsSnapshot, TlsContext, snapshot_certs, tls_context
from regresolve._creds import CredentialContext, CredsSnapshot, credential_context, snapshot_creds
from regresolve._errors import InvalidConfig, InvalidPolicy, RegresolveError
from regresolve._files import (
    _home,
    _join,
    _rootless_euid,
    alias_cache_path,
    host_errno,
    host_errno_text,
    host_read,
    load_alias_cache,
    load_config,
)
from regresolve._gotext import go_quote
from regresolve._plan import PullSource
from regresolve._policy import Policy, PolicyVerdict, parse_policy
from regresolve._profiles import DEFAULT_PROFILE, Profile
from regresolve._reference import Reference, parse_reference
from regresolve._resolve import Resolver
from regresolve._sigstore import (
    RegistriesD,
    SignatureContext,
    signature_context,
    snapshot_registries_d,
)
from regresolve.imageplan import ImagePlan, image_plan_to_dict, plan_image

__all__ = [
    "Host",
    "PullContext",
    "SourceContext",
    "host_paths",
    "load_host",
    "program_auth_file",
    "pull_context_to_dict",
    "source_context_to_dict",
]

USER_POLICY = ".config/containers/policy.json"
SYSTEM_POLICY = "/etc/containers/policy.json"


@attrs.frozen
class SourceContext:
    """One pull source with what the docker transport decides for it.

    Attributes:
        reference: the source's own (physical) reference.
        logical: the reference the user's image resolved to (the candidate).
        mirror: a mirror rather than the primary location.
        tls: certificate directory, files and verification.
        credentials: where credentials come from.
        signatures: where signatures are read.
        error: what fails this attempt before any network access (in Go's order:
            credentials, lookaside URL, certificates, blocked), else None.
    """

    reference: str
    logical: str
    mirror: bool
    tls: TlsContext
    credentials: CredentialContext
    signatures: SignatureContext
    error: str | None = None


@attrs.frozen
class PullContext:
    """An image's pull plan with the context of every source.

    Attributes:
        plan: the [`ImagePlan`][regresolve.ImagePlan].
        sources: one [`SourceContext`][regresolve.SourceContext] per source, in pull order.
        policy: policy.json's verdict for the original reference (the first candidate
            that can be planned), or None when it cannot be used.
        policy_error: why policy.json cannot be used (missing, unreadable, invalid): the
            pull fails.
        error: an error that fails every source (registries.d does not load).
    """

    plan: ImagePlan
    sources: tuple[SourceContext, ...]
    policy: PolicyVerdict | None = None
    policy_error: str | None = None
    error: str | None = None


@attrs.frozen
class Host:
    """A snapshot of one machine's pull configuration (see `load_host`).

    Attributes (besides the snapshots): ``policy_path`` the policy.json used (``""`` when
    none was found), ``home``, ``uid`` and ``euid`` as the library sees them, ``profile``,
    and ``auth_file``: the auth file given (None: the default search order).
    """

    resolver: Resolver = attrs.field(repr=False)
    certs: CertsSnapshot = attrs.field(repr=False)
    creds: CredsSnapshot = attrs.field(repr=False)
    registries_d: RegistriesD = attrs.field(repr=False)
    policy: Policy | None = attrs.field(repr=False)
    policy_path: str
    policy_error: str | None
    home: str
    uid: int
    euid: int
    profile: Profile | None = None
    auth_file: str | None = None

    def pull_context(
        self,
        image: str,
        *,
        explicit_credentials: bool = False,
        tls_verify: bool | None = None,
        short_name_mode: str | None = None,
    ) -> PullContext:
        """Plan ``image`` and describe every source.

        Args:
            image: as a user or a Pod spec writes it.
            explicit_credentials: credentials are given for the image (podman ``--creds``,
                a Kubernetes pull secret): they reach only sources on the image's host.
            tls_verify: podman ``--tls-verify``: None keeps each source's ``insecure``.
            short_name_mode: override the configuration's short-name mode (as
                [`plan_image`][regresolve.plan_image]).
        """
        plan = plan_image(
            self.resolver, image, short_name_mode=short_name_mode, profile=self.profile
        )
        return self.context_of(
            plan, explicit_credentials=explicit_credentials, tls_verify=tls_verify
        )

    def context_of(
        self, plan: ImagePlan, *, explicit_credentials: bool = False, tls_verify: bool | None = None
    ) -> PullContext:
        """The context of a plan already made with this host's resolver (and profile)."""
        error = self.registries_d.error
        sources: list[SourceContext] = []
        for cand in plan.candidates:
            if cand.plan is None:
                continue
            logical = cand.plan.reference
            n = len(cand.plan.sources)
            for i, src in enumerate(cand.plan.sources):
                sources.append(
                    self._source(src, logical, i < n - 1, explicit_credentials, tls_verify)
                )
        verdict, policy_error = self._policy(plan)
        return PullContext(plan, tuple(sources), verdict, policy_error, error)

    def _policy(self, plan: ImagePlan) -> tuple[PolicyVerdict | None, str | None]:
        if self.policy_error is not None:
            return None, self.policy_error
        if self.policy is None:
            return None, None
        first = next((c for c in plan.candidates if c.plan is not None), None)
        if first is None or first.plan is None:
            return None, None
        try:
            return self.policy.evaluate(first.plan.reference), None
        except RegresolveError as e:
            return None, e.go_message

    def _source(
        self,
        src: PullSource,
        logical: Reference,
        mirror: bool,
        explicit: bool,
        tls_verify: bool | None,
    ) -> SourceContext:
        physical = parse_reference(src.reference)
        dropped = explicit and physical.domain != logical.domain
        creds = credential_context(
            self.creds, physical.name, explicit=explicit, explicit_dropped=dropped
        )
        identity = (
            f"{physical.name}@{physical.digest}"
            if physical.digest is not None
            else f"{physical.name}:{physical.tag}"
        )
        sigs = signature_context(
            self.registries_d,
            name=physical.name,
            identity=identity,
            repo_path=physical.path,
            euid=self.euid,
            home=self.home,
        )
        verify = (not src.insecure) if tls_verify is None else tls_verify
        tls = tls_context(self.certs, physical.domain, verify=verify)
        error: str | None = None
        if creds.error is not None:
            error = "getting username and password: " + creds.error
        elif sigs.error is not None and self.registries_d.error is None:
            error = sigs.error
        elif tls.error is not None:
            error = tls.error
        elif src.blocked_error is not None:
            error = src.blocked_error
        return SourceContext(src.reference, str(logical), mirror, tls, creds, sigs, error)


def _policy_path(policy_path: str | None, *, home: str, root: str) -> tuple[str, str | None]:
    """``defaultPolicyPathWithHomeDir``: (path, error when there is none)."""
    if policy_path:
        return policy_path, None
    user = _join(home, USER_POLICY)
    if host_errno(user) == 0:
        return user, None
    if root:
        return _join(root, SYSTEM_POLICY), None
    if host_errno(SYSTEM_POLICY) == 0:
        return SYSTEM_POLICY, None
    return "", (
        f"no policy.json file found at any of the following: {go_quote(user)}, "
        f"{go_quote(SYSTEM_POLICY)}"
    )


def _load_policy(path: str, error: str | None) -> tuple[Policy | None, str | None]:
    if error is not None:
        return None, error
    data, read_error = host_read(path)
    if read_error is not None:
        return None, read_error
    if data is None:
        # NewPolicyFromFile: os.ReadFile fails, and so does every pull.
        return None, host_errno_text("open", path, errno.ENOENT)
    try:
        return parse_policy(data.decode("utf-8", "replace"), path=path), None
    except InvalidPolicy as e:
        return None, f"invalid policy in {go_quote(path)}: {e.go_message}"


def program_auth_file(profile: Profile | None, env: Mapping[str, str]) -> str | None:
    """The auth file the program hands the library when none is given on its command line.

    podman and buildah: ``$REGISTRY_AUTH_FILE``, else ``$DOCKER_CONFIG/config.json``
    (containers/common ``auth.GetDefaultAuthFile``); skopeo: ``$REGISTRY_AUTH_FILE``
    (the default of its ``--authfile`` flag); CRI-O: None here, its ``global_auth_file``
    is the profile's ``auth_file`` (`load_host` applies it).  A path found here is *given*:
    from containers/image 5.24 on it turns off the home-directory auth files.
    """
    consumer = (profile or DEFAULT_PROFILE).consumer
    if consumer == "cri-o":
        return None
    given = env.get("REGISTRY_AUTH_FILE", "")
    if given:
        return given
    if consumer in ("podman", "buildah"):
        docker_config = env.get("DOCKER_CONFIG", "")
        if docker_config:
            return _join(docker_config, "config.json")
    return None


def load_host(
    *,
    root: str | None = None,
    home: str | None = None,
    uid: int | None = None,
    env: Mapping[str, str] | None = None,
    registries_conf: str | None = None,
    auth_file: str | None = None,
    cert_dir: str | None = None,
    registries_d: str | None = None,
    policy_path: str | None = None,
    profile: Profile | None = None,
    dropin_dirs: str | Sequence[str] | None = None,
    resolver: Resolver | None = None,
) -> Host:
    """Read a machine's pull configuration once, as podman (containers/image 5.34.2) would.

    Args:
        root: prefix of the implicit ``/etc`` (and ``/run/containers``) paths
            (``RootForImplicitAbsolutePaths``); the home directory is never prefixed.
        home: the home directory (default: ``$HOME`` from ``env``, else the passwd entry).
        uid: the uid the library sees (``/run/containers/<uid>/auth.json``; also the euid
            for the default lookaside unless ``_CONTAINERS_ROOTLESS_UID`` is set); default:
            this process's.
        env: the environment (``XDG_RUNTIME_DIR``, ``XDG_CONFIG_HOME``, ``DOCKER_CONFIG``,
            ``PATH`` for credential helpers, ``CONTAINERS_REGISTRIES_CONF``...); default
            ``os.environ``.
        registries_conf: registries.conf (``--registries-conf``).
        auth_file: the auth file (``--authfile``, ``REGISTRY_AUTH_FILE``, CRI-O's
            ``global_auth_file``); it disables the home-directory auth files.  Default: the
            profile's ``auth_file`` (a path on the machine: below ``root`` when one is given).
            `program_auth_file` gives what podman or skopeo would pass.
        cert_dir: ``--cert-dir``: one directory for every host.
        registries_d: ``--registries.d``.
        policy_path: ``--signature-policy``.
        profile: the program and library version (default podman, 5.34.2); registries.conf
            and the alias cache are loaded with that release's rules.
        dropin_dirs: the registries.conf drop-in directories (as for
            [`load_config`][regresolve.load_config]).
        resolver: a [`Resolver`][regresolve.Resolver] the caller already holds (a
            [`Reloader`][regresolve.Reloader]'s, the command line's); registries.conf and
            the alias cache are then not read again (``registries_conf`` and
            ``dropin_dirs`` are ignored).

    Raises:
        InvalidConfig: registries.conf does not load.
        MissingDependency: registries.d has YAML files and PyYAML is not installed.
    """
    environ: Mapping[str, str] = os.environ if env is None else env
    root_s = root or ""
    home_s = _home(home, environ)
    uid_i = os.getuid() if uid is None else uid
    euid = uid_i
    if environ.get("_CONTAINERS_ROOTLESS_UID", ""):
        euid = _rootless_euid(environ)
    who = profile or DEFAULT_PROFILE
    if resolver is None:
        resolver = _load_resolver(registries_conf, dropin_dirs, root, home_s, environ, euid, who)
    given = auth_file
    if given is None and who.auth_file:
        given = _join(root_s, who.auth_file) if root_s else who.auth_file
    creds = snapshot_creds(
        helpers=tuple(resolver.conf.credential_helpers),
        auth_file=given,
        root=root_s,
        uid=uid_i,
        home=home_s,
        env=environ,
        home_fallbacks_when_given=not who.has("auth-file-disables-home-fallbacks"),
    )
    path, path_error = _policy_path(policy_path, home=home_s, root=root_s)
    policy, policy_error = _load_policy(path, path_error)
    return Host(
        resolver=resolver,
        certs=snapshot_certs(home=home_s, root=root_s, cert_dir=cert_dir),
        creds=creds,
        registries_d=snapshot_registries_d(registries_d, home=home_s, root=root_s),
        policy=policy,
        policy_path=path,
        policy_error=policy_error,
        home=home_s,
        uid=uid_i,
        euid=euid,
        profile=profile,
        auth_file=given or None,
    )


def _load_resolver(  # noqa: PLR0917 - load_host's arguments, passed on
    registries_conf: str | None,
    dropin_dirs: str | Sequence[str] | None,
    root: str | None,
    home: str,
    env: Mapping[str, str],
    euid: int,
    profile: Profile,
) -> Resolver:
    version = profile.containers_image
    conf = load_config(
        registries_conf,
        dropin_dirs=dropin_dirs,
        home=home,
        env=env,
        root=root,
        version=version,
        toml=profile.toml,
    )
    try:
        cache_path = alias_cache_path(None, home=home, env=env, euid=euid)
        if root and cache_path.startswith("/var/"):
            cache_path = _join(root, cache_path)
        aliases: Any = load_alias_cache(cache_path, home=home, env=env, euid=euid, version=version)
    except InvalidConfig as e:
        aliases = e
    return Resolver(conf, user_aliases=aliases)


def host_paths(host: Host) -> tuple[str, ...]:
    """The files and directories the snapshot was read from (for a caller that reloads it
    when they change: their metadata changes when an entry is added, removed or rewritten)."""
    paths: list[str] = [f.path for f in host.creds.files]
    if host.certs.cert_dir is not None:
        paths.append(host.certs.cert_dir.path)
    for base in host.certs.bases:
        paths.append(base.path)
        paths.extend(_join(base.path, name) for name in base.hosts)
    paths.append(host.registries_d.path)
    paths.extend(host.registries_d.files)
    if host.policy_path:
        paths.append(host.policy_path)
    return tuple(dict.fromkeys(paths))


def source_context_to_dict(s: SourceContext) -> dict[str, Any]:
    """One source of a pull context as JSON-ready data (no secret: names and keys only)."""
    return {
        "reference": s.reference,
        "logical": s.logical,
        "mirror": s.mirror,
        "tls": s.tls.to_dict(),
        "credentials": s.credentials.to_dict(),
        "signatures": s.signatures.to_dict(),
        "error": s.error,
    }


def pull_context_to_dict(ctx: PullContext) -> dict[str, Any]:
    """JSON-ready form of a [`PullContext`][regresolve.PullContext], without any secret:
    ``{"image": <image_plan_to_dict>, "sources": [...], "policy": {...} | null,
    "policy_error", "error"}``."""
    return {
        "image": image_plan_to_dict(ctx.plan),
        "sources": [source_context_to_dict(s) for s in ctx.sources],
        "policy": None if ctx.policy is None else ctx.policy.to_dict(),
        "policy_error": ctx.policy_error,
        "error": ctx.error,
    }
