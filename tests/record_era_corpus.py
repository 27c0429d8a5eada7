"""Record tests/corpus/era_<era>.jsonl.gz: probes and what each era oracle answered.

Usage (needs the era oracles, ``bash tests/oracle/eras/build.sh all``)::

    python tests/record_era_corpus.py [--eras 5.23,5.26,5.34,5.39,5.41] [--count 2000]
        [--refs 6] [--out-dir tests/corpus] [--plain]

Every era gets the same probes (``support.era_compare.Probe``): the fixed ones of
``support.era_fixed`` (the discovery and error-text cases of each behaviour change), then
``--count`` generated with a fixed seed: about half from ``era_plan_cases`` (mostly loadable
configurations), a third from ``mixed_cases`` (hostile layouts, v1, TOML quirks), the rest
from ``era_env_cases`` (an environment or another home: one fresh oracle process each).  Each
has ``--refs`` references (the first two also go to ``FindRegistry``), one to three short
names and, sometimes, a mode override.

The first line of a file is a header (``era``, ``containers_image``, ``go``, ``seed``,
``cases``); every other line is ``{"name", "probe", "answer"}``, the probe in
``Probe.to_json`` form and the oracle's answer without what the replay does not read (the
era-only credential fields, each plan's echoed input, and ``config_source_description``
before 5.40).  ``tests/test_era_corpus.py`` replays the files without Go.

The files are gzip-compressed (``--plain`` writes ``.jsonl``): about 2,100 probes with their
answers are some 13 MB of JSON per era, 27 times less compressed; the bytes depend only on the
answers (no time stamp in the gzip header).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from support.era_compare import Probe, fast_tmpdir_environment, probe_request  # noqa: E402
from support.era_fixed import FIXED_PROBES  # noqa: E402
from support.oracle_eras import CONTROL_ERA, ERAS, EraOracle  # noqa: E402
from support.strategies_eras import (  # noqa: E402
    REF_POOL,
    EraCase,
    at_least,
    era_env_cases,
    era_plan_cases,
    mixed_cases,
    sample_lists,
)
from support.strategies_plan import modes, short_names  # noqa: E402

SEED = 20261201
#: Looked up in every generated probe besides its short names (one valid, one not).
ALIAS_NAMES = ("foo", "Foo")


def generated_probes(count: int, nrefs: int) -> list[tuple[str, Probe]]:
    """``count`` distinct probes drawn with a fixed seed (the same list on every run)."""
    refs = sample_lists(REF_POOL, nrefs)
    names = st.lists(short_names, min_size=1, max_size=3, unique=True)
    shares = (("plan", count // 2), ("load", count // 3), ("env", count - count // 2 - count // 3))
    found: list[tuple[str, Probe]] = []
    seen: set[str] = set()

    def make(kind: str, n: int, salt: int) -> None:
        drawn: list[Probe] = []

        # Hypothesis repeats some examples: draw more than needed, keep the first n distinct.
        @seed(SEED + salt)
        @settings(
            max_examples=n * 3 // 2,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(data=st.data())
        def collect(data: st.DataObject) -> None:
            cache: str | None = None
            case: EraCase
            if kind == "plan":
                case, cache = data.draw(era_plan_cases())
            elif kind == "load":
                case = data.draw(mixed_cases())
            else:
                case = data.draw(era_env_cases())
            chosen = data.draw(refs)
            drawn.append(
                Probe(
                    case,
                    refs=chosen,
                    names=data.draw(names),
                    mode=data.draw(modes),
                    cache=cache,
                    alias_names=ALIAS_NAMES,
                    find=chosen[:2],
                )
            )

        collect()
        kept = 0
        for probe in drawn:
            key = json.dumps(probe.to_json(), sort_keys=True)
            if key in seen or kept == n:
                continue
            seen.add(key)
            found.append((f"{kind}:{len(found)}", probe))
            kept += 1
        if kept < n:
            raise SystemExit(f"only {kept} distinct {kind} probes of {n}: draw more")

    for salt, (kind, n) in enumerate(shares):
        make(kind, n, salt)
    return found


def trimmed(answer: dict[str, Any], era: str) -> dict[str, Any]:
    """The answer without what the replay does not read."""
    if answer["error"] is not None:  # nothing else is compared after a failed load
        return {k: answer[k] for k in ("error", "config_path", "config_dir_path")}
    out = {k: v for k, v in answer.items() if k not in ("credentials", "credential_keys")}
    if not at_least(era, "5.40"):
        out.pop("config_source_description", None)
    out["plans"] = [{k: v for k, v in p.items() if k != "input"} for p in answer["plans"]]
    out["find"] = [{k: v for k, v in f.items() if k != "input"} for f in answer["find"]]
    return out


def record(era: str, probes: list[tuple[str, Probe]], out_dir: Path, *, compress: bool) -> Path:
    oracle = EraOracle(era)
    try:
        with fast_tmpdir_environment():  # the oracle rewrites its root for every request
            version = oracle.version()
        lines = [
            json.dumps(
                {
                    "header": True,
                    "era": era,
                    "containers_image": version["containers_image"],
                    "go": version["go"],
                    "generator": "tests/record_era_corpus.py",
                    "seed": SEED,
                    "cases": len(probes),
                }
            )
        ]
        for name, probe in probes:
            answer = oracle.request(probe_request(probe, era))
            entry = {"name": name, "probe": probe.to_json(), "answer": trimmed(answer, era)}
            lines.append(json.dumps(entry, sort_keys=True, ensure_ascii=False))
    finally:
        oracle.close()
    data = ("\n".join(lines) + "\n").encode("utf-8")
    if not compress:
        path = out_dir / f"era_{era}.jsonl"
        path.write_bytes(data)
        return path
    path = out_dir / f"era_{era}.jsonl.gz"
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as f:
        f.write(data)  # mtime 0, no name: the same bytes for the same answers
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eras", default=",".join((*ERAS, CONTROL_ERA)))
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--refs", type=int, default=6)
    parser.add_argument("--out-dir", type=Path, default=HERE / "corpus")
    parser.add_argument("--plain", action="store_true", help="write .jsonl, not .jsonl.gz")
    args = parser.parse_args()

    fixed = [(f"fixed:{name}", p) for name, p in sorted(FIXED_PROBES.items())]
    probes = fixed + generated_probes(args.count, args.refs)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for era in args.eras.split(","):
        path = record(era, probes, args.out_dir, compress=not args.plain)
        print(f"c/image {era}: {len(probes)} probes -> {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
