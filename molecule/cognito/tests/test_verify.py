"""Verify the converged cognito role through the AWS APIs of the local cloud (run by verify.yml)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.molecule_support import aws_client

REGION = "us-east-1"
ACCOUNT = "123456789012"
PREFIX = "acme-web-portal"
POOL = f"{PREFIX}-users"
DOMAIN = f"{PREFIX}-auth"
API = f"{PREFIX}-api"
SECRET = f"{PREFIX}-cognito-machine-client"
KEY_ALIAS = f"alias/{PREFIX}-key"
TIERS = {"free": (30, "Free tier"), "startup": (20, "Startup tier"), "enterprise": (10, "Enterprise tier")}


_client = aws_client


@pytest.fixture(scope="module")
def idp():
    return _client("cognito-idp")


@pytest.fixture(scope="module")
def pool(idp):
    pools = [p for p in idp.list_user_pools(MaxResults=60)["UserPools"] if p["Name"] == POOL]
    assert len(pools) == 1, pools
    return idp.describe_user_pool(UserPoolId=pools[0]["Id"])["UserPool"]


@pytest.fixture(scope="module")
def clients(idp, pool):
    listed = idp.list_user_pool_clients(UserPoolId=pool["Id"], MaxResults=60)["UserPoolClients"]
    return {
        c["ClientName"]: idp.describe_user_pool_client(UserPoolId=pool["Id"], ClientId=c["ClientId"])[
            "UserPoolClient"
        ]
        for c in listed
    }


@pytest.fixture(scope="module")
def outputs():
    ephemeral = os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY")
    if not ephemeral:
        pytest.skip("the outputs are written by molecule's converge")
    return json.loads((Path(ephemeral) / "cognito-outputs.json").read_text())


def _release_key_arn():
    kms = _client("kms")
    alias = next(a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == KEY_ALIAS)
    return kms.describe_key(KeyId=alias["TargetKeyId"])["KeyMetadata"]["Arn"]


def test_pool_signs_in_with_email(pool):
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["UsernameConfiguration"] == {"CaseSensitive": False}
    assert pool["AutoVerifiedAttributes"] == ["email"]
    assert pool["UserAttributeUpdateSettings"]["AttributesRequireVerificationBeforeUpdate"] == ["email"]
    assert pool["AccountRecoverySetting"]["RecoveryMechanisms"] == [{"Priority": 1, "Name": "verified_email"}]


def test_only_administrators_create_users(pool):
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True


def test_password_policy(pool):
    assert pool["Policies"]["PasswordPolicy"] == {
        "MinimumLength": 12,
        "RequireUppercase": True,
        "RequireLowercase": True,
        "RequireNumbers": True,
        "RequireSymbols": True,
        "TemporaryPasswordValidityDays": 7,
    }


def test_tenant_id_is_an_immutable_custom_attribute(pool):
    tenant = [a for a in pool["SchemaAttributes"] if a["Name"] == "custom:tenant_id"]
    assert len(tenant) == 1
    assert tenant[0]["AttributeDataType"] == "String"
    assert tenant[0]["Mutable"] is False
    assert tenant[0]["StringAttributeConstraints"] == {"MinLength": "1", "MaxLength": "64"}


def test_mfa_is_optional_with_totp(idp, pool):
    mfa = idp.get_user_pool_mfa_config(UserPoolId=pool["Id"])
    assert mfa["MfaConfiguration"] == "OPTIONAL"  # fastish_cognito_mfa: optional
    assert mfa["SoftwareTokenMfaConfiguration"] == {"Enabled": True}


def test_threat_protection_and_deletion_protection(pool):
    assert pool["UserPoolAddOns"]["AdvancedSecurityMode"] == "ENFORCED"
    assert pool["UserPoolTier"] == "PLUS"
    assert pool["DeletionProtection"] == "ACTIVE"


def test_pool_tags(pool):
    tags = pool["UserPoolTags"]
    assert tags["fastish:organization"] == "acme"
    assert tags["fastish:team"] == "web"
    assert tags["fastish:release"] == "portal"
    assert tags["fastish:managed-by"] == "fastish"


def test_groups_and_precedences(idp, pool):
    groups = {g["GroupName"]: g for g in idp.list_groups(UserPoolId=pool["Id"])["Groups"]}
    assert set(groups) == {*TIERS, "tenant-admins"}
    for name, (precedence, description) in TIERS.items():
        assert (groups[name]["Precedence"], groups[name]["Description"]) == (precedence, description)
    assert groups["tenant-admins"]["Precedence"] == 5
    assert groups["tenant-admins"]["Precedence"] < min(p for p, _d in TIERS.values())


def test_resource_server_scopes(idp, pool):
    servers = idp.list_resource_servers(UserPoolId=pool["Id"], MaxResults=50)["ResourceServers"]
    assert [s["Identifier"] for s in servers] == [API]
    assert sorted(s["ScopeName"] for s in servers[0]["Scopes"]) == ["read", "write"]


def test_web_client(clients):
    assert set(clients) == {f"{PREFIX}-web", f"{PREFIX}-machine"}
    web = clients[f"{PREFIX}-web"]
    assert "ClientSecret" not in web
    assert sorted(web["ExplicitAuthFlows"]) == ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"]
    assert web["AllowedOAuthFlows"] == ["code"]
    assert sorted(web["AllowedOAuthScopes"]) == ["email", "openid", "profile"]
    assert web["AllowedOAuthFlowsUserPoolClient"] is True
    assert web["CallbackURLs"] == ["https://localhost:3000/callback"]
    assert web["LogoutURLs"] == ["https://localhost:3000/"]
    assert web["SupportedIdentityProviders"] == ["COGNITO"]
    assert (web["AccessTokenValidity"], web["IdTokenValidity"], web["RefreshTokenValidity"]) == (60, 60, 30)
    assert web["TokenValidityUnits"] == {
        "AccessToken": "minutes",
        "IdToken": "minutes",
        "RefreshToken": "days",
    }
    assert web["PreventUserExistenceErrors"] == "ENABLED"
    assert web["EnableTokenRevocation"] is True


def test_web_client_reads_but_cannot_write_the_tenant(clients):
    web = clients[f"{PREFIX}-web"]
    assert "custom:tenant_id" in web["ReadAttributes"]
    assert "custom:tenant_id" not in web["WriteAttributes"]
    assert "email" in web["WriteAttributes"]


def test_machine_client(clients):
    machine = clients[f"{PREFIX}-machine"]
    assert machine["ClientSecret"]
    assert machine["AllowedOAuthFlows"] == ["client_credentials"]
    assert sorted(machine["AllowedOAuthScopes"]) == [f"{API}/read", f"{API}/write"]
    assert machine["AllowedOAuthFlowsUserPoolClient"] is True
    assert machine["ExplicitAuthFlows"] == ["ALLOW_REFRESH_TOKEN_AUTH"]


def test_hosted_ui_domain(idp, pool):
    domain = idp.describe_user_pool_domain(Domain=DOMAIN)["DomainDescription"]
    assert domain["UserPoolId"] == pool["Id"]
    assert pool["Domain"] == DOMAIN


def test_machine_secret_in_secrets_manager_under_the_release_key(clients, pool):
    sm = _client("secretsmanager")
    described = sm.describe_secret(SecretId=SECRET)
    assert described["KmsKeyId"] == _release_key_arn()
    assert "DeletedDate" not in described
    tags = {t["Key"]: t["Value"] for t in described["Tags"]}
    assert tags["fastish:release"] == "portal"
    value = json.loads(sm.get_secret_value(SecretId=SECRET)["SecretString"])
    machine = clients[f"{PREFIX}-machine"]
    assert value == {
        "user_pool_id": pool["Id"],
        "client_id": machine["ClientId"],
        "client_secret": machine["ClientSecret"],
        "token_url": f"https://{DOMAIN}.auth.{REGION}.amazoncognito.com/oauth2/token",
        "scopes": f"{API}/read {API}/write",
    }


def test_outputs(outputs, pool, clients):
    assert outputs["user_pool_id"] == pool["Id"]
    assert outputs["user_pool_arn"] == pool["Arn"]
    assert outputs["user_pool_issuer"] == f"https://cognito-idp.{REGION}.amazonaws.com/{pool['Id']}"
    assert outputs["web_client_id"] == clients[f"{PREFIX}-web"]["ClientId"]
    assert outputs["machine_client_id"] == clients[f"{PREFIX}-machine"]["ClientId"]
    assert (
        outputs["machine_client_secret_arn"]
        == _client("secretsmanager").describe_secret(SecretId=SECRET)["ARN"]
    )
    assert outputs["hosted_ui_domain"] == f"{DOMAIN}.auth.{REGION}.amazoncognito.com"
    assert outputs["hosted_ui_url"] == f"https://{DOMAIN}.auth.{REGION}.amazoncognito.com"
    assert outputs["resource_server_identifier"] == API
    assert outputs["tenant_admin_group"] == "tenant-admins"


def test_outputs_hold_no_secret(outputs, clients):
    secret = clients[f"{PREFIX}-machine"]["ClientSecret"]
    assert secret not in json.dumps(outputs)
    assert all(isinstance(v, str) for v in outputs.values())
    assert [k for k in outputs if "secret" in k] == ["machine_client_secret_arn"]
    assert outputs["machine_client_secret_arn"].startswith(
        f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:"
    )
