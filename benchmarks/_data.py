"""Realistic large configurations for the benchmarks.

The shape follows what ``oc-mirror`` (through the MCO) writes for a mirrored catalogue: one
``[[registry]]`` per mirrored repository, each with a digest-only mirror, plus a few
wildcard entries and a blocked registry.  Hostnames are fictitious.
"""

from __future__ import annotations

SIZES = (10, 100, 1_000, 10_000, 100_000)


def registries_conf(n: int) -> str:
    """A v2 registries.conf with ``n`` [[registry]] entries (n >= 10)."""
    parts = [
        'unqualified-search-registries = ["registry.example.com", "docker.io"]',
        'short-name-mode = "permissive"',
        "",
        "[aliases]",
        '"app" = "registry.example.com/team/app"',
        "",
        "[[registry]]",
        'prefix = "*.wild.example.org"',
        'location = "mirror.example.net/wild"',
        "",
        "[[registry]]",
        'location = "blocked.example.com"',
        "blocked = true",
        "",
    ]
    for i in range(n - 2):
        org, repo = divmod(i, 50)
        parts.append(
            "[[registry]]\n"
            f'location = "registry{org % 7}.example.com/org{org}/repo{repo}"\n'
            "[[registry.mirror]]\n"
            f'location = "mirror.example.net:5000/org{org}/repo{repo}"\n'
            'pull-from-mirror = "digest-only"\n'
            "[[registry.mirror]]\n"
            f'location = "backup.example.net/org{org}/repo{repo}"\n'
        )
    return "\n".join(parts)


DIGEST = "sha256:" + "ab" * 32


def workloads(n: int) -> dict[str, list[str]]:
    """References that hit an entry, miss everything, or match the wildcard."""
    last = n - 3
    org, repo = divmod(last, 50)
    hit = f"registry{org % 7}.example.com/org{org}/repo{repo}"
    return {
        "hit-tag": [f"{hit}:v1.2.3"],
        "hit-digest": [f"{hit}@{DIGEST}"],
        "miss": ["quay.io/someone/something:1.0"],
        "wildcard": ["a.b.wild.example.org/x/y:2"],
        "short": ["busybox"],
    }
