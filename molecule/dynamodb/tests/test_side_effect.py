"""After verify, in order: check mode on the converged release changes and mutates nothing; a plain
absent keeps the tables and the tenant data in them; an unconfirmed destroy is refused; a confirmed
destroy (in check mode first: nothing mutates) backs each table up and then deletes it; absent again
changes nothing. Runs the scenario's converge playbook with the state given as extra vars."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.molecule_support import aws_client, changed_count, run_playbook
from tools.localcloud.client import LocalCloud

CONVERGE = Path(__file__).resolve().parents[1] / "converge.yml"
HOST = "acme-web-portal"
TABLES = ["acme-web-portal-tenants", "acme-web-portal-items"]
ITEM = {"tenant_id": {"S": "globex"}, "sk": {"S": "doc#1"}, "title": {"S": "must survive a plain absent"}}
DESTROY = {"dynamodb_state": "absent", "dynamodb_destroy_data": True, "dynamodb_destroy_confirm": HOST}


def _absent(extra=None, *args):
    return run_playbook(CONVERGE, "-e", json.dumps({"dynamodb_state": "absent", **(extra or {})}), *args)


def _tables():
    return sorted(set(aws_client("dynamodb").list_tables()["TableNames"]) & set(TABLES))


def _final_backups():
    summaries = aws_client("dynamodb").list_backups(BackupType="USER")["BackupSummaries"]
    return {b["TableName"]: b for b in summaries if b["BackupName"].endswith("-final")}


@pytest.fixture(scope="module")
def localcloud():
    port = int(os.environ.get("FASTISH_LOCALCLOUD_PORT", "5400"))
    root = Path(__file__).resolve().parents[3]
    return LocalCloud(
        port=port, state_dir=Path(os.environ.get("FASTISH_LOCALCLOUD_DIR", str(root / ".localcloud")))
    )


def test_0_check_mode_on_the_converged_release_changes_nothing(localcloud):
    localcloud.reset_requests()
    rc, out = run_playbook(CONVERGE, "--check")
    assert rc == 0, out[-4000:]
    assert changed_count(out, HOST) == 0
    log = localcloud.requests()
    assert log["count"] > 0
    assert log["mutating"] == 0, [r["action"] for r in log["requests"] if r["mutating"]]


def test_1_put_a_tenant_item():
    ddb = aws_client("dynamodb")
    ddb.put_item(TableName="acme-web-portal-items", Item=ITEM)
    assert (
        ddb.get_item(TableName="acme-web-portal-items", Key={k: ITEM[k] for k in ("tenant_id", "sk")})["Item"]
        == ITEM
    )


def test_2_absent_keeps_the_tables_and_their_data():
    rc, out = _absent()
    assert rc == 0, out[-4000:]
    assert changed_count(out, HOST) == 0
    assert "kept the DynamoDB tables" in out
    assert _tables() == sorted(TABLES)
    ddb = aws_client("dynamodb")
    assert (
        ddb.get_item(TableName="acme-web-portal-items", Key={k: ITEM[k] for k in ("tenant_id", "sk")})["Item"]
        == ITEM
    )
    for table in TABLES:
        assert ddb.describe_table(TableName=table)["Table"]["DeletionProtectionEnabled"] is True
    assert _final_backups() == {}


def test_3_an_unconfirmed_destroy_is_refused():
    rc, out = _absent({"dynamodb_destroy_data": True})
    assert rc != 0
    assert f"dynamodb_destroy_confirm={HOST}" in out
    assert _tables() == sorted(TABLES)


def test_4_the_destroy_in_check_mode_mutates_nothing(localcloud):
    localcloud.reset_requests()
    rc, out = _absent(DESTROY, "--check")
    assert rc == 0, out[-4000:]
    assert changed_count(out, HOST) > 0
    log = localcloud.requests()
    assert log["mutating"] == 0, [r["action"] for r in log["requests"] if r["mutating"]]
    assert _tables() == sorted(TABLES)
    assert _final_backups() == {}


def test_5_a_confirmed_destroy_backs_up_then_deletes():
    rc, out = _absent(DESTROY)
    assert rc == 0, out[-4000:]
    assert _tables() == []
    backups = _final_backups()
    assert sorted(backups) == sorted(TABLES)
    for table, backup in backups.items():
        assert backup["BackupName"] == f"{table}-final"
        assert backup["BackupStatus"] == "AVAILABLE"
    # The backup holds the data: restore it next to the deleted table and read the item back.
    ddb = aws_client("dynamodb")
    ddb.restore_table_from_backup(
        TargetTableName="restored-items", BackupArn=backups["acme-web-portal-items"]["BackupArn"]
    )
    try:
        key = {k: ITEM[k] for k in ("tenant_id", "sk")}
        assert ddb.get_item(TableName="restored-items", Key=key)["Item"] == ITEM
    finally:
        ddb.delete_table(TableName="restored-items")


def test_6_absent_again_changes_nothing():
    for extra in (DESTROY, {}):
        rc, out = _absent(extra)
        assert rc == 0, out[-4000:]
        assert changed_count(out, HOST) == 0
    assert _tables() == []
    assert len(_final_backups()) == len(TABLES)
