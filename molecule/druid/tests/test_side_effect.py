"""playbooks/destroy.yml on the converged druid release: without confirmation it removes the cluster
and everything around it but keeps the data (log groups, key) and says how to delete it; with
fastish_destroy_data + fastish_destroy_confirm it removes the data too. Each run twice: the second
changes nothing."""

from __future__ import annotations

from tests.molecule_support import aws_client, changed_count, run_playbook

HOST = "acme-data-analytics"
PREFIX = "acme-data-analytics"
CLUSTER = f"{PREFIX}-eks"
CONFIRM = ("-e", '{"fastish_destroy_data": true}', "-e", f"fastish_destroy_confirm={HOST}")


def _destroy(*args):
    rc, out = run_playbook("playbooks/destroy.yml", "--limit", HOST, *args)
    assert rc == 0, out[-5000:]
    return changed_count(out, HOST), out


def _clusters():
    return aws_client("eks").list_clusters()["clusters"]


def _roles():
    roles = aws_client("iam").list_roles()["Roles"]
    return sorted(r["RoleName"] for r in roles if r["RoleName"].startswith(PREFIX))


def _queues():
    return aws_client("sqs").list_queues(QueueNamePrefix=PREFIX).get("QueueUrls", [])


def _rules():
    return aws_client("events").list_rules(NamePrefix=PREFIX)["Rules"]


def _log_groups():
    groups = aws_client("logs").describe_log_groups()["logGroups"]
    return sorted(g["logGroupName"] for g in groups if PREFIX in g["logGroupName"])


def _key_state():
    return aws_client("kms").describe_key(KeyId=f"alias/{PREFIX}-key")["KeyMetadata"]["KeyState"]


def test_1_destroy_keeps_the_data_and_says_so():
    assert CLUSTER in _clusters()  # converged before
    assert _log_groups(), "the converge created no log group"
    changed, out = _destroy()
    assert changed > 0
    assert _clusters() == []
    assert _roles() == [], _roles()
    assert _queues() == [] and _rules() == []
    assert aws_client("iam").list_open_id_connect_providers()["OpenIDConnectProviderList"] == []
    # the data stays: the control-plane and flow-log groups, the key
    assert f"/aws/eks/{CLUSTER}/cluster" in _log_groups()
    assert _key_state() == "Enabled"
    assert f"fastish_destroy_confirm={HOST}" in out


def test_2_destroy_again_changes_nothing():
    changed, _out = _destroy()
    assert changed == 0


def test_3_confirmed_destroy_removes_the_data():
    changed, _out = _destroy(*CONFIRM)
    assert changed > 0
    assert _log_groups() == []
    assert _key_state() == "PendingDeletion"
    vpcs = aws_client("ec2").describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"{PREFIX}*"]}])["Vpcs"]
    assert vpcs == []


def test_4_confirmed_destroy_again_changes_nothing():
    changed, _out = _destroy(*CONFIRM)
    assert changed == 0
