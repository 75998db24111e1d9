"""fastish.platform.cognito_user_pool_domain against the local cloud (moto with the project's patches)."""

from __future__ import annotations

from tests.modules.support import make_pool, module, mutating

CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab"


def _owner(cloud, domain):
    return (
        cloud.client("cognito-idp")
        .describe_user_pool_domain(Domain=domain)["DomainDescription"]
        .get("UserPoolId")
    )


def test_create_rerun_and_result(cloud, tmp_path):
    pool_id = make_pool(cloud)
    params = {"user_pool_id": pool_id, "domain": "acme-web-portal-auth"}
    cloud.reset_requests()
    checked = module(cloud, tmp_path, "cognito_user_pool_domain", params, "--check")
    assert checked["changed"] is True and mutating(cloud) == []
    assert _owner(cloud, "acme-web-portal-auth") is None

    created = module(cloud, tmp_path, "cognito_user_pool_domain", params)
    assert created["changed"] is True
    assert _owner(cloud, "acme-web-portal-auth") == pool_id
    assert created["domain"]["fqdn"] == "acme-web-portal-auth.auth.us-east-1.amazoncognito.com"
    assert created["domain"]["url"] == "https://acme-web-portal-auth.auth.us-east-1.amazoncognito.com"
    assert created["domain"]["custom"] is False
    assert (
        cloud.client("cognito-idp").describe_user_pool(UserPoolId=pool_id)["UserPool"]["Domain"]
        == "acme-web-portal-auth"
    )

    cloud.reset_requests()
    assert module(cloud, tmp_path, "cognito_user_pool_domain", params)["changed"] is False
    assert mutating(cloud) == []


def test_domain_of_another_pool_fails(cloud, tmp_path):
    other = make_pool(cloud, "other")
    mine = make_pool(cloud, "mine")
    cloud.client("cognito-idp").create_user_pool_domain(Domain="taken", UserPoolId=other)
    result = module(cloud, tmp_path, "cognito_user_pool_domain", {"user_pool_id": mine, "domain": "taken"})
    assert result["failed"] is True
    assert f"belongs to another user pool ({other})" in result["msg"]
    assert _owner(cloud, "taken") == other
    absent = module(
        cloud,
        tmp_path,
        "cognito_user_pool_domain",
        {"user_pool_id": mine, "domain": "taken", "state": "absent"},
    )
    assert absent["failed"] is True
    assert _owner(cloud, "taken") == other


def test_replaces_the_previous_prefix_domain(cloud, tmp_path):
    pool_id = make_pool(cloud)
    cloud.client("cognito-idp").create_user_pool_domain(Domain="old-auth", UserPoolId=pool_id)
    result = module(
        cloud, tmp_path, "cognito_user_pool_domain", {"user_pool_id": pool_id, "domain": "new-auth"}
    )
    assert result["changed"] is True
    assert result["diff"]["before"]["domain"] == "old-auth"
    assert _owner(cloud, "old-auth") is None
    assert _owner(cloud, "new-auth") == pool_id


def test_custom_domain(cloud, tmp_path):
    pool_id = make_pool(cloud)
    params = {"user_pool_id": pool_id, "domain": "auth.portal.acme.example", "certificate_arn": CERT}
    created = module(cloud, tmp_path, "cognito_user_pool_domain", params)
    assert created["changed"] is True
    assert created["domain"]["custom"] is True
    assert created["domain"]["url"] == "https://auth.portal.acme.example"
    assert created["domain"]["cloudfront_distribution"].endswith(".cloudfront.net")
    assert _owner(cloud, "auth.portal.acme.example") == pool_id
    assert module(cloud, tmp_path, "cognito_user_pool_domain", params)["changed"] is False


def test_absent(cloud, tmp_path):
    pool_id = make_pool(cloud)
    cloud.client("cognito-idp").create_user_pool_domain(Domain="gone-auth", UserPoolId=pool_id)
    params = {"user_pool_id": pool_id, "domain": "gone-auth", "state": "absent"}
    cloud.reset_requests()
    assert module(cloud, tmp_path, "cognito_user_pool_domain", params, "--check")["changed"] is True
    assert mutating(cloud) == [] and _owner(cloud, "gone-auth") == pool_id
    assert module(cloud, tmp_path, "cognito_user_pool_domain", params)["changed"] is True
    assert _owner(cloud, "gone-auth") is None
    assert module(cloud, tmp_path, "cognito_user_pool_domain", params)["changed"] is False
