"""The Starlette application: routes, errors, authentication, tenancy, caching, logs and metrics.

``create_app(settings)`` builds the real AWS-backed services; tests pass their own ``Services``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import logs
from .auth import AuthError, Identity, JwksCache, TokenVerifier, bearer_token
from .cache import TTLCache
from .config import Settings
from .metrics import Metrics
from .models import ItemIn, ItemUpdate
from .store import BadCursor, DynamoItemStore, ItemStore, NotFound, VersionConflict

log = logging.getLogger("fastish_api")
access_log = logging.getLogger(logs.ACCESS_LOGGER)

ITEM_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
REALM = 'Bearer realm="fastish-api"'


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details
        self.headers = headers or {}


def error_response(
    status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message, "details": details}}, status_code=status, headers=headers
    )


@dataclass
class Services:
    settings: Settings
    verifier: TokenVerifier
    store: ItemStore
    readiness: Callable[[], None]
    metrics: Metrics = field(default_factory=Metrics)
    item_cache: TTLCache | None = None
    tenant_cache: TTLCache | None = None
    closers: list[Callable[[], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.item_cache is None:
            self.item_cache = TTLCache(self.settings.cache_size, self.settings.cache_ttl_seconds)
        if self.tenant_cache is None:
            self.tenant_cache = TTLCache(256, max(self.settings.cache_ttl_seconds, 1.0))

    def close(self) -> None:
        for close in self.closers:
            with contextlib.suppress(Exception):
                close()


def build_services(settings: Settings) -> Services:
    """The AWS-backed services. Clients are created now (cold start), connections on first use."""
    import threading

    import boto3
    from botocore.config import Config

    config = Config(
        retries={"mode": "standard", "max_attempts": 3},
        connect_timeout=3,
        read_timeout=5,
        max_pool_connections=50,
    )
    session = boto3.session.Session()
    sts = session.client("sts", config=config)
    own_dynamodb = session.client(
        "dynamodb", config=config.merge(Config(retries={"mode": "standard", "max_attempts": 1}))
    )
    factory_lock = threading.Lock()  # boto3 sessions are not thread-safe; clients are

    def tenant_client(credentials: dict[str, Any]) -> Any:
        with factory_lock:
            return session.client(
                "dynamodb",
                aws_access_key_id=credentials["AccessKeyId"],
                aws_secret_access_key=credentials["SecretAccessKey"],
                aws_session_token=credentials["SessionToken"],
                config=config,
            )

    from .tenancy import TenantSessions

    sessions = TenantSessions(
        sts,
        settings.tenant_role_arn,
        tenant_client,
        tag_key=settings.tenant_tag_key,
        duration_seconds=settings.tenant_session_seconds,
        max_tenants=settings.tenant_session_cache_size,
    )
    verifier = TokenVerifier(
        settings.issuer,
        settings.client_ids,
        JwksCache(
            settings.jwks_url, ttl=settings.jwks_ttl_seconds, min_refetch=settings.jwks_min_refetch_seconds
        ),
        tenant_claim=settings.tenant_claim,
        leeway=settings.token_leeway_seconds,
    )

    def readiness() -> None:
        own_dynamodb.describe_table(TableName=settings.items_table)

    return Services(
        settings=settings,
        verifier=verifier,
        store=DynamoItemStore(sessions, settings.items_table, settings.tenants_table),
        readiness=readiness,
        closers=[sessions.close, sts.close, own_dynamodb.close],
    )


# ---------------------------------------------------------------------------------------------------
# Middleware: request id, access log, metrics, last-resort 500


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        request_id = scope.get("aws.request_id")
        if not request_id:
            for name, value in scope.get("headers", []):
                if name == b"x-request-id":
                    candidate = value.decode("latin-1")
                    request_id = candidate if REQUEST_ID.match(candidate) else None
                    break
        request_id = request_id or uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        status = 500
        started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        error_type = None
        try:
            await self.app(scope, receive, send_wrapper)
        except Exception as exc:
            error_type = type(exc).__name__
            log.error("unhandled error", extra={"request_id": request_id, "error_type": error_type})
            if not started:
                response = error_response(500, "internal", "internal error")
                await response(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            elapsed = time.perf_counter() - start
            self.metrics.observe(scope["method"], template, status, elapsed)
            entry = {
                "request_id": request_id,
                "method": scope["method"],
                "route": template,
                "status": status,
                "latency_ms": round(elapsed * 1000, 3),
                "tenant_id": state.get("tenant_id"),
            }
            if state.get("error_code"):
                entry["error_code"] = state["error_code"]
            if error_type:
                entry["error_type"] = error_type
            access_log.info("request", extra=entry)


# ---------------------------------------------------------------------------------------------------
# Helpers


def services_of(request: Request) -> Services:
    return request.app.state.services


async def authenticate(request: Request) -> Identity:
    services = services_of(request)
    try:
        token = bearer_token(request.headers.get("authorization"))
        if services.verifier.needs_fetch(token):
            identity = await anyio.to_thread.run_sync(services.verifier.verify, token)
        else:
            identity = services.verifier.verify(token)
    except AuthError as exc:
        challenge = REALM
        if exc.error:
            challenge += f', error="{exc.error}", error_description="{exc.message}"'
        raise ApiError(401, "unauthorized", exc.message, headers={"WWW-Authenticate": challenge}) from None
    request.state.tenant_id = identity.tenant_id
    return identity


async def tenant_record(request: Request, identity: Identity) -> dict[str, Any] | None:
    services = services_of(request)
    if not services.settings.tenants_table or not identity.tenant_id:
        return None
    cache = services.tenant_cache
    assert cache is not None
    cached = cache.get(identity.tenant_id)
    if cached is not None:
        return cached or None
    record = await anyio.to_thread.run_sync(services.store.tenant_record, identity.tenant_id, identity.sub)
    cache.set(identity.tenant_id, record or {})
    return record


async def require_tenant(request: Request) -> Identity:
    identity = await authenticate(request)
    if not identity.tenant_id:
        claim = services_of(request).settings.tenant_claim
        raise ApiError(
            403,
            "tenant_required",
            f"this route needs an ID token carrying {claim} (access tokens carry no custom attributes)",
        )
    if services_of(request).settings.tenants_table:
        record = await tenant_record(request, identity)
        if not record or record.get("status") != "active":
            raise ApiError(403, "tenant_inactive", "the tenant is unknown or offboarded")
    return identity


def item_id_of(request: Request) -> str:
    item_id = request.path_params["id"]
    if not ITEM_ID.match(item_id):
        raise ApiError(404, "not_found", "no such item")
    return item_id


async def read_json(request: Request) -> Any:
    limit = services_of(request).settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "body_too_large", f"request body exceeds {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "body_too_large", f"request body exceeds {limit} bytes")
        chunks.append(chunk)
    body = b"".join(chunks)
    if not body.strip():
        raise ApiError(400, "bad_json", "request body must be a JSON object")
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "bad_json", "request body is not valid JSON") from None


def validated(model: type[ItemIn], data: Any) -> ItemIn:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        details = [
            {"loc": list(e["loc"]), "msg": e["msg"][:200], "type": e["type"]}
            for e in exc.errors(include_url=False, include_input=False, include_context=False)[:20]
        ]
        raise ApiError(422, "validation_error", "request body is not valid", details) from None


def if_match_version(request: Request) -> int | None:
    raw = request.headers.get("if-match")
    if raw is None or raw.strip() == "*":
        return None
    value = raw.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise ApiError(400, "bad_if_match", 'If-Match must be an ETag of this API, e.g. "3"')
    return int(value)


def etag(item: dict[str, Any]) -> str:
    return f'"{item["version"]}"'


# ---------------------------------------------------------------------------------------------------
# Routes


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    try:
        await anyio.to_thread.run_sync(services_of(request).readiness)
    except Exception as exc:
        log.warning("not ready", extra={"error_type": type(exc).__name__})
        return error_response(503, "not_ready", "the items table is not reachable")
    return JSONResponse({"status": "ready"})


async def metrics(request: Request) -> Response:
    return PlainTextResponse(
        services_of(request).metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8"
    )


async def me(request: Request) -> Response:
    identity = await authenticate(request)
    record = await tenant_record(request, identity)
    return JSONResponse(
        {
            "sub": identity.sub,
            "username": identity.username,
            "email": identity.email,
            "token_use": identity.token_use,
            "tenant_id": identity.tenant_id,
            "groups": list(identity.groups),
            "tenant": record,
        }
    )


async def list_items(request: Request) -> Response:
    identity = await require_tenant(request)
    settings = services_of(request).settings
    raw_limit = request.query_params.get("limit")
    limit = settings.page_size_default
    if raw_limit is not None:
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= settings.page_size_max:
            raise ApiError(
                422,
                "validation_error",
                f"limit must be an integer within 1..{settings.page_size_max}",
                [{"loc": ["query", "limit"], "msg": "out of range", "type": "value_error"}],
            )
        limit = int(raw_limit)
    cursor = request.query_params.get("cursor") or None
    try:
        items, next_cursor = await anyio.to_thread.run_sync(
            services_of(request).store.list, identity.tenant_id, identity.sub, limit, cursor
        )
    except BadCursor:
        raise ApiError(400, "bad_cursor", "cursor is not valid") from None
    return JSONResponse({"items": items, "next_cursor": next_cursor})


async def create_item(request: Request) -> Response:
    identity = await require_tenant(request)
    body = validated(ItemIn, await read_json(request))
    item = await anyio.to_thread.run_sync(
        services_of(request).store.create, identity.tenant_id, identity.sub, body.model_dump()
    )
    location = f"{request.scope.get('root_path', '')}/v1/items/{item['id']}"
    return JSONResponse(item, status_code=201, headers={"Location": location, "ETag": etag(item)})


async def get_item(request: Request) -> Response:
    identity = await require_tenant(request)
    item_id = item_id_of(request)
    services = services_of(request)
    cache = services.item_cache
    assert cache is not None
    key = (identity.tenant_id, item_id)
    item = cache.get(key)
    if item is None:
        item = await anyio.to_thread.run_sync(services.store.get, identity.tenant_id, identity.sub, item_id)
        if item is None:
            raise ApiError(404, "not_found", "no such item")
        cache.set(key, item)
    return JSONResponse(item, headers={"ETag": etag(item)})


async def replace_item(request: Request) -> Response:
    identity = await require_tenant(request)
    item_id = item_id_of(request)
    header_version = if_match_version(request)
    body = validated(ItemUpdate, await read_json(request))
    expected = header_version if header_version is not None else body.version
    services = services_of(request)
    fields = body.model_dump(exclude={"version"})
    try:
        item = await anyio.to_thread.run_sync(
            services.store.replace, identity.tenant_id, identity.sub, item_id, fields, expected
        )
    except NotFound:
        raise ApiError(404, "not_found", "no such item") from None
    except VersionConflict as exc:
        if header_version is not None:
            raise ApiError(412, "precondition_failed", "If-Match does not match the item's version") from None
        raise ApiError(
            409, "version_conflict", "the item changed since you read it", {"current_version": exc.current}
        ) from None
    finally:
        services.item_cache.invalidate((identity.tenant_id, item_id))  # type: ignore[union-attr]
    return JSONResponse(item, headers={"ETag": etag(item)})


async def delete_item(request: Request) -> Response:
    identity = await require_tenant(request)
    item_id = item_id_of(request)
    expected = if_match_version(request)
    services = services_of(request)
    try:
        await anyio.to_thread.run_sync(
            services.store.delete, identity.tenant_id, identity.sub, item_id, expected
        )
    except NotFound:
        raise ApiError(404, "not_found", "no such item") from None
    except VersionConflict:
        raise ApiError(412, "precondition_failed", "If-Match does not match the item's version") from None
    finally:
        services.item_cache.invalidate((identity.tenant_id, item_id))  # type: ignore[union-attr]
    return Response(status_code=204)


async def items_collection(request: Request) -> Response:
    return await (create_item if request.method == "POST" else list_items)(request)


async def item_resource(request: Request) -> Response:
    handler = {"PUT": replace_item, "DELETE": delete_item}.get(request.method, get_item)
    return await handler(request)


# One route per path (so 405 answers carry every allowed method); templates label logs and metrics.
ROUTES = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
    Route("/metrics", metrics, methods=["GET"]),
    Route("/v1/me", me, methods=["GET"]),
    Route("/v1/items", items_collection, methods=["GET", "POST"]),
    Route("/v1/items/{id}", item_resource, methods=["GET", "PUT", "DELETE"]),
]


# ---------------------------------------------------------------------------------------------------
# Error handlers and the application


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    request.state.error_code = exc.code
    return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    message = {404: "no such route", 405: "method not allowed"}.get(exc.status_code, str(exc.detail))
    request.state.error_code = code
    return error_response(exc.status_code, code, message, headers=dict(exc.headers or {}))


def create_app(settings: Settings | None = None, services: Services | None = None) -> Starlette:
    if services is None:
        settings = settings or Settings.from_env()
        logs.configure(settings.log_level)
        services = build_services(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        log.info("started", extra={"items_table": services.settings.items_table})
        try:
            yield
        finally:  # uvicorn runs this on SIGTERM/SIGINT after in-flight requests finish
            services.close()
            log.info("stopped")

    app = Starlette(
        routes=ROUTES,
        exception_handlers={ApiError: _api_error, HTTPException: _http_error},
        lifespan=lifespan,
    )
    app.router.redirect_slashes = False
    app.state.services = services
    app.add_middleware(ObservabilityMiddleware, metrics=services.metrics)
    return app
