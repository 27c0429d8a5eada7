"""regresolve: where will this image be pulled from?

Answers it exactly as podman, skopeo, buildah and CRI-O do (containers/image v5.34.2):
image references, containers-registries.conf (v2, v1, drop-ins, short-name aliases),
pull plans, and OpenShift's rendering of cluster image configuration.

This module only re-exports the public API.
"""

from regresolve._config import RegistriesConf
from regresolve._errors import (
    InvalidConfig,
    InvalidOpenShiftObject,
    InvalidPolicy,
    InvalidProfile,
    InvalidReference,
    PlanError,
    RegresolveError,
    ShortNameError,
)
from regresolve._files import ConfigFiles, config_files, load_alias_cache, load_config
from regresolve._host import Host, PullContext, SourceContext, load_host, pull_context_to_dict
from regresolve._model import Alias, Mirror, Registry
from regresolve._plan import PullPlan, PullSource, SkippedMirror
from regresolve._policy import Policy, PolicyVerdict, parse_policy
from regresolve._profiles import PRODUCTS, Profile, make_profile, product_profile
from regresolve._reference import Reference, is_short_name, parse_reference
from regresolve._reload import Reloader, watch
from regresolve._resolve import Resolver
from regresolve._shortnames import ShortNameCandidate, ShortNameResolution
from regresolve.imageplan import CandidatePlan, ImagePlan, image_plan_to_dict, plan_image

__version__ = "0.1.0"

__all__ = [
    "PRODUCTS",
    "Alias",
    "CandidatePlan",
    "ConfigFiles",
    "Host",
    "ImagePlan",
    "InvalidConfig",
    "InvalidOpenShiftObject",
    "InvalidPolicy",
    "InvalidProfile",
    "InvalidReference",
    "Mirror",
    "PlanError",
    "Policy",
    "PolicyVerdict",
    "Profile",
    "PullContext",
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
    "SourceContext",
    "__version__",
    "config_files",
    "image_plan_to_dict",
    "is_short_name",
    "load_alias_cache",
    "load_config",
    "load_host",
    "make_profile",
    "parse_policy",
    "parse_reference",
    "plan_image",
    "product_profile",
    "pull_context_to_dict",
    "watch",
]
