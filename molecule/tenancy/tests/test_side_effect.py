"""Offboarding keeps a tenant's data, purging deletes exactly that tenant's data, removing the role
keeps every tenant; each step is idempotent. Runs the scenario's converge playbook (tenancy only)
with the tenants given as extra vars, in order."""

from __future__ import annotations

import json
from pathlib import Path

from boto3.dynamodb.conditions import Key

from tests.molecule_support import aws_client, aws_resource, changed_count, run_playbook

CONVERGE = Path(__file__).resolve().parents[1] / "converge.yml"
HOST = "acme-web-portal"
GLOBEX = {
    "id": "globex",
    "name": "Globex Corporation",
    "tier": "enterprise",
    "admin_email": "admin@globex.example",
}
INITECH = {"id": "initech", "name": "Initech", "tier": "startup", "admin_email": "it@initech.example"}


def _pool_id():
    pools = aws_client("cognito-idp").list_user_pools(MaxResults=60)["UserPools"]
    return next(p["Id"] for p in pools if p["Name"] == "acme-web-portal-users")


def _tenancy(tenants, *extra):
    extra_vars = {"fastish_tenants": tenants, "tenancy_user_pool_id": _pool_id()}
    rc, out = run_playbook(CONVERGE, "--tags", "tenancy", "-e", json.dumps(extra_vars), *extra)
    assert rc == 0, out[-4000:]
    return out


def _converge_twice(tenants, *extra):
    first = changed_count(_tenancy(tenants, *extra), HOST)
    second = changed_count(_tenancy(tenants, *extra), HOST)
    return first, second


def _items(tenant):
    table = _table("acme-web-portal-items")
    return table.query(KeyConditionExpression=Key("tenant_id").eq(tenant))["Items"]


def _table(name):
    return aws_resource("dynamodb").Table(name)


def _record(tenant):
    return _table("acme-web-portal-tenants").get_item(Key={"tenant_id": tenant}).get("Item")


def _admin(email):
    idp = aws_client("cognito-idp")
    try:
        return idp.admin_get_user(UserPoolId=_pool_id(), Username=email)
    except idp.exceptions.UserNotFoundException:
        return None


def test_1_seed_data_for_both_tenants():
    items = _table("acme-web-portal-items")
    for tenant in ("globex", "initech"):
        for n in range(3):
            items.put_item(Item={"tenant_id": tenant, "sk": f"item#{n}", "title": f"{tenant} {n}"})
    assert len(_items("globex")) == len(_items("initech")) == 3


def test_2_offboarding_keeps_the_data_and_disables_the_admin():
    first, second = _converge_twice([GLOBEX, {**INITECH, "state": "absent"}])
    assert first > 0 and second == 0
    assert _record("initech")["status"] == "offboarded"
    assert _admin(INITECH["admin_email"])["Enabled"] is False
    assert len(_items("initech")) == 3
    assert _record("globex")["status"] == "active" and _admin(GLOBEX["admin_email"])["Enabled"] is True


def test_3_purging_deletes_exactly_that_tenants_data():
    first, second = _converge_twice([GLOBEX, {**INITECH, "state": "absent", "purge": True}])
    assert first > 0 and second == 0
    assert _items("initech") == [] and _record("initech") is None and _admin(INITECH["admin_email"]) is None
    assert len(_items("globex")) == 3 and _record("globex")["status"] == "active"


def test_4_removing_the_role_keeps_the_tenants():
    first, second = _converge_twice([GLOBEX], "-e", "tenancy_state=absent")
    assert first == 1 and second == 0
    iam = aws_client("iam")
    assert "acme-web-portal-tenant" not in {r["RoleName"] for r in iam.list_roles()["Roles"]}
    assert _record("globex")["status"] == "active" and len(_items("globex")) == 3
