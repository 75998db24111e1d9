"""fastish.platform.api_gateway_stage against the local cloud (moto with the project's patches)."""

from __future__ import annotations

from tests.modules.support import module, mutating

ALIAS = "arn:aws:lambda:us-east-1:123456789012:function:f:live"
URI = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{ALIAS}/invocations"
LOGS = "arn:aws:logs:us-east-1:123456789012:log-group:acme-web-portal-api-access"
FORMAT = '{"requestId":"$context.requestId","status":"$context.status"}'


def _api(cloud):
    """A REST API with one proxy method (deployable)."""
    client = cloud.client("apigateway")
    api = client.create_rest_api(name="api")
    root = api["rootResourceId"]
    client.put_method(restApiId=api["id"], resourceId=root, httpMethod="GET", authorizationType="NONE")
    client.put_integration(
        restApiId=api["id"],
        resourceId=root,
        httpMethod="GET",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=URI,
    )
    return api["id"]


def _params(api_id, fingerprint="a" * 64, **extra):
    return {
        "rest_api_id": api_id,
        "stage_name": "v1",
        "fingerprint": fingerprint,
        "tracing_enabled": True,
        "access_log": {"destination_arn": LOGS, "format": FORMAT},
        "method_settings": {
            "metrics_enabled": True,
            "logging_level": "INFO",
            "throttling_rate_limit": 50,
            "throttling_burst_limit": 100,
        },
        "variables": {"alias": "live"},
        "tags": {"fastish:release": "portal"},
        **extra,
    }


def _deployments(cloud, api_id):
    return cloud.client("apigateway").get_deployments(restApiId=api_id)["items"]


def test_create_rerun_redeploy(cloud, tmp_path):
    api_id = _api(cloud)
    created = module(cloud, tmp_path, "api_gateway_stage", _params(api_id))
    assert created["changed"] is True and created["deployed"] is True
    assert created["invoke_url"] == f"https://{api_id}.execute-api.us-east-1.amazonaws.com/v1"
    client = cloud.client("apigateway")
    stage = client.get_stage(restApiId=api_id, stageName="v1")
    (deployment,) = _deployments(cloud, api_id)
    assert stage["deploymentId"] == deployment["id"] == created["deployment_id"]
    assert deployment["description"] == "fastish:" + "a" * 64
    assert stage["tracingEnabled"] is True
    assert stage["accessLogSettings"] == {"destinationArn": LOGS, "format": FORMAT}
    settings = stage["methodSettings"]["*/*"]
    assert settings["metricsEnabled"] is True and settings["loggingLevel"] == "INFO"
    assert settings["dataTraceEnabled"] is False and settings["cachingEnabled"] is False
    assert (float(settings["throttlingRateLimit"]), int(settings["throttlingBurstLimit"])) == (50.0, 100)
    assert stage["variables"] == {"alias": "live"} and stage["tags"] == {"fastish:release": "portal"}

    cloud.reset_requests()
    again = module(cloud, tmp_path, "api_gateway_stage", _params(api_id))
    assert again["changed"] is False and again["deployed"] is False
    assert mutating(cloud) == [] and len(_deployments(cloud, api_id)) == 1

    # a setting changes: the stage is updated, not redeployed
    slower = _params(api_id, method_settings={"throttling_rate_limit": 5, "throttling_burst_limit": 10})
    updated = module(cloud, tmp_path, "api_gateway_stage", slower)
    assert updated["changed"] is True and updated["deployed"] is False
    settings = client.get_stage(restApiId=api_id, stageName="v1")["methodSettings"]["*/*"]
    assert (float(settings["throttlingRateLimit"]), settings["metricsEnabled"]) == (5.0, False)
    assert len(_deployments(cloud, api_id)) == 1

    # a new fingerprint: check mode changes nothing, then a new deployment keeps the stage's settings
    cloud.reset_requests()
    checked = module(cloud, tmp_path, "api_gateway_stage", _params(api_id, "b" * 64), "--check")
    assert checked["changed"] is True and checked["deployed"] is True and mutating(cloud) == []
    redeployed = module(cloud, tmp_path, "api_gateway_stage", _params(api_id, "b" * 64))
    assert redeployed["deployed"] is True and redeployed["deployment_id"] != created["deployment_id"]
    stage = client.get_stage(restApiId=api_id, stageName="v1")
    assert stage["deploymentId"] == redeployed["deployment_id"]
    assert stage["tracingEnabled"] is True and stage["accessLogSettings"]["destinationArn"] == LOGS
    assert module(cloud, tmp_path, "api_gateway_stage", _params(api_id, "b" * 64))["changed"] is False


def test_absent_deletes_its_deployments(cloud, tmp_path):
    api_id = _api(cloud)
    module(cloud, tmp_path, "api_gateway_stage", _params(api_id))
    module(cloud, tmp_path, "api_gateway_stage", _params(api_id, "b" * 64))
    other = cloud.client("apigateway").create_deployment(restApiId=api_id, description="by hand")["id"]
    absent = {"rest_api_id": api_id, "stage_name": "v1", "state": "absent"}
    cloud.reset_requests()
    assert module(cloud, tmp_path, "api_gateway_stage", absent, "--check")["changed"] is True
    assert mutating(cloud) == []
    assert module(cloud, tmp_path, "api_gateway_stage", absent)["changed"] is True
    assert cloud.client("apigateway").get_stages(restApiId=api_id)["item"] == []
    assert [d["id"] for d in _deployments(cloud, api_id)] == [other]
    assert module(cloud, tmp_path, "api_gateway_stage", absent)["changed"] is False


def test_check_mode_on_a_missing_api(cloud, tmp_path):
    checked = module(cloud, tmp_path, "api_gateway_stage", _params("placeholder"), "--check")
    assert checked["changed"] is True and checked["deployment_id"] is None and mutating(cloud) == []
    failed = module(cloud, tmp_path, "api_gateway_stage", _params("placeholder"))
    assert (
        failed["failed"] is True
        and failed["msg"] == "There is no REST API placeholder (for stage v1 of REST API placeholder)"
    )
    no_fingerprint = module(cloud, tmp_path, "api_gateway_stage", {"rest_api_id": "x", "stage_name": "v1"})
    assert no_fingerprint["failed"] is True and "fingerprint" in no_fingerprint["msg"]
