"""Helpers of the fastish.platform module tests (tests/modules/test_*.py): run module tasks as a
throwaway playbook against the test's local cloud, and make the resources they work on."""

from __future__ import annotations

import itertools

from tests.integration.playbook_runner import run_playbook, task_results

HOST = "acme-web-portal"
_RUNS = itertools.count()


def run(cloud, tmp_path, tasks, *args, host=HOST):
    """Run ``tasks`` ({task name: {module: params}}) as one play on ``host``, each ignoring errors,
    in a fresh directory below ``tmp_path``; return (results by task name, raw output)."""
    workdir = tmp_path / f"run{next(_RUNS)}"
    workdir.mkdir()
    play = {
        "name": "Probe",
        "hosts": host,
        "gather_facts": False,
        "tasks": [{"name": name, **task, "ignore_errors": True} for name, task in tasks.items()],
    }
    _rc, out, raw = run_playbook(workdir, [play], cloud.env(), *args, keep_aws_env=True)
    assert out is not None, raw
    return {name: task_results(out, name, host) for name in tasks}, raw


def modules(cloud, tmp_path, name, params_by_task, *args, host=HOST):
    """Run ``fastish.platform.<name>`` once for each entry of ``params_by_task`` ({task name: params}),
    in one play; return the results by task name."""
    tasks = {task: {f"fastish.platform.{name}": params} for task, params in params_by_task.items()}
    results, _raw = run(cloud, tmp_path, tasks, *args, host=host)
    return results


def module(cloud, tmp_path, name, params, *args, host=HOST):
    """Run one ``fastish.platform.<name>`` task; return its result."""
    return modules(cloud, tmp_path, name, {"probe": params}, *args, host=host)["probe"]


def mutating(cloud):
    """The mutating requests of the log."""
    return [r["action"] for r in cloud.requests()["requests"] if r["mutating"]]


def make_pool(cloud, name="pool", **kwargs):
    """A user pool created straight through the API; returns its id."""
    return cloud.client("cognito-idp").create_user_pool(PoolName=name, **kwargs)["UserPool"]["Id"]


def make_tenant_table(cloud, table, sort_key=None):
    """A pay-per-request DynamoDB table keyed by tenant_id (and ``sort_key``, both strings), created
    straight through the API; returns the DynamoDB client."""
    keys = [("tenant_id", "HASH")] + ([(sort_key, "RANGE")] if sort_key else [])
    client = cloud.client("dynamodb")
    client.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": name, "KeyType": kind} for name, kind in keys],
        AttributeDefinitions=[{"AttributeName": name, "AttributeType": "S"} for name, _ in keys],
        BillingMode="PAY_PER_REQUEST",
    )
    return client


def make_eks_cluster(cloud, name, zones="ab", **settings):
    """A VPC (10.20.0.0/16) with a subnet in each of ``zones`` (us-east-1<zone>) and an ACTIVE EKS cluster
    ``name`` (Kubernetes 1.35) in them, created straight through the API (``settings``: more CreateCluster
    parameters); returns (EKS client, EC2 client, subnet ids)."""
    ec2 = cloud.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{i}.0/24", AvailabilityZone=f"us-east-1{zone}")[
            "Subnet"
        ]["SubnetId"]
        for i, zone in enumerate(zones)
    ]
    eks = cloud.client("eks")
    eks.create_cluster(
        name=name,
        version="1.35",
        roleArn="arn:aws:iam::123456789012:role/acme-data-analytics-eks-cluster",
        resourcesVpcConfig={"subnetIds": subnets},
        **settings,
    )
    eks.get_waiter("cluster_active").wait(name=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    return eks, ec2, subnets
