"""roles/edge absent: removes the distribution, OAC, API domain, certificates and the records it made;
keeps the web bucket while it holds objects and the hosted zone; a second absent run changes nothing;
absent with destroy_data (confirmed) also deletes the bucket with its objects and the zone."""

from __future__ import annotations

from pathlib import Path

from tests.molecule_support import ACCOUNT, REGION, aws_client, changed_count, run_playbook

CONVERGE = Path(__file__).resolve().parents[1] / "converge.yml"
HOST = "acme-web-portal"
DOMAIN = "portal.acme.example"
BUCKET = f"acme-web-portal-web-{ACCOUNT}-{REGION}"


def _absent(*extra):
    rc, out = run_playbook(CONVERGE, "-e", "edge_state=absent", *extra)
    assert rc == 0, out[-4000:]
    return changed_count(out, HOST)


def _zone_records():
    route53 = aws_client("route53")
    zones = [z for z in route53.list_hosted_zones()["HostedZones"] if z["Name"] == f"{DOMAIN}."]
    if not zones:
        return None
    sets = route53.list_resource_record_sets(HostedZoneId=zones[0]["Id"])["ResourceRecordSets"]
    return sorted((s["Name"], s["Type"]) for s in sets)


def _buckets():
    return [b["Name"] for b in aws_client("s3").list_buckets()["Buckets"]]


def test_1_absent_keeps_the_bucket_with_objects_and_the_zone():
    aws_client("s3").put_object(Bucket=BUCKET, Key="index.html", Body=b"<html></html>")
    assert _absent() > 0
    assert aws_client("cloudfront").list_distributions()["DistributionList"].get("Items") in (None, [])
    assert aws_client("cloudfront").list_origin_access_controls()["OriginAccessControlList"].get("Items") in (
        None,
        [],
    )
    assert aws_client("apigateway").get_domain_names().get("items", []) == []
    assert aws_client("acm").list_certificates()["CertificateSummaryList"] == []
    assert _zone_records() == [(f"{DOMAIN}.", "NS"), (f"{DOMAIN}.", "SOA")]
    assert BUCKET in _buckets()


def test_2_absent_again_changes_nothing():
    assert _absent() == 0
    assert BUCKET in _buckets()


def test_3_destroy_data_needs_the_confirmation():
    rc, out = run_playbook(CONVERGE, "-e", "edge_state=absent", "-e", "edge_destroy_data=true")
    assert rc != 0 and f"edge_destroy_confirm={HOST}" in out


def test_4_destroy_data_deletes_the_bucket_and_the_zone():
    assert _absent("-e", "edge_destroy_data=true", "-e", f"edge_destroy_confirm={HOST}") > 0
    assert BUCKET not in _buckets()
    assert _zone_records() is None
