"""Verify roles/dynamodb on the local cloud: every table with its keys, indexes, billing, encryption
with the release key, point-in-time recovery, deletion protection, time to live and tags, and the
facts the later roles read."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from tests.molecule_support import ACCOUNT, REGION, aws_client

PREFIX = "acme-web-portal"
KEY_ALIAS = f"alias/{PREFIX}-key"
TAGS = {
    "fastish:organization": "acme",
    "fastish:team": "web",
    "fastish:release": "portal",
    "fastish:release-type": "webapp",
    "fastish:environment": "dev",
    "fastish:synthesizer": "local",
    "fastish:managed-by": "fastish",
    "fastish:cost-center": "cc-1001",
}
TABLES = {
    "tenants": {"key": [("tenant_id", "HASH", "S")], "ttl": None, "indexes": {}},
    "items": {
        "key": [("tenant_id", "HASH", "S"), ("sk", "RANGE", "S")],
        "ttl": "expires_at",
        "indexes": {"by-updated": ([("tenant_id", "HASH", "S"), ("updated_at", "RANGE", "S")], "ALL")},
    },
}


@pytest.fixture(scope="module")
def ddb():
    return aws_client("dynamodb")


@pytest.fixture(scope="module")
def release_key():
    return aws_client("kms").describe_key(KeyId=KEY_ALIAS)["KeyMetadata"]["Arn"]


def _describe(ddb, logical):
    return ddb.describe_table(TableName=f"{PREFIX}-{logical}")["Table"]


def _keys(table, schema):
    types = {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]}
    return [(k["AttributeName"], k["KeyType"], types[k["AttributeName"]]) for k in schema]


def test_only_the_declared_tables_exist(ddb):
    assert sorted(ddb.list_tables()["TableNames"]) == sorted(f"{PREFIX}-{t}" for t in TABLES)


@pytest.mark.parametrize("logical", TABLES)
def test_keys_indexes_and_on_demand_billing(ddb, logical):
    table = _describe(ddb, logical)
    assert table["TableStatus"] == "ACTIVE"
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert _keys(table, table["KeySchema"]) == TABLES[logical]["key"]
    indexes = {i["IndexName"]: i for i in table.get("GlobalSecondaryIndexes", [])}
    assert set(indexes) == set(TABLES[logical]["indexes"])
    for name, (schema, projection) in TABLES[logical]["indexes"].items():
        assert _keys(table, indexes[name]["KeySchema"]) == schema
        assert indexes[name]["Projection"]["ProjectionType"] == projection
    assert not table.get("LocalSecondaryIndexes")


@pytest.mark.parametrize("logical", TABLES)
def test_encrypted_with_the_release_key(ddb, release_key, logical):
    sse = _describe(ddb, logical)["SSEDescription"]
    assert sse == {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": release_key}


@pytest.mark.parametrize("logical", TABLES)
def test_point_in_time_recovery(ddb, logical):
    backups = ddb.describe_continuous_backups(TableName=f"{PREFIX}-{logical}")["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"


@pytest.mark.parametrize("logical", TABLES)
def test_deletion_protection(ddb, logical):
    assert _describe(ddb, logical)["DeletionProtectionEnabled"] is True
    with pytest.raises(ClientError) as exc:
        ddb.delete_table(TableName=f"{PREFIX}-{logical}")
    assert "DeletionProtectionEnabled" in str(exc.value)


@pytest.mark.parametrize("logical", TABLES)
def test_time_to_live_where_declared(ddb, logical):
    ttl = ddb.describe_time_to_live(TableName=f"{PREFIX}-{logical}")["TimeToLiveDescription"]
    if TABLES[logical]["ttl"]:
        assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": TABLES[logical]["ttl"]}
    else:
        assert ttl["TimeToLiveStatus"] == "DISABLED"


@pytest.mark.parametrize("logical", TABLES)
def test_platform_tags(ddb, logical):
    table = _describe(ddb, logical)
    tags = {t["Key"]: t["Value"] for t in ddb.list_tags_of_resource(ResourceArn=table["TableArn"])["Tags"]}
    assert tags == {**TAGS, "Name": f"{PREFIX}-{logical}"}


def test_facts_for_the_later_roles(release_key):
    facts = json.loads((Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "dynamodb-facts.json").read_text())
    arns = {t: f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{PREFIX}-{t}" for t in TABLES}
    assert facts["names"] == {t: f"{PREFIX}-{t}" for t in TABLES}
    assert facts["arns"] == arns
    assert facts["outputs"] == {
        **{f"table_{t}_name": f"{PREFIX}-{t}" for t in TABLES},
        **{f"table_{t}_arn": arn for t, arn in arns.items()},
    }
    assert facts["kms_key_arn"] == release_key


def test_tenant_items_round_trip_under_encryption(ddb):
    """The tables take tenant items and the index answers per tenant (the app's access pattern)."""
    table = f"{PREFIX}-items"
    item = {
        "tenant_id": {"S": "verify"},
        "sk": {"S": "doc#1"},
        "updated_at": {"S": "2026-11-22T00:00:00Z"},
        "expires_at": {"N": "4102444800"},
    }
    ddb.put_item(TableName=table, Item=item)
    try:
        found = ddb.query(
            TableName=table,
            IndexName="by-updated",
            KeyConditionExpression="tenant_id = :t",
            ExpressionAttributeValues={":t": {"S": "verify"}},
        )["Items"]
        assert found == [item]
    finally:
        ddb.delete_item(TableName=table, Key={"tenant_id": {"S": "verify"}, "sk": {"S": "doc#1"}})
