#!/usr/bin/python
"""An SES configuration set with its SNS event destinations, reputation metrics and tags."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ses_configuration_set
short_description: SES configuration set with SNS event destinations
version_added: "0.1.0"
description:
  - Creates, updates or deletes an Amazon SES configuration set (SES API v1) with its event destinations
    (Amazon SNS topics), reputation metrics and tags. amazon.aws and community.aws have no module for
    configuration sets.
  - Reads the set first (DescribeConfigurationSet with its event destinations and reputation options) and
    changes only what differs; destinations are matched by name and updated in place.
  - Tags go through the SES v2 API (TagResource / UntagResource on the set's ARN), which shares configuration
    sets with v1.
  - SES must be allowed to publish to each topic (topic policy for C(ses.amazonaws.com) with
    C(aws:SourceArn) = the configuration set's ARN, and, for an encrypted topic, its key policy); SES checks
    the topic when a destination is created.
options:
  name:
    description: Name of the configuration set (letters, digits, C(_) and C(-), at most 64 characters).
    type: str
    required: true
  state:
    description: Whether the configuration set exists. C(absent) deletes it with its event destinations.
    type: str
    choices: [present, absent]
    default: present
  event_destinations:
    description:
      - Event destinations of the set, each publishing the listed event types to an SNS topic.
      - Left out, the destinations are not touched.
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the destination, unique within the set.
        type: str
        required: true
      enabled:
        description: Whether SES publishes to this destination.
        type: bool
        default: true
      matching_event_types:
        description: Event types published to the destination (order does not matter).
        type: list
        elements: str
        required: true
        choices: [send, reject, bounce, complaint, delivery, open, click, renderingFailure, deliveryDelay,
                  subscription]
      sns_topic_arn:
        description: ARN of the SNS topic the events go to.
        type: str
        required: true
  purge_event_destinations:
    description: Delete destinations of the set that O(event_destinations) does not list.
    type: bool
    default: true
  reputation_metrics_enabled:
    description:
      - Whether SES publishes the set's reputation metrics (bounce and complaint rates) to CloudWatch.
      - Left out, the setting is not touched.
    type: bool
author:
  - fastish maintainers
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Configuration set whose bounces, complaints and rejects each go to their own topic
  fastish.platform.ses_configuration_set:
    name: acme-web-portal-email
    reputation_metrics_enabled: true
    event_destinations:
      - name: bounce
        matching_event_types: [bounce]
        sns_topic_arn: arn:aws:sns:us-east-1:123456789012:acme-web-portal-email-bounces
      - name: complaint
        matching_event_types: [complaint]
        sns_topic_arn: arn:aws:sns:us-east-1:123456789012:acme-web-portal-email-complaints
      - name: reject
        matching_event_types: [reject]
        sns_topic_arn: arn:aws:sns:us-east-1:123456789012:acme-web-portal-email-rejects
    tags:
      fastish:release: portal

- name: Delete it
  fastish.platform.ses_configuration_set:
    name: acme-web-portal-email
    state: absent
"""

RETURN = r"""
configuration_set:
  description: The set after the run (in check mode, as the run would leave it); empty when absent.
  returned: always
  type: dict
  contains:
    name: {description: Name of the set., type: str, sample: acme-web-portal-email}
    arn:
      description: ARN of the set.
      type: str
      sample: arn:aws:ses:us-east-1:123456789012:configuration-set/acme-web-portal-email
    event_destinations:
      description: Event destinations, sorted by name.
      type: list
      elements: dict
      contains:
        name: {description: Name of the destination., type: str, sample: bounce}
        enabled: {description: Whether SES publishes to it., type: bool}
        matching_event_types: {description: Event types, sorted., type: list, elements: str}
        sns_topic_arn:
          description: The SNS topic; null for a destination of another kind (CloudWatch, Firehose, ...).
          type: str
          sample: arn:aws:sns:us-east-1:123456789012:acme-web-portal-email-bounces
    reputation_metrics_enabled: {description: Whether reputation metrics are published., type: bool}
    sending_enabled: {description: Whether the set may send email., type: bool}
    tags: {description: Tags of the set., type: dict, sample: {"fastish:release": portal}}
changes:
  description: What was (in check mode, would be) done, e.g. C(create), C(destination bounce added), C(tags).
  returned: always
  type: list
  elements: str
  sample: [create, destination bounce added, reputation_metrics_enabled]
"""

import contextlib
import re

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.iam import get_aws_account_info
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)

EVENT_TYPES = [
    "send",
    "reject",
    "bounce",
    "complaint",
    "delivery",
    "open",
    "click",
    "renderingFailure",
    "deliveryDelay",
    "subscription",
]
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_TOPIC_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_.-]{1,256}$")


def _destination(boto):
    """A destination as DescribeConfigurationSet returns it -> the module's form."""
    return {
        "name": boto["Name"],
        "enabled": bool(boto.get("Enabled", False)),
        "matching_event_types": sorted(boto.get("MatchingEventTypes", [])),
        "sns_topic_arn": (boto.get("SNSDestination") or {}).get("TopicARN"),
    }


def _wanted(params):
    return {
        "name": params["name"],
        "enabled": params["enabled"],
        "matching_event_types": sorted(set(params["matching_event_types"])),
        "sns_topic_arn": params["sns_topic_arn"],
    }


def _boto_destination(destination):
    return {
        "Name": destination["name"],
        "Enabled": destination["enabled"],
        "MatchingEventTypes": destination["matching_event_types"],
        "SNSDestination": {"TopicARN": destination["sns_topic_arn"]},
    }


class ConfigurationSet:
    def __init__(self, module):
        self.module = module
        self.name = module.params["name"]
        self.ses = module.client("ses", retry_decorator=AWSRetry.jittered_backoff())
        self.changes = []
        self._arn = None
        self._sesv2 = None

    def fail(self, e, what):
        self.module.fail_json_aws(e, msg=f"Could not {what} of SES configuration set {self.name}")

    @property
    def arn(self):
        if self._arn is None:
            account, partition = get_aws_account_info(self.module)
            self._arn = f"arn:{partition}:ses:{self.module.region}:{account}:configuration-set/{self.name}"
        return self._arn

    def read(self):
        """The set as the module reports it, or None when it does not exist."""
        try:
            found = self.ses.describe_configuration_set(
                aws_retry=True,
                ConfigurationSetName=self.name,
                ConfigurationSetAttributeNames=["eventDestinations", "reputationOptions"],
            )
        except is_boto3_error_code("ConfigurationSetDoesNotExist"):
            return None
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            self.fail(e, "read the settings")
        reputation = found.get("ReputationOptions") or {}
        return {
            "name": self.name,
            "arn": self.arn,
            "event_destinations": sorted(
                (_destination(d) for d in found.get("EventDestinations") or []), key=lambda d: d["name"]
            ),
            "reputation_metrics_enabled": bool(reputation.get("ReputationMetricsEnabled", False)),
            "sending_enabled": bool(reputation.get("SendingEnabled", True)),
            "tags": self.read_tags(),
        }

    def read_tags(self):
        try:
            tags = self.sesv2.list_tags_for_resource(aws_retry=True, ResourceArn=self.arn)["Tags"]
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            self.fail(e, "read the tags")
        return boto3_tag_list_to_ansible_dict(tags)

    @property
    def sesv2(self):
        """SES v2 client (tags): configuration sets are shared between the two APIs."""
        if self._sesv2 is None:
            self._sesv2 = self.module.client("sesv2", retry_decorator=AWSRetry.jittered_backoff())
        return self._sesv2

    def call(self, what, method, **kwargs):
        """Record the change; make the call unless in check mode."""
        self.changes.append(what)
        if self.module.check_mode:
            return
        try:
            getattr(self.ses, method)(aws_retry=True, ConfigurationSetName=self.name, **kwargs)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            self.fail(e, what)

    def converge(self, current):
        params = self.module.params
        after = dict(current) if current else None
        if after is None:
            self.changes.append("create")
            if not self.module.check_mode:
                try:
                    self.ses.create_configuration_set(aws_retry=True, ConfigurationSet={"Name": self.name})
                except is_boto3_error_code("ConfigurationSetAlreadyExists"):
                    pass  # created meanwhile: converge it like an existing one
                except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
                    self.fail(e, "create")
            after = {
                "name": self.name,
                "arn": self.arn,
                "event_destinations": [],
                "reputation_metrics_enabled": False,
                "sending_enabled": True,
                "tags": {},
            }

        wanted = params["reputation_metrics_enabled"]
        if wanted is not None and wanted != after["reputation_metrics_enabled"]:
            self.call(
                "reputation_metrics_enabled",
                "update_configuration_set_reputation_metrics_enabled",
                Enabled=wanted,
            )
            after["reputation_metrics_enabled"] = wanted

        if params["event_destinations"] is not None:
            after["event_destinations"] = self.converge_destinations(after["event_destinations"])

        if params["tags"] is not None:
            after["tags"] = self.converge_tags(after["tags"])
        return after

    def converge_destinations(self, have):
        params = self.module.params
        have = {d["name"]: d for d in have}
        want = {d["name"]: _wanted(d) for d in params["event_destinations"]}
        result = dict(have)
        if params["purge_event_destinations"]:
            for name in sorted(set(have) - set(want)):
                self.call(
                    f"destination {name} deleted",
                    "delete_configuration_set_event_destination",
                    EventDestinationName=name,
                )
                del result[name]
        for name, destination in want.items():
            if name not in have:
                self.call(
                    f"destination {name} added",
                    "create_configuration_set_event_destination",
                    EventDestination=_boto_destination(destination),
                )
            elif have[name] != destination:
                self.call(
                    f"destination {name} updated",
                    "update_configuration_set_event_destination",
                    EventDestination=_boto_destination(destination),
                )
            result[name] = destination
        return sorted(result.values(), key=lambda d: d["name"])

    def converge_tags(self, have):
        params = self.module.params
        to_set, to_remove = compare_aws_tags(have, params["tags"], params["purge_tags"])
        if not to_set and not to_remove:
            return have
        self.changes.append("tags")
        if not self.module.check_mode:
            try:
                if to_remove:
                    self.sesv2.untag_resource(aws_retry=True, ResourceArn=self.arn, TagKeys=to_remove)
                if to_set:
                    self.sesv2.tag_resource(
                        aws_retry=True, ResourceArn=self.arn, Tags=ansible_dict_to_boto3_tag_list(to_set)
                    )
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                self.fail(e, "set the tags")
        return {**{k: v for k, v in have.items() if k not in to_remove}, **to_set}

    def delete(self):
        self.changes.append("delete")
        if self.module.check_mode:
            return
        try:
            self.ses.delete_configuration_set(aws_retry=True, ConfigurationSetName=self.name)
        except is_boto3_error_code("ConfigurationSetDoesNotExist"):
            pass
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            self.fail(e, "delete")


def _validate(module):
    params = module.params
    if not _NAME.match(params["name"]):
        module.fail_json(msg=f"name must be 1-64 letters, digits, '_' or '-', got {params['name']!r}")
    names = [d["name"] for d in params["event_destinations"] or []]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        module.fail_json(
            msg=f"event destination names must be unique in configuration set {params['name']}: {duplicates}"
        )
    for destination in params["event_destinations"] or []:
        if not _NAME.match(destination["name"]):
            module.fail_json(
                msg=f"bad event destination name (1-64 letters, digits, '_', '-'): {destination['name']!r}"
            )
        if not destination["matching_event_types"]:
            module.fail_json(
                msg=f"event destination {destination['name']} needs at least one matching event type"
            )
        if not _TOPIC_ARN.match(destination["sns_topic_arn"]):
            module.fail_json(
                msg=f"event destination {destination['name']}: sns_topic_arn must be an SNS topic ARN, "
                f"got {destination['sns_topic_arn']!r}"
            )


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "event_destinations": {
                "type": "list",
                "elements": "dict",
                "options": {
                    "name": {"type": "str", "required": True},
                    "enabled": {"type": "bool", "default": True},
                    "matching_event_types": {
                        "type": "list",
                        "elements": "str",
                        "required": True,
                        "choices": EVENT_TYPES,
                    },
                    "sns_topic_arn": {"type": "str", "required": True},
                },
            },
            "purge_event_destinations": {"type": "bool", "default": True},
            "reputation_metrics_enabled": {"type": "bool"},
            "tags": {"type": "dict", "aliases": ["resource_tags"]},
            "purge_tags": {"type": "bool", "default": True},
        },
        supports_check_mode=True,
    )
    _validate(module)
    manager = ConfigurationSet(module)
    before = manager.read()
    if module.params["state"] == "absent":
        after = {}
        if before is not None:
            manager.delete()
    else:
        after = manager.converge(before)
    module.exit_json(
        changed=bool(manager.changes),
        configuration_set=after,
        changes=manager.changes,
        diff={"before": before or {}, "after": after},
    )


if __name__ == "__main__":
    main()
