#!/usr/bin/python
"""The account-level settings of Amazon API Gateway in a region (the CloudWatch Logs role)."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: api_gateway_account
short_description: Set the CloudWatch Logs role of Amazon API Gateway in an account and region
version_added: "0.1.0"
description:
  - Sets the IAM role API Gateway uses to write execution and access logs of every REST API stage of the
    account in the region. It is one setting per account and region, shared by all releases there.
  - The role must trust C(apigateway.amazonaws.com) and allow writing to CloudWatch Logs (for example the
    managed policy C(AmazonAPIGatewayPushToCloudWatchLogs)).
options:
  cloudwatch_role_arn:
    description: ARN of the role.
    type: str
    required: true
author:
  - fastish maintainers
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: API Gateway may write logs with the account's role
  fastish.platform.api_gateway_account:
    cloudwatch_role_arn: arn:aws:iam::123456789012:role/fastish-apigateway-logs
"""

RETURN = r"""
account:
  description: The settings after the change (in check mode, what they would be).
  returned: always
  type: dict
  contains:
    cloudwatch_role_arn: {description: The CloudWatch Logs role., type: str}
    throttle_settings: {description: Account-level throttle (burstLimit, rateLimit)., type: dict}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.fastish.platform.plugins.module_utils import api_gateway as apigw_utils


def _view(account):
    return {
        "cloudwatch_role_arn": account.get("cloudwatchRoleArn") or None,
        "throttle_settings": account.get("throttleSettings") or {},
    }


def main():
    module = AnsibleAWSModule(
        argument_spec={"cloudwatch_role_arn": {"type": "str", "required": True}},
        supports_check_mode=True,
    )
    apigw = apigw_utils.client(module)
    current = _view(apigw_utils.call(module, "read the API Gateway account settings", apigw.get_account))
    want = {**current, "cloudwatch_role_arn": module.params["cloudwatch_role_arn"]}
    diff = {"before": current, "after": want}
    if want == current:
        module.exit_json(changed=False, account=current, diff=diff)
    if not module.check_mode:
        ops = [{"op": "replace", "path": "/cloudwatchRoleArn", "value": want["cloudwatch_role_arn"]}]
        updated = apigw_utils.call(
            module,
            f"set the CloudWatch role of API Gateway to {want['cloudwatch_role_arn']}",
            apigw.update_account,
            patchOperations=ops,
        )
        want = _view(updated)
    module.exit_json(changed=True, account=want, diff=diff)


if __name__ == "__main__":
    main()
