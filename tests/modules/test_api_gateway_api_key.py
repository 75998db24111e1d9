"""fastish.platform.api_gateway_api_key against the local cloud (moto with the project's patches)."""

from __future__ import annotations

from tests.modules.support import module, mutating

NAME = "acme-web-portal-globex"


def _plans(cloud):
    client = cloud.client("apigateway")
    return client.create_usage_plan(name="enterprise")["id"], client.create_usage_plan(name="startup")["id"]


def _key(cloud):
    keys = [
        k for k in cloud.client("apigateway").get_api_keys(includeValues=True)["items"] if k["name"] == NAME
    ]
    return keys[0] if keys else None


def _plans_of(cloud, key_id):
    return sorted(p["name"] for p in cloud.client("apigateway").get_usage_plans(keyId=key_id)["items"])


def test_create_rerun_move_disable_absent(cloud, tmp_path):
    enterprise, startup = _plans(cloud)
    params = {
        "name": NAME,
        "description": "Tenant globex",
        "usage_plan_ids": [enterprise],
        "tags": {"tenant": "globex"},
    }
    created = module(cloud, tmp_path, "api_gateway_api_key", params)
    assert created["changed"] is True and "value" not in created
    key = _key(cloud)
    assert created["api_key"]["id"] == key["id"] and key["enabled"] is True
    assert key["description"] == "Tenant globex" and key["tags"] == {"tenant": "globex"}
    assert _plans_of(cloud, key["id"]) == ["enterprise"]

    cloud.reset_requests()
    again = module(cloud, tmp_path, "api_gateway_api_key", {**params, "return_value": True})
    assert again["changed"] is False and again["value"] == key["value"]
    assert mutating(cloud) == []

    moved = {**params, "usage_plan_ids": [startup], "enabled": False}
    checked = module(cloud, tmp_path, "api_gateway_api_key", moved, "--check", "--diff")
    assert checked["changed"] is True and checked["diff"]["after"]["usage_plan_ids"] == [startup]
    assert mutating(cloud) == [] and _plans_of(cloud, key["id"]) == ["enterprise"]

    updated = module(cloud, tmp_path, "api_gateway_api_key", moved)
    assert updated["changed"] is True and updated["api_key"]["enabled"] is False
    after = _key(cloud)
    assert after["id"] == key["id"] and after["value"] == key["value"] and after["enabled"] is False
    assert _plans_of(cloud, key["id"]) == ["startup"]
    assert module(cloud, tmp_path, "api_gateway_api_key", moved)["changed"] is False

    out_of_plans = module(cloud, tmp_path, "api_gateway_api_key", {**moved, "usage_plan_ids": []})
    assert out_of_plans["changed"] is True and _plans_of(cloud, key["id"]) == []

    absent = {"name": NAME, "state": "absent"}
    assert module(cloud, tmp_path, "api_gateway_api_key", absent)["changed"] is True
    assert _key(cloud) is None
    assert module(cloud, tmp_path, "api_gateway_api_key", absent)["changed"] is False


def test_check_mode_create_and_value(cloud, tmp_path):
    enterprise, _startup = _plans(cloud)
    params = {"name": NAME, "usage_plan_ids": [enterprise], "return_value": True}
    cloud.reset_requests()
    checked = module(cloud, tmp_path, "api_gateway_api_key", params, "--check")
    assert checked["changed"] is True and checked["api_key"]["id"] is None and checked["value"] is None
    assert mutating(cloud) == [] and _key(cloud) is None
    created = module(cloud, tmp_path, "api_gateway_api_key", params)
    assert created["value"] == _key(cloud)["value"] and len(created["value"]) >= 20


def test_absent_leaves_the_plans(cloud, tmp_path):
    enterprise, _startup = _plans(cloud)
    module(cloud, tmp_path, "api_gateway_api_key", {"name": NAME, "usage_plan_ids": [enterprise]})
    key_id = _key(cloud)["id"]
    assert (
        module(cloud, tmp_path, "api_gateway_api_key", {"name": NAME, "state": "absent"})["changed"] is True
    )
    client = cloud.client("apigateway")
    assert client.get_usage_plan_keys(usagePlanId=enterprise)["items"] == []
    assert [p["name"] for p in client.get_usage_plans()["items"]] == ["enterprise", "startup"]
    assert key_id not in {k["id"] for k in client.get_api_keys()["items"]}
