"""Generators for the pull-plan differential tests and the plan corpus recorder.

``references`` and ``short_names`` draw from a small host/path alphabet so that generated
references hit, miss and tie on the same prefixes; ``plan_cases`` writes always-valid main
files aimed at the resolver (odd locations, blocked entries, aliases, a user alias cache).
Used by ``tests/test_plan_oracle.py`` and ``tests/record_plan_corpus.py``.
"""

from __future__ import annotations

from hypothesis import strategies as st

from support.strategies_config import SYSTEM_CONF, ConfigCase, toml_string

ALIAS_CACHE = "/var/cache/containers/short-name-aliases.conf"  # the oracle's default

DIGEST = "sha256:" + "0123456789abcdef" * 4
# SPEC R-MATCH-2..4: hosts that collide on boundaries, suffixes, ports and first occurrences.
REF_HOSTS = (
    "a.com",
    "b.a.com",
    "c.b.a.com",
    "x.c.b.a.com",
    "a.com.a.com",
    "b.a.com.b.a.com",
    "a.com:5000",
    "b.a.com:5000",
    "a.com:6000",
    "docker.io",
    "index.docker.io",
    "localhost",
    "localhost:5000",
    "m.com",
    "quay.io",
    "A.com",
    "x.com",
    "com",
    "evil.com",
)
REF_PATHS = (
    "ns", "ns/x", "ns/x/y", "library/busybox", "busybox", "x", "mirror", "library", "evil/x",
    "n" * 100 + "/" + "n" * 100, "ns/" + "y" * 60,
)  # fmt: skip
REF_SUFFIXES = ("", ":1", ":latest", "@" + DIGEST, ":1@" + DIGEST, ":v1.2-rc")


@st.composite
def references(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 19))
    if kind == 0:
        return draw(st.text(alphabet="abcm.:/@-_5A0*", max_size=30))
    host = draw(st.sampled_from(REF_HOSTS))
    path = draw(st.sampled_from(REF_PATHS))
    suffix = draw(st.sampled_from(REF_SUFFIXES))
    if kind == 1:
        return path + suffix  # familiar: docker.io
    return f"{host}/{path}{suffix}"


short_names = st.sampled_from(
    [
        "foo", "bar", "library/foo", "ns/bar", "busybox", "foo:1", "foo@" + DIGEST, "Foo/bar",
        "a.com/foo", "localhost/x", "x" * 250, "foo:1@" + DIGEST, "evil", "ns/x", "",
        "library/busybox:1",
    ]
)  # fmt: skip
modes = st.sampled_from([None, None, None, "enforcing", "permissive", "disabled"])

# -- the resolver-focused generator -----------------------------------------------------------

PLAN_PREFIXES = (
    "a.com", "b.a.com", "a.com:5000", "a.com/ns", "a.com/ns/x", "docker.io", "docker.io/library",
    "quay.io", "quay.io/evil", "evil.com", "m.com", "localhost", "*.a.com", "*.com", "*.b.a.com",
    "*.io", "x.com", "a.com/ns:1",
)  # fmt: skip
PLAN_LOCATIONS = (
    "a.com", "b.a.com", "a.com:5000", "m.com", "m.com/ns", "m.com/ns/x", "m.com:6000",
    "m.com:6000/ns", "docker.io", "docker.io/library", "index.docker.io/library", "quay.io",
    "quay.io/evil", "evil.com", "evil.com/m", "localhost", "localhost/x", "M.com/ns", "m.com/NS",
    "m.com/" + "n" * 150, "m.com/" + "n" * 240, "m.com/a__b", "m.com/a-b.c_d", "x.com/ns",
)  # fmt: skip
MIRROR_LOCATIONS = (*PLAN_LOCATIONS, "m.com/", "m.com/ns/")
ALIAS_NAMES = ("foo", "bar", "library/foo", "ns/bar", "busybox", "evil", "ns/x")
ALIAS_VALUES = ("a.com/foo", "docker.io/foo", "quay.io/ns/bar", "localhost/x", "evil.com/x", "")
SEARCH = ("docker.io", "quay.io", "a.com", "a.com:5000", "localhost", "evil.com", "m.com/ns")


@st.composite
def plan_cases(draw: st.DrawFn) -> tuple[ConfigCase, str | None]:
    """A valid main file plus (sometimes) a user alias cache; returns (case, cache text)."""
    lines: list[str] = []
    usr = draw(st.lists(st.sampled_from(SEARCH), max_size=3))
    if draw(st.integers(0, 4)):
        lines.append("unqualified-search-registries = [" + ", ".join(map(toml_string, usr)) + "]")
    mode = draw(st.sampled_from(["", "enforcing", "permissive", "disabled"]))
    if mode:
        lines.append(f'short-name-mode = "{mode}"')
    for prefix in draw(st.lists(st.sampled_from(PLAN_PREFIXES), max_size=7, unique=True)):
        wild = prefix.startswith("*.")
        loc = draw(st.sampled_from(("", *PLAN_LOCATIONS) if wild else PLAN_LOCATIONS))
        lines.append("[[registry]]")
        lines.append(f"prefix = {toml_string(prefix)}")
        if loc:
            lines.append(f"location = {toml_string(loc)}")
        if draw(st.integers(0, 2)) == 0:
            lines.append("insecure = true")
        if draw(st.integers(0, 3)) == 0:
            lines.append("blocked = true")
        by_digest = draw(st.integers(0, 5)) == 0
        if by_digest:
            lines.append("mirror-by-digest-only = true")
        for _ in range(draw(st.integers(0, 3))):
            lines.append("[[registry.mirror]]")
            lines.append(f"location = {toml_string(draw(st.sampled_from(MIRROR_LOCATIONS)))}")
            if draw(st.booleans()):
                lines.append("insecure = true")
            if not by_digest:
                pfm = draw(st.sampled_from(["", "", "all", "digest-only", "tag-only"]))
                if pfm:
                    lines.append(f'pull-from-mirror = "{pfm}"')
    aliases = draw(st.dictionaries(st.sampled_from(ALIAS_NAMES), st.sampled_from(ALIAS_VALUES)))
    if aliases:
        lines.append("[aliases]")
        lines.extend(f"{toml_string(k)} = {toml_string(v)}" for k, v in aliases.items())
    files: dict[str, str | None] = {SYSTEM_CONF: "\n".join(lines) + "\n"}
    cache: str | None = None
    kind = draw(st.integers(0, 5))
    if kind >= 3:
        entries = draw(st.dictionaries(st.sampled_from(ALIAS_NAMES), st.sampled_from(ALIAS_VALUES)))
        if kind == 5 and draw(st.booleans()):
            entries["a.com/bad"] = "a.com/x"  # corrupt: every resolution must fail
        cache = "[aliases]\n" + "".join(
            f"{toml_string(k)} = {toml_string(v)}\n" for k, v in entries.items()
        )
        files[ALIAS_CACHE] = cache
    return ConfigCase(files=files), cache
