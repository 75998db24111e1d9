"""AWS Lambda entry point: API Gateway REST API proxy events (payload format 1.0) -> ASGI -> proxy
response. Handler: ``fastish_api.lambda_handler.handler``.

The app is built once per execution environment (cold start) and one event loop is reused across
invocations. API Gateway's Cognito authorizer has already checked the token; the app verifies it
again (same code path as under uvicorn).
"""

from __future__ import annotations

import asyncio
import base64
from typing import Any
from urllib.parse import quote, urlencode

from starlette.types import ASGIApp, Message

TEXT_TYPES = (
    "text/",
    "application/json",
    "application/problem+json",
    "application/xml",
    "application/javascript",
)


def _headers(event: dict[str, Any]) -> list[tuple[bytes, bytes]]:
    multi = event.get("multiValueHeaders") or {}
    single = event.get("headers") or {}
    out: list[tuple[bytes, bytes]] = []
    seen: set[str] = set()
    for name, values in multi.items():
        seen.add(name.lower())
        for value in values or []:
            out.append((name.lower().encode("latin-1"), str(value).encode("latin-1")))
    for name, value in single.items():
        if name.lower() not in seen and value is not None:
            out.append((name.lower().encode("latin-1"), str(value).encode("latin-1")))
    return out


def _query_string(event: dict[str, Any]) -> bytes:
    multi = event.get("multiValueQueryStringParameters")
    if multi:
        pairs = [(k, v) for k, values in multi.items() for v in values or []]
    else:
        pairs = list((event.get("queryStringParameters") or {}).items())
    return urlencode(pairs, doseq=False, quote_via=quote).encode("ascii")


def event_to_scope(event: dict[str, Any], context: Any = None) -> tuple[dict[str, Any], bytes]:
    """The ASGI HTTP scope and the request body of a REST API proxy event."""
    request_context = event.get("requestContext") or {}
    path = event.get("path") or "/"
    # With a stage (execute-api URL) or a base path mapping, requestContext.path carries the prefix.
    full_path = request_context.get("path") or path
    root_path = full_path[: -len(path)] if path != "/" and full_path.endswith(path) else ""
    headers = _headers(event)
    header_map = {k: v for k, v in headers}
    scheme = header_map.get(b"x-forwarded-proto", b"https").decode("latin-1")
    host = header_map.get(b"host", b"lambda").decode("latin-1")
    port = int(header_map.get(b"x-forwarded-port", b"443" if scheme == "https" else b"80"))
    source_ip = (request_context.get("identity") or {}).get("sourceIp") or "0.0.0.0"
    body = event.get("body") or ""
    raw_body = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode("utf-8")
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": (event.get("httpMethod") or "GET").upper(),
        "scheme": scheme,
        "path": root_path + path,
        "raw_path": (root_path + path).encode("utf-8"),
        "root_path": root_path,
        "query_string": _query_string(event),
        "headers": headers,
        "client": (source_ip, 0),
        "server": (host, port),
        "aws.event": event,
        "aws.context": context,
        "aws.request_id": request_context.get("requestId"),
    }
    return scope, raw_body


async def run_asgi(app: ASGIApp, scope: dict[str, Any], body: bytes) -> dict[str, Any]:
    """Call ``app`` once and build the proxy response."""
    status = 500
    response_headers: list[tuple[bytes, bytes]] = []
    chunks: list[bytes] = []
    sent_request = False

    async def receive() -> Message:
        nonlocal sent_request
        if not sent_request:
            sent_request = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal status, response_headers
        if message["type"] == "http.response.start":
            status = message["status"]
            response_headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    multi: dict[str, list[str]] = {}
    for name, value in response_headers:
        multi.setdefault(name.decode("latin-1").lower(), []).append(value.decode("latin-1"))
    content_type = (multi.get("content-type") or [""])[0]
    raw = b"".join(chunks)
    binary = "content-encoding" in multi or not content_type.startswith(TEXT_TYPES)
    if binary and raw:
        payload, encoded = base64.b64encode(raw).decode("ascii"), True
    else:
        payload, encoded = raw.decode("utf-8"), False
    return {"statusCode": status, "multiValueHeaders": multi, "body": payload, "isBase64Encoded": encoded}


class LambdaAdapter:
    """Runs an ASGI app per API Gateway REST proxy event on a loop kept across invocations."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._loop: asyncio.AbstractEventLoop | None = None

    def __call__(self, event: dict[str, Any], context: Any = None) -> dict[str, Any]:
        if self._loop is None or self._loop.is_closed():
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
        scope, body = event_to_scope(event, context)
        return self._loop.run_until_complete(run_asgi(self.app, scope, body))


_adapter: LambdaAdapter | None = None


def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """The Lambda handler; configuration errors fail the cold start with the variable's name."""
    global _adapter
    if _adapter is None:
        from .app import create_app

        _adapter = LambdaAdapter(create_app())
    return _adapter(event, context)
