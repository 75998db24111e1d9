#!/usr/bin/python
"""An Amazon EKS managed add-on (vpc-cni, coredns, kube-proxy, eks-pod-identity-agent,
aws-ebs-csi-driver, ...) with its version, configuration, IAM role or Pod Identity associations."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: eks_addon
short_description: Manage an Amazon EKS managed add-on
version_added: "0.4.0"
description:
  - Creates, updates or deletes an EKS managed add-on of a cluster and waits through its lifecycle
    (C(CREATING), C(UPDATING), C(DELETING)).
  - The add-on version is given explicitly (O(addon_version)); pinning it is the caller's job. A
    version that EKS does not offer for the cluster's Kubernetes version fails before anything is
    changed (C(DescribeAddonVersions)).
  - An existing add-on is changed with one C(UpdateAddon) for the version, the configuration, the
    service account role and the Pod Identity associations together; tags are set with
    C(TagResource)/C(UntagResource). Before an update the module waits until the add-on is C(ACTIVE).
  - A cluster that is still C(CREATING) or C(UPDATING) is waited for (O(wait_timeout)) before the
    add-on is created or changed, unless O(wait=false), which fails clearly instead.
  - Options that are not set (V(null)) are not managed and keep their current value.
  - Check mode makes only C(Describe*)/C(List*) calls. Diff mode shows the compared settings.
  - amazon.aws and community.aws have no module for EKS add-ons.
options:
  cluster_name:
    description: Name of the EKS cluster.
    type: str
    required: true
  name:
    description: Name of the add-on, for example V(vpc-cni), V(coredns), V(kube-proxy),
      V(eks-pod-identity-agent) or V(aws-ebs-csi-driver).
    type: str
    required: true
    aliases: [addon_name]
  addon_version:
    description:
      - Version of the add-on, for example V(v1.20.4-eksbuild.2). Required with O(state=present).
    type: str
  configuration_values:
    description:
      - Configuration of the add-on (a dict; sent as JSON and compared as data, so key order and
        formatting do not matter). V({}) removes the configuration.
    type: dict
  service_account_role_arn:
    description:
      - IAM role of the add-on's service account (IRSA). An empty string removes it.
    type: str
  pod_identity_associations:
    description:
      - The add-on's Pod Identity associations (EKS creates and deletes them with the add-on); an empty
        list removes them all.
    type: list
    elements: dict
    suboptions:
      service_account:
        description: Kubernetes service account of the add-on.
        type: str
        required: true
      role_arn:
        description: IAM role the service account's pods get.
        type: str
        required: true
  resolve_conflicts:
    description:
      - How EKS resolves conflicts with changes made in the cluster to the add-on's Kubernetes
        objects, when it creates or updates the add-on.
    type: str
    choices: [OVERWRITE, PRESERVE, NONE]
    default: OVERWRITE
  preserve:
    description:
      - With O(state=absent), keep the add-on's Kubernetes objects in the cluster (EKS stops managing
        them).
    type: bool
    default: false
  state:
    description: Whether the add-on exists.
    type: str
    choices: [present, absent]
    default: present
  wait:
    description:
      - Wait until the add-on is C(ACTIVE) after a create or update, or gone after a delete.
      - The module always waits before an update for the add-on to be C(ACTIVE), before a delete for
        it to finish C(CREATING) or C(UPDATING), and for a C(CREATING) or C(UPDATING) cluster before it
        creates or changes the add-on.
    type: bool
    default: true
  wait_timeout:
    description: How many seconds each wait may take before the module fails.
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
- name: VPC CNI with Pod Identity
  fastish.platform.eks_addon:
    cluster_name: acme-data-analytics-eks
    name: vpc-cni
    addon_version: v1.20.4-eksbuild.2
    configuration_values:
      env:
        ENABLE_PREFIX_DELEGATION: "true"
    pod_identity_associations:
      - service_account: aws-node
        role_arn: arn:aws:iam::123456789012:role/acme-data-analytics-vpc-cni
    tags:
      Team: data

- name: Remove CoreDNS from EKS management, keeping it running
  fastish.platform.eks_addon:
    cluster_name: acme-data-analytics-eks
    name: coredns
    state: absent
    preserve: true
"""

RETURN = r"""
addon:
  description:
    - The add-on (C(DescribeAddon) in snake_case) after the change; in check mode what it would be.
      Empty when it does not exist (any more).
  returned: always
  type: dict
  contains:
    addon_name: {description: Name of the add-on., type: str, sample: vpc-cni}
    cluster_name: {description: Name of the cluster., type: str}
    addon_arn: {description: ARN of the add-on., type: str}
    addon_version: {description: Version of the add-on., type: str, sample: v1.20.4-eksbuild.2}
    status: {description: "CREATING, ACTIVE, UPDATING, DELETING, DEGRADED or a *_FAILED state.", type: str}
    configuration_values:
      description: The configuration, as data (parsed from EKS's JSON or YAML string).
      type: dict
    service_account_role_arn: {description: IAM role of the service account., type: str}
    pod_identity_associations:
      description: The add-on's Pod Identity associations.
      type: list
      elements: dict
      contains:
        service_account: {description: Service account., type: str}
        role_arn: {description: IAM role., type: str}
        association_id: {description: Id of the association., type: str}
        association_arn: {description: ARN of the association., type: str}
    health: {description: Health issues EKS reports., type: dict}
    tags: {description: Tags of the add-on., type: dict}
    created_at: {description: Creation time (ISO 8601)., type: str}
    modified_at: {description: Last change (ISO 8601)., type: str}
"""

import json

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.fastish.platform.plugins.module_utils import eks_api
from ansible_collections.fastish.platform.plugins.module_utils.eks_api import ACTIVE, EksApiError, snake

FAILED_STATES = ("CREATE_FAILED", "UPDATE_FAILED", "DELETE_FAILED", "DEGRADED")
TRANSITIONAL = ("CREATING", "UPDATING")


def parse_configuration(text):
    """EKS's configurationValues (JSON or YAML text) as data; {} when there is none."""
    if not text:
        return {}
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        import yaml

        return yaml.safe_load(text) or {}
    except Exception:  # pylint: disable=broad-except
        return {"_unparsed": text}


class AddonManager(eks_api.ClusterResource):
    def __init__(self, module, eks):
        super().__init__(module, eks)
        self.name = self.params["name"]
        self.label = f"add-on {self.name} of EKS cluster {self.cluster_name}"
        self.ids = {"clusterName": self.cluster_name, "addonName": self.name}

    # ---- reading ----------------------------------------------------------------------------------------

    def find(self):
        found = self.eks.get(f"read {self.label}", "describe_addon", **self.ids)
        return found["addon"] if found else None

    def associations(self, addon):
        """[{service_account, role_arn, association_id, association_arn}] of the add-on's associations."""
        result = []
        for arn in addon.get("podIdentityAssociations") or []:
            association_id = arn.rsplit("/", 1)[-1]
            found = self.eks.get(
                f"read Pod Identity association {association_id} of {self.label}",
                "describe_pod_identity_association",
                clusterName=self.cluster_name,
                associationId=association_id,
            )
            if found:
                association = found["association"]
                result.append(
                    {
                        "service_account": association.get("serviceAccount"),
                        "role_arn": association.get("roleArn"),
                        "association_id": association.get("associationId"),
                        "association_arn": association.get("associationArn"),
                    }
                )
        return sorted(result, key=lambda a: a["service_account"] or "")

    def view(self, addon):
        if not addon:
            return {}
        result = snake({k: v for k, v in addon.items() if k != "podIdentityAssociations"})
        result["configuration_values"] = parse_configuration(addon.get("configurationValues"))
        result["pod_identity_associations"] = self.associations(addon)
        result["tags"] = dict(addon.get("tags") or {})
        return result

    @staticmethod
    def settings(view):
        """The compared settings of a view()."""
        return {
            "addon_version": view.get("addon_version"),
            "configuration_values": view.get("configuration_values") or {},
            "service_account_role_arn": view.get("service_account_role_arn") or "",
            "pod_identity_associations": [
                {"service_account": a["service_account"], "role_arn": a["role_arn"]}
                for a in view.get("pod_identity_associations") or []
            ],
            "tags": dict(view.get("tags") or {}),
        }

    def wanted(self, have):
        """The settings the module wants, starting from ``have`` (what is not given is kept)."""
        p = self.params
        want = dict(have)
        want["addon_version"] = p["addon_version"]
        if p["configuration_values"] is not None:
            want["configuration_values"] = p["configuration_values"]
        if p["service_account_role_arn"] is not None:
            want["service_account_role_arn"] = p["service_account_role_arn"]
        if p["pod_identity_associations"] is not None:
            want["pod_identity_associations"] = sorted(
                (
                    {"service_account": a["service_account"], "role_arn": a["role_arn"]}
                    for a in p["pod_identity_associations"]
                ),
                key=lambda a: a["service_account"],
            )
        to_set, to_remove = self.eks.tag_changes(have["tags"], p["tags"], p["purge_tags"])
        want["tags"] = eks_api.tags_after(have["tags"], to_set, to_remove)
        return want

    def check_version(self, cluster):
        """Fail before any change when EKS has no such version of the add-on for the cluster."""
        version = self.params["addon_version"]
        kubernetes = (cluster or {}).get("version")
        kwargs = {"addonName": self.name}
        if kubernetes:
            kwargs["kubernetesVersion"] = kubernetes
        infos = self.eks.paginate(
            f"read the versions of EKS add-on {self.name}", "describe_addon_versions", "addons", **kwargs
        )
        offered = [v.get("addonVersion") for info in infos for v in info.get("addonVersions") or []]
        if version not in offered:
            where = f" for Kubernetes {kubernetes}" if kubernetes else ""
            raise EksApiError(
                f"EKS offers no version {version} of add-on {self.name}{where} "
                f"(cluster {self.cluster_name}); available: {', '.join(offered) or 'none'}"
            )

    # ---- waiting ----------------------------------------------------------------------------------------

    def wait_status(self, wanted, *, gone=False):
        """Wait until the add-on is ``wanted`` (or gone); fail on a *_FAILED/DEGRADED state."""

        def probe():
            addon = self.find()
            if addon is None:
                if gone:
                    return True, "gone"
                raise EksApiError(f"The {self.label} disappeared while waiting for it to be {wanted}")
            status = addon.get("status")
            if status in FAILED_STATES and not (gone and status == "DEGRADED"):
                issues = "; ".join(
                    f"{i.get('code')}: {i.get('message')}"
                    for i in (addon.get("health") or {}).get("issues") or []
                )
                raise EksApiError(f"The {self.label} is {status}: {issues or 'no details from EKS'}")
            return (not gone and status == wanted), status

        what = f"the {self.label} to be " + ("deleted" if gone else wanted)
        self.eks.wait_for(what, probe, self.params["wait_timeout"])

    def wait_settled(self):
        """Wait until the add-on is neither CREATING nor UPDATING (any other state will do)."""

        def probe():
            addon = self.find()
            status = addon.get("status") if addon else "gone"
            return status not in TRANSITIONAL, status

        self.eks.wait_for(
            f"the {self.label} to finish {', '.join(TRANSITIONAL).lower()}",
            probe,
            self.params["wait_timeout"],
        )

    # ---- changes ----------------------------------------------------------------------------------------

    def create(self, want):
        p = self.params
        request = {
            **self.ids,
            "addonVersion": want["addon_version"],
            "resolveConflicts": p["resolve_conflicts"],
        }
        if want["configuration_values"]:
            request["configurationValues"] = json.dumps(want["configuration_values"], sort_keys=True)
        if want["service_account_role_arn"]:
            request["serviceAccountRoleArn"] = want["service_account_role_arn"]
        if want["pod_identity_associations"]:
            request["podIdentityAssociations"] = [
                {"serviceAccount": a["service_account"], "roleArn": a["role_arn"]}
                for a in want["pod_identity_associations"]
            ]
        if want["tags"]:
            request["tags"] = want["tags"]
        self.eks.call(f"create {self.label}", "create_addon", **request)
        if p["wait"]:
            self.wait_status(ACTIVE)

    def update(self, addon, have, want):
        p = self.params
        request = {}
        if want["addon_version"] != have["addon_version"]:
            request["addonVersion"] = want["addon_version"]
        if want["configuration_values"] != have["configuration_values"]:
            request["configurationValues"] = json.dumps(want["configuration_values"], sort_keys=True)
        if want["service_account_role_arn"] != have["service_account_role_arn"]:
            request["serviceAccountRoleArn"] = want["service_account_role_arn"]
        if want["pod_identity_associations"] != have["pod_identity_associations"]:
            request["podIdentityAssociations"] = [
                {"serviceAccount": a["service_account"], "roleArn": a["role_arn"]}
                for a in want["pod_identity_associations"]
            ]
        to_set, to_remove = self.eks.tag_changes(have["tags"], p["tags"], p["purge_tags"])
        self.eks.retag(self.label, addon["addonArn"], to_set, to_remove)
        if request:
            if addon.get("status") != ACTIVE:
                self.wait_status(ACTIVE)
            self.eks.call(
                f"update {self.label}",
                "update_addon",
                **self.ids,
                resolveConflicts=p["resolve_conflicts"],
                **request,
            )
            if p["wait"]:
                self.wait_status(ACTIVE)

    # ---- states -----------------------------------------------------------------------------------------

    def present(self):
        p = self.params
        cluster = self.ready_cluster(f"manage its {self.label}")
        addon = self.find() if cluster else None
        if addon is not None and addon.get("status") == "DELETING":
            if self.module.check_mode:
                addon = None
            else:  # it is going away: wait until it is gone, then create it again
                self.wait_status(None, gone=True)
                addon = None
        before = self.view(addon)
        have = self.settings(before) if addon else self.settings({})
        want = self.wanted(have)
        if addon is None or want["addon_version"] != have["addon_version"]:
            self.check_version(cluster)
        changed = addon is None or want != have
        diff = {"before": have if addon else {}, "after": want}
        if self.module.check_mode or not changed:
            after = dict(before) if addon else {"addon_name": self.name, "cluster_name": self.cluster_name}
            if changed:
                after.update({k: v for k, v in want.items() if k != "pod_identity_associations"})
                after["pod_identity_associations"] = want["pod_identity_associations"]
            if not changed and p["wait"] and addon.get("status") != ACTIVE and not self.module.check_mode:
                self.wait_status(ACTIVE)
                after = self.view(self.find())
            return changed, after, diff
        if addon is None:
            self.create(want)
        else:
            self.update(addon, have, want)
        return True, self.view(self.find()), diff

    def absent(self):
        p = self.params
        addon = self.existing()
        if addon is None:
            return False, {}, {"before": {}, "after": {}}
        before = self.view(addon)
        diff = {"before": self.settings(before), "after": {}}
        if addon.get("status") == "DELETING":
            if p["wait"] and not self.module.check_mode:
                self.wait_status(None, gone=True)
            return False, {}, {"before": {}, "after": {}}
        if self.module.check_mode:
            return True, {}, diff
        if addon.get("status") in TRANSITIONAL:  # let EKS finish what it is doing first
            self.wait_settled()
        self.eks.call(f"delete {self.label}", "delete_addon", **self.ids, preserve=p["preserve"])
        if p["wait"]:
            self.wait_status(None, gone=True)
        return True, {}, diff


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "cluster_name": {"type": "str", "required": True},
            "name": {"type": "str", "required": True, "aliases": ["addon_name"]},
            "addon_version": {"type": "str"},
            "configuration_values": {"type": "dict"},
            "service_account_role_arn": {"type": "str"},
            "pod_identity_associations": {
                "type": "list",
                "elements": "dict",
                "options": {
                    "service_account": {"type": "str", "required": True},
                    "role_arn": {"type": "str", "required": True},
                },
            },
            "resolve_conflicts": {
                "type": "str",
                "choices": ["OVERWRITE", "PRESERVE", "NONE"],
                "default": "OVERWRITE",
            },
            "preserve": {"type": "bool", "default": False},
            **eks_api.resource_options(),
        },
        required_if=[["state", "present", ["addon_version"]]],
        supports_check_mode=True,
    )
    accounts = [a["service_account"] for a in module.params["pod_identity_associations"] or []]
    if len(accounts) != len(set(accounts)):
        module.fail_json(msg=f"pod_identity_associations name a service account twice: {accounts}")
    if module.params["state"] == "present" and not module.params["addon_version"]:
        module.fail_json(msg="addon_version is required with state=present (pin the add-on's version)")
    changed, addon, diff = eks_api.converge(module, AddonManager(module, eks_api.Eks.of(module)))
    module.exit_json(changed=changed, addon=addon, diff=diff)


if __name__ == "__main__":
    main()
