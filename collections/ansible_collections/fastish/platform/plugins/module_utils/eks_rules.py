# Copyright: fastish maintainers
# Apache License 2.0 (see the collection's galaxy.yml)
"""Inventory rules of druid releases: the EKS cluster, its system node group, the Karpenter node
pools and the cluster add-ons (defaults in ``group_vars/all/eks.yml``).

Pure Python, no Ansible imports; :mod:`inventory_rules` calls :func:`eks_problems` for the schema
formats of :data:`EKS_FORMATS` and :func:`absolute_path_problem` for ``format: absolute_path``.
Each function returns the problems as sentences without the host and the fix (the caller adds
both); every sentence names the variable with its index and key, e.g.
``fastish_karpenter_node_pools[0] (default).capacity_types``.

Limits chosen by the platform (the AWS limit is given where it differs):

- public access CIDRs: at most 40 (the EKS quota, not adjustable), public IPv4 blocks only, none
  wider than a /8 (0.0.0.0/0 is refused with its own message: an open control plane);
- system node group: 0 <= min_size <= desired_size <= max_size <= 100 and desired_size >= 1
  (the group runs CoreDNS, Karpenter and the add-on controllers only; application pods run on
  Karpenter's nodes; EKS allows 450 nodes per managed node group by default);
- disks of 20 to 16384 GiB (gp3's maximum);
- Karpenter durations as the NodePool CRD accepts them (whole numbers of s, m and h, or Never);
- ``fastish_kubeconfig`` and ``fastish_unavailable_services`` only where ``fastish_aws_endpoint_url``
  is the local cloud (a loopback URL), see :data:`LOCAL_CLOUD_ONLY`.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "AMI_TYPES",
    "ARCHITECTURES",
    "CAPACITY_TYPES",
    "CLUSTER_ADDONS",
    "CONSOLIDATION_POLICIES",
    "CONTROL_PLANE_LOG_TYPES",
    "DISK_SIZE_GIB",
    "EKS_FORMATS",
    "LOCAL_CLOUD_ONLY",
    "MAX_PUBLIC_ACCESS_CIDRS",
    "MAX_SYSTEM_NODES",
    "NODE_POOL_KEYS",
    "PLATFORM_NAMESPACES",
    "SYSTEM_NODE_KEYS",
    "UNAVAILABLE_SERVICES",
    "absolute_path_problem",
    "cluster_addon_problems",
    "control_plane_log_problems",
    "eks_problems",
    "family_architecture",
    "local_cloud_only_problem",
    "node_pool_problems",
    "public_access_cidr_problems",
    "system_node_problems",
    "team_namespace_problems",
    "unavailable_service_problems",
]

CONTROL_PLANE_LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
# ami_type of the managed node group -> the architecture of its nodes (Karpenter's names).
AMI_TYPES = {
    "BOTTLEROCKET_x86_64": "amd64",
    "BOTTLEROCKET_ARM_64": "arm64",
    "AL2023_x86_64_STANDARD": "amd64",
    "AL2023_ARM_64_STANDARD": "arm64",
}
SYSTEM_NODE_KEYS = ("ami_type", "instance_types", "min_size", "max_size", "desired_size", "disk_size_gib")
NODE_POOL_KEYS = (
    "name",
    "instance_families",
    "capacity_types",
    "architectures",
    "cpu_limit",
    "memory_limit_gib",
    "consolidation_policy",
    "consolidate_after",
    "disruption_budget_nodes",
    "expire_after",
    "disk_size_gib",
)
# karpenter.sh/capacity-type values of Karpenter v1 (reserved: capacity reservations, v1.3+).
CAPACITY_TYPES = ("on-demand", "spot", "reserved")
ARCHITECTURES = ("amd64", "arm64")
CONSOLIDATION_POLICIES = ("WhenEmpty", "WhenEmptyOrUnderutilized")
CLUSTER_ADDONS = (
    "aws-load-balancer-controller",
    "metrics-server",
    "cert-manager",
    "external-dns",
    "external-secrets",
)
# Namespaces of the platform's controllers (roles/cluster_addons' catalogue; karpenter: the chart's
# usual namespace, should karpenter_namespace leave kube-system): edit rights there would hand a
# team the controllers' service accounts and so their Pod Identity AWS permissions. (kube-* is
# reserved by Kubernetes.)
PLATFORM_NAMESPACES = ("karpenter", "cert-manager", "external-dns", "external-secrets")
# What fastish_unavailable_services may name (inventories/local): the reason is printed instead.
UNAVAILABLE_SERVICES = ("amplify", "helm_repositories")
# Variables that only the local cloud's inventory may set: on AWS, a kubeconfig of the inventory
# would send the cluster's manifests to whatever cluster it names, and an "unavailable" service
# would silently skip part of a real release.
LOCAL_CLOUD_ONLY = ("fastish_kubeconfig", "fastish_unavailable_services")

MAX_PUBLIC_ACCESS_CIDRS = 40
MAX_SYSTEM_NODES = 100
DISK_SIZE_GIB = (20, 16384)
_WIDEST_PUBLIC_PREFIX = 8
_DNS_LABEL_MAX = 63

_DNS_LABEL_RE = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", re.ASCII)
_FAMILY_RE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*", re.ASCII)
_SIZE_RE = re.compile(
    r"nano|micro|small|medium|large|xlarge|[1-9][0-9]*xlarge|metal(?:-[1-9][0-9]*xl)?", re.ASCII
)
# series, generation, and the attribute letters that follow the generation (g: Graviton).
_GENERATION_RE = re.compile(
    r"(?P<series>[a-z]+)(?P<generation>[0-9]+)(?P<attributes>[a-z]*)(?P<rest>(?:-[a-z0-9]+)*)"
)
_DURATION_RE = re.compile(r"(?:[0-9]+[smh])+", re.ASCII)
_BUDGET_RE = re.compile(r"(?:100|[0-9]{1,2})%|[0-9]+", re.ASCII)
# Source addresses that never reach a public endpoint over the internet.
_NOT_PUBLIC = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "224.0.0.0/4",
        "240.0.0.0/4",
    )
)


# --------------------------------------------------------------------------- helpers


def _show(value: Any) -> str:
    """A value for a message: YAML-like for booleans and null, repr otherwise, cut at 60 characters."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "the boolean"
    if isinstance(value, (int, float)):
        return "the number"
    if isinstance(value, str):
        return "the string"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    return "null" if value is None else f"a {type(value).__name__}"


def _described(value: Any) -> str:
    """``the string 'x'``, ``a list [...]``, ``null``."""
    return "null" if value is None else f"{_kind(value)} {_show(value)}"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _did_you_mean(word: Any, candidates: Iterable[str]) -> str:
    if not isinstance(word, str):
        return ""
    candidates = list(candidates)
    for candidate in candidates:  # a case slip first: controllermanager, Spot, AMD64
        if candidate.lower() == word.strip().lower():
            return f" (did you mean {candidate!r}?)"
    match = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    if not match:  # a candidate with something appended: spot-instances, audit-logs
        match = sorted((c for c in candidates if word.startswith(c)), key=len, reverse=True)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _unknown_keys(where: str, item: Mapping, allowed: tuple[str, ...]) -> list[str]:
    return [
        f"{where} has the unknown key {str(key)!r}{_did_you_mean(str(key), allowed)}; "
        f"the keys are {', '.join(allowed)}"
        for key in sorted(set(item) - set(allowed), key=str)
    ]


def _missing_keys(where: str, item: Mapping, required: tuple[str, ...]) -> list[str]:
    return [f"{where} has no {key}" for key in required if key not in item or item[key] is None]


def _int_problem(where: str, value: Any, low: int, high: int | None = None, why: str = "") -> str | None:
    """A whole number within [low, high] (not a boolean, not a quoted number)."""
    if not _is_int(value):
        hint = " (write it without quotes)" if isinstance(value, str) and value.strip().isdigit() else ""
        return f"{where} is {_described(value)}, not a whole number{hint}"
    if high is None and value < low:
        return f"{where} is {value}, under its minimum of {low}{why}"
    if high is not None and not low <= value <= high:
        return f"{where} is {value}, not between {low} and {high}{why}"
    return None


def _choice_list_problems(
    where: str, values: Any, choices: tuple[str, ...], what: str, *, non_empty: bool
) -> list[str]:
    """A list of unique strings out of ``choices``."""
    if not isinstance(values, (list, tuple)):
        return [f"{where} is {_described(values)}, not a list of {what}"]
    if non_empty and not values:
        return [f"{where} is empty; list at least one of {', '.join(choices)}"]
    problems = []
    seen: dict[str, int] = {}
    for i, value in enumerate(values):
        if value not in choices:
            problems.append(
                f"{where}[{i}] is {_show(value)}, not one of {', '.join(choices)}"
                f"{_did_you_mean(value, choices)}"
            )
        elif value in seen:
            problems.append(
                f"{where}[{i}] {value!r} is also {where}[{seen[value]}]; list each {what[:-1]} once"
            )
        else:
            seen[value] = i
    return problems


def _dns_label_problem(where: str, value: Any, what: str) -> str | None:
    if not isinstance(value, str) or not _DNS_LABEL_RE.fullmatch(value):
        hint = _did_you_mean_label(value)
        return (
            f"{where} is {_show(value)}, not {what}: a DNS label of lowercase letters, digits and '-', "
            f"starting and ending with a letter or digit{hint}"
        )
    if len(value) > _DNS_LABEL_MAX:
        return f"{where} is {len(value)} characters long, over the {_DNS_LABEL_MAX} of a DNS label"
    return None


def _did_you_mean_label(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    label = re.sub(r"[^a-z0-9-]+", "-", value.strip().lower()).strip("-")
    return f" (did you mean {label!r}?)" if label and _DNS_LABEL_RE.fullmatch(label) else ""


def family_architecture(family: str) -> str:
    """``arm64`` for a Graviton instance family, ``amd64`` otherwise.

    Graviton families carry a ``g`` in the attribute letters after their generation (m7g, c7gn,
    t4g, x2gd, im4gn, is4gen, g5g); a1 is the first Graviton; NVIDIA Grace families end in
    ``-gb<n>`` (p6e-gb200). Everything else EKS runs is x86_64.
    """
    if family == "a1":
        return "arm64"
    match = _GENERATION_RE.fullmatch(family)
    if match and ("g" in match["attributes"] or re.search(r"-gb[0-9]", match["rest"])):
        return "arm64"
    return "amd64"


def _family_problem(where: str, family: Any) -> str | None:
    """An EC2 instance family such as m7i, c7gn, m7i-flex (no size)."""
    if isinstance(family, str) and "." in family:
        head, _, size = family.partition(".")
        if _SIZE_RE.fullmatch(size) and _FAMILY_RE.fullmatch(head):
            return f"{where} is {family!r}, an instance type, not an instance family (did you mean {head!r}?)"
    if not isinstance(family, str) or not _FAMILY_RE.fullmatch(family) or not re.search(r"[0-9]", family):
        hint = ""
        if isinstance(family, str) and _FAMILY_RE.fullmatch(family.strip().lower()):
            hint = f" (instance families are lowercase: {family.strip().lower()!r})"
        return (
            f"{where} is {_show(family)}, not an EC2 instance family such as m7i, c7i, r7i or m7g "
            f"(letters, a generation digit, attribute letters){hint}"
        )
    return None


def _instance_type_problem(where: str, name: Any) -> str | None:
    """An EC2 instance type such as m7i.large, c7gn.2xlarge, m7i-flex.xlarge, c7i.metal-24xl."""
    if isinstance(name, str):
        family, dot, size = name.partition(".")
        if dot and _FAMILY_RE.fullmatch(family) and re.search(r"[0-9]", family) and _SIZE_RE.fullmatch(size):
            return None
        if not dot and _FAMILY_RE.fullmatch(name) and re.search(r"[0-9]", name):
            return (
                f"{where} is {name!r}, an instance family, not an instance type "
                f"(add a size, e.g. '{name}.large')"
            )
        lowered = name.strip().lower()
        if lowered != name and _instance_type_problem(where, lowered) is None:
            return f"{where} is {name!r}; instance types are lowercase (did you mean {lowered!r}?)"
    return (
        f"{where} is {_show(name)}, not an EC2 instance type such as m7i.large "
        "(<family>.<size>, the size nano, micro, small, medium, large, xlarge, <n>xlarge or metal)"
    )


def _duration_problem(where: str, value: Any, *, zero: bool) -> str | None:
    """A duration as the Karpenter NodePool CRD takes it: 30s, 5m, 720h, 1h30m, or Never."""
    if isinstance(value, str) and (value == "Never" or _DURATION_RE.fullmatch(value)):
        if not zero and value != "Never" and not any(int(n) for n in re.findall(r"[0-9]+", value)):
            return f"{where} is {value!r}, a zero duration: every node would be replaced as soon as it starts"
        return None
    hint = ""
    if _is_int(value):
        hint = f" (a duration needs a unit: '{value}s', '{value}m' or '{value}h')"
    elif isinstance(value, str) and value.strip().lower() == "never":
        hint = " (write Never with a capital N)"
    elif isinstance(value, str) and re.fullmatch(r"[0-9]+d", value.strip()):
        hint = f" (Karpenter takes no days: {int(value.strip()[:-1]) * 24}h)"
    return (
        f"{where} is {_described(value)}, not a duration of whole numbers of s, m and h "
        f"(e.g. 30s, 1m, 720h, 1h30m) or Never{hint}"
    )


# --------------------------------------------------------------------------- variables


def _relation(net: ipaddress.IPv4Network, block: ipaddress.IPv4Network) -> str:
    if net == block:
        return ""
    return f"which lies in {block}, " if net.subnet_of(block) else f"which overlaps {block}, "


def public_access_cidr_problems(variable: str, cidrs: Any) -> list[str]:
    """``fastish_eks_public_access_cidrs``: public IPv4 blocks, at most 40, never the whole internet."""
    if not isinstance(cidrs, (list, tuple)):
        return [f"{variable} is {_described(cidrs)}, not a list of CIDR blocks"]
    problems: list[str] = []
    if len(cidrs) > MAX_PUBLIC_ACCESS_CIDRS:
        problems.append(
            f"{variable} has {len(cidrs)} blocks; EKS allows at most {MAX_PUBLIC_ACCESS_CIDRS} public access "
            "CIDR blocks per cluster (a quota that cannot be raised): merge neighbouring blocks"
        )
    seen: list[tuple[int, ipaddress.IPv4Network]] = []
    for i, value in enumerate(cidrs):
        where = f"{variable}[{i}]"
        if not isinstance(value, str):
            problems.append(f"{where} is {_described(value)}, not a CIDR block such as '203.0.113.0/24'")
            continue
        text = value.strip()
        try:
            net = ipaddress.ip_network(text, strict=False)
        except ValueError:
            problems.append(f"{where} is {value!r}, not an IPv4 CIDR block such as '203.0.113.0/24'")
            continue
        if not isinstance(net, ipaddress.IPv4Network):
            problems.append(
                f"{where} is {value!r}, an IPv6 block; the platform's clusters are IPv4 clusters, whose "
                "public endpoint takes IPv4 blocks only"
            )
            continue
        if "/" not in text:
            problems.append(
                f"{where} is {value!r}, an address without a prefix length (one address is '{text}/32')"
            )
            continue
        if str(net) != text:
            problems.append(f"{where} is {value!r}, which has host bits set (did you mean {str(net)!r}?)")
            continue
        if net.prefixlen == 0:
            problems.append(
                f"{where} is '0.0.0.0/0', which opens the cluster's Kubernetes API endpoint to the whole "
                "internet: an open control plane can be probed by anyone, for leaked or guessed "
                "credentials and for every API server vulnerability before it is patched; list only the "
                "office or VPN ranges that run ansible-playbook or AWX (e.g. '203.0.113.0/24'), or use an "
                "empty list to keep the endpoint private to the VPC"
            )
            continue
        if net.prefixlen < _WIDEST_PUBLIC_PREFIX:
            problems.append(
                f"{where} is {value!r}, a /{net.prefixlen} of {net.num_addresses:,} addresses: it opens the "
                f"cluster's endpoint to a large part of the internet; list the office or VPN ranges "
                f"(a /{_WIDEST_PUBLIC_PREFIX} at the widest)"
            )
            continue
        private = next((block for block in _NOT_PUBLIC if net.subnet_of(block) or block.subnet_of(net)), None)
        if private is not None:
            problems.append(
                f"{where} is {value!r}, {_relation(net, private)}a range that is not public on the "
                "internet: requests to the public endpoint never come from it (machines inside the VPC "
                "or a peered network use the private endpoint); list the public addresses of the office "
                "or VPN"
            )
            continue
        for j, other in seen:
            if net == other:
                problems.append(f"{where} {value!r} is also {variable}[{j}]; list each block once")
                break
            if net.overlaps(other):
                wide, narrow = (other, net) if net.subnet_of(other) else (net, other)
                problems.append(
                    f"{where} {value!r} overlaps {variable}[{j}] {str(other)!r}; {wide} already contains "
                    f"{narrow}, so drop the narrower block"
                )
                break
        else:
            seen.append((i, net))
    return problems


def control_plane_log_problems(variable: str, logs: Any) -> list[str]:
    """``fastish_eks_control_plane_logs``: unique log types of EKS (an empty list turns logging off)."""
    return _choice_list_problems(variable, logs, CONTROL_PLANE_LOG_TYPES, "log types", non_empty=False)


def _instance_types_problems(where: str, types: Any, ami_type: Any) -> list[str]:
    if not isinstance(types, (list, tuple)) or not types:
        return [
            f"{where} is {_described(types)}, not a non-empty list of EC2 instance types such as [m7i.large]"
        ]
    problems: list[str] = []
    seen: dict[str, int] = {}
    arch = AMI_TYPES.get(ami_type) if isinstance(ami_type, str) else None
    for i, name in enumerate(types):
        iwhere = f"{where}[{i}]"
        problem = _instance_type_problem(iwhere, name)
        if problem:
            problems.append(problem)
            continue
        if name in seen:
            problems.append(f"{iwhere} {name!r} is also {where}[{seen[name]}]; list each instance type once")
            continue
        seen[name] = i
        family = name.partition(".")[0]
        if arch is not None and family_architecture(family) != arch:
            if arch == "amd64":
                problems.append(
                    f"{iwhere} {name!r} is a Graviton (arm64) instance type, but ami_type {ami_type} boots "
                    "x86_64 nodes: use an x86_64 type such as m7i.large, or an ARM_64 ami_type such as "
                    "BOTTLEROCKET_ARM_64 with only Graviton types"
                )
            else:
                problems.append(
                    f"{iwhere} {name!r} is an x86_64 instance type, but ami_type {ami_type} boots arm64 "
                    "(Graviton) nodes: use a Graviton type such as m7g.large, or an x86_64 ami_type such "
                    "as BOTTLEROCKET_x86_64 with only x86_64 types"
                )
    return problems


def system_node_problems(variable: str, nodes: Any) -> list[str]:
    """``fastish_eks_system_nodes``: exactly the keys of :data:`SYSTEM_NODE_KEYS`, consistent sizes."""
    if not isinstance(nodes, Mapping):
        return [
            f"{variable} is {_described(nodes)}, not a mapping with the keys {', '.join(SYSTEM_NODE_KEYS)}"
        ]
    problems = _unknown_keys(variable, nodes, SYSTEM_NODE_KEYS) + _missing_keys(
        variable, nodes, SYSTEM_NODE_KEYS
    )
    ami_type = nodes.get("ami_type")
    if "ami_type" in nodes and ami_type not in AMI_TYPES:
        problems.append(
            f"{variable}.ami_type is {_show(ami_type)}, not one of {', '.join(AMI_TYPES)}"
            f"{_did_you_mean(ami_type, AMI_TYPES)}"
        )
    if nodes.get("instance_types") is not None:
        problems += _instance_types_problems(f"{variable}.instance_types", nodes["instance_types"], ami_type)

    sizes: dict[str, int] = {}
    limits = {
        "min_size": (0, MAX_SYSTEM_NODES, ""),
        "max_size": (1, MAX_SYSTEM_NODES, ""),
        "desired_size": (
            1,
            MAX_SYSTEM_NODES,
            " (the system node group runs CoreDNS and Karpenter: without a node nothing else starts)",
        ),
    }
    for key, (low, high, why) in limits.items():
        if nodes.get(key) is None:
            continue
        if key == "max_size" and _is_int(nodes[key]) and nodes[key] > high:
            problems.append(
                f"{variable}.max_size is {nodes[key]}, over the platform's limit of {high}: the system node "
                "group only runs system pods (application pods run on Karpenter's nodes), and EKS's own "
                "quota is 450 nodes per managed node group"
            )
            continue
        problem = _int_problem(f"{variable}.{key}", nodes[key], low, high, why)
        if problem:
            problems.append(problem)
        else:
            sizes[key] = nodes[key]
    low, desired, high = (sizes.get(k) for k in ("min_size", "desired_size", "max_size"))
    if low is not None and high is not None and low > high:
        problems.append(f"{variable}.min_size {low} is over its max_size {high}")
    elif desired is not None and high is not None and desired > high:
        problems.append(
            f"{variable}.desired_size {desired} is over its max_size {high} "
            "(min_size <= desired_size <= max_size)"
        )
    elif desired is not None and low is not None and desired < low:
        problems.append(
            f"{variable}.desired_size {desired} is under its min_size {low} "
            "(min_size <= desired_size <= max_size)"
        )
    if nodes.get("disk_size_gib") is not None:
        problem = _int_problem(
            f"{variable}.disk_size_gib", nodes["disk_size_gib"], *DISK_SIZE_GIB, " GiB (gp3)"
        )
        if problem:
            problems.append(problem)
    return problems


def team_namespace_problems(variable: str, namespaces: Any) -> list[str]:
    """``fastish_eks_team_namespaces``: unique DNS labels, none of Kubernetes' or the platform's."""
    if not isinstance(namespaces, (list, tuple)) or not namespaces:
        return [
            f"{variable} is {_described(namespaces)}, not a non-empty list of namespaces: "
            "the team's developers need at least one namespace to work in"
        ]
    problems: list[str] = []
    seen: dict[str, int] = {}
    for i, name in enumerate(namespaces):
        where = f"{variable}[{i}]"
        problem = _dns_label_problem(where, name, "a namespace name")
        if problem:
            problems.append(problem)
        elif name.startswith("kube-"):
            problems.append(
                f"{where} is {name!r}; Kubernetes reserves the kube- prefix for its own namespaces "
                "(kube-system, kube-public, kube-node-lease), and edit rights there would reach the whole "
                "cluster"
            )
        elif name in PLATFORM_NAMESPACES:
            problems.append(
                f"{where} is {name!r}, the namespace of a platform controller: edit rights there would give "
                "the team the controller's service account and its AWS permissions"
            )
        elif name in seen:
            problems.append(f"{where} {name!r} is also {variable}[{seen[name]}]; list each namespace once")
        else:
            seen[name] = i
    return problems


def _pool_problems(where: str, pool: Mapping) -> list[str]:
    problems = _unknown_keys(where, pool, NODE_POOL_KEYS) + _missing_keys(where, pool, NODE_POOL_KEYS)

    families = pool.get("instance_families")
    good_families: list[str] = []
    if families is not None:
        if not isinstance(families, (list, tuple)) or not families:
            problems.append(
                f"{where}.instance_families is {_described(families)}, not a non-empty list of "
                "EC2 instance families such as [m7i, c7i, r7i]"
            )
        else:
            seen: dict[str, int] = {}
            for i, family in enumerate(families):
                problem = _family_problem(f"{where}.instance_families[{i}]", family)
                if problem:
                    problems.append(problem)
                elif family in seen:
                    problems.append(
                        f"{where}.instance_families[{i}] {family!r} is also {where}.instance_families"
                        f"[{seen[family]}]; list each family once"
                    )
                else:
                    seen[family] = i
                    good_families.append(family)

    capacity = pool.get("capacity_types")
    if capacity is not None:
        found = _choice_list_problems(
            f"{where}.capacity_types", capacity, CAPACITY_TYPES, "capacity types", non_empty=True
        )
        problems += found
        if not found and set(capacity) == {"reserved"}:
            problems.append(
                f"{where}.capacity_types is only reserved: the platform's EC2NodeClass selects no capacity "
                "reservation, so the pool could never launch a node; add on-demand (Karpenter uses "
                "reserved capacity first when there is any)"
            )

    arches = pool.get("architectures")
    if arches is not None:
        found = _choice_list_problems(
            f"{where}.architectures", arches, ARCHITECTURES, "architectures", non_empty=True
        )
        problems += found
        if not found and good_families and len(good_families) == len(families):
            for family in good_families:
                arch = family_architecture(family)
                if arch not in arches:
                    kind = "a Graviton (arm64)" if arch == "arm64" else "an x86_64 (amd64)"
                    problems.append(
                        f"{where}.instance_families has {family!r}, {kind} family, but "
                        f"{where}.architectures {list(arches)} lacks {arch}: add {arch} or drop the family"
                    )
            for arch in arches:
                if not any(family_architecture(f) == arch for f in good_families):
                    problems.append(
                        f"{where}.architectures has {arch}, but no family of {where}.instance_families is "
                        f"{arch} (Graviton families such as m7g are arm64, the others amd64): drop {arch} or "
                        "add such a family"
                    )

    for key in ("cpu_limit", "memory_limit_gib"):
        if pool.get(key) is not None:
            problem = _int_problem(f"{where}.{key}", pool[key], 1)
            if problem:
                problems.append(problem)

    policy = pool.get("consolidation_policy")
    if policy is not None and policy not in CONSOLIDATION_POLICIES:
        problems.append(
            f"{where}.consolidation_policy is {_show(policy)}, not one of {', '.join(CONSOLIDATION_POLICIES)}"
            f"{_did_you_mean(policy, CONSOLIDATION_POLICIES)}"
        )
    for key, zero in (("consolidate_after", True), ("expire_after", False)):
        if pool.get(key) is not None:
            problem = _duration_problem(f"{where}.{key}", pool[key], zero=zero)
            if problem:
                problems.append(problem)

    budget = pool.get("disruption_budget_nodes")
    if budget is not None:
        valid = (_is_int(budget) and budget >= 0) or (
            isinstance(budget, str) and _BUDGET_RE.fullmatch(budget)
        )
        if not valid:
            problems.append(
                f"{where}.disruption_budget_nodes is {_described(budget)}, not a number of nodes "
                "(0 or more, e.g. 1) or a percentage of the pool's nodes from '0%' to '100%' (e.g. '10%')"
            )

    if pool.get("disk_size_gib") is not None:
        problem = _int_problem(f"{where}.disk_size_gib", pool["disk_size_gib"], *DISK_SIZE_GIB, " GiB (gp3)")
        if problem:
            problems.append(problem)
    return problems


def node_pool_problems(variable: str, pools: Any) -> list[str]:
    """``fastish_karpenter_node_pools``: a non-empty list of pools with the keys of :data:`NODE_POOL_KEYS`."""
    if not isinstance(pools, (list, tuple)) or not pools:
        return [
            f"{variable} is {_described(pools)}, not a non-empty list of node pools: without a "
            "NodePool Karpenter launches no node, and the system node group only runs system pods"
        ]
    problems: list[str] = []
    names: dict[str, int] = {}
    for i, pool in enumerate(pools):
        where = f"{variable}[{i}]"
        if not isinstance(pool, Mapping):
            problems.append(
                f"{where} is {_described(pool)}, not a mapping with the keys {', '.join(NODE_POOL_KEYS)}"
            )
            continue
        name = pool.get("name")
        if isinstance(name, str):
            where = f"{where} ({name})"
        if name is not None:
            problem = _dns_label_problem(f"{where}.name", name, "a node pool name")
            if problem:
                problems.append(problem)
            elif name in names:
                problems.append(
                    f"{where}.name {name!r} is also used by {variable}[{names[name]}]; each NodePool needs "
                    "its own name"
                )
            else:
                names[name] = i
        problems += _pool_problems(where, pool)
    return problems


def cluster_addon_problems(variable: str, addons: Any) -> list[str]:
    """``fastish_cluster_addons``: unique names out of :data:`CLUSTER_ADDONS` (empty: none)."""
    return _choice_list_problems(variable, addons, CLUSTER_ADDONS, "add-ons", non_empty=False)


def unavailable_service_problems(variable: str, services: Any) -> list[str]:
    """``fastish_unavailable_services``: known service names, each with the reason as text."""
    if not isinstance(services, Mapping):
        return [f"{variable} is {_described(services)}, not a mapping of service name to reason"]
    problems = []
    for key in sorted(services, key=str):
        if key not in UNAVAILABLE_SERVICES:
            problems.append(
                f"{variable} names {str(key)!r}, which is not a service the platform can do without"
                f"{_did_you_mean(str(key), UNAVAILABLE_SERVICES)}; the services are "
                f"{', '.join(UNAVAILABLE_SERVICES)}"
            )
        elif not isinstance(services[key], str) or not services[key].strip():
            problems.append(
                f"{variable}.{key} is {_described(services[key])}, not the reason as text "
                "(the runs print it where they skip the service)"
            )
    return problems


def absolute_path_problem(variable: str, value: str, shown: str) -> str | None:
    """An absolute path on the controller (``fastish_kubeconfig``)."""
    if value.startswith("/"):
        return None
    hint = (
        " (write the home directory out in full: not every tool expands ~)" if value.startswith("~") else ""
    )
    return f"{variable} is {shown}, not an absolute path (it must start with /){hint}"


def _is_loopback_url(url: Any) -> bool:
    if not isinstance(url, str):
        return False
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def local_cloud_only_problem(variable: str, endpoint_url: Any) -> str | None:
    """A variable of :data:`LOCAL_CLOUD_ONLY` on a synthesizer whose endpoint is not the local cloud."""
    if variable not in LOCAL_CLOUD_ONLY or _is_loopback_url(endpoint_url):
        return None
    where = (
        "fastish_aws_endpoint_url is not set"
        if endpoint_url is None or endpoint_url == ""
        else f"fastish_aws_endpoint_url {_show(endpoint_url)} is not the local cloud"
    )
    effect = (
        "the roles would use this kubeconfig instead of the cluster's own and apply the release's "
        "manifests to whatever cluster it names"
        if variable == "fastish_kubeconfig"
        else "the roles would skip the services it names in a real release"
    )
    return f"{variable} is set on a host that runs against AWS ({where}): {effect}"


EKS_FORMATS: dict[str, Callable[[str, Any], list[str]]] = {
    "eks_public_access_cidrs": public_access_cidr_problems,
    "eks_control_plane_logs": control_plane_log_problems,
    "eks_system_nodes": system_node_problems,
    "k8s_namespaces": team_namespace_problems,
    "karpenter_node_pools": node_pool_problems,
    "cluster_addons": cluster_addon_problems,
    "unavailable_services": unavailable_service_problems,
}


def eks_problems(fmt: str, variable: str, value: Any) -> list[str]:
    """The problems of ``value`` for one of the schema formats of :data:`EKS_FORMATS`."""
    return EKS_FORMATS[fmt](variable, value)
