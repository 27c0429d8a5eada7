"""The global pull secret → ``/var/lib/kubelet/config.json`` (mode 0600).

Machine Config Operator (7ff337a4):

* ``pkg/operator/sync.go`` points ControllerConfig ``spec.pullSecret`` at
  ``openshift-config/pull-secret``;
* ``pkg/controller/template/template_controller.go``: the Secret must have type
  ``kubernetes.io/dockerconfigjson`` (else ``expected secret type
  kubernetes.io/dockerconfigjson found <type>`` and nothing is rendered); its
  ``.dockerconfigjson`` bytes go through ``json.Compact`` (an error there fails the render
  too; the MCO's message quotes the whole secret, regresolve's does not);
* ``templates/common/_base/files/pull-secret.yaml``: ``mode: 0600``, path
  ``/var/lib/kubelet/config.json``, contents ``{{.PullSecret}}`` followed by a newline.

CRI-O reads that file as ``global_auth_file`` (the MCO's crio.conf template), kubelet as its
own credential file.  Not modelled: the credentials of the InternalReleaseImage registry that
the MCO merges in when that feature is enabled.
"""

from __future__ import annotations

import re
from typing import Final

from regresolve._errors import InvalidOpenShiftObject
from regresolve._gojson import check_valid
from regresolve.openshift._kinds import SealedSecret
from regresolve.openshift._objects import ClusterImageObjects

__all__ = ["KUBELET_CONFIG_JSON", "PULL_SECRET_MODE", "go_json_compact", "node_pull_secret"]

KUBELET_CONFIG_JSON: Final = "/var/lib/kubelet/config.json"
PULL_SECRET_MODE: Final = 0o600
_DOCKER_CONFIG_JSON_TYPE: Final = "kubernetes.io/dockerconfigjson"
_SPACE: Final = frozenset(b" \t\r\n")


def go_json_compact(data: bytes) -> bytes:
    """``json.Compact``: whitespace outside strings removed; bytes otherwise unchanged.

    Raises:
        ValueError: not JSON, with Go's syntax error text (which quotes at most one
            character of the input; regresolve replaces even that).
    """
    problem = check_valid(data)
    if problem is not None:
        raise ValueError(re.sub(r"invalid character '.*?' ", "invalid character ", problem))
    out = bytearray()
    in_string = escaped = False
    for c in data:
        if in_string:
            out.append(c)
            if escaped:
                escaped = False
            elif c == 0x5C:  # backslash
                escaped = True
            elif c == 0x22:  # quote
                in_string = False
        elif c not in _SPACE:
            out.append(c)
            in_string = c == 0x22
    return bytes(out)


def node_pull_secret(objects: ClusterImageObjects) -> SealedSecret | None:
    """The sealed contents of ``/var/lib/kubelet/config.json``, or None without a pull secret.

    Raises:
        InvalidOpenShiftObject: the MCO's template controller would fail (wrong Secret type,
            contents that are not JSON); the message never holds the contents.
    """
    secret = objects.pull_secret
    if secret is None:
        return None
    where = {
        "object": f"Secret/{secret.namespace or 'openshift-config'}/{secret.name}",
        "path": secret.origin,
    }
    if secret.type != _DOCKER_CONFIG_JSON_TYPE:
        raise InvalidOpenShiftObject(
            f"expected secret type {_DOCKER_CONFIG_JSON_TYPE} found {secret.type}",
            field="type",
            **where,
        )
    raw = secret.content.reveal() if secret.content is not None else b""
    try:
        compact = go_json_compact(raw)
    except ValueError as e:
        raise InvalidOpenShiftObject(
            f"couldn't compact pullsecret: {e}", field="data[.dockerconfigjson]", **where
        ) from None
    return SealedSecret(compact + b"\n")
