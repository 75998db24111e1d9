"""Verify the converged network of release acme-web-portal through the AWS APIs of the local cloud.

Run by verify.yml after converge + idempotence (NAT mode single, from the inventory), and again by
side_effect.yml after switching to per_az and back. The role's facts, written by converge.yml, say
which mode was converged; every count is checked after the idempotence run, so a re-run that
created a second NAT gateway, Elastic IP or route table fails here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.molecule_support import aws_client

ROOT = Path(__file__).resolve().parents[3]
ACCOUNT = "123456789012"
REGION = "us-east-1"
PREFIX = "acme-web-portal"
CIDR = "10.10.0.0/16"
AZS = ["us-east-1a", "us-east-1b", "us-east-1c"]
# fastish.platform.subnet_plan of 10.10.0.0/16, weights public 1, private 2, isolated 1.
PLAN = {
    "public": ["10.10.96.0/20", "10.10.112.0/20", "10.10.128.0/20"],
    "private": ["10.10.0.0/19", "10.10.32.0/19", "10.10.64.0/19"],
    "isolated": ["10.10.144.0/20", "10.10.160.0/20", "10.10.176.0/20"],
}
PLATFORM_TAGS = {
    "fastish:organization": "acme",
    "fastish:team": "web",
    "fastish:release": "portal",
    "fastish:release-type": "webapp",
    "fastish:environment": "dev",
    "fastish:synthesizer": "local",
    "fastish:managed-by": "fastish",
    "fastish:cost-center": "cc-1001",
}
CLUSTER = f"{PREFIX}-eks"
LOG_GROUP = f"{PREFIX}-flow-logs"
FLOW_ROLE = f"{PREFIX}-flow-logs"
INTERFACE_SERVICES = {f"com.amazonaws.{REGION}.ecr.api", f"com.amazonaws.{REGION}.sts"}
GATEWAY_SERVICES = {f"com.amazonaws.{REGION}.s3", f"com.amazonaws.{REGION}.dynamodb"}


_client = aws_client


def _tags(resource):
    return {t["Key"]: t["Value"] for t in resource.get("Tags", resource.get("TagSet", []))}


def _vpc_filter(vpc_id):
    return [{"Name": "vpc-id", "Values": [vpc_id]}]


@pytest.fixture(scope="module")
def facts():
    directory = os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", str(ROOT / "outputs"))
    return json.loads((Path(directory) / "vpc-facts.json").read_text())


@pytest.fixture(scope="module")
def ec2():
    return _client("ec2")


@pytest.fixture(scope="module")
def vpc(ec2, facts):
    found = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"{PREFIX}-vpc"]}])["Vpcs"]
    assert len(found) == 1, f"expected one VPC named {PREFIX}-vpc, found {[v['VpcId'] for v in found]}"
    assert found[0]["VpcId"] == facts["vpc_id"]
    return found[0]


@pytest.fixture(scope="module")
def subnets(ec2, vpc):
    return ec2.describe_subnets(Filters=_vpc_filter(vpc["VpcId"]))["Subnets"]


@pytest.fixture(scope="module")
def route_tables(ec2, vpc):
    return ec2.describe_route_tables(Filters=_vpc_filter(vpc["VpcId"]))["RouteTables"]


@pytest.fixture(scope="module")
def nats(ec2, vpc):
    all_nats = ec2.describe_nat_gateways(Filters=_vpc_filter(vpc["VpcId"]))["NatGateways"]
    return [n for n in all_nats if n["State"] in ("pending", "available")]


@pytest.fixture(scope="module")
def igw(ec2, vpc):
    (gateway,) = ec2.describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [vpc["VpcId"]]}]
    )["InternetGateways"]
    return gateway


def _by_name(resources):
    return {_tags(r).get("Name"): r for r in resources}


def test_vpc_block_dns_and_tags(ec2, vpc):
    assert vpc["CidrBlock"] == CIDR
    for attribute, key in (
        ("enableDnsSupport", "EnableDnsSupport"),
        ("enableDnsHostnames", "EnableDnsHostnames"),
    ):
        assert ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute=attribute)[key]["Value"] is True
    assert _tags(vpc) == {**PLATFORM_TAGS, "Name": f"{PREFIX}-vpc"}


def test_subnets_follow_the_plan_across_three_zones(subnets, facts):
    assert len(subnets) == 9
    named = _by_name(subnets)
    for tier, cidrs in PLAN.items():
        ids = []
        for az, cidr in zip(AZS, cidrs, strict=True):
            subnet = named[f"{PREFIX}-{tier}-{az}"]
            assert (subnet["CidrBlock"], subnet["AvailabilityZone"]) == (cidr, az)
            assert subnet["MapPublicIpOnLaunch"] is (tier == "public")
            assert _tags(subnet)["fastish:subnet-tier"] == tier
            ids.append(subnet["SubnetId"])
        assert facts["vpc_subnet_ids"][tier] == ids, f"{tier} subnet ids must be in zone order"
    assert facts["vpc_availability_zones"] == AZS


def test_subnet_tags_for_kubernetes(subnets):
    cluster_key = f"kubernetes.io/cluster/{CLUSTER}"
    for subnet in subnets:
        tags = _tags(subnet)
        tier = tags["fastish:subnet-tier"]
        assert {k: tags[k] for k in PLATFORM_TAGS} == PLATFORM_TAGS
        k8s = {k: v for k, v in tags.items() if k.startswith(("kubernetes.io/", "karpenter.sh/"))}
        expected = {
            "public": {"kubernetes.io/role/elb": "1", cluster_key: "shared"},
            "private": {
                "kubernetes.io/role/internal-elb": "1",
                cluster_key: "shared",
                "karpenter.sh/discovery": CLUSTER,
            },
            "isolated": {},
        }[tier]
        assert k8s == expected, tags["Name"]


def test_internet_gateway(igw):
    assert _tags(igw) == {**PLATFORM_TAGS, "Name": f"{PREFIX}-igw"}


def test_nat_gateways_match_the_mode(nats, subnets, facts):
    named = _by_name(subnets)
    zones = AZS if facts["vpc_nat_gateways"] == "per_az" else AZS[:1]
    assert len(nats) == len(zones), [n["NatGatewayId"] for n in nats]
    by_subnet = {n["SubnetId"]: n for n in nats}
    expected_ids = []
    for az in zones:
        nat = by_subnet[named[f"{PREFIX}-public-{az}"]["SubnetId"]]  # in its zone's public subnet
        assert nat["State"] == "available"
        assert nat["ConnectivityType"] == "public"
        assert _tags(nat) == {**PLATFORM_TAGS, "Name": f"{PREFIX}-nat-{az}"}
        expected_ids.append(nat["NatGatewayId"])
    assert facts["vpc_nat_gateway_ids"] == expected_ids


def test_exactly_one_tagged_elastic_ip_per_nat_gateway(ec2, nats):
    addresses = ec2.describe_addresses()["Addresses"]
    assert len(addresses) == len(nats), "an Elastic IP was allocated twice or not released"
    by_allocation = {a["AllocationId"]: a for a in addresses}
    for nat in nats:
        (address,) = nat["NatGatewayAddresses"]
        eip = by_allocation[address["AllocationId"]]
        assert _tags(eip) == {**PLATFORM_TAGS, "Name": _tags(nat)["Name"]}


def test_no_extra_route_tables(route_tables, facts):
    names = [_tags(rt).get("Name") for rt in route_tables]
    main = [rt for rt in route_tables if any(a.get("Main") for a in rt["Associations"])]
    assert len(main) == 1
    expected = {f"{PREFIX}-rt-public", f"{PREFIX}-rt-isolated"} | {f"{PREFIX}-rt-private-{az}" for az in AZS}
    assert sorted(n for n in names if n) == sorted(expected), "a route table was created twice"
    assert len(route_tables) == len(expected) + 1
    # The main table stays as AWS made it: local route only, no subnet.
    assert [r["GatewayId"] for r in main[0]["Routes"]] == ["local"]
    assert [a for a in main[0]["Associations"] if a.get("SubnetId")] == []
    named = _by_name(route_tables)
    assert facts["vpc_route_table_ids"] == {
        "public": [named[f"{PREFIX}-rt-public"]["RouteTableId"]],
        "private": [named[f"{PREFIX}-rt-private-{az}"]["RouteTableId"] for az in AZS],
        "isolated": [named[f"{PREFIX}-rt-isolated"]["RouteTableId"]],
    }


def _cidr_routes(rt):
    return {r["DestinationCidrBlock"]: r for r in rt["Routes"] if "DestinationCidrBlock" in r}


def _associated(rt):
    return sorted(a["SubnetId"] for a in rt["Associations"] if a.get("SubnetId"))


def test_public_routes_to_the_internet_gateway(route_tables, facts, igw):
    rt = _by_name(route_tables)[f"{PREFIX}-rt-public"]
    routes = _cidr_routes(rt)
    assert set(routes) == {CIDR, "0.0.0.0/0"}
    assert routes["0.0.0.0/0"]["GatewayId"] == igw["InternetGatewayId"]
    assert _associated(rt) == sorted(facts["vpc_subnet_ids"]["public"])
    assert [r for r in rt["Routes"] if "DestinationPrefixListId" in r] == [], "no endpoint routes on public"


def test_private_routes_through_the_mode_s_nat_gateway(route_tables, facts, nats):
    named = _by_name(route_tables)
    nat_by_subnet = {n["SubnetId"]: n["NatGatewayId"] for n in nats}
    for index, az in enumerate(AZS):
        rt = named[f"{PREFIX}-rt-private-{az}"]
        routes = _cidr_routes(rt)
        assert set(routes) == {CIDR, "0.0.0.0/0"}
        nat_zone = index if facts["vpc_nat_gateways"] == "per_az" else 0
        expected_nat = nat_by_subnet[facts["vpc_subnet_ids"]["public"][nat_zone]]
        assert routes["0.0.0.0/0"].get("NatGatewayId") == expected_nat, az
        assert _associated(rt) == [facts["vpc_subnet_ids"]["private"][index]]


def test_isolated_has_no_internet_route(route_tables, facts):
    rt = _by_name(route_tables)[f"{PREFIX}-rt-isolated"]
    assert set(_cidr_routes(rt)) == {CIDR}
    for route in rt["Routes"]:
        assert route.get("GatewayId", "").startswith(("local", "vpce-")), route
        assert "NatGatewayId" not in route
    assert _associated(rt) == sorted(facts["vpc_subnet_ids"]["isolated"])


def test_gateway_endpoints_on_private_and_isolated_tables(ec2, vpc, route_tables, facts):
    endpoints = [
        e
        for e in ec2.describe_vpc_endpoints(Filters=_vpc_filter(vpc["VpcId"]))["VpcEndpoints"]
        if e["VpcEndpointType"] == "Gateway" and e["State"].lower() not in ("deleting", "deleted")
    ]
    assert sorted(e["ServiceName"] for e in endpoints) == sorted(GATEWAY_SERVICES), "one endpoint per service"
    wanted_tables = sorted(facts["vpc_route_table_ids"]["private"] + facts["vpc_route_table_ids"]["isolated"])
    by_id = {rt["RouteTableId"]: rt for rt in route_tables}
    for endpoint in endpoints:
        assert sorted(endpoint["RouteTableIds"]) == wanted_tables
        service = endpoint["ServiceName"].rsplit(".", 1)[1]
        assert _tags(endpoint) == {**PLATFORM_TAGS, "Name": f"{PREFIX}-vpce-{service}"}
        for table_id in wanted_tables:
            assert any(r.get("GatewayId") == endpoint["VpcEndpointId"] for r in by_id[table_id]["Routes"])


def test_interface_endpoints_in_private_subnets_with_private_dns(ec2, vpc, facts):
    endpoints = [
        e
        for e in ec2.describe_vpc_endpoints(Filters=_vpc_filter(vpc["VpcId"]))["VpcEndpoints"]
        if e["VpcEndpointType"] == "Interface" and e["State"].lower() not in ("deleting", "deleted")
    ]
    assert sorted(e["ServiceName"] for e in endpoints) == sorted(INTERFACE_SERVICES)
    for endpoint in endpoints:
        assert sorted(endpoint["SubnetIds"]) == sorted(facts["vpc_subnet_ids"]["private"])
        assert [g["GroupId"] for g in endpoint["Groups"]] == [facts["vpc_endpoint_security_group_id"]]
        assert endpoint["PrivateDnsEnabled"] is True


def test_endpoint_security_group_allows_https_from_the_vpc_only(ec2, facts):
    (group,) = ec2.describe_security_groups(GroupIds=[facts["vpc_endpoint_security_group_id"]])[
        "SecurityGroups"
    ]
    assert group["GroupName"] == f"{PREFIX}-endpoints"
    (rule,) = group["IpPermissions"]
    assert (rule["IpProtocol"], rule["FromPort"], rule["ToPort"]) == ("tcp", 443, 443)
    assert [r["CidrIp"] for r in rule["IpRanges"]] == [CIDR]
    assert rule.get("UserIdGroupPairs", []) == [] and rule.get("Ipv6Ranges", []) == []
    assert group["IpPermissionsEgress"] == []
    assert _tags(group)["Name"] == f"{PREFIX}-endpoints"


def test_flow_log_to_the_encrypted_log_group(ec2, vpc, facts):
    (flow_log,) = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc["VpcId"]]}])[
        "FlowLogs"
    ]
    assert flow_log["LogDestinationType"] == "cloud-watch-logs"
    assert flow_log["LogGroupName"] == LOG_GROUP
    assert flow_log["TrafficType"] == "ALL"
    assert flow_log["DeliverLogsPermissionArn"] == f"arn:aws:iam::{ACCOUNT}:role/{FLOW_ROLE}"
    assert flow_log["DeliverLogsStatus"] == "SUCCESS"
    assert _tags(flow_log) == {**PLATFORM_TAGS, "Name": f"{PREFIX}-flow-logs"}
    (group,) = _client("logs").describe_log_groups(logGroupNamePrefix=LOG_GROUP)["logGroups"]
    assert group["kmsKeyId"] == facts["kms_key_arn"]
    assert group["retentionInDays"] == 90


def _statements(doc):
    doc = json.loads(doc) if isinstance(doc, str) else doc
    stmts = doc["Statement"]
    return stmts if isinstance(stmts, list) else [stmts]


def _listify(value):
    return value if isinstance(value, list) else [value]


def test_flow_log_role_trust_is_conditioned_on_this_account():
    iam = _client("iam")
    role = iam.get_role(RoleName=FLOW_ROLE)["Role"]
    (stmt,) = _statements(role["AssumeRolePolicyDocument"])
    assert stmt["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert stmt["Action"] == "sts:AssumeRole"
    assert stmt["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
    assert stmt["Condition"]["ArnLike"] == {"aws:SourceArn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc-flow-log/*"}
    assert iam.list_attached_role_policies(RoleName=FLOW_ROLE)["AttachedPolicies"] == []


def test_flow_log_role_writes_only_to_its_log_group():
    iam = _client("iam")
    assert iam.list_role_policies(RoleName=FLOW_ROLE)["PolicyNames"] == [FLOW_ROLE]
    stmts = _statements(iam.get_role_policy(RoleName=FLOW_ROLE, PolicyName=FLOW_ROLE)["PolicyDocument"])
    group_arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{LOG_GROUP}"
    actions = set()
    for stmt in stmts:
        assert stmt["Effect"] == "Allow"
        stmt_actions = set(_listify(stmt["Action"]))
        actions |= stmt_actions
        resources = _listify(stmt["Resource"])
        assert "*" not in resources, stmt
        assert not [a for a in stmt_actions if a.endswith("*")], stmt
        if stmt_actions == {"logs:DescribeLogGroups"}:
            assert resources == [f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:*"]
        else:
            assert sorted(resources) == sorted([group_arn, f"{group_arn}:*"]), stmt
    assert actions == {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "logs:DescribeLogStreams",
        "logs:DescribeLogGroups",
    }


def test_outputs_contract(facts):
    outputs = facts["vpc_outputs"]
    assert set(outputs) >= {
        "vpc_id",
        "vpc_cidr",
        "public_subnet_ids",
        "private_subnet_ids",
        "isolated_subnet_ids",
        "public_route_table_ids",
        "private_route_table_ids",
        "isolated_route_table_ids",
        "flow_log_group",
    }
    assert outputs["vpc_id"] == facts["vpc_id"]
    assert outputs["vpc_cidr"] == CIDR
    assert outputs["flow_log_group"] == LOG_GROUP
    for tier in ("public", "private", "isolated"):
        assert outputs[f"{tier}_subnet_ids"] == facts["vpc_subnet_ids"][tier]
        assert outputs[f"{tier}_route_table_ids"] == facts["vpc_route_table_ids"][tier]
