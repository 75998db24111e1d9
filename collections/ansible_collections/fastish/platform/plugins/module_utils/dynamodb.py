# Copyright: fastish maintainers
# Apache License 2.0 (see the collection's galaxy.yml)
"""Shared helpers of the fastish.platform DynamoDB modules.

- ``describe_table``: DescribeTable, ``None`` when the table does not exist.
- ``wait_table_settled``: poll until the table is ACTIVE and no SSE / index change is in progress.
- ``to_attribute_values`` / ``from_attribute_values``: plain Ansible data <-> DynamoDB attribute values
  (boto3's TypeSerializer / TypeDeserializer; floats become Decimals on the way in, Decimals become
  int / float on the way out so results are JSON-safe).
- ``missing_table``: the common answer to a table that does not exist (fail, or in check mode carry on
  as if an earlier task of the same run had created it).
"""

from __future__ import annotations

import contextlib
import time
from decimal import Decimal

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing boto3 / botocore
    import botocore
    from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# Transient errors of the DynamoDB control plane worth retrying (a table that is being updated refuses
# a second update with ResourceInUseException; backups are unavailable for a while after creation).
RETRY_CODES = [
    "LimitExceededException",
    "ResourceInUseException",
    "ContinuousBackupsUnavailableException",
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
]

# Statuses that mean "a change is still being applied".
_BUSY = {"CREATING", "UPDATING", "ENABLING", "DISABLING", "DELETING"}


def client(module):
    """A DynamoDB client whose calls retry transient errors when given ``aws_retry=True``."""
    return module.client(
        "dynamodb", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES)
    )


def describe_table(module, ddb, name):
    """The ``Table`` of DescribeTable, or ``None`` when there is no such table."""
    try:
        return ddb.describe_table(aws_retry=True, TableName=name)["Table"]
    except is_boto3_error_code("ResourceNotFoundException"):
        return None
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Could not describe DynamoDB table {name}")
    return None  # not reached: fail_json_aws exits


def table_busy(table):
    """True while the table, its SSE or one of its global indexes is changing."""
    if table.get("TableStatus") in _BUSY:
        return True
    if (table.get("SSEDescription") or {}).get("Status") in _BUSY:
        return True
    return any(index.get("IndexStatus") in _BUSY for index in table.get("GlobalSecondaryIndexes") or [])


def wait_table_settled(module, ddb, name, timeout, delay=5):
    """Poll DescribeTable until the table is settled; fail naming the table after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        table = describe_table(module, ddb, name)
        if table is None:
            module.fail_json(msg=f"DynamoDB table {name} disappeared while waiting for it to become ACTIVE")
        if not table_busy(table):
            return table
        if time.monotonic() >= deadline:
            module.fail_json(
                msg=f"DynamoDB table {name} is still {table.get('TableStatus')} after {timeout} seconds",
                table_status=table.get("TableStatus"),
            )
        time.sleep(delay)


def missing_table(module, name, what):
    """A table that does not exist: fail, except in check mode (an earlier task would have created it).

    Returns only in check mode; the caller then reports what it would do, with ``table_exists: false``.
    No warning: amazon.aws's AnsibleAWSModule turns every warning into a deprecation notice on
    ansible-core 2.19, and check runs of new releases would be full of them.
    """
    if not module.check_mode:
        module.fail_json(msg=f"DynamoDB table {name} does not exist; cannot {what}")


def _to_dynamo(value):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {str(k): _to_dynamo(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_dynamo(v) for v in value]
    return value


def to_attribute_values(data):
    """Plain dict (str, int, float, bool, None, list, dict) -> DynamoDB attribute value map."""
    serializer = TypeSerializer()
    return {str(k): serializer.serialize(_to_dynamo(v)) for k, v in data.items()}


def to_plain(value):
    """Deserialized DynamoDB data -> JSON-safe Python (Decimal -> int/float, sets -> sorted lists)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((to_plain(v) for v in value), key=repr)
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, Binary):
        return value.value.decode("utf-8", errors="replace")
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    return value


def from_attribute_values(attributes):
    """DynamoDB attribute value map -> plain dict (see ``to_plain``)."""
    deserializer = TypeDeserializer()
    return {k: to_plain(deserializer.deserialize(v)) for k, v in (attributes or {}).items()}


def comparable(data):
    """Plain data normalised for comparison (numbers compare by value, as DynamoDB stores them)."""
    if isinstance(data, bool) or data is None:
        return data
    if isinstance(data, (int, float, Decimal)):
        return Decimal(repr(data)) if isinstance(data, float) else Decimal(data)
    if isinstance(data, dict):
        return {str(k): comparable(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [comparable(v) for v in data]
    return data
