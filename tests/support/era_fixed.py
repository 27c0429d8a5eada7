"""Fixed probes, one or more per behaviour change between containers/image eras (issue 14;
tests/oracle/eras/ERAS.md): the discovery and error-text cases that a generator would reach
only by luck.  Each is sent to every era oracle and compared with
:func:`support.era_compare.era_mismatches` (tests/test_eras_differential.py) and recorded
into every era corpus (tests/record_era_corpus.py).  The expected answers come from the
oracles; tests/test_oracle_eras_smoke.py pins what the Go sources say for most of them.
"""

from __future__ import annotations

from support.era_compare import Probe
from support.strategies_config import (
    CUSTOM_CONF,
    CUSTOM_DIR,
    SYSTEM_CONF,
    SYSTEM_DIR,
    USER_CONF,
    USER_DIR,
)
from support.strategies_eras import (
    ENV_CONF,
    ETC_ROOTFUL,
    ETC_ROOTLESS,
    ETC_ROOTLESS_UID,
    LEGACY_CONF,
    OTHER_CONF,
    OTHER_DIR,
    OTHER_HOME,
    OVERRIDE_CONF,
    TOML_QUIRKS,
    USR_CONF,
    USR_DIR,
    USR_ROOTFUL,
    XDG,
    XDG_CONF,
    XDG_DIR,
    EraCase,
)
from support.strategies_plan import DIGEST

__all__ = ["FIXED_PROBES"]

SYS, DROPINS = SYSTEM_CONF, SYSTEM_DIR

REFS = (
    "a.com/x:1",
    f"a.com/x@{DIGEST}",
    "a.com/ns/x",
    "m.com/x:1",
    "quay.io/ns/x:1",
    "blocked.io/x",
    "busybox",
    "docker.io/library/busybox:1",
    f"a.com/x:1@{DIGEST}",
    "localhost:5000/x",
)
NAMES = ("foo", "busybox", "ns/bar")


def usr(*registries: str) -> str:
    return "unqualified-search-registries = [" + ", ".join(f'"{r}"' for r in registries) + "]\n"


def mode(name: str) -> str:
    return f'short-name-mode = "{name}"\n'


def probe(
    files: dict[str, str | None],
    *,
    refs: tuple[str, ...] = REFS,
    names: tuple[str, ...] = NAMES,
    links: dict[str, str] | None = None,
    path: str | None = None,
    dir_path: str | None = None,
    env: dict[str, str | None] | None = None,
    home: str | None = None,
) -> Probe:
    case = EraCase(
        files,
        symlinks=links or {},
        system_registries_conf_path=path,
        system_registries_conf_dir_path=dir_path,
        home=home,
        env=env or {},
    )
    return Probe(case, refs=refs, names=names)


MIRRORS = (
    '[[registry]]\nlocation = "a.com"\n'
    '[[registry.mirror]]\nlocation = "d.com"\npull-from-mirror = "digest-only"\n'
    '[[registry.mirror]]\nlocation = "t.com"\npull-from-mirror = "tag-only"\n'
    '[[registry.mirror]]\nlocation = "m.com"\npull-from-mirror = "all"\n'
)
BLOCKED = '[[registry]]\nlocation = "blocked.io"\nblocked = true\n'
TRAILING = (
    '[[registry]]\nlocation = "a.com"\n'
    '[[registry.mirror]]\nlocation = "m.com/"\n'
    '[[registry.mirror]]\nlocation = "m.com//"\n'
    '[[registry.mirror]]\nlocation = "m.com/ns/"\ninsecure = true\n'
)
NSPROXY = (
    '[[registry]]\nprefix = "a.com"\nlocation = "proxy.io"\nnamespace-proxy = "docker.io"\n'
    '[[registry.mirror]]\nlocation = "m.com"\nnamespace-proxy = "quay.io/ns"\n'
    '[[registry.mirror]]\nlocation = "n.com"\n'
)
V1 = (
    '[registries.search]\nregistries = ["quay.io", "docker.io"]\n'
    '[registries.insecure]\nregistries = ["a.com"]\n'
    '[registries.block]\nregistries = ["blocked.io"]\n'
)

FIXED_PROBES: dict[str, Probe] = {
    # -- pull-from-mirror (5.21: every era) --
    "pfm/digest-tag-all": probe({SYS: MIRRORS}),
    "pfm/invalid-value": probe(
        {
            SYS: '[[registry]]\nlocation = "a.com"\n[[registry.mirror]]\nlocation = "m.com"\n'
            'pull-from-mirror = "none"\n'
        }
    ),
    "pfm/on-a-registry": probe(
        {SYS: '[[registry]]\nlocation = "a.com"\npull-from-mirror = "all"\n'}
    ),
    "pfm/with-mirror-by-digest-only": probe(
        {
            SYS: '[[registry]]\nlocation = "a.com"\nmirror-by-digest-only = true\n'
            '[[registry.mirror]]\nlocation = "m.com"\npull-from-mirror = "all"\n'
        }
    ),
    # -- v1 and v2 (5.24 detection and dump, 5.32 dump field, 5.40 hard error) --
    "v1/empty-array-next-to-v2": probe(
        {SYS: usr("quay.io") + "[registries.search]\nregistries = []\n"}
    ),
    "v1/empty-arrays-next-to-registry": probe(
        {
            SYS: MIRRORS
            + "[registries.insecure]\nregistries = []\n[registries.block]\nregistries = []\n"
        }
    ),
    "v1/next-to-v2-dump": probe(
        {
            SYS: usr("quay.io")
            + mode("enforcing")
            + 'credential-helpers = ["pass"]\n'
            + TRAILING
            + '[aliases]\nfoo = "quay.io/foo"\nbar = "a.com/bar"\n'
            + '[registries.search]\nregistries = ["docker.io"]\n'
        }
    ),
    "v1/dump-with-helper": probe(
        {
            SYS: 'additional-layer-store-auth-helper = "als"\n'
            + usr("quay.io")
            + '[registries.block]\nregistries = ["x.io"]\n'
        }
    ),
    "v1/dump-quoting": probe(
        {
            SYS: '[[registry]]\nlocation = "a.com/\\"q\\"\\u00e9\\t"\n'
            '[registries.search]\nregistries = ["\\u061d"]\n'
        }
    ),
    "v1/only-empty-arrays": probe({SYS: "[registries.search]\nregistries = []\n"}),
    "v1/file": probe({SYS: V1}),
    "v1/file-empty-aliases-table": probe({SYS: V1 + "[aliases]\n"}),
    "v1/file-with-alias": probe({SYS: V1 + '[aliases]\nfoo = "quay.io/foo"\n'}),
    "v1/user-file": probe({USER_CONF: V1, SYS: usr("docker.io")}),
    "v1/dropin": probe({SYS: usr("docker.io"), f"{DROPINS}/a.conf": V1}),
    "v1/dropin-empty-arrays": probe(
        {SYS: usr("docker.io"), f"{DROPINS}/a.conf": "[registries.block]\nregistries = []\n"}
    ),
    "v1/user-dropin": probe({USER_CONF: usr("docker.io"), f"{USER_DIR}/a.conf": V1}),
    "v1/override-file": probe(
        {SYS: usr("docker.io"), OVERRIDE_CONF: V1},
        env={"CONTAINERS_REGISTRIES_CONF_OVERRIDE": OVERRIDE_CONF},
    ),
    # -- several alias errors (5.31: separator and order) --
    "aliases/two-invalid": probe({SYS: '[aliases]\n"foo:1" = "quay.io/foo"\nbar = "b:1"\n'}),
    "aliases/three-invalid": probe(
        {
            SYS: '[aliases]\n"a.com/x" = "quay.io/x"\nfoo = "foo"\nbar = "a.com/bar:1"\n'
            'ok = "quay.io/ok"\n'
        }
    ),
    "aliases/invalid-in-dropin": probe(
        {SYS: usr("quay.io"), f"{DROPINS}/a.conf": '[aliases]\nFoo = "quay.io/foo"\nbar = "b"\n'}
    ),
    # -- additional-layer-store-auth-helper (5.32) --
    "als/string": probe({SYS: 'additional-layer-store-auth-helper = "helper"\n'}),
    "als/wrong-type-int": probe({SYS: "additional-layer-store-auth-helper = 1\n" + usr("quay.io")}),
    "als/wrong-type-array": probe(
        {SYS: usr("quay.io"), f"{DROPINS}/a.conf": 'additional-layer-store-auth-helper = ["h"]\n'}
    ),
    "als/dropin-merge": probe(
        {
            SYS: 'additional-layer-store-auth-helper = "a"\n',
            f"{DROPINS}/1.conf": 'additional-layer-store-auth-helper = "b"\n',
            f"{DROPINS}/2.conf": 'additional-layer-store-auth-helper = ""\n',
        }
    ),
    # -- a drop-in that vanished (5.34) and other open errors --
    "dropin/dangling-symlink": probe(
        {SYS: usr("quay.io"), DROPINS: None}, links={f"{DROPINS}/x.conf": "nowhere.conf"}
    ),
    "dropin/dangling-symlink-user-dir": probe(
        {USER_CONF: usr("quay.io"), USER_DIR: None}, links={f"{USER_DIR}/x.conf": "/nowhere.conf"}
    ),
    "dropin/dangling-symlink-custom-dir": probe(
        {SYS: usr("quay.io"), CUSTOM_DIR: None, f"{CUSTOM_DIR}/b.conf": mode("enforcing")},
        links={f"{CUSTOM_DIR}/a.conf": "nowhere.conf"},
        dir_path=CUSTOM_DIR,
    ),
    "dropin/symlink-loop": probe({SYS: usr("quay.io")}, links={f"{DROPINS}/x.conf": "x.conf"}),
    "dropin/symlink-to-file": probe(
        {SYS: usr("quay.io"), "/srv/linked.conf": BLOCKED},
        links={f"{DROPINS}/x.conf": "/srv/linked.conf"},
    ),
    "dropin/directory-named-conf": probe(
        {SYS: usr("quay.io"), f"{DROPINS}/sub.conf": None, f"{DROPINS}/sub.conf/x.conf": "invalid"}
    ),
    "dropin/decode-error": probe({SYS: usr("quay.io"), f"{DROPINS}/a.conf": "invalid\n"}),
    "dropin/validation-error": probe(
        {SYS: usr("quay.io"), f"{DROPINS}/a.conf": '[[registry]]\nprefix = "a.com"\n'}
    ),
    "dropin/type-error": probe({SYS: usr("quay.io"), f"{DROPINS}/a.conf": "short-name-mode = 1\n"}),
    # -- mirror locations with a trailing "/" (5.35) --
    "mirror/trailing-slash": probe({SYS: TRAILING}),
    "mirror/trailing-slash-digest-only": probe(
        {
            SYS: '[[registry]]\nlocation = "a.com"\nmirror-by-digest-only = true\n'
            '[[registry.mirror]]\nlocation = "m.com/ns/"\n'
        }
    ),
    "mirror/slash-only": probe(
        {SYS: '[[registry]]\nlocation = "a.com"\n[[registry.mirror]]\nlocation = "/"\n'}
    ),
    "mirror/trailing-slash-to-blocked": probe(
        {
            SYS: '[[registry]]\nlocation = "a.com"\n[[registry.mirror]]\nlocation = "blocked.io/"\n'
            + BLOCKED
        }
    ),
    "mirror/trailing-slash-inline": probe(
        {SYS: 'registry = [{location = "a.com", mirror = [{location = "m.com/"}]}]\n'}
    ),
    "mirror/primary-trailing-slash": probe(
        {SYS: '[[registry]]\nprefix = "a.com"\nlocation = "m.com/ns/"\n'}
    ),
    # -- discovery (5.40) --
    "discovery/nothing": probe({}),
    "discovery/usr-share-only": probe({USR_CONF: usr("usr.io") + BLOCKED}),
    "discovery/etc-and-usr-share": probe(
        {SYS: usr("etc.io"), USR_CONF: usr("usr.io") + mode("enforcing")}
    ),
    "discovery/user-etc-usr-share": probe(
        {USER_CONF: usr("user.io"), SYS: usr("etc.io"), USR_CONF: usr("usr.io")}
    ),
    "discovery/user-file-and-etc-dropins": probe(
        {USER_CONF: usr("user.io"), f"{DROPINS}/x.conf": mode("disabled") + BLOCKED}
    ),
    "discovery/masking": probe(
        {
            SYS: usr("etc.io"),
            f"{USER_DIR}/50.conf": usr("user.io"),
            f"{DROPINS}/50.conf": mode("disabled"),
            f"{USR_DIR}/50.conf": BLOCKED,
            f"{USR_DIR}/60.conf": 'credential-helpers = ["pass"]\n',
        }
    ),
    "discovery/basename-order-across-dirs": probe(
        {
            f"{USER_DIR}/10.conf": usr("user.io"),
            f"{DROPINS}/20.conf": usr("etc.io"),
            f"{USR_DIR}/05.conf": usr("usr.io") + mode("enforcing"),
            f"{ETC_ROOTFUL}/30.conf": mode("disabled"),
        }
    ),
    "discovery/rootful-dirs": probe(
        {
            f"{ETC_ROOTFUL}/a.conf": usr("rootful.io"),
            f"{USR_ROOTFUL}/b.conf": mode("enforcing"),
            f"{ETC_ROOTLESS_UID}/c.conf": usr("u1000.io"),
        }
    ),
    "discovery/rootless-uid": probe(
        {
            f"{ETC_ROOTFUL}/a.conf": usr("rootful.io"),
            f"{ETC_ROOTLESS_UID}/a.conf": usr("u1000.io"),
            f"{ETC_ROOTLESS}/b.conf": mode("enforcing") + BLOCKED,
        },
        env={"_CONTAINERS_ROOTLESS_UID": "1000"},
    ),
    "discovery/rootless-generic-dir": probe(
        {f"{ETC_ROOTLESS}/b.conf": usr("rootless.io")}, env={"_CONTAINERS_ROOTLESS_UID": "1000"}
    ),
    "discovery/env-conf": probe(
        {
            ENV_CONF: usr("env.io"),
            SYS: usr("etc.io"),
            f"{DROPINS}/x.conf": mode("disabled") + BLOCKED,
        },
        env={"CONTAINERS_REGISTRIES_CONF": ENV_CONF},
    ),
    "discovery/env-conf-missing": probe(
        {SYS: usr("etc.io")}, env={"CONTAINERS_REGISTRIES_CONF": ENV_CONF}
    ),
    "discovery/env-conf-empty": probe(
        {SYS: usr("etc.io"), LEGACY_CONF: usr("legacy.io")},
        env={"CONTAINERS_REGISTRIES_CONF": "", "REGISTRIES_CONFIG_PATH": LEGACY_CONF},
    ),
    "discovery/legacy-registries-config-path": probe(
        {SYS: usr("etc.io"), LEGACY_CONF: usr("legacy.io")},
        env={"REGISTRIES_CONFIG_PATH": LEGACY_CONF},
    ),
    "discovery/override": probe(
        {
            SYS: usr("etc.io") + BLOCKED,
            OVERRIDE_CONF: usr("override.io"),
            f"{DROPINS}/x.conf": mode("disabled"),
        },
        env={"CONTAINERS_REGISTRIES_CONF_OVERRIDE": OVERRIDE_CONF},
    ),
    "discovery/override-missing": probe(
        {SYS: usr("etc.io")}, env={"CONTAINERS_REGISTRIES_CONF_OVERRIDE": OVERRIDE_CONF}
    ),
    "discovery/override-invalid": probe(
        {SYS: usr("etc.io"), OVERRIDE_CONF: 'short-name-mode = "prompt"\n'},
        env={"CONTAINERS_REGISTRIES_CONF_OVERRIDE": OVERRIDE_CONF},
    ),
    "discovery/env-conf-and-override": probe(
        {
            ENV_CONF: usr("env.io") + BLOCKED,
            OVERRIDE_CONF: mode("enforcing"),
            f"{DROPINS}/x.conf": usr("x.io"),
        },
        env={
            "CONTAINERS_REGISTRIES_CONF": ENV_CONF,
            "CONTAINERS_REGISTRIES_CONF_OVERRIDE": OVERRIDE_CONF,
        },
    ),
    "discovery/override-with-dir-path": probe(
        {
            SYS: usr("etc.io"),
            OVERRIDE_CONF: usr("override.io"),
            f"{CUSTOM_DIR}/a.conf": mode("enforcing"),
        },
        dir_path=CUSTOM_DIR,
        env={"CONTAINERS_REGISTRIES_CONF_OVERRIDE": OVERRIDE_CONF},
    ),
    "discovery/env-conf-and-dir-path": probe(
        {ENV_CONF: usr("env.io"), f"{CUSTOM_DIR}/a.conf": mode("enforcing") + BLOCKED},
        dir_path=CUSTOM_DIR,
        env={"CONTAINERS_REGISTRIES_CONF": ENV_CONF},
    ),
    "discovery/env-conf-dir-path-and-override": probe(
        {ENV_CONF: usr("env.io"), OVERRIDE_CONF: mode("disabled"), f"{CUSTOM_DIR}/a.conf": BLOCKED},
        dir_path=CUSTOM_DIR,
        env={
            "CONTAINERS_REGISTRIES_CONF": ENV_CONF,
            "CONTAINERS_REGISTRIES_CONF_OVERRIDE": OVERRIDE_CONF,
        },
    ),
    "discovery/explicit-path-missing": probe({SYS: usr("etc.io")}, path=CUSTOM_CONF),
    "discovery/explicit-path-and-env-conf": probe(
        {
            CUSTOM_CONF: usr("custom.io"),
            ENV_CONF: usr("env.io"),
            f"{DROPINS}/a.conf": mode("enforcing"),
        },
        path=CUSTOM_CONF,
        env={"CONTAINERS_REGISTRIES_CONF": ENV_CONF},
    ),
    "discovery/explicit-path-and-dir-path": probe(
        {
            CUSTOM_CONF: usr("custom.io") + BLOCKED,
            f"{CUSTOM_DIR}/a.conf": mode("enforcing"),
            f"{DROPINS}/a.conf": mode("disabled"),
        },
        path=CUSTOM_CONF,
        dir_path=CUSTOM_DIR,
    ),
    "discovery/dir-path-replaces-all": probe(
        {
            SYS: usr("etc.io"),
            f"{CUSTOM_DIR}/a.conf": mode("enforcing"),
            f"{USER_DIR}/a.conf": usr("user.io"),
            f"{USR_DIR}/b.conf": BLOCKED,
        },
        dir_path=CUSTOM_DIR,
    ),
    "discovery/xdg-config-home": probe(
        {
            XDG_CONF: usr("xdg.io"),
            f"{XDG_DIR}/a.conf": mode("enforcing"),
            USER_CONF: usr("user.io"),
            f"{USER_DIR}/b.conf": BLOCKED,
        },
        env={"XDG_CONFIG_HOME": XDG},
    ),
    "discovery/other-home": probe(
        {OTHER_CONF: usr("other.io"), f"{OTHER_DIR}/a.conf": BLOCKED, USER_CONF: usr("user.io")},
        home=OTHER_HOME,
    ),
    "discovery/dropin-dir-is-a-file": probe({SYS: usr("etc.io"), DROPINS: "not a directory"}),
    "discovery/user-dropin-dir-is-a-file": probe({SYS: usr("etc.io"), USER_DIR: "x"}),
    "discovery/main-file-is-a-directory": probe({SYS: None, USR_CONF: usr("usr.io")}),
    # -- origin of the search registries (5.40) --
    "origin/main-without-search-registries": probe({SYS: mode("enforcing")}),
    "origin/search-registries-in-dropin-only": probe(
        {SYS: mode("enforcing"), f"{DROPINS}/a.conf": usr("dropin.io")}
    ),
    "origin/empty-search-registries": probe({SYS: "unqualified-search-registries = []\n"}),
    "origin/no-files-disabled-mode": probe({f"{DROPINS}/a.conf": mode("disabled")}),
    "origin/user-file-without-search-registries": probe({USER_CONF: mode("permissive")}),
    # -- the blocked text (5.40) --
    "blocked/etc": probe({SYS: BLOCKED}),
    "blocked/user-file": probe({USER_CONF: BLOCKED}),
    "blocked/dropin": probe({f"{USER_DIR}/a.conf": BLOCKED}),
    "blocked/mirror-of-blocked": probe(
        {
            SYS: BLOCKED
            + '[[registry]]\nlocation = "a.com"\n[[registry.mirror]]\nlocation = "blocked.io"\n'
        }
    ),
    "blocked/with-env-conf": probe(
        {ENV_CONF: BLOCKED}, env={"CONTAINERS_REGISTRIES_CONF": ENV_CONF}
    ),
    "blocked/with-dir-path": probe({SYS: BLOCKED, CUSTOM_DIR: None}, dir_path=CUSTOM_DIR),
    # -- namespace-proxy (5.41) --
    "nsproxy/registry-and-mirror": probe({SYS: NSPROXY}),
    "nsproxy/wrong-type-registry": probe(
        {SYS: '[[registry]]\nlocation = "a.com"\nnamespace-proxy = 1\n'}
    ),
    "nsproxy/wrong-type-mirror": probe(
        {
            SYS: '[[registry]]\nlocation = "a.com"\n[[registry.mirror]]\nlocation = "m.com"\n'
            "namespace-proxy = true\n"
        }
    ),
    "nsproxy/inline-table": probe(
        {
            SYS: 'registry = [{location = "a.com", namespace-proxy = "x", '
            'mirror = [{location = "m.com/", namespace-proxy = "y"}]}]\n'
        }
    ),
    "nsproxy/dropin-replaces-registry": probe(
        {SYS: NSPROXY, f"{DROPINS}/a.conf": '[[registry]]\nprefix = "a.com"\nlocation = "b.com"\n'}
    ),
    "nsproxy/blocked": probe(
        {SYS: '[[registry]]\nlocation = "blocked.io"\nblocked = true\nnamespace-proxy = "ns"\n'}
    ),
    # -- the TOML decoders of the eras --
    **{f"toml/{i:02d}": probe({SYS: text}) for i, text in enumerate(TOML_QUIRKS)},
    "toml/bom-dropin": probe(
        {SYS: usr("quay.io"), f"{DROPINS}/a.conf": "\ufeff" + mode("enforcing")}
    ),
}
