"""fastish.platform.api_gateway_authorizer against the local cloud (moto with the project's patches)."""

from __future__ import annotations

from tests.modules.support import module, mutating

POOL = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc"


def _api(cloud):
    return cloud.client("apigateway").create_rest_api(name="api")["id"]


def _authorizers(cloud, api_id):
    return {a["name"]: a for a in cloud.client("apigateway").get_authorizers(restApiId=api_id)["items"]}


def test_create_rerun_update_absent(cloud, tmp_path):
    api_id = _api(cloud)
    params = {"rest_api_id": api_id, "name": "cognito", "provider_arns": [POOL]}
    created = module(cloud, tmp_path, "api_gateway_authorizer", params)
    assert created["changed"] is True
    auth = _authorizers(cloud, api_id)["cognito"]
    assert created["authorizer"]["id"] == auth["id"]
    assert auth["type"] == "COGNITO_USER_POOLS" and auth["providerARNs"] == [POOL]
    assert auth["identitySource"] == "method.request.header.Authorization"
    assert auth["authorizerResultTtlInSeconds"] == 300

    cloud.reset_requests()
    assert module(cloud, tmp_path, "api_gateway_authorizer", params)["changed"] is False
    assert mutating(cloud) == []

    changed = {**params, "ttl": 60, "identity_source": "method.request.header.X-Token"}
    checked = module(cloud, tmp_path, "api_gateway_authorizer", changed, "--check", "--diff")
    assert checked["changed"] is True and checked["diff"]["after"]["ttl"] == 60
    assert (
        mutating(cloud) == []
        and _authorizers(cloud, api_id)["cognito"]["authorizerResultTtlInSeconds"] == 300
    )

    updated = module(cloud, tmp_path, "api_gateway_authorizer", changed)
    assert updated["changed"] is True and updated["authorizer"]["id"] == auth["id"]
    auth = _authorizers(cloud, api_id)["cognito"]
    assert (auth["authorizerResultTtlInSeconds"], auth["identitySource"]) == (
        60,
        "method.request.header.X-Token",
    )
    assert module(cloud, tmp_path, "api_gateway_authorizer", changed)["changed"] is False

    absent = {"rest_api_id": api_id, "name": "cognito", "state": "absent"}
    assert module(cloud, tmp_path, "api_gateway_authorizer", absent)["changed"] is True
    assert _authorizers(cloud, api_id) == {}
    assert module(cloud, tmp_path, "api_gateway_authorizer", absent)["changed"] is False


def test_check_mode_on_a_missing_api(cloud, tmp_path):
    params = {"rest_api_id": "placeholder", "name": "cognito", "provider_arns": [POOL]}
    checked = module(cloud, tmp_path, "api_gateway_authorizer", params, "--check")
    assert checked["changed"] is True and checked["authorizer"]["id"] is None
    assert mutating(cloud) == []
    failed = module(cloud, tmp_path, "api_gateway_authorizer", params)
    assert failed["failed"] is True and "There is no REST API placeholder" in failed["msg"]
    absent = module(cloud, tmp_path, "api_gateway_authorizer", {**params, "state": "absent"})
    assert absent["changed"] is False and not absent.get("failed")


def test_cognito_needs_provider_arns(cloud, tmp_path):
    result = module(
        cloud, tmp_path, "api_gateway_authorizer", {"rest_api_id": _api(cloud), "name": "cognito"}
    )
    assert result["failed"] is True
    assert (
        result["msg"] == "An authorizer of type COGNITO_USER_POOLS needs provider_arns (authorizer cognito)"
    )
