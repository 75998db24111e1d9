"""The local cloud server: moto's WSGI app + our patches + a request log, served over TLS on 127.0.0.1.

``LocalCloudApp`` wraps ``DomainDispatcherApplication(create_backend_app)`` (what ``moto_server`` runs).
For every request it

- records whether the request arrived over TLS (``patches.request_context``; the S3 bucket-policy patch
  evaluates ``aws:SecureTransport`` with it), and
- appends an entry to an in-memory request log (not for ``/_localcloud/*`` and ``/moto-api/*``).

Control endpoints (answered here, never passed to moto):

- ``GET  /_localcloud/health``         -> ``{"status": "ok", "patches": [...], "moto_version": ...}``
- ``GET  /_localcloud/requests``       -> ``{"count": n, "mutating": m, "requests": [...]}``
- ``POST /_localcloud/requests/reset`` -> clears the log
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import signal
import ssl
import threading
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from . import HOST, SERVER_INFO_FILE, endpoint_for, operations, patches, tls

log = logging.getLogger("localcloud.server")

CONTROL_PREFIX = "/_localcloud/"
MOTO_API_PREFIX = "/moto-api"
READ_ONLY_PREFIXES = (
    "Describe",
    "Get",
    "List",
    "Head",
    "Search",
    "Query",
    "Scan",
    "Lookup",
    "Check",
    "BatchGet",
    "AdminGet",  # cognito-idp AdminGetUser, AdminGetDevice
    "AdminList",  # cognito-idp AdminListGroupsForUser, AdminListDevices, ...
)
READ_ONLY_METHODS = frozenset({"GET", "HEAD"})
# REST APIs: a POST is a read only when the operation's name says so (ListObjectsV2 is a GET anyway).
REST_READ_ONLY_PREFIXES = ("Get", "List", "Describe", "Search", "Query", "BatchGet", "Head")
MAX_LOG_ENTRIES = 100_000  # oldest entries are dropped beyond this; the counters keep counting

# Environment moto reads at import time; set before moto is imported, unless the caller already set them.
MOTO_ENV_DEFAULTS = {"MOTO_IAM_LOAD_MANAGED_POLICIES": "true", "MOTO_ACM_VALIDATION_WAIT": "0"}

_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/,\s]+)/([^/,\s]+)/aws4_request")
_RPC_V2_PATH = re.compile(r"^/service/[^/]+/operation/([^/]+)$")

StartResponse = Callable[..., Any]


# --------------------------------------------------------------------------------------------------------
# Request classification


def is_mutating(method: str, service: str | None, action: str | None, rest: bool = False) -> bool:
    """Whether a request changes state.

    Always false for GET/HEAD. Query/JSON protocols: false for read-only actions (Describe*, Get*,
    List*, ...) and sts GetCallerIdentity. REST protocols (``rest``): every other method mutates, except a
    POST whose operation is named Get*/List*/Describe*/Search*/Query*/BatchGet*/Head*.
    """
    method = method.upper()
    if method in READ_ONLY_METHODS:
        return False
    if rest:
        return not (method == "POST" and action is not None and action.startswith(REST_READ_ONLY_PREFIXES))
    if action and action.startswith(READ_ONLY_PREFIXES):
        return False
    return not (service == "sts" and action == "GetCallerIdentity")


def _service_and_region(environ: dict[str, Any]) -> tuple[str | None, str | None]:
    """From the SigV4 credential scope ``<key>/<date>/<region>/<service>/aws4_request`` (header or query)."""
    for source in (environ.get("HTTP_AUTHORIZATION", ""), environ.get("QUERY_STRING", "")):
        match = _CREDENTIAL_SCOPE.search(source.replace("%2F", "/").replace("%2f", "/"))
        if match:
            return match.group(2).lower(), match.group(1)
    return None, None


def _form_body(environ: dict[str, Any]) -> str | None:
    """Read a small urlencoded body (query protocol) and put it back for moto."""
    if not environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length <= 0:
        return None
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    return body.decode("utf-8", errors="replace")


def _action(environ: dict[str, Any], path: str) -> str | None:
    """The operation named by the request itself: X-Amz-Target, ``Action=`` or an rpc-v2 path."""
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:  # JSON protocol: "DynamoDB_20120810.DescribeTable"
        return target.rsplit(".", 1)[-1] or None
    for source in (environ.get("QUERY_STRING", ""), _form_body(environ) or ""):
        values = parse_qs(source).get("Action")
        if values:
            return values[0]
    match = _RPC_V2_PATH.match(path)  # smithy rpc-v2-cbor: /service/<Service>/operation/<Operation>
    return match.group(1) if match else None


def _header_names(environ: dict[str, Any]) -> frozenset[str]:
    names = {key[5:].replace("_", "-").lower() for key in environ if key.startswith("HTTP_")}
    names.update(
        key.replace("_", "-").lower() for key in ("CONTENT_TYPE", "CONTENT_LENGTH") if environ.get(key)
    )
    return frozenset(names)


def _rest_action(environ: dict[str, Any], method: str, path: str, service: str) -> str | None:
    """The REST operation (botocore's model) the method + path + query string + headers call."""
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    return operations.match_rest(service, method, path, query, _header_names(environ))


def describe_request(environ: dict[str, Any]) -> dict[str, Any]:
    """The request-log entry for a WSGI request (status is filled in once the response starts)."""
    method = environ.get("REQUEST_METHOD", "GET").upper()
    path = environ.get("PATH_INFO", "")
    service, region = _service_and_region(environ)
    action = _action(environ, path)
    if service is None and environ.get("HTTP_X_AMZ_TARGET"):  # unsigned, e.g. cognito-idp InitiateAuth
        service = operations.service_for_target(environ["HTTP_X_AMZ_TARGET"])
    rest = False
    if action is None and service is not None and operations.rest_services(service):
        rest = True
        action = _rest_action(environ, method, path, service)
    return {
        "method": method,
        "path": path,
        "service": service,
        "region": region,
        "action": action,
        "mutating": is_mutating(method, service, action, rest=rest),
        "tls": environ.get("wsgi.url_scheme") == "https",
        # Made by an Ansible module (amazon.aws's botocore user agent), not by a test's own boto3 client.
        "ansible": " Ansible/" in environ.get("HTTP_USER_AGENT", ""),
        "status": None,
    }


class RequestLog:
    """Thread-safe in-memory log of the AWS requests the server handled."""

    def __init__(self, max_entries: int = MAX_LOG_ENTRIES) -> None:
        self._lock = threading.Lock()
        self._entries: deque[dict[str, Any]] = deque(maxlen=max_entries)
        self._count = 0
        self._mutating = 0

    def record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._entries.append(entry)
            self._count += 1
            self._mutating += bool(entry.get("mutating"))

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {"count": self._count, "mutating": self._mutating, "requests": list(self._entries)}

    def reset(self) -> None:
        with self._lock:
            self._entries.clear()
            self._count = 0
            self._mutating = 0


# --------------------------------------------------------------------------------------------------------
# WSGI application


class LocalCloudApp:
    def __init__(
        self,
        moto_app: Callable[..., Any],
        applied_patches: list[str],
        applied_speedups: Iterable[str] = (),
        applied_extensions: Iterable[str] = (),
    ) -> None:
        self.moto_app = moto_app
        self.applied_patches = list(applied_patches)
        self.applied_speedups = list(applied_speedups)
        self.applied_extensions = list(applied_extensions)
        self.request_log = RequestLog()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(CONTROL_PREFIX):
            return self._control(environ, start_response, path)
        secure = environ.get("wsgi.url_scheme") == "https"
        if path.startswith(MOTO_API_PREFIX):
            with patches.request_context(tls=secure):
                return self.moto_app(environ, start_response)

        try:
            entry = describe_request(environ)
        except Exception:  # the log is best effort; never fail the AWS request because of it
            log.exception("could not classify %s %s", environ.get("REQUEST_METHOD"), path)
            entry = {"method": environ.get("REQUEST_METHOD"), "path": path, "mutating": True, "status": None}

        def recording_start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
            with contextlib.suppress(ValueError):
                entry["status"] = int(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        try:
            with patches.request_context(tls=secure):
                return self.moto_app(environ, recording_start_response)
        finally:
            self.request_log.record(entry)

    def _control(self, environ: dict[str, Any], start_response: StartResponse, path: str) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        routes: dict[str, tuple[str, Callable[[], Any]]] = {
            "/_localcloud/health": ("GET", self._health),
            "/_localcloud/requests": ("GET", self.request_log.snapshot),
            "/_localcloud/requests/reset": ("POST", self._reset_log),
        }
        route = routes.get(path.rstrip("/"))
        if route is None:
            return _json(start_response, "404 Not Found", {"error": f"unknown control path {path}"})
        if method != route[0]:
            return _json(start_response, "405 Method Not Allowed", {"error": f"use {route[0]} {path}"})
        return _json(start_response, "200 OK", route[1]())

    def _health(self) -> dict[str, Any]:
        from moto import __version__ as moto_version

        return {
            "status": "ok",
            "patches": self.applied_patches,
            "speedups": self.applied_speedups,
            "extensions": self.applied_extensions,
            "moto_version": moto_version,
        }

    def _reset_log(self) -> dict[str, Any]:
        self.request_log.reset()
        return {"status": "ok"}


def _json(start_response: StartResponse, status: str, payload: Any) -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def build_app() -> LocalCloudApp:
    """Apply the patches and build the WSGI app (moto is imported here, after the env defaults)."""
    for key, value in MOTO_ENV_DEFAULTS.items():
        os.environ.setdefault(key, value)
    applied = patches.apply_all()
    speedups = patches.apply_speedups()
    extensions = patches.apply_extensions()
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    return LocalCloudApp(DomainDispatcherApplication(create_backend_app), applied, speedups, extensions)


# --------------------------------------------------------------------------------------------------------
# Serving


def _watch_parent(parent: int, stop: threading.Event) -> None:
    while not stop.wait(1.0):
        if os.getppid() != parent:
            log.info("parent process %d is gone", parent)
            stop.set()


def serve(port: int, state: Path, http_port: int | None = None, exit_with_parent: bool = False) -> None:
    """Serve HTTPS on 127.0.0.1:<port> (and plain HTTP on <http_port>) until SIGTERM/SIGINT.

    ``exit_with_parent``: also stop when the parent process goes away (used for test fixtures, so a
    killed pytest run leaves no server behind).
    """
    for key, value in MOTO_ENV_DEFAULTS.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("MOTO_PORT", str(http_port or port))
    state.mkdir(parents=True, exist_ok=True)
    files = tls.ensure_certificates(state)
    app = build_app()
    # Index botocore's service models now rather than on the first REST request (about 0.1 s).
    threading.Thread(target=operations.service_index, name="index-operations", daemon=True).start()

    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import make_server

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(files.cert, files.key)
    servers = [
        make_server(HOST, port, app, threaded=True, request_handler=MotoRequestHandler, ssl_context=context)
    ]
    if http_port:
        servers.append(make_server(HOST, http_port, app, threaded=True, request_handler=MotoRequestHandler))

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    if exit_with_parent:
        parent = os.getppid()
        threading.Thread(target=_watch_parent, args=(parent, stop), name="watch-parent", daemon=True).start()
    threads = [threading.Thread(target=s.serve_forever, name=f"serve-{s.port}", daemon=True) for s in servers]
    for thread in threads:
        thread.start()

    info_path = state / SERVER_INFO_FILE
    info = {
        "pid": os.getpid(),
        "port": port,
        "http_port": http_port,
        "endpoint": endpoint_for(port),
        "http_endpoint": endpoint_for(http_port, tls=False) if http_port else None,
        "ca_bundle": str(files.ca_cert),
        "patches": app.applied_patches,
    }
    info_path.write_text(json.dumps(info, indent=2) + "\n")
    log.info(
        "localcloud serving %s (CA %s), patches: %s", info["endpoint"], files.ca_cert, app.applied_patches
    )
    if http_port:
        log.info("plain HTTP on %s", info["http_endpoint"])
    try:
        while not stop.wait(0.5):
            pass
    finally:
        log.info("localcloud stopping")
        for server in servers:
            server.shutdown()
            server.server_close()
        try:
            if json.loads(info_path.read_text()).get("pid") == os.getpid():
                info_path.unlink()
        except (OSError, ValueError):
            pass
