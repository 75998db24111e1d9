"""fastish.platform.eks_cluster against the local cloud: moto plus the project's EKS extension
(tools/localcloud/ext_eks.py: accessConfig, merged UpdateClusterConfig returning an update,
DescribeUpdate, UpdateClusterVersion, AssociateEncryptionConfig), which moto 5.2.5 lacks.
tests/unit/eks/test_eks_cluster_updates.py covers update sequencing, failed updates and timeouts with a
Stubber.
"""

from __future__ import annotations

from tests.modules.support import module, modules, mutating

NAME = "acme-data-analytics-eks"
ROLE = "arn:aws:iam::123456789012:role/acme-data-analytics-eks-cluster"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY = "arn:aws:kms:us-east-1:123456789012:key/99999999-12ab-34cd-56ef-1234567890ab"
SUBNETS = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002", "subnet-0a1b2c3d4e5f60003"]


def _params(**extra):
    return {
        "name": NAME,
        "version": "1.34",
        "role_arn": ROLE,
        "subnet_ids": SUBNETS,
        "endpoint_private_access": True,
        "endpoint_public_access": True,
        "public_access_cidrs": ["198.51.100.0/24"],
        "logging": ["api", "audit"],
        "encryption_key_arn": KEY,
        "kubernetes_network_config": {"service_ipv4_cidr": "10.100.0.0/16"},
        "tags": {"fastish:release": "analytics"},
        "wait_timeout": 120,
        **extra,
    }


def _describe(cloud):
    return cloud.client("eks").describe_cluster(name=NAME)["cluster"]


def test_create_rerun_and_check_mode(cloud, tmp_path):
    cloud.reset_requests()
    checked = module(cloud, tmp_path, "eks_cluster", _params(), "--check", "--diff")
    assert checked["changed"] is True and checked["updates"] == ["create"] and mutating(cloud) == []
    planned = checked["cluster"]
    assert planned["name"] == NAME and planned["arn"] is None and planned["endpoint"] is None
    assert planned["logging"] == ["api", "audit"] and planned["version"] == "1.34"
    assert planned["encryption_config"] == [{"resources": ["secrets"], "provider": {"key_arn": KEY}}]
    assert planned["access_config"]["authentication_mode"] == "API"
    assert checked["diff"]["before"] == {} and checked["diff"]["after"]["public_access_cidrs"] == [
        "198.51.100.0/24"
    ]

    created = module(cloud, tmp_path, "eks_cluster", _params())
    assert created["changed"] is True and created["updates"] == ["create"]
    cluster = created["cluster"]
    assert cluster["status"] == "ACTIVE" and cluster["version"] == "1.34"
    assert cluster["arn"] == f"arn:aws:eks:us-east-1:123456789012:cluster/{NAME}"
    assert cluster["endpoint"].startswith("https://") and cluster["certificate_authority_data"]
    assert cluster["oidc_issuer"].startswith("https://oidc.eks.us-east-1.amazonaws.com/id/")
    assert cluster["logging"] == ["api", "audit"] and cluster["tags"] == {"fastish:release": "analytics"}
    assert cluster["encryption_config"][0]["provider"]["key_arn"] == KEY
    assert cluster["kubernetes_network_config"]["service_ipv4_cidr"] == "10.100.0.0/16"
    vpc = cluster["resources_vpc_config"]
    assert vpc["subnet_ids"] == SUBNETS and vpc["endpoint_private_access"] is True
    assert vpc["endpoint_public_access"] is True and vpc["public_access_cidrs"] == ["198.51.100.0/24"]

    described = _describe(cloud)
    logging = {tuple(s["types"]): s["enabled"] for s in described["logging"]["clusterLogging"]}
    assert logging == {("api", "audit"): True, ("authenticator", "controllerManager", "scheduler"): False}
    assert described["encryptionConfig"] == [{"resources": ["secrets"], "provider": {"keyArn": KEY}}]
    assert described["roleArn"] == ROLE and described["tags"] == {"fastish:release": "analytics"}
    assert described["accessConfig"] == {
        "authenticationMode": "API",
        "bootstrapClusterCreatorAdminPermissions": False,
    }

    cloud.reset_requests()
    again = module(cloud, tmp_path, "eks_cluster", _params(), "--diff")
    assert again["changed"] is False and again["updates"] == [] and mutating(cloud) == []
    assert again["diff"]["before"] == again["diff"]["after"]
    # without version/encryption/security groups an existing cluster keeps them
    loose = _params(version=None, encryption_key_arn=None, kubernetes_network_config=None)
    assert module(cloud, tmp_path, "eks_cluster", loose)["changed"] is False and mutating(cloud) == []


def test_logging_and_tags_update(cloud, tmp_path):
    module(cloud, tmp_path, "eks_cluster", _params())
    changed = _params(logging=["api", "audit", "authenticator"], tags={"fastish:team": "data"})
    cloud.reset_requests()
    checked = module(cloud, tmp_path, "eks_cluster", changed, "--check", "--diff")
    assert checked["changed"] is True and checked["updates"] == ["tags", "logging"] and mutating(cloud) == []
    assert checked["cluster"]["logging"] == ["api", "audit", "authenticator"]
    assert checked["diff"]["after"]["tags"] == {"fastish:team": "data"}

    updated = module(cloud, tmp_path, "eks_cluster", changed)
    assert updated["changed"] is True and updated["updates"] == ["tags", "logging"]
    assert sorted(mutating(cloud)) == ["TagResource", "UntagResource", "UpdateClusterConfig"]
    described = _describe(cloud)
    assert described["tags"] == {"fastish:team": "data"}
    enabled = {t for s in described["logging"]["clusterLogging"] if s["enabled"] for t in s["types"]}
    assert enabled == {"api", "audit", "authenticator"}
    assert updated["cluster"]["logging"] == ["api", "audit", "authenticator"]
    assert updated["cluster"]["status"] == "ACTIVE"

    cloud.reset_requests()
    assert module(cloud, tmp_path, "eks_cluster", changed)["changed"] is False and mutating(cloud) == []
    # all logs off
    module(cloud, tmp_path, "eks_cluster", _params(logging=[]))
    assert not any(s["enabled"] for s in _describe(cloud)["logging"]["clusterLogging"])


def test_impossible_changes_fail_before_any_change(cloud, tmp_path):
    module(cloud, tmp_path, "eks_cluster", _params())
    cases = {
        "downgrade": _params(version="1.33"),
        "jump": _params(version="1.36"),
        "other key": _params(encryption_key_arn=OTHER_KEY),
        "no key": _params(encryption_key_arn=""),
        "role": _params(role_arn="arn:aws:iam::123456789012:role/other"),
        "service cidr": _params(kubernetes_network_config={"service_ipv4_cidr": "172.20.0.0/16"}),
        "no endpoint": _params(endpoint_private_access=False, endpoint_public_access=False),
        "bad version": _params(version="1.x"),
        # the tag change must not be made either: every check runs first
        "with tags": _params(version="1.33", tags={"other": "tag"}),
    }
    cloud.reset_requests()
    results = modules(cloud, tmp_path, "eks_cluster", cases)
    assert mutating(cloud) == []
    assert all(r["failed"] for r in results.values()), results
    assert "cannot downgrade it to 1.33" in results["downgrade"]["msg"]
    assert "one minor version at a time: set version 1.35 first, then 1.36" in results["jump"]["msg"]
    assert f"encrypted with {KEY}; EKS cannot change the key" in results["other key"]["msg"]
    assert "cannot remove secrets encryption" in results["no key"]["msg"]
    assert "the role of a cluster cannot change" in results["role"]["msg"]
    assert "service CIDR 10.100.0.0/16; it cannot change" in results["service cidr"]["msg"]
    assert "cannot both be false" in results["no endpoint"]["msg"]
    assert "'1.x' is not major.minor" in results["bad version"]["msg"]
    assert _describe(cloud)["tags"] == {"fastish:release": "analytics"}


def test_absent_refuses_while_node_groups_exist(cloud, tmp_path):
    module(cloud, tmp_path, "eks_cluster", _params())
    eks = cloud.client("eks")
    eks.create_nodegroup(
        clusterName=NAME,
        nodegroupName="system",
        subnets=SUBNETS,
        nodeRole="arn:aws:iam::123456789012:role/node",
    )
    absent = {"name": NAME, "state": "absent", "wait_timeout": 120}
    cloud.reset_requests()
    results = modules(cloud, tmp_path, "eks_cluster", {"refused": absent, "checked": absent}, "--check")
    assert results["refused"]["changed"] is True and mutating(cloud) == []
    assert any("managed node groups system" in w for w in results["refused"]["warnings"])
    refused = module(cloud, tmp_path, "eks_cluster", absent)
    assert refused["failed"] is True and mutating(cloud) == []
    assert refused["msg"].startswith(f"EKS cluster {NAME} still has managed node groups system;")
    assert _describe(cloud)["status"]

    eks.delete_nodegroup(clusterName=NAME, nodegroupName="system")
    _wait_nodegroup_gone(eks)
    deleted = module(cloud, tmp_path, "eks_cluster", absent, "--diff")
    assert deleted["changed"] is True and deleted["cluster"] == {} and deleted["updates"] == ["delete"]
    assert deleted["diff"]["before"]["version"] == "1.34" and deleted["diff"]["after"] == {}
    assert eks.list_clusters()["clusters"] == []  # wait=true: gone when the module returns
    cloud.reset_requests()
    again = module(cloud, tmp_path, "eks_cluster", absent)
    assert again["changed"] is False and mutating(cloud) == []


def _wait_nodegroup_gone(eks, timeout=60):
    import time

    deadline = time.monotonic() + timeout
    while eks.list_nodegroups(clusterName=NAME)["nodegroups"]:
        assert time.monotonic() < deadline, "node group not deleted"
        time.sleep(0.5)


def test_create_without_wait_then_wait(cloud, tmp_path):
    """With the local cloud's realistic lifecycle the cluster stays CREATING for a while: wait=false
    returns at once, a later run (wait=true) waits until it is ACTIVE before comparing."""
    quick = module(cloud, tmp_path, "eks_cluster", _params(wait=False))
    assert quick["changed"] is True and quick["cluster"]["status"] in ("CREATING", "ACTIVE")
    waited = module(cloud, tmp_path, "eks_cluster", _params())
    assert waited["changed"] is False and waited["cluster"]["status"] == "ACTIVE"


def test_endpoint_access_update(cloud, tmp_path):
    private = _params(endpoint_public_access=False)
    cidrs = _params(public_access_cidrs=["198.51.100.0/24", "203.0.113.0/24"])
    runs = {"create": _params(), "private": private, "again": private, "cidrs": cidrs}
    results = modules(cloud, tmp_path, "eks_cluster", runs)
    assert results["private"]["changed"] is True and results["private"]["updates"] == ["endpoint access"]
    vpc = results["private"]["cluster"]["resources_vpc_config"]
    assert vpc["endpoint_public_access"] is False and vpc["endpoint_private_access"] is True
    assert vpc["subnet_ids"] == SUBNETS  # an endpoint update keeps the subnets
    assert results["again"]["changed"] is False
    assert results["cidrs"]["updates"] == ["endpoint access"]
    vpc = _describe(cloud)["resourcesVpcConfig"]
    assert vpc["endpointPublicAccess"] is True and vpc["subnetIds"] == SUBNETS
    assert sorted(vpc["publicAccessCidrs"]) == ["198.51.100.0/24", "203.0.113.0/24"]


def test_authentication_mode_encryption_and_version_in_one_run(cloud, tmp_path):
    """Three updates EKS makes one at a time: each is waited for (DescribeUpdate until Successful, then
    the cluster ACTIVE) before the next one; with the realistic lifecycles the cluster is UPDATING
    meanwhile and the local cloud, like EKS, refuses another update (ResourceInUseException)."""
    start = _params(authentication_mode="API_AND_CONFIG_MAP", encryption_key_arn=None)
    runs = {
        "create": start,
        "back": _params(authentication_mode="CONFIG_MAP", encryption_key_arn=None),
        "forward": _params(authentication_mode="API", version="1.35"),
        "again": _params(authentication_mode="API", version="1.35"),
    }
    results = modules(cloud, tmp_path, "eks_cluster", runs)
    assert results["create"]["cluster"]["access_config"]["authentication_mode"] == "API_AND_CONFIG_MAP"
    assert results["create"]["cluster"]["encryption_config"] == []
    assert results["back"]["failed"] is True and "only moves it towards API" in results["back"]["msg"]
    forward = results["forward"]
    assert forward["changed"] is True, forward
    assert forward["updates"] == ["authentication mode API", "secrets encryption", "version 1.35"]
    assert forward["cluster"]["status"] == "ACTIVE" and forward["cluster"]["version"] == "1.35"
    assert results["again"]["changed"] is False
    described = _describe(cloud)
    assert described["accessConfig"]["authenticationMode"] == "API" and described["version"] == "1.35"
    assert described["encryptionConfig"][0]["provider"]["keyArn"] == KEY
    updates = cloud.client("eks").list_updates(name=NAME)["updateIds"]
    assert len(updates) == 3
