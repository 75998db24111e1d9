"""Unit tests of module_utils/webapp_rules.py: the structured webapp variables (tables, tiers, tenants)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from ansible_collections.fastish.platform.plugins.module_utils.webapp_rules import (
    ADMIN_GROUP,
    dynamodb_table_problems,
    tenant_problems,
    tier_problems,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULTS = yaml.safe_load((REPO_ROOT / "group_vars/all/webapp.yml").read_text())
TABLES = DEFAULTS["fastish_dynamodb_tables"]
TIERS = [t["name"] for t in DEFAULTS["fastish_tiers"]]
LOCAL_HOSTS = yaml.safe_load((REPO_ROOT / "inventories/local/hosts.yml").read_text())
TENANTS = LOCAL_HOSTS["all"]["children"]["local"]["children"]["local_acme"]["children"]["local_acme_web"][
    "hosts"
]["acme-web-portal"]["fastish_tenants"]


def tables_with(change):
    tables = copy.deepcopy(TABLES)
    change(tables)
    return dynamodb_table_problems("fastish_dynamodb_tables", tables)


def test_the_default_tables_and_local_tenants_are_valid():
    assert dynamodb_table_problems("fastish_dynamodb_tables", TABLES) == []
    assert tenant_problems("fastish_tenants", TENANTS, TIERS) == []
    assert tier_problems("fastish_tiers", DEFAULTS["fastish_tiers"]) == []
    # the defaults exercise what the rules check: a sort key, TTL, an index, both access levels
    assert {t.get("tenant_access") for t in TABLES} == {"read", "read_write"}
    assert any(t.get("indexes") for t in TABLES) and any(t.get("ttl_attribute") for t in TABLES)


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (
            lambda t: t.append(copy.deepcopy(t[0])),
            "(tenants).name 'tenants' is also used by fastish_dynamodb_tables[0]",
        ),
        (lambda t: t[0].pop("partition_key"), "fastish_dynamodb_tables[0] (tenants) has no partition_key"),
        (lambda t: t[0]["partition_key"].update(type="STRING"), "partition_key.type is 'STRING', not S"),
        (lambda t: t[0].update(partition_key="tenant_id"), "partition_key is 'tenant_id', not a mapping"),
        (lambda t: t[1]["sort_key"].update(name="tenant_id"), "uses 'tenant_id' as both its partition key"),
        (lambda t: t[1].update(ttl_attribute="sk"), "ttl_attribute 'sk' is a key attribute"),
        (
            lambda t: t[1].update(ttl_attribute="updated_at"),
            "ttl_attribute 'updated_at' is a key attribute of an index",
        ),
        (
            lambda t: t[1].update(tenant_access="write"),
            "tenant_access is 'write', not read, read_write or none",
        ),
        (lambda t: t[1].update(Name="x"), "has the unknown key 'Name'"),
        (lambda t: t[0].update(name="Tenants_Table"), "name is 'Tenants_Table', not a slug"),
        (lambda t: t[1]["indexes"][0].update(name="ix"), "indexes[0].name is 'ix', not 3 to 255"),
        (lambda t: t[1]["indexes"][0].update(projection="SOME"), "projection is 'SOME', not ALL"),
        (
            lambda t: t[1]["indexes"][0].update(projection="INCLUDE"),
            "projects INCLUDE but non_key_attributes",
        ),
        (lambda t: t[1]["indexes"][0].update(non_key_attributes=["a"]), "only an INCLUDE projection uses"),
        (
            lambda t: t[1]["indexes"].append(copy.deepcopy(t[1]["indexes"][0])),
            "indexes[1].name 'by-updated' is also",
        ),
        (
            lambda t: t[1]["indexes"][0]["sort_key"].update(type="N", name="sk"),
            "declares attribute 'sk' as N, but fastish_dynamodb_tables[1] (items).sort_key declares it as S",
        ),
        (
            lambda t: t[1].update(
                indexes=[{"name": f"ix-{i}", "partition_key": {"name": "a", "type": "S"}} for i in range(21)]
            ),
            "has 21 indexes; DynamoDB allows 20",
        ),
    ],
)
def test_bad_tables_are_rejected(change, fragment):
    problems = tables_with(change)
    assert any(fragment in p for p in problems), problems


def test_no_tables_is_rejected():
    assert "is empty" in dynamodb_table_problems("fastish_dynamodb_tables", [])[0]


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda t: t[0].update(id="Globex"), "id is 'Globex', not 1 to 32 lowercase"),
        (lambda t: t[0].update(id="-globex"), "id is '-globex', not 1 to 32"),
        (lambda t: t[0].update(id="a" * 33), "not 1 to 32"),
        (lambda t: t[0].update(id="g/../x"), "id is 'g/../x'"),
        (lambda t: t[1].update(id="globex"), "id 'globex' is also used by fastish_tenants[0]"),
        (
            lambda t: t[0].update(tier="gold"),
            "tier is 'gold', not one of the tiers free, startup, enterprise",
        ),
        (lambda t: t[0].update(admin_email="admin"), "admin_email is 'admin', not an email address"),
        (
            lambda t: t[1].update(admin_email="ADMIN@globex.example"),
            "is also the admin of fastish_tenants[0]",
        ),
        (lambda t: t[0].update(state="deleted"), "state is 'deleted', not present or absent"),
        (lambda t: t[0].update(purge=True), "purge is true but its state is present"),
        (lambda t: t[0].update(state="absent", purge="yes"), "purge is 'yes', not a boolean"),
        (lambda t: t[0].update(name=""), "name is '', not a display name"),
        (lambda t: t[0].update(tenant="x"), "has the unknown key 'tenant'"),
        (lambda t: t.append("globex"), "fastish_tenants[2] is 'globex', not a mapping"),
    ],
)
def test_bad_tenants_are_rejected(change, fragment):
    tenants = copy.deepcopy(TENANTS)
    change(tenants)
    problems = tenant_problems("fastish_tenants", tenants, TIERS)
    assert any(fragment in p for p in problems), problems


def test_offboarding_with_purge_is_valid_and_unknown_tiers_are_not_checked_twice():
    tenants = copy.deepcopy(TENANTS)
    tenants[0].update(state="absent", purge=True)
    assert tenant_problems("fastish_tenants", tenants, TIERS) == []
    tenants[0]["tier"] = "gold"
    assert tenant_problems("fastish_tenants", tenants, None) == []  # broken tiers are reported on their own


def test_a_tier_may_not_take_the_admin_group_name():
    api = DEFAULTS["fastish_tiers"][0]["api"]
    problems = tier_problems(
        "fastish_tiers", [{"name": ADMIN_GROUP, "precedence": 1, "description": "x", "api": api}]
    )
    assert len(problems) == 1 and ADMIN_GROUP in problems[0]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda a: a.update(rate_limit=0),
            "fastish_tiers[0].api.rate_limit is 0, not a number of requests per second",
        ),
        (lambda a: a.update(rate_limit=True), "rate_limit is True"),
        (lambda a: a.update(burst_limit=2.5), "fastish_tiers[0].api.burst_limit is 2.5, not a whole number"),
        (lambda a: a.update(quota_limit=0), "fastish_tiers[0].api.quota_limit is 0, not a whole number"),
        (lambda a: a.update(quota_period="YEAR"), "quota_period is 'YEAR', not one of DAY, WEEK, MONTH"),
        (lambda a: a.pop("burst_limit"), "fastish_tiers[0].api has no burst_limit"),
        (lambda a: a.update(rps=3), "fastish_tiers[0].api has the unknown key 'rps'"),
    ],
)
def test_a_tier_s_api_limits_are_checked(change, expected):
    tiers = copy.deepcopy(DEFAULTS["fastish_tiers"])
    change(tiers[0]["api"])
    problems = tier_problems("fastish_tiers", tiers)
    assert len(problems) == 1 and expected in problems[0], problems


def test_every_default_tier_has_api_limits_with_fractional_rates_allowed():
    assert all(
        set(t["api"]) == {"rate_limit", "burst_limit", "quota_limit", "quota_period"}
        for t in DEFAULTS["fastish_tiers"]
    )
    tiers = copy.deepcopy(DEFAULTS["fastish_tiers"])
    tiers[0]["api"]["rate_limit"] = 0.5
    assert tier_problems("fastish_tiers", tiers) == []
