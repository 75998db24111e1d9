#!/usr/bin/python
"""Count or delete every item of one partition (partition key value) of a DynamoDB table."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: dynamodb_partition
short_description: Count or delete every item of one partition of a DynamoDB table
version_added: "0.1.0"
description:
  - Works on all items whose partition key has one value, for example all data of one tenant in a table whose
    partition key is the tenant id.
  - O(state=info) counts them (Query with C(Select=COUNT), strongly consistent) and changes nothing.
  - O(state=absent) deletes them, page by page (Query for the keys, then BatchWriteItem in batches of 25;
    unprocessed items are retried with exponential backoff up to O(max_attempts) times). In check mode it only
    counts.
  - The partition key name must be the table's partition key; the value is converted to the key's attribute
    type (S or N; binary keys are not supported).
  - The table must exist. In check mode a missing table counts as empty (RV(table_exists) is then false);
    outside check mode it is an error.
options:
  table:
    description: Name of the table.
    type: str
    required: true
  partition_key_name:
    description: Name of the table's partition (hash) key attribute.
    type: str
    required: true
  partition_key_value:
    description: Value of the partition key whose items are counted or deleted (a string or a number).
    type: raw
    required: true
  state:
    description: V(info) counts the items; V(absent) deletes them.
    type: str
    choices: [info, absent]
    default: info
  max_attempts:
    description: How often one batch of deletions is sent before unprocessed items fail the task.
    type: int
    default: 8
author:
  - fastish maintainers
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: How much data does initech still have in the items table?
  fastish.platform.dynamodb_partition:
    table: acme-web-portal-items
    partition_key_name: tenant_id
    partition_key_value: initech
    state: info
  register: initech_items

- name: Purge the data of the offboarded tenant initech
  fastish.platform.dynamodb_partition:
    table: acme-web-portal-items
    partition_key_name: tenant_id
    partition_key_value: initech
    state: absent
"""

RETURN = r"""
table:
  description: Name of the table.
  returned: always
  type: str
  sample: acme-web-portal-items
partition_key_name:
  description: Name of the partition key.
  returned: always
  type: str
  sample: tenant_id
partition_key_value:
  description: The partition key value, as given.
  returned: always
  type: raw
  sample: initech
table_exists:
  description: Whether the table exists. Always true outside check mode, where a missing table fails the task.
  returned: always
  type: bool
count:
  description: Items of the partition found before any deletion.
  returned: always
  type: int
  sample: 42
deleted:
  description: Items deleted (always 0 with O(state=info) and in check mode).
  returned: always
  type: int
  sample: 42
"""

import contextlib
import time
from decimal import Decimal, InvalidOperation

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.fastish.platform.plugins.module_utils.dynamodb import client as dynamodb_client
from ansible_collections.fastish.platform.plugins.module_utils.dynamodb import describe_table, missing_table

BATCH = 25  # BatchWriteItem limit


def _key_value(module, table, name, attr_type, value):
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        module.fail_json(msg=f"partition_key_value of DynamoDB table {table} must be a string or a number")
    if attr_type == "S":
        return {"S": str(value)}
    if attr_type == "N":
        try:
            return {"N": str(Decimal(str(value)))}
        except InvalidOperation:
            module.fail_json(msg=f"partition key {name} of DynamoDB table {table} is a number, got {value!r}")
    module.fail_json(
        msg=f"partition key {name} of DynamoDB table {table} has type {attr_type}; only S and N are supported"
    )
    return None  # not reached


def _query(module, ddb, table, **params):
    """Yield the pages of a Query (strongly consistent)."""
    start = None
    while True:
        page_params = dict(params, ExclusiveStartKey=start) if start else params
        try:
            page = ddb.query(aws_retry=True, TableName=table, ConsistentRead=True, **page_params)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg=f"Could not query DynamoDB table {table}")
        yield page
        start = page.get("LastEvaluatedKey")
        if not start:
            return


def _delete_batch(module, ddb, table, keys, deleted):
    requests = [{"DeleteRequest": {"Key": key}} for key in keys]
    attempts = module.params["max_attempts"]
    for attempt in range(attempts):
        try:
            response = ddb.batch_write_item(aws_retry=True, RequestItems={table: requests})
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg=f"Could not delete items of DynamoDB table {table}", deleted=deleted)
        unprocessed = response.get("UnprocessedItems", {}).get(table, [])
        deleted += len(requests) - len(unprocessed)
        if not unprocessed:
            return deleted
        requests = unprocessed
        if attempt + 1 < attempts:
            time.sleep(min(0.1 * 2**attempt, 5))
    module.fail_json(
        msg=f"{len(requests)} items of DynamoDB table {table} were still unprocessed "
        f"after {attempts} attempts",
        deleted=deleted,
    )
    return deleted  # not reached


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "table": {"type": "str", "required": True},
            "partition_key_name": {"type": "str", "required": True, "no_log": False},
            "partition_key_value": {"type": "raw", "required": True, "no_log": False},
            "state": {"type": "str", "choices": ["info", "absent"], "default": "info"},
            "max_attempts": {"type": "int", "default": 8},
        },
        supports_check_mode=True,
    )
    table, name = module.params["table"], module.params["partition_key_name"]
    value, state = module.params["partition_key_value"], module.params["state"]
    if module.params["max_attempts"] < 1:
        module.fail_json(msg="max_attempts must be at least 1")
    result = {
        "changed": False,
        "table": table,
        "table_exists": True,
        "partition_key_name": name,
        "partition_key_value": value,
    }
    ddb = dynamodb_client(module)

    described = describe_table(module, ddb, table)
    if described is None:
        missing_table(
            module, table, f"{'delete' if state == 'absent' else 'count'} the items of partition {value}"
        )
        result["table_exists"] = False
        module.exit_json(count=0, deleted=0, **result)

    schema = {k["KeyType"]: k["AttributeName"] for k in described["KeySchema"]}
    if schema.get("HASH") != name:
        module.fail_json(
            msg=f"{name} is not the partition key of DynamoDB table {table} "
            f"(its partition key is {schema.get('HASH')})"
        )
    types = {a["AttributeName"]: a["AttributeType"] for a in described["AttributeDefinitions"]}
    names = {"#pk": name}
    if "RANGE" in schema:
        names["#sk"] = schema["RANGE"]
    query = {
        "KeyConditionExpression": "#pk = :pk",
        "ExpressionAttributeValues": {":pk": _key_value(module, table, name, types.get(name), value)},
    }

    if state == "info" or module.check_mode:
        count = sum(
            page.get("Count", 0)
            for page in _query(
                module, ddb, table, Select="COUNT", ExpressionAttributeNames={"#pk": name}, **query
            )
        )
        result.update(count=count, deleted=0, changed=state == "absent" and count > 0)
    else:
        count = deleted = 0
        projection = ", ".join(names)
        for page in _query(
            module, ddb, table, ProjectionExpression=projection, ExpressionAttributeNames=names, **query
        ):
            keys = page.get("Items", [])
            count += len(keys)
            for start in range(0, len(keys), BATCH):
                deleted = _delete_batch(module, ddb, table, keys[start : start + BATCH], deleted)
        result.update(count=count, deleted=deleted, changed=deleted > 0)

    if module._diff and state == "absent" and result["changed"]:
        result["diff"] = {"before": {"items": result["count"]}, "after": {"items": 0}}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
