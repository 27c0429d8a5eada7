"""What a node does with a pull, given the files the MCO rendered for it.

The node's files are laid out in a private directory (or an existing one, ``--root``) and
read with [`load_host`][regresolve.load_host], exactly as containers/image reads a machine:
registries.conf and its drop-in, ``/etc/docker/certs.d``, the auth file, registries.d and
policy.json.  For every pull source, in order, the node plan then says which file decides:

* the ``[[registry]]`` entry (mirrors, ``blocked``, ``insecure``);
* the certificate directory (``/etc/docker/certs.d/<host[:port]>``, chosen by the source's
  own registry as written) and its CA files;
* the credentials: the pull secret (``/var/lib/kubelet/config.json``, CRI-O's
  ``global_auth_file``) and its key, or none;
* signature storage from ``registries.d``;
* policy.json (or ``/etc/crio/policies/<namespace>.json`` for a Pod of that namespace),
  evaluated on each *logical* candidate reference (never on a mirror's).

Without a profile the pull is ``podman pull`` on the node (which does not read the pull
secret unless given ``--authfile``); ``product_profile("ocp-4.N")`` is the node's CRI-O
(short names as that release resolves them, the pull secret as its auth file).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, TypeVar

import attrs

from regresolve._config import RegistriesConf
from regresolve._errors import InvalidConfig
from regresolve._files import host_errno
from regresolve._host import SourceContext, load_host, source_context_to_dict
from regresolve._plan import PullPlan, PullSource
from regresolve._policy import Policy, PolicyVerdict, parse_policy
from regresolve._profiles import Profile, profile_to_dict
from regresolve._resolve import Resolver
from regresolve.imageplan import (
    SCHEMA_VERSION,
    ImagePlan,
    image_plan_to_dict,
    registry_to_dict,
    source_to_dict,
)
from regresolve.openshift._files import node_root
from regresolve.openshift._node import CRIO_POLICIES_DIR, NodeFiles
from regresolve.openshift._render import POLICY_JSON_PATH
from regresolve.openshift._trustedca import CERTS_D

__all__ = ["NodePlan", "node_policy", "node_resolver", "plan_in_root", "plan_on_node"]

_T = TypeVar("_T")


@attrs.frozen
class NodePlan:
    """Which sources the node tries for one image, what each one uses, and whether
    policy.json accepts it.

    Attributes:
        input: the image as given.
        image_plan: the pull plan(s): candidates and their sources.
        verdicts: the policy.json verdict for each planned candidate, in candidate order.
        sources: every pull source with its TLS, credentials, signatures and error, in pull
            order (node paths, not the temporary directory's).
        policy_file: the policy file on the node that decided the verdicts.
        policy_error: why that file could not be used (the pull then fails).
        pull_error: a problem that fails every source (registries.d does not load).
        profile: the program that pulls (None: podman on the node).
        ca_directories: the directories under ``/etc/docker/certs.d`` on the node.
    """

    input: str
    image_plan: ImagePlan
    verdicts: tuple[PolicyVerdict, ...]
    sources: tuple[SourceContext, ...] = ()
    policy_file: str = POLICY_JSON_PATH
    policy_error: str | None = None
    pull_error: str | None = None
    profile: Profile | None = None
    ca_directories: tuple[str, ...] = ()

    @property
    def error(self) -> str | None:
        """The Go error text when the image cannot even be planned."""
        if self.image_plan.error is not None:
            return str(self.image_plan.error)
        for c in self.image_plan.candidates:
            if c.error is not None:
                return str(c.error)
        return None

    @property
    def first_source(self) -> PullSource | None:
        """The first source the node contacts (blocked sources fail without I/O), or None."""
        return self.image_plan.first_source

    def _contexts(self, plan: PullPlan) -> list[SourceContext]:
        logical = str(plan.reference)
        return [s for s in self.sources if s.logical == logical]

    @property
    def accepted(self) -> bool:
        """Can this pull succeed, network permitting?  A source exists that fails nothing
        before connecting (blocked, credentials, certificate files, signature storage) and
        the policy verdict of its candidate is not ``rejected``."""
        if self.pull_error is not None or self.policy_error is not None:
            return False
        for plan, verdict in zip(self._planned(), self.verdicts):
            if verdict.verdict == "rejected":
                continue
            contexts = self._contexts(plan)
            if contexts and any(c.error is None for c in contexts):
                return True
            if not contexts and any(not s.blocked for s in plan.sources):
                return True
        return False

    def _planned(self) -> list[PullPlan]:
        return [c.plan for c in self.image_plan.candidates if c.plan is not None]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``regresolve openshift plan --json``, docs/schema/output.schema.json).

        ``image`` is the plan in the shape every command prints; ``candidates`` repeats each
        candidate with its policy.json verdict (``null`` when it cannot be planned);
        ``node`` holds what each source uses on the node (never a secret).
        """
        candidates = []
        verdicts = iter(self.verdicts)
        for c in self.image_plan.candidates:
            candidates.append(
                {
                    "reference": c.reference,
                    "description": c.description,
                    "error": c.error,
                    "registry": None if c.plan is None else registry_to_dict(c.plan.registry),
                    "sources": []
                    if c.plan is None
                    else [source_to_dict(s) for s in c.plan.sources],
                    "policy": None if c.plan is None else next(verdicts).to_dict(),
                }
            )
        return {
            "schema": SCHEMA_VERSION,
            "input": self.input,
            "error": self.error,
            "accepted": self.accepted,
            "image": image_plan_to_dict(self.image_plan),
            "candidates": candidates,
            "node": {
                "program": None if self.profile is None else profile_to_dict(self.profile),
                "policy_file": self.policy_file,
                "policy_error": self.policy_error,
                "error": self.pull_error,
                "ca_directories": list(self.ca_directories),
                "sources": [source_context_to_dict(s) for s in self.sources],
            },
        }

    def explain(self) -> str:
        """Human-readable: each source in order with the files that decide it, skipped
        mirrors, then the policy verdict."""
        lines = [f"{self.input}:"]
        if self.profile is not None:
            lines.append(f"  program: {self.profile.describe()}")
        if self.image_plan.error is not None:
            lines.append(f"  error: {self.image_plan.error}")
        if self.pull_error is not None:
            lines.append(f"  error: {self.pull_error}")
        verdicts = iter(self.verdicts)
        for c in self.image_plan.candidates:
            if c.description:
                lines.append(f"  candidate {c.reference} ({c.description})")
            if c.plan is None:
                lines.append(f"  error: {c.error}")
                continue
            contexts = self._contexts(c.plan)
            reg = c.plan.registry
            if reg is None:
                lines.append("  registries.conf: no [[registry]] matches; pulled as written")
            else:
                where = reg.origin or "registries.conf"
                where += f", {reg.entry}" if reg.entry else ""
                lines.append(f'  registries.conf: [[registry]] prefix "{reg.prefix}" ({where})')
            for i, s in enumerate(c.plan.sources, 1):
                if s.mirror:
                    flags = [s.pull_from_mirror or "all"] + (["insecure"] if s.insecure else [])
                    label = f"mirror ({', '.join(flags)})"
                else:
                    label = "source (insecure)" if s.insecure else "source"
                lines.append(f"  {i}. {s.reference}  {label}")
                if s.blocked:
                    lines.append(f"     blocked: {s.blocked_error}")
                    continue
                if i - 1 < len(contexts):
                    lines.extend(self._source_lines(contexts[i - 1]))
            for sk in c.plan.skipped:
                lines.append(f"  skipped: {sk.mirror.location}: {sk.reason}")
            v = next(verdicts)
            kinds = ", ".join(r.type for r in v.requirements)
            lines.append(
                f"  {_policy_name(self.policy_file)}: {v.verdict}, by {_scope_label(v.scope)} "
                f"({kinds})"
            )
        if self.policy_error is not None:
            lines.append(f"  policy: {self.policy_error}")
        lines.append("  => " + self._outcome())
        return "\n".join(lines)

    def _outcome(self) -> str:
        if not self.accepted:
            return "the pull fails"
        if all(v.verdict == "signature-required" for v in self.verdicts if v.verdict != "rejected"):
            return "the node can pull it if its signatures verify"
        return "the node can pull it"

    def _source_lines(self, ctx: SourceContext) -> list[str]:
        """The files that decide this source, when there is something to say: CA files (or
        their absence while certs.d holds other hosts), credentials whenever an auth file is
        in play, sigstore attachments, and the error that fails the source."""
        out = []
        tls = ctx.tls
        host = ctx.reference.split("/", 1)[0]
        if tls.verify and tls.ca_files:
            out.append(f"     TLS: CA {', '.join(tls.ca_files)}")
        elif tls.verify and tls.cert_dir is not None and self.ca_directories:
            others = ", ".join(d for d in self.ca_directories if d != host)
            out.append(
                f"     TLS: no CA directory {CERTS_D}/{host}: system roots only"
                + (f" (certs.d has {others})" if others else "")
            )
        cred = ctx.credentials
        auth_file = self.profile.auth_file if self.profile is not None else None
        if cred.kind == "auth-file":
            out.append(f"     credentials: {cred.file} key {cred.key!r}")
        elif cred.kind == "helper":
            out.append(f"     credentials: helper {cred.helper} for {cred.key}")
        elif cred.kind == "explicit":
            out.append("     credentials: the Pod's")
        elif cred.explicit_dropped:
            out.append(
                "     credentials: none (the Pod's are not sent to another host"
                + (f"; {auth_file} has no entry)" if auth_file else ")")
            )
        elif auth_file is not None:
            out.append(f"     credentials: none ({auth_file} has no entry for {host})")
        if ctx.signatures.use_sigstore_attachments:
            key = ctx.signatures.attachments_scope
            out.append(f"     signatures: sigstore attachments (registries.d key {key})")
        if ctx.error is not None:
            out.append(f"     fails: {ctx.error}")
        return out


def _policy_name(path: str) -> str:
    return "policy.json" if path == POLICY_JSON_PATH else path


def _scope_label(scope: str | None) -> str:
    if scope is None:
        return "the default policy"
    if scope == "":
        return 'transports.docker[""]'
    return f'transports.docker["{scope}"]'


def _strip(value: _T, root: str) -> _T:
    """``value`` with the directory ``root`` removed from every string in it."""
    if isinstance(value, str):
        return value.replace(root, "") if root and root in value else value  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(_strip(v, root) for v in value)  # type: ignore[return-value]
    if isinstance(value, Mapping):
        return {_strip(k, root): _strip(v, root) for k, v in value.items()}  # type: ignore[return-value]
    if attrs.has(type(value)):
        changes = {}
        for f in attrs.fields(type(value)):  # type: ignore[arg-type]
            if not f.init:
                continue
            old = getattr(value, f.name)
            new = _strip(old, root)
            if new is not old:
                changes[f.alias or f.name.lstrip("_")] = new
        return attrs.evolve(value, **changes) if changes else value  # type: ignore[misc]
    return value


def node_resolver(files: NodeFiles, *, version: str | None = None) -> Resolver:
    """The resolver for the node's rendered registries.conf and search drop-in.

    ``version``: the containers/image release of the node's CRI-O (default 5.34.2).

    Raises:
        InvalidConfig: the rendered registries.conf does not load (a bug, or a quirk the
            MCO shares: containers/image would refuse it on the node as well).
    """
    dropins = {}
    if files.search_dropin is not None:
        dropins["01-image-searchRegistries.conf"] = files.search_dropin
    conf = RegistriesConf.from_toml(
        files.registries_conf,
        dropins,
        path="/etc/containers/registries.conf",
        dropin_dir="/etc/containers/registries.conf.d",
        version=version,
    )
    return Resolver(conf)


def node_policy(files: NodeFiles) -> Policy:
    """The node's rendered policy.json, parsed.

    Raises:
        InvalidPolicy: containers/image would refuse it.
    """
    return parse_policy(files.policy_json, path="/etc/containers/policy.json")


def _join(root: str, node_path: str) -> str:
    return os.path.join(root, node_path.lstrip("/"))


def plan_in_root(
    root: str,
    image: str,
    *,
    profile: Profile | None = None,
    namespace: str | None = None,
    explicit_credentials: bool = False,
) -> NodePlan:
    """Plan ``image`` on the node whose files are under ``root`` (`write_node_files`).

    Args:
        root: the directory that stands for the node's ``/``.
        image: as a Pod spec (or ``podman pull``) writes it.
        profile: the program that pulls (``product_profile("ocp-4.18")``: that release's
            CRI-O, with the pull secret as its auth file); default ``podman pull`` on the
            node (containers/image 5.34.2, no auth file).
        namespace: the Pod's namespace: CRI-O then uses ``/etc/crio/policies/<ns>.json``
            when it exists.
        explicit_credentials: the Pod (or kubelet) passes credentials for the image's
            registry; they never reach a mirror on another host.

    Raises:
        InvalidConfig: the node's registries.conf does not load.
    """
    root = os.path.abspath(root)
    policy_path = None
    if namespace is not None:
        candidate = _join(root, f"{CRIO_POLICIES_DIR}/{namespace}.json")
        if host_errno(candidate) == 0:
            policy_path = candidate
    auth_file = None
    if profile is not None and profile.auth_file is not None:
        auth_file = _join(root, profile.auth_file)
    try:
        host = load_host(
            root=root,
            home=_join(root, "/root"),
            uid=0,
            env={},
            auth_file=auth_file,
            policy_path=policy_path,
            profile=profile,
        )
    except InvalidConfig as e:
        raise InvalidConfig(
            _strip(e.go_message, root), path=_strip(e.path, root), entry=e.entry
        ) from None
    ctx = host.pull_context(image, explicit_credentials=explicit_credentials)
    verdicts: list[PolicyVerdict] = []
    if host.policy is not None:
        for c in ctx.plan.candidates:
            if c.plan is not None:
                verdicts.append(host.policy.evaluate(c.plan.reference))
    docker_base = next((b for b in host.certs.bases if b.path.endswith(CERTS_D)), None)
    plan = NodePlan(
        input=image,
        image_plan=ctx.plan,
        verdicts=tuple(verdicts),
        sources=ctx.sources,
        policy_file=host.policy_path,
        policy_error=None
        if host.policy is not None
        else (host.policy_error or f"no policy file at {host.policy_path}"),
        pull_error=ctx.error,
        profile=profile,
        ca_directories=tuple(sorted(docker_base.hosts)) if docker_base is not None else (),
    )
    return _strip(plan, root)


def plan_on_node(
    files: NodeFiles,
    image: str,
    *,
    profile: Profile | None = None,
    namespace: str | None = None,
    explicit_credentials: bool = False,
) -> NodePlan:
    """Plan ``image`` against the rendered files, as the node would (see `plan_in_root`).

    The files are written to a private temporary directory for the duration of the call.

    Raises:
        InvalidConfig: the rendered registries.conf does not load.
    """
    with node_root(files) as root:
        return plan_in_root(
            root,
            image,
            profile=profile,
            namespace=namespace,
            explicit_credentials=explicit_credentials,
        )
