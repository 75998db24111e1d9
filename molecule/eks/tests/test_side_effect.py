"""Side effects of the eks role, each a separate run of converge.yml (in this order):

- a contributor removed from the inventory loses their access entry, and only theirs (an entry made by
  hand and the cluster creator's stay); put back, they get it again;
- eks_state=absent removes the cluster and everything the role made but the control-plane log group; a
  second absent run changes nothing;
- eks_destroy_data without the release named is refused; confirmed, the log group goes too;
- the exec role of druid releases allows every call of these runs as well.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from test_verify import (
    ACCOUNT,
    CLUSTER,
    LAUNCH_TEMPLATE,
    LOG_GROUP,
    ROLES,
    _inventory,
)

from tests.molecule_support import aws_client, changed_count, missing_exec_actions, run_playbook

CONVERGE = Path(__file__).resolve().parents[1] / "converge.yml"
HOST = "acme-data-analytics"
BY_HAND = f"arn:aws:iam::{ACCOUNT}:role/made-by-hand"


def _converge(**extra_vars):
    return run_playbook(CONVERGE, *(["-e", json.dumps(extra_vars)] if extra_vars else []))


def _principals():
    return set(aws_client("eks").list_access_entries(clusterName=CLUSTER)["accessEntries"])


def _log_group_exists():
    groups = aws_client("logs").describe_log_groups(logGroupNamePrefix=LOG_GROUP)["logGroups"]
    return [g["logGroupName"] for g in groups] == [LOG_GROUP]


@pytest.fixture(scope="module")
def contributors():
    _host, team = _inventory()
    return team["fastish_contributors"]


def test_a_contributor_who_leaves_loses_only_their_entry(contributors):
    eks = aws_client("eks")
    eks.create_access_entry(clusterName=CLUSTER, principalArn=BY_HAND)
    before = _principals()
    (leaving,) = [c for c in contributors if c["name"] == "barbara"]
    staying = [c for c in contributors if c is not leaving]

    rc, out = _converge(eks_contributors=staying)
    assert rc == 0 and changed_count(out, HOST) == 1, out[-3000:]
    assert _principals() == before - {leaving["arn"]}  # the hand-made and the creator's entries stay

    rc, out = _converge()
    assert rc == 0 and changed_count(out, HOST) == 1, out[-3000:]
    assert _principals() == before
    policies = eks.list_associated_access_policies(clusterName=CLUSTER, principalArn=leaving["arn"])
    assert [p["policyArn"].rsplit("/", 1)[1] for p in policies["associatedAccessPolicies"]] == [
        "AmazonEKSViewPolicy"
    ]
    eks.delete_access_entry(clusterName=CLUSTER, principalArn=BY_HAND)


def test_absent_removes_everything_but_the_log_group():
    rc, out = _converge(eks_state="absent")
    assert rc == 0 and changed_count(out, HOST) > 0, out[-3000:]
    assert "Kept the control-plane log group" in out
    eks = aws_client("eks")
    with pytest.raises(ClientError) as gone:
        eks.describe_cluster(name=CLUSTER)
    assert gone.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert eks.list_clusters()["clusters"] == []
    iam = aws_client("iam")
    for role in ROLES.values():
        with pytest.raises(ClientError):
            iam.get_role(RoleName=role)
    assert iam.list_open_id_connect_providers()["OpenIDConnectProviderList"] == []
    templates = aws_client("ec2").describe_launch_templates(
        Filters=[{"Name": "launch-template-name", "Values": [LAUNCH_TEMPLATE]}]
    )["LaunchTemplates"]
    assert templates == []
    assert _log_group_exists()


def test_absent_again_changes_nothing():
    rc, out = _converge(eks_state="absent")
    assert rc == 0 and changed_count(out, HOST) == 0, out[-3000:]


def test_data_deletion_needs_the_release_named():
    rc, out = _converge(eks_state="absent", eks_destroy_data=True)
    assert rc != 0 and "confirm it with eks_destroy_confirm=acme-data-analytics" in out, out[-3000:]
    assert _log_group_exists()


def test_confirmed_data_deletion_removes_the_log_group():
    rc, out = _converge(eks_state="absent", fastish_destroy_data=True, fastish_destroy_confirm=HOST)
    assert rc == 0 and changed_count(out, HOST) == 1, out[-3000:]
    assert not _log_group_exists()


def test_the_druid_exec_role_allows_every_call_of_these_runs_too():
    missing = missing_exec_actions("druid")
    assert not missing, f"the exec role of druid releases lacks: {missing}"
