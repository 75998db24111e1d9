"""fastish.platform.cognito_user against the local cloud (moto with the project's patches)."""

from __future__ import annotations

import pytest

from tests.modules.support import make_pool, module, mutating

EMAIL = "admin@globex.example"


@pytest.fixture
def pool_id(cloud):
    pool = make_pool(
        cloud,
        "users",
        UsernameAttributes=["email"],
        Schema=[
            {"Name": "tenant_id", "AttributeDataType": "String", "Mutable": False},
            {"Name": "email", "AttributeDataType": "String", "Mutable": True},
            {"Name": "name", "AttributeDataType": "String", "Mutable": True},
        ],
    )
    idp = cloud.client("cognito-idp")
    for group in ("enterprise", "startup", "tenant-admins"):
        idp.create_group(UserPoolId=pool, GroupName=group)
    return pool


def _user(cloud, pool_id, username=EMAIL):
    idp = cloud.client("cognito-idp")
    user = idp.admin_get_user(UserPoolId=pool_id, Username=username)
    groups = idp.admin_list_groups_for_user(UserPoolId=pool_id, Username=username)["Groups"]
    attrs = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    return user, attrs, sorted(g["GroupName"] for g in groups)


def _params(pool_id, **kwargs):
    return {
        "user_pool_id": pool_id,
        "username": EMAIL,
        "attributes": {"email": EMAIL, "email_verified": True, "custom:tenant_id": "globex", "name": "Ada"},
        "groups": ["enterprise", "tenant-admins"],
        **kwargs,
    }


def test_creates_the_user_in_its_groups(cloud, tmp_path, pool_id):
    result = module(cloud, tmp_path, "cognito_user", _params(pool_id))
    assert result["changed"] is True, result
    user, attrs, groups = _user(cloud, pool_id)
    assert attrs["custom:tenant_id"] == "globex"
    assert attrs["email_verified"] == "true"
    assert attrs["email"] == EMAIL
    assert groups == ["enterprise", "tenant-admins"]
    assert user["Enabled"] is True
    out = result["user"]
    assert out["username"] == user["Username"]
    assert out["sub"] == attrs["sub"]
    assert out["status"] == "FORCE_CHANGE_PASSWORD"
    assert out["enabled"] is True
    assert out["groups"] == ["enterprise", "tenant-admins"]
    assert out["attributes"]["custom:tenant_id"] == "globex"
    actions = [r["action"] for r in cloud.requests()["requests"]]
    assert actions.count("AdminCreateUser") == 1 and actions.count("AdminAddUserToGroup") == 2


def test_second_run_changes_nothing(cloud, tmp_path, pool_id):
    module(cloud, tmp_path, "cognito_user", _params(pool_id))
    cloud.reset_requests()
    result = module(cloud, tmp_path, "cognito_user", _params(pool_id))
    assert result["changed"] is False, result.get("diff")
    assert mutating(cloud) == []


def test_check_mode_creates_nothing(cloud, tmp_path, pool_id):
    cloud.reset_requests()
    result = module(cloud, tmp_path, "cognito_user", _params(pool_id), "--check")
    assert result["changed"] is True
    assert result["user"]["username"] is None
    assert mutating(cloud) == []
    assert cloud.client("cognito-idp").list_users(UserPoolId=pool_id)["Users"] == []


def test_updates_mutable_attributes_and_groups(cloud, tmp_path, pool_id):
    module(cloud, tmp_path, "cognito_user", _params(pool_id))
    change = _params(pool_id, attributes={"name": "Ada L.", "custom:tenant_id": "globex"}, groups=["startup"])
    cloud.reset_requests()
    checked = module(cloud, tmp_path, "cognito_user", change, "--check", "--diff")
    assert checked["changed"] is True
    assert checked["diff"]["before"]["groups"] == ["enterprise", "tenant-admins"]
    assert checked["diff"]["after"]["groups"] == ["startup"]
    assert mutating(cloud) == []

    result = module(cloud, tmp_path, "cognito_user", change)
    assert result["changed"] is True
    _, attrs, groups = _user(cloud, pool_id)
    assert attrs["name"] == "Ada L."
    assert attrs["email"] == EMAIL  # attributes that are not given stay
    assert groups == ["startup"]
    assert result["user"]["groups"] == ["startup"]
    assert module(cloud, tmp_path, "cognito_user", change)["changed"] is False


def test_groups_without_purge_are_added(cloud, tmp_path, pool_id):
    module(cloud, tmp_path, "cognito_user", _params(pool_id))
    result = module(cloud, tmp_path, "cognito_user", _params(pool_id, groups=["startup"], purge_groups=False))
    assert result["changed"] is True
    assert _user(cloud, pool_id)[2] == ["enterprise", "startup", "tenant-admins"]


def test_groups_not_given_are_left_alone(cloud, tmp_path, pool_id):
    module(cloud, tmp_path, "cognito_user", _params(pool_id))
    params = _params(pool_id)
    del params["groups"]
    assert module(cloud, tmp_path, "cognito_user", params)["changed"] is False
    assert _user(cloud, pool_id)[2] == ["enterprise", "tenant-admins"]


def test_immutable_attribute_cannot_change(cloud, tmp_path, pool_id):
    module(cloud, tmp_path, "cognito_user", _params(pool_id))
    result = module(
        cloud, tmp_path, "cognito_user", _params(pool_id, attributes={"custom:tenant_id": "initech"})
    )
    assert result["failed"] is True
    assert "custom:tenant_id is 'globex', wanted 'initech'" in result["msg"]
    assert "immutable" in result["msg"]
    assert _user(cloud, pool_id)[1]["custom:tenant_id"] == "globex"


def test_username_must_match_the_email(cloud, tmp_path, pool_id):
    result = module(
        cloud, tmp_path, "cognito_user", _params(pool_id, attributes={"email": "other@globex.example"})
    )
    assert result["failed"] is True and "must equal the username" in result["msg"]


def test_disable_enable_and_delete(cloud, tmp_path, pool_id):
    module(cloud, tmp_path, "cognito_user", _params(pool_id))
    disabled = module(cloud, tmp_path, "cognito_user", _params(pool_id, state="disabled"))
    assert disabled["changed"] is True and disabled["user"]["enabled"] is False
    assert _user(cloud, pool_id)[0]["Enabled"] is False
    assert module(cloud, tmp_path, "cognito_user", _params(pool_id, state="disabled"))["changed"] is False
    enabled = module(cloud, tmp_path, "cognito_user", _params(pool_id))
    assert enabled["changed"] is True
    assert _user(cloud, pool_id)[0]["Enabled"] is True

    absent = {"user_pool_id": pool_id, "username": EMAIL, "state": "absent"}
    cloud.reset_requests()
    assert module(cloud, tmp_path, "cognito_user", absent, "--check")["changed"] is True
    assert mutating(cloud) == []
    assert module(cloud, tmp_path, "cognito_user", absent)["changed"] is True
    assert cloud.client("cognito-idp").list_users(UserPoolId=pool_id)["Users"] == []
    assert module(cloud, tmp_path, "cognito_user", absent)["changed"] is False


def test_created_disabled_without_invitation(cloud, tmp_path, pool_id):
    result = module(
        cloud, tmp_path, "cognito_user", _params(pool_id, state="disabled", send_invitation=False)
    )
    assert result["changed"] is True
    assert _user(cloud, pool_id)[0]["Enabled"] is False


def test_unknown_group_fails_clearly(cloud, tmp_path, pool_id):
    result = module(cloud, tmp_path, "cognito_user", _params(pool_id, groups=["platinum"]))
    assert result["failed"] is True
    assert f"add user {EMAIL} of user pool users ({pool_id}) to group platinum" in result["msg"]


def test_missing_pool(cloud, tmp_path):
    params = {"user_pool_name": "nothere", "username": EMAIL}
    failed = module(cloud, tmp_path, "cognito_user", params)
    assert failed["failed"] is True and "There is no Cognito user pool called nothere" in failed["msg"]
    cloud.reset_requests()
    checked = module(cloud, tmp_path, "cognito_user", params, "--check")
    assert checked["changed"] is True and mutating(cloud) == []
