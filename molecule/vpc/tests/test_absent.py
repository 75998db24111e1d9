"""After vpc_state=absent: nothing of the release network is left (run by side_effect.yml).

FASTISH_EXPECT_LOG_GROUP=kept|deleted says whether the flow-log log group must still be there
(kept unless vpc_destroy_data was confirmed).
"""

from __future__ import annotations

import os

import pytest
from test_verify import FLOW_ROLE, LOG_GROUP, PREFIX, _client


@pytest.fixture(scope="module")
def ec2():
    return _client("ec2")


@pytest.fixture(scope="module")
def default_vpcs(ec2):
    return {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v["IsDefault"]}


def test_only_default_vpcs_are_left(ec2, default_vpcs):
    assert {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]} == default_vpcs
    assert ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"{PREFIX}-vpc"]}])["Vpcs"] == []


def test_no_subnet_route_table_gateway_or_group_outside_default_vpcs(ec2, default_vpcs):
    assert [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"] if s["VpcId"] not in default_vpcs] == []
    assert [
        r["RouteTableId"]
        for r in ec2.describe_route_tables()["RouteTables"]
        if r["VpcId"] not in default_vpcs
    ] == []
    assert [
        g["GroupId"]
        for g in ec2.describe_security_groups()["SecurityGroups"]
        if g["VpcId"] not in default_vpcs
    ] == []
    igws = ec2.describe_internet_gateways()["InternetGateways"]
    assert [
        i["InternetGatewayId"] for i in igws if not {a["VpcId"] for a in i["Attachments"]} <= default_vpcs
    ] == []


def test_nat_gateways_deleted_and_addresses_released(ec2):
    live = [
        n["NatGatewayId"]
        for n in ec2.describe_nat_gateways()["NatGateways"]
        if n["State"] in ("pending", "available")
    ]
    assert live == []
    assert ec2.describe_addresses()["Addresses"] == []


def test_endpoints_and_flow_logs_gone(ec2):
    live = [
        e["VpcEndpointId"]
        for e in ec2.describe_vpc_endpoints()["VpcEndpoints"]
        if e["State"].lower() != "deleted"
    ]
    assert live == []
    assert ec2.describe_flow_logs()["FlowLogs"] == []


def test_delivery_role_gone():
    names = [r["RoleName"] for r in _client("iam").list_roles()["Roles"]]
    assert FLOW_ROLE not in names


def test_log_group_kept_or_deleted_as_asked():
    groups = _client("logs").describe_log_groups(logGroupNamePrefix=LOG_GROUP)["logGroups"]
    expected = os.environ["FASTISH_EXPECT_LOG_GROUP"]
    assert [g["logGroupName"] for g in groups] == ([LOG_GROUP] if expected == "kept" else [])
