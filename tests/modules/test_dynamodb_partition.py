"""fastish.platform.dynamodb_partition against the local cloud (moto with the project's patches)."""

from __future__ import annotations

import pytest

from tests.modules.support import make_tenant_table, module

HOST = "local-bootstrap"
TABLE = "acme-web-portal-items"


def _run(cloud, tmp_path, params, *args):
    return module(cloud, tmp_path, "dynamodb_partition", params, *args, host=HOST)


@pytest.fixture
def ddb(cloud):
    """The items table: 60 items of initech (more than two BatchWriteItem batches), 3 of globex."""
    client = make_tenant_table(cloud, TABLE, sort_key="sk")
    for tenant, count in (("initech", 60), ("globex", 3)):
        for i in range(count):
            client.put_item(
                TableName=TABLE,
                Item={"tenant_id": {"S": tenant}, "sk": {"S": f"doc#{i:03}"}, "body": {"S": "x" * 100}},
            )
    return client


def _count(ddb, tenant):
    return ddb.query(
        TableName=TABLE,
        KeyConditionExpression="tenant_id = :t",
        ExpressionAttributeValues={":t": {"S": tenant}},
        Select="COUNT",
    )["Count"]


def _params(**extra):
    return {"table": TABLE, "partition_key_name": "tenant_id", "partition_key_value": "initech", **extra}


def test_info_counts_one_partition(cloud, tmp_path, ddb):
    cloud.reset_requests()
    result = _run(cloud, tmp_path, _params())
    assert (result["changed"], result["count"], result["deleted"]) == (False, 60, 0)
    assert cloud.requests()["mutating"] == 0
    assert _run(cloud, tmp_path, _params(partition_key_value="globex"))["count"] == 3
    assert _run(cloud, tmp_path, _params(partition_key_value="nobody"))["count"] == 0


def test_check_mode_only_counts(cloud, tmp_path, ddb):
    cloud.reset_requests()
    result = _run(cloud, tmp_path, _params(state="absent"), "--check", "--diff")
    assert (result["changed"], result["count"], result["deleted"]) == (True, 60, 0)
    assert result["diff"] == {"before": {"items": 60}, "after": {"items": 0}}
    log = cloud.requests()
    assert log["mutating"] == 0, [r for r in log["requests"] if r["mutating"]]
    assert _count(ddb, "initech") == 60


def test_absent_deletes_the_partition_only_then_changes_nothing(cloud, tmp_path, ddb):
    cloud.reset_requests()
    result = _run(cloud, tmp_path, _params(state="absent"))
    assert (result["changed"], result["count"], result["deleted"]) == (True, 60, 60)
    writes = [r["action"] for r in cloud.requests()["requests"] if r["mutating"]]
    assert writes == ["BatchWriteItem"] * 3  # 25 + 25 + 10
    assert _count(ddb, "initech") == 0
    assert _count(ddb, "globex") == 3
    again = _run(cloud, tmp_path, _params(state="absent"))
    assert (again["changed"], again["count"], again["deleted"]) == (False, 0, 0)


def test_numeric_partition_keys(cloud, tmp_path):
    ddb = cloud.client("dynamodb")
    ddb.create_table(
        TableName="numbers",
        KeySchema=[{"AttributeName": "account", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "account", "AttributeType": "N"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(TableName="numbers", Item={"account": {"N": "42"}})
    params = {
        "table": "numbers",
        "partition_key_name": "account",
        "partition_key_value": 42,
        "state": "absent",
    }
    result = _run(cloud, tmp_path, params)
    assert (result["count"], result["deleted"]) == (1, 1)
    bad = _run(cloud, tmp_path, {**params, "partition_key_value": "forty-two"})
    assert bad["failed"] is True
    assert "partition key account of DynamoDB table numbers is a number" in bad["msg"]


def test_wrong_key_name_is_refused(cloud, tmp_path, ddb):
    result = _run(cloud, tmp_path, _params(partition_key_name="sk", state="absent"))
    assert result["failed"] is True
    assert (
        f"sk is not the partition key of DynamoDB table {TABLE} (its partition key is tenant_id)"
        in result["msg"]
    )
    assert _count(ddb, "initech") == 60


def test_missing_table(cloud, tmp_path):
    result = _run(cloud, tmp_path, _params(state="absent"))
    assert result["failed"] is True
    assert f"DynamoDB table {TABLE} does not exist" in result["msg"]
    checked = _run(cloud, tmp_path, _params(state="absent"), "--check")
    assert checked.get("failed") is not True, checked
    assert (checked["changed"], checked["count"]) == (False, 0)
    assert checked["table_exists"] is False
    assert not checked.get("warnings")
