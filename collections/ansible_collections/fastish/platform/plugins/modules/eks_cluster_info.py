#!/usr/bin/python
"""Read an EKS cluster: whether it exists, its OIDC issuer, node groups, add-ons and access entries."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: eks_cluster_info
short_description: Read an Amazon EKS cluster, its node groups, add-ons and access entries
version_added: "0.4.0"
description:
  - Read-only. Reports whether an EKS cluster exists and, when it does, its main settings (among them the
    OIDC issuer an IAM OIDC provider is made for), the names of its managed node groups and add-ons and,
    with O(access_entries=true), its access entries with their tags.
  - Roles use it where they must know what exists before they change it, for example to remove the
    access entries of people no longer listed (only entries carrying the role's tags), or to delete the
    IAM OIDC provider of a cluster before the cluster (and its issuer URL) is gone.
  - A missing cluster is not an error (RV(exists) is false).
options:
  name:
    description: Name of the cluster.
    type: str
    required: true
  access_entries:
    description: Also list the access entries (one C(DescribeAccessEntry) call per entry, for its tags).
    type: bool
    default: false
author:
  - fastish maintainers
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Look at the release's cluster and its access entries
  fastish.platform.eks_cluster_info:
    name: acme-data-analytics-eks
    access_entries: true
  register: found

- name: Principals of the access entries this platform made
  ansible.builtin.debug:
    msg: >-
      {{ found.access_entries | selectattr('tags.fastish:managed-by', 'defined')
         | map(attribute='principal_arn') }}
"""

RETURN = r"""
exists:
  description: Whether the cluster exists (also while it is being deleted).
  returned: always
  type: bool
cluster:
  description: The cluster; empty when it does not exist.
  returned: always
  type: dict
  contains:
    name: {description: Name., type: str}
    arn: {description: ARN., type: str}
    status: {description: "CREATING, ACTIVE, UPDATING, DELETING or FAILED.", type: str}
    version: {description: Kubernetes version., type: str}
    endpoint: {description: URL of the Kubernetes API server., type: str}
    oidc_issuer: {description: OIDC issuer URL., type: str}
    cluster_security_group_id: {description: Security group EKS made for the cluster., type: str}
    authentication_mode: {description: "API, API_AND_CONFIG_MAP or CONFIG_MAP.", type: str}
    tags: {description: Tags., type: dict}
nodegroups:
  description: Names of the cluster's managed node groups.
  returned: always
  type: list
  elements: str
addons:
  description: Names of the cluster's add-ons.
  returned: always
  type: list
  elements: str
access_entries:
  description: The cluster's access entries (only with O(access_entries=true)), sorted by principal.
  returned: always
  type: list
  elements: dict
  contains:
    principal_arn: {description: The IAM principal., type: str}
    type: {description: "STANDARD, EC2_LINUX, ...", type: str}
    username: {description: Kubernetes user name., type: str}
    kubernetes_groups: {description: Kubernetes groups., type: list, elements: str}
    tags: {description: Tags of the access entry., type: dict}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.fastish.platform.plugins.module_utils.eks_api import (
    Eks,
    EksApiError,
    error_code,
    fail,
)


def describe(cluster):
    vpc = cluster.get("resourcesVpcConfig") or {}
    return {
        "name": cluster.get("name"),
        "arn": cluster.get("arn"),
        "status": cluster.get("status"),
        "version": cluster.get("version"),
        "endpoint": cluster.get("endpoint"),
        "oidc_issuer": ((cluster.get("identity") or {}).get("oidc") or {}).get("issuer"),
        "cluster_security_group_id": vpc.get("clusterSecurityGroupId"),
        "authentication_mode": (cluster.get("accessConfig") or {}).get("authenticationMode"),
        "tags": cluster.get("tags") or {},
    }


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "access_entries": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    name = module.params["name"]
    eks = Eks.of(module)
    result = {
        "changed": False,
        "exists": False,
        "cluster": {},
        "nodegroups": [],
        "addons": [],
        "access_entries": [],
    }

    def listed(what, method, key):
        return sorted(eks.paginate(f"list the {what} of EKS cluster {name}", method, key, clusterName=name))

    try:
        cluster = eks.describe_cluster(name)
        if cluster is None:
            module.exit_json(**result)
        result.update(exists=True, cluster=describe(cluster))
        result["nodegroups"] = listed("node groups", "list_nodegroups", "nodegroups")
        result["addons"] = listed("add-ons", "list_addons", "addons")
        if module.params["access_entries"]:
            entries = []
            for principal in listed("access entries", "list_access_entries", "accessEntries"):
                entry = eks.get(
                    f"read the access entry of {principal} in EKS cluster {name}",
                    "describe_access_entry",
                    clusterName=name,
                    principalArn=principal,
                )
                if entry is None:
                    continue  # removed meanwhile
                entry = entry["accessEntry"]
                entries.append(
                    {
                        "principal_arn": entry.get("principalArn"),
                        "type": entry.get("type"),
                        "username": entry.get("username"),
                        "kubernetes_groups": entry.get("kubernetesGroups") or [],
                        "tags": entry.get("tags") or {},
                    }
                )
            result["access_entries"] = entries
    except EksApiError as e:
        if error_code(e.aws_error) != "ResourceNotFoundException":
            fail(module, e)
        result.update(
            exists=False, cluster={}, nodegroups=[], addons=[], access_entries=[]
        )  # deleted meanwhile
    module.exit_json(**result)


if __name__ == "__main__":
    main()
