"""Verify roles/edge on the local cloud: hosted zone and records, certificate, web bucket, OAC,
CloudFront distribution, API custom domain, the role's outputs. Names are written out here from the
naming rule (<org>-<team>-<release>-...), not taken from the role."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.molecule_support import ACCOUNT, REGION, aws_client, policy_document

DOMAIN = "portal.acme.example"
NAME = "acme-web-portal-web"
BUCKET = f"acme-web-portal-web-{ACCOUNT}-{REGION}"
HEADERS_POLICY = "67f7725c-6f97-4210-82d7-5512b31e9d03"


@pytest.fixture(scope="module")
def facts():
    directory = Path(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", "outputs"))
    return json.loads((directory / "edge-facts.json").read_text())


@pytest.fixture(scope="module")
def zone_id():
    zones = aws_client("route53").list_hosted_zones()["HostedZones"]
    found = [z["Id"].split("/")[-1] for z in zones if z["Name"] == f"{DOMAIN}."]
    assert len(found) == 1, zones
    return found[0]


@pytest.fixture(scope="module")
def records(zone_id):
    sets = aws_client("route53").list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    return {(s["Name"], s["Type"]): s for s in sets}


@pytest.fixture(scope="module")
def distribution():
    cf = aws_client("cloudfront")
    items = cf.list_distributions()["DistributionList"].get("Items") or []
    assert [d["Comment"] for d in items] == [NAME]
    return items[0], cf.get_distribution_config(Id=items[0]["Id"])["DistributionConfig"]


@pytest.fixture(scope="module")
def certificate():
    acm = aws_client("acm", "us-east-1")
    arns = [c["CertificateArn"] for c in acm.list_certificates()["CertificateSummaryList"]]
    assert len(arns) == 1  # us-east-1 release: one certificate for apex, www and api
    return acm.describe_certificate(CertificateArn=arns[0])["Certificate"]


def test_certificate_issued_with_the_names(certificate):
    assert certificate["Status"] == "ISSUED"
    assert certificate["DomainName"] == DOMAIN
    assert sorted(certificate["SubjectAlternativeNames"]) == sorted(
        [DOMAIN, f"www.{DOMAIN}", f"api.{DOMAIN}"]
    )


def test_validation_records_in_the_zone(certificate, records):
    for option in certificate["DomainValidationOptions"]:
        record = option["ResourceRecord"]
        found = records[(record["Name"], "CNAME")]
        assert found["ResourceRecords"] == [{"Value": record["Value"]}]


def test_alias_records_point_at_the_distribution_and_the_api(records, distribution):
    summary, _ = distribution
    for name in (DOMAIN, f"www.{DOMAIN}"):
        for kind in ("A", "AAAA"):
            target = records[(f"{name}.", kind)]["AliasTarget"]
            assert target["DNSName"].rstrip(".") == summary["DomainName"]
            assert target["HostedZoneId"] == "Z2FDTNDATAQYW2"
    api = aws_client("apigateway").get_domain_name(domainName=f"api.{DOMAIN}")
    target = records[(f"api.{DOMAIN}.", "A")]["AliasTarget"]
    assert target["DNSName"].rstrip(".") == api["regionalDomainName"]
    assert target["HostedZoneId"] == api["regionalHostedZoneId"]


def test_web_bucket(facts, distribution):
    s3 = aws_client("s3")
    rule = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": facts["kms_key_arn"],
    }
    assert rule["BucketKeyEnabled"] is True
    assert s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"
    block = s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    ownership = s3.get_bucket_ownership_controls(Bucket=BUCKET)["OwnershipControls"]["Rules"]
    assert ownership == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    policy = policy_document(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])
    statements = {s["Sid"]: s for s in policy["Statement"]}
    deny = statements["DenyInsecureTransport"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    allow = statements["AllowCloudFrontRead"]
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"} and allow["Action"] == "s3:GetObject"
    assert allow["Resource"] == f"arn:aws:s3:::{BUCKET}/*"
    assert allow["Condition"] == {"StringEquals": {"AWS:SourceArn": distribution[0]["ARN"]}}


def test_origin_access_control_attached(distribution):
    items = aws_client("cloudfront").list_origin_access_controls()["OriginAccessControlList"]["Items"]
    oac = {i["Name"]: i for i in items}[NAME]
    assert (oac["SigningBehavior"], oac["SigningProtocol"], oac["OriginAccessControlOriginType"]) == (
        "always",
        "sigv4",
        "s3",
    )
    origin = distribution[1]["Origins"]["Items"][0]
    assert origin["OriginAccessControlId"] == oac["Id"]
    assert origin["DomainName"] == f"{BUCKET}.s3.{REGION}.amazonaws.com"


def test_distribution_config(distribution, certificate):
    summary, config = distribution
    assert sorted(config["Aliases"]["Items"]) == [DOMAIN, f"www.{DOMAIN}"]
    certificate_config = config["ViewerCertificate"]
    assert certificate_config["ACMCertificateArn"] == certificate["CertificateArn"]
    assert certificate_config["MinimumProtocolVersion"] == "TLSv1.2_2021"
    assert certificate_config["SSLSupportMethod"] == "sni-only"
    behavior = config["DefaultCacheBehavior"]
    assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behavior["ResponseHeadersPolicyId"] == HEADERS_POLICY
    assert config["DefaultRootObject"] == "index.html"
    assert config["HttpVersion"] == "http2and3" and config["IsIPV6Enabled"] is True
    assert config["PriceClass"] == "PriceClass_100" and config["Enabled"] is True
    errors = {
        e["ErrorCode"]: (e["ResponseCode"], e["ResponsePagePath"])
        for e in config["CustomErrorResponses"]["Items"]
    }
    assert errors == {403: ("200", "/index.html"), 404: ("200", "/index.html")}
    tags = aws_client("cloudfront").list_tags_for_resource(Resource=summary["ARN"])["Tags"]["Items"]
    assert {"Key": "fastish:release", "Value": "portal"} in tags


def test_api_domain_mapping(certificate):
    apigw = aws_client("apigateway")
    domain = apigw.get_domain_name(domainName=f"api.{DOMAIN}")
    assert domain["regionalCertificateArn"] == certificate["CertificateArn"]
    assert domain["securityPolicy"] == "TLS_1_2" and domain["endpointConfiguration"]["types"] == ["REGIONAL"]
    apis = {a["name"]: a["id"] for a in apigw.get_rest_apis()["items"]}
    mappings = apigw.get_base_path_mappings(domainName=f"api.{DOMAIN}")["items"]
    assert mappings == [
        {"basePath": "(none)", "restApiId": apis["acme-web-portal-stub-api"], "stage": "live"}
    ]


def test_outputs(facts, zone_id, distribution, certificate):
    outputs = facts["edge_outputs"]
    assert outputs["domain"] == DOMAIN and outputs["hosted_zone_id"] == zone_id
    assert outputs["web_bucket"] == BUCKET
    assert outputs["distribution_id"] == distribution[0]["Id"]
    assert outputs["distribution_domain_name"] == distribution[0]["DomainName"]
    assert outputs["certificate_arn"] == certificate["CertificateArn"]
    assert outputs["web_url"] == f"https://{DOMAIN}" and outputs["api_url"] == f"https://api.{DOMAIN}"
    assert outputs["amplify_app_id"].startswith("skipped: no AWS emulator implements Amplify")
    assert outputs["name_servers"].count(",") >= 1
