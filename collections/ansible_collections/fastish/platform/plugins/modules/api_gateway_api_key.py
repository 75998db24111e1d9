#!/usr/bin/python
"""Create, update and delete an Amazon API Gateway API key and its usage plan associations."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: api_gateway_api_key
short_description: Manage an Amazon API Gateway API key by name, and the usage plans it belongs to
version_added: "0.1.0"
description:
  - Creates, updates or deletes an API key, found by its name; fails when several keys share the name.
  - API Gateway generates the key's value when the key is created; an update never changes it.
  - With I(usage_plan_ids), the key ends up in exactly those usage plans (missing associations are made,
    stale ones removed).
  - The value is returned only with I(return_value=true); register the result in a task with C(no_log).
options:
  name:
    description: Name of the key.
    type: str
    required: true
  description:
    description: Description of the key.
    type: str
  enabled:
    description: Whether the key can be used.
    type: bool
    default: true
  usage_plan_ids:
    description: The usage plans the key belongs to (the exact set). Not set leaves them as they are.
    type: list
    elements: str
  return_value:
    description: Return the key's value (a secret).
    type: bool
    default: false
  state:
    description: Whether the key exists. Deleting it removes it from its usage plans first.
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
- name: API key of tenant globex in the enterprise plan
  fastish.platform.api_gateway_api_key:
    name: acme-web-portal-globex
    description: Machine clients of tenant globex
    usage_plan_ids: ["{{ plans.enterprise }}"]
    return_value: true
  register: key
  no_log: true
"""

RETURN = r"""
api_key:
  description: The key after the change (in check mode, what it would be; C(id) is null before a creation).
    Empty after a deletion. Never holds the value.
  returned: always
  type: dict
  contains:
    id: {description: Key id., type: str}
    name: {description: Name., type: str}
    description: {description: Description., type: str}
    enabled: {description: Whether the key can be used., type: bool}
    usage_plan_ids: {description: Usage plans of the key (sorted)., type: list, elements: str}
    tags: {description: Tags., type: dict}
value:
  description: The key's value (null in check mode before a creation).
  returned: when I(return_value=true) and the key exists
  type: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.fastish.platform.plugins.module_utils import api_gateway as apigw_utils


def _view(module, key, plan_ids):
    return {
        "id": key["id"],
        "name": key.get("name"),
        "description": key.get("description") or None,
        "enabled": bool(key.get("enabled")),
        "usage_plan_ids": sorted(plan_ids),
        "tags": key.get("tags") or {},
        "arn": apigw_utils.arn(module, f"/apikeys/{key['id']}"),
    }


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "description": {"type": "str"},
            "enabled": {"type": "bool", "default": True},
            "usage_plan_ids": {"type": "list", "elements": "str"},
            "return_value": {"type": "bool", "default": False},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            **apigw_utils.TAG_ARG_SPEC,
        },
        supports_check_mode=True,
    )
    params = module.params
    name = params["name"]
    label = f"API key {name}"
    apigw = apigw_utils.client(module)
    keys = apigw_utils.paginate(module, apigw, "get_api_keys", "the API keys", nameQuery=name)
    found = apigw_utils.find_by_name(module, keys, name, "API key")
    plan_ids = []
    if found:
        plans = apigw_utils.paginate(
            module, apigw, "get_usage_plans", f"the usage plans of {label}", keyId=found["id"]
        )
        plan_ids = [p["id"] for p in plans]
    current = _view(module, found, plan_ids) if found else {}
    write = not module.check_mode

    def associate(key_id, plan_id):
        apigw_utils.call(
            module,
            f"add {label} to usage plan {plan_id}",
            apigw.create_usage_plan_key,
            usagePlanId=plan_id,
            keyId=key_id,
            keyType="API_KEY",
        )

    def dissociate(key_id, plan_id):
        apigw_utils.call(
            module,
            f"remove {label} from usage plan {plan_id}",
            apigw.delete_usage_plan_key,
            usagePlanId=plan_id,
            keyId=key_id,
        )

    if params["state"] == "absent":
        if not found:
            module.exit_json(changed=False, api_key={}, diff={"before": {}, "after": {}})
        if write:
            for plan_id in current["usage_plan_ids"]:
                dissociate(found["id"], plan_id)
            apigw_utils.call(module, f"delete {label}", apigw.delete_api_key, apiKey=found["id"])
        module.exit_json(changed=True, api_key={}, diff={"before": current, "after": {}})

    want_plans = (
        sorted(set(params["usage_plan_ids"]))
        if params["usage_plan_ids"] is not None
        else current.get("usage_plan_ids", [])
    )
    want = {
        "id": current.get("id"),
        "name": name,
        "description": params["description"]
        if params["description"] is not None
        else current.get("description"),
        "enabled": params["enabled"],
        "usage_plan_ids": want_plans,
        "tags": apigw_utils.desired_tags(module, current.get("tags")),
        "arn": current.get("arn"),
    }
    diff = {"before": current, "after": want}
    result = {}

    if not found:
        changed = True
        if write:
            request = {"name": name, "enabled": want["enabled"]}
            if want["description"]:
                request["description"] = want["description"]
            if want["tags"]:
                request["tags"] = want["tags"]
            created = apigw_utils.call(module, f"create {label}", apigw.create_api_key, **request)
            for plan_id in want_plans:
                associate(created["id"], plan_id)
            want = _view(module, created, want_plans)
    else:
        ops = []
        if want["description"] != current["description"]:
            ops.append({"op": "replace", "path": "/description", "value": want["description"] or ""})
        if want["enabled"] != current["enabled"]:
            ops.append({"op": "replace", "path": "/enabled", "value": str(want["enabled"]).lower()})
        add = sorted(set(want_plans) - set(current["usage_plan_ids"]))
        remove = sorted(set(current["usage_plan_ids"]) - set(want_plans))
        changed = bool(ops or add or remove)
        if write:
            if ops:
                apigw_utils.call(
                    module, f"update {label}", apigw.update_api_key, apiKey=found["id"], patchOperations=ops
                )
            for plan_id in add:
                associate(found["id"], plan_id)
            for plan_id in remove:
                dissociate(found["id"], plan_id)
        changed |= apigw_utils.converge_tags(module, apigw, current["arn"], current["tags"], label)
        if changed and write:
            key = apigw_utils.call(module, f"read {label}", apigw.get_api_key, apiKey=found["id"])
            want = _view(module, key, want_plans)
        elif not changed:
            want = current
    if params["return_value"]:
        result["value"] = None
        if want["id"]:
            key = apigw_utils.call(
                module, f"read the value of {label}", apigw.get_api_key, apiKey=want["id"], includeValue=True
            )
            result["value"] = key.get("value")
    module.exit_json(changed=changed, api_key=want, diff=diff, **result)


if __name__ == "__main__":
    main()
