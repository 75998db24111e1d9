#!/usr/bin/python
"""An Amazon EKS managed node group, with a launch template and an AMI type of its own (AL2023 and
Bottlerocket), labels and taints, waited for through its lifecycle."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: eks_nodegroup
short_description: Manage an Amazon EKS managed node group
version_added: "0.4.0"
description:
  - Creates, updates or deletes an EKS managed node group. Unlike C(community.aws.eks_nodegroup) it
    accepts every AMI type EKS offers (C(AL2023_*) and C(BOTTLEROCKET_*) included), lets EKS choose the
    AMI and the instance types while the disks and instance metadata come from a launch template
    (O(ami_type) and O(instance_types) together with O(launch_template), as EKS allows when the template
    names neither an AMI nor an instance type), compares label and taint values (not only keys), and
    rolls the nodes to a new launch template version.
  - "Existing node groups are changed with at most two updates, each waited for: the scaling,
    update, label and taint settings together (C(UpdateNodegroupConfig)), then the launch template
    version, Kubernetes version or release version (C(UpdateNodegroupVersion), a rolling replacement
    of the nodes). Before an update the module waits until the node group is C(ACTIVE)."
  - "Settings EKS cannot change on an existing node group fail before anything is changed, naming the
    setting: the node role, subnets, AMI type, instance types, capacity type, disk size and the launch
    template itself (another name or id). Replace such a node group under another name."
  - Check mode makes only C(Describe*)/C(List*) calls. Diff mode shows the compared settings.
options:
  cluster_name:
    description: Name of the EKS cluster.
    type: str
    required: true
  name:
    description: Name of the node group.
    type: str
    required: true
  state:
    description: Whether the node group exists.
    type: str
    choices: [present, absent]
    default: present
  node_role_arn:
    description: ARN of the IAM role of the nodes. Required with O(state=present); cannot change.
    type: str
  subnet_ids:
    description: Subnets the nodes are launched in. Required with O(state=present); cannot change.
    type: list
    elements: str
  scaling_config:
    description: Sizes of the node group's Auto Scaling group.
    type: dict
    default: {min_size: 1, max_size: 2, desired_size: 1}
    suboptions:
      min_size:
        description: Smallest number of nodes.
        type: int
        required: true
      max_size:
        description: Largest number of nodes.
        type: int
        required: true
      desired_size:
        description: Number of nodes wanted now, between the two.
        type: int
        required: true
  ami_type:
    description:
      - AMI type; EKS picks the AMI of the cluster's version. Not set lets EKS choose
        (C(AL2023_x86_64_STANDARD) on recent versions) and is not compared. Cannot change.
      - Leave it unset when the launch template names an AMI (C(CUSTOM)).
    type: str
    choices:
      - AL2_x86_64
      - AL2_x86_64_GPU
      - AL2_ARM_64
      - CUSTOM
      - BOTTLEROCKET_ARM_64
      - BOTTLEROCKET_x86_64
      - BOTTLEROCKET_ARM_64_FIPS
      - BOTTLEROCKET_x86_64_FIPS
      - BOTTLEROCKET_ARM_64_NVIDIA
      - BOTTLEROCKET_x86_64_NVIDIA
      - WINDOWS_CORE_2019_x86_64
      - WINDOWS_FULL_2019_x86_64
      - WINDOWS_CORE_2022_x86_64
      - WINDOWS_FULL_2022_x86_64
      - AL2023_x86_64_STANDARD
      - AL2023_ARM_64_STANDARD
      - AL2023_x86_64_NEURON
      - AL2023_x86_64_NVIDIA
      - AL2023_ARM_64_NVIDIA
  instance_types:
    description:
      - Instance types, in order of preference. Not set lets EKS choose (C(t3.medium)) and is not compared.
        Cannot change.
      - Leave it unset when the launch template names an instance type.
    type: list
    elements: str
  capacity_type:
    description: On-demand or Spot nodes. Cannot change.
    type: str
    choices: [ON_DEMAND, SPOT, CAPACITY_BLOCK]
    default: ON_DEMAND
  disk_size:
    description:
      - Root disk size in GiB, only without O(launch_template) (the template's block devices decide
        otherwise). Not set is not compared. Cannot change.
    type: int
  launch_template:
    description:
      - The launch template of the nodes, by O(launch_template.id) or O(launch_template.name), and its
        version. Another template cannot replace the one a node group was created with; another version
        rolls the nodes to it.
    type: dict
    suboptions:
      id:
        description: ID of the launch template.
        type: str
      name:
        description: Name of the launch template.
        type: str
      version:
        description:
          - Version of the template (a number).
          - Not set uses the template's default version at creation and is not compared later.
        type: str
  labels:
    description:
      - Kubernetes labels of the nodes. Labels not listed are removed; values are compared.
    type: dict
    default: {}
  taints:
    description:
      - Kubernetes taints of the nodes. Taints not listed are removed.
    type: list
    elements: dict
    default: []
    suboptions:
      key:
        description: Key of the taint.
        type: str
        required: true
      value:
        description: Value of the taint.
        type: str
      effect:
        description: Effect of the taint.
        type: str
        required: true
        choices: [NO_SCHEDULE, NO_EXECUTE, PREFER_NO_SCHEDULE]
  update_config:
    description: How many nodes may be unavailable while the nodes are replaced (one of the two).
    type: dict
    default: {max_unavailable: 1}
    suboptions:
      max_unavailable:
        description: A number of nodes.
        type: int
      max_unavailable_percentage:
        description: A percentage of the nodes.
        type: int
  version:
    description:
      - Kubernetes version of the nodes (C(major.minor)). Not set takes the cluster's version at creation
        and is not compared later. A different version upgrades the nodes (C(UpdateNodegroupVersion)).
    type: str
  release_version:
    description: AMI release version. Not set takes the latest at creation and is not compared later.
    type: str
  wait:
    description:
      - Wait until the node group is C(ACTIVE) after creating or updating it, and until it is gone after
        deleting it.
    type: bool
    default: true
  wait_timeout:
    description: How many seconds each wait may take before the module fails.
    type: int
    default: 1800
author:
  - fastish maintainers
notes:
  - Tags go on the node group only; the tags of the instances and volumes come from the launch template.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: System node group on Bottlerocket, disks from the launch template
  fastish.platform.eks_nodegroup:
    cluster_name: acme-data-analytics-eks
    name: acme-data-analytics-system
    node_role_arn: arn:aws:iam::123456789012:role/acme-data-analytics-eks-node
    subnet_ids: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002, subnet-0a1b2c3d4e5f60003]
    ami_type: BOTTLEROCKET_x86_64
    instance_types: [m7i.large]
    launch_template:
      id: lt-0123456789abcdef0
      version: "1"
    scaling_config: {min_size: 2, max_size: 4, desired_size: 2}
    labels:
      fastish.io/pool: system
    update_config:
      max_unavailable: 1
    tags:
      fastish:release: analytics

- name: Remove it (waits until it is gone)
  fastish.platform.eks_nodegroup:
    cluster_name: acme-data-analytics-eks
    name: acme-data-analytics-system
    state: absent
"""

RETURN = r"""
nodegroup:
  description: The node group after the change (in check mode, what it would be). Empty when absent.
  returned: always
  type: dict
  contains:
    name: {description: Name., type: str}
    arn: {description: ARN., type: str}
    status:
      description: "CREATING, ACTIVE, UPDATING, DELETING, CREATE_FAILED, DELETE_FAILED or DEGRADED."
      type: str
    version: {description: Kubernetes version., type: str}
    release_version: {description: AMI release version., type: str}
    ami_type: {description: AMI type., type: str}
    instance_types: {description: Instance types., type: list, elements: str}
    capacity_type: {description: Capacity type., type: str}
    scaling_config: {description: "min_size, max_size, desired_size.", type: dict}
    update_config: {description: max_unavailable or max_unavailable_percentage., type: dict}
    subnet_ids: {description: Subnets., type: list, elements: str}
    node_role_arn: {description: IAM role of the nodes., type: str}
    labels: {description: Kubernetes labels., type: dict}
    taints: {description: Kubernetes taints (key, value, effect)., type: list, elements: dict}
    launch_template: {description: "id, name and version of the launch template.", type: dict}
    autoscaling_group_names:
      description: Auto Scaling groups EKS made for the nodes.
      type: list
      elements: str
    health_issues: {description: Health issues EKS reports., type: list, elements: dict}
    tags: {description: Tags., type: dict}
updates:
  description: The changes made (in check mode, that would be made), in order.
  returned: always
  type: list
  elements: str
  sample: ["config (scaling, labels)", "launch template version 2"]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.fastish.platform.plugins.module_utils import eks_api
from ansible_collections.fastish.platform.plugins.module_utils.eks_api import ACTIVE, EksApiError

DEGRADED = "DEGRADED"
BUSY = ("CREATING", "UPDATING", "DELETING")
FAILED = ("CREATE_FAILED", "DELETE_FAILED")


def taint_key(taint):
    """Taints are identified by key and effect (Kubernetes allows one of each pair)."""
    return (taint["key"], taint["effect"])


def wanted_taints(params):
    return [
        {
            k: v
            for k, v in (("key", t["key"]), ("value", t.get("value")), ("effect", t["effect"]))
            if v is not None
        }
        for t in params["taints"] or []
    ]


def wanted_update_config(params):
    config = params["update_config"] or {}
    if config.get("max_unavailable_percentage") is not None:
        return {"maxUnavailablePercentage": config["max_unavailable_percentage"]}
    return {"maxUnavailable": config.get("max_unavailable") or 1}


def wanted_scaling(params):
    s = params["scaling_config"]
    return {"minSize": s["min_size"], "maxSize": s["max_size"], "desiredSize": s["desired_size"]}


def config_changes(current, params):
    """The UpdateNodegroupConfig request parts (labels, taints, scalingConfig, updateConfig) that differ."""
    changes = {}
    labels_now = current.get("labels") or {}
    labels_wanted = {k: str(v) for k, v in (params["labels"] or {}).items()}
    add = {k: v for k, v in labels_wanted.items() if labels_now.get(k) != v}
    remove = sorted(k for k in labels_now if k not in labels_wanted)
    if add or remove:
        changes["labels"] = {
            **({"addOrUpdateLabels": add} if add else {}),
            **({"removeLabels": remove} if remove else {}),
        }
    taints_now = {taint_key(t): t.get("value") for t in current.get("taints") or []}
    taints_wanted = {taint_key(t): t.get("value") for t in wanted_taints(params)}
    add_t = [
        t
        for t in wanted_taints(params)
        if taint_key(t) not in taints_now or taints_now[taint_key(t)] != t.get("value")
    ]
    remove_t = [
        {k: v for k, v in t.items() if k in ("key", "value", "effect")}
        for t in current.get("taints") or []
        if taint_key(t) not in taints_wanted
    ]
    if add_t or remove_t:
        changes["taints"] = {
            **({"addOrUpdateTaints": add_t} if add_t else {}),
            **({"removeTaints": remove_t} if remove_t else {}),
        }
    scaling = wanted_scaling(params)
    if {k: (current.get("scalingConfig") or {}).get(k) for k in scaling} != scaling:
        changes["scalingConfig"] = scaling
    update = wanted_update_config(params)
    now = {
        k: v
        for k, v in (current.get("updateConfig") or {}).items()
        if k in ("maxUnavailable", "maxUnavailablePercentage")
    }
    if now != update:
        changes["updateConfig"] = update
    return changes


def version_changes(current, params):
    """The UpdateNodegroupVersion request parts that differ (launch template version, version, release)."""
    changes = {}
    template = params["launch_template"] or {}
    current_template = current.get("launchTemplate") or {}
    if template.get("version") and str(current_template.get("version")) != str(template["version"]):
        changes["launchTemplate"] = {"id": current_template.get("id"), "version": str(template["version"])}
        if not changes["launchTemplate"]["id"]:
            changes["launchTemplate"] = {
                "name": current_template.get("name"),
                "version": str(template["version"]),
            }
    if params["version"] and current.get("version") != params["version"]:
        changes["version"] = params["version"]
    if params["release_version"] and current.get("releaseVersion") != params["release_version"]:
        changes["releaseVersion"] = params["release_version"]
    return changes


def immutable_differences(current, params):
    """Settings EKS cannot change that differ: a list of 'setting: current -> wanted'."""
    diffs = []

    def differs(label, now, wanted):
        if wanted is not None and now != wanted:
            diffs.append(f"{label}: {now} -> {wanted}")

    differs("node_role_arn", current.get("nodeRole"), params["node_role_arn"])
    if params["subnet_ids"] is not None and sorted(current.get("subnets") or []) != sorted(
        params["subnet_ids"]
    ):
        diffs.append(f"subnet_ids: {sorted(current.get('subnets') or [])} -> {sorted(params['subnet_ids'])}")
    differs("ami_type", current.get("amiType"), params["ami_type"])
    differs("instance_types", current.get("instanceTypes"), params["instance_types"])
    differs("capacity_type", current.get("capacityType"), params["capacity_type"])
    if not params["launch_template"]:
        differs("disk_size", current.get("diskSize"), params["disk_size"])
    template = params["launch_template"] or {}
    current_template = current.get("launchTemplate") or {}
    if template and not current_template:
        diffs.append("launch_template: none -> a launch template")
    elif current_template and not template:
        diffs.append(f"launch_template: {current_template.get('name') or current_template.get('id')} -> none")
    else:
        differs("launch_template.id", current_template.get("id"), template.get("id"))
        differs("launch_template.name", current_template.get("name"), template.get("name"))
    return diffs


def describe(nodegroup):
    """The module's view of a node group (snake_case, only what matters)."""
    if not nodegroup:
        return {}
    scaling = nodegroup.get("scalingConfig") or {}
    update = nodegroup.get("updateConfig") or {}
    template = nodegroup.get("launchTemplate") or {}
    return {
        "name": nodegroup.get("nodegroupName"),
        "arn": nodegroup.get("nodegroupArn"),
        "cluster_name": nodegroup.get("clusterName"),
        "status": nodegroup.get("status"),
        "version": nodegroup.get("version"),
        "release_version": nodegroup.get("releaseVersion"),
        "ami_type": nodegroup.get("amiType"),
        "instance_types": nodegroup.get("instanceTypes") or [],
        "capacity_type": nodegroup.get("capacityType"),
        "scaling_config": {
            "min_size": scaling.get("minSize"),
            "max_size": scaling.get("maxSize"),
            "desired_size": scaling.get("desiredSize"),
        },
        "update_config": {
            k: v
            for k, v in (
                ("max_unavailable", update.get("maxUnavailable")),
                ("max_unavailable_percentage", update.get("maxUnavailablePercentage")),
            )
            if v is not None
        },
        "subnet_ids": nodegroup.get("subnets") or [],
        "node_role_arn": nodegroup.get("nodeRole"),
        "labels": nodegroup.get("labels") or {},
        "taints": [dict(t) for t in nodegroup.get("taints") or []],
        "launch_template": {k: template[k] for k in ("id", "name", "version") if template.get(k)},
        "disk_size": None if template else nodegroup.get("diskSize"),
        "autoscaling_group_names": [
            g.get("name") for g in (nodegroup.get("resources") or {}).get("autoScalingGroups") or []
        ],
        "health_issues": (nodegroup.get("health") or {}).get("issues") or [],
        "tags": nodegroup.get("tags") or {},
    }


def comparable(view):
    """The settings diff mode shows."""
    return {
        k: v
        for k, v in view.items()
        if k not in ("arn", "status", "autoscaling_group_names", "health_issues")
    }


class NodegroupManager:
    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.eks = eks_api.Eks.of(module)
        self.label = f"node group {self.params['name']} of cluster {self.params['cluster_name']}"
        self.ids = {"clusterName": self.params["cluster_name"], "nodegroupName": self.params["name"]}

    def get(self):
        found = self.eks.get(f"describe the {self.label}", "describe_nodegroup", **self.ids)
        return found["nodegroup"] if found else None

    def wait_for(self, done, what):
        """Poll until ``done(nodegroup)`` (nodegroup None when gone) is truthy and return that; fail on a
        failed status or timeout."""

        def probe():
            nodegroup = self.get()
            finished = done(nodegroup)
            status = (nodegroup or {}).get("status")
            if not finished and status in FAILED:
                issues = ((nodegroup or {}).get("health") or {}).get("issues") or []
                raise EksApiError(f"The {self.label} is {status} while waiting for it to be {what}: {issues}")
            return finished, status

        return self.eks.wait_for(f"the {self.label} to be {what}", probe, self.params["wait_timeout"])

    def wait_active(self):
        """The node group once it is ACTIVE (or DEGRADED)."""
        return self.wait_for(
            lambda ng: ng if ng and ng.get("status") in (ACTIVE, DEGRADED) else None, "ACTIVE"
        )

    def wait_gone(self, what="deleted"):
        self.wait_for(lambda ng: ng is None, what)

    def create(self):
        p = self.params
        request = {
            "clusterName": p["cluster_name"],
            "nodegroupName": p["name"],
            "nodeRole": p["node_role_arn"],
            "subnets": p["subnet_ids"],
            "scalingConfig": wanted_scaling(p),
            "updateConfig": wanted_update_config(p),
            "capacityType": p["capacity_type"],
            "labels": {k: str(v) for k, v in (p["labels"] or {}).items()},
            "taints": wanted_taints(p),
            "tags": p["tags"] or {},
        }
        optional = {
            "amiType": p["ami_type"],
            "instanceTypes": p["instance_types"],
            "diskSize": p["disk_size"],
            "version": p["version"],
            "releaseVersion": p["release_version"],
        }
        request.update({k: v for k, v in optional.items() if v is not None})
        if p["launch_template"]:
            request["launchTemplate"] = {k: str(v) for k, v in p["launch_template"].items() if v is not None}
        if not request["taints"]:
            del request["taints"]
        nodegroup = self.eks.call(f"create the {self.label}", "create_nodegroup", **request)["nodegroup"]
        return self.wait_active() if p["wait"] else nodegroup

    def update_config(self, changes):
        self.eks.call(
            f"update the configuration of the {self.label}", "update_nodegroup_config", **self.ids, **changes
        )

    def update_version(self, changes):
        self.eks.call(
            f"update the version of the {self.label}", "update_nodegroup_version", **self.ids, **changes
        )

    def update_tags(self, nodegroup):
        tags = nodegroup.get("tags") or {}
        to_set, to_unset = self.eks.tag_changes(tags, self.params["tags"], self.params["purge_tags"])
        if (to_set or to_unset) and not self.module.check_mode:
            self.eks.retag(f"the {self.label}", nodegroup["nodegroupArn"], to_set, to_unset)
        return bool(to_set or to_unset)

    def delete(self, nodegroup):
        if nodegroup.get("status") != "DELETING":  # a node group that is gone meanwhile is fine
            self.eks.get(f"delete the {self.label}", "delete_nodegroup", **self.ids)


def predicted(current, params, config, version):
    """What the node group will look like after the updates (check mode and diff)."""
    view = describe(current)
    if "labels" in config:
        labels = dict(view["labels"])
        labels.update(config["labels"].get("addOrUpdateLabels", {}))
        for key in config["labels"].get("removeLabels", []):
            labels.pop(key, None)
        view["labels"] = labels
    if "taints" in config:
        view["taints"] = wanted_taints(params)
    if "scalingConfig" in config:
        view["scaling_config"] = dict(params["scaling_config"])
    if "updateConfig" in config:
        view["update_config"] = {k: v for k, v in (params["update_config"] or {}).items() if v is not None}
    if "launchTemplate" in version:
        view["launch_template"] = {**view["launch_template"], "version": version["launchTemplate"]["version"]}
    if "version" in version:
        view["version"] = version["version"]
    if "releaseVersion" in version:
        view["release_version"] = version["releaseVersion"]
    if params["tags"] is not None:
        view["tags"] = dict(params["tags"]) if params["purge_tags"] else {**view["tags"], **params["tags"]}
    return view


def would_create(params):
    """The node group a create would make (check mode), with null for what only EKS knows."""
    return {
        "name": params["name"],
        "arn": None,
        "cluster_name": params["cluster_name"],
        "status": None,
        "version": params["version"],
        "release_version": params["release_version"],
        "ami_type": params["ami_type"],
        "instance_types": params["instance_types"] or [],
        "capacity_type": params["capacity_type"],
        "scaling_config": dict(params["scaling_config"]),
        "update_config": {k: v for k, v in (params["update_config"] or {}).items() if v is not None},
        "subnet_ids": params["subnet_ids"] or [],
        "node_role_arn": params["node_role_arn"],
        "labels": {k: str(v) for k, v in (params["labels"] or {}).items()},
        "taints": wanted_taints(params),
        "launch_template": {k: v for k, v in (params["launch_template"] or {}).items() if v is not None},
        "disk_size": None if params["launch_template"] else params["disk_size"],
        "autoscaling_group_names": [],
        "health_issues": [],
        "tags": params["tags"] or {},
    }


def validate(module):
    p = module.params
    if p["state"] != "present":
        return
    missing = [k for k in ("node_role_arn", "subnet_ids") if not p[k]]
    if missing:
        module.fail_json(msg=f"state=present needs {' and '.join(missing)}")
    s = p["scaling_config"]
    if not 0 <= s["min_size"] <= s["desired_size"] <= s["max_size"] or s["max_size"] < 1:
        module.fail_json(
            msg=f"scaling_config needs 0 <= min_size <= desired_size <= max_size and max_size >= 1 (is {s})"
        )
    template = p["launch_template"]
    if template is not None:
        if not (template.get("id") or template.get("name")):
            module.fail_json(msg="launch_template needs id or name")
        if template.get("id") and template.get("name"):
            module.fail_json(msg="launch_template takes id or name, not both")
        if p["disk_size"] is not None:
            module.fail_json(
                msg="disk_size cannot be used with launch_template (set the disks in the template)"
            )
    config = p["update_config"] or {}
    if (config.get("max_unavailable") is None) == (config.get("max_unavailable_percentage") is None):
        module.fail_json(
            msg="update_config takes exactly one of max_unavailable and max_unavailable_percentage"
        )


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "cluster_name": {"type": "str", "required": True},
            "name": {"type": "str", "required": True},
            "node_role_arn": {"type": "str"},
            "subnet_ids": {"type": "list", "elements": "str"},
            "scaling_config": {
                "type": "dict",
                "default": {"min_size": 1, "max_size": 2, "desired_size": 1},
                "options": {
                    "min_size": {"type": "int", "required": True},
                    "max_size": {"type": "int", "required": True},
                    "desired_size": {"type": "int", "required": True},
                },
            },
            "ami_type": {
                "type": "str",
                "choices": [
                    "AL2_x86_64",
                    "AL2_x86_64_GPU",
                    "AL2_ARM_64",
                    "CUSTOM",
                    "BOTTLEROCKET_ARM_64",
                    "BOTTLEROCKET_x86_64",
                    "BOTTLEROCKET_ARM_64_FIPS",
                    "BOTTLEROCKET_x86_64_FIPS",
                    "BOTTLEROCKET_ARM_64_NVIDIA",
                    "BOTTLEROCKET_x86_64_NVIDIA",
                    "WINDOWS_CORE_2019_x86_64",
                    "WINDOWS_FULL_2019_x86_64",
                    "WINDOWS_CORE_2022_x86_64",
                    "WINDOWS_FULL_2022_x86_64",
                    "AL2023_x86_64_STANDARD",
                    "AL2023_ARM_64_STANDARD",
                    "AL2023_x86_64_NEURON",
                    "AL2023_x86_64_NVIDIA",
                    "AL2023_ARM_64_NVIDIA",
                ],
            },
            "instance_types": {"type": "list", "elements": "str"},
            "capacity_type": {
                "type": "str",
                "default": "ON_DEMAND",
                "choices": ["ON_DEMAND", "SPOT", "CAPACITY_BLOCK"],
            },
            "disk_size": {"type": "int"},
            "launch_template": {
                "type": "dict",
                "options": {"id": {"type": "str"}, "name": {"type": "str"}, "version": {"type": "str"}},
            },
            "labels": {"type": "dict", "default": {}},
            "taints": {
                "type": "list",
                "elements": "dict",
                "default": [],
                "options": {
                    "key": {"type": "str", "required": True, "no_log": False},
                    "value": {"type": "str"},
                    "effect": {
                        "type": "str",
                        "required": True,
                        "choices": ["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"],
                    },
                },
            },
            "update_config": {
                "type": "dict",
                "default": {"max_unavailable": 1},
                "options": {
                    "max_unavailable": {"type": "int"},
                    "max_unavailable_percentage": {"type": "int"},
                },
            },
            "version": {"type": "str"},
            "release_version": {"type": "str"},
            **eks_api.resource_options(wait_timeout=1800),
        },
        supports_check_mode=True,
    )
    validate(module)
    manager = NodegroupManager(module)
    try:
        result = run(module, manager)
    except EksApiError as e:
        eks_api.fail(module, e)
    module.exit_json(**result)


def run(module, manager):
    p = module.params
    check = module.check_mode
    current = manager.get()
    before = comparable(describe(current)) if current and current.get("status") != "DELETING" else {}

    if p["state"] == "absent":
        if current is None:
            return {"changed": False, "nodegroup": {}, "updates": [], "diff": {"before": {}, "after": {}}}
        changed = current.get("status") != "DELETING"
        if not check:
            manager.delete(current)
            if p["wait"]:
                manager.wait_gone()
        return {
            "changed": changed,
            "nodegroup": {},
            "updates": ["delete"] if changed else [],
            "diff": {"before": before, "after": {}},
        }

    if current is not None and current.get("status") == "DELETING":
        if not check:
            manager.wait_gone("deleted (it was deleted)")
        current = None
    if current is None:
        view = would_create(p) if check else describe(manager.create())
        return {
            "changed": True,
            "nodegroup": view,
            "updates": ["create"],
            "diff": {"before": {}, "after": comparable(view)},
        }

    if current.get("status") in FAILED:
        raise EksApiError(
            f"The {manager.label} is {current['status']} ({(current.get('health') or {}).get('issues')}); "
            "delete it and run again"
        )
    immutable = immutable_differences(current, p)
    if immutable:
        raise EksApiError(
            f"The {manager.label} exists with settings EKS cannot change: {'; '.join(immutable)}. "
            "Give the node group another name to replace it, or restore the earlier values. "
            "Nothing was changed."
        )
    config = config_changes(current, p)
    version = version_changes(current, p)
    updates = []
    if config:
        updates.append(f"config ({', '.join(sorted(config))})")
    if version:
        updates.append("version (" + ", ".join(sorted(version)) + ")")
    view = predicted(current, p, config, version)
    tags_changed = False
    if not check:
        if (config or version) and current.get("status") in BUSY:
            current = manager.wait_active()
        if config:
            manager.update_config(config)
            manager.wait_active()
        if version:
            manager.update_version(version)
            if p["wait"] or config:
                manager.wait_active()
        tags_changed = manager.update_tags(current)
        latest = manager.get()
        if latest is not None:
            view = describe(latest)
    else:
        tags_changed = manager.update_tags(current)
    if tags_changed:
        updates.append("tags")
    return {
        "changed": bool(updates),
        "nodegroup": view,
        "updates": updates,
        "diff": {"before": before, "after": comparable(view)},
    }


if __name__ == "__main__":
    main()
