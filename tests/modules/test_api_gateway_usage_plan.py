"""fastish.platform.api_gateway_usage_plan against the local cloud (moto with the project's patches)."""

from __future__ import annotations

from tests.modules.support import module, mutating

NAME = "acme-web-portal-startup"


def _stage(cloud, name="api"):
    """A REST API with a deployed stage v1; returns its id."""
    client = cloud.client("apigateway")
    api = client.create_rest_api(name=name)
    root = api["rootResourceId"]
    client.put_method(restApiId=api["id"], resourceId=root, httpMethod="GET", authorizationType="NONE")
    client.put_integration(restApiId=api["id"], resourceId=root, httpMethod="GET", type="MOCK")
    deployment = client.create_deployment(restApiId=api["id"])["id"]
    client.create_stage(restApiId=api["id"], stageName="v1", deploymentId=deployment)
    return api["id"]


def _plans(cloud):
    return {p["name"]: p for p in cloud.client("apigateway").get_usage_plans()["items"]}


def _limits(plan):
    throttle, quota = plan.get("throttle") or {}, plan.get("quota") or {}
    return (
        float(throttle["rateLimit"]) if throttle else None,
        int(throttle["burstLimit"]) if throttle else None,
        int(quota["limit"]) if quota else None,
        quota.get("period"),
    )


def test_create_rerun_update_absent(cloud, tmp_path):
    api_id = _stage(cloud)
    params = {
        "name": NAME,
        "description": "Startup tier",
        "api_stages": [{"api_id": api_id, "stage": "v1"}],
        "throttle": {"rate_limit": 50, "burst_limit": 100},
        "quota": {"limit": 1000000, "period": "MONTH"},
        "tags": {"fastish:tier": "startup"},
    }
    created = module(cloud, tmp_path, "api_gateway_usage_plan", params)
    assert created["changed"] is True
    plan = _plans(cloud)[NAME]
    assert created["usage_plan"]["id"] == plan["id"]
    assert plan["apiStages"] == [{"apiId": api_id, "stage": "v1"}]
    assert _limits(plan) == (50.0, 100, 1000000, "MONTH")
    assert plan["description"] == "Startup tier" and plan["tags"] == {"fastish:tier": "startup"}

    cloud.reset_requests()
    assert module(cloud, tmp_path, "api_gateway_usage_plan", params)["changed"] is False
    assert mutating(cloud) == []

    other = _stage(cloud, "other")
    cloud.reset_requests()
    changed = {
        **params,
        "api_stages": [{"api_id": other, "stage": "v1"}],
        "throttle": {"rate_limit": 5, "burst_limit": 10},
        "quota": {"limit": 10000, "period": "DAY"},
    }
    checked = module(cloud, tmp_path, "api_gateway_usage_plan", changed, "--check", "--diff")
    assert checked["changed"] is True and checked["diff"]["after"]["quota"]["period"] == "DAY"
    assert mutating(cloud) == [] and _limits(_plans(cloud)[NAME]) == (50.0, 100, 1000000, "MONTH")

    updated = module(cloud, tmp_path, "api_gateway_usage_plan", changed)
    assert updated["changed"] is True and updated["usage_plan"]["id"] == plan["id"]
    plan = _plans(cloud)[NAME]
    assert _limits(plan) == (5.0, 10, 10000, "DAY")
    assert plan["apiStages"] == [{"apiId": other, "stage": "v1"}]
    assert module(cloud, tmp_path, "api_gateway_usage_plan", changed)["changed"] is False

    without_limits = {
        "name": NAME,
        "description": "Startup tier",
        "api_stages": [{"api_id": other, "stage": "v1"}],
    }
    assert module(cloud, tmp_path, "api_gateway_usage_plan", without_limits)["changed"] is True
    assert _limits(_plans(cloud)[NAME]) == (None, None, None, None)

    absent = {"name": NAME, "state": "absent"}
    cloud.reset_requests()
    assert module(cloud, tmp_path, "api_gateway_usage_plan", absent, "--check")["changed"] is True
    assert mutating(cloud) == []
    assert module(cloud, tmp_path, "api_gateway_usage_plan", absent)["changed"] is True
    assert _plans(cloud) == {}
    assert module(cloud, tmp_path, "api_gateway_usage_plan", absent)["changed"] is False


def test_check_mode_create(cloud, tmp_path):
    params = {
        "name": NAME,
        "api_stages": [{"api_id": "placeholder", "stage": "v1"}],
        "throttle": {"rate_limit": 5, "burst_limit": 10},
    }
    result = module(cloud, tmp_path, "api_gateway_usage_plan", params, "--check")
    assert result["changed"] is True and result["usage_plan"]["id"] is None
    assert mutating(cloud) == [] and _plans(cloud) == {}


def test_two_plans_with_the_name_fail(cloud, tmp_path):
    client = cloud.client("apigateway")
    client.create_usage_plan(name=NAME)
    client.create_usage_plan(name=NAME)
    result = module(cloud, tmp_path, "api_gateway_usage_plan", {"name": NAME})
    assert result["failed"] is True and result["msg"].startswith(f"There are 2 usage plans called {NAME} (")
