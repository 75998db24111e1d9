"""Verify the druid release (so far: network, EKS, Karpenter, cluster add-ons) as a whole: its outputs,
the wiring between its roles, the objects in the local Kubernetes API server, and that the exec role
bootstrap gives druid releases allows every call the release made. Each role's scenario verifies its
own resources in detail."""

from __future__ import annotations

import os

import pytest

from tests.molecule_support import ROOT, aws_client, missing_exec_actions, release_outputs

HOST = "acme-data-analytics"
PREFIX = "acme-data-analytics"
CLUSTER = f"{PREFIX}-eks"
KEY_ALIAS = f"alias/{PREFIX}-key"


@pytest.fixture(scope="module")
def outputs():
    return release_outputs(HOST)


@pytest.fixture(scope="module")
def key_arn():
    return aws_client("kms").describe_key(KeyId=KEY_ALIAS)["KeyMetadata"]["Arn"]


@pytest.fixture(scope="module")
def cluster():
    return aws_client("eks").describe_cluster(name=CLUSTER)["cluster"]


@pytest.fixture(scope="module")
def kube():
    from kubernetes import client, config

    state = os.environ.get("FASTISH_LOCALCLOUD_DIR", str(ROOT / ".localcloud"))
    return config.new_client_from_config(config_file=f"{state}/k8s/kubeconfig"), client


def test_outputs_file_and_parameter_agree(outputs):
    import json

    stored = aws_client("ssm").get_parameter(Name="/acme/data/analytics/outputs")["Parameter"]
    assert json.loads(stored["Value"]) == outputs


def test_the_outputs_point_at_the_live_cluster(outputs, cluster):
    assert outputs["eks_cluster_name"] == CLUSTER
    assert outputs["eks_cluster_arn"] == cluster["arn"]
    assert cluster["status"] == "ACTIVE"
    assert cluster["version"] == "1.35"


def test_the_cluster_lives_in_the_release_network_and_key(outputs, cluster, key_arn):
    vpc = cluster["resourcesVpcConfig"]
    assert vpc["vpcId"] == outputs["vpc_id"]
    assert set(vpc["subnetIds"]) == set(outputs["private_subnet_ids"])
    assert vpc["endpointPrivateAccess"] is True
    assert vpc["endpointPublicAccess"] is True and vpc["publicAccessCidrs"] == ["198.51.100.0/24"]
    assert cluster["encryptionConfig"][0]["provider"]["keyArn"] == key_arn
    assert cluster["accessConfig"]["authenticationMode"] == "API"
    logging = cluster["logging"]["clusterLogging"]
    enabled = [t for entry in logging if entry["enabled"] for t in entry["types"]]
    assert sorted(enabled) == sorted(["api", "audit", "authenticator", "controllerManager", "scheduler"])


def test_the_system_nodes_and_addons_are_active():
    eks = aws_client("eks")
    groups = eks.list_nodegroups(clusterName=CLUSTER)["nodegroups"]
    assert len(groups) == 1
    group = eks.describe_nodegroup(clusterName=CLUSTER, nodegroupName=groups[0])["nodegroup"]
    assert group["status"] == "ACTIVE"
    assert group["scalingConfig"] == {"minSize": 1, "maxSize": 3, "desiredSize": 2}
    addons = eks.list_addons(clusterName=CLUSTER)["addons"]
    assert sorted(addons) == sorted(
        ["vpc-cni", "coredns", "kube-proxy", "eks-pod-identity-agent", "aws-ebs-csi-driver"]
    )
    for name in addons:
        assert eks.describe_addon(clusterName=CLUSTER, addonName=name)["addon"]["status"] == "ACTIVE"


def test_contributors_and_karpenter_nodes_have_access_entries(outputs):
    eks = aws_client("eks")
    entries = set(eks.list_access_entries(clusterName=CLUSTER)["accessEntries"])
    for name in ("edsger", "barbara", "linus"):
        assert f"arn:aws:iam::123456789012:role/{name}" in entries
    node = eks.describe_access_entry(clusterName=CLUSTER, principalArn=outputs["karpenter_node_role_arn"])
    assert node["accessEntry"]["type"] == "EC2_LINUX"


def test_every_controller_has_its_pod_identity(outputs):
    associations = aws_client("eks").list_pod_identity_associations(clusterName=CLUSTER)["associations"]
    accounts = {(a["namespace"], a["serviceAccount"]) for a in associations}
    assert (outputs["karpenter_namespace"], outputs["karpenter_service_account"]) in accounts
    assert len(associations) >= 1 + len(outputs["cluster_addon_role_arns"])


def test_the_kubernetes_objects_are_in_the_api_server(kube, outputs):
    api, client = kube
    namespaces = {n.metadata.name for n in client.CoreV1Api(api).list_namespace().items}
    assert {"data", "ingest"} <= namespaces
    classes = client.StorageV1Api(api).list_storage_class().items
    default = [
        c
        for c in classes
        if (c.metadata.annotations or {}).get("storageclass.kubernetes.io/is-default-class") == "true"
    ]
    assert [c.metadata.name for c in default] == [outputs["eks_storage_class"]]
    assert default[0].parameters["encrypted"] == "true"
    custom = client.CustomObjectsApi(api)
    pools = custom.list_cluster_custom_object("karpenter.sh", "v1", "nodepools")["items"]
    assert [p["metadata"]["name"] for p in pools] == ["default"]


def test_the_druid_exec_role_allows_every_call_the_release_made():
    missing = missing_exec_actions("druid")
    assert not missing, f"the exec role of druid releases lacks: {missing}"
