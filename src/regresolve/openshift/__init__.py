"""OpenShift: render cluster image configuration the way the Machine Config Operator does.

From the objects ``oc get`` prints (``images.config.openshift.io/cluster``,
ImageDigestMirrorSet, ImageTagMirrorSet, ImageContentSourcePolicy, ClusterImagePolicy,
ImagePolicy, the ConfigMaps of CA certificates, the global pull secret, and ``ClusterVersion``
for the release payload) to the files every node gets: ``/etc/containers/registries.conf``,
the search-registries drop-in, ``/etc/containers/policy.json``, ``/etc/crio/policies/*.json``,
``/etc/containers/registries.d/sigstore-registries.yaml``, ``/etc/docker/certs.d/*/ca.crt``
and ``/var/lib/kubelet/config.json``; then, with [`load_host`][regresolve.load_host], what
the node does with a pull, source by source.

Semantics: openshift/runtime-utils ``pkg/registries`` @ 7bdb5b9c (as vendored by the MCO)
and machine-config-operator ``pkg/controller/container-runtime-config`` @ 7ff337a4.
"""

from regresolve.openshift._apivalidate import image_validation_errors
from regresolve.openshift._files import load_objects, write_node_files
from regresolve.openshift._kinds import (
    ConfigMapObject,
    ImagePolicyObject,
    PullSecretObject,
    SealedSecret,
)
from regresolve.openshift._node import (
    CRIO_POLICIES_DIR,
    KUBELET_CONFIG_JSON,
    POLICY_JSON_PATH,
    REGISTRIES_CONF_PATH,
    SEARCH_DROPIN_PATH,
    SIGSTORE_REGISTRIES_PATH,
    NodeFiles,
    render,
)
from regresolve.openshift._objects import (
    ClusterImageObjects,
    ImageConfig,
    InvalidOpenShiftObject,
    MirrorObject,
    objects_from_data,
    objects_from_text,
)
from regresolve.openshift._plan import NodePlan, plan_in_root, plan_on_node
from regresolve.openshift._policy_json import MCO_BASE_POLICY_JSON
from regresolve.openshift._registries import MCO_BASE_REGISTRIES_CONF, MirrorRule
from regresolve.openshift._scopes import (
    is_valid_registries_conf_scope,
    scope_is_nested_inside_scope,
)
from regresolve.openshift._trustedca import CaFile

__all__ = [
    "CRIO_POLICIES_DIR",
    "KUBELET_CONFIG_JSON",
    "MCO_BASE_POLICY_JSON",
    "MCO_BASE_REGISTRIES_CONF",
    "POLICY_JSON_PATH",
    "REGISTRIES_CONF_PATH",
    "SEARCH_DROPIN_PATH",
    "SIGSTORE_REGISTRIES_PATH",
    "CaFile",
    "ClusterImageObjects",
    "ConfigMapObject",
    "ImageConfig",
    "ImagePolicyObject",
    "InvalidOpenShiftObject",
    "MirrorObject",
    "MirrorRule",
    "NodeFiles",
    "NodePlan",
    "PullSecretObject",
    "SealedSecret",
    "image_validation_errors",
    "is_valid_registries_conf_scope",
    "load_objects",
    "objects_from_data",
    "objects_from_text",
    "plan_in_root",
    "plan_on_node",
    "render",
    "scope_is_nested_inside_scope",
    "write_node_files",
]
