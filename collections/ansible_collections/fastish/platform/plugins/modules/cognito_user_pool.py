#!/usr/bin/python
"""Create, update and delete an Amazon Cognito user pool, found by its name."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: cognito_user_pool
short_description: Manage an Amazon Cognito user pool
version_added: "0.1.0"
description:
  - Creates, updates or deletes an Amazon Cognito user pool. The pool is found by its name (ListUserPools);
    the module fails when several pools share the name, since Cognito pool names are not unique.
  - Updates send the whole mutable configuration, since UpdateUserPool resets every setting it is not given;
    settings whose option is not set keep their current value.
  - O(username_attributes), O(username_case_sensitive) and custom attributes can only be set when the pool is
    created (custom attributes can be added later, never changed or removed); the module fails, naming the
    setting, instead of pretending to change them.
  - MFA is set with SetUserPoolMfaConfig; with O(mfa=optional) or O(mfa=required) software-token (TOTP) MFA is
    enabled. SMS and e-mail MFA settings made elsewhere are kept.
  - Tags are set through C(UserPoolTags) of CreateUserPool / UpdateUserPool.
  - amazon.aws and community.aws have no Cognito user pool module.
options:
  name:
    description: Name of the user pool.
    type: str
    required: true
  state:
    description: Whether the pool exists.
    type: str
    choices: [present, absent]
    default: present
  username_attributes:
    description:
      - Attributes users sign in with instead of a user name (C(UsernameAttributes)). Only when the pool is
        created.
    type: list
    elements: str
    choices: [email, phone_number]
  username_case_sensitive:
    description: Whether user names are case sensitive (C(UsernameConfiguration)). Only at creation.
    type: bool
  auto_verified_attributes:
    description: Attributes Cognito verifies by sending a code (C(AutoVerifiedAttributes)).
    type: list
    elements: str
    choices: [email, phone_number]
  attributes_require_verification_before_update:
    description: Attributes whose new value only takes effect once verified; until then the old value stays.
    type: list
    elements: str
    choices: [email, phone_number]
  password_policy:
    description: Password policy; sub-options that are not set keep their current value.
    type: dict
    suboptions:
      minimum_length: {description: Minimum password length (6-99)., type: int}
      require_uppercase: {description: Require an upper-case letter., type: bool}
      require_lowercase: {description: Require a lower-case letter., type: bool}
      require_numbers: {description: Require a digit., type: bool}
      require_symbols: {description: Require a symbol., type: bool}
      temporary_password_validity_days: {description: Days an invitation's password stays valid., type: int}
  mfa:
    description:
      - Multi-factor authentication (C(MfaConfiguration) OFF, OPTIONAL or ON). With C(optional) or
        C(required), software-token (TOTP) MFA is enabled.
    type: str
    choices: ['off', optional, required]
  advanced_security_mode:
    description:
      - Threat protection (C(UserPoolAddOns.AdvancedSecurityMode)). C(AUDIT) and C(ENFORCED) need the C(PLUS)
        feature plan (O(user_pool_tier)) on pools created since November 2024.
    type: str
    choices: ['OFF', AUDIT, ENFORCED]
  user_pool_tier:
    description: Feature plan of the pool (C(UserPoolTier)); C(PLUS) is billed per monthly active user.
    type: str
    choices: [LITE, ESSENTIALS, PLUS]
  deletion_protection:
    description: Whether Cognito refuses to delete the pool (C(DeletionProtection) ACTIVE / INACTIVE).
    type: bool
  custom_attributes:
    description:
      - Custom attributes (C(custom:<name>)). New ones are added (AddCustomAttributes); Cognito cannot
        change or remove a custom attribute, so the module fails, naming the attribute, when one differs from
        the pool or is missing from the list.
    type: list
    elements: dict
    suboptions:
      name: {description: Name without the C(custom:) prefix., type: str, required: true}
      type: {description: Data type., type: str, choices: [String, Number], default: String}
      mutable: {description: Whether the value can change once the user exists., type: bool, default: true}
      min_length: {description: Minimum length of a String attribute., type: int}
      max_length: {description: Maximum length of a String attribute (at most 2048)., type: int}
      min_value: {description: Minimum value of a Number attribute., type: int}
      max_value: {description: Maximum value of a Number attribute., type: int}
  account_recovery:
    description: Account recovery mechanisms in priority order (C(AccountRecoverySetting)).
    type: list
    elements: str
    choices: [verified_email, verified_phone_number, admin_only]
  admin_create_user_only:
    description: Only administrators create users (self sign-up off).
    type: bool
    default: true
  invitation_message:
    description: Invitation sent to users created by an administrator; unset sub-options keep their value.
    type: dict
    suboptions:
      email_subject: {description: Subject of the invitation e-mail., type: str}
      email_message: {description: "Invitation e-mail; must contain C({username}) and C({####})", type: str}
      sms_message: {description: "Invitation SMS; must contain C({username}) and C({####})", type: str}
  verification_message:
    description: Verification message (C(VerificationMessageTemplate)); unset sub-options keep their value.
    type: dict
    suboptions:
      default_email_option:
        description: Code or link.
        type: str
        choices: [CONFIRM_WITH_CODE, CONFIRM_WITH_LINK]
      email_subject: {description: Subject of the verification e-mail (code)., type: str}
      email_message: {description: "Body of the verification e-mail; must contain C({####})", type: str}
      email_subject_by_link: {description: Subject of the verification e-mail (link)., type: str}
      email_message_by_link:
        description: "Body of the verification e-mail (link); must contain C({##Verify Email##})"
        type: str
      sms_message: {description: "Verification SMS; must contain C({####})", type: str}
  email_configuration:
    description: How Cognito sends e-mail (C(EmailConfiguration)); replaced as a whole when given.
    type: dict
    suboptions:
      sending_account:
        description: Cognito's own sender or an SES identity.
        type: str
        choices: [COGNITO_DEFAULT, DEVELOPER]
        default: COGNITO_DEFAULT
      source_arn: {description: ARN of the verified SES identity (DEVELOPER)., type: str}
      from_address: {description: "Sender, for example C(Portal <no-reply@example.com>)", type: str}
      reply_to_address: {description: Reply-to address., type: str}
      configuration_set: {description: SES configuration set., type: str}
  resource_servers:
    description:
      - Resource servers of the pool (OAuth 2.0 scopes C(<identifier>/<scope>) for client-credentials
        clients). Missing ones are created, changed ones updated; others are left alone unless
        O(purge_resource_servers).
    type: list
    elements: dict
    suboptions:
      identifier: {description: Identifier (often a URL) that prefixes the scopes., type: str, required: true}
      name: {description: Friendly name., type: str, required: true}
      scopes:
        description: Scopes.
        type: list
        elements: dict
        default: []
        suboptions:
          name: {description: Scope name., type: str, required: true}
          description: {description: Scope description (default, the name)., type: str}
  purge_resource_servers:
    description: Delete resource servers of the pool that O(resource_servers) does not list.
    type: bool
    default: false
  force:
    description:
      - With O(state=absent), lift deletion protection and delete the pool's domains before deleting it.
        Without it the module fails when the pool is protected or still has a domain.
    type: bool
    default: false
author:
  - fastish maintainers
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: User pool with e-mail sign-in, TOTP MFA and an immutable tenant attribute
  fastish.platform.cognito_user_pool:
    name: acme-web-portal-users
    username_attributes: [email]
    username_case_sensitive: false
    auto_verified_attributes: [email]
    password_policy:
      minimum_length: 12
      require_uppercase: true
      require_lowercase: true
      require_numbers: true
      require_symbols: true
    mfa: optional
    advanced_security_mode: ENFORCED
    user_pool_tier: PLUS
    deletion_protection: true
    custom_attributes:
      - {name: tenant_id, type: String, mutable: false, max_length: 64}
    account_recovery: [verified_email]
    tags:
      fastish:release: portal
  register: pool

- name: Delete the pool even though it is protected
  fastish.platform.cognito_user_pool:
    name: acme-web-portal-users
    force: true
    state: absent
"""

RETURN = r"""
user_pool:
  description: The pool after the change (in check mode, what it would be; RV(user_pool.id) is null for a pool
    that check mode did not create). Empty after a deletion.
  returned: always
  type: dict
  contains:
    id: {description: Pool id., type: str, sample: us-east-1_AbCdEf123}
    arn: {description: Pool ARN., type: str}
    name: {description: Pool name., type: str}
    issuer: {description: "OpenID Connect issuer of the pool's tokens.", type: str, sample: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123"}
    domain: {description: Prefix domain of the hosted UI, if any., type: str}
    custom_domain: {description: Custom domain of the hosted UI, if any., type: str}
    estimated_number_of_users: {description: Users in the pool (estimate)., type: int}
    username_attributes: {description: Sign-in attributes., type: list, elements: str}
    username_case_sensitive: {description: Whether user names are case sensitive., type: bool}
    auto_verified_attributes: {description: Auto-verified attributes., type: list, elements: str}
    attributes_require_verification_before_update: {description: See the option., type: list, elements: str}
    password_policy: {description: Password policy., type: dict}
    mfa: {description: "C(off), C(optional) or C(required).", type: str}
    software_token_mfa: {description: Whether TOTP MFA is enabled., type: bool}
    advanced_security_mode: {description: Threat protection mode., type: str}
    user_pool_tier: {description: Feature plan (null when the API does not report one)., type: str}
    deletion_protection: {description: Whether deletion protection is on., type: bool}
    custom_attributes:
      description: Custom attributes (name without prefix, type, mutable, constraints).
      type: list
      elements: dict
    account_recovery: {description: Recovery mechanisms in priority order., type: list, elements: str}
    admin_create_user_only: {description: Whether self sign-up is off., type: bool}
    invitation_message: {description: Invitation message template., type: dict}
    verification_message: {description: Verification message template., type: dict}
    email_configuration: {description: E-mail sending configuration., type: dict}
    resource_servers: {description: Resource servers with their scopes., type: list, elements: dict}
    tags: {description: Tags., type: dict}
"""

import copy

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.fastish.platform.plugins.module_utils import cognito

_MFA_TO_API = {"off": "OFF", "optional": "OPTIONAL", "required": "ON"}
_MFA_FROM_API = {v: k for k, v in _MFA_TO_API.items()}

_PASSWORD_KEYS = {
    "minimum_length": "MinimumLength",
    "require_uppercase": "RequireUppercase",
    "require_lowercase": "RequireLowercase",
    "require_numbers": "RequireNumbers",
    "require_symbols": "RequireSymbols",
    "temporary_password_validity_days": "TemporaryPasswordValidityDays",
}
_INVITE_KEYS = {"email_subject": "EmailSubject", "email_message": "EmailMessage", "sms_message": "SMSMessage"}
_VERIFY_KEYS = {
    "default_email_option": "DefaultEmailOption",
    "email_subject": "EmailSubject",
    "email_message": "EmailMessage",
    "email_subject_by_link": "EmailSubjectByLink",
    "email_message_by_link": "EmailMessageByLink",
    "sms_message": "SmsMessage",
}
_EMAIL_KEYS = {
    "sending_account": "EmailSendingAccount",
    "source_arn": "SourceArn",
    "from_address": "From",
    "reply_to_address": "ReplyToEmailAddress",
    "configuration_set": "ConfigurationSet",
}
# Kept from DescribeUserPool as they are when the pool is updated (no option of this module sets them).
# The legacy top-level verification messages are left out: VerificationMessageTemplate replaces them and
# Cognito rejects requests where both disagree.
_LEGACY_MESSAGES = ("EmailVerificationMessage", "EmailVerificationSubject", "SmsVerificationMessage")
# Settings of the view that UpdateUserPool carries (the others have their own API calls or never change).
_UPDATE_VIEW_KEYS = (
    "auto_verified_attributes",
    "attributes_require_verification_before_update",
    "password_policy",
    "advanced_security_mode",
    "user_pool_tier",
    "deletion_protection",
    "account_recovery",
    "admin_create_user_only",
    "invitation_message",
    "verification_message",
    "email_configuration",
    "tags",
)


def _int(value):
    return None if value in (None, "") else int(value)


def _pick(source, keys):
    """{option: source[api]} for the keys the API returned."""
    source = source or {}
    return {opt: source.get(api) for opt, api in keys.items() if source.get(api) is not None}


def _api(view, keys):
    """{api: view[option]} for the options that are set."""
    return {api: view[opt] for opt, api in keys.items() if view.get(opt) is not None}


# ---------------------------------------------------------------------------------------------------------
# The view: the pool's settings in the shape of the module's options, read from the APIs.


def _custom_attributes(schema):
    result = []
    for attr in schema or []:
        name = attr.get("Name", "")
        if name.startswith("dev:"):
            name = name[4:]
        if not name.startswith("custom:"):
            continue
        text = attr.get("StringAttributeConstraints") or {}
        number = attr.get("NumberAttributeConstraints") or {}
        result.append(
            {
                "name": name[len("custom:") :],
                "type": attr.get("AttributeDataType"),
                "mutable": attr.get("Mutable", True),
                "min_length": _int(text.get("MinLength")),
                "max_length": _int(text.get("MaxLength")),
                "min_value": _int(number.get("MinValue")),
                "max_value": _int(number.get("MaxValue")),
            }
        )
    return sorted(result, key=lambda a: a["name"])


def _resource_server_view(server):
    return {
        "identifier": server["Identifier"],
        "name": server.get("Name"),
        "scopes": sorted(
            (
                {"name": s["ScopeName"], "description": s.get("ScopeDescription")}
                for s in server.get("Scopes") or []
            ),
            key=lambda s: s["name"],
        ),
    }


def _view(pool, mfa, servers):
    create_cfg = pool.get("AdminCreateUserConfig") or {}
    recovery = (pool.get("AccountRecoverySetting") or {}).get("RecoveryMechanisms") or []
    return {
        "username_attributes": sorted(pool.get("UsernameAttributes") or []),
        # Pools created through the API without UsernameConfiguration have case-sensitive user names.
        "username_case_sensitive": (pool.get("UsernameConfiguration") or {}).get("CaseSensitive", True),
        "auto_verified_attributes": sorted(pool.get("AutoVerifiedAttributes") or []),
        "attributes_require_verification_before_update": sorted(
            (pool.get("UserAttributeUpdateSettings") or {}).get("AttributesRequireVerificationBeforeUpdate")
            or []
        ),
        "password_policy": _pick((pool.get("Policies") or {}).get("PasswordPolicy"), _PASSWORD_KEYS),
        "mfa": _MFA_FROM_API.get(mfa.get("MfaConfiguration") or "OFF", "off"),
        "software_token_mfa": bool((mfa.get("SoftwareTokenMfaConfiguration") or {}).get("Enabled")),
        "advanced_security_mode": (pool.get("UserPoolAddOns") or {}).get("AdvancedSecurityMode", "OFF"),
        "user_pool_tier": pool.get("UserPoolTier"),
        "deletion_protection": pool.get("DeletionProtection") == "ACTIVE",
        "custom_attributes": _custom_attributes(pool.get("SchemaAttributes")),
        "account_recovery": [m["Name"] for m in sorted(recovery, key=lambda m: m.get("Priority", 0))],
        "admin_create_user_only": bool(create_cfg.get("AllowAdminCreateUserOnly", False)),
        "invitation_message": _pick(create_cfg.get("InviteMessageTemplate"), _INVITE_KEYS),
        "verification_message": _pick(pool.get("VerificationMessageTemplate"), _VERIFY_KEYS),
        "email_configuration": _pick(pool.get("EmailConfiguration"), _EMAIL_KEYS),
        "resource_servers": sorted(
            (_resource_server_view(s) for s in servers), key=lambda s: s["identifier"]
        ),
        "tags": dict(pool.get("UserPoolTags") or {}),
    }


_EMPTY_VIEW = {
    "username_attributes": [],
    "username_case_sensitive": True,
    "auto_verified_attributes": [],
    "attributes_require_verification_before_update": [],
    "password_policy": {},
    "mfa": "off",
    "software_token_mfa": False,
    "advanced_security_mode": "OFF",
    "user_pool_tier": None,
    "deletion_protection": False,
    "custom_attributes": [],
    "account_recovery": [],
    "admin_create_user_only": False,
    "invitation_message": {},
    "verification_message": {},
    "email_configuration": {},
    "resource_servers": [],
    "tags": {},
}


# ---------------------------------------------------------------------------------------------------------
# The wanted view: the current one with the options applied.


def _wanted_custom_attributes(module, current, params, pool_label):
    """(wanted list, attributes to add) or a failure naming the attribute that would change or vanish."""
    given = params["custom_attributes"]
    if given is None:
        return current, []
    have = {a["name"]: a for a in current}
    wanted, added, seen = [], [], set()
    for item in given:
        name = item["name"][len("custom:") :] if item["name"].startswith("custom:") else item["name"]
        if name in seen:
            module.fail_json(msg=f"custom_attributes lists custom:{name} twice")
        seen.add(name)
        if item["type"] == "String" and (item["min_value"] is not None or item["max_value"] is not None):
            module.fail_json(
                msg=f"custom:{name} is a String attribute: use min_length/max_length, not min_value/max_value"
            )
        if item["type"] == "Number" and (item["min_length"] is not None or item["max_length"] is not None):
            module.fail_json(
                msg=f"custom:{name} is a Number attribute: use min_value/max_value, not min_length/max_length"
            )
        want = {
            "name": name,
            "type": item["type"],
            "mutable": item["mutable"],
            "min_length": item["min_length"],
            "max_length": item["max_length"],
            "min_value": item["min_value"],
            "max_value": item["max_value"],
        }
        if name in have:
            old = have[name]
            # Constraints that are not given keep whatever Cognito reports (it fills in defaults).
            want = {k: (old[k] if v is None else v) for k, v in want.items()}
            diffs = [f"{k} {old[k]!r} -> {want[k]!r}" for k in want if want[k] != old[k]]
            if diffs:
                module.fail_json(
                    msg=f"Custom attribute custom:{name} of user pool {pool_label} cannot be changed "
                    f"({', '.join(diffs)}): Cognito never changes or removes a custom attribute. Keep its "
                    "definition, or add a new attribute under another name."
                )
        else:
            added.append(want)
        wanted.append(want)
    missing = sorted(set(have) - seen)
    if missing:
        names = ", ".join(f"custom:{n}" for n in missing)
        module.fail_json(
            msg=f"User pool {pool_label} has custom attribute(s) {names}, which custom_attributes does not "
            "list: Cognito cannot remove custom attributes. Add them back to custom_attributes."
        )
    return sorted(wanted, key=lambda a: a["name"]), added


def _wanted_resource_servers(current, params):
    given = params["resource_servers"]
    if given is None:
        return current
    wanted = {
        s["identifier"]: {
            "identifier": s["identifier"],
            "name": s["name"],
            "scopes": sorted(
                (
                    {"name": sc["name"], "description": sc["description"] or sc["name"]}
                    for sc in s["scopes"] or []
                ),
                key=lambda x: x["name"],
            ),
        }
        for s in given
    }
    if not params["purge_resource_servers"]:
        for server in current:
            wanted.setdefault(server["identifier"], server)
    return sorted(wanted.values(), key=lambda s: s["identifier"])


def _merge(current, given):
    if given is None:
        return current
    merged = dict(current)
    merged.update({k: v for k, v in given.items() if v is not None})
    return merged


def _wanted(module, current, params, pool_label):
    want = copy.deepcopy(current)
    for key in (
        "username_attributes",
        "auto_verified_attributes",
        "attributes_require_verification_before_update",
    ):
        if params[key] is not None:
            want[key] = sorted(params[key])
    for key in (
        "username_case_sensitive",
        "advanced_security_mode",
        "user_pool_tier",
        "deletion_protection",
        "account_recovery",
        "admin_create_user_only",
    ):
        if params[key] is not None:
            want[key] = params[key]
    want["password_policy"] = _merge(current["password_policy"], params["password_policy"])
    want["invitation_message"] = _merge(current["invitation_message"], params["invitation_message"])
    want["verification_message"] = _merge(current["verification_message"], params["verification_message"])
    if params["email_configuration"] is not None:
        want["email_configuration"] = {
            k: v for k, v in params["email_configuration"].items() if v is not None
        }
    if params["mfa"] is not None:
        want["mfa"] = params["mfa"]
        if params["mfa"] != "off":
            want["software_token_mfa"] = True
    if params["tags"] is not None:
        want["tags"] = dict(params["tags"]) if params["purge_tags"] else {**current["tags"], **params["tags"]}
    want["custom_attributes"], added = _wanted_custom_attributes(
        module, current["custom_attributes"], params, pool_label
    )
    want["resource_servers"] = _wanted_resource_servers(current["resource_servers"], params)
    return want, added


# ---------------------------------------------------------------------------------------------------------
# API requests from the wanted view.


def _schema_entry(attr):
    entry = {"Name": attr["name"], "AttributeDataType": attr["type"], "Mutable": attr["mutable"]}
    text = {"MinLength": attr["min_length"], "MaxLength": attr["max_length"]}
    number = {"MinValue": attr["min_value"], "MaxValue": attr["max_value"]}
    if any(v is not None for v in text.values()):
        entry["StringAttributeConstraints"] = {k: str(v) for k, v in text.items() if v is not None}
    if any(v is not None for v in number.values()):
        entry["NumberAttributeConstraints"] = {k: str(v) for k, v in number.items() if v is not None}
    return entry


def _settings(want, pool=None):
    """The UpdateUserPool / CreateUserPool settings of ``want``, on top of what ``pool`` already has."""
    pool = pool or {}
    body = {}
    policies = copy.deepcopy(pool.get("Policies") or {})
    password = dict(policies.get("PasswordPolicy") or {})
    password.update(_api(want["password_policy"], _PASSWORD_KEYS))
    if password:
        policies["PasswordPolicy"] = password
    if policies:
        body["Policies"] = policies
    body["DeletionProtection"] = "ACTIVE" if want["deletion_protection"] else "INACTIVE"
    if want["auto_verified_attributes"] or pool.get("AutoVerifiedAttributes"):
        body["AutoVerifiedAttributes"] = want["auto_verified_attributes"]
    if want["attributes_require_verification_before_update"] or pool.get("UserAttributeUpdateSettings"):
        body["UserAttributeUpdateSettings"] = {
            "AttributesRequireVerificationBeforeUpdate": want["attributes_require_verification_before_update"]
        }
    create_cfg = copy.deepcopy(pool.get("AdminCreateUserConfig") or {})
    # Deprecated in favour of PasswordPolicy.TemporaryPasswordValidityDays; Cognito rejects both together.
    create_cfg.pop("UnusedAccountValidityDays", None)
    create_cfg["AllowAdminCreateUserOnly"] = want["admin_create_user_only"]
    invite = dict(create_cfg.get("InviteMessageTemplate") or {})
    invite.update(_api(want["invitation_message"], _INVITE_KEYS))
    if invite:
        create_cfg["InviteMessageTemplate"] = invite
    body["AdminCreateUserConfig"] = create_cfg
    verify = dict(pool.get("VerificationMessageTemplate") or {})
    verify.update(_api(want["verification_message"], _VERIFY_KEYS))
    if verify:
        body["VerificationMessageTemplate"] = verify
    if want["email_configuration"]:
        body["EmailConfiguration"] = _api(want["email_configuration"], _EMAIL_KEYS)
    add_ons = dict(pool.get("UserPoolAddOns") or {})
    add_ons["AdvancedSecurityMode"] = want["advanced_security_mode"]
    body["UserPoolAddOns"] = add_ons
    if want["account_recovery"]:
        body["AccountRecoverySetting"] = {
            "RecoveryMechanisms": [
                {"Priority": i + 1, "Name": n} for i, n in enumerate(want["account_recovery"])
            ]
        }
    if want["user_pool_tier"]:
        body["UserPoolTier"] = want["user_pool_tier"]
    if want["tags"] or pool.get("UserPoolTags"):
        body["UserPoolTags"] = want["tags"]
    return body


def _only(idp, operation, body):
    """``body`` restricted to the members the installed botocore knows for ``operation``."""
    members = idp.meta.service_model.operation_model(operation).input_shape.members
    return {k: v for k, v in body.items() if k in members}


def _update_request(idp, pool, want):
    body = {k: copy.deepcopy(v) for k, v in pool.items() if k not in _LEGACY_MESSAGES}
    body.update(_settings(want, pool))
    if "VerificationMessageTemplate" not in body:  # keep the legacy fields only when they are all there is
        body.update({k: pool[k] for k in _LEGACY_MESSAGES if k in pool})
    if not want["account_recovery"]:
        body.pop("AccountRecoverySetting", None)
    if not want["email_configuration"]:
        body.pop("EmailConfiguration", None)
    body["MfaConfiguration"] = _MFA_TO_API[want["mfa"]]
    body = _only(idp, "UpdateUserPool", body)
    body.pop("PoolName", None)
    body["UserPoolId"] = pool["Id"]
    return body


def _create_request(idp, name, want):
    body = _settings(want)
    body["PoolName"] = name
    if want["username_attributes"]:
        body["UsernameAttributes"] = want["username_attributes"]
    body["UsernameConfiguration"] = {"CaseSensitive": want["username_case_sensitive"]}
    if want["custom_attributes"]:
        body["Schema"] = [_schema_entry(a) for a in want["custom_attributes"]]
    return _only(idp, "CreateUserPool", body)


def _mfa_request(pool_id, want, mfa):
    body = {"UserPoolId": pool_id, "MfaConfiguration": _MFA_TO_API[want["mfa"]]}
    if want["mfa"] != "off":
        body["SoftwareTokenMfaConfiguration"] = {"Enabled": True}
        for key in ("SmsMfaConfiguration", "EmailMfaConfiguration"):
            if mfa.get(key):
                body[key] = mfa[key]
    return body


# ---------------------------------------------------------------------------------------------------------


def _read(module, idp, pool_id):
    pool = cognito.describe_user_pool(module, idp, pool_id)
    if pool is None:
        module.fail_json(msg=f"Cognito user pool {pool_id} vanished while it was being changed")
    mfa = cognito.call(
        module,
        f"read the MFA configuration of user pool {pool_id}",
        idp.get_user_pool_mfa_config,
        UserPoolId=pool_id,
    )
    servers = cognito.paginate(
        module,
        idp,
        "list_resource_servers",
        "ResourceServers",
        f"list the resource servers of user pool {pool_id}",
        UserPoolId=pool_id,
        MaxResults=50,
    )
    return pool, mfa, servers


def _result(module, pool, view):
    if pool is None:
        return {"id": None, "arn": None, "name": module.params["name"], "issuer": None, **view}
    return {
        "id": pool["Id"],
        "arn": pool.get("Arn"),
        "name": pool["Name"],
        "issuer": cognito.issuer(module.region, pool["Id"]),
        "domain": pool.get("Domain"),
        "custom_domain": pool.get("CustomDomain"),
        "estimated_number_of_users": pool.get("EstimatedNumberOfUsers"),
        **view,
    }


def _apply_resource_servers(module, idp, pool_id, current, wanted):
    have = {s["identifier"]: s for s in current}
    want = {s["identifier"]: s for s in wanted}
    for identifier, server in want.items():
        if have.get(identifier) == server:
            continue
        request = {
            "UserPoolId": pool_id,
            "Identifier": identifier,
            "Name": server["name"],
            "Scopes": [
                {"ScopeName": s["name"], "ScopeDescription": s["description"]} for s in server["scopes"]
            ],
        }
        if identifier in have:
            cognito.call(
                module,
                f"update resource server {identifier} of user pool {pool_id}",
                idp.update_resource_server,
                **request,
            )
        else:
            cognito.call(
                module,
                f"create resource server {identifier} in user pool {pool_id}",
                idp.create_resource_server,
                **request,
            )
    for identifier in set(have) - set(want):
        cognito.call(
            module,
            f"delete resource server {identifier} of user pool {pool_id}",
            idp.delete_resource_server,
            UserPoolId=pool_id,
            Identifier=identifier,
        )


def _present(module, idp, summary):
    params = module.params
    name = params["name"]
    if summary is None:
        want, _added = _wanted(module, copy.deepcopy(_EMPTY_VIEW), params, name)
        if module.check_mode:
            return True, _result(module, None, want), {"before": {}, "after": want}
        created = cognito.call(
            module,
            f"create Cognito user pool {name}",
            idp.create_user_pool,
            **_create_request(idp, name, want),
        )["UserPool"]
        pool_id = created["Id"]
        if want["mfa"] != "off":
            cognito.call(
                module,
                f"set the MFA configuration of user pool {name} ({pool_id})",
                idp.set_user_pool_mfa_config,
                **_mfa_request(pool_id, want, {}),
            )
        _apply_resource_servers(module, idp, pool_id, [], want["resource_servers"])
        pool, mfa, servers = _read(module, idp, pool_id)
        return True, _result(module, pool, _view(pool, mfa, servers)), {"before": {}, "after": want}

    pool, mfa, servers = _read(module, idp, summary["Id"])
    label = f"{name} ({pool['Id']})"
    current = _view(pool, mfa, servers)
    want, added = _wanted(module, current, params, label)
    for key in ("username_attributes", "username_case_sensitive"):
        if want[key] != current[key]:
            module.fail_json(
                msg=f"{key} of Cognito user pool {label} is {current[key]!r} and can only be set when a "
                f"pool is created (wanted {want[key]!r}). Keep the current value, or create a new pool and "
                "migrate the users."
            )
    diff = {"before": current, "after": want}
    if want == current:
        return False, _result(module, pool, current), diff
    if module.check_mode:
        return True, _result(module, pool, want), diff

    pool_id = pool["Id"]
    if added:
        cognito.call(
            module,
            f"add custom attributes to user pool {label}",
            idp.add_custom_attributes,
            UserPoolId=pool_id,
            CustomAttributes=[_schema_entry(a) for a in added],
        )
    # MFA first: Cognito accepts MfaConfiguration OPTIONAL/ON in UpdateUserPool only once a factor is enabled.
    if (want["mfa"], want["software_token_mfa"]) != (current["mfa"], current["software_token_mfa"]):
        cognito.call(
            module,
            f"set the MFA configuration of user pool {label}",
            idp.set_user_pool_mfa_config,
            **_mfa_request(pool_id, want, mfa),
        )
    if any(want[k] != current[k] for k in _UPDATE_VIEW_KEYS):
        cognito.call(
            module, f"update user pool {label}", idp.update_user_pool, **_update_request(idp, pool, want)
        )
    if want["resource_servers"] != current["resource_servers"]:
        _apply_resource_servers(module, idp, pool_id, current["resource_servers"], want["resource_servers"])
    pool, mfa, servers = _read(module, idp, pool_id)
    return True, _result(module, pool, _view(pool, mfa, servers)), diff


def _absent(module, idp, summary):
    if summary is None:
        return False, {}, {"before": {}, "after": {}}
    pool, mfa, servers = _read(module, idp, summary["Id"])
    label = f"{pool['Name']} ({pool['Id']})"
    current = _view(pool, mfa, servers)
    diff = {"before": current, "after": {}}
    force = module.params["force"]
    domains = [d for d in (pool.get("Domain"), pool.get("CustomDomain")) if d]
    if current["deletion_protection"] and not force:
        module.fail_json(
            msg=f"Cognito user pool {label} has deletion protection on; it and its users are kept. Set "
            "force=true (the cognito role does so only with destroy_data confirmed) to lift the protection "
            "and delete it."
        )
    if domains and not force:
        module.fail_json(
            msg=f"Cognito user pool {label} still has the domain(s) {', '.join(domains)}; delete them first "
            "(fastish.platform.cognito_user_pool_domain state=absent) or set force=true."
        )
    if module.check_mode:
        return True, {}, diff
    for domain in domains:
        cognito.call(
            module,
            f"delete domain {domain} of user pool {label}",
            idp.delete_user_pool_domain,
            Domain=domain,
            UserPoolId=pool["Id"],
        )
    if current["deletion_protection"]:
        unprotected = dict(current, deletion_protection=False)
        cognito.call(
            module,
            f"lift the deletion protection of user pool {label}",
            idp.update_user_pool,
            **_update_request(idp, pool, unprotected),
        )
    cognito.call(module, f"delete user pool {label}", idp.delete_user_pool, UserPoolId=pool["Id"])
    return True, {}, diff


def main():
    custom_attribute = {
        "name": {"type": "str", "required": True},
        "type": {"type": "str", "choices": ["String", "Number"], "default": "String"},
        "mutable": {"type": "bool", "default": True},
        "min_length": {"type": "int"},
        "max_length": {"type": "int"},
        "min_value": {"type": "int"},
        "max_value": {"type": "int"},
    }
    scope = {"name": {"type": "str", "required": True}, "description": {"type": "str"}}
    resource_server = {
        "identifier": {"type": "str", "required": True},
        "name": {"type": "str", "required": True},
        "scopes": {"type": "list", "elements": "dict", "options": scope, "default": []},
    }
    verified = ["email", "phone_number"]
    module = AnsibleAWSModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "username_attributes": {"type": "list", "elements": "str", "choices": verified},
            "username_case_sensitive": {"type": "bool"},
            "auto_verified_attributes": {"type": "list", "elements": "str", "choices": verified},
            "attributes_require_verification_before_update": {
                "type": "list",
                "elements": "str",
                "choices": verified,
            },
            "password_policy": {
                "type": "dict",
                "no_log": False,
                "options": {
                    "minimum_length": {"type": "int"},
                    "require_uppercase": {"type": "bool"},
                    "require_lowercase": {"type": "bool"},
                    "require_numbers": {"type": "bool"},
                    "require_symbols": {"type": "bool"},
                    "temporary_password_validity_days": {"type": "int"},
                },
            },
            "mfa": {"type": "str", "choices": ["off", "optional", "required"]},
            "advanced_security_mode": {"type": "str", "choices": ["OFF", "AUDIT", "ENFORCED"]},
            "user_pool_tier": {"type": "str", "choices": ["LITE", "ESSENTIALS", "PLUS"]},
            "deletion_protection": {"type": "bool"},
            "custom_attributes": {"type": "list", "elements": "dict", "options": custom_attribute},
            "account_recovery": {
                "type": "list",
                "elements": "str",
                "choices": ["verified_email", "verified_phone_number", "admin_only"],
            },
            "admin_create_user_only": {"type": "bool", "default": True},
            "invitation_message": {
                "type": "dict",
                "options": {k: {"type": "str"} for k in _INVITE_KEYS},
            },
            "verification_message": {
                "type": "dict",
                "options": {
                    **{k: {"type": "str"} for k in _VERIFY_KEYS},
                    "default_email_option": {
                        "type": "str",
                        "choices": ["CONFIRM_WITH_CODE", "CONFIRM_WITH_LINK"],
                    },
                },
            },
            "email_configuration": {
                "type": "dict",
                "options": {
                    **{k: {"type": "str"} for k in _EMAIL_KEYS},
                    "sending_account": {
                        "type": "str",
                        "choices": ["COGNITO_DEFAULT", "DEVELOPER"],
                        "default": "COGNITO_DEFAULT",
                    },
                },
            },
            "resource_servers": {"type": "list", "elements": "dict", "options": resource_server},
            "purge_resource_servers": {"type": "bool", "default": False},
            "tags": {"type": "dict", "aliases": ["resource_tags"]},
            "purge_tags": {"type": "bool", "default": True},
            "force": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    idp = cognito.client(module)
    summary = cognito.find_user_pool(module, idp, module.params["name"])
    if module.params["state"] == "present":
        changed, user_pool, diff = _present(module, idp, summary)
    else:
        changed, user_pool, diff = _absent(module, idp, summary)
    module.exit_json(changed=changed, user_pool=user_pool, diff=diff)


if __name__ == "__main__":
    main()
