"""The pull context in the webhook's judgement: pure helpers for ``_review``.

When the server (or ``regresolve review``) is given the nodes' files, each judged image also
gets its [`PullContext`][regresolve.PullContext] (``Host.context_of`` on the plan already
made): TLS, credentials and signature storage per source, and policy.json's verdict.  The
judgement stays conservative, because the webhook sees the files, not the registries:

* an image whose *every* source fails before any network access (a certificate directory
  that does not load, a credential lookup that errors, an invalid lookaside URL, a
  registries.d that does not load) is warned about, or denied with ``deny_unpullable``;
* anything else (no credentials, TLS not verified, a missing policy.json in the webhook's own
  view) is only reported in the verdict's context, never a warning.

Explicit credentials: a pod spec with ``imagePullSecrets`` gives the node's CRI-O credentials
for the image (the kubelet passes them), which reach only sources on the image's host; the
caller may also force them on for every image.  Secrets: the context holds none (see
:mod:`regresolve._creds`); the pull secrets' names are not even read, only whether any is
listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from regresolve._host import PullContext, pull_context_to_dict
from regresolve.webhook._sites import WORKLOAD_TEMPLATE, clip

__all__ = ["context_dict", "has_pull_secrets", "unpullable"]


def has_pull_secrets(kind: str, obj: Mapping[str, Any]) -> bool:
    """Whether the object's pod spec lists any ``imagePullSecrets``."""
    node: Any = obj
    for key in WORKLOAD_TEMPLATE.get(kind, ()):
        if not isinstance(node, Mapping):
            return False
        node = node.get(key)
    if not isinstance(node, Mapping):
        return False
    secrets = node.get("imagePullSecrets")
    return isinstance(secrets, list) and len(secrets) > 0


def unpullable(ctx: PullContext, limit: int) -> str | None:
    """Why every source of the image fails before any network access, or None."""
    if ctx.error is not None:
        return clip(f"every source fails: {ctx.error}", limit)
    if not ctx.sources or any(s.error is None for s in ctx.sources):
        return None
    parts = [f"{s.reference}: {s.error}" for s in ctx.sources]
    return clip("every source fails before any network access: " + "; ".join(parts), limit)


def context_dict(ctx: PullContext | None) -> dict[str, Any] | None:
    """The context as ``regresolve review --json`` and the decision log carry it: the
    sources, the policy verdict and the errors (the plan itself is not repeated)."""
    if ctx is None:
        return None
    doc = pull_context_to_dict(ctx)
    del doc["image"]
    return doc
