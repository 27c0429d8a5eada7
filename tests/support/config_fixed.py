# ruff: noqa: E501 - configuration texts are long lines
"""Hand-picked configuration sets the generator reaches only rarely.

``FIXED`` maps a name to a :class:`ConfigCase`: Unicode case folding in keys, type errors,
tables where arrays are expected, duplicate keys, odd drop-in directories and symlinks, and
Go's quoting of non-ASCII and control characters in error texts.  ``tests/test_config_oracle.py``
compares each against the oracle; ``tests/record_config_corpus.py`` records them.
"""

from __future__ import annotations

from support.strategies_config import ConfigCase

FIXED = {
    "kelvin-sign-key": ConfigCase(
        {
            "/etc/containers/registries.conf": '[[registry]]\nlocation = "a.com"\n"bloc\u212aed" = true\n'
        }
    ),
    "long-s-key": ConfigCase(
        {
            "/etc/containers/registries.conf": '[[registry]]\n"location" = "a.com"\n"in\u017fecure" = true\n'
        }
    ),
    "type-error-line-of-last-occurrence": ConfigCase(
        {
            "/etc/containers/registries.conf": (
                '[[registry]]\nlocation = "a.com"\ninsecure = "yes"\n\n'
                '[[registry]]\nlocation = "b.com"\ninsecure = true\n'
            )
        }
    ),
    "registry-as-table": ConfigCase(
        {"/etc/containers/registries.conf": '[registry]\nlocation = "a.com"\n'}
    ),
    "registry-as-string-elements": ConfigCase(
        {"/etc/containers/registries.conf": 'registry = ["a.com"]\n'}
    ),
    "aliases-array-of-tables": ConfigCase(
        {"/etc/containers/registries.conf": '[[aliases]]\nfoo = "a.com/foo"\n'}
    ),
    "aliases-string-with-v1": ConfigCase(
        {
            "/etc/containers/registries.conf": (
                'aliases = "x"\n[registries.search]\nregistries = ["a.com"]\n'
            )
        }
    ),
    "empty-key-in-aliases": ConfigCase(
        {"/etc/containers/registries.conf": '[aliases]\nfoo = "a.com/foo"\n"" = true\n'}
    ),
    "dotted-implicit-registry": ConfigCase(
        {"/etc/containers/registries.conf": 'registry.location = "a.com"\n'}
    ),
    "mixing-with-registries": ConfigCase(
        {
            "/etc/containers/registries.conf": (
                'unqualified-search-registries = ["a.com"]\ncredential-helpers = []\n'
                '[aliases]\nfoo = "a.com/foo"\n[registries.search]\nregistries = ["b.com"]\n'
                '[[registry]]\nprefix = "p.com/"\nlocation = "l.com"\nmirror = []\n'
                '[[registry]]\nlocation = "x.com"\n[[registry.mirror]]\nlocation = "m.com/"\n'
                'pull-from-mirror = "all"\n'
            )
        }
    ),
    "v1-dropin": ConfigCase(
        {
            "/etc/containers/registries.conf.d/a.conf": "[registries.block]\nregistries = []\n",
        }
    ),
    "bom-and-crlf": ConfigCase(
        {"/etc/containers/registries.conf": '\ufeff[[registry]]\r\nlocation = "a.com"\r\n'}
    ),
    "dropin-dir-is-conf-file": ConfigCase(
        {
            "/custom/one.conf": 'unqualified-search-registries = ["q.io"]\n',
        },
        system_registries_conf_dir_path="/custom/one.conf",
    ),
    "dropin-symlink-dangling": ConfigCase(
        {"/etc/containers/registries.conf.d": None},
        symlinks={"/etc/containers/registries.conf.d/x.conf": "nowhere.conf"},
    ),
    "dropin-symlink-loop": ConfigCase(
        {"/etc/containers/registries.conf.d": None},
        symlinks={"/etc/containers/registries.conf.d/x.conf": "x.conf"},
    ),
    "dropin-symlink-to-dir": ConfigCase(
        {"/etc/containers/registries.conf.d": None, "/srv/d": None},
        symlinks={"/etc/containers/registries.conf.d/x.conf": "../../../srv/d"},
    ),
    "dropin-dir-is-symlink": ConfigCase(
        {"/srv/real/a.conf": 'short-name-mode = "disabled"\n'},
        symlinks={"/etc/containers/registries.conf.d": "../../srv/real"},
    ),
    "duplicate-alias-key": ConfigCase(
        {"/etc/containers/registries.conf": '[aliases]\nfoo = "a.com/x"\nfoo = "b.com/x"\n'}
    ),
    "duplicate-table": ConfigCase({"/etc/containers/registries.conf": "[aliases]\n[aliases]\n"}),
    "duplicate-registry-key": ConfigCase(
        {"/etc/containers/registries.conf": '[[registry]]\nlocation = "a"\nlocation = "b"\n'}
    ),
    "duplicate-mirror-key": ConfigCase(
        {
            "/etc/containers/registries.conf": (
                '[[registry]]\nlocation = "a"\n[[registry.mirror]]\nlocation="x"\nlocation="y"\n'
            )
        }
    ),
    "table-then-array": ConfigCase(
        {"/etc/containers/registries.conf": "[registry]\n[[registry]]\n"}
    ),
    "inline-array-then-array-table": ConfigCase(
        {"/etc/containers/registries.conf": "[[registry]]\nmirror = []\n[[registry.mirror]]\n"}
    ),
    "duplicate-inline-key": ConfigCase(
        {"/etc/containers/registries.conf": 'registry = [{location = "a", location = "b"}]\n'}
    ),
    "main-is-directory": ConfigCase({"/etc/containers/registries.conf": None}),
    "explicit-main-missing": ConfigCase({}, system_registries_conf_path="/nope.conf"),
    "user-file-hides-system": ConfigCase(
        {
            "/home/user/.config/containers/registries.conf": "",
            "/etc/containers/registries.conf": 'unqualified-search-registries = ["a.com"]\n',
            "/etc/containers/registries.conf.d/a.conf": 'credential-helpers = ["x"]\n',
        }
    ),
    "non-utf8-is-not-reachable-here": ConfigCase(
        {"/etc/containers/registries.conf": 'short-name-mode = "prompt"\n'}
    ),
}


# Go %q and BurntSushi key quoting on non-ASCII and control characters.
_QUOTING = [
    '[[registry]]\nprefix = "é.com"\nlocation = "a"\npull-from-mirror = "x"\n',
    '[[registry]]\nprefix = "a\\u200bb"\nlocation = "a"\npull-from-mirror = "x"\n',
    '[[registry]]\nprefix = "a\\tb\\u0001\\u007f"\nlocation = "a"\npull-from-mirror = "x"\n',
    '[[registry]]\nprefix = "a\\U0001F600"\nlocation = "a"\npull-from-mirror = "x"\n',
    '[[registry]]\nprefix = "a\\u00a0b\\u2028"\nlocation = "a"\npull-from-mirror = "x"\n',
    '[aliases]\n"a\\"b" = "a.com/x"\n',
    '[aliases]\n"x" = "a.com/\\u0085"\n',
    '["é"]\nx = 1\n[[registry]]\ninsecure = "x"\n',
    '[[registry]]\n"a b" = 1\n[[registry]]\nblocked = 1\n',
    # An empty key in an inline table inside an array: BurntSushi keeps only the tables.
    'short-name-mode = [1, {"" = 1}]\n',
    'short-name-mode = [{"" = 1}, [2]]\n',
    'short-name-mode = [{"" = []}]\n',
    'registries = [1, {"" = ""}]\n',
    "credential-helpers = [[{'' = 1}], 'x']\n",
]
FIXED.update(
    {
        f"quoting-{i}": ConfigCase({"/etc/containers/registries.conf": text})
        for i, text in enumerate(_QUOTING)
    }
)
