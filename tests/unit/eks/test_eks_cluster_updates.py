"""fastish.platform.eks_cluster's update sequencing and waits against a botocore Stubber: several
updates in one run, one at a time, each waited for (DescribeUpdate, then the cluster ACTIVE) before the
next; failed updates and timeouts fail with a clear message. tests/modules/test_eks_cluster.py runs the
module against the local cloud."""

from __future__ import annotations

import boto3
import pytest
from ansible_collections.fastish.platform.plugins.modules.eks_cluster import (
    EksCluster,
    EksClusterError,
    logging_request,
)
from botocore.stub import Stubber

NAME = "acme-data-analytics-eks"
ARN = f"arn:aws:eks:us-east-1:123456789012:cluster/{NAME}"
ROLE = "arn:aws:iam::123456789012:role/eks"
KEY = "arn:aws:kms:us-east-1:123456789012:key/abc"
SUBNETS = ["subnet-1", "subnet-2"]


@pytest.fixture
def client():
    return boto3.client("eks", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")


class Clock:
    """A fake clock: sleep() advances it, so waits cost no time."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self):
        return self.now


def _params(**overrides):
    return {
        "name": NAME,
        "state": "present",
        "version": "1.34",
        "role_arn": ROLE,
        "subnet_ids": SUBNETS,
        "security_group_ids": None,
        "endpoint_private_access": True,
        "endpoint_public_access": False,
        "public_access_cidrs": None,
        "logging": ["api"],
        "encryption_key_arn": None,
        "authentication_mode": "API",
        "bootstrap_cluster_creator_admin_permissions": False,
        "kubernetes_network_config": None,
        "tags": None,
        "purge_tags": True,
        "wait": True,
        "wait_timeout": 60,
        **overrides,
    }


def _cluster(status="ACTIVE", version="1.34", logging=("api",), public=False, mode="API", key=None):
    cluster = {
        "name": NAME,
        "arn": ARN,
        "version": version,
        "status": status,
        "roleArn": ROLE,
        "endpoint": "https://example.eks.amazonaws.com",
        "certificateAuthority": {"data": "Q0E="},
        "resourcesVpcConfig": {
            "subnetIds": SUBNETS,
            "securityGroupIds": [],
            "endpointPrivateAccess": True,
            "endpointPublicAccess": public,
            "publicAccessCidrs": ["0.0.0.0/0"],
        },
        "kubernetesNetworkConfig": {"serviceIpv4Cidr": "10.100.0.0/16"},
        "logging": logging_request(list(logging)),
        "accessConfig": {"authenticationMode": mode, "bootstrapClusterCreatorAdminPermissions": False},
        "tags": {},
    }
    if key:
        cluster["encryptionConfig"] = [{"resources": ["secrets"], "provider": {"keyArn": key}}]
    return cluster


def _describe(stub, cluster):
    stub.add_response("describe_cluster", {"cluster": cluster}, {"name": NAME})


def _update(stub, method, expected, update_id, statuses, then):
    """``method`` returns update ``update_id``; DescribeUpdate answers ``statuses`` in turn; then the
    cluster is described as ``then``."""
    stub.add_response(method, {"update": {"id": update_id, "status": "InProgress"}}, expected)
    for status in statuses:
        stub.add_response(
            "describe_update",
            {"update": {"id": update_id, "status": status}},
            {"name": NAME, "updateId": update_id},
        )
    _describe(stub, then)


def test_create_waits_until_active(client):
    clock = Clock()
    with Stubber(client) as stub:
        stub.add_client_error("describe_cluster", "ResourceNotFoundException", http_status_code=404)
        stub.add_response(
            "create_cluster",
            {"cluster": _cluster(status="CREATING")},
            {
                "name": NAME,
                "version": "1.34",
                "roleArn": ROLE,
                "resourcesVpcConfig": {
                    "subnetIds": SUBNETS,
                    "endpointPrivateAccess": True,
                    "endpointPublicAccess": False,
                },
                "logging": logging_request(["api"]),
                "accessConfig": {
                    "authenticationMode": "API",
                    "bootstrapClusterCreatorAdminPermissions": False,
                },
                "encryptionConfig": [{"resources": ["secrets"], "provider": {"keyArn": KEY}}],
                "tags": {"a": "b"},
            },
        )
        _describe(stub, _cluster(status="CREATING"))
        _describe(stub, _cluster(status="CREATING"))
        _describe(stub, _cluster(status="ACTIVE", key=KEY))
        result = EksCluster(
            client, _params(encryption_key_arn=KEY, tags={"a": "b"}), sleep=clock.sleep, clock=clock
        ).run()
        stub.assert_no_pending_responses()
    assert result["changed"] is True and result["updates"] == ["create"]
    assert result["cluster"]["status"] == "ACTIVE" and result["cluster"]["encryption_config"]
    assert clock.sleeps == [1.0, 2.0]  # backs off between polls


def test_every_update_in_order_one_at_a_time(client):
    clock = Clock()
    before = _cluster(version="1.34", logging=(), public=False, mode="API_AND_CONFIG_MAP")
    params = _params(
        version="1.35",
        logging=["api", "audit"],
        endpoint_public_access=True,
        public_access_cidrs=["198.51.100.0/24"],
        authentication_mode="API",
        encryption_key_arn=KEY,
    )
    with Stubber(client) as stub:
        _describe(stub, before)
        _update(
            stub,
            "update_cluster_config",
            {"name": NAME, "logging": logging_request(["api", "audit"])},
            "u1",
            ["InProgress", "Successful"],
            _cluster(logging=("api", "audit")),
        )
        _update(
            stub,
            "update_cluster_config",
            {
                "name": NAME,
                "resourcesVpcConfig": {
                    "endpointPrivateAccess": True,
                    "endpointPublicAccess": True,
                    "publicAccessCidrs": ["198.51.100.0/24"],
                },
            },
            "u2",
            ["Successful"],
            _cluster(),
        )
        _update(
            stub,
            "update_cluster_config",
            {"name": NAME, "accessConfig": {"authenticationMode": "API"}},
            "u3",
            ["Successful"],
            _cluster(),
        )
        _update(
            stub,
            "associate_encryption_config",
            {
                "clusterName": NAME,
                "encryptionConfig": [{"resources": ["secrets"], "provider": {"keyArn": KEY}}],
            },
            "u4",
            ["InProgress", "InProgress", "Successful"],
            _cluster(key=KEY),
        )
        _update(
            stub,
            "update_cluster_version",
            {"name": NAME, "version": "1.35"},
            "u5",
            ["Successful"],
            _cluster(status="UPDATING", version="1.35"),
        )
        _describe(stub, _cluster(version="1.35"))  # the version update's cluster wait
        _describe(stub, _cluster(version="1.35", key=KEY, logging=("api", "audit"), public=True))  # result
        result = EksCluster(client, params, sleep=clock.sleep, clock=clock).run()
        stub.assert_no_pending_responses()
    assert result["updates"] == [
        "logging",
        "endpoint access",
        "authentication mode API",
        "secrets encryption",
        "version 1.35",
    ]
    assert result["cluster"]["version"] == "1.35"
    assert result["diff"]["before"]["version"] == "1.34" and result["diff"]["after"]["version"] == "1.35"


def test_check_mode_only_reads(client):
    params = _params(version="1.35", logging=["api", "audit"], tags={"team": "data"})
    with Stubber(client) as stub:
        _describe(stub, _cluster())
        result = EksCluster(client, params, check_mode=True).run()
        stub.assert_no_pending_responses()
    assert result["changed"] is True and result["updates"] == ["tags", "logging", "version 1.35"]
    assert result["cluster"]["version"] == "1.35" and result["cluster"]["logging"] == ["api", "audit"]
    assert result["cluster"]["tags"] == {"team": "data"}


def test_failed_update_names_the_errors(client):
    clock = Clock()
    with Stubber(client) as stub:
        _describe(stub, _cluster())
        stub.add_response("update_cluster_version", {"update": {"id": "u9", "status": "InProgress"}})
        stub.add_response(
            "describe_update",
            {
                "update": {
                    "id": "u9",
                    "status": "Failed",
                    "errors": [{"errorCode": "InsufficientFreeAddresses", "errorMessage": "no free IPs"}],
                }
            },
        )
        with pytest.raises(EksClusterError) as failed:
            EksCluster(client, _params(version="1.35"), sleep=clock.sleep, clock=clock).run()
    assert failed.value.message == (
        f"Update u9 (version 1.35) of EKS cluster {NAME} is Failed: InsufficientFreeAddresses: no free IPs"
    )


def test_wait_times_out(client):
    clock = Clock()
    with Stubber(client) as stub:
        _describe(stub, _cluster(status="CREATING"))  # present(): the cluster is still being created
        for _ in range(20):
            _describe(stub, _cluster(status="CREATING"))
        with pytest.raises(EksClusterError) as failed:
            EksCluster(client, _params(wait_timeout=30), sleep=clock.sleep, clock=clock).run()
    assert (
        failed.value.message
        == f"Timed out after 30 s waiting for EKS cluster {NAME} to be ACTIVE (now: CREATING)"
    )
    assert clock.now == pytest.approx(30)


def test_no_wait_after_the_last_update(client):
    with Stubber(client) as stub:
        _describe(stub, _cluster())
        stub.add_response("update_cluster_version", {"update": {"id": "u1", "status": "InProgress"}})
        _describe(stub, _cluster(status="UPDATING", version="1.35"))
        result = EksCluster(client, _params(version="1.35", wait=False)).run()
        stub.assert_no_pending_responses()
    assert result["cluster"]["status"] == "UPDATING"


def test_absent_waits_for_a_creating_cluster_then_deletes(client):
    clock = Clock()
    with Stubber(client) as stub:
        _describe(stub, _cluster(status="CREATING"))
        stub.add_response("list_nodegroups", {"nodegroups": []}, {"clusterName": NAME})
        stub.add_response("list_fargate_profiles", {"fargateProfileNames": []}, {"clusterName": NAME})
        _describe(stub, _cluster(status="ACTIVE"))
        stub.add_response("delete_cluster", {"cluster": _cluster(status="DELETING")}, {"name": NAME})
        _describe(stub, _cluster(status="DELETING"))
        stub.add_client_error("describe_cluster", "ResourceNotFoundException", http_status_code=404)
        result = EksCluster(client, _params(state="absent"), sleep=clock.sleep, clock=clock).run()
        stub.assert_no_pending_responses()
    assert result["changed"] is True and result["cluster"] == {}


def test_absent_refuses_with_fargate_profiles(client):
    with Stubber(client) as stub:
        _describe(stub, _cluster())
        stub.add_response("list_nodegroups", {"nodegroups": ["a", "b"]}, {"clusterName": NAME})
        stub.add_response("list_fargate_profiles", {"fargateProfileNames": ["fp"]}, {"clusterName": NAME})
        with pytest.raises(EksClusterError) as refused:
            EksCluster(client, _params(state="absent")).run()
    assert refused.value.message.startswith(
        f"EKS cluster {NAME} still has managed node groups a, b and Fargate profiles fp;"
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"authentication_mode": "CONFIG_MAP"},
            "with authentication mode CONFIG_MAP EKS needs bootstrap_cluster_creator_admin_permissions=true",
        ),
        (
            {"endpoint_public_access": True, "public_access_cidrs": []},
            "public_access_cidrs is empty while endpoint_public_access is true",
        ),
    ],
)
def test_settings_eks_rejects_fail_before_any_call(client, overrides, message):
    with Stubber(client) as stub:
        stub.add_client_error("describe_cluster", "ResourceNotFoundException", http_status_code=404)
        with pytest.raises(EksClusterError) as failed:
            EksCluster(client, _params(**overrides), check_mode=True).run()
        stub.assert_no_pending_responses()
    assert message in failed.value.message
