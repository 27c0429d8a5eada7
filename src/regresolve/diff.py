"""What changes if I roll this out?  The pull plans of many images under two configurations.

A rollout of registries.conf (a new mirror, a blocked registry, a changed search list), of
OpenShift mirror objects, or of a newer podman/CRI-O changes how some images are pulled and not
others.  `diff_images` plans every image twice, *before* and *after* (each side with its
own [`Resolver`][regresolve.Resolver] and, optionally, its own `Profile` and
policy.json), compares the two [`ImagePlan`][regresolve.ImagePlan] objects field by field and
classifies what differs:

========================  ===================================================================
``error``                 the image now fails, no longer fails, or fails with another error
``candidates``            a short name resolves to other candidates (or in another order)
``sources-added``         a source is tried that was not tried before
``sources-removed``       a source is no longer tried
``sources-reordered``     the same sources, in another order
``tls``                   a source's TLS verification changed (``insecure``)
``blocked``               a source is newly blocked, or unblocked, or blocked by another entry
``source-changed``        a source's location, mirror role or ``pull-from-mirror`` changed
``policy``                policy.json's verdict on a candidate changed
========================  ===================================================================

An image is reported as changed exactly when the two plans differ in any field the plans carry
(sources with every attribute, candidates, errors); the classes say how.  Plans are cheap: a
100,000-image diff of two 10,000-entry configurations takes a few seconds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

import attrs

from regresolve._config import RegistriesConf
from regresolve._errors import RegresolveError
from regresolve._index import PrefixIndex
from regresolve._plan import PullSource
from regresolve._policy import Policy
from regresolve._profiles import Profile
from regresolve._reference import parse_reference
from regresolve._resolve import Resolver
from regresolve.imageplan import SCHEMA_VERSION, ImagePlan, image_plan_to_dict, plan_image

__all__ = [
    "CHANGE_KINDS",
    "Change",
    "DiffReport",
    "ImageDiff",
    "diff_images",
    "diff_plans",
    "format_report",
]

#: Every class of change, in the order reports list them.
CHANGE_KINDS: Final = (
    "error",
    "candidates",
    "sources-added",
    "sources-removed",
    "sources-reordered",
    "tls",
    "blocked",
    "source-changed",
    "policy",
)


@attrs.frozen
class Change:
    """One difference between the two plans of an image.

    Attributes:
        kind: one of `CHANGE_KINDS`.
        detail: what changed, for people (``docker.io/library/nginx:1.25 is now blocked``).
    """

    kind: str
    detail: str


@attrs.frozen
class ImageDiff:
    """One image planned before and after.

    Attributes:
        image: the image string as given.
        before: its plan under the *before* configuration.
        after: its plan under the *after* configuration.
        changes: what differs, in `CHANGE_KINDS` order; empty when nothing does.
    """

    image: str
    before: ImagePlan
    after: ImagePlan
    changes: tuple[Change, ...]

    @property
    def changed(self) -> bool:
        """Whether the two plans differ."""
        return bool(self.changes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the image, the changes, and both plans (``image_plan_to_dict``)."""
        return {
            "image": self.image,
            "changes": [{"kind": c.kind, "detail": c.detail} for c in self.changes],
            "before": image_plan_to_dict(self.before),
            "after": image_plan_to_dict(self.after),
        }


@attrs.frozen
class DiffReport:
    """The outcome of a diff.

    Attributes:
        compared: how many images were planned on both sides.
        changed: the images whose plans differ, in input order.
        counts: images per class of change (an image counts once per class it shows).
    """

    compared: int
    changed: tuple[ImageDiff, ...]
    counts: Mapping[str, int]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``regresolve diff --json``)."""
        return {
            "schema": SCHEMA_VERSION,
            "compared": self.compared,
            "changed": len(self.changed),
            "counts": {k: self.counts.get(k, 0) for k in CHANGE_KINDS},
            "images": [d.to_dict() for d in self.changed],
        }


def _verdicts(image: ImagePlan, policy: Policy | None) -> tuple[tuple[str, str], ...]:
    if policy is None:
        return ()
    out = []
    for cand in image.candidates:
        if cand.plan is not None:
            verdict = policy.evaluate(cand.plan.reference)
            out.append((cand.reference, verdict.verdict))
    return tuple(out)


def _source_key(s: PullSource) -> tuple[object, ...]:
    return (
        s.reference,
        s.location,
        s.insecure,
        s.mirror,
        s.pull_from_mirror,
        s.blocked,
        s.blocked_by,
        s.blocked_error,
    )


def _errors_differ(before: ImagePlan, after: ImagePlan) -> bool:
    """A different failure, or another error for a candidate both sides try."""
    if before.error != after.error or before.failure != after.failure:
        return True
    old = {c.reference: c.error for c in before.candidates}
    return any(c.reference in old and old[c.reference] != c.error for c in after.candidates)


def diff_plans(
    before: ImagePlan,
    after: ImagePlan,
    *,
    before_verdicts: tuple[tuple[str, str], ...] = (),
    after_verdicts: tuple[tuple[str, str], ...] = (),
) -> tuple[Change, ...]:
    """Every difference between two plans of the same image, classified."""
    found: dict[str, list[str]] = {}

    def note(kind: str, detail: str) -> None:
        found.setdefault(kind, []).append(detail)

    if _errors_differ(before, after):
        was, now = before.failure, after.failure
        if was is None and now is not None:
            note("error", f"now fails: {now}")
        elif was is not None and now is None:
            note("error", f"no longer fails (was: {was})")
        else:
            note("error", f"error changed: {was!r} -> {now!r}")
    cands_before = [c.reference for c in before.candidates]
    cands_after = [c.reference for c in after.candidates]
    short = before.short_name or after.short_name
    both_planned = before.failure is None and after.failure is None
    if (short or both_planned) and (
        cands_before != cands_after
        or before.mode != after.mode
        or before.short_name != after.short_name
        or [c.description for c in before.candidates] != [c.description for c in after.candidates]
    ):
        note("candidates", f"candidates {cands_before} -> {cands_after}")
    _diff_sources(before.sources, after.sources, note)
    if before_verdicts != after_verdicts:
        note("policy", f"policy.json {list(before_verdicts)} -> {list(after_verdicts)}")
    return tuple(Change(kind, "; ".join(found[kind])) for kind in CHANGE_KINDS if kind in found)


def _diff_sources(
    before: tuple[PullSource, ...],
    after: tuple[PullSource, ...],
    note: Callable[[str, str], None],
) -> None:
    if tuple(map(_source_key, before)) == tuple(map(_source_key, after)):
        return
    notes: list[tuple[str, str]] = []
    refs_before = [s.reference for s in before]
    refs_after = [s.reference for s in after]
    added = [r for r in refs_after if r not in refs_before]
    removed = [r for r in refs_before if r not in refs_after]
    if added:
        notes.append(("sources-added", "now tries " + ", ".join(added)))
    if removed:
        notes.append(("sources-removed", "no longer tries " + ", ".join(removed)))
    kept_before = [r for r in refs_before if r in refs_after]
    kept_after = [r for r in refs_after if r in refs_before]
    if kept_before != kept_after:
        notes.append(("sources-reordered", f"order {refs_before} -> {refs_after}"))
    by_ref_before = {s.reference: s for s in before}
    for s in after:
        old = by_ref_before.get(s.reference)
        if old is None:
            continue
        if old.insecure != s.insecure:
            state = "skips TLS verification" if s.insecure else "verifies TLS"
            notes.append(("tls", f"{s.reference} now {state}"))
        if (old.blocked, old.blocked_by, old.blocked_error) != (
            s.blocked,
            s.blocked_by,
            s.blocked_error,
        ):
            if s.blocked and not old.blocked:
                detail = f"{s.reference} is now blocked ({s.blocked_error})"
            elif old.blocked and not s.blocked:
                detail = f"{s.reference} is no longer blocked"
            else:
                detail = f"{s.reference} is blocked differently ({s.blocked_error})"
            notes.append(("blocked", detail))
        if (old.location, old.mirror, old.pull_from_mirror) != (
            s.location,
            s.mirror,
            s.pull_from_mirror,
        ):
            notes.append(("source-changed", _describe_source_change(old, s)))
    if not notes:
        # The same references with different attributes where a reference repeats (two
        # endpoints rewriting to the same name): say so rather than nothing.
        notes.append(("source-changed", f"sources {refs_before} changed their attributes"))
    for kind, detail in notes:
        note(kind, detail)


def _describe_source_change(old: PullSource, new: PullSource) -> str:
    parts = []
    if old.location != new.location:
        # The synthetic entry of an unmatched reference has the reference as its location.
        if old.location == old.reference:
            parts.append(f"now matches a [[registry]] entry (location {new.location!r})")
        elif new.location == new.reference:
            parts.append(f"no longer matches a [[registry]] entry (was {old.location!r})")
        else:
            parts.append(f"location {old.location!r} -> {new.location!r}")
    if old.mirror != new.mirror:
        parts.append("now a mirror" if new.mirror else "now the primary")
    if old.pull_from_mirror != new.pull_from_mirror:
        parts.append(f"pull-from-mirror {old.pull_from_mirror!r} -> {new.pull_from_mirror!r}")
    return f"{new.reference}: " + ", ".join(parts)


def diff_images(
    before: Resolver,
    after: Resolver,
    images: Iterable[str],
    *,
    before_profile: Profile | None = None,
    after_profile: Profile | None = None,
    before_policy: Policy | None = None,
    after_policy: Policy | None = None,
    short_name_mode: str | None = None,
) -> DiffReport:
    """Plan every image before and after, and report those whose plans differ.

    Duplicate images are planned once.  Never raises for an image: failures are part of the
    plans (and a change from or to a failure is an ``error`` change).
    """
    changed: list[ImageDiff] = []
    counts: Counter[str] = Counter()
    seen: set[str] = set()
    unaffected = _unaffected_test(before, after, before_profile == after_profile)
    for image in images:
        if image in seen:
            continue
        seen.add(image)
        old = plan_image(before, image, short_name_mode=short_name_mode, profile=before_profile)
        if unaffected is not None and unaffected(old):
            new = old  # no entry that differs can be consulted for this image: same plan
        else:
            new = plan_image(after, image, short_name_mode=short_name_mode, profile=after_profile)
        if old == new and before_policy is None and after_policy is None:
            continue
        changes = diff_plans(
            old,
            new,
            before_verdicts=_verdicts(old, before_policy),
            after_verdicts=_verdicts(new, after_policy),
        )
        if changes:
            changed.append(ImageDiff(image, old, new, changes))
            counts.update(c.kind for c in changes)
    return DiffReport(len(seen), tuple(changed), dict(counts))


def _short_name_inputs(conf: RegistriesConf) -> tuple[object, ...]:
    """Everything of a configuration that short-name resolution and messages read."""
    return (
        tuple((a.name, a.value, a.origin) for a in conf.aliases),
        conf.unqualified_search_registries,
        conf.unqualified_search_registries_origin,
        conf.short_name_mode,
        conf.path,
        conf.dir_path,
    )


def _repository_name(reference: str) -> str:
    """The name part of a (valid, canonical) reference string: no tag, no digest."""
    name = reference.split("@", 1)[0]
    slash = name.rfind("/")
    colon = name.rfind(":")
    return name[:colon] if colon > slash else name


def _unaffected_test(
    before: Resolver, after: Resolver, same_program: bool
) -> Callable[[ImagePlan], bool] | None:
    """A test saying when an image's plan cannot differ between the two configurations.

    Planning consults the entries that match the reference's name (to choose one) and the
    names of its sources (for the blocked check); everything else it reads comes from the
    short-name settings, the user alias cache and the program.  When those are the same on
    both sides, an image none of whose names matches an entry that differs (added, removed
    or changed, found with the same prefix index planning uses) has the same plan.  None when
    the shortcut does not apply.
    """
    b, a = before.conf, after.conf
    if (
        not same_program
        or _short_name_inputs(b) != _short_name_inputs(a)
        or before.user_aliases != after.user_aliases
    ):
        return None
    old = {r.prefix: r for r in b.registries}
    new = {r.prefix: r for r in a.registries}
    differing = [r for p, r in new.items() if old.get(p) != r]
    differing += [r for p, r in old.items() if new.get(p) != r]
    index = PrefixIndex(differing)

    def unaffected(image: ImagePlan) -> bool:
        for cand in image.candidates:
            if cand.plan is None:
                # It failed while planning (a rewrite through a bad location): the name it
                # was planned under is the normalized one.  A text that does not even parse
                # failed without reading the configuration.
                try:
                    name = parse_reference(cand.reference).name
                except RegresolveError:
                    continue
                if index.find(name) is not None:
                    return False
                continue
            if index.find(cand.plan.reference.name) is not None:
                return False
            for s in cand.plan.sources:
                if index.find(_repository_name(s.reference)) is not None:
                    return False
        return True

    return unaffected


def _sources(image: ImagePlan) -> str:
    if image.failure is not None:
        return f"error: {image.failure}"
    parts = []
    for s in image.sources:
        flags = ["mirror" if s.mirror else "primary"]
        if s.insecure:
            flags.append("insecure")
        if s.blocked:
            flags.append("BLOCKED")
        parts.append(f"{s.reference} ({', '.join(flags)})")
    return " -> ".join(parts) or "(no sources)"


def format_report(report: DiffReport) -> str:
    """The report as text: a summary line, counts per class, then each changed image."""
    changed = len(report.changed)
    lines = [f"{report.compared} images compared, {changed} pulled differently"]
    if changed:
        lines.append("")
        width = max(len(k) for k in CHANGE_KINDS)
        lines.extend(
            f"  {kind:<{width}}  {report.counts[kind]}"
            for kind in CHANGE_KINDS
            if report.counts.get(kind)
        )
    for diff in report.changed:
        lines.append("")
        lines.append(diff.image)
        lines.extend(f"  {change.kind}: {change.detail}" for change in diff.changes)
        lines.append(f"  before: {_sources(diff.before)}")
        lines.append(f"  after:  {_sources(diff.after)}")
    return "\n".join(lines) + "\n"
