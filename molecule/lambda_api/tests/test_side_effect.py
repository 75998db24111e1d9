"""roles/lambda_api: a changed setting publishes a new version (3) and the alias follows it; absent
removes the function, role and security group and keeps the log group; confirmed destroy_data deletes it; each
absent run twice (the second changes nothing)."""

from __future__ import annotations

from pathlib import Path

from tests.molecule_support import aws_client, changed_count, run_playbook

CONVERGE = Path(__file__).resolve().parents[1] / "converge.yml"
HOST = "acme-web-portal"
NAME = "acme-web-portal-api"
CONFIRM = ("-e", '{"fastish_destroy_data": true}', "-e", f"fastish_destroy_confirm={HOST}")


def _run(*args):
    rc, out = run_playbook(CONVERGE, *args)
    assert rc == 0, out[-4000:]
    return changed_count(out, HOST)


def _log_groups():
    return [
        g["logGroupName"]
        for g in aws_client("logs").describe_log_groups(logGroupNamePrefix="/aws/lambda/")["logGroups"]
    ]


def test_1_a_changed_setting_is_released_as_a_new_version():
    assert _run("-e", "lambda_api_memory_size=1024") > 0
    lam = aws_client("lambda")
    assert lam.get_alias(FunctionName=NAME, Name="live")["FunctionVersion"] == "3"
    assert lam.get_function_configuration(FunctionName=NAME, Qualifier="3")["MemorySize"] == 1024
    assert lam.get_function_configuration(FunctionName=NAME, Qualifier="2")["MemorySize"] == 512


def test_2_absent_keeps_the_log_group():
    assert _run("-e", "lambda_api_state=absent") > 0
    assert NAME not in [f["FunctionName"] for f in aws_client("lambda").list_functions()["Functions"]]
    assert NAME not in [r["RoleName"] for r in aws_client("iam").list_roles()["Roles"]]
    groups = aws_client("ec2").describe_security_groups(Filters=[{"Name": "group-name", "Values": [NAME]}])
    assert groups["SecurityGroups"] == []
    assert _log_groups() == [f"/aws/lambda/{NAME}"]
    assert _run("-e", "lambda_api_state=absent") == 0


def test_3_destroy_data_needs_the_confirmation():
    rc, out = run_playbook(
        CONVERGE, "-e", "lambda_api_state=absent", "-e", '{"lambda_api_destroy_data": true}'
    )
    assert rc != 0 and "lambda_api_destroy_confirm=acme-web-portal" in out


def test_4_confirmed_destroy_data_deletes_the_log_group():
    assert _run("-e", "lambda_api_state=absent", *CONFIRM) > 0
    assert _log_groups() == []
    assert _run("-e", "lambda_api_state=absent", *CONFIRM) == 0
