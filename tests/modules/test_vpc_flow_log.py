"""fastish.platform.vpc_flow_log against the local cloud (moto with the project's patches)."""

from __future__ import annotations

from tests.modules.support import modules

HOST = "local-bootstrap"
ROLE = "arn:aws:iam::123456789012:role/flow-logs"
OTHER_ROLE = "arn:aws:iam::123456789012:role/other-flow-logs"


def _run(cloud, tmp_path, tasks, *args):
    """Run ``tasks`` ({name: params}) in one play; returns {name: result}."""
    return modules(cloud, tmp_path, "vpc_flow_log", tasks, *args, host=HOST)


def _vpc(cloud, log_groups=("flow-logs",)):
    ec2 = cloud.client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.10.0.0/16")["Vpc"]["VpcId"]
    logs = cloud.client("logs")
    for name in log_groups:
        logs.create_log_group(logGroupName=name)
    return vpc_id


def _flow_logs(cloud, resource_id):
    return cloud.client("ec2").describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [resource_id]}])[
        "FlowLogs"
    ]


def _params(vpc_id, **overrides):
    params = {
        "resource_id": vpc_id,
        "resource_type": "VPC",
        "traffic_type": "ALL",
        "log_destination_type": "cloud-watch-logs",
        "log_group_name": "flow-logs",
        "deliver_logs_permission_arn": ROLE,
        "max_aggregation_interval": 60,
        "tags": {"Name": "portal-flow-logs", "team": "web"},
    }
    params.update(overrides)
    return params


def test_create_then_idempotent(cloud, tmp_path):
    vpc_id = _vpc(cloud)
    results = _run(cloud, tmp_path, {"create": _params(vpc_id), "again": _params(vpc_id)})
    created, again = results["create"], results["again"]
    assert created["changed"] is True, created
    assert created["flow_log_id"].startswith("fl-")
    (flow_log,) = _flow_logs(cloud, vpc_id)
    assert flow_log["FlowLogId"] == created["flow_log_id"]
    assert flow_log["TrafficType"] == "ALL"
    assert flow_log["LogGroupName"] == "flow-logs"
    assert flow_log["LogDestinationType"] == "cloud-watch-logs"
    assert flow_log["DeliverLogsPermissionArn"] == ROLE
    assert flow_log["MaxAggregationInterval"] == 60
    assert {t["Key"]: t["Value"] for t in flow_log["Tags"]} == {"Name": "portal-flow-logs", "team": "web"}
    assert created["flow_log"]["tags"] == {"Name": "portal-flow-logs", "team": "web"}
    assert created["flow_log"]["deliver_logs_status"] == "SUCCESS"  # the log group exists
    assert again["changed"] is False, again
    assert again["flow_log_id"] == created["flow_log_id"]
    assert again["replaced"] is False
    assert len(_flow_logs(cloud, vpc_id)) == 1


def test_log_group_arn_and_name_are_the_same_destination(cloud, tmp_path):
    vpc_id = _vpc(cloud)
    arn = "arn:aws:logs:us-east-1:123456789012:log-group:flow-logs:*"
    by_arn = _params(vpc_id, log_destination=arn)
    del by_arn["log_group_name"]
    results = _run(cloud, tmp_path, {"by name": _params(vpc_id), "by arn": by_arn})
    assert results["by name"]["changed"] is True
    assert results["by arn"]["changed"] is False, results["by arn"]
    assert len(_flow_logs(cloud, vpc_id)) == 1


def test_changed_setting_replaces_the_flow_log(cloud, tmp_path):
    vpc_id = _vpc(cloud)
    first = _run(cloud, tmp_path, {"create": _params(vpc_id)})["create"]
    changes = {
        "traffic": {"traffic_type": "REJECT"},
        "interval": {"traffic_type": "REJECT", "max_aggregation_interval": 600},
        "role": {
            "traffic_type": "REJECT",
            "max_aggregation_interval": 600,
            "deliver_logs_permission_arn": OTHER_ROLE,
        },
        "format": {
            "traffic_type": "REJECT",
            "max_aggregation_interval": 600,
            "deliver_logs_permission_arn": OTHER_ROLE,
            "log_format": "${version} ${srcaddr} ${dstaddr} ${action}",
        },
    }
    results = _run(cloud, tmp_path, {name: _params(vpc_id, **change) for name, change in changes.items()})
    previous = first["flow_log_id"]
    for name in changes:
        result = results[name]
        assert result["changed"] is True and result["replaced"] is True, (name, result)
        assert result["deleted_flow_log_ids"] == [previous], name
        assert result["flow_log_id"] != previous
        previous = result["flow_log_id"]
    (flow_log,) = _flow_logs(cloud, vpc_id)
    assert flow_log["FlowLogId"] == previous
    assert (flow_log["TrafficType"], flow_log["MaxAggregationInterval"]) == ("REJECT", 600)
    assert flow_log["DeliverLogsPermissionArn"] == OTHER_ROLE
    assert flow_log["LogFormat"] == "${version} ${srcaddr} ${dstaddr} ${action}"
    # The replacement keeps the tags.
    assert {t["Key"]: t["Value"] for t in flow_log["Tags"]} == {"Name": "portal-flow-logs", "team": "web"}


def test_tags_change_in_place(cloud, tmp_path):
    vpc_id = _vpc(cloud)
    first = _run(cloud, tmp_path, {"create": _params(vpc_id)})["create"]
    results = _run(
        cloud,
        tmp_path,
        {
            "retag": _params(vpc_id, tags={"Name": "portal-flow-logs", "owner": "ops"}),
            "keep others": _params(vpc_id, tags={"extra": "1"}, purge_tags=False),
            "untouched": {k: v for k, v in _params(vpc_id).items() if k != "tags"},
        },
    )
    assert results["retag"]["changed"] is True and results["retag"]["replaced"] is False
    assert results["retag"]["flow_log_id"] == first["flow_log_id"]
    assert results["keep others"]["changed"] is True
    assert results["untouched"]["changed"] is False  # no tags given: tags are not managed
    (flow_log,) = _flow_logs(cloud, vpc_id)
    assert {t["Key"]: t["Value"] for t in flow_log["Tags"]} == {
        "Name": "portal-flow-logs",
        "owner": "ops",
        "extra": "1",
    }


def test_check_mode_makes_no_mutating_call_and_reports_the_change(cloud, tmp_path):
    vpc_id = _vpc(cloud)
    cloud.reset_requests()
    results = _run(cloud, tmp_path, {"would create": _params(vpc_id)}, "--check", "--diff")
    result = results["would create"]
    assert result["changed"] is True
    assert result["flow_log_id"] == ""
    assert result["flow_log"]["log_group_name"] == "flow-logs"
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["traffic_type"] == "ALL"
    assert _flow_logs(cloud, vpc_id) == []
    log = cloud.requests()
    assert log["count"] > 0
    assert log["mutating"] == 0, [r for r in log["requests"] if r["mutating"]]

    created = _run(cloud, tmp_path, {"create": _params(vpc_id)})["create"]
    cloud.reset_requests()
    results = _run(
        cloud,
        tmp_path,
        {
            "would replace": _params(vpc_id, traffic_type="ACCEPT"),
            "would retag": _params(vpc_id, tags={"Name": "x"}),
            "would delete": _params(vpc_id, state="absent"),
        },
        "--check",
        "--diff",
    )
    assert results["would replace"]["changed"] and results["would replace"]["replaced"]
    assert results["would replace"]["diff"]["before"]["traffic_type"] == "ALL"
    assert results["would replace"]["diff"]["after"]["traffic_type"] == "ACCEPT"
    assert results["would retag"]["changed"] and results["would retag"]["flow_log"]["tags"] == {"Name": "x"}
    assert results["would delete"]["changed"] and results["would delete"]["diff"]["after"] == {}
    assert cloud.requests()["mutating"] == 0
    (flow_log,) = _flow_logs(cloud, vpc_id)
    assert flow_log["FlowLogId"] == created["flow_log_id"] and flow_log["TrafficType"] == "ALL"


def test_absent_deletes_only_this_destination(cloud, tmp_path):
    vpc_id = _vpc(cloud, log_groups=("flow-logs", "audit"))
    other = cloud.client("ec2").create_flow_logs(
        ResourceType="VPC",
        ResourceIds=[vpc_id],
        TrafficType="REJECT",
        LogDestinationType="cloud-watch-logs",
        LogGroupName="audit",
        DeliverLogsPermissionArn=ROLE,
    )["FlowLogIds"][0]
    mine = _run(cloud, tmp_path, {"create": _params(vpc_id)})["create"]
    absent = {"resource_id": vpc_id, "log_group_name": "flow-logs", "state": "absent"}
    results = _run(cloud, tmp_path, {"absent": absent, "absent again": absent})
    assert results["absent"]["changed"] is True
    assert results["absent"]["deleted_flow_log_ids"] == [mine["flow_log_id"]]
    assert results["absent again"]["changed"] is False
    assert [fl["FlowLogId"] for fl in _flow_logs(cloud, vpc_id)] == [other]
    # The log group (and its records) stays.
    assert cloud.client("logs").describe_log_groups(logGroupNamePrefix="flow-logs")["logGroups"]


def test_s3_destination_and_subnet(cloud, tmp_path):
    vpc_id = _vpc(cloud, log_groups=())
    ec2 = cloud.client("ec2")
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.10.0.0/24")["Subnet"]["SubnetId"]
    cloud.client("s3").create_bucket(Bucket="flow-bucket")
    params = {
        "resource_id": subnet_id,
        "resource_type": "Subnet",
        "traffic_type": "REJECT",
        "log_destination_type": "s3",
        # moto looks up "bucket/prefix" as a bucket name, so no folder here (AWS accepts one).
        "log_destination": "arn:aws:s3:::flow-bucket",
        "tags": {"Name": "subnet-flow-logs"},
    }
    same_with_slash = dict(params, log_destination="arn:aws:s3:::flow-bucket/")
    results = _run(cloud, tmp_path, {"create": params, "again": same_with_slash})
    assert results["create"]["changed"] is True, results["create"].get("msg")
    assert results["again"]["changed"] is False, results["again"]
    (flow_log,) = _flow_logs(cloud, subnet_id)
    assert flow_log["LogDestinationType"] == "s3"
    assert flow_log["LogDestination"] == "arn:aws:s3:::flow-bucket"
    assert "DeliverLogsPermissionArn" not in flow_log or not flow_log["DeliverLogsPermissionArn"]


def test_errors_name_the_resource_or_the_option(cloud, tmp_path):
    vpc_id = _vpc(cloud)
    cloud.reset_requests()
    results = _run(
        cloud,
        tmp_path,
        {
            "missing vpc": _params("vpc-0000000000000dead"),
            "wrong prefix": _params("subnet-0123", resource_type="VPC"),
            "no role": _params(vpc_id, deliver_logs_permission_arn=None),
            "no destination": _params(vpc_id, log_group_name=None),
            "bad arn": dict(
                {k: v for k, v in _params(vpc_id).items() if k != "log_group_name"},
                log_destination="flow-logs",
            ),
            "s3 with group": _params(vpc_id, log_destination_type="s3", deliver_logs_permission_arn=None),
            "s3 with role": dict(
                {k: v for k, v in _params(vpc_id).items() if k != "log_group_name"},
                log_destination_type="s3",
                log_destination="arn:aws:s3:::flow-bucket",
            ),
            "bad interval": _params(vpc_id, max_aggregation_interval=300),
        },
    )
    expected = {
        "missing vpc": "Could not create the flow log of vpc-0000000000000dead to log group flow-logs",
        "wrong prefix": "resource_id subnet-0123 is not a VPC id (expected vpc-...)",
        "no role": "needs deliver_logs_permission_arn",
        "no destination": "needs log_group_name or log_destination",
        "bad arn": "log_destination flow-logs is not a CloudWatch Logs log group ARN",
        "s3 with group": "log_group_name is only for log_destination_type=cloud-watch-logs",
        "s3 with role": "deliver_logs_permission_arn is not used with log_destination_type=s3",
        "bad interval": "max_aggregation_interval",
    }
    for name, message in expected.items():
        assert results[name]["failed"] is True, (name, results[name])
        assert message in results[name]["msg"], (name, results[name]["msg"])
    assert _flow_logs(cloud, vpc_id) == []
    # Only the missing VPC got as far as a (refused) create call.
    creates = [r for r in cloud.requests()["requests"] if r["action"] == "CreateFlowLogs"]
    assert len(creates) == 1
