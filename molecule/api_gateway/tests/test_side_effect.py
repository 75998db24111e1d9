"""Offboarding a tenant disables its key and takes it out of its plan (the key and its secret stay,
so onboarding it again restores the same key); removing the API keeps the access logs and the key
secrets; destroying the data needs the confirmation and then deletes them. Each step runs twice, the
second run must change nothing. Runs the scenario's converge playbook (the role only, with the
pool and key of the converge) with extra vars, in order."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.molecule_support import aws_client, changed_count, run_playbook

CONVERGE = Path(__file__).resolve().parents[1] / "converge.yml"
HOST = "acme-web-portal"
API = "acme-web-portal-api"
LOG_GROUP = "acme-web-portal-api-access"
GLOBEX = {
    "id": "globex",
    "name": "Globex Corporation",
    "tier": "enterprise",
    "admin_email": "admin@globex.example",
}
INITECH = {"id": "initech", "name": "Initech", "tier": "startup", "admin_email": "it@initech.example"}
SECRETS = {t: f"acme-web-portal-api-key-{t}" for t in ("globex", "initech")}


@pytest.fixture(scope="module")
def base():
    """The extra vars that stand in for the base roles (skipped with --tags api_gateway)."""
    directory = Path(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", "outputs"))
    facts = json.loads((directory / "api-gateway-facts.json").read_text())
    pools = aws_client("cognito-idp").list_user_pools(MaxResults=60)["UserPools"]
    (pool,) = [p for p in pools if p["Name"] == "acme-web-portal-users"]
    arn = aws_client("cognito-idp").describe_user_pool(UserPoolId=pool["Id"])["UserPool"]["Arn"]
    return {"api_gateway_user_pool_arn": arn, "api_gateway_kms_key_arn": facts["kms_key_arn"]}


def _run(base, **extra):
    rc, out = run_playbook(CONVERGE, "--tags", "api_gateway", "-e", json.dumps({**base, **extra}))
    return rc, out


def _twice(base, **extra):
    counts = []
    for _ in range(2):
        rc, out = _run(base, **extra)
        assert rc == 0, out[-4000:]
        counts.append(changed_count(out, HOST))
    return counts


def _key(name):
    keys = [
        k for k in aws_client("apigateway").get_api_keys(includeValues=True)["items"] if k["name"] == name
    ]
    return keys[0] if keys else None


def _plans_of(key_id):
    return [p["name"] for p in aws_client("apigateway").get_usage_plans(keyId=key_id)["items"]]


def _secret(tenant):
    secrets = aws_client("secretsmanager")
    try:
        return secrets.describe_secret(SecretId=SECRETS[tenant])
    except secrets.exceptions.ResourceNotFoundException:
        return None


def test_1_offboarding_disables_the_key_and_keeps_it(base):
    before = _key("acme-web-portal-initech")
    first, second = _twice(base, fastish_tenants=[GLOBEX, {**INITECH, "state": "absent"}])
    assert first > 0 and second == 0
    key = _key("acme-web-portal-initech")
    assert key["id"] == before["id"] and key["enabled"] is False and _plans_of(key["id"]) == []
    assert _secret("initech") is not None
    globex = _key("acme-web-portal-globex")
    assert globex["enabled"] is True and _plans_of(globex["id"]) == ["acme-web-portal-enterprise"]


def test_2_onboarding_again_restores_the_same_key(base):
    before = _key("acme-web-portal-initech")
    first, second = _twice(base, fastish_tenants=[GLOBEX, INITECH])
    assert first > 0 and second == 0
    key = _key("acme-web-portal-initech")
    assert (key["id"], key["value"], key["enabled"]) == (before["id"], before["value"], True)
    assert _plans_of(key["id"]) == ["acme-web-portal-startup"]
    stored = json.loads(
        aws_client("secretsmanager").get_secret_value(SecretId=SECRETS["initech"])["SecretString"]
    )
    assert stored["value"] == key["value"]


def test_3_destroying_data_needs_the_confirmation(base):
    rc, out = _run(base, api_gateway_state="absent", api_gateway_destroy_data=True)
    assert rc != 0
    assert "api_gateway_destroy_confirm=acme-web-portal" in out
    assert [a for a in aws_client("apigateway").get_rest_apis()["items"] if a["name"] == API]


def test_4_removing_the_api_keeps_logs_and_secrets(base):
    first, second = _twice(base, api_gateway_state="absent")
    assert first > 0 and second == 0
    apigw = aws_client("apigateway")
    assert [a for a in apigw.get_rest_apis()["items"] if a["name"] == API] == []
    assert [p for p in apigw.get_usage_plans()["items"] if p["name"].startswith("acme-web-portal-")] == []
    assert _key("acme-web-portal-globex") is None and _key("acme-web-portal-initech") is None
    lam = aws_client("lambda")
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_policy(FunctionName=API, Qualifier="live")
    assert aws_client("logs").describe_log_groups(logGroupNamePrefix=LOG_GROUP)["logGroups"]
    assert all(_secret(t) and "DeletedDate" not in _secret(t) for t in SECRETS)


def test_5_destroying_the_data(base):
    first, second = _twice(
        base, api_gateway_state="absent", api_gateway_destroy_data=True, api_gateway_destroy_confirm=HOST
    )
    assert first > 0 and second == 0
    assert aws_client("logs").describe_log_groups(logGroupNamePrefix=LOG_GROUP)["logGroups"] == []
    for tenant in SECRETS:
        secret = _secret(tenant)
        assert secret is None or "DeletedDate" in secret
