# Copyright: fastish maintainers
# Apache License 2.0 (see the collection's galaxy.yml)
"""The subnet plan of a release VPC: which CIDR each tier gets in each availability zone.

Documentation: subnet_plan.yml next to this file (``ansible-doc -t filter fastish.platform.subnet_plan``).

The plan is a pure function of its inputs, so every run (and every reader: roles, tests, the
operator with a pencil) gets the same CIDRs. The VPC block is cut into equal *units*, as many as
the next power of two above the units all subnets need (a tier of weight ``w`` needs ``w`` units
per zone); subnets are handed out from the start of the block, largest first, then in tier order,
then in zone order. Since every size is a power of two and larger blocks come first, every subnet
is aligned on its own size; the units left over at the end of the block stay free.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleFilterError

# AWS: a VPC (and a subnet) is between /16 and /28; AWS keeps 5 addresses of every subnet.
VPC_MIN_PREFIX = 16
SUBNET_MAX_PREFIX = 28
AWS_RESERVED_ADDRESSES = 5


class SubnetPlanError(ValueError):
    """The inputs cannot give a valid plan; the message says why and what to change."""


def _tiers(tiers) -> list[tuple[str, int]]:
    if isinstance(tiers, (str, bytes)) or not isinstance(tiers, Sequence) or not tiers:
        raise SubnetPlanError("tiers must be a non-empty list of tier names or {name, weight} dicts")
    result = []
    for tier in tiers:
        if isinstance(tier, str):
            name, weight = tier, 1
        elif isinstance(tier, Mapping) and isinstance(tier.get("name"), str):
            name, weight = tier["name"], tier.get("weight", 1)
        else:
            raise SubnetPlanError(f"tier {tier!r} is neither a name nor a dict with a name")
        if not name:
            raise SubnetPlanError("a tier name is empty")
        if isinstance(weight, bool) or not isinstance(weight, int) or weight < 1 or weight & (weight - 1):
            raise SubnetPlanError(
                f"tier {name!r}: weight must be a power of two (1, 2, 4, ...), got {weight!r}"
            )
        result.append((name, weight))
    names = [name for name, _ in result]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise SubnetPlanError(f"tier names must be unique, repeated: {', '.join(duplicates)}")
    return result


def _azs(azs) -> list[str]:
    if isinstance(azs, (str, bytes)) or not isinstance(azs, Sequence) or not azs:
        raise SubnetPlanError("azs must be a non-empty list of availability zone names")
    if not all(isinstance(az, str) and az for az in azs):
        raise SubnetPlanError(f"azs must be availability zone names, got {list(azs)!r}")
    duplicates = sorted({az for az in azs if list(azs).count(az) > 1})
    if duplicates:
        raise SubnetPlanError(f"availability zones must be unique, repeated: {', '.join(duplicates)}")
    return list(azs)


def plan(cidr, azs, tiers) -> list[dict]:
    """The plan as a list of subnets in tier order, then zone order (see the module docstring)."""
    try:
        network = ipaddress.ip_network(str(cidr), strict=True)
    except ValueError as exc:
        raise SubnetPlanError(f"VPC CIDR {cidr!r} is not a network address block: {exc}") from exc
    if network.version != 4:
        raise SubnetPlanError(f"VPC CIDR {cidr} is not IPv4")
    if not VPC_MIN_PREFIX <= network.prefixlen <= SUBNET_MAX_PREFIX:
        raise SubnetPlanError(
            f"VPC CIDR {cidr} must be between /{VPC_MIN_PREFIX} and /{SUBNET_MAX_PREFIX} (AWS limits)"
        )
    zones = _azs(azs)
    tier_weights = _tiers(tiers)

    units = sum(weight for _, weight in tier_weights) * len(zones)
    unit_bits = (units - 1).bit_length()  # 2**unit_bits >= units
    unit_prefix = network.prefixlen + unit_bits
    # The smallest subnet is one of the lightest tier; it must still be a valid AWS subnet.
    lightest_bits = min(weight for _, weight in tier_weights).bit_length() - 1
    if unit_prefix - lightest_bits > SUBNET_MAX_PREFIX:
        needed = SUBNET_MAX_PREFIX - unit_bits + lightest_bits
        raise SubnetPlanError(
            f"VPC CIDR {cidr} is too small for {len(tier_weights)} tiers x {len(zones)} availability zones "
            f"({units} units of /{unit_prefix}; AWS subnets are at most /{SUBNET_MAX_PREFIX}): "
            f"use a /{needed} or larger block, fewer zones, or lighter tier weights"
        )

    requests = [
        (weight, tier_index, az_index, name, az)
        for tier_index, (name, weight) in enumerate(tier_weights)
        for az_index, az in enumerate(zones)
    ]
    cursor = int(network.network_address)
    allocated = {}
    for weight, tier_index, az_index, name, az in sorted(requests, key=lambda r: (-r[0], r[1], r[2])):
        prefix = unit_prefix - (weight.bit_length() - 1)
        subnet = ipaddress.ip_network((cursor, prefix))
        cursor += subnet.num_addresses
        allocated[(tier_index, az_index)] = {
            "tier": name,
            "az": az,
            "az_index": az_index,
            "cidr": str(subnet),
            "prefix_length": prefix,
            "usable_addresses": subnet.num_addresses - AWS_RESERVED_ADDRESSES,
        }
    return [allocated[(t, a)] for t in range(len(tier_weights)) for a in range(len(zones))]


def subnet_plan(cidr, azs, tiers):
    """Filter entry point: ``plan`` with its errors as AnsibleFilterError."""
    try:
        return plan(cidr, azs, tiers)
    except SubnetPlanError as exc:
        raise AnsibleFilterError(f"fastish.platform.subnet_plan: {exc}") from exc


class FilterModule:
    """fastish.platform network filters."""

    def filters(self):
        return {"subnet_plan": subnet_plan}
