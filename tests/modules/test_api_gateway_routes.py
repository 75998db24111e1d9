"""fastish.platform.api_gateway_routes against the local cloud (moto with the project's patches)."""

from __future__ import annotations

from tests.modules.support import module, mutating

ALIAS = "arn:aws:lambda:us-east-1:123456789012:function:acme-web-portal-api:live"
URI = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{ALIAS}/invocations"


def _api(cloud):
    client = cloud.client("apigateway")
    api_id = client.create_rest_api(name="api")["id"]
    auth = client.create_authorizer(
        restApiId=api_id,
        name="cognito",
        type="COGNITO_USER_POOLS",
        providerARNs=["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc"],
        identitySource="method.request.header.Authorization",
    )["id"]
    return api_id, auth


def _routes(auth):
    return [
        {"path": "/healthz", "methods": ["GET"]},
        {
            "path": "/v1/items",
            "methods": ["GET", "POST"],
            "authorization": "COGNITO_USER_POOLS",
            "authorizer_id": auth,
            "api_key_required": True,
        },
        {
            "path": "/v1/items/{id}",
            "methods": ["GET", "PUT", "DELETE"],
            "authorization": "COGNITO_USER_POOLS",
            "authorizer_id": auth,
            "api_key_required": True,
        },
    ]


def _tree(cloud, api_id):
    """{path: {METHOD: (authorizationType, authorizerId, apiKeyRequired, integration type, uri)}}."""
    client = cloud.client("apigateway")
    tree = {}
    for res in client.get_resources(restApiId=api_id, embed=["methods"])["items"]:
        tree[res["path"]] = {}
        for verb in res.get("resourceMethods") or {}:
            m = client.get_method(restApiId=api_id, resourceId=res["id"], httpMethod=verb)
            i = m.get("methodIntegration") or {}
            tree[res["path"]][verb] = (
                m["authorizationType"],
                m.get("authorizerId"),
                m["apiKeyRequired"],
                i.get("type"),
                i.get("httpMethod"),
                i.get("uri"),
                int(i.get("timeoutInMillis") or 0),
            )
    return tree


def test_create_rerun_update_purge(cloud, tmp_path):
    api_id, auth = _api(cloud)
    params = {"rest_api_id": api_id, "lambda_uri": URI, "routes": _routes(auth)}
    created = module(cloud, tmp_path, "api_gateway_routes", params)
    assert created["changed"] is True
    secured = ("COGNITO_USER_POOLS", auth, True, "AWS_PROXY", "POST", URI, 29000)
    assert _tree(cloud, api_id) == {
        "/": {},
        "/healthz": {"GET": ("NONE", None, False, "AWS_PROXY", "POST", URI, 29000)},
        "/v1": {},
        "/v1/items": {"GET": secured, "POST": secured},
        "/v1/items/{id}": {"GET": secured, "PUT": secured, "DELETE": secured},
    }
    assert len(created["fingerprint"]) == 64
    assert set(created["resources"]) == {"/", "/healthz", "/v1/items", "/v1/items/{id}"}

    cloud.reset_requests()
    again = module(cloud, tmp_path, "api_gateway_routes", params)
    assert again["changed"] is False and again["changes"] == []
    assert again["fingerprint"] == created["fingerprint"]
    assert mutating(cloud) == []

    # /healthz gets an API key, DELETE /v1/items/{id} goes, /v1/me comes, the alias changes
    routes = _routes(auth)
    routes[0]["api_key_required"] = True
    routes[2]["methods"] = ["GET", "PUT"]
    routes.append(
        {"path": "/v1/me", "methods": ["GET"], "authorization": "COGNITO_USER_POOLS", "authorizer_id": auth}
    )
    uri2 = URI.replace(":live/", ":next/")
    changed = {**params, "routes": routes, "lambda_uri": uri2}
    checked = module(cloud, tmp_path, "api_gateway_routes", changed, "--check", "--diff")
    assert checked["changed"] is True and mutating(cloud) == []
    assert "delete DELETE /v1/items/{id}" in checked["changes"] and "create /v1/me" in checked["changes"]
    assert checked["fingerprint"] != created["fingerprint"]

    updated = module(cloud, tmp_path, "api_gateway_routes", changed)
    assert updated["changed"] is True and updated["fingerprint"] == checked["fingerprint"]
    tree = _tree(cloud, api_id)
    assert tree["/healthz"]["GET"][:3] == ("NONE", None, True)
    assert set(tree["/v1/items/{id}"]) == {"GET", "PUT"}
    assert tree["/v1/me"]["GET"][:3] == ("COGNITO_USER_POOLS", auth, False)
    assert {m[5] for methods in tree.values() for m in methods.values()} == {uri2}
    assert module(cloud, tmp_path, "api_gateway_routes", changed)["changed"] is False

    # only /healthz stays: the whole /v1 subtree goes
    only = {**changed, "routes": [routes[0]]}
    assert module(cloud, tmp_path, "api_gateway_routes", only)["changed"] is True
    assert set(_tree(cloud, api_id)) == {"/", "/healthz"}


def test_no_purge_keeps_undeclared(cloud, tmp_path):
    api_id, auth = _api(cloud)
    module(
        cloud,
        tmp_path,
        "api_gateway_routes",
        {"rest_api_id": api_id, "lambda_uri": URI, "routes": _routes(auth)},
    )
    kept = module(
        cloud,
        tmp_path,
        "api_gateway_routes",
        {"rest_api_id": api_id, "lambda_uri": URI, "routes": [_routes(auth)[0]], "purge": False},
    )
    assert kept["changed"] is False
    assert set(_tree(cloud, api_id)) == {"/", "/healthz", "/v1", "/v1/items", "/v1/items/{id}"}


def test_check_mode_on_a_missing_api(cloud, tmp_path):
    params = {"rest_api_id": "placeholder", "lambda_uri": URI, "routes": _routes("auth")}
    checked = module(cloud, tmp_path, "api_gateway_routes", params, "--check")
    assert checked["changed"] is True and mutating(cloud) == []
    assert "create /v1/items/{id}" in checked["changes"]
    failed = module(cloud, tmp_path, "api_gateway_routes", params)
    assert failed["failed"] is True and failed["msg"] == "There is no REST API placeholder"


def test_errors(cloud, tmp_path):
    api_id, _auth = _api(cloud)
    no_authorizer = module(
        cloud,
        tmp_path,
        "api_gateway_routes",
        {
            "rest_api_id": api_id,
            "lambda_uri": URI,
            "routes": [{"path": "/x", "methods": ["GET"], "authorization": "COGNITO_USER_POOLS"}],
        },
    )
    assert no_authorizer["failed"] is True
    assert no_authorizer["msg"] == "Route /x uses COGNITO_USER_POOLS authorization but has no authorizer_id"
    twice = module(
        cloud,
        tmp_path,
        "api_gateway_routes",
        {"rest_api_id": api_id, "lambda_uri": URI, "routes": [{"path": "/x", "methods": ["GET", "get"]}]},
    )
    assert twice["failed"] is True and twice["msg"] == "Route GET /x is declared twice"
