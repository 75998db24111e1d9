#!/usr/bin/python
"""Create, update and delete a group of an Amazon Cognito user pool."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: cognito_user_pool_group
short_description: Manage a group of an Amazon Cognito user pool
version_added: "0.1.0"
description:
  - Creates, updates or deletes a group of a Cognito user pool. Deleting a group removes its members from
    it; the users stay in the pool.
  - Options that are not set keep their current value.
  - amazon.aws and community.aws have no Cognito module.
options:
  name:
    description: Name of the group.
    type: str
    required: true
  description:
    description: Description of the group.
    type: str
  precedence:
    description:
      - Precedence (0 or more); the group with the lowest value wins when a user's groups map to IAM roles.
    type: int
  role_arn:
    description: IAM role the group's members get through an identity pool.
    type: str
  state:
    description: Whether the group exists.
    type: str
    choices: [present, absent]
    default: present
author:
  - fastish maintainers
extends_documentation_fragment:
  - fastish.platform.cognito_pool
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Tier group
  fastish.platform.cognito_user_pool_group:
    user_pool_id: "{{ pool.user_pool.id }}"
    name: enterprise
    description: Enterprise tier
    precedence: 10
"""

RETURN = r"""
group:
  description: The group after the change (what it would be in check mode); empty after a deletion.
  returned: always
  type: dict
  contains:
    name: {description: Group name., type: str, sample: enterprise}
    user_pool_id: {description: Pool id., type: str}
    description: {description: Description., type: str}
    precedence: {description: Precedence., type: int}
    role_arn: {description: IAM role ARN., type: str}
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.fastish.platform.plugins.module_utils import cognito

_KEYS = {"description": "Description", "precedence": "Precedence", "role_arn": "RoleArn"}


def _get(module, idp, pool_id, name):
    try:
        return idp.get_group(aws_retry=True, UserPoolId=pool_id, GroupName=name)["Group"]
    except is_boto3_error_code("ResourceNotFoundException"):
        return None
    except cognito.AWS_ERRORS as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Could not read group {name} of user pool {pool_id}")
    return None


def _view(group):
    return {"name": group.get("GroupName"), **{opt: group.get(api) for opt, api in _KEYS.items()}}


def main():
    module = AnsibleAWSModule(
        argument_spec={
            **cognito.USER_POOL_ARG_SPEC,
            "name": {"type": "str", "required": True},
            "description": {"type": "str"},
            "precedence": {"type": "int"},
            "role_arn": {"type": "str"},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        },
        supports_check_mode=True,
        **cognito.USER_POOL_ARG_RULES,
    )
    params = module.params
    name = params["name"]
    idp = cognito.client(module)
    pool = cognito.resolve_user_pool(module, idp)
    pool_id = pool["Id"] if pool else params["user_pool_id"]
    label = f"group {name} of user pool {cognito.pool_label(module, pool)}"
    group = _get(module, idp, pool_id, name) if pool else None
    current = _view(group) if group else {}

    if params["state"] == "absent":
        if not group:
            module.exit_json(changed=False, group={}, diff={"before": {}, "after": {}})
        if not module.check_mode:
            cognito.call(module, f"delete {label}", idp.delete_group, UserPoolId=pool_id, GroupName=name)
        module.exit_json(changed=True, group={}, diff={"before": current, "after": {}})

    want = dict(current) if group else {"name": name, **dict.fromkeys(_KEYS)}
    want.update({opt: params[opt] for opt in _KEYS if params[opt] is not None})
    diff = {"before": current, "after": want}
    if group and want == current:
        module.exit_json(changed=False, group={"user_pool_id": pool_id, **current}, diff=diff)
    if not module.check_mode:
        request = {api: want[opt] for opt, api in _KEYS.items() if want[opt] is not None}
        method, what = (idp.update_group, "update") if group else (idp.create_group, "create")
        result = cognito.call(
            module, f"{what} {label}", method, UserPoolId=pool_id, GroupName=name, **request
        )
        want = _view(result["Group"])
    module.exit_json(changed=True, group={"user_pool_id": pool_id, **want}, diff=diff)


if __name__ == "__main__":
    main()
