"""ICSP -> IDMS migration (``oc adm migrate icsp``) and ``regresolve openshift diff``.

The conversion rule is a fact of openshift/oc's ``generateIDMS``: same metadata, one
``imageDigestMirrors`` entry per ``repositoryDigestMirrors`` entry, in order, no
``mirrorSourcePolicy``.  The MCO merges IDMS and ICSP digest rules the same way (IDMS first), so
a cluster with only ICSPs renders node files that plan every image identically after the
migration; with an IDMS and an ICSP for the same source the mirror order can change, and the
diff says so.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from regresolve._cli import main
from regresolve._profiles import product_profile
from regresolve.diff import diff_images
from regresolve.openshift import ClusterImageObjects, load_objects, render
from regresolve.openshift._migrate import idms_manifest, migrate_icsps
from regresolve.openshift._objects import objects_from_data
from regresolve.openshift._plan import node_policy, node_resolver

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "openshift" / "icsp"
IMAGES = [
    line.split("#", 1)[0].strip()
    for line in (EXAMPLE / "images.txt").read_text().splitlines()
    if line.split("#", 1)[0].strip()
]
RELEASE = "quay.io/openshift-release-dev/ocp-release@sha256:" + "0123456789abcdef" * 4


def _diff(before: ClusterImageObjects, after: ClusterImageObjects) -> Any:
    sides = []
    for objects in (before, after):
        files = render(objects, release_image=RELEASE)
        sides.append((node_resolver(files), node_policy(files)))
    profile = product_profile("ocp-4.18")
    return diff_images(
        sides[0][0],
        sides[1][0],
        IMAGES,
        before_profile=profile,
        after_profile=profile,
        before_policy=sides[0][1],
        after_policy=sides[1][1],
    )


def test_migration_keeps_names_rules_and_order() -> None:
    objects = load_objects(EXAMPLE)
    migrated = migrate_icsps(objects)
    assert migrated.icsp == ()
    assert [o.name for o in migrated.idms] == sorted(o.name for o in objects.icsp)
    for icsp in objects.icsp:
        (idms,) = [o for o in migrated.idms if o.name == icsp.name]
        assert idms.kind == "ImageDigestMirrorSet"
        assert idms.rules == icsp.rules
        assert all(r.mirror_source_policy == "" for r in idms.rules)


def test_the_manifest_loads_back_as_the_same_rules() -> None:
    objects = load_objects(EXAMPLE)
    for icsp in objects.icsp:
        manifest = idms_manifest(icsp)
        assert "mirrorSourcePolicy" not in str(manifest)
        (idms,) = objects_from_data(manifest).idms
        assert (idms.name, idms.rules) == (icsp.name, icsp.rules)


def test_only_icsps_migrate_without_a_single_change() -> None:
    objects = load_objects(EXAMPLE)
    before_files = render(objects, release_image=RELEASE)
    after_files = render(migrate_icsps(objects), release_image=RELEASE)
    # The MCO merges IDMS and ICSP rules identically: the same registries.conf, byte for byte.
    assert before_files.registries_conf == after_files.registries_conf
    report = _diff(objects, migrate_icsps(objects))
    assert report.compared == len(IMAGES)
    assert report.changed == ()


def test_a_name_clash_with_an_existing_idms_loses_its_rules() -> None:
    # The MCO's mirror order depends only on the set of rules (runtime-utils' topological
    # sort), so moving rules from ICSPs to IDMSs changes nothing by itself.  What can change:
    # an IDMS that already has the ICSP's name is replaced by the migrated one.
    existing = {
        "apiVersion": "config.openshift.io/v1",
        "kind": "ImageDigestMirrorSet",
        "metadata": {"name": "operators"},
        "spec": {
            "imageDigestMirrors": [
                {"source": "docker.io/library", "mirrors": ["mirror.example.com/hub"]}
            ]
        },
    }
    objects = load_objects(EXAMPLE).merged_with(objects_from_data(existing))
    report = _diff(objects, migrate_icsps(objects))
    # nginx:1.25 is pulled by tag, so the digest mirror never served it; but its entry is
    # gone, so its one source's location is now the reference itself (R-MATCH-5).
    assert [(d.image, [c.kind for c in d.changes]) for d in report.changed] == [
        ("docker.io/library/nginx:1.25", ["source-changed"])
    ]
    digest = "docker.io/library/nginx@sha256:" + "ab" * 32
    sides = []
    for objs in (objects, migrate_icsps(objects)):
        files = render(objs, release_image=RELEASE)
        sides.append(node_resolver(files))
    clash = diff_images(sides[0], sides[1], [digest], before_profile=product_profile("ocp-4.18"))
    assert [c.kind for d in clash.changed for c in d.changes] == [
        "sources-removed",
        "source-changed",
    ]


def test_cli_openshift_diff_migrate_icsp() -> None:
    out, err = io.StringIO(), io.StringIO()
    import sys

    saved = sys.stderr
    sys.stderr = err
    try:
        code = main(
            [
                "openshift",
                "diff",
                "--before",
                str(EXAMPLE),
                "--migrate-icsp",
                "--release-image",
                RELEASE,
                "--images",
                str(EXAMPLE / "images.txt"),
            ],
            out=out,
        )
    finally:
        sys.stderr = saved
    assert code == 0, err.getvalue()
    assert out.getvalue().startswith(f"{len(IMAGES)} images compared, 0 pulled differently")
