# Copyright: fastish maintainers
# Apache License 2.0 (see the collection's galaxy.yml)
"""Inventory rules of webapp releases whose values are structured data: the DynamoDB tables of
``fastish_dynamodb_tables`` and the tenants of ``fastish_tenants``.

Pure Python, no Ansible imports; :mod:`inventory_rules` calls these for the schema formats
``dynamodb_tables`` and ``tenants``. Each function returns the problems as sentences without the
host and the fix (the caller adds both).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "ADMIN_GROUP",
    "TENANT_ID_RE",
    "dynamodb_table_problems",
    "tenant_problems",
    "tier_problems",
]

# The Cognito group of tenants' administrators (roles/cognito); no tier may take its name.
ADMIN_GROUP = "tenant-admins"

TENANT_ID_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?", re.ASCII)
_SLUG_RE = re.compile(r"[a-z][a-z0-9-]{0,30}[a-z0-9]", re.ASCII)
_INDEX_NAME_RE = re.compile(r"[A-Za-z0-9_.-]{3,255}", re.ASCII)
_EMAIL_RE = re.compile(
    r"[A-Za-z0-9._%+-]{1,64}@(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", re.ASCII
)
_KEY_TYPES = ("S", "N", "B")
_PROJECTIONS = ("ALL", "KEYS_ONLY", "INCLUDE")
_ACCESS = ("read", "read_write", "none")
_TABLE_KEYS = ("name", "partition_key", "sort_key", "ttl_attribute", "tenant_access", "indexes")
_INDEX_KEYS = ("name", "partition_key", "sort_key", "projection", "non_key_attributes")
_TENANT_KEYS = ("id", "name", "tier", "admin_email", "state", "purge")
_MAX_GSIS = 20
_API_KEYS = ("rate_limit", "burst_limit", "quota_limit", "quota_period")
_QUOTA_PERIODS = ("DAY", "WEEK", "MONTH")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _unknown_keys(where: str, item: Mapping, allowed: tuple[str, ...]) -> list[str]:
    return [
        f"{where} has the unknown key {str(key)!r}; the keys are {', '.join(allowed)}"
        for key in sorted(set(item) - set(allowed), key=str)
    ]


def _key_problems(where: str, key: Any, types: dict[str, tuple[str, str]]) -> list[str]:
    """A key schema element {name, type}; records the attribute's type in ``types``."""
    if not isinstance(key, Mapping):
        return [f"{where} is {_show(key)}, not a mapping {{name: <attribute>, type: S|N|B}}"]
    problems = _unknown_keys(where, key, ("name", "type"))
    name, kind = key.get("name"), key.get("type")
    if not isinstance(name, str) or not 1 <= len(name) <= 255:
        problems.append(f"{where}.name is {_show(name)}, not an attribute name of 1 to 255 characters")
    if kind not in _KEY_TYPES:
        problems.append(f"{where}.type is {_show(kind)}, not S (string), N (number) or B (binary)")
    if problems:
        return problems
    if name in types and types[name][0] != kind:
        other_type, other_where = types[name]
        return [
            f"{where} declares attribute {name!r} as {kind}, but {other_where} declares it as {other_type}; "
            "an attribute has one type in a table and all its indexes"
        ]
    types.setdefault(name, (kind, where))
    return []


def _index_problems(where: str, index: Any, types: dict[str, tuple[str, str]]) -> list[str]:
    if not isinstance(index, Mapping):
        return [f"{where} is {_show(index)}, not a mapping with the keys {', '.join(_INDEX_KEYS)}"]
    problems = _unknown_keys(where, index, _INDEX_KEYS)
    name = index.get("name")
    if not isinstance(name, str) or not _INDEX_NAME_RE.fullmatch(name):
        problems.append(f"{where}.name is {_show(name)}, not 3 to 255 letters, digits and _.-")
    if "partition_key" not in index:
        problems.append(f"{where} has no partition_key")
    else:
        problems += _key_problems(f"{where}.partition_key", index["partition_key"], types)
    if index.get("sort_key") is not None:
        problems += _key_problems(f"{where}.sort_key", index["sort_key"], types)
        pk, sk = index.get("partition_key"), index["sort_key"]
        if isinstance(pk, Mapping) and isinstance(sk, Mapping) and pk.get("name") == sk.get("name"):
            problems.append(f"{where} uses {sk.get('name')!r} as both its partition key and its sort key")
    projection = index.get("projection", "ALL")
    if projection not in _PROJECTIONS:
        problems.append(f"{where}.projection is {_show(projection)}, not ALL, KEYS_ONLY or INCLUDE")
    extra = index.get("non_key_attributes")
    if projection == "INCLUDE":
        if not isinstance(extra, list) or not extra or not all(isinstance(a, str) and a for a in extra):
            problems.append(
                f"{where} projects INCLUDE but non_key_attributes is not a list of attribute names"
            )
    elif extra is not None:
        problems.append(f"{where} has non_key_attributes, which only an INCLUDE projection uses")
    return problems


def dynamodb_table_problems(variable: str, tables: list) -> list[str]:
    """Problems of ``fastish_dynamodb_tables``: names, key schemas, indexes, TTL and tenant access."""
    problems: list[str] = []
    seen: dict[str, int] = {}
    if not tables:
        return [f"{variable} is empty; a webapp release needs at least its tenant and item tables"]
    for position, table in enumerate(tables):
        where = f"{variable}[{position}]"
        if not isinstance(table, Mapping):
            problems.append(
                f"{where} is {_show(table)}, not a mapping with the keys {', '.join(_TABLE_KEYS)}"
            )
            continue
        name = table.get("name")
        if isinstance(name, str):
            where = f"{where} ({name})"
        problems += _unknown_keys(where, table, _TABLE_KEYS)
        if not isinstance(name, str) or not _SLUG_RE.fullmatch(name):
            problems.append(
                f"{where}.name is {_show(name)}, not a slug of 2 to 32 lowercase letters, digits and '-' "
                "starting with a letter"
            )
        elif name in seen:
            problems.append(
                f"{where}.name {name!r} is also used by {variable}[{seen[name]}]; table names are unique"
            )
        else:
            seen[name] = position
        types: dict[str, tuple[str, str]] = {}
        if "partition_key" not in table:
            problems.append(f"{where} has no partition_key")
        else:
            problems += _key_problems(f"{where}.partition_key", table["partition_key"], types)
        key_names = (
            {table["partition_key"].get("name")} if isinstance(table.get("partition_key"), Mapping) else set()
        )
        if table.get("sort_key") is not None:
            problems += _key_problems(f"{where}.sort_key", table["sort_key"], types)
            if isinstance(table["sort_key"], Mapping):
                if table["sort_key"].get("name") in key_names:
                    problems.append(
                        f"{where} uses {table['sort_key'].get('name')!r} as both its partition key "
                        "and its sort key"
                    )
                key_names.add(table["sort_key"].get("name"))
        ttl = table.get("ttl_attribute")
        if ttl is not None:
            if not isinstance(ttl, str) or not 1 <= len(ttl) <= 255:
                problems.append(f"{where}.ttl_attribute is {_show(ttl)}, not an attribute name")
            elif ttl in key_names:
                problems.append(
                    f"{where}.ttl_attribute {ttl!r} is a key attribute; TTL needs a number attribute"
                )
        access = table.get("tenant_access", "none")
        if access not in _ACCESS:
            problems.append(f"{where}.tenant_access is {_show(access)}, not read, read_write or none")
        indexes = table.get("indexes") or []
        if not isinstance(indexes, list):
            problems.append(f"{where}.indexes is {_show(indexes)}, not a list of index mappings")
            continue
        if len(indexes) > _MAX_GSIS:
            problems.append(
                f"{where} has {len(indexes)} indexes; DynamoDB allows {_MAX_GSIS} global secondary indexes"
            )
        index_names: dict[str, int] = {}
        for i, index in enumerate(indexes):
            iwhere = f"{where}.indexes[{i}]"
            problems += _index_problems(iwhere, index, types)
            iname = index.get("name") if isinstance(index, Mapping) else None
            if isinstance(iname, str):
                if iname in index_names:
                    problems.append(
                        f"{iwhere}.name {iname!r} is also used by {where}.indexes[{index_names[iname]}]"
                    )
                index_names.setdefault(iname, i)
        if isinstance(ttl, str) and ttl in types:
            problems.append(
                f"{where}.ttl_attribute {ttl!r} is a key attribute of an index; TTL needs a number attribute"
            )
    return problems


def _api_limit_problems(where: str, api: Any) -> list[str]:
    """A tier's API limits {rate_limit, burst_limit, quota_limit, quota_period} (its usage plan)."""
    if not isinstance(api, Mapping):
        return []  # the schema reports a value that is not a mapping
    problems = _unknown_keys(where, api, _API_KEYS)
    for key in _API_KEYS:
        if key not in api:
            problems.append(f"{where} has no {key}")
    rate, burst, quota, period = (api.get(k) for k in _API_KEYS)
    if "rate_limit" in api and (isinstance(rate, bool) or not isinstance(rate, (int, float)) or rate <= 0):
        problems.append(f"{where}.rate_limit is {_show(rate)}, not a number of requests per second above 0")
    for key, value in (("burst_limit", burst), ("quota_limit", quota)):
        if key in api and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            problems.append(f"{where}.{key} is {_show(value)}, not a whole number of requests of at least 1")
    if "quota_period" in api and period not in _QUOTA_PERIODS:
        problems.append(f"{where}.quota_period is {_show(period)}, not one of {', '.join(_QUOTA_PERIODS)}")
    return problems


def tier_problems(variable: str, tiers: list) -> list[str]:
    """Problems beyond the schema's options: the administrators' group name, the API limits."""
    problems: list[str] = []
    for i, tier in enumerate(tiers):
        if not isinstance(tier, Mapping):
            continue
        if tier.get("name") == ADMIN_GROUP:
            problems.append(
                f"{variable}[{i}].name {ADMIN_GROUP!r} is the Cognito group of tenants' administrators"
            )
        problems += _api_limit_problems(f"{variable}[{i}].api", tier.get("api"))
    return problems


def tenant_problems(variable: str, tenants: list, tier_names: list[str] | None) -> list[str]:
    """Problems of ``fastish_tenants``; ``tier_names`` is None when the tiers are broken themselves."""
    problems: list[str] = []
    ids: dict[str, int] = {}
    emails: dict[str, int] = {}
    for position, tenant in enumerate(tenants):
        where = f"{variable}[{position}]"
        if not isinstance(tenant, Mapping):
            problems.append(
                f"{where} is {_show(tenant)}, not a mapping with the keys {', '.join(_TENANT_KEYS)}"
            )
            continue
        tenant_id = tenant.get("id")
        if isinstance(tenant_id, str):
            where = f"{where} ({tenant_id})"
        problems += _unknown_keys(where, tenant, _TENANT_KEYS)
        if not isinstance(tenant_id, str) or not TENANT_ID_RE.fullmatch(tenant_id):
            problems.append(
                f"{where}.id is {_show(tenant_id)}, not 1 to 32 lowercase letters, digits and '-' "
                "starting and ending with a letter or digit (it becomes the custom:tenant_id of every "
                "user, the partition key of the tenant's data and an IAM session tag)"
            )
        elif tenant_id in ids:
            problems.append(
                f"{where}.id {tenant_id!r} is also used by {variable}[{ids[tenant_id]}]; "
                "tenant ids are unique"
            )
        else:
            ids[tenant_id] = position
        name = tenant.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 256:
            problems.append(f"{where}.name is {_show(name)}, not a display name of 1 to 256 characters")
        tier = tenant.get("tier")
        if tier_names is not None and tier not in tier_names:
            problems.append(
                f"{where}.tier is {_show(tier)}, not one of the tiers {', '.join(tier_names)} (fastish_tiers)"
            )
        email = tenant.get("admin_email")
        if not isinstance(email, str) or not _EMAIL_RE.fullmatch(email):
            problems.append(f"{where}.admin_email is {_show(email)}, not an email address")
        elif email.lower() in emails:
            problems.append(
                f"{where}.admin_email {email!r} is also the admin of "
                f"{variable}[{emails[email.lower()]}]; a user belongs to exactly one tenant"
            )
        else:
            emails[email.lower()] = position
        state = tenant.get("state", "present")
        if state not in ("present", "absent"):
            problems.append(f"{where}.state is {_show(state)}, not present or absent")
        purge = tenant.get("purge", False)
        if not isinstance(purge, bool):
            problems.append(f"{where}.purge is {_show(purge)}, not a boolean (true or false, without quotes)")
        elif purge and state != "absent":
            problems.append(
                f"{where}.purge is true but its state is {state}; purge deletes an offboarded tenant's data"
            )
    return problems
