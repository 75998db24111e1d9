#!/usr/bin/python
"""Create, update and delete the hosted-UI domain of an Amazon Cognito user pool."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: cognito_user_pool_domain
short_description: Manage the hosted-UI domain of an Amazon Cognito user pool
version_added: "0.1.0"
description:
  - Gives a Cognito user pool its hosted-UI (managed login) domain, either a prefix domain
    C(<prefix>.auth.<region>.amazoncognito.com) or, with O(certificate_arn), a custom domain.
  - Prefix domains are unique per region across all AWS accounts. The module fails, naming the other pool,
    when the domain belongs to another pool.
  - A pool has at most one prefix domain. When it already has another one, that one is replaced.
  - A custom domain's certificate (ACM, in us-east-1) is updated in place. The module compares it only when
    DescribeUserPoolDomain reports C(CustomDomainConfig), as AWS always does for custom domains.
  - amazon.aws and community.aws have no Cognito module.
options:
  domain:
    description:
      - The domain prefix (C(acme-web-portal-auth)), or the fully qualified custom domain with
        O(certificate_arn).
    type: str
    required: true
  certificate_arn:
    description: ACM certificate (us-east-1) of a custom domain. Not set, O(domain) is a prefix domain.
    type: str
  state:
    description: Whether the domain exists.
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
- name: Hosted-UI prefix domain
  fastish.platform.cognito_user_pool_domain:
    user_pool_id: "{{ pool.user_pool.id }}"
    domain: acme-web-portal-auth
  register: domain

- name: Custom domain
  fastish.platform.cognito_user_pool_domain:
    user_pool_id: "{{ pool.user_pool.id }}"
    domain: auth.portal.acme.example
    certificate_arn: arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab
"""

RETURN = r"""
domain:
  description: The domain after the change (what it would be in check mode); empty after a deletion.
  returned: always
  type: dict
  contains:
    domain: {description: The prefix or custom domain., type: str, sample: acme-web-portal-auth}
    user_pool_id: {description: Pool id., type: str}
    custom: {description: Whether it is a custom domain., type: bool}
    fqdn:
      description: Host name of the hosted UI.
      type: str
      sample: acme-web-portal-auth.auth.us-east-1.amazoncognito.com
    url: {description: Base URL of the hosted UI., type: str, sample: "https://acme-web-portal-auth.auth.us-east-1.amazoncognito.com"}
    cloudfront_distribution: {description: CloudFront host a custom domain's DNS record points at., type: str}
    certificate_arn: {description: Certificate of a custom domain., type: str}
    status: {description: Status (CREATING, ACTIVE, ...)., type: str}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.fastish.platform.plugins.module_utils import cognito


def _fqdn(module, domain, custom):
    if custom:
        return domain
    suffix = "amazoncognito.cn" if module.region.startswith("cn-") else "amazoncognito.com"
    return f"{domain}.auth.{module.region}.{suffix}"


def _describe(module, idp, domain):
    found = (
        cognito.call(
            module, f"describe Cognito domain {domain}", idp.describe_user_pool_domain, Domain=domain
        ).get("DomainDescription")
        or {}
    )
    return found if found.get("UserPoolId") else None


def _result(module, domain, pool_id, description, certificate_arn):
    custom = bool(certificate_arn) or bool((description or {}).get("CustomDomainConfig"))
    config = (description or {}).get("CustomDomainConfig") or {}
    fqdn = _fqdn(module, domain, custom)
    return {
        "domain": domain,
        "user_pool_id": pool_id,
        "custom": custom,
        "fqdn": fqdn,
        "url": f"https://{fqdn}",
        "cloudfront_distribution": (description or {}).get("CloudFrontDistribution"),
        "certificate_arn": config.get("CertificateArn") or certificate_arn,
        "status": (description or {}).get("Status"),
    }


def main():
    module = AnsibleAWSModule(
        argument_spec={
            **cognito.USER_POOL_ARG_SPEC,
            "domain": {"type": "str", "required": True},
            "certificate_arn": {"type": "str"},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        },
        supports_check_mode=True,
        **cognito.USER_POOL_ARG_RULES,
    )
    params = module.params
    domain = params["domain"]
    cert = params["certificate_arn"]
    idp = cognito.client(module)
    pool = cognito.resolve_user_pool(module, idp)
    pool_id = pool["Id"] if pool else params["user_pool_id"]
    label = cognito.pool_label(module, pool)
    if pool is None and params["state"] == "absent":
        module.exit_json(changed=False, domain={}, diff={"before": {}, "after": {}})
    found = _describe(module, idp, domain)
    if found and found["UserPoolId"] != pool_id:
        module.fail_json(
            msg=f"Cognito domain {domain} belongs to another user pool ({found['UserPoolId']}), not to "
            f"{label}. Prefix domains are unique across AWS accounts per region: choose another domain."
        )
    before = {"domain": domain, "user_pool_id": pool_id} if found else {}

    if params["state"] == "absent":
        if not found:
            module.exit_json(changed=False, domain={}, diff={"before": {}, "after": {}})
        if not module.check_mode:
            cognito.call(
                module,
                f"delete domain {domain} of user pool {label}",
                idp.delete_user_pool_domain,
                Domain=domain,
                UserPoolId=pool_id,
            )
        module.exit_json(changed=True, domain={}, diff={"before": before, "after": {}})

    after = {"domain": domain, "user_pool_id": pool_id}
    if cert:
        after["certificate_arn"] = cert
    if found:
        reported = (found.get("CustomDomainConfig") or {}).get("CertificateArn")
        if reported:
            before["certificate_arn"] = reported
        if not cert or not reported or reported == cert:
            module.exit_json(
                changed=False,
                domain=_result(module, domain, pool_id, found, cert),
                diff={"before": before, "after": before},
            )
        if not module.check_mode:
            cognito.call(
                module,
                f"update the certificate of domain {domain} of user pool {label}",
                idp.update_user_pool_domain,
                Domain=domain,
                UserPoolId=pool_id,
                CustomDomainConfig={"CertificateArn": cert},
            )
            found = _describe(module, idp, domain)
        module.exit_json(
            changed=True,
            domain=_result(module, domain, pool_id, found, cert),
            diff={"before": before, "after": after},
        )

    # A pool has one prefix domain (and one custom domain): replace the other one.
    replaced = None
    if pool:
        replaced = pool.get("CustomDomain") if cert else pool.get("Domain")
        if replaced == domain:
            replaced = None
    if replaced:
        before = {"domain": replaced, "user_pool_id": pool_id}
    if not module.check_mode:
        if replaced:
            cognito.call(
                module,
                f"delete the previous domain {replaced} of user pool {label}",
                idp.delete_user_pool_domain,
                Domain=replaced,
                UserPoolId=pool_id,
            )
        request = {"Domain": domain, "UserPoolId": pool_id}
        if cert:
            request["CustomDomainConfig"] = {"CertificateArn": cert}
        cognito.call(
            module, f"create domain {domain} for user pool {label}", idp.create_user_pool_domain, **request
        )
        found = _describe(module, idp, domain)
    module.exit_json(
        changed=True,
        domain=_result(module, domain, pool_id, found, cert),
        diff={"before": before, "after": after},
    )


if __name__ == "__main__":
    main()
