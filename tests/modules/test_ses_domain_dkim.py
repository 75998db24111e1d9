"""fastish.platform.ses_domain_dkim against the local cloud (moto with the project's patches)."""

from __future__ import annotations

import pytest

from tests.modules.support import modules

HOST = "local-bootstrap"
DOMAIN = "portal.acme.example"
MAIL_FROM = f"mail.{DOMAIN}"


def _run(cloud, tmp_path, tasks, *args):
    """Run ``tasks`` ([(name, params)]) in one play; returns {name: result}."""
    return modules(cloud, tmp_path, "ses_domain_dkim", dict(tasks), *args, host=HOST)


def _dkim(cloud):
    return cloud.client("ses").get_identity_dkim_attributes(Identities=[DOMAIN])["DkimAttributes"][DOMAIN]


def _by_purpose(records, purpose):
    return [(r["name"], r["type"], r["value"]) for r in records if r["purpose"] == purpose]


def test_creates_identity_with_easy_dkim_and_returns_its_records(cloud, tmp_path):
    results = _run(cloud, tmp_path, [("create", {"domain": DOMAIN}), ("again", {"domain": DOMAIN})])
    created, again = results["create"], results["again"]
    assert created["changed"] is True
    assert created["changes"] == ["identity created", "dkim started"]
    ses = cloud.client("ses")
    assert ses.list_identities(IdentityType="Domain")["Identities"] == [DOMAIN]
    dkim = _dkim(cloud)
    assert dkim["DkimEnabled"] is True
    tokens = dkim["DkimTokens"]
    assert len(tokens) == 3 and len(set(tokens)) == 3
    assert created["dkim_tokens"] == tokens
    assert created["dkim_enabled"] is True
    token = ses.get_identity_verification_attributes(Identities=[DOMAIN])["VerificationAttributes"][DOMAIN][
        "VerificationToken"
    ]
    assert created["verification_token"] == token
    assert sorted(_by_purpose(created["records"], "dkim")) == sorted(
        (f"{t}._domainkey.{DOMAIN}", "CNAME", f"{t}.dkim.amazonses.com") for t in tokens
    )
    assert _by_purpose(created["records"], "verification") == [(f"_amazonses.{DOMAIN}", "TXT", f'"{token}"')]
    assert {r["purpose"] for r in created["records"]} == {"dkim", "verification"}  # no MAIL FROM asked for
    assert created["identity_arn"] == f"arn:aws:ses:us-east-1:123456789012:identity/{DOMAIN}"
    assert again["changed"] is False, again["changes"]
    assert again["records"] == created["records"]
    assert again["dkim_tokens"] == tokens


def test_existing_identity_without_dkim_gets_it(cloud, tmp_path):
    cloud.client("ses").verify_domain_identity(Domain=DOMAIN)
    assert "DkimTokens" not in _dkim(cloud)
    result = _run(cloud, tmp_path, [("dkim", {"domain": DOMAIN})])["dkim"]
    assert result["changes"] == ["dkim started"]
    assert len(_dkim(cloud)["DkimTokens"]) == 3


def test_turns_dkim_signing_back_on(cloud, tmp_path):
    ses = cloud.client("ses")
    tokens = ses.verify_domain_dkim(Domain=DOMAIN)["DkimTokens"]
    ses.set_identity_dkim_enabled(Identity=DOMAIN, DkimEnabled=False)
    assert _dkim(cloud)["DkimEnabled"] is False
    result = _run(cloud, tmp_path, [("enable", {"domain": DOMAIN})])["enable"]
    assert result["changes"] == ["dkim enabled"]
    assert _dkim(cloud)["DkimEnabled"] is True
    assert result["dkim_tokens"] == tokens == _dkim(cloud)["DkimTokens"]


def test_mail_from_domain_set_changed_and_removed(cloud, tmp_path):
    results = _run(
        cloud,
        tmp_path,
        [
            ("set", {"domain": DOMAIN, "mail_from_domain": MAIL_FROM}),
            ("same", {"domain": DOMAIN, "mail_from_domain": MAIL_FROM}),
            (
                "reject",
                {"domain": DOMAIN, "mail_from_domain": MAIL_FROM, "behavior_on_mx_failure": "RejectMessage"},
            ),
        ],
    )
    assert "mail_from_domain" in results["set"]["changes"]
    assert _by_purpose(results["set"]["records"], "mail_from_mx") == [
        (MAIL_FROM, "MX", "10 feedback-smtp.us-east-1.amazonses.com")
    ]
    assert _by_purpose(results["set"]["records"], "mail_from_spf") == [
        (MAIL_FROM, "TXT", '"v=spf1 include:amazonses.com ~all"')
    ]
    assert results["same"]["changed"] is False
    assert results["reject"]["changes"] == ["mail_from_domain"]
    ses = cloud.client("ses")
    attributes = ses.get_identity_mail_from_domain_attributes(Identities=[DOMAIN])[
        "MailFromDomainAttributes"
    ][DOMAIN]
    assert attributes["MailFromDomain"] == MAIL_FROM
    assert attributes["BehaviorOnMXFailure"] == "RejectMessage"

    results = _run(
        cloud,
        tmp_path,
        [("unset", {"domain": DOMAIN, "mail_from_domain": ""}), ("left", {"domain": DOMAIN})],
    )
    assert results["unset"]["changes"] == ["mail_from_domain"]
    assert results["unset"]["mail_from_domain"] == ""
    assert not [r for r in results["unset"]["records"] if r["purpose"].startswith("mail_from")]
    attributes = ses.get_identity_mail_from_domain_attributes(Identities=[DOMAIN])[
        "MailFromDomainAttributes"
    ][DOMAIN]
    assert "MailFromDomain" not in attributes
    assert results["left"]["changed"] is False


def test_check_mode_makes_no_mutating_call(cloud, tmp_path):
    cloud.reset_requests()
    result = _run(cloud, tmp_path, [("check", {"domain": DOMAIN, "mail_from_domain": MAIL_FROM})], "--check")[
        "check"
    ]
    assert result["changed"] is True
    assert result["changes"] == ["identity created", "dkim started", "mail_from_domain"]
    assert result["exists"] is True
    assert result["dkim_tokens"] == []  # unknown until SES issues them
    assert {r["purpose"] for r in result["records"]} == {"mail_from_mx", "mail_from_spf"}
    log = cloud.requests()
    assert log["count"] > 0
    assert log["mutating"] == 0, [r["action"] for r in log["requests"] if r["mutating"]]
    assert cloud.client("ses").list_identities()["Identities"] == []

    ses = cloud.client("ses")
    ses.verify_domain_dkim(Domain=DOMAIN)
    ses.set_identity_dkim_enabled(Identity=DOMAIN, DkimEnabled=False)
    cloud.reset_requests()
    result = _run(cloud, tmp_path, [("check", {"domain": DOMAIN})], "--check")["check"]
    assert result["changes"] == ["dkim enabled"]
    assert cloud.requests()["mutating"] == 0
    assert _dkim(cloud)["DkimEnabled"] is False


def test_absent_deletes_identity_and_its_dkim(cloud, tmp_path):
    results = _run(
        cloud,
        tmp_path,
        [
            ("create", {"domain": DOMAIN}),
            ("delete", {"domain": DOMAIN, "state": "absent"}),
            ("again", {"domain": DOMAIN, "state": "absent"}),
        ],
    )
    assert results["delete"]["changes"] == ["identity deleted"]
    assert results["delete"]["exists"] is False and results["delete"]["records"] == []
    assert results["delete"]["diff"] == {
        "before": {
            "exists": True,
            "dkim_enabled": True,
            "dkim_tokens": results["create"]["dkim_tokens"],
            "mail_from_domain": "",
            "behavior_on_mx_failure": "UseDefaultValue",
        },
        "after": {"exists": False},
    }
    assert results["again"]["changed"] is False
    ses = cloud.client("ses")
    assert ses.list_identities()["Identities"] == []
    ses.verify_domain_identity(Domain=DOMAIN)
    assert "DkimTokens" not in _dkim(cloud)  # DKIM went with the identity


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"domain": "Portal.Acme.Example"}, "domain must be a lowercase DNS name"),
        ({"domain": f"{DOMAIN}."}, "domain must be a lowercase DNS name"),
        ({"domain": DOMAIN, "mail_from_domain": "mail.other.example"}, f"must be a subdomain of {DOMAIN}"),
        ({"domain": DOMAIN, "mail_from_domain": DOMAIN}, f"must be a subdomain of {DOMAIN}"),
    ],
)
def test_refuses_bad_input_before_any_call(cloud, tmp_path, params, message):
    cloud.reset_requests()
    result = _run(cloud, tmp_path, [("bad", params)])["bad"]
    assert result["failed"] is True
    assert message in result["msg"]
    assert cloud.requests()["count"] == 0
