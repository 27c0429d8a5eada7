"""Pull plans: the ordered list of places podman tries, and why.

A [`PullPlan`][regresolve.PullPlan] is what the docker transport of containers/image v5.34.2
computes before it touches the network (spec R-PULL-6): the normalized reference, the
``[[registry]]`` entry that matched, the mirrors it skipped, and the sources it will try in
order, each with its own TLS setting and its own blocked verdict.
"""

from __future__ import annotations

from typing import Any

import attrs

from regresolve._model import Mirror, Registry
from regresolve._reference import Reference

__all__ = [
    "PullPlan",
    "PullSource",
    "SkippedMirror",
    "make_source",
    "registry_to_dict",
    "source_to_dict",
]


class _PullSourceSlots:
    # Storage in a base class so that the resolver can fill a layout-compatible mutable twin
    # and switch its class (about half the cost of attrs' frozen __init__ on the hot path).
    __slots__ = (
        "blocked",
        "blocked_by",
        "blocked_error",
        "insecure",
        "location",
        "mirror",
        "namespace_proxy",
        "pull_from_mirror",
        "reference",
    )


@attrs.frozen(slots=True, weakref_slot=False)
class PullSource(_PullSourceSlots):
    """One place podman tries, in order.

    Attributes:
        reference: the rewritten reference pulled from this source.
        location: the endpoint's ``location`` as configured.
        insecure: TLS verification is skipped (and plain HTTP allowed) for this source only.
        mirror: True for a ``[[registry.mirror]]``, False for the primary location.
        pull_from_mirror: the mirror's ``pull-from-mirror`` value ("" for the primary).
        blocked: the attempt fails without any network access.
        blocked_by: the prefix of the blocked ``[[registry]]`` entry that covers ``reference``.
        blocked_error: the error text podman reports for that attempt.
        namespace_proxy: the endpoint's ``namespace-proxy`` (containers/image 5.41+), sent
            to the registry as ``?ns=``; ``""`` when unset.
    """

    reference: str
    location: str
    insecure: bool = False
    mirror: bool = False
    pull_from_mirror: str = ""
    blocked: bool = False
    blocked_by: str | None = None
    blocked_error: str | None = None
    namespace_proxy: str = ""


class _SourceTwin(_PullSourceSlots):
    __slots__ = ()
    reference: str
    location: str
    insecure: bool
    mirror: bool
    pull_from_mirror: str
    blocked: bool
    blocked_by: str | None
    blocked_error: str | None
    namespace_proxy: str


_new = object.__new__


def make_source(  # noqa: PLR0917 - internal fast constructor, positional on purpose
    reference: str,
    location: str,
    insecure: bool,
    mirror: bool,
    pull_from_mirror: str,
    blocked_by: str | None,
    blocked_error: str | None,
    namespace_proxy: str,
) -> PullSource:
    """Build a PullSource from trusted parts without attrs' per-field ``__setattr__``."""
    s = _new(_SourceTwin)
    s.reference = reference
    s.location = location
    s.insecure = insecure
    s.mirror = mirror
    s.pull_from_mirror = pull_from_mirror
    s.blocked = blocked_by is not None
    s.blocked_by = blocked_by
    s.blocked_error = blocked_error
    s.namespace_proxy = namespace_proxy
    s.__class__ = PullSource  # type: ignore[assignment]
    return s  # type: ignore[return-value]


@attrs.frozen(slots=True)
class SkippedMirror:
    """A mirror of the matched entry that this reference does not use.

    Attributes:
        mirror: the mirror as configured.
        reason: why, in words (``pull-from-mirror = "digest-only" and the reference has
            no digest``).
    """

    mirror: Mirror
    reason: str


def _describe_registry(reg: Registry) -> str:
    loc = f'location = "{reg.location}"' if reg.location else "no location (no rewrite)"
    where = f" in {reg.origin}" if reg.origin else ""
    return f'[[registry]] prefix = "{reg.prefix}", {loc}{where}'


@attrs.frozen(slots=True)
class PullPlan:
    """What podman will do for one reference.

    Attributes:
        input: the text that was planned.
        reference: the normalized reference, ``:latest`` added when it had no tag or digest.
        registry: the matched ``[[registry]]`` entry, or None when nothing matched (podman then
            pulls the reference itself).
        sources: in the order podman tries them; the first success wins.
        skipped: mirrors of the matched entry that this reference does not use.
    """

    input: str
    reference: Reference
    registry: Registry | None
    sources: tuple[PullSource, ...]
    skipped: tuple[SkippedMirror, ...] = ()

    @property
    def blocked(self) -> bool:
        """True when every source is blocked: the pull fails before any network access."""
        return all(s.blocked for s in self.sources)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the shape of one ``regresolve resolve --json`` object)."""
        return {
            "input": self.input,
            "reference": str(self.reference),
            "registry": registry_to_dict(self.registry),
            "sources": [source_to_dict(s) for s in self.sources],
            "skipped": [{"location": m.mirror.location, "reason": m.reason} for m in self.skipped],
            "error": None,
        }

    def explain(self) -> str:
        """Human text: which entry matched and from where, each mirror used or skipped and why."""
        ref = str(self.reference)
        lines = [f"{self.input} -> {ref}"]
        if self.input != ref:
            lines.append(
                f"  normalized as {ref} (docker.io and library/ added, :latest if untagged)"
            )
        reg = self.registry
        if reg is None:
            lines.append(
                f"  no [[registry]] prefix matches {self.reference.name!r}: podman pulls the "
                "reference itself, over TLS, with no mirrors"
            )
        else:
            lines.append(f"  matched {_describe_registry(reg)}")
            lines.append(
                "  (the longest matching prefix wins; prefixes match the repository name "
                "without tag or digest)"
            )
            if reg.blocked:
                primary = self.sources[-1]
                if primary.blocked_by == reg.prefix:
                    lines.append("  the entry is blocked: its primary location is refused")
                else:
                    lines.append(
                        "  the entry is blocked, but podman checks 'blocked' on each rewritten "
                        f"reference, and {primary.reference} is not covered by it"
                    )
        lines.append("  sources, in the order podman tries them:")
        for i, src in enumerate(self.sources, 1):
            kind = "mirror" if src.mirror else "primary"
            if src.mirror and src.pull_from_mirror:
                kind += f', pull-from-mirror = "{src.pull_from_mirror}"'
            tls = "TLS not verified / HTTP allowed" if src.insecure else "TLS verified"
            lines.append(f"    {i}. {src.reference}  [{kind}; {tls}]")
            if src.blocked:
                lines.append(
                    f'       BLOCKED by [[registry]] prefix = "{src.blocked_by}": '
                    f"{src.blocked_error}"
                )
        for sk in self.skipped:
            lines.append(f"  skipped mirror {sk.mirror.location}: {sk.reason}")
        if self.blocked:
            lines.append("  every source is blocked: the pull fails")
        return "\n".join(lines)


def registry_to_dict(registry: Registry | None) -> dict[str, Any] | None:
    """The matched entry: prefix, location, and where it was written (file and entry)."""
    if registry is None:
        return None
    return {
        "prefix": registry.prefix,
        "location": registry.location,
        "file": registry.origin or None,
        "entry": registry.entry or None,
    }


def source_to_dict(s: PullSource) -> dict[str, Any]:
    """One source, as every JSON document of regresolve writes it."""
    return {
        "reference": s.reference,
        "location": s.location,
        "insecure": s.insecure,
        "mirror": s.mirror,
        "pull_from_mirror": s.pull_from_mirror,
        "blocked": s.blocked,
        "blocked_error": s.blocked_error,
    } | ({"namespace_proxy": s.namespace_proxy} if s.namespace_proxy else {})
