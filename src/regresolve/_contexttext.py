"""The pull context in words: what ``regresolve explain`` prints after the plan.

A front end only: every verdict comes from :mod:`regresolve._host` (``Host.pull_context``);
this module turns a [`PullContext`][regresolve.PullContext] into lines for a terminal.  Like
the objects it reads, it never sees a secret: names, paths, keys and user names at most.
"""

from __future__ import annotations

import json

from regresolve._certs import TlsContext
from regresolve._creds import CredentialContext
from regresolve._host import PullContext, SourceContext
from regresolve._sigstore import SignatureContext

__all__ = ["describe_context"]


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _tls_lines(tls: TlsContext, forced: bool) -> list[str]:
    contents = ["system CAs"]
    if tls.ca_files:
        contents.append(f"{len(tls.ca_files)} CA file{'s' if len(tls.ca_files) != 1 else ''}")
    if tls.client_pairs:
        n = len(tls.client_pairs)
        contents.append(f"{n} client certificate{'s' if n != 1 else ''}")
    if tls.verify:
        head = f"TLS: verified ({' + '.join(contents)})"
    else:
        head = "TLS: NOT verified (insecure: any certificate, and plain HTTP, accepted)"
    if forced:
        head += ", by --tls-verify"
    lines = [head]
    if tls.cert_dir is not None:
        lines.append(f"  directory {tls.cert_dir}: {tls.cert_dir_reason}")
    lines.extend(f"  CA file {path}" for path in tls.ca_files)
    lines.extend(f"  client certificate {cert} with key {key}" for cert, key in tls.client_pairs)
    lines.extend(f"  not checked: {note}" for note in tls.not_checked)
    return lines


def _creds_text(creds: CredentialContext) -> str:
    if creds.kind == "explicit":
        return "the explicit credentials (--creds, a pull secret)"
    if creds.kind == "auth-file":
        user = f", user {_q(creds.username)}" if creds.username else ""
        return f"auth file {creds.file}, key {_q(creds.key or '')}{user}"
    if creds.kind == "helper":
        named = f" (named by credHelpers in {creds.file})" if creds.file else ""
        return f"helper docker-credential-{creds.helper}, asked about {_q(creds.key or '')}{named}"
    if creds.error is not None:
        return "none: the lookup fails"
    return "none found: the pull is anonymous"


def _creds_lines(creds: CredentialContext, logical_host: str) -> list[str]:
    lines = ["credentials: " + _creds_text(creds)]
    if creds.explicit_dropped:
        lines.append(
            f"  the explicit credentials are NOT sent here: another host than {logical_host}"
        )
    fallback = creds.fallback
    while fallback is not None:
        lines.append("  if that helper has none: " + _creds_text(fallback))
        fallback = fallback.fallback
    if creds.errors and creds.error is None:
        lines.extend(f"  ignored lookup error: {e}" for e in creds.errors)
    return lines


def _signature_lines(sigs: SignatureContext) -> list[str]:
    if sigs.error is not None and sigs.lookaside is None and sigs.scope is None:
        return ["signatures: registries.d does not load (see above)"]
    if sigs.scope is None:
        where = "the built-in default: no registries.d entry names this source"
    elif sigs.scope == "default-docker":
        where = f"default-docker in {sigs.file}"
    else:
        where = f"registries.d scope {_q(sigs.scope)} in {sigs.file}"
    lookaside = sigs.lookaside if sigs.lookaside is not None else "(invalid URL)"
    lines = [f"signatures: lookaside {lookaside} ({where})"]
    if sigs.use_sigstore_attachments:
        lines.append(
            f"  sigstore attachments read from the registry (scope {sigs.attachments_scope})"
        )
    else:
        lines.append("  sigstore attachments not read")
    return lines


def _source_lines(i: int, s: SourceContext, tls_verify: bool | None) -> list[str]:
    role = "mirror" if s.mirror else "primary"
    out = [f"  {i}. {s.reference}  [{role}]"]
    logical_host = s.logical.split("/", 1)[0]
    body = [
        *_tls_lines(s.tls, tls_verify is not None),
        *_creds_lines(s.credentials, logical_host),
        *_signature_lines(s.signatures),
    ]
    if s.error is not None:
        body.append(f"FAILS before any network access: {s.error}")
    out.extend("     " + line for line in body)
    return out


def describe_context(
    ctx: PullContext, *, policy_path: str = "", tls_verify: bool | None = None
) -> str:
    """The per-source context and the policy verdict, as ``explain`` prints them."""
    lines = [
        "Pull context (TLS, credentials and signature storage are looked up for each "
        "source's own reference; policy.json judges the image named):"
    ]
    if ctx.error is not None:
        lines.append(f"  every source fails: {ctx.error}")
    if not ctx.sources:
        lines.append("  no source to contact")
    for i, s in enumerate(ctx.sources, 1):
        lines.extend(_source_lines(i, s, tls_verify))
    failing = sum(1 for s in ctx.sources if s.error is not None)
    if ctx.sources and failing == len(ctx.sources):
        lines.append("  every source fails before any network access: the pull fails")
    where = f" ({policy_path})" if policy_path else ""
    if ctx.policy is not None:
        lines.append(f"Policy{where}: {ctx.policy.describe()}")
        for requirement in ctx.policy.requirements:
            text = requirement.raw if len(requirement.raw) <= 200 else requirement.raw[:197] + "..."
            lines.append(f"  requirement {text}")
    elif ctx.policy_error is not None:
        lines.append(f"Policy{where}: cannot be used, the pull fails: {ctx.policy_error}")
    else:
        lines.append(f"Policy{where}: not evaluated (no candidate can be planned)")
    return "\n".join(lines) + "\n"
