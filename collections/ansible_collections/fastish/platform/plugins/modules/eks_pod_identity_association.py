#!/usr/bin/python
"""An Amazon EKS Pod Identity association: the IAM role the pods of one Kubernetes service account get."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: eks_pod_identity_association
short_description: Manage an Amazon EKS Pod Identity association
version_added: "0.4.0"
description:
  - Creates, updates or deletes the EKS Pod Identity association of a Kubernetes service account (its
    namespace and name identify it) with an IAM role. The pods of the service account get the role's
    credentials from the C(eks-pod-identity-agent) add-on.
  - A changed O(role_arn) is updated in place (C(UpdatePodIdentityAssociation)); the association keeps
    its id.
  - "Associations that an EKS add-on owns (created through the add-on's C(podIdentityAssociations)) are
    not changed here: the module fails and names the add-on (see M(fastish.platform.eks_addon))."
  - A cluster that is still C(CREATING) or C(UPDATING) is waited for (O(wait_timeout)) before anything
    is changed, unless O(wait=false), which fails clearly instead.
  - Check mode makes only C(Describe*)/C(List*) calls. Diff mode shows the compared settings.
  - amazon.aws and community.aws have no module for Pod Identity associations.
options:
  cluster_name:
    description: Name of the EKS cluster.
    type: str
    required: true
  namespace:
    description: Kubernetes namespace of the service account.
    type: str
    required: true
  service_account:
    description: Name of the Kubernetes service account.
    type: str
    required: true
  role_arn:
    description: IAM role the service account's pods get. Required with O(state=present).
    type: str
  state:
    description: Whether the association exists.
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
- name: Karpenter's controller role
  fastish.platform.eks_pod_identity_association:
    cluster_name: acme-data-analytics-eks
    namespace: kube-system
    service_account: karpenter
    role_arn: arn:aws:iam::123456789012:role/acme-data-analytics-karpenter
    tags:
      Team: data
"""

RETURN = r"""
association:
  description:
    - The association (C(DescribePodIdentityAssociation) in snake_case) after the change; in check mode
      what it would be. Empty when it does not exist (any more).
  returned: always
  type: dict
  contains:
    association_id: {description: Id of the association., type: str, sample: a-0123456789abcdefg}
    association_arn: {description: ARN of the association., type: str}
    cluster_name: {description: Name of the cluster., type: str}
    namespace: {description: Kubernetes namespace., type: str}
    service_account: {description: Kubernetes service account., type: str}
    role_arn: {description: IAM role., type: str}
    owner_arn: {description: ARN of the add-on that owns the association, if one does., type: str}
    tags: {description: Tags of the association., type: dict}
    created_at: {description: Creation time (ISO 8601)., type: str}
    modified_at: {description: Last change (ISO 8601)., type: str}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.fastish.platform.plugins.module_utils import eks_api
from ansible_collections.fastish.platform.plugins.module_utils.eks_api import EksApiError, snake


class AssociationManager(eks_api.ClusterResource):
    def __init__(self, module, eks):
        super().__init__(module, eks)
        self.namespace = self.params["namespace"]
        self.service_account = self.params["service_account"]
        self.label = (
            f"Pod Identity association of service account {self.namespace}/{self.service_account} "
            f"in EKS cluster {self.cluster_name}"
        )
        self.ids = {
            "clusterName": self.cluster_name,
            "namespace": self.namespace,
            "serviceAccount": self.service_account,
        }

    def find(self):
        summaries = self.eks.paginate(
            f"list the {self.label}",
            "list_pod_identity_associations",
            "associations",
            **self.ids,
        )
        for summary in summaries:
            if (
                summary.get("namespace") == self.namespace
                and summary.get("serviceAccount") == self.service_account
            ):
                found = self.eks.get(
                    f"read the {self.label}",
                    "describe_pod_identity_association",
                    clusterName=self.cluster_name,
                    associationId=summary["associationId"],
                )
                if found:
                    return found["association"]
        return None

    @staticmethod
    def settings(association):
        if not association:
            return {}
        return {"role_arn": association.get("roleArn"), "tags": dict(association.get("tags") or {})}

    def owned(self, association):
        if association and association.get("ownerArn"):
            raise EksApiError(
                f"The {self.label} belongs to the EKS add-on {association['ownerArn']}: change it through "
                "the add-on's pod_identity_associations (fastish.platform.eks_addon)"
            )

    def present(self):
        p = self.params
        cluster = self.ready_cluster(f"manage the {self.label}")
        association = self.find() if cluster else None
        have = self.settings(association)
        tags = have.get("tags", {})
        to_set, to_remove = self.eks.tag_changes(tags, p["tags"], p["purge_tags"])
        want = {"role_arn": p["role_arn"], "tags": eks_api.tags_after(tags, to_set, to_remove)}
        changed = association is None or want != have
        diff = {"before": have, "after": want}
        if changed:
            self.owned(association)
        if not changed:
            return False, association, diff
        if self.module.check_mode:
            planned = dict(association or self.ids)
            planned.update({"roleArn": want["role_arn"], "tags": want["tags"]})
            return True, planned, diff
        if association is None:
            request = {**self.ids, "roleArn": want["role_arn"]}
            if want["tags"]:
                request["tags"] = want["tags"]
            association = self.eks.call(
                f"create the {self.label}", "create_pod_identity_association", **request
            )["association"]
        else:
            if want["role_arn"] != have["role_arn"]:
                self.eks.call(
                    f"update the {self.label}",
                    "update_pod_identity_association",
                    clusterName=self.cluster_name,
                    associationId=association["associationId"],
                    roleArn=want["role_arn"],
                )
            self.eks.retag(f"the {self.label}", association["associationArn"], to_set, to_remove)
        return True, self.find(), diff

    def absent(self):
        association = self.existing()
        if association is None:
            return False, {}, {"before": {}, "after": {}}
        self.owned(association)
        diff = {"before": self.settings(association), "after": {}}
        if not self.module.check_mode:
            self.eks.call(
                f"delete the {self.label}",
                "delete_pod_identity_association",
                clusterName=self.cluster_name,
                associationId=association["associationId"],
            )
        return True, {}, diff


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "cluster_name": {"type": "str", "required": True},
            "namespace": {"type": "str", "required": True},
            "service_account": {"type": "str", "required": True},
            "role_arn": {"type": "str"},
            **eks_api.resource_options(),
        },
        required_if=[["state", "present", ["role_arn"]]],
        supports_check_mode=True,
    )
    if module.params["state"] == "present" and not module.params["role_arn"]:
        module.fail_json(msg="role_arn is required with state=present")
    changed, association, diff = eks_api.converge(module, AssociationManager(module, eks_api.Eks.of(module)))
    module.exit_json(changed=changed, association=snake(association) if association else {}, diff=diff)


if __name__ == "__main__":
    main()
