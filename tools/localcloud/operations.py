"""Name the API operation of a request from botocore's service models (for the request log).

Query and JSON protocol requests name their operation themselves (``Action=``, ``X-Amz-Target``). REST
protocol requests (rest-json, rest-xml: S3, Lambda, API Gateway, Route 53, CloudFront, ...) do not: the
operation is the one whose ``http.method`` + ``http.requestUri`` template matches the request. This
module matches them against botocore's models, with no hand-written tables:

- ``signing name -> botocore services``: every service model's metadata (``signingName``, else
  ``endpointPrefix``) is indexed once. One signing name can cover several APIs (``apigateway``:
  apigateway and apigatewayv2; ``ses``: ses and sesv2; ``s3``: s3 and s3control); all REST ones are tried.
- ``targetPrefix -> signing name``: names the service of unsigned JSON requests (cognito-idp
  InitiateAuth), whose ``X-Amz-Target`` still says which API they are for.
- Each REST service's operations are compiled once into regexes, grouped by HTTP method. ``{Param}`` is
  one path segment, ``{Param+}`` is greedy. Query keys of the ``requestUri`` (``/{Bucket}?tagging``,
  ``?list-type=2``) and the operation's required ``querystring`` / ``header`` members (S3 UploadPart's
  ``uploadId``, CopyObject's ``x-amz-copy-source``) must be present. The most specific match wins: most
  query keys and headers, then most literal path characters.
- A label value may contain "/" (EKS access entry principal ARNs, ``/tags/{resourceArn}``): botocore
  sends it as %2F, but the WSGI path is decoded. When no route matches with one segment per label, the
  routes are tried again with labels that may span segments.

The local cloud is addressed by IP, so S3 requests are path style (``/{Bucket}/{Key+}``).
"""

from __future__ import annotations

import functools
import gzip
import json
import logging
import os
import re
import threading
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("localcloud.operations")

REST_PROTOCOLS = frozenset({"rest-json", "rest-xml"})
# CloudFront versions its operation names (CreateDistribution2020_05_31); IAM says CreateDistribution.
_VERSION_SUFFIX = re.compile(r"\d{4}_\d{2}_\d{2}$")
_PARAM = re.compile(r"\{([^}]+?)(\+?)\}")
_METADATA_HEAD = 8192  # the metadata block is at the top of every service-2.json


@dataclass(frozen=True)
class ServiceInfo:
    name: str  # botocore's service name (sesv2)
    signing_name: str  # SigV4 credential scope service (ses)
    protocol: str
    target_prefix: str | None


@dataclass(frozen=True)
class Route:
    name: str  # the logged name (version suffix stripped)
    pattern: re.Pattern[str]
    loose: re.Pattern[str]  # the same, but a ``{Param}`` may span "/" (a percent-encoded "/" in a label)
    query: tuple[tuple[str, str | None], ...]  # (key, literal value or None for "any value")
    headers: tuple[str, ...]  # lower-case header names that must be present
    rank: tuple[int, int]  # (query keys + headers, literal path characters)


def operation_name(name: str) -> str:
    """The plain operation name: CloudFront's ``CreateDistribution2020_05_31`` -> ``CreateDistribution``."""
    return _VERSION_SUFFIX.sub("", name)


# --------------------------------------------------------------------------------------------------------
# Service metadata index


_lock = threading.Lock()
_loader: Any = None
_index: dict[str, ServiceInfo] | None = None
_routes: dict[str, dict[str, list[Route]]] = {}


def _data_loader() -> Any:
    global _loader
    if _loader is None:
        import botocore.session

        _loader = botocore.session.get_session().get_component("data_loader")
    return _loader


def _metadata(loader: Any, service: str) -> dict[str, Any]:
    """A service's metadata, read from the head of its service-2.json (fast); else the whole model."""
    try:
        version = loader.determine_latest_version(service, "service-2")
        for root in loader.search_paths:
            base = os.path.join(root, service, version, "service-2.json")
            if os.path.isfile(base + ".gz"):
                with gzip.open(base + ".gz", "rb") as handle:
                    head = handle.read(_METADATA_HEAD).decode("utf-8", "replace")
            elif os.path.isfile(base):
                with open(base, "rb") as handle:
                    head = handle.read(_METADATA_HEAD).decode("utf-8", "replace")
            else:
                continue
            start = head.index("{", head.index('"metadata"'))
            metadata, _ = json.JSONDecoder().raw_decode(head, start)
            return metadata
    except (OSError, ValueError):
        pass
    return loader.load_service_model(service, "service-2")["metadata"]


def service_index() -> dict[str, ServiceInfo]:
    """botocore service name -> ServiceInfo, for every service botocore knows (built once, ~0.1 s)."""
    global _index
    if _index is None:
        with _lock:
            if _index is None:
                loader = _data_loader()
                index = {}
                for name in sorted(loader.list_available_services("service-2")):
                    try:
                        meta = _metadata(loader, name)
                    except Exception:  # one broken model must not break the log
                        log.warning("no botocore metadata for %s", name, exc_info=True)
                        continue
                    index[name] = ServiceInfo(
                        name=name,
                        signing_name=meta.get("signingName") or meta.get("endpointPrefix") or name,
                        protocol=meta.get("protocol", ""),
                        target_prefix=meta.get("targetPrefix"),
                    )
                _index = index
    return _index


@functools.cache
def rest_services(signing_name: str) -> tuple[str, ...]:
    """The REST-protocol botocore services signed as ``signing_name`` (the same-named one first)."""
    index = service_index()
    names = sorted(
        (i.name for i in index.values() if i.signing_name == signing_name),
        key=lambda n: (n != signing_name, n),
    )
    return tuple(n for n in names if index[n].protocol in REST_PROTOCOLS)


def service_for_target(target: str) -> str | None:
    """The signing name of the JSON API an ``X-Amz-Target`` (``<targetPrefix>.<Operation>``) belongs to."""
    return _service_for_target_prefix(target.rsplit(".", 1)[0])


@functools.cache
def _service_for_target_prefix(prefix: str) -> str | None:
    return next((i.signing_name for i in service_index().values() if i.target_prefix == prefix), None)


# --------------------------------------------------------------------------------------------------------
# Routes


def _compile(name: str, http: dict[str, Any], input_shape: Any) -> Route:
    uri = http.get("requestUri", "/")
    path, _, query_part = uri.partition("?")
    regex, loose, literals, pos = ["^"], ["^"], 0, 0
    for match in _PARAM.finditer(path):
        literal = path[pos : match.start()]
        regex.append(re.escape(literal))
        loose.append(re.escape(literal))
        literals += len(literal)
        regex.append("(.+)" if match.group(2) else "([^/]+)")
        loose.append("(.+)")
        pos = match.end()
    tail = path[pos:].rstrip("/")
    regex.append(re.escape(tail))
    loose.append(re.escape(tail))
    literals += len(path[pos:])
    regex.append("/?$")  # tolerate a trailing slash either way ("/2015-03-31/functions/")
    loose.append("/?$")
    query: dict[str, str | None] = {}
    for part in filter(None, query_part.split("&")):
        key, sep, value = part.partition("=")
        query[key] = value if sep and not _PARAM.fullmatch(value) else None
    headers = []
    if input_shape is not None:
        required = set(input_shape.required_members)
        for member_name, member in input_shape.members.items():
            if member_name not in required:
                continue
            location = member.serialization.get("location")
            wire = member.serialization.get("name", member_name)
            if location == "querystring":
                query.setdefault(wire, None)
            elif location == "header":
                headers.append(wire.lower())
    return Route(
        name=operation_name(name),
        pattern=re.compile("".join(regex)),
        loose=re.compile("".join(loose)),
        query=tuple(query.items()),
        headers=tuple(headers),
        rank=(len(query) + len(headers), literals),
    )


def _service_routes(service: str) -> dict[str, list[Route]]:
    """HTTP method -> the compiled routes of a REST service, most specific first (compiled once)."""
    routes = _routes.get(service)
    if routes is None:
        with _lock:
            routes = _routes.get(service)
            if routes is None:
                import botocore.session

                model = botocore.session.get_session().get_service_model(service)
                by_method: dict[str, list[Route]] = {}
                for op_name in model.operation_names:
                    op = model.operation_model(op_name)
                    route = _compile(op_name, op.http, op.input_shape)
                    by_method.setdefault(op.http.get("method", "POST").upper(), []).append(route)
                for method_routes in by_method.values():
                    method_routes.sort(key=lambda r: r.rank, reverse=True)
                _routes[service] = routes = by_method
    return routes


def match_rest(
    signing_name: str,
    method: str,
    path: str,
    query: dict[str, list[str]],
    headers: frozenset[str] = frozenset(),
) -> str | None:
    """The operation a REST request calls, or None.

    ``query``: parsed query string (``parse_qs(..., keep_blank_values=True)``); ``headers``: the lower-case
    names of the request's headers.
    """
    best: Route | None = None
    # A label's value may contain "/" (EKS principal and resource ARNs): botocore percent-encodes it as
    # %2F, but the WSGI path is already decoded. So when no route matches with one segment per label,
    # match again with labels that may span segments (the most literal characters still win).
    for loose in (False, True):
        for service in rest_services(signing_name):
            for route in _service_routes(service).get(method.upper(), ()):
                if best is not None and route.rank <= best.rank:
                    break  # sorted by rank: nothing more specific follows in this service
                if not (route.loose if loose else route.pattern).match(path):
                    continue
                if any(
                    key not in query or (value is not None and value not in query[key])
                    for key, value in route.query
                ):
                    continue
                if any(header not in headers for header in route.headers):
                    continue
                best = route
                break
        if best is not None:
            break
    return best.name if best else None
