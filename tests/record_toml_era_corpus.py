"""Record tests/corpus/toml_<ver>.jsonl: TOML documents and what one BurntSushi/toml release
(other than 1.4.0) makes of them.

Usage (needs the era oracle of the release, ``bash tests/oracle/eras/build.sh ERA``)::

    python tests/record_toml_era_corpus.py --toml 1.2      # era 5.23 (toml 1.2.0)
    python tests/record_toml_era_corpus.py --toml 1.3      # era 5.26 (toml 1.3.2)
    python tests/record_toml_era_corpus.py --toml 1.6      # era 5.39 (toml 1.6.0)
    python tests/record_toml_era_corpus.py --toml 1.5 --oracle PATH

No Debian release packages toml 1.5.0 (the release upstream containers/image 5.35 ... 5.39
asks for), so no era oracle is built with it.  ``toml_1.5.jsonl`` was recorded with the era
program (tests/oracle/eras/*.go, unchanged) built exactly as ``build.sh`` builds era 5.39, with
the one package ``golang-github-burntsushi-toml-dev`` replaced by the sources of the tag
``v1.5.0`` of github.com/BurntSushi/toml (``git archive v1.5.0`` unpacked over
``gocode/src/github.com/BurntSushi/toml``); ``--oracle`` names that binary.

The first line is a header (``toml``, ``containers_image``, ``go``, how the cases were made);
every other line is ``{"name": ..., "data_b64": ..., "answer": {"error", "line", "last_key",
"value"}}`` (the era oracles have no key positions).  The cases: the named documents of
``strategies_toml_eras.ERA_CLASSES`` and ``strategies_toml.ISSUE_CLASSES``, every document of
tests/corpus/toml.jsonl on which this release answers differently from the recorded 1.4.0
answer, and ``--count`` documents of the era mix (``era_documents_from_seed``, fixed seed;
duplicates dropped).  ``tests/test_toml_eras_corpus.py`` replays the files without Go.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from support.oracle_eras import EraOracle  # noqa: E402
from support.pycompat import strict_zip  # noqa: E402
from support.strategies_toml import ISSUE_CLASSES  # noqa: E402
from support.strategies_toml_eras import (  # noqa: E402
    ERA_CLASSES,
    ERA_ORACLES,
    era_answer,
    era_documents_from_seed,
)

SEED = 20261214
ANSWER_FIELDS = ("error", "line", "last_key", "value")
#: The era program's ``era`` for each release (1.5: the 5.39 program, see above).
ERA_OF = {**ERA_ORACLES, "1.5": "5.39"}
VERSIONS = {"1.2": "1.2.0", "1.3": "1.3.2", "1.5": "1.5.0", "1.6": "1.6.0"}


def base_cases() -> list[tuple[str, bytes]]:
    """The named documents: the era classes, then issue 17's classes."""
    out = [
        (f"era:{name}:{i}", data)
        for name, (_, docs) in sorted(ERA_CLASSES.items())
        for i, data in enumerate(docs)
    ]
    out += [
        (f"class:{name}:{i}", data)
        for name, docs in sorted(ISSUE_CLASSES.items())
        for i, data in enumerate(docs)
    ]
    return out


def answers(oracle: EraOracle, docs: list[bytes]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for start in range(0, len(docs), 200):
        out += oracle.toml_batch(docs[start : start + 200])
    return out


def differing_corpus_cases(oracle: EraOracle) -> list[tuple[str, bytes]]:
    """The documents of tests/corpus/toml.jsonl this release answers differently."""
    lines = (HERE / "corpus" / "toml.jsonl").read_text(encoding="utf-8").splitlines()[1:]
    entries = [json.loads(line) for line in lines]
    docs = [base64.b64decode(e["data_b64"]) for e in entries]
    out = []
    for entry, data, answer in strict_zip(entries, docs, answers(oracle, docs)):
        recorded = dict(entry["answer"])
        recorded.pop("key_info", None)
        if era_answer(answer) != era_answer(recorded):
            out.append((f"toml.jsonl:{entry['name']}", data))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--toml", required=True, choices=sorted(VERSIONS))
    parser.add_argument("--oracle", type=Path, help="the era program built with this toml")
    parser.add_argument("--count", type=int, default=2300)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.toml == "1.5" and args.oracle is None:
        parser.error("--toml 1.5 needs --oracle (no Debian package of toml 1.5.0; see above)")
    out_path = args.out or HERE / "corpus" / f"toml_{args.toml}.jsonl"

    oracle = EraOracle(ERA_OF[args.toml], args.oracle)
    try:
        version = oracle.version()
        todo = base_cases() + differing_corpus_cases(oracle)
        seen = {data for _, data in todo}
        for i, data in enumerate(era_documents_from_seed(SEED, args.count)):
            if data not in seen:
                seen.add(data)
                todo.append((f"generated:{i}", data))
        found = answers(oracle, [data for _, data in todo])
    finally:
        oracle.close()
    header = {
        "header": True,
        "toml": VERSIONS[args.toml],
        "containers_image": version["containers_image"],
        "go": version["go"],
        "oracle": "era " + ERA_OF[args.toml] + (" rebuilt with toml v1.5.0" if args.oracle else ""),
        "generator": "tests/record_toml_era_corpus.py",
        "seed": SEED,
        "cases": len(todo),
    }
    lines = [json.dumps(header)]
    for (name, data), answer in strict_zip(todo, found):
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
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines) - 1} cases to {out_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
