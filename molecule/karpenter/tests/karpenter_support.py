"""Shared by the karpenter scenario's tests: names, the role's facts, the local API server, the request
log and the exec role policy of druid releases as bootstrap renders it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

from tests.molecule_support import (  # noqa: F401 (calls_not_allowed, cluster_objects, request_log: for its tests)
    aws_client,
    calls_not_allowed,
    cluster_objects,
    kube_client,
    request_log,
    scenario_exec_policy,
)

ROOT = Path(__file__).resolve().parents[3]
SCENARIO = Path(__file__).resolve().parents[1]
ACCOUNT = "123456789012"
REGION = "us-east-1"
PREFIX = "acme-data-analytics"
CLUSTER = f"{PREFIX}-eks"
CLUSTER_ARN = f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/{CLUSTER}"
CONTROLLER_ROLE = f"{PREFIX}-karpenter"
NODE_ROLE = f"{PREFIX}-karpenter-node"
CONTROLLER_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/{CONTROLLER_ROLE}"
NODE_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/{NODE_ROLE}"
QUEUE = f"{PREFIX}-karpenter"
QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{QUEUE}"
RULES = {
    f"{PREFIX}-karpenter-scheduled-change": ("aws.health", "AWS Health Event"),
    f"{PREFIX}-karpenter-spot-interruption": ("aws.ec2", "EC2 Spot Instance Interruption Warning"),
    f"{PREFIX}-karpenter-rebalance": ("aws.ec2", "EC2 Instance Rebalance Recommendation"),
    f"{PREFIX}-karpenter-state-change": ("aws.ec2", "EC2 Instance State-change Notification"),
}
RULE_ARNS = sorted(f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{name}" for name in RULES)
NAMESPACE = "kube-system"
SERVICE_ACCOUNT = "karpenter"
PLATFORM_TAGS = {
    "fastish:organization": "acme",
    "fastish:team": "data",
    "fastish:release": "analytics",
    "fastish:release-type": "druid",
    "fastish:environment": "dev",
    "fastish:synthesizer": "local",
    "fastish:managed-by": "fastish",
}
LABELS = {
    "app.kubernetes.io/managed-by": "fastish",
    "app.kubernetes.io/part-of": "karpenter",
    "app.kubernetes.io/instance": PREFIX,
}
NODE_MANAGED_POLICIES = sorted(
    f"arn:aws:iam::aws:policy/{name}"
    for name in (
        "AmazonEKSWorkerNodePolicy",
        "AmazonEC2ContainerRegistryReadOnly",
        "AmazonEKS_CNI_Policy",
        "AmazonSSMManagedInstanceCore",
    )
)


def facts() -> dict[str, Any]:
    directory = os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", str(ROOT / "outputs"))
    return json.loads((Path(directory) / "karpenter-facts.json").read_text())


def node_pools() -> list[dict[str, Any]]:
    """The inventory's pools (the platform default; inventories/local does not override them)."""
    return yaml.safe_load((ROOT / "group_vars" / "all" / "eks.yml").read_text())[
        "fastish_karpenter_node_pools"
    ]


def tags_of(resource: dict[str, Any]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in resource.get("Tags", resource.get("TagSet", []))}


def statements(document: Any) -> list[dict[str, Any]]:
    doc = json.loads(document) if isinstance(document, str) else document
    found = doc["Statement"]
    return found if isinstance(found, list) else [found]


def listify(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def controller_policy() -> dict[str, Any]:
    document = aws_client("iam").get_role_policy(RoleName=CONTROLLER_ROLE, PolicyName=CONTROLLER_ROLE)
    return {"Version": "2012-10-17", "Statement": statements(document["PolicyDocument"])}


kube = kube_client  # the local cloud's kube-apiserver (the kubeconfig the inventory names)


def exec_policy() -> dict[str, Any]:
    """The exec role policy of druid releases as bootstrap renders it for the local synthesizer."""
    return scenario_exec_policy(SCENARIO)
