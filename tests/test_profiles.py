"""Profiles: the program around containers/image (podman, CRI-O, skopeo) and the product table.

Expected behaviour comes from the programs' sources (facts, cited per test): libimage's
``normalizeTaggedDigestedString`` (podman and buildah drop the tag of a tagged and digested
name), CRI-O's ``CandidatesForPotentiallyShortImageName`` (short-name mode disabled up to 1.33;
from 1.34 crio.conf's ``short_name_mode``, default enforcing, with CRI-O's own error text; tags
dropped from tagged and digested candidates), and skopeo's docker transport (no short-name
resolution; a tag and a digest together refused).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import regresolve
from regresolve._cli import main
from regresolve._profiles import (
    CHANGES,
    NEWEST_MINOR,
    OLDEST_MINOR,
    PRODUCTS,
    make_profile,
    parse_version,
    product_profile,
)

DIGEST = "sha256:" + "0123456789abcdef" * 4
TWO_SEARCH = (
    'unqualified-search-registries = ["quay.io", "docker.io"]\nshort-name-mode = "enforcing"\n'
)
ERR_TAG_AND_DIGEST = "Docker references with both a tag and digest are currently not supported"


def _resolver(text: str = TWO_SEARCH) -> regresolve.Resolver:
    return regresolve.Resolver(regresolve.RegistriesConf.from_toml(text))


@pytest.mark.parametrize("product", ["crio-1.31", "ocp-4.18", "podman-5.4", "debian-12"])
def test_tag_and_digest_is_pulled_by_digest(product: str) -> None:
    image = regresolve.plan_image(
        _resolver(""), f"docker.io/library/nginx:1.25@{DIGEST}", profile=product_profile(product)
    )
    assert image.failure is None
    assert [s.reference for s in image.sources] == [f"docker.io/library/nginx@{DIGEST}"]


def test_skopeo_refuses_tag_and_digest() -> None:
    image = regresolve.plan_image(
        _resolver(""), f"docker.io/library/nginx:1.25@{DIGEST}", profile=product_profile("skopeo")
    )
    assert image.failed
    assert image.failure == ERR_TAG_AND_DIGEST


def test_the_library_alone_refuses_tag_and_digest() -> None:
    with pytest.raises(regresolve.PlanError) as info:
        _resolver("").plan(f"docker.io/library/nginx:1.25@{DIGEST}")
    assert info.value.go_message == ERR_TAG_AND_DIGEST


def test_crio_134_refuses_an_ambiguous_short_name() -> None:
    image = regresolve.plan_image(_resolver(), "nginx", profile=product_profile("crio-1.34"))
    assert image.failed
    assert (
        image.error == "short name mode is enforcing, but image name nginx returns ambiguous list"
    )


def test_openshift_421_resolves_it() -> None:
    # The MCO's crio.conf sets short_name_mode = "disabled": every search registry is tried.
    image = regresolve.plan_image(_resolver(), "nginx", profile=product_profile("ocp-4.21"))
    assert image.error is None
    assert [c.reference for c in image.candidates] == [
        "quay.io/nginx:latest",
        "docker.io/library/nginx:latest",
    ]


def test_crio_up_to_133_ignores_an_enforcing_registries_conf() -> None:
    # registries.conf says enforcing; CRI-O <= 1.33 always resolves with the mode disabled.
    image = regresolve.plan_image(_resolver(), "nginx", profile=product_profile("crio-1.33"))
    assert image.error is None
    assert image.mode == "disabled"
    assert len(image.candidates) == 2


def test_podman_honours_enforcing_without_a_tty() -> None:
    image = regresolve.plan_image(_resolver(), "nginx", profile=product_profile("podman-5.4"))
    assert image.error == "short-name resolution enforced but cannot prompt without a TTY"


def test_crio_drops_the_tag_of_each_short_name_candidate() -> None:
    image = regresolve.plan_image(
        _resolver(), f"nginx:1.25@{DIGEST}", profile=product_profile("ocp-4.18")
    )
    assert [c.reference for c in image.candidates] == [
        f"quay.io/nginx@{DIGEST}",
        f"docker.io/library/nginx@{DIGEST}",
    ]


def test_skopeo_does_not_resolve_short_names() -> None:
    image = regresolve.plan_image(_resolver(), "nginx", profile=product_profile("skopeo"))
    assert not image.short_name
    assert [s.reference for s in image.sources] == ["docker.io/library/nginx:latest"]


def test_an_explicit_mode_wins_over_the_program() -> None:
    image = regresolve.plan_image(
        _resolver(), "nginx", short_name_mode="permissive", profile=product_profile("crio-1.34")
    )
    assert image.error is None
    assert image.mode == "permissive"


@pytest.mark.parametrize(
    ("text", "parsed"), [("5.23", (23, -1)), ("5.34.2", (34, 2)), ("v5.41.1", (41, 1))]
)
def test_parse_version(text: str, parsed: tuple[int, int]) -> None:
    assert parse_version(text) == parsed


@pytest.mark.parametrize("text", ["5.22", "5.42.0", "4.9", "5", "5.x", "", "5.34.2-rc1"])
def test_parse_version_refuses(text: str) -> None:
    with pytest.raises(regresolve.InvalidProfile):
        parse_version(text)


def test_unknown_product_lists_the_known_ones() -> None:
    with pytest.raises(regresolve.InvalidProfile) as info:
        product_profile("podman-9.9")
    assert "podman-4.3" in str(info.value)
    assert "ocp-4.18" in str(info.value)


def test_make_profile_validates() -> None:
    with pytest.raises(regresolve.InvalidProfile):
        make_profile(consumer="docker")
    with pytest.raises(regresolve.InvalidProfile):
        make_profile(crio_short_name_mode="permissive")  # CRI-O accepts enforcing/disabled
    assert make_profile("5.23", "cri-o").short_name_mode == "disabled"


def test_every_product_is_in_range_and_sourced() -> None:
    for product in PRODUCTS.values():
        minor, _patch = parse_version(product.containers_image)
        assert OLDEST_MINOR <= minor <= NEWEST_MINOR
        assert product.source


@pytest.mark.parametrize(
    ("product", "version", "consumer"),
    [
        # Facts from the distributions' and programs' metadata (docs/versions.md).
        ("debian-12", "5.23.1", "podman"),
        ("podman-4.3", "5.23.1", "podman"),
        ("ubuntu-24.04", "5.29.2", "podman"),
        ("debian-13", "5.34.2", "podman"),
        ("ocp-4.18", "5.32.2", "cri-o"),
        ("ocp-4.21", "5.36.2", "cri-o"),
        ("crio-1.31", "5.32.2", "cri-o"),
    ],
)
def test_product_table_facts(product: str, version: str, consumer: str) -> None:
    profile = product_profile(product)
    assert (profile.containers_image, profile.consumer) == (version, consumer)


def test_openshift_nodes_use_the_kubelet_pull_secret() -> None:
    assert product_profile("ocp-4.16").auth_file == "/var/lib/kubelet/config.json"


def test_changes_are_ordered_by_release() -> None:
    assert product_profile("podman-4.3").has("mixing-refuses-empty-v1") is False
    assert product_profile("podman-4.4").has("mixing-refuses-empty-v1") is True
    assert product_profile("podman-5.4").has("mirror-location-trimmed") is False
    assert product_profile("podman-5.5").has("mirror-location-trimmed") is True
    assert set(CHANGES.values()) <= set(range(OLDEST_MINOR, NEWEST_MINOR + 1))


# -- the command line -------------------------------------------------------------------------


def _run(tmp_path: Path, *argv: str) -> tuple[int, str]:
    conf = tmp_path / "registries.conf"
    conf.write_text(TWO_SEARCH, encoding="utf-8")
    out = io.StringIO()
    code = main(
        ["resolve", "--config", str(conf), "--config-dir", str(tmp_path / "none"), *argv],
        out=out,
    )
    return code, out.getvalue()


def test_cli_as_crio_131_plans_tag_and_digest_by_digest(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "--as", "crio-1.31", f"docker.io/library/nginx:1.25@{DIGEST}")
    assert code == 0
    assert f"1. docker.io/library/nginx@{DIGEST}" in out


def test_cli_as_skopeo_refuses_tag_and_digest(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "--as", "skopeo", f"docker.io/library/nginx:1.25@{DIGEST}")
    assert code == 1
    assert ERR_TAG_AND_DIGEST in out


def test_cli_short_name_under_crio_134_and_ocp_421(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "--as", "crio-1.34", "nginx")
    assert code == 1
    assert "short name mode is enforcing, but image name nginx returns ambiguous list" in out
    code, out = _run(tmp_path, "--as", "ocp-4.21", "nginx")
    assert code == 0
    assert "2. docker.io/library/nginx:latest" in out


def test_cli_options_refine_a_product(tmp_path: Path) -> None:
    code, _out = _run(tmp_path, "--as", "crio-1.34", "--crio-short-name-mode", "disabled", "nginx")
    assert code == 0


def test_cli_unknown_product_is_a_usage_error(tmp_path: Path) -> None:
    code, _out = _run(tmp_path, "--as", "podman-0.1", "nginx")
    assert code == 2


def test_the_product_table_in_the_docs_matches_the_code() -> None:
    page = (Path(__file__).resolve().parent.parent / "docs" / "versions.md").read_text("utf-8")
    rows = {}
    for line in page.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0].startswith("`") and cells[1][:2] == "5.":
            rows[cells[0].strip("`")] = (cells[1], cells[2])
    assert rows == {p.name: (p.containers_image, p.consumer) for p in PRODUCTS.values()}


# -- the webhook judges as the nodes' program -------------------------------------------------


def _admission(image: str) -> dict[str, object]:
    return {
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": "u-1",
            "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "operation": "CREATE",
            "namespace": "team",
            "object": {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "p"},
                "spec": {"containers": [{"name": "c", "image": image}]},
            },
        },
    }


def test_webhook_as_crio_134_denies_an_ambiguous_short_name() -> None:
    from regresolve import webhook

    answer = webhook.review(_admission("nginx"), _resolver(), profile=product_profile("crio-1.34"))
    assert answer["response"]["allowed"] is False
    assert (
        "short name mode is enforcing, but image name nginx returns ambiguous list"
        in (answer["response"]["status"]["message"])
    )
    answer = webhook.review(_admission("nginx"), _resolver(), profile=product_profile("ocp-4.21"))
    assert answer["response"]["allowed"] is True


def test_review_command_takes_the_program_options(tmp_path: Path) -> None:
    conf = tmp_path / "registries.conf"
    conf.write_text(TWO_SEARCH, encoding="utf-8")
    pod = tmp_path / "pod.json"
    pod.write_text(
        '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},'
        ' "spec": {"containers": [{"name": "c", "image": "nginx"}]}}',
        encoding="utf-8",
    )
    base = ["review", "--config", str(conf), "--config-dir", str(tmp_path / "none"), "-f", str(pod)]
    assert main([*base, "--as", "crio-1.34"], out=io.StringIO()) == 1
    assert main([*base, "--as", "ocp-4.21"], out=io.StringIO()) == 0
