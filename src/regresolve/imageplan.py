"""One image string as podman pulls it: short-name resolution, then each candidate's plan.

A pod spec or a command line names an image as a person writes it (``nginx``,
``quay.io/x/y:1``).  podman (and CRI-O) first resolve a short name to candidates (aliases, then
the unqualified-search registries, R-SN), then hand each candidate to the docker transport,
whose plan lists the sources tried (R-PULL).  [`plan_image`][regresolve.plan_image] does both
and never raises: every failure is recorded in the [`ImagePlan`][regresolve.ImagePlan], whose
JSON form ([`image_plan_to_dict`][regresolve.image_plan_to_dict]) the command line and the
webhook share.
"""

from __future__ import annotations

from typing import Any, Final

import attrs

from regresolve._errors import RegresolveError
from regresolve._plan import PullPlan, PullSource, registry_to_dict, source_to_dict
from regresolve._profiles import DEFAULT_PROFILE, Profile
from regresolve._reference import (
    Reference,
    parse_raw,
    parse_reference,
    parse_unnormalized_short_name,
)
from regresolve._resolve import Resolver
from regresolve._shortnames import ERR_NO_TTY

__all__ = [
    "SCHEMA_VERSION",
    "CandidatePlan",
    "ImagePlan",
    "image_plan_to_dict",
    "plan_image",
    "registry_to_dict",
    "source_to_dict",
]


@attrs.frozen
class CandidatePlan:
    """One fully qualified reference podman would hand to the docker transport.

    Attributes:
        reference: the candidate as text (for a fully qualified input: the input itself).
        description: how short-name resolution found it ("" for a fully qualified input).
        plan: the pull plan, or None when planning failed.
        error: the Go error text when planning failed, else None.
    """

    reference: str
    description: str
    plan: PullPlan | None
    error: str | None = None
    detail: str | None = None


@attrs.frozen
class ImagePlan:
    """Everything podman would try for one image string, in order.

    Attributes:
        input: the text as given.
        short_name: whether the input is a short name (resolved through aliases or the
            unqualified-search registries before planning).
        mode: the short-name mode that applied (None for a fully qualified input).
        candidates: the references podman tries, in order; each carries its plan.
        error: the Go error text when the input fails before any candidate exists (parse
            error, short-name resolution error), else None.
        detail: ``str()`` of that error: the Go text plus regresolve's context.
        prompt: in enforcing mode with several candidates and no terminal, the references
            podman would offer at its prompt (it fails instead); empty otherwise.
    """

    input: str
    short_name: bool
    mode: str | None
    candidates: tuple[CandidatePlan, ...]
    error: str | None = None
    detail: str | None = None
    prompt: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        """True when podman cannot start pulling: an error, or no candidate can be planned.

        A short name whose first candidate cannot be planned is not a failure while another
        candidate can: podman moves on to the next candidate.
        """
        return self.error is not None or all(c.plan is None for c in self.candidates)

    @property
    def failure(self) -> str | None:
        """The Go error text when `failed` (the first candidate's error), else None."""
        if self.error is not None:
            return self.error
        if self.failed:
            return next((c.error for c in self.candidates if c.error is not None), None)
        return None

    @property
    def sources(self) -> tuple[PullSource, ...]:
        """Every pull attempt, in order, across candidates."""
        return tuple(s for c in self.candidates if c.plan is not None for s in c.plan.sources)

    @property
    def all_blocked(self) -> bool:
        """True when the plan exists but every source is blocked: the pull must fail."""
        sources = self.sources
        return bool(sources) and all(s.blocked for s in sources)

    @property
    def first_source(self) -> PullSource | None:
        """The first source podman would actually contact (blocked ones fail without I/O)."""
        for source in self.sources:
            if not source.blocked:
                return source
        return None


#: The version of the JSON documents regresolve prints (docs/schema/output.schema.json).
SCHEMA_VERSION: Final = "regresolve/v1"


def plan_image(
    resolver: Resolver,
    text: str,
    *,
    short_name_mode: str | None = None,
    profile: Profile | None = None,
) -> ImagePlan:
    """Plan ``text`` as the program pulls it: short-name resolution, then the docker transport.

    Never raises [`RegresolveError`][regresolve.RegresolveError]: every failure is recorded in
    the result.

    Args:
        resolver: the resolver for the configuration in use.
        text: an image reference as a user or a Pod spec writes it.
        short_name_mode: overrides the configuration's short-name mode (as
            ``SystemContext.ShortNameMode`` does) and the program's; None uses the program's
            (CRI-O's) or else the configuration's.
        profile: the program around the library (default: podman).  podman, buildah and
            CRI-O pull ``name:tag@digest`` by digest (the tag is dropped, as Docker does);
            skopeo's docker transport refuses it.  CRI-O up to 1.33 resolves short names with
            the mode disabled, 1.34+ with crio.conf's ``short_name_mode``; skopeo does not
            resolve short names (``nginx`` is ``docker.io/library/nginx``).
    """
    who = profile or DEFAULT_PROFILE
    # libimage (podman, buildah) drops the tag of a tagged and digested name before anything.
    text_used = _without_tag(text) if who.consumer in ("podman", "buildah") else text
    if not who.resolves_short_names:
        return ImagePlan(text, False, None, (_candidate(resolver, text, ""),))
    parsed: Reference | None = None
    try:
        short, parsed = parse_unnormalized_short_name(text_used)
    except RegresolveError:
        # Not even the raw grammar accepts it: the docker transport's own error is the answer
        # (ParseNormalizedNamed gives the same text a pull would print).
        short = False
    # CRI-O sends even a qualified name through shortnames.Resolve, then drops the tag of
    # each candidate that has a tag and a digest.
    crio = who.consumer == "cri-o"
    if not short:
        qualified = _without_tag(text) if crio else text_used
        # A qualified name was parsed with ParseNormalizedNamed already: plan it as parsed.
        reuse = parsed if qualified == text_used else None
        return ImagePlan(text, False, None, (_candidate(resolver, qualified, "", reuse),))
    forced = short_name_mode or who.short_name_mode
    mode = forced or resolver.conf.effective_short_name_mode
    try:
        resolved = resolver.resolve_short_name(text_used, mode=forced)
    except RegresolveError as err:
        message = err.go_message
        offered = _prompt(resolver, text_used) if message == ERR_NO_TTY else ()
        if crio and message == ERR_NO_TTY:
            message = f"short name mode is enforcing, but image name {text} returns ambiguous list"
            return ImagePlan(text, True, mode, (), message, message, offered)
        return ImagePlan(text, True, mode, (), message, str(err), offered)
    if crio:
        candidates = tuple(
            _candidate(resolver, _without_tag(str(c.reference)), resolved.description)
            for c in resolved.candidates
        )
    else:
        candidates = tuple(
            CandidatePlan(
                str(c.reference), resolved.description, c.plan, c.plan_error, c.plan_error
            )
            for c in resolved.candidates
        )
    return ImagePlan(text, True, resolved.mode, candidates)


def _prompt(resolver: Resolver, text: str) -> tuple[str, ...]:
    """The candidates enforcing mode would offer at a terminal (the permissive list)."""
    try:
        resolved = resolver.resolve_short_name(text, mode="permissive")
    except RegresolveError:
        return ()
    return tuple(str(c.reference) for c in resolved.candidates)


def _without_tag(text: str) -> str:
    """``name:tag@digest`` -> ``name@digest`` (as written); anything else unchanged."""
    if "@" not in text:
        return text
    try:
        ref = parse_raw(text)
    except RegresolveError:
        return text
    if ref.tag is None or ref.digest is None:
        return text
    return f"{ref.name}@{ref.digest}"


def _candidate(
    resolver: Resolver, text: str, description: str, parsed: Reference | None = None
) -> CandidatePlan:
    try:
        plan = resolver.plan(text, parsed=parsed)
    except RegresolveError as err:
        return CandidatePlan(
            _candidate_name(text, parsed), description, None, err.go_message, str(err)
        )
    return CandidatePlan(str(plan.reference), description, plan)


def _candidate_name(text: str, parsed: Reference | None) -> str:
    """The name podman gives a candidate that cannot be planned: normalized, ``:latest``
    added when it has neither tag nor digest (as when it can be planned); the text itself
    when it does not even parse."""
    try:
        ref = parsed if parsed is not None else parse_reference(text)
    except RegresolveError:
        return text
    return str(ref.with_default_tag() if ref.tag is None and ref.digest is None else ref)


def _sources_list(plan: PullPlan | None) -> list[dict[str, Any]]:
    return [] if plan is None else [source_to_dict(s) for s in plan.sources]


def _skipped_list(plan: PullPlan | None) -> list[dict[str, Any]]:
    if plan is None:
        return []
    return [{"location": k.mirror.location, "reason": k.reason} for k in plan.skipped]


def image_plan_to_dict(image: ImagePlan) -> dict[str, Any]:
    """The JSON object ``regresolve resolve --json`` prints for one input.

    The ``image`` object of docs/schema/output.schema.json: ``{"input", "reference",
    "registry": {"prefix", "location", "file", "entry"} | null, "sources": [...],
    "skipped": [{"location", "reason"}], "error": null | "<Go error text>"}``.  A short name
    adds ``"short_name": {"mode", "prompt", "candidates": [{"reference", "description",
    "registry", "sources", "skipped", "error"}]}``; then ``reference`` and ``registry`` are
    the first candidate's and ``sources`` lists every attempt of every candidate in order.
    """
    first = image.candidates[0] if image.candidates else None
    error = image.failure
    out: dict[str, Any] = {
        "input": image.input,
        "reference": None
        if first is None or (first.plan is None and not image.short_name)
        else first.reference,
        "registry": None
        if first is None or first.plan is None
        else registry_to_dict(first.plan.registry),
        "sources": [s for c in image.candidates for s in _sources_list(c.plan)],
        "skipped": [k for c in image.candidates for k in _skipped_list(c.plan)],
        "error": error,
    }
    if image.short_name:
        out["short_name"] = {
            "mode": image.mode,
            "prompt": list(image.prompt),
            "candidates": [
                {
                    "reference": c.reference,
                    "description": c.description,
                    "registry": None if c.plan is None else registry_to_dict(c.plan.registry),
                    "sources": _sources_list(c.plan),
                    "skipped": _skipped_list(c.plan),
                    "error": c.error,
                }
                for c in image.candidates
            ],
        }
    return out
