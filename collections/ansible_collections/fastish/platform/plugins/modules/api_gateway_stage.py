#!/usr/bin/python
"""A stage of an API Gateway REST API, deployed only when the API's configuration changed."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: api_gateway_stage
short_description: Manage a stage of an Amazon API Gateway REST API and deploy only on change
version_added: "0.1.0"
description:
  - Creates, updates or deletes a stage of a REST API, with its access logging, X-Ray tracing, the
    method settings of every method (C(*/*)), stage variables and tags.
  - Deploys the API (a new deployment, then the stage points at it) only when the stage's current
    deployment was not made from the configuration I(fingerprint) names (the deployment's description
    is C(fastish:<fingerprint>)); a run without changes neither deploys nor reports a change.
    M(fastish.platform.api_gateway_routes) returns the fingerprint.
  - Deleting the stage also deletes the deployments this module made that no other stage uses.
  - Execution and access logging need the account's CloudWatch role of API Gateway
    (M(fastish.platform.api_gateway_account)).
options:
  rest_api_id:
    description: Id of the REST API.
    type: str
    required: true
  stage_name:
    description: Name of the stage (the first part of the invoke URL's path).
    type: str
    required: true
  fingerprint:
    description: Fingerprint of the API's configuration; required with C(state=present).
    type: str
  description:
    description: Description of the stage.
    type: str
  tracing_enabled:
    description: Whether requests are traced with AWS X-Ray.
    type: bool
    default: false
  access_log:
    description: Access logging. Not set leaves it as it is; an empty dict turns it off.
    type: dict
    suboptions:
      destination_arn:
        description: ARN of the CloudWatch Logs log group (without a trailing C(:*)).
        type: str
      format:
        description: Log line format (C($context) variables).
        type: str
  method_settings:
    description: Settings of every method of the stage (C(*/*)).
    type: dict
    default: {}
    suboptions:
      metrics_enabled:
        description: Detailed CloudWatch metrics per method.
        type: bool
        default: false
      logging_level:
        description: Execution logging.
        type: str
        choices: ['OFF', ERROR, INFO]
        default: 'OFF'
      data_trace_enabled:
        description: Log full requests and responses (bodies included; keep off for personal data).
        type: bool
        default: false
      throttling_rate_limit:
        description: Steady-state requests per second of the stage.
        type: float
        default: 10000
      throttling_burst_limit:
        description: Burst of the stage.
        type: int
        default: 5000
      caching_enabled:
        description: Response caching (needs a cache cluster).
        type: bool
        default: false
  variables:
    description: Stage variables (the exact set).
    type: dict
    default: {}
  state:
    description: Whether the stage exists.
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
- name: Stage v1, deployed when the routes changed
  fastish.platform.api_gateway_stage:
    rest_api_id: "{{ api.rest_api.id }}"
    stage_name: v1
    fingerprint: "{{ routes.fingerprint }}"
    tracing_enabled: true
    access_log:
      destination_arn: arn:aws:logs:us-east-1:123456789012:log-group:acme-web-portal-api-access
      format: '{"requestId":"$context.requestId","status":"$context.status"}'
    method_settings:
      metrics_enabled: true
      logging_level: INFO
      throttling_rate_limit: 50
      throttling_burst_limit: 100
"""

RETURN = r"""
stage:
  description: The stage after the change (in check mode, what it would be). Empty after a deletion.
  returned: always
  type: dict
  contains:
    stage_name: {description: Name., type: str}
    deployment_id: {description: Current deployment., type: str}
    description: {description: Description., type: str}
    tracing_enabled: {description: X-Ray tracing., type: bool}
    access_log: {description: Access log destination and format (empty when off)., type: dict}
    method_settings: {description: Settings of C(*/*)., type: dict}
    variables: {description: Stage variables., type: dict}
    tags: {description: Tags., type: dict}
    fingerprint: {description: Fingerprint of the deployed configuration., type: str}
deployment_id:
  description: The stage's deployment (null in check mode before the first deployment).
  returned: always
  type: str
deployed:
  description: Whether this run made (in check mode, would make) a new deployment.
  returned: always
  type: bool
invoke_url:
  description: Base URL of the stage.
  returned: always
  type: str
  sample: https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/v1
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.fastish.platform.plugins.module_utils import api_gateway as apigw_utils

PREFIX = "fastish:"
# option -> (methodSettings field, patch path below /*/*, kind)
_SETTINGS = {
    "metrics_enabled": ("metricsEnabled", "metrics/enabled", bool),
    "logging_level": ("loggingLevel", "logging/loglevel", str),
    "data_trace_enabled": ("dataTraceEnabled", "logging/dataTrace", bool),
    "throttling_rate_limit": ("throttlingRateLimit", "throttling/rateLimit", float),
    "throttling_burst_limit": ("throttlingBurstLimit", "throttling/burstLimit", int),
    "caching_enabled": ("cachingEnabled", "caching/enabled", bool),
}
_SETTING_DEFAULTS = {
    "metrics_enabled": False,
    "logging_level": "OFF",
    "data_trace_enabled": False,
    "throttling_rate_limit": 10000.0,
    "throttling_burst_limit": 5000,
    "caching_enabled": False,
}


def _settings_view(stage):
    raw = (stage.get("methodSettings") or {}).get("*/*") or {}
    view = {}
    for opt, (field, _path, kind) in _SETTINGS.items():
        value = raw.get(field)
        view[opt] = _SETTING_DEFAULTS[opt] if value is None else kind(value)
    return view


def _view(stage, fingerprint):
    logs = stage.get("accessLogSettings") or {}
    return {
        "stage_name": stage["stageName"],
        "deployment_id": stage.get("deploymentId"),
        "description": stage.get("description") or None,
        "tracing_enabled": bool(stage.get("tracingEnabled")),
        "access_log": {"destination_arn": logs.get("destinationArn"), "format": logs.get("format")}
        if logs
        else {},
        "method_settings": _settings_view(stage),
        "variables": stage.get("variables") or {},
        "tags": stage.get("tags") or {},
        "fingerprint": fingerprint,
    }


def _text(value):
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return apigw_utils.number_text(value)
    return str(value)


def _patch_operations(current, want):
    ops = []
    if want["description"] != current.get("description"):
        ops.append({"op": "replace", "path": "/description", "value": want["description"] or ""})
    if want["tracing_enabled"] != current.get("tracing_enabled"):
        ops.append({"op": "replace", "path": "/tracingEnabled", "value": _text(want["tracing_enabled"])})
    if want["access_log"] != current.get("access_log"):
        if want["access_log"]:
            for key, field in (("destination_arn", "destinationArn"), ("format", "format")):
                ops.append(
                    {"op": "replace", "path": f"/accessLogSettings/{field}", "value": want["access_log"][key]}
                )
        else:
            ops.append({"op": "remove", "path": "/accessLogSettings"})
    have_settings = current.get("method_settings") or {}
    for opt, (_field, path, _kind) in _SETTINGS.items():
        if want["method_settings"][opt] != have_settings.get(opt):
            ops.append(
                {"op": "replace", "path": f"/*/*/{path}", "value": _text(want["method_settings"][opt])}
            )
    have_vars = current.get("variables") or {}
    for key, value in sorted(want["variables"].items()):
        if have_vars.get(key) != value:
            ops.append({"op": "replace", "path": f"/variables/{key}", "value": value})
    for key in sorted(set(have_vars) - set(want["variables"])):
        ops.append({"op": "remove", "path": f"/variables/{key}"})
    return ops


class Stage:
    def __init__(self, module):
        self.module = module
        self.api_id = module.params["rest_api_id"]
        self.name = module.params["stage_name"]
        self.label = f"stage {self.name} of REST API {self.api_id}"
        self.apigw = apigw_utils.client(module)

    def call(self, what, method, **kwargs):
        return apigw_utils.call(self.module, what, method, restApiId=self.api_id, **kwargs)

    def read(self):
        """(stage, fingerprint of its deployment) or (None, None)."""
        if not apigw_utils.rest_api_exists(self.module, self.apigw, self.api_id):
            if self.module.params["state"] == "present" and not self.module.check_mode:
                self.module.fail_json(msg=f"There is no REST API {self.api_id} (for {self.label})")
            return None, None
        stage = apigw_utils.get(
            self.module, self.label, self.apigw.get_stage, restApiId=self.api_id, stageName=self.name
        )
        if not stage:
            return None, None
        fingerprint = None
        if stage.get("deploymentId"):
            deployment = apigw_utils.get(
                self.module,
                f"deployment {stage['deploymentId']} of {self.label}",
                self.apigw.get_deployment,
                restApiId=self.api_id,
                deploymentId=stage["deploymentId"],
            )
            description = (deployment or {}).get("description") or ""
            fingerprint = description[len(PREFIX) :] if description.startswith(PREFIX) else None
        return stage, fingerprint

    def deploy(self, fingerprint):
        # Without stageName: the stage is created or switched separately and keeps its settings.
        deployment = self.call(
            f"deploy REST API {self.api_id}",
            self.apigw.create_deployment,
            description=f"{PREFIX}{fingerprint}",
        )
        return deployment["id"]

    def delete(self):
        self.call(f"delete {self.label}", self.apigw.delete_stage, stageName=self.name)
        stages = self.call(f"list the stages of REST API {self.api_id}", self.apigw.get_stages).get(
            "item", []
        )
        in_use = {s.get("deploymentId") for s in stages}
        deployments = apigw_utils.paginate(
            self.module,
            self.apigw,
            "get_deployments",
            f"the deployments of REST API {self.api_id}",
            restApiId=self.api_id,
        )
        for deployment in deployments:
            if deployment["id"] not in in_use and (deployment.get("description") or "").startswith(PREFIX):
                self.call(
                    f"delete deployment {deployment['id']} of REST API {self.api_id}",
                    self.apigw.delete_deployment,
                    deploymentId=deployment["id"],
                )


def main():
    settings_spec = {
        "metrics_enabled": {"type": "bool", "default": False},
        "logging_level": {"type": "str", "choices": ["OFF", "ERROR", "INFO"], "default": "OFF"},
        "data_trace_enabled": {"type": "bool", "default": False},
        "throttling_rate_limit": {"type": "float", "default": 10000},
        "throttling_burst_limit": {"type": "int", "default": 5000},
        "caching_enabled": {"type": "bool", "default": False},
    }
    module = AnsibleAWSModule(
        argument_spec={
            "rest_api_id": {"type": "str", "required": True},
            "stage_name": {"type": "str", "required": True},
            "fingerprint": {"type": "str"},
            "description": {"type": "str"},
            "tracing_enabled": {"type": "bool", "default": False},
            "access_log": {
                "type": "dict",
                "options": {"destination_arn": {"type": "str"}, "format": {"type": "str"}},
                "required_together": [["destination_arn", "format"]],
            },
            "method_settings": {"type": "dict", "default": {}, "options": settings_spec},
            "variables": {"type": "dict", "default": {}},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            **apigw_utils.TAG_ARG_SPEC,
        },
        required_if=[["state", "present", ["fingerprint"]]],
        supports_check_mode=True,
    )
    params = module.params
    region = module.region
    stage = Stage(module)
    found, deployed_fingerprint = stage.read()
    invoke_url = f"https://{stage.api_id}.execute-api.{region}.amazonaws.com/{stage.name}"
    current = _view(found, deployed_fingerprint) if found else {}

    if params["state"] == "absent":
        result = {"stage": {}, "deployment_id": None, "deployed": False, "invoke_url": invoke_url}
        if not found:
            module.exit_json(changed=False, diff={"before": {}, "after": {}}, **result)
        if not module.check_mode:
            stage.delete()
        module.exit_json(changed=True, diff={"before": current, "after": {}}, **result)

    access_log = params["access_log"]
    if access_log is None:
        access_log = current.get("access_log", {})
    elif not access_log.get("destination_arn"):
        access_log = {}
    method_settings = dict(params["method_settings"] or {})
    for opt, default in _SETTING_DEFAULTS.items():
        if method_settings.get(opt) is None:
            method_settings[opt] = default
    method_settings["throttling_rate_limit"] = float(method_settings["throttling_rate_limit"])
    want = {
        "stage_name": stage.name,
        "deployment_id": current.get("deployment_id"),
        "description": params["description"],
        "tracing_enabled": params["tracing_enabled"],
        "access_log": dict(access_log),
        "method_settings": method_settings,
        "variables": {k: str(v) for k, v in (params["variables"] or {}).items()},
        "tags": apigw_utils.desired_tags(module, current.get("tags")),
        "fingerprint": params["fingerprint"],
    }
    deploy = deployed_fingerprint != params["fingerprint"]
    changed = deploy
    write = not module.check_mode

    if deploy and write:
        want["deployment_id"] = stage.deploy(params["fingerprint"])
    if not found:
        if write:
            request = {
                "stageName": stage.name,
                "deploymentId": want["deployment_id"],
                "tracingEnabled": want["tracing_enabled"],
                "variables": want["variables"],
            }
            if want["description"]:
                request["description"] = want["description"]
            if want["tags"]:
                request["tags"] = want["tags"]
            stage.call(f"create {stage.label}", stage.apigw.create_stage, **request)
            created_view = {
                "tracing_enabled": want["tracing_enabled"],
                "variables": want["variables"],
                "description": want["description"],
                "access_log": {},
            }
            ops = _patch_operations(created_view, want)
            if ops:
                stage.call(
                    f"configure {stage.label}",
                    stage.apigw.update_stage,
                    stageName=stage.name,
                    patchOperations=ops,
                )
    else:
        ops = _patch_operations(current, want)
        if deploy and write:
            ops.insert(0, {"op": "replace", "path": "/deploymentId", "value": want["deployment_id"]})
        if ops:
            changed = True
            if write:
                stage.call(
                    f"update {stage.label}",
                    stage.apigw.update_stage,
                    stageName=stage.name,
                    patchOperations=ops,
                )
        stage_arn = apigw_utils.arn(module, f"/restapis/{stage.api_id}/stages/{stage.name}")
        changed |= apigw_utils.converge_tags(module, stage.apigw, stage_arn, current["tags"], stage.label)

    if changed and write:
        refreshed, fingerprint = stage.read()
        want = _view(refreshed, fingerprint)
    module.exit_json(
        changed=changed,
        stage=want,
        deployment_id=want["deployment_id"],
        deployed=deploy,
        invoke_url=invoke_url,
        diff={"before": current, "after": want},
    )


if __name__ == "__main__":
    main()
