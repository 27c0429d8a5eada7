"""regresolve.diff: what changes between two configurations, classified.

The differential test builds configuration pairs (a generated *before* and a one-edit *after*),
asks the Go oracle for every plan on both sides, and checks that ``diff_images`` reports a
change for an image exactly when Go's two plans differ in any field (error, reference, every
source attribute).  Unit tests pin each class on hand-written pairs whose expected changes follow
from the documented rules (docs/semantics.md), not from our output.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import regresolve
from regresolve import InvalidConfig, Mirror, RegistriesConf, Resolver
from regresolve.diff import CHANGE_KINDS, diff_images
from support.oracle_size import examples, is_ci_size
from support.pycompat import strict_zip
from support.strategies_plan import plan_cases, references

SYSTEM_CONF = "/etc/containers/registries.conf"
EMPTY_DIR = "/etc/containers/registries.conf.d"
DIGEST = "sha256:" + "0123456789abcdef" * 4
PAIRS = {"pairs": 0, "changed": 0}
MIN_CI_PAIRS = 10_000


def _conf(text: str) -> RegistriesConf:
    return RegistriesConf.from_toml(text, path=SYSTEM_CONF, dropin_dir=EMPTY_DIR)


def _kinds(before: str, after: str, image: str) -> list[str]:
    report = diff_images(Resolver(_conf(before)), Resolver(_conf(after)), [image])
    return [c.kind for d in report.changed for c in d.changes]


# -- classes on hand-written pairs ------------------------------------------------------------

BASE = '[[registry]]\nprefix = "quay.io"\nlocation = "quay.io"\n'


def test_nothing_changes() -> None:
    assert _kinds(BASE, BASE, "quay.io/a/b:1") == []


def test_a_mirror_added_for_tags() -> None:
    # SPEC R-PULL-1: a mirror without pull-from-mirror serves tags too; it is tried first.
    after = BASE + '[[registry.mirror]]\nlocation = "m.example.com/q"\n'
    assert _kinds(BASE, after, "quay.io/a/b:1") == ["sources-added"]


def test_a_digest_only_mirror_does_not_change_a_pull_by_tag() -> None:
    after = BASE + (
        '[[registry.mirror]]\nlocation = "m.example.com/q"\npull-from-mirror = "digest-only"\n'
    )
    assert _kinds(BASE, after, "quay.io/a/b:1") == []
    assert _kinds(BASE, after, f"quay.io/a/b@{DIGEST}") == ["sources-added"]


def test_blocking_the_registry() -> None:
    after = BASE.replace('location = "quay.io"\n', 'location = "quay.io"\nblocked = true\n')
    assert _kinds(BASE, after, "quay.io/a/b:1") == ["blocked"]


def test_tls_verification_turned_off() -> None:
    after = BASE.replace('location = "quay.io"\n', 'location = "quay.io"\ninsecure = true\n')
    assert _kinds(BASE, after, "quay.io/a/b:1") == ["tls"]


def test_mirrors_reordered() -> None:
    two = (
        '[[registry.mirror]]\nlocation = "m1.example.com"\n'
        '[[registry.mirror]]\nlocation = "m2.example.com"\n'
    )
    swapped = two.replace("m1", "mX").replace("m2", "m1").replace("mX", "m2")
    assert _kinds(BASE + two, BASE + swapped, "quay.io/a:1") == ["sources-reordered"]


def test_a_rewrite_that_starts_failing() -> None:
    # SPEC R-RW-4: a mirror whose rewrite is not a valid reference fails the whole plan.
    after = BASE + '[[registry.mirror]]\nlocation = "m.example.com/Q"\n'
    assert _kinds(BASE, after, "quay.io/a:1") == ["error", "sources-removed"]


def test_short_name_candidates_changed() -> None:
    before = 'unqualified-search-registries = ["quay.io"]\n'
    after = 'unqualified-search-registries = ["quay.io", "docker.io"]\n'
    kinds = _kinds(before, after, "nginx")
    assert kinds == ["candidates", "sources-added"]


def test_policy_verdict_changed() -> None:
    accept = regresolve.parse_policy('{"default": [{"type": "insecureAcceptAnything"}]}')
    reject = regresolve.parse_policy(
        '{"default": [{"type": "insecureAcceptAnything"}],'
        ' "transports": {"docker": {"quay.io": [{"type": "reject"}]}}}'
    )
    r = Resolver(_conf(BASE))
    report = diff_images(r, r, ["quay.io/a:1"], before_policy=accept, after_policy=reject)
    assert [c.kind for c in report.changed[0].changes] == ["policy"]


def test_a_version_upgrade_with_one_configuration() -> None:
    # The same file under two programs: skopeo refuses tag+digest, podman pulls by digest.
    r = Resolver(_conf(BASE))
    report = diff_images(
        r,
        r,
        [f"quay.io/a:1@{DIGEST}", "quay.io/a:1"],
        before_profile=regresolve.product_profile("skopeo"),
        after_profile=regresolve.product_profile("podman-5.4"),
    )
    assert [d.image for d in report.changed] == [f"quay.io/a:1@{DIGEST}"]
    assert report.counts == {"error": 1, "sources-added": 1}
    assert report.compared == 2


def test_report_json_has_every_class() -> None:
    after = BASE + '[[registry.mirror]]\nlocation = "m.example.com/q"\n'
    report = diff_images(Resolver(_conf(BASE)), Resolver(_conf(after)), ["quay.io/a:1"] * 3)
    data = report.to_dict()
    assert data["compared"] == 1
    assert list(data["counts"]) == list(CHANGE_KINDS)
    assert data["images"][0]["before"]["sources"][0]["reference"] == "quay.io/a:1"


# -- against the oracle -----------------------------------------------------------------------

EDITS = ("add-mirror", "block", "insecure", "pfm", "drop", "mbdo", "search")


def _edit(conf: RegistriesConf, edit: str, index: int) -> RegistriesConf:
    regs = list(conf.registries)
    if edit == "search":
        usr = (*(conf.unqualified_search_registries or ()), "quay.io")
        return attrs.evolve(conf, unqualified_search_registries=usr)
    if not regs:
        new = regresolve.Registry("a.com", "a.com", mirrors=(Mirror("m.com/a"),))
        return attrs.evolve(conf, registries=(new,))
    i = index % len(regs)
    reg = regs[i]
    if edit == "add-mirror":
        reg = attrs.evolve(reg, mirrors=(*reg.mirrors, Mirror("m.com/added")))
    elif edit == "block":
        reg = attrs.evolve(reg, blocked=not reg.blocked)
    elif edit == "insecure":
        reg = attrs.evolve(reg, insecure=not reg.insecure)
    elif edit == "pfm" and reg.mirrors and not reg.mirror_by_digest_only:
        first = attrs.evolve(reg.mirrors[0], pull_from_mirror="digest-only")
        reg = attrs.evolve(reg, mirrors=(first, *reg.mirrors[1:]))
    elif edit == "mbdo":
        plain = tuple(attrs.evolve(m, pull_from_mirror="") for m in reg.mirrors)
        reg = attrs.evolve(reg, mirror_by_digest_only=not reg.mirror_by_digest_only, mirrors=plain)
    elif edit == "drop":
        del regs[i]
        return attrs.evolve(conf, registries=tuple(regs))
    regs[i] = reg
    return attrs.evolve(conf, registries=tuple(regs))


def _go_plans(oracle: Any, text: str, refs: list[str]) -> list[tuple[Any, ...]] | None:
    answer = oracle.config(
        files={SYSTEM_CONF: text, EMPTY_DIR: None},
        system_registries_conf_path=SYSTEM_CONF,
        system_registries_conf_dir_path=EMPTY_DIR,
        refs=refs,
    )
    if answer["error"] is not None:
        return None
    return [
        (p["error"], p["reference"], tuple(tuple(sorted(s.items())) for s in p["sources"]))
        for p in answer["plans"]
    ]


PAIR_EXAMPLES = examples(default=60, ci=1_200)


@pytest.mark.oracle
@pytest.mark.property
@settings(
    max_examples=PAIR_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    case_and_cache=plan_cases(),
    edit=st.sampled_from(EDITS),
    index=st.integers(0, 50),
    refs=st.lists(references(), min_size=16, max_size=16),
)
def test_diff_reports_exactly_the_images_go_plans_differently(
    oracle: Any, case_and_cache: Any, edit: str, index: int, refs: list[str]
) -> None:
    case, _cache = case_and_cache
    with tempfile.TemporaryDirectory() as tmp:
        case.materialize(Path(tmp))
        try:
            before = regresolve.load_config(**case.load_kwargs(Path(tmp)))
        except InvalidConfig:
            return
    after = _edit(before, edit, index)
    try:
        before_text, after_text = before.to_toml(), after.to_toml()
        before_conf, after_conf = _conf(before_text), _conf(after_text)
    except InvalidConfig:
        return  # not representable as one file, or refused: no pair to compare
    go_before = _go_plans(oracle, before_text, refs)
    go_after = _go_plans(oracle, after_text, refs)
    assert go_before is not None
    assert go_after is not None
    # Short names are out of this comparison (the oracle's plans op takes references as the
    # docker transport does); skopeo's profile plans exactly that.
    report = diff_images(
        Resolver(before_conf),
        Resolver(after_conf),
        refs,
        before_profile=regresolve.product_profile("skopeo-1.18"),
        after_profile=regresolve.product_profile("skopeo-1.18"),
    )
    ours = {d.image for d in report.changed}
    theirs = {r for r, b, a in strict_zip(refs, go_before, go_after) if b != a}
    assert ours == theirs
    PAIRS["pairs"] += len(set(refs))
    PAIRS["changed"] += len(theirs)


@pytest.mark.oracle
@pytest.mark.property
def test_diff_pair_count_report() -> None:
    print(f"\ndiff pairs compared with Go: {PAIRS}")
    if is_ci_size():
        assert PAIRS["pairs"] >= MIN_CI_PAIRS, PAIRS


# -- the command line -------------------------------------------------------------------------


def _cli(tmp_path: Path, before: str, after: str, *argv: str) -> tuple[int, str]:
    import io

    from regresolve._cli import main

    (tmp_path / "before.conf").write_text(before, encoding="utf-8")
    (tmp_path / "after.conf").write_text(after, encoding="utf-8")
    out = io.StringIO()
    code = main(
        [
            "diff",
            "--before-config",
            str(tmp_path / "before.conf"),
            "--before-config-dir",
            str(tmp_path / "none"),
            "--after-config",
            str(tmp_path / "after.conf"),
            "--after-config-dir",
            str(tmp_path / "none"),
            *argv,
        ],
        out=out,
    )
    return code, out.getvalue()


def test_cli_diff_exit_status_and_summary(tmp_path: Path) -> None:
    after = BASE.replace('location = "quay.io"\n', 'location = "quay.io"\nblocked = true\n')
    code, out = _cli(tmp_path, BASE, after, "quay.io/a:1", "docker.io/library/b:2")
    assert code == 1
    assert out.splitlines()[0] == "2 images compared, 1 pulled differently"
    assert "  blocked            1" in out
    assert "quay.io/a:1 (primary, BLOCKED)" in out
    code, out = _cli(tmp_path, BASE, BASE, "quay.io/a:1")
    assert code == 0
    assert out == "1 images compared, 0 pulled differently\n"


def test_cli_diff_images_file_and_json(tmp_path: Path) -> None:
    images = tmp_path / "images.txt"
    images.write_text("# workloads\nquay.io/a:1\n\nquay.io/b@" + DIGEST + "  # pinned\n")
    after = BASE + '[[registry.mirror]]\nlocation = "m.example.com/q"\n'
    code, out = _cli(tmp_path, BASE, after, "--images", str(images), "--json")
    assert code == 1
    data = json.loads(out)
    assert data["compared"] == 2
    assert data["counts"]["sources-added"] == 2


def test_cli_diff_versions_on_one_configuration(tmp_path: Path) -> None:
    code, out = _cli(
        tmp_path,
        BASE,
        BASE,
        "--before-as",
        "skopeo-1.18",
        "--after-as",
        "crio-1.31",
        f"quay.io/a:1@{DIGEST}",
    )
    assert code == 1
    assert "error: no longer fails" in out


def test_cli_diff_without_images_is_a_usage_error(tmp_path: Path) -> None:
    code, _out = _cli(tmp_path, BASE, BASE)
    assert code == 2


def test_cli_diff_images_from_kubernetes_objects(tmp_path: Path) -> None:
    pods = tmp_path / "pods.json"
    pods.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "List",
                "items": [
                    {
                        "apiVersion": "v1",
                        "kind": "Pod",
                        "metadata": {"name": "a", "namespace": "x"},
                        "spec": {
                            "initContainers": [{"name": "i", "image": "quay.io/init:1"}],
                            "containers": [{"name": "c", "image": "quay.io/app:2"}],
                        },
                    },
                    {
                        "apiVersion": "apps/v1",
                        "kind": "Deployment",
                        "metadata": {"name": "d"},
                        "spec": {
                            "template": {
                                "spec": {"containers": [{"name": "w", "image": "ghcr.io/w:3"}]}
                            }
                        },
                    },
                ],
            }
        )
    )
    after = BASE.replace('location = "quay.io"\n', 'location = "quay.io"\nblocked = true\n')
    code, out = _cli(tmp_path, BASE, after, "-f", str(pods), "--json")
    data = json.loads(out)
    assert code == 1
    assert data["compared"] == 3
    assert sorted(d["image"] for d in data["images"]) == ["quay.io/app:2", "quay.io/init:1"]


@pytest.mark.property
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    case_and_cache=plan_cases(),
    edit=st.sampled_from(EDITS),
    index=st.integers(0, 50),
    refs=st.lists(references(), min_size=16, max_size=16),
    names=st.lists(st.sampled_from(["nginx", "ns/x", "busybox:1", "a", "x@" + DIGEST]), max_size=4),
)
def test_the_shortcut_never_hides_a_change(
    case_and_cache: Any, edit: str, index: int, refs: list[str], names: list[str]
) -> None:
    """An image the shortcut skips plans the same on both sides (podman, short names too)."""
    case, _cache = case_and_cache
    with tempfile.TemporaryDirectory() as tmp:
        case.materialize(Path(tmp))
        try:
            before = regresolve.load_config(**case.load_kwargs(Path(tmp)))
        except InvalidConfig:
            return
    after = _edit(before, edit, index)
    old_r, new_r = Resolver(before), Resolver(after)
    shortcut = diff_images(old_r, new_r, [*refs, *names])
    full = {
        image
        for image in [*refs, *names]
        if regresolve.plan_image(old_r, image) != regresolve.plan_image(new_r, image)
    }
    assert {d.image for d in shortcut.changed} <= full
    # Every image whose plans differ in a reported field is reported.
    for image in full - {d.image for d in shortcut.changed}:
        old, new = regresolve.plan_image(old_r, image), regresolve.plan_image(new_r, image)
        assert [c.reference for c in old.candidates] == [c.reference for c in new.candidates]
        assert old.sources == new.sources
        assert old.error == new.error
