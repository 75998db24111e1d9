"""fastish.platform.ses_configuration_set against the local cloud (moto with the project's patches)."""

from __future__ import annotations

import pytest

from tests.modules.support import modules

HOST = "local-bootstrap"
ACCOUNT = "123456789012"
NAME = "acme-web-portal-email"
ARN = f"arn:aws:ses:us-east-1:{ACCOUNT}:configuration-set/{NAME}"
KINDS = ("bounce", "complaint", "reject")


def _run(cloud, tmp_path, tasks, *args):
    """Run ``tasks`` ([(name, params)]) in one play; returns {name: result}."""
    return modules(cloud, tmp_path, "ses_configuration_set", dict(tasks), *args, host=HOST)


def _topics(cloud):
    sns = cloud.client("sns")
    return {kind: sns.create_topic(Name=f"{NAME}-{kind}s")["TopicArn"] for kind in KINDS}


def _destinations(topics, **overrides):
    return [
        {
            "name": kind,
            "matching_event_types": [kind],
            "sns_topic_arn": topics[kind],
            **overrides.get(kind, {}),
        }
        for kind in KINDS
    ]


def _described(cloud):
    found = cloud.client("ses").describe_configuration_set(
        ConfigurationSetName=NAME, ConfigurationSetAttributeNames=["eventDestinations", "reputationOptions"]
    )
    destinations = {
        d["Name"]: (d["Enabled"], sorted(d["MatchingEventTypes"]), d["SNSDestination"]["TopicARN"])
        for d in found["EventDestinations"]
    }
    return destinations, found["ReputationOptions"]["ReputationMetricsEnabled"]


def _tags(cloud):
    tags = cloud.client("sesv2").list_tags_for_resource(ResourceArn=ARN)["Tags"]
    return {t["Key"]: t["Value"] for t in tags}


def test_create_each_event_type_to_its_own_topic_then_idempotent(cloud, tmp_path):
    topics = _topics(cloud)
    params = {
        "name": NAME,
        "reputation_metrics_enabled": True,
        "event_destinations": _destinations(topics),
        "tags": {"fastish:release": "portal"},
    }
    results = _run(cloud, tmp_path, [("create", params), ("again", params)])
    created, again = results["create"], results["again"]
    assert created["changed"] is True, created
    assert created["changes"] == [
        "create",
        "reputation_metrics_enabled",
        "destination bounce added",
        "destination complaint added",
        "destination reject added",
        "tags",
    ]
    destinations, reputation = _described(cloud)
    assert destinations == {kind: (True, [kind], topics[kind]) for kind in KINDS}
    assert reputation is True
    assert _tags(cloud) == {"fastish:release": "portal"}
    assert created["configuration_set"]["arn"] == ARN
    assert created["configuration_set"]["event_destinations"] == [
        {"name": kind, "enabled": True, "matching_event_types": [kind], "sns_topic_arn": topics[kind]}
        for kind in KINDS
    ]
    assert again["changed"] is False, again["changes"]
    assert again["configuration_set"] == created["configuration_set"]


def test_updates_purges_and_retags(cloud, tmp_path):
    topics = _topics(cloud)
    first = {"name": NAME, "event_destinations": _destinations(topics), "tags": {"a": "1", "b": "2"}}
    swapped = _destinations(
        topics,
        complaint={"sns_topic_arn": topics["reject"]},  # the original's mistake, repaired by the next task
        reject={"enabled": False, "matching_event_types": ["reject", "bounce"]},
    )
    second = {
        "name": NAME,
        "event_destinations": [d for d in swapped if d["name"] != "bounce"],
        "tags": {"a": "1", "c": "3"},
    }
    results = _run(cloud, tmp_path, [("create", first), ("update", second)])
    update = results["update"]
    assert update["changed"] is True
    assert update["changes"] == [
        "destination bounce deleted",
        "destination complaint updated",
        "destination reject updated",
        "tags",
    ]
    destinations, _ = _described(cloud)
    assert destinations == {
        "complaint": (True, ["complaint"], topics["reject"]),
        "reject": (False, ["bounce", "reject"], topics["reject"]),
    }
    assert _tags(cloud) == {"a": "1", "c": "3"}
    assert update["diff"]["before"]["tags"] == {"a": "1", "b": "2"}
    assert update["diff"]["after"]["tags"] == {"a": "1", "c": "3"}


def test_without_purge_other_destinations_stay(cloud, tmp_path):
    topics = _topics(cloud)
    ses = cloud.client("ses")
    ses.create_configuration_set(ConfigurationSet={"Name": NAME})
    ses.create_configuration_set_event_destination(
        ConfigurationSetName=NAME,
        EventDestination={
            "Name": "kept",
            "Enabled": True,
            "MatchingEventTypes": ["delivery"],
            "SNSDestination": {"TopicARN": topics["bounce"]},
        },
    )
    params = {
        "name": NAME,
        "event_destinations": _destinations(topics)[:1],
        "purge_event_destinations": False,
    }
    result = _run(cloud, tmp_path, [("add", params)])["add"]
    assert result["changes"] == ["destination bounce added"]
    destinations, reputation = _described(cloud)
    assert sorted(destinations) == ["bounce", "kept"]
    assert reputation is False  # left out: not touched
    # Leaving event_destinations out does not touch them either.
    result = _run(cloud, tmp_path, [("none", {"name": NAME})])["none"]
    assert result["changed"] is False
    assert sorted(_described(cloud)[0]) == ["bounce", "kept"]


def test_check_mode_makes_no_mutating_call(cloud, tmp_path):
    topics = _topics(cloud)
    params = {"name": NAME, "reputation_metrics_enabled": True, "event_destinations": _destinations(topics)}
    cloud.reset_requests()
    result = _run(cloud, tmp_path, [("check", {**params, "tags": {"x": "y"}})], "--check")["check"]
    assert result["changed"] is True
    assert result["changes"][0] == "create"
    assert len(result["configuration_set"]["event_destinations"]) == 3
    log = cloud.requests()
    assert log["count"] > 0
    assert log["mutating"] == 0, [r["action"] for r in log["requests"] if r["mutating"]]
    assert cloud.client("ses").list_configuration_sets()["ConfigurationSets"] == []

    _run(cloud, tmp_path, [("create", params)])
    cloud.reset_requests()
    changed = {**params, "event_destinations": _destinations(topics, bounce={"enabled": False})}
    result = _run(cloud, tmp_path, [("check", changed)], "--check")["check"]
    assert result["changes"] == ["destination bounce updated"]
    assert cloud.requests()["mutating"] == 0
    assert _described(cloud)[0]["bounce"][0] is True


def test_absent_deletes_and_is_idempotent(cloud, tmp_path):
    topics = _topics(cloud)
    params = {"name": NAME, "event_destinations": _destinations(topics)}
    results = _run(
        cloud,
        tmp_path,
        [
            ("create", params),
            ("delete", {"name": NAME, "state": "absent"}),
            ("again", {"name": NAME, "state": "absent"}),
        ],
    )
    assert results["delete"]["changed"] is True and results["delete"]["changes"] == ["delete"]
    assert results["delete"]["configuration_set"] == {}
    assert results["again"]["changed"] is False
    assert cloud.client("ses").list_configuration_sets()["ConfigurationSets"] == []
    # Created again, it starts without the old destinations.
    result = _run(cloud, tmp_path, [("recreate", {"name": NAME, "event_destinations": []})])["recreate"]
    assert result["changes"] == ["create"]
    assert _described(cloud)[0] == {}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"name": "bad name"}, "name must be 1-64 letters"),
        (
            {
                "name": NAME,
                "event_destinations": [
                    {
                        "name": "x",
                        "matching_event_types": ["bounce"],
                        "sns_topic_arn": f"arn:aws:sns:us-east-1:{ACCOUNT}:t",
                    }
                ]
                * 2,
            },
            "event destination names must be unique",
        ),
        (
            {
                "name": NAME,
                "event_destinations": [
                    {
                        "name": "x",
                        "matching_event_types": ["bounced"],
                        "sns_topic_arn": f"arn:aws:sns:us-east-1:{ACCOUNT}:t",
                    }
                ],
            },
            "matching_event_types",
        ),
        (
            {
                "name": NAME,
                "event_destinations": [{"name": "x", "matching_event_types": [], "sns_topic_arn": "t"}],
            },
            "needs at least one matching event type",
        ),
        (
            {
                "name": NAME,
                "event_destinations": [{"name": "x", "matching_event_types": ["send"], "sns_topic_arn": "t"}],
            },
            "sns_topic_arn must be an SNS topic ARN",
        ),
    ],
)
def test_refuses_bad_input_before_any_call(cloud, tmp_path, params, message):
    cloud.reset_requests()
    result = _run(cloud, tmp_path, [("bad", params)])["bad"]
    assert result["failed"] is True
    assert message in result["msg"]
    assert cloud.requests()["mutating"] == 0
