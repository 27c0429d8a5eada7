"""Regenerate the seed corpus (tests/fuzz/corpus/<target>/seed-*) from the test data.

Seeds are inputs, not expectations: upstream reference vectors, the recorded configuration
corpus, the sysregistriesv2 fixtures and a few OpenShift object documents.  Run from the
repository root: ``python tests/fuzz/make_seeds.py``.  Findings live next to them as
``crash-*``/``timeout-*`` files and are never regenerated.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "corpus"
SEP = b"\x00\x00"

OPENSHIFT = [
    """\
apiVersion: v1
kind: List
items:
- apiVersion: config.openshift.io/v1
  kind: ImageDigestMirrorSet
  metadata: {name: b}
  spec:
    imageDigestMirrors:
    - source: quay.io/ns
      mirrors: [mirror.example.com/ns]
      mirrorSourcePolicy: NeverContactSource
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: other}
---
apiVersion: operator.openshift.io/v1alpha1
kind: ImageContentSourcePolicy
metadata: {name: legacy}
spec:
  repositoryDigestMirrors:
  - source: registry.example.com
    mirrors: [mirror.example.com]
""",
    """\
apiVersion: config.openshift.io/v1
kind: Image
metadata: {name: cluster}
spec:
  registrySources:
    insecureRegistries: [insecure.com, "*.insecure-example.com"]
    blockedRegistries: [blocked.com]
    containerRuntimeSearchRegistries: [search.example.com]
---
apiVersion: config.openshift.io/v1
kind: ImageTagMirrorSet
metadata: {name: tags}
spec:
  imageTagMirrors:
  - source: "*.example.com"
    mirrors: [m.example.net/x]
    mirrorSourcePolicy: AllowContactingSource
""",
    json.dumps({"apiVersion": "config.openshift.io/v1", "kind": "Image",
                "metadata": {"name": "cluster"},
                "spec": {"registrySources": {"allowedRegistries": ["q.io", "*.q.io"]}}}),
    json.dumps({"kind": "ClusterVersion", "metadata": {"name": "version"},
                "status": {"desired": {"image": "quay.io/r@sha256:" + "01" * 32}}}),
]  # fmt: skip


def _put(target: str, data: bytes) -> None:
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / ("seed-" + hashlib.sha1(data).hexdigest()[:16])).write_bytes(data)


def main() -> None:
    rng = random.Random(8)
    refs = [c["input"] for c in json.loads((ROOT / "tests/data/reference_upstream.json")
                                           .read_text())["cases"]]  # fmt: skip
    lines = (ROOT / "tests/corpus/reference.jsonl").read_text().splitlines()[1:]
    refs += [json.loads(x)["input"] for x in rng.sample(lines, 150)]
    for r in refs:
        if isinstance(r, str):
            _put("reference", r.encode("utf-8", "surrogatepass"))
    confs = [p.read_bytes() for p in sorted((ROOT / "tests/data/sysregistriesv2").glob("*.conf"))]
    recorded = (ROOT / "tests/corpus/config.jsonl").read_text().splitlines()[1:]
    multi: list[bytes] = []
    for x in rng.sample(recorded, 200):
        files = list(json.loads(x)["request"]["files"].values())
        blobs = [f.encode("utf-8", "surrogatepass") for f in files if isinstance(f, str)]
        if len(blobs) == 1:
            confs.append(blobs[0])
        elif blobs:
            multi.append(SEP.join(blobs))
    for c in confs:
        _put("config", c)
    for m in multi[:60]:
        _put("dropins", m)
    for a, b in zip(confs[:40], confs[1:41]):
        _put("dropins", a + SEP + b)
    for p in sorted((ROOT / "tests/data/sysregistriesv2").glob("*alias*")):
        _put("alias_cache", p.read_bytes())
    _put("alias_cache", b'[aliases]\n"fedora" = "registry.fedoraproject.org/fedora"\n')
    _put("alias_cache", b'[aliases]\n"a/b" = "quay.io/a/b"\n"c" = "docker.io/library/c"\n')
    for o in OPENSHIFT:
        _put("openshift", o.encode())


if __name__ == "__main__":
    main()
