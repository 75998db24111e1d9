"""Helpers of the API service's unit tests (imported by conftest.py and the tests): a local RSA key
with its JWKS and a token minter, an in-memory tenant-scoped store, settings."""

from __future__ import annotations

import copy
import json
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

SRC = Path(__file__).resolve().parents[1] / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from fastish_api.config import Settings  # noqa: E402
from fastish_api.store import (  # noqa: E402
    ITEM_PREFIX,
    NotFound,
    VersionConflict,
    decode_cursor,
    encode_cursor,
    now_iso,
)

ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TEST"
CLIENT_ID = "webclient123"
KID = "test-key-1"


class Keys:
    def __init__(self) -> None:
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        jwk.update({"kid": KID, "alg": "RS256", "use": "sig"})
        self.jwks = {"keys": [jwk]}
        self.fetches: list[str] = []

    def fetch(self, url: str) -> dict[str, Any]:
        self.fetches.append(url)
        return copy.deepcopy(self.jwks)

    def mint(
        self,
        *,
        token_use: str = "id",
        tenant: str | None = "globex",
        sub: str = "user-1",
        key: Any = None,
        kid: str = KID,
        alg: str = "RS256",
        **overrides: Any,
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "sub": sub,
            "token_use": token_use,
            "iat": now,
            "auth_time": now,
            "exp": now + 3600,
            "jti": str(uuid.uuid4()),
        }
        if token_use == "id":
            claims.update({"aud": CLIENT_ID, "cognito:username": sub, "email": f"{sub}@example.com"})
            if tenant:
                claims["custom:tenant_id"] = tenant
        else:
            claims.update({"client_id": CLIENT_ID, "username": sub, "scope": "aws.cognito.signin.user.admin"})
        claims.update(overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        return jwt.encode(claims, key or self.private, algorithm=alg, headers={"kid": kid})


class FakeStore:
    """Tenant-partitioned dict with the DynamoItemStore semantics (newest-updated first, cursors)."""

    def __init__(self) -> None:
        self.data: dict[tuple[str, str], dict[str, Any]] = {}
        self.tenants: dict[str, dict[str, Any]] = {
            "globex": {"name": "Globex Corporation", "tier": "enterprise", "status": "active"},
            "initech": {"name": "Initech", "tier": "startup", "status": "active"},
            "gone": {"name": "Gone Inc", "tier": "free", "status": "offboarded"},
        }
        self.calls: list[tuple[str, str]] = []
        self.counter = 0

    def get(self, tenant: str, user: str, item_id: str) -> dict[str, Any] | None:
        self.calls.append(("get", tenant))
        item = self.data.get((tenant, item_id))
        return copy.deepcopy(item) if item else None

    def list(self, tenant: str, user: str, limit: int, cursor: str | None):
        self.calls.append(("list", tenant))
        rows = sorted(
            ((i["updated_at"], ITEM_PREFIX + i["id"], i) for (t, _), i in self.data.items() if t == tenant),
            reverse=True,
        )
        if cursor:
            pos = decode_cursor(cursor)
            rows = [r for r in rows if (r[0], r[1]) < (pos["updated_at"], pos["sk"])]
        page = rows[:limit]
        nxt = encode_cursor({"sk": page[-1][1], "updated_at": page[-1][0]}) if len(rows) > limit else None
        return [copy.deepcopy(r[2]) for r in page], nxt

    def create(self, tenant: str, user: str, fields: dict[str, Any]) -> dict[str, Any]:
        self.calls.append(("create", tenant))
        self.counter += 1
        stamp = now_iso()
        item = {
            "id": str(uuid.uuid4()),
            "name": fields["name"],
            "description": fields.get("description", ""),
            "attributes": fields.get("attributes") or {},
            "created_at": stamp,
            "updated_at": stamp,
            "version": 1,
        }
        if fields.get("expires_at") is not None:
            item["expires_at"] = fields["expires_at"]
        self.data[(tenant, item["id"])] = item
        return copy.deepcopy(item)

    def replace(self, tenant, user, item_id, fields, expected_version):
        self.calls.append(("replace", tenant))
        item = self.data.get((tenant, item_id))
        if item is None:
            raise NotFound(item_id)
        if expected_version is not None and item["version"] != expected_version:
            raise VersionConflict(item["version"])
        item.update({k: v for k, v in fields.items() if k != "expires_at"})
        item.pop("expires_at", None)
        if fields.get("expires_at") is not None:
            item["expires_at"] = fields["expires_at"]
        item["version"] += 1
        item["updated_at"] = now_iso()
        return copy.deepcopy(item)

    def delete(self, tenant, user, item_id, expected_version):
        self.calls.append(("delete", tenant))
        item = self.data.get((tenant, item_id))
        if item is None:
            raise NotFound(item_id)
        if expected_version is not None and item["version"] != expected_version:
            raise VersionConflict(item["version"])
        del self.data[(tenant, item_id)]

    def tenant_record(self, tenant: str, user: str):
        self.calls.append(("tenant_record", tenant))
        return copy.deepcopy(self.tenants.get(tenant))


def make_settings(**overrides: Any) -> Settings:
    env = {
        "FASTISH_API_ISSUER": ISSUER,
        "FASTISH_API_CLIENT_IDS": f"{CLIENT_ID},otherclient",
        "FASTISH_API_ITEMS_TABLE": "items",
        "FASTISH_API_TENANTS_TABLE": "tenants",
        "FASTISH_API_TENANT_ROLE_ARN": "arn:aws:iam::123456789012:role/tenant",
    }
    env.update(overrides)
    return Settings.from_env({k: v for k, v in env.items() if v is not None})
