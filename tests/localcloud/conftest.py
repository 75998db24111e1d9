"""Fixtures for the local cloud's own tests."""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest

REGION = "us-east-1"
REDIRECTING_ENV = ("AWS_CA_BUNDLE", "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")
ACCOUNT = "123456789012"

TLS_ONLY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::{bucket}", "arn:aws:s3:::{bucket}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ],
}


def _tls_only_policy(bucket: str) -> str:
    return json.dumps(TLS_ONLY_POLICY).replace("{bucket}", bucket)


def _create_network(ec2: Any) -> tuple[str, list[str]]:
    """A VPC with two subnets in two AZs; returns (vpc_id, [subnet_id, subnet_id])."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in enumerate("ab", start=1)
    ]
    return vpc, subnets


FAKE_SUBNETS = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]  # moto's EKS does not check them


def _create_nodegroup(eks: Any, subnets: list[str] = FAKE_SUBNETS) -> dict[str, Any]:
    eks.create_cluster(
        name="c1",
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/cluster",
        resourcesVpcConfig={"subnetIds": subnets},
    )
    # The local cloud keeps clusters and node groups CREATING for a while, as AWS does.
    fast = {"Delay": 0.2, "MaxAttempts": 150}
    eks.get_waiter("cluster_active").wait(name="c1", WaiterConfig=fast)
    group = eks.create_nodegroup(
        clusterName="c1",
        nodegroupName="ng1",
        nodeRole=f"arn:aws:iam::{ACCOUNT}:role/node",
        subnets=subnets,
        tags={"team": "platform"},
    )["nodegroup"]
    eks.get_waiter("nodegroup_active").wait(clusterName="c1", nodegroupName="ng1", WaiterConfig=fast)
    return group


def _create_function(lam: Any, iam: Any) -> None:
    """Lambda function "fn" (python3.12, a one-line handler) with its role "fn"."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    role = iam.create_role(RoleName="fn", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("h.py", "def handler(event, context):\n    return 1\n")
    lam.create_function(
        FunctionName="fn",
        Runtime="python3.12",
        Role=role,
        Handler="h.handler",
        Code={"ZipFile": buffer.getvalue()},
    )


@pytest.fixture
def make_function() -> Callable[[Any, Any], None]:
    """Factory: make_function(lambda_client, iam_client) -> function "fn" with its role."""
    return _create_function


@pytest.fixture
def tls_only_policy() -> Callable[[str], str]:
    """Factory: the standard "deny s3:* unless aws:SecureTransport" bucket policy for a bucket."""
    return _tls_only_policy


@pytest.fixture
def make_network() -> Callable[[Any], tuple[str, list[str]]]:
    """Factory: make_network(ec2_client) -> (vpc_id, [two subnet ids in two AZs])."""
    return _create_network


@pytest.fixture
def make_nodegroup() -> Callable[..., dict[str, Any]]:
    """Factory: make_nodegroup(eks_client[, subnets]) -> nodegroup ng1 of cluster c1 (tags team=platform)."""
    return _create_nodegroup


@pytest.fixture(scope="session")
def k8s(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A local cloud with Kubernetes (opt-in; the ``localcloud``/``cloud`` fixtures are AWS only).

    Its own AWS server plus etcd + kube-apiserver + kube-controller-manager + the stand-in kubelet, on
    free ports (one per xdist worker: mark the tests ``xdist_group("k8s")`` to share it). Offers what
    ``localcloud`` offers plus ``.kubeconfig`` and ``.kubernetes`` (tools.localcloud.k8s.LocalKubernetes);
    ``.env()`` includes KUBECONFIG and K8S_AUTH_KUBECONFIG. Skips when the binaries are not built.
    """
    from tools.localcloud import k8s as kube
    from tools.localcloud.client import start_local_cloud

    missing = kube.missing_binaries()
    if missing:
        pytest.skip(
            f"Kubernetes binaries not built ({', '.join(missing)} missing in {kube.bin_dir()}): "
            f"run `{kube.BUILD_HINT}`"
        )
    with start_local_cloud(tmp_path_factory.mktemp("localcloud-k8s"), k8s=True) as cloud:
        yield cloud


@pytest.fixture
def upstream() -> Iterator[Callable[[str], Any]]:
    """Plain, unpatched in-process moto: yields a boto3 client factory inside ``mock_aws``.

    The pytest process never applies tools.localcloud patches, so this is upstream moto's behaviour.
    AWS_* variables that would redirect boto3 (e.g. to a running local cloud) are removed meanwhile.
    """
    import boto3
    from moto import mock_aws

    from tools.localcloud import patches

    assert patches.applied() == [], "patches must never be applied in the pytest process"
    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if name.startswith("AWS_ENDPOINT_URL") or name in REDIRECTING_ENV:
                mp.delenv(name)
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        with mock_aws():
            yield lambda service: boto3.client(service, region_name=REGION)
