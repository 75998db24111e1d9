#!/usr/bin/python
"""Request (or find) an ACM public certificate validated through DNS."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: acm_certificate_request
short_description: Request an ACM public certificate validated through DNS
version_added: "0.1.0"
description:
  - Requests an AWS Certificate Manager (ACM) public certificate for a domain name and its alternative
    names, validated through DNS, and returns the DNS records that validate it. community.aws.acm_certificate
    can only import certificates.
  - Idempotent. A certificate is the same when its domain name and its set of names (domain name plus
    alternative names) are equal and it is pending validation or issued; among several, one whose tags
    include O(tags) wins, then the newest. The module never requests a second certificate for the same
    names.
  - The key algorithm only applies when the certificate is requested; an existing certificate of another
    algorithm is kept (ACM cannot change it).
  - A certificate used by CloudFront must be in C(us-east-1); pass O(region) for it.
options:
  domain_name:
    description: The certificate's main domain name (e.g. C(portal.acme.example)).
    type: str
    required: true
  subject_alternative_names:
    description: Other names of the certificate. The domain name is added to the set when missing.
    type: list
    elements: str
    default: []
  validation_method:
    description: How ACM validates the names. Only DNS is supported.
    type: str
    choices: [DNS]
    default: DNS
  key_algorithm:
    description: Key algorithm of a newly requested certificate.
    type: str
    choices: [RSA_2048, EC_prime256v1, EC_secp384r1]
    default: RSA_2048
  wait:
    description:
      - Wait until the certificate is C(ISSUED) (its validation records must be in DNS by then).
      - Fails at once when ACM reports the certificate C(FAILED), C(VALIDATION_TIMED_OUT) or C(REVOKED).
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait for O(wait) (and, after a request, for ACM to publish the validation records).
    type: int
    default: 900
  state:
    description:
      - C(present) requests the certificate when none exists. C(absent) deletes the matching certificates;
        a certificate still in use (by CloudFront, API Gateway, a load balancer) is not deleted and the module
        fails naming its users.
    type: str
    choices: [present, absent]
    default: present
author:
  - fastish maintainers
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Certificate for CloudFront (us-east-1) for the apex and www
  fastish.platform.acm_certificate_request:
    region: us-east-1
    domain_name: portal.acme.example
    subject_alternative_names: [www.portal.acme.example]
    tags:
      fastish:release: portal
  register: cert

- name: Its validation records
  amazon.aws.route53:
    zone: portal.acme.example
    record: "{{ item.name }}"
    type: "{{ item.type }}"
    value: "{{ item.value }}"
    ttl: 300
    overwrite: true
    state: present
  loop: "{{ cert.validation_records }}"

- name: Wait until ACM issued it
  fastish.platform.acm_certificate_request:
    region: us-east-1
    domain_name: portal.acme.example
    subject_alternative_names: [www.portal.acme.example]
    tags:
      fastish:release: portal
    wait: true

- name: Delete it
  fastish.platform.acm_certificate_request:
    region: us-east-1
    domain_name: portal.acme.example
    subject_alternative_names: [www.portal.acme.example]
    state: absent
"""

RETURN = r"""
certificate:
  description:
    - The certificate after the run; empty when absent.
    - In check mode, before a request, C(arn) is null.
  returned: always
  type: dict
  contains:
    arn:
      description: ARN of the certificate.
      type: str
      sample: "arn:aws:acm:us-east-1:123456789012:certificate/0d3f..."
    domain_name: {description: Main domain name., type: str, sample: portal.acme.example}
    subject_alternative_names: {description: All names of the certificate, sorted., type: list, elements: str}
    status: {description: ACM status (C(PENDING_VALIDATION), C(ISSUED), ...)., type: str, sample: ISSUED}
    key_algorithm: {description: Key algorithm., type: str, sample: RSA_2048}
    in_use_by: {description: ARNs of the resources using it., type: list, elements: str}
    tags: {description: Tags., type: dict}
validation_records:
  description: The DNS records that validate the certificate, one per distinct record, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    name: {description: Record name (fully qualified, with the trailing dot)., type: str}
    type: {description: Record type., type: str, sample: CNAME}
    value: {description: Record value., type: str}
changes:
  description: What was (in check mode, would be) done.
  returned: always
  type: list
  elements: str
  sample: [request, tags]
"""

import contextlib
import time
import uuid

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)

KEY_TYPES = ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"]
LIVE = ("PENDING_VALIDATION", "ISSUED")
BAD = ("FAILED", "VALIDATION_TIMED_OUT", "REVOKED")
ERRORS = (
    (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) if "botocore" in globals() else ()
)


def names_of(domain, alternatives):
    return sorted({domain.lower(), *(n.lower() for n in alternatives)})


def validation_records(certificate):
    records = {}
    for option in certificate.get("DomainValidationOptions") or []:
        record = option.get("ResourceRecord")
        if record:
            records[(record["Name"], record["Type"])] = record["Value"]
    return [{"name": n, "type": t, "value": v} for (n, t), v in sorted(records.items())]


def records_complete(certificate):
    options = certificate.get("DomainValidationOptions") or []
    return bool(options) and all(o.get("ResourceRecord") for o in options)


class Certificates:
    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.acm = module.client("acm", retry_decorator=AWSRetry.jittered_backoff())
        self.names = names_of(self.params["domain_name"], self.params["subject_alternative_names"])
        self.changes = []

    def fail(self, e, what):
        self.module.fail_json_aws(e, msg=f"Could not {what} ACM certificate for {self.params['domain_name']}")

    def describe(self, arn):
        try:
            return self.acm.describe_certificate(aws_retry=True, CertificateArn=arn)["Certificate"]
        except is_boto3_error_code("ResourceNotFoundException"):
            return None
        except ERRORS as e:  # pylint: disable=duplicate-except
            self.fail(e, "describe the")

    def tags(self, arn):
        try:
            return boto3_tag_list_to_ansible_dict(
                self.acm.list_tags_for_certificate(aws_retry=True, CertificateArn=arn).get("Tags", [])
            )
        except ERRORS as e:
            self.fail(e, "read the tags of the")

    def matching(self):
        """The certificates for exactly these names (pending or issued), best first."""
        try:
            paginator = self.acm.get_paginator("list_certificates")
            summaries = [
                s
                for page in paginator.paginate(
                    CertificateStatuses=list(LIVE), Includes={"keyTypes": KEY_TYPES}
                )
                for s in page["CertificateSummaryList"]
            ]
        except ERRORS as e:
            self.fail(e, "list the")
        found = []
        for summary in summaries:
            if summary.get("DomainName", "").lower() != self.params["domain_name"].lower():
                continue
            certificate = self.describe(summary["CertificateArn"])
            if not certificate or certificate.get("Status") not in LIVE:
                continue
            if certificate.get("Type", "AMAZON_ISSUED") != "AMAZON_ISSUED":
                continue
            have = names_of(certificate["DomainName"], certificate.get("SubjectAlternativeNames") or [])
            if have != self.names:
                continue
            certificate["Tags"] = self.tags(certificate["CertificateArn"])
            found.append(certificate)
        wanted = self.params["tags"] or {}

        def rank(certificate):
            tagged = all(certificate["Tags"].get(k) == v for k, v in wanted.items())
            return (tagged, certificate.get("Status") == "ISSUED", str(certificate.get("CreatedAt", "")))

        return sorted(found, key=rank, reverse=True)

    def request(self):
        self.changes.append("request")
        if self.module.check_mode:
            return None
        # One token per request, so botocore's retries of this call stay one certificate. Not derived
        # from the names: ACM honours a token for an hour, and would answer a request made soon after
        # the certificate was deleted (a destroy and converge) with the deleted certificate's ARN.
        token = uuid.uuid4().hex
        kwargs = {
            "DomainName": self.params["domain_name"],
            "ValidationMethod": self.params["validation_method"],
            "KeyAlgorithm": self.params["key_algorithm"],
            "IdempotencyToken": token,
        }
        alternatives = [n for n in self.names if n != self.params["domain_name"].lower()]
        if alternatives:
            kwargs["SubjectAlternativeNames"] = [self.params["domain_name"], *alternatives]
        if self.params["tags"]:
            kwargs["Tags"] = ansible_dict_to_boto3_tag_list(self.params["tags"])
        try:
            arn = self.acm.request_certificate(aws_retry=True, **kwargs)["CertificateArn"]
        except ERRORS as e:
            self.fail(e, "request the")
        return arn

    def converge_tags(self, certificate):
        if self.params["tags"] is None:
            return
        to_set, to_remove = compare_aws_tags(
            certificate["Tags"], self.params["tags"], self.params["purge_tags"]
        )
        if not to_set and not to_remove:
            return
        self.changes.append("tags")
        if not self.module.check_mode:
            arn = certificate["CertificateArn"]
            try:
                if to_remove:
                    self.acm.remove_tags_from_certificate(
                        aws_retry=True,
                        CertificateArn=arn,
                        Tags=[{"Key": k, "Value": certificate["Tags"][k]} for k in to_remove],
                    )
                if to_set:
                    self.acm.add_tags_to_certificate(
                        aws_retry=True, CertificateArn=arn, Tags=ansible_dict_to_boto3_tag_list(to_set)
                    )
            except ERRORS as e:
                self.fail(e, "tag the")
        kept = {k: v for k, v in certificate["Tags"].items() if k not in to_remove}
        certificate["Tags"] = {**kept, **to_set}

    def wait_for(self, arn, done):
        """Describe ``arn`` until ``done(certificate)``; fail on a bad status or after wait_timeout."""
        deadline = time.monotonic() + self.params["wait_timeout"]
        delay = 1
        while True:
            certificate = self.describe(arn)
            if certificate is None:
                self.module.fail_json(msg=f"ACM certificate {arn} vanished while waiting")
            if certificate.get("Status") in BAD:
                self.module.fail_json(
                    msg=f"ACM certificate {arn} for {self.params['domain_name']} is {certificate['Status']}: "
                    f"{certificate.get('FailureReason', 'no reason given')}",
                    certificate=self.result(certificate),
                )
            if done(certificate):
                return certificate
            if time.monotonic() > deadline:
                self.module.fail_json(
                    msg=f"Timed out after {self.params['wait_timeout']} s waiting for ACM certificate {arn} "
                    f"for {self.params['domain_name']} (status {certificate.get('Status')}); "
                    "are its validation records in DNS?",
                    certificate=self.result(certificate),
                    validation_records=validation_records(certificate),
                )
            time.sleep(delay)
            delay = min(delay * 2, 15)

    def result(self, certificate):
        if not certificate:
            return {}
        return {
            "arn": certificate.get("CertificateArn"),
            "domain_name": certificate.get("DomainName", self.params["domain_name"]),
            "subject_alternative_names": names_of(
                certificate.get("DomainName", self.params["domain_name"]),
                certificate.get("SubjectAlternativeNames") or [],
            ),
            "status": certificate.get("Status"),
            "key_algorithm": certificate.get("KeyAlgorithm"),
            "in_use_by": sorted(certificate.get("InUseBy") or []),
            "tags": certificate.get("Tags") or {},
        }

    def present(self):
        found = self.matching()
        before = self.result(found[0]) if found else {}
        if found:
            certificate = found[0]
        else:
            arn = self.request()
            if arn is None:  # check mode
                return (
                    before,
                    {
                        "arn": None,
                        "domain_name": self.params["domain_name"],
                        "subject_alternative_names": self.names,
                        "status": "PENDING_VALIDATION",
                        "key_algorithm": self.params["key_algorithm"],
                        "in_use_by": [],
                        "tags": self.params["tags"] or {},
                    },
                    [],
                )
            certificate = self.wait_for(arn, records_complete)
            certificate["Tags"] = self.tags(arn)
        self.converge_tags(certificate)
        if self.params["wait"] and certificate.get("Status") != "ISSUED" and not self.module.check_mode:
            tags = certificate["Tags"]
            certificate = self.wait_for(certificate["CertificateArn"], lambda c: c.get("Status") == "ISSUED")
            certificate["Tags"] = tags
        return before, self.result(certificate), validation_records(certificate)

    def absent(self):
        found = self.matching()
        for certificate in found:
            self.changes.append(f"delete {certificate['CertificateArn']}")
            if certificate.get("InUseBy"):
                self.module.fail_json(
                    msg=f"ACM certificate {certificate['CertificateArn']} for {self.params['domain_name']} "
                    f"is in use by {', '.join(certificate['InUseBy'])}; remove it from those first",
                    certificate=self.result(certificate),
                )
            if self.module.check_mode:
                continue
            try:
                self.acm.delete_certificate(aws_retry=True, CertificateArn=certificate["CertificateArn"])
            except is_boto3_error_code("ResourceNotFoundException"):
                pass
            except is_boto3_error_code("ResourceInUseException") as e:  # pylint: disable=duplicate-except
                self.module.fail_json_aws(
                    e,
                    msg=f"ACM certificate {certificate['CertificateArn']} for {self.params['domain_name']} "
                    "is in use; remove it from its users first",
                )
            except ERRORS as e:  # pylint: disable=duplicate-except
                self.fail(e, "delete the")
        return found[0] if found else None


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "domain_name": {"type": "str", "required": True},
            "subject_alternative_names": {"type": "list", "elements": "str", "default": []},
            "validation_method": {"type": "str", "choices": ["DNS"], "default": "DNS"},
            "key_algorithm": {
                "type": "str",
                "choices": ["RSA_2048", "EC_prime256v1", "EC_secp384r1"],
                "default": "RSA_2048",
            },
            "wait": {"type": "bool", "default": False},
            "wait_timeout": {"type": "int", "default": 900},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "tags": {"type": "dict", "aliases": ["resource_tags"]},
            "purge_tags": {"type": "bool", "default": True},
        },
        supports_check_mode=True,
    )
    manager = Certificates(module)
    if module.params["state"] == "absent":
        before = manager.absent()
        module.exit_json(
            changed=bool(manager.changes),
            certificate={},
            validation_records=[],
            changes=manager.changes,
            diff={"before": manager.result(before), "after": {}},
        )
    before, after, records = manager.present()
    module.exit_json(
        changed=bool(manager.changes),
        certificate=after,
        validation_records=records,
        changes=manager.changes,
        diff={"before": before, "after": after},
    )


if __name__ == "__main__":
    main()
