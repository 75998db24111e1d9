"""Shared by the karpenter scenario's tests: names, the role's facts, the local API server, the request
log and the exec role policy of druid releases as bootstrap renders it."""

from __future__ import annotations

import fnmatch
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from tests.molecule_support import IAM_PREFIX, aws_client, run_playbook

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


def kube() -> Any:
    """An API client of the local cloud's kube-apiserver (the kubeconfig the inventory names)."""
    from kubernetes import config

    state = os.environ.get("FASTISH_LOCALCLOUD_DIR", str(ROOT / ".localcloud"))
    return config.new_client_from_config(config_file=f"{state}/k8s/kubeconfig")


def cluster_objects(group: str, version: str, plural: str) -> dict[str, dict[str, Any]]:
    from kubernetes import client

    listed = client.CustomObjectsApi(kube()).list_cluster_custom_object(group, version, plural)
    return {item["metadata"]["name"]: item for item in listed["items"]}


def request_log() -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "tools.localcloud", "requests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout)


def exec_policy() -> dict[str, Any]:
    """The exec role policy of druid releases, rendered by bootstrap's own template
    (roles/bootstrap/templates/policies/exec.yml.j2) for the local synthesizer."""
    with tempfile.TemporaryDirectory() as tmp:
        dest = Path(tmp) / "exec-druid.json"
        rc, out = run_playbook(SCENARIO / "exec_policy.yml", "-e", f"exec_policy_dest={dest}")
        assert rc == 0, out[-3000:]
        return json.loads(dest.read_text())


def calls_not_allowed(log: dict[str, Any], policy: dict[str, Any]) -> list[str]:
    """IAM actions of the logged calls that no Allow statement of ``policy`` names."""
    patterns = [p for s in policy["Statement"] if s["Effect"] == "Allow" for p in listify(s["Action"])]
    made = {
        f"{IAM_PREFIX.get(r['service'], r['service'])}:{r['action']}"
        for r in log["requests"]
        if r.get("action")
    }
    assert made, "the request log is empty"
    return sorted(a for a in made if not any(fnmatch.fnmatchcase(a.lower(), p.lower()) for p in patterns))
