#!/usr/bin/python
"""A CloudFront distribution in front of one S3 origin reached through an origin access control."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: cloudfront_distribution
short_description: CloudFront distribution for a static site in an S3 bucket (origin access control)
version_added: "0.1.0"
description:
  - Creates, updates or deletes a CloudFront distribution with one S3 origin signed by an origin access
    control (OAC), one default cache behaviour using a cache policy (and optionally a response headers
    policy), HTTPS only for viewers, an ACM certificate with aliases, custom error responses, price class,
    HTTP/2+3, IPv6 and optional access logging. community.aws.cloudfront_distribution knows no OAC.
  - The distribution is identified by O(name), used as its C(CallerReference) and its C(Comment).
  - Idempotent. The module builds the whole desired configuration and compares it with the current one
    field by field; only settings it manages count (defaults CloudFront adds are ignored). On a difference
    it updates the distribution with the current configuration whose managed fields are replaced.
  - C(absent) disables the distribution, waits until CloudFront has deployed that (up to O(wait_timeout)),
    then deletes it.
options:
  name:
    description: Identity of the distribution (its caller reference and comment); unique in the account.
    type: str
    required: true
  origin_domain_name:
    description: Regional domain name of the S3 bucket (C(<bucket>.s3.<region>.amazonaws.com)).
    type: str
  origin_access_control_id:
    description: Id of the origin access control signing requests to the bucket.
    type: str
  origin_path:
    description: Path prefix inside the bucket (C("") or starting with C(/)).
    type: str
    default: ""
  aliases:
    description: Alternate domain names (CNAMEs) the distribution answers for; they need O(certificate_arn).
    type: list
    elements: str
    default: []
  certificate_arn:
    description:
      - ARN of an ACM certificate in us-east-1 covering O(aliases).
      - Left out, the CloudFront default certificate.
    type: str
  minimum_protocol_version:
    description: Lowest TLS version viewers may use (only with O(certificate_arn)).
    type: str
    default: TLSv1.2_2021
    choices: [TLSv1.2_2018, TLSv1.2_2019, TLSv1.2_2021, TLSv1.3_2025]
  default_root_object:
    description: Object returned for the root URL.
    type: str
    default: index.html
  cache_policy_id:
    description: Cache policy of the default behaviour (default the AWS managed C(CachingOptimized)).
    type: str
    default: 658327ea-f89d-4fab-a63d-7e88639e58f6
  response_headers_policy_id:
    description:
      - Response headers policy of the default behaviour.
      - E.g. the AWS managed C(SecurityHeadersPolicy), C(67f7725c-6f97-4210-82d7-5512b31e9d03).
    type: str
  viewer_protocol_policy:
    description: What viewers may use.
    type: str
    choices: [redirect-to-https, https-only, allow-all]
    default: redirect-to-https
  compress:
    description: Compress objects automatically.
    type: bool
    default: true
  custom_error_responses:
    description: Error responses, e.g. 403 and 404 answered with C(/index.html) and 200 for a single-page app.
    type: list
    elements: dict
    default: []
    suboptions:
      error_code: {description: HTTP error code from the origin., type: int, required: true}
      response_code: {description: Code returned (C("") keeps the error)., type: str, default: ""}
      response_page_path: {description: Page returned instead (starts with C(/))., type: str, default: ""}
      error_caching_min_ttl: {description: Seconds CloudFront caches the error., type: int, default: 10}
  price_class:
    description: Price class.
    type: str
    choices: [PriceClass_100, PriceClass_200, PriceClass_All]
    default: PriceClass_100
  http_version:
    description: Highest HTTP version viewers may use.
    type: str
    choices: [http1.1, http2, http3, http2and3]
    default: http2and3
  ipv6_enabled:
    description: Answer over IPv6 as well.
    type: bool
    default: true
  enabled:
    description: Whether the distribution serves requests.
    type: bool
    default: true
  logging:
    description: Standard access logs to an S3 bucket; left out, logging is off.
    type: dict
    suboptions:
      bucket: {description: Bucket domain name, e.g. C(logs.s3.amazonaws.com)., type: str, required: true}
      prefix: {description: Key prefix., type: str, default: ""}
      include_cookies: {description: Log cookies., type: bool, default: false}
  web_acl_id:
    description: ARN of an AWS WAF web ACL (C("") for none).
    type: str
    default: ""
  wait:
    description: Wait until the distribution is C(Deployed) after a create or update.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait (for O(wait) and for the disable before a delete).
    type: int
    default: 1800
  state:
    description: Whether the distribution exists.
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
- name: Web front end
  fastish.platform.cloudfront_distribution:
    name: acme-web-portal-web
    origin_domain_name: acme-web-portal-web.s3.us-east-1.amazonaws.com
    origin_access_control_id: E2XF8PVMYJUMM
    aliases: [portal.acme.example, www.portal.acme.example]
    certificate_arn: arn:aws:acm:us-east-1:123456789012:certificate/0d3f
    response_headers_policy_id: 67f7725c-6f97-4210-82d7-5512b31e9d03
    custom_error_responses:
      - {error_code: 403, response_code: "200", response_page_path: /index.html}
      - {error_code: 404, response_code: "200", response_page_path: /index.html}
    tags:
      fastish:release: portal

- name: Remove it (disable, wait, delete)
  fastish.platform.cloudfront_distribution:
    name: acme-web-portal-web
    state: absent
"""

RETURN = r"""
distribution:
  description:
    - The distribution after the run; empty when absent.
    - In check mode, before creation, C(id) is null.
  returned: always
  type: dict
  contains:
    id: {description: Distribution id., type: str, sample: E1ABCDEF2GHIJ}
    arn: {description: ARN., type: str, sample: "arn:aws:cloudfront::123456789012:distribution/E1ABCDEF2GHIJ"}
    domain_name: {description: The C(*.cloudfront.net) name (alias records point here)., type: str}
    hosted_zone_id: {description: Zone id of CloudFront alias targets., type: str, sample: Z2FDTNDATAQYW2}
    status: {description: C(InProgress) or C(Deployed)., type: str}
    config: {description: The managed part of the DistributionConfig (API shape)., type: dict}
    tags: {description: Tags., type: dict}
changes:
  description: What was (in check mode, would be) done, e.g. C(create), C(update ViewerCertificate), C(tags).
  returned: always
  type: list
  elements: str
"""

import contextlib
import copy
import time

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

CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"
ORIGIN_ID = "s3-origin"


def _items(values):
    return {"Quantity": len(values), "Items": values} if values else {"Quantity": 0}


def desired_config(params):
    """The managed part of the DistributionConfig, in API shape."""
    origin = {
        "Id": ORIGIN_ID,
        "DomainName": params["origin_domain_name"],
        "OriginPath": params["origin_path"],
        "S3OriginConfig": {"OriginAccessIdentity": ""},
        "OriginAccessControlId": params["origin_access_control_id"] or "",
    }
    behavior = {
        "TargetOriginId": ORIGIN_ID,
        "ViewerProtocolPolicy": params["viewer_protocol_policy"],
        "AllowedMethods": {
            "Quantity": 2,
            "Items": ["GET", "HEAD"],
            "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]},
        },
        "Compress": params["compress"],
        "CachePolicyId": params["cache_policy_id"],
    }
    if params["response_headers_policy_id"]:
        behavior["ResponseHeadersPolicyId"] = params["response_headers_policy_id"]
    if params["certificate_arn"]:
        certificate = {
            "ACMCertificateArn": params["certificate_arn"],
            "SSLSupportMethod": "sni-only",
            "MinimumProtocolVersion": params["minimum_protocol_version"],
        }
    else:
        certificate = {"CloudFrontDefaultCertificate": True}
    errors = [
        {
            "ErrorCode": e["error_code"],
            "ResponsePagePath": e["response_page_path"],
            "ResponseCode": e["response_code"],
            "ErrorCachingMinTTL": e["error_caching_min_ttl"],
        }
        for e in sorted(params["custom_error_responses"], key=lambda e: e["error_code"])
    ]
    logging = params["logging"]
    return {
        "Comment": params["name"],
        "Aliases": _items(sorted(params["aliases"])),
        "DefaultRootObject": params["default_root_object"],
        "Origins": {"Quantity": 1, "Items": [origin]},
        "DefaultCacheBehavior": behavior,
        "CustomErrorResponses": _items(errors),
        "PriceClass": params["price_class"],
        "Enabled": params["enabled"],
        "ViewerCertificate": certificate,
        "HttpVersion": params["http_version"],
        "IsIPV6Enabled": params["ipv6_enabled"],
        "WebACLId": params["web_acl_id"],
        "Logging": {
            "Enabled": bool(logging),
            "IncludeCookies": bool(logging and logging["include_cookies"]),
            "Bucket": logging["bucket"] if logging else "",
            "Prefix": logging["prefix"] if logging else "",
        },
    }


def _normalized(value):
    """Order-insensitive form of lists CloudFront may return in another order."""
    if isinstance(value, dict):
        result = {k: _normalized(v) for k, v in value.items()}
        if "Items" in result and isinstance(result["Items"], list):
            with contextlib.suppress(TypeError):
                result["Items"] = sorted(result["Items"], key=repr)
        return result
    if isinstance(value, list):
        return [_normalized(v) for v in value]
    return value


def differs(want, have):
    """True when ``have`` does not hold ``want`` (extra keys in ``have`` are ignored; empty = missing)."""
    if isinstance(want, dict):
        if not isinstance(have, dict):
            return bool(want)
        for key, value in want.items():
            if key not in have:
                if value in ("", None, False, [], {}) or value == {"Quantity": 0}:
                    continue
                return True
            if differs(value, have[key]):
                return True
        return False
    if isinstance(want, list):
        if not isinstance(have, list) or len(want) != len(have):
            return True
        return any(differs(w, h) for w, h in zip(want, have, strict=True))
    if isinstance(want, (int, bool)) and isinstance(have, str):
        return str(want) != have
    if isinstance(want, str) and isinstance(have, (int, bool)):
        return want != str(have)
    return want != have


def changed_fields(want, have):
    return [key for key, value in want.items() if differs(_normalized(value), _normalized(have.get(key)))]


class Distribution:
    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.name = self.params["name"]
        self.client = module.client("cloudfront", retry_decorator=AWSRetry.jittered_backoff())
        self.changes = []

    def fail(self, e, what):
        self.module.fail_json_aws(e, msg=f"Could not {what} CloudFront distribution {self.name}")

    def find(self):
        """(summary, config, etag) of the distribution named ``name``, or None."""
        try:
            paginator = self.client.get_paginator("list_distributions")
            summaries = [
                s
                for page in paginator.paginate()
                for s in (page["DistributionList"].get("Items") or [])
                if s.get("Comment") == self.name
            ]
            for summary in summaries:
                found = self.client.get_distribution_config(aws_retry=True, Id=summary["Id"])
                if found["DistributionConfig"].get("CallerReference") == self.name:
                    return summary, found["DistributionConfig"], found["ETag"]
        except is_boto3_error_code("NoSuchDistribution"):
            return None
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            self.fail(e, "find")
        return None

    def tags(self, arn):
        try:
            found = (
                self.client.list_tags_for_resource(aws_retry=True, Resource=arn)["Tags"].get("Items") or []
            )
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            self.fail(e, "read the tags of")
        return boto3_tag_list_to_ansible_dict(found)

    def status(self, distribution_id):
        try:
            return self.client.get_distribution(aws_retry=True, Id=distribution_id)["Distribution"]
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            self.fail(e, "read the status of")

    def wait_deployed(self, distribution_id):
        deadline = time.monotonic() + self.params["wait_timeout"]
        delay = 1
        while True:
            distribution = self.status(distribution_id)
            if distribution["Status"] == "Deployed":
                return distribution
            if time.monotonic() > deadline:
                self.module.fail_json(
                    msg=f"Timed out after {self.params['wait_timeout']} s waiting for CloudFront "
                    f"distribution {self.name} ({distribution_id}) to be deployed"
                )
            time.sleep(delay)
            delay = min(delay * 2, 20)

    def result(self, distribution_id, arn, domain_name, status, config, tags):
        return {
            "id": distribution_id,
            "arn": arn,
            "domain_name": domain_name,
            "hosted_zone_id": CLOUDFRONT_ZONE_ID,
            "status": status,
            "config": config,
            "tags": tags,
        }

    def present(self, found):
        want = desired_config(self.params)
        if found is None:
            self.changes.append("create")
            if self.module.check_mode:
                return {}, self.result(None, None, None, "InProgress", want, self.params["tags"] or {})
            config = {**want, "CallerReference": self.name}
            try:
                if self.params["tags"]:
                    created = self.client.create_distribution_with_tags(
                        aws_retry=True,
                        DistributionConfigWithTags={
                            "DistributionConfig": config,
                            "Tags": {"Items": ansible_dict_to_boto3_tag_list(self.params["tags"])},
                        },
                    )
                else:
                    created = self.client.create_distribution(aws_retry=True, DistributionConfig=config)
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                self.fail(e, "create")
            distribution = created["Distribution"]
            if self.params["wait"]:
                distribution = self.wait_deployed(distribution["Id"])
            return {}, self.result(
                distribution["Id"],
                distribution["ARN"],
                distribution["DomainName"],
                distribution["Status"],
                want,
                self.params["tags"] or {},
            )

        summary, current, etag = found
        tags = self.tags(summary["ARN"])
        before = self.result(
            summary["Id"],
            summary["ARN"],
            summary["DomainName"],
            summary["Status"],
            {k: current.get(k) for k in want},
            tags,
        )
        status = summary["Status"]
        fields = changed_fields(want, current)
        if fields:
            self.changes.extend(f"update {f}" for f in fields)
            if not self.module.check_mode:
                config = copy.deepcopy(current)
                config.update(want)
                try:
                    status = self.client.update_distribution(
                        aws_retry=True, Id=summary["Id"], IfMatch=etag, DistributionConfig=config
                    )["Distribution"]["Status"]
                except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                    self.fail(e, "update")
                if self.params["wait"]:
                    status = self.wait_deployed(summary["Id"])["Status"]
        if self.params["tags"] is not None:
            to_set, to_remove = compare_aws_tags(tags, self.params["tags"], self.params["purge_tags"])
            if to_set or to_remove:
                self.changes.append("tags")
                if not self.module.check_mode:
                    try:
                        if to_remove:
                            self.client.untag_resource(
                                aws_retry=True, Resource=summary["ARN"], TagKeys={"Items": to_remove}
                            )
                        if to_set:
                            self.client.tag_resource(
                                aws_retry=True,
                                Resource=summary["ARN"],
                                Tags={"Items": ansible_dict_to_boto3_tag_list(to_set)},
                            )
                    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                        self.fail(e, "tag")
                tags = {**{k: v for k, v in tags.items() if k not in to_remove}, **to_set}
        after = self.result(summary["Id"], summary["ARN"], summary["DomainName"], status, want, tags)
        return before, after

    def absent(self, found):
        if found is None:
            return {}
        summary, current, etag = found
        before = self.result(summary["Id"], summary["ARN"], summary["DomainName"], summary["Status"], {}, {})
        if current.get("Enabled"):
            self.changes.append("disable")
        self.changes.append("delete")
        if self.module.check_mode:
            return before
        try:
            if current.get("Enabled"):
                config = {**current, "Enabled": False}
                etag = self.client.update_distribution(
                    aws_retry=True, Id=summary["Id"], IfMatch=etag, DistributionConfig=config
                )["ETag"]
            self.wait_deployed(summary["Id"])
            etag = self.client.get_distribution_config(aws_retry=True, Id=summary["Id"])["ETag"] or etag
            self.client.delete_distribution(aws_retry=True, Id=summary["Id"], IfMatch=etag)
        except is_boto3_error_code("NoSuchDistribution"):
            pass
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            self.fail(e, "delete")
        return before


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "origin_domain_name": {"type": "str"},
            "origin_access_control_id": {"type": "str"},
            "origin_path": {"type": "str", "default": ""},
            "aliases": {"type": "list", "elements": "str", "default": []},
            "certificate_arn": {"type": "str"},
            "minimum_protocol_version": {
                "type": "str",
                "default": "TLSv1.2_2021",
                "choices": ["TLSv1.2_2018", "TLSv1.2_2019", "TLSv1.2_2021", "TLSv1.3_2025"],
            },
            "default_root_object": {"type": "str", "default": "index.html"},
            "cache_policy_id": {"type": "str", "default": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
            "response_headers_policy_id": {"type": "str"},
            "viewer_protocol_policy": {
                "type": "str",
                "choices": ["redirect-to-https", "https-only", "allow-all"],
                "default": "redirect-to-https",
            },
            "compress": {"type": "bool", "default": True},
            "custom_error_responses": {
                "type": "list",
                "elements": "dict",
                "default": [],
                "options": {
                    "error_code": {"type": "int", "required": True},
                    "response_code": {"type": "str", "default": ""},
                    "response_page_path": {"type": "str", "default": ""},
                    "error_caching_min_ttl": {"type": "int", "default": 10},
                },
            },
            "price_class": {
                "type": "str",
                "choices": ["PriceClass_100", "PriceClass_200", "PriceClass_All"],
                "default": "PriceClass_100",
            },
            "http_version": {
                "type": "str",
                "choices": ["http1.1", "http2", "http3", "http2and3"],
                "default": "http2and3",
            },
            "ipv6_enabled": {"type": "bool", "default": True},
            "enabled": {"type": "bool", "default": True},
            "logging": {
                "type": "dict",
                "options": {
                    "bucket": {"type": "str", "required": True},
                    "prefix": {"type": "str", "default": ""},
                    "include_cookies": {"type": "bool", "default": False},
                },
            },
            "web_acl_id": {"type": "str", "default": ""},
            "wait": {"type": "bool", "default": False},
            "wait_timeout": {"type": "int", "default": 1800},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "tags": {"type": "dict", "aliases": ["resource_tags"]},
            "purge_tags": {"type": "bool", "default": True},
        },
        required_if=[("state", "present", ["origin_domain_name", "origin_access_control_id"])],
        supports_check_mode=True,
    )
    if module.params["aliases"] and not module.params["certificate_arn"]:
        module.fail_json(
            msg=f"CloudFront distribution {module.params['name']}: aliases {module.params['aliases']} need "
            "certificate_arn (an ACM certificate in us-east-1 covering them)"
        )
    manager = Distribution(module)
    found = manager.find()
    if module.params["state"] == "absent":
        before = manager.absent(found)
        module.exit_json(
            changed=bool(manager.changes),
            distribution={},
            changes=manager.changes,
            diff={"before": before, "after": {}},
        )
    before, after = manager.present(found)
    module.exit_json(
        changed=bool(manager.changes),
        distribution=after,
        changes=manager.changes,
        diff={"before": before, "after": after},
    )


if __name__ == "__main__":
    main()
