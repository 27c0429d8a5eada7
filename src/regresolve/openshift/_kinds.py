"""The objects besides the registry lists that reach a node: ConfigMaps of CA certificates,
the global pull secret, ClusterImagePolicy and ImagePolicy.

* ``ConfigMap``: ``openshift-config/<additionalTrustedCA.name>`` (keys are registry host
  names, ``host..port`` for ``host:port``) and ``openshift-config-managed/image-registry-ca``
  (the internal registry's service CA, written by the image registry operator).
* ``Secret`` ``openshift-config/pull-secret`` (type ``kubernetes.io/dockerconfigjson``,
  key ``.dockerconfigjson``): its contents are held in a `SealedSecret`, which never shows
  them (``repr``, ``str``, equality and JSON see only its length).
* ``ClusterImagePolicy`` / ``ImagePolicy`` (``config.openshift.io``): scopes and a sigstore
  verification policy (public key, Fulcio CA with Rekor, or PKI; a signed identity).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final, Literal

import attrs

from regresolve._gotext import go_quote
from regresolve.openshift._ctx import OBJECT_FIELDS, Ctx

__all__ = [
    "PULL_SECRET_KEY",
    "ConfigMapObject",
    "ImagePolicyObject",
    "PullSecretObject",
    "SealedSecret",
    "SigstorePolicySpec",
    "config_map",
    "image_policy",
    "pull_secret",
]

#: ``corev1.DockerConfigJsonKey``.
PULL_SECRET_KEY: Final = ".dockerconfigjson"

# Kubernetes ``IsConfigMapKey`` and ``IsDNS1123Label`` (namespaces).  The API server refuses
# anything else, and these names become file and directory names on the node.
_CONFIG_MAP_KEY: Final = re.compile(r"[-._a-zA-Z0-9]+")
_DNS1123_LABEL: Final = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")


def _check_key(key: str, field: str, ctx: Ctx) -> None:
    problem = None
    if len(key) > 253:
        problem = "must be no more than 253 characters"
    elif not _CONFIG_MAP_KEY.fullmatch(key):
        problem = (
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.' "
            "(e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
            "'[-._a-zA-Z0-9]+')"
        )
    elif key in (".", ".."):
        problem = f"must not be '{key}'"
    elif key.startswith(".."):
        problem = "must not start with '..'"
    if problem is not None:
        raise ctx.error(f"{field}: Invalid value: {go_quote(key)}: {problem}", field)


class SealedSecret:
    """Secret bytes that only `reveal` hands out (to write them to their file).

    ``repr``/``str`` show the length only; two sealed secrets are equal only when they are
    the same object.
    """

    __slots__ = ("_data",)

    def __init__(self, data: bytes) -> None:
        self._data = data

    def __repr__(self) -> str:
        return f"<sealed secret: {len(self._data)} bytes>"

    __str__ = __repr__

    def __len__(self) -> int:
        return len(self._data)

    def reveal(self) -> bytes:
        """The bytes, for the one place that writes them to the node's file."""
        return self._data


@attrs.frozen
class ConfigMapObject:
    """A ConfigMap (``data`` and ``binaryData``, keys sorted as the MCO lists them).

    Attributes:
        name: ``metadata.name``.
        namespace: ``metadata.namespace`` ("" when the object does not say).
        data: ``data`` items (text values).
        binary_data: ``binaryData`` items (decoded bytes).
        origin: the file it came from.
    """

    name: str
    namespace: str
    data: tuple[tuple[str, str], ...] = ()
    binary_data: tuple[tuple[str, bytes], ...] = ()
    origin: str = attrs.field(default="", eq=False)

    @property
    def label(self) -> str:
        return f"ConfigMap/{self.namespace + '/' if self.namespace else ''}{self.name}"


@attrs.frozen
class PullSecretObject:
    """The global pull secret, sealed.

    Attributes:
        name: ``metadata.name``.
        namespace: ``metadata.namespace``.
        type: the Secret's ``type``.
        content: ``.dockerconfigjson`` (``None`` when the key is missing).
        origin: the file it came from.
    """

    name: str
    namespace: str
    type: str
    content: SealedSecret | None = attrs.field(default=None, eq=False, repr=False)
    origin: str = attrs.field(default="", eq=False)


@attrs.frozen
class SigstorePolicySpec:
    """``spec.policy`` of a ClusterImagePolicy / ImagePolicy (``ImageSigstoreVerificationPolicy``).

    ``None`` stands for an absent field (Go's nil); byte fields are the decoded bytes.
    """

    policy_type: str = ""
    public_key: bool = False
    key_data: bytes | None = None
    public_key_rekor: bytes | None = None
    fulcio: bool = False
    fulcio_ca_data: bytes | None = None
    fulcio_rekor: bytes | None = None
    oidc_issuer: str = ""
    signed_email: str = ""
    pki: bool = False
    ca_roots_data: bytes | None = None
    ca_intermediates_data: bytes | None = None
    pki_email: str = ""
    pki_hostname: str = ""
    match_policy: str | None = None
    exact_repository: str | None = None
    remap_prefix: str | None = None
    remap_signed_prefix: str | None = None


@attrs.frozen
class ImagePolicyObject:
    """A ClusterImagePolicy (cluster-wide) or an ImagePolicy (one namespace).

    Attributes:
        kind: ``ClusterImagePolicy`` or ``ImagePolicy``.
        name: ``metadata.name``.
        namespace: the ImagePolicy's namespace ("" for a ClusterImagePolicy).
        scopes: ``spec.scopes``.
        policy: ``spec.policy``.
        origin: the file it came from.
    """

    kind: Literal["ClusterImagePolicy", "ImagePolicy"]
    name: str
    namespace: str
    scopes: tuple[str, ...]
    policy: SigstorePolicySpec
    origin: str = attrs.field(default="", eq=False)

    @property
    def label(self) -> str:
        ns = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind}/{ns}{self.name}"


def _meta(obj: Mapping[str, Any], ctx: Ctx) -> tuple[str, str]:
    meta = ctx.mapping(obj.get("metadata"), "metadata")
    name = ctx.string(meta.get("name"), "metadata.name")
    namespace = ctx.string(meta.get("namespace"), "metadata.namespace")
    return name, namespace


def config_map(obj: Mapping[str, Any], ctx: Ctx) -> ConfigMapObject:
    """A ConfigMap's data (``binaryData`` values are base64 in the file)."""
    ctx.known(obj, "", {"apiVersion", "kind", "metadata", "data", "binaryData", "immutable"})
    name, namespace = _meta(obj, ctx)
    data = ctx.mapping(obj.get("data"), "data")
    text = []
    for key in sorted(data):
        _check_key(str(key), "data", ctx)
        text.append((key, ctx.string(data[key], f"data[{key}]")))
    binary = ctx.mapping(obj.get("binaryData"), "binaryData")
    raw = []
    for key in sorted(binary):
        _check_key(str(key), "binaryData", ctx)
        value = ctx.data(binary[key], f"binaryData[{key}]")
        raw.append((key, value if value is not None else b""))
    return ConfigMapObject(name, namespace, tuple(text), tuple(raw), origin=ctx.path)


def pull_secret(obj: Mapping[str, Any], ctx: Ctx) -> PullSecretObject:
    """The pull secret (``stringData`` wins over ``data``, as the API server merges them).

    Errors name the field, never the value.
    """
    ctx.known(
        obj, "", {"apiVersion", "kind", "metadata", "data", "stringData", "type", "immutable"}
    )
    name, namespace = _meta(obj, ctx)
    typ = ctx.string(obj.get("type"), "type") or "Opaque"
    content: bytes | None = None
    data = ctx.mapping(obj.get("data"), "data")
    if PULL_SECRET_KEY in data:
        content = ctx.data(data[PULL_SECRET_KEY], f"data[{PULL_SECRET_KEY}]")
    string_data = ctx.mapping(obj.get("stringData"), "stringData")
    if PULL_SECRET_KEY in string_data:
        content = ctx.string(string_data[PULL_SECRET_KEY], f"stringData[{PULL_SECRET_KEY}]").encode(
            "utf-8"
        )
    sealed = None if content is None else SealedSecret(content)
    return PullSecretObject(name, namespace, typ, sealed, origin=ctx.path)


_POLICY_FIELDS: Final = {
    "": {"rootOfTrust", "signedIdentity"},
    "rootOfTrust": {"policyType", "publicKey", "fulcioCAWithRekor", "pki"},
    "rootOfTrust.publicKey": {"keyData", "rekorKeyData"},
    "rootOfTrust.fulcioCAWithRekor": {"fulcioCAData", "rekorKeyData", "fulcioSubject"},
    "rootOfTrust.fulcioCAWithRekor.fulcioSubject": {"oidcIssuer", "signedEmail"},
    "rootOfTrust.pki": {"caRootsData", "caIntermediatesData", "pkiCertificateSubject"},
    "rootOfTrust.pki.pkiCertificateSubject": {"email", "hostname"},
    "signedIdentity": {"matchPolicy", "exactRepository", "remapIdentity"},
    "signedIdentity.exactRepository": {"repository"},
    "signedIdentity.remapIdentity": {"prefix", "signedPrefix"},
}


def _sub(parent: Mapping[str, Any], key: str, path: str, ctx: Ctx) -> Mapping[str, Any] | None:
    value = parent.get(key)
    if value is None:
        return None
    inner = path + "." + key if path else key
    m = ctx.mapping(value, "spec.policy." + inner)
    ctx.known(m, "spec.policy." + inner, _POLICY_FIELDS[inner])
    return m


def _sigstore_spec(policy: Mapping[str, Any], ctx: Ctx) -> SigstorePolicySpec:
    f = "spec.policy."
    ctx.known(policy, "spec.policy", _POLICY_FIELDS[""])
    root = _sub(policy, "rootOfTrust", "", ctx) or {}
    pk = _sub(root, "publicKey", "rootOfTrust", ctx)
    fu = _sub(root, "fulcioCAWithRekor", "rootOfTrust", ctx)
    subject = (
        None if fu is None else _sub(fu, "fulcioSubject", "rootOfTrust.fulcioCAWithRekor", ctx)
    )
    pki = _sub(root, "pki", "rootOfTrust", ctx)
    pki_subject = (
        None if pki is None else _sub(pki, "pkiCertificateSubject", "rootOfTrust.pki", ctx)
    )
    ident = _sub(policy, "signedIdentity", "", ctx)
    exact = None if ident is None else _sub(ident, "exactRepository", "signedIdentity", ctx)
    remap = None if ident is None else _sub(ident, "remapIdentity", "signedIdentity", ctx)
    r = f + "rootOfTrust."
    return SigstorePolicySpec(
        policy_type=ctx.string(root.get("policyType"), r + "policyType"),
        public_key=pk is not None,
        key_data=None if pk is None else ctx.data(pk.get("keyData"), r + "publicKey.keyData"),
        public_key_rekor=None
        if pk is None
        else ctx.data(pk.get("rekorKeyData"), r + "publicKey.rekorKeyData"),
        fulcio=fu is not None,
        fulcio_ca_data=None
        if fu is None
        else ctx.data(fu.get("fulcioCAData"), r + "fulcioCAWithRekor.fulcioCAData"),
        fulcio_rekor=None
        if fu is None
        else ctx.data(fu.get("rekorKeyData"), r + "fulcioCAWithRekor.rekorKeyData"),
        oidc_issuer=""
        if subject is None
        else ctx.string(
            subject.get("oidcIssuer"), r + "fulcioCAWithRekor.fulcioSubject.oidcIssuer"
        ),
        signed_email=""
        if subject is None
        else ctx.string(
            subject.get("signedEmail"), r + "fulcioCAWithRekor.fulcioSubject.signedEmail"
        ),
        pki=pki is not None,
        ca_roots_data=None
        if pki is None
        else ctx.data(pki.get("caRootsData"), r + "pki.caRootsData"),
        ca_intermediates_data=None
        if pki is None
        else ctx.data(pki.get("caIntermediatesData"), r + "pki.caIntermediatesData"),
        pki_email=""
        if pki_subject is None
        else ctx.string(pki_subject.get("email"), r + "pki.pkiCertificateSubject.email"),
        pki_hostname=""
        if pki_subject is None
        else ctx.string(pki_subject.get("hostname"), r + "pki.pkiCertificateSubject.hostname"),
        match_policy=None
        if ident is None
        else ctx.string(ident.get("matchPolicy"), f + "signedIdentity.matchPolicy"),
        exact_repository=None
        if exact is None
        else ctx.string(exact.get("repository"), f + "signedIdentity.exactRepository.repository"),
        remap_prefix=None
        if remap is None
        else ctx.string(remap.get("prefix"), f + "signedIdentity.remapIdentity.prefix"),
        remap_signed_prefix=None
        if remap is None
        else ctx.string(remap.get("signedPrefix"), f + "signedIdentity.remapIdentity.signedPrefix"),
    )


def image_policy(
    kind: Literal["ClusterImagePolicy", "ImagePolicy"], obj: Mapping[str, Any], ctx: Ctx
) -> ImagePolicyObject:
    """A ClusterImagePolicy or ImagePolicy."""
    ctx.known(obj, "", OBJECT_FIELDS)
    name, namespace = _meta(obj, ctx)
    if not name:
        raise ctx.error("metadata.name: Required value: name is required", "metadata.name")
    spec = ctx.mapping(obj.get("spec"), "spec")
    ctx.known(spec, "spec", {"scopes", "policy"})
    scopes = ctx.strings(spec.get("scopes"), "spec.scopes") or ()
    policy = _sigstore_spec(ctx.mapping(spec.get("policy"), "spec.policy"), ctx)
    if kind == "ClusterImagePolicy":
        namespace = ""
    elif not namespace:
        raise ctx.error(
            "metadata.namespace: Required value: an ImagePolicy lives in a namespace",
            "metadata.namespace",
        )
    elif len(namespace) > 63 or not _DNS1123_LABEL.fullmatch(namespace):
        raise ctx.error(
            f"metadata.namespace: Invalid value: {go_quote(namespace)}: a lowercase RFC 1123 "
            "label must consist of lower case alphanumeric characters or '-', and must start "
            "and end with an alphanumeric character",
            "metadata.namespace",
        )
    return ImagePolicyObject(kind, name, namespace, scopes, policy, origin=ctx.path)
