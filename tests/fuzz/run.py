"""Run the atheris fuzz targets for a bounded time; exit non-zero on any finding.

Usage (from the repository root)::

    python tests/fuzz/run.py                      # all targets, FUZZ_SECONDS (default 90) in total
    python tests/fuzz/run.py --seconds 600 reference config
    python tests/fuzz/run.py --summary fuzz.json  # also write the figures as JSON

Each target runs in its own process (atheris can set up libFuzzer once per process) with
``-max_total_time`` = its share of the budget and ``-timeout`` = FUZZ_TIMEOUT seconds per input
(default 10: any input slower than that is a hang finding).  The seeds in
``tests/fuzz/corpus/<target>/`` start each run; new coverage goes to a scratch directory.
Findings (``crash-*``, ``timeout-*``, ``oom-*``) are written to ``tests/fuzz/corpus/<target>/``
so that ``tests/test_fuzz_corpus.py`` replays them from then on; commit them with the fix.

``REGRESOLVE_FUZZ_SKIP_KNOWN=1`` abandons inputs stuck in an already-reported hang
(``support.fuzz_targets.KNOWN_HANGS``) so that a run can look past it; CI leaves it unset.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
SRC = TESTS.parent / "src"
TARGET_NAMES = ("reference", "config", "dropins", "alias_cache", "openshift")


def _child(name: str, libfuzzer_args: list[str]) -> None:
    import atheris  # type: ignore[import-untyped]

    sys.path[:0] = [str(TESTS), str(SRC)]
    with atheris.instrument_imports(include=["regresolve", "yaml"]):
        import regresolve
        import regresolve.openshift  # noqa: F401
    from support.fuzz_targets import TARGETS, guarded

    atheris.Setup([sys.argv[0], *libfuzzer_args], guarded(TARGETS[name]))
    atheris.Fuzz()


def _run_one(name: str, seconds: int, timeout: int, scratch: Path) -> dict[str, object]:
    seeds = HERE / "corpus" / name
    seeds.mkdir(parents=True, exist_ok=True)
    work = scratch / name
    work.mkdir(parents=True, exist_ok=True)
    before = {p.name for p in seeds.iterdir()}
    args = [
        str(work),
        str(seeds),
        f"-max_total_time={seconds}",
        f"-timeout={timeout}",
        f"-artifact_prefix={seeds}/",
        "-max_len=16384",
        "-rss_limit_mb=4096",
        "-print_final_stats=1",
    ]
    cmd = [sys.executable, __file__, "--child", name, "--", *args]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace", check=False)
    elapsed = time.monotonic() - t0
    log = proc.stderr
    runs = re.findall(r"stat::number_of_executed_units:\s*(\d+)", log)
    done = re.findall(r"Done (\d+) runs", log)
    execs = int(runs[-1]) if runs else int(done[-1]) if done else 0
    cov = re.findall(r"cov: (\d+)", log)
    new = sorted({p.name for p in seeds.iterdir()} - before)
    findings = [n for n in new if n.startswith(("crash-", "timeout-", "oom-", "leak-"))]
    result: dict[str, object] = {
        "target": name,
        "seconds": round(elapsed, 1),
        "executions": execs,
        "coverage_edges": int(cov[-1]) if cov else None,
        "seeds": len(before),
        "corpus_after": len(list(work.iterdir())),
        "returncode": proc.returncode,
        "findings": findings,
    }
    if proc.returncode != 0 or findings:
        (scratch / f"{name}.log").write_text(log)
        tail = "\n".join(log.splitlines()[-60:])
        print(f"--- {name}: FINDING (exit {proc.returncode})\n{tail}\n", file=sys.stderr)
    return result


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        rest = argv[2:]
        if rest[:1] == ["--"]:
            rest = rest[1:]
        _child(argv[1], rest)
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("targets", nargs="*", choices=[*TARGET_NAMES, []], default=[])
    ap.add_argument("--seconds", type=int, default=int(os.environ.get("FUZZ_SECONDS", "90")),
                    help="total budget, split evenly (env FUZZ_SECONDS; default 90)")  # fmt: skip
    ap.add_argument("--timeout", type=int, default=int(os.environ.get("FUZZ_TIMEOUT", "10")),
                    help="seconds one input may take before it is a hang finding")  # fmt: skip
    ap.add_argument("--summary", help="write the results as JSON here")
    ns = ap.parse_args(argv)
    names = ns.targets or list(TARGET_NAMES)
    share = max(1, ns.seconds // len(names))
    results = []
    with tempfile.TemporaryDirectory(prefix="regresolve-fuzz-") as tmp:
        for name in names:
            r = _run_one(name, share, ns.timeout, Path(tmp))
            results.append(r)
            print(json.dumps(r), flush=True)
        failed = [r for r in results if r["returncode"] != 0 or r["findings"]]
        if failed and os.environ.get("FUZZ_KEEP_LOGS"):
            keep = Path(os.environ["FUZZ_KEEP_LOGS"])
            keep.mkdir(parents=True, exist_ok=True)
            for r in failed:
                log = Path(tmp) / f"{r['target']}.log"
                if log.exists():
                    (keep / log.name).write_text(log.read_text())
    total = sum(int(str(r["executions"])) for r in results)
    print(f"fuzz: {len(names)} targets, {total} executions, {len(failed)} with findings")
    if ns.summary:
        Path(ns.summary).write_text(json.dumps({"targets": results, "executions": total}, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
