#!/usr/bin/python
"""SSE-KMS, point-in-time recovery and deletion protection of an existing DynamoDB table."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: dynamodb_table_settings
short_description: Encryption, point-in-time recovery and deletion protection of a DynamoDB table
version_added: "0.1.0"
description:
  - Converges the settings of an existing DynamoDB table that M(community.aws.dynamodb_table) (10.0.0) cannot
    manage, namely server-side encryption with a KMS key (UpdateTable C(SSESpecification)), point-in-time
    recovery (UpdateContinuousBackups) and deletion protection (UpdateTable C(DeletionProtectionEnabled)).
  - Reads the current state first (DescribeTable, DescribeContinuousBackups) and changes only what differs.
    An option left out is left as it is.
  - Every change waits for the table to be ACTIVE first (a table that is being updated refuses another
    update) and, with O(wait), until the change has been applied.
  - The table must exist. In check mode a missing table is taken as a new table with the defaults (no
    customer key, no point-in-time recovery, no deletion protection) that an earlier task of the same run,
    such as M(community.aws.dynamodb_table), would have created; RV(table_exists) is then false. Outside
    check mode a missing table is an error.
options:
  table:
    description: Name of the table.
    type: str
    required: true
    aliases: [name]
  sse:
    description:
      - Server-side encryption at rest.
      - C(enabled=true) with O(sse.kms_key_arn) encrypts with that customer managed key. Without
        O(sse.kms_key_arn), any KMS key counts; a table that has none gets the AWS managed key
        C(alias/aws/dynamodb). C(enabled=false) returns to the AWS owned key (the default).
    type: dict
    suboptions:
      enabled:
        description: Whether a KMS key (customer or AWS managed) encrypts the table.
        type: bool
        required: true
      kms_key_arn:
        description:
          - ARN of the customer managed KMS key (C(arn:<partition>:kms:<region>:<account>:key/<id>)). Key ids
            and aliases are refused, since DynamoDB reports the key ARN and the comparison would never match.
        type: str
  point_in_time_recovery:
    description: Whether point-in-time recovery (continuous backups) is enabled.
    type: bool
  deletion_protection:
    description: Whether the table refuses DeleteTable.
    type: bool
  wait:
    description: Wait until the changes have been applied (table ACTIVE, SSE no longer UPDATING).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for the table to become ACTIVE, before and after a change.
    type: int
    default: 900
author:
  - fastish maintainers
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Encrypt with the release key, keep 35 days of point-in-time recovery, refuse deletion
  fastish.platform.dynamodb_table_settings:
    table: acme-web-portal-items
    sse:
      enabled: true
      kms_key_arn: "{{ kms_key_arn }}"
    point_in_time_recovery: true
    deletion_protection: true

- name: Lift deletion protection before a confirmed delete
  fastish.platform.dynamodb_table_settings:
    table: acme-web-portal-items
    deletion_protection: false
"""

RETURN = r"""
table:
  description: Name of the table.
  returned: always
  type: str
  sample: acme-web-portal-items
table_arn:
  description: ARN of the table; absent in check mode when the table does not exist yet.
  returned: when the table exists
  type: str
  sample: arn:aws:dynamodb:us-east-1:123456789012:table/acme-web-portal-items
table_exists:
  description: Whether the table exists. Always true outside check mode, where a missing table fails the task.
  returned: always
  type: bool
settings:
  description: The settings after the run (in check mode, the settings the run would leave).
  returned: always
  type: dict
  contains:
    sse:
      description: Server-side encryption.
      type: dict
      contains:
        enabled: {description: True when a KMS key (customer or AWS managed) encrypts the table., type: bool}
        kms_key_arn:
          description: ARN of that key; null with the AWS owned key (in check mode also with the managed one).
          type: str
          sample: arn:aws:kms:us-east-1:123456789012:key/0f3c6c1e-0000-4000-8000-000000000000
        status: {description: SSE status reported by DynamoDB (ENABLED, UPDATING, ...) or null., type: str}
    point_in_time_recovery: {description: Whether point-in-time recovery is on (or turning on)., type: bool}
    deletion_protection: {description: Whether deletion protection is on., type: bool}
changes:
  description:
    - What was (in check mode, would be) changed, among C(sse), C(point_in_time_recovery) and
      C(deletion_protection).
  returned: always
  type: list
  elements: str
  sample: [sse, deletion_protection]
"""

import contextlib
import re

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.fastish.platform.plugins.module_utils.dynamodb import client as dynamodb_client
from ansible_collections.fastish.platform.plugins.module_utils.dynamodb import (
    describe_table,
    missing_table,
    wait_table_settled,
)

_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$")
_PITR_ON = {"ENABLED", "ENABLING"}


def _current_sse(table):
    sse = table.get("SSEDescription") or {}
    if sse.get("Status") in ("ENABLED", "ENABLING", "UPDATING") and sse.get("SSEType", "KMS") == "KMS":
        return {"enabled": True, "kms_key_arn": sse.get("KMSMasterKeyArn"), "status": sse.get("Status")}
    return {"enabled": False, "kms_key_arn": None, "status": sse.get("Status")}


def _continuous_backups(module, ddb, name):
    try:
        description = ddb.describe_continuous_backups(aws_retry=True, TableName=name)[
            "ContinuousBackupsDescription"
        ]
    except is_boto3_error_code(["TableNotFoundException", "ResourceNotFoundException"]):
        module.fail_json(msg=f"DynamoDB table {name} disappeared while reading its continuous backups")
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Could not read the continuous backups of DynamoDB table {name}")
    status = description.get("PointInTimeRecoveryDescription", {}).get("PointInTimeRecoveryStatus")
    return status in _PITR_ON


def _read(module, ddb, name, table):
    return {
        "sse": _current_sse(table),
        "point_in_time_recovery": _continuous_backups(module, ddb, name),
        "deletion_protection": bool(table.get("DeletionProtectionEnabled", False)),
    }


def _sse_differs(want, have):
    if want is None:
        return False
    if not want["enabled"]:
        return have["enabled"]
    if not have["enabled"]:
        return True
    return bool(want.get("kms_key_arn")) and want["kms_key_arn"] != have["kms_key_arn"]


def _update_table(module, ddb, name, what, **changes):
    wait_table_settled(module, ddb, name, module.params["wait_timeout"])
    try:
        ddb.update_table(aws_retry=True, TableName=name, **changes)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Could not update the {what} of DynamoDB table {name}")


def _validate(module):
    sse = module.params["sse"]
    if sse and sse.get("kms_key_arn"):
        if not sse["enabled"]:
            module.fail_json(msg="sse.kms_key_arn needs sse.enabled=true")
        if not _KEY_ARN.match(sse["kms_key_arn"]):
            module.fail_json(
                msg=f"sse.kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), "
                f"got {sse['kms_key_arn']!r}"
            )
    if module.params["wait_timeout"] < 0:
        module.fail_json(msg="wait_timeout must not be negative")


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "table": {"type": "str", "required": True, "aliases": ["name"]},
            "sse": {
                "type": "dict",
                "options": {
                    "enabled": {"type": "bool", "required": True},
                    "kms_key_arn": {"type": "str", "no_log": False},
                },
            },
            "point_in_time_recovery": {"type": "bool"},
            "deletion_protection": {"type": "bool"},
            "wait": {"type": "bool", "default": True},
            "wait_timeout": {"type": "int", "default": 900},
        },
        supports_check_mode=True,
    )
    _validate(module)
    params = module.params
    name = params["table"]
    ddb = dynamodb_client(module)

    table = describe_table(module, ddb, name)
    if table is None:
        missing_table(module, name, "change its settings")
        before = {
            "sse": {"enabled": False, "kms_key_arn": None, "status": None},
            "point_in_time_recovery": False,
            "deletion_protection": False,
        }
    else:
        before = _read(module, ddb, name, table)

    want_sse = params["sse"]
    changes = []
    if _sse_differs(want_sse, before["sse"]):
        changes.append("sse")
    for option in ("point_in_time_recovery", "deletion_protection"):
        if params[option] is not None and params[option] != before[option]:
            changes.append(option)

    after = {**before, "sse": dict(before["sse"])}
    if "sse" in changes:
        after["sse"] = {
            "enabled": want_sse["enabled"],
            "kms_key_arn": want_sse.get("kms_key_arn") if want_sse["enabled"] else None,
            "status": "ENABLED" if want_sse["enabled"] else None,
        }
    for option in ("point_in_time_recovery", "deletion_protection"):
        if option in changes:
            after[option] = params[option]

    result = {"changed": bool(changes), "table": name, "table_exists": table is not None, "changes": changes}
    if table is not None:
        result["table_arn"] = table["TableArn"]

    if changes and not module.check_mode:
        # Deletion protection first: it is instant, while an SSE change keeps the table busy for minutes.
        if "deletion_protection" in changes:
            _update_table(
                module,
                ddb,
                name,
                "deletion protection",
                DeletionProtectionEnabled=params["deletion_protection"],
            )
        if "sse" in changes:
            spec = {"Enabled": want_sse["enabled"]}
            if want_sse["enabled"]:
                spec["SSEType"] = "KMS"
                if want_sse.get("kms_key_arn"):
                    spec["KMSMasterKeyId"] = want_sse["kms_key_arn"]
            _update_table(module, ddb, name, "encryption", SSESpecification=spec)
        if "point_in_time_recovery" in changes:
            try:
                ddb.update_continuous_backups(
                    aws_retry=True,
                    TableName=name,
                    PointInTimeRecoverySpecification={
                        "PointInTimeRecoveryEnabled": params["point_in_time_recovery"]
                    },
                )
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                module.fail_json_aws(
                    e, msg=f"Could not update the point-in-time recovery of DynamoDB table {name}"
                )
        table = (
            wait_table_settled(module, ddb, name, params["wait_timeout"])
            if params["wait"]
            else describe_table(module, ddb, name)
        )
        after = _read(module, ddb, name, table)

    result["settings"] = after
    if module._diff:
        result["diff"] = {"before": before, "after": after}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
