#!/usr/bin/python
"""Create, update and delete an Amazon API Gateway REST API (the API itself, not its routes)."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: api_gateway_rest_api
short_description: Manage an Amazon API Gateway REST API by name
version_added: "0.1.0"
description:
  - Creates, updates or deletes an API Gateway REST API (API Gateway v1), found by its name. The API's
    routes, authorizers and stages are managed by M(fastish.platform.api_gateway_routes),
    M(fastish.platform.api_gateway_authorizer) and M(fastish.platform.api_gateway_stage).
  - Unlike M(community.aws.api_gateway) it never deploys, so a run without changes reports C(changed=false).
  - Fails when several REST APIs share the name.
  - Deleting the API deletes its resources, methods, authorizers, stages and deployments.
options:
  name:
    description: Name of the API (unique in the account and region).
    type: str
    required: true
  description:
    description: Description of the API.
    type: str
  endpoint_type:
    description: Endpoint type.
    type: str
    choices: [REGIONAL, EDGE, PRIVATE]
    default: REGIONAL
  disable_execute_api_endpoint:
    description: Whether clients must use a custom domain rather than the default C(execute-api) endpoint.
    type: bool
    default: false
  minimum_compression_size:
    description:
      - Smallest response body (bytes) that is compressed; C(-1) disables compression. Not set keeps the
        current value.
    type: int
  api_key_source:
    description: Where API keys are read from (the C(x-api-key) header or a custom authorizer).
    type: str
    choices: [HEADER, AUTHORIZER]
    default: HEADER
  policy:
    description: Resource policy (JSON text or a dict). Not set keeps the current policy.
    type: json
  state:
    description: Whether the API exists.
    type: str
    choices: [present, absent]
    default: present
author:
  - fastish maintainers
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The release's REST API
  fastish.platform.api_gateway_rest_api:
    name: acme-web-portal-api
    description: Tenant API
    endpoint_type: REGIONAL
    tags: {"fastish:release": portal}
  register: api

- name: Remove it
  fastish.platform.api_gateway_rest_api:
    name: acme-web-portal-api
    state: absent
"""

RETURN = r"""
rest_api:
  description: The API after the change (in check mode, what it would be; C(id) is null before a creation).
    Empty after a deletion.
  returned: always
  type: dict
  contains:
    id: {description: API id., type: str, sample: a1b2c3d4e5}
    name: {description: Name., type: str}
    arn: {description: ARN of the API (for tags and IAM)., type: str}
    root_resource_id: {description: Id of the C(/) resource., type: str}
    description: {description: Description., type: str}
    endpoint_type: {description: Endpoint type., type: str, sample: REGIONAL}
    api_key_source: {description: API key source., type: str, sample: HEADER}
    disable_execute_api_endpoint: {description: Whether the default endpoint is off., type: bool}
    minimum_compression_size: {description: Compression threshold (null = no compression)., type: int}
    policy: {description: Resource policy (parsed)., type: dict}
    tags: {description: Tags., type: dict}
"""

import json

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.fastish.platform.plugins.module_utils import api_gateway as apigw_utils


def _policy(value):
    """A resource policy as a dict (API Gateway returns it as escaped JSON text)."""
    while isinstance(value, str) and value:
        try:
            value = json.loads(value.replace('\\"', '"') if value.startswith('{\\"') else value)
        except ValueError:
            return value
    return value or None


def _view(module, api):
    types = (api.get("endpointConfiguration") or {}).get("types") or ["EDGE"]
    return {
        "id": api["id"],
        "name": api.get("name"),
        "arn": apigw_utils.arn(module, f"/restapis/{api['id']}"),
        "root_resource_id": api.get("rootResourceId"),
        "description": api.get("description") or None,
        "endpoint_type": types[0],
        "api_key_source": api.get("apiKeySource") or "HEADER",
        "disable_execute_api_endpoint": bool(api.get("disableExecuteApiEndpoint")),
        "minimum_compression_size": api.get("minimumCompressionSize"),
        "policy": _policy(api.get("policy")),
        "tags": api.get("tags") or {},
    }


def _patch_operations(current, want):
    ops = []
    if want["description"] != current["description"]:
        ops.append({"op": "replace", "path": "/description", "value": want["description"] or ""})
    if want["endpoint_type"] != current["endpoint_type"]:
        path = f"/endpointConfiguration/types/{current['endpoint_type']}"
        ops.append({"op": "replace", "path": path, "value": want["endpoint_type"]})
    if want["api_key_source"] != current["api_key_source"]:
        ops.append({"op": "replace", "path": "/apiKeySource", "value": want["api_key_source"]})
    if want["disable_execute_api_endpoint"] != current["disable_execute_api_endpoint"]:
        value = str(want["disable_execute_api_endpoint"]).lower()
        ops.append({"op": "replace", "path": "/disableExecuteApiEndpoint", "value": value})
    if want["minimum_compression_size"] != current["minimum_compression_size"]:
        size = want["minimum_compression_size"]
        ops.append(
            {"op": "replace", "path": "/minimumCompressionSize", "value": "" if size is None else str(size)}
        )
    if want["policy"] != current["policy"]:
        ops.append({"op": "replace", "path": "/policy", "value": json.dumps(want["policy"])})
    return ops


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "description": {"type": "str"},
            "endpoint_type": {
                "type": "str",
                "choices": ["REGIONAL", "EDGE", "PRIVATE"],
                "default": "REGIONAL",
            },
            "disable_execute_api_endpoint": {"type": "bool", "default": False},
            "minimum_compression_size": {"type": "int"},
            "api_key_source": {"type": "str", "choices": ["HEADER", "AUTHORIZER"], "default": "HEADER"},
            "policy": {"type": "json"},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            **apigw_utils.TAG_ARG_SPEC,
        },
        supports_check_mode=True,
    )
    params = module.params
    name = params["name"]
    apigw = apigw_utils.client(module)
    apis = apigw_utils.paginate(module, apigw, "get_rest_apis", "the REST APIs")
    found = apigw_utils.find_by_name(module, apis, name, "REST API")
    current = _view(module, found) if found else {}
    label = f"REST API {name}"

    if params["state"] == "absent":
        if not found:
            module.exit_json(changed=False, rest_api={}, diff={"before": {}, "after": {}})
        if not module.check_mode:
            apigw_utils.call(module, f"delete {label}", apigw.delete_rest_api, restApiId=found["id"])
        module.exit_json(changed=True, rest_api={}, diff={"before": current, "after": {}})

    want = dict(current) if found else {"id": None, "name": name, "arn": None, "root_resource_id": None}
    size = params["minimum_compression_size"]
    want.update(
        {
            "description": params["description"]
            if params["description"] is not None
            else current.get("description"),
            "endpoint_type": params["endpoint_type"],
            "api_key_source": params["api_key_source"],
            "disable_execute_api_endpoint": params["disable_execute_api_endpoint"],
            "minimum_compression_size": (
                current.get("minimum_compression_size") if size is None else (None if size < 0 else size)
            ),
            "policy": _policy(params["policy"]) if params["policy"] is not None else current.get("policy"),
            "tags": apigw_utils.desired_tags(module, current.get("tags")),
        }
    )
    diff = {"before": current, "after": want}

    if not found:
        if not module.check_mode:
            request = {
                "name": name,
                "endpointConfiguration": {"types": [want["endpoint_type"]]},
                "apiKeySource": want["api_key_source"],
                "disableExecuteApiEndpoint": want["disable_execute_api_endpoint"],
            }
            optional = {
                "description": want["description"],
                "minimumCompressionSize": want["minimum_compression_size"],
                "policy": json.dumps(want["policy"]) if want["policy"] else None,
                "tags": want["tags"] or None,
            }
            request.update({k: v for k, v in optional.items() if v is not None})
            created = apigw_utils.call(module, f"create {label}", apigw.create_rest_api, **request)
            want = _view(module, created)
        module.exit_json(changed=True, rest_api=want, diff=diff)

    changed = False
    ops = _patch_operations(current, want)
    if ops:
        changed = True
        if not module.check_mode:
            apigw_utils.call(
                module, f"update {label}", apigw.update_rest_api, restApiId=found["id"], patchOperations=ops
            )
    changed |= apigw_utils.converge_tags(module, apigw, current["arn"], current["tags"], label)
    if changed and not module.check_mode:
        refreshed = apigw_utils.call(module, f"read {label}", apigw.get_rest_api, restApiId=found["id"])
        want = _view(module, refreshed)
    module.exit_json(changed=changed, rest_api=want, diff=diff)


if __name__ == "__main__":
    main()
