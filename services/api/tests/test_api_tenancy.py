"""Per-tenant credentials: AssumeRole with the tenant's session tag, cached until shortly before expiry."""

from __future__ import annotations

import datetime as dt

import pytest
from fastish_api.tenancy import TenantSessions, session_name

ROLE = "arn:aws:iam::123456789012:role/acme-web-portal-tenant"


class StsSpy:
    def __init__(self, clock) -> None:
        self.calls: list[dict] = []
        self.clock = clock

    def assume_role(self, **kwargs):
        self.calls.append(kwargs)
        n = len(self.calls)
        return {
            "Credentials": {
                "AccessKeyId": f"ASIA{n}",
                "SecretAccessKey": "s",
                "SessionToken": "t",
                "Expiration": self.clock() + dt.timedelta(seconds=kwargs["DurationSeconds"]),
            }
        }


@pytest.fixture
def clock():
    now = [dt.datetime(2030, 1, 1, tzinfo=dt.UTC)]

    def read():
        return now[0]

    read.advance = lambda s: now.__setitem__(0, now[0] + dt.timedelta(seconds=s))  # type: ignore[attr-defined]
    return read


def make(clock, **kwargs):
    sts = StsSpy(clock)
    sessions = TenantSessions(sts, ROLE, lambda creds: ("client", creds["AccessKeyId"]), now=clock, **kwargs)
    return sts, sessions


def test_assume_role_with_tenant_tag(clock) -> None:
    sts, sessions = make(clock)
    assert sessions.client("globex", "sub-1") == ("client", "ASIA1")
    assert sts.calls == [
        {
            "RoleArn": ROLE,
            "RoleSessionName": session_name("globex", "sub-1"),
            "DurationSeconds": 900,
            "Tags": [{"Key": "tenant_id", "Value": "globex"}],
        }
    ]
    assert sessions.client("initech", "sub-2") == ("client", "ASIA2")
    assert sts.calls[1]["Tags"] == [{"Key": "tenant_id", "Value": "initech"}]


def test_cached_per_tenant_until_margin(clock) -> None:
    sts, sessions = make(clock)
    sessions.client("globex", "a")
    sessions.client("globex", "b")
    assert len(sts.calls) == 1
    clock.advance(599)  # 900 s credentials, refreshed 300 s before they expire
    sessions.client("globex", "a")
    assert len(sts.calls) == 1
    clock.advance(1)
    assert sessions.client("globex", "a") == ("client", "ASIA2")
    assert len(sts.calls) == 2


def test_bounded(clock) -> None:
    sts, sessions = make(clock, max_tenants=2)
    for tenant in ("a", "b", "c", "a"):
        sessions.client(tenant, "u")
    assert [c["Tags"][0]["Value"] for c in sts.calls] == ["a", "b", "c", "a"]


def test_custom_tag_key_and_duration(clock) -> None:
    sts, sessions = make(clock, tag_key="tenant", duration_seconds=3600)
    sessions.client("globex", "u")
    assert sts.calls[0]["Tags"] == [{"Key": "tenant", "Value": "globex"}]
    assert sts.calls[0]["DurationSeconds"] == 3600
    with pytest.raises(ValueError):
        make(clock, duration_seconds=600)
    with pytest.raises(ValueError):
        sessions.client("", "u")


def test_session_name() -> None:
    name = session_name("globex", "0b1c-sub")
    assert name.startswith("globex-")
    assert len(name) == len("globex-") + 8
    assert session_name("globex", "other") != name
    long = session_name("t" * 70 + "/x", "u")
    assert len(long) <= 64
    assert "/" not in long
