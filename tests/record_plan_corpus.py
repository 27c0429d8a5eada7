"""Record tests/corpus/plan.jsonl: configurations, references and the Go oracle's plans.

Usage (needs the oracle, ``bash tests/oracle/build.sh``)::

    python tests/record_plan_corpus.py [--count 1000] [--refs 10] [--out tests/corpus/plan.jsonl]

The first line is a header (``containers_image``, ``go``, how the cases were made); every
other line is ``{"name", "request", "cache", "answer"}``: the oracle ``config`` request
(with the references, short names and mode override), the user alias cache text it
contains (or null) and the oracle's answer (plans, short names, local names, alias
lookups, FindRegistry).  Cases: the upstream testdata sets of pkg/sysregistriesv2 and
pkg/shortnames with the references their tests use, then ``--count`` examples drawn with
a fixed seed, half from ``strategies_plan.plan_cases`` and half from
``strategies_config.config_cases``.  ``tests/test_plan_corpus.py`` replays it without Go.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from support.oracle import Oracle  # noqa: E402
from support.plan_compare import oracle_request  # noqa: E402
from support.strategies_config import ConfigCase, config_cases  # noqa: E402
from support.strategies_plan import modes, plan_cases, references, short_names  # noqa: E402

SYSREG = HERE / "data" / "sysregistriesv2"
SHORT = HERE / "data" / "shortnames"
A64 = "a" * 64
D = "@sha256:d366a4665ab44f0648d7a00ae3fae139d55e32f9712c67accd604bb55df9d05a"

UPSTREAM: list[tuple[Path, str, str | None, list[str], list[str]]] = [
    (
        SYSREG,
        "find-registry.conf",
        "registries.conf.d",
        [
            "simple-prefix.com/foo/bar:latest",
            "not.so.simple-prefix.com/x",
            "not.quite.simple-prefix.com:5000/with/path/and/beyond:tag",
            "really.not.quite.simple-prefix.com:5000/with/path/and/beyond:tag",
            "foo.docker.io:5000/omg/wtf/bbq:foo",
            f"foo.bar.example.com:6000/omg/wtf/bbq@sha256:{A64}",
            "foo.bar.docker.io:5000/omg/wtf/bbq:foo",
            "foo.bar.example.com:5000/omg/wtf/bbq:foo",
            "simple-prefix.comx/x",
            "complex-prefix.com:4000/with/path/and/beyond:tag",
            "no-prefix.com/foo:tag",
            "empty-prefix.com/foo:tag",
            "abc.internal.registry.com/foo:bar",
            "blah.foo.bar.com/omg:bbq",
            "alien.vs.predator.foobar.io:5000/omg",
        ],
        ["foo"],
    ),
    (
        SYSREG,
        "pull-sources-from-reference.conf",
        None,
        [
            f"registry-{c}.com/{p}/image{s}"
            for c in "abcdefg"
            for p in ("foo", "baz")
            for s in (":aaa", f"@sha256:{A64}")
        ],
        ["foo"],
    ),
    (SYSREG, "mirrors.conf", None, ["registry.com/image:tag", "blocked.registry.com/x"], ["x"]),
    (
        SYSREG,
        "aliases.conf",
        None,
        ["busybox"],
        ["docker", "quay/foo", "example", "empty", "idonotexist"],
    ),
    (
        SHORT,
        "aliases.conf",
        None,
        ["busybox"],
        [
            "docker",
            "docker:tag",
            "docker" + D,
            "quay/foo",
            "quay/foo:tag",
            "example",
            "example:tag",
            "registry.com/repo/image",
            "registry.com/repo/image" + D,
            "doesnotexist",
            "",
            "Invalid#$",
        ],
    ),
    (
        SHORT,
        "aliases.conf",
        "registries.conf.d",
        ["base.com/x", "1.com/x"],
        [
            "docker",
            "docker:tag",
            "quay/foo",
            "config1",
            "barz",
            "doesnotexist",
            "quay.io/repo/fedora",
            "localhost/repo/fedora:sometag",
        ],
    ),
    *(
        (
            SHORT,
            conf,
            None,
            ["quay.io/repo/image"],
            [
                "repo/image",
                "doesnotexist",
                "foo:tag",
                "foo" + D,
                "repo/foo",
                "localhost/foo",
                "registry.com/repo/image" + D,
            ],
        )
        for conf in ("no-reg.conf", "one-reg.conf", "two-reg.conf")
    ),
]


def upstream_cases() -> list[dict[str, Any]]:
    out = []
    for data, main, dropins, refs, names in UPSTREAM:
        files: dict[str, str | None] = {f"/testdata/{main}": (data / main).read_text()}
        dir_path = "/testdata/this-does-not-exist"
        if dropins is not None:
            dir_path = f"/testdata/{dropins}"
            for f in sorted((data / dropins).iterdir()):
                files[f"{dir_path}/{f.name}"] = f.read_text()
        case = ConfigCase(
            files,
            system_registries_conf_path=f"/testdata/{main}",
            system_registries_conf_dir_path=dir_path,
        )
        name = f"upstream:{data.name}/{main}" + (f"+{dropins}" if dropins else "")
        for mode in (None, "enforcing", "disabled") if data is SHORT else (None,):
            out.append(
                {"name": f"{name}:{mode}", "case": case, "cache": None, "refs": refs,
                 "names": names, "mode": mode}
            )  # fmt: skip
    return out


def generated_cases(count: int, nrefs: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    refs_st = st.lists(references(), min_size=nrefs, max_size=nrefs)
    names_st = st.lists(short_names, min_size=1, max_size=4, unique=True)
    settings_ = settings(
        max_examples=count // 2,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )

    @seed(20261126)
    @settings_
    @given(cc=plan_cases(), refs=refs_st, names=names_st, mode=modes)
    def collect_plan(
        cc: tuple[ConfigCase, str | None], refs: list[str], names: list[str], mode: str | None
    ) -> None:
        found.append({"case": cc[0], "cache": cc[1], "refs": refs, "names": names, "mode": mode})

    @seed(20261127)
    @settings_
    @given(case=config_cases(), refs=refs_st, names=names_st, mode=modes)
    def collect_conf(case: ConfigCase, refs: list[str], names: list[str], mode: str | None) -> None:
        found.append({"case": case, "cache": None, "refs": refs, "names": names, "mode": mode})

    collect_plan()
    collect_conf()
    for i, c in enumerate(found):
        c["name"] = f"generated:{i}"
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--refs", type=int, default=10)
    parser.add_argument("--out", type=Path, default=HERE / "corpus" / "plan.jsonl")
    args = parser.parse_args()

    cases = upstream_cases() + generated_cases(args.count, args.refs)
    oracle = Oracle()
    try:
        version = oracle.version()
        lines = [
            json.dumps(
                {
                    "header": True,
                    "containers_image": version["containers_image"],
                    "go": version["go"],
                    "generator": "tests/record_plan_corpus.py",
                    "cases": len(cases),
                }
            )
        ]
        for c in cases:
            request = oracle_request(c["case"], c["refs"], c["names"], c["mode"])
            answer = oracle.request(request)
            if "fatal" in answer:
                raise SystemExit(f"oracle refused {c['name']}: {answer['fatal']}")
            answer.pop("config", None)  # compared by the configuration corpus
            entry = {
                "name": c["name"],
                "request": request,
                "cache": c["cache"],
                "answer": answer,
            }
            lines.append(json.dumps(entry, sort_keys=True, ensure_ascii=False))
    finally:
        oracle.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(cases)} cases -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
