"""Request log, health and control endpoints of the running local cloud."""

from __future__ import annotations

import io
import json
import ssl
import urllib.error
import urllib.request
import zipfile

import pytest

from tools.localcloud import patches


def test_health_lists_all_patches(cloud):
    health = cloud.health()
    assert health["status"] == "ok"
    assert health["patches"] == patches.names()
    assert len(health["patches"]) == 16
    assert health["speedups"] == patches.speedup_names()


def test_read_only_calls_are_not_mutating(cloud):
    cloud.client("sts").get_caller_identity()
    cloud.client("sqs").list_queues()
    cloud.client("dynamodb").list_tables()
    log = cloud.requests()
    assert (log["count"], log["mutating"]) == (3, 0)
    assert [(r["service"], r["action"], r["mutating"]) for r in log["requests"]] == [
        ("sts", "GetCallerIdentity", False),
        ("sqs", "ListQueues", False),
        ("dynamodb", "ListTables", False),
    ]
    assert all(r["tls"] and r["status"] == 200 for r in log["requests"])


def test_create_call_is_mutating(cloud):
    cloud.client("sqs").create_queue(QueueName="q1")
    log = cloud.requests()
    assert (log["count"], log["mutating"]) == (1, 1)
    entry = log["requests"][0]
    assert (entry["method"], entry["service"], entry["action"], entry["mutating"]) == (
        "POST",
        "sqs",
        "CreateQueue",
        True,
    )


def test_rest_calls_are_named_from_botocore_models(cloud):
    s3 = cloud.client("s3")
    s3.create_bucket(Bucket="rest-bucket")
    s3.head_bucket(Bucket="rest-bucket")
    s3.list_objects_v2(Bucket="rest-bucket")
    s3.put_bucket_policy(Bucket="rest-bucket", Policy=_bucket_policy("rest-bucket"))
    s3.put_object(Bucket="rest-bucket", Key="dir/a.txt", Body=b"a")
    s3.copy_object(Bucket="rest-bucket", Key="dir/b.txt", CopySource="rest-bucket/dir/a.txt")
    s3.get_object(Bucket="rest-bucket", Key="dir/b.txt")["Body"].read()
    s3.delete_objects(Bucket="rest-bucket", Delete={"Objects": [{"Key": "dir/a.txt"}, {"Key": "dir/b.txt"}]})
    assert _logged(cloud) == [
        ("s3", "PUT", "CreateBucket", True),
        ("s3", "HEAD", "HeadBucket", False),
        ("s3", "GET", "ListObjectsV2", False),
        ("s3", "PUT", "PutBucketPolicy", True),
        ("s3", "PUT", "PutObject", True),
        ("s3", "PUT", "CopyObject", True),
        ("s3", "GET", "GetObject", False),
        ("s3", "POST", "DeleteObjects", True),
    ]


def test_lambda_apigateway_route53_cloudfront_calls_are_named(cloud):
    role = cloud.client("iam").create_role(RoleName="fn", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]
    lam = cloud.client("lambda")
    lam.create_function(
        FunctionName="fn",
        Runtime="python3.12",
        Role=role["Arn"],
        Handler="index.handler",
        Code={"ZipFile": _zip({"index.py": "def handler(event, context):\n    return 1\n"})},
    )
    lam.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=2)
    lam.get_function_concurrency(FunctionName="fn")
    lam.list_functions()
    apigw = cloud.client("apigateway")
    api = apigw.create_rest_api(name="api")["id"]
    apigw.get_resources(restApiId=api)
    route53 = cloud.client("route53")
    zone = route53.create_hosted_zone(Name="example.com", CallerReference="r1")["HostedZone"]["Id"]
    route53.change_resource_record_sets(
        HostedZoneId=zone,
        ChangeBatch={
            "Changes": [
                {
                    "Action": "UPSERT",
                    "ResourceRecordSet": {
                        "Name": "www.example.com",
                        "Type": "A",
                        "TTL": 60,
                        "ResourceRecords": [{"Value": "192.0.2.1"}],
                    },
                }
            ]
        },
    )
    route53.list_resource_record_sets(HostedZoneId=zone)
    cloud.client("cloudfront").list_distributions()
    logged = _logged(cloud)
    assert logged[0] == ("iam", "POST", "CreateRole", True)
    assert logged[1:] == [
        ("lambda", "POST", "CreateFunction", True),
        ("lambda", "PUT", "PutFunctionConcurrency", True),
        ("lambda", "GET", "GetFunctionConcurrency", False),
        ("lambda", "GET", "ListFunctions", False),
        ("apigateway", "POST", "CreateRestApi", True),
        ("apigateway", "GET", "GetResources", False),
        ("route53", "POST", "CreateHostedZone", True),
        ("route53", "POST", "ChangeResourceRecordSets", True),
        ("route53", "GET", "ListResourceRecordSets", False),
        ("cloudfront", "GET", "ListDistributions", False),
    ]
    log = cloud.requests()
    assert log["mutating"] == sum(entry[3] for entry in logged)
    assert all(r["status"] in (200, 201) for r in log["requests"]), log["requests"]


def test_unsigned_cognito_auth_is_attributed_to_cognito_idp(cloud):
    from botocore import UNSIGNED
    from botocore.config import Config

    idp = cloud.client("cognito-idp")
    pool = idp.create_user_pool(PoolName="p")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool,
        ClientName="c",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool, Username="u1", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool, Username="u1", Password="Passw0rd!Passw0rd", Permanent=True)
    cloud.reset_requests()
    unsigned = cloud.client("cognito-idp", config=Config(signature_version=UNSIGNED))
    unsigned.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "u1", "PASSWORD": "Passw0rd!Passw0rd"},
    )
    [entry] = cloud.requests()["requests"]
    assert (entry["service"], entry["action"], entry["mutating"], entry["status"]) == (
        "cognito-idp",
        "InitiateAuth",
        True,
        200,
    )


def _logged(cloud):
    return [(r["service"], r["method"], r["action"], r["mutating"]) for r in cloud.requests()["requests"]]


def _bucket_policy(bucket):
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{bucket}/*",
                }
            ],
        }
    )


TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def _zip(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_request_log_reset_and_control_paths_not_logged(cloud):
    cloud.client("sqs").create_queue(QueueName="q1")
    assert cloud.requests()["count"] == 1
    cloud.reset_requests()
    cloud.health()
    cloud.requests()
    assert cloud.requests() == {"count": 0, "mutating": 0, "requests": []}


def test_reset_wipes_moto_state(cloud):
    sqs = cloud.client("sqs")
    sqs.create_queue(QueueName="q1")
    cloud.reset()
    assert sqs.list_queues().get("QueueUrls", []) == []
    assert cloud.requests()["count"] == 1  # only the list_queues after the reset


def test_https_certificate_is_verified_against_the_local_ca(cloud):
    with pytest.raises(urllib.error.URLError) as exc:
        urllib.request.urlopen(cloud.endpoint + "/_localcloud/health", timeout=5)  # system CAs only
    assert isinstance(exc.value.reason, ssl.SSLCertVerificationError)
    context = ssl.create_default_context(cafile=str(cloud.ca_bundle))
    url = cloud.endpoint.replace("127.0.0.1", "localhost") + "/_localcloud/health"
    with urllib.request.urlopen(url, timeout=5, context=context) as response:
        assert response.status == 200


def test_env_for_subprocesses(cloud):
    env = cloud.env()
    assert env["AWS_ENDPOINT_URL"] == cloud.endpoint
    assert env["AWS_CA_BUNDLE"] == str(cloud.ca_bundle)
    assert env["AWS_ACCESS_KEY_ID"] == env["AWS_SECRET_ACCESS_KEY"] == "testing"
    assert env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert env["FASTISH_LOCALCLOUD_PORT"] == str(cloud.port)
    assert env["FASTISH_LOCALCLOUD_DIR"] == str(cloud.state_dir)
