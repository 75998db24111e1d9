"""fastish.platform.acm_certificate_request against the local cloud (moto with the project's patches)."""

from __future__ import annotations

from tests.modules.support import module, modules, mutating

DOMAIN = "portal.acme.example"
SANS = [f"www.{DOMAIN}"]


def _run(cloud, tmp_path, params, *args):
    return module(cloud, tmp_path, "acm_certificate_request", params, *args)


def _certificates(cloud, region="us-east-1"):
    acm = cloud.client("acm", region)
    return [s["CertificateArn"] for s in acm.list_certificates()["CertificateSummaryList"]]


def test_request_then_idempotent_and_issued(cloud, tmp_path):
    params = {"domain_name": DOMAIN, "subject_alternative_names": SANS, "tags": {"fastish:release": "portal"}}
    results = modules(
        cloud,
        tmp_path,
        "acm_certificate_request",
        {"create": params, "again": params, "wait": {**params, "wait": True}},
    )
    created, again, waited = results["create"], results["again"], results["wait"]
    assert created["changed"] is True, created
    assert created["changes"] == ["request"]
    arn = created["certificate"]["arn"]
    assert _certificates(cloud) == [arn]
    described = cloud.client("acm").describe_certificate(CertificateArn=arn)["Certificate"]
    assert sorted(described["SubjectAlternativeNames"]) == sorted([DOMAIN, *SANS])
    assert created["certificate"]["subject_alternative_names"] == sorted([DOMAIN, *SANS])
    assert created["certificate"]["tags"] == {"fastish:release": "portal"}
    records = created["validation_records"]
    assert records and all(r["type"] == "CNAME" and r["name"].endswith(".") for r in records)
    assert len({(r["name"], r["type"]) for r in records}) == len(records)  # deduplicated
    assert again["changed"] is False, again["changes"]
    assert again["certificate"]["arn"] == arn
    assert again["validation_records"] == records
    assert waited["changed"] is False
    assert waited["certificate"]["status"] == "ISSUED"


def test_other_names_are_another_certificate_and_tags_update(cloud, tmp_path):
    first = _run(cloud, tmp_path, {"domain_name": DOMAIN, "tags": {"a": "1"}})
    other = _run(cloud, tmp_path, {"domain_name": DOMAIN, "subject_alternative_names": SANS})
    assert other["changed"] is True and other["certificate"]["arn"] != first["certificate"]["arn"]
    retag = _run(cloud, tmp_path, {"domain_name": DOMAIN, "tags": {"b": "2"}})
    assert retag["changed"] is True and retag["changes"] == ["tags"]
    assert retag["certificate"]["arn"] == first["certificate"]["arn"]
    tags = cloud.client("acm").list_tags_for_certificate(CertificateArn=first["certificate"]["arn"])["Tags"]
    assert tags == [{"Key": "b", "Value": "2"}]
    assert retag["diff"]["before"]["tags"] == {"a": "1"}
    assert len(_certificates(cloud)) == 2


def test_region_option_puts_the_certificate_there(cloud, tmp_path):
    result = _run(cloud, tmp_path, {"domain_name": f"api.{DOMAIN}", "region": "eu-west-1"})
    assert result["certificate"]["arn"].startswith("arn:aws:acm:eu-west-1:")
    assert _certificates(cloud) == []
    assert _certificates(cloud, "eu-west-1") == [result["certificate"]["arn"]]


def test_check_mode_makes_no_mutating_call(cloud, tmp_path):
    cloud.reset_requests()
    result = _run(cloud, tmp_path, {"domain_name": DOMAIN, "subject_alternative_names": SANS}, "--check")
    assert result["changed"] is True and result["certificate"]["arn"] is None
    assert mutating(cloud) == []
    assert _certificates(cloud) == []
    created = _run(cloud, tmp_path, {"domain_name": DOMAIN, "tags": {"a": "1"}})
    cloud.reset_requests()
    for params in ({"domain_name": DOMAIN, "tags": {"b": "2"}}, {"domain_name": DOMAIN, "state": "absent"}):
        result = _run(cloud, tmp_path, params, "--check")
        assert result["changed"] is True
    assert mutating(cloud) == []
    assert _certificates(cloud) == [created["certificate"]["arn"]]


def test_absent_deletes(cloud, tmp_path):
    created = _run(cloud, tmp_path, {"domain_name": DOMAIN})
    gone = _run(cloud, tmp_path, {"domain_name": DOMAIN, "state": "absent"})
    assert gone["changed"] is True and _certificates(cloud) == []
    again = _run(cloud, tmp_path, {"domain_name": DOMAIN, "state": "absent"})
    assert again["changed"] is False
    assert created["certificate"]["arn"] not in _certificates(cloud)
