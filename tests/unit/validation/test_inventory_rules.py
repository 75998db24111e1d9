"""Unit tests of module_utils/inventory_rules.py: each rule, good and bad, with the role's real schema."""

from __future__ import annotations

import copy
import ipaddress
import re
from pathlib import Path

import pytest
import yaml
from ansible_collections.fastish.platform.plugins.module_utils.inventory_rules import (
    PEER_VARIABLES,
    Report,
    SchemaError,
    build_scope,
    check_host,
    check_schema,
    normalize_release_types,
    validate_host,
)
from hypothesis import given, settings
from hypothesis import strategies as st

REPO_ROOT = Path(__file__).resolve().parents[3]
ROLE_VARS = yaml.safe_load((REPO_ROOT / "roles/validate_inventory/vars/main.yml").read_text())
SCHEMA = ROLE_VARS["validate_inventory__schema"]
REGIONS = ROLE_VARS["validate_inventory__regions"]
RELEASE_TYPES = ROLE_VARS["validate_inventory__release_types"]

PLATFORM = {
    "fastish_platform_id": "fastish",
    "fastish_tag_prefix": "fastish",
    "fastish_managed_by": "fastish",
    "fastish_cost_center": "unassigned",
    "fastish_deletion_protection": True,
    "fastish_assume_deploy_role": False,
    "fastish_outputs_dir": "/srv/fastish/outputs",
}
SYNTHESIZER = {
    "fastish_synthesizer": "local",
    "fastish_account_id": "123456789012",
    "fastish_region": "us-east-1",
    "fastish_platform_role_arn": "arn:aws:iam::111111111111:role/fastish-platform",
    "fastish_external_id": "local-external-id",
    "fastish_aws_endpoint_url": "https://127.0.0.1:5400",
    "fastish_aws_ca_bundle": "/srv/localcloud/ca.pem",
    "fastish_aws_access_key": "testing",
    "fastish_aws_secret_key": "testing",
}
# The webapp defaults every host gets from group_vars/all/webapp.yml.
WEBAPP_DEFAULTS = yaml.safe_load((REPO_ROOT / "group_vars/all/webapp.yml").read_text())
ACME = {"fastish_organization": "acme", "fastish_cost_center": "cc-1001"}
WEB_TEAM = {
    "fastish_team": "web",
    "fastish_contributors": [
        {"name": "ada", "arn": "arn:aws:iam::123456789012:role/ada", "role": "admin"},
        {"name": "grace", "arn": "arn:aws:iam::123456789012:role/grace", "role": "developer"},
    ],
}
DATA_TEAM = {
    "fastish_team": "data",
    "fastish_contributors": [
        {"name": "edsger", "arn": "arn:aws:iam::123456789012:user/edsger", "role": "viewer"},
    ],
}


def _host(*levels: dict) -> dict:
    merged: dict = {}
    for level in levels:
        merged.update(copy.deepcopy(level))
    scope = build_scope(merged)
    merged["fastish_scope"] = scope
    merged["fastish_synthesizer_scope"] = {**scope, "organization": None, "team": None, "release": None}
    return merged


def inventory() -> dict[str, dict]:
    """The local inventory, as the action plugin would see it once templated."""
    return {
        "local-bootstrap": _host(
            PLATFORM, WEBAPP_DEFAULTS, SYNTHESIZER, {"fastish_release_type": "bootstrap"}
        ),
        "acme-web-portal": _host(
            PLATFORM,
            WEBAPP_DEFAULTS,
            SYNTHESIZER,
            ACME,
            WEB_TEAM,
            {
                "fastish_release": "portal",
                "fastish_release_type": "webapp",
                "fastish_environment": "dev",
                "fastish_vpc_cidr": "10.10.0.0/16",
                "fastish_ses_domain": "portal.acme.example",
                "fastish_ses_sender": "no-reply@portal.acme.example",
                "fastish_tenants": [
                    {
                        "id": "globex",
                        "name": "Globex",
                        "tier": "enterprise",
                        "admin_email": "admin@globex.example",
                    }
                ],
            },
        ),
        "acme-data-analytics": _host(
            PLATFORM,
            WEBAPP_DEFAULTS,
            SYNTHESIZER,
            ACME,
            DATA_TEAM,
            {
                "fastish_release": "analytics",
                "fastish_release_type": "druid",
                "fastish_environment": "dev",
                "fastish_vpc_cidr": "10.20.0.0/16",
            },
        ),
        "acme-data-api": _host(
            PLATFORM,
            WEBAPP_DEFAULTS,
            SYNTHESIZER,
            ACME,
            DATA_TEAM,
            {
                "fastish_release": "api",
                "fastish_release_type": "api",
                "fastish_environment": "dev",
                "fastish_vpc_cidr": "10.30.0.0/16",
            },
        ),
    }


def peers(hosts: dict, name: str) -> dict:
    return {
        other: {k: v for k, v in variables.items() if k in PEER_VARIABLES}
        for other, variables in hosts.items()
        if other != name
    }


def run(hosts: dict, name: str, **kwargs) -> Report:
    return check_host(name, hosts[name], peers(hosts, name), SCHEMA, RELEASE_TYPES, REGIONS, **kwargs)


def errors(hosts: dict, name: str, **kwargs) -> list[str]:
    return run(hosts, name, **kwargs).errors


def one_error(hosts: dict, name: str, **kwargs) -> str:
    found = errors(hosts, name, **kwargs)
    assert len(found) == 1, found
    return found[0]


@pytest.fixture
def hosts() -> dict[str, dict]:
    return inventory()


# --------------------------------------------------------------------------- baseline


def test_the_local_inventory_is_valid(hosts):
    for name in hosts:
        assert run(hosts, name) == Report([], []), name


def test_every_message_names_host_variable_and_fix(hosts):
    hosts["acme-web-portal"]["fastish_account_id"] = "12345"
    message = one_error(hosts, "acme-web-portal")
    assert message == (
        "host 'acme-web-portal': fastish_account_id is '12345', not a 12-digit AWS account id. "
        "Fix: set fastish_account_id on the synthesizer group to its quoted 12-digit account id, "
        'e.g. "123456789012".'
    )


def test_validate_host_returns_the_errors_only(hosts):
    hosts["acme-web-portal"]["fastish_regoin"] = "x"
    assert (
        validate_host(
            "acme-web-portal",
            hosts["acme-web-portal"],
            peers(hosts, "acme-web-portal"),
            SCHEMA,
            RELEASE_TYPES,
            REGIONS,
            unknown_variables="warn",
        )
        == []
    )


# --------------------------------------------------------------------------- unknown variables


def test_unknown_variable_suggests_the_known_one(hosts):
    hosts["acme-web-portal"]["fastish_regoin"] = "eu-west-1"
    message = one_error(hosts, "acme-web-portal")
    assert message.startswith(
        "host 'acme-web-portal': fastish_regoin is not a variable of the fastish platform"
    )
    assert "did you mean fastish_region?" in message
    assert "Fix: rename it to fastish_region" in message
    assert "eu-west-1" not in message  # an unknown variable may be a misspelt secret


def test_unknown_variable_without_a_close_match_is_to_be_removed(hosts):
    hosts["local-bootstrap"]["fastish_zzzzzz_qqq"] = 1
    message = one_error(hosts, "local-bootstrap")
    assert "did you mean" not in message
    assert "Fix: remove it" in message


def test_misspelt_secret_is_not_printed(hosts):
    hosts["local-bootstrap"]["fastish_extrenal_id"] = "topsecret-value-42"
    message = one_error(hosts, "local-bootstrap")
    assert "fastish_external_id" in message
    assert "topsecret-value-42" not in message


def test_unknown_variables_can_be_warnings_or_ignored(hosts):
    hosts["acme-web-portal"]["fastish_regoin"] = "x"
    report = run(hosts, "acme-web-portal", unknown_variables="warn")
    assert report.errors == []
    assert len(report.warnings) == 1 and "fastish_regoin" in report.warnings[0]
    assert run(hosts, "acme-web-portal", unknown_variables="ignore") == Report([], [])
    with pytest.raises(SchemaError):
        run(hosts, "acme-web-portal", unknown_variables="maybe")


def test_other_prefixes_are_not_checked(hosts):
    hosts["acme-web-portal"].update({"credentials_aws": {}, "ansible_connection": "local", "fastish": 1})
    assert errors(hosts, "acme-web-portal") == []


# --------------------------------------------------------------------------- required variables


@pytest.mark.parametrize(
    ("host", "variable", "needed_by"),
    [
        ("acme-web-portal", "fastish_environment", "a webapp host needs it"),
        ("acme-data-analytics", "fastish_vpc_cidr", "a druid host needs it"),
        ("acme-data-api", "fastish_team", "a api host needs it"),
        ("acme-web-portal", "fastish_organization", "a webapp host needs it"),
        ("acme-web-portal", "fastish_release", "a webapp host needs it"),
        ("local-bootstrap", "fastish_platform_role_arn", "a bootstrap host needs it"),
        ("local-bootstrap", "fastish_external_id", "a bootstrap host needs it"),
        ("local-bootstrap", "fastish_account_id", "every host needs it"),
        ("acme-web-portal", "fastish_release_type", "every host needs it"),
    ],
)
def test_missing_required_variable(hosts, host, variable, needed_by):
    del hosts[host][variable]
    found = errors(hosts, host)
    expected = f"host '{host}': {variable} is not set, but {needed_by}. Fix: "
    assert any(e.startswith(expected) for e in found), found
    assert all(e.startswith(f"host '{host}': ") for e in found)


def test_empty_string_counts_as_missing(hosts):
    hosts["acme-web-portal"]["fastish_environment"] = "  "
    assert one_error(hosts, "acme-web-portal").startswith(
        "host 'acme-web-portal': fastish_environment is empty, but a webapp host needs it."
    )


def test_release_variables_are_optional_for_bootstrap(hosts):
    assert "fastish_vpc_cidr" not in hosts["local-bootstrap"]
    assert errors(hosts, "local-bootstrap") == []


def test_external_id_is_required_when_assuming_the_deploy_role(hosts):
    del hosts["acme-web-portal"]["fastish_external_id"]
    assert errors(hosts, "acme-web-portal") == []
    hosts["acme-web-portal"]["fastish_assume_deploy_role"] = True
    message = one_error(hosts, "acme-web-portal")
    assert "fastish_external_id is not set, but fastish_assume_deploy_role is true" in message


def test_release_variables_on_a_bootstrap_host_mean_a_wrong_group(hosts):
    hosts["local-bootstrap"].update(ACME)
    found = errors(hosts, "local-bootstrap")
    assert len(found) == 1
    assert (
        "fastish_organization is set on a bootstrap host, but only webapp, druid, api hosts use it"
        in found[0]
    )


# --------------------------------------------------------------------------- types


@pytest.mark.parametrize("text", ["false", "False", "no", "off", "0", "true", "yes", "On", "1"])
def test_boolean_given_as_a_string(hosts, text):
    hosts["acme-web-portal"]["fastish_deletion_protection"] = text
    message = one_error(hosts, "acme-web-portal")
    literal = "true" if text.lower() in ("true", "yes", "on", "1") else "false"
    assert message.startswith(
        f"host 'acme-web-portal': fastish_deletion_protection is the string {text!r}, not a boolean"
    )
    assert f"write {literal} without quotes in YAML" in message
    assert f"""-e '{{"fastish_deletion_protection": {literal}}}'""" in message
    assert "(given with -e" not in message


def test_boolean_given_as_an_extra_var_string(hosts):
    hosts["acme-web-portal"]["fastish_deletion_protection"] = "false"
    message = one_error(hosts, "acme-web-portal", extra_var_names=["fastish_deletion_protection"])
    assert "is the string 'false' (given with -e on the command line), not a boolean" in message
    assert "-e fastish_deletion_protection=false always gives a string" in message


@pytest.mark.parametrize("value", [True, False])
def test_real_booleans_pass(hosts, value):
    hosts["acme-web-portal"]["fastish_deletion_protection"] = value
    hosts["acme-web-portal"]["fastish_destroy_data"] = value
    assert errors(hosts, "acme-web-portal") == []


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("fastish_deletion_protection", 1, "fastish_deletion_protection is a number 1, not a boolean"),
        (
            "fastish_deletion_protection",
            "maybe",
            "fastish_deletion_protection is a string 'maybe', not a boolean",
        ),
        ("fastish_contributors", "ada", "fastish_contributors is a string 'ada', not a list"),
        ("fastish_cost_center", True, "fastish_cost_center is the boolean true, not a string"),
        ("fastish_cost_center", 1001, "fastish_cost_center is the number 1001, not a string"),
        ("fastish_scope", "acme", "fastish_scope is a string 'acme', not a mapping"),
        ("fastish_vpc_cidr", ["10.0.0.0/16"], "fastish_vpc_cidr is a list ['10.0.0.0/16'], not a string"),
    ],
)
def test_wrong_type(hosts, variable, value, expected):
    hosts["acme-web-portal"][variable] = value
    found = errors(hosts, "acme-web-portal")
    assert any(expected in e for e in found), found


def test_quoted_yaml_hint_for_booleans_and_numbers_in_strings(hosts):
    hosts["acme-web-portal"]["fastish_cost_center"] = True
    assert "Fix: quote the value." in one_error(hosts, "acme-web-portal")


# --------------------------------------------------------------------------- account id and region


def test_unquoted_account_id(hosts):
    hosts["local-bootstrap"]["fastish_account_id"] = 123456789012
    message = one_error(hosts, "local-bootstrap")
    assert "fastish_account_id is the number 123456789012, written without quotes" in message
    assert "not 12 digits" not in message
    assert 'quoted 12-digit account id, e.g. "123456789012"' in message


def test_unquoted_short_account_id(hosts):
    hosts["local-bootstrap"]["fastish_account_id"] = 12345
    message = one_error(hosts, "local-bootstrap")
    assert "the number 12345, written without quotes" in message
    assert "12345 is not 12 digits either" in message


@pytest.mark.parametrize("value", ["12345", "1234567890123", "12345678901a", "1234-5678-9012"])
def test_bad_account_id(hosts, value):
    hosts["local-bootstrap"]["fastish_account_id"] = value
    assert f"fastish_account_id is {value!r}, not a 12-digit AWS account id" in one_error(
        hosts, "local-bootstrap"
    )


def test_account_id_with_leading_zeros_is_fine(hosts):
    for variables in hosts.values():
        variables["fastish_account_id"] = "012345678901"
    assert errors(hosts, "acme-web-portal") == []


def test_unknown_region(hosts):
    hosts["local-bootstrap"]["fastish_region"] = "us-east-9"
    message = one_error(hosts, "local-bootstrap")
    assert (
        "fastish_region is 'us-east-9', not an AWS commercial region (did you mean 'us-east-1'?)" in message
    )
    assert "Fix: set fastish_region on the synthesizer group" in message


@pytest.mark.parametrize("region", ["eu-west-1", "ap-southeast-7", "mx-central-1", "us-west-2"])
def test_known_regions(hosts, region):
    for variables in hosts.values():
        variables["fastish_region"] = region
    assert errors(hosts, "local-bootstrap") == []


def test_region_list_is_the_commercial_partition():
    assert "us-east-1" in REGIONS and "cn-north-1" not in REGIONS and "us-gov-west-1" not in REGIONS
    assert len(REGIONS) == len(set(REGIONS))
    assert all(re.fullmatch(r"[a-z]{2}-[a-z]+-\d", r) for r in REGIONS)


# --------------------------------------------------------------------------- release type, patterns, choices


def test_unknown_release_type(hosts):
    hosts["acme-web-portal"]["fastish_release_type"] = "webap"
    found = errors(hosts, "acme-web-portal")
    assert len(found) == 1, found
    assert (
        "fastish_release_type is 'webap', not one of bootstrap, webapp, druid, api (did you mean 'webapp'?)"
        in (found[0])
    )


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("fastish_organization", "Acme_Corp", "fastish_organization is 'Acme_Corp', not a slug"),
        ("fastish_team", "web-", "fastish_team is 'web-', not a slug"),
        ("fastish_release", "1portal", "fastish_release is '1portal', not a slug"),
        ("fastish_release", "p" * 21, "fastish_release is 21 characters long, over its limit of 20"),
        ("fastish_synthesizer", "s" * 17, "fastish_synthesizer is 17 characters long, over its limit of 16"),
        ("fastish_platform_id", "Fastish", "fastish_platform_id is 'Fastish', not 2 to 12 lowercase letters"),
        ("fastish_platform_id", "f" * 13, "fastish_platform_id is 'fffffffffffff', not 2 to 12"),
        (
            "fastish_environment",
            "production",
            "fastish_environment is 'production', not one of dev, staging, prod",
        ),
        ("fastish_tag_prefix", "aws:fastish", "fastish_tag_prefix is 'aws:fastish', not a tag key prefix"),
        (
            "fastish_platform_role_arn",
            "fastish-platform",
            "fastish_platform_role_arn is 'fastish-platform', not an",
        ),
        (
            "fastish_platform_role_arn",
            "arn:aws:iam::111111111111:user/fastish",
            "not an IAM role ARN",
        ),
    ],
)
def test_pattern_and_choice_failures(hosts, variable, value, expected):
    hosts["acme-web-portal"][variable] = value
    found = errors(hosts, "acme-web-portal")
    assert any(expected in e for e in found), found


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("fastish_organization", "a" * 20),
        ("fastish_release", "p2"),
        ("fastish_synthesizer", "s" * 16),
        ("fastish_platform_id", "ab"),
        ("fastish_environment", "prod"),
        ("fastish_platform_role_arn", "arn:aws:iam::111111111111:role/path/to/fastish-platform"),
    ],
)
def test_pattern_and_choice_passes(hosts, variable, value):
    hosts["acme-data-analytics"][variable] = value
    assert errors(hosts, "acme-data-analytics") == []


def test_environment_typo_suggests(hosts):
    hosts["acme-web-portal"]["fastish_environment"] = "stagin"
    assert "(did you mean 'staging'?)" in one_error(hosts, "acme-web-portal")


# --------------------------------------------------------------------------- endpoints and secrets


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1:5400",
        "http://localhost:5000/",
        "https://[::1]:4566",
        "https://127.0.0.2",
        "https://sts.us-east-1.amazonaws.com",
        "https://s3.eu-west-1.amazonaws.com/path",
    ],
)
def test_endpoint_url_loopback_or_aws(hosts, url):
    hosts["local-bootstrap"]["fastish_aws_endpoint_url"] = url
    assert errors(hosts, "local-bootstrap") == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com", "whose host 'example.com' is neither a loopback address"),
        ("https://10.0.0.5:5400", "whose host '10.0.0.5' is neither"),
        ("https://amazonaws.com.evil.example", "is neither"),
        ("ftp://127.0.0.1", "not an http:// or https:// URL"),
        ("127.0.0.1:5400", "not an http:// or https:// URL"),
        ("https://127.0.0.1:99999", "not a valid URL"),
    ],
)
def test_endpoint_url_elsewhere_is_refused(hosts, url, expected):
    hosts["local-bootstrap"]["fastish_aws_endpoint_url"] = url
    assert expected in one_error(hosts, "local-bootstrap")


MARKER = "Zq9-secret-marker"


@pytest.mark.parametrize("value", [MARKER + " with spaces", MARKER + "!", "x", MARKER * 100])
def test_bad_external_id_is_never_printed(hosts, value):
    hosts["local-bootstrap"]["fastish_external_id"] = value
    message = one_error(hosts, "local-bootstrap")
    assert "fastish_external_id is (value hidden)" in message or "characters long" in message
    assert MARKER not in message and "with spaces" not in message and "'x'" not in message


def test_secret_of_the_wrong_type_is_not_printed(hosts):
    hosts["local-bootstrap"]["fastish_external_id"] = 987654321987
    message = one_error(hosts, "local-bootstrap")
    assert "fastish_external_id is the number (value hidden), not a string" in message
    assert "987654321987" not in message
    hosts["local-bootstrap"]["fastish_external_id"] = "true"
    hosts["local-bootstrap"]["fastish_aws_secret_key"] = True
    assert "fastish_aws_secret_key is the boolean (value hidden)" in one_error(hosts, "local-bootstrap")


def test_secret_template_error_detail_is_hidden(hosts):
    del hosts["local-bootstrap"]["fastish_external_id"]
    message = one_error(
        hosts, "local-bootstrap", template_errors={"fastish_external_id": f"'{MARKER}' is undefined"}
    )
    assert (
        "fastish_external_id could not be evaluated (details hidden because the variable is secret)"
        in message
    )
    assert MARKER not in message


def test_template_error_of_a_plain_variable_is_shown(hosts):
    del hosts["acme-web-portal"]["fastish_team"]
    message = one_error(
        hosts, "acme-web-portal", template_errors={"fastish_team": "'team_name' is undefined"}
    )
    assert "fastish_team could not be evaluated ('team_name' is undefined). Fix: set fastish_team" in message


def test_template_error_of_a_computed_variable_is_not_reported_twice(hosts):
    del hosts["acme-web-portal"]["fastish_scope"]
    assert errors(hosts, "acme-web-portal", template_errors={"fastish_scope": "boom"}) == []


def test_access_key_needs_secret_key(hosts):
    del hosts["local-bootstrap"]["fastish_aws_secret_key"]
    hosts["local-bootstrap"]["fastish_aws_access_key"] = MARKER
    message = one_error(hosts, "local-bootstrap")
    assert "fastish_aws_access_key is set but fastish_aws_secret_key is not" in message
    assert MARKER not in message


def test_peer_variables_hold_no_secret():
    secrets = {name for name, spec in SCHEMA.items() if spec.get("secret")}
    assert secrets >= {"fastish_external_id", "fastish_aws_access_key", "fastish_aws_secret_key"}
    assert not secrets & set(PEER_VARIABLES)


# --------------------------------------------------------------------------- contributors


@pytest.mark.parametrize(
    ("contributor", "expected"),
    [
        (
            {"name": "ada", "arn": "arn:aws:iam::123456789012:role/ada"},
            "fastish_contributors[0] (ada) has no role",
        ),
        (
            {"name": "ada", "arn": "arn:aws:iam::123456789012:role/ada", "role": "admin", "rol": "x"},
            "has the unknown key 'rol' (did you mean 'role'?)",
        ),
        (
            {"name": "ada", "arn": "arn:aws:iam::123456789012:role/ada", "role": "owner"},
            "fastish_contributors[0] (ada).role is 'owner', not one of admin, developer, viewer",
        ),
        (
            {"name": "ada", "arn": "arn:aws:iam::12345:role/ada", "role": "admin"},
            "fastish_contributors[0] (ada).arn is 'arn:aws:iam::12345:role/ada', not an IAM role or user ARN",
        ),
        (
            {"name": "Ada Lovelace", "arn": "arn:aws:iam::123456789012:role/ada", "role": "admin"},
            "fastish_contributors[0] (Ada Lovelace).name is 'Ada Lovelace', not a slug",
        ),
        ("ada", "fastish_contributors[0] is a string 'ada', not a mapping with the keys name, arn, role"),
        (
            {"name": "ada", "arn": "arn:aws:iam::123456789012:role/ada", "role": True},
            "fastish_contributors[0] (ada).role is the boolean true, not a string",
        ),
    ],
)
def test_malformed_contributor(hosts, contributor, expected):
    hosts["acme-web-portal"]["fastish_contributors"] = [contributor]
    found = errors(hosts, "acme-web-portal")
    assert any(expected in e for e in found), found
    assert all("Fix: list the team's contributors" in e for e in found)


def test_duplicate_contributors(hosts):
    ada = {"name": "ada", "arn": "arn:aws:iam::123456789012:role/ada", "role": "admin"}
    hosts["acme-web-portal"]["fastish_contributors"] = [
        ada,
        {**ada, "arn": "arn:aws:iam::123456789012:role/b"},
    ]
    assert "fastish_contributors[1] (ada).name 'ada' is also used by fastish_contributors[0]" in one_error(
        hosts, "acme-web-portal"
    )
    hosts["acme-web-portal"]["fastish_contributors"] = [ada, {**ada, "name": "lovelace"}]
    assert ".arn 'arn:aws:iam::123456789012:role/ada' is also used by" in one_error(hosts, "acme-web-portal")


def test_no_contributors_is_fine(hosts):
    hosts["acme-web-portal"]["fastish_contributors"] = []
    assert errors(hosts, "acme-web-portal") == []


# --------------------------------------------------------------------------- duplicates across hosts


def _second_portal(hosts: dict, **changes) -> None:
    hosts["acme-web-portal-2"] = _host(
        {**hosts["acme-web-portal"], "fastish_vpc_cidr": "10.40.0.0/16", **changes}
    )


def test_duplicate_release_names_both_hosts(hosts):
    _second_portal(hosts)
    first = one_error(hosts, "acme-web-portal")
    second = one_error(hosts, "acme-web-portal-2")
    assert first.startswith(
        "host 'acme-web-portal': fastish_release 'portal' collides with host 'acme-web-portal-2'"
    )
    assert "resource name prefix 'acme-web-portal' in account 123456789012" in first
    assert second.startswith(
        "host 'acme-web-portal-2': fastish_release 'portal' collides with host 'acme-web-portal'"
    )


def test_duplicate_release_of_another_type_is_still_a_duplicate(hosts):
    _second_portal(hosts, fastish_release_type="druid")
    assert "collides with host 'acme-web-portal-2'" in one_error(hosts, "acme-web-portal")


@pytest.mark.parametrize(
    "changes",
    [
        {"fastish_release": "portal2"},
        {"fastish_team": "data"},
        {"fastish_organization": "globex"},
        {"fastish_account_id": "210987654321"},
    ],
)
def test_distinct_releases_do_not_collide(hosts, changes):
    _second_portal(hosts, **changes)
    assert errors(hosts, "acme-web-portal") == []
    assert errors(hosts, "acme-web-portal-2") == []


def test_second_bootstrap_host_for_the_same_account_and_region(hosts):
    hosts["local-bootstrap-2"] = copy.deepcopy(hosts["local-bootstrap"])
    message = one_error(hosts, "local-bootstrap")
    assert "host 'local-bootstrap-2' is a second bootstrap host" in message
    assert "account 123456789012, region us-east-1" in message
    assert "host 'local-bootstrap' is a second bootstrap host" in one_error(hosts, "local-bootstrap-2")


def test_bootstrap_hosts_in_two_regions_are_fine(hosts):
    hosts["local-bootstrap-2"] = _host({**hosts["local-bootstrap"], "fastish_region": "eu-west-1"})
    assert errors(hosts, "local-bootstrap") == []
    assert errors(hosts, "local-bootstrap-2") == []


# --------------------------------------------------------------------------- names over AWS limits


def _long_names(hosts: dict, release_type: str = "webapp") -> None:
    # 20 + 20 + 19 characters: each within its own limit, but "<org>-<team>-<release>-auth" is
    # 66 characters, over the 63 of a Cognito domain prefix (which may not be shortened).
    hosts["acme-web-portal"].update(
        {
            "fastish_organization": "o" * 20,
            "fastish_team": "t" * 20,
            "fastish_release": "r" * 19,
            "fastish_release_type": release_type,
        }
    )
    if release_type != "webapp":  # the webapp-only variables would be in the wrong place
        for name in ("fastish_tenants", "fastish_ses_domain", "fastish_ses_sender"):
            hosts["acme-web-portal"].pop(name)


def test_name_over_the_limit(hosts):
    _long_names(hosts)
    message = one_error(hosts, "acme-web-portal")
    assert message.startswith("host 'acme-web-portal': a webapp release creates a name that AWS would reject")
    assert "cognito_domain" in message and "over the Cognito domain prefix limit of 63" in message
    assert "fastish_organization" in message and "fastish_release" in message
    assert "Fix: shorten fastish_organization, fastish_team or fastish_release" in message


def test_names_within_the_limit(hosts):
    hosts["acme-web-portal"].update(
        {"fastish_organization": "o" * 20, "fastish_team": "t" * 20, "fastish_release": "r" * 16}
    )
    assert errors(hosts, "acme-web-portal") == []


def test_release_types_without_strict_names_are_not_limited(hosts):
    _long_names(hosts, "druid")
    assert errors(hosts, "acme-web-portal") == []


def test_names_are_not_checked_while_their_parts_are_invalid(hosts):
    _long_names(hosts)
    hosts["acme-web-portal"]["fastish_team"] = "T" * 20
    found = errors(hosts, "acme-web-portal")
    assert len(found) == 1 and "fastish_team is 'TTTTTTTTTTTTTTTTTTTT', not a slug" in found[0]


# --------------------------------------------------------------------------- VPC blocks


def test_overlapping_cidrs_name_both_hosts_and_blocks(hosts):
    hosts["acme-data-analytics"]["fastish_vpc_cidr"] = "10.10.128.0/17"
    message = one_error(hosts, "acme-data-analytics")
    assert message.startswith(
        "host 'acme-data-analytics': fastish_vpc_cidr 10.10.128.0/17 overlaps fastish_vpc_cidr 10.10.0.0/16 "
        "of host 'acme-web-portal' in the same account 123456789012 and region us-east-1"
    )
    assert "e.g. 10.0.0.0/17" in message
    other = one_error(hosts, "acme-web-portal")
    assert (
        "fastish_vpc_cidr 10.10.0.0/16 overlaps fastish_vpc_cidr 10.10.128.0/17 of host 'acme-data-analytics'"
        in (other)
    )
    assert "e.g. 10.0.0.0/16" in other


def test_same_cidr_in_other_region_or_account_is_fine(hosts):
    hosts["acme-data-analytics"]["fastish_vpc_cidr"] = "10.10.0.0/16"
    hosts["acme-data-analytics"]["fastish_region"] = "eu-west-1"
    assert errors(hosts, "acme-data-analytics") == []
    hosts["acme-data-analytics"]["fastish_region"] = "us-east-1"
    hosts["acme-data-analytics"]["fastish_account_id"] = "210987654321"
    assert errors(hosts, "acme-data-analytics") == []


@pytest.mark.parametrize(
    ("cidr", "expected"),
    [
        ("10.10.1.0/16", "has host bits set (did you mean '10.10.0.0/16'?)"),
        ("8.8.0.0/16", "outside the private ranges"),
        ("10.0.0.0/12", "a /12; a VPC block must be between /16 and /24"),
        ("10.0.0.0/28", "a /28; a VPC block must be between /16 and /24"),
        ("fd00::/48", "an IPv6 block"),
        ("10.10.0.0", "an address without a prefix length"),
        ("ten-ten", "not an IPv4 CIDR block"),
    ],
)
def test_bad_cidr(hosts, cidr, expected):
    hosts["acme-web-portal"]["fastish_vpc_cidr"] = cidr
    assert expected in one_error(hosts, "acme-web-portal")


@pytest.mark.parametrize("cidr", ["172.16.0.0/16", "192.168.10.0/24", "10.255.0.0/16"])
def test_good_cidr(hosts, cidr):
    hosts["acme-web-portal"]["fastish_vpc_cidr"] = cidr
    assert errors(hosts, "acme-web-portal") == []


_blocks = st.builds(
    lambda prefix, index: str(
        list(ipaddress.ip_network("10.0.0.0/8").subnets(new_prefix=prefix))[index % 2 ** (prefix - 8)]
    ),
    st.integers(min_value=16, max_value=24),
    st.integers(min_value=0, max_value=2**16 - 1),
)


@settings(max_examples=60, deadline=None)
@given(a=_blocks, b=_blocks)
def test_overlap_rule_is_symmetric_and_exact(a, b):
    hosts = inventory()
    hosts["acme-web-portal"]["fastish_vpc_cidr"] = a
    hosts["acme-data-analytics"]["fastish_vpc_cidr"] = b
    hosts["acme-data-api"]["fastish_vpc_cidr"] = "192.168.0.0/24"
    overlap = ipaddress.ip_network(a).overlaps(ipaddress.ip_network(b))
    web = [e for e in errors(hosts, "acme-web-portal") if "overlaps" in e]
    data = [e for e in errors(hosts, "acme-data-analytics") if "overlaps" in e]
    assert bool(web) == bool(data) == overlap


# --------------------------------------------------------------------------- scope and schema


def test_scope_is_built_like_group_vars_all():
    platform = yaml.safe_load((REPO_ROOT / "group_vars/all/fastish.yml").read_text())
    template = platform["fastish_scope"]
    assert set(build_scope({})) == set(template)
    variables = {k: re.search(r"\{\{\s*(fastish_\w+)", v).group(1) for k, v in template.items()}
    sample = {var: f"value-of-{var}" for var in variables.values()}
    assert build_scope(sample) == {key: f"value-of-{var}" for key, var in variables.items()}


def test_release_types_table():
    table = normalize_release_types(RELEASE_TYPES)
    assert set(table) == {"bootstrap", "webapp", "druid", "api"}
    assert ("auth", "cognito_domain") in table["webapp"]
    assert normalize_release_types({"x": [["a", "s3_bucket"], {"component": "b"}]}) == {
        "x": [("a", "s3_bucket"), ("b", "generic")]
    }
    for bad in ({}, {"x": ["a"]}, {"x": [{"kind": "s3_bucket"}]}, []):
        with pytest.raises(SchemaError):
            normalize_release_types(bad)


def test_role_schema_is_well_formed():
    check_schema(SCHEMA, RELEASE_TYPES)
    assert all(name.startswith("fastish_") for name in SCHEMA)


@pytest.mark.parametrize(
    "broken",
    [
        {"fastish_x": {"type": "str"}},
        {"fastish_x": {"type": "string", "fix": "f"}},
        {"fastish_x": {"type": "str", "fix": "f", "required": ["nope"]}},
        {"fastish_x": {"type": "str", "fix": "f", "applies_to": ["nope"]}},
        {"fastish_x": {"type": "str", "fix": "f", "format": "nope"}},
        {"fastish_x": {"type": "str", "fix": "f", "pattern": "("}},
        {"fastish_x": {"type": "str", "fix": "f", "colour": "red"}},
        {"fastish_x": {"type": "str", "fix": "f", "together": "fastish_y"}},
        {"other_x": {"type": "str", "fix": "f"}},
        {"fastish_x": {"type": "str", "fix": "f", "options": {"a": {"type": "str"}}}},
    ],
)
def test_broken_schema_is_refused(broken):
    with pytest.raises(SchemaError):
        check_schema(broken, RELEASE_TYPES)


def _inventory_and_role_variables() -> set[str]:
    """Every fastish_* variable the project's inventories, group_vars, roles and playbooks name."""
    found: set[str] = set()
    for folder in ("group_vars", "inventories", "roles", "playbooks"):
        for path in (REPO_ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix in (".yml", ".yaml", ".j2"):
                found |= set(re.findall(r"\bfastish_[a-z0-9_]+", path.read_text(errors="replace")))
    # Group names made by the validate_inventory role, and the API service's Python package (the Lambda
    # handler fastish_api.lambda_handler.handler), not variables.
    return {name for name in found if not name.startswith("fastish_type_") and name != "fastish_api"}


def test_schema_knows_every_fastish_variable_of_the_project():
    missing = sorted(_inventory_and_role_variables() - set(SCHEMA))
    assert not missing, f"add these to roles/validate_inventory/vars/main.yml: {missing}"
