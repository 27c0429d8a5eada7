"""Linear time up to 1 MiB: parsing, loading, planning and OpenShift loading on adversarial
inputs of growing size (64 KiB, 256 KiB, 1 MiB).

For each shape the best of a few runs is taken at each size; the test fails when
``time(1 MiB) / time(64 KiB)`` exceeds ``16 * SLACK`` (linear is 16; SLACK = 4 absorbs noise,
caches and allocator effects; a quadratic algorithm gives about 256).  Times under
``FLOOR`` seconds are raised to it, so that microsecond timings do not make noisy ratios, and
every 1 MiB input must also finish within ``CAP`` seconds.  ``python tests/test_linear_scaling.py``
prints the table that docs/reliability.md quotes.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable

import pytest

from regresolve import RegistriesConf, RegresolveError, Resolver, is_short_name, parse_reference
from regresolve._config import parse_alias_cache

KIB = 1024
SIZES = (64 * KIB, 256 * KIB, 1024 * KIB)
SLACK = 4.0
FLOOR = 0.002
CAP = 20.0


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


# Known super-linear cases run at smaller sizes so the strict xfail stays quick; the ratio
# limit scales with the size ratio.
SMALL_SIZES = {
    "openshift: many rules, rendered": (16 * KIB, 128 * KIB),
}


def sizes_of(name: str) -> tuple[int, ...]:
    return SMALL_SIZES.get(name, SIZES) if name in KNOWN_SUPERLINEAR else SIZES


def measure(name: str) -> list[float]:
    make = CASES[name]
    times = []
    for n in sizes_of(name):
        run = make(n)
        run()  # warm-up (lazy tables, first allocation)
        times.append(_best(run, 3))
    return times


def _params() -> list[object]:
    out: list[object] = []
    for name in CASES:
        marks = []
        if name in KNOWN_SUPERLINEAR:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_SUPERLINEAR[name]))
        out.append(pytest.param(name, id=name, marks=marks))
    return out


@pytest.mark.parametrize("name", _params())
def test_linear(name: str) -> None:
    times = measure(name)
    sizes = sizes_of(name)
    t_small, t_big = max(times[0], FLOOR), times[-1]
    assert t_big < CAP, f"{name}: {t_big:.2f} s at {sizes[-1] // KIB} KiB"
    ratio = t_big / t_small
    limit = sizes[-1] / sizes[0] * SLACK
    assert ratio <= limit, f"{name}: super-linear, {ratio:.0f}x for {sizes} (times {times})"


def test_oversized_reference_is_rejected_with_gos_message() -> None:
    # SPEC R-REF: a name longer than 255 bytes that matches the grammar is refused with
    # ErrNameTooLong; one that does not match is "invalid reference format" (Go matches the
    # grammar first).  Both take well under the bound at 1 MiB.
    for text, message in (
        ("a" * (1024 * KIB), "repository name must not be more than 255 characters"),
        ("a" * 256, "repository name must not be more than 255 characters"),
        ("a" * (1024 * KIB) + "!", "invalid reference format"),
        ("a:" + "b" * (1024 * KIB), "invalid reference format"),
    ):
        t0 = time.perf_counter()
        with pytest.raises(RegresolveError) as info:
            parse_reference(text)
        assert time.perf_counter() - t0 < 1.0
        assert info.value.go_message == message


if __name__ == "__main__":
    print(f"{'case':45} " + " ".join(f"{n // KIB:>8} KiB" for n in SIZES) + "   ratio")
    for case in CASES if len(sys.argv) < 2 else sys.argv[1:]:
        ts = measure(case)
        r = ts[-1] / max(ts[0], FLOOR)
        sz = (
            "" if sizes_of(case) == SIZES else f"  (sizes {[n // KIB for n in sizes_of(case)]} KiB)"
        )
        print(f"{case:45} " + " ".join(f"{t * 1000:10.1f} ms" for t in ts) + f"   {r:6.1f}x{sz}",
              flush=True)  # fmt: skip
