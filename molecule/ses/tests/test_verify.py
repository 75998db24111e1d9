"""Verify roles/ses on the local cloud: identities with Easy DKIM, each event type on its own topic,
the topics' encryption and policies, the DNS records in the release's hosted zone, the role's facts.

Expected names and ARNs are written out here from the naming rule (<org>-<team>-<release>-...), not
taken from the role, so a role that swaps two topics or misnames one fails."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.molecule_support import ACCOUNT, REGION, aws_client, policy_document

DOMAIN = "portal.acme.example"
SENDER = f"no-reply@{DOMAIN}"
MAIL_FROM = f"mail.{DOMAIN}"
CONFIGURATION_SET = "acme-web-portal-email"
CONFIGURATION_SET_ARN = f"arn:aws:ses:{REGION}:{ACCOUNT}:configuration-set/{CONFIGURATION_SET}"
TOPICS = {
    "bounce": f"arn:aws:sns:{REGION}:{ACCOUNT}:acme-web-portal-email-bounces",
    "complaint": f"arn:aws:sns:{REGION}:{ACCOUNT}:acme-web-portal-email-complaints",
    "reject": f"arn:aws:sns:{REGION}:{ACCOUNT}:acme-web-portal-email-rejects",
}
RELEASE_TAGS = {"fastish:organization": "acme", "fastish:team": "web", "fastish:release": "portal"}


@pytest.fixture(scope="module")
def facts():
    directory = Path(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", "outputs"))
    return json.loads((directory / "ses-facts.json").read_text())


@pytest.fixture(scope="module")
def ses():
    return aws_client("ses")


@pytest.fixture(scope="module")
def dkim_tokens(ses):
    attributes = ses.get_identity_dkim_attributes(Identities=[DOMAIN])["DkimAttributes"][DOMAIN]
    assert attributes["DkimEnabled"] is True
    tokens = attributes["DkimTokens"]
    assert len(tokens) == 3 and len(set(tokens)) == 3
    return tokens


@pytest.fixture(scope="module")
def records():
    """{(name, type): (ttl, sorted values)} of the release's hosted zone."""
    route53 = aws_client("route53")
    zones = [z for z in route53.list_hosted_zones()["HostedZones"] if z["Name"] == f"{DOMAIN}."]
    assert len(zones) == 1
    sets = route53.list_resource_record_sets(HostedZoneId=zones[0]["Id"])["ResourceRecordSets"]
    return {
        (s["Name"].rstrip("."), s["Type"]): (
            s.get("TTL"),
            sorted(r["Value"] for r in s.get("ResourceRecords", [])),
        )
        for s in sets
    }


def test_identities_exist(ses):
    assert sorted(ses.list_identities(IdentityType="Domain")["Identities"]) == [DOMAIN]
    assert sorted(ses.list_identities(IdentityType="EmailAddress")["Identities"]) == [SENDER]


def test_custom_mail_from_domain(ses):
    attributes = ses.get_identity_mail_from_domain_attributes(Identities=[DOMAIN])["MailFromDomainAttributes"]
    assert attributes[DOMAIN]["MailFromDomain"] == MAIL_FROM
    assert attributes[DOMAIN]["BehaviorOnMXFailure"] == "UseDefaultValue"


def test_each_event_type_goes_to_its_own_topic(ses):
    found = ses.describe_configuration_set(
        ConfigurationSetName=CONFIGURATION_SET,
        ConfigurationSetAttributeNames=["eventDestinations", "reputationOptions"],
    )
    routes = {}
    for destination in found["EventDestinations"]:
        assert destination["Enabled"] is True, destination
        for event_type in destination["MatchingEventTypes"]:
            routes.setdefault(event_type, []).append(destination["SNSDestination"]["TopicARN"])
    assert routes == {kind: [arn] for kind, arn in TOPICS.items()}
    assert found["ReputationOptions"]["ReputationMetricsEnabled"] is True


def test_configuration_set_tags():
    tags = aws_client("sesv2").list_tags_for_resource(ResourceArn=CONFIGURATION_SET_ARN)["Tags"]
    assert RELEASE_TAGS.items() <= {t["Key"]: t["Value"] for t in tags}.items()


@pytest.mark.parametrize("kind", sorted(TOPICS))
def test_topic_encrypted_tagged_and_only_ses_of_this_set_publishes(kind, facts):
    sns = aws_client("sns")
    arn = TOPICS[kind]
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    key = aws_client("kms").describe_key(KeyId="alias/acme-web-portal-key")["KeyMetadata"]["Arn"]
    assert attributes["KmsMasterKeyId"] == key == facts["kms_key_arn"]
    statements = policy_document(attributes["Policy"])["Statement"]
    assert statements == [
        {
            "Sid": "SesPublishesEventsOfTheConfigurationSet",
            "Effect": "Allow",
            "Principal": {"Service": "ses.amazonaws.com"},
            "Action": "sns:Publish",
            "Resource": arn,
            "Condition": {
                "StringEquals": {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": CONFIGURATION_SET_ARN}
            },
        }
    ]
    tags = {t["Key"]: t["Value"] for t in sns.list_tags_for_resource(ResourceArn=arn)["Tags"]}
    assert RELEASE_TAGS.items() <= tags.items()


def test_dkim_and_verification_records(ses, dkim_tokens, records):
    for token in dkim_tokens:
        assert records[(f"{token}._domainkey.{DOMAIN}", "CNAME")] == (1800, [f"{token}.dkim.amazonses.com"])
    assert len([key for key in records if key[1] == "CNAME"]) == 3
    verification = ses.get_identity_verification_attributes(Identities=[DOMAIN])["VerificationAttributes"][
        DOMAIN
    ]
    assert records[(f"_amazonses.{DOMAIN}", "TXT")] == (1800, [f'"{verification["VerificationToken"]}"'])


def test_mail_from_records_and_no_mx_at_the_apex(records):
    assert records[(MAIL_FROM, "MX")] == (1800, [f"10 feedback-smtp.{REGION}.amazonses.com"])
    assert records[(MAIL_FROM, "TXT")] == (1800, ['"v=spf1 include:amazonses.com ~all"'])
    assert (DOMAIN, "MX") not in records  # ses_receive_mail is false: the apex's mail routing is not touched
    assert sorted(records) == sorted(
        [
            (DOMAIN, "NS"),
            (DOMAIN, "SOA"),
            (f"_amazonses.{DOMAIN}", "TXT"),
            (MAIL_FROM, "MX"),
            (MAIL_FROM, "TXT"),
        ]
        + [key for key in records if key[1] == "CNAME"]
    )


def test_facts(facts, dkim_tokens):
    assert facts["ses_configuration_set_name"] == CONFIGURATION_SET
    assert facts["ses_topic_arns"] == TOPICS
    assert facts["ses_outputs"] == {
        "email_domain": DOMAIN,
        "email_sender": SENDER,
        "email_configuration_set": CONFIGURATION_SET,
        "bounce_topic_arn": TOPICS["bounce"],
        "complaint_topic_arn": TOPICS["complaint"],
        "reject_topic_arn": TOPICS["reject"],
        "dkim_records": [
            f"{token}._domainkey.{DOMAIN} CNAME {token}.dkim.amazonses.com" for token in dkim_tokens
        ],
    }
