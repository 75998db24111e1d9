"""fastish.platform.api_gateway_rest_api against the local cloud (moto with the project's patches)."""

from __future__ import annotations

from tests.modules.support import module, mutating

NAME = "acme-web-portal-api"


def _apis(cloud):
    return {a["name"]: a for a in cloud.client("apigateway").get_rest_apis()["items"]}


def test_create_rerun_update(cloud, tmp_path):
    params = {"name": NAME, "description": "Tenant API", "tags": {"fastish:release": "portal"}}
    created = module(cloud, tmp_path, "api_gateway_rest_api", params)
    assert created["changed"] is True
    api = _apis(cloud)[NAME]
    assert created["rest_api"]["id"] == api["id"]
    assert created["rest_api"]["root_resource_id"] == api["rootResourceId"]
    assert api["endpointConfiguration"]["types"] == ["REGIONAL"]
    assert api["apiKeySource"] == "HEADER" and api["tags"] == {"fastish:release": "portal"}
    assert created["rest_api"]["arn"] == f"arn:aws:apigateway:us-east-1::/restapis/{api['id']}"

    cloud.reset_requests()
    again = module(cloud, tmp_path, "api_gateway_rest_api", params)
    assert again["changed"] is False and again["rest_api"] == created["rest_api"]
    assert mutating(cloud) == []

    changed = {**params, "description": "Tenant API v2", "api_key_source": "AUTHORIZER"}
    checked = module(cloud, tmp_path, "api_gateway_rest_api", changed, "--check", "--diff")
    assert checked["changed"] is True
    assert checked["diff"]["before"]["description"] == "Tenant API"
    assert checked["diff"]["after"]["description"] == "Tenant API v2"
    assert mutating(cloud) == []
    assert _apis(cloud)[NAME]["description"] == "Tenant API"

    updated = module(cloud, tmp_path, "api_gateway_rest_api", changed)
    assert updated["changed"] is True
    api = _apis(cloud)[NAME]
    assert (api["description"], api["apiKeySource"]) == ("Tenant API v2", "AUTHORIZER")
    assert module(cloud, tmp_path, "api_gateway_rest_api", changed)["changed"] is False


def test_check_mode_create_and_absent(cloud, tmp_path):
    result = module(cloud, tmp_path, "api_gateway_rest_api", {"name": NAME}, "--check")
    assert result["changed"] is True and result["rest_api"]["id"] is None
    assert mutating(cloud) == [] and _apis(cloud) == {}

    module(cloud, tmp_path, "api_gateway_rest_api", {"name": NAME})
    cloud.reset_requests()
    checked = module(cloud, tmp_path, "api_gateway_rest_api", {"name": NAME, "state": "absent"}, "--check")
    assert checked["changed"] is True and mutating(cloud) == [] and NAME in _apis(cloud)
    assert (
        module(cloud, tmp_path, "api_gateway_rest_api", {"name": NAME, "state": "absent"})["changed"] is True
    )
    assert _apis(cloud) == {}
    assert (
        module(cloud, tmp_path, "api_gateway_rest_api", {"name": NAME, "state": "absent"})["changed"] is False
    )


def test_two_apis_with_the_name_fail(cloud, tmp_path):
    client = cloud.client("apigateway")
    ids = sorted(client.create_rest_api(name=NAME)["id"] for _ in range(2))
    result = module(cloud, tmp_path, "api_gateway_rest_api", {"name": NAME})
    assert result["failed"] is True
    assert result["msg"] == f"There are 2 REST APIs called {NAME} ({', '.join(ids)}); remove all but one"
