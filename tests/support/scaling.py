"""Adversarial inputs of growing size for the linear-time checks and the scaling benchmark.

``CASES`` maps a name to ``make(n)``, which builds an input of about ``n`` bytes and returns a
zero-argument function doing the work on it: parsing references, loading configurations,
planning, loading and rendering OpenShift objects.  ``measure(name)`` times a case at each of
``sizes_of(name)`` (best of a few runs after a warm-up).  ``KNOWN_SUPERLINEAR`` names the
cases that are not linear, with the reason; ``tests/test_linear_scaling.py`` checks the others
and ``benchmarks/test_bench_scaling.py`` reports the growth of all of them.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable

from regresolve import RegistriesConf, RegresolveError, Resolver, is_short_name, parse_reference
from regresolve._aliases import parse_alias_cache

KIB = 1024
SIZES = (64 * KIB, 256 * KIB, 1024 * KIB)
# Times under FLOOR seconds count as FLOOR in ratios, so microsecond timings give no noise.
FLOOR = 0.002


def _fill(unit: str, n: int, head: str = "", tail: str = "") -> str:
    k = max(1, (n - len(head) - len(tail)) // len(unit))
    return head + unit * k + tail


# -- references ------------------------------------------------------------------------------

REF_SHAPES: dict[str, Callable[[int], str]] = {
    "name a*n": lambda n: "a" * n,
    "separators (a-)*n!": lambda n: _fill("a-", n, tail="!"),
    "underscores (a__)*n!": lambda n: _fill("a__", n, tail="!"),
    "path (a/)*n": lambda n: _fill("a/", n, tail="a"),
    "tag a:b*n": lambda n: "a:" + "b" * n,
    "digest a@sha256:0*n": lambda n: "a@sha256:" + "0" * n,
    "port localhost:5*n/x": lambda n: "localhost:" + "5" * n + "/x",
    "domain (a.)*n/x": lambda n: _fill("a.", n, tail="a/x"),
    "uppercase A*n": lambda n: "A" * n,
    "non-ASCII é*n": lambda n: "é" * (n // 2),
    "hex64 repeated": lambda n: "0" * n,
}


def _ref_work(text: str) -> None:
    resolver = _RESOLVER
    for f in (
        parse_reference,
        lambda s: parse_reference(s, normalize=False),
        is_short_name,
        resolver.plan,
    ):
        with contextlib.suppress(RegresolveError):
            f(text)


_RESOLVER = Resolver(
    RegistriesConf.from_toml('[[registry]]\nprefix = "*.a"\nlocation = "m.example/a"\n'),
    cache_size=0,
)

FIND_CASE = "find_registry: (a.)*n/x, a wildcard entry"


def _find_work(text: str) -> None:
    # Resolver.find_registry is Go's FindRegistry on any string: no 255-byte name limit.
    _RESOLVER.find_registry(text)


# -- configuration ---------------------------------------------------------------------------


def _registries(n: int) -> str:
    parts = ['unqualified-search-registries = ["registry.example.com", "docker.io"]\n']
    size, i = len(parts[0]), 0
    while size < n:
        e = (
            f'[[registry]]\nlocation = "registry{i % 7}.example.com/org{i}/repo"\n'
            f'[[registry.mirror]]\nlocation = "mirror.example.net:5000/org{i}"\n'
            'pull-from-mirror = "digest-only"\n'
        )
        parts.append(e)
        size += len(e)
        i += 1
    return "".join(parts)


def _aliases(n: int) -> str:
    return _fill('"img{}" = "quay.io/ns/img"\n', n, head="[aliases]\n")


def _numbered(template: str, n: int, head: str = "") -> str:
    parts, size, i = [head], len(head), 0
    while size < n:
        s = template.format(i=i)
        parts.append(s)
        size += len(s)
        i += 1
    return "".join(parts)


CONF_SHAPES: dict[str, Callable[[int], str]] = {
    "registries": _registries,
    "long string": lambda n: 'unqualified-search-registries = ["' + "a" * n + '"]\n',
    "long bare key": lambda n: "a" * n + " = 1\n",
    "search list": lambda n: _fill('"a.example",', n, "unqualified-search-registries = [", "]\n"),
    "aliases": lambda n: _numbered('"img{i}" = "quay.io/ns/img{i}"\n', n, "[aliases]\n"),
    "comments": lambda n: _fill("# comment\n", n),
    "blank lines": lambda n: "\n" * n,
    "v1 search": lambda n: _fill('"r.example",', n, "[registries.search]\nregistries = [", "]\n"),
    "duplicate key at end": lambda n: _registries(n) + "[aliases]\na = 'x/y'\na = 'x/z'\n",
    "invalid at end": lambda n: _registries(n) + '[[registry]]\nlocation = "http://x"\n',
    "many tables": lambda n: _numbered("[t{i}]\n", n),
    "nested arrays (shallow, long)": lambda n: _fill("[[1,2],[3]],", n, "x = [", "]\n"),
}


def _conf_work(text: str) -> None:
    with contextlib.suppress(RegresolveError):
        RegistriesConf.from_toml(text, path="/x/registries.conf")


def _dropins_work(n: int) -> Callable[[], None]:
    part = _registries(n // 16)
    dropins = {f"{i:02d}.conf": part.replace("registry", f"registry{i}x", 1) for i in range(15)}

    def run() -> None:
        RegistriesConf.from_toml(part, dropins, path="/x/r.conf", dropin_dir="/x/d")

    return run


def _plan_work(n: int) -> Callable[[], None]:
    conf = RegistriesConf.from_toml(_registries(n))

    def run() -> None:
        r = Resolver(conf, cache_size=0)
        for i in range(200):
            r.plan(f"registry{i % 7}.example.com/org{i}/repo:v1")
            r.plan(f"docker.io/library/x{i}")

    return run


def _alias_cache_work(n: int) -> Callable[[], None]:
    text = _numbered('"img{i}" = "quay.io/ns/img{i}"\n', n, "[aliases]\n")
    return lambda: parse_alias_cache(text, "/x/cache.conf")  # type: ignore[return-value]


# -- OpenShift ---------------------------------------------------------------------------------


def _idms_list(n: int) -> str:
    item = (
        "- apiVersion: config.openshift.io/v1\n  kind: ImageDigestMirrorSet\n"
        "  metadata: {{name: m{i}}}\n  spec:\n    imageDigestMirrors:\n"
        "    - source: r{i}.example.com/ns\n      mirrors: [mirror.example.net/r{i}]\n"
    )
    return _numbered(item, n, "apiVersion: v1\nkind: List\nitems:\n")


def _idms_rules(n: int) -> str:
    rule = "  - source: r{i}.example.com/ns\n    mirrors: [mirror.example.net/r{i}]\n"
    head = (
        "apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nmetadata: {name: a}\n"
        "spec:\n  imageDigestMirrors:\n"
    )
    return _numbered(rule, n, head)


def _openshift_work(make: Callable[[int], str], n: int, render: bool) -> Callable[[], None]:
    from regresolve.openshift import objects_from_text
    from regresolve.openshift import render as do_render

    text = make(n)
    if render:  # time the rendering alone (the YAML parse is measured by the other cases)
        objs = objects_from_text(text)

        def render_only() -> None:
            do_render(objs, release_image="quay.io/r@sha256:" + "0" * 64)

        return render_only

    def run() -> None:
        with contextlib.suppress(RegresolveError):
            objects_from_text(text)

    return run


# -- the cases -------------------------------------------------------------------------------


def _bind(
    work: Callable[[str], None], shape: Callable[[int], str]
) -> Callable[[int], Callable[[], None]]:
    def make(n: int) -> Callable[[], None]:
        text = shape(n)
        return lambda: work(text)

    return make


def _cases() -> dict[str, Callable[[int], Callable[[], None]]]:
    cases: dict[str, Callable[[int], Callable[[], None]]] = {}
    for name, ref_shape in REF_SHAPES.items():
        cases[f"reference: {name}"] = _bind(_ref_work, ref_shape)
    for name, conf_shape in CONF_SHAPES.items():
        cases[f"config: {name}"] = _bind(_conf_work, conf_shape)
    cases[FIND_CASE] = _bind(_find_work, lambda n: _fill("a.", n, tail="a/x"))
    cases["config: 16 drop-ins"] = _dropins_work
    cases["alias cache"] = _alias_cache_work
    cases["plan: build resolver + 400 plans"] = _plan_work
    cases["openshift: List of IDMS objects"] = lambda n: _openshift_work(_idms_list, n, False)
    cases["openshift: one IDMS, many rules"] = lambda n: _openshift_work(_idms_rules, n, False)
    cases["openshift: many rules, rendered"] = lambda n: _openshift_work(_idms_rules, n, True)
    return cases


CASES = _cases()
KNOWN_SUPERLINEAR: dict[str, str] = {
    "openshift: many rules, rendered": (
        "quadratic: openshift._registries.edit_registries_config compares every mirror rule "
        "with every registries.conf entry (scope_is_nested_inside_scope, get_entry): 0.34 s "
        "at 64 KiB of IDMS rules, 114 s at 1 MiB (runtime-utils' EditRegistriesConfig has the "
        "same loop shape; the input is cluster-admin controlled)"
    ),
}


def _best(run: Callable[[], None], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t0)
        if best > 1.0:
            break
    return best


# Known super-linear cases run at smaller sizes so that measuring them stays quick.
SMALL_SIZES = {
    "openshift: many rules, rendered": (16 * KIB, 128 * KIB),
}


def sizes_of(name: str) -> tuple[int, ...]:
    """The input sizes a case is measured at (smaller for the known super-linear ones)."""
    return SMALL_SIZES.get(name, SIZES) if name in KNOWN_SUPERLINEAR else SIZES


def measure(name: str) -> list[float]:
    """Best-of-three seconds of ``name`` at each of ``sizes_of(name)``."""
    make = CASES[name]
    times = []
    for n in sizes_of(name):
        run = make(n)
        run()  # warm-up (lazy tables, first allocation)
        times.append(_best(run, 3))
    return times


def growth(name: str, times: list[float]) -> tuple[float, float]:
    """``(time ratio, size ratio)`` between the largest and the smallest size of ``name``."""
    sizes = sizes_of(name)
    return times[-1] / max(times[0], FLOOR), sizes[-1] / sizes[0]
