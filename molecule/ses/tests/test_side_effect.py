"""roles/ses absent removes the configuration set, the identities, the topics and the DNS records it
created, keeps the zone's own records, and a second absent run changes nothing. Runs the scenario's
converge playbook with ses_state=absent, in order."""

from __future__ import annotations

from pathlib import Path

from tests.molecule_support import aws_client, changed_count, run_playbook

CONVERGE = Path(__file__).resolve().parents[1] / "converge.yml"
HOST = "acme-web-portal"
DOMAIN = "portal.acme.example"


def _absent():
    rc, out = run_playbook(CONVERGE, "-e", "ses_state=absent")
    assert rc == 0, out[-4000:]
    return changed_count(out, HOST)


def _zone_records():
    route53 = aws_client("route53")
    zone = next(z for z in route53.list_hosted_zones()["HostedZones"] if z["Name"] == f"{DOMAIN}.")
    sets = route53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]
    return sorted((s["Name"], s["Type"]) for s in sets)


def test_1_absent_removes_everything_the_role_created():
    assert len([r for r in _zone_records() if r[1] == "CNAME"]) == 3  # converged before
    assert _absent() > 0
    ses = aws_client("ses")
    assert ses.list_identities()["Identities"] == []
    assert ses.list_configuration_sets()["ConfigurationSets"] == []
    assert aws_client("sns").list_topics()["Topics"] == []
    assert _zone_records() == [(f"{DOMAIN}.", "NS"), (f"{DOMAIN}.", "SOA")]


def test_2_absent_again_changes_nothing():
    assert _absent() == 0
    assert _zone_records() == [(f"{DOMAIN}.", "NS"), (f"{DOMAIN}.", "SOA")]
