"""Kubernetes admission: judge the images of a Pod or workload as the node's podman/CRI-O would.

:func:`review` is a pure function from an ``AdmissionReview`` (``admission.k8s.io/v1``) request,
as a dict decoded from JSON, to the ``AdmissionReview`` response dict.  It does no I/O: give it a
:class:`~regresolve.Resolver` built from the nodes' registries.conf once, and call it per request
(the resolver caches plans and is safe to share between threads).

What it checks, for every image of ``spec.containers``, ``spec.initContainers``,
``spec.ephemeralContainers`` and ``spec.volumes[].image.reference`` (Pods; the pod template of
Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers, Jobs, PodTemplates;
``spec.jobTemplate`` of CronJobs):

* **deny** when the reference does not parse (with the Go error text), when the docker transport
  refuses it (tag and digest together), when short-name resolution fails under the
  configuration's mode, when every source of its plan is blocked, or when ``policy`` rejects it;
* **warn** when it is a short name with more than one candidate (ambiguous: CRI-O 1.34 and
  enforcing mode refuse it; the warning lists every candidate), and when a source would be
  contacted without TLS verification.  Warnings stay within Kubernetes' limits
  (:data:`MAX_WARNING_LENGTH` each, :data:`MAX_WARNINGS_TOTAL` together);
* with the nodes' pull context (``host=``, a ``regresolve.load_host`` snapshot): **warn** (or,
  with ``deny_unpullable``, **deny**) when every source of an image fails before any network
  access (certificates, credential lookup, lookaside URL, registries.d); each verdict of
  ``decide`` carries the context; a pod spec's ``imagePullSecrets`` count as explicit
  credentials (they reach only the image's own host);
* **mutate** (``mutate="pin"``) with a JSONPatch that replaces the image by the first source
  podman would contact, or (``mutate="qualify"``) by its fully qualified reference.

On ``UPDATE`` only images that are not already in ``oldObject`` are judged or changed, so a
label change on a running Pod is never refused because the configuration changed since.

Malformed input never raises.  A review that is not an ``AdmissionReview`` v1 request, or a
CREATE/UPDATE whose object is missing or whose pod spec has the wrong shape, is **denied** with
HTTP code 400 and a message naming the field: a real API server never sends those, so failing
closed costs nothing and keeps a hostile client from slipping an image past the check.  Objects
of other kinds and other operations (DELETE, CONNECT, subresources other than
``ephemeralcontainers``) are allowed untouched.

The HTTPS server around it is ``regresolve webhook serve`` (``python -m regresolve.webhook``);
importing this package loads neither the server nor the command line.
"""

from __future__ import annotations

from regresolve.webhook._review import MAX_IMAGE_LENGTH as MAX_IMAGE_LENGTH
from regresolve.webhook._review import MAX_IMAGES as MAX_IMAGES
from regresolve.webhook._review import MAX_MESSAGE_LENGTH as MAX_MESSAGE_LENGTH
from regresolve.webhook._review import (
    MAX_WARNING_LENGTH,
    ImagePolicy,
    ImageSite,
    Mutate,
    images_of,
    review,
)
from regresolve.webhook._review import MAX_WARNINGS_TOTAL as MAX_WARNINGS_TOTAL

__all__ = ["MAX_WARNING_LENGTH", "ImagePolicy", "ImageSite", "Mutate", "images_of", "review"]
