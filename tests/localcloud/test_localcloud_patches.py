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


def _sns_destination(name, kind, topic):
    return {
        "Name": name,
        "Enabled": True,
        "MatchingEventTypes": [kind],
        "SNSDestination": {"TopicARN": topic},
    }


def _event_destinations(ses, name):
    found = ses.describe_configuration_set(
        ConfigurationSetName=name, ConfigurationSetAttributeNames=["eventDestinations"]
    )
    return {
        d["Name"]: (d["Enabled"], d["MatchingEventTypes"], d["SNSDestination"]["TopicARN"])
        for d in found["EventDestinations"]
    }


def test_ses_configuration_set_keeps_every_event_destination(cloud):
    ses = cloud.client("ses")
    topic = f"arn:aws:sns:us-east-1:{ACCOUNT}:t"
    for name in ("cs1", "cs2"):
        ses.create_configuration_set(ConfigurationSet={"Name": name})
        for kind in ("bounce", "complaint", "reject"):  # the same names in both sets
            ses.create_configuration_set_event_destination(
                ConfigurationSetName=name,
                EventDestination=_sns_destination(kind, kind, f"{topic}-{name}-{kind}"),
            )
    assert _event_destinations(ses, "cs1") == {
        kind: (True, [kind], f"{topic}-cs1-{kind}") for kind in ("bounce", "complaint", "reject")
    }
    with pytest.raises(ClientError) as exc:
        ses.create_configuration_set_event_destination(
            ConfigurationSetName="cs1", EventDestination=_sns_destination("bounce", "bounce", topic)
        )
    assert _error_code(exc) == "EventDestinationAlreadyExists"

    disabled = {**_sns_destination("bounce", "delivery", topic), "Enabled": False}
    ses.update_configuration_set_event_destination(ConfigurationSetName="cs1", EventDestination=disabled)
    ses.delete_configuration_set_event_destination(
        ConfigurationSetName="cs1", EventDestinationName="complaint"
    )
    assert _event_destinations(ses, "cs1") == {
        "bounce": (False, ["delivery"], topic),
        "reject": (True, ["reject"], f"{topic}-cs1-reject"),
    }
    assert len(_event_destinations(ses, "cs2")) == 3  # the other set is untouched
    for call in (
        lambda: ses.update_configuration_set_event_destination(
            ConfigurationSetName="cs1", EventDestination=_sns_destination("complaint", "complaint", topic)
        ),
        lambda: ses.delete_configuration_set_event_destination(
            ConfigurationSetName="cs1", EventDestinationName="complaint"
        ),
    ):
        with pytest.raises(ClientError) as exc:
            call()
        assert _error_code(exc) == "EventDestinationDoesNotExist"

    ses.delete_configuration_set(ConfigurationSetName="cs1")
    with pytest.raises(ClientError) as exc:
        ses.delete_configuration_set(ConfigurationSetName="cs1")
    assert _error_code(exc) == "ConfigurationSetDoesNotExist"
    ses.create_configuration_set(ConfigurationSet={"Name": "cs1"})  # created again: no old destinations
    assert _event_destinations(ses, "cs1") == {}
    ses.create_configuration_set_event_destination(
        ConfigurationSetName="cs1", EventDestination=_sns_destination("bounce", "bounce", topic)
    )
    with pytest.raises(ClientError) as exc:
        ses.delete_configuration_set_event_destination(
            ConfigurationSetName="nope", EventDestinationName="bounce"
        )
    assert _error_code(exc) == "ConfigurationSetDoesNotExist"


def test_ses_configuration_set_reputation_options(cloud):
    ses = cloud.client("ses")
    ses.create_configuration_set(ConfigurationSet={"Name": "cs1"})

    def reputation():
        return ses.describe_configuration_set(
            ConfigurationSetName="cs1", ConfigurationSetAttributeNames=["reputationOptions"]
        )["ReputationOptions"]

    assert reputation() == {"SendingEnabled": True, "ReputationMetricsEnabled": False}
    ses.update_configuration_set_reputation_metrics_enabled(ConfigurationSetName="cs1", Enabled=True)
    assert reputation() == {"SendingEnabled": True, "ReputationMetricsEnabled": True}


def test_ses_dkim_starts_with_verify_domain_dkim(cloud):
    ses = cloud.client("ses")

    def dkim(identity):
        return ses.get_identity_dkim_attributes(Identities=[identity])["DkimAttributes"][identity]

    ses.verify_domain_identity(Domain="a.example")
    ses.verify_email_identity(EmailAddress="x@a.example")
    assert dkim("a.example") == {"DkimEnabled": False, "DkimVerificationStatus": "NotStarted"}
    assert dkim("x@a.example") == {"DkimEnabled": False, "DkimVerificationStatus": "NotStarted"}

    tokens = ses.verify_domain_dkim(Domain="a.example")["DkimTokens"]
    assert len(tokens) == 3 and len(set(tokens)) == 3
    assert all(len(t) == 32 for t in tokens)
    assert ses.verify_domain_dkim(Domain="a.example")["DkimTokens"] == tokens  # stable
    assert dkim("a.example") == {
        "DkimEnabled": True,
        "DkimVerificationStatus": "Success",
        "DkimTokens": tokens,
    }
    assert dkim("x@a.example") == {"DkimEnabled": True, "DkimVerificationStatus": "Success"}
    other = ses.verify_domain_dkim(Domain="b.example")["DkimTokens"]  # also adds b.example as an identity
    assert set(other).isdisjoint(tokens)
    assert "b.example" in ses.list_identities(IdentityType="Domain")["Identities"]

    ses.set_identity_dkim_enabled(Identity="a.example", DkimEnabled=False)
    assert dkim("a.example")["DkimEnabled"] is False
    assert ses.verify_domain_dkim(Domain="a.example")["DkimTokens"] == tokens
    assert dkim("a.example")["DkimEnabled"] is False  # verifying again does not turn signing on
    ses.set_identity_dkim_enabled(Identity="a.example", DkimEnabled=True)
    assert dkim("a.example")["DkimEnabled"] is True
    with pytest.raises(ClientError) as exc:
        ses.set_identity_dkim_enabled(Identity="nope.example", DkimEnabled=True)
    assert _error_code(exc) == "InvalidParameterValue"

    ses.delete_identity(Identity="a.example")
    ses.verify_domain_identity(Domain="a.example")
    assert dkim("a.example") == {"DkimEnabled": False, "DkimVerificationStatus": "NotStarted"}


def test_dynamodb_update_table_applies_sse(cloud):
    ddb, kms = cloud.client("dynamodb"), cloud.client("kms")
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/t1", TargetKeyId=key["KeyId"])
    ddb.create_table(
        TableName="t1",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    spec = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": "alias/t1"}
    described = ddb.update_table(TableName="t1", SSESpecification=spec)["TableDescription"]["SSEDescription"]
    assert described == {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": key["Arn"]}
    assert ddb.describe_table(TableName="t1")["Table"]["SSEDescription"]["KMSMasterKeyArn"] == key["Arn"]
    ddb.update_table(TableName="t1", SSESpecification={"Enabled": False})
    assert "SSEDescription" not in ddb.describe_table(TableName="t1")["Table"]
    managed = ddb.update_table(TableName="t1", SSESpecification={"Enabled": True})["TableDescription"]
    assert (
        managed["SSEDescription"]["KMSMasterKeyArn"]
        == kms.describe_key(KeyId="alias/aws/dynamodb")["KeyMetadata"]["Arn"]
    )


def test_cognito_update_user_pool_keeps_create_only_settings(cloud):
    idp = cloud.client("cognito-idp")
    pool = idp.create_user_pool(PoolName="p", UsernameAttributes=["email"])["UserPool"]["Id"]
    idp.update_user_pool(UserPoolId=pool, AutoVerifiedAttributes=["email"])
    described = idp.describe_user_pool(UserPoolId=pool)["UserPool"]
    assert described["UsernameAttributes"] == ["email"]
    assert described["AutoVerifiedAttributes"] == ["email"]


def test_cloudfront_distribution_keeps_oac_and_acm_certificate(cloud):
    cf = cloud.client("cloudfront")
    oac = cf.create_origin_access_control(
        OriginAccessControlConfig={
            "Name": "web",
            "SigningProtocol": "sigv4",
            "SigningBehavior": "always",
            "OriginAccessControlOriginType": "s3",
        }
    )["OriginAccessControl"]["Id"]
    certificate = "arn:aws:acm:us-east-1:123456789012:certificate/c"
    config = {
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
                    "OriginAccessControlId": oac,
                }
            ],
        },
        "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "redirect-to-https"},
        "ViewerCertificate": {
            "ACMCertificateArn": certificate,
            "SSLSupportMethod": "sni-only",
            "MinimumProtocolVersion": "TLSv1.2_2021",
        },
    }
    distribution = cf.create_distribution(DistributionConfig=config)["Distribution"]
    for read in (
        cf.get_distribution_config(Id=distribution["Id"])["DistributionConfig"],
        cf.get_distribution(Id=distribution["Id"])["Distribution"]["DistributionConfig"],
    ):
        origin = read["Origins"]["Items"][0]
        assert origin["OriginAccessControlId"] == oac
        assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
        viewer = read["ViewerCertificate"]
        assert viewer["CloudFrontDefaultCertificate"] is False
        assert viewer["ACMCertificateArn"] == certificate
        assert (viewer["CertificateSource"], viewer["Certificate"]) == ("acm", certificate)
    # an origin without OAC and a distribution without a certificate read back as before
    config = {**config, "CallerReference": "r2", "ViewerCertificate": {"CloudFrontDefaultCertificate": True}}
    config["Origins"] = {
        "Quantity": 1,
        "Items": [{**config["Origins"]["Items"][0], "OriginAccessControlId": ""}],
    }
    plain = cf.create_distribution(DistributionConfig=config)["Distribution"]["DistributionConfig"]
    assert plain["Origins"]["Items"][0]["OriginAccessControlId"] == ""
    assert plain["ViewerCertificate"]["CloudFrontDefaultCertificate"] is True


def test_lambda_update_configuration_changes_key_tracing_and_storage(cloud, make_function):
    lam = cloud.client("lambda")
    make_function(lam, cloud.client("iam"))
    key = cloud.client("kms").create_key()["KeyMetadata"]["Arn"]
    lam.update_function_configuration(
        FunctionName="fn", KMSKeyArn=key, TracingConfig={"Mode": "Active"}, EphemeralStorage={"Size": 1024}
    )
    config = lam.get_function_configuration(FunctionName="fn")
    assert config["KMSKeyArn"] == key
    assert config["TracingConfig"] == {"Mode": "Active"}
    assert config["EphemeralStorage"] == {"Size": 1024}
    # a published version freezes them, as in AWS
    version = lam.publish_version(FunctionName="fn")["Version"]
    assert lam.get_function_configuration(FunctionName="fn", Qualifier=version)["KMSKeyArn"] == key


def test_ec2_launch_template_data_keeps_only_its_own_tag_specifications(cloud):
    ec2 = cloud.client("ec2")
    data = {
        "MetadataOptions": {"HttpTokens": "required", "HttpPutResponseHopLimit": 2},
        "TagSpecifications": [{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "disk"}]}],
    }
    created = ec2.create_launch_template(
        LaunchTemplateName="lt1",
        LaunchTemplateData=data,
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": [{"Key": "team", "Value": "data"}]}],
    )["LaunchTemplate"]
    (version,) = ec2.describe_launch_template_versions(LaunchTemplateId=created["LaunchTemplateId"])[
        "LaunchTemplateVersions"
    ]
    assert version["LaunchTemplateData"] == data
    # the template itself still carries its tags
    (template,) = ec2.describe_launch_templates(LaunchTemplateNames=["lt1"])["LaunchTemplates"]
    assert template["Tags"] == [{"Key": "team", "Value": "data"}]
    # without tag specifications in its data, a tagged template's data has none either
    ec2.create_launch_template(
        LaunchTemplateName="lt2",
        LaunchTemplateData={"MetadataOptions": {"HttpTokens": "required"}},
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": [{"Key": "team", "Value": "data"}]}],
    )
    (version,) = ec2.describe_launch_template_versions(LaunchTemplateName="lt2")["LaunchTemplateVersions"]
    assert version["LaunchTemplateData"] == {"MetadataOptions": {"HttpTokens": "required"}}


def _policy_of_size(chars: int, *, indent: int | None = None) -> str:
    """A valid IAM policy document of exactly ``chars`` non-whitespace characters (the Sid pads it);
    ``indent`` adds whitespace, which IAM does not count."""

    def document(sid: str) -> dict:
        statement = {"Sid": sid, "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
        return {"Version": "2012-10-17", "Statement": [statement]}

    bare = len(json.dumps(document(""), separators=(",", ":")))
    assert chars > bare
    text = json.dumps(document("S" * (chars - bare)), indent=indent, separators=(",", ":"))
    assert sum(not c.isspace() for c in text) == chars
    return text


def _trust() -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }
    )


def test_iam_role_inline_policies_together_at_most_10240_characters(cloud):
    iam = cloud.client("iam")
    iam.create_role(RoleName="r1", AssumeRolePolicyDocument=_trust())
    # at the limit, with whitespace that does not count (the indented document is far longer)
    at_limit = _policy_of_size(10240, indent=4)
    assert len(at_limit) > 10240
    iam.put_role_policy(RoleName="r1", PolicyName="p1", PolicyDocument=at_limit)
    # the same name replaces the document, so it is counted in place of the old one
    iam.put_role_policy(RoleName="r1", PolicyName="p1", PolicyDocument=_policy_of_size(10240))
    with pytest.raises(ClientError) as exc:
        iam.put_role_policy(RoleName="r1", PolicyName="p1", PolicyDocument=_policy_of_size(10241))
    assert (_error_code(exc), _status(exc)) == ("LimitExceeded", 409)
    assert exc.value.response["Error"]["Message"] == "Maximum policy size of 10240 bytes exceeded for role r1"
    # the policies of a role count together
    iam.put_role_policy(RoleName="r1", PolicyName="p1", PolicyDocument=_policy_of_size(6000))
    with pytest.raises(ClientError) as exc:
        iam.put_role_policy(RoleName="r1", PolicyName="p2", PolicyDocument=_policy_of_size(4241))
    assert _error_code(exc) == "LimitExceeded"
    iam.put_role_policy(RoleName="r1", PolicyName="p2", PolicyDocument=_policy_of_size(4240, indent=2))
    assert sorted(iam.list_role_policies(RoleName="r1")["PolicyNames"]) == ["p1", "p2"]
    # the refused document was not stored; other roles have their own quota
    stored = iam.get_role_policy(RoleName="r1", PolicyName="p1")["PolicyDocument"]
    assert len(json.dumps(stored, separators=(",", ":"))) == 6000
    iam.create_role(RoleName="r2", AssumeRolePolicyDocument=_trust())
    iam.put_role_policy(RoleName="r2", PolicyName="p1", PolicyDocument=_policy_of_size(10240))


def test_iam_user_and_group_inline_policy_quotas(cloud):
    iam = cloud.client("iam")
    iam.create_user(UserName="u1")
    iam.create_group(GroupName="g1")
    iam.put_user_policy(UserName="u1", PolicyName="p1", PolicyDocument=_policy_of_size(2048, indent=4))
    iam.put_group_policy(GroupName="g1", PolicyName="p1", PolicyDocument=_policy_of_size(5120, indent=4))
    with pytest.raises(ClientError) as exc:
        iam.put_user_policy(UserName="u1", PolicyName="p1", PolicyDocument=_policy_of_size(2049))
    assert (_error_code(exc), _status(exc)) == ("LimitExceeded", 409)
    assert exc.value.response["Error"]["Message"] == "Maximum policy size of 2048 bytes exceeded for user u1"
    with pytest.raises(ClientError) as exc:
        iam.put_group_policy(GroupName="g1", PolicyName="p2", PolicyDocument=_policy_of_size(200))
    assert exc.value.response["Error"]["Message"] == "Maximum policy size of 5120 bytes exceeded for group g1"


def test_iam_managed_policy_at_most_6144_characters(cloud):
    iam = cloud.client("iam")
    arn = iam.create_policy(PolicyName="m1", PolicyDocument=_policy_of_size(6144, indent=4))["Policy"]["Arn"]
    with pytest.raises(ClientError) as exc:
        iam.create_policy(PolicyName="m2", PolicyDocument=_policy_of_size(6145))
    assert (_error_code(exc), _status(exc)) == ("LimitExceeded", 409)
    assert exc.value.response["Error"]["Message"] == "Cannot exceed quota for PolicySize: 6144"
    assert [p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]] == ["m1"]
    # each new version too
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=_policy_of_size(6144), SetAsDefault=True)
    with pytest.raises(ClientError) as exc:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=_policy_of_size(6145), SetAsDefault=True)
    assert exc.value.response["Error"]["Message"] == "Cannot exceed quota for PolicySize: 6144"
    assert len(iam.list_policy_versions(PolicyArn=arn)["Versions"]) == 2
    # a role may carry managed policies far beyond its inline quota
    iam.create_role(RoleName="r1", AssumeRolePolicyDocument=_trust())
    arn2 = iam.create_policy(PolicyName="m2", PolicyDocument=_policy_of_size(6144))["Policy"]["Arn"]
    for policy in (arn, arn2):
        iam.attach_role_policy(RoleName="r1", PolicyArn=policy)
    assert len(iam.list_attached_role_policies(RoleName="r1")["AttachedPolicies"]) == 2
