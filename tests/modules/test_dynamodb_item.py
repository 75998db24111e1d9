"""fastish.platform.dynamodb_item against the local cloud (moto with the project's patches)."""

from __future__ import annotations

import pytest

from tests.modules.support import make_tenant_table, module

HOST = "local-bootstrap"
TABLE = "acme-web-portal-tenants"
KEY = {"tenant_id": "globex"}
RECORD = {
    "name": "Globex Corporation",
    "tier": "enterprise",
    "seats": 25,
    "ratio": 0.5,
    "active": True,
    "note": None,
    "domains": ["globex.example", "globex.test"],
    "admin": {"email": "admin@globex.example", "invited": False},
}


def _run(cloud, tmp_path, params, *args):
    return module(cloud, tmp_path, "dynamodb_item", params, *args, host=HOST)


@pytest.fixture
def ddb(cloud):
    return make_tenant_table(cloud, TABLE)


def _stored(ddb, key=None):
    return ddb.get_item(TableName=TABLE, Key={"tenant_id": {"S": (key or KEY)["tenant_id"]}}).get("Item")


def test_creates_typed_item_then_changes_nothing(cloud, tmp_path, ddb):
    params = {"table": TABLE, "key": KEY, "item": RECORD}
    result = _run(cloud, tmp_path, params, "--diff")
    assert result["changed"] is True, result
    assert result["exists"] is True
    assert result["table_exists"] is True
    assert result["item"] == {**RECORD, **KEY}
    assert result["diff"] == {"before": {}, "after": {**RECORD, **KEY}}
    assert _stored(ddb) == {
        "tenant_id": {"S": "globex"},
        "name": {"S": "Globex Corporation"},
        "tier": {"S": "enterprise"},
        "seats": {"N": "25"},
        "ratio": {"N": "0.5"},
        "active": {"BOOL": True},
        "note": {"NULL": True},
        "domains": {"L": [{"S": "globex.example"}, {"S": "globex.test"}]},
        "admin": {"M": {"email": {"S": "admin@globex.example"}, "invited": {"BOOL": False}}},
    }
    cloud.reset_requests()
    again = _run(cloud, tmp_path, params)
    assert again["changed"] is False, again
    assert again["item"] == {**RECORD, **KEY}
    assert cloud.requests()["mutating"] == 0


def test_numbers_compare_by_value(cloud, tmp_path, ddb):
    _run(cloud, tmp_path, {"table": TABLE, "key": KEY, "item": {"seats": 25}})
    result = _run(cloud, tmp_path, {"table": TABLE, "key": KEY, "item": {"seats": 25.0}})
    assert result["changed"] is False


def test_update_replaces_the_item_by_default(cloud, tmp_path, ddb):
    _run(cloud, tmp_path, {"table": TABLE, "key": KEY, "item": RECORD})
    ddb.update_item(  # the application adds an attribute
        TableName=TABLE,
        Key={"tenant_id": {"S": "globex"}},
        UpdateExpression="SET last_login = :t",
        ExpressionAttributeValues={":t": {"S": "2026-11-22"}},
    )
    result = _run(
        cloud, tmp_path, {"table": TABLE, "key": KEY, "item": {**RECORD, "tier": "startup"}}, "--diff"
    )
    assert result["changed"] is True
    assert result["diff"]["before"]["tier"] == "enterprise"
    assert result["diff"]["before"]["last_login"] == "2026-11-22"
    assert "last_login" not in result["diff"]["after"]
    stored = _stored(ddb)
    assert stored["tier"] == {"S": "startup"}
    assert "last_login" not in stored


def test_without_purge_other_attributes_are_kept(cloud, tmp_path, ddb):
    _run(cloud, tmp_path, {"table": TABLE, "key": KEY, "item": RECORD})
    ddb.update_item(
        TableName=TABLE,
        Key={"tenant_id": {"S": "globex"}},
        UpdateExpression="SET last_login = :t",
        ExpressionAttributeValues={":t": {"S": "2026-11-22"}},
    )
    params = {"table": TABLE, "key": KEY, "item": {"tier": "startup", "seats": 25}, "purge_attributes": False}
    cloud.reset_requests()
    result = _run(cloud, tmp_path, params)
    assert result["changed"] is True
    assert [r["action"] for r in cloud.requests()["requests"] if r["mutating"]] == ["UpdateItem"]
    assert result["item"]["last_login"] == "2026-11-22"
    stored = _stored(ddb)
    assert stored["tier"] == {"S": "startup"}
    assert stored["last_login"] == {"S": "2026-11-22"}
    assert stored["name"] == {"S": "Globex Corporation"}
    assert _run(cloud, tmp_path, params)["changed"] is False


def test_check_mode_writes_nothing(cloud, tmp_path, ddb):
    cloud.reset_requests()
    result = _run(cloud, tmp_path, {"table": TABLE, "key": KEY, "item": RECORD}, "--check", "--diff")
    assert result["changed"] is True
    assert result["diff"]["after"]["tier"] == "enterprise"
    log = cloud.requests()
    assert log["count"] > 0
    assert log["mutating"] == 0, [r for r in log["requests"] if r["mutating"]]
    assert _stored(ddb) is None


def test_absent_deletes_then_changes_nothing(cloud, tmp_path, ddb):
    _run(cloud, tmp_path, {"table": TABLE, "key": KEY, "item": RECORD})
    _run(cloud, tmp_path, {"table": TABLE, "key": {"tenant_id": "initech"}, "item": {"tier": "free"}})
    cloud.reset_requests()
    checked = _run(cloud, tmp_path, {"table": TABLE, "key": KEY, "state": "absent"}, "--check")
    assert checked["changed"] is True
    assert cloud.requests()["mutating"] == 0
    result = _run(cloud, tmp_path, {"table": TABLE, "key": KEY, "state": "absent"}, "--diff")
    assert result["changed"] is True
    assert result["exists"] is False and result["item"] == {}
    assert result["diff"]["before"]["tier"] == "enterprise"
    assert _stored(ddb) is None
    assert _stored(ddb, {"tenant_id": "initech"}) is not None  # only that item
    assert _run(cloud, tmp_path, {"table": TABLE, "key": KEY, "state": "absent"})["changed"] is False


def test_missing_table(cloud, tmp_path):
    result = _run(cloud, tmp_path, {"table": TABLE, "key": KEY, "item": RECORD})
    assert result["failed"] is True
    assert f"DynamoDB table {TABLE} does not exist" in result["msg"]
    cloud.reset_requests()
    checked = _run(cloud, tmp_path, {"table": TABLE, "key": KEY, "item": RECORD}, "--check")
    assert checked.get("failed") is not True, checked
    assert checked["changed"] is True
    assert checked["table_exists"] is False
    assert not checked.get("warnings")
    assert cloud.requests()["mutating"] == 0


@pytest.mark.parametrize(
    "params, message",
    [
        ({"key": {"id": "globex"}}, f"does not fit the key schema of DynamoDB table {TABLE}"),
        ({"key": KEY, "item": {"tenant_id": "other"}}, "repeats key attributes ['tenant_id']"),
        ({"key": {}}, "key must name the key attributes"),
    ],
)
def test_errors_name_the_table(cloud, tmp_path, ddb, params, message):
    result = _run(cloud, tmp_path, {"table": TABLE, **params})
    assert result["failed"] is True
    assert message in result["msg"]
    assert _stored(ddb) is None
