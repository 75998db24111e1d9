"""fastish.platform.lambda_release against the local cloud: a version only when the function changed,
the alias follows it, reserved concurrency."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests.modules.support import module, modules, mutating

NAME = "acme-web-portal-api"


def _zip(body):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", body)
    return buffer.getvalue()


@pytest.fixture
def function(cloud):
    role = cloud.client("iam").create_role(
        RoleName="fn",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )["Role"]["Arn"]
    cloud.client("lambda").create_function(
        FunctionName=NAME,
        Runtime="python3.12",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": _zip("def handler(event, context):\n    return 1\n")},
        MemorySize=256,
    )
    return cloud.client("lambda")


def _versions(client):
    return [v["Version"] for v in client.list_versions_by_function(FunctionName=NAME)["Versions"]]


def test_first_release_publishes_and_creates_the_alias_then_nothing_changes(cloud, tmp_path, function):
    params = {"function_name": NAME, "alias": "live", "description": "first", "reserved_concurrency": 20}
    results = modules(cloud, tmp_path, "lambda_release", {"first": params, "again": params})
    first, again = results["first"], results["again"]
    assert first["changed"] and first["published"] and first["version"] == "1", first
    assert first["alias_arn"] == f"arn:aws:lambda:us-east-1:123456789012:function:{NAME}:live"
    assert first["reserved_concurrency"] == 20
    assert not again["changed"] and not again["published"] and again["version"] == "1", again
    assert function.get_alias(FunctionName=NAME, Name="live")["FunctionVersion"] == "1"
    assert function.get_function_concurrency(FunctionName=NAME)["ReservedConcurrentExecutions"] == 20
    assert _versions(function) == ["$LATEST", "1"]


def test_a_changed_configuration_or_code_gets_a_new_version_and_the_alias_moves(cloud, tmp_path, function):
    module(cloud, tmp_path, "lambda_release", {"function_name": NAME})
    function.update_function_configuration(FunctionName=NAME, MemorySize=512)
    second = module(cloud, tmp_path, "lambda_release", {"function_name": NAME})
    assert second["changed"] and second["published"] and second["version"] == "2", second
    function.update_function_code(
        FunctionName=NAME, ZipFile=_zip("def handler(event, context):\n    return 2\n")
    )
    third = module(cloud, tmp_path, "lambda_release", {"function_name": NAME})
    assert third["published"] and third["version"] == "3", third
    assert function.get_alias(FunctionName=NAME, Name="live")["FunctionVersion"] == "3"


def test_check_mode_reports_the_release_without_mutating(cloud, tmp_path, function):
    cloud.reset_requests()
    result = module(
        cloud, tmp_path, "lambda_release", {"function_name": NAME, "reserved_concurrency": 5}, "--check"
    )
    assert result["changed"] and result["version"] == "new", result
    assert mutating(cloud) == []
    assert _versions(function) == ["$LATEST"]
    assert "ReservedConcurrentExecutions" not in function.get_function_concurrency(FunctionName=NAME)


def test_reserved_concurrency_is_released_with_minus_one_and_left_alone_when_omitted(
    cloud, tmp_path, function
):
    module(cloud, tmp_path, "lambda_release", {"function_name": NAME, "reserved_concurrency": 3})
    kept = module(cloud, tmp_path, "lambda_release", {"function_name": NAME})
    assert not kept["changed"] and kept["reserved_concurrency"] == 3
    released = module(cloud, tmp_path, "lambda_release", {"function_name": NAME, "reserved_concurrency": -1})
    assert released["changed"] and released["reserved_concurrency"] == -1
    assert "ReservedConcurrentExecutions" not in function.get_function_concurrency(FunctionName=NAME)


def test_errors_name_the_function_and_the_fix(cloud, tmp_path, function):
    missing = module(cloud, tmp_path, "lambda_release", {"function_name": "nope"})
    assert missing["failed"] and "nope does not exist" in missing["msg"]
    negative = module(cloud, tmp_path, "lambda_release", {"function_name": NAME, "reserved_concurrency": -2})
    assert negative["failed"] and "-1 to remove the reservation" in negative["msg"]


def test_the_environment_key_is_set_once_and_frozen_into_the_version(cloud, tmp_path, function):
    key = cloud.client("kms").create_key()["KeyMetadata"]["Arn"]
    params = {"function_name": NAME, "kms_key_arn": key}
    results = modules(cloud, tmp_path, "lambda_release", {"first": params, "again": params})
    assert results["first"]["changed"] and results["first"]["version"] == "1"
    assert not results["again"]["changed"], results["again"]
    assert function.get_function_configuration(FunctionName=NAME, Qualifier="1")["KMSKeyArn"] == key
