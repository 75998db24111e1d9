#!/usr/bin/python
"""Manage the flow log of a VPC, subnet or network interface (amazon.aws and community.aws have none)."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: vpc_flow_log
short_description: Manage the flow log of a VPC, subnet or network interface
version_added: "0.1.0"
description:
  - Creates, updates or deletes the flow log that sends the IP traffic of one VPC, subnet or network interface
    to a CloudWatch Logs log group or an S3 bucket. amazon.aws and community.aws have no flow log module.
  - A flow log is identified by its resource (O(resource_id)) and its destination (the log group for
    V(cloud-watch-logs), the bucket ARN for V(s3)); the module keeps exactly one flow log per resource and
    destination. Flow logs of the resource to other destinations are left alone.
  - EC2 cannot change a flow log in place. When O(traffic_type), O(deliver_logs_permission_arn),
    O(max_aggregation_interval) or O(log_format) differ, the flow log is deleted and created again (traffic
    is not logged for the moment in between). Tags are changed in place.
  - Supports check mode (only Describe calls are made) and diff mode.
options:
  resource_id:
    description: ID of the VPC (C(vpc-...)), subnet (C(subnet-...)) or network interface (C(eni-...)).
    type: str
    required: true
  resource_type:
    description: Type of O(resource_id).
    type: str
    choices: [VPC, Subnet, NetworkInterface]
    default: VPC
  traffic_type:
    description: The traffic to log.
    type: str
    choices: [ALL, ACCEPT, REJECT]
    default: ALL
  log_destination_type:
    description: Where the records go.
    type: str
    choices: [cloud-watch-logs, s3]
    default: cloud-watch-logs
  log_group_name:
    description:
      - Name of the CloudWatch Logs log group (V(cloud-watch-logs) only). The log group should exist and is
        never created or deleted by this module.
      - With V(cloud-watch-logs), give this or O(log_destination).
    type: str
  log_destination:
    description:
      - ARN of the destination. For V(cloud-watch-logs) a log group ARN
        (C(arn:aws:logs:<region>:<account>:log-group:<name>)), instead of O(log_group_name); for V(s3) the
        bucket ARN, optionally with a folder (C(arn:aws:s3:::<bucket>/<prefix>/)), which is required.
    type: str
  deliver_logs_permission_arn:
    description:
      - ARN of the IAM role the flow logs service assumes to publish to CloudWatch Logs.
      - Required with V(cloud-watch-logs) and O(state=present); not allowed with V(s3) (the bucket
        policy grants delivery).
    type: str
  max_aggregation_interval:
    description: Seconds over which a flow log record is aggregated.
    type: int
    choices: [60, 600]
    default: 600
  log_format:
    description:
      - Fields of a record, as C(${field}) words separated by spaces. When omitted the AWS default format
        (version 2 fields) is expected, and a flow log with another format is replaced.
    type: str
  state:
    description: Whether the flow log exists.
    type: str
    choices: [present, absent]
    default: present
author:
  - fastish maintainers
notes:
  - O(state=absent) deletes every flow log of O(resource_id) to the given destination; the log group or bucket
    and the records they hold stay.
  - S3 destination options (file format, Hive partitions) are not managed; AWS defaults apply.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Flow log of the VPC to an encrypted log group
  fastish.platform.vpc_flow_log:
    resource_id: "{{ vpc.vpc.id }}"
    resource_type: VPC
    traffic_type: ALL
    log_destination_type: cloud-watch-logs
    log_group_name: acme-web-portal-flow-logs
    deliver_logs_permission_arn: arn:aws:iam::123456789012:role/acme-web-portal-flow-logs
    max_aggregation_interval: 60
    tags:
      Name: acme-web-portal-flow-logs

- name: Rejected traffic of one subnet to S3, custom fields
  fastish.platform.vpc_flow_log:
    resource_id: subnet-0123456789abcdef0
    resource_type: Subnet
    traffic_type: REJECT
    log_destination_type: s3
    log_destination: arn:aws:s3:::acme-flow-logs-123456789012-us-east-1/portal/
    log_format: "${version} ${interface-id} ${srcaddr} ${dstaddr} ${dstport} ${action}"

- name: No flow log of the VPC to that log group any more
  fastish.platform.vpc_flow_log:
    resource_id: "{{ vpc.vpc.id }}"
    log_group_name: acme-web-portal-flow-logs
    state: absent
"""

RETURN = r"""
flow_log:
  description:
    - The flow log after the change; empty after O(state=absent). In check mode, when the flow log would be
      created or replaced, the values it would have, without RV(flow_log.flow_log_id).
  returned: always
  type: dict
  contains:
    flow_log_id: {description: ID of the flow log., type: str, sample: fl-0123456789abcdef0}
    resource_id: {description: The logged resource., type: str, sample: vpc-0123456789abcdef0}
    traffic_type: {description: Logged traffic., type: str, sample: ALL}
    log_destination_type: {description: Destination type., type: str, sample: cloud-watch-logs}
    log_group_name: {description: Log group (cloud-watch-logs)., type: str, sample: acme-web-portal-flow-logs}
    log_destination: {description: Destination ARN, when AWS reports one., type: str}
    deliver_logs_permission_arn: {description: Role used for delivery (cloud-watch-logs)., type: str}
    deliver_logs_status: {description: Delivery status (SUCCESS or FAILED)., type: str, sample: SUCCESS}
    flow_log_status: {description: Status of the flow log., type: str, sample: ACTIVE}
    max_aggregation_interval: {description: Aggregation interval in seconds., type: int, sample: 600}
    log_format: {description: Record format., type: str}
    tags: {description: Tags of the flow log., type: dict, sample: {Name: acme-web-portal-flow-logs}}
flow_log_id:
  description:
    - ID of the flow log. Empty after O(state=absent), and in check mode for a flow log not created yet.
  returned: always
  type: str
  sample: fl-0123456789abcdef0
replaced:
  description: True when the flow log had other settings and was deleted and created again.
  returned: always
  type: bool
deleted_flow_log_ids:
  description: IDs of the flow logs deleted by this run (absent, replaced, or duplicates of one destination).
  returned: always
  type: list
  elements: str
"""

import contextlib
import re

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    boto3_tag_specifications,
    compare_aws_tags,
)

# What AWS uses (and reports) when CreateFlowLogs has no LogFormat: the version 2 fields.
DEFAULT_LOG_FORMAT = (
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} "
    "${packets} ${bytes} ${start} ${end} ${action} ${log-status}"
)
_LOG_GROUP_ARN = re.compile(r"^arn:[^:]+:logs:[^:]*:[^:]*:log-group:(?P<name>[^:]+)(?::\*)?$")
_RESOURCE_PREFIX = {"VPC": "vpc-", "Subnet": "subnet-", "NetworkInterface": "eni-"}
ERRORS = (
    (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) if "botocore" in globals() else ()
)


def _destination_key(destination_type, log_group_name, log_destination):
    """What identifies the destination: the log group name, or the S3 ARN without a trailing slash."""
    if destination_type == "cloud-watch-logs":
        if log_group_name:
            return log_group_name
        match = _LOG_GROUP_ARN.match(log_destination or "")
        return match.group("name") if match else log_destination
    return (log_destination or "").rstrip("/")


def _settings(flow_log):
    """The settings of an existing flow log (boto3 shape) that decide whether it must be replaced."""
    return {
        "traffic_type": flow_log.get("TrafficType"),
        "deliver_logs_permission_arn": flow_log.get("DeliverLogsPermissionArn"),
        "max_aggregation_interval": flow_log.get("MaxAggregationInterval", 600),
        "log_format": flow_log.get("LogFormat") or DEFAULT_LOG_FORMAT,
    }


def _view(resource_id, destination_type, destination, settings, tags):
    """The comparable picture of a flow log, for diff."""
    return {
        "resource_id": resource_id,
        "log_destination_type": destination_type,
        "destination": destination,
        **settings,
        "tags": dict(sorted((tags or {}).items())),
    }


def _result(flow_log):
    result = camel_dict_to_snake_dict(flow_log, ignore_list=["Tags"])
    result["tags"] = boto3_tag_list_to_ansible_dict(flow_log.get("Tags", []))
    result.pop("creation_time", None)
    return result


class FlowLogManager:
    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff())
        self.destination_type = self.params["log_destination_type"]
        self.destination = _destination_key(
            self.destination_type, self.params["log_group_name"], self.params["log_destination"]
        )
        self.label = (
            f"flow log of {self.params['resource_id']} to "
            + ("log group " if self.destination_type == "cloud-watch-logs" else "")
            + self.destination
        )

    def existing(self):
        """Flow logs of the resource to this destination, oldest first."""
        found = []
        try:
            paginator = self.client.get_paginator("describe_flow_logs")
            found = paginator.paginate(
                Filters=[{"Name": "resource-id", "Values": [self.params["resource_id"]]}]
            ).build_full_result()["FlowLogs"]
        except ERRORS as e:
            self.module.fail_json_aws(e, msg=f"Could not look up the {self.label}")
        mine = [
            fl
            for fl in found
            if fl.get("ResourceId") == self.params["resource_id"]
            and fl.get("LogDestinationType", "cloud-watch-logs") == self.destination_type
            and _destination_key(self.destination_type, fl.get("LogGroupName"), fl.get("LogDestination"))
            == self.destination
        ]
        return sorted(mine, key=lambda fl: (str(fl.get("CreationTime", "")), fl["FlowLogId"]))

    def delete(self, flow_log_ids):
        if not flow_log_ids or self.module.check_mode:
            return
        try:
            response = self.client.delete_flow_logs(aws_retry=True, FlowLogIds=flow_log_ids)
        except ERRORS as e:
            self.module.fail_json_aws(e, msg=f"Could not delete the {self.label} ({', '.join(flow_log_ids)})")
        failed = [u for u in response.get("Unsuccessful", []) if u.get("Error")]
        if failed:
            self.module.fail_json(msg=f"Could not delete the {self.label}: {failed}")

    def create(self, desired_settings, tags):
        params = {
            "ResourceIds": [self.params["resource_id"]],
            "ResourceType": self.params["resource_type"],
            "TrafficType": desired_settings["traffic_type"],
            "LogDestinationType": self.destination_type,
            "MaxAggregationInterval": desired_settings["max_aggregation_interval"],
            "LogFormat": desired_settings["log_format"],
        }
        if self.params["log_group_name"]:
            params["LogGroupName"] = self.params["log_group_name"]
        else:
            params["LogDestination"] = self.params["log_destination"]
        if desired_settings["deliver_logs_permission_arn"]:
            params["DeliverLogsPermissionArn"] = desired_settings["deliver_logs_permission_arn"]
        if tags:
            params["TagSpecifications"] = boto3_tag_specifications(tags, ["vpc-flow-log"])
        try:
            response = self.client.create_flow_logs(aws_retry=True, **params)
        except ERRORS as e:
            self.module.fail_json_aws(e, msg=f"Could not create the {self.label}")
        failed = response.get("Unsuccessful") or []
        if failed or not response.get("FlowLogIds"):
            errors = "; ".join(
                f"{u.get('ResourceId')}: {u.get('Error', {}).get('Code')} {u.get('Error', {}).get('Message')}"
                for u in failed
            )
            self.module.fail_json(
                msg=f"Could not create the {self.label}: {errors or 'no flow log id returned'}"
            )
        flow_log_id = response["FlowLogIds"][0]
        try:
            described = self.client.describe_flow_logs(aws_retry=True, FlowLogIds=[flow_log_id])["FlowLogs"]
        except ERRORS as e:
            self.module.fail_json_aws(e, msg=f"Could not read back the {self.label} ({flow_log_id})")
        return described[0] if described else {"FlowLogId": flow_log_id}

    def ensure_tags(self, flow_log, tags, purge_tags):
        current = boto3_tag_list_to_ansible_dict(flow_log.get("Tags", []))
        if tags is None:
            return False, current
        to_set, to_unset = compare_aws_tags(current, tags, purge_tags)
        if not (to_set or to_unset):
            return False, current
        wanted = {k: v for k, v in current.items() if k not in to_unset}
        wanted.update(to_set)
        if not self.module.check_mode:
            try:
                if to_unset:
                    self.client.delete_tags(
                        aws_retry=True, Resources=[flow_log["FlowLogId"]], Tags=[{"Key": k} for k in to_unset]
                    )
                if to_set:
                    self.client.create_tags(
                        aws_retry=True,
                        Resources=[flow_log["FlowLogId"]],
                        Tags=ansible_dict_to_boto3_tag_list(to_set),
                    )
            except ERRORS as e:
                self.module.fail_json_aws(e, msg=f"Could not tag the {self.label} ({flow_log['FlowLogId']})")
        return True, wanted


def _validate(module):
    p = module.params
    prefix = _RESOURCE_PREFIX[p["resource_type"]]
    if not p["resource_id"].startswith(prefix):
        module.fail_json(
            msg=f"resource_id {p['resource_id']} is not a {p['resource_type']} id (expected {prefix}...)"
        )
    if p["log_destination_type"] == "cloud-watch-logs":
        if not (p["log_group_name"] or p["log_destination"]):
            module.fail_json(
                msg="log_destination_type=cloud-watch-logs needs log_group_name or log_destination"
            )
        if p["log_destination"] and not _LOG_GROUP_ARN.match(p["log_destination"]):
            module.fail_json(
                msg=f"log_destination {p['log_destination']} is not a CloudWatch Logs log group ARN"
            )
        if p["state"] == "present" and not p["deliver_logs_permission_arn"]:
            module.fail_json(
                msg="log_destination_type=cloud-watch-logs needs deliver_logs_permission_arn (delivery role)"
            )
    else:
        if p["log_group_name"]:
            module.fail_json(msg="log_group_name is only for log_destination_type=cloud-watch-logs")
        if not (p["log_destination"] or "").startswith("arn:") or ":s3:::" not in p["log_destination"]:
            module.fail_json(
                msg="log_destination_type=s3 needs log_destination, the bucket ARN (arn:aws:s3:::bucket)"
            )
        if p["deliver_logs_permission_arn"]:
            module.fail_json(msg="deliver_logs_permission_arn is not used with log_destination_type=s3")


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "resource_id": {"type": "str", "required": True},
            "resource_type": {
                "type": "str",
                "default": "VPC",
                "choices": ["VPC", "Subnet", "NetworkInterface"],
            },
            "traffic_type": {"type": "str", "default": "ALL", "choices": ["ALL", "ACCEPT", "REJECT"]},
            "log_destination_type": {
                "type": "str",
                "default": "cloud-watch-logs",
                "choices": ["cloud-watch-logs", "s3"],
            },
            "log_group_name": {"type": "str"},
            "log_destination": {"type": "str"},
            "deliver_logs_permission_arn": {"type": "str"},
            "max_aggregation_interval": {"type": "int", "default": 600, "choices": [60, 600]},
            "log_format": {"type": "str"},
            "tags": {"type": "dict", "aliases": ["resource_tags"]},
            "purge_tags": {"type": "bool", "default": True},
            "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        },
        mutually_exclusive=[["log_group_name", "log_destination"]],
        supports_check_mode=True,
    )
    _validate(module)
    p = module.params
    manager = FlowLogManager(module)
    existing = manager.existing()
    result = {
        "changed": False,
        "flow_log": {},
        "flow_log_id": "",
        "replaced": False,
        "deleted_flow_log_ids": [],
    }

    def view(flow_log):
        if not flow_log:
            return {}
        tags = boto3_tag_list_to_ansible_dict(flow_log.get("Tags", []))
        return _view(
            p["resource_id"], manager.destination_type, manager.destination, _settings(flow_log), tags
        )

    before = view(existing[0]) if existing else {}

    if p["state"] == "absent":
        ids = [fl["FlowLogId"] for fl in existing]
        manager.delete(ids)
        result.update(changed=bool(ids), deleted_flow_log_ids=ids)
        if module._diff:
            result["diff"] = {"before": before, "after": {}}
        module.exit_json(**result)

    desired = {
        "traffic_type": p["traffic_type"],
        "deliver_logs_permission_arn": p["deliver_logs_permission_arn"],
        "max_aggregation_interval": p["max_aggregation_interval"],
        "log_format": p["log_format"] or DEFAULT_LOG_FORMAT,
    }
    keep = next((fl for fl in existing if _settings(fl) == desired), None)
    duplicates = [fl["FlowLogId"] for fl in existing if fl is not keep]
    tags = p["tags"]

    if keep is not None:
        manager.delete(duplicates)
        tags_changed, current_tags = manager.ensure_tags(keep, tags, p["purge_tags"])
        flow_log = dict(keep, Tags=ansible_dict_to_boto3_tag_list(current_tags))
        result.update(changed=bool(duplicates) or tags_changed, deleted_flow_log_ids=duplicates)
        after = view(flow_log)
    else:
        # Nothing matches: create, after deleting what has other settings (EC2 cannot modify a flow log).
        manager.delete(duplicates)
        create_tags = tags if tags is not None else {}
        if not p["purge_tags"] and existing:
            create_tags = {**boto3_tag_list_to_ansible_dict(existing[0].get("Tags", [])), **create_tags}
        if module.check_mode:
            flow_log = {
                "ResourceId": p["resource_id"],
                "TrafficType": desired["traffic_type"],
                "LogDestinationType": manager.destination_type,
                "DeliverLogsPermissionArn": desired["deliver_logs_permission_arn"],
                "MaxAggregationInterval": desired["max_aggregation_interval"],
                "LogFormat": desired["log_format"],
                "Tags": ansible_dict_to_boto3_tag_list(create_tags),
            }
            if manager.destination_type == "cloud-watch-logs":
                flow_log["LogGroupName"] = manager.destination
            if p["log_destination"]:
                flow_log["LogDestination"] = p["log_destination"]
        else:
            flow_log = manager.create(desired, create_tags)
        result.update(changed=True, replaced=bool(existing), deleted_flow_log_ids=duplicates)
        after = view(flow_log)

    result["flow_log"] = _result(flow_log)
    if not flow_log.get("DeliverLogsPermissionArn"):
        result["flow_log"].pop("deliver_logs_permission_arn", None)
    result["flow_log_id"] = flow_log.get("FlowLogId", "")
    if module._diff:
        result["diff"] = {"before": before, "after": after}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
