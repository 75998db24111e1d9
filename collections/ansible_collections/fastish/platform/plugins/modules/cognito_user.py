#!/usr/bin/python
"""Create, update, disable and delete a user of an Amazon Cognito user pool, with its groups."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: cognito_user
short_description: Manage a user of an Amazon Cognito user pool and the groups it belongs to
version_added: "0.1.0"
description:
  - Creates a user as an administrator (AdminCreateUser), by default with an e-mailed invitation and a
    temporary password that Cognito generates and nobody else sees; updates the attributes that differ;
    enables or disables it; puts it into exactly the groups listed; deletes it.
  - Attributes that are not listed are left alone. An immutable custom attribute (C(mutable=false) in the
    pool) can only be given when the user is created; the module fails, naming the attribute, instead of
    trying to change it.
  - In pools that sign users in with their e-mail address (C(username_attributes=[email])) O(username) is the
    e-mail address; Cognito's own user name (RV(user.username)) is then the user's C(sub).
  - amazon.aws and community.aws have no Cognito module.
options:
  username:
    description: User name, or the e-mail address / phone number in pools that sign in with those.
    type: str
    required: true
  attributes:
    description:
      - "User attributes, for example C({email: a@b.example, email_verified: true, 'custom:tenant_id': t1})."
      - Booleans become C(true)/C(false). C(sub) cannot be set.
    type: dict
    default: {}
  groups:
    description: Groups of the user. Not set, group membership is left alone.
    type: list
    elements: str
  purge_groups:
    description: Remove the user from groups that O(groups) does not list.
    type: bool
    default: true
  send_invitation:
    description:
      - When the user is created, e-mail the invitation with the temporary password
        (C(DesiredDeliveryMediums=[EMAIL])). C(false) creates the user silently (C(MessageAction=SUPPRESS));
        it then needs an administrator to set a password.
    type: bool
    default: true
  state:
    description: C(present) (enabled), C(disabled) (kept but cannot sign in) or C(absent) (deleted).
    type: str
    choices: [present, disabled, absent]
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
- name: First admin of tenant globex
  fastish.platform.cognito_user:
    user_pool_id: "{{ cognito_user_pool_id }}"
    username: admin@globex.example
    attributes:
      email: admin@globex.example
      email_verified: true
      "custom:tenant_id": globex
    groups: [enterprise, tenant-admins]

- name: Offboard a user, keeping it
  fastish.platform.cognito_user:
    user_pool_id: "{{ cognito_user_pool_id }}"
    username: someone@globex.example
    state: disabled
"""

RETURN = r"""
user:
  description: The user after the change (what it would be in check mode); empty after a deletion.
  returned: always
  type: dict
  contains:
    username:
      description: Cognito's user name (the C(sub) in pools signing in with e-mail); null before creation.
      type: str
    sub: {description: Unique id of the user., type: str}
    status: {description: "User status (FORCE_CHANGE_PASSWORD, CONFIRMED, ...).", type: str}
    enabled: {description: Whether the user can sign in., type: bool}
    attributes: {description: All attributes of the user., type: dict}
    groups: {description: Groups of the user., type: list, elements: str}
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.fastish.platform.plugins.module_utils import cognito


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _get_user(module, idp, pool_id, username):
    try:
        return idp.admin_get_user(aws_retry=True, UserPoolId=pool_id, Username=username)
    except is_boto3_error_code("UserNotFoundException"):
        return None
    except cognito.AWS_ERRORS as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Could not read user {username} of user pool {pool_id}")
    return None


def _groups(module, idp, pool_id, username):
    groups = cognito.paginate(
        module,
        idp,
        "admin_list_groups_for_user",
        "Groups",
        f"list the groups of user {username} in user pool {pool_id}",
        UserPoolId=pool_id,
        Username=username,
    )
    return sorted(g["GroupName"] for g in groups)


def _immutable(pool):
    """Names of the attributes of the pool that cannot change once the user exists."""
    return {a["Name"] for a in (pool or {}).get("SchemaAttributes") or [] if a.get("Mutable") is False}


def _user_result(user, attributes, groups):
    return {
        "username": user.get("Username") if user else None,
        "sub": attributes.get("sub"),
        "status": user.get("UserStatus") if user else None,
        "enabled": user.get("Enabled", True) if user else None,
        "attributes": attributes,
        "groups": groups,
    }


def main():
    module = AnsibleAWSModule(
        argument_spec={
            **cognito.USER_POOL_ARG_SPEC,
            "username": {"type": "str", "required": True},
            "attributes": {"type": "dict", "default": {}},
            "groups": {"type": "list", "elements": "str"},
            "purge_groups": {"type": "bool", "default": True},
            "send_invitation": {"type": "bool", "default": True},
            "state": {"type": "str", "choices": ["present", "disabled", "absent"], "default": "present"},
        },
        supports_check_mode=True,
        **cognito.USER_POOL_ARG_RULES,
    )
    params = module.params
    username = params["username"]
    state = params["state"]
    wanted_attrs = {str(k): _text(v) for k, v in (params["attributes"] or {}).items()}
    if "sub" in wanted_attrs:
        module.fail_json(msg="The attribute sub is set by Cognito and cannot be given")

    idp = cognito.client(module)
    pool = cognito.resolve_user_pool(module, idp)
    pool_id = pool["Id"] if pool else params["user_pool_id"]
    label = f"user {username} of user pool {cognito.pool_label(module, pool)}"
    for attr in (pool or {}).get("UsernameAttributes") or []:
        # The user name is this attribute's value; a different value would make it another user.
        signs_in_with_it = "@" in username if attr == "email" else username.startswith("+")
        if signs_in_with_it and attr in wanted_attrs and wanted_attrs[attr].lower() != username.lower():
            module.fail_json(
                msg=f"The {label}: the pool signs users in with their {attr}, so attributes.{attr} "
                f"({wanted_attrs[attr]}) must equal the username."
            )

    user = _get_user(module, idp, pool_id, username) if pool else None
    if user:
        current_attrs = {a["Name"]: a.get("Value") for a in user.get("UserAttributes", [])}
        current_groups = _groups(module, idp, pool_id, user["Username"])
        before = {"attributes": current_attrs, "enabled": user.get("Enabled", True), "groups": current_groups}
    else:
        current_attrs, current_groups, before = {}, [], {}

    if state == "absent":
        if not user:
            module.exit_json(changed=False, user={}, diff={"before": {}, "after": {}})
        if not module.check_mode:
            cognito.call(
                module,
                f"delete {label}",
                idp.admin_delete_user,
                UserPoolId=pool_id,
                Username=user["Username"],
            )
        module.exit_json(changed=True, user={}, diff={"before": before, "after": {}})

    enabled = state == "present"
    if params["groups"] is None:
        wanted_groups = current_groups
    elif params["purge_groups"]:
        wanted_groups = sorted(set(params["groups"]))
    else:
        wanted_groups = sorted(set(params["groups"]) | set(current_groups))

    if not user:
        after_attrs = dict(wanted_attrs)
        after = {"attributes": after_attrs, "enabled": enabled, "groups": wanted_groups}
        diff = {"before": {}, "after": after}
        if module.check_mode:
            module.exit_json(changed=True, user=_user_result(None, after_attrs, wanted_groups), diff=diff)
        request = {
            "UserPoolId": pool_id,
            "Username": username,
            "UserAttributes": [{"Name": k, "Value": v} for k, v in wanted_attrs.items()],
        }
        if params["send_invitation"]:
            request["DesiredDeliveryMediums"] = ["EMAIL"]
        else:
            request["MessageAction"] = "SUPPRESS"
        created = cognito.call(module, f"create {label}", idp.admin_create_user, **request)["User"]
        name = created["Username"]
        for group in wanted_groups:
            cognito.call(
                module,
                f"add {label} to group {group}",
                idp.admin_add_user_to_group,
                UserPoolId=pool_id,
                Username=name,
                GroupName=group,
            )
        if not enabled:
            cognito.call(
                module, f"disable {label}", idp.admin_disable_user, UserPoolId=pool_id, Username=name
            )
        user = _get_user(module, idp, pool_id, name)
        attrs = {a["Name"]: a.get("Value") for a in user.get("UserAttributes", [])}
        module.exit_json(
            changed=True, user=_user_result(user, attrs, _groups(module, idp, pool_id, name)), diff=diff
        )

    name = user["Username"]
    changed_attrs = {k: v for k, v in wanted_attrs.items() if current_attrs.get(k) != v}
    frozen = sorted(set(changed_attrs) & _immutable(pool))
    if frozen:
        details = ", ".join(f"{k} is {current_attrs.get(k)!r}, wanted {changed_attrs[k]!r}" for k in frozen)
        module.fail_json(
            msg=f"The {label} cannot change immutable attribute(s) ({details}): the pool defines them with "
            "mutable=false, so they are set only when a user is created. Delete and re-create the user to "
            "change them."
        )
    after_attrs = {**current_attrs, **changed_attrs}
    after = {"attributes": after_attrs, "enabled": enabled, "groups": wanted_groups}
    diff = {"before": before, "after": after}
    to_add = sorted(set(wanted_groups) - set(current_groups))
    to_remove = sorted(set(current_groups) - set(wanted_groups))
    changed = bool(changed_attrs or to_add or to_remove or before["enabled"] != enabled)
    if not changed or module.check_mode:
        result_user = dict(user, Enabled=enabled)
        module.exit_json(
            changed=changed, user=_user_result(result_user, after_attrs, wanted_groups), diff=diff
        )

    if changed_attrs:
        cognito.call(
            module,
            f"update the attributes of {label}",
            idp.admin_update_user_attributes,
            UserPoolId=pool_id,
            Username=name,
            UserAttributes=[{"Name": k, "Value": v} for k, v in changed_attrs.items()],
        )
    for group in to_add:
        cognito.call(
            module,
            f"add {label} to group {group}",
            idp.admin_add_user_to_group,
            UserPoolId=pool_id,
            Username=name,
            GroupName=group,
        )
    for group in to_remove:
        cognito.call(
            module,
            f"remove {label} from group {group}",
            idp.admin_remove_user_from_group,
            UserPoolId=pool_id,
            Username=name,
            GroupName=group,
        )
    if before["enabled"] != enabled:
        method, what = (idp.admin_enable_user, "enable") if enabled else (idp.admin_disable_user, "disable")
        cognito.call(module, f"{what} {label}", method, UserPoolId=pool_id, Username=name)
    user = _get_user(module, idp, pool_id, name)
    attrs = {a["Name"]: a.get("Value") for a in user.get("UserAttributes", [])}
    module.exit_json(
        changed=True, user=_user_result(user, attrs, _groups(module, idp, pool_id, name)), diff=diff
    )


if __name__ == "__main__":
    main()
