"""Verify the webapp release (part 1) as a whole: its outputs, the wiring between its roles, and that
the exec role bootstrap gives webapp releases allows every call the release made."""

from __future__ import annotations

import json

import pytest

from tests.molecule_support import aws_client, missing_exec_actions, policy_document, release_outputs

HOST = "acme-web-portal"
PREFIX = "acme-web-portal"
KEY_ALIAS = f"alias/{PREFIX}-key"


@pytest.fixture(scope="module")
def outputs():
    return release_outputs(HOST)


@pytest.fixture(scope="module")
def key_arn():
    return aws_client("kms").describe_key(KeyId=KEY_ALIAS)["KeyMetadata"]["Arn"]


def test_outputs_file_and_parameter_agree(outputs):
    stored = aws_client("ssm").get_parameter(Name="/acme/web/portal/outputs")["Parameter"]
    assert json.loads(stored["Value"]) == outputs
    assert stored["Type"] == "String"


def test_outputs_name_every_part_and_hold_no_secret(outputs, key_arn):
    assert outputs["key_arn"] == key_arn
    for name in (
        "vpc_id",
        "private_subnet_ids",
        "user_pool_id",
        "web_client_id",
        "machine_client_secret_arn",
        "tenant_role_arn",
        "email_configuration_set",
    ):
        assert outputs.get(name), f"{name} missing from {sorted(outputs)}"
    # secrets are referenced by ARN only, never by value
    assert [k for k in outputs if "secret" in k] == ["api_key_secret_arns", "machine_client_secret_arn"]
    secrets = aws_client("secretsmanager")
    secret = secrets.get_secret_value(SecretId=outputs["machine_client_secret_arn"])
    assert secret["SecretString"] not in json.dumps(outputs)
    # the tenants' API keys are referenced by secret ARN; their values appear nowhere in the outputs
    assert sorted(outputs["api_key_secret_arns"]) == ["globex", "initech"]
    for arn in outputs["api_key_secret_arns"].values():
        value = json.loads(secrets.get_secret_value(SecretId=arn)["SecretString"])["value"]
        assert value not in json.dumps(outputs)


def test_the_outputs_point_at_real_resources(outputs):
    ec2 = aws_client("ec2")
    assert ec2.describe_vpcs(VpcIds=[outputs["vpc_id"]])["Vpcs"][0]["CidrBlock"] == "10.10.0.0/16"
    subnets = ec2.describe_subnets(SubnetIds=outputs["private_subnet_ids"])["Subnets"]
    assert {s["VpcId"] for s in subnets} == {outputs["vpc_id"]} and len(subnets) == 3
    pool = aws_client("cognito-idp").describe_user_pool(UserPoolId=outputs["user_pool_id"])["UserPool"]
    assert pool["Name"] == f"{PREFIX}-users"
    role = aws_client("iam").get_role(RoleName=f"{PREFIX}-tenant")["Role"]
    assert role["Arn"] == outputs["tenant_role_arn"]


def test_everything_encrypted_uses_the_release_key(key_arn):
    logs = aws_client("logs").describe_log_groups(logGroupNamePrefix=PREFIX)["logGroups"]
    assert logs and all(group.get("kmsKeyId") == key_arn for group in logs), logs
    dynamodb = aws_client("dynamodb")
    for table in (f"{PREFIX}-tenants", f"{PREFIX}-items"):
        sse = dynamodb.describe_table(TableName=table)["Table"]["SSEDescription"]
        assert sse["SSEType"] == "KMS" and sse["KMSMasterKeyArn"] == key_arn, sse
    secrets = aws_client("secretsmanager").list_secrets()["SecretList"]
    release_secrets = [s for s in secrets if s["Name"].startswith(PREFIX)]
    assert release_secrets and all(s.get("KmsKeyId") in (key_arn, KEY_ALIAS) for s in release_secrets)


def test_the_tenant_role_names_the_real_tables(outputs):
    iam = aws_client("iam")
    policy = policy_document(
        iam.get_role_policy(RoleName=f"{PREFIX}-tenant", PolicyName="tenant-items")["PolicyDocument"]
    )
    dynamodb = aws_client("dynamodb")
    real = {
        dynamodb.describe_table(TableName=f"{PREFIX}-{t}")["Table"]["TableArn"] for t in ("tenants", "items")
    }
    named = {r for s in policy["Statement"] for r in s["Resource"] if "/index/" not in r}
    assert named == real


def test_the_webapp_exec_role_allows_every_call_the_release_made():
    missing = missing_exec_actions("webapp")
    assert not missing, f"the exec role of webapp releases lacks: {missing}"


def test_the_api_function_is_wired_to_the_release(outputs, key_arn):
    config = aws_client("lambda").get_function_configuration(FunctionName=f"{PREFIX}-api", Qualifier="live")
    env = config["Environment"]["Variables"]
    assert env["FASTISH_API_ISSUER"] == outputs["user_pool_issuer"]
    assert env["FASTISH_API_CLIENT_IDS"] == outputs["web_client_id"]
    assert env["FASTISH_API_ITEMS_TABLE"] == outputs["table_items_name"]
    assert env["FASTISH_API_TENANT_ROLE_ARN"] == outputs["tenant_role_arn"]
    assert sorted(config["VpcConfig"]["SubnetIds"]) == sorted(outputs["private_subnet_ids"])
    assert config["KMSKeyArn"] == key_arn
    assert config["Version"] == outputs["api_function_version"]
    # the tenant role trusts exactly the function's role
    trust = policy_document(
        aws_client("iam").get_role(RoleName=f"{PREFIX}-tenant")["Role"]["AssumeRolePolicyDocument"]
    )
    (statement,) = trust["Statement"]
    assert statement["Condition"]["ArnEquals"]["aws:PrincipalArn"] == [config["Role"]]


def test_the_api_routes_invoke_the_live_alias_behind_the_pool_authorizer(outputs):
    apigw = aws_client("apigateway")
    api_id = outputs["api_id"]
    (authorizer,) = apigw.get_authorizers(restApiId=api_id)["items"]
    assert authorizer["type"] == "COGNITO_USER_POOLS" and authorizer["providerARNs"] == [
        outputs["user_pool_arn"]
    ]
    resources = {r["path"]: r for r in apigw.get_resources(restApiId=api_id, embed=["methods"])["items"]}
    item = apigw.get_method(restApiId=api_id, resourceId=resources["/v1/items/{id}"]["id"], httpMethod="GET")
    assert item["authorizationType"] == "COGNITO_USER_POOLS" and item["authorizerId"] == authorizer["id"]
    assert item["methodIntegration"]["type"] == "AWS_PROXY"
    assert outputs["api_function_alias_arn"] in item["methodIntegration"]["uri"]
    assert outputs["api_invoke_url"].endswith(f"/{outputs['api_stage']}")


def test_the_edge_serves_the_front_end_and_the_api_domain(outputs):
    assert outputs["web_url"] == "https://portal.acme.example"
    assert outputs["api_url"] == "https://api.portal.acme.example"
    mappings = aws_client("apigateway").get_base_path_mappings(domainName="api.portal.acme.example")["items"]
    assert [(m["restApiId"], m["stage"]) for m in mappings] == [(outputs["api_id"], outputs["api_stage"])]
    distribution = aws_client("cloudfront").get_distribution(Id=outputs["distribution_id"])["Distribution"]
    assert sorted(distribution["DistributionConfig"]["Aliases"]["Items"]) == [
        "portal.acme.example",
        "www.portal.acme.example",
    ]
    assert outputs["amplify_app_id"].startswith("skipped: no AWS emulator implements Amplify")


def test_ses_dkim_records_land_in_the_release_zone(outputs):
    route53 = aws_client("route53")
    records = route53.list_resource_record_sets(HostedZoneId=outputs["hosted_zone_id"])["ResourceRecordSets"]
    dkim = [r for r in records if "._domainkey." in r["Name"]]
    assert len(dkim) == 3, "SES runs after the edge, so its DKIM records go into the release's zone"
