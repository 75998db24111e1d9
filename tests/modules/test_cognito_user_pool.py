"""fastish.platform.cognito_user_pool against the local cloud (moto with the project's patches)."""

from __future__ import annotations

from tests.modules.support import make_pool, module, mutating

FULL = {
    "name": "users",
    "username_attributes": ["email"],
    "username_case_sensitive": False,
    "auto_verified_attributes": ["email"],
    "attributes_require_verification_before_update": ["email"],
    "password_policy": {
        "minimum_length": 12,
        "require_uppercase": True,
        "require_lowercase": True,
        "require_numbers": True,
        "require_symbols": True,
        "temporary_password_validity_days": 3,
    },
    "mfa": "optional",
    "advanced_security_mode": "ENFORCED",
    "user_pool_tier": "PLUS",
    "deletion_protection": True,
    "custom_attributes": [{"name": "tenant_id", "type": "String", "mutable": False, "max_length": 64}],
    "account_recovery": ["verified_email"],
    "invitation_message": {"email_subject": "Welcome", "email_message": "User {username}, password {####}"},
    "resource_servers": [
        {
            "identifier": "api",
            "name": "API",
            "scopes": [{"name": "read", "description": "Read"}, {"name": "write"}],
        }
    ],
    "tags": {"team": "web", "fastish:release": "portal"},
}

# A pool without create-only settings, for the update tests (see test_update_keeps_create_only_settings).
PLAIN = {
    "name": "plain",
    "auto_verified_attributes": ["email"],
    "password_policy": {"minimum_length": 10},
    "mfa": "optional",
    "advanced_security_mode": "AUDIT",
    "deletion_protection": True,
    "custom_attributes": [{"name": "tenant_id", "mutable": False, "max_length": 64}],
    "account_recovery": ["verified_email", "admin_only"],
    "invitation_message": {"email_subject": "Welcome"},
    "tags": {"a": "1", "b": "2"},
}


def _describe(cloud, pool_id):
    idp = cloud.client("cognito-idp")
    return idp.describe_user_pool(UserPoolId=pool_id)["UserPool"], idp.get_user_pool_mfa_config(
        UserPoolId=pool_id
    )


def _pools(cloud):
    return cloud.client("cognito-idp").list_user_pools(MaxResults=60)["UserPools"]


def test_creates_the_pool_with_every_setting(cloud, tmp_path):
    result = module(cloud, tmp_path, "cognito_user_pool", FULL)
    assert result["changed"] is True, result
    out = result["user_pool"]
    pool, mfa = _describe(cloud, out["id"])
    assert out["arn"] == pool["Arn"]
    assert out["issuer"] == f"https://cognito-idp.us-east-1.amazonaws.com/{out['id']}"
    assert pool["Name"] == "users"
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["UsernameConfiguration"] == {"CaseSensitive": False}
    assert pool["AutoVerifiedAttributes"] == ["email"]
    assert pool["UserAttributeUpdateSettings"] == {"AttributesRequireVerificationBeforeUpdate": ["email"]}
    assert pool["Policies"]["PasswordPolicy"] == {
        "MinimumLength": 12,
        "RequireUppercase": True,
        "RequireLowercase": True,
        "RequireNumbers": True,
        "RequireSymbols": True,
        "TemporaryPasswordValidityDays": 3,
    }
    assert pool["DeletionProtection"] == "ACTIVE"
    assert pool["UserPoolAddOns"] == {"AdvancedSecurityMode": "ENFORCED"}
    assert pool["UserPoolTier"] == "PLUS"
    tenant = next(a for a in pool["SchemaAttributes"] if a["Name"] == "custom:tenant_id")
    assert tenant["AttributeDataType"] == "String"
    assert tenant["Mutable"] is False
    assert tenant["StringAttributeConstraints"]["MaxLength"] == "64"
    assert pool["AccountRecoverySetting"] == {
        "RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]
    }
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert pool["AdminCreateUserConfig"]["InviteMessageTemplate"]["EmailSubject"] == "Welcome"
    assert pool["UserPoolTags"] == {"team": "web", "fastish:release": "portal"}
    assert mfa["MfaConfiguration"] == "OPTIONAL"
    assert mfa["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
    servers = cloud.client("cognito-idp").list_resource_servers(UserPoolId=out["id"], MaxResults=50)
    assert [
        (s["Identifier"], sorted(x["ScopeName"] for x in s["Scopes"])) for s in servers["ResourceServers"]
    ] == [("api", ["read", "write"])]
    assert out["mfa"] == "optional" and out["software_token_mfa"] is True
    assert out["deletion_protection"] is True
    assert out["custom_attributes"][0]["name"] == "tenant_id"


def test_second_run_changes_nothing(cloud, tmp_path):
    module(cloud, tmp_path, "cognito_user_pool", FULL)
    cloud.reset_requests()
    result = module(cloud, tmp_path, "cognito_user_pool", FULL)
    assert result["changed"] is False, result.get("diff")
    assert mutating(cloud) == []
    assert len(_pools(cloud)) == 1


def test_check_mode_on_an_empty_account_creates_nothing(cloud, tmp_path):
    result = module(cloud, tmp_path, "cognito_user_pool", FULL, "--check")
    assert result["changed"] is True
    assert result["user_pool"]["id"] is None
    assert result["user_pool"]["mfa"] == "optional"
    log = cloud.requests()
    assert log["count"] > 0
    assert mutating(cloud) == []
    assert _pools(cloud) == []


def test_updates_changed_settings_and_keeps_the_others(cloud, tmp_path):
    created = module(cloud, tmp_path, "cognito_user_pool", PLAIN)["user_pool"]
    change = {
        "name": "plain",
        "password_policy": {"minimum_length": 14},
        "mfa": "required",
        "advanced_security_mode": "ENFORCED",
        "deletion_protection": False,
        "custom_attributes": [
            {"name": "tenant_id", "mutable": False, "max_length": 64},
            {"name": "seats", "type": "Number", "min_value": 1},
        ],
        "tags": {"a": "1", "c": "3"},
    }
    cloud.reset_requests()
    checked = module(cloud, tmp_path, "cognito_user_pool", change, "--check", "--diff")
    assert checked["changed"] is True
    assert checked["diff"]["before"]["mfa"] == "optional"
    assert checked["diff"]["after"]["mfa"] == "required"
    assert mutating(cloud) == []
    assert _describe(cloud, created["id"])[0]["DeletionProtection"] == "ACTIVE"

    result = module(cloud, tmp_path, "cognito_user_pool", change)
    assert result["changed"] is True, result
    pool, mfa = _describe(cloud, created["id"])
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 14
    assert mfa["MfaConfiguration"] == "ON"
    assert mfa["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
    assert pool["UserPoolAddOns"]["AdvancedSecurityMode"] == "ENFORCED"
    assert pool["DeletionProtection"] == "INACTIVE"
    assert pool["UserPoolTags"] == {"a": "1", "c": "3"}
    seats = next(a for a in pool["SchemaAttributes"] if a["Name"] == "custom:seats")
    assert seats["AttributeDataType"] == "Number"
    # Not given, so kept although UpdateUserPool resets what it is not sent.
    assert pool["AutoVerifiedAttributes"] == ["email"]
    assert pool["AccountRecoverySetting"]["RecoveryMechanisms"] == [
        {"Priority": 1, "Name": "verified_email"},
        {"Priority": 2, "Name": "admin_only"},
    ]
    assert pool["AdminCreateUserConfig"]["InviteMessageTemplate"]["EmailSubject"] == "Welcome"
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert result["user_pool"]["mfa"] == "required"

    again = module(cloud, tmp_path, "cognito_user_pool", change)
    assert again["changed"] is False, again.get("diff")


def test_tags_without_purge_are_added(cloud, tmp_path):
    created = module(cloud, tmp_path, "cognito_user_pool", PLAIN)["user_pool"]
    result = module(
        cloud, tmp_path, "cognito_user_pool", {"name": "plain", "tags": {"c": "3"}, "purge_tags": False}
    )
    assert result["changed"] is True
    assert _describe(cloud, created["id"])[0]["UserPoolTags"] == {"a": "1", "b": "2", "c": "3"}


def test_mfa_can_be_turned_off(cloud, tmp_path):
    created = module(cloud, tmp_path, "cognito_user_pool", PLAIN)["user_pool"]
    result = module(cloud, tmp_path, "cognito_user_pool", {"name": "plain", "mfa": "off"})
    assert result["changed"] is True
    assert _describe(cloud, created["id"])[1]["MfaConfiguration"] == "OFF"
    assert module(cloud, tmp_path, "cognito_user_pool", {"name": "plain", "mfa": "off"})["changed"] is False


def test_username_attributes_cannot_change(cloud, tmp_path):
    module(cloud, tmp_path, "cognito_user_pool", FULL)
    result = module(cloud, tmp_path, "cognito_user_pool", {**FULL, "username_attributes": ["phone_number"]})
    assert result["failed"] is True
    assert "username_attributes of Cognito user pool users" in result["msg"]
    assert "only be set when a pool is created" in result["msg"]


def test_custom_attributes_cannot_change_or_vanish(cloud, tmp_path):
    module(cloud, tmp_path, "cognito_user_pool", PLAIN)
    changed = module(
        cloud,
        tmp_path,
        "cognito_user_pool",
        {"name": "plain", "custom_attributes": [{"name": "tenant_id", "mutable": True}]},
    )
    assert changed["failed"] is True
    assert "custom:tenant_id" in changed["msg"] and "mutable False -> True" in changed["msg"]
    longer = module(
        cloud,
        tmp_path,
        "cognito_user_pool",
        {"name": "plain", "custom_attributes": [{"name": "tenant_id", "mutable": False, "max_length": 128}]},
    )
    assert longer["failed"] is True and "max_length 64 -> 128" in longer["msg"]
    removed = module(cloud, tmp_path, "cognito_user_pool", {"name": "plain", "custom_attributes": []})
    assert removed["failed"] is True
    assert "custom:tenant_id" in removed["msg"] and "cannot remove" in removed["msg"]


def test_wrong_constraints_for_the_type_fail(cloud, tmp_path):
    result = module(
        cloud,
        tmp_path,
        "cognito_user_pool",
        {"name": "x", "custom_attributes": [{"name": "n", "type": "Number", "max_length": 3}]},
    )
    assert result["failed"] is True and "custom:n is a Number attribute" in result["msg"]
    assert _pools(cloud) == []


def test_several_pools_with_the_name_fail(cloud, tmp_path):
    first = make_pool(cloud, "twin")
    second = make_pool(cloud, "twin")
    result = module(cloud, tmp_path, "cognito_user_pool", {"name": "twin"})
    assert result["failed"] is True
    assert "2 Cognito user pools are called twin" in result["msg"]
    assert first in result["msg"] and second in result["msg"]


def test_absent_refuses_a_protected_pool_unless_forced(cloud, tmp_path):
    created = module(cloud, tmp_path, "cognito_user_pool", FULL)["user_pool"]
    refused = module(cloud, tmp_path, "cognito_user_pool", {"name": "users", "state": "absent"})
    assert refused["failed"] is True
    assert "deletion protection" in refused["msg"] and "force=true" in refused["msg"]
    assert len(_pools(cloud)) == 1

    cloud.client("cognito-idp").create_user_pool_domain(Domain="users-auth", UserPoolId=created["id"])
    cloud.reset_requests()
    checked = module(
        cloud, tmp_path, "cognito_user_pool", {"name": "users", "state": "absent", "force": True}, "--check"
    )
    assert checked["changed"] is True
    assert mutating(cloud) == []
    assert len(_pools(cloud)) == 1

    deleted = module(
        cloud, tmp_path, "cognito_user_pool", {"name": "users", "state": "absent", "force": True}
    )
    assert deleted["changed"] is True, deleted
    assert _pools(cloud) == []
    actions = [r["action"] for r in cloud.requests()["requests"] if r["mutating"]]
    assert (
        actions.index("DeleteUserPoolDomain")
        < actions.index("UpdateUserPool")
        < actions.index("DeleteUserPool")
    )
    assert (
        cloud.client("cognito-idp").describe_user_pool_domain(Domain="users-auth")["DomainDescription"] == {}
    )

    again = module(cloud, tmp_path, "cognito_user_pool", {"name": "users", "state": "absent"})
    assert again["changed"] is False


def test_absent_refuses_a_pool_with_a_domain_unless_forced(cloud, tmp_path):
    pool_id = make_pool(cloud, "dom")
    cloud.client("cognito-idp").create_user_pool_domain(Domain="dom-auth", UserPoolId=pool_id)
    result = module(cloud, tmp_path, "cognito_user_pool", {"name": "dom", "state": "absent"})
    assert result["failed"] is True and "dom-auth" in result["msg"]


def test_absent_deletes_an_unprotected_pool(cloud, tmp_path):
    make_pool(cloud, "loose")
    result = module(cloud, tmp_path, "cognito_user_pool", {"name": "loose", "state": "absent"})
    assert result["changed"] is True
    assert _pools(cloud) == []


def test_update_keeps_create_only_settings(cloud, tmp_path):
    module(cloud, tmp_path, "cognito_user_pool", FULL)
    assert module(cloud, tmp_path, "cognito_user_pool", {**FULL, "password_policy": {"minimum_length": 16}})[
        "changed"
    ]
    again = module(cloud, tmp_path, "cognito_user_pool", {**FULL, "password_policy": {"minimum_length": 16}})
    assert again.get("failed") is not True, again["msg"]
    assert again["changed"] is False
