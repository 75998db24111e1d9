#!/usr/bin/python
"""Declarative routes (resources, methods, Lambda proxy integrations) of an API Gateway REST API."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: api_gateway_routes
short_description: Declare the routes of an Amazon API Gateway REST API (Lambda proxy integration)
version_added: "0.1.0"
description:
  - Reconciles the resource tree, the methods and their C(AWS_PROXY) integrations of a REST API with a
    list of routes that all call one Lambda function (alias). Missing path parts are created, methods
    whose authorization differs are re-created, integrations whose URI or timeout differ are replaced.
  - With I(purge), resources and methods that are not declared are deleted (the root resource stays).
  - Returns a I(fingerprint) of the declared configuration, which
    M(fastish.platform.api_gateway_stage) uses to deploy the API only when it changed. Changes reach
    clients only with that deployment.
options:
  rest_api_id:
    description: Id of the REST API.
    type: str
    required: true
  lambda_uri:
    description:
      - Invocation URI of the Lambda function or alias, for example
        C(arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/<alias arn>/invocations).
    type: str
    required: true
  integration_timeout_ms:
    description: Integration timeout in milliseconds (50 to 29000).
    type: int
    default: 29000
  routes:
    description: The routes.
    type: list
    elements: dict
    required: true
    suboptions:
      path:
        description: Resource path, such as C(/v1/items/{id}).
        type: str
        required: true
      methods:
        description: HTTP methods (C(GET), C(POST), C(PUT), C(PATCH), C(DELETE), C(HEAD), C(OPTIONS), C(ANY)).
        type: list
        elements: str
        required: true
      authorization:
        description: Authorization of the methods.
        type: str
        choices: [NONE, COGNITO_USER_POOLS, CUSTOM, AWS_IAM]
        default: NONE
      authorizer_id:
        description: Authorizer (required for C(COGNITO_USER_POOLS) and C(CUSTOM)).
        type: str
      authorization_scopes:
        description: OAuth scopes an access token must carry (C(COGNITO_USER_POOLS) only).
        type: list
        elements: str
      api_key_required:
        description: Whether callers must send an API key (C(x-api-key)) of a usage plan of the stage.
        type: bool
        default: false
  purge:
    description: Delete resources and methods that are not declared.
    type: bool
    default: true
author:
  - fastish maintainers
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - A method whose authorization changes is deleted and put again (its integration with it); the
    deployed stage keeps serving the previous deployment meanwhile.
"""

EXAMPLES = r"""
- name: Routes of the tenant API
  fastish.platform.api_gateway_routes:
    rest_api_id: "{{ api.rest_api.id }}"
    lambda_uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{{ alias_arn }}/invocations"
    routes:
      - {path: /healthz, methods: [GET]}
      - path: /v1/items/{id}
        methods: [GET, PUT, DELETE]
        authorization: COGNITO_USER_POOLS
        authorizer_id: "{{ authorizer.authorizer.id }}"
        api_key_required: true
  register: routes
"""

RETURN = r"""
fingerprint:
  description: SHA-256 of the declared configuration (routes, integration URI and timeout, authorizer ids).
  returned: always
  type: str
resources:
  description: Id of every declared path (null in check mode for a path that does not exist yet).
  returned: always
  type: dict
  sample: {"/": "abc123", "/v1": "def456"}
changes:
  description: What was (in check mode, would be) done, e.g. C(create /v1), C(put GET /v1/items).
  returned: always
  type: list
  elements: str
"""

import hashlib
import json

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.fastish.platform.plugins.module_utils import api_gateway as apigw_utils

_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"}


def _normalise_path(module, path):
    path = "/" + path.strip().strip("/")
    parts = path.split("/")[1:] if path != "/" else []
    if any(not part for part in parts):
        module.fail_json(msg=f"Route path {path} has an empty part")
    return path


def _parent(path):
    return "/" if path.count("/") == 1 else path.rsplit("/", 1)[0]


def _desired(module):
    """{path: {METHOD: method config}} and the integration, from the options."""
    params = module.params
    routes = {}
    for route in params["routes"]:
        path = _normalise_path(module, route["path"])
        auth = route["authorization"]
        if auth in ("COGNITO_USER_POOLS", "CUSTOM") and not route.get("authorizer_id"):
            module.fail_json(msg=f"Route {path} uses {auth} authorization but has no authorizer_id")
        for method in route["methods"]:
            method = method.upper()
            if method not in _METHODS:
                module.fail_json(msg=f"Route {path} has an unknown method {method}")
            if method in routes.setdefault(path, {}):
                module.fail_json(msg=f"Route {method} {path} is declared twice")
            routes[path][method] = {
                "authorization": auth,
                "authorizer_id": route.get("authorizer_id")
                if auth in ("COGNITO_USER_POOLS", "CUSTOM")
                else None,
                "authorization_scopes": sorted(route.get("authorization_scopes") or [])
                if auth == "COGNITO_USER_POOLS"
                else [],
                "api_key_required": bool(route["api_key_required"]),
            }
    integration = {"uri": params["lambda_uri"], "timeout_ms": params["integration_timeout_ms"]}
    return routes, integration


def _method_view(method):
    auth = method.get("authorizationType") or "NONE"
    return {
        "authorization": auth,
        "authorizer_id": method.get("authorizerId") if auth in ("COGNITO_USER_POOLS", "CUSTOM") else None,
        "authorization_scopes": sorted(method.get("authorizationScopes") or []),
        "api_key_required": bool(method.get("apiKeyRequired")),
    }


def _integration_view(integration):
    if not integration:
        return None
    return {
        "type": integration.get("type"),
        "http_method": integration.get("httpMethod"),
        "uri": integration.get("uri"),
        "timeout_ms": apigw_utils.num(integration.get("timeoutInMillis")),
    }


def _declared_paths(routes):
    """The declared paths, their parents and the root."""
    declared = {"/"}
    for path in routes:
        while path != "/":
            declared.add(path)
            path = _parent(path)
    return declared


class Routes:
    def __init__(self, module):
        self.module = module
        self.api_id = module.params["rest_api_id"]
        self.apigw = apigw_utils.client(module)
        self.changes = []
        self.by_path = {}  # path -> resource (with resourceMethods filled in)

    def call(self, what, method, **kwargs):
        return apigw_utils.call(
            self.module, f"{what} of REST API {self.api_id}", method, restApiId=self.api_id, **kwargs
        )

    def read(self):
        if not apigw_utils.rest_api_exists(self.module, self.apigw, self.api_id):
            if not self.module.check_mode:
                self.module.fail_json(msg=f"There is no REST API {self.api_id}")
            return
        resources = apigw_utils.paginate(
            self.module,
            self.apigw,
            "get_resources",
            f"the resources of REST API {self.api_id}",
            restApiId=self.api_id,
            embed=["methods"],
        )
        for resource in resources:
            methods = {}
            for verb, method in (resource.get("resourceMethods") or {}).items():
                if "authorizationType" not in method:  # not embedded: read the method
                    method = self.call(
                        f"read {verb} {resource['path']}",
                        self.apigw.get_method,
                        resourceId=resource["id"],
                        httpMethod=verb,
                    )
                methods[verb] = method
            self.by_path[resource["path"]] = {**resource, "resourceMethods": methods}

    def current_view(self):
        return {
            path: {
                verb: {**_method_view(m), "integration": _integration_view(m.get("methodIntegration"))}
                for verb, m in sorted(res["resourceMethods"].items())
            }
            for path, res in sorted(self.by_path.items())
        }

    def ensure_resource(self, path):
        """The id of ``path``, creating it (and its parents) when missing; None in check mode."""
        if path in self.by_path:
            return self.by_path[path]["id"]
        parent_id = self.ensure_resource(_parent(path))
        self.changes.append(f"create {path}")
        resource = {"id": None, "path": path, "resourceMethods": {}}
        if not self.module.check_mode:
            created = self.call(
                f"create resource {path}",
                self.apigw.create_resource,
                parentId=parent_id,
                pathPart=path.rsplit("/", 1)[1],
            )
            resource["id"] = created["id"]
        self.by_path[path] = resource
        return resource["id"]

    def put_method(self, resource_id, path, verb, want):
        request = {
            "resourceId": resource_id,
            "httpMethod": verb,
            "authorizationType": want["authorization"],
            "apiKeyRequired": want["api_key_required"],
        }
        if want["authorizer_id"]:
            request["authorizerId"] = want["authorizer_id"]
        if want["authorization_scopes"]:
            request["authorizationScopes"] = want["authorization_scopes"]
        self.call(f"put method {verb} {path}", self.apigw.put_method, **request)

    def put_integration(self, resource_id, path, verb, integration):
        self.call(
            f"put the integration of {verb} {path}",
            self.apigw.put_integration,
            resourceId=resource_id,
            httpMethod=verb,
            type="AWS_PROXY",
            integrationHttpMethod="POST",
            uri=integration["uri"],
            timeoutInMillis=integration["timeout_ms"],
        )

    def converge_method(self, path, verb, want, integration):
        resource = self.by_path[path]
        resource_id = resource["id"]
        have = resource["resourceMethods"].get(verb)
        write = not self.module.check_mode
        if have is not None and _method_view(have) != want:
            # API Gateway's UpdateMethod would do; deleting and putting is equivalent for a proxy method
            # and works on every emulator (moto has no UpdateMethod).
            self.changes.append(f"replace {verb} {path}")
            if write:
                self.call(
                    f"delete method {verb} {path}",
                    self.apigw.delete_method,
                    resourceId=resource_id,
                    httpMethod=verb,
                )
            have = None
        elif have is None:
            self.changes.append(f"put {verb} {path}")
        if have is None:
            if write:
                self.put_method(resource_id, path, verb, want)
                self.put_integration(resource_id, path, verb, integration)
            return
        want_integration = {
            "type": "AWS_PROXY",
            "http_method": "POST",
            "uri": integration["uri"],
            "timeout_ms": integration["timeout_ms"],
        }
        if _integration_view(have.get("methodIntegration")) != want_integration:
            self.changes.append(f"integrate {verb} {path}")
            if write:
                self.put_integration(resource_id, path, verb, integration)

    def purge(self, routes):
        declared = _declared_paths(routes)
        write = not self.module.check_mode
        for path, resource in sorted(self.by_path.items()):
            if path in declared:
                for verb in sorted(set(resource["resourceMethods"]) - set(routes.get(path, {}))):
                    self.changes.append(f"delete {verb} {path}")
                    if write:
                        self.call(
                            f"delete method {verb} {path}",
                            self.apigw.delete_method,
                            resourceId=resource["id"],
                            httpMethod=verb,
                        )
        # Deepest first: API Gateway deletes the children of a resource with it, emulators may not.
        for path in sorted(set(self.by_path) - declared, key=lambda p: (-p.count("/"), p)):
            self.changes.append(f"delete {path}")
            if write:
                self.call(
                    f"delete resource {path}", self.apigw.delete_resource, resourceId=self.by_path[path]["id"]
                )


def main():
    route_spec = {
        "path": {"type": "str", "required": True},
        "methods": {"type": "list", "elements": "str", "required": True},
        "authorization": {
            "type": "str",
            "choices": ["NONE", "COGNITO_USER_POOLS", "CUSTOM", "AWS_IAM"],
            "default": "NONE",
        },
        "authorizer_id": {"type": "str"},
        "authorization_scopes": {"type": "list", "elements": "str"},
        "api_key_required": {"type": "bool", "default": False},
    }
    module = AnsibleAWSModule(
        argument_spec={
            "rest_api_id": {"type": "str", "required": True},
            "lambda_uri": {"type": "str", "required": True},
            "integration_timeout_ms": {"type": "int", "default": 29000},
            "routes": {"type": "list", "elements": "dict", "required": True, "options": route_spec},
            "purge": {"type": "bool", "default": True},
        },
        supports_check_mode=True,
    )
    routes, integration = _desired(module)
    canonical = {"routes": routes, "integration": integration}
    fingerprint = hashlib.sha256(
        json.dumps(canonical, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()

    state = Routes(module)
    state.read()
    before = state.current_view()
    if "/" not in state.by_path:  # check mode on an API that does not exist yet
        state.by_path["/"] = {"id": None, "path": "/", "resourceMethods": {}}
    for path in sorted(routes):
        state.ensure_resource(path)
        for verb, want in sorted(routes[path].items()):
            state.converge_method(path, verb, want, integration)
    if module.params["purge"]:
        state.purge(routes)

    proxy = {
        "type": "AWS_PROXY",
        "http_method": "POST",
        "uri": integration["uri"],
        "timeout_ms": integration["timeout_ms"],
    }
    keep = module.params["purge"] is False
    after = {path: dict(methods) for path, methods in before.items()} if keep else {}
    for path in _declared_paths(routes):
        after.setdefault(path, {})
    for path, methods in routes.items():
        after[path].update({verb: {**want, "integration": proxy} for verb, want in methods.items()})
    resources = {
        path: res["id"] for path, res in sorted(state.by_path.items()) if path in routes or path == "/"
    }
    module.exit_json(
        changed=bool(state.changes),
        changes=state.changes,
        fingerprint=fingerprint,
        resources=resources,
        diff={"before": before, "after": after},
    )


if __name__ == "__main__":
    main()
