"""Verify roles/tenancy on the local cloud: the tenant role as IAM stores it, the tenant records and
the tenants' first admins."""

from __future__ import annotations

import pytest
from boto3.dynamodb.types import TypeDeserializer

from tests.iam_policy import Request, allowed
from tests.molecule_support import ACCOUNT, aws_client, policy_document

ROLE = "acme-web-portal-tenant"
API_ROLE = f"arn:aws:iam::{ACCOUNT}:role/acme-web-portal-api"
ITEMS = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/acme-web-portal-items"
TENANTS = {"globex": ("enterprise", "admin@globex.example"), "initech": ("startup", "it@initech.example")}
NAMES = {"globex": "Globex Corporation", "initech": "Initech"}


@pytest.fixture(scope="module")
def iam_documents():
    iam = aws_client("iam")
    role = iam.get_role(RoleName=ROLE)["Role"]
    assert iam.list_role_policies(RoleName=ROLE)["PolicyNames"] == ["tenant-items"]
    assert iam.list_attached_role_policies(RoleName=ROLE)["AttachedPolicies"] == []
    policy = iam.get_role_policy(RoleName=ROLE, PolicyName="tenant-items")["PolicyDocument"]
    return policy_document(role["AssumeRolePolicyDocument"]), policy_document(policy), role


def test_the_stored_role_isolates_tenants(iam_documents):
    trust, policy, role = iam_documents
    tags = {t["Key"]: t["Value"] for t in role.get("Tags", [])}
    assert tags["fastish:release"] == "portal" and role["MaxSessionDuration"] == 3600

    def get(tenant, key):
        context = {"aws:PrincipalTag/tenant_id": tenant, "dynamodb:LeadingKeys": [key]}
        return Request("dynamodb:GetItem", ITEMS, context=context)

    assert allowed(policy, get("globex", "globex"))
    assert not allowed(policy, get("globex", "initech"))
    context = {
        "aws:PrincipalArn": API_ROLE,
        "aws:TagKeys": ["tenant_id"],
        "aws:RequestTag/tenant_id": "globex",
    }
    assert allowed(trust, Request("sts:AssumeRole", principal={"AWS": API_ROLE}, context=context))
    assert not allowed(
        trust, Request("sts:AssumeRole", principal={"AWS": API_ROLE}, context={"aws:PrincipalArn": API_ROLE})
    )


def test_the_api_can_get_a_tagged_session():
    # moto does not enforce the trust policy; this proves the role accepts a session tag at all
    sts = aws_client("sts")
    creds = sts.assume_role(
        RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{ROLE}",
        RoleSessionName="request-1",
        Tags=[{"Key": "tenant_id", "Value": "globex"}],
    )
    assert creds["AssumedRoleUser"]["Arn"].endswith(f"assumed-role/{ROLE}/request-1")


@pytest.mark.parametrize("tenant", sorted(TENANTS))
def test_tenant_records_are_active(tenant):
    tier, admin = TENANTS[tenant]
    raw = aws_client("dynamodb").get_item(
        TableName="acme-web-portal-tenants", Key={"tenant_id": {"S": tenant}}
    )
    item = {k: TypeDeserializer().deserialize(v) for k, v in raw["Item"].items()}
    assert item == {
        "tenant_id": tenant,
        "name": NAMES[tenant],
        "tier": tier,
        "admin_email": admin,
        "status": "active",
    }


def _pool_id():
    pools = aws_client("cognito-idp").list_user_pools(MaxResults=60)["UserPools"]
    (pool,) = [p for p in pools if p["Name"] == "acme-web-portal-users"]
    return pool["Id"]


@pytest.mark.parametrize("tenant", sorted(TENANTS))
def test_first_admins_are_invited_into_their_tenant_tier_and_admin_group(tenant):
    tier, admin = TENANTS[tenant]
    idp = aws_client("cognito-idp")
    pool = _pool_id()
    user = idp.admin_get_user(UserPoolId=pool, Username=admin)
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["custom:tenant_id"] == tenant
    assert attributes["email"] == admin
    assert user["Enabled"] is True
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"  # invited, has not signed in yet
    groups = {
        g["GroupName"] for g in idp.admin_list_groups_for_user(UserPoolId=pool, Username=admin)["Groups"]
    }
    assert groups == {tier, "tenant-admins"}
