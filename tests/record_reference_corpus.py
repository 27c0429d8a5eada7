"""Record ``tests/corpus/reference.jsonl``: reference inputs with the Go oracle's answers.

Run from the repository root after building the oracle (``bash tests/oracle/build.sh``)::

    python tests/record_reference_corpus.py [--count 6000] [--seed 2026]

The first line is a header (``containers_image`` version, Go version, generator, seed, count);
each following line is ``{"input": ..., "answer": <the oracle's "parse" answer>}``.  The inputs
are the upstream/spec test-table inputs plus deterministic pseudo-random ones built from the
same pieces as ``strategies_reference.py`` (separators, ports, case, limits, digests, Unicode).
``tests/test_reference_corpus.py`` replays the file without Go.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from support.oracle import Oracle  # noqa: E402

CORPUS = HERE / "corpus" / "reference.jsonl"
HEX = "0123456789abcdef"
ODD = list(
    "aAzZ09._-/:@+= \t\n\r\x00\x7f"
    "\u0130\u0131\u00df\u212a\u212b\uff21\uff41\u03a3\u03c2\u01c5\u00e9\u00c9\u00a0\u200b\u2028"
    "\U0001f433\U00031350"
)
SEPARATORS = [".", "_", "__", "-", "--", "---", "___", "..", ".-", "-.", ""]
DOMAINS = [
    "docker.io",
    "index.docker.io",
    "Docker.IO",
    "registry-1.docker.io",
    "localhost",
    "LOCALHOST",
    "localhost:5000",
    "quay.io",
    "quay.io:443",
    "example.com",
    "Example.COM:5000",
    "127.0.0.1:5000",
    "[::1]:5000",
    "foo_bar.com",
    "xn--n3h.com",
    "a-b.c",
    "-a.com",
    "a-.com",
    "a..com",
    "a.com:",
    "a.com:0",
    "a.com:" + "9" * 30,
    "a.com:http",
    "library",
    "Foo",
]
ALGORITHMS = ["sha256", "sha384", "sha512", "md5", "SHA256", "sha256+b64", "a.b", "x", "9x"]
HEX_LENGTHS = [0, 31, 32, 33, 63, 64, 65, 95, 96, 97, 127, 128, 129]


def _component(rnd: random.Random) -> str:
    alphabet = "abz019" if rnd.random() < 0.9 else "abzAZ019"
    parts = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 4)))]
    for _ in range(rnd.randint(0, 3)):
        parts.append(rnd.choice(SEPARATORS))
        parts.append("".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 4))))
    return "".join(parts)


def _tag(rnd: random.Random) -> str:
    if rnd.random() < 0.2:
        return rnd.choice("aZ0_") + "t" * (rnd.choice([127, 128, 129]) - 1)
    return rnd.choice("aZ0_.-") + "".join(rnd.choice("aZ09_.-") for _ in range(rnd.randint(0, 8)))


def _digest(rnd: random.Random) -> str:
    if rnd.random() < 0.5:
        alg, n = rnd.choice([("sha256", 64), ("sha384", 96), ("sha512", 128)])
        return alg + ":" + "".join(rnd.choice(HEX) for _ in range(n))
    n = rnd.choice(HEX_LENGTHS)
    hexpart = "".join(rnd.choice(HEX) for _ in range(n))
    r = rnd.random()
    if r < 0.1:
        hexpart = hexpart.upper()
    elif r < 0.2 and hexpart:
        i = rnd.randrange(len(hexpart))
        hexpart = hexpart[:i] + rnd.choice("AFg=_-") + hexpart[i + 1 :]
    return f"{rnd.choice(ALGORITHMS)}:{hexpart}"


def _structured(rnd: random.Random) -> str:
    text = "/".join(_component(rnd) for _ in range(rnd.randint(1, 4)))
    if rnd.random() < 0.5:
        text = rnd.choice(DOMAINS) + "/" + text
    if rnd.random() < 0.35:
        text += ":" + _tag(rnd)
    if rnd.random() < 0.35:
        text += "@" + _digest(rnd)
    return text


def _mutate(rnd: random.Random, text: str) -> str:
    for _ in range(rnd.randint(1, 3)):
        i = rnd.randint(0, len(text))
        op = rnd.randrange(4)
        if op == 0:
            text = text[:i] + rnd.choice(ODD) + text[i:]
        elif op == 1:
            text = text[:i] + rnd.choice(ODD) + text[i + 1 :]
        elif op == 2:
            text = text[:i] + text[i + 1 :]
        else:
            text = text[:i].upper() + text[i:]
    return text


def _near_limit(rnd: random.Random) -> str:
    prefix, normalized = rnd.choice(
        [
            ("", "docker.io/library/"),
            ("docker.io/", "docker.io/library/"),
            ("index.docker.io/", "docker.io/library/"),
            ("a/", "docker.io/a/"),
            ("quay.io/", "quay.io/"),
        ]
    )
    n = max(1, rnd.randint(250, 260) - len(normalized))
    text = prefix + "a" * n
    if rnd.random() < 0.5:
        text += ":" + _tag(rnd)
    if rnd.random() < 0.3:
        text += "@" + _digest(rnd)
    return text


# Inputs of tests/test_reference_compat.py and docs/references.md.
EXTRA = [
    "Foo/bar",
    "LOCALHOST/foo",
    "Quay/app:1",
    "[::1]:5000/foo",
    "[::1]/foo",
    "[fe80::1%eth0]:5000/foo",
    "foo\n",
    "a" * 238,
    "foo_bar.com/x",
    "foo@sha256:" + HEX.upper() * 4,
    "foo@SHA256:" + HEX * 4,
    "foo:t@SHA256:" + HEX * 4,
    "\u0130mage",
    "foo:\u212a",
    "sha256:" + HEX * 4,
    "foo@sha256:" + HEX * 4,
    "busybox:1.36",
    "quay.io/prometheus/node-exporter:v1.8.2",
    "Quay.IO/prometheus/node-exporter",
    "docker.io/busybox",
    "index.docker.io/library/busybox:latest",
    "localhost:5000/app@sha256:" + HEX * 4,
    "docker.io/a.b/c:1",
    "docker.io/localhost/x",
    "docker.io/foo_bar.com/x",
    "a.b/c:1",
    "localhost/x",
]


def generate(count: int, seed: int) -> list[str]:
    """Table inputs first, then pseudo-random ones, without duplicates."""
    seen: dict[str, None] = dict.fromkeys(EXTRA)
    for name in ("reference_upstream.json", "reference_spec.json"):
        for case in json.loads((HERE / "data" / name).read_text(encoding="utf-8"))["cases"]:
            seen[case["input"]] = None
    rnd = random.Random(seed)
    makers: list[tuple[float, Callable[[], str]]] = [
        (0.40, lambda: _structured(rnd)),
        (0.25, lambda: _mutate(rnd, _structured(rnd))),
        (0.10, lambda: _near_limit(rnd)),
        (0.10, lambda: "".join(rnd.choice(ODD) for _ in range(rnd.randint(0, 12)))),
        (0.10, lambda: "".join(rnd.choice(HEX) for _ in range(64)) + rnd.choice(["", ":t", "0"])),
        (0.05, lambda: chr(rnd.randint(0x80, 0x10FFFF)) + _component(rnd)),
    ]
    while len(seen) < count:
        r = rnd.random()
        for weight, make in makers:
            r -= weight
            if r <= 0:
                text = make()
                break
        else:
            text = _structured(rnd)
        if any(0xD800 <= ord(c) <= 0xDFFF for c in text):
            continue
        seen[text] = None
    return list(seen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", type=Path, default=CORPUS)
    args = parser.parse_args()
    inputs = generate(args.count, args.seed)
    with Oracle() as oracle:
        version = oracle.version()
        header = {
            "corpus": "reference",
            "containers_image": version["containers_image"],
            "go": version["go"],
            "generator": "tests/record_reference_corpus.py",
            "seed": args.seed,
            "count": len(inputs),
        }
        lines = [json.dumps(header, separators=(",", ":"))]
        for text in inputs:
            answer = oracle.parse(text)
            lines.append(json.dumps({"input": text, "answer": answer}, separators=(",", ":")))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(inputs)} cases to {args.output}")


if __name__ == "__main__":
    main()
