"""Put a route nobody asked for on the isolated route table (run by side_effect.yml).

The next converge must remove it again: the isolated tier never reaches the internet.
"""

from __future__ import annotations

from test_verify import PREFIX, _client


def main():
    ec2 = _client("ec2")
    (table,) = ec2.describe_route_tables(Filters=[{"Name": "tag:Name", "Values": [f"{PREFIX}-rt-isolated"]}])[
        "RouteTables"
    ]
    (igw,) = ec2.describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [table["VpcId"]]}]
    )["InternetGateways"]
    ec2.create_route(
        RouteTableId=table["RouteTableId"],
        DestinationCidrBlock="0.0.0.0/0",
        GatewayId=igw["InternetGatewayId"],
    )
    ec2.create_route(
        RouteTableId=table["RouteTableId"],
        DestinationCidrBlock="192.168.0.0/16",
        GatewayId=igw["InternetGatewayId"],
    )
    print(f"added 0.0.0.0/0 and 192.168.0.0/16 via {igw['InternetGatewayId']} to {table['RouteTableId']}")


if __name__ == "__main__":
    main()
