"""Request log, health and control endpoints of the running local cloud."""

from __future__ import annotations

import ssl
import urllib.error
import urllib.request

import pytest

from tools.localcloud import patches


def test_health_lists_all_patches(cloud):
    health = cloud.health()
    assert health["status"] == "ok"
    assert health["patches"] == patches.names()
    assert len(health["patches"]) == 14
    assert health["speedups"] == patches.speedup_names()


def test_read_only_calls_are_not_mutating(cloud):
    cloud.client("sts").get_caller_identity()
    cloud.client("sqs").list_queues()
    cloud.client("dynamodb").list_tables()
    log = cloud.requests()
    assert (log["count"], log["mutating"]) == (3, 0)
    assert [(r["service"], r["action"], r["mutating"]) for r in log["requests"]] == [
        ("sts", "GetCallerIdentity", False),
        ("sqs", "ListQueues", False),
        ("dynamodb", "ListTables", False),
    ]
    assert all(r["tls"] and r["status"] == 200 for r in log["requests"])


def test_create_call_is_mutating(cloud):
    cloud.client("sqs").create_queue(QueueName="q1")
    log = cloud.requests()
    assert (log["count"], log["mutating"]) == (1, 1)
    entry = log["requests"][0]
    assert (entry["method"], entry["service"], entry["action"], entry["mutating"]) == (
        "POST",
        "sqs",
        "CreateQueue",
        True,
    )


def test_rest_calls_are_classified_by_method(cloud):
    s3 = cloud.client("s3")
    s3.create_bucket(Bucket="rest-bucket")
    s3.head_bucket(Bucket="rest-bucket")
    s3.list_objects_v2(Bucket="rest-bucket")
    log = cloud.requests()
    assert [(r["method"], r["action"], r["mutating"]) for r in log["requests"]] == [
        ("PUT", None, True),
        ("HEAD", None, False),
        ("GET", None, False),
    ]
    assert {r["service"] for r in log["requests"]} == {"s3"}


def test_request_log_reset_and_control_paths_not_logged(cloud):
    cloud.client("sqs").create_queue(QueueName="q1")
    assert cloud.requests()["count"] == 1
    cloud.reset_requests()
    cloud.health()
    cloud.requests()
    assert cloud.requests() == {"count": 0, "mutating": 0, "requests": []}


def test_reset_wipes_moto_state(cloud):
    sqs = cloud.client("sqs")
    sqs.create_queue(QueueName="q1")
    cloud.reset()
    assert sqs.list_queues().get("QueueUrls", []) == []
    assert cloud.requests()["count"] == 1  # only the list_queues after the reset


def test_https_certificate_is_verified_against_the_local_ca(cloud):
    with pytest.raises(urllib.error.URLError) as exc:
        urllib.request.urlopen(cloud.endpoint + "/_localcloud/health", timeout=5)  # system CAs only
    assert isinstance(exc.value.reason, ssl.SSLCertVerificationError)
    context = ssl.create_default_context(cafile=str(cloud.ca_bundle))
    url = cloud.endpoint.replace("127.0.0.1", "localhost") + "/_localcloud/health"
    with urllib.request.urlopen(url, timeout=5, context=context) as response:
        assert response.status == 200


def test_env_for_subprocesses(cloud):
    env = cloud.env()
    assert env["AWS_ENDPOINT_URL"] == cloud.endpoint
    assert env["AWS_CA_BUNDLE"] == str(cloud.ca_bundle)
    assert env["AWS_ACCESS_KEY_ID"] == env["AWS_SECRET_ACCESS_KEY"] == "testing"
    assert env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert env["FASTISH_LOCALCLOUD_PORT"] == str(cloud.port)
    assert env["FASTISH_LOCALCLOUD_DIR"] == str(cloud.state_dir)
