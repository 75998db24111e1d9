"""fastish.platform.cognito_user_pool_group against the local cloud (moto with the project's patches)."""

from __future__ import annotations

from tests.modules.support import make_pool, module, mutating

ROLE = "arn:aws:iam::123456789012:role/tier"


def _group(cloud, pool_id, name):
    return cloud.client("cognito-idp").get_group(UserPoolId=pool_id, GroupName=name)["Group"]


def _groups(cloud, pool_id):
    return [g["GroupName"] for g in cloud.client("cognito-idp").list_groups(UserPoolId=pool_id)["Groups"]]


def test_create_rerun_update(cloud, tmp_path):
    pool_id = make_pool(cloud)
    params = {
        "user_pool_id": pool_id,
        "name": "enterprise",
        "description": "Enterprise tier",
        "precedence": 10,
    }
    created = module(cloud, tmp_path, "cognito_user_pool_group", params)
    assert created["changed"] is True
    assert created["group"] == {
        "user_pool_id": pool_id,
        "name": "enterprise",
        "description": "Enterprise tier",
        "precedence": 10,
        "role_arn": None,
    }
    group = _group(cloud, pool_id, "enterprise")
    assert (group["Description"], group["Precedence"]) == ("Enterprise tier", 10)

    cloud.reset_requests()
    assert module(cloud, tmp_path, "cognito_user_pool_group", params)["changed"] is False
    assert mutating(cloud) == []

    changed = {**params, "precedence": 5, "role_arn": ROLE}
    checked = module(cloud, tmp_path, "cognito_user_pool_group", changed, "--check", "--diff")
    assert checked["changed"] is True
    assert checked["diff"]["before"]["precedence"] == 10 and checked["diff"]["after"]["precedence"] == 5
    assert mutating(cloud) == []
    assert _group(cloud, pool_id, "enterprise")["Precedence"] == 10

    updated = module(cloud, tmp_path, "cognito_user_pool_group", changed)
    assert updated["changed"] is True
    group = _group(cloud, pool_id, "enterprise")
    assert (group["Description"], group["Precedence"], group["RoleArn"]) == ("Enterprise tier", 5, ROLE)
    # Options that are not given keep their value.
    kept = module(cloud, tmp_path, "cognito_user_pool_group", {"user_pool_id": pool_id, "name": "enterprise"})
    assert kept["changed"] is False
    assert kept["group"]["precedence"] == 5


def test_check_mode_create(cloud, tmp_path):
    pool_id = make_pool(cloud)
    cloud.reset_requests()
    result = module(
        cloud, tmp_path, "cognito_user_pool_group", {"user_pool_id": pool_id, "name": "free"}, "--check"
    )
    assert result["changed"] is True
    assert mutating(cloud) == []
    assert _groups(cloud, pool_id) == []


def test_absent(cloud, tmp_path):
    pool_id = make_pool(cloud, "named")
    cloud.client("cognito-idp").create_group(UserPoolId=pool_id, GroupName="free")
    params = {"user_pool_name": "named", "name": "free", "state": "absent"}
    assert module(cloud, tmp_path, "cognito_user_pool_group", params)["changed"] is True
    assert _groups(cloud, pool_id) == []
    assert module(cloud, tmp_path, "cognito_user_pool_group", params)["changed"] is False


def test_missing_pool(cloud, tmp_path):
    result = module(cloud, tmp_path, "cognito_user_pool_group", {"user_pool_name": "nothere", "name": "free"})
    assert result["failed"] is True
    assert "There is no Cognito user pool called nothere" in result["msg"]
    absent = module(
        cloud,
        tmp_path,
        "cognito_user_pool_group",
        {"user_pool_name": "nothere", "name": "free", "state": "absent"},
    )
    assert absent["changed"] is False and not absent.get("failed")


def test_needs_a_pool(cloud, tmp_path):
    result = module(cloud, tmp_path, "cognito_user_pool_group", {"name": "free"})
    assert result["failed"] is True
    assert "one of the following is required: user_pool_id, user_pool_name" in result["msg"]
