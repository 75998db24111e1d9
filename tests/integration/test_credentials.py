"""The credentials role: module_defaults reach community.aws modules and ours; environment first;
deploy -> exec role chain with the external id; no secret in the output."""

from __future__ import annotations

import json
import sys

import pytest

from tests.integration.playbook_runner import REPO, run_playbook, task_results

sys.path.insert(0, str(REPO / "collections"))
from ansible_collections.fastish.platform.plugins.module_utils.naming import resource_name

HOST = "acme-web-portal"
SYNTH_SCOPE = {
    "platform": "fastish",
    "synthesizer": "local",
    "account_id": "123456789012",
    "region": "us-east-1",
    "release_type": "bootstrap",
}
DEFAULTS = {
    "group/amazon.aws.aws": "{{ credentials_aws | default({}) }}",
    "group/community.aws.aws": "{{ credentials_aws | default({}) }}",
    "group/fastish.platform.aws": "{{ credentials_aws | default({}) }}",
}


def _play(tasks):
    return [
        {
            "name": "Probe",
            "hosts": HOST,
            "gather_facts": False,
            "module_defaults": DEFAULTS,
            "roles": [{"role": "credentials"}],
            "tasks": tasks,
        }
    ]


CALLER = {"name": "Who am I", "amazon.aws.aws_caller_info": {}}


def test_defaults_reach_community_aws_and_our_modules(cloud, tmp_path):
    tasks = [
        {
            "name": "community.aws module",
            "community.aws.ssm_parameter": {
                "name": "/probe/defaults",
                "value": "reached",
                "state": "present",
            },
        },
        {"name": "our module", "fastish.platform.stored_data_info": {"s3_bucket": "no-such-bucket"}},
        CALLER,
    ]
    rc, out, raw = run_playbook(tmp_path, _play(tasks), cloud.env())
    assert rc == 0, raw
    # The AWS_* environment was removed: only module_defaults can have pointed them at the local cloud.
    value = cloud.client("ssm").get_parameter(Name="/probe/defaults")["Parameter"]["Value"]
    assert value == "reached"
    assert task_results(out, "our module", HOST)["s3_bucket"] == {
        "name": "no-such-bucket",
        "exists": False,
        "objects": 0,
        "empty": True,
        "truncated": False,
    }
    services = {r["service"] for r in cloud.requests()["requests"]}
    assert {"ssm", "s3", "sts"} <= services
    regions = {r.get("region") for r in cloud.requests()["requests"] if r.get("region")}
    assert regions == {"us-east-1"}


def test_environment_credentials_come_first(cloud, tmp_path):
    iam = cloud.client("iam")
    iam.create_user(UserName="awx-injected")
    key = iam.create_access_key(UserName="awx-injected")["AccessKey"]
    env = cloud.env() | {
        "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
    }
    env.pop("AWS_ENDPOINT_URL")
    env.pop("AWS_CA_BUNDLE")
    rc, out, raw = run_playbook(tmp_path, _play([CALLER]), env, keep_aws_env=True)
    assert rc == 0, raw
    assert task_results(out, "Who am I", HOST)["arn"].endswith(":user/awx-injected")
    assert key["SecretAccessKey"] not in raw


def test_inventory_keys_when_environment_has_none(cloud, tmp_path):
    rc, out, raw = run_playbook(tmp_path, _play([CALLER]), cloud.env())
    assert rc == 0, raw
    assert task_results(out, "Who am I", HOST)["account"] == "123456789012"


@pytest.mark.parametrize("release_type", ["webapp"])
def test_assumes_deploy_then_exec_role_with_external_id(cloud, tmp_path, release_type):
    iam = cloud.client("iam")
    trust = json.dumps({"Version": "2012-10-17", "Statement": []})
    for component in ("deploy", f"exec-{release_type}"):
        iam.create_role(
            RoleName=resource_name(SYNTH_SCOPE, component, "iam_role"), AssumeRolePolicyDocument=trust
        )
    marker = "external-id-marker-7f3a9c"
    env = cloud.env() | {"FASTISH_EXTERNAL_ID": marker}
    rc, out, raw = run_playbook(
        tmp_path, _play([CALLER]), env, "-v", "-e", json.dumps({"fastish_assume_deploy_role": True})
    )
    assert rc == 0, raw
    arn = task_results(out, "Who am I", HOST)["arn"]
    assert ":assumed-role/fastish-local-exec-webapp/fastish-acme-web-portal" in arn
    assumed = [r for r in cloud.requests()["requests"] if r["action"] == "AssumeRole"]
    assert len(assumed) == 2
    assert marker not in raw
