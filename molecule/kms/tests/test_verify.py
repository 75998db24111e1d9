"""Verify roles/kms: the release key, its alias, rotation, tags and a key policy that lets
administrators manage but not use it and lets services use it only for this release."""

from __future__ import annotations

import json

import pytest

from tests.iam_policy import Request, allowed
from tests.molecule_support import ACCOUNT, aws_client

ALIAS = "alias/acme-web-portal-key"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
LOGS = "logs.us-east-1.amazonaws.com"


@pytest.fixture(scope="module")
def key():
    return aws_client("kms").describe_key(KeyId=ALIAS)["KeyMetadata"]


@pytest.fixture(scope="module")
def policy(key):
    return json.loads(aws_client("kms").get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"])


def test_key_alias_rotation_and_tags(key):
    kms = aws_client("kms")
    assert key["KeyState"] == "Enabled" and key["KeySpec"] == "SYMMETRIC_DEFAULT"
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"] is True
    tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=key["KeyId"])["Tags"]}
    assert tags["fastish:release"] == "portal" and tags["fastish:team"] == "web"


def use(principal, action, context=None):
    return Request(action, principal={"AWS": principal}, context=context or {})


def test_administrators_manage_but_never_use_the_key(policy):
    assert allowed(policy, use(ROOT, "kms:ScheduleKeyDeletion"))
    for action in ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"):
        assert not allowed(policy, use(ROOT, action, {"kms:CallerAccount": ACCOUNT}))


def test_account_principals_use_it_only_through_the_release_services(policy):
    via = {"kms:CallerAccount": ACCOUNT, "kms:ViaService": "dynamodb.us-east-1.amazonaws.com"}
    role = f"arn:aws:iam::{ACCOUNT}:role/acme-web-portal-api"
    assert allowed(policy, use(role, "kms:Decrypt", via))
    assert not allowed(
        policy, use(role, "kms:Decrypt", {**via, "kms:ViaService": "ec2.us-east-1.amazonaws.com"})
    )
    assert not allowed(policy, use(role, "kms:Decrypt", {**via, "kms:CallerAccount": "999999999999"}))
    assert not allowed(policy, use("arn:aws:iam::999999999999:role/x", "kms:Decrypt", via))


def test_cloudwatch_logs_only_for_the_release_log_groups(policy):
    def logs(group):
        context = {
            "kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{group}"
        }
        return Request("kms:GenerateDataKey", principal={"Service": LOGS}, context=context)

    assert allowed(policy, logs("acme-web-portal-flow-logs"))
    assert not allowed(policy, logs("acme-web-other-flow-logs"))
    assert not allowed(policy, logs("acme-web-portalx-flow-logs"))
    # Lambda writes to /aws/lambda/<function>: the release's functions only
    assert allowed(policy, logs("/aws/lambda/acme-web-portal-api"))
    assert not allowed(policy, logs("/aws/lambda/acme-web-other-api"))


def test_ses_publishes_only_for_this_account(policy):
    def ses(account):
        return Request(
            "kms:GenerateDataKey",
            principal={"Service": "ses.amazonaws.com"},
            context={"aws:SourceAccount": account},
        )

    assert allowed(policy, ses(ACCOUNT))
    assert not allowed(policy, ses("999999999999"))


def test_cloudfront_decrypts_only_for_distributions_of_this_account(policy):
    """The local release has a domain (fastish_domain), so its web bucket sits behind CloudFront."""

    def cloudfront(account, action="kms:Decrypt"):
        return Request(
            action,
            principal={"Service": "cloudfront.amazonaws.com"},
            context={
                "aws:SourceAccount": account,
                "aws:SourceArn": f"arn:aws:cloudfront::{account}:distribution/E2EXAMPLE",
            },
        )

    assert allowed(policy, cloudfront(ACCOUNT))
    assert not allowed(policy, cloudfront("999999999999"))
    assert not allowed(policy, cloudfront(ACCOUNT, "kms:Encrypt"))
