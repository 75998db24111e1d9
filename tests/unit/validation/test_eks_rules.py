"""Tests of module_utils/eks_rules.py: the druid release's EKS, Karpenter and add-on variables.

The rule functions directly (good and bad values), the same rules through ``check_host`` with the
role's real schema (host, variable with index/key, and fix in every message), and bad inventories
through ``ansible-playbook`` (rejected before any AWS call, like tests/integration/test_validation.py).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml
from ansible_collections.fastish.platform.plugins.module_utils.eks_rules import (
    CLUSTER_ADDONS,
    EKS_FORMATS,
    LOCAL_CLOUD_ONLY,
    MAX_PUBLIC_ACCESS_CIDRS,
    NODE_POOL_KEYS,
    PLATFORM_NAMESPACES,
    SYSTEM_NODE_KEYS,
    absolute_path_problem,
    cluster_addon_problems,
    control_plane_log_problems,
    family_architecture,
    node_pool_problems,
    public_access_cidr_problems,
    system_node_problems,
    team_namespace_problems,
    unavailable_service_problems,
)
from ansible_collections.fastish.platform.plugins.module_utils.inventory_rules import (
    FORMATS,
    Report,
    build_scope,
    check_host,
    check_schema,
)

from tests.integration.test_validation import (
    DATA_TEAM,
    ansible_env,
    ansible_playbook,
    copy_inventory,
    readable,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
ROLE_VARS = yaml.safe_load((REPO_ROOT / "roles/validate_inventory/vars/main.yml").read_text())
SCHEMA = ROLE_VARS["validate_inventory__schema"]
DEFAULTS = yaml.safe_load((REPO_ROOT / "group_vars/all/eks.yml").read_text())
PLATFORM_DEFAULTS = yaml.safe_load((REPO_ROOT / "group_vars/all/fastish.yml").read_text())
WEBAPP_DEFAULTS = yaml.safe_load((REPO_ROOT / "group_vars/all/webapp.yml").read_text())
LOCAL = REPO_ROOT / "inventories/local"
EXAMPLE = REPO_ROOT / "inventories/example"
EKS_VARIABLES = (
    "fastish_eks_public_access_cidrs",
    "fastish_eks_control_plane_logs",
    "fastish_eks_system_nodes",
    "fastish_eks_team_namespaces",
    "fastish_karpenter_node_pools",
    "fastish_cluster_addons",
)


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def _hosts(path: Path) -> dict[str, dict]:
    """Every host of an inventory's hosts.yml with its inline variables."""
    found: dict[str, dict] = {}

    def walk(group: dict) -> None:
        for name, variables in (group.get("hosts") or {}).items():
            found[name] = variables or {}
        for child in (group.get("children") or {}).values():
            walk(child or {})

    walk(_load(path / "hosts.yml")["all"])
    return found


def _eks(*sources: dict) -> dict:
    """The EKS variables as a druid host of team 'data' sees them (later sources win)."""
    merged = copy.deepcopy(DEFAULTS)
    merged["fastish_eks_team_namespaces"] = ["data"]  # the default's template, rendered
    for source in sources:
        merged.update({k: copy.deepcopy(v) for k, v in source.items() if k in EKS_VARIABLES})
    return merged


LOCAL_ANALYTICS = _eks(_load(LOCAL / "group_vars/local_acme_data.yml"), _hosts(LOCAL)["acme-data-analytics"])
PROD_ANALYTICS = _eks(
    _load(EXAMPLE / "group_vars/prod_acme_data.yml"), _hosts(EXAMPLE)["prod-acme-data-analytics"]
)
STAGING_ANALYTICS = _eks(
    _load(EXAMPLE / "group_vars/staging_acme_data.yml"), _hosts(EXAMPLE)["staging-acme-data-analytics"]
)
CHECKS = {
    "fastish_eks_public_access_cidrs": public_access_cidr_problems,
    "fastish_eks_control_plane_logs": control_plane_log_problems,
    "fastish_eks_system_nodes": system_node_problems,
    "fastish_eks_team_namespaces": team_namespace_problems,
    "fastish_karpenter_node_pools": node_pool_problems,
    "fastish_cluster_addons": cluster_addon_problems,
}


# --------------------------------------------------------------------------- valid values


@pytest.mark.parametrize(
    "values",
    [
        pytest.param(_eks(), id="defaults"),
        pytest.param(LOCAL_ANALYTICS, id="local"),
        pytest.param(PROD_ANALYTICS, id="example-prod"),
        pytest.param(STAGING_ANALYTICS, id="example-staging"),
    ],
)
def test_defaults_and_inventories_are_valid(values):
    for variable, check in CHECKS.items():
        assert check(variable, values[variable]) == [], variable


def test_the_inventories_exercise_what_the_rules_check():
    assert LOCAL_ANALYTICS["fastish_eks_public_access_cidrs"] == ["198.51.100.0/24"]
    assert LOCAL_ANALYTICS["fastish_eks_team_namespaces"] == ["data", "ingest"]
    prod_pools = {p["name"]: p for p in PROD_ANALYTICS["fastish_karpenter_node_pools"]}
    assert set(prod_pools) == {"default", "historicals"}
    assert prod_pools["default"]["capacity_types"] == ["on-demand", "spot"]
    assert all(f.startswith("r") for f in prod_pools["historicals"]["instance_families"])
    assert PROD_ANALYTICS["fastish_eks_public_access_cidrs"][0] == "203.0.113.0/24"
    prod_nodes, staging_nodes = (
        PROD_ANALYTICS["fastish_eks_system_nodes"],
        STAGING_ANALYTICS["fastish_eks_system_nodes"],
    )
    assert (
        prod_nodes["max_size"] > staging_nodes["max_size"]
        and prod_nodes["min_size"] > staging_nodes["min_size"]
    )
    assert sum(p["cpu_limit"] for p in STAGING_ANALYTICS["fastish_karpenter_node_pools"]) < sum(
        p["cpu_limit"] for p in prod_pools.values()
    )


def test_local_helm_repositories_reason_and_kubeconfig_are_valid():
    local = _load(LOCAL / "group_vars/local.yml")
    assert (
        unavailable_service_problems("fastish_unavailable_services", local["fastish_unavailable_services"])
        == []
    )
    assert "helm_repositories" in local["fastish_unavailable_services"]
    assert absolute_path_problem("fastish_kubeconfig", "/srv/lc/k8s/kubeconfig", "'x'") is None


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("fastish_eks_public_access_cidrs", []),
        (
            "fastish_eks_public_access_cidrs",
            ["203.0.113.0/24", "198.51.100.64/26", "192.0.2.10/32", "8.0.0.0/8"],
        ),
        (
            "fastish_eks_public_access_cidrs",
            [f"203.0.{i}.0/24" for i in range(MAX_PUBLIC_ACCESS_CIDRS)],
        ),
        ("fastish_eks_control_plane_logs", []),
        ("fastish_eks_control_plane_logs", ["audit"]),
        ("fastish_cluster_addons", []),
        ("fastish_cluster_addons", ["external-dns", "cert-manager"]),
        ("fastish_eks_team_namespaces", ["data", "a" * 63, "team-1", "default"]),
    ],
)
def test_more_valid_values(variable, value):
    assert CHECKS[variable](variable, value) == []


@pytest.mark.parametrize(
    "change",
    [
        lambda n: n.update(
            ami_type="BOTTLEROCKET_ARM_64", instance_types=["m7g.large", "c7g.xlarge", "t4g.medium"]
        ),
        lambda n: n.update(ami_type="AL2023_ARM_64_STANDARD", instance_types=["c7gn.2xlarge", "r8g.large"]),
        lambda n: n.update(
            ami_type="AL2023_x86_64_STANDARD", instance_types=["m7i-flex.large", "c7i.metal-24xl"]
        ),
        lambda n: n.update(min_size=0, desired_size=1, max_size=1),
        lambda n: n.update(min_size=100, desired_size=100, max_size=100, disk_size_gib=16384),
        lambda n: n.update(disk_size_gib=20),
    ],
)
def test_more_valid_system_node_groups(change):
    nodes = copy.deepcopy(DEFAULTS["fastish_eks_system_nodes"])
    change(nodes)
    assert system_node_problems("fastish_eks_system_nodes", nodes) == []


@pytest.mark.parametrize(
    "change",
    [
        lambda p: p.update(instance_families=["m7g", "c7g", "r8g"], architectures=["arm64"]),
        lambda p: p.update(instance_families=["m7i", "m7g"], architectures=["amd64", "arm64"]),
        lambda p: p.update(capacity_types=["reserved", "on-demand"]),
        lambda p: p.update(capacity_types=["spot"]),
        lambda p: p.update(consolidation_policy="WhenEmpty", consolidate_after="Never", expire_after="Never"),
        lambda p: p.update(consolidate_after="0s", expire_after="1h30m"),
        lambda p: p.update(disruption_budget_nodes=0),
        lambda p: p.update(disruption_budget_nodes="0"),
        lambda p: p.update(disruption_budget_nodes=3),
        lambda p: p.update(disruption_budget_nodes="100%"),
        lambda p: p.update(disruption_budget_nodes="0%"),
        lambda p: p.update(name="a" * 63, cpu_limit=1, memory_limit_gib=1, disk_size_gib=16384),
    ],
)
def test_more_valid_node_pools(change):
    pools = copy.deepcopy(DEFAULTS["fastish_karpenter_node_pools"])
    change(pools[0])
    assert node_pool_problems("fastish_karpenter_node_pools", pools) == []


@pytest.mark.parametrize(
    ("family", "arch"),
    [
        *[
            (f, "arm64")
            for f in ("m7g", "c7gn", "t4g", "x2gd", "im4gn", "is4gen", "g5g", "a1", "hpc7g", "r8g")
        ],
        *[(f, "arm64") for f in ("c8gd", "m6gd", "p6e-gb200")],
        *[(f, "amd64") for f in ("m7i", "c7i", "r7i", "g5", "g4dn", "x2iedn", "m7a", "t3", "inf2", "trn1")],
        *[(f, "amd64") for f in ("m7i-flex", "u-6tb1", "p5", "gr6", "r7iz", "hpc6id", "z1d", "mac2-m2pro")],
    ],
)
def test_graviton_families_are_arm64(family, arch):
    assert family_architecture(family) == arch


def test_the_rules_know_the_add_ons_and_controller_namespaces_of_the_roles():
    """CLUSTER_ADDONS and PLATFORM_NAMESPACES follow roles/cluster_addons and roles/karpenter."""
    catalogue_file = REPO_ROOT / "roles/cluster_addons/vars/main.yml"
    karpenter_file = REPO_ROOT / "roles/karpenter/defaults/main.yml"
    if not catalogue_file.is_file() or not karpenter_file.is_file():
        pytest.skip("roles/cluster_addons or roles/karpenter is not there yet")
    catalogue = _load(catalogue_file)["cluster_addons__catalogue"]
    assert set(CLUSTER_ADDONS) == set(catalogue) == set(DEFAULTS["fastish_cluster_addons"])
    namespaces = {entry["namespace"] for entry in catalogue.values()} | {
        _load(karpenter_file)["karpenter_namespace"]
    }
    assert {n for n in namespaces if not n.startswith("kube-")} <= set(PLATFORM_NAMESPACES)


# --------------------------------------------------------------------------- bad values


def _nodes(**changes) -> dict:
    nodes = copy.deepcopy(DEFAULTS["fastish_eks_system_nodes"])
    nodes.update(changes)
    return nodes


def _pools(**changes) -> list:
    pools = copy.deepcopy(DEFAULTS["fastish_karpenter_node_pools"])
    pools[0].update(changes)
    return pools


def _without(mapping: dict, key: str) -> dict:
    return {k: v for k, v in mapping.items() if k != key}


CIDRS = "fastish_eks_public_access_cidrs"
LOGS = "fastish_eks_control_plane_logs"
NODES = "fastish_eks_system_nodes"
NAMESPACES = "fastish_eks_team_namespaces"
POOLS = "fastish_karpenter_node_pools"
ADDONS = "fastish_cluster_addons"
POOL0 = "fastish_karpenter_node_pools[0] (default)"

BAD = [
    # public access CIDRs
    (
        "open-control-plane",
        CIDRS,
        ["0.0.0.0/0"],
        "fastish_eks_public_access_cidrs[0] is '0.0.0.0/0', which opens the cluster's Kubernetes API "
        "endpoint "
        "to the whole internet: an open control plane can be probed by anyone",
    ),
    ("open-half", CIDRS, ["0.0.0.0/1", "128.0.0.0/1"], "[0] is '0.0.0.0/1', a /1 of 2,147,483,648 addresses"),
    ("too-wide", CIDRS, ["52.0.0.0/7"], "a /7 of 33,554,432 addresses: it opens the cluster's endpoint"),
    (
        "host-bits",
        CIDRS,
        ["203.0.113.7/24"],
        "[0] is '203.0.113.7/24', which has host bits set (did you mean '203.0.113.0/24'?)",
    ),
    ("not-a-cidr", CIDRS, ["office"], "[0] is 'office', not an IPv4 CIDR block such as '203.0.113.0/24'"),
    ("bad-octet", CIDRS, ["203.0.113.300/32"], "not an IPv4 CIDR block"),
    (
        "no-prefix",
        CIDRS,
        ["203.0.113.7"],
        "an address without a prefix length (one address is '203.0.113.7/32')",
    ),
    ("ipv6", CIDRS, ["2001:db8::/32"], "[0] is '2001:db8::/32', an IPv6 block"),
    ("not-a-string", CIDRS, [203], "[0] is the number 203, not a CIDR block"),
    (
        "private",
        CIDRS,
        ["10.20.0.0/16"],
        "[0] is '10.20.0.0/16', which lies in 10.0.0.0/8, a range that is not public",
    ),
    (
        "private-exact",
        CIDRS,
        ["192.168.0.0/16"],
        "[0] is '192.168.0.0/16', a range that is not public on the internet",
    ),
    ("cgnat", CIDRS, ["100.64.0.0/16"], "which lies in 100.64.0.0/10"),
    (
        "duplicate",
        CIDRS,
        ["203.0.113.0/24", "203.0.113.0/24"],
        "[1] '203.0.113.0/24' is also fastish_eks_public_access_cidrs[0]",
    ),
    (
        "overlap",
        CIDRS,
        ["203.0.113.0/24", "203.0.113.128/25"],
        "[1] '203.0.113.128/25' overlaps fastish_eks_public_access_cidrs[0] '203.0.113.0/24'; 203.0.113.0/24 "
        "already contains 203.0.113.128/25",
    ),
    (
        "over-40",
        CIDRS,
        [f"203.0.{i}.0/24" for i in range(MAX_PUBLIC_ACCESS_CIDRS + 1)],
        "fastish_eks_public_access_cidrs has 41 blocks; EKS allows at most 40",
    ),
    # control-plane logs
    (
        "log-type",
        LOGS,
        ["api", "controllermanager"],
        "fastish_eks_control_plane_logs[1] is 'controllermanager', not one of api, audit, authenticator, "
        "controllerManager, scheduler (did you mean 'controllerManager'?)",
    ),
    ("log-typo", LOGS, ["audits"], "[0] is 'audits', not one of api, audit"),
    (
        "log-duplicate",
        LOGS,
        ["api", "audit", "api"],
        "fastish_eks_control_plane_logs[2] 'api' is also fastish_eks_control_plane_logs[0]",
    ),
    # system nodes
    (
        "ami-type",
        NODES,
        _nodes(ami_type="BOTTLEROCKET_x86"),
        "fastish_eks_system_nodes.ami_type is 'BOTTLEROCKET_x86', not one of",
    ),
    ("ami-case", NODES, _nodes(ami_type="bottlerocket_x86_64"), "(did you mean 'BOTTLEROCKET_x86_64'?)"),
    (
        "graviton-on-x86",
        NODES,
        _nodes(instance_types=["m7i.large", "m7g.large"]),
        "fastish_eks_system_nodes.instance_types[1] 'm7g.large' is a Graviton (arm64) instance type, but "
        "ami_type BOTTLEROCKET_x86_64 boots x86_64 nodes",
    ),
    (
        "x86-on-arm",
        NODES,
        _nodes(ami_type="AL2023_ARM_64_STANDARD", instance_types=["m7i.large"]),
        "instance_types[0] 'm7i.large' is an x86_64 instance type, but ami_type AL2023_ARM_64_STANDARD "
        "boots arm64",
    ),
    (
        "no-types",
        NODES,
        _nodes(instance_types=[]),
        "fastish_eks_system_nodes.instance_types is a list [], not a non-empty list",
    ),
    (
        "types-string",
        NODES,
        _nodes(instance_types="m7i.large"),
        "instance_types is the string 'm7i.large', not a non-empty list",
    ),
    (
        "family-not-type",
        NODES,
        _nodes(instance_types=["m7i"]),
        "instance_types[0] is 'm7i', an instance family, not an instance type (add a size, e.g. 'm7i.large')",
    ),
    (
        "type-case",
        NODES,
        _nodes(instance_types=["M7i.Large"]),
        "instance types are lowercase (did you mean 'm7i.large'?)",
    ),
    (
        "type-size",
        NODES,
        _nodes(instance_types=["m7i.huge"]),
        "instance_types[0] is 'm7i.huge', not an EC2 instance type such as m7i.large",
    ),
    (
        "type-duplicate",
        NODES,
        _nodes(instance_types=["m7i.large", "m7i.large"]),
        "instance_types[1] 'm7i.large' is also fastish_eks_system_nodes.instance_types[0]",
    ),
    (
        "unknown-key",
        NODES,
        _nodes(desired=2),
        "fastish_eks_system_nodes has the unknown key 'desired' (did you mean 'desired_size'?)",
    ),
    (
        "missing-key",
        NODES,
        _without(DEFAULTS["fastish_eks_system_nodes"], "disk_size_gib"),
        "fastish_eks_system_nodes has no disk_size_gib",
    ),
    (
        "min-negative",
        NODES,
        _nodes(min_size=-1),
        "fastish_eks_system_nodes.min_size is -1, not between 0 and 100",
    ),
    (
        "min-bool",
        NODES,
        _nodes(min_size=True),
        "fastish_eks_system_nodes.min_size is the boolean true, not a whole number",
    ),
    (
        "min-string",
        NODES,
        _nodes(min_size="2"),
        "min_size is the string '2', not a whole number (write it without quotes)",
    ),
    (
        "max-zero",
        NODES,
        _nodes(min_size=0, desired_size=0, max_size=0),
        "fastish_eks_system_nodes.max_size is 0, not between 1 and 100",
    ),
    (
        "desired-zero",
        NODES,
        _nodes(min_size=0, desired_size=0),
        "desired_size is 0, not between 1 and 100 (the system node group runs CoreDNS",
    ),
    (
        "max-over-100",
        NODES,
        _nodes(max_size=101),
        "fastish_eks_system_nodes.max_size is 101, over the platform's limit of 100",
    ),
    (
        "min-over-max",
        NODES,
        _nodes(min_size=5, desired_size=5, max_size=4),
        "fastish_eks_system_nodes.min_size 5 is over its max_size 4",
    ),
    (
        "desired-over-max",
        NODES,
        _nodes(desired_size=5),
        "desired_size 5 is over its max_size 4 (min_size <= desired_size <= max_size)",
    ),
    (
        "desired-under-min",
        NODES,
        _nodes(min_size=3, desired_size=2),
        "desired_size 2 is under its min_size 3",
    ),
    (
        "disk-small",
        NODES,
        _nodes(disk_size_gib=19),
        "fastish_eks_system_nodes.disk_size_gib is 19, not between 20 and 16384",
    ),
    ("disk-big", NODES, _nodes(disk_size_gib=16385), "disk_size_gib is 16385, not between 20 and 16384"),
    ("disk-float", NODES, _nodes(disk_size_gib=50.5), "disk_size_gib is the number 50.5, not a whole number"),
    # team namespaces
    (
        "ns-empty",
        NAMESPACES,
        [],
        "fastish_eks_team_namespaces is a list [], not a non-empty list of namespaces",
    ),
    (
        "ns-kube-system",
        NAMESPACES,
        ["data", "kube-system"],
        "fastish_eks_team_namespaces[1] is 'kube-system'; Kubernetes reserves the kube- prefix",
    ),
    ("ns-kube-public", NAMESPACES, ["kube-public"], "[0] is 'kube-public'; Kubernetes reserves"),
    ("ns-kube-node-lease", NAMESPACES, ["kube-node-lease"], "[0] is 'kube-node-lease'; Kubernetes reserves"),
    ("ns-platform", NAMESPACES, ["karpenter"], "[0] is 'karpenter', the namespace of a platform controller"),
    (
        "ns-upper",
        NAMESPACES,
        ["Data_Team"],
        "[0] is 'Data_Team', not a namespace name: a DNS label of lowercase letters, digits and '-', "
        "starting and ending with a letter or digit (did you mean 'data-team'?)",
    ),
    (
        "ns-long",
        NAMESPACES,
        ["a" * 64],
        "fastish_eks_team_namespaces[0] is 64 characters long, over the 63 of a DNS label",
    ),
    ("ns-dash", NAMESPACES, ["-data"], "[0] is '-data', not a namespace name"),
    (
        "ns-duplicate",
        NAMESPACES,
        ["data", "ingest", "data"],
        "fastish_eks_team_namespaces[2] 'data' is also fastish_eks_team_namespaces[0]",
    ),
    ("ns-number", NAMESPACES, [42], "[0] is 42, not a namespace name"),
    # karpenter node pools
    (
        "pools-empty",
        POOLS,
        [],
        "fastish_karpenter_node_pools is a list [], not a non-empty list of node pools: without a NodePool "
        "Karpenter launches no node",
    ),
    (
        "pool-not-mapping",
        POOLS,
        ["default"],
        "fastish_karpenter_node_pools[0] is the string 'default', not a mapping with the keys name, "
        "instance_families",
    ),
    (
        "pool-name",
        POOLS,
        _pools(name="Default_Pool"),
        "fastish_karpenter_node_pools[0] (Default_Pool).name is 'Default_Pool', not a node pool name",
    ),
    ("pool-name-long", POOLS, _pools(name="p" * 64), "is 64 characters long, over the 63 of a DNS label"),
    (
        "pool-duplicate-name",
        POOLS,
        _pools() + _pools(),
        "fastish_karpenter_node_pools[1] (default).name 'default' is also used by "
        "fastish_karpenter_node_pools[0]",
    ),
    (
        "pool-unknown-key",
        POOLS,
        _pools(capacity_type=["spot"]),
        f"{POOL0} has the unknown key 'capacity_type' (did you mean 'capacity_types'?)",
    ),
    (
        "pool-missing-key",
        POOLS,
        [_without(DEFAULTS["fastish_karpenter_node_pools"][0], "expire_after")],
        f"{POOL0} has no expire_after",
    ),
    (
        "families-empty",
        POOLS,
        _pools(instance_families=[]),
        f"{POOL0}.instance_families is a list [], not a non-empty list of EC2 instance families",
    ),
    (
        "family-type",
        POOLS,
        _pools(instance_families=["m7i.large"]),
        f"{POOL0}.instance_families[0] is 'm7i.large', an instance type, not an instance family (did you "
        "mean 'm7i'?)",
    ),
    (
        "family-bad",
        POOLS,
        _pools(instance_families=["general purpose"]),
        f"{POOL0}.instance_families[0] is 'general purpose', not an EC2 instance family",
    ),
    ("family-case", POOLS, _pools(instance_families=["M7i"]), "(instance families are lowercase: 'm7i')"),
    (
        "family-duplicate",
        POOLS,
        _pools(instance_families=["m7i", "c7i", "m7i"]),
        f"{POOL0}.instance_families[2] 'm7i' is also {POOL0}.instance_families[0]",
    ),
    (
        "capacity-typo",
        POOLS,
        _pools(capacity_types=["on-demand", "spot-instances"]),
        f"{POOL0}.capacity_types[1] is 'spot-instances', not one of on-demand, spot, reserved (did you mean "
        "'spot'?)",
    ),
    (
        "capacity-case",
        POOLS,
        _pools(capacity_types=["OnDemand"]),
        "is 'OnDemand', not one of on-demand, spot, reserved",
    ),
    (
        "capacity-empty",
        POOLS,
        _pools(capacity_types=[]),
        f"{POOL0}.capacity_types is empty; list at least one of on-demand, spot, reserved",
    ),
    (
        "capacity-duplicate",
        POOLS,
        _pools(capacity_types=["spot", "spot"]),
        f"{POOL0}.capacity_types[1] 'spot' is also",
    ),
    (
        "capacity-reserved-only",
        POOLS,
        _pools(capacity_types=["reserved"]),
        f"{POOL0}.capacity_types is only reserved: the platform's EC2NodeClass selects no capacity "
        "reservation",
    ),
    (
        "capacity-string",
        POOLS,
        _pools(capacity_types="spot"),
        f"{POOL0}.capacity_types is the string 'spot', not a list of capacity types",
    ),
    (
        "arch-unknown",
        POOLS,
        _pools(architectures=["x86_64"]),
        f"{POOL0}.architectures[0] is 'x86_64', not one of amd64, arm64",
    ),
    ("arch-empty", POOLS, _pools(architectures=[]), f"{POOL0}.architectures is empty"),
    (
        "graviton-without-arm64",
        POOLS,
        _pools(instance_families=["m7i", "m7g"]),
        f"{POOL0}.instance_families has 'm7g', a Graviton (arm64) family, but {POOL0}.architectures "
        "['amd64'] lacks arm64",
    ),
    (
        "x86-without-amd64",
        POOLS,
        _pools(instance_families=["m7i", "m7g"], architectures=["arm64"]),
        f"{POOL0}.instance_families has 'm7i', an x86_64 (amd64) family, but {POOL0}.architectures "
        "['arm64'] lacks amd64",
    ),
    (
        "arch-without-family",
        POOLS,
        _pools(architectures=["amd64", "arm64"]),
        f"{POOL0}.architectures has arm64, but no family of {POOL0}.instance_families is arm64",
    ),
    ("cpu-zero", POOLS, _pools(cpu_limit=0), f"{POOL0}.cpu_limit is 0, under its minimum of 1"),
    (
        "cpu-string",
        POOLS,
        _pools(cpu_limit="200"),
        f"{POOL0}.cpu_limit is the string '200', not a whole number (write it without quotes)",
    ),
    (
        "cpu-quantity",
        POOLS,
        _pools(cpu_limit="200m"),
        f"{POOL0}.cpu_limit is the string '200m', not a whole number",
    ),
    (
        "memory-negative",
        POOLS,
        _pools(memory_limit_gib=-5),
        f"{POOL0}.memory_limit_gib is -5, under its minimum of 1",
    ),
    (
        "memory-quantity",
        POOLS,
        _pools(memory_limit_gib="800Gi"),
        f"{POOL0}.memory_limit_gib is the string '800Gi', not a whole number",
    ),
    (
        "policy",
        POOLS,
        _pools(consolidation_policy="WhenUnderutilized"),
        f"{POOL0}.consolidation_policy is 'WhenUnderutilized', not one of WhenEmpty, "
        "WhenEmptyOrUnderutilized "
        "(did you mean 'WhenEmptyOrUnderutilized'?)",
    ),
    (
        "consolidate-number",
        POOLS,
        _pools(consolidate_after=30),
        f"{POOL0}.consolidate_after is the number 30, not a duration of whole numbers of s, m and h (e.g. "
        "30s, 1m, 720h, 1h30m) or Never (a duration needs a unit",
    ),
    (
        "consolidate-fraction",
        POOLS,
        _pools(consolidate_after="1.5h"),
        f"{POOL0}.consolidate_after is the string '1.5h', not a duration",
    ),
    (
        "consolidate-ms",
        POOLS,
        _pools(consolidate_after="500ms"),
        "consolidate_after is the string '500ms', not a duration",
    ),
    ("never-case", POOLS, _pools(consolidate_after="never"), "(write Never with a capital N)"),
    (
        "expire-days",
        POOLS,
        _pools(expire_after="30d"),
        f"{POOL0}.expire_after is the string '30d', not a duration of whole numbers of s, m and h (e.g. "
        "30s, 1m, 720h, 1h30m) or Never (Karpenter takes no days: 720h)",
    ),
    (
        "expire-zero",
        POOLS,
        _pools(expire_after="0h"),
        f"{POOL0}.expire_after is '0h', a zero duration: every node would be replaced",
    ),
    (
        "budget-percent",
        POOLS,
        _pools(disruption_budget_nodes="110%"),
        f"{POOL0}.disruption_budget_nodes is the string '110%', not a number of nodes (0 or more, e.g. 1) "
        "or a percentage",
    ),
    (
        "budget-negative",
        POOLS,
        _pools(disruption_budget_nodes=-1),
        f"{POOL0}.disruption_budget_nodes is the number -1, not a number of nodes",
    ),
    (
        "budget-bool",
        POOLS,
        _pools(disruption_budget_nodes=True),
        "disruption_budget_nodes is the boolean true, not a number",
    ),
    (
        "budget-space",
        POOLS,
        _pools(disruption_budget_nodes="10 %"),
        "disruption_budget_nodes is the string '10 %'",
    ),
    (
        "budget-fraction",
        POOLS,
        _pools(disruption_budget_nodes=1.5),
        "disruption_budget_nodes is the number 1.5",
    ),
    (
        "pool-disk",
        POOLS,
        _pools(disk_size_gib=16385),
        f"{POOL0}.disk_size_gib is 16385, not between 20 and 16384",
    ),
    # add-ons
    (
        "addon-unknown",
        ADDONS,
        ["aws-load-balancer"],
        "fastish_cluster_addons[0] is 'aws-load-balancer', not one of aws-load-balancer-controller, "
        "metrics-server, cert-manager, external-dns, external-secrets (did you mean "
        "'aws-load-balancer-controller'?)",
    ),
    (
        "addon-duplicate",
        ADDONS,
        ["cert-manager", "cert-manager"],
        "fastish_cluster_addons[1] 'cert-manager' is also fastish_cluster_addons[0]; list each add-on once",
    ),
    (
        "addon-not-string",
        ADDONS,
        [{"name": "cert-manager"}],
        "fastish_cluster_addons[0] is {'name': 'cert-manager'}, not one of",
    ),
]


@pytest.mark.parametrize(
    ("variable", "value", "expected"), [pytest.param(*case[1:], id=case[0]) for case in BAD]
)
def test_bad_values_are_rejected(variable, value, expected):
    problems = CHECKS[variable](variable, value)
    assert any(expected in p for p in problems), problems
    assert all(p.startswith(variable) for p in problems), problems


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        (POOLS, _pools(instance_families=["m7i", "m7g"]), ["lacks arm64"]),
        # an invalid family is reported once, without architecture complaints about it
        (POOLS, _pools(instance_families=["m7i.large"]), ["an instance type, not an instance family"]),
        # min over max: desired_size is not compared as well
        (NODES, _nodes(min_size=5, desired_size=9, max_size=4), ["min_size 5 is over its max_size 4"]),
        (
            NODES,
            _nodes(min_size="x", desired_size=9),
            ["min_size is the string 'x'", "desired_size 9 is over its max_size 4"],
        ),
    ],
)
def test_each_mistake_is_reported_once(variable, value, expected):
    problems = CHECKS[variable](variable, value)
    assert len(problems) == len(expected), problems
    assert all(fragment in problem for fragment, problem in zip(expected, problems, strict=True)), problems


def test_every_problem_of_a_broken_pool_is_reported_at_once():
    pool = dict.fromkeys(NODE_POOL_KEYS, "x")
    pool["name"] = "broken"
    problems = node_pool_problems(POOLS, [pool])
    keys = {key for key in NODE_POOL_KEYS if any(f"(broken).{key}" in p for p in problems)}
    assert keys == set(NODE_POOL_KEYS) - {"name"}, problems


def test_system_nodes_keys_are_exactly_the_documented_ones():
    assert set(DEFAULTS["fastish_eks_system_nodes"]) == set(SYSTEM_NODE_KEYS)
    assert all(set(pool) == set(NODE_POOL_KEYS) for pool in DEFAULTS["fastish_karpenter_node_pools"])
    problems = system_node_problems(NODES, {})
    assert problems == [f"fastish_eks_system_nodes has no {key}" for key in SYSTEM_NODE_KEYS]


@pytest.mark.parametrize(
    ("services", "expected"),
    [
        (
            {"helm_repository": "no registry"},
            "names 'helm_repository', which is not a service the platform can do without (did you mean "
            "'helm_repositories'?)",
        ),
        (
            {"helm_repositories": ""},
            "fastish_unavailable_services.helm_repositories is the string '', not the reason as text",
        ),
        ({"amplify": None}, "fastish_unavailable_services.amplify is null, not the reason"),
    ],
)
def test_unavailable_services_are_known_and_explained(services, expected):
    problems = unavailable_service_problems("fastish_unavailable_services", services)
    assert len(problems) == 1 and expected in problems[0], problems


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            ".localcloud/k8s/kubeconfig",
            "fastish_kubeconfig is 'shown', not an absolute path (it must start with /)",
        ),
        ("~/.kube/config", "(write the home directory out in full: not every tool expands ~)"),
    ],
)
def test_kubeconfig_must_be_an_absolute_path(path, expected):
    assert expected in absolute_path_problem("fastish_kubeconfig", path, "'shown'")


# ------------------------------------------------------------------- through check_host and the schema

SYNTHESIZER = {
    "fastish_synthesizer": "local",
    "fastish_account_id": "123456789012",
    "fastish_region": "us-east-1",
    "fastish_aws_endpoint_url": "https://127.0.0.1:5400",
    "fastish_kubeconfig": "/srv/localcloud/k8s/kubeconfig",
    "fastish_unavailable_services": {"helm_repositories": "no chart repository is reachable"},
}
ANALYTICS = {
    "fastish_organization": "acme",
    "fastish_team": "data",
    "fastish_release": "analytics",
    "fastish_release_type": "druid",
    "fastish_environment": "dev",
    "fastish_vpc_cidr": "10.20.0.0/16",
}


def druid_host(**changes) -> dict:
    variables = {
        **{k: v for k, v in PLATFORM_DEFAULTS.items() if k.startswith("fastish_")},
        **WEBAPP_DEFAULTS,
        **SYNTHESIZER,
        **ANALYTICS,
        **copy.deepcopy(LOCAL_ANALYTICS),
        "fastish_outputs_dir": "/srv/fastish/outputs",  # the templates of group_vars/all, rendered
        "fastish_frontend_access_token": "",
    }
    variables["fastish_scope"] = build_scope(variables)
    variables["fastish_synthesizer_scope"] = {**variables["fastish_scope"], "organization": None}
    variables.update(changes)
    return variables


def check(**changes) -> Report:
    return check_host(
        "acme-data-analytics",
        druid_host(**changes),
        {},
        SCHEMA,
        ROLE_VARS["validate_inventory__release_types"],
        ROLE_VARS["validate_inventory__regions"],
    )


def test_schema_wires_every_eks_variable_to_its_format():
    check_schema(SCHEMA, ROLE_VARS["validate_inventory__release_types"])
    assert set(EKS_FORMATS) <= FORMATS and "absolute_path" in FORMATS
    formats = {name: SCHEMA[name].get("format") for name in (*EKS_VARIABLES, "fastish_kubeconfig")}
    assert formats == {
        "fastish_eks_public_access_cidrs": "eks_public_access_cidrs",
        "fastish_eks_control_plane_logs": "eks_control_plane_logs",
        "fastish_eks_system_nodes": "eks_system_nodes",
        "fastish_eks_team_namespaces": "k8s_namespaces",
        "fastish_karpenter_node_pools": "karpenter_node_pools",
        "fastish_cluster_addons": "cluster_addons",
        "fastish_kubeconfig": "absolute_path",
    }
    assert SCHEMA["fastish_unavailable_services"]["format"] == "unavailable_services"


def test_a_druid_host_with_the_local_values_is_valid():
    assert check() == Report([], [])


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        (CIDRS, ["0.0.0.0/0"], "fastish_eks_public_access_cidrs[0] is '0.0.0.0/0', which opens"),
        (LOGS, ["etcd"], "fastish_eks_control_plane_logs[0] is 'etcd', not one of"),
        (
            NODES,
            _nodes(instance_types=["c7gn.large"]),
            "fastish_eks_system_nodes.instance_types[0] 'c7gn.large' is a Graviton",
        ),
        (NAMESPACES, ["kube-system"], "fastish_eks_team_namespaces[0] is 'kube-system'"),
        (
            POOLS,
            _pools(capacity_types=["spot", "preemptible"]),
            f"{POOL0}.capacity_types[1] is 'preemptible'",
        ),
        (ADDONS, ["istio"], "fastish_cluster_addons[0] is 'istio', not one of"),
        (
            "fastish_kubeconfig",
            "k8s/kubeconfig",
            "fastish_kubeconfig is 'k8s/kubeconfig', not an absolute path",
        ),
        ("fastish_unavailable_services", {"helm": "x"}, "fastish_unavailable_services names 'helm'"),
    ],
)
def test_messages_name_the_host_the_variable_and_the_fix(variable, value, expected):
    report = check(**{variable: value})
    assert len(report.errors) == 1, report.errors
    message = report.errors[0]
    fix = " ".join(SCHEMA[variable]["fix"].split())
    assert message.startswith(f"host 'acme-data-analytics': {expected}"), message
    assert message.endswith(f". Fix: {fix}{'' if fix.endswith('.') else '.'}"), message


def test_the_schema_type_is_checked_before_the_format():
    report = check(fastish_eks_system_nodes=["m7i.large"], fastish_karpenter_node_pools={"name": "default"})
    assert len(report.errors) == 2, report.errors
    assert "fastish_eks_system_nodes is a list ['m7i.large'], not a mapping" in report.errors[0]
    assert "fastish_karpenter_node_pools is a mapping" in report.errors[1]


@pytest.mark.parametrize(
    ("variable", "value", "effect"),
    [
        ("fastish_kubeconfig", "/home/ops/.kube/config", "apply the release's manifests to whatever cluster"),
        ("fastish_unavailable_services", {"helm_repositories": "x"}, "skip the services it names"),
    ],
)
@pytest.mark.parametrize(
    ("endpoint", "why"),
    [
        (None, "fastish_aws_endpoint_url is not set"),
        (
            "https://eks.us-east-1.amazonaws.com",
            "fastish_aws_endpoint_url 'https://eks.us-east-1.amazonaws.com' is not",
        ),
    ],
)
def test_local_cloud_variables_are_refused_on_aws(variable, value, effect, endpoint, why):
    others = dict.fromkeys(LOCAL_CLOUD_ONLY, None)  # None: unset
    report = check(**{**others, variable: value, "fastish_aws_endpoint_url": endpoint})
    assert len(report.errors) == 1, report.errors
    assert report.errors[0].startswith(
        f"host 'acme-data-analytics': {variable} is set on a host that runs against AWS ({why}"
    ), report.errors
    assert effect in report.errors[0]


@pytest.mark.parametrize(
    "endpoint", ["https://127.0.0.1:5490", "http://localhost:5400", "https://[::1]:5400"]
)
def test_local_cloud_variables_are_fine_on_the_local_cloud(endpoint):
    assert check(fastish_aws_endpoint_url=endpoint).errors == []


def test_an_empty_kubeconfig_counts_as_unset():
    assert check(fastish_kubeconfig="").errors == []


# ------------------------------------------------------------------- through ansible-playbook

# The pattern of tests/integration/test_validation.py: a copy of inventories/local with one thing
# changed, run against the local cloud, must fail in the validation with the message (host, variable,
# fix) and make no AWS request at all. Every case runs playbooks/validate.yml; the first also runs
# playbooks/druid.yml (which imports it) once every role that playbook names is in place.


def _runnable(playbook: str) -> bool:
    path = REPO_ROOT / "playbooks" / playbook
    if not path.exists():
        return False
    roles = re.findall(r"^\s*- role: ([\w.]+)", path.read_text(), re.MULTILINE)
    return all((REPO_ROOT / "roles" / role / "tasks" / "main.yml").is_file() for role in roles)


def _host_var(**values):
    return lambda inv: inv.host(DATA_TEAM, "acme-data-analytics", lambda host: host.update(values))


BAD_INVENTORIES = [
    (
        "open-control-plane",
        _host_var(fastish_eks_public_access_cidrs=["198.51.100.0/24", "0.0.0.0/0"]),
        [
            "host 'acme-data-analytics': fastish_eks_public_access_cidrs[1] is '0.0.0.0/0', which opens the "
            "cluster's Kubernetes API endpoint to the whole internet",
            "Fix: list the public IPv4 blocks of the offices or VPNs that run ansible-playbook or AWX",
        ],
    ),
    (
        "graviton-on-x86-system-nodes",
        _host_var(
            fastish_eks_system_nodes={
                "ami_type": "BOTTLEROCKET_x86_64",
                "instance_types": ["m7g.large"],
                "min_size": 1,
                "max_size": 3,
                "desired_size": 2,
                "disk_size_gib": 40,
            }
        ),
        [
            "host 'acme-data-analytics': fastish_eks_system_nodes.instance_types[0] 'm7g.large' is a "
            "Graviton (arm64) instance type, but ami_type BOTTLEROCKET_x86_64 boots x86_64 nodes",
            "Fix: set fastish_eks_system_nodes to a mapping with exactly ami_type",
        ],
    ),
    (
        "team-namespace-kube-system",
        lambda inv: inv.group_vars("local_acme_data", fastish_eks_team_namespaces=["data", "kube-system"]),
        [
            "host 'acme-data-analytics': fastish_eks_team_namespaces[1] is 'kube-system'; Kubernetes "
            "reserves the kube- prefix",
            "host 'acme-data-api': fastish_eks_team_namespaces[1] is 'kube-system'",
            "Fix: list the Kubernetes namespaces the team's developers may edit",
        ],
    ),
    (
        "karpenter-capacity-type",
        lambda inv: inv.group_vars(
            "local",
            fastish_karpenter_node_pools=[
                {**DEFAULTS["fastish_karpenter_node_pools"][0], "capacity_types": ["on-demand", "Spot"]}
            ],
        ),
        [
            "host 'acme-data-analytics': fastish_karpenter_node_pools[0] (default).capacity_types[1] is "
            "'Spot', not one of on-demand, spot, reserved (did you mean 'spot'?)",
            "host 'local-bootstrap': fastish_karpenter_node_pools[0] (default).capacity_types[1] is 'Spot'",
            "Fix: list the Karpenter node pools as mappings with exactly name",
        ],
    ),
    (
        "relative-kubeconfig",
        lambda inv: inv.group_vars("local", fastish_kubeconfig="k8s/kubeconfig"),
        [
            "host 'acme-data-analytics': fastish_kubeconfig is 'k8s/kubeconfig', not an absolute path",
            "Fix: set fastish_kubeconfig only in inventories/local, to the absolute path",
        ],
    ),
    (
        "unknown-unavailable-service",
        lambda inv: inv.group_vars("local", fastish_unavailable_services={"helm_repository": "no registry"}),
        [
            "host 'acme-web-portal': fastish_unavailable_services names 'helm_repository', which is not a "
            "service the platform can do without (did you mean 'helm_repositories'?)",
        ],
    ),
]


CASES = [pytest.param("validate.yml", *case[1:], id=case[0]) for case in BAD_INVENTORIES] + [
    pytest.param(
        "druid.yml",
        *BAD_INVENTORIES[0][1:],
        id=f"{BAD_INVENTORIES[0][0]}-druid.yml",
        marks=pytest.mark.skipif(
            not _runnable("druid.yml"), reason="playbooks/druid.yml or its roles missing"
        ),
    )
]


@pytest.mark.parametrize(("playbook", "change", "expected"), CASES)
def test_bad_druid_inventory_is_rejected_before_any_aws_call(tmp_path, cloud, playbook, change, expected):
    inv = copy_inventory(tmp_path)
    change(inv)
    env = ansible_env({**cloud.env(), "FASTISH_EXTERNAL_ID": "eks-rules-test-external-id"})
    rc, output = ansible_playbook(inv.path, REPO_ROOT / "playbooks" / playbook, env=env)
    text = readable(output)

    assert rc != 0, output
    assert "The inventory was rejected before any AWS call" in text, output
    for fragment in expected:
        assert fragment in text, f"{fragment!r} not in output:\n{output}"
    assert cloud.requests()["count"] == 0, cloud.requests()
