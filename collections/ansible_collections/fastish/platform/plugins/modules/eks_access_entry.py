#!/usr/bin/python
"""An Amazon EKS access entry (an IAM principal's access to the cluster) with its access policies."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: eks_access_entry
short_description: Manage an Amazon EKS access entry and its access policies
version_added: "0.4.0"
description:
  - Creates, updates or deletes the access entry of an IAM role or user in an EKS cluster, and
    associates EKS access policies with it, each for the whole cluster or for some namespaces.
  - The cluster's authentication mode must be C(API) or C(API_AND_CONFIG_MAP); a C(CONFIG_MAP)
    cluster fails clearly before anything is changed.
  - A policy whose scope differs from O(access_policies) is associated again with the new scope; with
    O(purge_access_policies) policies that are not listed are disassociated.
  - "The type of an existing access entry cannot be changed (EKS has no such update): the module fails
    and names both types; delete the entry first."
  - A cluster that is still C(CREATING) or C(UPDATING) is waited for (O(wait_timeout)) before anything
    is changed, unless O(wait=false), which fails clearly instead.
  - Options that are not set (V(null)) are not managed and keep their current value.
  - Check mode makes only C(Describe*)/C(List*) calls. Diff mode shows the compared settings.
  - amazon.aws and community.aws have no module for EKS access entries.
options:
  cluster_name:
    description: Name of the EKS cluster.
    type: str
    required: true
  principal_arn:
    description: ARN of the IAM role or user.
    type: str
    required: true
  type:
    description:
      - Type of the access entry. C(EC2_LINUX), C(EC2_WINDOWS), C(FARGATE_LINUX) and C(HYBRID_LINUX)
        entries are for the IAM roles of nodes; EKS chooses their username and groups and they take no
        access policies.
    type: str
    choices: [STANDARD, EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX, HYBRID_LINUX]
    default: STANDARD
  kubernetes_groups:
    description: Kubernetes groups of the principal (compared as a set). Only for O(type=STANDARD).
    type: list
    elements: str
  username:
    description:
      - Kubernetes username of the principal. Only for O(type=STANDARD); EKS chooses one when none is
        given at creation.
    type: str
  access_policies:
    description:
      - The EKS access policies of the entry. Only for O(type=STANDARD).
    type: list
    elements: dict
    suboptions:
      policy:
        description:
          - A policy name such as V(AmazonEKSClusterAdminPolicy), V(AmazonEKSAdminPolicy),
            V(AmazonEKSEditPolicy) or V(AmazonEKSViewPolicy), or a full policy ARN.
        type: str
        required: true
      access_scope:
        description: Where the policy applies (the whole cluster when not given).
        type: dict
        suboptions:
          type:
            description: V(cluster) or V(namespace).
            type: str
            choices: [cluster, namespace]
            default: cluster
          namespaces:
            description: The namespaces, with V(type=namespace) (compared as a set).
            type: list
            elements: str
  purge_access_policies:
    description: Disassociate the access policies that O(access_policies) does not list.
    type: bool
    default: true
  state:
    description: Whether the access entry exists.
    type: str
    choices: [present, absent]
    default: present
  wait:
    description: Wait for a C(CREATING) or C(UPDATING) cluster to be C(ACTIVE) before a change.
    type: bool
    default: true
  wait_timeout:
    description: How many seconds the wait may take before the module fails.
    type: int
    default: 1200
author:
  - fastish maintainers
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: A developer who may edit two namespaces
  fastish.platform.eks_access_entry:
    cluster_name: acme-data-analytics-eks
    principal_arn: arn:aws:iam::123456789012:role/linus
    access_policies:
      - policy: AmazonEKSEditPolicy
        access_scope:
          type: namespace
          namespaces: [data, ingest]

- name: Karpenter's nodes join the cluster
  fastish.platform.eks_access_entry:
    cluster_name: acme-data-analytics-eks
    principal_arn: arn:aws:iam::123456789012:role/acme-data-analytics-karpenter-node
    type: EC2_LINUX
"""

RETURN = r"""
access_entry:
  description:
    - The access entry (C(DescribeAccessEntry) in snake_case) after the change; in check mode what it
      would be. Empty when it does not exist (any more).
  returned: always
  type: dict
  contains:
    cluster_name: {description: Name of the cluster., type: str}
    principal_arn: {description: ARN of the IAM principal., type: str}
    access_entry_arn: {description: ARN of the access entry., type: str}
    type: {description: Type of the access entry., type: str, sample: STANDARD}
    username: {description: Kubernetes username., type: str}
    kubernetes_groups: {description: Kubernetes groups., type: list, elements: str}
    tags: {description: Tags of the access entry., type: dict}
    created_at: {description: Creation time (ISO 8601)., type: str}
    modified_at: {description: Last change (ISO 8601)., type: str}
access_policies:
  description: The associated access policies after the change (in check mode what they would be).
  returned: always
  type: list
  elements: dict
  contains:
    policy_arn: {description: ARN of the access policy., type: str}
    access_scope:
      description: Where it applies.
      type: dict
      contains:
        type: {description: cluster or namespace., type: str}
        namespaces: {description: The namespaces (type namespace)., type: list, elements: str}
    associated_at: {description: When it was associated (ISO 8601)., type: str}
    modified_at: {description: Last change (ISO 8601)., type: str}
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.fastish.platform.plugins.module_utils import eks_api
from ansible_collections.fastish.platform.plugins.module_utils.eks_api import EksApiError, snake

API_MODES = ("API", "API_AND_CONFIG_MAP")
_POLICY_NAME = re.compile(r"^[A-Za-z0-9]+$")


def partition_of(arn):
    parts = (arn or "").split(":")
    return parts[1] if len(parts) > 1 and parts[1] else "aws"


def policy_arn(policy, partition):
    """A short policy name (AmazonEKSViewPolicy) as its ARN; an ARN as it is."""
    if policy.startswith("arn:"):
        return policy
    if not _POLICY_NAME.match(policy):
        raise EksApiError(f"access_policies: {policy!r} is neither an EKS access policy name nor an ARN")
    return f"arn:{partition}:eks::aws:cluster-access-policy/{policy}"


def scope_of(scope):
    """A comparable access scope: {type, namespaces (sorted, unique)}."""
    scope = scope or {}
    kind = scope.get("type") or "cluster"
    return {"type": kind, "namespaces": sorted(set(scope.get("namespaces") or []))}


class AccessEntryManager(eks_api.ClusterResource):
    def __init__(self, module, eks):
        super().__init__(module, eks)
        self.principal = self.params["principal_arn"]
        self.label = f"access entry of {self.principal} in EKS cluster {self.cluster_name}"
        self.ids = {"clusterName": self.cluster_name, "principalArn": self.principal}

    def find(self):
        found = self.eks.get(f"read the {self.label}", "describe_access_entry", **self.ids)
        return found["accessEntry"] if found else None

    def policies(self):
        return self.eks.paginate(
            f"read the access policies of the {self.label}",
            "list_associated_access_policies",
            "associatedAccessPolicies",
            **self.ids,
        )

    def wanted_policies(self):
        partition = partition_of(self.principal)
        wanted = {}
        for item in self.params["access_policies"] or []:
            arn = policy_arn(item["policy"], partition)
            if arn in wanted:
                raise EksApiError(f"access_policies name {arn} twice")
            scope = scope_of(item.get("access_scope"))
            if scope["type"] == "namespace" and not scope["namespaces"]:
                raise EksApiError(f"access_policies: {item['policy']} has scope namespace but no namespaces")
            if scope["type"] == "cluster" and scope["namespaces"]:
                raise EksApiError(f"access_policies: {item['policy']} has scope cluster and namespaces")
            wanted[arn] = scope
        return wanted

    @staticmethod
    def settings(entry, policies):
        if not entry:
            return {}
        return {
            "type": entry.get("type"),
            "username": entry.get("username"),
            "kubernetes_groups": sorted(set(entry.get("kubernetesGroups") or [])),
            "access_policies": {p["policyArn"]: scope_of(p.get("accessScope")) for p in policies},
            "tags": dict(entry.get("tags") or {}),
        }

    def wanted(self, have, policies):
        p = self.params
        want = (
            dict(have) if have else {"type": p["type"], "username": None, "kubernetes_groups": [], "tags": {}}
        )
        want["type"] = p["type"]
        if p["username"] is not None:
            want["username"] = p["username"]
        if p["kubernetes_groups"] is not None:
            want["kubernetes_groups"] = sorted(set(p["kubernetes_groups"]))
        current = dict(have.get("access_policies") or {}) if have else {}
        if p["access_policies"] is None:  # not managed
            want["access_policies"] = current
        elif p["purge_access_policies"]:
            want["access_policies"] = dict(policies)
        else:
            want["access_policies"] = {**current, **policies}
        to_set, to_remove = self.eks.tag_changes(want["tags"], p["tags"], p["purge_tags"])
        want["tags"] = eks_api.tags_after(want["tags"], to_set, to_remove)
        return want

    def validate(self):
        p = self.params
        if p["type"] != "STANDARD":
            for option in ("username", "kubernetes_groups"):
                if p[option] is not None:
                    raise EksApiError(
                        f"{option} cannot be set for an access entry of type {p['type']} ({self.label})"
                    )
            if p["access_policies"]:
                raise EksApiError(
                    f"access entries of type {p['type']} take no access policies ({self.label})"
                )

    def present(self):
        p = self.params
        self.validate()
        wanted_policies = self.wanted_policies()
        cluster = self.ready_cluster(f"manage the {self.label}")
        if cluster is not None:
            mode = (cluster.get("accessConfig") or {}).get("authenticationMode", "CONFIG_MAP")
            if mode not in API_MODES:
                raise EksApiError(
                    f"EKS cluster {self.cluster_name} uses authentication mode {mode}: access entries need "
                    "API or API_AND_CONFIG_MAP (change the cluster's authentication mode first)"
                )
        entry = self.find() if cluster else None
        policies = self.policies() if entry else []
        have = self.settings(entry, policies)
        if entry and have["type"] != p["type"]:
            raise EksApiError(
                f"The {self.label} has type {have['type']}, not {p['type']}: EKS cannot change the type "
                "of an access entry; delete it (state=absent) and create it again"
            )
        want = self.wanted(have, wanted_policies)
        changed = entry is None or want != have
        diff = {"before": have, "after": want}
        if changed and not self.module.check_mode:
            entry = self.apply(entry, have, want)
            policies = self.policies()
        elif changed:  # check mode: what it would be
            entry = self.planned(entry, want)
            policies = [
                {"policyArn": arn, "accessScope": scope}
                for arn, scope in sorted(want["access_policies"].items())
            ]
        return changed, entry, policies, diff

    def planned(self, entry, want):
        planned = dict(entry or self.ids)
        planned.update(
            {
                "type": want["type"],
                "username": want["username"],
                "kubernetesGroups": want["kubernetes_groups"],
                "tags": want["tags"],
            }
        )
        return planned

    def apply(self, entry, have, want):
        p = self.params
        if entry is None:
            request = {**self.ids, "type": want["type"]}
            if want["username"] is not None:
                request["username"] = want["username"]
            if want["kubernetes_groups"]:
                request["kubernetesGroups"] = want["kubernetes_groups"]
            if want["tags"]:
                request["tags"] = want["tags"]
            entry = self.eks.call(f"create the {self.label}", "create_access_entry", **request)["accessEntry"]
            have = self.settings(entry, [])
        else:
            update = {}
            if want["username"] != have["username"]:
                update["username"] = want["username"]
            if want["kubernetes_groups"] != have["kubernetes_groups"]:
                update["kubernetesGroups"] = want["kubernetes_groups"]
            if update:
                self.eks.call(f"update the {self.label}", "update_access_entry", **self.ids, **update)
            to_set, to_remove = self.eks.tag_changes(have["tags"], p["tags"], p["purge_tags"])
            self.eks.retag(f"the {self.label}", entry["accessEntryArn"], to_set, to_remove)
        for arn, scope in want["access_policies"].items():
            if have["access_policies"].get(arn) != scope:
                access_scope = {"type": scope["type"]}
                if scope["type"] == "namespace":
                    access_scope["namespaces"] = scope["namespaces"]
                self.eks.call(
                    f"associate {arn} with the {self.label}",
                    "associate_access_policy",
                    **self.ids,
                    policyArn=arn,
                    accessScope=access_scope,
                )
        for arn in have["access_policies"]:
            if arn not in want["access_policies"]:
                self.eks.call(
                    f"disassociate {arn} from the {self.label}",
                    "disassociate_access_policy",
                    **self.ids,
                    policyArn=arn,
                )
        return self.find()

    def absent(self):
        entry = self.existing()
        if entry is None:
            return False, {}, [], {"before": {}, "after": {}}
        diff = {"before": self.settings(entry, self.policies()), "after": {}}
        if not self.module.check_mode:
            self.eks.call(f"delete the {self.label}", "delete_access_entry", **self.ids)
        return True, {}, [], diff


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "cluster_name": {"type": "str", "required": True},
            "principal_arn": {"type": "str", "required": True},
            "type": {
                "type": "str",
                "choices": ["STANDARD", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "HYBRID_LINUX"],
                "default": "STANDARD",
            },
            "kubernetes_groups": {"type": "list", "elements": "str"},
            "username": {"type": "str"},
            "access_policies": {
                "type": "list",
                "elements": "dict",
                "options": {
                    "policy": {"type": "str", "required": True},
                    "access_scope": {
                        "type": "dict",
                        "options": {
                            "type": {
                                "type": "str",
                                "choices": ["cluster", "namespace"],
                                "default": "cluster",
                            },
                            "namespaces": {"type": "list", "elements": "str"},
                        },
                    },
                },
            },
            "purge_access_policies": {"type": "bool", "default": True},
            **eks_api.resource_options(),
        },
        supports_check_mode=True,
    )
    changed, entry, policies, diff = eks_api.converge(
        module, AccessEntryManager(module, eks_api.Eks.of(module))
    )
    module.exit_json(
        changed=changed,
        access_entry=snake(entry) if entry else {},
        access_policies=[snake(p) for p in policies],
        diff=diff,
    )


if __name__ == "__main__":
    main()
