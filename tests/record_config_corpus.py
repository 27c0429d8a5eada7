"""Record tests/corpus/config.jsonl: generated configurations and the Go oracle's answers.

Usage (needs the oracle, ``bash tests/oracle/build.sh``)::

    python tests/record_config_corpus.py [--count 1200] [--out tests/corpus/config.jsonl]

The first line is a header (``containers_image``, ``go``, how the cases were made); every
other line is ``{"name": ..., "request": <oracle config request>, "answer": {...}}`` with
the part of the answer the loader is compared on.  The cases are: the hand-picked ones of
``support.config_fixed.FIXED``, every upstream testdata configuration of pkg/sysregistriesv2
(main file + drop-in directory as the upstream tests combine them), and ``--count``
examples of ``strategies_config.config_cases`` drawn with a fixed seed.
``tests/test_config_corpus.py`` replays the file without Go.
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

from support.config_fixed import FIXED  # noqa: E402
from support.oracle import Oracle  # noqa: E402
from support.strategies_config import ConfigCase, config_cases  # noqa: E402

DATA = HERE / "data" / "sysregistriesv2"

# (main file, drop-in dir) pairs the upstream tests load.
UPSTREAM_SETS = [(f.name, None) for f in sorted(DATA.glob("*.conf"))] + [
    ("base-for-registries.d.conf", "registries.conf.d"),
    ("unqualified-search.conf", "registries.conf.d-usr1"),
    ("unqualified-search.conf", "registries.conf.d-usr2"),
    ("cred-helper.conf", "registries.conf.d-empty-helpers"),
    ("cred-helper.conf", "registries.conf.d"),
    ("aliases.conf", "registries.conf.d"),
    ("find-registry.conf", "registries.conf.d"),
]


def upstream_cases() -> list[tuple[str, ConfigCase]]:
    out = []
    for main, dropins in UPSTREAM_SETS:
        files: dict[str, str | None] = {f"/testdata/{main}": (DATA / main).read_text()}
        dir_path = "/testdata/this-does-not-exist"
        if dropins is not None:
            dir_path = f"/testdata/{dropins}"
            for f in sorted((DATA / dropins).iterdir()):
                files[f"{dir_path}/{f.name}"] = f.read_text()
        name = f"upstream:{main}" + (f"+{dropins}" if dropins else "")
        case = ConfigCase(
            files,
            system_registries_conf_path=f"/testdata/{main}",
            system_registries_conf_dir_path=dir_path,
        )
        out.append((name, case))
    return out


def generated_cases(count: int) -> list[ConfigCase]:
    found: list[ConfigCase] = []

    @seed(20261126)
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(config_cases())
    def collect(case: ConfigCase) -> None:
        found.append(case)

    collect()
    seen: set[str] = set()
    unique = []
    for case in found:
        key = json.dumps(case.oracle_request(), sort_keys=True)
        if key not in seen:
            seen.add(key)
            unique.append(case)
    return unique


def answer_part(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: answer.get(k) for k in ("error", "config_path", "config_dir_path", "config")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1800)
    parser.add_argument("--out", type=Path, default=HERE / "corpus" / "config.jsonl")
    args = parser.parse_args()

    cases: list[tuple[str, ConfigCase]] = [(f"fixed:{k}", v) for k, v in sorted(FIXED.items())]
    cases += upstream_cases()
    cases += [(f"generated:{i}", c) for i, c in enumerate(generated_cases(args.count))]

    oracle = Oracle()
    try:
        version = oracle.version()
        lines = [
            json.dumps(
                {
                    "header": True,
                    "containers_image": version["containers_image"],
                    "go": version["go"],
                    "generator": "tests/record_config_corpus.py",
                    "cases": len(cases),
                }
            )
        ]
        for name, case in cases:
            request = case.oracle_request()
            answer = oracle.request(request)
            lines.append(
                json.dumps(
                    {"name": name, "request": request, "answer": answer_part(answer)},
                    ensure_ascii=False,
                    sort_keys=True,
                )
            )
    finally:
        oracle.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines) - 1} cases to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
