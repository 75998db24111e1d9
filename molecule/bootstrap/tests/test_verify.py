"""Verify the converged bootstrap release through the AWS APIs of the local cloud (run by verify.yml)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.molecule_support import (
    aws_client,
    changed_count,
    release_outputs,
    request_log,
    role_statements,
    run_playbook,
)

ROOT = Path(__file__).resolve().parents[3]
ACCOUNT = "123456789012"
REGION = "us-east-1"
PLATFORM_ROLE = "arn:aws:iam::111111111111:role/fastish-platform"
RELEASE_TYPES = ["webapp", "druid", "api"]
OTHER_ROLES = ["handshake", "lookup", "assets", "images", "deploy", "apigateway-logs"]
# IAM quotas: characters of one managed policy (whitespace not counted); managed policies per role.
MANAGED_POLICY_MAX = 6144
POLICIES_PER_ROLE = 10
# Exec permissions of webapp and druid releases exceed the 10,240 characters of a role's inline policies.
MIN_PARTS = {"webapp": 2, "druid": 2, "api": 1}
# Actions without resource-level permissions: the only Allow statements that may name Resource "*".
UNSCOPABLE = {
    "ec2:DescribeAvailabilityZones",
    "ec2:DescribeRegions",
    "ecr:GetAuthorizationToken",
    "ssm:DescribeParameters",
    "kms:ListAliases",
    "kms:ListKeys",
    "sts:GetCallerIdentity",
    "tag:GetResources",
    "cognito-idp:ListUserPools",
    "dynamodb:ListTables",
    "lambda:ListFunctions",
    "ses:ListIdentities",
    "sns:ListTopics",
    "secretsmanager:ListSecrets",
    "dynamodb:ListBackups",
    "route53:ListHostedZonesByName",
    "route53:ListHostedZones",
    "route53:CreateHostedZone",
    "acm:ListCertificates",
    "cloudfront:ListDistributions",
    "cloudfront:ListOriginAccessControls",
    "amplify:ListApps",
    "eks:ListClusters",
    "kafka:ListClusters",
    "kafka:ListClustersV2",
    "kafka:ListConfigurations",
    "kafka:GetCompatibleKafkaVersions",
    "rds:DescribeDBEngineVersions",
    "ec2:DescribeLaunchTemplates",
    "ec2:DescribeLaunchTemplateVersions",
} | {
    f"ec2:Describe{what}"
    for what in [
        "Addresses",
        "FlowLogs",
        "InternetGateways",
        "NatGateways",
        "NetworkInterfaces",
        "PrefixLists",
        "RouteTables",
        "SecurityGroupRules",
        "SecurityGroups",
        "Subnets",
        "Tags",
        "VpcAttribute",
        "VpcEndpoints",
        "VpcPeeringConnections",
        "Vpcs",
    ]
}


_client = aws_client


@pytest.fixture(scope="module")
def outputs():
    return release_outputs("bootstrap")


def _statements(doc):
    doc = json.loads(doc) if isinstance(doc, str) else doc
    stmts = doc["Statement"]
    return stmts if isinstance(stmts, list) else [stmts]


def _listify(value):
    return value if isinstance(value, list) else [value]


def _role(name):
    return _client("iam").get_role(RoleName=name)["Role"]


def _inline(name):
    iam = _client("iam")
    names = iam.list_role_policies(RoleName=name)["PolicyNames"]
    assert names == [name], f"{name} must carry exactly its own inline policy, has {names}"
    return _statements(iam.get_role_policy(RoleName=name, PolicyName=name)["PolicyDocument"])


def _permissions(component):
    """The statements of a deployment role: the exec roles' from their attached parts (and any inline
    policy), the others' from their one inline policy."""
    name = f"fastish-local-{component}"
    return role_statements(_client("iam"), name) if component.startswith("exec-") else _inline(name)


def _chars(document):
    """Characters IAM counts: the JSON without any whitespace."""
    return len(re.sub(r"\s", "", json.dumps(document)))


def _parts(release_type):
    """[(policy, default version document)] of the managed policies attached to an exec role, by name."""
    iam = _client("iam")
    attached = iam.list_attached_role_policies(RoleName=f"fastish-local-exec-{release_type}")[
        "AttachedPolicies"
    ]
    parts = []
    for policy_arn in sorted((p["PolicyArn"] for p in attached), key=lambda arn: int(arn.rsplit("-", 1)[1])):
        policy = iam.get_policy(PolicyArn=policy_arn)["Policy"]
        version = iam.get_policy_version(PolicyArn=policy_arn, VersionId=policy["DefaultVersionId"])
        document = version["PolicyVersion"]["Document"]
        parts.append((policy, json.loads(document) if isinstance(document, str) else document))
    return parts


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The exec permissions rendered by the role's template: release type -> policy document."""
    dest = tmp_path_factory.mktemp("exec") / "exec.json"
    rc, out = run_playbook(
        ROOT / "molecule" / "bootstrap" / "exec_policy.yml", "-e", f"exec_policy_dest={dest}"
    )
    assert rc == 0, out[-3000:]
    return json.loads(dest.read_text())


def test_outputs_are_stored_in_ssm(outputs):
    stored = _client("ssm").get_parameter(Name="/fastish/local/outputs")["Parameter"]
    assert json.loads(stored["Value"]) == outputs
    assert outputs["Version"] == "1"


def test_version_parameter():
    param = _client("ssm").get_parameter(Name="/fastish/local/version")["Parameter"]
    assert (param["Value"], param["Type"]) == ("1", "String")


def test_handshake_trusts_only_the_platform_role_with_external_id(outputs):
    (stmt,) = _statements(_role("fastish-local-handshake")["AssumeRolePolicyDocument"])
    assert stmt["Principal"] == {"AWS": PLATFORM_ROLE}
    cond = stmt["Condition"]["StringEquals"]
    assert cond["sts:ExternalId"] == os.environ.get("FASTISH_EXTERNAL_ID", "local-external-id")
    assert cond["aws:PrincipalAccount"] == "111111111111"


@pytest.mark.parametrize("component", ["lookup", "assets", "images"])
def test_tool_roles_trust_only_handshake(component, outputs):
    (stmt,) = _statements(_role(f"fastish-local-{component}")["AssumeRolePolicyDocument"])
    assert stmt["Principal"] == {"AWS": outputs["HandshakeRoleArn"]}


def test_deploy_trusts_handshake_and_platform_with_external_id(outputs):
    stmts = _statements(_role("fastish-local-deploy")["AssumeRolePolicyDocument"])
    principals = {s["Principal"]["AWS"]: s for s in stmts}
    assert set(principals) == {outputs["HandshakeRoleArn"], PLATFORM_ROLE}
    assert "sts:ExternalId" in principals[PLATFORM_ROLE]["Condition"]["StringEquals"]


@pytest.mark.parametrize("release_type", ["webapp", "druid", "api"])
def test_exec_roles_trust_only_deploy(release_type, outputs):
    (stmt,) = _statements(_role(f"fastish-local-exec-{release_type}")["AssumeRolePolicyDocument"])
    assert stmt["Principal"] == {"AWS": outputs["DeployRoleArn"]}


def test_lookup_is_read_only_and_never_decrypts():
    iam = _client("iam")
    attached = iam.list_attached_role_policies(RoleName="fastish-local-lookup")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    (deny,) = _inline("fastish-local-lookup")
    assert deny["Effect"] == "Deny"
    assert "kms:Decrypt" in _listify(deny["Action"])


def test_handshake_may_assume_only_the_deployment_roles(outputs):
    stmts = _inline("fastish-local-handshake")
    assume = [s for s in stmts if "sts:AssumeRole" in _listify(s["Action"])]
    assert len(assume) == 1
    assert sorted(_listify(assume[0]["Resource"])) == sorted(
        outputs[k] for k in ("LookupRoleArn", "AssetsRoleArn", "ImagesRoleArn", "DeployRoleArn")
    )


def test_deploy_hands_over_only_to_exec_roles(outputs):
    stmts = _inline("fastish-local-deploy")
    execs = sorted(outputs["ExecRoleArns"].values())
    handover = [s for s in stmts if {"sts:AssumeRole", "iam:PassRole"} & set(_listify(s["Action"]))]
    assert len(handover) == 2, "deploy must have one AssumeRole and one PassRole statement"
    for stmt in handover:
        assert sorted(_listify(stmt["Resource"])) == execs
    (passrole,) = [s for s in handover if "iam:PassRole" in _listify(s["Action"])]
    assert passrole["Condition"] == {"StringEquals": {"iam:PassedToService": "cloudformation.amazonaws.com"}}


def test_assets_role_uses_the_key_only_through_s3(outputs):
    stmts = _inline("fastish-local-assets")
    kms = [s for s in stmts if any(a.startswith("kms:") for a in _listify(s["Action"]))]
    assert len(kms) == 1
    assert kms[0]["Resource"] == outputs["KeyArn"]
    assert kms[0]["Condition"]["StringEquals"]["kms:ViaService"] == f"s3.{REGION}.amazonaws.com"


@pytest.mark.parametrize("release_type", RELEASE_TYPES)
def test_exec_roles_carry_their_permissions_as_managed_parts(release_type):
    """No inline policy (AWS refuses more than 10,240 characters of them per role): parts
    <role>-1..N, each a customer-managed policy of one version within 6,144 characters."""
    iam = _client("iam")
    role = f"fastish-local-exec-{release_type}"
    assert iam.list_role_policies(RoleName=role)["PolicyNames"] == []
    parts = _parts(release_type)
    count = len(parts)
    assert MIN_PARTS[release_type] <= count <= POLICIES_PER_ROLE
    assert [p["PolicyName"] for p, _ in parts] == [f"{role}-{n}" for n in range(1, count + 1)]
    for n, (policy, document) in enumerate(parts, start=1):
        assert policy["Arn"] == f"arn:aws:iam::{ACCOUNT}:policy/{role}-{n}"
        assert policy["Path"] == "/"
        assert (
            policy["Description"]
            == f"fastish exec permissions of {release_type} releases, part {n} of {count}"
        )
        assert len(iam.list_policy_versions(PolicyArn=policy["Arn"])["Versions"]) == 1
        assert 0 < _chars(document) <= MANAGED_POLICY_MAX, (policy["PolicyName"], _chars(document))
        tags = {t["Key"]: t["Value"] for t in iam.list_policy_tags(PolicyArn=policy["Arn"])["Tags"]}
        assert tags["fastish:managed-by"] == "fastish" and tags["fastish:synthesizer"] == "local"


@pytest.mark.parametrize("release_type", RELEASE_TYPES)
def test_exec_parts_add_up_to_the_rendered_permissions(release_type, rendered):
    statements = [s for _, document in _parts(release_type) for s in _statements(document)]
    assert statements == rendered[release_type]["Statement"]
    assert role_statements(_client("iam"), f"fastish-local-exec-{release_type}") == statements


@pytest.mark.parametrize("component", OTHER_ROLES)
def test_other_roles_keep_their_one_inline_policy(component):
    iam = _client("iam")
    name = f"fastish-local-{component}"
    assert _inline(name)  # exactly its own inline policy, which fits a role's 10,240 characters
    assert _chars(iam.get_role_policy(RoleName=name, PolicyName=name)["PolicyDocument"]) <= 10240
    attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached if p["PolicyArn"].split(":")[4] != "aws"] == []


@pytest.mark.parametrize("component", [*OTHER_ROLES, *(f"exec-{t}" for t in RELEASE_TYPES)])
def test_least_privilege(component):
    for stmt in _permissions(component):
        if stmt["Effect"] != "Allow":
            continue
        actions = _listify(stmt["Action"])
        assert not [a for a in actions if a == "*" or a.endswith(":*")], f"wildcard action in {stmt}"
        if "*" in _listify(stmt["Resource"]) and "Condition" not in stmt:
            assert set(actions) <= UNSCOPABLE, f"{component}: Resource '*' without condition for {actions}"


def test_exec_roles_are_scoped_to_their_services():
    services = {
        "exec-webapp": {
            *(
                "cognito-idp",
                "dynamodb",
                "lambda",
                "apigateway",
                "ses",
                "sns",
                "ec2",
                "secretsmanager",
                "route53",
                "acm",
                "cloudfront",
                "amplify",
                "s3",
            ),
        },
        "exec-druid": {"eks", "kafka", "rds", "s3", "secretsmanager", "sqs", "events", "ec2"},
        "exec-api": {"eks", "ecr", "cloudwatch"},
    }
    common = {"ssm", "kms", "logs", "iam", "sts", "tag"}
    for component, own in services.items():
        used = {a.split(":")[0] for s in _permissions(component) for a in _listify(s["Action"])}
        assert used <= own | common, f"{component} uses {sorted(used - own - common)}"
        others = set().union(*(v for k, v in services.items() if k != component)) - own
        assert not used & others, f"{component} reaches into {sorted(used & others)}"


def test_key_rotation_alias_and_policy(outputs):
    kms = _client("kms")
    key_id = outputs["KeyArn"]
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True
    aliases = kms.list_aliases(KeyId=key_id)["Aliases"]
    assert [a["AliasName"] for a in aliases] == ["alias/fastish-local-key"]
    stmts = {
        s["Sid"]: s for s in _statements(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    }
    admin = stmts["KeyAdministration"]
    assert not {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"} & set(admin["Action"])
    use = stmts["DeploymentRolesThroughServices"]
    assert outputs["HandshakeRoleArn"] not in use["Principal"]["AWS"]
    assert outputs["LookupRoleArn"] not in use["Principal"]["AWS"]
    assert "kms:ViaService" in use["Condition"]["StringEquals"]


def test_bucket_encryption_versioning_privacy_and_tls(outputs):
    s3 = _client("s3")
    bucket = outputs["AssetsBucket"]
    assert bucket == f"fastish-local-assets-{ACCOUNT}-{REGION}"
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    default = rule["ApplyServerSideEncryptionByDefault"]
    assert default["SSEAlgorithm"] == "aws:kms"
    assert default["KMSMasterKeyID"] == outputs["KeyArn"]
    assert rule["BucketKeyEnabled"] is True
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    pab = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(pab.values()) and len(pab) == 4
    ownership = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert ownership == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    (deny,) = _statements(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=bucket)["TagSet"]}
    assert tags["fastish:managed-by"] == "fastish"
    assert tags["fastish:synthesizer"] == "local"


def test_bucket_lifecycle_expires_only_noncurrent_versions(outputs):
    rules = _client("s3").get_bucket_lifecycle_configuration(Bucket=outputs["AssetsBucket"])["Rules"]
    assert len(rules) == 1
    (rule,) = rules
    assert rule["Status"] == "Enabled"
    assert rule["NoncurrentVersionExpiration"]["NoncurrentDays"] == 90
    assert rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] == 7
    assert "Expiration" not in rule, "live assets must never expire"


def test_objects_are_written_over_tls_with_the_key(outputs):
    s3 = _client("s3")
    bucket = outputs["AssetsBucket"]
    version = s3.put_object(Bucket=bucket, Key="verify/probe.txt", Body=b"probe")["VersionId"]
    head = s3.head_object(Bucket=bucket, Key="verify/probe.txt")
    assert head["ServerSideEncryption"] == "aws:kms"
    assert head["SSEKMSKeyId"] == outputs["KeyArn"]
    # Remove the version itself (no delete marker), so the bucket is as converge left it.
    s3.delete_object(Bucket=bucket, Key="verify/probe.txt", VersionId=version)


def test_repository_encryption_scanning_immutability_lifecycle(outputs):
    ecr = _client("ecr")
    (repo,) = ecr.describe_repositories(repositoryNames=[outputs["ImageRepository"]])["repositories"]
    assert repo["imageTagMutability"] == "IMMUTABLE"
    assert repo["imageScanningConfiguration"]["scanOnPush"] is True
    assert repo["encryptionConfiguration"] == {"encryptionType": "KMS", "kmsKey": outputs["KeyArn"]}
    policy = json.loads(
        ecr.get_lifecycle_policy(repositoryName=outputs["ImageRepository"])["lifecyclePolicyText"]
    )
    counts = {r["selection"]["countType"]: r["selection"]["countNumber"] for r in policy["rules"]}
    assert counts == {"sinceImagePushed": 7, "imageCountMoreThan": 30}


def test_api_gateway_logs_with_the_account_logging_role():
    role = _role("fastish-local-apigateway-logs")
    (trust,) = _statements(role["AssumeRolePolicyDocument"])
    assert trust["Principal"] == {"Service": "apigateway.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    assert aws_client("apigateway").get_account()["cloudwatchRoleArn"] == role["Arn"]
    (stmt,) = _inline("fastish-local-apigateway-logs")
    assert sorted(_listify(stmt["Resource"])) == [
        f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:API-Gateway-Execution-Logs_*",
        f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:acme-*",
    ]


def test_check_mode_on_the_converged_account_changes_nothing():
    """A check run against the converged synthesizer reports no change and makes no mutating call."""
    subprocess.run(
        [sys.executable, "-m", "tools.localcloud", "requests", "--clear"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    rc, out = run_playbook("playbooks/bootstrap.yml", "--check")
    assert rc == 0, out[-3000:]
    assert changed_count(out, "local-bootstrap") == 0, out[-3000:]
    log = request_log()
    assert log["count"] > 0
    assert log["mutating"] == 0, [r["action"] for r in log["requests"] if r["mutating"]]
