"""Compare regresolve's pull contexts with the Go oracle's ``hostctx`` answer, field by field.

``request_for(case, tree)`` builds the oracle request, ``host_for(case, tree)`` the
``load_host`` call on the same tree, ``compare(case, tree, answer)`` asserts equality and
returns how many lookups of each kind (credentials, TLS, signatures) it compared.  Paths on the
regresolve side are real (under ``tree``); the oracle's are virtual (its root removed), so the
tree prefix is removed before comparing.

Where regresolve knows less than Go by design, the comparison says so explicitly:

* a credential helper program's answer: the fake helpers of ``strategies_host`` either answer
  (``found*``: the user name is ``helper:<name>:<host>``) or say "not found" (``none*``), and
  regresolve's ``fallback`` chain is walked with that knowledge;
* a client certificate pair's contents: a pair regresolve lists in ``not_checked`` may fail
  in Go with a ``tls:``/``x509:`` error, and then the comparison stops for that source's TLS;
* a YAML syntax error: worded by PyYAML, so only "both fail with ``parsing <path>: ``" is
  compared.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from regresolve import Host, PullContext, load_host
from regresolve._gourl import redact_text
from support.strategies_host import HostCase, sha12

__all__ = ["compare", "host_for", "python_contexts", "request_for"]

_DUP = re.compile(
    r'Error parsing signature storage configuration: "docker" namespace "(.*)" defined both in '
    r'"(.*)" and "(.*)"'
)


def request_for(case: HostCase, tree: Path) -> dict[str, Any]:
    req: dict[str, Any] = {"op": "hostctx", "tree": str(tree), "refs": case.refs}
    for field in ("registries_conf", "auth_file", "cert_dir", "registries_d"):
        if getattr(case, field) is not None:
            req[field] = getattr(case, field)
    if case.env:
        req["env"] = case.env
    if case.explicit:
        req["explicit_credentials"] = True
    if case.tls_verify is not None:
        req["tls_verify"] = case.tls_verify
    return req


def host_for(case: HostCase, tree: Path) -> Host:
    t = str(tree)
    env = {k: t + v for k, v in case.env.items()}
    env["PATH"] = t + "/bin"
    env["HOME"] = t + "/home/user"

    def real(v: str | None) -> str | None:
        return None if v is None else t + v

    return load_host(
        root=t,
        home=t + "/home/user",
        uid=0,
        env=env,
        registries_conf=real(case.registries_conf),
        auth_file=real(case.auth_file),
        cert_dir=real(case.cert_dir),
        registries_d=real(case.registries_d),
    )


def python_contexts(case: HostCase, tree: Path) -> list[PullContext]:
    host = host_for(case, tree)
    return [
        host.pull_context(r, explicit_credentials=case.explicit, tls_verify=case.tls_verify)
        for r in case.refs
    ]


def _v(text: str | None, tree: Path) -> str | None:
    return None if text is None else text.replace(str(tree), "")


def _final(case: HostCase, ctx: Any) -> Any:
    """Follow ``fallback`` past the helpers that report no credentials."""
    while ctx.kind == "helper" and case.helpers.get(ctx.helper) == "none":
        ctx = ctx.fallback
    return ctx


def _expected_creds(case: HostCase, ctx: Any, tree: Path) -> tuple[Any, str | None]:
    """(the oracle's ``credentials`` object, its error) implied by a CredentialContext."""
    ctx = _final(case, ctx)
    if ctx.kind == "explicit":
        return {
            "username": "explicit-user",
            "password_sha256_12": sha12("explicit-password"),
            "token_sha256_12": "",
        }, None
    if ctx.kind == "helper":
        return {
            "username": f"helper:{ctx.helper}:{ctx.key}",
            "password_sha256_12": sha12(f"hs-{ctx.helper}"),
            "token_sha256_12": "",
        }, None
    if ctx.kind == "auth-file":
        user, password, token = case.secrets[(_v(ctx.file, tree), ctx.key)]
        assert ctx.username == user
        return {
            "username": user,
            "password_sha256_12": sha12(password),
            "token_sha256_12": sha12(token),
        }, None
    return None, ctx.error


def compare(
    case: HostCase, tree: Path, answer: dict[str, Any], *, any_order: bool = False
) -> dict[str, int]:
    """Assert that every field matches; return the lookups compared per kind.

    ``any_order``: the tree was written again (a recorded answer), so its directory order
    may differ from the one Go read: the two files of a registries.d duplicate may swap.
    """
    counts = {"credentials": 0, "tls": 0, "signatures": 0}
    if answer["config_error"] is not None:
        raise AssertionError(
            f"the generated registries.conf does not load: {answer['config_error']}"
        )
    contexts = python_contexts(case, tree)
    for ctx, plan in zip(contexts, answer["plans"]):  # the lengths are asserted
        where = f"ref {plan['input']!r}"
        if plan["error"] is not None:
            assert ctx.plan.failure is not None, (where, plan["error"])
            assert ctx.plan.failure == plan["error"], (where, ctx.plan.failure, plan["error"])
            continue
        if plan["registries_d_error"] is not None:
            ours = _v(ctx.error, tree)
            assert ours is not None, (where, plan["registries_d_error"])
            go_err = plan["registries_d_error"]
            dup_ours, dup_go = _DUP.fullmatch(ours), _DUP.fullmatch(go_err)
            if dup_ours is not None and dup_go is not None:
                # Go walks a map: with several namespaces of one file already defined, which
                # one (and so which earlier file) it names is random.  The file being read
                # must agree, and Go's namespace must be in both files it names.
                if not any_order:
                    assert dup_ours.group(3) == dup_go.group(3), (where, ours, go_err)
                scope = dup_go.group(1).encode()
                assert all(scope in (case.files.get(f) or b"") for f in dup_go.group(2, 3)), go_err
            elif "yaml: unmarshal errors" in go_err or not ours.startswith("parsing "):
                assert ours == go_err, (where, ours, go_err)
            else:  # a YAML syntax error: PyYAML's words, not yaml.v3's
                assert plan["registries_d_error"].startswith(
                    ours.split(": yaml: ")[0] + ": yaml: "
                ), (where, ours, plan["registries_d_error"])
            counts["signatures"] += 1
            continue
        assert ctx.error is None, (where, ctx.error)
        assert [s.reference for s in ctx.sources] == [s["reference"] for s in plan["sources"]], (
            where
        )
        for ours, go in zip(ctx.sources, plan["sources"]):  # the lengths are asserted
            w = f"{where} source {go['reference']!r}"
            _compare_source(case, tree, ours, go, w)
            counts["credentials"] += 1
            counts["tls"] += 1
            counts["signatures"] += 1
    assert len(contexts) == len(answer["plans"])
    return counts


def _compare_source(case: HostCase, tree: Path, ours: Any, go: dict[str, Any], w: str) -> None:
    # credentials
    assert ours.credentials.explicit_dropped == go["explicit_dropped"], w
    want, want_err = _expected_creds(case, ours.credentials, tree)
    got_err = go["credentials_error"]
    assert (go["credentials"], got_err) == (want, _v(want_err, tree)), (w, ours.credentials, go)
    # signatures
    sig = ours.signatures
    assert sig.use_sigstore_attachments == go["use_sigstore_attachments"], (w, sig, go)
    # Go's parse error repeats the URL with its password; regresolve redacts it.
    go_sig_err = None if go["lookaside_error"] is None else redact_text(go["lookaside_error"])
    assert (sig.lookaside, _v(sig.error, tree)) == (go["lookaside"], go_sig_err), (w, sig, go)
    # TLS
    tls = ours.tls
    assert tls.verify == go["tls_verify"], w
    assert _v(tls.cert_dir, tree) == go["cert_dir"], (w, tls, go)
    if tls.cert_dir is None:
        assert _v(tls.error, tree) == go["cert_dir_error"], (w, tls, go)
        return
    go_err = go["certs_error"]
    if go_err is not None and go_err.startswith(("tls: ", "x509: ")) and tls.not_checked:
        # A pair whose contents regresolve does not parse (reported in not_checked).
        return
    assert _v(tls.error, tree) == go_err, (w, tls, go)
    assert bool(tls.ca_files) == go["certs"]["root_cas"], (w, tls, go)
    assert len(tls.client_pairs) == go["certs"]["client_certs"], (w, tls, go)
    # the whole source
    final = _final(case, ours.credentials)
    want_error = ours.error
    if final.error is not None and ours.credentials.error is None:
        want_error = "getting username and password: " + final.error
    go_client = None if go["client_error"] is None else redact_text(go["client_error"])
    assert _v(want_error, tree) == go_client, (w, ours.error, go["client_error"])
