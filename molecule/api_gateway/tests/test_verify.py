"""Verify roles/api_gateway on the local cloud: the API's routes, authorizer and Lambda proxy
integrations, the stage's logging, tracing and throttling, the usage plans of the tiers, the tenants'
keys and their secrets, the Lambda permission, and that converging again does not deploy.

Expected names, limits and ARNs are written out here (naming rule <org>-<team>-<release>-..., the
tiers of group_vars/all/webapp.yml), not taken from the role."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.molecule_support import ACCOUNT, REGION, aws_client, changed_count, policy_document, run_playbook

CONVERGE = Path(__file__).resolve().parents[1] / "converge.yml"
HOST = "acme-web-portal"
API = "acme-web-portal-api"
ALIAS = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{API}:live"
URI = f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{ALIAS}/invocations"
LOG_GROUP = "acme-web-portal-api-access"
RELEASE_TAGS = {"fastish:organization": "acme", "fastish:team": "web", "fastish:release": "portal"}
SECURED = {"authorizationType": "COGNITO_USER_POOLS", "apiKeyRequired": True}
OPEN = {"authorizationType": "NONE", "apiKeyRequired": False}
ROUTES = {
    "/healthz": {"GET": OPEN},
    "/readyz": {"GET": OPEN},
    "/v1/me": {"GET": SECURED},
    "/v1/items": {"GET": SECURED, "POST": SECURED},
    "/v1/items/{id}": {"GET": SECURED, "PUT": SECURED, "DELETE": SECURED},
}
TIERS = {
    "free": (5.0, 10, 10000, "DAY"),
    "startup": (50.0, 100, 1000000, "MONTH"),
    "enterprise": (500.0, 1000, 20000000, "MONTH"),
}
TENANTS = {"globex": "enterprise", "initech": "startup"}


@pytest.fixture(scope="module")
def facts():
    directory = Path(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", "outputs"))
    return json.loads((directory / "api-gateway-facts.json").read_text())


@pytest.fixture(scope="module")
def apigw():
    return aws_client("apigateway")


@pytest.fixture(scope="module")
def api(apigw):
    (found,) = [a for a in apigw.get_rest_apis()["items"] if a["name"] == API]
    return found


@pytest.fixture(scope="module")
def plans(apigw):
    return {p["name"]: p for p in apigw.get_usage_plans()["items"]}


@pytest.fixture(scope="module")
def keys(apigw):
    return {k["name"]: k for k in apigw.get_api_keys(includeValues=True)["items"]}


def test_the_api_is_regional_and_tagged(api, facts):
    assert api["endpointConfiguration"]["types"] == ["REGIONAL"] and api["apiKeySource"] == "HEADER"
    assert RELEASE_TAGS.items() <= api["tags"].items()
    assert facts["api_gateway_rest_api_id"] == api["id"] and facts["api_gateway_stage_name"] == "v1"
    url = f"https://{api['id']}.execute-api.{REGION}.amazonaws.com/v1"
    assert facts["api_gateway_invoke_url"] == url
    outputs = facts["api_gateway_outputs"]
    assert (outputs["api_id"], outputs["api_invoke_url"], outputs["api_stage"]) == (api["id"], url, "v1")
    assert outputs["api_access_log_group"] == LOG_GROUP


def test_the_authorizer_accepts_the_release_pool(apigw, api):
    (auth,) = apigw.get_authorizers(restApiId=api["id"])["items"]
    pools = aws_client("cognito-idp").list_user_pools(MaxResults=60)["UserPools"]
    (pool,) = [p for p in pools if p["Name"] == "acme-web-portal-users"]
    arn = aws_client("cognito-idp").describe_user_pool(UserPoolId=pool["Id"])["UserPool"]["Arn"]
    assert auth["type"] == "COGNITO_USER_POOLS" and auth["providerARNs"] == [arn]
    assert auth["identitySource"] == "method.request.header.Authorization"


def test_routes_and_integrations(apigw, api):
    (auth,) = apigw.get_authorizers(restApiId=api["id"])["items"]
    resources = apigw.get_resources(restApiId=api["id"])["items"]
    found = {}
    for res in resources:
        for verb in res.get("resourceMethods") or {}:
            method = apigw.get_method(restApiId=api["id"], resourceId=res["id"], httpMethod=verb)
            integration = method["methodIntegration"]
            assert (integration["type"], integration["httpMethod"], integration["uri"]) == (
                "AWS_PROXY",
                "POST",
                URI,
            )
            assert int(integration["timeoutInMillis"]) == 29000
            if method["authorizationType"] == "COGNITO_USER_POOLS":
                assert method["authorizerId"] == auth["id"]
            found.setdefault(res["path"], {})[verb] = {
                "authorizationType": method["authorizationType"],
                "apiKeyRequired": method["apiKeyRequired"],
            }
    assert found == ROUTES
    assert "/metrics" not in {r["path"] for r in resources}


def test_the_stage_logs_traces_and_throttles(apigw, api):
    stage = apigw.get_stage(restApiId=api["id"], stageName="v1")
    assert stage["tracingEnabled"] is True
    logs = stage["accessLogSettings"]
    assert logs["destinationArn"] == f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{LOG_GROUP}"
    line = json.loads(logs["format"])
    assert line["requestId"] == "$context.requestId" and line["status"] == "$context.status"
    assert line["user"] == "$context.authorizer.claims.sub"
    assert line["tenant"] == "$context.authorizer.claims['custom:tenant_id']"
    assert {
        "ip",
        "caller",
        "requestTime",
        "httpMethod",
        "resourcePath",
        "protocol",
        "responseLength",
        "integrationLatency",
    } <= set(line)
    settings = stage["methodSettings"]["*/*"]
    assert settings["metricsEnabled"] is True and settings["loggingLevel"] == "INFO"
    assert settings["dataTraceEnabled"] is False and settings["cachingEnabled"] is False
    assert (float(settings["throttlingRateLimit"]), int(settings["throttlingBurstLimit"])) == (50.0, 100)
    assert RELEASE_TAGS.items() <= stage["tags"].items()
    deployment = apigw.get_deployment(restApiId=api["id"], deploymentId=stage["deploymentId"])
    assert deployment["description"].startswith("fastish:")


def test_the_access_log_group_is_encrypted(facts):
    (group,) = aws_client("logs").describe_log_groups(logGroupNamePrefix=LOG_GROUP)["logGroups"]
    assert group["kmsKeyId"] == facts["kms_key_arn"] and group["retentionInDays"] == 90


@pytest.mark.parametrize("tier", sorted(TIERS))
def test_usage_plan_per_tier(plans, api, facts, tier):
    plan = plans[f"acme-web-portal-{tier}"]
    assert plan["apiStages"] == [{"apiId": api["id"], "stage": "v1"}]
    limits = (
        float(plan["throttle"]["rateLimit"]),
        int(plan["throttle"]["burstLimit"]),
        int(plan["quota"]["limit"]),
        plan["quota"]["period"],
    )
    assert limits == TIERS[tier]
    assert facts["api_gateway_outputs"]["api_usage_plans"][tier] == plan["id"]


@pytest.mark.parametrize("tenant", sorted(TENANTS))
def test_tenant_key_in_its_tier_plan_and_secret(apigw, plans, keys, facts, tenant):
    key = keys[f"acme-web-portal-{tenant}"]
    assert key["enabled"] is True
    in_plans = [p["name"] for p in apigw.get_usage_plans(keyId=key["id"])["items"]]
    assert in_plans == [f"acme-web-portal-{TENANTS[tenant]}"]
    secrets = aws_client("secretsmanager")
    arn = facts["api_gateway_outputs"]["api_key_secret_arns"][tenant]
    described = secrets.describe_secret(SecretId=arn)
    assert described["Name"] == f"acme-web-portal-api-key-{tenant}"
    assert described["KmsKeyId"] == facts["kms_key_arn"]
    stored = json.loads(secrets.get_secret_value(SecretId=arn)["SecretString"])
    assert stored == {"tenant_id": tenant, "api_key_id": key["id"], "value": key["value"]}
    # the facts never carry a key value
    assert key["value"] not in json.dumps(facts)


def test_api_gateway_may_invoke_the_alias_from_this_api_only(api):
    policy = policy_document(aws_client("lambda").get_policy(FunctionName=API, Qualifier="live")["Policy"])
    (statement,) = [s for s in policy["Statement"] if s["Sid"] == f"{API}-invoke"]
    assert statement["Action"] == "lambda:InvokeFunction"
    assert statement["Principal"] == {"Service": "apigateway.amazonaws.com"}
    source = statement["Condition"]["ArnLike"]["AWS:SourceArn"]
    assert source == f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api['id']}/*/*/*"


def test_converging_again_does_not_deploy(apigw, api):
    before = {d["id"] for d in apigw.get_deployments(restApiId=api["id"])["items"]}
    rc, out = run_playbook(CONVERGE)
    assert rc == 0, out[-4000:]
    assert changed_count(out, HOST) == 0
    assert {d["id"] for d in apigw.get_deployments(restApiId=api["id"])["items"]} == before
