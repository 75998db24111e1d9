"""The bugs our patches fix, shown on plain in-process moto (``mock_aws``, no patches applied).

Every test here documents one patch in tools/localcloud/patches.py. When one of them fails after a moto
upgrade, upstream fixed (or changed) that behaviour: check, then drop the patch and its test.
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError


def test_upstream_still_has_dynamodb_missing_table_id(upstream):
    """moto's DescribeTable has no TableId. When this fails, upstream fixed it: drop the patch
    ``dynamodb-describe-table-id``."""
    ddb = upstream("dynamodb")
    ddb.create_table(
        TableName="t1",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    assert "TableId" not in ddb.describe_table(TableName="t1")["Table"]


def test_upstream_still_has_rds_modify_subnet_group_deleting_the_group(upstream, make_network):
    """ModifyDBSubnetGroup removes the group. When this fails, upstream fixed it: drop the patch
    ``rds-modify-subnet-group-keeps-group``."""
    _, subnets = make_network(upstream("ec2"))
    rds = upstream("rds")
    rds.create_db_subnet_group(DBSubnetGroupName="g1", DBSubnetGroupDescription="d", SubnetIds=subnets)
    rds.modify_db_subnet_group(DBSubnetGroupName="g1", DBSubnetGroupDescription="d2", SubnetIds=subnets)
    with pytest.raises(ClientError) as exc:
        rds.describe_db_subnet_groups(DBSubnetGroupName="g1")
    assert exc.value.response["Error"]["Code"] == "DBSubnetGroupNotFoundFault"


def test_upstream_still_has_rds_missing_parameter_group_returning_empty(upstream):
    """DescribeDBParameterGroups(missing name) returns [] instead of DBParameterGroupNotFound. When this
    fails, upstream fixed it: drop the patch ``rds-describe-param-group-not-found``."""
    rds = upstream("rds")
    assert rds.describe_db_parameter_groups(DBParameterGroupName="missing")["DBParameterGroups"] == []


def test_upstream_still_has_ec2_nat_gateway_tag_resource_type(upstream, make_network):
    """DescribeTags says ``nat-gateway`` where AWS says ``natgateway``. When this fails, upstream fixed it:
    drop the patch ``ec2-natgateway-resource-type``."""
    ec2 = upstream("ec2")
    _, subnets = make_network(ec2)
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnets[0], AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    ec2.create_tags(Resources=[nat], Tags=[{"Key": "Name", "Value": "nat-a"}])
    tags = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [nat]}])["Tags"]
    assert [t["ResourceType"] for t in tags] == ["nat-gateway"]


def test_upstream_still_has_eks_nodegroup_without_update_config(upstream, make_nodegroup):
    """DescribeNodegroup has no updateConfig unless one was given. When this fails, upstream fixed it:
    drop the patch ``eks-nodegroup-default-update-config``."""
    eks = upstream("eks")
    make_nodegroup(eks)
    assert "updateConfig" not in eks.describe_nodegroup(clusterName="c1", nodegroupName="ng1")["nodegroup"]


def test_upstream_still_has_eks_tags_only_on_clusters(upstream, make_nodegroup):
    """TagResource/ListTagsForResource on a node group ARN: not found. When this fails, upstream fixed it:
    drop the patch ``eks-tags-nodegroups-fargate``."""
    eks = upstream("eks")
    arn = make_nodegroup(eks)["nodegroupArn"]
    with pytest.raises(ClientError) as exc:
        eks.tag_resource(resourceArn=arn, tags={"env": "local"})
    assert exc.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError):
        eks.list_tags_for_resource(resourceArn=arn)


def test_upstream_still_has_kms_key_state_ops_failing_on_key_arn(upstream):
    """ScheduleKeyDeletion/EnableKey/... given a key ARN crash with KeyError (500 in server mode). When this
    fails, upstream fixed it: drop the patch ``kms-key-state-ops-accept-arn``."""
    kms = upstream("kms")
    arn = kms.create_key()["KeyMetadata"]["Arn"]
    for call in (
        lambda: kms.schedule_key_deletion(KeyId=arn, PendingWindowInDays=7),
        lambda: kms.cancel_key_deletion(KeyId=arn),
        lambda: kms.enable_key(KeyId=arn),
        lambda: kms.disable_key(KeyId=arn),
    ):
        with pytest.raises((KeyError, ClientError)):
            call()


def test_upstream_still_has_s3_policy_conditions_ignored(upstream, tls_only_policy):
    """A TLS-only bucket policy (Deny unless aws:SecureTransport) blocks object access even over HTTPS.
    When this fails, upstream fixed it: drop the patch ``s3-bucket-policy-secure-transport``."""
    s3 = upstream("s3")
    s3.create_bucket(Bucket="tls-only")
    s3.put_bucket_policy(Bucket="tls-only", Policy=tls_only_policy("tls-only"))
    assert s3.meta.endpoint_url.startswith("https://")
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket="tls-only", Key="k", Body=b"x")
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_upstream_still_has_ses_single_event_destination(upstream):
    """A configuration set shows only its last event destination; update/delete are missing. When this
    fails, upstream changed it: check, then drop the patch ``ses-configuration-set-event-destinations``."""
    ses = upstream("ses")
    ses.create_configuration_set(ConfigurationSet={"Name": "cs1"})
    for kind in ("bounce", "complaint"):
        ses.create_configuration_set_event_destination(
            ConfigurationSetName="cs1",
            EventDestination={
                "Name": kind,
                "Enabled": True,
                "MatchingEventTypes": [kind],
                "SNSDestination": {"TopicARN": f"arn:aws:sns:us-east-1:123456789012:{kind}"},
            },
        )
    found = ses.describe_configuration_set(
        ConfigurationSetName="cs1", ConfigurationSetAttributeNames=["eventDestinations", "reputationOptions"]
    )
    assert [d["Name"] for d in found["EventDestinations"]] == ["complaint"]
    assert "ReputationOptions" not in found
    with pytest.raises(Exception):  # noqa: B017 - moto raises NotImplementedError or a 500
        ses.delete_configuration_set_event_destination(
            ConfigurationSetName="cs1", EventDestinationName="bounce"
        )


def test_upstream_still_has_ses_dkim_without_verify_domain_dkim(upstream):
    """A domain identity reports DKIM enabled with tokens (the same for every domain) although nobody
    called VerifyDomainDkim. When this fails, upstream fixed it: drop the patch
    ``ses-dkim-after-verify-domain-dkim``."""
    ses = upstream("ses")
    ses.verify_domain_identity(Domain="a.example")
    ses.verify_domain_identity(Domain="b.example")
    found = ses.get_identity_dkim_attributes(Identities=["a.example", "b.example"])["DkimAttributes"]
    assert found["a.example"]["DkimEnabled"] is True
    assert len(found["a.example"]["DkimTokens"]) == 3
    assert found["a.example"]["DkimTokens"] == found["b.example"]["DkimTokens"]


def test_upstream_still_has_dynamodb_update_table_ignoring_sse(upstream):
    """UpdateTable ignores SSESpecification. When this fails, upstream fixed it: drop the patch
    ``dynamodb-update-table-sse``."""
    ddb = upstream("dynamodb")
    key = upstream("kms").create_key()["KeyMetadata"]["Arn"]
    ddb.create_table(
        TableName="t1",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.update_table(
        TableName="t1", SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key}
    )
    assert "SSEDescription" not in ddb.describe_table(TableName="t1")["Table"]


def test_upstream_still_has_cognito_update_user_pool_dropping_username_attributes(upstream):
    """UpdateUserPool forgets UsernameAttributes. When this fails, upstream fixed it: drop the patch
    ``cognito-update-user-pool-keeps-create-only``."""
    idp = upstream("cognito-idp")
    pool = idp.create_user_pool(PoolName="p", UsernameAttributes=["email"])["UserPool"]["Id"]
    idp.update_user_pool(UserPoolId=pool, AutoVerifiedAttributes=["email"])
    assert "UsernameAttributes" not in idp.describe_user_pool(UserPoolId=pool)["UserPool"]


_CLOUDFRONT_CONFIG = {
    "CallerReference": "r1",
    "Comment": "c",
    "Enabled": True,
    "Origins": {
        "Quantity": 1,
        "Items": [
            {
                "Id": "o",
                "DomainName": "b.s3.us-east-1.amazonaws.com",
                "S3OriginConfig": {"OriginAccessIdentity": ""},
                "OriginAccessControlId": "E2OAC",
            }
        ],
    },
    "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "redirect-to-https"},
    "ViewerCertificate": {
        "ACMCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/c",
        "SSLSupportMethod": "sni-only",
        "MinimumProtocolVersion": "TLSv1.2_2021",
    },
}


def test_upstream_still_has_cloudfront_dropping_oac_and_default_certificate(upstream):
    """A distribution reads back without its origin's OriginAccessControlId and S3OriginConfig, and with
    CloudFrontDefaultCertificate true despite an ACM certificate. When this fails, upstream fixed it: drop
    the patch ``cloudfront-distribution-oac-and-certificate``."""
    cf = upstream("cloudfront")
    distribution = cf.create_distribution(DistributionConfig=_CLOUDFRONT_CONFIG)["Distribution"]
    config = cf.get_distribution_config(Id=distribution["Id"])["DistributionConfig"]
    origin = config["Origins"]["Items"][0]
    assert "OriginAccessControlId" not in origin and "S3OriginConfig" not in origin
    assert config["ViewerCertificate"]["CloudFrontDefaultCertificate"] is True


def test_upstream_still_ignores_lambda_kms_key_updates(upstream, make_function):
    """UpdateFunctionConfiguration ignores KMSKeyArn. When this fails, upstream fixed it: drop the patch
    ``lambda-update-configuration-keeps-all-settings``."""
    lam = upstream("lambda")
    make_function(lam, upstream("iam"))
    key = upstream("kms").create_key()["KeyMetadata"]["Arn"]
    lam.update_function_configuration(FunctionName="fn", KMSKeyArn=key)
    assert lam.get_function_configuration(FunctionName="fn").get("KMSKeyArn") != key


def test_upstream_still_copies_launch_template_tags_into_its_data(upstream):
    """CreateLaunchTemplate puts the template's own tags (TagSpecifications of type launch-template) into
    version 1's LaunchTemplateData. When this fails, upstream fixed it: drop the patch
    ``ec2-launch-template-tags-not-in-data``."""
    ec2 = upstream("ec2")
    ec2.create_launch_template(
        LaunchTemplateName="lt1",
        LaunchTemplateData={"MetadataOptions": {"HttpTokens": "required"}},
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": [{"Key": "team", "Value": "data"}]}],
    )
    (version,) = ec2.describe_launch_template_versions(LaunchTemplateName="lt1")["LaunchTemplateVersions"]
    assert version["LaunchTemplateData"]["TagSpecifications"] == [
        {"ResourceType": "launch-template", "Tags": [{"Key": "team", "Value": "data"}]}
    ]


def test_upstream_still_stores_iam_policies_of_any_size(upstream):
    """moto stores an inline role policy over 10,240 characters and a managed policy over 6,144. When
    this fails, upstream enforces IAM's size quotas: drop the patch ``iam-policy-size-quotas``."""
    iam = upstream("iam")
    trust = {"Version": "2012-10-17", "Statement": []}
    iam.create_role(RoleName="r1", AssumeRolePolicyDocument=json.dumps(trust))
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    large = json.dumps({"Version": "2012-10-17", "Statement": [{**statement, "Sid": "S" * 12000}]})
    iam.put_role_policy(RoleName="r1", PolicyName="p1", PolicyDocument=large)
    iam.create_policy(PolicyName="m1", PolicyDocument=large)
    assert iam.list_role_policies(RoleName="r1")["PolicyNames"] == ["p1"]
