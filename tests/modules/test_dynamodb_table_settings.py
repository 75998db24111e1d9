"""fastish.platform.dynamodb_table_settings against the local cloud (moto with the project's patches)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.modules.support import make_tenant_table, module

HOST = "local-bootstrap"
TABLE = "acme-web-portal-items"
SSE_PATCH = "dynamodb-update-table-sse"


def _run(cloud, tmp_path, params, *args):
    return module(cloud, tmp_path, "dynamodb_table_settings", params, *args, host=HOST)


@pytest.fixture
def ddb(cloud):
    return make_tenant_table(cloud, TABLE)


@pytest.fixture
def keys(cloud):
    kms = cloud.client("kms")
    return [kms.create_key(Description=f"key {i}")["KeyMetadata"]["Arn"] for i in range(2)]


@pytest.fixture
def sse_capable(cloud):
    """UpdateTable SSESpecification needs the local cloud patch; say so instead of failing obscurely."""
    patches = cloud.health().get("patches", [])
    assert SSE_PATCH in patches, (
        f"the local cloud lacks the patch {SSE_PATCH} (moto 5.2.5 UpdateTable ignores SSESpecification)"
    )


def _state(ddb):
    table = ddb.describe_table(TableName=TABLE)["Table"]
    pitr = ddb.describe_continuous_backups(TableName=TABLE)["ContinuousBackupsDescription"]
    return {
        "sse": table.get("SSEDescription"),
        "pitr": pitr["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"],
        "deletion_protection": table["DeletionProtectionEnabled"],
    }


def _all_on(key):
    return {
        "table": TABLE,
        "sse": {"enabled": True, "kms_key_arn": key},
        "point_in_time_recovery": True,
        "deletion_protection": True,
    }


def test_sets_everything_then_changes_nothing(cloud, tmp_path, ddb, keys, sse_capable):
    result = _run(cloud, tmp_path, _all_on(keys[0]), "--diff")
    assert result["changed"] is True, result
    assert sorted(result["changes"]) == ["deletion_protection", "point_in_time_recovery", "sse"]
    assert result["settings"] == {
        "sse": {"enabled": True, "kms_key_arn": keys[0], "status": "ENABLED"},
        "point_in_time_recovery": True,
        "deletion_protection": True,
    }
    assert result["diff"]["before"]["deletion_protection"] is False
    assert result["diff"]["after"] == result["settings"]
    assert result["table_arn"].endswith(f":table/{TABLE}")
    assert result["table_exists"] is True
    assert _state(ddb) == {
        "sse": {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": keys[0]},
        "pitr": "ENABLED",
        "deletion_protection": True,
    }
    with pytest.raises(ClientError):  # protection is real
        ddb.delete_table(TableName=TABLE)

    cloud.reset_requests()
    again = _run(cloud, tmp_path, _all_on(keys[0]))
    assert again["changed"] is False, again
    assert again["changes"] == []
    assert cloud.requests()["mutating"] == 0


def test_changes_only_what_differs(cloud, tmp_path, ddb, keys, sse_capable):
    _run(cloud, tmp_path, _all_on(keys[0]))
    cloud.reset_requests()
    params = {"table": TABLE, "sse": {"enabled": True, "kms_key_arn": keys[1]}, "deletion_protection": False}
    result = _run(cloud, tmp_path, params)
    assert result["changed"] is True
    assert sorted(result["changes"]) == ["deletion_protection", "sse"]
    actions = [r["action"] for r in cloud.requests()["requests"] if r["mutating"]]
    assert actions == ["UpdateTable", "UpdateTable"], actions  # PITR untouched
    state = _state(ddb)
    assert state["sse"]["KMSMasterKeyArn"] == keys[1]
    assert state["pitr"] == "ENABLED"
    assert state["deletion_protection"] is False


def test_turns_sse_and_recovery_off(cloud, tmp_path, ddb, keys, sse_capable):
    _run(cloud, tmp_path, _all_on(keys[0]))
    params = {"table": TABLE, "sse": {"enabled": False}, "point_in_time_recovery": False}
    result = _run(cloud, tmp_path, params)
    assert sorted(result["changes"]) == ["point_in_time_recovery", "sse"]
    assert result["settings"]["sse"]["enabled"] is False
    state = _state(ddb)
    assert state["sse"] is None
    assert state["pitr"] == "DISABLED"
    assert state["deletion_protection"] is True  # not given, left alone


def test_sse_without_a_key_means_any_kms_key(cloud, tmp_path, ddb, keys, sse_capable):
    result = _run(cloud, tmp_path, {"table": TABLE, "sse": {"enabled": True}})
    assert result["changes"] == ["sse"]
    managed = _state(ddb)["sse"]["KMSMasterKeyArn"]
    assert managed not in keys  # the AWS managed key
    assert result["settings"]["sse"] == {"enabled": True, "kms_key_arn": managed, "status": "ENABLED"}
    assert _run(cloud, tmp_path, {"table": TABLE, "sse": {"enabled": True}})["changed"] is False
    _run(cloud, tmp_path, {"table": TABLE, "sse": {"enabled": True, "kms_key_arn": keys[0]}})
    assert _run(cloud, tmp_path, {"table": TABLE, "sse": {"enabled": True}})["changed"] is False
    assert _state(ddb)["sse"]["KMSMasterKeyArn"] == keys[0]


def test_options_left_out_are_left_alone(cloud, tmp_path, ddb):
    ddb.update_table(TableName=TABLE, DeletionProtectionEnabled=True)
    result = _run(cloud, tmp_path, {"table": TABLE, "point_in_time_recovery": True})
    assert result["changes"] == ["point_in_time_recovery"]
    assert result["settings"]["deletion_protection"] is True
    assert _state(ddb)["deletion_protection"] is True


def test_check_mode_reports_and_changes_nothing(cloud, tmp_path, ddb, keys):
    cloud.reset_requests()
    result = _run(cloud, tmp_path, _all_on(keys[0]), "--check", "--diff")
    assert result["changed"] is True
    assert sorted(result["changes"]) == ["deletion_protection", "point_in_time_recovery", "sse"]
    assert result["diff"]["before"]["sse"]["enabled"] is False
    assert result["diff"]["after"]["sse"] == {"enabled": True, "kms_key_arn": keys[0], "status": "ENABLED"}
    log = cloud.requests()
    assert log["count"] > 0
    assert log["mutating"] == 0, [r for r in log["requests"] if r["mutating"]]
    assert _state(ddb) == {"sse": None, "pitr": "DISABLED", "deletion_protection": False}


def test_missing_table(cloud, tmp_path, keys):
    result = _run(cloud, tmp_path, _all_on(keys[0]))
    assert result["failed"] is True
    assert f"DynamoDB table {TABLE} does not exist" in result["msg"]
    # In check mode an earlier task would have created it: report the change, warn, call nothing mutating.
    cloud.reset_requests()
    checked = _run(cloud, tmp_path, _all_on(keys[0]), "--check")
    assert checked.get("failed") is not True, checked
    assert checked["changed"] is True
    assert checked["table_exists"] is False
    assert not checked.get("warnings")
    assert cloud.requests()["mutating"] == 0


@pytest.mark.parametrize(
    "sse, message",
    [
        ({"enabled": True, "kms_key_arn": "alias/acme-web-portal-key"}, "must be a KMS key ARN"),
        (
            {"enabled": False, "kms_key_arn": "arn:aws:kms:us-east-1:123456789012:key/abc"},
            "needs sse.enabled=true",
        ),
    ],
)
def test_refuses_bad_sse(cloud, tmp_path, ddb, sse, message):
    result = _run(cloud, tmp_path, {"table": TABLE, "sse": sse})
    assert result["failed"] is True
    assert message in result["msg"]
