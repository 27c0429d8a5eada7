"""regresolve: where will this image be pulled from?

Answers it exactly as podman, skopeo, buildah and CRI-O do (containers/image v5.34.2):
image references, containers-registries.conf (v2, v1, drop-ins, short-name aliases),
pull plans, and OpenShift's rendering of cluster image configuration.

This module only re-exports the public API.
"""

from regresolve._errors import (
    InvalidConfig,
    InvalidReference,
    PlanError,
    RegresolveError,
    ShortNameError,
)

# -- references (issue 2) --
# -- configuration loading (issue 3) --
from regresolve._files import load_alias_cache, load_config
from regresolve._model import Alias, Mirror, RegistriesConf, Registry

# -- resolver, plans, short names (issue 3) --
from regresolve._plan import PullPlan, PullSource, SkippedMirror

# -- openshift / policy
from regresolve._policy import InvalidPolicy, Policy, PolicyVerdict, parse_policy
from regresolve._reference import Reference, is_short_name, parse_reference  # references
from regresolve._reload import Reloader, watch
from regresolve._resolve import Resolver
from regresolve._shortnames import ShortNameCandidate, ShortNameResolution

__version__ = "0.1.0"

__all__ = [
    "Alias",
    "InvalidConfig",
    "InvalidPolicy",
    "InvalidReference",
    "Mirror",
    "PlanError",
    "Policy",
    "PolicyVerdict",
    "PullPlan",
    "PullSource",
    "Reference",
    "RegistriesConf",
    "Registry",
    "RegresolveError",
    "Reloader",
    "Resolver",
    "ShortNameCandidate",
    "ShortNameError",
    "ShortNameResolution",
    "SkippedMirror",
    "__version__",
    "is_short_name",
    "load_alias_cache",
    "load_config",
    "parse_policy",
    "parse_reference",
    "watch",
]
