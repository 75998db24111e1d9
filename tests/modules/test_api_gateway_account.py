"""fastish.platform.api_gateway_account against the local cloud (moto with the project's patches)."""

from __future__ import annotations

from tests.modules.support import module, mutating

ROLE = "arn:aws:iam::123456789012:role/fastish-apigateway-logs"


def test_set_rerun_check_mode(cloud, tmp_path):
    checked = module(
        cloud, tmp_path, "api_gateway_account", {"cloudwatch_role_arn": ROLE}, "--check", "--diff"
    )
    assert checked["changed"] is True and checked["diff"]["after"]["cloudwatch_role_arn"] == ROLE
    assert mutating(cloud) == []
    assert cloud.client("apigateway").get_account().get("cloudwatchRoleArn") is None

    result = module(cloud, tmp_path, "api_gateway_account", {"cloudwatch_role_arn": ROLE})
    assert result["changed"] is True and result["account"]["cloudwatch_role_arn"] == ROLE
    assert cloud.client("apigateway").get_account()["cloudwatchRoleArn"] == ROLE
    cloud.reset_requests()
    assert module(cloud, tmp_path, "api_gateway_account", {"cloudwatch_role_arn": ROLE})["changed"] is False
    assert mutating(cloud) == []


def test_needs_a_role(cloud, tmp_path):
    result = module(cloud, tmp_path, "api_gateway_account", {})
    assert result["failed"] is True and "missing required arguments: cloudwatch_role_arn" in result["msg"]
