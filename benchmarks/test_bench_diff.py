"""How long ``regresolve.diff.diff_images`` takes at rollout scale.

100,000 images (tags, digests, misses, wildcard hits and short names over 10,000 repositories)
planned against two 10,000-entry configurations: *before* is the benchmark catalogue of
``_data.registries_conf``; *after* adds a tag mirror to every tenth entry and blocks every
hundredth.  Run it explicitly::

    python -m pytest benchmarks/test_bench_diff.py -s

It prints the wall time of the diff (loading the two files is measured separately) and the
number of images that changed; docs/performance.md quotes the figures.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from _data import DIGEST, registries_conf  # noqa: E402

from regresolve import RegistriesConf, Resolver  # noqa: E402
from regresolve.diff import diff_images  # noqa: E402

ENTRIES = 10_000
IMAGES = 100_000


def _after(text: str) -> str:
    out = []
    for i, part in enumerate(text.split("[[registry]]\n")):
        block = part
        if i >= 3 and i % 10 == 0:
            block = block.replace(
                "[[registry.mirror]]\n",
                '[[registry.mirror]]\nlocation = "tags.example.net/x"\n'
                'pull-from-mirror = "tag-only"\n[[registry.mirror]]\n',
                1,
            )
        if i >= 3 and i % 100 == 0:
            block = block.replace("\n", "\nblocked = true\n", 1)
        out.append(block)
    return "[[registry]]\n".join(out)


def _images(n: int) -> list[str]:
    images = []
    for i in range(n):
        org, repo = divmod(i % (ENTRIES - 2), 50)
        host = f"registry{org % 7}.example.com/org{org}/repo{repo}"
        kind = i % 5
        if kind == 0:
            images.append(f"{host}:v{i}")
        elif kind == 1:
            images.append(f"{host}/s{i}@{DIGEST}")
        elif kind == 2:
            images.append(f"quay.io/someone/thing{i}:1.0")
        elif kind == 3:
            images.append(f"a{i}.wild.example.org/x/y:{i % 7}")
        else:
            images.append(f"tool{i % 11}:{i}")
    return images


def test_diff_100k_images_two_10k_configurations() -> None:
    before_text = registries_conf(ENTRIES)
    after_text = _after(before_text)
    start = time.perf_counter()
    before = Resolver(RegistriesConf.from_toml(before_text, path="/before.conf"))
    after = Resolver(RegistriesConf.from_toml(after_text, path="/before.conf"))
    loaded = time.perf_counter()
    images = _images(IMAGES)
    report = diff_images(before, after, images)
    done = time.perf_counter()
    print(
        f"\nload both: {loaded - start:.2f} s; diff of {report.compared:,} images: "
        f"{done - loaded:.2f} s; changed: {len(report.changed):,}; counts: {report.counts}"
    )
    assert report.compared == len(set(images))
    assert report.changed
