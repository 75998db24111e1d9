"""Removal: a shorter fastish_cluster_addons list removes the other add-ons (role, Pod Identity
association, namespace and our custom resources; the chart uninstall is skipped with the reason),
the full list brings them back, absent removes everything and a second absent changes nothing. The
exec role of druid releases allows every call, the removals included. Runs in this order."""

from __future__ import annotations

import json

from cluster_addons_support import (
    AWS_ADDONS,
    CONVERGE,
    HOST,
    associations,
    calls_not_allowed,
    cluster_objects,
    exec_policy,
    existing_roles,
    our_namespaces,
    requests_log,
)

from tests.molecule_support import changed_count, run_playbook

KEPT = ["metrics-server", "external-secrets"]
STORES = {"secrets-manager", "parameter-store"}


def _converge(**extra):
    rc, out = run_playbook(CONVERGE, "-e", json.dumps(extra))
    assert rc == 0, out[-4000:]
    return out


def test_a_shorter_list_removes_the_other_addons():
    out = _converge(fastish_cluster_addons=KEPT)
    assert existing_roles() == {"external-secrets"}
    assert [(a["namespace"], a["serviceAccount"]) for a in associations()] == [
        ("external-secrets", "external-secrets")
    ]
    assert set(our_namespaces()) == {"external-secrets"}
    assert set(cluster_objects("external-secrets.io", "v1", "clustersecretstores")) == STORES
    assert (
        "Skipped uninstalling the charts of aws-load-balancer-controller, cert-manager, external-dns" in out
    )


def test_the_full_list_brings_them_back():
    _converge()
    assert existing_roles() == set(AWS_ADDONS)
    assert len(associations()) == len(AWS_ADDONS)
    assert set(our_namespaces()) == {"cert-manager", "external-dns", "external-secrets"}


def test_absent_removes_everything_and_a_second_absent_changes_nothing():
    out = _converge(cluster_addons_state="absent")
    assert changed_count(out, HOST) > 0
    assert existing_roles() == set()
    assert associations() == []
    assert our_namespaces() == {}
    assert cluster_objects("external-secrets.io", "v1", "clustersecretstores") == {}
    assert "Skipped uninstalling the charts of aws-load-balancer-controller" in out
    assert changed_count(_converge(cluster_addons_state="absent"), HOST) == 0


def test_the_druid_exec_role_allows_every_call_the_removals_included():
    missing = calls_not_allowed(requests_log(), exec_policy(), skip_services={"route53"})
    assert not missing, f"the exec role of druid releases lacks: {missing}"
