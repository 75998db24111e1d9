"""DynamoItemStore against moto in-process (no network): keys, index pagination, conditions."""

from __future__ import annotations

import boto3
import pytest
from fastish_api.store import BadCursor, DynamoItemStore, NotFound, VersionConflict, encode_cursor
from fastish_api.tenancy import TenantSessions

moto = pytest.importorskip("moto")


@pytest.fixture
def store(monkeypatch):
    for key in ("AWS_ENDPOINT_URL", "AWS_CA_BUNDLE", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with moto.mock_aws():
        db = boto3.client("dynamodb", region_name="us-east-1")
        db.create_table(
            TableName="items",
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": n, "AttributeType": "S"} for n in ("tenant_id", "sk", "updated_at")
            ],
            KeySchema=[
                {"AttributeName": "tenant_id", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by-updated",
                    "KeySchema": [
                        {"AttributeName": "tenant_id", "KeyType": "HASH"},
                        {"AttributeName": "updated_at", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        )
        db.create_table(
            TableName="tenants",
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "tenant_id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "tenant_id", "KeyType": "HASH"}],
        )
        db.put_item(
            TableName="tenants",
            Item={
                "tenant_id": {"S": "globex"},
                "name": {"S": "Globex"},
                "tier": {"S": "enterprise"},
                "status": {"S": "active"},
                "admin_email": {"S": "a@globex.example"},
            },
        )
        sts = boto3.client("sts", region_name="us-east-1")
        sessions = TenantSessions(
            sts,
            "arn:aws:iam::123456789012:role/tenant",
            lambda c: boto3.client(
                "dynamodb",
                region_name="us-east-1",
                aws_access_key_id=c["AccessKeyId"],
                aws_secret_access_key=c["SecretAccessKey"],
                aws_session_token=c["SessionToken"],
            ),
        )
        yield DynamoItemStore(sessions, "items", "tenants"), db


def test_create_get_replace_delete(store) -> None:
    s, db = store
    item = s.create("globex", "u", {"name": "n", "attributes": {"f": 1.5, "i": 2, "b": True, "s": "x"}})
    raw = db.get_item(
        TableName="items", Key={"tenant_id": {"S": "globex"}, "sk": {"S": f"item#{item['id']}"}}
    )
    assert raw["Item"]["version"] == {"N": "1"}
    assert s.get("globex", "u", item["id"]) == item
    assert item["attributes"] == {"f": 1.5, "i": 2, "b": True, "s": "x"}
    assert s.get("initech", "u", item["id"]) is None
    updated = s.replace("globex", "u", item["id"], {"name": "m", "expires_at": 4102444800}, 1)
    assert (updated["version"], updated["name"], updated["expires_at"]) == (2, "m", 4102444800)
    assert updated["created_at"] == item["created_at"]
    assert "expires_at" not in s.replace("globex", "u", item["id"], {"name": "m"}, None)
    with pytest.raises(VersionConflict) as info:
        s.replace("globex", "u", item["id"], {"name": "z"}, 1)
    assert info.value.current == 3
    with pytest.raises(NotFound):
        s.replace("initech", "u", item["id"], {"name": "z"}, None)
    with pytest.raises(NotFound):
        s.delete("initech", "u", item["id"], None)
    with pytest.raises(VersionConflict):
        s.delete("globex", "u", item["id"], 1)
    s.delete("globex", "u", item["id"], 3)
    assert s.get("globex", "u", item["id"]) is None


def test_list_pages_newest_first_within_tenant(store) -> None:
    s, _ = store
    ids = [s.create("globex", "u", {"name": f"n{i}"})["id"] for i in range(5)]
    s.create("initech", "u", {"name": "other"})
    s.replace("globex", "u", ids[1], {"name": "touched"}, None)
    seen, cursor = [], None
    while True:
        page, cursor = s.list("globex", "u", 2, cursor)
        seen += [i["id"] for i in page]
        if not cursor:
            break
    assert seen == [ids[1], ids[4], ids[3], ids[2], ids[0]]
    # a cursor only positions within the caller's tenant
    page, _ = s.list("initech", "u", 10, encode_cursor({"sk": f"item#{ids[4]}", "updated_at": "9999"}))
    assert [i["name"] for i in page] == ["other"]
    for bad in ("!!", encode_cursor({"sk": "x", "updated_at": "y"}), "e30"):
        with pytest.raises(BadCursor):
            s.list("globex", "u", 2, bad)


def test_tenant_record(store) -> None:
    s, _ = store
    assert s.tenant_record("globex", "u") == {"name": "Globex", "tier": "enterprise", "status": "active"}
    assert s.tenant_record("nobody", "u") is None
