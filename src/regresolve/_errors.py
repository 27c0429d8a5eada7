"""The exception hierarchy.

Every error regresolve raises on purpose derives from
[`RegresolveError`][regresolve.RegresolveError]. Each carries ``go_message``: the exact text
containers/image v5.34.2 produces for the same input, so differential tests can compare it byte
for byte.  ``str(err)`` starts with that text and may add context Go does not give (the entry,
the file).
"""

from __future__ import annotations

__all__ = [
    "InvalidConfig",
    "InvalidOpenShiftObject",
    "InvalidPolicy",
    "InvalidProfile",
    "InvalidReference",
    "PlanError",
    "RegresolveError",
    "ShortNameError",
]


class RegresolveError(Exception):
    """Base class of every error regresolve raises deliberately.

    Attributes:
        go_message: the error text containers/image v5.34.2 gives for the same input.
    """

    go_message: str

    def __init__(self, go_message: str, *, context: str | None = None) -> None:
        self.go_message = go_message
        self.context = context
        super().__init__(go_message if context is None else f"{go_message} ({context})")


class InvalidReference(RegresolveError, ValueError):
    """An image reference that containers/image would reject.

    Attributes:
        input: the text that was parsed.
    """

    def __init__(self, go_message: str, input: str, *, context: str | None = None) -> None:
        self.input = input
        super().__init__(go_message, context=context)


class InvalidConfig(RegresolveError, ValueError):
    """A registries.conf (or drop-in, or alias cache) that containers/image would refuse.

    Attributes:
        path: the file the problem is in ("" for in-memory text without a name).
        entry: where in the file, e.g. ``registry[2].mirror[0]`` or ``aliases."foo"``
            (None when the problem is the whole file, e.g. a TOML syntax error).
    """

    def __init__(
        self,
        go_message: str,
        *,
        path: str = "",
        entry: str | None = None,
        context: str | None = None,
    ) -> None:
        self.path = path
        self.entry = entry
        if context is None and entry is not None:
            context = f"entry {entry}" + (f" in {path}" if path else "")
        super().__init__(go_message, context=context)


class PlanError(RegresolveError, ValueError):
    """A reference that parses but cannot be planned (podman fails before any network access).

    Examples: a tag and a digest together, or a rewrite through a location that does
    not yield a canonical reference (``rewriting reference: ...``).

    Attributes:
        reference: the reference being planned, as given.
    """

    def __init__(self, go_message: str, reference: str, *, context: str | None = None) -> None:
        self.reference = reference
        super().__init__(go_message, context=context)


class ShortNameError(RegresolveError, ValueError):
    """Short-name resolution failed the way ``pkg/shortnames.Resolve`` fails.

    Attributes:
        name: the short name being resolved.
    """

    def __init__(self, go_message: str, name: str, *, context: str | None = None) -> None:
        self.name = name
        super().__init__(go_message, context=context)


class InvalidPolicy(RegresolveError, ValueError):
    """A policy.json containers/image would refuse (``InvalidPolicyFormatError``).

    Attributes:
        path: the file ("" for in-memory text).
    """

    def __init__(self, go_message: str, *, path: str = "") -> None:
        self.path = path
        super().__init__(go_message, context=f"in {path}" if path else None)


class InvalidOpenShiftObject(RegresolveError, ValueError):
    """An object (or a combination of objects) the MCO or the API server would refuse.

    ``go_message`` is the MCO's (or API server's) text.

    Attributes:
        path: the file the object came from ("" for in-memory data).
        object: ``Kind/name`` ("" when the problem is not one object's).
        field: the field path, e.g. ``spec.imageDigestMirrors[0].mirrors[1]`` (or "").
    """

    def __init__(
        self,
        go_message: str,
        *,
        path: str = "",
        object: str = "",
        field: str = "",
    ) -> None:
        self.path = path
        self.object = object
        self.field = field
        where = " ".join(
            part
            for part in (
                object and f"in {object}",
                field and f"field {field}",
                path and f"({path})",
            )
            if part
        )
        super().__init__(go_message, context=where or None)


class InvalidProfile(RegresolveError, ValueError):
    """An unknown containers/image version, program or product name (``--as``)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


class ConfigProblem(Exception):
    """Internal: a Go error text about one configuration file, before its path is known.

    The configuration builders raise it; the per-file driver wraps it in
    [`InvalidConfig`][regresolve.InvalidConfig] with Go's ``loading ... "<path>": `` prefix.
    Never escapes the package.

    Attributes:
        message: the unwrapped Go text.
        entry: where in the file (``registry[2]``), or None.
    """

    def __init__(self, message: str, entry: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.entry = entry
