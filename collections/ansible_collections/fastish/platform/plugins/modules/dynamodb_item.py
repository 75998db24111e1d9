#!/usr/bin/python
"""One item of a DynamoDB table, given as plain data."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: dynamodb_item
short_description: Create, update or delete one item of a DynamoDB table
version_added: "0.1.0"
description:
  - Makes sure one item, identified by its primary key, exists with the given attributes, or does not exist.
  - Key and attributes are plain data (strings, numbers, booleans, null, lists, dicts); the module converts
    them to DynamoDB attribute values (boto3 TypeSerializer; a YAML list becomes a DynamoDB list C(L), a dict
    a map C(M), a float a number C(N)).
  - Reads the item first (GetItem, strongly consistent) and writes only when it differs. Numbers compare by
    value (C(1) equals C(1.0)).
  - The table must exist. In check mode a missing table is taken as the empty table an earlier task of the
    same run would have created (RV(table_exists) is then false); outside check mode it is an error.
options:
  table:
    description: Name of the table.
    type: str
    required: true
  key:
    description:
      - "The item's primary key as plain data, e.g. C({tenant_id: globex}) or
        C({tenant_id: globex, sk: profile}). It must name exactly the table's key attributes, with values of
        their types."
    type: dict
    required: true
  item:
    description:
      - The item's other attributes as plain data. Key attributes may be repeated here only with the same
        values.
      - Ignored with O(state=absent).
    type: dict
    default: {}
  purge_attributes:
    description:
      - With V(true) the item is written as exactly O(key) plus O(item) (PutItem); attributes that other
        writers added are removed.
      - With V(false) only the attributes in O(item) are compared and set (UpdateItem SET); other attributes
        are kept.
    type: bool
    default: true
  state:
    description: Whether the item exists.
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
- name: Tenant record of globex
  fastish.platform.dynamodb_item:
    table: acme-web-portal-tenants
    key:
      tenant_id: globex
    item:
      name: Globex Corporation
      tier: enterprise
      status: active
    purge_attributes: false  # keep what the application wrote on the record

- name: Remove the record of an offboarded tenant
  fastish.platform.dynamodb_item:
    table: acme-web-portal-tenants
    key:
      tenant_id: initech
    state: absent
"""

RETURN = r"""
key:
  description: The item's key, as given.
  returned: always
  type: dict
  sample: {tenant_id: globex}
item:
  description:
    - The whole item after the run (key included) as plain data, or an empty dict when it does not exist.
    - In check mode, the item as the run would leave it.
  returned: always
  type: dict
  sample: {tenant_id: globex, name: Globex Corporation, tier: enterprise, status: active}
exists:
  description: Whether the item exists after the run (in check mode, would exist).
  returned: always
  type: bool
table_exists:
  description: Whether the table exists. Always true outside check mode, where a missing table fails the task.
  returned: always
  type: bool
"""

import contextlib

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.fastish.platform.plugins.module_utils.dynamodb import client as dynamodb_client
from ansible_collections.fastish.platform.plugins.module_utils.dynamodb import (
    comparable,
    from_attribute_values,
    missing_table,
    to_attribute_values,
)


def _get(module, ddb, table, key):
    """(exists_table, item or None)."""
    try:
        response = ddb.get_item(
            aws_retry=True, TableName=table, Key=to_attribute_values(key), ConsistentRead=True
        )
    except is_boto3_error_code("ResourceNotFoundException"):
        return False, None
    except is_boto3_error_code("ValidationException") as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"The key {key} does not fit the key schema of DynamoDB table {table}")
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Could not read item {key} of DynamoDB table {table}")
    except (TypeError, ValueError) as e:  # serialization of the key
        module.fail_json(msg=f"Cannot use key {key} as DynamoDB attribute values: {e}")
    return True, (from_attribute_values(response["Item"]) if "Item" in response else None)


def _write(module, ddb, table, key, desired, current):
    """PutItem (purge or new item) or UpdateItem SET of the attributes that differ."""
    try:
        if current is None or module.params["purge_attributes"]:
            ddb.put_item(aws_retry=True, TableName=table, Item=to_attribute_values(desired))
            return
        names, values, sets = {}, {}, []
        for i, (attr, value) in enumerate(sorted(module.params["item"].items())):
            if attr in key or comparable(current.get(attr, object())) == comparable(value):
                continue
            names[f"#a{i}"] = attr
            values[f":v{i}"] = to_attribute_values({attr: value})[attr]
            sets.append(f"#a{i} = :v{i}")
        ddb.update_item(
            aws_retry=True,
            TableName=table,
            Key=to_attribute_values(key),
            UpdateExpression="SET " + ", ".join(sets),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
        )
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Could not write item {key} of DynamoDB table {table}")


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "table": {"type": "str", "required": True},
            "key": {"type": "dict", "required": True, "no_log": False},
            "item": {"type": "dict", "default": {}},
            "purge_attributes": {"type": "bool", "default": True},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        },
        supports_check_mode=True,
    )
    table, key, item = module.params["table"], module.params["key"], module.params["item"] or {}
    state = module.params["state"]
    if not key:
        module.fail_json(msg=f"key must name the key attributes of the item of DynamoDB table {table}")
    clashes = sorted(a for a in key if a in item and comparable(item[a]) != comparable(key[a]))
    if clashes:
        module.fail_json(
            msg=f"item repeats key attributes {clashes} of DynamoDB table {table} with other values"
        )
    try:
        to_attribute_values({**item, **key})
    except (TypeError, ValueError) as e:
        module.fail_json(msg=f"Cannot store item {key} in DynamoDB table {table}: {e}")
    ddb = dynamodb_client(module)

    table_exists, current = _get(module, ddb, table, key)
    if not table_exists:
        missing_table(module, table, f"{'write' if state == 'present' else 'delete'} item {key}")

    if state == "present":
        desired = {**item, **key}
        if current is not None and not module.params["purge_attributes"]:
            desired = {**current, **desired}
        changed = current is None or comparable(current) != comparable(desired)
        if changed and not module.check_mode:
            _write(module, ddb, table, key, desired, current)
        after = desired
    else:
        changed = current is not None
        if changed and not module.check_mode:
            try:
                ddb.delete_item(aws_retry=True, TableName=table, Key=to_attribute_values(key))
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                module.fail_json_aws(e, msg=f"Could not delete item {key} of DynamoDB table {table}")
        after = None

    result = {
        "changed": changed,
        "key": key,
        "item": after or {},
        "exists": after is not None,
        "table_exists": table_exists,
    }
    if module._diff:
        result["diff"] = {"before": current or {}, "after": after or {}}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
