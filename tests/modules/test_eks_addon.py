"""fastish.platform.eks_addon against the local cloud (moto with the project's patches and the EKS
extensions of tools/localcloud/ext_eks.py; add-ons stay CREATING/UPDATING/DELETING for the local cloud's
lifecycle time, so every wait of the module runs)."""

from __future__ import annotations

import json
import time

import pytest

from tests.modules.support import module, mutating

CLUSTER = "acme-data-analytics-eks"
ROLE = "arn:aws:iam::123456789012:role/acme-data-analytics-eks-cluster"
CNI_ROLE = "arn:aws:iam::123456789012:role/acme-data-analytics-vpc-cni"
SUBNETS = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
CNI = "v1.20.4-eksbuild.2"
CNI_NEWER = "v1.21.1-eksbuild.3"
SLOW_CLUSTER_SECONDS = 30  # how long new clusters stay CREATING in slow_cluster_cloud


@pytest.fixture(scope="module")
def slow_cluster_cloud(tmp_path_factory):
    """A local cloud of its own whose new EKS clusters stay CREATING for SLOW_CLUSTER_SECONDS (longer
    than an ansible-playbook run takes to start), so a module run right after CreateCluster meets a
    CREATING cluster for sure. Also used by the access entry and Pod Identity module tests."""
    from tools.localcloud.client import start_local_cloud

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FASTISH_LOCALCLOUD_LIFECYCLE_SECONDS_EKS_CLUSTER", str(SLOW_CLUSTER_SECONDS))
        with start_local_cloud(tmp_path_factory.mktemp("slow-cluster")) as cloud:
            yield cloud


def make_cluster(cloud, name=CLUSTER, wait=True, version="1.35"):
    eks = cloud.client("eks")
    eks.create_cluster(
        name=name,
        version=version,
        roleArn=ROLE,
        resourcesVpcConfig={"subnetIds": SUBNETS},
        accessConfig={"authenticationMode": "API", "bootstrapClusterCreatorAdminPermissions": False},
    )
    deadline = time.monotonic() + 60
    while wait and eks.describe_cluster(name=name)["cluster"]["status"] != "ACTIVE":
        assert time.monotonic() < deadline, f"cluster {name} never became ACTIVE"
        time.sleep(0.2)
    return eks


def _addon(cloud, name="vpc-cni"):
    return cloud.client("eks").describe_addon(clusterName=CLUSTER, addonName=name)["addon"]


def _params(**extra):
    return {
        "cluster_name": CLUSTER,
        "name": "vpc-cni",
        "addon_version": CNI,
        "configuration_values": {"env": {"ENABLE_PREFIX_DELEGATION": "true", "WARM_PREFIX_TARGET": "1"}},
        "tags": {"fastish:release": "analytics"},
        "wait_timeout": 60,
        **extra,
    }


def test_create_rerun_update_and_check_mode(cloud, tmp_path):
    make_cluster(cloud)
    cloud.reset_requests()
    checked = module(cloud, tmp_path, "eks_addon", _params(), "--check", "--diff")
    assert checked["changed"] is True and mutating(cloud) == []
    assert checked["diff"]["before"] == {}
    assert checked["diff"]["after"]["addon_version"] == CNI
    assert checked["addon"]["addon_name"] == "vpc-cni"
    assert cloud.client("eks").list_addons(clusterName=CLUSTER)["addons"] == []

    created = module(cloud, tmp_path, "eks_addon", _params())
    assert created["changed"] is True, created
    addon = created["addon"]
    assert addon["status"] == "ACTIVE"  # waited for
    assert addon["addon_version"] == CNI and addon["addon_arn"].startswith("arn:aws:eks:us-east-1:")
    assert addon["configuration_values"] == {
        "env": {"ENABLE_PREFIX_DELEGATION": "true", "WARM_PREFIX_TARGET": "1"}
    }
    assert addon["tags"] == {"fastish:release": "analytics"}
    assert json.loads(_addon(cloud)["configurationValues"])["env"]["WARM_PREFIX_TARGET"] == "1"

    cloud.reset_requests()
    again = module(cloud, tmp_path, "eks_addon", _params())
    assert again["changed"] is False and mutating(cloud) == []

    # the same configuration written another way (YAML, other key order) is no change
    cloud.client("eks").update_addon(
        clusterName=CLUSTER,
        addonName="vpc-cni",
        configurationValues="env:\n  WARM_PREFIX_TARGET: '1'\n  ENABLE_PREFIX_DELEGATION: 'true'\n",
    )
    cloud.reset_requests()
    same = module(cloud, tmp_path, "eks_addon", _params())  # waits for UPDATING -> ACTIVE
    assert same["changed"] is False and mutating(cloud) == []
    assert same["addon"]["status"] == "ACTIVE"

    changed = _params(addon_version=CNI_NEWER, configuration_values={}, tags={"team": "data"})
    cloud.reset_requests()
    planned = module(cloud, tmp_path, "eks_addon", changed, "--check", "--diff")
    assert planned["changed"] is True and mutating(cloud) == []
    assert planned["diff"]["before"]["addon_version"] == CNI
    assert planned["diff"]["after"]["addon_version"] == CNI_NEWER
    assert planned["diff"]["after"]["tags"] == {"team": "data"}
    assert _addon(cloud)["addonVersion"] == CNI

    updated = module(cloud, tmp_path, "eks_addon", changed)
    assert updated["changed"] is True
    assert updated["addon"]["status"] == "ACTIVE"
    assert updated["addon"]["addon_version"] == CNI_NEWER
    assert updated["addon"]["configuration_values"] == {}
    assert updated["addon"]["tags"] == {"team": "data"}
    actions = mutating(cloud)
    assert actions.count("UpdateAddon") == 1 and "TagResource" in actions and "UntagResource" in actions

    # Options that are not given are not managed
    kept = module(
        cloud, tmp_path, "eks_addon", {"cluster_name": CLUSTER, "name": "vpc-cni", "addon_version": CNI_NEWER}
    )
    assert kept["changed"] is False


def test_role_and_pod_identity_associations(cloud, tmp_path):
    make_cluster(cloud)
    params = _params(pod_identity_associations=[{"service_account": "aws-node", "role_arn": CNI_ROLE}])
    created = module(cloud, tmp_path, "eks_addon", params)
    assert created["changed"] is True
    [association] = created["addon"]["pod_identity_associations"]
    assert (association["service_account"], association["role_arn"]) == ("aws-node", CNI_ROLE)
    assert association["association_id"].startswith("a-")
    listed = cloud.client("eks").list_pod_identity_associations(clusterName=CLUSTER)["associations"]
    assert [a["ownerArn"] for a in listed] == [created["addon"]["addon_arn"]]
    assert module(cloud, tmp_path, "eks_addon", params)["changed"] is False

    irsa = _params(pod_identity_associations=[], service_account_role_arn=CNI_ROLE)
    switched = module(cloud, tmp_path, "eks_addon", irsa)
    assert switched["changed"] is True
    assert switched["addon"]["pod_identity_associations"] == []
    assert switched["addon"]["service_account_role_arn"] == CNI_ROLE
    assert cloud.client("eks").list_pod_identity_associations(clusterName=CLUSTER)["associations"] == []
    assert module(cloud, tmp_path, "eks_addon", irsa)["changed"] is False


def test_absent_twice_and_preserve(cloud, tmp_path):
    eks = make_cluster(cloud)
    eks.create_addon(clusterName=CLUSTER, addonName="coredns", addonVersion="v1.13.1-eksbuild.1")
    absent = {
        "cluster_name": CLUSTER,
        "name": "coredns",
        "state": "absent",
        "preserve": True,
        "wait_timeout": 60,
    }
    cloud.reset_requests()
    checked = module(cloud, tmp_path, "eks_addon", absent, "--check")
    assert checked["changed"] is True and mutating(cloud) == []
    assert eks.list_addons(clusterName=CLUSTER)["addons"] == ["coredns"]

    gone = module(cloud, tmp_path, "eks_addon", absent)
    assert gone["changed"] is True and gone["addon"] == {}
    assert eks.list_addons(clusterName=CLUSTER)["addons"] == []  # waited until it was gone
    delete = [r for r in cloud.requests()["requests"] if r["action"] == "DeleteAddon"]
    assert len(delete) == 1
    cloud.reset_requests()
    again = module(cloud, tmp_path, "eks_addon", absent)
    assert again["changed"] is False and mutating(cloud) == []
    # a cluster that does not exist has nothing to remove
    missing = module(cloud, tmp_path, "eks_addon", {**absent, "cluster_name": "no-such-cluster"})
    assert missing["changed"] is False and "failed" not in missing


def test_no_wait_returns_creating(cloud, tmp_path):
    make_cluster(cloud)
    created = module(cloud, tmp_path, "eks_addon", _params(wait=False))
    assert created["changed"] is True
    assert created["addon"]["status"] == "CREATING"
    # the next run waits for ACTIVE before it compares (and changes nothing)
    again = module(cloud, tmp_path, "eks_addon", _params())
    assert again["changed"] is False and again["addon"]["status"] == "ACTIVE"


def test_errors_name_the_cluster_and_addon(cloud, tmp_path):
    missing = module(cloud, tmp_path, "eks_addon", _params())
    assert missing["failed"] is True
    assert "EKS cluster acme-data-analytics-eks does not exist" in missing["msg"]

    make_cluster(cloud, version="1.33")
    cloud.reset_requests()
    bad_version = module(
        cloud, tmp_path, "eks_addon", _params(name="coredns", addon_version="v1.13.1-eksbuild.1")
    )
    assert bad_version["failed"] is True and mutating(cloud) == []
    assert "no version v1.13.1-eksbuild.1 of add-on coredns for Kubernetes 1.33" in bad_version["msg"]
    assert "v1.12.1-eksbuild.2" in bad_version["msg"]  # what is available

    no_version = module(cloud, tmp_path, "eks_addon", {"cluster_name": CLUSTER, "name": "coredns"})
    assert no_version["failed"] is True and "addon_version" in no_version["msg"]

    bad_role = module(cloud, tmp_path, "eks_addon", _params(service_account_role_arn="not-an-arn"))
    assert bad_role["failed"] is True
    assert "add-on vpc-cni of EKS cluster acme-data-analytics-eks" in bad_role["msg"]
    assert "Invalid Role Arn" in bad_role["msg"]


def check_creating_cluster(cloud, tmp_path, name, params):
    """Run module ``name`` right after CreateCluster, while the cluster is CREATING (ext_lifecycles.py;
    in slow_cluster_cloud for SLOW_CLUSTER_SECONDS): with wait=false it fails and says why, without a
    mutating call; with wait it waits for the cluster and makes its change. Returns the second result."""
    cloud.reset()
    started = time.monotonic()
    eks = make_cluster(cloud, wait=False)
    if eks.describe_cluster(name=CLUSTER)["cluster"]["status"] == "ACTIVE":
        pytest.skip("new clusters are ACTIVE at once: no EKS cluster lifecycle (ext_lifecycles.py) applied")
    cloud.reset_requests()
    refused = module(cloud, tmp_path, name, {**params, "wait": False})
    if refused.get("failed"):
        assert mutating(cloud) == []
        assert "EKS cluster acme-data-analytics-eks is CREATING: it must be ACTIVE" in refused["msg"]
    else:  # only when this machine took longer than the cluster's CREATING time to start the module
        assert time.monotonic() - started >= SLOW_CLUSTER_SECONDS, refused
    result = module(cloud, tmp_path, name, params)
    assert result["changed"] is bool(refused.get("failed")), result
    assert eks.describe_cluster(name=CLUSTER)["cluster"]["status"] == "ACTIVE"
    return result


def test_waits_for_a_creating_cluster(slow_cluster_cloud, tmp_path):
    created = check_creating_cluster(slow_cluster_cloud, tmp_path, "eks_addon", _params())
    assert created["addon"]["status"] == "ACTIVE"
