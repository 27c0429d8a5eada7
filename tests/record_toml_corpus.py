"""Record tests/corpus/toml.jsonl: TOML documents and what BurntSushi/toml 1.4.0 makes of them.

Usage (needs the oracle, ``bash tests/oracle/build.sh``)::

    python tests/record_toml_corpus.py [--count 3300] [--out tests/corpus/toml.jsonl]

The first line is a header (``containers_image``, ``go``, how the cases were made); every other
line is ``{"name": ..., "data_b64": <the document's bytes>, "answer": {...}}`` with the oracle's
``toml`` answer (error text and line, or typed value and key positions).  The cases are the
named documents of ``strategies_toml.ISSUE_CLASSES`` and ``--count`` generated documents
(``strategies_toml.documents_from_seed`` with a fixed seed; duplicates dropped).
``tests/test_toml_corpus.py`` replays the file without Go.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from support.oracle import Oracle  # noqa: E402
from support.pycompat import strict_zip  # noqa: E402
from support.strategies_toml import ISSUE_CLASSES, documents_from_seed  # noqa: E402

SEED = 20261201
ANSWER_FIELDS = ("error", "line", "last_key", "value", "key_info")


def cases(count: int) -> list[tuple[str, bytes]]:
    out = [
        (f"class:{name}:{i}", data)
        for name, docs in sorted(ISSUE_CLASSES.items())
        for i, data in enumerate(docs)
    ]
    seen = {data for _, data in out}
    for i, data in enumerate(documents_from_seed(SEED, count)):
        if data not in seen:
            seen.add(data)
            out.append((f"generated:{i}", data))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3300)
    parser.add_argument("--out", type=Path, default=HERE / "corpus" / "toml.jsonl")
    args = parser.parse_args()

    todo = cases(args.count)
    oracle = Oracle()
    try:
        version = oracle.version()
        answers = []
        for start in range(0, len(todo), 200):
            answers += oracle.toml_batch([data for _, data in todo[start : start + 200]])
    finally:
        oracle.close()
    lines = [
        json.dumps(
            {
                "header": True,
                "containers_image": version["containers_image"],
                "go": version["go"],
                "generator": "tests/record_toml_corpus.py",
                "seed": SEED,
                "cases": len(todo),
            }
        )
    ]
    for (name, data), answer in strict_zip(todo, answers):
        lines.append(
            json.dumps(
                {
                    "name": name,
                    "data_b64": base64.b64encode(data).decode("ascii"),
                    "answer": {k: answer.get(k) for k in ANSWER_FIELDS},
                },
                sort_keys=True,  # ASCII only: U+2028 in a value would split the line
            )
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines) - 1} cases to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
