"""After karpenter_state=absent: nothing of the role is left (run by side_effect.yml). The cluster,
the key and the stand-in network (not the role's) and the objects of others stay."""

from __future__ import annotations

import pytest
from foreign import FOREIGN
from karpenter_support import (
    CLUSTER,
    CONTROLLER_ROLE,
    NODE_ROLE,
    NODE_ROLE_ARN,
    PREFIX,
    QUEUE,
    calls_not_allowed,
    cluster_objects,
    exec_policy,
    facts,
    request_log,
    tags_of,
)

from tests.molecule_support import aws_client


@pytest.fixture(scope="module", autouse=True)
def run_log():
    """The request log of the scenario's runs (the removals included), read before these tests add
    their own calls to it."""
    return request_log()


def test_roles_are_gone():
    iam = aws_client("iam")
    for name in (CONTROLLER_ROLE, NODE_ROLE):
        with pytest.raises(iam.exceptions.NoSuchEntityException):
            iam.get_role(RoleName=name)
    assert [p["InstanceProfileName"] for p in iam.list_instance_profiles()["InstanceProfiles"]] == []


def test_queue_and_rules_are_gone():
    sqs = aws_client("sqs")
    assert [u for u in sqs.list_queues().get("QueueUrls", []) if u.endswith(f"/{QUEUE}")] == []
    assert aws_client("events").list_rules(NamePrefix=f"{PREFIX}-karpenter")["Rules"] == []


def test_cluster_access_is_gone_and_the_cluster_stays():
    eks = aws_client("eks")
    assert eks.describe_cluster(name=CLUSTER)["cluster"]["status"] == "ACTIVE"
    assert eks.list_pod_identity_associations(clusterName=CLUSTER)["associations"] == []
    assert NODE_ROLE_ARN not in eks.list_access_entries(clusterName=CLUSTER)["accessEntries"]


def test_the_discovery_tag_is_gone_from_the_cluster_security_group():
    group_id = facts()["eks_cluster_security_group_id"]
    (group,) = aws_client("ec2").describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    assert "karpenter.sh/discovery" not in tags_of(group)
    assert tags_of(group)["fastish:release"] == "analytics", "only the role's tag was removed"


def test_only_foreign_pools_and_classes_are_left():
    assert sorted(cluster_objects("karpenter.sh", "v1", "nodepools")) == [FOREIGN]
    assert sorted(cluster_objects("karpenter.k8s.aws", "v1", "ec2nodeclasses")) == [FOREIGN]


def test_the_druid_exec_role_allows_every_call_the_removals_included(run_log):
    missing = set(calls_not_allowed(run_log, exec_policy()))
    assert missing == set(), f"the exec role of druid releases lacks: {sorted(missing)}"
