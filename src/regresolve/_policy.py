"""containers-policy.json(5) for the ``docker`` transport: "would this image be accepted?"

Parsing follows containers/image v5.34.2 ``signature/policy_config.go`` (strict: duplicate or
unknown keys, a missing ``default`` and empty requirement lists are errors; the messages are
the Go messages).  Evaluation follows ``PolicyContext.requirementsForImageRef`` with
``docker/policyconfiguration``: the *most specific* scope wins and every other scope is
ignored:

1. the identity ``name:tag`` or ``name@digest``;
2. the repository ``name``, then each parent namespace (cut at the last ``/``), down to
   ``host[:port]``;
3. with any port stripped, ``*.`` + the host minus its first label, then minus its second
   label, ... (``a.b.example.com:5000/x`` → ``*.b.example.com``, ``*.example.com``,
   ``*.com``);
4. the transport's ``""`` scope;
5. the global ``default``.

All requirements of the chosen list must accept.  The reference evaluated is the *logical*
one (what the user wrote, normalized), never a mirror's: ``dockerImageSource.Reference()``
returns the logical reference, so mirrors are invisible to policy.json.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final, Literal, Protocol

import attrs

from regresolve._errors import InvalidPolicy

__all__ = [
    "InvalidPolicy",
    "Policy",
    "PolicyRequirement",
    "PolicyVerdict",
    "docker_policy_scopes",
    "parse_policy",
]

Verdict = Literal["allowed", "rejected", "signature-required"]

_KNOWN_TYPES: Final = frozenset(
    {"insecureAcceptAnything", "reject", "signedBy", "signedBaseLayer", "sigstoreSigned"}
)


@attrs.frozen
class PolicyRequirement:
    """One requirement object.

    Attributes:
        type: ``insecureAcceptAnything``, ``reject``, ``signedBy``, ``sigstoreSigned`` or
            ``signedBaseLayer``.
        raw: the object as compact JSON text (keys sorted), for reporting keys/identities.
    """

    type: str
    raw: str

    def to_dict(self) -> dict[str, Any]:
        """The requirement object."""
        res: dict[str, Any] = json.loads(self.raw)
        return res


@attrs.frozen
class PolicyVerdict:
    """What policy.json says about one reference.

    Attributes:
        identity: the reference as policy.json sees it (``name:tag`` or ``name@digest``).
        transport: ``"docker"``.
        scope: the scope whose requirements applied: a key of ``transports.docker``
            (``""`` is the transport default) or ``None`` for the global ``default``.
        requirements: that scope's requirements.
        verdict: ``"rejected"`` when any requirement is ``reject`` (or the unimplemented
            ``signedBaseLayer``), else ``"signature-required"`` when any needs a signature,
            else ``"allowed"``.
    """

    identity: str
    transport: str
    scope: str | None
    requirements: tuple[PolicyRequirement, ...]
    verdict: Verdict

    @property
    def allowed(self) -> bool:
        """True when the image is accepted without any signature."""
        return self.verdict == "allowed"

    def describe(self) -> str:
        """One line for humans."""
        where = (
            "the default policy"
            if self.scope is None
            else (
                f'transports.{self.transport}[""]'
                if self.scope == ""
                else f"transports.{self.transport}[{json.dumps(self.scope)}]"
            )
        )
        kinds = ", ".join(r.type for r in self.requirements)
        return f"{self.verdict}: {self.identity} matches {where} ({kinds})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "identity": self.identity,
            "transport": self.transport,
            "scope": self.scope,
            "verdict": self.verdict,
            "requirements": [r.to_dict() for r in self.requirements],
        }


class _RefLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def tag(self) -> str | None: ...
    @property
    def digest(self) -> str | None: ...


def docker_policy_scopes(name: str) -> list[str]:
    """``DockerReferenceNamespaces``: the scopes tried after the full identity, in order."""
    res = []
    cur = name
    while True:
        res.append(cur)
        slash = cur.rfind("/")
        if slash == -1:
            break
        cur = cur[:slash]
    colon = cur.find(":")
    if colon != -1:
        cur = cur[:colon]
    while True:
        dot = cur.find(".")
        if dot == -1:
            break
        cur = cur[dot + 1 :]
        res.append("*." + cur)
    return res


@attrs.frozen
class Policy:
    """A parsed policy.json.

    Attributes:
        default: the global ``default`` requirements.
        transports: transport name → scope → requirements.
        path: the file it came from ("" for text), not part of equality.
    """

    default: tuple[PolicyRequirement, ...]
    transports: Mapping[str, Mapping[str, tuple[PolicyRequirement, ...]]]
    path: str = attrs.field(default="", eq=False)

    def evaluate(self, reference: _RefLike | str) -> PolicyVerdict:
        """Evaluate a docker reference (a [`Reference`][regresolve.Reference] or text).

        Text is parsed with ``parse_reference`` (normalized, as podman does); a name without
        tag or digest gets ``:latest`` (the docker transport's ``TagNameOnly``).

        Raises:
            InvalidReference: the text does not parse.
            PlanError: tag and digest together (the docker transport refuses such a
                reference before policy.json is consulted).
        """
        if isinstance(reference, str):
            from regresolve._reference import parse_reference  # noqa: PLC0415

            reference = parse_reference(reference)
        name, tag, digest = reference.name, reference.tag, reference.digest
        if tag is not None and digest is not None:
            from regresolve._errors import PlanError  # noqa: PLC0415

            raise PlanError(
                "Docker references with both a tag and digest are currently not supported",
                str(reference),
            )
        if digest is not None:
            identity = f"{name}@{digest}"
        else:
            identity = f"{name}:{tag if tag is not None else 'latest'}"
        return self.evaluate_identity(name, identity)

    def evaluate_identity(self, name: str, identity: str) -> PolicyVerdict:
        """Evaluate by repository ``name`` and full ``identity`` (``name:tag``/``@digest``)."""
        scopes = self.transports.get("docker")
        chosen: str | None = None
        reqs = self.default
        if scopes is not None:
            for candidate in (identity, *docker_policy_scopes(name), ""):
                if candidate in scopes:
                    chosen, reqs = candidate, scopes[candidate]
                    break
        types = {r.type for r in reqs}
        verdict: Verdict
        if types & {"reject", "signedBaseLayer"}:
            verdict = "rejected"
        elif types & {"signedBy", "sigstoreSigned"}:
            verdict = "signature-required"
        else:
            verdict = "allowed"
        return PolicyVerdict(identity, "docker", chosen, tuple(reqs), verdict)


# ---------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------


class _Pairs(list[tuple[str, Any]]):
    """A JSON object kept as its key/value pairs, so duplicates can be reported."""


def _object(value: Any, what: str) -> _Pairs:
    if not isinstance(value, _Pairs):
        raise InvalidPolicy(f"JSON object expected, got {_go_token(value)}")
    seen: set[str] = set()
    for k, _ in value:
        if k in seen:
            raise InvalidPolicy(f"Duplicate key {json.dumps(k)}")
        seen.add(k)
    return value


def _go_token(value: Any) -> str:
    if isinstance(value, list):
        return "'['"
    if isinstance(value, str):
        return json.dumps(value)
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _plain(value: Any) -> Any:
    if isinstance(value, _Pairs):
        return {k: _plain(v) for k, v in value}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _requirements(value: Any) -> tuple[PolicyRequirement, ...]:
    if not isinstance(value, list) or isinstance(value, _Pairs):
        raise InvalidPolicy(
            f"json: cannot unmarshal {_go_kind(value)} into Go value of type []json.RawMessage"
        )
    if not value:
        raise InvalidPolicy("List of verification policy requirements must not be empty")
    res = []
    for item in value:
        if not isinstance(item, _Pairs):
            raise InvalidPolicy(
                f"json: cannot unmarshal {_go_kind(item)} into Go value of type signature.prCommon"
            )
        fields = dict(item)
        typ = fields.get("type", "")
        if not isinstance(typ, str):
            raise InvalidPolicy(
                f"json: cannot unmarshal {_go_kind(typ)} into Go struct field "
                "prCommon.type of type signature.prTypeIdentifier"
            )
        if typ not in _KNOWN_TYPES:
            raise InvalidPolicy(f"Unknown policy requirement type {json.dumps(typ)}")
        _object(item, "requirement")
        if typ in ("insecureAcceptAnything", "reject"):
            for k, _ in item:
                if k != "type":
                    raise InvalidPolicy(f"Unknown key {json.dumps(k)}")
        res.append(PolicyRequirement(typ, json.dumps(_plain(item), sort_keys=True)))
    return tuple(res)


def _go_kind(value: Any) -> str:
    if isinstance(value, _Pairs):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    if value is None:
        return "null"
    return "number"


def parse_policy(text: str, *, path: str = "") -> Policy:
    """Parse policy.json text like ``signature.NewPolicyFromBytes``.

    Requirements other than ``insecureAcceptAnything`` and ``reject`` are kept as given;
    their inner fields (keys, identities) are not validated.

    Raises:
        InvalidPolicy: with the containers/image message.
    """
    try:
        data = json.loads(text, object_pairs_hook=_Pairs)
    except json.JSONDecodeError as e:
        raise InvalidPolicy(f"invalid JSON: {e.msg} at line {e.lineno} column {e.colno}",
                            path=path) from e  # fmt: skip
    try:
        top = _object(data, "policy")
        default: tuple[PolicyRequirement, ...] | None = None
        transports: dict[str, dict[str, tuple[PolicyRequirement, ...]]] = {}
        for key, value in top:
            if key == "default":
                default = _requirements(value)
            elif key == "transports":
                for tname, tscopes in _object(value, "transports"):
                    scopes: dict[str, tuple[PolicyRequirement, ...]] = {}
                    for scope, reqs in _object(tscopes, "scopes"):
                        scopes[scope] = _requirements(reqs)
                    transports[tname] = scopes
            else:
                raise InvalidPolicy(f"Unknown key {json.dumps(key)}")
        if default is None:
            raise InvalidPolicy("Default policy is missing")
    except InvalidPolicy as e:
        if path and not e.path:
            raise InvalidPolicy(e.go_message, path=path) from None
        raise
    return Policy(default, transports, path=path)
