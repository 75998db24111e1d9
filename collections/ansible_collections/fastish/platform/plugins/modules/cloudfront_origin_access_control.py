#!/usr/bin/python
"""A CloudFront origin access control (OAC)."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: cloudfront_origin_access_control
short_description: CloudFront origin access control (OAC)
version_added: "0.1.0"
description:
  - Creates, updates or deletes a CloudFront origin access control, which lets a distribution sign its
    requests to an S3 origin (SigV4) so the bucket policy can allow only that distribution. community.aws only
    has the legacy origin access identity.
  - The control is found by its name (unique in the account); settings that differ are updated in place.
options:
  name:
    description: Name of the origin access control (unique in the account, at most 64 characters).
    type: str
    required: true
  description:
    description: Description.
    type: str
    default: ""
  origin_type:
    description: Kind of origin it is for.
    type: str
    choices: [s3, mediastore, lambda, mediapackagev2]
    default: s3
  signing_behavior:
    description: When CloudFront signs origin requests (C(always) is the recommended setting for S3).
    type: str
    choices: [always, never, no-override]
    default: always
  signing_protocol:
    description: Signing protocol.
    type: str
    choices: [sigv4]
    default: sigv4
  state:
    description: Whether the control exists. Deleting one a distribution still uses fails, saying so.
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
- name: OAC for the web bucket
  fastish.platform.cloudfront_origin_access_control:
    name: acme-web-portal-web
    description: CloudFront access to the web front-end bucket
  register: oac

- name: Delete it
  fastish.platform.cloudfront_origin_access_control:
    name: acme-web-portal-web
    state: absent
"""

RETURN = r"""
origin_access_control:
  description: The control after the run (empty when absent; in check mode before creation C(id) is null).
  returned: always
  type: dict
  contains:
    id: {description: Id of the control., type: str, sample: E2XF8PVMYJUMM}
    name: {description: Name., type: str, sample: acme-web-portal-web}
    description: {description: Description., type: str}
    origin_type: {description: Origin type., type: str, sample: s3}
    signing_behavior: {description: Signing behavior., type: str, sample: always}
    signing_protocol: {description: Signing protocol., type: str, sample: sigv4}
changes:
  description: What was (in check mode, would be) done.
  returned: always
  type: list
  elements: str
  sample: [create]
"""

import contextlib

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def _result(summary):
    return {
        "id": summary.get("Id"),
        "name": summary["Name"],
        "description": summary.get("Description") or "",
        "origin_type": summary.get("OriginAccessControlOriginType"),
        "signing_behavior": summary.get("SigningBehavior"),
        "signing_protocol": summary.get("SigningProtocol"),
    }


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "description": {"type": "str", "default": ""},
            "origin_type": {
                "type": "str",
                "choices": ["s3", "mediastore", "lambda", "mediapackagev2"],
                "default": "s3",
            },
            "signing_behavior": {
                "type": "str",
                "choices": ["always", "never", "no-override"],
                "default": "always",
            },
            "signing_protocol": {"type": "str", "choices": ["sigv4"], "default": "sigv4"},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        },
        supports_check_mode=True,
    )
    params = module.params
    name = params["name"]
    client = module.client("cloudfront", retry_decorator=AWSRetry.jittered_backoff())
    errors = (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)

    try:
        paginator = client.get_paginator("list_origin_access_controls")
        items = [
            item
            for page in paginator.paginate()
            for item in (page["OriginAccessControlList"].get("Items") or [])
            if item["Name"] == name
        ]
    except errors as e:
        module.fail_json_aws(e, msg=f"Could not list CloudFront origin access controls (looking for {name})")
    before = _result(items[0]) if items else {}
    changes = []

    if params["state"] == "absent":
        if items:
            changes.append("delete")
            if not module.check_mode:
                try:
                    etag = client.get_origin_access_control(aws_retry=True, Id=items[0]["Id"])["ETag"]
                    client.delete_origin_access_control(aws_retry=True, Id=items[0]["Id"], IfMatch=etag)
                except is_boto3_error_code("NoSuchOriginAccessControl"):
                    pass
                except is_boto3_error_code("OriginAccessControlInUse") as e:  # pylint: disable=duplicate-except
                    module.fail_json_aws(
                        e, msg=f"CloudFront origin access control {name} is still used by a distribution"
                    )
                except errors as e:  # pylint: disable=duplicate-except
                    module.fail_json_aws(e, msg=f"Could not delete CloudFront origin access control {name}")
        module.exit_json(
            changed=bool(changes),
            origin_access_control={},
            changes=changes,
            diff={"before": before, "after": {}},
        )

    config = {
        "Name": name,
        "Description": params["description"],
        "SigningProtocol": params["signing_protocol"],
        "SigningBehavior": params["signing_behavior"],
        "OriginAccessControlOriginType": params["origin_type"],
    }
    after = _result({**config, "Id": before.get("Id") if before else None})
    if not items:
        changes.append("create")
        if not module.check_mode:
            try:
                created = client.create_origin_access_control(
                    aws_retry=True, OriginAccessControlConfig=config
                )
            except errors as e:
                module.fail_json_aws(e, msg=f"Could not create CloudFront origin access control {name}")
            after["id"] = created["OriginAccessControl"]["Id"]
    else:
        after["id"] = items[0]["Id"]
        if after != before:
            changes.append("update")
            if not module.check_mode:
                try:
                    etag = client.get_origin_access_control(aws_retry=True, Id=items[0]["Id"])["ETag"]
                    client.update_origin_access_control(
                        aws_retry=True, Id=items[0]["Id"], IfMatch=etag, OriginAccessControlConfig=config
                    )
                except errors as e:
                    module.fail_json_aws(e, msg=f"Could not update CloudFront origin access control {name}")
    module.exit_json(
        changed=bool(changes),
        origin_access_control=after,
        changes=changes,
        diff={"before": before, "after": after},
    )


if __name__ == "__main__":
    main()
