#!/usr/bin/python
"""Publish a Lambda function's version, point an alias at it and set its reserved concurrency."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: lambda_release
short_description: Publish a Lambda version when the function changed, move an alias to it
version_added: "0.3.0"
description:
  - Releases what C(amazon.aws.lambda) deployed to C($LATEST) of a function. amazon.aws.lambda neither
    publishes versions nor sets reserved concurrency, and C(amazon.aws.lambda_alias) needs the version
    number in advance.
  - A version is published only when C($LATEST) differs from the newest published version in its code
    hash or its configuration (runtime, handler, role, memory, timeout, environment, VPC, architecture,
    KMS key, tracing, layers, ephemeral storage). So a second run with unchanged code and configuration
    reports no change, and every real deploy gets its own immutable version.
  - The alias O(alias) then points at that version (created if missing), so callers of the alias (API
    Gateway) switch to the new code at once and a rollback is an alias update.
  - O(reserved_concurrency) reserves (or, with V(-1), releases) concurrent executions of the function.
  - O(kms_key_arn) sets the key that encrypts the function's environment before the version is cut.
    C(amazon.aws.lambda) sends its C(kms_key_arn) on every run and so never reports a second run as
    unchanged; give the key here instead.
  - Supports check mode (only Get/List calls are made) and diff mode.
options:
  function_name:
    description: Name of the function (it must exist).
    type: str
    required: true
  alias:
    description: Name of the alias that points at the released version.
    type: str
    default: live
  description:
    description: Description given to a newly published version and to the alias.
    type: str
    default: ""
  kms_key_arn:
    description:
      - ARN of the KMS key that encrypts the function's environment variables. Omit it to leave the
        setting alone.
    type: str
  reserved_concurrency:
    description:
      - Concurrent executions reserved for the function. V(0) stops every invocation (throttles all);
        V(-1) removes the reservation (the function shares the account's unreserved pool). Omit it to
        leave the setting alone.
    type: int
author:
  - fastish maintainers
notes:
  - Versions are never deleted by this module (an alias may still point at an older one during a
    rollback). Delete the function with C(amazon.aws.lambda) to remove them all.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Release what amazon.aws.lambda deployed, behind the alias live, with 20 reserved executions
  fastish.platform.lambda_release:
    function_name: acme-web-portal-api
    alias: live
    description: "deploy {{ package.code_sha256 }}"
    kms_key_arn: arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0
    reserved_concurrency: 20

- name: Let the function use the account's unreserved pool again
  fastish.platform.lambda_release:
    function_name: acme-web-portal-api
    reserved_concurrency: -1
"""

RETURN = r"""
version:
  description: The version the alias points at (in check mode, C(new) when a version would be published).
  returned: always
  type: str
  sample: "7"
published:
  description: Whether this run published a new version.
  returned: always
  type: bool
alias_arn:
  description: ARN of the alias (C(<function arn>:<alias>)).
  returned: always
  type: str
  sample: arn:aws:lambda:us-east-1:123456789012:function:acme-web-portal-api:live
function_arn:
  description: ARN of the function without qualifier.
  returned: always
  type: str
code_sha256:
  description: Base64 SHA-256 of the released code, as Lambda reports it.
  returned: always
  type: str
reserved_concurrency:
  description: Reserved concurrent executions after the run, C(-1) when none are reserved.
  returned: always
  type: int
"""

import contextlib

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# Configuration that a published version freezes; a difference from $LATEST means a new version.
VERSIONED_FIELDS = (
    "CodeSha256",
    "Runtime",
    "Handler",
    "Role",
    "MemorySize",
    "Timeout",
    "Environment",
    "VpcConfig",
    "Architectures",
    "KMSKeyArn",
    "TracingConfig",
    "Layers",
    "EphemeralStorage",
    "DeadLetterConfig",
)
UNRESERVED = -1


def _frozen(config):
    """The versioned part of a function configuration, normalised for comparison."""
    view = {}
    for field in VERSIONED_FIELDS:
        value = config.get(field)
        if field == "VpcConfig" and value:
            value = {
                "SubnetIds": sorted(value.get("SubnetIds") or []),
                "SecurityGroupIds": sorted(value.get("SecurityGroupIds") or []),
            }
            value = value if value["SubnetIds"] or value["SecurityGroupIds"] else None
        elif field == "Layers" and value:
            value = [layer.get("Arn") for layer in value]
        elif field == "Environment" and value:
            value = value.get("Variables") or None
        view[field] = value or None
    return view


class LambdaRelease:
    def __init__(self, module):
        self.module = module
        self.client = module.client("lambda", retry_decorator=AWSRetry.jittered_backoff())
        self.name = module.params["function_name"]

    def _call(self, what, method, **params):
        try:
            return getattr(self.client, method)(aws_retry=True, **params)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            self.module.fail_json_aws(e, msg=f"Could not {what} of Lambda function {self.name}")

    def latest(self):
        try:
            return self.client.get_function_configuration(aws_retry=True, FunctionName=self.name)
        except self.client.exceptions.ResourceNotFoundException:
            self.module.fail_json(
                msg=f"Lambda function {self.name} does not exist; "
                "deploy it (amazon.aws.lambda) before releasing it"
            )
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            self.module.fail_json_aws(e, msg=f"Could not read Lambda function {self.name}")

    def newest_version(self):
        versions, marker = [], None
        while True:
            params = {"FunctionName": self.name, **({"Marker": marker} if marker else {})}
            page = self._call("list the versions", "list_versions_by_function", **params)
            versions += [v for v in page.get("Versions", []) if v.get("Version", "").isdigit()]
            marker = page.get("NextMarker")
            if not marker:
                break
        return max(versions, key=lambda v: int(v["Version"]), default=None)

    def alias(self, name):
        try:
            return self.client.get_alias(aws_retry=True, FunctionName=self.name, Name=name)
        except self.client.exceptions.ResourceNotFoundException:
            return None
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            self.module.fail_json_aws(e, msg=f"Could not read alias {name} of Lambda function {self.name}")

    def concurrency(self):
        response = self._call(
            "read the reserved concurrency", "get_function_concurrency", FunctionName=self.name
        )
        value = response.get("ReservedConcurrentExecutions")
        return UNRESERVED if value is None else int(value)


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            function_name=dict(type="str", required=True),
            alias=dict(type="str", default="live"),
            description=dict(type="str", default=""),
            reserved_concurrency=dict(type="int"),
            kms_key_arn=dict(type="str", no_log=False),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if params["reserved_concurrency"] is not None and params["reserved_concurrency"] < UNRESERVED:
        module.fail_json(
            msg=f"reserved_concurrency is {params['reserved_concurrency']}: give 0 or more executions, "
            "or -1 to remove the reservation"
        )
    release = LambdaRelease(module)
    latest = release.latest()
    function_arn = latest["FunctionArn"].split(":$LATEST")[0]
    newest = release.newest_version()

    changed = published = False
    before, after = {}, {}
    key = params["kms_key_arn"]
    if key is not None and (latest.get("KMSKeyArn") or "") != key:
        changed = True
        before["kms_key_arn"], after["kms_key_arn"] = latest.get("KMSKeyArn"), key
        if module.check_mode:
            latest = {**latest, "KMSKeyArn": key}
        else:
            release._call(
                "set the environment key",
                "update_function_configuration",
                FunctionName=release.name,
                KMSKeyArn=key,
            )
            release.client.get_waiter("function_updated_v2").wait(FunctionName=release.name)
            latest = release.latest()
    version = newest["Version"] if newest else None
    if newest is None or _frozen(newest) != _frozen(latest):
        changed = published = True
        before["version"], after["version"] = version, "new"
        if module.check_mode:
            version = "new"
        else:
            response = release._call(
                "publish a version",
                "publish_version",
                FunctionName=release.name,
                CodeSha256=latest["CodeSha256"],
                Description=params["description"],
            )
            version = response["Version"]
            published = version != (newest or {}).get("Version")
            changed = published
            after["version"] = version

    alias_name = params["alias"]
    alias = release.alias(alias_name)
    if alias is None or alias["FunctionVersion"] != version:
        changed = True
        before["alias"] = alias["FunctionVersion"] if alias else None
        after["alias"] = version
        if not module.check_mode:
            common = {"FunctionName": release.name, "Name": alias_name, "FunctionVersion": version}
            if alias is None:
                release._call("create the alias", "create_alias", Description=params["description"], **common)
            else:
                release._call("update the alias", "update_alias", Description=params["description"], **common)

    reserved = release.concurrency()
    wanted = params["reserved_concurrency"]
    if wanted is not None and wanted != reserved:
        changed = True
        before["reserved_concurrency"], after["reserved_concurrency"] = reserved, wanted
        if not module.check_mode:
            if wanted == UNRESERVED:
                release._call(
                    "remove the reserved concurrency",
                    "delete_function_concurrency",
                    FunctionName=release.name,
                )
            else:
                release._call(
                    "reserve concurrency",
                    "put_function_concurrency",
                    FunctionName=release.name,
                    ReservedConcurrentExecutions=wanted,
                )
        reserved = wanted

    module.exit_json(
        changed=changed,
        published=published,
        version=version,
        alias_arn=f"{function_arn}:{alias_name}",
        function_arn=function_arn,
        code_sha256=latest["CodeSha256"],
        reserved_concurrency=reserved,
        diff={"before": before, "after": after},
    )


if __name__ == "__main__":
    main()
