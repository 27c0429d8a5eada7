"""Short names: ``pkg/shortnames`` of containers/image v5.34.2, without the interactive prompt.

``Resolve`` turns ``fedora`` into the list of references podman will try: an alias if one
exists (the user's machine-written cache first, then registries.conf and its drop-ins), else one
candidate per ``unqualified-search-registries`` entry.  With several candidates, the mode
decides: ``disabled`` and ``permissive`` try them all; ``enforcing`` would prompt on a TTY and
fails without one.  regresolve has no TTY: it answers as podman does in a pipeline, a service
or CI (spec R-SN-1..5).
"""

from __future__ import annotations

from typing import Literal

import attrs

from regresolve._errors import InvalidConfig, InvalidReference, PlanError, ShortNameError
from regresolve._gotext import go_quote
from regresolve._model import SHORT_NAME_MODES, Alias
from regresolve._plan import PullPlan
from regresolve._planner import Planner
from regresolve._reference import Reference, parse_reference, parse_unnormalized_short_name

__all__ = ["ShortNameCandidate", "ShortNameResolution", "resolve", "resolve_locally"]

ERR_NO_TTY = "short-name resolution enforced but cannot prompt without a TTY"


@attrs.frozen
class ShortNameCandidate:
    """One reference podman will try for a short name, in order.

    Attributes:
        reference: the candidate, normalized, ``:latest`` added when untagged.
        plan: its pull plan against the same configuration, or None when it cannot be planned.
        plan_error: the error planning it raised (a tag and digest together, a bad rewrite).
        description: Go's ``Resolved.Description()`` (the same for every candidate of one
            resolution; "" for a name that is not short).
    """

    reference: Reference
    plan: PullPlan | None
    plan_error: str | None = None
    description: str = ""


@attrs.frozen
class ShortNameResolution:
    """The outcome of resolving one name.

    Attributes:
        input: the name as given.
        mode: the short-name mode that applied.
        rationale: ``"qualified"`` (not a short name: used as is), ``"alias"`` or ``"search"``.
        alias: the alias used (with the file it came from in ``origin``), if any.
        origin: the file the alias or the search list came from ("" if none).
        description: Go's ``Resolved.Description()`` text ("" for a qualified name).
        candidates: in the order podman tries them.
    """

    input: str
    mode: str
    rationale: Literal["qualified", "alias", "search"]
    alias: Alias | None
    origin: str
    description: str
    candidates: tuple[ShortNameCandidate, ...]


def _candidate(resolver: Planner, ref: Reference, description: str = "") -> ShortNameCandidate:
    ref = ref.with_default_tag() if ref.tag is None and ref.digest is None else ref
    try:
        return ShortNameCandidate(ref, resolver.plan(ref), None, description)
    except (PlanError, InvalidReference) as e:
        return ShortNameCandidate(ref, None, e.go_message, description)


def _with_alias(alias: Alias, tag: str | None, digest: str | None) -> Reference:
    ref = parse_reference(alias.value)
    if tag is not None:
        ref = ref.with_tag(tag)
    if digest is not None:
        ref = ref.with_digest(digest)
    return ref


def _search_candidates(registries: tuple[str, ...], name: str) -> list[Reference]:
    out = []
    for reg in registries:
        try:
            out.append(parse_reference(f"{reg}/{name}"))
        except InvalidReference as e:
            raise ShortNameError(
                f"creating reference with unqualified-search registry {go_quote(reg)}: "
                f"{e.go_message}",
                name,
            ) from None
    return out


def _parse(name: str) -> tuple[bool, Reference]:
    try:
        return parse_unnormalized_short_name(name)
    except InvalidReference as e:
        raise ShortNameError(e.go_message, name) from None


def resolve(resolver: Planner, name: str, *, mode: str | None = None) -> ShortNameResolution:
    """Go ``shortnames.Resolve`` with stdin/stdout not a terminal.

    Raises:
        ShortNameError: every error ``Resolve`` returns, with Go's text.
    """
    conf = resolver.conf
    use_mode = conf.effective_short_name_mode if mode is None else mode
    if use_mode not in SHORT_NAME_MODES:
        raise ShortNameError(f"unsupported short-name mode ({use_mode})", name)
    is_short, ref = _parse(name)
    if not is_short:
        return ShortNameResolution(
            name, use_mode, "qualified", None, "", "", (_candidate(resolver, ref),)
        )
    repo = ref.name  # the raw (unnormalized) repository, e.g. "library/foo"
    try:
        alias = resolver.lookup_alias(repo)
    except InvalidConfig as e:  # a corrupt user alias cache: Go returns its error as is
        raise ShortNameError(e.go_message, name) from None
    if alias is not None and alias.value:
        target = _with_alias(alias, ref.tag, ref.digest)
        desc = f"Resolved {go_quote(repo)} as an alias ({alias.origin})"
        return ShortNameResolution(
            name,
            use_mode,
            "alias",
            alias,
            alias.origin,
            desc,
            (_candidate(resolver, target, desc),),
        )
    usr = conf.unqualified_search_registries or ()
    origin = conf.unqualified_search_registries_origin
    if not usr:
        if origin:
            msg = (
                f"short-name {go_quote(name)} did not resolve to an alias and no "
                f"unqualified-search registries are defined in {go_quote(origin)}"
            )
        else:
            msg = (
                f"short-name {go_quote(name)} did not resolve to an alias and no "
                "containers-registries.conf(5) was found"
            )
        raise ShortNameError(msg, name)
    refs = _search_candidates(usr, name)
    if use_mode == "enforcing" and len(refs) > 1:
        raise ShortNameError(ERR_NO_TTY, name)
    desc = f"Resolving {go_quote(repo)} using unqualified-search registries ({origin})"
    return ShortNameResolution(
        name,
        use_mode,
        "search",
        None,
        origin,
        desc,
        tuple(_candidate(resolver, r, desc) for r in refs),
    )


def resolve_locally(resolver: Planner, name: str) -> tuple[Reference, ...]:
    """Go ``shortnames.ResolveLocally``: names to look for in local storage, in order.

    Raises:
        ShortNameError: Go's errors.
    """
    is_short, ref = _parse(name)
    if not is_short:
        return (ref.with_default_tag() if ref.tag is None and ref.digest is None else ref,)
    out: list[Reference] = []
    try:
        alias = resolver.lookup_alias(ref.name)
    except InvalidConfig as e:  # a corrupt user alias cache: Go returns its error as is
        raise ShortNameError(e.go_message, name) from None
    if alias is not None and alias.value:
        out.append(_with_alias(alias, ref.tag, ref.digest))
    out.extend(
        _search_candidates(
            ("localhost", *(resolver.conf.unqualified_search_registries or ())), name
        )
    )
    return tuple(r.with_default_tag() if r.tag is None and r.digest is None else r for r in out)
