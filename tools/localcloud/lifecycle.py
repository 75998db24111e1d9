"""Timing of the local cloud's realistic lifecycles (used by the ext_*.py extensions).

Resources that take minutes on AWS (EKS clusters, node groups and add-ons, NAT gateways, RDS instances,
MSK clusters, CloudFront distributions) stay in their transitional state (CREATING, UPDATING, DELETING,
pending, InProgress, ...) for a few seconds in the local cloud, so that every wait in the roles is
exercised. ``FASTISH_LOCALCLOUD_LIFECYCLE_SECONDS`` sets that time for every kind of resource;
``FASTISH_LOCALCLOUD_LIFECYCLE_SECONDS_<KIND>`` (e.g. ``..._EKS_CLUSTER``) for one kind. 0 turns the
lifecycles off (resources are ready at once, as in plain moto).

Kinds: ``eks_cluster``, ``eks_nodegroup``, ``nat_gateway``, ``rds_instance``, ``msk_cluster``,
``cloudfront_distribution`` (ext_lifecycles.py, ext_kafka.py) and ``eks_addon`` (ext_eks.py). The values are
read at every check, in the server process; ``up`` uses the default, the pytest servers of
``client.start_local_cloud`` 0.5 s unless the environment says otherwise (``client.TEST_ENV_DEFAULTS``).
"""

from __future__ import annotations

import os
import time

ENV = "FASTISH_LOCALCLOUD_LIFECYCLE_SECONDS"
DEFAULT_SECONDS = 2.0


def seconds(kind: str | None = None) -> float:
    """How long a resource of ``kind`` (e.g. ``eks_cluster``) stays in a transitional state."""
    names = ([f"{ENV}_{kind.upper()}"] if kind else []) + [ENV]
    for name in names:
        value = os.environ.get(name)
        if value not in (None, ""):
            try:
                return max(0.0, float(value))
            except ValueError as exc:
                raise ValueError(f"{name} is {value!r}, not a number of seconds") from exc
    return DEFAULT_SECONDS


def now() -> float:
    """The clock the lifecycles use (monotonic; tests may replace it)."""
    return time.monotonic()


def done(started: float, kind: str | None = None) -> bool:
    """Whether a transition of ``kind`` that began at ``started`` (a ``now()`` value) is over."""
    return now() - started >= seconds(kind)
