"""The end-to-end scenarios: configuration files, the pulls to run, and what should happen.

Each :class:`Pull` lists the events the binary should log, in order, as containers/image
**5.34.2** behaves (derived from the spec rules cited per scenario, not from regresolve):

* ``candidate REF``: podman's short-name resolution picked REF as its next candidate
  (podman logs one for every pull, also for a fully qualified name, which is its own only
  candidate; those are added automatically, see :func:`expected_events`);
* ``REF``: a source the binary tried and that failed (404, or TLS refused: every listener of
  the test registry has an untrusted certificate or speaks plain HTTP, so only *insecure*
  sources get as far as the registry API);
* ``REF blocked by PREFIX``: the attempt was refused because the entry PREFIX is blocked;
* ``REF ok``: the source that had the image; the binary stops there.

``@D`` in a reference stands for the digest of the one image the test registry serves
(:data:`e2e_registry.IMAGE_DIGEST`); ``serve`` names the ``LISTENER/REPOSITORY`` pairs that
have it.  ``error`` is a substring of the binary's error output when the pull fails before
trying any source (a plan error or a short-name error).

Where podman 4.3.1 / skopeo 1.9.3 (containers/image 5.23.1) behave differently from 5.34.2,
the pull says so in ``why``, with the events (``v523``) and error (``v523_error``) 5.23.1
produces; the test asserts the 5.23.1 behaviour for the binary and the 5.34.2 behaviour for
regresolve.  An ``error`` of several lines means: each line appears (in any order).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from support.e2e_registry import IMAGE_DIGEST

CONF = "/etc/containers/registries.conf"
DIR = "/etc/containers/registries.conf.d"
TAG_DIGEST_ERROR = "Docker references with both a tag and digest are currently not supported"
BAD_REWRITE = "rewriting reference: invalid reference format"
MIXING = "mixing sysregistry v1/v2 is not supported"
FAKE_DIGEST = "sha256:" + "a" * 64
ALIAS_ERRORS = (
    'invalid alias "127.0.0.1:5000/x:tag": must not contain tag\n'
    f'invalid alias "127.0.0.1:5000/y@{FAKE_DIGEST}": must not contain digest'
)
V1_EMPTY_WHY = (
    "5.23.1's V1RegistriesConf.Nonempty() treats empty v1 arrays as missing; 5.34.2's"
    " hasSetField() counts them, so 5.34.2 reports a v1/v2 mix where 5.23.1 loads the v2 keys"
)
ALIAS_JOIN_WHY = (
    '5.23.1 combines several alias errors as fmt.Errorf("%v\\n: %w"); 5.34.2 joins them'
    ' with "\\n" (multierr.Format); the individual messages are the same'
)


@dataclass(frozen=True)
class Pull:
    ref: str
    expect: tuple[str, ...] = ()
    tools: tuple[str, ...] = ("podman", "skopeo")
    error: str | None = None
    #: per tool: the events containers/image 5.23.1 produces where they differ from 5.34.2
    v523: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    why: str = ""
    #: per tool: a different expectation (e.g. skopeo refusing tag+digest); both versions
    tool_expect: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    tool_error: Mapping[str, str] = field(default_factory=dict)
    #: per tool: the binary's error where 5.23.1 differs ("" = 5.23.1 does not fail)
    v523_error: Mapping[str, str] = field(default_factory=dict)
    #: text only 5.23.1's output contains (regresolve's error must not)
    v523_contains: str = ""
    #: the configuration fails to load: podman stops before logging any candidate
    load_error: bool = False


@dataclass(frozen=True)
class Scenario:
    name: str
    doc: str
    spec: tuple[str, ...]
    main: str
    pulls: tuple[Pull, ...]
    dropins: Mapping[str, str] = field(default_factory=dict)
    serve: tuple[str, ...] = ()

    def files(self) -> dict[str, str]:
        out = {"registries.conf": self.main}
        out.update({f"registries.conf.d/{n}": t for n, t in self.dropins.items()})
        return out


def d(text: str) -> str:
    """Substitute the served image's digest for ``@D``."""
    return text.replace("@D", "@" + IMAGE_DIGEST)


def is_short(ref: str) -> bool:
    first, sep, _ = ref.partition("/")
    return not (sep and ("." in first or ":" in first or first == "localhost"))


def drop_tag_if_digested(ref: str) -> str:
    """What podman (libimage ``normalizeTaggedDigestedString``) does first: a reference with
    both a tag and a digest loses the tag, for short and qualified names alike."""
    name, at, digest = ref.partition("@")
    if not at:
        return ref
    head, _, last = name.rpartition("/")
    if ":" in last:
        last = last[: last.index(":")]
    return f"{head}/{last}@{digest}" if head else f"{last}@{digest}"


def podman_candidate(ref: str) -> str:
    """The single candidate podman logs for a fully qualified reference.

    libimage drops the tag of a tag+digest reference; a bare name gets ``:latest``.
    """
    name, at, digest = ref.partition("@")
    last = name.rsplit("/", 1)[-1]
    if at:
        if ":" in last:
            name = name[: name.rindex(":")]
        return f"{name}@{digest}"
    return ref if ":" in last else f"{ref}:latest"


def expected_events(pull: Pull, tool: str) -> tuple[str, ...]:
    """The 5.34.2 events for this tool (before any 5.23.1 difference)."""
    events = pull.tool_expect.get(tool, pull.expect)
    if (
        tool == "podman"
        and not is_short(pull.ref)
        and tool not in pull.tool_error
        and not pull.load_error
    ):
        events = (f"candidate {podman_candidate(pull.ref)}", *events)
    if tool == "skopeo":
        events = tuple(e for e in events if not e.startswith("candidate "))
    return tuple(d(e) for e in events)


INSECURE_MIRRORS_2 = """
[[registry]]
prefix = "127.0.0.1:5000/app"
location = "127.0.0.1:5000/app"
insecure = true

[[registry.mirror]]
location = "127.0.0.2:5000/m1/app"
insecure = true

[[registry.mirror]]
location = "127.0.0.3:5000/m2/app"
insecure = true
"""

DIGEST_ONLY = """
[[registry]]
prefix = "127.0.0.1:5000/dig"
location = "127.0.0.1:5000/dig"
insecure = true
mirror-by-digest-only = true

[[registry.mirror]]
location = "127.0.0.2:5000/m1"
insecure = true

[[registry.mirror]]
location = "127.0.0.3:5000/m2"
insecure = true
"""

SEARCH_TWO = """
unqualified-search-registries = ["127.0.0.2:5000", "127.0.0.3:5000"]
{mode}

[[registry]]
location = "127.0.0.2:5000"
insecure = true

[[registry.mirror]]
location = "127.0.0.5:5000/cache"
insecure = true

[[registry]]
location = "127.0.0.3:5000"
insecure = true
"""

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        name="two-mirrors",
        doc="Two mirrors, then the primary: all fail, so every source is tried in order.",
        spec=("R-PULL-1", "R-PULL-2", "R-RW-1", "R-RW-5"),
        main=INSECURE_MIRRORS_2,
        pulls=(
            Pull(
                "127.0.0.1:5000/app:1",
                (
                    "127.0.0.2:5000/m1/app:1",
                    "127.0.0.3:5000/m2/app:1",
                    "127.0.0.1:5000/app:1",
                ),
            ),
            Pull(
                "127.0.0.1:5000/app/sub@D",
                (
                    "127.0.0.2:5000/m1/app/sub@D",
                    "127.0.0.3:5000/m2/app/sub@D",
                    "127.0.0.1:5000/app/sub@D",
                ),
            ),
            Pull(
                "127.0.0.1:5000/app",
                (
                    "127.0.0.2:5000/m1/app:latest",
                    "127.0.0.3:5000/m2/app:latest",
                    "127.0.0.1:5000/app:latest",
                ),
            ),
        ),
    ),
    Scenario(
        name="two-mirrors-second-has-it",
        doc="The first source that has the image wins; the primary is never contacted.",
        spec=("R-PULL-2", "R-PULL-6"),
        main=INSECURE_MIRRORS_2,
        serve=("127.0.0.3:5000/m2/app",),
        pulls=(
            Pull("127.0.0.1:5000/app:1", ("127.0.0.2:5000/m1/app:1", "127.0.0.3:5000/m2/app:1 ok")),
            Pull("127.0.0.1:5000/app@D", ("127.0.0.2:5000/m1/app@D", "127.0.0.3:5000/m2/app@D ok")),
        ),
    ),
    Scenario(
        name="insecure-per-source",
        doc=(
            "insecure is per endpoint: a secure mirror that has the image is refused (untrusted"
            " certificate), an insecure one is used; mirrors do not inherit the registry's flag."
        ),
        spec=("R-PULL-3",),
        main="""
[[registry]]
prefix = "127.0.0.1:5000/app"
location = "127.0.0.1:5000/app"
insecure = true

[[registry.mirror]]
location = "127.0.0.2:5000/secure/app"

[[registry.mirror]]
location = "127.0.0.4:5000/plain-http/app"
insecure = true

[[registry.mirror]]
location = "127.0.0.3:5000/insecure/app"
insecure = true
""",
        serve=("127.0.0.2:5000/secure/app", "127.0.0.3:5000/insecure/app"),
        pulls=(
            Pull(
                "127.0.0.1:5000/app:1",
                (
                    "127.0.0.2:5000/secure/app:1",
                    "127.0.0.4:5000/plain-http/app:1",
                    "127.0.0.3:5000/insecure/app:1 ok",
                ),
            ),
        ),
    ),
    Scenario(
        name="secure-registry-insecure-mirror",
        doc="A secure primary with an insecure plain-HTTP mirror that has the image.",
        spec=("R-PULL-3",),
        main="""
[[registry]]
location = "127.0.0.1:5000"

[[registry.mirror]]
location = "127.0.0.4:5000"
insecure = true
""",
        serve=("127.0.0.4:5000/app", "127.0.0.1:5000/other"),
        pulls=(
            Pull("127.0.0.1:5000/app:1", ("127.0.0.4:5000/app:1 ok",)),
            Pull("127.0.0.1:5000/other:1", ("127.0.0.4:5000/other:1", "127.0.0.1:5000/other:1")),
        ),
    ),
    Scenario(
        name="mirror-by-digest-only",
        doc="mirror-by-digest-only: mirrors only for digest references (tag+digest counts).",
        spec=("R-PULL-1", "R-PULL-4"),
        main=DIGEST_ONLY,
        pulls=(
            Pull("127.0.0.1:5000/dig/app:1", ("127.0.0.1:5000/dig/app:1",)),
            Pull("127.0.0.1:5000/dig/app", ("127.0.0.1:5000/dig/app:latest",)),
            Pull(
                "127.0.0.1:5000/dig/app@D",
                (
                    "127.0.0.2:5000/m1/app@D",
                    "127.0.0.3:5000/m2/app@D",
                    "127.0.0.1:5000/dig/app@D",
                ),
            ),
            # podman (libimage) drops the tag of a tag+digest reference before pulling;
            # the docker transport itself (skopeo) refuses such a reference.
            Pull(
                "127.0.0.1:5000/dig/app:1@D",
                (
                    "127.0.0.2:5000/m1/app@D",
                    "127.0.0.3:5000/m2/app@D",
                    "127.0.0.1:5000/dig/app@D",
                ),
                tool_expect={"skopeo": ()},
                tool_error={"skopeo": TAG_DIGEST_ERROR},
            ),
        ),
    ),
    Scenario(
        name="mirror-by-digest-only-served",
        doc="mirror-by-digest-only with the image on the second mirror only.",
        spec=("R-PULL-1",),
        main=DIGEST_ONLY,
        serve=("127.0.0.3:5000/m2/app",),
        pulls=(
            Pull("127.0.0.1:5000/dig/app:1", ("127.0.0.1:5000/dig/app:1",)),
            Pull(
                "127.0.0.1:5000/dig/app@D",
                ("127.0.0.2:5000/m1/app@D", "127.0.0.3:5000/m2/app@D ok"),
            ),
        ),
    ),
    Scenario(
        name="pull-from-mirror-every-value",
        doc='Four mirrors, one per pull-from-mirror value ("", all, digest-only, tag-only).',
        spec=("R-PULL-1",),
        main="""
[[registry]]
prefix = "127.0.0.1:5000/pfm"
location = "127.0.0.1:5000/pfm"
insecure = true

[[registry.mirror]]
location = "127.0.0.2:5000/unset"
insecure = true

[[registry.mirror]]
location = "127.0.0.2:5000/all"
insecure = true
pull-from-mirror = "all"

[[registry.mirror]]
location = "127.0.0.3:5000/digest-only"
insecure = true
pull-from-mirror = "digest-only"

[[registry.mirror]]
location = "127.0.0.3:5000/tag-only"
insecure = true
pull-from-mirror = "tag-only"
""",
        pulls=(
            Pull(
                "127.0.0.1:5000/pfm/app:1",
                (
                    "127.0.0.2:5000/unset/app:1",
                    "127.0.0.2:5000/all/app:1",
                    "127.0.0.3:5000/tag-only/app:1",
                    "127.0.0.1:5000/pfm/app:1",
                ),
            ),
            Pull(
                "127.0.0.1:5000/pfm/app",
                (
                    "127.0.0.2:5000/unset/app:latest",
                    "127.0.0.2:5000/all/app:latest",
                    "127.0.0.3:5000/tag-only/app:latest",
                    "127.0.0.1:5000/pfm/app:latest",
                ),
            ),
            Pull(
                "127.0.0.1:5000/pfm/app@D",
                (
                    "127.0.0.2:5000/unset/app@D",
                    "127.0.0.2:5000/all/app@D",
                    "127.0.0.3:5000/digest-only/app@D",
                    "127.0.0.1:5000/pfm/app@D",
                ),
            ),
        ),
    ),
    Scenario(
        name="pull-from-mirror-digest-only-served",
        doc="A digest-only mirror that has the image: used for digests, skipped for tags.",
        spec=("R-PULL-1",),
        main="""
[[registry]]
location = "127.0.0.1:5000"
insecure = true

[[registry.mirror]]
location = "127.0.0.2:5000/by-digest"
insecure = true
pull-from-mirror = "digest-only"
""",
        serve=("127.0.0.2:5000/by-digest/app",),
        pulls=(
            Pull("127.0.0.1:5000/app:1", ("127.0.0.1:5000/app:1",)),
            Pull("127.0.0.1:5000/app@D", ("127.0.0.2:5000/by-digest/app@D ok",)),
        ),
    ),
    Scenario(
        name="pull-from-mirror-tag-only-served",
        doc="A tag-only mirror that has the image: used for tags, skipped for digests.",
        spec=("R-PULL-1",),
        main="""
[[registry]]
location = "127.0.0.1:5000"
insecure = true

[[registry.mirror]]
location = "127.0.0.2:5000/by-tag"
insecure = true
pull-from-mirror = "tag-only"
""",
        serve=("127.0.0.2:5000/by-tag/app",),
        pulls=(
            Pull("127.0.0.1:5000/app:1", ("127.0.0.2:5000/by-tag/app:1 ok",)),
            Pull("127.0.0.1:5000/app@D", ("127.0.0.1:5000/app@D",)),
        ),
    ),
    Scenario(
        name="blocked-no-mirrors",
        doc="A blocked entry without mirrors: the only attempt is refused.",
        spec=("R-PULL-5", "R-MATCH-2"),
        main="""
[[registry]]
prefix = "127.0.0.1:5000/blocked"
location = "127.0.0.1:5000/blocked"
insecure = true
blocked = true
""",
        serve=("127.0.0.1:5000/blocked/app", "127.0.0.1:5000/blockedx/app"),
        pulls=(
            Pull(
                "127.0.0.1:5000/blocked/app:1",
                ("127.0.0.1:5000/blocked/app:1 blocked by 127.0.0.1:5000/blocked",),
            ),
            Pull(
                "127.0.0.1:5000/blocked:1",
                ("127.0.0.1:5000/blocked:1 blocked by 127.0.0.1:5000/blocked",),
            ),
            # no separator after the prefix: not covered, default registry (secure)
            Pull("127.0.0.1:5000/blockedx/app:1", ("127.0.0.1:5000/blockedx/app:1",)),
        ),
    ),
    Scenario(
        name="blocked-with-mirrors",
        doc="A blocked registry's mirrors are still tried; only the primary is refused.",
        spec=("R-PULL-5",),
        main="""
[[registry]]
prefix = "127.0.0.1:5000/quarantine"
location = "127.0.0.1:5000/quarantine"
insecure = true
blocked = true

[[registry.mirror]]
location = "127.0.0.2:5000/m1"
insecure = true

[[registry.mirror]]
location = "127.0.0.3:5000/m2"
insecure = true
""",
        serve=("127.0.0.3:5000/m2/app",),
        pulls=(
            Pull(
                "127.0.0.1:5000/quarantine/app:1",
                (
                    "127.0.0.2:5000/m1/app:1",
                    "127.0.0.3:5000/m2/app:1 ok",
                ),
            ),
            Pull(
                "127.0.0.1:5000/quarantine/other:1",
                (
                    "127.0.0.2:5000/m1/other:1",
                    "127.0.0.3:5000/m2/other:1",
                    "127.0.0.1:5000/quarantine/other:1 blocked by 127.0.0.1:5000/quarantine",
                ),
            ),
        ),
    ),
    Scenario(
        name="mirror-under-blocked-entry",
        doc="A mirror whose own location falls under another, blocked, entry is refused.",
        spec=("R-PULL-5", "R-PULL-6"),
        main="""
[[registry]]
prefix = "127.0.0.1:5000/app"
location = "127.0.0.1:5000/app"
insecure = true

[[registry.mirror]]
location = "127.0.0.2:5000/bad/app"
insecure = true

[[registry.mirror]]
location = "127.0.0.3:5000/good/app"
insecure = true

[[registry]]
prefix = "127.0.0.2:5000/bad"
location = "127.0.0.2:5000/bad"
insecure = true
blocked = true
""",
        serve=("127.0.0.2:5000/bad/app", "127.0.0.3:5000/good/app"),
        pulls=(
            Pull(
                "127.0.0.1:5000/app:1",
                (
                    "127.0.0.2:5000/bad/app:1 blocked by 127.0.0.2:5000/bad",
                    "127.0.0.3:5000/good/app:1 ok",
                ),
            ),
            Pull(
                "127.0.0.1:5000/app/other:1",
                (
                    "127.0.0.2:5000/bad/app/other:1 blocked by 127.0.0.2:5000/bad",
                    "127.0.0.3:5000/good/app/other:1",
                    "127.0.0.1:5000/app/other:1",
                ),
            ),
        ),
    ),
    Scenario(
        name="blocked-rewritten-away",
        doc=(
            "blocked with a location different from the prefix blocks nothing: the rewritten"
            " primary matches no entry.  Namespace-level blocking works below the namespace."
        ),
        spec=("R-PULL-5",),
        main="""
[[registry]]
prefix = "127.0.0.1:5000/old"
location = "127.0.0.2:5000/new"
insecure = true
blocked = true

[[registry]]
location = "127.0.0.3:5000/evil"
insecure = true
blocked = true
""",
        serve=("127.0.0.2:5000/new/app", "127.0.0.3:5000/evilx"),
        pulls=(
            Pull("127.0.0.1:5000/old/app:1", ("127.0.0.2:5000/new/app:1 ok",)),
            Pull(
                "127.0.0.3:5000/evil/app:1",
                ("127.0.0.3:5000/evil/app:1 blocked by 127.0.0.3:5000/evil",),
            ),
            Pull("127.0.0.3:5000/evilx:1", ("127.0.0.3:5000/evilx:1",)),
        ),
    ),
    Scenario(
        name="overlapping-prefixes",
        doc="The longest matching prefix wins; a prefix matches only up to a separator.",
        spec=("R-MATCH-2", "R-MATCH-4", "R-RW-1"),
        main="""
[[registry]]
prefix = "127.0.0.1:5000"
location = "127.0.0.5:5000"
insecure = true

[[registry]]
prefix = "127.0.0.1:5000/team"
location = "127.0.0.2:5000/team-all"
insecure = true

[[registry]]
prefix = "127.0.0.1:5000/team/app"
location = "127.0.0.3:5000/app-only"
insecure = true
""",
        pulls=(
            Pull("127.0.0.1:5000/team/app:1", ("127.0.0.3:5000/app-only:1",)),
            Pull("127.0.0.1:5000/team/app/x:1", ("127.0.0.3:5000/app-only/x:1",)),
            Pull("127.0.0.1:5000/team/application:1", ("127.0.0.2:5000/team-all/application:1",)),
            Pull("127.0.0.1:5000/team/other@D", ("127.0.0.2:5000/team-all/other@D",)),
            Pull("127.0.0.1:5000/teamx/app:1", ("127.0.0.5:5000/teamx/app:1",)),
        ),
    ),
    Scenario(
        name="overlapping-prefixes-dropin-order",
        doc="The same overlapping entries spread over drop-ins: file order does not matter.",
        spec=("R-MATCH-4", "R-LOAD-5"),
        main="""
[[registry]]
prefix = "127.0.0.1:5000/team/app"
location = "127.0.0.3:5000/app-only"
insecure = true
""",
        dropins={
            "50-team.conf": """
[[registry]]
prefix = "127.0.0.1:5000/team"
location = "127.0.0.2:5000/team-all"
insecure = true
""",
        },
        pulls=(
            Pull("127.0.0.1:5000/team/app:1", ("127.0.0.3:5000/app-only:1",)),
            Pull("127.0.0.1:5000/team/tools:1", ("127.0.0.2:5000/team-all/tools:1",)),
        ),
    ),
    Scenario(
        name="port-quirk",
        doc=(
            "A prefix without a port matches the same host with any port, and the port is"
            " carried onto the location; a longer prefix with the port wins for that port."
        ),
        spec=("R-MATCH-2", "R-RW-1", "§10.3"),
        main="""
[[registry]]
prefix = "127.0.0.1"
location = "127.0.0.2"
insecure = true

[[registry]]
prefix = "127.0.0.1:5001"
location = "127.0.0.3:5001"
insecure = true
""",
        serve=("127.0.0.2:5000/app",),
        pulls=(
            Pull("127.0.0.1:5000/app:1", ("127.0.0.2:5000/app:1 ok",)),
            Pull("127.0.0.1:5001/app:1", ("127.0.0.3:5001/app:1",)),
        ),
    ),
    Scenario(
        name="port-quirk-mirror-breaks-plan",
        doc=(
            "The port carried onto a mirror that has a path yields an invalid reference, and"
            " the whole plan fails before any attempt."
        ),
        spec=("R-RW-4", "§10.3"),
        main="""
[[registry]]
prefix = "127.0.0.5"
location = "127.0.0.5"
insecure = true

[[registry.mirror]]
location = "127.0.0.2:5000/m"
insecure = true
""",
        pulls=(Pull("127.0.0.5:5000/app:1", error=BAD_REWRITE),),
    ),
    Scenario(
        name="wildcard",
        doc=(
            "A *.localhost wildcard without location: the mirror replaces the host, the primary"
            " is the reference itself.  With a port in the reference, the port leaks into the"
            " mirror's rewrite and the plan fails."
        ),
        spec=("R-MATCH-3", "R-RW-2", "R-RW-3", "R-RW-4"),
        main="""
[[registry]]
prefix = "*.localhost"
insecure = true

[[registry.mirror]]
location = "127.0.0.2:5000/wild"
insecure = true
""",
        serve=("127.0.0.6:443/app",),
        pulls=(
            Pull("a.localhost/app:1", ("127.0.0.2:5000/wild/app:1", "a.localhost/app:1 ok")),
            Pull(
                "b.localhost/ns/app@D",
                (
                    "127.0.0.2:5000/wild/ns/app@D",
                    "b.localhost/ns/app@D",
                ),
            ),
            Pull("a.localhost:5000/app:1", error=BAD_REWRITE),
        ),
    ),
    Scenario(
        name="wildcard-location-keeps-port",
        doc="A wildcard with a location replaces the whole host but keeps the reference's port.",
        spec=("R-RW-3",),
        main="""
[[registry]]
prefix = "*.localhost"
location = "127.0.0.3"
insecure = true
""",
        serve=("127.0.0.3:5001/app",),
        pulls=(
            Pull("a.localhost:5001/app:1", ("127.0.0.3:5001/app:1 ok",)),
            Pull("b.localhost:5000/x/y:2", ("127.0.0.3:5000/x/y:2",)),
        ),
    ),
    Scenario(
        name="wildcard-ties-and-longer-literals",
        doc=(
            "*.localhost and a.localhost have the same length: the wildcard sorts first and"
            " wins; a longer literal prefix beats both."
        ),
        spec=("R-MATCH-3", "R-MATCH-4", "§10.1"),
        main="""
[[registry]]
prefix = "a.localhost"
location = "127.0.0.3:5000/literal"
insecure = true

[[registry]]
prefix = "*.localhost"
location = "127.0.0.2:5000/wild"
insecure = true

[[registry]]
prefix = "a.localhost/app"
location = "127.0.0.5:5000/longer"
insecure = true
""",
        pulls=(
            Pull("a.localhost/other:1", ("127.0.0.2:5000/wild/other:1",)),
            Pull("a.localhost/app:1", ("127.0.0.5:5000/longer:1",)),
            Pull("b.localhost/app:1", ("127.0.0.2:5000/wild/app:1",)),
        ),
    ),
    Scenario(
        name="dropin-replaces-entry",
        doc=(
            "A drop-in entry with the same prefix replaces the whole entry (mirrors, insecure,"
            " location); other entries of the main file stay."
        ),
        spec=("R-LOAD-5",),
        main="""
[[registry]]
prefix = "127.0.0.1:5000/app"
location = "127.0.0.1:5000/app"
insecure = true

[[registry.mirror]]
location = "127.0.0.2:5000/main-mirror/app"
insecure = true

[[registry]]
prefix = "127.0.0.1:5000/keep"
location = "127.0.0.1:5000/keep"
insecure = true

[[registry.mirror]]
location = "127.0.0.2:5000/kept-mirror"
insecure = true
""",
        dropins={
            "50-replace.conf": """
[[registry]]
prefix = "127.0.0.1:5000/app"
location = "127.0.0.3:5000/replaced"
insecure = true
""",
        },
        pulls=(
            Pull("127.0.0.1:5000/app:1", ("127.0.0.3:5000/replaced:1",)),
            Pull(
                "127.0.0.1:5000/keep/x:1",
                ("127.0.0.2:5000/kept-mirror/x:1", "127.0.0.1:5000/keep/x:1"),
            ),
        ),
    ),
    Scenario(
        name="dropin-order-and-names",
        doc=(
            "Drop-ins load in byte-lexical order (10-… before 2-…, so 2-… wins); a hidden"
            " .conf file is read; X.CONF is not."
        ),
        spec=("R-LOAD-3", "R-LOAD-5", "§10.9"),
        main="",
        dropins={
            "10-a.conf": """
[[registry]]
prefix = "127.0.0.1:5000/ord"
location = "127.0.0.2:5000/from-10"
insecure = true
""",
            "2-b.conf": """
[[registry]]
prefix = "127.0.0.1:5000/ord"
location = "127.0.0.3:5000/from-2"
insecure = true
""",
            ".hidden.conf": """
[[registry]]
prefix = "127.0.0.1:5000/hidden"
location = "127.0.0.5:5000/hidden-was-read"
insecure = true
""",
            "99-upper.CONF": """
[[registry]]
prefix = "127.0.0.1:5000/upper"
location = "127.0.0.5:5000/upper-was-read"
insecure = true
""",
        },
        pulls=(
            Pull("127.0.0.1:5000/ord/app:1", ("127.0.0.3:5000/from-2/app:1",)),
            Pull("127.0.0.1:5000/hidden/app:1", ("127.0.0.5:5000/hidden-was-read/app:1",)),
            Pull("127.0.0.1:5000/upper/app:1", ("127.0.0.1:5000/upper/app:1",)),
        ),
    ),
    Scenario(
        name="no-matching-entry",
        doc="No entry matches: the plan is the reference itself, secure (TLS refused).",
        spec=("R-MATCH-5",),
        main='unqualified-search-registries = ["127.0.0.2:5000"]\n',
        serve=("127.0.0.1:5000/app",),
        pulls=(
            Pull("127.0.0.1:5000/app:1", ("127.0.0.1:5000/app:1",)),
            Pull("localhost:5000/app@D", ("localhost:5000/app@D",)),
        ),
    ),
    Scenario(
        name="localhost-prefix",
        doc="localhost:PORT is a registry host; a prefix with a port matches only that port.",
        spec=("R-MATCH-2", "R-SN-1"),
        main="""
[[registry]]
prefix = "localhost:5000"
location = "127.0.0.2:5000"
insecure = true

[[registry]]
location = "localhost:5001"
insecure = true
""",
        serve=("127.0.0.1:5001/app",),
        pulls=(
            Pull("localhost:5000/app:1", ("127.0.0.2:5000/app:1",)),
            Pull("localhost:5001/app:1", ("localhost:5001/app:1 ok",)),
        ),
    ),
    Scenario(
        name="mirror-trailing-slash",
        doc=(
            "A mirror location with a trailing / is not trimmed (a 5.34.2 quirk, fixed in"
            " 5.35): its rewrite is invalid and the whole plan fails."
        ),
        spec=("R-CONF-6.5", "R-RW-4", "§10.6"),
        main="""
[[registry]]
prefix = "127.0.0.1:5000/app"
location = "127.0.0.1:5000/app"
insecure = true

[[registry.mirror]]
location = "127.0.0.2:5000/m/"
insecure = true
""",
        pulls=(Pull("127.0.0.1:5000/app:1", error=BAD_REWRITE),),
    ),
    Scenario(
        name="short-names-permissive",
        doc=(
            "No alias: one candidate per search registry, in order; each candidate has its"
            " own plan (mirrors first).  Without a TTY permissive mode tries them all."
        ),
        spec=("R-SN-1", "R-SN-3", "R-SN-4"),
        main=SEARCH_TWO.format(mode='short-name-mode = "permissive"'),
        serve=("127.0.0.3:5000/app",),
        pulls=(
            Pull(
                "app",
                (
                    "candidate 127.0.0.2:5000/app:latest",
                    "127.0.0.5:5000/cache/app:latest",
                    "127.0.0.2:5000/app:latest",
                    "candidate 127.0.0.3:5000/app:latest",
                    "127.0.0.3:5000/app:latest ok",
                ),
                tools=("podman",),
            ),
            Pull(
                "ns/tool:v1",
                (
                    "candidate 127.0.0.2:5000/ns/tool:v1",
                    "127.0.0.5:5000/cache/ns/tool:v1",
                    "127.0.0.2:5000/ns/tool:v1",
                    "candidate 127.0.0.3:5000/ns/tool:v1",
                    "127.0.0.3:5000/ns/tool:v1",
                ),
                tools=("podman",),
            ),
            Pull(
                "app@D",
                (
                    "candidate 127.0.0.2:5000/app@D",
                    "127.0.0.5:5000/cache/app@D",
                    "127.0.0.2:5000/app@D",
                    "candidate 127.0.0.3:5000/app@D",
                    "127.0.0.3:5000/app@D ok",
                ),
                tools=("podman",),
            ),
        ),
    ),
    Scenario(
        name="short-names-unset-mode",
        doc="short-name-mode unset means permissive.",
        spec=("R-SN-2", "R-LOAD-8"),
        main=SEARCH_TWO.format(mode=""),
        pulls=(
            Pull(
                "app:2",
                (
                    "candidate 127.0.0.2:5000/app:2",
                    "127.0.0.5:5000/cache/app:2",
                    "127.0.0.2:5000/app:2",
                    "candidate 127.0.0.3:5000/app:2",
                    "127.0.0.3:5000/app:2",
                ),
                tools=("podman",),
            ),
        ),
    ),
    Scenario(
        name="short-names-disabled",
        doc="disabled mode: every search-registry candidate, like permissive without a TTY.",
        spec=("R-SN-3",),
        main=SEARCH_TWO.format(mode='short-name-mode = "disabled"'),
        serve=("127.0.0.5:5000/cache/app",),
        pulls=(
            Pull(
                "app",
                (
                    "candidate 127.0.0.2:5000/app:latest",
                    "127.0.0.5:5000/cache/app:latest ok",
                ),
                tools=("podman",),
            ),
            Pull(
                "other",
                (
                    "candidate 127.0.0.2:5000/other:latest",
                    "127.0.0.5:5000/cache/other:latest",
                    "127.0.0.2:5000/other:latest",
                    "candidate 127.0.0.3:5000/other:latest",
                    "127.0.0.3:5000/other:latest",
                ),
                tools=("podman",),
            ),
        ),
    ),
    Scenario(
        name="short-names-enforcing",
        doc=(
            "enforcing mode with two candidates and no TTY is an error; an alias, or a single"
            " candidate, needs no prompt."
        ),
        spec=("R-SN-3",),
        main="""
unqualified-search-registries = ["127.0.0.2:5000", "127.0.0.3:5000"]
short-name-mode = "enforcing"

[aliases]
"aliased" = "127.0.0.3:5000/target"

[[registry]]
location = "127.0.0.3:5000"
insecure = true
""",
        pulls=(
            Pull(
                "app",
                tools=("podman",),
                error="short-name resolution enforced but cannot prompt without a TTY",
            ),
            Pull(
                "aliased:3",
                (
                    "candidate 127.0.0.3:5000/target:3",
                    "127.0.0.3:5000/target:3",
                ),
                tools=("podman",),
            ),
        ),
    ),
    Scenario(
        name="short-names-enforcing-single-registry",
        doc="enforcing mode with exactly one search registry: one candidate, no prompt.",
        spec=("R-SN-3",),
        main="""
unqualified-search-registries = ["127.0.0.3:5000"]
short-name-mode = "enforcing"

[[registry]]
location = "127.0.0.3:5000"
insecure = true
""",
        serve=("127.0.0.3:5000/app",),
        pulls=(
            Pull(
                "app",
                (
                    "candidate 127.0.0.3:5000/app:latest",
                    "127.0.0.3:5000/app:latest ok",
                ),
                tools=("podman",),
            ),
        ),
    ),
    Scenario(
        name="short-name-aliases",
        doc=(
            "An alias wins over the search list and keeps the input's tag or digest; the"
            " alias target's own entry (with a mirror) makes the plan.  library/app is not"
            " the alias app."
        ),
        spec=("R-SN-3", "R-SN-6", "R-SN-7"),
        main="""
unqualified-search-registries = ["127.0.0.2:5000"]

[aliases]
"app" = "127.0.0.1:5000/aliased/app"
"local" = "localhost:5001/tools/local"

[[registry]]
prefix = "127.0.0.1:5000/aliased"
location = "127.0.0.1:5000/aliased"
insecure = true

[[registry.mirror]]
location = "127.0.0.3:5000/alias-mirror"
insecure = true
""",
        pulls=(
            Pull(
                "app:v2",
                (
                    "candidate 127.0.0.1:5000/aliased/app:v2",
                    "127.0.0.3:5000/alias-mirror/app:v2",
                    "127.0.0.1:5000/aliased/app:v2",
                ),
                tools=("podman",),
            ),
            Pull(
                "app@D",
                (
                    "candidate 127.0.0.1:5000/aliased/app@D",
                    "127.0.0.3:5000/alias-mirror/app@D",
                    "127.0.0.1:5000/aliased/app@D",
                ),
                tools=("podman",),
            ),
            Pull(
                "library/app",
                (
                    "candidate 127.0.0.2:5000/library/app:latest",
                    "127.0.0.2:5000/library/app:latest",
                ),
                tools=("podman",),
            ),
            Pull(
                "local",
                (
                    "candidate localhost:5001/tools/local:latest",
                    "localhost:5001/tools/local:latest",
                ),
                tools=("podman",),
            ),
        ),
    ),
    Scenario(
        name="short-name-aliases-dropins",
        doc=(
            "Aliases merge per key across drop-ins (a later file wins); an empty value erases"
            " an alias, so the name falls back to the search list, which a drop-in set."
        ),
        spec=("R-LOAD-5", "R-LOAD-6", "R-SN-6"),
        main="""
unqualified-search-registries = ["127.0.0.5:5000"]

[aliases]
"app" = "127.0.0.1:5000/from-main/app"
"other" = "127.0.0.1:5000/from-main/other"
"kept" = "127.0.0.1:5000/from-main/kept"
""",
        dropins={
            "10-override.conf": """
[aliases]
"app" = "127.0.0.2:5000/from-dropin/app"
""",
            "20-erase.conf": """
unqualified-search-registries = ["127.0.0.3:5000"]

[aliases]
"other" = ""
""",
        },
        pulls=(
            Pull(
                "app",
                (
                    "candidate 127.0.0.2:5000/from-dropin/app:latest",
                    "127.0.0.2:5000/from-dropin/app:latest",
                ),
                tools=("podman",),
            ),
            Pull(
                "other",
                (
                    "candidate 127.0.0.3:5000/other:latest",
                    "127.0.0.3:5000/other:latest",
                ),
                tools=("podman",),
            ),
            Pull(
                "kept:1",
                (
                    "candidate 127.0.0.1:5000/from-main/kept:1",
                    "127.0.0.1:5000/from-main/kept:1",
                ),
                tools=("podman",),
            ),
        ),
    ),
    Scenario(
        name="short-name-nowhere",
        doc="No alias and no search registries: the error names the main file.",
        spec=("R-SN-5", "R-LOAD-6"),
        main="""
[aliases]
"other" = "127.0.0.1:5000/other"
""",
        pulls=(
            Pull(
                "app",
                tools=("podman",),
                error=(
                    'short-name "app" did not resolve to an alias and no unqualified-search'
                    f' registries are defined in "{CONF}"'
                ),
            ),
        ),
    ),
    Scenario(
        name="v1-format",
        doc="A v1 file: search, insecure and block lists become entries with the same effects.",
        spec=("§4",),
        main="""
[registries.search]
registries = ["127.0.0.2:5000", "127.0.0.3:5000"]

[registries.insecure]
registries = ["127.0.0.2:5000"]

[registries.block]
registries = ["127.0.0.3:5000"]
""",
        serve=("127.0.0.2:5000/present",),
        pulls=(
            Pull(
                "app",
                (
                    "candidate 127.0.0.2:5000/app:latest",
                    "127.0.0.2:5000/app:latest",
                    "candidate 127.0.0.3:5000/app:latest",
                    "127.0.0.3:5000/app:latest blocked by 127.0.0.3:5000",
                ),
                tools=("podman",),
            ),
            Pull(
                "present",
                (
                    "candidate 127.0.0.2:5000/present:latest",
                    "127.0.0.2:5000/present:latest ok",
                ),
                tools=("podman",),
            ),
            Pull("127.0.0.3:5000/x/y:1", ("127.0.0.3:5000/x/y:1 blocked by 127.0.0.3:5000",)),
        ),
    ),
    Scenario(
        name="v1-empty-arrays-with-v2",
        doc=(
            "An empty v1 list next to v2 keys.  5.34.2 counts an empty array as set, so this"
            " is a v1/v2 mix and every pull fails; 5.23.1 ignored empty v1 arrays."
        ),
        spec=("§10.17", "R-CONF"),
        main="""
unqualified-search-registries = ["127.0.0.2:5000"]

[[registry]]
location = "127.0.0.2:5000"
insecure = true

[registries.search]
registries = []
""",
        pulls=(
            Pull(
                "127.0.0.2:5000/app:1",
                error=MIXING,
                load_error=True,
                why=V1_EMPTY_WHY,
                v523={
                    "podman": ("candidate 127.0.0.2:5000/app:1", "127.0.0.2:5000/app:1"),
                    "skopeo": ("127.0.0.2:5000/app:1",),
                },
                v523_error={"podman": "", "skopeo": ""},
            ),
            Pull(
                "app",
                tools=("podman",),
                error=MIXING,
                load_error=True,
                why=V1_EMPTY_WHY,
                v523={
                    "podman": ("candidate 127.0.0.2:5000/app:latest", "127.0.0.2:5000/app:latest"),
                },
                v523_error={"podman": ""},
            ),
        ),
    ),
    Scenario(
        name="v1-v2-mixed",
        doc="Non-empty v1 and v2 keys together: every pull fails in both versions.",
        spec=("R-CONF",),
        main="""
unqualified-search-registries = ["127.0.0.2:5000"]

[registries.block]
registries = ["127.0.0.3:5000"]
""",
        pulls=(Pull("127.0.0.2:5000/app:1", error=MIXING, load_error=True),),
    ),
    Scenario(
        name="invalid-aliases",
        doc=(
            "Two invalid alias values: loading fails for every pull and reports both."
            '  5.34.2 joins the messages with a newline; 5.23.1 nested them with "\\n: ".'
        ),
        spec=("R-SN-7", "R-SN-8"),
        main=f"""
unqualified-search-registries = ["127.0.0.2:5000"]

[aliases]
"one" = "127.0.0.1:5000/x:tag"
"two" = "127.0.0.1:5000/y@{FAKE_DIGEST}"
""",
        pulls=(
            Pull(
                "127.0.0.2:5000/app:1",
                error=ALIAS_ERRORS,
                why=ALIAS_JOIN_WHY,
                v523_error={"podman": ALIAS_ERRORS, "skopeo": ALIAS_ERRORS},
                v523_contains='\n: invalid alias "',
                load_error=True,
            ),
            Pull(
                "one",
                tools=("podman",),
                error=ALIAS_ERRORS,
                why=ALIAS_JOIN_WHY,
                v523_error={"podman": ALIAS_ERRORS},
                v523_contains='\n: invalid alias "',
                load_error=True,
            ),
        ),
    ),
    Scenario(
        name="rewrite-to-uppercase-path",
        doc=(
            "A location with an uppercase path rewrites to a non-canonical name: the plan fails"
            " (uppercase is fine in a host, not in a path)."
        ),
        spec=("R-RW-4",),
        main="""
[[registry]]
prefix = "127.0.0.1:5000/app"
location = "127.0.0.2:5000/Upper"
insecure = true
""",
        pulls=(
            Pull(
                "127.0.0.1:5000/app:1",
                error="rewriting reference: invalid reference format: repository name must be"
                " lowercase",
            ),
        ),
    ),
    Scenario(
        name="digest-only-and-pull-from-mirror",
        doc="mirror-by-digest-only and a per-mirror pull-from-mirror together are refused.",
        spec=("R-CONF",),
        main="""
[[registry]]
location = "127.0.0.1:5000"
insecure = true
mirror-by-digest-only = true

[[registry.mirror]]
location = "127.0.0.2:5000"
insecure = true
pull-from-mirror = "tag-only"
""",
        pulls=(
            Pull(
                "127.0.0.1:5000/app:1",
                load_error=True,
                error=(
                    "cannot set mirror usage mirror-by-digest-only for the registry"
                    ' ("127.0.0.1:5000") and pull-from-mirror for per-mirror ("127.0.0.2:5000")'
                    " at the same time"
                ),
            ),
        ),
    ),
    Scenario(
        name="short-name-tag-and-digest",
        doc=(
            "A short name with a tag and a digest: podman drops the tag first, so every"
            " candidate carries the digest only."
        ),
        spec=("R-PULL-4", "R-SN-3"),
        main=SEARCH_TWO.format(mode=""),
        serve=("127.0.0.3:5000/app",),
        pulls=(
            Pull(
                "app:v1@D",
                (
                    "candidate 127.0.0.2:5000/app@D",
                    "127.0.0.5:5000/cache/app@D",
                    "127.0.0.2:5000/app@D",
                    "candidate 127.0.0.3:5000/app@D",
                    "127.0.0.3:5000/app@D ok",
                ),
                tools=("podman",),
            ),
        ),
    ),
)
