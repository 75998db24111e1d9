"""The Lambda adapter: API Gateway REST proxy events (v1) through the app and back."""

from __future__ import annotations

import base64
import json

import pytest
from fastish_api.app import create_app
from fastish_api.lambda_handler import LambdaAdapter, event_to_scope, run_asgi


def event(
    method="GET",
    path="/healthz",
    *,
    headers=None,
    multi_headers=None,
    query=None,
    body=None,
    b64=False,
    stage_path=None,
):
    raw = body.encode() if isinstance(body, str) else body
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": headers or {},
        "multiValueHeaders": multi_headers or {k: [v] for k, v in (headers or {}).items()},
        "queryStringParameters": {k: v[-1] for k, v in (query or {}).items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "requestContext": {
            "requestId": "apigw-req-1",
            "path": stage_path or f"/prod{path}",
            "stage": "prod",
            "identity": {"sourceIp": "203.0.113.9"},
            "authorizer": {"claims": {"sub": "ignored"}},
        },
        "body": base64.b64encode(raw).decode() if (b64 and raw is not None) else body,
        "isBase64Encoded": b64,
    }


@pytest.fixture
def adapter(services):
    return LambdaAdapter(create_app(services=services))


def test_scope_from_event() -> None:
    scope, body = event_to_scope(
        event(
            "POST",
            "/v1/items",
            headers={"Host": "api.example", "X-Forwarded-Proto": "https"},
            query={"a": ["1", "2"], "b c": ["d e"]},
            body='{"x": 1}',
        )
    )
    assert scope["method"] == "POST"
    assert scope["root_path"] == "/prod"
    assert scope["path"] == "/prod/v1/items"
    assert scope["query_string"] == b"a=1&a=2&b%20c=d%20e"
    assert (b"host", b"api.example") in scope["headers"]
    assert scope["client"] == ("203.0.113.9", 0)
    assert scope["aws.request_id"] == "apigw-req-1"
    assert body == b'{"x": 1}'


def test_custom_domain_without_prefix() -> None:
    scope, _ = event_to_scope(event(path="/v1/items", stage_path="/v1/items"))
    assert scope["root_path"] == ""
    assert scope["path"] == "/v1/items"


def test_base64_request_body() -> None:
    _, body = event_to_scope(event("POST", "/v1/items", body='{"name": "\u00e9"}', b64=True))
    assert json.loads(body) == {"name": "\u00e9"}


def test_round_trip_create_get_list(adapter, auth) -> None:
    headers = {**auth("globex"), "Content-Type": "application/json"}
    created = adapter(event("POST", "/v1/items", headers=headers, body=json.dumps({"name": "from lambda"})))
    assert created["statusCode"] == 201
    assert created["isBase64Encoded"] is False
    item = json.loads(created["body"])
    assert created["multiValueHeaders"]["location"] == [f"/prod/v1/items/{item['id']}"]
    assert created["multiValueHeaders"]["x-request-id"] == ["apigw-req-1"]
    got = adapter(event("GET", f"/v1/items/{item['id']}", headers=auth("globex")))
    assert json.loads(got["body"])["name"] == "from lambda"
    listed = adapter(event("GET", "/v1/items", headers=auth("globex"), query={"limit": ["1"]}))
    assert [i["id"] for i in json.loads(listed["body"])["items"]] == [item["id"]]
    b64 = adapter(event("POST", "/v1/items", headers=headers, body=json.dumps({"name": "b64"}), b64=True))
    assert b64["statusCode"] == 201


def test_errors_through_lambda(adapter, auth, keys) -> None:
    response = adapter(event("GET", "/v1/items"))
    assert response["statusCode"] == 401
    assert response["multiValueHeaders"]["www-authenticate"] == ['Bearer realm="fastish-api"']
    response = adapter(event("GET", "/v1/items", headers={"Authorization": keys.mint(key=keys.other)}))
    assert response["statusCode"] == 401  # bare token (authorizer style) parsed, signature refused
    assert adapter(event("DELETE", "/healthz"))["statusCode"] == 405
    assert adapter(event("GET", "/nope"))["statusCode"] == 404


def test_authorizer_claims_are_not_trusted(adapter, auth) -> None:
    ev = event("GET", "/v1/me", headers=auth(None))
    ev["requestContext"]["authorizer"]["claims"]["custom:tenant_id"] = "initech"
    assert json.loads(adapter(ev)["body"])["tenant_id"] is None


def test_binary_response_is_base64() -> None:
    async def app(scope, receive, send):
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/octet-stream"),
                    (b"set-cookie", b"a=1"),
                    (b"set-cookie", b"b=2"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b"\x00\xff", "more_body": True})
        await send({"type": "http.response.body", "body": b"\x01"})

    scope, body = event_to_scope(event())
    import asyncio

    response = asyncio.run(run_asgi(app, scope, body))
    assert response["isBase64Encoded"] is True
    assert base64.b64decode(response["body"]) == b"\x00\xff\x01"
    assert response["multiValueHeaders"]["set-cookie"] == ["a=1", "b=2"]


def test_loop_is_reused_across_invocations(adapter) -> None:
    adapter(event())
    loop = adapter._loop
    adapter(event())
    assert adapter._loop is loop
