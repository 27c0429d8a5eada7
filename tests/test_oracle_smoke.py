"""Sanity checks of the Go oracle itself: every op answers, and answers match spec facts.

Expected values are facts from ../shared/spec/containers-image.md, not oracle output.
"""

from __future__ import annotations

import concurrent.futures

import pytest

from support.oracle import Oracle, OracleError

pytestmark = pytest.mark.oracle

HEX64 = "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a"
DIGEST = "sha256:d366a4665ab44f0648d7a00ae3fae139d55e32f9712c67accd604bb55df9d05a"
SYS = "/etc/containers/registries.conf"
USER_DROPINS = "/home/user/.config/containers/registries.conf.d"


def test_version(oracle: Oracle) -> None:
    v = oracle.version()
    assert v["containers_image"] == "5.34.2"
    assert v["go"].startswith("go1.23")


def test_parse_busybox(oracle: Oracle) -> None:
    # SPEC R-REF-6, R-REF-7, R-REF-10, R-REF-12, R-SN-1
    a = oracle.parse("busybox")
    assert a["normalized"] == {
        "string": "docker.io/library/busybox",
        "name": "docker.io/library/busybox",
        "domain": "docker.io",
        "path": "library/busybox",
        "tag": None,
        "digest": None,
        "familiar_name": "busybox",
        "familiar_string": "busybox",
        "tagged": "docker.io/library/busybox:latest",
    }
    assert a["normalized_error"] is None
    assert a["named"] is None
    assert a["named_error"] == "repository name must be canonical"
    assert a["any"] == {"string": "docker.io/library/busybox"}
    assert a["short"] is True
    assert a["short_error"] is None


def test_parse_64_hex(oracle: Oracle) -> None:
    # SPEC R-REF-6 step 1, R-REF-9, R-SN-1 (a 64-hex string is a short name)
    a = oracle.parse(HEX64)
    assert a["normalized"] is None
    assert a["normalized_error"] == (
        f"invalid repository name ({HEX64}), cannot specify 64-byte hexadecimal strings"
    )
    assert a["any"] == {"string": f"sha256:{HEX64}"}
    assert a["short"] is True


def test_parse_errors_and_not_short(oracle: Oracle) -> None:
    # SPEC R-REF-6 (uppercase first component is not a domain), R-REF-7, R-SN-1
    a = oracle.parse("Foo/bar")
    assert a["normalized_error"] == "invalid reference format: repository name must be lowercase"
    b = oracle.parse("localhost:5000/foo:1")
    assert b["named"]["string"] == "localhost:5000/foo:1"
    assert b["named"]["domain"] == "localhost:5000"
    assert b["named"]["tag"] == "1"
    assert b["short"] is False
    assert b["short_error"] is None
    c = oracle.parse("quay.io/UPPER")
    assert c["short"] is False
    assert c["short_error"].startswith('cannot parse input: "quay.io/UPPER": ')


def test_parse_tag_and_digest(oracle: Oracle) -> None:
    # SPEC R-REF-10 (TagNameOnly adds nothing when a digest is present), R-REF-11
    a = oracle.parse(f"quay.io/a/b:1@{DIGEST}")
    assert a["normalized"]["tag"] == "1"
    assert a["normalized"]["digest"] == DIGEST
    assert a["normalized"]["tagged"] == f"quay.io/a/b:1@{DIGEST}"


BLOCKED_CONF = """
unqualified-search-registries = ["quay.io", "docker.io"]

[[registry]]
prefix = "evil.example.com"
location = "evil.example.com"
blocked = true

[[registry]]
prefix = "quay.io/ns"
location = "mirror-target.example.com/ns"
[[registry.mirror]]
location = "m1.example.com/ns"
insecure = true
[[registry.mirror]]
location = "evil.example.com/ns"
"""


def test_config_blocked_registry_uses_virtual_paths(oracle: Oracle) -> None:
    # SPEC R-PULL-5: the message names ConfigPath and ConfigDirPath (the user drop-in dir)
    a = oracle.config(files={SYS: BLOCKED_CONF}, refs=["evil.example.com/x/y:1"])
    assert a["error"] is None
    assert a["config_path"] == SYS
    assert a["config_dir_path"] == USER_DROPINS
    (p,) = a["plans"]
    assert p["error"] is None
    assert p["reference"] == "evil.example.com/x/y:1"
    assert p["registry"]["blocked"] is True
    (src,) = p["sources"]
    assert src["mirror"] is False
    assert src["blocked_error"] == (
        f"registry evil.example.com is blocked in {SYS} or {USER_DROPINS}"
    )


def test_config_mirrors_order_rewrite_and_insecure(oracle: Oracle) -> None:
    # SPEC R-PULL-1, R-PULL-2, R-PULL-3, R-PULL-5 (a mirror covered by a blocked entry),
    # R-RW-1
    a = oracle.config(files={SYS: BLOCKED_CONF}, refs=["quay.io/ns/img"])
    (p,) = a["plans"]
    assert p["reference"] == "quay.io/ns/img:latest"
    assert p["registry"]["prefix"] == "quay.io/ns"
    assert [(s["reference"], s["insecure"], s["mirror"]) for s in p["sources"]] == [
        ("m1.example.com/ns/img:latest", True, True),
        ("evil.example.com/ns/img:latest", False, True),
        ("mirror-target.example.com/ns/img:latest", False, False),
    ]
    blocked = [s["blocked_error"] is not None for s in p["sources"]]
    assert blocked == [False, True, False]


def test_config_tag_and_digest_rejected(oracle: Oracle) -> None:
    # SPEC R-PULL-4, R-PULL-6 step 3
    a = oracle.config(files={SYS: BLOCKED_CONF}, refs=[f"quay.io/ns/img:1@{DIGEST}", "Bad/Name"])
    p, q = a["plans"]
    assert p["error"] == "Docker references with both a tag and digest are currently not supported"
    assert q["error"] == "invalid reference format: repository name must be lowercase"


def test_short_name_two_candidates_permissive(oracle: Oracle) -> None:
    # SPEC R-SN-3 step 7 and 8 (no TTY, permissive -> all candidates), R-SN-4, R-LOAD-8
    a = oracle.config(files={SYS: BLOCKED_CONF}, short_names=["foo:1"], local_names=["foo"])
    assert a["config"]["short_name_mode"] == "permissive"
    assert a["config"]["unqualified_search_registries"] == ["quay.io", "docker.io"]
    assert a["config"]["unqualified_search_registries_origin"] == SYS
    (sn,) = a["short_names"]
    assert sn["error"] is None
    assert [c["value"] for c in sn["candidates"]] == [
        "quay.io/foo:1",
        "docker.io/library/foo:1",
    ]
    assert sn["candidates"][0]["description"] == (
        f'Resolving "foo" using unqualified-search registries ({SYS})'
    )
    # SPEC R-SN-9
    assert a["local_names"][0]["candidates"] == [
        "localhost/foo:latest",
        "quay.io/foo:latest",
        "docker.io/library/foo:latest",
    ]


def test_short_name_enforcing_without_tty(oracle: Oracle) -> None:
    # SPEC R-SN-3 step 8: the oracle's stdin/stdout are never terminals
    a = oracle.config(files={SYS: BLOCKED_CONF}, short_name_mode="enforcing", short_names=["foo"])
    assert a["short_names"][0]["error"] == (
        "short-name resolution enforced but cannot prompt without a TTY"
    )


def test_aliases_and_empty_search_list(oracle: Oracle) -> None:
    # SPEC R-SN-3 step 6, R-SN-5, R-SN-6, R-SN-7 (docker.io/x normalizes), R-LOAD-5 (drop-in wins)
    conf = '[aliases]\n"foo" = "quay.io/a/foo"\n"bar" = "docker.io/bar"\n'
    dropin = '[aliases]\n"foo" = "example.com/dropin/foo"\n'
    dropin_path = "/etc/containers/registries.conf.d/50-x.conf"
    a = oracle.config(
        files={SYS: conf, dropin_path: dropin},
        short_names=["foo:2", "bar", "nothing"],
    )
    assert a["config"]["aliases"] == {
        "foo": "example.com/dropin/foo",
        "bar": "docker.io/library/bar",
    }
    assert a["config"]["alias_origins"] == {"foo": dropin_path, "bar": SYS}
    foo, bar, nothing = a["short_names"]
    assert [c["value"] for c in foo["candidates"]] == ["example.com/dropin/foo:2"]
    assert foo["candidates"][0]["description"] == f'Resolved "foo" as an alias ({dropin_path})'
    assert [c["value"] for c in bar["candidates"]] == ["docker.io/library/bar:latest"]
    assert nothing["error"] == (
        'short-name "nothing" did not resolve to an alias and no unqualified-search '
        f'registries are defined in "{SYS}"'
    )
    # ResolveShortNameAlias gets the raw input: SPEC R-SN-8 rejects the tag
    assert a["aliases"]["foo:2"]["error"] == 'invalid short name "foo:2": must not contain tag'
    assert a["aliases"]["bar"] == {"value": "docker.io/library/bar", "origin": SYS, "error": None}
    assert a["aliases"]["nothing"] == {"value": None, "origin": "", "error": None}


def test_explicit_missing_config_path(oracle: Oracle) -> None:
    # SPEC R-LOAD-4: an explicit main path that does not exist is an error
    a = oracle.config(files={}, system_registries_conf_path="/nowhere/r.conf", find=["quay.io/x"])
    assert a["error"] == (
        'loading registries configuration "/nowhere/r.conf": '
        "open /nowhere/r.conf: no such file or directory"
    )
    assert a["config"] is None
    assert a["config_path"] == "/nowhere/r.conf"
    assert a["find"][0]["error"] == a["error"]


def test_requests_are_isolated(oracle: Oracle) -> None:
    # The private root is emptied between requests: a file from one request is gone in the next.
    # SPEC R-LOAD-4 (no main file, no drop-ins: empty config), R-SN-5 (empty origin)
    oracle.config(files={SYS: BLOCKED_CONF})
    a = oracle.config(short_names=["foo"])
    assert a["config"]["registries"] == []
    assert a["config"]["unqualified_search_registries"] is None
    assert a["short_names"][0]["error"] == (
        'short-name "foo" did not resolve to an alias and '
        "no containers-registries.conf(5) was found"
    )


def test_user_file_and_directories(oracle: Oracle) -> None:
    # SPEC R-LOAD-1 step 2, R-LOAD-2: the user file wins and only user drop-ins are read
    user = "/home/user/.config/containers/registries.conf"
    a = oracle.config(
        files={
            SYS: 'unqualified-search-registries = ["sys.example.com"]',
            user: 'unqualified-search-registries = ["user.example.com"]',
            "/etc/containers/registries.conf.d": None,
        },
    )
    assert a["config_path"] == user
    assert a["config"]["unqualified_search_registries"] == ["user.example.com"]


def test_fatal_answers(oracle: Oracle) -> None:
    assert "fatal" in oracle.request({"op": "nope"}, allow_fatal=True)
    with pytest.raises(OracleError):
        oracle.request({"op": "parse"})
    with pytest.raises(OracleError):
        oracle.request({"op": "config", "files": {"relative/path": "x"}})
    # still alive afterwards
    assert oracle.parse("a")["normalized"]["name"] == "docker.io/library/a"


def test_threads_share_one_oracle(oracle: Oracle) -> None:
    names = [f"img{i}" for i in range(50)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(oracle.parse, names))
    assert [a["normalized"]["name"] for a in answers] == [f"docker.io/library/{n}" for n in names]


def test_restart_after_close(oracle: Oracle) -> None:
    oracle.close()
    assert oracle.version()["containers_image"] == "5.34.2"


def test_restart_after_crash(oracle: Oracle) -> None:
    oracle.version()
    proc = oracle._proc
    assert proc is not None
    proc.kill()
    proc.wait()
    # the dead process is noticed and replaced before the next request is sent
    assert oracle.parse("a")["short"] is True


def test_large_request(oracle: Oracle) -> None:
    # 20,000 registries, several MB on one line (SPEC R-MATCH-2: longest literal prefix wins)
    conf = "".join(
        f'[[registry]]\nprefix = "r{i}.example.com/ns"\nlocation = "m{i}.example.com/x"\n'
        for i in range(20_000)
    )
    a = oracle.config(files={SYS: conf}, refs=["r123.example.com/ns/img:1"])
    assert len(a["config"]["registries"]) == 20_000
    (src,) = a["plans"][0]["sources"]
    assert src["reference"] == "m123.example.com/x/img:1"


def test_bench_ops(oracle: Oracle) -> None:
    a = oracle.bench_parse(["busybox", "quay.io/a/b:1"], iterations=10)
    assert a["ns_per_op"] > 0
    b = oracle.bench_plan(
        ["quay.io/ns/img", "busybox"],
        iterations=10,
        files={SYS: BLOCKED_CONF},
        system_registries_conf_path=SYS,
    )
    assert b["error"] is None
    assert b["ns_per_op"] > 0
    assert b["load_ns"] > 0
