"""Deliberate deviations from containers/image 5.34.2 for robustness (docs/compat.md).

Each one turns what would be a hang or a crash in a long-running process into a typed error
that names the file.  Go's own behaviour is stated in the docstrings.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

import regresolve
from regresolve.openshift import objects_from_text


def test_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    """Go's open() of a FIFO blocks until a writer appears; we refuse it at once."""
    fifo = tmp_path / "registries.conf"
    os.mkfifo(fifo)
    result: list[BaseException] = []

    def load() -> None:
        try:
            regresolve.load_config(fifo, dropin_dirs=[], env={})
        except BaseException as e:
            result.append(e)

    t = threading.Thread(target=load, daemon=True)
    t.start()
    t.join(10)
    assert not t.is_alive(), "load_config blocked on a FIFO"
    assert isinstance(result[0], regresolve.InvalidConfig)
    assert result[0].path == str(fifo)
    assert "not a regular file" in str(result[0])


@pytest.mark.parametrize(("opener", "depth"), [("[", 5000), ("{a=", 500)])
def test_deep_toml_nesting_is_parsed_as_go_does(opener: str, depth: int) -> None:
    """No deviation any more: the decoder reads nested values with an explicit stack, so any
    depth parses, as in Go (where ``x`` is an unknown key, ignored).  (Inline tables cost
    both decoders time quadratic in the depth: BurntSushi re-walks the key path per level.)"""
    closer = "]" if opener == "[" else "}"
    text = "x = " + opener * depth + "1" + closer * depth + "\n"
    conf = regresolve.RegistriesConf.from_toml(text, path="/etc/containers/registries.conf")
    assert conf.registries == ()


def test_yaml_aliases_are_refused() -> None:
    """oc never writes YAML anchors; expanding them is the billion-laughs attack."""
    laughs = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    with pytest.raises(regresolve.RegresolveError, match="YAML aliases are not supported"):
        objects_from_text(laughs, path="objects.yaml")


def test_deep_json_nesting_is_a_typed_error() -> None:
    with pytest.raises(regresolve.RegresolveError, match="nested too deeply"):
        objects_from_text("[" * 100_000 + "]" * 100_000, path="objects.json")
