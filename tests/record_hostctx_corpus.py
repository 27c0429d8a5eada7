"""Record tests/corpus/hostctx.jsonl: whole machines and the Go oracle's per-source answers.

Usage (needs the oracle, ``bash tests/oracle/build.sh``)::

    python tests/record_hostctx_corpus.py [--count 200] [--out tests/corpus/hostctx.jsonl]

The first line is a header (``containers_image``, ``go``, ``cases``, ``references``,
``sources``); every other line is ``{"name", "case", "answer"}``: a
``strategies_host.HostCase`` (files base64-encoded) drawn with a fixed seed, and the oracle's
``hostctx`` answer for it.  ``tests/test_host_corpus.py`` lays each tree out again and
replays it without Go.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

from support.host_compare import compare, request_for  # noqa: E402
from support.oracle import Oracle  # noqa: E402
from support.strategies_host import HostCase, host_cases, write_tree  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--out", default=str(HERE / "corpus" / "hostctx.jsonl"))
    args = ap.parse_args()
    oracle = Oracle()
    lines: list[dict[str, Any]] = []

    @seed(20261201)
    @settings(
        max_examples=args.count,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=host_cases())
    def record(case: HostCase) -> None:
        with tempfile.TemporaryDirectory(prefix="regresolve-record-") as d:
            tree = Path(d)
            write_tree(case, tree)
            answer = oracle.request(request_for(case, tree))
            compare(case, tree, answer)  # only cases regresolve already agrees on are kept
        lines.append({"name": f"host-{len(lines):04d}", "case": case.to_json(), "answer": answer})

    record()
    oracle.close()
    version = Oracle().version()
    header = {
        "containers_image": version["containers_image"],
        "go": version["go"],
        "cases": len(lines),
        "references": sum(len(entry["case"]["refs"]) for entry in lines),
        "sources": sum(len(p["sources"]) for e in lines for p in e["answer"]["plans"]),
        "generator": "tests/support/strategies_host.py host_cases, seed 20261201",
    }
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(json.dumps(header, sort_keys=True) + "\n")
        for entry in lines:
            f.write(json.dumps(entry, sort_keys=True, separators=(",", ":")) + "\n")
    print(f"wrote {args.out}: {header}")


if __name__ == "__main__":
    main()
