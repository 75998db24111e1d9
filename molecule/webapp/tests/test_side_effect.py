"""playbooks/destroy.yml on the converged webapp release: without confirmation it removes everything
but the data (user pool, tables, log groups, key, web bucket, zone) and says how to delete it; with
fastish_destroy_data + fastish_destroy_confirm it removes the data too. Each run twice: the second
changes nothing."""

from __future__ import annotations

from tests.molecule_support import aws_client, changed_count, run_playbook

HOST = "acme-web-portal"
PREFIX = "acme-web-portal"
CONFIRM = ("-e", '{"fastish_destroy_data": true}', "-e", f"fastish_destroy_confirm={HOST}")


def _destroy(*args):
    rc, out = run_playbook("playbooks/destroy.yml", "--limit", HOST, *args)
    assert rc == 0, out[-5000:]
    return changed_count(out, HOST), out


def _functions():
    return [f["FunctionName"] for f in aws_client("lambda").list_functions()["Functions"]]


def _apis():
    return [a["name"] for a in aws_client("apigateway").get_rest_apis()["items"]]


def _tables():
    return [t for t in aws_client("dynamodb").list_tables()["TableNames"] if t.startswith(PREFIX)]


def _pools():
    return [p["Name"] for p in aws_client("cognito-idp").list_user_pools(MaxResults=60)["UserPools"]]


def _roles():
    roles = aws_client("iam").list_roles()["Roles"]
    return sorted(r["RoleName"] for r in roles if r["RoleName"].startswith(PREFIX))


def _key_state():
    return aws_client("kms").describe_key(KeyId=f"alias/{PREFIX}-key")["KeyMetadata"]["KeyState"]


def test_1_destroy_keeps_the_data_and_says_so():
    assert _functions() and _apis() and _tables()  # converged before
    changed, out = _destroy()
    assert changed > 0
    assert f"{PREFIX}-api" not in _functions()
    assert f"{PREFIX}-api" not in _apis()
    assert _roles() == [], _roles()
    # the data stays: tables, user pool, key
    assert sorted(_tables()) == [f"{PREFIX}-items", f"{PREFIX}-tenants"]
    assert f"{PREFIX}-users" in _pools()
    assert _key_state() == "Enabled"
    assert "fastish_destroy_confirm=acme-web-portal" in out


def test_2_destroy_again_changes_nothing():
    changed, _out = _destroy()
    assert changed == 0


def test_3_confirmed_destroy_removes_the_data():
    changed, _out = _destroy(*CONFIRM)
    assert changed > 0
    assert _tables() == []
    assert f"{PREFIX}-users" not in _pools()
    assert _key_state() == "PendingDeletion"
    logs = aws_client("logs").describe_log_groups()["logGroups"]
    assert [g["logGroupName"] for g in logs if PREFIX in g["logGroupName"]] == []
    vpcs = aws_client("ec2").describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"{PREFIX}*"]}])["Vpcs"]
    assert vpcs == []


def test_4_confirmed_destroy_again_changes_nothing():
    changed, _out = _destroy(*CONFIRM)
    assert changed == 0
