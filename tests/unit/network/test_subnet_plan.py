"""fastish.platform.subnet_plan: deterministic, aligned, non-overlapping subnets inside the VPC block."""

from __future__ import annotations

import ipaddress
import itertools
import subprocess
import sys
from pathlib import Path

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.fastish.platform.plugins.filter.subnet_plan import FilterModule, plan

REPO_ROOT = Path(__file__).resolve().parents[3]
AZS = ["us-east-1a", "us-east-1b", "us-east-1c"]
TIERS = ["public", "private", "isolated"]
WEIGHTED = [
    {"name": "public", "weight": 1},
    {"name": "private", "weight": 2},
    {"name": "isolated", "weight": 1},
]


def _check_plan(cidr, azs, tiers, result):
    vpc = ipaddress.ip_network(cidr)
    names = [t if isinstance(t, str) else t["name"] for t in tiers]
    # one subnet per tier and zone, ordered by tier then zone
    assert [(s["tier"], s["az"]) for s in result] == list(itertools.product(names, azs))
    assert [s["az_index"] for s in result] == list(range(len(azs))) * len(names)
    nets = [ipaddress.ip_network(s["cidr"]) for s in result]  # strict: no host bits, so aligned
    for net, subnet in zip(nets, result, strict=True):
        assert net.subnet_of(vpc)
        assert 16 <= net.prefixlen <= 28
        assert subnet["prefix_length"] == net.prefixlen
        assert subnet["usable_addresses"] == net.num_addresses - 5
    for a, b in itertools.combinations(nets, 2):
        assert not a.overlaps(b), f"{a} overlaps {b}"
    # every subnet of a tier has the same size
    for name in names:
        assert len({s["prefix_length"] for s in result if s["tier"] == name}) == 1


@pytest.mark.parametrize("prefix", range(16, 25))
@pytest.mark.parametrize("tiers", [TIERS, WEIGHTED], ids=["equal", "weighted"])
def test_every_vpc_size_from_16_to_24_fits_three_tiers_in_three_zones(prefix, tiers):
    cidr = str(ipaddress.ip_network(f"10.10.0.0/{prefix}", strict=False))
    _check_plan(cidr, AZS, tiers, plan(cidr, AZS, tiers))


def test_the_documented_16_plan():
    result = {(s["tier"], s["az"]): s["cidr"] for s in plan("10.10.0.0/16", AZS, WEIGHTED)}
    assert result == {
        ("private", "us-east-1a"): "10.10.0.0/19",
        ("private", "us-east-1b"): "10.10.32.0/19",
        ("private", "us-east-1c"): "10.10.64.0/19",
        ("public", "us-east-1a"): "10.10.96.0/20",
        ("public", "us-east-1b"): "10.10.112.0/20",
        ("public", "us-east-1c"): "10.10.128.0/20",
        ("isolated", "us-east-1a"): "10.10.144.0/20",
        ("isolated", "us-east-1b"): "10.10.160.0/20",
        ("isolated", "us-east-1c"): "10.10.176.0/20",
    }


def test_equal_tiers_in_a_24_are_28s():
    result = plan("192.168.7.0/24", AZS, TIERS)
    assert [s["cidr"] for s in result] == [f"192.168.7.{16 * i}/28" for i in range(9)]


def test_deterministic_and_independent_of_input_object_identity():
    assert plan("10.0.0.0/16", list(AZS), list(TIERS)) == plan("10.0.0.0/16", tuple(AZS), tuple(TIERS))


def test_zone_order_follows_the_given_list():
    forward = plan("10.0.0.0/20", AZS, ["a"])
    backward = plan("10.0.0.0/20", list(reversed(AZS)), ["a"])
    assert [s["az"] for s in backward] == list(reversed(AZS))
    assert [s["cidr"] for s in forward] == [s["cidr"] for s in backward]  # cidrs go by position


@pytest.mark.parametrize("azs", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("tiers", [["a"], ["a", "b"], TIERS, [*TIERS, "d"]])
def test_other_shapes(azs, tiers):
    zones = [f"z{i}" for i in range(azs)]
    _check_plan("10.1.0.0/16", zones, tiers, plan("10.1.0.0/16", zones, tiers))


@pytest.mark.parametrize(
    ("cidr", "azs", "tiers", "message"),
    [
        ("10.10.0.0/25", AZS, TIERS, "10.10.0.0/25 is too small for 3 tiers x 3 availability zones"),
        ("10.10.0.0/25", AZS, TIERS, "use a /24 or larger block"),
        (
            "10.10.0.0/24",
            AZS,
            [{"name": "a", "weight": 1}, {"name": "b", "weight": 8}],
            "use a /23 or larger",
        ),
        ("10.10.0.0/15", AZS, TIERS, "must be between /16 and /28"),
        ("10.10.0.0/29", ["a"], ["x"], "must be between /16 and /28"),
        ("10.10.1.0/16", AZS, TIERS, "is not a network address block"),
        ("not-a-cidr", AZS, TIERS, "is not a network address block"),
        ("fd00::/56", AZS, TIERS, "is not IPv4"),
        ("10.0.0.0/16", [], TIERS, "azs must be a non-empty list"),
        ("10.0.0.0/16", "us-east-1a", TIERS, "azs must be a non-empty list"),
        ("10.0.0.0/16", ["a", "a"], TIERS, "repeated: a"),
        ("10.0.0.0/16", ["a", ""], TIERS, "must be availability zone names"),
        ("10.0.0.0/16", AZS, [], "tiers must be a non-empty list"),
        ("10.0.0.0/16", AZS, ["x", "x"], "tier names must be unique, repeated: x"),
        ("10.0.0.0/16", AZS, [{"name": "x", "weight": 3}], "weight must be a power of two"),
        ("10.0.0.0/16", AZS, [{"name": "x", "weight": 0}], "weight must be a power of two"),
        ("10.0.0.0/16", AZS, [{"name": "x", "weight": True}], "weight must be a power of two"),
        ("10.0.0.0/16", AZS, [{"weight": 1}], "neither a name nor a dict with a name"),
        ("10.0.0.0/16", AZS, [""], "a tier name is empty"),
    ],
)
def test_fails_clearly(cidr, azs, tiers, message):
    with pytest.raises(AnsibleFilterError, match=r"fastish\.platform\.subnet_plan: ") as err:
        FilterModule().filters()["subnet_plan"](cidr, azs, tiers)
    assert message in str(err.value)


def test_smallest_block_that_fits_is_accepted():
    # 9 equal subnets need 16 units; a /24 gives 16 x /28, the AWS minimum subnet.
    assert plan("10.10.0.0/24", AZS, TIERS)[-1]["cidr"] == "10.10.0.128/28"


def test_through_ansible():
    ansible = Path(sys.executable).parent / "ansible"
    expr = (
        "'10.10.0.0/16' | fastish.platform.subnet_plan(['a', 'b'], ['public', 'private'])"
        " | map(attribute='cidr') | list"
    )
    proc = subprocess.run(
        [str(ansible), "localhost", "-m", "ansible.builtin.debug", "-a", f"msg={{{{ {expr} }}}}"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert '"10.10.0.0/18"' in proc.stdout and '"10.10.192.0/18"' in proc.stdout
