#!/usr/bin/python
"""Create, update and delete an Amazon API Gateway usage plan."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: api_gateway_usage_plan
short_description: Manage an Amazon API Gateway usage plan by name
version_added: "0.1.0"
description:
  - Creates, updates (patch operations, so the plan keeps its id and its API keys) or deletes a usage plan,
    found by its name; fails when several plans share the name.
  - A usage plan limits the requests of each of its API keys (throttle and quota) on its API stages.
  - Deleting a plan first removes its stages (API Gateway requires it); its API keys stay.
options:
  name:
    description: Name of the plan.
    type: str
    required: true
  description:
    description: Description of the plan.
    type: str
  api_stages:
    description: The API stages of the plan (the exact set).
    type: list
    elements: dict
    default: []
    suboptions:
      api_id:
        description: REST API id.
        type: str
        required: true
      stage:
        description: Stage name.
        type: str
        required: true
  throttle:
    description: Steady-state rate and burst per API key. Not set means no throttle of the plan's own.
    type: dict
    suboptions:
      rate_limit:
        description: Requests per second.
        type: float
        required: true
      burst_limit:
        description: Burst (requests).
        type: int
        required: true
  quota:
    description: Requests per period per API key. Not set means no quota.
    type: dict
    suboptions:
      limit:
        description: Requests per period.
        type: int
        required: true
      period:
        description: Period.
        type: str
        choices: [DAY, WEEK, MONTH]
        required: true
      offset:
        description: Requests already used in the first period.
        type: int
        default: 0
  state:
    description: Whether the plan exists.
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
- name: Usage plan of the startup tier
  fastish.platform.api_gateway_usage_plan:
    name: acme-web-portal-startup
    description: Startup tier
    api_stages:
      - {api_id: "{{ api.rest_api.id }}", stage: v1}
    throttle: {rate_limit: 50, burst_limit: 100}
    quota: {limit: 1000000, period: MONTH}
"""

RETURN = r"""
usage_plan:
  description: The plan after the change (in check mode, what it would be; C(id) is null before a
    creation). Empty after a deletion.
  returned: always
  type: dict
  contains:
    id: {description: Plan id., type: str}
    name: {description: Name., type: str}
    description: {description: Description., type: str}
    api_stages: {description: Stages (api_id, stage)., type: list, elements: dict}
    throttle: {description: rate_limit and burst_limit (empty when none)., type: dict}
    quota: {description: limit, period and offset (empty when none)., type: dict}
    tags: {description: Tags., type: dict}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.fastish.platform.plugins.module_utils import api_gateway as apigw_utils


def _view(module, plan):
    throttle = plan.get("throttle") or {}
    quota = plan.get("quota") or {}
    return {
        "id": plan["id"],
        "name": plan.get("name"),
        "description": plan.get("description") or None,
        "api_stages": sorted(
            ({"api_id": s["apiId"], "stage": s["stage"]} for s in plan.get("apiStages") or []), key=_stage_key
        ),
        "throttle": {
            "rate_limit": apigw_utils.num(throttle.get("rateLimit"), float),
            "burst_limit": apigw_utils.num(throttle.get("burstLimit")),
        }
        if throttle
        else {},
        "quota": {
            "limit": apigw_utils.num(quota.get("limit")),
            "period": quota.get("period"),
            "offset": apigw_utils.num(quota.get("offset")) or 0,
        }
        if quota
        else {},
        "tags": plan.get("tags") or {},
        "arn": apigw_utils.arn(module, f"/usageplans/{plan['id']}"),
    }


def _stage_key(stage):
    return (stage["api_id"], stage["stage"])


def _section_ops(name, fields, have, want):
    """Patch operations turning the throttle/quota section ``have`` into ``want``."""
    if have == want:
        return []
    if not want:
        return [{"op": "remove", "path": f"/{name}"}]
    op = "replace" if have else "add"
    return [
        {
            "op": op,
            "path": f"/{name}/{field}",
            "value": apigw_utils.number_text(want[key]) if key != "period" else want[key],
        }
        for key, field in fields
        if have.get(key) != want[key]
    ]


def _patch_operations(current, want):
    ops = []
    if want["description"] != current["description"]:
        ops.append({"op": "replace", "path": "/description", "value": want["description"] or ""})
    have_stages = {_stage_key(s) for s in current["api_stages"]}
    want_stages = {_stage_key(s) for s in want["api_stages"]}
    ops += [
        {"op": "add", "path": "/apiStages", "value": f"{a}:{s}"} for a, s in sorted(want_stages - have_stages)
    ]
    ops += [
        {"op": "remove", "path": "/apiStages", "value": f"{a}:{s}"}
        for a, s in sorted(have_stages - want_stages)
    ]
    ops += _section_ops(
        "throttle",
        (("rate_limit", "rateLimit"), ("burst_limit", "burstLimit")),
        current["throttle"],
        want["throttle"],
    )
    ops += _section_ops(
        "quota",
        (("limit", "limit"), ("period", "period"), ("offset", "offset")),
        current["quota"],
        want["quota"],
    )
    return ops


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "description": {"type": "str"},
            "api_stages": {
                "type": "list",
                "elements": "dict",
                "default": [],
                "options": {
                    "api_id": {"type": "str", "required": True},
                    "stage": {"type": "str", "required": True},
                },
            },
            "throttle": {
                "type": "dict",
                "options": {
                    "rate_limit": {"type": "float", "required": True},
                    "burst_limit": {"type": "int", "required": True},
                },
            },
            "quota": {
                "type": "dict",
                "options": {
                    "limit": {"type": "int", "required": True},
                    "period": {"type": "str", "choices": ["DAY", "WEEK", "MONTH"], "required": True},
                    "offset": {"type": "int", "default": 0},
                },
            },
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            **apigw_utils.TAG_ARG_SPEC,
        },
        supports_check_mode=True,
    )
    params = module.params
    name = params["name"]
    label = f"usage plan {name}"
    apigw = apigw_utils.client(module)
    plans = apigw_utils.paginate(module, apigw, "get_usage_plans", "the usage plans")
    found = apigw_utils.find_by_name(module, plans, name, "usage plan")
    current = _view(module, found) if found else {}

    if params["state"] == "absent":
        if not found:
            module.exit_json(changed=False, usage_plan={}, diff={"before": {}, "after": {}})
        if not module.check_mode:
            if current["api_stages"]:
                ops = [
                    {"op": "remove", "path": "/apiStages", "value": f"{s['api_id']}:{s['stage']}"}
                    for s in current["api_stages"]
                ]
                apigw_utils.call(
                    module,
                    f"remove the stages of {label}",
                    apigw.update_usage_plan,
                    usagePlanId=found["id"],
                    patchOperations=ops,
                )
            apigw_utils.call(module, f"delete {label}", apigw.delete_usage_plan, usagePlanId=found["id"])
        module.exit_json(changed=True, usage_plan={}, diff={"before": current, "after": {}})

    throttle, quota = params["throttle"], params["quota"]
    want = {
        "id": found["id"] if found else None,
        "name": name,
        "description": params["description"],
        "api_stages": sorted(
            ({"api_id": s["api_id"], "stage": s["stage"]} for s in params["api_stages"]), key=_stage_key
        ),
        "throttle": {"rate_limit": float(throttle["rate_limit"]), "burst_limit": throttle["burst_limit"]}
        if throttle
        else {},
        "quota": {"limit": quota["limit"], "period": quota["period"], "offset": quota["offset"]}
        if quota
        else {},
        "tags": apigw_utils.desired_tags(module, current.get("tags")),
        "arn": current.get("arn"),
    }
    diff = {"before": current, "after": want}

    if not found:
        if not module.check_mode:
            request = {
                "name": name,
                "apiStages": [{"apiId": s["api_id"], "stage": s["stage"]} for s in want["api_stages"]],
            }
            if want["description"]:
                request["description"] = want["description"]
            if want["throttle"]:
                request["throttle"] = {
                    "rateLimit": want["throttle"]["rate_limit"],
                    "burstLimit": want["throttle"]["burst_limit"],
                }
            if want["quota"]:
                request["quota"] = {k: want["quota"][k] for k in ("limit", "period", "offset")}
            if want["tags"]:
                request["tags"] = want["tags"]
            want = _view(
                module, apigw_utils.call(module, f"create {label}", apigw.create_usage_plan, **request)
            )
        module.exit_json(changed=True, usage_plan=want, diff=diff)

    ops = _patch_operations(current, want)
    changed = bool(ops)
    if ops and not module.check_mode:
        apigw_utils.call(
            module, f"update {label}", apigw.update_usage_plan, usagePlanId=found["id"], patchOperations=ops
        )
    changed |= apigw_utils.converge_tags(module, apigw, current["arn"], current["tags"], label)
    if changed and not module.check_mode:
        want = _view(
            module, apigw_utils.call(module, f"read {label}", apigw.get_usage_plan, usagePlanId=found["id"])
        )
    module.exit_json(changed=changed, usage_plan=want if changed else current, diff=diff)


if __name__ == "__main__":
    main()
