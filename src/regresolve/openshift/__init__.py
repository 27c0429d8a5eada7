"""OpenShift: render cluster image configuration the way the Machine Config Operator does.

From the objects ``oc get`` prints (``images.config.openshift.io/cluster``,
ImageDigestMirrorSet, ImageTagMirrorSet, ImageContentSourcePolicy, and ``ClusterVersion`` for
the release payload) to the files every node gets: ``/etc/containers/registries.conf``, the
search-registries drop-in and ``/etc/containers/policy.json``; then, with
[`Resolver`][regresolve.Resolver] and `_policy`, what the node does with a pull.

Semantics: openshift/runtime-utils ``pkg/registries`` @ 7bdb5b9c (as vendored by the MCO)
and machine-config-operator ``pkg/controller/container-runtime-config`` @ 7ff337a4.
"""

from regresolve.openshift._files import load_objects, write_node_files
from regresolve.openshift._objects import (
    ClusterImageObjects,
    ImageConfig,
    InvalidOpenShiftObject,
    MirrorObject,
    objects_from_data,
    objects_from_text,
)
from regresolve.openshift._plan import NodePlan, plan_on_node
from regresolve.openshift._policy_json import MCO_BASE_POLICY_JSON
from regresolve.openshift._registries import MCO_BASE_REGISTRIES_CONF, MirrorRule
from regresolve.openshift._render import (
    POLICY_JSON_PATH,
    REGISTRIES_CONF_PATH,
    SEARCH_DROPIN_PATH,
    NodeFiles,
    render,
)
from regresolve.openshift._scopes import (
    is_valid_registries_conf_scope,
    scope_is_nested_inside_scope,
)

__all__ = [
    "MCO_BASE_POLICY_JSON",
    "MCO_BASE_REGISTRIES_CONF",
    "POLICY_JSON_PATH",
    "REGISTRIES_CONF_PATH",
    "SEARCH_DROPIN_PATH",
    "ClusterImageObjects",
    "ImageConfig",
    "InvalidOpenShiftObject",
    "MirrorObject",
    "MirrorRule",
    "NodeFiles",
    "NodePlan",
    "is_valid_registries_conf_scope",
    "load_objects",
    "objects_from_data",
    "objects_from_text",
    "plan_on_node",
    "render",
    "scope_is_nested_inside_scope",
    "write_node_files",
]
