"""Verify the webapp release (part 1) as a whole: its outputs, the wiring between its roles, and that
the exec role bootstrap gives webapp releases allows every call the release made."""

from __future__ import annotations

import fnmatch
import json
import subprocess
import sys

import pytest

from tests.molecule_support import ROOT, aws_client, policy_document, release_outputs

HOST = "acme-web-portal"
PREFIX = "acme-web-portal"
KEY_ALIAS = f"alias/{PREFIX}-key"
# The request log's service names that differ from the IAM action prefix.
IAM_PREFIX = {"email": "ses", "monitoring": "cloudwatch", "cognito-idp": "cognito-idp"}


@pytest.fixture(scope="module")
def outputs():
    return release_outputs(HOST)


@pytest.fixture(scope="module")
def key_arn():
    return aws_client("kms").describe_key(KeyId=KEY_ALIAS)["KeyMetadata"]["Arn"]


def test_outputs_file_and_parameter_agree(outputs):
    stored = aws_client("ssm").get_parameter(Name="/acme/web/portal/outputs")["Parameter"]
    assert json.loads(stored["Value"]) == outputs
    assert stored["Type"] == "String"


def test_outputs_name_every_part_and_hold_no_secret(outputs, key_arn):
    assert outputs["key_arn"] == key_arn
    for name in (
        "vpc_id",
        "private_subnet_ids",
        "user_pool_id",
        "web_client_id",
        "machine_client_secret_arn",
        "tenant_role_arn",
        "email_configuration_set",
    ):
        assert outputs.get(name), f"{name} missing from {sorted(outputs)}"
    # secrets are referenced by ARN only, never by value
    assert [k for k in outputs if "secret" in k] == ["machine_client_secret_arn"]
    secret = aws_client("secretsmanager").get_secret_value(SecretId=outputs["machine_client_secret_arn"])
    assert secret["SecretString"] not in json.dumps(outputs)


def test_the_outputs_point_at_real_resources(outputs):
    ec2 = aws_client("ec2")
    assert ec2.describe_vpcs(VpcIds=[outputs["vpc_id"]])["Vpcs"][0]["CidrBlock"] == "10.10.0.0/16"
    subnets = ec2.describe_subnets(SubnetIds=outputs["private_subnet_ids"])["Subnets"]
    assert {s["VpcId"] for s in subnets} == {outputs["vpc_id"]} and len(subnets) == 3
    pool = aws_client("cognito-idp").describe_user_pool(UserPoolId=outputs["user_pool_id"])["UserPool"]
    assert pool["Name"] == f"{PREFIX}-users"
    role = aws_client("iam").get_role(RoleName=f"{PREFIX}-tenant")["Role"]
    assert role["Arn"] == outputs["tenant_role_arn"]


def test_everything_encrypted_uses_the_release_key(key_arn):
    logs = aws_client("logs").describe_log_groups(logGroupNamePrefix=PREFIX)["logGroups"]
    assert logs and all(group.get("kmsKeyId") == key_arn for group in logs), logs
    dynamodb = aws_client("dynamodb")
    for table in (f"{PREFIX}-tenants", f"{PREFIX}-items"):
        sse = dynamodb.describe_table(TableName=table)["Table"]["SSEDescription"]
        assert sse["SSEType"] == "KMS" and sse["KMSMasterKeyArn"] == key_arn, sse
    secrets = aws_client("secretsmanager").list_secrets()["SecretList"]
    release_secrets = [s for s in secrets if s["Name"].startswith(PREFIX)]
    assert release_secrets and all(s.get("KmsKeyId") in (key_arn, KEY_ALIAS) for s in release_secrets)


def test_the_tenant_role_names_the_real_tables(outputs):
    iam = aws_client("iam")
    policy = policy_document(
        iam.get_role_policy(RoleName=f"{PREFIX}-tenant", PolicyName="tenant-items")["PolicyDocument"]
    )
    dynamodb = aws_client("dynamodb")
    real = {
        dynamodb.describe_table(TableName=f"{PREFIX}-{t}")["Table"]["TableArn"] for t in ("tenants", "items")
    }
    named = {r for s in policy["Statement"] for r in s["Resource"] if "/index/" not in r}
    assert named == real


def _exec_actions():
    iam = aws_client("iam")
    name = "fastish-local-exec-webapp"
    document = policy_document(iam.get_role_policy(RoleName=name, PolicyName=name)["PolicyDocument"])
    patterns = []
    for statement in document["Statement"]:
        if statement["Effect"] == "Allow":
            actions = statement["Action"]
            patterns += actions if isinstance(actions, list) else [actions]
    return patterns


def test_the_webapp_exec_role_allows_every_call_the_release_made():
    log = _requests()
    patterns = _exec_actions()
    made = {(r["service"], r["action"]) for r in log["requests"] if r.get("action")}
    assert made, "the request log is empty: was it cleared after the webapp runs?"
    missing = sorted(
        f"{IAM_PREFIX.get(service, service)}:{action}"
        for service, action in made
        if not any(
            fnmatch.fnmatchcase(f"{IAM_PREFIX.get(service, service)}:{action}".lower(), p.lower())
            for p in patterns
        )
    )
    assert not missing, f"the exec role of webapp releases lacks: {missing}"


def _requests():
    proc = subprocess.run(
        [sys.executable, "-m", "tools.localcloud", "requests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout)
