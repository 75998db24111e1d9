"""Verify roles/lambda_api: the function, its release behind the alias, its least-privilege role (judged
with tests/iam_policy.py), its network and its encrypted log group."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.iam_policy import Request, allowed
from tests.molecule_support import ACCOUNT, ROOT, aws_client, policy_document

NAME = "acme-web-portal-api"
TENANT_ROLE = f"arn:aws:iam::{ACCOUNT}:role/acme-web-portal-tenant"
ITEMS = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/acme-web-portal-items"
LOG_GROUP = f"/aws/lambda/{NAME}"


@pytest.fixture(scope="module")
def config():
    return aws_client("lambda").get_function_configuration(FunctionName=NAME)


@pytest.fixture(scope="module")
def key_arn():
    return aws_client("kms").describe_key(KeyId="alias/acme-web-portal-key")["KeyMetadata"]["Arn"]


@pytest.fixture(scope="module")
def policy():
    iam = aws_client("iam")
    return policy_document(iam.get_role_policy(RoleName=NAME, PolicyName="api-function")["PolicyDocument"])


def test_the_function_runs_the_service_in_the_private_subnets(config, key_arn):
    assert config["Runtime"] == "python3.12" and config["Architectures"] == ["arm64"]
    assert config["Handler"] == "fastish_api.lambda_handler.handler"
    assert config["MemorySize"] == 512 and config["Timeout"] == 29
    assert config["TracingConfig"] == {"Mode": "Active"}
    assert config["KMSKeyArn"] == key_arn
    assert config["Role"] == f"arn:aws:iam::{ACCOUNT}:role/{NAME}"
    ec2 = aws_client("ec2")
    subnets = ec2.describe_subnets(SubnetIds=config["VpcConfig"]["SubnetIds"])["Subnets"]
    assert sorted(s["CidrBlock"] for s in subnets) == ["10.10.0.0/24", "10.10.1.0/24"]
    env = config["Environment"]["Variables"]
    assert env["FASTISH_API_TENANT_ROLE_ARN"] == TENANT_ROLE
    assert env["FASTISH_API_ITEMS_TABLE"] == "acme-web-portal-items"
    assert env["FASTISH_API_ISSUER"].startswith("https://cognito-idp.us-east-1.amazonaws.com/")
    assert not [k for k in env if "SECRET" in k or "PASSWORD" in k]


def test_the_deployed_code_is_the_service_built_for_arm64(config):
    """The function runs exactly what the reproducible build makes of services/api for arm64."""
    build = subprocess.run(
        [
            sys.executable,
            str(ROOT / "services/api/tools/build_lambda.py"),
            "--output",
            str(ROOT / ".localcloud/build"),
            "--platform",
            "manylinux2014_aarch64",
            "--python-version",
            "3.12",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert config["CodeSha256"] == json.loads(build.stdout)["code_sha256"]
    assert config["CodeSize"] > 1_000_000, "dependencies are vendored"


def test_the_alias_points_at_the_released_version_with_reserved_concurrency(config, key_arn):
    lam = aws_client("lambda")
    versions = [
        v for v in lam.list_versions_by_function(FunctionName=NAME)["Versions"] if v["Version"] != "$LATEST"
    ]
    # amazon.aws.lambda publishes version 1 when it creates the function (before the environment key is
    # set); fastish.platform.lambda_release publishes 2 with the key; the idempotence run publishes none.
    assert [v["Version"] for v in versions] == ["1", "2"]
    assert versions[-1]["CodeSha256"] == config["CodeSha256"] and versions[-1]["KMSKeyArn"] == key_arn
    assert lam.get_alias(FunctionName=NAME, Name="live")["FunctionVersion"] == "2"
    assert lam.get_function_concurrency(FunctionName=NAME)["ReservedConcurrentExecutions"] == 20


def test_the_security_group_allows_https_out_only(config):
    group = aws_client("ec2").describe_security_groups(GroupIds=config["VpcConfig"]["SecurityGroupIds"])[
        "SecurityGroups"
    ][0]
    assert group["GroupName"] == NAME
    assert group["IpPermissions"] == []
    assert [(p["IpProtocol"], p["FromPort"], p["ToPort"]) for p in group["IpPermissionsEgress"]] == [
        ("tcp", 443, 443)
    ]


def test_the_role_is_trusted_by_lambda_of_this_account_only():
    trust = policy_document(aws_client("iam").get_role(RoleName=NAME)["Role"]["AssumeRolePolicyDocument"])

    def assume(account):
        return Request(
            "sts:AssumeRole",
            principal={"Service": "lambda.amazonaws.com"},
            context={"aws:SourceAccount": account},
        )

    assert allowed(trust, assume(ACCOUNT))
    assert not allowed(trust, assume("999999999999"))


def test_tenant_data_only_through_the_tenant_role_with_the_tenant_tag(policy):
    assert allowed(policy, Request("sts:AssumeRole", resource=TENANT_ROLE))
    assert not allowed(
        policy, Request("sts:AssumeRole", resource=f"arn:aws:iam::{ACCOUNT}:role/acme-web-other")
    )
    tag = {"aws:TagKeys": ["tenant_id"], "aws:RequestTag/tenant_id": "globex"}
    assert allowed(policy, Request("sts:TagSession", resource=TENANT_ROLE, context=tag))
    assert not allowed(
        policy,
        Request(
            "sts:TagSession", resource=TENANT_ROLE, context={**tag, "aws:TagKeys": ["tenant_id", "admin"]}
        ),
    )
    assert not allowed(policy, Request("sts:TagSession", resource=TENANT_ROLE, context={"aws:TagKeys": []}))
    # its own credentials read no item and scan nothing
    for action in ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PutItem"):
        assert not allowed(policy, Request(action, resource=ITEMS))
    assert allowed(policy, Request("dynamodb:DescribeTable", resource=ITEMS))


def test_logs_and_network_interfaces_are_scoped(policy, config):
    stream = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{LOG_GROUP}:log-stream:2026/11/22/x"
    assert allowed(policy, Request("logs:PutLogEvents", resource=stream))
    other = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/other:log-stream:x"
    assert not allowed(policy, Request("logs:PutLogEvents", resource=other))
    subnet = config["VpcConfig"]["SubnetIds"][0]
    assert allowed(
        policy,
        Request("ec2:CreateNetworkInterface", resource=f"arn:aws:ec2:us-east-1:{ACCOUNT}:subnet/{subnet}"),
    )
    assert not allowed(
        policy,
        Request(
            "ec2:CreateNetworkInterface", resource=f"arn:aws:ec2:us-east-1:{ACCOUNT}:subnet/subnet-other"
        ),
    )
    stars = [s for s in policy["Statement"] if s["Resource"] == "*"]
    assert stars and all(
        set(s["Action"])
        <= {"ec2:DescribeNetworkInterfaces", "xray:PutTraceSegments", "xray:PutTelemetryRecords"}
        for s in stars
    )


def test_the_log_group_is_encrypted_with_retention(key_arn):
    groups = aws_client("logs").describe_log_groups(logGroupNamePrefix=LOG_GROUP)["logGroups"]
    assert len(groups) == 1
    assert groups[0]["kmsKeyId"] == key_arn and groups[0]["retentionInDays"] == 90
