"""Routes, validation, pagination, tenancy and errors against the fake store (no AWS)."""

from __future__ import annotations

from apitest_support import FakeStore


def create(client, auth, tenant="globex", **body):
    body.setdefault("name", "widget")
    response = client.post("/v1/items", json=body, headers=auth(tenant))
    assert response.status_code == 201, response.text
    return response.json()


def test_healthz_needs_no_auth_and_no_aws(client, store: FakeStore) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert store.calls == []


def test_readyz(client, ready) -> None:
    assert client.get("/readyz").json() == {"status": "ready"}
    ready["error"] = RuntimeError("ResourceNotFoundException")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "not_ready"


def test_me(client, auth) -> None:
    response = client.get("/v1/me", headers=auth("globex", sub="alice", **{"cognito:groups": ["enterprise"]}))
    assert response.status_code == 200
    body = response.json()
    assert body["sub"] == "alice"
    assert body["username"] == "alice"
    assert body["email"] == "alice@example.com"
    assert body["tenant_id"] == "globex"
    assert body["groups"] == ["enterprise"]
    assert body["tenant"] == {"name": "Globex Corporation", "tier": "enterprise", "status": "active"}


def test_me_with_access_token_has_no_tenant(client, auth) -> None:
    body = client.get("/v1/me", headers=auth(None, token_use="access")).json()
    assert body["tenant_id"] is None
    assert body["tenant"] is None
    assert body["token_use"] == "access"


def test_missing_and_invalid_token(client, auth, keys) -> None:
    response = client.get("/v1/items")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="fastish-api"'
    assert response.json()["error"]["code"] == "unauthorized"
    response = client.get("/v1/items", headers={"Authorization": f"Bearer {keys.mint(key=keys.other)}"})
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    assert response.json()["error"]["message"] == "token signature invalid"


def test_tenant_routes_need_tenant_claim(client, auth) -> None:
    for headers in (auth(None), auth(None, token_use="access")):
        for method, path in [("GET", "/v1/items"), ("POST", "/v1/items"), ("GET", "/v1/items/x")]:
            response = client.request(method, path, headers=headers, json={"name": "n"})
            assert response.status_code == 403, (method, path)
            assert response.json()["error"]["code"] == "tenant_required"


def test_offboarded_or_unknown_tenant_is_refused(client, auth) -> None:
    for tenant in ("gone", "nobody"):
        response = client.get("/v1/items", headers=auth(tenant))
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "tenant_inactive"


def test_crud_round_trip(client, auth) -> None:
    item = create(
        client, auth, name="first", description="d", attributes={"color": "red", "n": 3, "ok": True}
    )
    assert set(item) == {"id", "name", "description", "attributes", "created_at", "updated_at", "version"}
    assert item["version"] == 1
    location = f"/v1/items/{item['id']}"
    got = client.get(location, headers=auth())
    assert got.status_code == 200
    assert got.json() == item
    assert got.headers["etag"] == '"1"'
    put = client.put(location, json={"name": "renamed", "expires_at": 4102444800}, headers=auth())
    assert put.status_code == 200, put.text
    assert put.json()["version"] == 2
    assert put.json()["attributes"] == {}
    assert put.json()["expires_at"] == 4102444800
    assert client.get(location, headers=auth()).json()["name"] == "renamed"  # cache invalidated
    assert client.delete(location, headers=auth()).status_code == 204
    assert client.get(location, headers=auth()).status_code == 404
    assert client.delete(location, headers=auth()).status_code == 404


def test_create_returns_location(client, auth) -> None:
    response = client.post("/v1/items", json={"name": "x"}, headers=auth())
    assert response.headers["location"] == f"/v1/items/{response.json()['id']}"
    assert response.headers["etag"] == '"1"'


def test_tenant_isolation(client, auth, store: FakeStore) -> None:
    mine = create(client, auth, "globex", name="globex secret")
    theirs = create(client, auth, "initech", name="initech secret")
    assert [i["id"] for i in client.get("/v1/items", headers=auth("initech")).json()["items"]] == [
        theirs["id"]
    ]
    path = f"/v1/items/{mine['id']}"
    assert client.get(path, headers=auth("initech")).status_code == 404
    assert client.put(path, json={"name": "x"}, headers=auth("initech")).status_code == 404
    assert client.delete(path, headers=auth("initech")).status_code == 404
    assert client.get(path, headers=auth("globex")).json()["name"] == "globex secret"
    # the store was only ever asked for the token's tenant
    assert {t for op, t in store.calls if op != "tenant_record"} == {"globex", "initech"}


def test_body_tenant_id_is_rejected(client, auth, store: FakeStore) -> None:
    response = client.post("/v1/items", json={"name": "x", "tenant_id": "initech"}, headers=auth("globex"))
    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert details == [
        {"loc": ["tenant_id"], "msg": "Extra inputs are not permitted", "type": "extra_forbidden"}
    ]
    item = create(client, auth, "globex")
    response = client.put(
        f"/v1/items/{item['id']}", json={"name": "y", "tenant_id": "initech"}, headers=auth()
    )
    assert response.status_code == 422
    assert all(t == "globex" for (t, _) in store.data)


def test_query_tenant_id_is_ignored(client, auth) -> None:
    create(client, auth, "initech")
    response = client.get("/v1/items?tenant_id=initech", headers=auth("globex"))
    assert response.json()["items"] == []


def test_validation_errors_do_not_echo_input(client, auth) -> None:
    huge = "x" * 5000
    response = client.post("/v1/items", json={"name": huge, "description": huge}, headers=auth())
    assert response.status_code == 422
    assert huge[:300] not in response.text
    assert {tuple(d["loc"]) for d in response.json()["error"]["details"]} == {("name",), ("description",)}
    bad = [
        {},
        {"name": ""},
        {"name": "   "},
        {"name": 5},
        {"name": "x", "attributes": {"k": [1]}},
        {"name": "x", "attributes": {"k": {"a": 1}}},
        {"name": "x", "attributes": {f"k{i}": i for i in range(51)}},
        {"name": "x", "attributes": {"": 1}},
        {"name": "x", "expires_at": -1},
        {"name": "x", "id": "mine"},
        [1, 2],
    ]
    for body in bad:
        assert client.post("/v1/items", json=body, headers=auth()).status_code == 422, body


def test_bad_json_and_too_large(client, auth) -> None:
    headers = {**auth(), "Content-Type": "application/json"}
    response = client.post("/v1/items", content=b"{not json", headers=headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_json"
    assert client.post("/v1/items", content=b"", headers=headers).status_code == 400
    response = client.post("/v1/items", content=b'{"name": "' + b"x" * 70000 + b'"}', headers=headers)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


def test_unknown_route_and_method(client, auth) -> None:
    response = client.get("/v2/nothing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    response = client.patch("/v1/items/abc", headers=auth())
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "PUT" in response.headers["allow"]


def test_invalid_item_id_is_404(client, auth) -> None:
    assert client.get("/v1/items/..%2F..%2Fetc", headers=auth()).status_code == 404
    assert client.get("/v1/items/" + "a" * 65, headers=auth()).status_code == 404


def test_pagination_newest_updated_first(client, auth) -> None:
    ids = [create(client, auth, name=f"n{i}")["id"] for i in range(5)]
    client.put(f"/v1/items/{ids[0]}", json={"name": "touched"}, headers=auth())
    expected = [ids[0], ids[4], ids[3], ids[2], ids[1]]
    seen, cursor = [], None
    while True:
        url = "/v1/items?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=auth()).json()
        assert len(page["items"]) <= 2
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == expected


def test_pagination_errors(client, auth) -> None:
    for limit in ("0", "101", "-1", "abc"):
        response = client.get(f"/v1/items?limit={limit}", headers=auth())
        assert response.status_code == 422, limit
    response = client.get("/v1/items?cursor=garbage!", headers=auth())
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_cursor"
    assert client.get("/v1/items?limit=100", headers=auth()).status_code == 200


def test_optimistic_concurrency(client, auth) -> None:
    item = create(client, auth)
    path = f"/v1/items/{item['id']}"
    response = client.put(path, json={"name": "a"}, headers={**auth(), "If-Match": '"7"'})
    assert response.status_code == 412
    response = client.put(path, json={"name": "a", "version": 7}, headers=auth())
    assert response.status_code == 409
    assert response.json()["error"]["details"] == {"current_version": 1}
    response = client.put(path, json={"name": "a"}, headers={**auth(), "If-Match": '"1"'})
    assert response.status_code == 200
    assert response.headers["etag"] == '"2"'
    assert client.put(path, json={"name": "b", "version": 2}, headers=auth()).status_code == 200
    assert client.put(path, json={"name": "c"}, headers={**auth(), "If-Match": "*"}).status_code == 200
    assert client.put(path, json={"name": "c"}, headers={**auth(), "If-Match": "nope"}).status_code == 400
    assert client.delete(path, headers={**auth(), "If-Match": '"1"'}).status_code == 412
    assert client.delete(path, headers={**auth(), "If-Match": '"4"'}).status_code == 204


def test_hot_reads_are_cached_and_invalidated(client, auth, store: FakeStore) -> None:
    item = create(client, auth)
    path = f"/v1/items/{item['id']}"
    store.calls.clear()
    for _ in range(5):
        assert client.get(path, headers=auth()).status_code == 200
    assert store.calls.count(("get", "globex")) == 1
    client.put(path, json={"name": "new"}, headers=auth())
    assert client.get(path, headers=auth()).json()["name"] == "new"
    assert store.calls.count(("get", "globex")) == 2
    # another tenant never hits globex's cache entry
    assert client.get(path, headers=auth("initech")).status_code == 404


def test_request_id_echoed(client) -> None:
    assert client.get("/healthz", headers={"X-Request-Id": "abc-123"}).headers["x-request-id"] == "abc-123"
    generated = client.get("/healthz", headers={"X-Request-Id": "bad id\n"}).headers["x-request-id"]
    assert len(generated) == 32


def test_unhandled_error_is_500_json(client, auth, store: FakeStore) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("the secret database password is hunter2")

    store.list = boom  # type: ignore[method-assign]
    response = client.get("/v1/items", headers=auth())
    assert response.status_code == 500
    assert response.json() == {"error": {"code": "internal", "message": "internal error", "details": None}}
    assert "x-request-id" in response.headers
