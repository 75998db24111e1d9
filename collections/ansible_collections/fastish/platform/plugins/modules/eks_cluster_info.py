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

import contextlib

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

RETRY_CODES = ["ServerException", "ServiceUnavailableException", "ThrottlingException"]


def _errors():
    return (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)


def _pages(client, operation, key, **params):
    """Every item of a paginated EKS list call."""
    items, token = [], None
    while True:
        response = getattr(client, operation)(
            aws_retry=True, **params, **({"nextToken": token} if token else {})
        )
        items.extend(response.get(key) or [])
        token = response.get("nextToken")
        if not token:
            return items


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
    client = module.client(
        "eks", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES)
    )
    result = {
        "changed": False,
        "exists": False,
        "cluster": {},
        "nodegroups": [],
        "addons": [],
        "access_entries": [],
    }
    try:
        cluster = client.describe_cluster(aws_retry=True, name=name)["cluster"]
    except is_boto3_error_code("ResourceNotFoundException"):
        module.exit_json(**result)
    except _errors() as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Could not describe the EKS cluster {name}")
    result.update(exists=True, cluster=describe(cluster))
    try:
        result["nodegroups"] = sorted(_pages(client, "list_nodegroups", "nodegroups", clusterName=name))
        result["addons"] = sorted(_pages(client, "list_addons", "addons", clusterName=name))
        if module.params["access_entries"]:
            entries = []
            for principal in sorted(_pages(client, "list_access_entries", "accessEntries", clusterName=name)):
                try:
                    entry = client.describe_access_entry(
                        aws_retry=True, clusterName=name, principalArn=principal
                    )
                except is_boto3_error_code("ResourceNotFoundException"):
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
    except is_boto3_error_code("ResourceNotFoundException"):
        result.update(
            exists=False, cluster={}, nodegroups=[], addons=[], access_entries=[]
        )  # deleted meanwhile
    except _errors() as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Could not read the node groups, add-ons or access entries of {name}")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
