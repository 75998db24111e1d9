#!/usr/bin/python
"""An IAM OpenID Connect identity provider (e.g. for an EKS cluster's OIDC issuer)."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: iam_oidc_provider
short_description: Manage an IAM OpenID Connect identity provider
version_added: "0.4.0"
description:
  - Creates, updates or deletes the IAM OIDC identity provider of an issuer URL, for example the OIDC
    issuer of an EKS cluster (IAM roles for service accounts).
  - The provider is identified by its URL (IAM keeps one provider per URL). Its client IDs (audiences),
    thumbprints and tags are converged in place
    (C(AddClientIDToOpenIDConnectProvider)/C(RemoveClientIDFromOpenIDConnectProvider),
    C(UpdateOpenIDConnectProviderThumbprint), C(TagOpenIDConnectProvider)/C(UntagOpenIDConnectProvider)).
  - "Thumbprints: IAM no longer uses them to verify the issuers it knows the certificate authorities of
    (EKS's issuers among them) and computes them itself when none are given, so I(thumbprints) is
    optional: not set creates the provider without a thumbprint list (IAM fills one in) and leaves the
    thumbprints of an existing provider as they are. Pass them for issuers or partitions where IAM still
    needs them. The module never fetches anything from the issuer (no network access besides IAM)."
  - Check mode makes no change (only C(Get*)/C(List*) calls).
options:
  url:
    description:
      - The issuer URL (C(https://...)), for example the I(cluster.oidc_issuer) of
        M(fastish.platform.eks_cluster).
    type: str
    required: true
  client_ids:
    description: The client IDs (audiences) allowed to use the provider; the exact set.
    type: list
    elements: str
    default: [sts.amazonaws.com]
  thumbprints:
    description:
      - SHA-1 thumbprints (40 hex digits) of the issuer's certificate authorities; the exact list (at most
        5). Not set leaves them to IAM (see above).
    type: list
    elements: str
  state:
    description: Whether the provider exists.
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
- name: The IAM OIDC provider of the cluster's issuer
  fastish.platform.iam_oidc_provider:
    url: "{{ eks.cluster.oidc_issuer }}"
    client_ids: [sts.amazonaws.com]
    tags:
      fastish:release: analytics

- name: Remove it
  fastish.platform.iam_oidc_provider:
    url: https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE
    state: absent
"""

RETURN = r"""
oidc_provider:
  description: The provider after the change (in check mode, what it would be; C(arn) is null before
    creation). Empty after a deletion.
  returned: always
  type: dict
  contains:
    arn:
      description: ARN of the provider.
      type: str
      sample: arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE
    url: {description: "The issuer URL (with https://).", type: str}
    client_ids: {description: Client IDs (sorted)., type: list, elements: str}
    thumbprints: {description: Thumbprints (as IAM stores them)., type: list, elements: str}
    tags: {description: Tags., type: dict}
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)
from ansible_collections.fastish.platform.plugins.module_utils.eks_api import (
    AwsApi,
    EksApiError,
    fail,
    tags_after,
)

SCHEME = "https://"
_THUMBPRINT = re.compile(r"^[0-9a-fA-F]{40}$")


class OidcProvider:
    """Converges one IAM OIDC provider through ``client`` (a boto3 iam client, or a stubbed one)."""

    def __init__(self, client, params, check_mode=False, retry=False):
        self.iam = AwsApi(client, retry=retry, missing="NoSuchEntity")
        self.params = params
        self.check_mode = check_mode
        self.url = params["url"]
        self.changes = []

    def call(self, what, method, **kwargs):
        return self.iam.call(f"{what} (IAM OIDC provider {self.url})", method, **kwargs)

    def change(self, change, what, method, **kwargs):
        """Record ``change``; make the call unless in check mode."""
        self.changes.append(change)
        return None if self.check_mode else self.call(what, method, **kwargs)

    def validate(self):
        if not self.url.startswith(SCHEME) or len(self.url) <= len(SCHEME):
            raise EksApiError(f"The OIDC provider URL must start with {SCHEME}: {self.url}")
        bad = [t for t in self.params["thumbprints"] or [] if not _THUMBPRINT.match(t)]
        if bad:
            raise EksApiError(f"Thumbprints must be 40 hex digits (SHA-1): {', '.join(bad)}")
        if len(self.params["thumbprints"] or []) > 5:
            raise EksApiError("IAM accepts at most 5 thumbprints per OIDC provider")

    def find(self):
        """The provider's ARN, or None."""
        path = self.url[len(SCHEME) :]
        providers = self.call("list the IAM OIDC providers", "list_open_id_connect_providers")
        for provider in providers.get("OpenIDConnectProviderList") or []:
            if provider["Arn"].split(":oidc-provider/", 1)[-1] == path:
                return provider["Arn"]
        return None

    def read(self, arn):
        found = self.iam.get(
            f"read IAM OIDC provider {arn}", "get_open_id_connect_provider", OpenIDConnectProviderArn=arn
        )
        if found is None:
            return None
        return {
            "arn": arn,
            "url": SCHEME + found.get("Url", self.url[len(SCHEME) :]),
            "client_ids": sorted(found.get("ClientIDList") or []),
            "thumbprints": list(found.get("ThumbprintList") or []),
            "tags": boto3_tag_list_to_ansible_dict(found.get("Tags") or []),
        }

    def run(self):
        self.validate()
        arn = self.find()
        before = self.read(arn) if arn else None
        if self.params["state"] == "absent":
            if before:
                self.change(
                    "delete",
                    f"delete IAM OIDC provider {arn}",
                    "delete_open_id_connect_provider",
                    OpenIDConnectProviderArn=arn,
                )
            return self.result({}, before or {}, {})
        after = self.create() if before is None else self.update(before)
        return self.result(after, before or {}, after)

    def result(self, provider, before, after):
        return {
            "changed": bool(self.changes),
            "oidc_provider": provider,
            "diff": {"before": before, "after": after},
        }

    def create(self):
        p = self.params
        client_ids = list(dict.fromkeys(p["client_ids"] or []))
        thumbprints = [t.lower() for t in p["thumbprints"] or []]
        tags = dict(p.get("tags") or {})
        request = {"Url": self.url, "ClientIDList": client_ids}
        if thumbprints:
            request["ThumbprintList"] = thumbprints
        if tags:
            request["Tags"] = ansible_dict_to_boto3_tag_list(tags)
        created = self.change(
            "create", "create the IAM OIDC provider", "create_open_id_connect_provider", **request
        )
        return {
            "arn": created["OpenIDConnectProviderArn"] if created else None,
            "url": self.url,
            "client_ids": sorted(client_ids),
            "thumbprints": thumbprints,
            "tags": tags,
        }

    def update(self, have):
        p = self.params
        arn = have["arn"]
        after = dict(have)
        wanted_ids, have_ids = set(p["client_ids"] or []), set(have["client_ids"])
        for verb, client_ids, method in (
            ("add", wanted_ids - have_ids, "add_client_id_to_open_id_connect_provider"),
            ("remove", have_ids - wanted_ids, "remove_client_id_from_open_id_connect_provider"),
        ):
            for client_id in sorted(client_ids):
                self.change(
                    f"{verb} client id {client_id}",
                    f"{verb} client ID {client_id}",
                    method,
                    OpenIDConnectProviderArn=arn,
                    ClientID=client_id,
                )
        after["client_ids"] = sorted(wanted_ids)
        if p["thumbprints"] is not None:
            wanted = [t.lower() for t in p["thumbprints"]]
            if sorted(wanted) != sorted(t.lower() for t in have["thumbprints"]):
                self.change(
                    "thumbprints",
                    "update the thumbprints",
                    "update_open_id_connect_provider_thumbprint",
                    OpenIDConnectProviderArn=arn,
                    ThumbprintList=wanted,
                )
                after["thumbprints"] = wanted
        if p.get("tags") is not None:
            to_set, to_remove = compare_aws_tags(have["tags"], p["tags"], p["purge_tags"])
            if to_remove:
                self.change(
                    "untag",
                    "untag",
                    "untag_open_id_connect_provider",
                    OpenIDConnectProviderArn=arn,
                    TagKeys=to_remove,
                )
            if to_set:
                tags = ansible_dict_to_boto3_tag_list(to_set)
                self.change(
                    "tag", "tag", "tag_open_id_connect_provider", OpenIDConnectProviderArn=arn, Tags=tags
                )
            after["tags"] = tags_after(have["tags"], to_set, to_remove)
        return after


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "url": {"type": "str", "required": True},
            "client_ids": {"type": "list", "elements": "str", "default": ["sts.amazonaws.com"]},
            "thumbprints": {"type": "list", "elements": "str"},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "tags": {"type": "dict", "aliases": ["resource_tags"]},
            "purge_tags": {"type": "bool", "default": True},
        },
        supports_check_mode=True,
    )
    client = module.client("iam", retry_decorator=AWSRetry.jittered_backoff())
    try:
        result = OidcProvider(client, module.params, module.check_mode, retry=True).run()
    except EksApiError as e:
        fail(module, e)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
