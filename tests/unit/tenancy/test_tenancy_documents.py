"""The tenant role's documents (roles/tenancy), rendered by the role from the local inventory and
judged with tests/iam_policy.py: tenants reach only their own partition, only the API may assume
the role, and only with the tenant tag."""

from __future__ import annotations

import pytest

from tests.iam_policy import Request, allowed, evaluate
from tests.integration.playbook_runner import run_playbook, task_results

ACCOUNT = "123456789012"
TABLES = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/"
ITEMS = TABLES + "acme-web-portal-items"
TENANTS = TABLES + "acme-web-portal-tenants"
API_ROLE = f"arn:aws:iam::{ACCOUNT}:role/acme-web-portal-api"
HOST = "acme-web-portal"


def _documents(tmp_path, extra_vars=None):
    task = {
        "name": "render",
        "ansible.builtin.include_role": {"name": "tenancy", "tasks_from": "documents.yml"},
    }
    if extra_vars:
        task["vars"] = extra_vars
    plays = [
        {
            "name": "Render",
            "hosts": HOST,
            "gather_facts": False,
            "tasks": [
                task,
                {"name": "policy", "ansible.builtin.debug": {"var": "tenancy_policy_document"}},
                {"name": "trust", "ansible.builtin.debug": {"var": "tenancy_trust_document"}},
            ],
        }
    ]
    rc, out, raw = run_playbook(tmp_path, plays, {})
    assert rc == 0 and out is not None, raw
    return (
        task_results(out, "policy", HOST)["tenancy_policy_document"],
        task_results(out, "trust", HOST)["tenancy_trust_document"],
    )


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    return _documents(tmp_path_factory.mktemp("tenancy"))


def tenant_request(action, resource, tenant, keys):
    context = {"aws:PrincipalTag/tenant_id": tenant}
    if keys is not None:
        context["dynamodb:LeadingKeys"] = keys
    return Request(action=action, resource=resource, context=context)


@pytest.mark.parametrize(
    "action",
    ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
)
def test_a_tenant_reaches_its_own_items_and_never_another_tenants(documents, action):
    policy, _ = documents
    assert allowed(policy, tenant_request(action, ITEMS, "globex", ["globex"]))
    assert not allowed(policy, tenant_request(action, ITEMS, "globex", ["initech"]))
    assert not allowed(policy, tenant_request(action, ITEMS, "globex", ["globex", "initech"]))


def test_batch_calls_are_bound_to_every_key(documents):
    policy, _ = documents
    for action in ("dynamodb:BatchGetItem", "dynamodb:BatchWriteItem"):
        assert allowed(policy, tenant_request(action, ITEMS, "globex", ["globex", "globex"]))
        assert not allowed(policy, tenant_request(action, ITEMS, "globex", ["globex", "initech"]))


def test_requests_without_leading_keys_never_match(documents):
    policy, _ = documents
    # ForAllValues over an empty set is true in IAM: the Null condition must close that door.
    assert not allowed(policy, tenant_request("dynamodb:GetItem", ITEMS, "globex", None))
    assert not allowed(policy, tenant_request("dynamodb:GetItem", ITEMS, "globex", []))
    assert not allowed(policy, tenant_request("dynamodb:Scan", ITEMS, "globex", None))
    assert not allowed(policy, tenant_request("dynamodb:Scan", ITEMS, "globex", ["globex"]))


def test_a_session_without_the_tenant_tag_gets_nothing(documents):
    policy, _ = documents
    request = Request(action="dynamodb:GetItem", resource=ITEMS, context={"dynamodb:LeadingKeys": ["globex"]})
    assert not allowed(policy, request)


def test_the_index_keyed_by_tenant_is_open_and_the_tenant_table_is_read_only(documents):
    policy, _ = documents
    assert allowed(
        policy, tenant_request("dynamodb:Query", ITEMS + "/index/by-updated", "globex", ["globex"])
    )
    assert not allowed(policy, tenant_request("dynamodb:Query", ITEMS + "/index/by-updated", "globex", ["x"]))
    assert allowed(policy, tenant_request("dynamodb:GetItem", TENANTS, "globex", ["globex"]))
    for action in ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"):
        assert not allowed(policy, tenant_request(action, TENANTS, "globex", ["globex"]))


def test_nothing_outside_the_release_tables(documents):
    policy, _ = documents
    for statement in policy["Statement"]:
        assert "*" not in statement["Resource"] and "*" not in statement["Action"]
        for resource in statement["Resource"]:
            assert resource.startswith(TABLES + "acme-web-portal-"), resource
    other = TABLES + "acme-web-other-items"
    assert not allowed(policy, tenant_request("dynamodb:GetItem", other, "globex", ["globex"]))
    assert not allowed(policy, tenant_request("dynamodb:DeleteTable", ITEMS, "globex", ["globex"]))


def test_an_index_keyed_by_something_else_stays_closed(tmp_path):
    tables = [
        {
            "name": "tenants",
            "partition_key": {"name": "tenant_id", "type": "S"},
            "tenant_access": "read",
            "indexes": [{"name": "by-tier", "partition_key": {"name": "tier", "type": "S"}}],
        }
    ]
    policy, _ = _documents(tmp_path, {"tenancy_tables": tables})
    index = TENANTS + "/index/by-tier"
    # even with the tenant's own id as the index's leading key, the index is not granted
    assert not allowed(policy, tenant_request("dynamodb:Query", index, "globex", ["globex"]))
    assert allowed(policy, tenant_request("dynamodb:GetItem", TENANTS, "globex", ["globex"]))


def assume(principal, tags, action="sts:AssumeRole"):
    context = {"aws:PrincipalArn": principal, "aws:TagKeys": list(tags)}
    context.update({f"aws:RequestTag/{k}": v for k, v in tags.items()})
    return Request(action=action, principal={"AWS": principal}, context=context)


def test_only_the_api_role_assumes_and_only_with_the_tenant_tag(documents):
    _, trust = documents
    assert allowed(trust, assume(API_ROLE, {"tenant_id": "globex"}))
    assert allowed(trust, assume(API_ROLE, {"tenant_id": "globex"}, "sts:TagSession"))
    assert not allowed(trust, assume(API_ROLE, {}))
    assert not allowed(trust, assume(API_ROLE, {"tenant_id": ""}))
    assert not allowed(trust, assume(API_ROLE, {"tenant_id": "globex", "tier": "enterprise"}))
    assert not allowed(
        trust, assume(f"arn:aws:iam::{ACCOUNT}:role/acme-web-other-api", {"tenant_id": "globex"})
    )
    assert not allowed(
        trust, assume("arn:aws:iam::999999999999:role/acme-web-portal-api", {"tenant_id": "globex"})
    )
    assert (
        evaluate(trust, assume(API_ROLE, {"tenant_id": "globex"}, "sts:AssumeRoleWithWebIdentity"))
        == "ImplicitDeny"
    )
