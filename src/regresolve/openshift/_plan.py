"""What a node does with a pull, given the files the MCO rendered for it.

The registries.conf and the search drop-in are loaded exactly as containers/image loads them
on the node ([`RegistriesConf.from_toml`][regresolve.RegistriesConf.from_toml]), the reference
is planned with [`Resolver`][regresolve.Resolver] (short names as podman resolves them), and
policy.json is evaluated on each *logical* candidate reference (never on a mirror's reference).
"""

from __future__ import annotations

from typing import Any

import attrs

from regresolve._config import RegistriesConf
from regresolve._plan import PullPlan, PullSource
from regresolve._policy import Policy, PolicyVerdict, parse_policy
from regresolve._profiles import Profile
from regresolve._resolve import Resolver
from regresolve.imageplan import (
    SCHEMA_VERSION,
    ImagePlan,
    image_plan_to_dict,
    plan_image,
    registry_to_dict,
    source_to_dict,
)
from regresolve.openshift._render import NodeFiles

__all__ = ["NodePlan", "node_policy", "node_resolver", "plan_on_node"]


@attrs.frozen
class NodePlan:
    """Which sources the node tries for one image, and whether policy.json accepts it.

    Attributes:
        input: the image as given.
        image_plan: the pull plan(s): candidates and their sources.
        verdicts: the policy.json verdict for each planned candidate, in candidate order.
    """

    input: str
    image_plan: ImagePlan
    verdicts: tuple[PolicyVerdict, ...]

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

    @property
    def accepted(self) -> bool:
        """Can this pull succeed, network permitting?  An unblocked source exists and the
        policy verdict of the candidate that source belongs to is not ``rejected``."""
        for plan, verdict in zip(self._planned(), self.verdicts, strict=True):
            if verdict.verdict != "rejected" and any(not s.blocked for s in plan.sources):
                return True
        return False

    def _planned(self) -> list[PullPlan]:
        return [c.plan for c in self.image_plan.candidates if c.plan is not None]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``regresolve openshift plan --json``, docs/schema/output.schema.json).

        ``image`` is the plan in the shape every command prints; ``candidates`` repeats each
        candidate with its policy.json verdict (``null`` when it cannot be planned).
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
        }

    def explain(self) -> str:
        """Human-readable: each source in order, skipped mirrors, then the policy verdict."""
        lines = [f"{self.input}:"]
        if self.image_plan.error is not None:
            lines.append(f"  error: {self.image_plan.error}")
        verdicts = iter(self.verdicts)
        for c in self.image_plan.candidates:
            if c.description:
                lines.append(f"  candidate {c.reference} ({c.description})")
            if c.plan is None:
                lines.append(f"  error: {c.error}")
                continue
            for i, s in enumerate(c.plan.sources, 1):
                if s.mirror:
                    flags = [s.pull_from_mirror or "all"] + (["insecure"] if s.insecure else [])
                    label = f"mirror ({', '.join(flags)})"
                else:
                    label = "source (insecure)" if s.insecure else "source"
                lines.append(f"  {i}. {s.reference}  {label}")
                if s.blocked:
                    lines.append(f"     blocked: {s.blocked_error}")
            for sk in c.plan.skipped:
                lines.append(f"  skipped: {sk.mirror.location}: {sk.reason}")
            v = next(verdicts)
            lines.append(f"  policy.json: {v.verdict}, by {_scope_label(v.scope)} "
                         f"({', '.join(r.type for r in v.requirements)})")  # fmt: skip
        lines.append("  => " + ("the node can pull it" if self.accepted else "the pull fails"))
        return "\n".join(lines)


def _scope_label(scope: str | None) -> str:
    if scope is None:
        return "the default policy"
    if scope == "":
        return 'transports.docker[""]'
    return f'transports.docker["{scope}"]'


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


def plan_on_node(files: NodeFiles, image: str, *, profile: Profile | None = None) -> NodePlan:
    """Plan ``image`` against the rendered files, as the node would.

    ``profile``: the program that pulls (``product_profile("ocp-4.18")`` for the node's
    CRI-O); default podman with containers/image 5.34.2 (``podman pull`` on the node).

    Raises:
        InvalidConfig: the rendered registries.conf does not load.
        InvalidPolicy: likewise for policy.json.
    """
    resolver = node_resolver(files, version=profile.containers_image if profile else None)
    policy = node_policy(files)
    image_plan = plan_image(resolver, image, profile=profile)
    verdicts = tuple(
        policy.evaluate(c.plan.reference) for c in image_plan.candidates if c.plan is not None
    )
    return NodePlan(image, image_plan, verdicts)
