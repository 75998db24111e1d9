"""fastish.platform.eks_pod_identity_association against the local cloud (moto with the project's patches
and the EKS extensions of tools/localcloud/ext_eks.py)."""

from __future__ import annotations

import re

from tests.modules.support import module, mutating
from tests.modules.test_eks_addon import (  # noqa: F401 (slow_cluster_cloud: a fixture)
    CLUSTER,
    check_creating_cluster,
    make_cluster,
    slow_cluster_cloud,
)

ROLE = "arn:aws:iam::123456789012:role/acme-data-analytics-karpenter"
OTHER_ROLE = "arn:aws:iam::123456789012:role/acme-data-analytics-karpenter-v2"


def _params(**extra):
    return {
        "cluster_name": CLUSTER,
        "namespace": "kube-system",
        "service_account": "karpenter",
        "role_arn": ROLE,
        "tags": {"fastish:release": "analytics"},
        **extra,
    }


def _associations(cloud):
    return cloud.client("eks").list_pod_identity_associations(clusterName=CLUSTER)["associations"]


def test_create_rerun_update_and_check_mode(cloud, tmp_path):
    make_cluster(cloud)
    cloud.reset_requests()
    checked = module(cloud, tmp_path, "eks_pod_identity_association", _params(), "--check", "--diff")
    assert checked["changed"] is True and mutating(cloud) == []
    assert checked["diff"] == {
        "before": {},
        "after": {"role_arn": ROLE, "tags": {"fastish:release": "analytics"}},
    }
    assert checked["association"]["service_account"] == "karpenter"
    assert _associations(cloud) == []

    created = module(cloud, tmp_path, "eks_pod_identity_association", _params())
    assert created["changed"] is True, created
    association = created["association"]
    assert re.fullmatch(r"a-[a-z0-9]{17}", association["association_id"])
    assert association["association_arn"] == (
        f"arn:aws:eks:us-east-1:123456789012:podidentityassociation/{CLUSTER}/{association['association_id']}"
    )
    assert (association["namespace"], association["service_account"], association["role_arn"]) == (
        "kube-system",
        "karpenter",
        ROLE,
    )
    assert association["tags"] == {"fastish:release": "analytics"}

    cloud.reset_requests()
    again = module(cloud, tmp_path, "eks_pod_identity_association", _params())
    assert again["changed"] is False and mutating(cloud) == []
    assert again["association"]["association_id"] == association["association_id"]

    changed = _params(role_arn=OTHER_ROLE, tags={"team": "data"})
    cloud.reset_requests()
    planned = module(cloud, tmp_path, "eks_pod_identity_association", changed, "--check", "--diff")
    assert planned["changed"] is True and mutating(cloud) == []
    assert (
        planned["diff"]["before"]["role_arn"] == ROLE and planned["diff"]["after"]["role_arn"] == OTHER_ROLE
    )
    updated = module(cloud, tmp_path, "eks_pod_identity_association", changed)
    assert updated["changed"] is True
    assert sorted(mutating(cloud)) == ["TagResource", "UntagResource", "UpdatePodIdentityAssociation"]
    assert updated["association"]["association_id"] == association["association_id"]  # updated in place
    assert (updated["association"]["role_arn"], updated["association"]["tags"]) == (
        OTHER_ROLE,
        {"team": "data"},
    )
    # other service accounts are other associations
    other = module(cloud, tmp_path, "eks_pod_identity_association", _params(service_account="external-dns"))
    assert other["changed"] is True and len(_associations(cloud)) == 2


def test_absent_twice(cloud, tmp_path):
    make_cluster(cloud)
    cloud.client("eks").create_pod_identity_association(
        clusterName=CLUSTER, namespace="kube-system", serviceAccount="karpenter", roleArn=ROLE
    )
    absent = {
        "cluster_name": CLUSTER,
        "namespace": "kube-system",
        "service_account": "karpenter",
        "state": "absent",
    }
    cloud.reset_requests()
    checked = module(cloud, tmp_path, "eks_pod_identity_association", absent, "--check")
    assert checked["changed"] is True and mutating(cloud) == []
    gone = module(cloud, tmp_path, "eks_pod_identity_association", absent)
    assert gone["changed"] is True and gone["association"] == {}
    assert _associations(cloud) == []
    cloud.reset_requests()
    again = module(cloud, tmp_path, "eks_pod_identity_association", absent)
    assert again["changed"] is False and mutating(cloud) == []
    missing = module(
        cloud, tmp_path, "eks_pod_identity_association", {**absent, "cluster_name": "no-such-cluster"}
    )
    assert missing["changed"] is False and "failed" not in missing


def test_errors_name_the_cluster_and_service_account(cloud, tmp_path):
    missing = module(cloud, tmp_path, "eks_pod_identity_association", _params())
    assert missing["failed"] is True
    assert "EKS cluster acme-data-analytics-eks does not exist" in missing["msg"]

    eks = make_cluster(cloud)
    no_role = module(cloud, tmp_path, "eks_pod_identity_association", {**_params(), "role_arn": None})
    assert no_role["failed"] is True and "role_arn" in no_role["msg"]

    bad_role = module(
        cloud, tmp_path, "eks_pod_identity_association", _params(role_arn="arn:aws:s3:::bucket")
    )
    assert bad_role["failed"] is True
    assert "service account kube-system/karpenter in EKS cluster acme-data-analytics-eks" in bad_role["msg"]
    assert "Invalid Role Arn" in bad_role["msg"]

    addon = eks.create_addon(
        clusterName=CLUSTER,
        addonName="vpc-cni",
        podIdentityAssociations=[{"serviceAccount": "aws-node", "roleArn": ROLE}],
    )["addon"]
    cloud.reset_requests()
    owned = module(
        cloud,
        tmp_path,
        "eks_pod_identity_association",
        _params(service_account="aws-node", role_arn=OTHER_ROLE),
    )
    assert owned["failed"] is True and mutating(cloud) == []
    assert addon["addonArn"] in owned["msg"] and "fastish.platform.eks_addon" in owned["msg"]


def test_waits_for_a_creating_cluster(slow_cluster_cloud, tmp_path):  # noqa: F811 (the imported fixture)
    created = check_creating_cluster(slow_cluster_cloud, tmp_path, "eks_pod_identity_association", _params())
    assert created["association"]["role_arn"] == ROLE
