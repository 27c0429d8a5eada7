"""ImageContentSourcePolicy -> ImageDigestMirrorSet, the way ``oc adm migrate icsp`` does it.

``oc adm migrate icsp`` (openshift/oc ``pkg/cli/admin/migrate/icsp``) writes, for each ICSP, an
ImageDigestMirrorSet with the same metadata (same name) and one ``imageDigestMirrors`` entry per
``repositoryDigestMirrors`` entry, source and mirrors in the same order, no
``mirrorSourcePolicy``.  `migrate_icsps` does the same to a loaded object set: the ICSPs
are gone, IDMSs of the same names carry their rules (an existing IDMS of the same name is
replaced, as applying the written file would replace it).

The MCO merges IDMS rules before ICSP rules, so a cluster that has both for the same source may
order mirrors differently after the migration; ``regresolve openshift diff`` shows it.
"""

from __future__ import annotations

from typing import Any

import attrs

from regresolve.openshift._objects import ClusterImageObjects, MirrorObject

__all__ = ["icsp_to_idms", "idms_manifest", "migrate_icsps"]


def icsp_to_idms(icsp: MirrorObject) -> MirrorObject:
    """One ICSP as the IDMS ``oc adm migrate icsp`` writes for it."""
    return MirrorObject("ImageDigestMirrorSet", icsp.name, icsp.rules, icsp.origin)


def migrate_icsps(objects: ClusterImageObjects) -> ClusterImageObjects:
    """The object set after ``oc adm migrate icsp`` and deleting the ICSPs."""
    by_name = {o.name: o for o in objects.idms}
    for icsp in objects.icsp:
        by_name[icsp.name] = icsp_to_idms(icsp)
    return attrs.evolve(objects, idms=tuple(by_name[n] for n in sorted(by_name)), icsp=())


def idms_manifest(icsp: MirrorObject) -> dict[str, Any]:
    """The ImageDigestMirrorSet manifest (as ``oc adm migrate icsp`` writes it) for one ICSP."""
    return {
        "apiVersion": "config.openshift.io/v1",
        "kind": "ImageDigestMirrorSet",
        "metadata": {"name": icsp.name},
        "spec": {
            "imageDigestMirrors": [
                {"source": r.source, "mirrors": list(r.mirrors)} for r in icsp.rules
            ]
        },
    }
