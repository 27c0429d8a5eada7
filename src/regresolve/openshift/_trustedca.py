"""``additionalTrustedCA`` and the internal registry's CA → ``certs.d/<host[:port]>/ca.crt``.

Machine Config Operator (7ff337a4):

* ``pkg/operator/sync.go`` ``getImageRegistryBundles``: the ConfigMap named by
  ``images.config.openshift.io/cluster`` ``spec.additionalTrustedCA.name`` in
  ``openshift-config`` becomes ``ImageRegistryBundleUserData``; the ConfigMap
  ``openshift-config-managed/image-registry-ca`` (written by the image registry operator for
  the internal registry's service names) becomes ``ImageRegistryBundleData``.  In each, the
  ``data`` keys in sorted order, then the ``binaryData`` keys in sorted order; a ``data``
  value that ``base64.StdEncoding`` decodes is used decoded, any other value as its text.
  A missing user ConfigMap is only logged.
* ``pkg/daemon/certificate_writer.go``: the daemon writes ``ImageRegistryBundleData`` and
  then ``ImageRegistryBundleUserData``, each entry to
  ``/etc/docker/certs.d/<strings.ReplaceAll(key, "..", ":")>/ca.crt`` (so a user entry
  overwrites a managed one for the same directory).

Before the MCO took this over (4.14), the image registry operator's node-ca daemon wrote the
same directories but replaced only the *last* ``..`` of a key (``pkg/nodeca``
``removeDoubleDots``); `node_ca_directory` reproduces that for comparison.
"""

from __future__ import annotations

from typing import Final

import attrs

from regresolve._creds import go_base64_decode
from regresolve._gojson import GoJSONError
from regresolve.openshift._kinds import ConfigMapObject
from regresolve.openshift._objects import ClusterImageObjects

__all__ = [
    "CERTS_D",
    "IMAGE_REGISTRY_CA",
    "CaFile",
    "TrustedCAs",
    "mco_directory",
    "node_ca_directory",
    "trusted_cas",
]

CERTS_D: Final = "/etc/docker/certs.d"
#: ``openshift-config-managed/image-registry-ca``.
IMAGE_REGISTRY_CA: Final = ("openshift-config-managed", "image-registry-ca")
USER_NAMESPACE: Final = "openshift-config"


def mco_directory(key: str) -> str:
    """``strings.ReplaceAll(key, "..", ":")`` (certificate_writer.go)."""
    return key.replace("..", ":")


def node_ca_directory(key: str) -> str:
    """The node-ca daemon's rule before 4.14: only the last ``..`` becomes ``:``."""
    i = key.rfind("..")
    return key if i < 0 else key[:i] + ":" + key[i + 2 :]


@attrs.frozen
class CaFile:
    """One ``ca.crt`` the node gets.

    Attributes:
        path: the node path, ``/etc/docker/certs.d/<directory>/ca.crt``.
        directory: ``host`` or ``host:port``: the references it serves are those whose
            registry is written exactly so.
        key: the ConfigMap key it came from.
        config_map: ``ConfigMap/<namespace>/<name>``.
        user: from ``additionalTrustedCA`` (else the internal registry's CA).
        data: the bytes written (a certificate: public).
    """

    path: str
    directory: str
    key: str
    config_map: str
    user: bool
    data: bytes = attrs.field(repr=False)


@attrs.frozen
class TrustedCAs:
    """The CA files, in the order the daemon writes them, and what the MCO would log.

    Attributes:
        files: every write, in order (a later one replaces an earlier one with the same path).
        warnings: the MCO's log lines and regresolve's own findings.
    """

    files: tuple[CaFile, ...] = ()
    warnings: tuple[str, ...] = ()

    def final(self) -> dict[str, CaFile]:
        """Node path → the file that ends up there."""
        return {f.path: f for f in self.files}


def _bundle(cm: ConfigMapObject, *, user: bool) -> list[CaFile]:
    out: list[CaFile] = []
    entries: list[tuple[str, bytes]] = []
    for key, text in cm.data:
        raw = text.encode("utf-8")
        try:
            entries.append((key, go_base64_decode(raw)))
        except GoJSONError:
            entries.append((key, raw))
    entries.extend(cm.binary_data)
    for key, data in entries:
        directory = mco_directory(key)
        out.append(CaFile(f"{CERTS_D}/{directory}/ca.crt", directory, key, cm.label, user, data))
    return out


def trusted_cas(objects: ClusterImageObjects) -> TrustedCAs:
    """The ``/etc/docker/certs.d`` files for these objects (the internal registry's CA, then
    the ``additionalTrustedCA`` ConfigMap of the Image), and the warnings about them."""
    files: list[CaFile] = []
    warnings: list[str] = []
    managed = objects.config_map(*IMAGE_REGISTRY_CA)
    if managed is not None:
        files.extend(_bundle(managed, user=False))
    name = objects.image.additional_trusted_ca if objects.image is not None else ""
    if name:
        cm = objects.config_map(USER_NAMESPACE, name)
        if cm is None:
            warnings.append(
                "could not find configmap specified in image.config.openshift.io/cluster with "
                f"the name {name} (none of the files holds ConfigMap {USER_NAMESPACE}/{name}; "
                f"`oc get configmap {name} -n {USER_NAMESPACE} -o yaml` prints it): no "
                "certs.d directories are written for it"
            )
        else:
            files.extend(_bundle(cm, user=True))
            for f in files:
                if f.user and node_ca_directory(f.key) != f.directory:
                    warnings.append(
                        f"{cm.label} key {f.key!r} has more than one '..': the MCO (4.14 and "
                        f"later) writes certs.d/{f.directory}, the node-ca daemon of older "
                        f"releases wrote certs.d/{node_ca_directory(f.key)}"
                    )
    for cm in objects.config_maps:
        used = (cm.namespace in ("", USER_NAMESPACE) and cm.name == name) or (
            cm.namespace in ("", IMAGE_REGISTRY_CA[0]) and cm.name == IMAGE_REGISTRY_CA[1]
        )
        if not used:
            why = (
                "spec.additionalTrustedCA does not name it"
                if objects.image is not None
                else "no Image 'cluster' names it in spec.additionalTrustedCA"
            )
            warnings.append(f"{cm.label} ({cm.origin or 'input'}) is ignored: {why}")
    return TrustedCAs(tuple(files), tuple(warnings))
