#!/usr/bin/python
"""On-demand backup of a DynamoDB table, idempotent by table and backup name."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: dynamodb_backup
short_description: On-demand backup of a DynamoDB table
version_added: "0.1.0"
description:
  - Creates an on-demand backup (CreateBackup) of a DynamoDB table under a given name, for example before a
    confirmed deletion of the table.
  - Idempotent by table and name. An on-demand backup of the table with that name that is AVAILABLE or
    CREATING, taken after the table was created, counts as done; a DELETED one does not, and neither does a
    backup of an earlier table of the same name (deleted and created again since). When several match, the
    newest is returned.
  - With O(wait), waits until the backup is AVAILABLE, so that the table can be deleted safely afterwards.
  - The table must exist. In check mode a missing table is reported as changed (an earlier task of the same
    run would have created it) with RV(table_exists) false; outside check mode it is an error.
options:
  table:
    description: Name of the table to back up.
    type: str
    required: true
  backup_name:
    description: Name of the backup (3 to 255 characters of C([a-zA-Z0-9_.-])).
    type: str
    required: true
    aliases: [name]
  wait:
    description: Wait until the backup is AVAILABLE.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for the backup to become AVAILABLE.
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
- name: Final backup before the table is deleted
  fastish.platform.dynamodb_backup:
    table: acme-web-portal-items
    backup_name: acme-web-portal-items-final
  register: final_backup

- name: Show where it is
  ansible.builtin.debug:
    msg: "{{ final_backup.backup_arn }}"
"""

RETURN = r"""
backup_arn:
  description: ARN of the backup; absent in check mode when the backup would be created.
  returned: when the backup exists
  type: str
  sample: arn:aws:dynamodb:us-east-1:123456789012:table/acme-web-portal-items/backup/01795309688967-962e4649
table_exists:
  description: Whether the table exists. Always true outside check mode, where a missing table fails the task.
  returned: always
  type: bool
backup:
  description: The backup; absent in check mode when the backup would be created.
  returned: when the backup exists
  type: dict
  contains:
    arn: {description: ARN of the backup., type: str}
    name: {description: Name of the backup., type: str, sample: acme-web-portal-items-final}
    status: {description: CREATING, AVAILABLE or DELETED., type: str, sample: AVAILABLE}
    type: {description: USER for on-demand backups., type: str, sample: USER}
    table_name: {description: Name of the table backed up., type: str}
    table_arn: {description: ARN of the table backed up., type: str}
    size_bytes: {description: Size of the backup in bytes (once known)., type: int}
    creation_date_time: {description: When the backup was requested (ISO 8601)., type: str}
"""

import contextlib
import re
import time

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.fastish.platform.plugins.module_utils.dynamodb import client as dynamodb_client
from ansible_collections.fastish.platform.plugins.module_utils.dynamodb import describe_table, missing_table

_NAME = re.compile(r"^[a-zA-Z0-9_.-]{3,255}$")
_LIVE = ("AVAILABLE", "CREATING")


def _summary(raw):
    created = raw.get("BackupCreationDateTime")
    return {
        "arn": raw["BackupArn"],
        "name": raw["BackupName"],
        "status": raw.get("BackupStatus"),
        "type": raw.get("BackupType"),
        "table_name": raw.get("TableName"),
        "table_arn": raw.get("TableArn"),
        "size_bytes": raw.get("BackupSizeBytes"),
        "creation_date_time": created.isoformat() if hasattr(created, "isoformat") else created,
    }


def _find(module, ddb, table, name, created):
    """The newest live backup called ``name`` of this incarnation of the table (taken since ``created``)."""
    found = []
    try:
        for page in ddb.get_paginator("list_backups").paginate(TableName=table, BackupType="USER"):
            found += [b for b in page.get("BackupSummaries", []) if b.get("BackupName") == name]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Could not list the backups of DynamoDB table {table}")
    live = [
        b
        for b in found
        if b.get("BackupStatus") in _LIVE
        and (created is None or b.get("BackupCreationDateTime", created) >= created)
    ]
    if not live:
        return None
    created = "BackupCreationDateTime"
    return max(live, key=lambda b: (b.get(created) is not None, b.get(created) or 0))


def _wait_available(module, ddb, table, backup):
    deadline = time.monotonic() + module.params["wait_timeout"]
    while backup.get("BackupStatus") != "AVAILABLE":
        if backup.get("BackupStatus") not in _LIVE:
            module.fail_json(
                msg=f"Backup {backup['BackupName']} of DynamoDB table {table} is "
                f"{backup.get('BackupStatus')}",
                backup=_summary(backup),
            )
        if time.monotonic() >= deadline:
            module.fail_json(
                msg=f"Backup {backup['BackupName']} of DynamoDB table {table} is still "
                f"{backup.get('BackupStatus')} after {module.params['wait_timeout']} seconds",
                backup=_summary(backup),
            )
        time.sleep(5)
        try:
            details = ddb.describe_backup(aws_retry=True, BackupArn=backup["BackupArn"])["BackupDescription"]
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg=f"Could not describe backup {backup['BackupArn']}")
        backup = {**details["BackupDetails"], **details.get("SourceTableDetails", {})}
    return backup


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "table": {"type": "str", "required": True},
            "backup_name": {"type": "str", "required": True, "aliases": ["name"]},
            "wait": {"type": "bool", "default": True},
            "wait_timeout": {"type": "int", "default": 900},
        },
        supports_check_mode=True,
    )
    table, name = module.params["table"], module.params["backup_name"]
    if not _NAME.match(name):
        module.fail_json(
            msg=f"backup_name {name!r} must be 3 to 255 characters of letters, digits, '_', '.' or '-'"
        )
    ddb = dynamodb_client(module)

    described = describe_table(module, ddb, table)
    if described is None:
        missing_table(module, table, f"back it up as {name}")
        result = {"changed": True, "table_exists": False}
        if module._diff:
            result["diff"] = {"before": {}, "after": {"name": name, "table": table}}
        module.exit_json(**result)

    backup = _find(module, ddb, table, name, described.get("CreationDateTime"))
    changed = backup is None
    if changed and module.check_mode:
        result = {"changed": True, "table_exists": True}
        if module._diff:
            result["diff"] = {"before": {}, "after": {"name": name, "table": table}}
        module.exit_json(**result)
    if changed:
        try:
            details = ddb.create_backup(aws_retry=True, TableName=table, BackupName=name)["BackupDetails"]
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg=f"Could not back up DynamoDB table {table} as {name}")
        backup = {**details, "TableName": table, "TableArn": described["TableArn"]}
    if module.params["wait"] and not module.check_mode:
        backup = _wait_available(module, ddb, table, backup)

    summary = _summary(backup)
    summary["table_name"] = summary["table_name"] or table
    summary["table_arn"] = summary["table_arn"] or described["TableArn"]
    result = {"changed": changed, "table_exists": True, "backup_arn": summary["arn"], "backup": summary}
    if changed and module._diff:
        result["diff"] = {"before": {}, "after": {"name": name, "table": table, "arn": summary["arn"]}}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
