"""Cache bound + TTL, the Prometheus text, and the JSON request log (which never holds a token)."""

from __future__ import annotations

import json
import logging

from fastish_api.cache import TTLCache
from fastish_api.logs import JsonFormatter
from fastish_api.metrics import Metrics


def test_cache_bound_and_lru() -> None:
    cache = TTLCache(maxsize=2, ttl=10, clock=lambda: 0)
    cache.set("a", 1)
    cache.set("b", 2)
    assert cache.get("a") == 1  # a is now the most recent
    cache.set("c", 3)
    assert len(cache) == 2
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c")) == (1, 3)


def test_cache_ttl_and_invalidate() -> None:
    now = [0.0]
    cache = TTLCache(maxsize=10, ttl=5, clock=lambda: now[0])
    cache.set(("t", "1"), "v")
    now[0] = 4.9
    assert cache.get(("t", "1")) == "v"
    now[0] = 5.0
    assert cache.get(("t", "1")) is None
    cache.set(("t", "1"), "v")
    cache.invalidate(("t", "1"))
    assert cache.get(("t", "1")) is None


def test_cache_disabled() -> None:
    for cache in (TTLCache(0, 5), TTLCache(10, 0)):
        cache.set("a", 1)
        assert cache.get("a") is None


def test_metrics_format() -> None:
    m = Metrics()
    m.observe("GET", "/v1/items/{id}", 200, 0.003)
    m.observe("GET", "/v1/items/{id}", 404, 0.02)
    text = m.render()
    assert 'fastish_api_requests_total{method="GET",route="/v1/items/{id}",status="200"} 1' in text
    assert 'fastish_api_request_errors_total{route="/v1/items/{id}",status="404"} 1' in text
    assert 'fastish_api_request_duration_seconds_bucket{route="/v1/items/{id}",le="0.005"} 1' in text
    assert 'fastish_api_request_duration_seconds_bucket{route="/v1/items/{id}",le="0.025"} 2' in text
    assert 'fastish_api_request_duration_seconds_bucket{route="/v1/items/{id}",le="+Inf"} 2' in text
    assert 'fastish_api_request_duration_seconds_count{route="/v1/items/{id}"} 2' in text
    for line in text.splitlines():
        assert line.startswith("#") or line.rsplit(" ", 1)[1].replace(".", "").isdigit(), line
    assert "# TYPE fastish_api_request_duration_seconds histogram" in text


def test_metrics_endpoint_uses_route_templates(client, auth) -> None:
    item = client.post("/v1/items", json={"name": "m"}, headers=auth()).json()
    client.get(f"/v1/items/{item['id']}", headers=auth())
    client.get("/v1/items/does-not-exist", headers=auth())
    client.get("/random/path/123")
    response = client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = response.text
    assert 'route="/v1/items/{id}",status="200"' in text
    assert 'fastish_api_request_errors_total{route="/v1/items/{id}",status="404"} 1' in text
    assert 'route="unmatched",status="404"' in text
    assert item["id"] not in text
    assert "/random/path" not in text


def test_request_log_lines(client, auth, keys, caplog) -> None:
    token = keys.mint(tenant="globex")
    headers = {"Authorization": f"Bearer {token}", "X-Request-Id": "req-42"}
    caplog.set_level(logging.INFO, logger="fastish_api")
    item = client.post(
        "/v1/items", json={"name": "top-secret-name", "description": "classified"}, headers=headers
    )
    client.get(f"/v1/items/{item.json()['id']}", headers=headers)
    client.get("/v1/items", headers={"Authorization": f"Bearer {token}x"})  # invalid token
    client.get("/v1/items", headers={"Authorization": "Bearer " + token.replace(".", "", 1)})
    formatter = JsonFormatter()
    lines = [formatter.format(r) for r in caplog.records if r.name == "fastish_api.access"]
    assert len(lines) == 4
    entries = [json.loads(line) for line in lines]
    assert entries[0]["request_id"] == "req-42"
    assert entries[0]["route"] == "/v1/items"
    assert entries[0]["status"] == 201
    assert entries[0]["tenant_id"] == "globex"
    assert isinstance(entries[0]["latency_ms"], float)
    assert entries[1]["route"] == "/v1/items/{id}"
    assert entries[2]["status"] == 401
    assert entries[2]["error_code"] == "unauthorized"
    text = "\n".join(formatter.format(r) for r in caplog.records)
    for secret in (token, token.split(".")[1], token.split(".")[2][:20], "top-secret-name", "classified"):
        assert secret not in text
    assert "authorization" not in text.lower()
    assert "bearer" not in text.lower()


def test_unhandled_error_log_has_no_message(client, auth, store, caplog) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("password=hunter2")

    store.create = boom
    caplog.set_level(logging.INFO, logger="fastish_api")
    assert client.post("/v1/items", json={"name": "x"}, headers=auth()).status_code == 500
    text = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    assert "RuntimeError" in text
    assert "hunter2" not in text
