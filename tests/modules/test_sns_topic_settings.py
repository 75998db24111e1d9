"""fastish.platform.sns_topic_settings against the local cloud (moto with the project's patches)."""

from __future__ import annotations

from tests.modules.support import modules

HOST = "local-bootstrap"
MISSING = "arn:aws:sns:us-east-1:123456789012:missing"


def _run(cloud, tmp_path, tasks, *args):
    """Run ``tasks`` ([(name, params)]) in one play; returns {name: result}."""
    return modules(cloud, tmp_path, "sns_topic_settings", dict(tasks), *args, host=HOST)


def _setup(cloud):
    key = cloud.client("kms").create_key()["KeyMetadata"]["Arn"]
    topic = cloud.client("sns").create_topic(Name="bounces")["TopicArn"]
    return key, topic


def _key_of(cloud, topic):
    return cloud.client("sns").get_topic_attributes(TopicArn=topic)["Attributes"].get("KmsMasterKeyId", "")


def test_encrypts_idempotently_and_back(cloud, tmp_path):
    key, topic = _setup(cloud)
    results = _run(
        cloud,
        tmp_path,
        [
            ("encrypt", {"topic_arn": topic, "kms_master_key_id": key}),
            ("again", {"topic_arn": topic, "kms_master_key_id": key}),
            ("untouched", {"topic_arn": topic}),
        ],
    )
    assert results["encrypt"]["changed"] is True
    assert results["encrypt"]["changes"] == ["kms_master_key_id"]
    assert results["encrypt"]["settings"] == {"kms_master_key_id": key}
    assert results["encrypt"]["diff"] == {
        "before": {"kms_master_key_id": ""},
        "after": {"kms_master_key_id": key},
    }
    assert results["again"]["changed"] is False
    assert results["untouched"]["changed"] is False
    assert _key_of(cloud, topic) == key

    result = _run(cloud, tmp_path, [("off", {"topic_arn": topic, "kms_master_key_id": ""})])["off"]
    assert result["changed"] is True
    assert _key_of(cloud, topic) == ""


def test_check_mode_makes_no_mutating_call(cloud, tmp_path):
    key, topic = _setup(cloud)
    cloud.reset_requests()
    results = _run(
        cloud,
        tmp_path,
        [
            ("existing", {"topic_arn": topic, "kms_master_key_id": key}),
            ("missing", {"topic_arn": MISSING, "kms_master_key_id": key}),
        ],
        "--check",
    )
    assert results["existing"]["changed"] is True
    assert results["missing"]["changed"] is True and results["missing"]["exists"] is False
    assert any("does not exist yet" in w for w in results["missing"].get("warnings", []))
    log = cloud.requests()
    assert log["count"] > 0
    assert log["mutating"] == 0, [r["action"] for r in log["requests"] if r["mutating"]]
    assert _key_of(cloud, topic) == ""


def test_errors_name_the_topic(cloud, tmp_path):
    results = _run(
        cloud,
        tmp_path,
        [
            ("missing", {"topic_arn": MISSING, "kms_master_key_id": "alias/aws/sns"}),
            ("bad", {"topic_arn": "bounces", "kms_master_key_id": "alias/aws/sns"}),
        ],
    )
    assert results["missing"]["failed"] is True
    assert f"SNS topic {MISSING} does not exist" in results["missing"]["msg"]
    assert results["bad"]["failed"] is True
    assert "topic_arn must be an SNS topic ARN" in results["bad"]["msg"]
