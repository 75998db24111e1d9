"""Realistic lifecycles (tools/localcloud/ext_lifecycles.py, timing in lifecycle.py).

EKS clusters and node groups, NAT gateways, RDS instances, MSK clusters and CloudFront distributions stay
in their transitional state for FASTISH_LOCALCLOUD_LIFECYCLE_SECONDS, then become ready (or gone); what
needs the ready state fails meanwhile with AWS's error; 0 turns it off. boto3 over HTTPS against local
clouds of their own, then Ansible proofs that a task which forgets to wait fails while one that waits
passes. The last tests show that plain moto has none of it (ready at once; MSK CREATING for ever).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.localcloud.support import error_code, error_message, eventually, own_cloud, refused
from tests.modules.support import run
from tools.localcloud import lifecycle

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/cluster"
NODE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/node"
SUBNETS = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]  # moto's EKS does not check them
LIFECYCLE = 3.0  # seconds, in this module's local cloud (a loaded machine needs the margin)
EXTENSIONS = [
    "lifecycle-eks-clusters",
    "lifecycle-eks-nodegroups",
    "lifecycle-ec2-nat-gateways",
    "lifecycle-rds-instances",
    "lifecycle-msk-clusters",
    "lifecycle-cloudfront-distributions",
]


def _refused(action: Callable[[], Any], status: Callable[[], str], transitional: str, code: str) -> str:
    """``action`` fails with ``code`` while the resource is ``transitional`` (``refused``); the message."""
    error = refused(action, status, transitional).response["Error"]
    assert error["Code"] == code, error
    return error["Message"]


@pytest.fixture(scope="module")
def slow_cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A local cloud whose lifecycles last LIFECYCLE s."""
    yield from own_cloud(tmp_path_factory, "lifecycles", FASTISH_LOCALCLOUD_LIFECYCLE_SECONDS=str(LIFECYCLE))


@pytest.fixture
def lc(slow_cloud: Any) -> Any:
    slow_cloud.reset()
    return slow_cloud


@pytest.fixture(scope="module")
def instant_cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A local cloud with FASTISH_LOCALCLOUD_LIFECYCLE_SECONDS=0."""
    yield from own_cloud(tmp_path_factory, "instant", FASTISH_LOCALCLOUD_LIFECYCLE_SECONDS="0")


def _cluster(eks: Any, name: str = "c1") -> dict[str, Any]:
    return eks.create_cluster(name=name, roleArn=ROLE, resourcesVpcConfig={"subnetIds": SUBNETS})["cluster"]


def _nodegroup(eks: Any, cluster: str = "c1", name: str = "ng1") -> dict[str, Any]:
    return eks.create_nodegroup(clusterName=cluster, nodegroupName=name, nodeRole=NODE_ROLE, subnets=SUBNETS)[
        "nodegroup"
    ]


def _network(ec2: Any) -> tuple[str, str, str]:
    """(vpc, public subnet, attached internet gateway)."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"][
        "SubnetId"
    ]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    return vpc, subnet, igw


def _db(rds: Any, name: str = "db1") -> dict[str, Any]:
    return rds.create_db_instance(
        DBInstanceIdentifier=name,
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        MasterUsername="fastish",
        MasterUserPassword="not-a-secret-1",
        AllocatedStorage=20,
    )["DBInstance"]


def _msk(kafka: Any, name: str = "events") -> str:
    return kafka.create_cluster(
        ClusterName=name,
        KafkaVersion="3.6.0",
        NumberOfBrokerNodes=2,
        BrokerNodeGroupInfo={"InstanceType": "kafka.m5.large", "ClientSubnets": SUBNETS},
    )["ClusterArn"]


def _distribution_config(reference: str = "site") -> dict[str, Any]:
    return {
        "CallerReference": reference,
        "Comment": reference,
        "Enabled": True,
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "s3",
                    "DomainName": "b.s3.amazonaws.com",
                    "S3OriginConfig": {"OriginAccessIdentity": ""},
                }
            ],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "s3",
            "ViewerProtocolPolicy": "https-only",
            "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
        },
    }


# --------------------------------------------------------------------------------------------------------
# lifecycle.py and the machinery (in this process)


def test_lifecycle_seconds_per_kind_and_default(monkeypatch):
    monkeypatch.delenv("FASTISH_LOCALCLOUD_LIFECYCLE_SECONDS", raising=False)
    monkeypatch.delenv("FASTISH_LOCALCLOUD_LIFECYCLE_SECONDS_NAT_GATEWAY", raising=False)
    assert lifecycle.seconds("nat_gateway") == lifecycle.DEFAULT_SECONDS == 2.0
    monkeypatch.setenv("FASTISH_LOCALCLOUD_LIFECYCLE_SECONDS", "0.25")
    assert lifecycle.seconds("nat_gateway") == 0.25
    monkeypatch.setenv("FASTISH_LOCALCLOUD_LIFECYCLE_SECONDS_NAT_GATEWAY", "7")
    assert (lifecycle.seconds("nat_gateway"), lifecycle.seconds("eks_cluster")) == (7.0, 0.25)
    monkeypatch.setenv("FASTISH_LOCALCLOUD_LIFECYCLE_SECONDS", "-3")
    assert lifecycle.seconds("eks_cluster") == 0.0
    monkeypatch.setenv("FASTISH_LOCALCLOUD_LIFECYCLE_SECONDS", "soon")
    with pytest.raises(ValueError, match="not a number of seconds"):
        lifecycle.seconds("eks_cluster")


def test_status_property_and_reaping_settle_when_read(monkeypatch):
    from tools.localcloud import ext_lifecycles as ext

    clock = [100.0]
    monkeypatch.setattr(lifecycle, "now", lambda: clock[0])
    monkeypatch.setenv("FASTISH_LOCALCLOUD_LIFECYCLE_SECONDS", "5")
    done: list[str] = []

    class Thing:
        status = ext.status_property("_raw", default="NEW")

        def __init__(self) -> None:
            self.status = "ACTIVE"

    thing = Thing()
    ext.begin(thing, "UPDATING", "ACTIVE", "eks_cluster", on_done=lambda t: done.append(t.status))
    assert (thing.status, ext.in_transition(thing), done) == ("UPDATING", True, [])
    clock[0] += 5
    assert (thing.status, ext.in_transition(thing), done) == ("ACTIVE", False, ["ACTIVE"])
    assert thing.status == "ACTIVE" and done == ["ACTIVE"]  # on_done ran once

    things = ext.Reaping({"a": thing, "b": Thing()})
    ext.begin(things["b"], "DELETING", None, "eks_cluster")
    assert sorted(things) == ["a", "b"] and things["b"].status == "DELETING"
    clock[0] += 5
    assert "b" not in things and sorted(things) == ["a"] and len(things) == 1
    with pytest.raises(KeyError):
        things["b"]
    thing.status = "DELETING"  # moto setting a status ends any transition
    assert thing.status == "DELETING" and ext.transition(thing) is None


# --------------------------------------------------------------------------------------------------------
# Through the server


def test_health_lists_the_lifecycle_extensions(lc):
    assert set(EXTENSIONS) <= set(lc.health()["extensions"])


def test_eks_cluster_creating_updating_deleting(lc):
    eks = lc.client("eks")
    eks.list_clusters()  # the first call of a service is slow: not inside the measured window
    started = time.monotonic()
    assert _cluster(eks)["status"] == "CREATING"

    def status() -> str:
        return eks.describe_cluster(name="c1")["cluster"]["status"]

    message = _refused(lambda: _nodegroup(eks), status, "CREATING", "InvalidRequestException")
    assert message == "Cluster 'c1' is not in ACTIVE status"
    _refused(lambda: eks.delete_cluster(name="c1"), status, "CREATING", "ResourceInUseException")
    eventually(lambda: status() == "ACTIVE", what="ACTIVE")
    assert time.monotonic() - started >= LIFECYCLE * 0.9

    update = eks.update_cluster_config(
        name="c1", logging={"clusterLogging": [{"types": ["api"], "enabled": True}]}
    )
    assert update["update"]["status"] == "InProgress"
    again = {"clusterLogging": [{"types": ["audit"], "enabled": True}]}
    _refused(
        lambda: eks.update_cluster_config(name="c1", logging=again),
        status,
        "UPDATING",
        "ResourceInUseException",
    )
    message = _refused(lambda: eks.delete_cluster(name="c1"), status, "UPDATING", "ResourceInUseException")
    assert message == "Cannot delete because cluster c1 currently has an update in progress"
    eventually(lambda: status() == "ACTIVE", what="ACTIVE after the update")
    described = eks.describe_update(name="c1", updateId=update["update"]["id"])["update"]
    assert described["status"] == "Successful"

    assert eks.delete_cluster(name="c1")["cluster"]["status"] == "DELETING"
    assert eks.delete_cluster(name="c1")["cluster"]["status"] == "DELETING"  # again: nothing more to do
    with pytest.raises(ClientError) as exc:
        _cluster(eks)  # the name is taken until the cluster is gone
    assert error_code(exc) == "ResourceInUseException"
    assert eks.list_clusters()["clusters"] == ["c1"]
    eventually(lambda: eks.list_clusters()["clusters"] == [], what="the cluster gone")
    with pytest.raises(ClientError) as exc:
        eks.describe_cluster(name="c1")
    assert error_code(exc) == "ResourceNotFoundException"


def test_eks_nodegroup_lifecycle_keeps_the_cluster(lc):
    eks = lc.client("eks")
    _cluster(eks)
    eventually(lambda: eks.describe_cluster(name="c1")["cluster"]["status"] == "ACTIVE", what="cluster")
    started = time.monotonic()
    assert _nodegroup(eks)["status"] == "CREATING"

    def status() -> str:
        return eks.describe_nodegroup(clusterName="c1", nodegroupName="ng1")["nodegroup"]["status"]

    scale = {"minSize": 1, "maxSize": 3, "desiredSize": 3}

    def update() -> Any:
        return eks.update_nodegroup_config(clusterName="c1", nodegroupName="ng1", scalingConfig=scale)

    _refused(update, status, "CREATING", "ResourceInUseException")
    eventually(lambda: status() == "ACTIVE", what="node group ACTIVE")
    assert time.monotonic() - started >= LIFECYCLE * 0.9

    change = update()["update"]
    assert change["status"] == "InProgress" and change["type"] == "ConfigUpdate"
    _refused(update, status, "UPDATING", "ResourceInUseException")
    eventually(lambda: status() == "ACTIVE", what="node group ACTIVE after the update")
    found = eks.describe_update(name="c1", updateId=change["id"], nodegroupName="ng1")["update"]
    assert found["status"] == "Successful"

    assert eks.delete_nodegroup(clusterName="c1", nodegroupName="ng1")["nodegroup"]["status"] == "DELETING"
    message = _refused(lambda: eks.delete_cluster(name="c1"), status, "DELETING", "ResourceInUseException")
    assert message == "Cluster has nodegroups attached"
    eventually(lambda: eks.list_nodegroups(clusterName="c1")["nodegroups"] == [], what="node group gone")
    with pytest.raises(ClientError) as exc:
        status()
    assert error_code(exc) == "ResourceNotFoundException"
    assert eks.delete_cluster(name="c1")["cluster"]["status"] == "DELETING"


def test_nat_gateway_pending_available_deleting_deleted(lc):
    ec2 = lc.client("ec2")
    vpc, subnet, igw = _network(ec2)
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    started = time.monotonic()
    created = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)["NatGateway"]
    nat = created["NatGatewayId"]
    # While pending, AWS shows the address's allocation only: no public IP yet.
    assert (created["State"], created["NatGatewayAddresses"]) == ("pending", [{"AllocationId": allocation}])

    def describe() -> dict[str, Any]:
        return ec2.describe_nat_gateways(NatGatewayIds=[nat])["NatGateways"][0]

    ready = eventually(lambda: (g := describe())["State"] == "available" and g, what="available")
    assert time.monotonic() - started >= LIFECYCLE * 0.9
    assert (
        ready["NatGatewayAddresses"][0]["PublicIp"] and ready["NatGatewayAddresses"][0]["NetworkInterfaceId"]
    )

    ec2.delete_nat_gateway(NatGatewayId=nat)
    assert describe()["State"] == "deleting"

    def state() -> str:
        return describe()["State"]

    message = _refused(
        lambda: ec2.release_address(AllocationId=allocation), state, "deleting", "InvalidIPAddress.InUse"
    )
    assert nat in message
    message = _refused(
        lambda: ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc),
        state,
        "deleting",
        "DependencyViolation",
    )
    assert "mapped public address" in message
    _refused(lambda: ec2.delete_subnet(SubnetId=subnet), state, "deleting", "DependencyViolation")
    eventually(lambda: state() == "deleted", what="deleted")
    address = ec2.describe_addresses(AllocationIds=[allocation])["Addresses"][0]
    assert not address.get("AssociationId")  # disassociated once the gateway is deleted
    ec2.release_address(AllocationId=allocation)
    ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    ec2.delete_subnet(SubnetId=subnet)


def test_rds_instance_creating_modifying_deleting(lc):
    rds = lc.client("rds")
    rds.describe_db_instances()
    started = time.monotonic()
    assert _db(rds)["DBInstanceStatus"] == "creating"

    def status() -> str:
        return rds.describe_db_instances(DBInstanceIdentifier="db1")["DBInstances"][0]["DBInstanceStatus"]

    def grow(size: int) -> Any:
        return rds.modify_db_instance(
            DBInstanceIdentifier="db1", AllocatedStorage=size, ApplyImmediately=True
        )

    message = _refused(lambda: grow(30), status, "creating", "InvalidDBInstanceState")
    assert message == "Database instance is not in available state."
    message = _refused(
        lambda: rds.delete_db_instance(DBInstanceIdentifier="db1", FinalDBSnapshotIdentifier="final"),
        status,
        "creating",
        "InvalidDBInstanceState",
    )
    assert message == "Instance db1 is currently creating - a final snapshot cannot be taken."
    eventually(lambda: status() == "available", what="available")
    assert time.monotonic() - started >= LIFECYCLE * 0.9

    assert grow(30)["DBInstance"]["DBInstanceStatus"] == "modifying"
    _refused(lambda: grow(40), status, "modifying", "InvalidDBInstanceState")
    eventually(lambda: status() == "available", what="available after modifying")

    deleted = rds.delete_db_instance(DBInstanceIdentifier="db1", SkipFinalSnapshot=True)["DBInstance"]
    assert deleted["DBInstanceStatus"] == "deleting"
    message = _refused(
        lambda: rds.delete_db_instance(DBInstanceIdentifier="db1", SkipFinalSnapshot=True),
        status,
        "deleting",
        "InvalidDBInstanceState",
    )
    assert message == "Instance db1 is already being deleted."
    eventually(lambda: rds.describe_db_instances()["DBInstances"] == [], what="instance gone")
    with pytest.raises(ClientError) as exc:
        status()
    assert error_code(exc) == "DBInstanceNotFound"


def test_msk_cluster_creating_active_deleting(lc):
    kafka = lc.client("kafka")
    kafka.list_clusters()
    started = time.monotonic()
    arn = _msk(kafka)

    def state() -> str:
        return kafka.describe_cluster(ClusterArn=arn)["ClusterInfo"]["State"]

    message = _refused(
        lambda: kafka.get_bootstrap_brokers(ClusterArn=arn), state, "CREATING", "BadRequestException"
    )
    assert message == "You can't get bootstrap broker nodes for a cluster in CREATING state."
    eventually(lambda: state() == "ACTIVE", what="ACTIVE")
    assert time.monotonic() - started >= LIFECYCLE * 0.9
    assert kafka.get_bootstrap_brokers(ClusterArn=arn)["BootstrapBrokerStringTls"]

    assert kafka.delete_cluster(ClusterArn=arn)["State"] == "DELETING"
    assert state() == "DELETING"
    eventually(lambda: kafka.list_clusters()["ClusterInfoList"] == [], what="cluster gone")
    with pytest.raises(ClientError) as exc:
        state()
    assert error_code(exc) == "NotFoundException"


def test_cloudfront_distribution_in_progress_deployed_and_delete_rules(lc):
    cloudfront = lc.client("cloudfront")
    cloudfront.list_distributions()
    started = time.monotonic()
    created = cloudfront.create_distribution(DistributionConfig=_distribution_config())["Distribution"]
    ident = created["Id"]
    assert created["Status"] == "InProgress"

    def status() -> str:
        return cloudfront.get_distribution(Id=ident)["Distribution"]["Status"]

    def delete() -> Any:
        etag = cloudfront.get_distribution_config(Id=ident)["ETag"]
        return cloudfront.delete_distribution(Id=ident, IfMatch=etag)

    eventually(lambda: status() == "Deployed", what="Deployed")
    assert time.monotonic() - started >= LIFECYCLE * 0.9
    with pytest.raises(ClientError) as exc:
        delete()  # enabled (and Deployed)
    assert (error_code(exc), error_message(exc)) == (
        "DistributionNotDisabled",
        "The distribution you are trying to delete has not been disabled.",
    )

    found = cloudfront.get_distribution_config(Id=ident)
    config = {**found["DistributionConfig"], "Enabled": False}
    updated = cloudfront.update_distribution(Id=ident, IfMatch=found["ETag"], DistributionConfig=config)
    assert updated["Distribution"]["Status"] == "InProgress"
    assert cloudfront.list_distributions()["DistributionList"]["Items"][0]["Status"] == "InProgress"
    _refused(delete, status, "InProgress", "DistributionNotDisabled")  # disabled, not yet deployed
    eventually(lambda: status() == "Deployed", what="the disable deployed")
    delete()
    assert cloudfront.list_distributions()["DistributionList"].get("Items", []) == []


def test_lifecycle_seconds_zero_turns_it_off(instant_cloud):
    cloud = instant_cloud
    cloud.reset()
    eks, ec2, rds = cloud.client("eks"), cloud.client("ec2"), cloud.client("rds")
    assert _cluster(eks)["status"] == "ACTIVE"
    assert _nodegroup(eks)["status"] == "ACTIVE"
    _, subnet, _ = _network(ec2)
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)["NatGateway"]
    assert nat["State"] == "available"
    ec2.delete_nat_gateway(NatGatewayId=nat["NatGatewayId"])
    ec2.release_address(AllocationId=allocation)  # deleted at once, so the address is free
    assert _db(rds)["DBInstanceStatus"] == "available"
    assert rds.delete_db_instance(DBInstanceIdentifier="db1", SkipFinalSnapshot=True)
    assert rds.describe_db_instances()["DBInstances"] == []
    kafka = cloud.client("kafka")
    arn = _msk(kafka)
    assert kafka.describe_cluster(ClusterArn=arn)["ClusterInfo"]["State"] == "ACTIVE"
    cloudfront = cloud.client("cloudfront")
    assert cloudfront.create_distribution(DistributionConfig=_distribution_config())["Distribution"][
        "Status"
    ] == ("Deployed")


# --------------------------------------------------------------------------------------------------------
# Ansible: a task that forgets to wait fails, one that waits passes


@pytest.fixture(scope="module")
def ansible_cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Lifecycles of 2 s; EKS clusters 15 s (less than one wait of the EKS waiter, 20 s), so that the next
    task (a new module process) surely comes while the cluster is still CREATING, on a loaded machine too."""
    yield from own_cloud(
        tmp_path_factory,
        "ansible",
        FASTISH_LOCALCLOUD_LIFECYCLE_SECONDS="2",
        FASTISH_LOCALCLOUD_LIFECYCLE_SECONDS_EKS_CLUSTER="15",
    )


def _nat_tasks(subnet: str, sg_vpc: str, wait: bool) -> dict[str, Any]:
    """Create a NAT gateway, allow its public address in a security group, delete it, releasing its
    Elastic IP: the way a role would, with or without waiting."""
    return {
        "nat": {
            "amazon.aws.ec2_vpc_nat_gateway": {"subnet_id": subnet, "wait": wait, "state": "present"},
            "register": "nat",
        },
        "egress allowed": {
            "amazon.aws.ec2_security_group": {
                "name": f"from-nat-{wait}",
                "description": "HTTPS from the NAT gateway's address",
                "vpc_id": sg_vpc,
                "rules": [
                    {
                        "proto": "tcp",
                        "ports": [443],
                        "cidr_ip": "{{ nat.nat_gateway_addresses[0].public_ip }}/32",
                    }
                ],
            }
        },
        "nat removed": {
            "amazon.aws.ec2_vpc_nat_gateway": {
                "nat_gateway_id": "{{ nat.nat_gateway_id }}",
                "release_eip": True,
                "wait": wait,
                "state": "absent",
            }
        },
    }


@pytest.mark.parametrize("wait", [False, True], ids=["forgets-to-wait", "waits"])
def test_ansible_nat_gateway_needs_wait(ansible_cloud, tmp_path, wait):
    cloud = ansible_cloud
    ec2 = cloud.client("ec2")
    vpc, subnet, _ = _network(ec2)  # each run in a VPC of its own (the cloud is shared by both runs)
    results, raw = run(cloud, tmp_path, _nat_tasks(subnet, vpc, wait))
    assert not results["nat"].get("failed"), raw
    if wait:
        assert results["nat"]["state"] == "available"
        assert not results["egress allowed"].get("failed"), results["egress allowed"]
        assert not results["nat removed"].get("failed"), results["nat removed"]
        assert results["nat removed"]["state"] == "deleted"
        released = results["nat"]["nat_gateway_addresses"][0]["allocation_id"]
        assert released not in [a["AllocationId"] for a in ec2.describe_addresses()["Addresses"]]
    else:
        assert results["nat"]["state"] == "pending"
        # The address has no public IP until the gateway is available.
        assert results["egress allowed"]["failed"] and "public_ip" in results["egress allowed"]["msg"]
        # Deleting without waiting, the Elastic IP is still in use when the module releases it.
        assert results["nat removed"]["failed"]
        assert "InvalidIPAddress.InUse" in str(results["nat removed"]), results["nat removed"]


@pytest.mark.parametrize("wait", [False, True], ids=["forgets-to-wait", "waits"])
def test_ansible_eks_nodegroup_needs_an_active_cluster(ansible_cloud, tmp_path, wait):
    cloud = ansible_cloud
    ec2 = cloud.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.1.{i}.0/24", AvailabilityZone=f"us-east-1{'ab'[i]}")[
            "Subnet"
        ]["SubnetId"]
        for i in range(2)
    ]
    name = f"cluster-{'waits' if wait else 'hurries'}"
    tasks = {
        "cluster": {
            "community.aws.eks_cluster": {
                "name": name,
                "version": "1.35",
                "role_arn": ROLE,
                "subnets": subnets,
                "security_groups": ["default"],
                "wait": wait,
                "wait_timeout": 120,
            },
            "register": "cluster",
        },
        "node group": {
            "community.aws.eks_nodegroup": {
                "name": "system",
                "cluster_name": name,
                "node_role": NODE_ROLE,
                "subnets": subnets,
                "scaling_config": {"min_size": 1, "max_size": 2, "desired_size": 1},
                "wait": False,
            }
        },
    }
    results, raw = run(cloud, tmp_path, tasks)
    assert not results["cluster"].get("failed"), raw
    if wait:
        assert results["cluster"]["status"] == "ACTIVE"
        assert not results["node group"].get("failed"), results["node group"]
        assert results["node group"]["changed"] is True
    else:
        assert results["cluster"]["status"] == "CREATING"
        assert results["node group"]["failed"]
        assert "is not in ACTIVE status" in str(results["node group"]), results["node group"]


# --------------------------------------------------------------------------------------------------------
# Upstream: plain moto has no lifecycles. When one of these fails after a moto upgrade, check what moto
# does now, and adapt (or drop) the matching lifecycle extension.


def test_upstream_eks_clusters_and_nodegroups_are_ready_at_once(upstream):
    eks = upstream("eks")
    assert _cluster(eks)["status"] == "ACTIVE"
    assert _nodegroup(eks)["status"] == "ACTIVE"
    eks.delete_nodegroup(clusterName="c1", nodegroupName="ng1")
    assert eks.list_nodegroups(clusterName="c1")["nodegroups"] == []
    eks.delete_cluster(name="c1")
    assert eks.list_clusters()["clusters"] == []


def test_upstream_nat_gateways_are_available_and_deleted_at_once(upstream):
    ec2 = upstream("ec2")
    _, subnet, _ = _network(ec2)
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)["NatGateway"]
    assert nat["State"] == "available" and nat["NatGatewayAddresses"][0]["PublicIp"]
    ec2.delete_nat_gateway(NatGatewayId=nat["NatGatewayId"])
    assert (
        ec2.describe_nat_gateways(NatGatewayIds=[nat["NatGatewayId"]])["NatGateways"][0]["State"] == "deleted"
    )


def test_upstream_rds_instances_are_available_at_once(upstream):
    rds = upstream("rds")
    assert _db(rds)["DBInstanceStatus"] == "available"
    rds.delete_db_instance(DBInstanceIdentifier="db1", SkipFinalSnapshot=True)
    assert rds.describe_db_instances()["DBInstances"] == []


def test_upstream_msk_clusters_stay_creating(upstream):
    kafka = upstream("kafka")
    arn = _msk(kafka)
    assert kafka.describe_cluster(ClusterArn=arn)["ClusterInfo"]["State"] == "CREATING"


def test_upstream_cloudfront_distributions_are_deployed_and_deletable_at_once(upstream):
    cloudfront = upstream("cloudfront")
    created = cloudfront.create_distribution(DistributionConfig=_distribution_config())
    ident = created["Distribution"]["Id"]
    assert cloudfront.get_distribution(Id=ident)["Distribution"]["Status"] == "Deployed"
    cloudfront.delete_distribution(Id=ident, IfMatch=created["ETag"])  # enabled: AWS refuses
    assert cloudfront.list_distributions()["DistributionList"].get("Items", []) == []
