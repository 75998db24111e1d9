#!/usr/bin/python
"""An SES domain identity with Easy DKIM and an optional custom MAIL FROM domain; returns its DNS records."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ses_domain_dkim
short_description: SES domain identity with Easy DKIM, and the DNS records it needs
version_added: "0.1.0"
description:
  - Makes a domain an Amazon SES identity (SES API v1) with Easy DKIM, and returns the DNS records that
    prove and use it. community.aws.ses_identity has no DKIM support (and sleeps ten seconds whenever
    the identity does not exist yet).
  - Present, step by step, each only when needed. VerifyDomainIdentity when the domain is not an identity
    yet (its verification token is read back with GetIdentityVerificationAttributes). VerifyDomainDkim when
    the identity has no DKIM tokens yet; SetIdentityDkimEnabled when it has tokens but signing was turned
    off. SetIdentityMailFromDomain when O(mail_from_domain) differs.
  - Absent deletes the domain identity; its DKIM and MAIL FROM settings go with it.
  - The module creates no DNS records (SES cannot verify the domain before they exist); RV(records) lists
    them for M(amazon.aws.route53) or any other DNS service.
  - In check mode on a domain that is not an identity yet (or has no DKIM yet) the tokens SES would issue are
    unknown; RV(dkim_tokens) is then empty and RV(records) lists only what is already known.
options:
  domain:
    description: The domain (lowercase; trailing dot not allowed).
    type: str
    required: true
  state:
    description: Whether the domain is an SES identity with Easy DKIM.
    type: str
    choices: [present, absent]
    default: present
  mail_from_domain:
    description:
      - Custom MAIL FROM domain, a subdomain of O(domain) that is used for nothing else. An empty string
        returns to SES's default MAIL FROM domain (C(amazonses.com)). Left out, the setting is not touched.
    type: str
  behavior_on_mx_failure:
    description: What SES does when the MX record of O(mail_from_domain) is missing.
    type: str
    choices: [UseDefaultValue, RejectMessage]
    default: UseDefaultValue
author:
  - fastish maintainers
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Domain identity with Easy DKIM and a custom MAIL FROM domain
  fastish.platform.ses_domain_dkim:
    domain: portal.acme.example
    mail_from_domain: mail.portal.acme.example
  register: ses_domain

- name: Publish the DKIM records
  amazon.aws.route53:
    hosted_zone_id: Z0123456789ABCDEFGHIJ
    record: "{{ item.name }}"
    type: "{{ item.type }}"
    value: "{{ item.value }}"
    ttl: 1800
    state: present
    region: "{{ omit }}"  # module_defaults' region would mean latency routing to route53
  environment:
    AWS_DEFAULT_REGION: us-east-1
  loop: "{{ ses_domain.records | selectattr('purpose', 'eq', 'dkim') }}"

- name: Delete the identity
  fastish.platform.ses_domain_dkim:
    domain: portal.acme.example
    state: absent
"""

RETURN = r"""
identity:
  description: The domain.
  returned: always
  type: str
  sample: portal.acme.example
identity_arn:
  description: ARN of the identity.
  returned: always
  type: str
  sample: arn:aws:ses:us-east-1:123456789012:identity/portal.acme.example
exists:
  description: Whether the identity exists after the run (in check mode, would exist).
  returned: always
  type: bool
verification_status:
  description: Verification status (Pending, Success, Failed, TemporaryFailure, NotStarted); null when absent.
  returned: always
  type: str
  sample: Pending
verification_token:
  description: Token of the C(_amazonses) TXT record; null when unknown (check mode) or absent.
  returned: always
  type: str
dkim_enabled:
  description: Whether SES signs mail from the domain with Easy DKIM.
  returned: always
  type: bool
dkim_verification_status:
  description: DKIM status (Pending, Success, Failed, TemporaryFailure, NotStarted); null when absent.
  returned: always
  type: str
dkim_tokens:
  description: The three Easy DKIM tokens; empty when unknown (check mode) or absent.
  returned: always
  type: list
  elements: str
mail_from_domain:
  description: The custom MAIL FROM domain; an empty string for SES's default.
  returned: always
  type: str
  sample: mail.portal.acme.example
mail_from_domain_status:
  description: Status of the MAIL FROM domain (Pending, Success, Failed, TemporaryFailure); null without one.
  returned: always
  type: str
behavior_on_mx_failure:
  description: What SES does when the MAIL FROM domain's MX record is missing.
  returned: always
  type: str
  sample: UseDefaultValue
records:
  description:
    - DNS records the identity needs, in Route 53 form (TXT values quoted, MX values with their priority).
    - C(purpose) is C(dkim) (three CNAMEs), C(verification) (the C(_amazonses) TXT), C(mail_from_mx) and
      C(mail_from_spf) (only with a custom MAIL FROM domain). Empty when absent.
  returned: always
  type: list
  elements: dict
  sample:
    - {purpose: dkim, name: abc._domainkey.portal.acme.example, type: CNAME, value: abc.dkim.amazonses.com}
    - {purpose: verification, name: _amazonses.portal.acme.example, type: TXT, value: '"token="'}
    - purpose: mail_from_mx
      name: mail.portal.acme.example
      type: MX
      value: 10 feedback-smtp.us-east-1.amazonses.com
    - purpose: mail_from_spf
      name: mail.portal.acme.example
      type: TXT
      value: '"v=spf1 include:amazonses.com ~all"'
changes:
  description: What was (in check mode, would be) done.
  returned: always
  type: list
  elements: str
  sample: [identity created, dkim started, mail_from_domain]
"""

import contextlib
import re

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.iam import get_aws_account_info
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$")
_DEFAULT_BEHAVIOR = "UseDefaultValue"


def records(domain, region, token, dkim_tokens, mail_from_domain):
    """The DNS records of an identity, in Route 53 form."""
    result = [
        {
            "purpose": "dkim",
            "name": f"{t}._domainkey.{domain}",
            "type": "CNAME",
            "value": f"{t}.dkim.amazonses.com",
        }
        for t in dkim_tokens
    ]
    if token:
        result.append(
            {"purpose": "verification", "name": f"_amazonses.{domain}", "type": "TXT", "value": f'"{token}"'}
        )
    if mail_from_domain:
        result.append(
            {
                "purpose": "mail_from_mx",
                "name": mail_from_domain,
                "type": "MX",
                "value": f"10 feedback-smtp.{region}.amazonses.com",
            }
        )
        result.append(
            {
                "purpose": "mail_from_spf",
                "name": mail_from_domain,
                "type": "TXT",
                "value": '"v=spf1 include:amazonses.com ~all"',
            }
        )
    return result


class DomainIdentity:
    def __init__(self, module):
        self.module = module
        self.domain = module.params["domain"]
        self.ses = module.client("ses", retry_decorator=AWSRetry.jittered_backoff())
        self.changes = []

    def call(self, what, method, **kwargs):
        try:
            return getattr(self.ses, method)(aws_retry=True, **kwargs)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            self.module.fail_json_aws(e, msg=f"Could not {what} of SES domain identity {self.domain}")

    def verification(self):
        found = self.call(
            "read the verification attributes",
            "get_identity_verification_attributes",
            Identities=[self.domain],
        )
        return found["VerificationAttributes"].get(self.domain)

    def dkim(self):
        found = self.call(
            "read the DKIM attributes", "get_identity_dkim_attributes", Identities=[self.domain]
        )
        return found["DkimAttributes"].get(self.domain) or {}

    def mail_from(self):
        found = self.call(
            "read the MAIL FROM attributes",
            "get_identity_mail_from_domain_attributes",
            Identities=[self.domain],
        )
        return found["MailFromDomainAttributes"].get(self.domain) or {}

    def read(self):
        """The identity's state, or None when the domain is not an identity."""
        verification = self.verification()
        if verification is None:
            return None
        dkim = self.dkim()
        mail_from = self.mail_from()
        return {
            "verification_status": verification.get("VerificationStatus"),
            "verification_token": verification.get("VerificationToken"),
            "dkim_enabled": bool(dkim.get("DkimEnabled", False)),
            "dkim_verification_status": dkim.get("DkimVerificationStatus"),
            "dkim_tokens": list(dkim.get("DkimTokens") or []),
            "mail_from_domain": mail_from.get("MailFromDomain", ""),
            "mail_from_domain_status": mail_from.get("MailFromDomainStatus"),
            "behavior_on_mx_failure": mail_from.get("BehaviorOnMXFailure", _DEFAULT_BEHAVIOR),
        }

    def create(self):
        self.changes.append("identity created")
        state = {
            "verification_status": "Pending",
            "verification_token": None,
            "dkim_enabled": False,
            "dkim_verification_status": "NotStarted",
            "dkim_tokens": [],
            "mail_from_domain": "",
            "mail_from_domain_status": None,
            "behavior_on_mx_failure": _DEFAULT_BEHAVIOR,
        }
        if self.module.check_mode:
            return state
        token = self.call("create", "verify_domain_identity", Domain=self.domain)["VerificationToken"]
        # Read it back: that is where later runs get the token from (AWS may take a moment to list it).
        verification = self.verification() or {}
        state["verification_status"] = verification.get("VerificationStatus", "Pending")
        state["verification_token"] = verification.get("VerificationToken") or token
        return state

    def converge_dkim(self, state):
        if not state["dkim_tokens"]:
            self.changes.append("dkim started")
            state.update(dkim_enabled=True, dkim_verification_status="Pending")
            if not self.module.check_mode:
                tokens = self.call("start Easy DKIM", "verify_domain_dkim", Domain=self.domain)["DkimTokens"]
                dkim = self.dkim()
                state["dkim_tokens"] = list(dkim.get("DkimTokens") or tokens)
                state["dkim_enabled"] = bool(dkim.get("DkimEnabled", True))
                state["dkim_verification_status"] = dkim.get("DkimVerificationStatus", "Pending")
        if not state["dkim_enabled"]:
            self.changes.append("dkim enabled")
            state["dkim_enabled"] = True
            if not self.module.check_mode:
                self.call(
                    "turn DKIM signing on",
                    "set_identity_dkim_enabled",
                    Identity=self.domain,
                    DkimEnabled=True,
                )

    def converge_mail_from(self, state):
        wanted = self.module.params["mail_from_domain"]
        if wanted is None:
            return
        behavior = self.module.params["behavior_on_mx_failure"]
        if wanted == state["mail_from_domain"] and (
            not wanted or behavior == state["behavior_on_mx_failure"]
        ):
            return
        self.changes.append("mail_from_domain")
        if not self.module.check_mode:
            kwargs = {"MailFromDomain": wanted, "BehaviorOnMXFailure": behavior} if wanted else {}
            self.call(
                "set the MAIL FROM domain", "set_identity_mail_from_domain", Identity=self.domain, **kwargs
            )
        state["mail_from_domain"] = wanted
        state["behavior_on_mx_failure"] = behavior if wanted else _DEFAULT_BEHAVIOR
        state["mail_from_domain_status"] = "Pending" if wanted else None

    def delete(self):
        self.changes.append("identity deleted")
        if not self.module.check_mode:
            self.call("delete", "delete_identity", Identity=self.domain)


def _validate(module):
    domain = module.params["domain"]
    if not _DOMAIN.match(domain):
        module.fail_json(msg=f"domain must be a lowercase DNS name without a trailing dot, got {domain!r}")
    mail_from = module.params["mail_from_domain"]
    if mail_from and (not _DOMAIN.match(mail_from) or not mail_from.endswith("." + domain)):
        module.fail_json(msg=f"mail_from_domain must be a subdomain of {domain}, got {mail_from!r}")


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "domain": {"type": "str", "required": True},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "mail_from_domain": {"type": "str"},
            "behavior_on_mx_failure": {
                "type": "str",
                "choices": ["UseDefaultValue", "RejectMessage"],
                "default": _DEFAULT_BEHAVIOR,
            },
        },
        supports_check_mode=True,
    )
    _validate(module)
    identity = DomainIdentity(module)
    before = identity.read()
    if module.params["state"] == "absent":
        after = None
        if before is not None:
            identity.delete()
    else:
        after = dict(before) if before is not None else identity.create()
        identity.converge_dkim(after)
        identity.converge_mail_from(after)

    account, partition = get_aws_account_info(module)
    state = after or {
        "verification_status": None,
        "verification_token": None,
        "dkim_enabled": False,
        "dkim_verification_status": None,
        "dkim_tokens": [],
        "mail_from_domain": "",
        "mail_from_domain_status": None,
        "behavior_on_mx_failure": _DEFAULT_BEHAVIOR,
    }
    domain = module.params["domain"]

    def summary(value):
        if value is None:
            return {"exists": False}
        keys = ("dkim_enabled", "dkim_tokens", "mail_from_domain", "behavior_on_mx_failure")
        return {"exists": True, **{k: value[k] for k in keys}}

    module.exit_json(
        changed=bool(identity.changes),
        identity=domain,
        identity_arn=f"arn:{partition}:ses:{module.region}:{account}:identity/{domain}",
        exists=after is not None,
        records=records(
            domain,
            module.region,
            state["verification_token"],
            state["dkim_tokens"],
            state["mail_from_domain"],
        )
        if after is not None
        else [],
        changes=identity.changes,
        diff={"before": summary(before), "after": summary(after)},
        **state,
    )


if __name__ == "__main__":
    main()
