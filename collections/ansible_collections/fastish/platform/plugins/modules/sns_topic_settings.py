#!/usr/bin/python
"""Server-side encryption (KMS) of an existing SNS topic."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: sns_topic_settings
short_description: Server-side encryption of an existing SNS topic
version_added: "0.1.0"
description:
  - Converges the settings of an existing SNS topic that M(community.aws.sns_topic) cannot manage. That
    module (community.aws 10.0.0, and its development branch as of 2026) has no option for the topic
    attribute C(KmsMasterKeyId), so its topics are never encrypted at rest.
  - Reads the topic's attributes first (GetTopicAttributes) and changes only what differs
    (SetTopicAttributes). An option left out is left as it is.
  - The topic must exist. In check mode a missing topic is reported as changed with a warning (an earlier
    task of the same run, such as M(community.aws.sns_topic), would have created it); outside check mode it
    is an error.
options:
  topic_arn:
    description: ARN of the topic.
    type: str
    required: true
    aliases: [arn]
  kms_master_key_id:
    description:
      - KMS key that encrypts the topic's messages at rest (key ARN, key id, alias name or alias ARN),
        compared as given, so pass it the same way every time. An empty string turns encryption off.
      - Publishers (for example SES or CloudWatch) need C(kms:GenerateDataKey) and C(kms:Decrypt) on a
        customer managed key, granted by its key policy.
    type: str
author:
  - fastish maintainers
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Encrypt the bounce topic with the release key
  fastish.platform.sns_topic_settings:
    topic_arn: arn:aws:sns:us-east-1:123456789012:acme-web-portal-email-bounces
    kms_master_key_id: "{{ kms_key_arn }}"

- name: Back to unencrypted
  fastish.platform.sns_topic_settings:
    topic_arn: arn:aws:sns:us-east-1:123456789012:acme-web-portal-email-bounces
    kms_master_key_id: ""
"""

RETURN = r"""
topic_arn:
  description: ARN of the topic.
  returned: always
  type: str
  sample: arn:aws:sns:us-east-1:123456789012:acme-web-portal-email-bounces
exists:
  description: Whether the topic exists (always true outside check mode, which fails otherwise).
  returned: always
  type: bool
settings:
  description: The settings after the run (in check mode, the settings the run would leave).
  returned: always
  type: dict
  contains:
    kms_master_key_id:
      description: The topic's KMS key as SNS reports it; an empty string when the topic is not encrypted.
      type: str
      sample: arn:aws:kms:us-east-1:123456789012:key/0f3c6c1e-0000-4000-8000-000000000000
changes:
  description: What was (in check mode, would be) changed, among C(kms_master_key_id).
  returned: always
  type: list
  elements: str
  sample: [kms_master_key_id]
"""

import contextlib
import re

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

_TOPIC_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_.-]{1,256}$")
# Settings of this module -> SNS topic attribute.
_ATTRIBUTES = {"kms_master_key_id": "KmsMasterKeyId"}


def _read(module, sns, arn):
    """The topic's settings, or None when it does not exist."""
    try:
        attributes = sns.get_topic_attributes(aws_retry=True, TopicArn=arn)["Attributes"]
    except is_boto3_error_code(["NotFound", "NotFoundException"]):
        return None
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Could not read the attributes of SNS topic {arn}")
    return {setting: attributes.get(attribute, "") for setting, attribute in _ATTRIBUTES.items()}


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "topic_arn": {"type": "str", "required": True, "aliases": ["arn"]},
            "kms_master_key_id": {"type": "str", "no_log": False},
        },
        supports_check_mode=True,
    )
    arn = module.params["topic_arn"]
    if not _TOPIC_ARN.match(arn):
        module.fail_json(
            msg=f"topic_arn must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), got {arn!r}"
        )
    sns = module.client("sns", retry_decorator=AWSRetry.jittered_backoff())

    before = _read(module, sns, arn)
    exists = before is not None
    if not exists:
        if not module.check_mode:
            module.fail_json(msg=f"SNS topic {arn} does not exist; create it first (community.aws.sns_topic)")
        module.warn(f"SNS topic {arn} does not exist yet; reporting the settings it would get")
        before = dict.fromkeys(_ATTRIBUTES, "")

    changes = [
        setting
        for setting in _ATTRIBUTES
        if module.params[setting] is not None and module.params[setting] != before[setting]
    ]
    after = {**before, **{setting: module.params[setting] for setting in changes}}
    if changes and not module.check_mode:
        for setting in changes:
            try:
                sns.set_topic_attributes(
                    aws_retry=True,
                    TopicArn=arn,
                    AttributeName=_ATTRIBUTES[setting],
                    AttributeValue=after[setting],
                )
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                module.fail_json_aws(e, msg=f"Could not set {_ATTRIBUTES[setting]} of SNS topic {arn}")
        after = _read(module, sns, arn) or after

    module.exit_json(
        changed=bool(changes),
        topic_arn=arn,
        exists=exists,
        settings=after,
        changes=changes,
        diff={"before": before, "after": after},
    )


if __name__ == "__main__":
    main()
