"""Per-tenant AWS credentials: sts:AssumeRole on the tenant role with the session tag
``{tag_key: tenant}``. The role's policy only allows DynamoDB keys whose partition is
``${aws:PrincipalTag/<tag_key>}``, so a request can only ever touch its own tenant's data.

Credentials (and the DynamoDB client built from them) are cached per tenant until ``refresh_margin``
seconds before they expire, in a bounded LRU. The service's own credentials are used only here and for
the readiness probe.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_SESSION_NAME_UNSAFE = re.compile(r"[^\w+=,.@-]")


def session_name(tenant_id: str, user_sub: str) -> str:
    """``<tenant>-<8 hex of sha256(sub)>``, valid as a RoleSessionName (2-64 of [\\w+=,.@-])."""
    digest = hashlib.sha256(user_sub.encode()).hexdigest()[:8]
    tenant = _SESSION_NAME_UNSAFE.sub("_", tenant_id)[:55]
    return f"{tenant}-{digest}"


@dataclass
class _Entry:
    refresh_at: dt.datetime
    client: Any


class TenantSessions:
    """DynamoDB clients that act as one tenant.

    ``sts``: the service's own STS client. ``client_factory(credentials)`` builds the tenant's
    DynamoDB client from the AssumeRole credentials dict.
    """

    def __init__(
        self,
        sts: Any,
        role_arn: str,
        client_factory: Callable[[dict[str, Any]], Any],
        tag_key: str = "tenant_id",
        duration_seconds: int = 900,
        refresh_margin_seconds: int = 300,
        max_tenants: int = 256,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        if not 900 <= duration_seconds <= 3600:
            raise ValueError("duration_seconds must be within 900..3600")
        self._sts = sts
        self.role_arn = role_arn
        self._factory = client_factory
        self.tag_key = tag_key
        self.duration_seconds = duration_seconds
        self._margin = dt.timedelta(seconds=refresh_margin_seconds)
        self._max = max_tenants
        self._now = now
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._tenant_locks: dict[str, threading.Lock] = {}
        self.assume_calls = 0

    def client(self, tenant_id: str, user_sub: str) -> Any:
        if not tenant_id:
            raise ValueError("tenant id required")
        entry = self._fresh(tenant_id)
        if entry is not None:
            return entry.client
        with self._lock:
            tenant_lock = self._tenant_locks.setdefault(tenant_id, threading.Lock())
        with tenant_lock:  # one AssumeRole per tenant at a time, not one per concurrent request
            entry = self._fresh(tenant_id)
            if entry is not None:
                return entry.client
            response = self._sts.assume_role(
                RoleArn=self.role_arn,
                RoleSessionName=session_name(tenant_id, user_sub),
                DurationSeconds=self.duration_seconds,
                Tags=[{"Key": self.tag_key, "Value": tenant_id}],
            )
            self.assume_calls += 1
            credentials = response["Credentials"]
            expiration = credentials["Expiration"]
            if isinstance(expiration, str):
                expiration = dt.datetime.fromisoformat(expiration.replace("Z", "+00:00"))
            if expiration.tzinfo is None:
                expiration = expiration.replace(tzinfo=dt.UTC)
            entry = _Entry(refresh_at=expiration - self._margin, client=self._factory(credentials))
            with self._lock:
                self._entries[tenant_id] = entry
                self._entries.move_to_end(tenant_id)
                while len(self._entries) > self._max:
                    old, _ = self._entries.popitem(last=False)
                    self._tenant_locks.pop(old, None)
            return entry.client

    def _fresh(self, tenant_id: str) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(tenant_id)
            if entry is None:
                return None
            if self._now() >= entry.refresh_at:
                del self._entries[tenant_id]
                return None
            self._entries.move_to_end(tenant_id)
            return entry

    def close(self) -> None:
        with self._lock:
            entries = list(self._entries.values())
            self._entries.clear()
        for entry in entries:
            close = getattr(entry.client, "close", None)
            if close:
                close()
