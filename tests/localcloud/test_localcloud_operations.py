"""Naming REST-protocol operations from botocore's models (tools/localcloud/operations.py), no server."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from tools.localcloud import operations, server


def _match(service, method, path, query="", headers=()):
    return operations.match_rest(
        service, method, path, parse_qs(query, keep_blank_values=True), frozenset(headers)
    )


@pytest.mark.parametrize(
    ("service", "method", "path", "query", "headers", "expected"),
    [
        # S3, path style: bucket vs object, query-string sub-resources, required query keys and headers
        ("s3", "GET", "/", "", (), "ListBuckets"),
        ("s3", "PUT", "/b", "", (), "CreateBucket"),
        ("s3", "HEAD", "/b", "", (), "HeadBucket"),
        ("s3", "DELETE", "/b", "", (), "DeleteBucket"),
        ("s3", "PUT", "/b", "policy", (), "PutBucketPolicy"),
        ("s3", "GET", "/b", "policy", (), "GetBucketPolicy"),
        ("s3", "PUT", "/b", "tagging", (), "PutBucketTagging"),
        ("s3", "GET", "/b", "location", (), "GetBucketLocation"),
        ("s3", "GET", "/b", "", (), "ListObjects"),
        ("s3", "GET", "/b/", "list-type=2&prefix=a", (), "ListObjectsV2"),
        ("s3", "POST", "/b", "delete", (), "DeleteObjects"),
        ("s3", "PUT", "/b/k", "", (), "PutObject"),
        ("s3", "PUT", "/b/dir/sub/k.txt", "", (), "PutObject"),  # {Key+} is greedy
        ("s3", "PUT", "/b/dir/k.txt", "tagging", (), "PutObjectTagging"),
        ("s3", "PUT", "/b/k", "", ("x-amz-copy-source",), "CopyObject"),  # required header
        ("s3", "PUT", "/b/k", "partNumber=1&uploadId=u", (), "UploadPart"),  # required query members
        ("s3", "POST", "/b/k", "uploads", (), "CreateMultipartUpload"),
        ("s3", "GET", "/b/a/b/c", "", (), "GetObject"),
        ("s3", "HEAD", "/b/a", "", (), "HeadObject"),
        # Lambda: the API version in the path is part of the template
        ("lambda", "POST", "/2015-03-31/functions", "", (), "CreateFunction"),
        ("lambda", "GET", "/2015-03-31/functions/", "", (), "ListFunctions"),
        ("lambda", "GET", "/2015-03-31/functions/f1", "", (), "GetFunction"),
        ("lambda", "GET", "/2015-03-31/functions/f1/configuration", "", (), "GetFunctionConfiguration"),
        ("lambda", "PUT", "/2015-03-31/functions/f1/configuration", "", (), "UpdateFunctionConfiguration"),
        ("lambda", "PUT", "/2017-10-31/functions/f1/concurrency", "", (), "PutFunctionConcurrency"),
        ("lambda", "GET", "/2019-09-30/functions/f1/concurrency", "", (), "GetFunctionConcurrency"),
        ("lambda", "DELETE", "/2017-10-31/functions/f1/concurrency", "", (), "DeleteFunctionConcurrency"),
        ("lambda", "GET", "/2017-10-31/functions/f1/concurrency", "", (), None),  # no such operation
        (
            "lambda",
            "POST",
            "/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:f1/policy",
            "",
            (),
            "AddPermission",
        ),
        # Route 53
        ("route53", "POST", "/2013-04-01/hostedzone", "", (), "CreateHostedZone"),
        ("route53", "POST", "/2013-04-01/hostedzone/Z1/rrset/", "", (), "ChangeResourceRecordSets"),
        ("route53", "GET", "/2013-04-01/hostedzone/Z1/rrset", "", (), "ListResourceRecordSets"),
        ("route53", "GET", "/2013-04-01/hostedzonesbyname", "dnsname=a.com", (), "ListHostedZonesByName"),
        # CloudFront: botocore's version suffixes are stripped; literal query values must match
        ("cloudfront", "POST", "/2020-05-31/distribution", "", (), "CreateDistribution"),
        ("cloudfront", "GET", "/2020-05-31/distribution/E1/config", "", (), "GetDistributionConfig"),
        ("cloudfront", "PUT", "/2020-05-31/distribution/E1/config", "", (), "UpdateDistribution"),
        ("cloudfront", "POST", "/2020-05-31/tagging", "Operation=Tag&Resource=arn", (), "TagResource"),
        ("cloudfront", "POST", "/2020-05-31/tagging", "Operation=Untag&Resource=arn", (), "UntagResource"),
        ("cloudfront", "POST", "/2020-05-31/tagging", "Operation=Other", (), None),
        # API Gateway (v1 and v2 share the signing name)
        ("apigateway", "POST", "/restapis", "", (), "CreateRestApi"),
        ("apigateway", "GET", "/restapis/a1", "", (), "GetRestApi"),
        ("apigateway", "POST", "/restapis/a1/resources/r1", "", (), "CreateResource"),
        ("apigateway", "PUT", "/restapis/a1/resources/r1/methods/GET", "", (), "PutMethod"),
        ("apigateway", "PATCH", "/restapis/a1/stages/prod", "", (), "UpdateStage"),
        ("apigateway", "PATCH", "/account", "", (), "UpdateAccount"),
        ("apigateway", "POST", "/v2/apis", "", (), "CreateApi"),
        # others signed with their own names
        ("ses", "POST", "/v2/email/identities", "", (), "CreateEmailIdentity"),  # sesv2
        ("amplify", "POST", "/apps", "", (), "CreateApp"),
        ("eks", "GET", "/clusters/c1/node-groups/ng1", "", (), "DescribeNodegroup"),
        ("es", "POST", "/2021-01-01/opensearch/domain", "", (), "CreateDomain"),
        ("s3", "PATCH", "/b", "", (), None),
        ("no-such-service", "GET", "/", "", (), None),
    ],
)
def test_match_rest(service, method, path, query, headers, expected):
    assert _match(service, method, path, query, headers) == expected


def test_operation_name_strips_version_suffix():
    assert operations.operation_name("CreateDistribution2020_05_31") == "CreateDistribution"
    assert operations.operation_name("ListDistributions2020_05_31") == "ListDistributions"
    assert operations.operation_name("CreateRestApi") == "CreateRestApi"


def test_signing_names_cover_all_rest_apis():
    assert operations.rest_services("apigateway")[:2] == ("apigateway", "apigatewayv2")
    assert "sesv2" in operations.rest_services("ses")
    assert "ses" not in operations.rest_services("ses")  # query protocol: Action= names it
    assert operations.rest_services("dynamodb") == ()
    assert operations.rest_services("s3")[0] == "s3"


def test_service_for_unsigned_json_target():
    assert operations.service_for_target("AWSCognitoIdentityProviderService.InitiateAuth") == "cognito-idp"
    assert operations.service_for_target("DynamoDB_20120810.ListTables") == "dynamodb"
    assert operations.service_for_target("NoSuchPrefix.Op") is None


def _environ(service, method, path, query="", **extra):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "wsgi.url_scheme": "https",
        "HTTP_AUTHORIZATION": (
            f"AWS4-HMAC-SHA256 Credential=testing/20261122/us-east-1/{service}/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=abc"
        ),
    }
    environ.update(extra)
    return environ


@pytest.mark.parametrize(
    ("service", "method", "path", "query", "extra", "action", "mutating"),
    [
        ("s3", "PUT", "/b", "policy", {}, "PutBucketPolicy", True),
        ("s3", "PUT", "/b/k", "", {"HTTP_X_AMZ_COPY_SOURCE": "/b/j"}, "CopyObject", True),
        ("s3", "GET", "/b", "list-type=2", {}, "ListObjectsV2", False),
        ("s3", "POST", "/b", "delete", {}, "DeleteObjects", True),
        ("lambda", "GET", "/2019-09-30/functions/f1/concurrency", "", {}, "GetFunctionConcurrency", False),
        ("lambda", "PUT", "/2017-10-31/functions/f1/concurrency", "", {}, "PutFunctionConcurrency", True),
        ("apigateway", "POST", "/restapis", "", {}, "CreateRestApi", True),
        ("cloudfront", "POST", "/2020-05-31/distribution", "", {}, "CreateDistribution", True),
        ("route53", "POST", "/2013-04-01/hostedzone/Z1/rrset/", "", {}, "ChangeResourceRecordSets", True),
        # POST reads of REST APIs
        ("lambda", "POST", "/2015-03-31/functions/f1/invocations", "", {}, "Invoke", True),
        ("ses", "POST", "/v2/email/outbound-emails", "", {}, "SendEmail", True),
        ("eks", "POST", "/clusters/c1/updates", "", {}, "UpdateClusterVersion", True),
        ("es", "POST", "/2021-01-01/opensearch/domain-info", "", {}, "DescribeDomains", False),
        ("route53", "POST", "/2013-04-01/healthcheck", "", {}, "CreateHealthCheck", True),
        # unnamed REST requests keep the method rule
        ("s3", "PATCH", "/b", "", {}, None, True),
        ("s3", "GET", "/b/k", "", {}, "GetObject", False),
    ],
)
def test_describe_request_rest(service, method, path, query, extra, action, mutating):
    entry = server.describe_request(_environ(service, method, path, query, **extra))
    assert (entry["service"], entry["action"], entry["mutating"]) == (service, action, mutating)


def test_describe_request_unsigned_json_target_names_the_service():
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "wsgi.url_scheme": "https",
        "HTTP_X_AMZ_TARGET": "AWSCognitoIdentityProviderService.InitiateAuth",
    }
    entry = server.describe_request(environ)
    assert (entry["service"], entry["action"], entry["mutating"]) == ("cognito-idp", "InitiateAuth", True)


@pytest.mark.parametrize(
    ("method", "action", "expected"),
    [
        ("GET", "GetObject", False),
        ("HEAD", None, False),
        ("POST", "DescribeDomains", False),
        ("POST", "ListObjectsV2", False),
        ("POST", "SearchResources", False),
        ("POST", "BatchGetBuilds", False),
        ("POST", "CreateRestApi", True),
        ("POST", "ScanSomething", True),  # only the REST read prefixes count
        ("PUT", "GetSomething", True),  # only POST reads are recognised by name
        ("PATCH", None, True),
        ("POST", None, True),
    ],
)
def test_is_mutating_rest(method, action, expected):
    assert server.is_mutating(method, "svc", action, rest=True) is expected
