"""Each fidelity patch, exercised through the real local cloud server over HTTPS with boto3."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"


def _error_code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return exc.value.response["Error"]["Code"]


def _status(exc: pytest.ExceptionInfo[ClientError]) -> int:
    return exc.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_dynamodb_describe_table_has_stable_table_id(cloud):
    ddb = cloud.client("dynamodb")
    created = ddb.create_table(
        TableName="t1",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )["TableDescription"]
    first = ddb.describe_table(TableName="t1")["Table"]
    second = ddb.describe_table(TableName="t1")["Table"]
    assert first["TableId"]
    assert first["TableId"] == second["TableId"] == created["TableId"]


def test_rds_modify_db_subnet_group_keeps_the_group(cloud, make_network):
    _, subnets = make_network(cloud.client("ec2"))
    rds = cloud.client("rds")
    rds.create_db_subnet_group(DBSubnetGroupName="g1", DBSubnetGroupDescription="before", SubnetIds=subnets)
    rds.modify_db_subnet_group(
        DBSubnetGroupName="g1", DBSubnetGroupDescription="after", SubnetIds=subnets[:1]
    )
    groups = rds.describe_db_subnet_groups(DBSubnetGroupName="g1")["DBSubnetGroups"]
    assert [g["DBSubnetGroupDescription"] for g in groups] == ["after"]
    assert [s["SubnetIdentifier"] for s in groups[0]["Subnets"]] == subnets[:1]
    with pytest.raises(ClientError) as exc:
        rds.modify_db_subnet_group(DBSubnetGroupName="missing", SubnetIds=subnets)
    assert _error_code(exc) == "DBSubnetGroupNotFoundFault"


def test_rds_describe_missing_parameter_group_raises_not_found(cloud):
    rds = cloud.client("rds")
    rds.create_db_parameter_group(
        DBParameterGroupName="pg1", DBParameterGroupFamily="postgres16", Description="d"
    )
    assert len(rds.describe_db_parameter_groups(DBParameterGroupName="pg1")["DBParameterGroups"]) == 1
    assert len(rds.describe_db_parameter_groups()["DBParameterGroups"]) >= 1
    with pytest.raises(ClientError) as exc:
        rds.describe_db_parameter_groups(DBParameterGroupName="missing")
    assert _error_code(exc) == "DBParameterGroupNotFound"


def test_ec2_describe_tags_reports_natgateway_resource_type(cloud, make_network):
    ec2 = cloud.client("ec2")
    _, subnets = make_network(ec2)
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(
        SubnetId=subnets[0],
        AllocationId=allocation,
        TagSpecifications=[{"ResourceType": "natgateway", "Tags": [{"Key": "Name", "Value": "nat-a"}]}],
    )["NatGateway"]["NatGatewayId"]
    tags = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [nat]}])["Tags"]
    assert [(t["ResourceType"], t["Key"]) for t in tags] == [("natgateway", "Name")]
    by_type = ec2.describe_tags(Filters=[{"Name": "resource-type", "Values": ["natgateway"]}])["Tags"]
    assert [t["ResourceId"] for t in by_type] == [nat]


def test_eks_nodegroup_has_default_update_config(cloud, make_nodegroup):
    eks = cloud.client("eks")
    make_nodegroup(eks)
    nodegroup = eks.describe_nodegroup(clusterName="c1", nodegroupName="ng1")["nodegroup"]
    assert nodegroup["updateConfig"] == {"maxUnavailable": 1}
    eks.update_nodegroup_config(clusterName="c1", nodegroupName="ng1", updateConfig={"maxUnavailable": 2})
    nodegroup = eks.describe_nodegroup(clusterName="c1", nodegroupName="ng1")["nodegroup"]
    assert nodegroup["updateConfig"] == {"maxUnavailable": 2}


def test_eks_tags_work_on_nodegroup_arns(cloud, make_nodegroup):
    eks = cloud.client("eks")
    arn = make_nodegroup(eks)["nodegroupArn"]
    assert eks.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "platform"}
    eks.tag_resource(resourceArn=arn, tags={"env": "local"})
    eks.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert eks.list_tags_for_resource(resourceArn=arn)["tags"] == {"env": "local"}
    described = eks.describe_nodegroup(clusterName="c1", nodegroupName="ng1")["nodegroup"]
    assert described["tags"] == {"env": "local"}
    cluster_arn = eks.describe_cluster(name="c1")["cluster"]["arn"]
    eks.tag_resource(resourceArn=cluster_arn, tags={"scope": "cluster"})  # clusters still work
    assert eks.list_tags_for_resource(resourceArn=cluster_arn)["tags"] == {"scope": "cluster"}
    with pytest.raises(ClientError) as exc:
        eks.list_tags_for_resource(resourceArn=arn.replace("ng1", "nope"))
    assert _status(exc) == 404


def test_eks_tags_work_on_fargate_profile_arns(cloud, make_nodegroup):
    eks = cloud.client("eks")
    make_nodegroup(eks)
    arn = eks.create_fargate_profile(
        fargateProfileName="fp1",
        clusterName="c1",
        podExecutionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/pods",
        selectors=[{"namespace": "default"}],
    )["fargateProfile"]["fargateProfileArn"]
    eks.tag_resource(resourceArn=arn, tags={"env": "local"})
    assert eks.list_tags_for_resource(resourceArn=arn)["tags"] == {"env": "local"}


def test_kms_key_state_operations_accept_key_arn(cloud):
    kms = cloud.client("kms")
    key = kms.create_key(Description="k1")["KeyMetadata"]
    arn, key_id = key["Arn"], key["KeyId"]

    def state() -> str:
        return kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"]

    kms.disable_key(KeyId=arn)
    assert state() == "Disabled"
    kms.enable_key(KeyId=arn)
    assert state() == "Enabled"
    kms.schedule_key_deletion(KeyId=arn, PendingWindowInDays=7)
    assert state() == "PendingDeletion"
    kms.cancel_key_deletion(KeyId=arn)
    assert state() == "Disabled"
    # Alias names stay invalid for these operations, as on AWS.
    kms.create_alias(AliasName="alias/k1", TargetKeyId=key_id)
    with pytest.raises(ClientError) as exc:
        kms.enable_key(KeyId="alias/k1")
    assert _error_code(exc) == "NotFoundException"


def test_s3_tls_only_bucket_policy_allows_https_denies_http(cloud, tls_only_policy):
    s3 = cloud.client("s3")
    s3.create_bucket(Bucket="tls-only")
    s3.put_bucket_policy(Bucket="tls-only", Policy=tls_only_policy("tls-only"))

    s3.put_object(Bucket="tls-only", Key="a.txt", Body=b"over https")
    assert s3.get_object(Bucket="tls-only", Key="a.txt")["Body"].read() == b"over https"

    plain = cloud.client("s3", tls=False)
    with pytest.raises(ClientError) as exc:
        plain.get_object(Bucket="tls-only", Key="a.txt")
    assert _status(exc) == 403
    with pytest.raises(ClientError) as exc:
        plain.put_object(Bucket="tls-only", Key="b.txt", Body=b"over http")
    assert _status(exc) == 403
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="tls-only")["Contents"]] == ["a.txt"]


def test_s3_statement_with_unknown_condition_does_not_apply(cloud):
    s3 = cloud.client("s3")
    s3.create_bucket(Bucket="ip-policy")
    statement = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::ip-policy/*"}
    unknown = {"NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}}
    policy = {"Version": "2012-10-17", "Statement": [{**statement, "Condition": unknown}]}
    s3.put_bucket_policy(Bucket="ip-policy", Policy=json.dumps(policy))
    s3.put_object(Bucket="ip-policy", Key="k", Body=b"x")
    assert s3.get_object(Bucket="ip-policy", Key="k")["Body"].read() == b"x"
    # Unconditional statements are still enforced (by moto).
    policy = {"Version": "2012-10-17", "Statement": [statement]}
    s3.put_bucket_policy(Bucket="ip-policy", Policy=json.dumps(policy))
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket="ip-policy", Key="k")
    assert _status(exc) == 403
