"""Shared by the cluster_addons verify and side-effect tests: names, the converge's facts, the local API
server, the add-on roles' documents, and the exec role of druid releases as bootstrap renders it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

from tests.molecule_support import (  # noqa: F401 (calls_not_allowed, cluster_objects: for its tests)
    ROOT,
    aws_client,
    calls_not_allowed,
    cluster_objects,
    kube_client,
    policy_document,
    request_log,
    scenario_exec_policy,
)

HOST = "acme-data-analytics"
PREFIX = "acme-data-analytics"
ACCOUNT = "123456789012"
REGION = "us-east-1"
CLUSTER = f"{PREFIX}-eks"
CLUSTER_ARN = f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/{CLUSTER}"
SCENARIO = Path(__file__).resolve().parents[1]
CONVERGE = SCENARIO / "converge.yml"
CATALOGUE = yaml.safe_load((ROOT / "roles/cluster_addons/vars/main.yml").read_text())[
    "cluster_addons__catalogue"
]
ALL_ADDONS = sorted(CATALOGUE)
# The add-ons that call AWS: each has a role <prefix>-<add-on> and a Pod Identity association.
AWS_ADDONS = sorted(name for name, entry in CATALOGUE.items() if entry["policy"])
POLICY_NAME = "cluster-addon"


def role_name(addon: str) -> str:
    return f"{PREFIX}-{addon}"


def role_arn(addon: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{role_name(addon)}"


def facts() -> dict[str, Any]:
    directory = os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", str(ROOT / "outputs"))
    return json.loads((Path(directory) / "cluster-addons-facts.json").read_text())


def role_documents(addon: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(trust, inline policy) of an add-on's role as IAM returns them."""
    iam = aws_client("iam")
    role = iam.get_role(RoleName=role_name(addon))["Role"]
    policy = iam.get_role_policy(RoleName=role_name(addon), PolicyName=POLICY_NAME)["PolicyDocument"]
    return policy_document(role["AssumeRolePolicyDocument"]), policy_document(policy)


def existing_roles() -> set[str]:
    """The add-ons whose role exists (GetRole only: the exec role check reads this request log too)."""
    iam = aws_client("iam")
    found = set()
    for addon in ALL_ADDONS:
        try:
            iam.get_role(RoleName=role_name(addon))
        except iam.exceptions.NoSuchEntityException:
            continue
        found.add(addon)
    return found


def associations() -> list[dict[str, Any]]:
    """The cluster's Pod Identity associations, described."""
    eks = aws_client("eks")
    found = eks.list_pod_identity_associations(clusterName=CLUSTER)["associations"]
    return [
        eks.describe_pod_identity_association(clusterName=CLUSTER, associationId=a["associationId"])[
            "association"
        ]
        for a in found
    ]


kube = kube_client
requests_log = request_log


def our_namespaces() -> dict[str, dict[str, str]]:
    from kubernetes import client

    core = client.CoreV1Api(kube())
    listed = core.list_namespace(label_selector=f"app.kubernetes.io/instance={PREFIX}").items
    return {ns.metadata.name: ns.metadata.labels for ns in listed if ns.status.phase != "Terminating"}


def served(group: str, version: str) -> bool:
    from kubernetes import client

    groups = client.ApisApi(kube()).get_api_versions().groups
    return any(g.name == group and any(v.version == version for v in g.versions) for g in groups)


def exec_policy() -> dict[str, Any]:
    """The exec role policy of druid releases as bootstrap renders it for the local synthesizer."""
    return scenario_exec_policy(SCENARIO)
