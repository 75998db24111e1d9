"""fastish.platform.eks_cluster_info against the local cloud (moto with the project's EKS extensions)."""

from __future__ import annotations

from tests.modules.support import make_eks_cluster, module, modules, mutating

CLUSTER = "acme-data-analytics-eks"
ADMIN = "arn:aws:iam::123456789012:role/edsger"
OTHER = "arn:aws:iam::123456789012:role/someone-else"


def _cluster(cloud):
    eks, _ec2, subnets = make_eks_cluster(
        cloud,
        CLUSTER,
        accessConfig={"authenticationMode": "API", "bootstrapClusterCreatorAdminPermissions": False},
        tags={"fastish:release": "analytics"},
    )
    eks.create_nodegroup(
        clusterName=CLUSTER,
        nodegroupName="system",
        nodeRole="arn:aws:iam::123456789012:role/node",
        subnets=subnets,
    )
    eks.create_access_entry(clusterName=CLUSTER, principalArn=ADMIN, tags={"fastish:managed-by": "fastish"})
    eks.create_access_entry(clusterName=CLUSTER, principalArn=OTHER)
    return eks


def test_missing_cluster_is_not_an_error(cloud, tmp_path):
    found = module(cloud, tmp_path, "eks_cluster_info", {"name": CLUSTER, "access_entries": True})
    assert not found.get("failed"), found
    assert (found["exists"], found["cluster"], found["nodegroups"], found["access_entries"]) == (
        False,
        {},
        [],
        [],
    )


def test_cluster_node_groups_and_tagged_access_entries(cloud, tmp_path):
    _cluster(cloud)
    cloud.reset_requests()
    results = modules(
        cloud,
        tmp_path,
        "eks_cluster_info",
        {"plain": {"name": CLUSTER}, "entries": {"name": CLUSTER, "access_entries": True}},
        "--check",
    )
    plain, entries = results["plain"], results["entries"]
    assert plain["exists"] is True and plain["changed"] is False
    cluster = plain["cluster"]
    assert cluster["arn"] == f"arn:aws:eks:us-east-1:123456789012:cluster/{CLUSTER}"
    assert cluster["status"] == "ACTIVE" and cluster["version"] == "1.35"
    assert cluster["oidc_issuer"].startswith("https://oidc.eks.us-east-1.amazonaws.com/id/")
    assert cluster["authentication_mode"] == "API" and cluster["tags"] == {"fastish:release": "analytics"}
    assert plain["nodegroups"] == ["system"] and plain["access_entries"] == []
    by_principal = {e["principal_arn"]: e for e in entries["access_entries"]}
    assert set(by_principal) == {ADMIN, OTHER}
    assert (
        by_principal[ADMIN]["tags"] == {"fastish:managed-by": "fastish"} and by_principal[OTHER]["tags"] == {}
    )
    assert by_principal[ADMIN]["type"] == "STANDARD"
    assert mutating(cloud) == []
