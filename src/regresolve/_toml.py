"""The TOML layer for the rest of regresolve.

Every TOML input (registries.conf, its drop-ins, the short-name alias cache, the OpenShift base
file) is decoded by :mod:`regresolve._tomldecode`, which decodes as BurntSushi/toml 1.4.0
(containers/image 5.34.2's decoder) does, or as another release when asked: what it accepts and
refuses, its values, the key positions its type errors name, its error texts. This module keeps
the names the rest of the package has always used for it.
"""

from __future__ import annotations

from typing import Any

from regresolve._tomldecode import Document, TableArray, TomlDecodeError, decode

__all__ = ["Document", "TableArray", "TomlSyntaxError", "decode", "loads_with_lines"]

#: A document BurntSushi refuses (the command line catches it under this name).
TomlSyntaxError = TomlDecodeError


def loads_with_lines(
    data: str | bytes, *, toml: str = "1.4"
) -> tuple[dict[str, Any], dict[str, tuple[int, bool]]]:
    """The document and BurntSushi's key positions (``go_key(path) -> (line, from [[...]])``).

    For tools that report on a file (``regresolve check``); ``toml``: the BurntSushi/toml
    release to decode as (:func:`regresolve._tomldecode.decode`); raises
    :class:`TomlSyntaxError`.
    """
    doc = decode(data, toml=toml)
    return doc.values, doc.key_lines
