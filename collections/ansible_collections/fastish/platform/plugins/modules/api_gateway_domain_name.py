#!/usr/bin/python
"""An API Gateway (REST) regional custom domain name with its base path mappings."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: api_gateway_domain_name
short_description: API Gateway regional custom domain name with base path mappings
version_added: "0.1.0"
description:
  - Creates, updates or deletes an API Gateway (REST API, v1) regional custom domain name with its ACM
    certificate, TLS security policy, base path mappings and tags, and returns the regional domain name and
    hosted zone id an alias record needs. community.aws has no module for it.
  - Mappings are matched by base path; a changed API or stage is updated in place.
options:
  domain_name:
    description: The custom domain name, e.g. C(api.portal.acme.example).
    type: str
    required: true
  regional_certificate_arn:
    description: ARN of an ACM certificate in the API's region covering O(domain_name). Required to create.
    type: str
  endpoint_type:
    description: Endpoint type (only regional endpoints are supported).
    type: str
    choices: [REGIONAL]
    default: REGIONAL
  security_policy:
    description: Lowest TLS version clients may use.
    type: str
    choices: [TLS_1_0, TLS_1_2]
    default: TLS_1_2
  base_path_mappings:
    description: Base path mappings; left out, the mappings are not touched.
    type: list
    elements: dict
    suboptions:
      rest_api_id: {description: Id of the REST API., type: str, required: true}
      stage: {description: Stage of the API., type: str, required: true}
      base_path: {description: Base path (C("") maps the root)., type: str, default: ""}
  purge_base_path_mappings:
    description: Delete mappings O(base_path_mappings) does not list.
    type: bool
    default: true
  state:
    description: Whether the domain name exists (C(absent) removes it with its mappings).
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
- name: api.portal.acme.example -> the release's API, stage live
  fastish.platform.api_gateway_domain_name:
    domain_name: api.portal.acme.example
    regional_certificate_arn: arn:aws:acm:us-east-1:123456789012:certificate/0d3f
    base_path_mappings:
      - {rest_api_id: a1b2c3d4e5, stage: live}
    tags:
      fastish:release: portal
  register: api_domain

- name: Alias record
  amazon.aws.route53:
    zone: portal.acme.example
    record: api.portal.acme.example
    type: A
    value: "{{ api_domain.domain.regional_domain_name }}"
    alias: true
    alias_hosted_zone_id: "{{ api_domain.domain.regional_hosted_zone_id }}"
    state: present
"""

RETURN = r"""
domain:
  description:
    - The domain name after the run; empty when absent.
    - In check mode, before creation, the regional names are null.
  returned: always
  type: dict
  contains:
    domain_name: {description: The custom domain name., type: str, sample: api.portal.acme.example}
    regional_domain_name:
      description: Target of the alias record.
      type: str
      sample: d-abc123.execute-api.us-east-1.amazonaws.com
    regional_hosted_zone_id: {description: Zone id of the alias target., type: str, sample: Z1UJRXOUMOOFQ8}
    regional_certificate_arn: {description: Certificate., type: str}
    security_policy: {description: TLS security policy., type: str, sample: TLS_1_2}
    endpoint_type: {description: Endpoint type., type: str, sample: REGIONAL}
    base_path_mappings:
      description: Mappings, sorted by base path (C("") for the root).
      type: list
      elements: dict
      contains:
        base_path: {description: Base path., type: str}
        rest_api_id: {description: REST API id., type: str}
        stage: {description: Stage., type: str}
    tags: {description: Tags., type: dict}
changes:
  description: What was (in check mode, would be) done.
  returned: always
  type: list
  elements: str
"""

import contextlib

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

ROOT = "(none)"


def _path(base_path):
    return "" if base_path in (None, "", ROOT) else base_path


def _mapping(boto):
    return {
        "base_path": _path(boto.get("basePath")),
        "rest_api_id": boto["restApiId"],
        "stage": boto.get("stage"),
    }


class DomainName:
    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.name = self.params["domain_name"]
        self.client = module.client("apigateway", retry_decorator=AWSRetry.jittered_backoff())
        self.changes = []

    def fail(self, e, what):
        self.module.fail_json_aws(e, msg=f"Could not {what} API Gateway domain name {self.name}")

    @property
    def arn(self):
        return f"arn:aws:apigateway:{self.module.region}::/domainnames/{self.name}"

    def read(self):
        try:
            found = self.client.get_domain_name(aws_retry=True, domainName=self.name)
        except is_boto3_error_code("NotFoundException"):
            return None
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            self.fail(e, "read")
        try:
            mappings = [
                _mapping(m)
                for page in self.client.get_paginator("get_base_path_mappings").paginate(domainName=self.name)
                for m in page.get("items") or []
            ]
        except is_boto3_error_code("NotFoundException"):
            mappings = []
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            self.fail(e, "read the base path mappings of")
        return {
            "domain_name": self.name,
            "regional_domain_name": found.get("regionalDomainName"),
            "regional_hosted_zone_id": found.get("regionalHostedZoneId"),
            "regional_certificate_arn": found.get("regionalCertificateArn"),
            "security_policy": found.get("securityPolicy"),
            "endpoint_type": ((found.get("endpointConfiguration") or {}).get("types") or ["REGIONAL"])[0],
            "base_path_mappings": sorted(mappings, key=lambda m: m["base_path"]),
            "tags": found.get("tags") or {},
        }

    def call(self, what, method, **kwargs):
        self.changes.append(what)
        if self.module.check_mode:
            return None
        try:
            return getattr(self.client, method)(aws_retry=True, **kwargs)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            self.fail(e, what)

    def present(self, before):
        params = self.params
        if before is None:
            if not params["regional_certificate_arn"]:
                self.module.fail_json(
                    msg=f"regional_certificate_arn is required to create domain name {self.name}"
                )
            created = (
                self.call(
                    "create",
                    "create_domain_name",
                    domainName=self.name,
                    regionalCertificateArn=params["regional_certificate_arn"],
                    endpointConfiguration={"types": [params["endpoint_type"]]},
                    securityPolicy=params["security_policy"],
                    tags=params["tags"] or {},
                )
                or {}
            )
            after = {
                "domain_name": self.name,
                "regional_domain_name": created.get("regionalDomainName"),
                "regional_hosted_zone_id": created.get("regionalHostedZoneId"),
                "regional_certificate_arn": params["regional_certificate_arn"],
                "security_policy": params["security_policy"],
                "endpoint_type": params["endpoint_type"],
                "base_path_mappings": [],
                "tags": params["tags"] or {},
            }
        else:
            after = dict(before)
            patches = []
            if (
                params["regional_certificate_arn"]
                and params["regional_certificate_arn"] != before["regional_certificate_arn"]
            ):
                patches.append(
                    {
                        "op": "replace",
                        "path": "/regionalCertificateArn",
                        "value": params["regional_certificate_arn"],
                    }
                )
                after["regional_certificate_arn"] = params["regional_certificate_arn"]
            if params["security_policy"] != before["security_policy"]:
                patches.append(
                    {"op": "replace", "path": "/securityPolicy", "value": params["security_policy"]}
                )
                after["security_policy"] = params["security_policy"]
            if patches:
                self.call("update", "update_domain_name", domainName=self.name, patchOperations=patches)
            if params["tags"] is not None:
                to_set, to_remove = compare_aws_tags(before["tags"], params["tags"], params["purge_tags"])
                if to_remove:
                    self.call("untag", "untag_resource", resourceArn=self.arn, tagKeys=to_remove)
                if to_set:
                    self.call("tag", "tag_resource", resourceArn=self.arn, tags=to_set)
                after["tags"] = {**{k: v for k, v in before["tags"].items() if k not in to_remove}, **to_set}
        if params["base_path_mappings"] is not None:
            after["base_path_mappings"] = self.converge_mappings(after["base_path_mappings"])
        return after

    def converge_mappings(self, have):
        params = self.params
        have = {m["base_path"]: m for m in have}
        want = {
            _path(m["base_path"]): {**m, "base_path": _path(m["base_path"])}
            for m in params["base_path_mappings"]
        }
        result = dict(have)
        if params["purge_base_path_mappings"]:
            for path in sorted(set(have) - set(want)):
                self.call(
                    f"mapping {path or '/'} deleted",
                    "delete_base_path_mapping",
                    domainName=self.name,
                    basePath=path or ROOT,
                )
                del result[path]
        for path, mapping in sorted(want.items()):
            if path not in have:
                kwargs = {
                    "domainName": self.name,
                    "restApiId": mapping["rest_api_id"],
                    "stage": mapping["stage"],
                }
                if path:
                    kwargs["basePath"] = path
                self.call(f"mapping {path or '/'} added", "create_base_path_mapping", **kwargs)
            elif have[path] != mapping:
                patches = []
                if have[path]["rest_api_id"] != mapping["rest_api_id"]:
                    patches.append({"op": "replace", "path": "/restapiId", "value": mapping["rest_api_id"]})
                if have[path]["stage"] != mapping["stage"]:
                    patches.append({"op": "replace", "path": "/stage", "value": mapping["stage"]})
                self.call(
                    f"mapping {path or '/'} updated",
                    "update_base_path_mapping",
                    domainName=self.name,
                    basePath=path or ROOT,
                    patchOperations=patches,
                )
            result[path] = mapping
        return sorted(result.values(), key=lambda m: m["base_path"])

    def absent(self, before):
        if before is None:
            return
        self.changes.append("delete")
        if self.module.check_mode:
            return
        try:
            self.client.delete_domain_name(aws_retry=True, domainName=self.name)
        except is_boto3_error_code("NotFoundException"):
            pass
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            self.fail(e, "delete")


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "domain_name": {"type": "str", "required": True},
            "regional_certificate_arn": {"type": "str"},
            "endpoint_type": {"type": "str", "choices": ["REGIONAL"], "default": "REGIONAL"},
            "security_policy": {"type": "str", "choices": ["TLS_1_0", "TLS_1_2"], "default": "TLS_1_2"},
            "base_path_mappings": {
                "type": "list",
                "elements": "dict",
                "options": {
                    "rest_api_id": {"type": "str", "required": True},
                    "stage": {"type": "str", "required": True},
                    "base_path": {"type": "str", "default": ""},
                },
            },
            "purge_base_path_mappings": {"type": "bool", "default": True},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "tags": {"type": "dict", "aliases": ["resource_tags"]},
            "purge_tags": {"type": "bool", "default": True},
        },
        supports_check_mode=True,
    )
    manager = DomainName(module)
    before = manager.read()
    if module.params["state"] == "absent":
        manager.absent(before)
        after = {}
    else:
        after = manager.present(before)
    module.exit_json(
        changed=bool(manager.changes),
        domain=after,
        changes=manager.changes,
        diff={"before": before or {}, "after": after},
    )


if __name__ == "__main__":
    main()
