"""Tenant-scoped storage. ``DynamoItemStore`` talks to DynamoDB only through the tenant's own
credentials (``TenantSessions``); every key it builds has the tenant id as partition key.

Items: partition ``tenant_id``, sort ``sk = item#<id>``. Listing queries the ``by-updated`` index
(partition ``tenant_id``, sort ``updated_at``) newest first; the cursor is the index position,
base64url JSON, always combined with the caller's tenant (a cursor cannot reach another tenant).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Any, Protocol

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from .tenancy import TenantSessions

ITEM_PREFIX = "item#"
INDEX_BY_UPDATED = "by-updated"
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


class NotFound(Exception):
    pass


class VersionConflict(Exception):
    def __init__(self, current: int) -> None:
        super().__init__(f"current version is {current}")
        self.current = current


class BadCursor(ValueError):
    pass


def now_iso() -> str:
    """Fixed-width UTC timestamp (sorts as text): 2024-01-02T03:04:05.123456Z."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_id() -> str:
    return str(uuid.uuid4())


def encode_cursor(position: dict[str, str]) -> str:
    raw = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, str]:
    try:
        if len(cursor) > 1024:
            raise ValueError
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        position = json.loads(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadCursor("cursor is not valid") from None
    if (
        not isinstance(position, dict)
        or set(position) != {"sk", "updated_at"}
        or not all(isinstance(v, str) and len(v) <= 128 for v in position.values())
        or not position["sk"].startswith(ITEM_PREFIX)
    ):
        raise BadCursor("cursor is not valid")
    return position


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _dynamo_value(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {k: _dynamo_value(v) for k, v in value.items()}
    return value


def to_public(record: dict[str, Any]) -> dict[str, Any]:
    """A stored item as the API shows it (no tenant id, no sort key)."""
    item = _plain(record)
    public = {
        "id": item["sk"][len(ITEM_PREFIX) :],
        "name": item["name"],
        "description": item.get("description", ""),
        "attributes": item.get("attributes", {}),
        "created_at": item["created_at"],
        "updated_at": item["updated_at"],
        "version": item["version"],
    }
    if item.get("expires_at") is not None:
        public["expires_at"] = item["expires_at"]
    return public


class ItemStore(Protocol):
    def get(self, tenant: str, user: str, item_id: str) -> dict[str, Any] | None: ...
    def list(
        self, tenant: str, user: str, limit: int, cursor: str | None
    ) -> tuple[list[dict[str, Any]], str | None]: ...
    def create(self, tenant: str, user: str, fields: dict[str, Any]) -> dict[str, Any]: ...
    def replace(
        self, tenant: str, user: str, item_id: str, fields: dict[str, Any], expected_version: int | None
    ) -> dict[str, Any]: ...
    def delete(self, tenant: str, user: str, item_id: str, expected_version: int | None) -> None: ...
    def tenant_record(self, tenant: str, user: str) -> dict[str, Any] | None: ...


class DynamoItemStore:
    def __init__(self, sessions: TenantSessions, items_table: str, tenants_table: str | None = None) -> None:
        self.sessions = sessions
        self.items_table = items_table
        self.tenants_table = tenants_table

    def _db(self, tenant: str, user: str) -> Any:
        return self.sessions.client(tenant, user)

    @staticmethod
    def _key(tenant: str, item_id: str) -> dict[str, Any]:
        return {"tenant_id": {"S": tenant}, "sk": {"S": ITEM_PREFIX + item_id}}

    @staticmethod
    def _load(attrs: dict[str, Any]) -> dict[str, Any]:
        return {k: _deserializer.deserialize(v) for k, v in attrs.items()}

    def get(self, tenant: str, user: str, item_id: str) -> dict[str, Any] | None:
        response = self._db(tenant, user).get_item(
            TableName=self.items_table, Key=self._key(tenant, item_id), ConsistentRead=True
        )
        return to_public(self._load(response["Item"])) if "Item" in response else None

    def list(
        self, tenant: str, user: str, limit: int, cursor: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        params: dict[str, Any] = {
            "TableName": self.items_table,
            "IndexName": INDEX_BY_UPDATED,
            "KeyConditionExpression": "tenant_id = :t",
            "ExpressionAttributeValues": {":t": {"S": tenant}},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if cursor:
            position = decode_cursor(cursor)
            params["ExclusiveStartKey"] = {
                "tenant_id": {"S": tenant},  # always the caller's tenant, whatever the cursor says
                "sk": {"S": position["sk"]},
                "updated_at": {"S": position["updated_at"]},
            }
        response = self._db(tenant, user).query(**params)
        items = [
            to_public(self._load(a))
            for a in response.get("Items", [])
            if a["sk"]["S"].startswith(ITEM_PREFIX)
        ]
        last = response.get("LastEvaluatedKey")
        next_cursor = (
            encode_cursor({"sk": last["sk"]["S"], "updated_at": last["updated_at"]["S"]}) if last else None
        )
        return items, next_cursor

    def create(self, tenant: str, user: str, fields: dict[str, Any]) -> dict[str, Any]:
        stamp = now_iso()
        record = {
            "tenant_id": tenant,
            "sk": ITEM_PREFIX + new_id(),
            "name": fields["name"],
            "description": fields.get("description", ""),
            "attributes": _dynamo_value(fields.get("attributes") or {}),
            "created_at": stamp,
            "updated_at": stamp,
            "version": 1,
        }
        if fields.get("expires_at") is not None:
            record["expires_at"] = fields["expires_at"]
        self._db(tenant, user).put_item(
            TableName=self.items_table,
            Item={k: _serializer.serialize(v) for k, v in record.items()},
            ConditionExpression="attribute_not_exists(sk)",
        )
        return to_public(record)

    def _conflict_or_missing(self, tenant: str, user: str, item_id: str) -> Exception:
        current = self.get(tenant, user, item_id)
        return NotFound(item_id) if current is None else VersionConflict(current["version"])

    def replace(
        self, tenant: str, user: str, item_id: str, fields: dict[str, Any], expected_version: int | None
    ) -> dict[str, Any]:
        values: dict[str, Any] = {
            ":name": fields["name"],
            ":description": fields.get("description", ""),
            ":attributes": _dynamo_value(fields.get("attributes") or {}),
            ":updated": now_iso(),
            ":one": 1,
        }
        update = "SET #name = :name, description = :description, #attributes = :attributes, "
        update += "updated_at = :updated, version = version + :one"
        if fields.get("expires_at") is not None:
            values[":expires"] = fields["expires_at"]
            update += ", expires_at = :expires"
        else:
            update += " REMOVE expires_at"
        condition = "attribute_exists(sk)"
        if expected_version is not None:
            values[":expected"] = expected_version
            condition += " AND version = :expected"
        db = self._db(tenant, user)
        try:
            response = db.update_item(
                TableName=self.items_table,
                Key=self._key(tenant, item_id),
                UpdateExpression=update,
                ConditionExpression=condition,
                ExpressionAttributeNames={"#name": "name", "#attributes": "attributes"},
                ExpressionAttributeValues={k: _serializer.serialize(v) for k, v in values.items()},
                ReturnValues="ALL_NEW",
            )
        except db.exceptions.ConditionalCheckFailedException:
            raise self._conflict_or_missing(tenant, user, item_id) from None
        return to_public(self._load(response["Attributes"]))

    def delete(self, tenant: str, user: str, item_id: str, expected_version: int | None) -> None:
        params: dict[str, Any] = {
            "TableName": self.items_table,
            "Key": self._key(tenant, item_id),
            "ConditionExpression": "attribute_exists(sk)",
        }
        if expected_version is not None:
            params["ConditionExpression"] += " AND version = :expected"
            params["ExpressionAttributeValues"] = {":expected": {"N": str(expected_version)}}
        db = self._db(tenant, user)
        try:
            db.delete_item(**params)
        except db.exceptions.ConditionalCheckFailedException:
            raise self._conflict_or_missing(tenant, user, item_id) from None

    def tenant_record(self, tenant: str, user: str) -> dict[str, Any] | None:
        if not self.tenants_table:
            return None
        response = self._db(tenant, user).get_item(
            TableName=self.tenants_table, Key={"tenant_id": {"S": tenant}}
        )
        if "Item" not in response:
            return None
        record = _plain(self._load(response["Item"]))
        return {k: record.get(k) for k in ("name", "tier", "status")}
