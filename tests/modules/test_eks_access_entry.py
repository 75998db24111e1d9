"""fastish.platform.eks_access_entry against the local cloud (moto with the project's patches and the EKS
extensions of tools/localcloud/ext_eks.py)."""

from __future__ import annotations

from tests.modules.support import module, mutating
from tests.modules.test_eks_addon import (  # noqa: F401 (slow_cluster_cloud: a fixture)
    CLUSTER,
    check_creating_cluster,
    make_cluster,
    slow_cluster_cloud,
)

LINUS = "arn:aws:iam::123456789012:role/linus"
NODE = "arn:aws:iam::123456789012:role/acme-data-analytics-karpenter-node"
POLICY = "arn:aws:eks::aws:cluster-access-policy/{}"


def _params(**extra):
    return {
        "cluster_name": CLUSTER,
        "principal_arn": LINUS,
        "kubernetes_groups": ["data-developers"],
        "access_policies": [
            {
                "policy": "AmazonEKSEditPolicy",
                "access_scope": {"type": "namespace", "namespaces": ["data", "ingest"]},
            },
            {"policy": POLICY.format("AmazonEKSViewPolicy")},
        ],
        "tags": {"fastish:release": "analytics"},
        **extra,
    }


def _policies(cloud, principal=LINUS):
    listed = cloud.client("eks").list_associated_access_policies(clusterName=CLUSTER, principalArn=principal)
    return {p["policyArn"]: p["accessScope"] for p in listed["associatedAccessPolicies"]}


def test_create_rerun_rescope_purge_and_check_mode(cloud, tmp_path):
    make_cluster(cloud)
    cloud.reset_requests()
    checked = module(cloud, tmp_path, "eks_access_entry", _params(), "--check", "--diff")
    assert checked["changed"] is True and mutating(cloud) == []
    assert checked["diff"]["before"] == {}
    assert checked["access_entry"]["principal_arn"] == LINUS
    assert [p["policy_arn"] for p in checked["access_policies"]] == [
        POLICY.format("AmazonEKSEditPolicy"),
        POLICY.format("AmazonEKSViewPolicy"),
    ]
    assert cloud.client("eks").list_access_entries(clusterName=CLUSTER)["accessEntries"] == []

    created = module(cloud, tmp_path, "eks_access_entry", _params())
    assert created["changed"] is True, created
    entry = created["access_entry"]
    assert (entry["type"], entry["kubernetes_groups"]) == ("STANDARD", ["data-developers"])
    assert entry["username"] == "arn:aws:sts::123456789012:assumed-role/linus/{{SessionName}}"
    assert entry["tags"] == {"fastish:release": "analytics"}
    assert entry["access_entry_arn"].startswith("arn:aws:eks:us-east-1:123456789012:access-entry/")
    assert _policies(cloud) == {
        POLICY.format("AmazonEKSEditPolicy"): {"type": "namespace", "namespaces": ["data", "ingest"]},
        POLICY.format("AmazonEKSViewPolicy"): {"type": "cluster", "namespaces": []},
    }
    assert {p["policy_arn"] for p in created["access_policies"]} == set(_policies(cloud))

    cloud.reset_requests()
    # same namespaces in another order: no change
    same = _params()
    same["access_policies"][0]["access_scope"]["namespaces"] = ["ingest", "data", "data"]
    again = module(cloud, tmp_path, "eks_access_entry", same)
    assert again["changed"] is False and mutating(cloud) == []

    rescoped = _params(
        access_policies=[
            {"policy": "AmazonEKSEditPolicy", "access_scope": {"type": "namespace", "namespaces": ["data"]}}
        ],
        kubernetes_groups=[],
        username="linus",
    )
    cloud.reset_requests()
    planned = module(cloud, tmp_path, "eks_access_entry", rescoped, "--check", "--diff")
    assert planned["changed"] is True and mutating(cloud) == []
    assert planned["diff"]["after"]["access_policies"] == {
        POLICY.format("AmazonEKSEditPolicy"): {"type": "namespace", "namespaces": ["data"]}
    }
    assert len(_policies(cloud)) == 2

    updated = module(cloud, tmp_path, "eks_access_entry", rescoped)
    assert updated["changed"] is True
    assert sorted(mutating(cloud)) == [
        "AssociateAccessPolicy",
        "DisassociateAccessPolicy",
        "UpdateAccessEntry",
    ]
    assert _policies(cloud) == {
        POLICY.format("AmazonEKSEditPolicy"): {"type": "namespace", "namespaces": ["data"]}
    }
    assert (updated["access_entry"]["username"], updated["access_entry"]["kubernetes_groups"]) == (
        "linus",
        [],
    )

    # purge_access_policies=false only adds; access_policies unset leaves the policies alone
    added = module(
        cloud,
        tmp_path,
        "eks_access_entry",
        _params(
            access_policies=[{"policy": "AmazonEKSViewPolicy"}],
            purge_access_policies=False,
            kubernetes_groups=None,
            username=None,
            tags=None,
        ),
    )
    assert added["changed"] is True and len(_policies(cloud)) == 2
    untouched = module(cloud, tmp_path, "eks_access_entry", {"cluster_name": CLUSTER, "principal_arn": LINUS})
    assert untouched["changed"] is False and len(untouched["access_policies"]) == 2


def test_node_entry_and_absent_twice(cloud, tmp_path):
    make_cluster(cloud)
    node = {"cluster_name": CLUSTER, "principal_arn": NODE, "type": "EC2_LINUX"}
    created = module(cloud, tmp_path, "eks_access_entry", node)
    assert created["changed"] is True
    assert created["access_entry"]["kubernetes_groups"] == ["system:nodes"]
    assert created["access_entry"]["username"] == "system:node:{{EC2PrivateDNSName}}"
    assert module(cloud, tmp_path, "eks_access_entry", node)["changed"] is False

    absent = {**node, "state": "absent"}
    cloud.reset_requests()
    checked = module(cloud, tmp_path, "eks_access_entry", absent, "--check")
    assert checked["changed"] is True and mutating(cloud) == []
    gone = module(cloud, tmp_path, "eks_access_entry", absent)
    assert gone["changed"] is True and gone["access_entry"] == {}
    assert cloud.client("eks").list_access_entries(clusterName=CLUSTER)["accessEntries"] == []
    cloud.reset_requests()
    again = module(cloud, tmp_path, "eks_access_entry", absent)
    assert again["changed"] is False and mutating(cloud) == []
    missing = module(cloud, tmp_path, "eks_access_entry", {**absent, "cluster_name": "no-such-cluster"})
    assert missing["changed"] is False and "failed" not in missing


def test_errors_name_the_cluster_and_principal(cloud, tmp_path):
    missing = module(cloud, tmp_path, "eks_access_entry", _params())
    assert missing["failed"] is True
    assert "EKS cluster acme-data-analytics-eks does not exist" in missing["msg"]

    cloud.client("eks").create_cluster(  # no accessConfig: CONFIG_MAP, as EKS's API default
        name="old-style",
        roleArn="arn:aws:iam::123456789012:role/c",
        resourcesVpcConfig={"subnetIds": ["s-1"]},
    )
    cloud.reset_requests()
    config_map = module(cloud, tmp_path, "eks_access_entry", _params(cluster_name="old-style"))
    assert config_map["failed"] is True and mutating(cloud) == []
    assert "EKS cluster old-style uses authentication mode CONFIG_MAP" in config_map["msg"]

    make_cluster(cloud)
    node_with_policy = module(
        cloud,
        tmp_path,
        "eks_access_entry",
        {
            "cluster_name": CLUSTER,
            "principal_arn": NODE,
            "type": "EC2_LINUX",
            "access_policies": [{"policy": "AmazonEKSViewPolicy"}],
        },
    )
    assert node_with_policy["failed"] is True
    assert "access entries of type EC2_LINUX take no access policies" in node_with_policy["msg"]

    module(
        cloud,
        tmp_path,
        "eks_access_entry",
        {"cluster_name": CLUSTER, "principal_arn": NODE, "type": "EC2_LINUX"},
    )
    cloud.reset_requests()
    retype = module(cloud, tmp_path, "eks_access_entry", {"cluster_name": CLUSTER, "principal_arn": NODE})
    assert retype["failed"] is True and mutating(cloud) == []
    assert "has type EC2_LINUX, not STANDARD" in retype["msg"]

    bad_scope = module(
        cloud,
        tmp_path,
        "eks_access_entry",
        _params(access_policies=[{"policy": "AmazonEKSEditPolicy", "access_scope": {"type": "namespace"}}]),
    )
    assert bad_scope["failed"] is True and "has scope namespace but no namespaces" in bad_scope["msg"]
    unknown = module(
        cloud, tmp_path, "eks_access_entry", _params(access_policies=[{"policy": "NoSuchPolicy"}])
    )
    assert unknown["failed"] is True
    assert f"access entry of {LINUS} in EKS cluster {CLUSTER}" in unknown["msg"]
    assert "NoSuchPolicy" in unknown["msg"]


def test_waits_for_a_creating_cluster(slow_cluster_cloud, tmp_path):  # noqa: F811 (the imported fixture)
    created = check_creating_cluster(slow_cluster_cloud, tmp_path, "eks_access_entry", _params())
    assert len(created["access_policies"]) == 2
