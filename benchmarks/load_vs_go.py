"""Loading side by side with Go, best of several loads each, interleaved (docs/performance.md).

Usage (needs the oracle, ``bash tests/oracle/build.sh``)::

    python benchmarks/load_vs_go.py [N ...]        # default: 10 100 1000 10000 100000

For each N (the oc-mirror-shaped file of ``benchmarks/_data.py``) it prints two table rows:

* loading: ``regresolve.load_config`` (reading included) against a cold ``GetRegistries`` in
  the oracle (``bench_plan`` with one load), alternating the two so that a busy machine
  slows both alike; the best of the rounds on each side;
* decoding alone: ``regresolve._tomldecode.decode`` of the file's bytes against
  BurntSushi/toml's ``toml.Decode`` into a ``map[string]any`` (the oracle's ``bench_toml``).
"""

from __future__ import annotations

import gc
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _data import registries_conf, workloads  # noqa: E402

import regresolve  # noqa: E402
from regresolve._tomldecode import decode  # noqa: E402
from support.oracle import Oracle  # noqa: E402

CONF_PATH = "/etc/containers/registries.conf"
#: Loads in a row per round on each side; the median of them is the round's time.
LOAD_RUNS = 3
#: Rounds at the start of each size that are run but not counted (one for the large sizes,
#: whose first load is already long enough to settle both processes).
WARM_UP_ROUNDS = 5


def _timed(f: object) -> float:
    gc.disable()
    try:
        start = time.perf_counter()
        f()  # type: ignore[operator]
        return time.perf_counter() - start
    finally:
        gc.enable()


def main(sizes: list[int]) -> None:
    with Oracle() as oracle, tempfile.TemporaryDirectory() as tmp:
        load_rows, decode_rows = [], []
        for n in sizes:
            text = registries_conf(n)
            data = text.encode()
            path = Path(tmp) / f"registries-{n}.conf"
            path.write_bytes(data)
            rounds = 100 if n < 1_000 else 15 if n < 10_000 else 7 if n < 100_000 else 5
            files = {CONF_PATH: text}
            ref = workloads(n)["miss"][0]
            ours, go = [], []
            # The first rounds of each size are not counted: both processes settle first
            # (the oracle's runtime has just started, the new file's code paths are cold).
            warm_up = WARM_UP_ROUNDS if n < 10_000 else 1
            for i in range(warm_up + rounds):
                if i == warm_up:
                    ours.clear()
                    go.clear()
                # Each side loads LOAD_RUNS times in a row and reports the median of those
                # loads (the oracle's bench_plan does the same); the best round is kept.
                runs = sorted(
                    _timed(
                        lambda p=str(path): regresolve.load_config(
                            p, dropin_dirs=[], env={}, home=tmp
                        )
                    )
                    for _ in range(LOAD_RUNS)
                )
                ours.append(runs[LOAD_RUNS // 2])
                answer = oracle.bench_plan([ref], 1, files=files, load_runs=LOAD_RUNS)
                go.append(answer["load_ns"] / 1e9)
            load_rows.append((n, min(ours), min(go)))
            ours_decode = min(_timed(lambda d=data: decode(d)) for _ in range(rounds))
            go_decode = oracle.bench_toml(data, rounds)["best_ns"] / 1e9
            decode_rows.append((n, len(data), ours_decode, go_decode))
        print("| N | regresolve `load_config` | Go `GetRegistries` | ours / Go |")
        print("|---:|---:|---:|---:|")
        for n, a, b in load_rows:
            print(f"| {n:,} | {a * 1e3:,.2f} ms | {b * 1e3:,.2f} ms | {a / b:.2f} |")
        print()
        print("| N | file | regresolve `decode()` | Go `toml.Decode` | ours / Go |")
        print("|---:|---:|---:|---:|---:|")
        for n, size, a, b in decode_rows:
            print(
                f"| {n:,} | {size / 1024:,.0f} KiB | {a * 1e3:,.3f} ms | {b * 1e3:,.3f} ms "
                f"| {a / b:.2f} |"
            )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10, 100, 1_000, 10_000, 100_000])
