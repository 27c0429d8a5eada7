"""The webhook's verdicts against the Go oracle's plans for the same files.

For generated file sets and fully qualified references, a Pod is allowed exactly when the
oracle plans the reference without error and at least one of its sources has no
``blocked_error``; a denial carries the oracle's error text (or the blocked message), and in
``pin`` mode the image becomes the oracle's first source without ``blocked_error``.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import regresolve
from regresolve import webhook
from support.oracle import Oracle
from support.pycompat import strict_zip
from support.strategies_config import QUALIFIED, ConfigCase, config_cases

pytestmark = pytest.mark.oracle

# REGRESOLVE_CLI_ORACLE_EXAMPLES sets the number of generated configurations; CI
# (REGRESOLVE_ORACLE_EXAMPLES=ci) runs 200, a developer's default run 60.
EXAMPLES = int(
    os.environ.get(
        "REGRESOLVE_CLI_ORACLE_EXAMPLES",
        "200" if os.environ.get("REGRESOLVE_ORACLE_EXAMPLES") == "ci" else "60",
    )
)


def as_pulled(ref: str) -> str:
    """``name:tag@digest`` without its tag (libimage's normalization); others unchanged."""
    name, at, digest = ref.partition("@")
    if at and ":" in name.rsplit("/", 1)[-1]:
        return f"{name.rsplit(':', 1)[0]}@{digest}"
    return ref


def review_of(images: list[str]) -> dict[str, Any]:
    return {
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": "u",
            "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "operation": "CREATE",
            "object": {
                "spec": {
                    "containers": [{"name": f"c{i}", "image": x} for i, x in enumerate(images)]
                }
            },
        },
    }


@pytest.mark.property
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=config_cases())
def test_verdicts_equal_oracle_plans(
    oracle: Oracle, tmp_path_factory: pytest.TempPathFactory, case: ConfigCase
) -> None:
    """Allowed iff planned with a usable source; pinned to the first usable source."""
    root = tmp_path_factory.mktemp("root")
    case.materialize(root)
    # The node's podman/CRI-O drop the tag of ``name:tag@digest`` before the docker transport
    # sees it (R-PULL-4, docs/versions.md): the oracle plans what is actually pulled.
    answer = oracle.request(case.oracle_request(refs=[as_pulled(q) for q in QUALIFIED]))
    if answer["error"] is not None:
        return  # a configuration the nodes refuse: nothing to judge
    resolver = regresolve.Resolver(regresolve.load_config(**case.load_kwargs(root)))
    r = str(root)

    for ref, plan in strict_zip(QUALIFIED, answer["plans"]):
        response = webhook.review(review_of([ref]), resolver, mutate="pin")["response"]
        usable = [s for s in plan["sources"] if s["blocked_error"] is None]
        if plan["error"] is not None:
            assert response["allowed"] is False
            assert response["status"]["message"].endswith(": " + plan["error"])
        elif not usable:
            assert response["allowed"] is False
            message = response["status"]["message"].replace(r, "")
            assert message.endswith(": " + plan["sources"][-1]["blocked_error"])
        else:
            assert response["allowed"] is True, response
            target = usable[0]["reference"]
            if target == ref:
                assert "patch" not in response
            else:
                patch = json.loads(base64.b64decode(response["patch"]))
                assert patch == [
                    {"op": "replace", "path": "/spec/containers/0/image", "value": target}
                ]
