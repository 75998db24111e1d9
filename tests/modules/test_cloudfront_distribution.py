"""fastish.platform.cloudfront_distribution against the local cloud (moto + the CloudFront OAC patch)."""

from __future__ import annotations

from tests.modules.support import module, modules, mutating

NAME = "acme-web-portal-web"
CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0d3f"
HEADERS = "67f7725c-6f97-4210-82d7-5512b31e9d03"
ALIASES = ["portal.acme.example", "www.portal.acme.example"]


def _oac(cloud):
    return cloud.client("cloudfront").create_origin_access_control(
        OriginAccessControlConfig={
            "Name": NAME,
            "SigningProtocol": "sigv4",
            "SigningBehavior": "always",
            "OriginAccessControlOriginType": "s3",
        }
    )["OriginAccessControl"]["Id"]


def _params(oac, **overrides):
    return {
        "name": NAME,
        "origin_domain_name": f"{NAME}.s3.us-east-1.amazonaws.com",
        "origin_access_control_id": oac,
        "aliases": ALIASES,
        "certificate_arn": CERT,
        "response_headers_policy_id": HEADERS,
        "custom_error_responses": [
            {"error_code": 404, "response_code": "200", "response_page_path": "/index.html"},
            {"error_code": 403, "response_code": "200", "response_page_path": "/index.html"},
        ],
        "tags": {"fastish:release": "portal"},
        **overrides,
    }


def _distributions(cloud):
    return cloud.client("cloudfront").list_distributions()["DistributionList"].get("Items") or []


def test_create_then_idempotent(cloud, tmp_path):
    oac = _oac(cloud)
    results = modules(
        cloud, tmp_path, "cloudfront_distribution", {"create": _params(oac), "again": _params(oac)}
    )
    created, again = results["create"], results["again"]
    assert created["changed"] is True and created["changes"] == ["create"], created
    distribution = created["distribution"]
    assert distribution["domain_name"].endswith(".cloudfront.net")
    assert distribution["hosted_zone_id"] == "Z2FDTNDATAQYW2"
    cf = cloud.client("cloudfront")
    config = cf.get_distribution_config(Id=distribution["id"])["DistributionConfig"]
    assert sorted(config["Aliases"]["Items"]) == ALIASES
    assert config["Origins"]["Items"][0]["OriginAccessControlId"] == oac
    assert config["ViewerCertificate"]["ACMCertificateArn"] == CERT
    assert config["ViewerCertificate"]["MinimumProtocolVersion"] == "TLSv1.2_2021"
    assert config["ViewerCertificate"]["CloudFrontDefaultCertificate"] is False
    behavior = config["DefaultCacheBehavior"]
    assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behavior["ResponseHeadersPolicyId"] == HEADERS
    assert config["HttpVersion"] == "http2and3" and config["IsIPV6Enabled"] is True
    assert config["DefaultRootObject"] == "index.html" and config["PriceClass"] == "PriceClass_100"
    assert {e["ErrorCode"]: e["ResponsePagePath"] for e in config["CustomErrorResponses"]["Items"]} == {
        403: "/index.html",
        404: "/index.html",
    }
    tags = cf.list_tags_for_resource(Resource=distribution["arn"])["Tags"]["Items"]
    assert tags == [{"Key": "fastish:release", "Value": "portal"}]
    assert again["changed"] is False, again["changes"]
    assert again["distribution"]["id"] == distribution["id"]
    assert len(_distributions(cloud)) == 1


def test_update_changes_only_what_differs(cloud, tmp_path):
    oac = _oac(cloud)
    module(cloud, tmp_path, "cloudfront_distribution", _params(oac))
    update = module(
        cloud,
        tmp_path,
        "cloudfront_distribution",
        _params(oac, price_class="PriceClass_All", aliases=ALIASES[:1], tags={"a": "b"}),
    )
    assert update["changed"] is True
    assert update["changes"] == ["update Aliases", "update PriceClass", "tags"]
    cf = cloud.client("cloudfront")
    config = cf.get_distribution_config(Id=update["distribution"]["id"])["DistributionConfig"]
    assert config["PriceClass"] == "PriceClass_All" and config["Aliases"]["Items"] == ALIASES[:1]
    assert config["Origins"]["Items"][0]["OriginAccessControlId"] == oac  # untouched settings stay
    assert cf.list_tags_for_resource(Resource=update["distribution"]["arn"])["Tags"]["Items"] == [
        {"Key": "a", "Value": "b"}
    ]


def test_check_mode_makes_no_mutating_call(cloud, tmp_path):
    oac = _oac(cloud)
    cloud.reset_requests()
    result = module(cloud, tmp_path, "cloudfront_distribution", _params(oac), "--check")
    assert result["changed"] is True and result["distribution"]["id"] is None
    assert mutating(cloud) == [] and _distributions(cloud) == []
    module(cloud, tmp_path, "cloudfront_distribution", _params(oac))
    cloud.reset_requests()
    for params in (_params(oac, enabled=False), {"name": NAME, "state": "absent"}):
        assert module(cloud, tmp_path, "cloudfront_distribution", params, "--check")["changed"] is True
    assert mutating(cloud) == []
    assert len(_distributions(cloud)) == 1


def test_absent_disables_then_deletes(cloud, tmp_path):
    oac = _oac(cloud)
    module(cloud, tmp_path, "cloudfront_distribution", _params(oac))
    cloud.reset_requests()
    gone = module(cloud, tmp_path, "cloudfront_distribution", {"name": NAME, "state": "absent"})
    assert gone["changed"] is True and gone["changes"] == ["disable", "delete"]
    assert _distributions(cloud) == []
    writes = [(r["method"], r["path"]) for r in cloud.requests()["requests"] if r["mutating"]]
    assert writes[0][0] == "PUT" and writes[0][1].endswith("/config")  # disabled before ...
    assert writes[-1][0] == "DELETE"  # ... deleted
    # ... once the disable is deployed: the local cloud keeps the distribution InProgress for a while after
    # the update and refuses the delete meanwhile (DistributionNotDisabled), as CloudFront does.
    log = [(r["action"], r["status"]) for r in cloud.requests()["requests"]]
    actions = [action for action, _ in log]
    update, delete = actions.index("UpdateDistribution"), actions.index("DeleteDistribution")
    assert "GetDistribution" in actions[update:delete]
    assert [status for action, status in log if action == "DeleteDistribution"] == [204]
    again = module(cloud, tmp_path, "cloudfront_distribution", {"name": NAME, "state": "absent"})
    assert again["changed"] is False


def test_aliases_need_a_certificate(cloud, tmp_path):
    result = module(cloud, tmp_path, "cloudfront_distribution", _params("x", certificate_arn=None))
    assert result["failed"] is True and "certificate_arn" in result["msg"]
