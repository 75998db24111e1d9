#!/usr/bin/python
"""Create, update and delete an authorizer of an Amazon API Gateway REST API."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: api_gateway_authorizer
short_description: Manage an authorizer of an Amazon API Gateway REST API
version_added: "0.1.0"
description:
  - Creates, updates (with patch operations, in place, so the authorizer keeps its id) or deletes an
    authorizer of a REST API, found by its name. Fails when several authorizers of the API share the name.
  - A Cognito user pool authorizer (C(COGNITO_USER_POOLS)) validates the ID or access token of the pools
    in I(provider_arns); a Lambda authorizer (C(TOKEN), C(REQUEST)) calls I(authorizer_uri).
  - Changes reach clients only with the next deployment of the API (M(fastish.platform.api_gateway_stage)).
  - API Gateway refuses to delete an authorizer that methods still use; remove those routes first (or
    delete the whole API).
options:
  rest_api_id:
    description: Id of the REST API.
    type: str
    required: true
  name:
    description: Name of the authorizer (unique in the API).
    type: str
    required: true
  type:
    description: Kind of authorizer.
    type: str
    choices: [COGNITO_USER_POOLS, TOKEN, REQUEST]
    default: COGNITO_USER_POOLS
  provider_arns:
    description: ARNs of the Cognito user pools (required for C(COGNITO_USER_POOLS)).
    type: list
    elements: str
  authorizer_uri:
    description: Invocation URI of the Lambda authorizer (required for C(TOKEN) and C(REQUEST)).
    type: str
  authorizer_credentials:
    description: IAM role API Gateway assumes to call a Lambda authorizer.
    type: str
  identity_source:
    description: Where the token comes from.
    type: str
    default: method.request.header.Authorization
  identity_validation_expression:
    description: Regular expression a token must match before the authorizer is asked.
    type: str
  ttl:
    description: Seconds a positive answer is cached (0 disables caching).
    type: int
    default: 300
  state:
    description: Whether the authorizer exists.
    type: str
    choices: [present, absent]
    default: present
author:
  - fastish maintainers
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Cognito authorizer of the API
  fastish.platform.api_gateway_authorizer:
    rest_api_id: "{{ api.rest_api.id }}"
    name: cognito
    type: COGNITO_USER_POOLS
    provider_arns: ["{{ cognito_user_pool_arn }}"]
    identity_source: method.request.header.Authorization
    ttl: 300
"""

RETURN = r"""
authorizer:
  description: The authorizer after the change (in check mode, what it would be; C(id) is null before a
    creation). Empty after a deletion.
  returned: always
  type: dict
  contains:
    id: {description: Authorizer id., type: str, sample: abc123}
    name: {description: Name., type: str}
    type: {description: Kind., type: str, sample: COGNITO_USER_POOLS}
    provider_arns: {description: User pool ARNs., type: list, elements: str}
    authorizer_uri: {description: Lambda authorizer URI., type: str}
    authorizer_credentials: {description: Role of a Lambda authorizer., type: str}
    identity_source: {description: Token source., type: str}
    identity_validation_expression: {description: Token pattern., type: str}
    ttl: {description: Cache seconds., type: int}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.fastish.platform.plugins.module_utils import api_gateway as apigw_utils

# option -> (API field, patch path)
_FIELDS = {
    "authorizer_uri": "authorizerUri",
    "authorizer_credentials": "authorizerCredentials",
    "identity_source": "identitySource",
    "identity_validation_expression": "identityValidationExpression",
    "ttl": "authorizerResultTtlInSeconds",
}


def _view(auth):
    view = {"id": auth["id"], "name": auth["name"], "type": auth.get("type")}
    view["provider_arns"] = sorted(auth.get("providerARNs") or [])
    view.update({opt: auth.get(api) for opt, api in _FIELDS.items()})
    view["ttl"] = apigw_utils.num(view["ttl"])
    return view


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "rest_api_id": {"type": "str", "required": True},
            "name": {"type": "str", "required": True},
            "type": {
                "type": "str",
                "choices": ["COGNITO_USER_POOLS", "TOKEN", "REQUEST"],
                "default": "COGNITO_USER_POOLS",
            },
            "provider_arns": {"type": "list", "elements": "str"},
            "authorizer_uri": {"type": "str"},
            "authorizer_credentials": {"type": "str"},
            "identity_source": {"type": "str", "default": "method.request.header.Authorization"},
            "identity_validation_expression": {"type": "str"},
            "ttl": {"type": "int", "default": 300},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        },
        supports_check_mode=True,
    )
    params = module.params
    api_id, name = params["rest_api_id"], params["name"]
    if params["state"] == "present":
        needed = "provider_arns" if params["type"] == "COGNITO_USER_POOLS" else "authorizer_uri"
        if not params[needed]:
            module.fail_json(msg=f"An authorizer of type {params['type']} needs {needed} (authorizer {name})")
    label = f"authorizer {name} of REST API {api_id}"
    apigw = apigw_utils.client(module)
    found = None
    if apigw_utils.rest_api_exists(module, apigw, api_id):
        items = apigw_utils.paginate(
            module, apigw, "get_authorizers", f"the authorizers of REST API {api_id}", restApiId=api_id
        )
        found = apigw_utils.find_by_name(module, items, name, f"authorizer of REST API {api_id}")
    elif params["state"] == "present" and not module.check_mode:
        module.fail_json(msg=f"There is no REST API {api_id} (for {label})")
    current = _view(found) if found else {}

    if params["state"] == "absent":
        if not found:
            module.exit_json(changed=False, authorizer={}, diff={"before": {}, "after": {}})
        if not module.check_mode:
            apigw_utils.call(
                module, f"delete {label}", apigw.delete_authorizer, restApiId=api_id, authorizerId=found["id"]
            )
        module.exit_json(changed=True, authorizer={}, diff={"before": current, "after": {}})

    want = {"id": found["id"] if found else None, "name": name, "type": params["type"]}
    want["provider_arns"] = sorted(params["provider_arns"] or [])
    want.update({opt: params[opt] for opt in _FIELDS})
    diff = {"before": current, "after": want}

    if not found:
        if not module.check_mode:
            request = {"restApiId": api_id, "name": name, "type": params["type"]}
            if want["provider_arns"]:
                request["providerARNs"] = want["provider_arns"]
            request.update({api: want[opt] for opt, api in _FIELDS.items() if want[opt] is not None})
            want = _view(apigw_utils.call(module, f"create {label}", apigw.create_authorizer, **request))
        module.exit_json(changed=True, authorizer=want, diff=diff)

    ops = []
    if want["type"] != current["type"]:
        ops.append({"op": "replace", "path": "/type", "value": want["type"]})
    for opt, api in _FIELDS.items():
        if want[opt] != current[opt]:
            if want[opt] is None:
                ops.append({"op": "replace", "path": f"/{api}", "value": ""})
            else:
                ops.append({"op": "replace", "path": f"/{api}", "value": str(want[opt])})
    for arn in sorted(set(want["provider_arns"]) - set(current["provider_arns"])):
        ops.append({"op": "add", "path": "/providerARNs", "value": arn})
    for arn in sorted(set(current["provider_arns"]) - set(want["provider_arns"])):
        ops.append({"op": "remove", "path": "/providerARNs", "value": arn})
    if not ops:
        module.exit_json(changed=False, authorizer=current, diff=diff)
    if not module.check_mode:
        updated = apigw_utils.call(
            module,
            f"update {label}",
            apigw.update_authorizer,
            restApiId=api_id,
            authorizerId=found["id"],
            patchOperations=ops,
        )
        want = _view(updated)
    module.exit_json(changed=True, authorizer=want, diff=diff)


if __name__ == "__main__":
    main()
