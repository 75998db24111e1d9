"""fastish.platform.api_gateway_domain_name against the local cloud."""

from __future__ import annotations

from tests.modules.support import module, modules, mutating

DOMAIN = "api.portal.acme.example"
CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0d3f"


def _api(cloud, name="api", stages=("live",)):
    apigw = cloud.client("apigateway")
    api = apigw.create_rest_api(name=name)["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    apigw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    for stage in stages:
        apigw.create_deployment(restApiId=api, stageName=stage)
    return api


def _mappings(cloud):
    items = cloud.client("apigateway").get_base_path_mappings(domainName=DOMAIN).get("items") or []
    return sorted((m["basePath"], m["restApiId"], m["stage"]) for m in items)


def _params(api, **overrides):
    return {
        "domain_name": DOMAIN,
        "regional_certificate_arn": CERT,
        "base_path_mappings": [{"rest_api_id": api, "stage": "live"}],
        "tags": {"fastish:release": "portal"},
        **overrides,
    }


def test_create_then_idempotent(cloud, tmp_path):
    api = _api(cloud)
    results = modules(
        cloud, tmp_path, "api_gateway_domain_name", {"create": _params(api), "again": _params(api)}
    )
    created, again = results["create"], results["again"]
    assert created["changed"] is True and created["changes"] == ["create", "mapping / added"]
    domain = created["domain"]
    assert domain["regional_domain_name"].endswith(".amazonaws.com")
    assert domain["regional_hosted_zone_id"]
    assert domain["base_path_mappings"] == [{"base_path": "", "rest_api_id": api, "stage": "live"}]
    found = cloud.client("apigateway").get_domain_name(domainName=DOMAIN)
    assert found["regionalCertificateArn"] == CERT and found["securityPolicy"] == "TLS_1_2"
    assert found["endpointConfiguration"]["types"] == ["REGIONAL"]
    assert found["tags"] == {"fastish:release": "portal"}
    assert _mappings(cloud) == [("(none)", api, "live")]
    assert again["changed"] is False, again["changes"]
    assert again["domain"] == domain


def test_mappings_update_add_and_purge(cloud, tmp_path):
    api = _api(cloud, stages=("live", "next"))
    other = _api(cloud, "other")
    module(cloud, tmp_path, "api_gateway_domain_name", _params(api))
    update = module(
        cloud,
        tmp_path,
        "api_gateway_domain_name",
        _params(
            api,
            base_path_mappings=[
                {"rest_api_id": api, "stage": "next"},
                {"rest_api_id": other, "stage": "live", "base_path": "v2"},
            ],
        ),
    )
    assert update["changed"] is True
    assert update["changes"] == ["mapping / updated", "mapping v2 added"]
    assert _mappings(cloud) == [("(none)", api, "next"), ("v2", other, "live")]
    purge = module(
        cloud,
        tmp_path,
        "api_gateway_domain_name",
        _params(api, base_path_mappings=[{"rest_api_id": other, "stage": "live", "base_path": "v2"}]),
    )
    assert purge["changes"] == ["mapping / deleted"]
    assert _mappings(cloud) == [("v2", other, "live")]


def test_check_mode_makes_no_mutating_call(cloud, tmp_path):
    api = _api(cloud)
    cloud.reset_requests()
    result = module(cloud, tmp_path, "api_gateway_domain_name", _params(api), "--check")
    assert result["changed"] is True and result["domain"]["regional_domain_name"] is None
    assert mutating(cloud) == []
    module(cloud, tmp_path, "api_gateway_domain_name", _params(api))
    cloud.reset_requests()
    for params in (_params(api, base_path_mappings=[]), {"domain_name": DOMAIN, "state": "absent"}):
        assert module(cloud, tmp_path, "api_gateway_domain_name", params, "--check")["changed"] is True
    assert mutating(cloud) == []
    assert _mappings(cloud) == [("(none)", api, "live")]


def test_absent(cloud, tmp_path):
    api = _api(cloud)
    module(cloud, tmp_path, "api_gateway_domain_name", _params(api))
    gone = module(cloud, tmp_path, "api_gateway_domain_name", {"domain_name": DOMAIN, "state": "absent"})
    assert gone["changed"] is True
    assert cloud.client("apigateway").get_domain_names().get("items", []) == []
    again = module(cloud, tmp_path, "api_gateway_domain_name", {"domain_name": DOMAIN, "state": "absent"})
    assert again["changed"] is False


def test_create_needs_a_certificate(cloud, tmp_path):
    result = module(cloud, tmp_path, "api_gateway_domain_name", {"domain_name": DOMAIN})
    assert (
        result["failed"] is True and "regional_certificate_arn" in result["msg"] and DOMAIN in result["msg"]
    )
