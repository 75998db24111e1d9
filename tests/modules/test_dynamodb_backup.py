"""fastish.platform.dynamodb_backup against the local cloud (moto with the project's patches)."""

from __future__ import annotations

import pytest

from tests.modules.support import make_tenant_table, module

HOST = "local-bootstrap"
TABLE = "acme-web-portal-items"


def _run(cloud, tmp_path, params, *args):
    return module(cloud, tmp_path, "dynamodb_backup", params, *args, host=HOST)


@pytest.fixture
def ddb(cloud):
    client = make_tenant_table(cloud, TABLE)
    client.put_item(TableName=TABLE, Item={"tenant_id": {"S": "globex"}})
    return client


def _backups(ddb):
    return ddb.list_backups(TableName=TABLE)["BackupSummaries"]


def test_creates_once(cloud, tmp_path, ddb):
    params = {"table": TABLE, "backup_name": f"{TABLE}-final"}
    result = _run(cloud, tmp_path, params, "--diff")
    assert result["changed"] is True, result
    (stored,) = _backups(ddb)
    assert result["backup_arn"] == stored["BackupArn"]
    assert result["backup"]["name"] == f"{TABLE}-final"
    assert result["backup"]["status"] == "AVAILABLE"
    assert result["backup"]["table_name"] == TABLE
    assert result["backup"]["table_arn"].endswith(f":table/{TABLE}")
    assert result["diff"]["after"]["arn"] == stored["BackupArn"]

    cloud.reset_requests()
    again = _run(cloud, tmp_path, params)
    assert again["changed"] is False
    assert again["backup_arn"] == stored["BackupArn"]
    assert cloud.requests()["mutating"] == 0
    assert len(_backups(ddb)) == 1


def test_another_name_is_another_backup(cloud, tmp_path, ddb):
    first = _run(cloud, tmp_path, {"table": TABLE, "backup_name": "before-migration"})
    second = _run(cloud, tmp_path, {"table": TABLE, "backup_name": "after-migration"})
    assert first["changed"] and second["changed"]
    assert first["backup_arn"] != second["backup_arn"]
    assert sorted(b["BackupName"] for b in _backups(ddb)) == ["after-migration", "before-migration"]


def test_a_deleted_backup_does_not_count(cloud, tmp_path, ddb):
    first = _run(cloud, tmp_path, {"table": TABLE, "backup_name": "nightly"})
    ddb.delete_backup(BackupArn=first["backup_arn"])
    second = _run(cloud, tmp_path, {"table": TABLE, "backup_name": "nightly"})
    assert second["changed"] is True
    assert second["backup_arn"] != first["backup_arn"]


def test_check_mode_creates_nothing(cloud, tmp_path, ddb):
    cloud.reset_requests()
    result = _run(cloud, tmp_path, {"table": TABLE, "backup_name": "final"}, "--check", "--diff")
    assert result["changed"] is True
    assert "backup_arn" not in result
    assert result["diff"] == {"before": {}, "after": {"name": "final", "table": TABLE}}
    log = cloud.requests()
    assert log["count"] > 0
    assert log["mutating"] == 0, [r for r in log["requests"] if r["mutating"]]
    assert _backups(ddb) == []


def test_missing_table(cloud, tmp_path):
    result = _run(cloud, tmp_path, {"table": TABLE, "backup_name": "final"})
    assert result["failed"] is True
    assert f"DynamoDB table {TABLE} does not exist" in result["msg"]
    checked = _run(cloud, tmp_path, {"table": TABLE, "backup_name": "final"}, "--check")
    assert checked.get("failed") is not True, checked
    assert checked["changed"] is True
    assert checked["table_exists"] is False
    assert not checked.get("warnings")


def test_refuses_an_invalid_name(cloud, tmp_path, ddb):
    result = _run(cloud, tmp_path, {"table": TABLE, "backup_name": "no spaces allowed"})
    assert result["failed"] is True
    assert "backup_name 'no spaces allowed' must be 3 to 255 characters" in result["msg"]
    assert _backups(ddb) == []


def test_a_backup_of_an_earlier_table_of_that_name_does_not_count(cloud, tmp_path, ddb):
    first = _run(cloud, tmp_path, {"table": TABLE, "backup_name": f"{TABLE}-final"})
    ddb.delete_table(TableName=TABLE)
    ddb.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "tenant_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "tenant_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    second = _run(cloud, tmp_path, {"table": TABLE, "backup_name": f"{TABLE}-final"})
    assert second["changed"] is True, "the new table's data must get its own final backup"
    assert second["backup_arn"] != first["backup_arn"]
