"""Example-based tests of module_utils/naming.py: names per kind, shortening, errors, tags."""

from __future__ import annotations

import hashlib

import pytest
from ansible_collections.fastish.platform.plugins.module_utils.naming import (
    HASH_LEN,
    KINDS,
    NamingError,
    ResourceNameError,
    ResourceTagError,
    name_limit_errors,
    resource_name,
    resource_tags,
    sanitize_part,
    validate_name,
)

# Limits as published by AWS (and Kubernetes/Helm), written out again so that a change of KINDS
# shows up here. ssm_parameter: 1011 including the ARN prefix, see test_ssm_parameter_limit.
AWS_LIMITS = {
    "generic": (1, 128),
    "iam_role": (1, 64),
    "iam_policy": (1, 128),
    "iam_instance_profile": (1, 128),
    "s3_bucket": (3, 63),
    "kms_alias": (1, 256),
    "ecr_repository": (2, 256),
    "cognito_user_pool": (1, 128),
    "cognito_domain": (1, 63),
    "dynamodb_table": (3, 255),
    "lambda_function": (1, 64),
    "log_group": (1, 512),
    "eks_cluster": (1, 100),
    "eks_nodegroup": (1, 63),
    "rds_instance": (1, 63),
    "msk_cluster": (1, 64),
    "sqs_queue": (1, 80),
    "sns_topic": (1, 256),
    "secret": (1, 512),
    "event_rule": (1, 64),
    "security_group": (1, 255),
    "load_balancer": (1, 32),
    "target_group": (1, 32),
    "helm_release": (1, 53),
    "k8s_namespace": (1, 63),
}

RELEASE_NAMES = {
    "s3_bucket": "acme-payments-web-userpool-123456789012-us-east-1",
    "kms_alias": "alias/acme-payments-web-userpool",
    "ssm_parameter": "/acme/payments/web/userpool",
}
BOOTSTRAP_NAMES = {
    "s3_bucket": "fastish-local-handshake-123456789012-us-east-1",
    "kms_alias": "alias/fastish-local-handshake",
    "ssm_parameter": "/fastish/local/handshake",
}


def test_every_kind_is_covered():
    assert set(KINDS) == set(AWS_LIMITS) | {"ssm_parameter"}


@pytest.mark.parametrize("kind", sorted(AWS_LIMITS))
def test_limits_match_aws(kind):
    spec = KINDS[kind]
    assert (spec.min_len, spec.max_len) == AWS_LIMITS[kind]


def test_ssm_parameter_limit():
    # AWS counts "arn:<partition>:ssm:<region>:<account>:parameter" against the 1011 characters.
    longest_arn_prefix = len("arn:aws-us-gov:ssm:us-gov-west-1:123456789012:parameter")
    assert KINDS["ssm_parameter"].max_len <= 1011 - longest_arn_prefix


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_release_name(release_scope, kind):
    expected = RELEASE_NAMES.get(kind, "acme-payments-web-userpool")
    name = resource_name(release_scope, "userpool", kind)
    assert name == expected
    assert validate_name(name, kind) == []


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_bootstrap_name(bootstrap_scope, kind):
    expected = BOOTSTRAP_NAMES.get(kind, "fastish-local-handshake")
    assert resource_name(bootstrap_scope, "handshake", kind) == expected


def test_default_kind_is_generic(release_scope):
    assert resource_name(release_scope, "userpool") == "acme-payments-web-userpool"


def test_synthesizer_level_scope_ignores_organization_and_team(bootstrap_scope):
    # An organization- or team-level host without a release still gets synthesizer-level names.
    scope = {**bootstrap_scope, "organization": "acme", "team": "payments", "release": ""}
    assert resource_name(scope, "handshake", "iam_role") == "fastish-local-handshake"


def test_s3_bucket_appends_account_and_region(release_scope):
    release_scope.update(account_id=210987654321, region="eu-west-1")
    assert (
        resource_name(release_scope, "assets", "s3_bucket")
        == "acme-payments-web-assets-210987654321-eu-west-1"
    )


def test_lowercase_kinds_lowercase_others_keep_case(release_scope):
    release_scope.update(organization="Acme", team="Payments")
    assert resource_name(release_scope, "Assets", "s3_bucket").startswith("acme-payments-web-assets-")
    assert resource_name(release_scope, "Assets", "rds_instance") == "acme-payments-web-assets"
    assert resource_name(release_scope, "Assets", "iam_role") == "Acme-Payments-web-Assets"


@pytest.mark.parametrize(
    ("kind", "organization", "expected"),
    [
        ("generic", "Acme Corp!", "acme-corp-payments-web-db"),
        ("iam_role", "Acme Corp!", "Acme-Corp-payments-web-db"),
        ("iam_role", "a+b@c", "a+b@c-payments-web-db"),
        ("generic", "Zürich", "z-rich-payments-web-db"),
        ("generic", "--acme--", "acme-payments-web-db"),
        ("rds_instance", "ac--me", "ac-me-payments-web-db"),
        ("iam_role", "ac--me", "ac--me-payments-web-db"),
        ("ecr_repository", "ac._me", "ac.me-payments-web-db"),
        ("ecr_repository", "ac-/me", "ac-me-payments-web-db"),
        ("kms_alias", "ac//me", "alias/ac--me-payments-web-db"),
        ("ssm_parameter", "acme/payments", "/acme-payments/payments/web/db"),
        ("dynamodb_table", "_acme_", "acme-payments-web-db"),
        ("security_group", "acme (eu)", "acme-(eu)-payments-web-db"),
    ],
)
def test_sanitizing(release_scope, kind, organization, expected):
    release_scope["organization"] = organization
    assert resource_name(release_scope, "db", kind) == expected


def test_sanitize_part():
    assert sanitize_part("  Hello, World  ", "generic") == "hello-world"
    assert sanitize_part("日本", "generic") == ""
    assert sanitize_part("a/b", "ssm_parameter") == "a-b"
    assert sanitize_part("a/b", "ssm_parameter", component=True) == "a/b"
    assert sanitize_part("/a//b/", "kms_alias", component=True) == "a/b"
    assert sanitize_part("a/b", "generic", component=True) == "a-b"


def test_scope_values_are_stripped(release_scope):
    release_scope["team"] = "  payments "
    assert resource_name(release_scope, " db ", "iam_role") == "acme-payments-web-db"


def test_component_may_be_a_path(release_scope):
    assert resource_name(release_scope, "db/password", "ssm_parameter") == "/acme/payments/web/db/password"
    assert resource_name(release_scope, "ebs/data", "kms_alias") == "alias/acme-payments-web-ebs/data"
    assert resource_name(release_scope, "db/password", "iam_role") == "acme-payments-web-db-password"


def test_a_slash_in_a_hierarchy_part_does_not_fake_a_level(release_scope):
    # team "payments/web" + release "x" must not collide with team "payments" + release "web".
    faked = {**release_scope, "team": "payments/web", "release": "x"}
    assert resource_name(faked, "db", "ssm_parameter") == "/acme/payments-web/x/db"
    assert resource_name(release_scope, "x/db", "ssm_parameter") == "/acme/payments/web/x/db"


def test_too_many_ssm_levels(release_scope):
    # 3 hierarchy levels + 12 in the component = 15, the AWS maximum.
    assert resource_name(release_scope, "/".join("abcdefghijkl"), "ssm_parameter").count("/") == 15
    with pytest.raises(ResourceNameError, match="15 path levels"):
        resource_name(release_scope, "/".join("abcdefghijklm"), "ssm_parameter")


# --- shortening -----------------------------------------------------------------------------


def _long_scope(release_scope, **extra):
    return {
        **release_scope,
        "organization": "a-very-long-organization-name",
        "team": "the-platform-engineering-team",
        **extra,
    }


def test_shortening_keeps_a_prefix_and_ends_with_the_hash(release_scope):
    scope = _long_scope(release_scope)
    full = "a-very-long-organization-name-the-platform-engineering-team-web-component"
    digest = hashlib.sha256(full.encode()).hexdigest()[:HASH_LEN]
    name = resource_name(scope, "component", "iam_role")
    assert name == full[: 64 - HASH_LEN - 1].rstrip("-") + "-" + digest
    assert len(name) <= 64
    assert name == "a-very-long-organization-name-the-platform-engineering-" + digest


def test_shortening_strips_a_cut_separator(release_scope):
    # The cut at 23 characters lands right after a hyphen, which must not double up.
    scope = _long_scope(release_scope, organization="abcdefghij-abcdefghij-x")
    name = resource_name(scope, "component", "load_balancer")
    assert len(name) <= 32
    assert "--" not in name
    assert name.startswith("abcdefghij-abcdefghij-x-")


def test_shortening_is_deterministic_and_distinguishes(release_scope):
    a = resource_name(_long_scope(release_scope), "component-a", "target_group")
    b = resource_name(_long_scope(release_scope), "component-b", "target_group")
    assert a == resource_name(_long_scope(release_scope), "component-a", "target_group")
    assert a != b
    assert a[:-HASH_LEN] == b[:-HASH_LEN]  # same readable prefix, different hash


def test_shortened_s3_bucket_is_valid(release_scope):
    name = resource_name(_long_scope(release_scope), "assets", "s3_bucket")
    assert len(name) == 63
    assert validate_name(name, "s3_bucket") == []
    full = "a-very-long-organization-name-the-platform-engineering-team-web-assets-123456789012-us-east-1"
    assert name.endswith("-" + hashlib.sha256(full.encode()).hexdigest()[:HASH_LEN])


def test_shortening_keeps_kms_prefix(release_scope):
    scope = _long_scope(release_scope, release="r" * 300)
    name = resource_name(scope, "key", "kms_alias")
    assert name.startswith("alias/a-very-long-organization-name-")
    assert len(name) == 256


def test_shortening_huge_ssm_parameter(release_scope):
    scope = _long_scope(release_scope, release="r" * 2000)
    name = resource_name(scope, "param", "ssm_parameter")
    assert name.startswith("/a-very-long-organization-name/the-platform-engineering-team/rrrr")
    assert len(name) == KINDS["ssm_parameter"].max_len
    assert validate_name(name, "ssm_parameter") == []


def test_cognito_domain_is_never_shortened(release_scope):
    scope = _long_scope(release_scope)
    with pytest.raises(ResourceNameError) as err:
        resource_name(scope, "login", "cognito_domain")
    message = str(err.value)
    assert "cognito_domain" in message
    assert "63" in message  # the limit
    assert "69 characters" in message  # the length
    assert "'a-very-long-organization-name-the-platform-engineering-team-web-login'" in message
    assert "fastish_organization" in message
    assert "fastish_team" in message


def test_cognito_domain_refuses_reserved_words(release_scope):
    release_scope["team"] = "laws"
    with pytest.raises(ResourceNameError, match="reserved word 'aws'"):
        resource_name(release_scope, "login", "cognito_domain")
    release_scope["team"] = "amazonians"
    with pytest.raises(ResourceNameError, match="amazon"):
        resource_name(release_scope, "login", "cognito_domain")


# --- errors ---------------------------------------------------------------------------------


def test_errors_are_value_errors():
    assert issubclass(ResourceNameError, NamingError)
    assert issubclass(ResourceTagError, NamingError)
    assert issubclass(NamingError, ValueError)


def test_unknown_kind(release_scope):
    with pytest.raises(ResourceNameError, match=r"unknown resource kind 'bucket'.*s3_bucket"):
        resource_name(release_scope, "x", "bucket")


@pytest.mark.parametrize("component", ["", "   ", None])
def test_empty_component(release_scope, component):
    with pytest.raises(ResourceNameError, match="component"):
        resource_name(release_scope, component, "iam_role")


@pytest.mark.parametrize("component", [["x"], {"a": 1}, True, 1.5])
def test_component_of_wrong_type(release_scope, component):
    with pytest.raises(ResourceNameError):
        resource_name(release_scope, component, "iam_role")


def test_scope_must_be_a_dict():
    with pytest.raises(ResourceNameError, match="dict"):
        resource_name("acme", "x", "iam_role")


@pytest.mark.parametrize("missing", ["organization", "team"])
def test_release_scope_needs_organization_and_team(release_scope, missing):
    release_scope[missing] = None
    with pytest.raises(ResourceNameError, match=f"fastish_{missing}"):
        resource_name(release_scope, "x", "iam_role")


@pytest.mark.parametrize("missing", ["platform", "synthesizer"])
def test_synthesizer_scope_needs_platform_and_synthesizer(bootstrap_scope, missing):
    del bootstrap_scope[missing]
    with pytest.raises(ResourceNameError, match=missing):
        resource_name(bootstrap_scope, "x", "iam_role")


@pytest.mark.parametrize("account_id", [None, "", "12345", "1234567890123", "abcdefghijkl"])
def test_global_kinds_need_an_account_id(release_scope, account_id):
    release_scope["account_id"] = account_id
    with pytest.raises(ResourceNameError, match="fastish_account_id"):
        resource_name(release_scope, "assets", "s3_bucket")
    # Account-local kinds do not need it.
    assert resource_name(release_scope, "assets", "iam_role") == "acme-payments-web-assets"


def test_global_kinds_need_a_region(release_scope):
    release_scope["region"] = None
    with pytest.raises(ResourceNameError, match="fastish_region"):
        resource_name(release_scope, "assets", "s3_bucket")


def test_part_without_allowed_characters(release_scope):
    release_scope["team"] = "日本"
    with pytest.raises(ResourceNameError, match=r"fastish_team .*'日本' has no character allowed"):
        resource_name(release_scope, "x", "generic")


def test_rds_needs_a_leading_letter(release_scope):
    release_scope["organization"] = "1acme"
    with pytest.raises(ResourceNameError, match=r"start with a letter.*fastish_organization"):
        resource_name(release_scope, "db", "rds_instance")
    assert resource_name(release_scope, "db", "iam_role") == "1acme-payments-web-db"


@pytest.mark.parametrize(
    ("kind", "organization", "reserved"),
    [
        ("load_balancer", "internal", "internal-"),
        ("security_group", "sg", "sg-"),
        ("s3_bucket", "sthree", "sthree-"),
        ("s3_bucket", "amzn-s3-demo", "amzn-s3-demo-"),
        ("ssm_parameter", "ssm", "/ssm"),
        ("ssm_parameter", "AWS", "/aws"),
    ],
)
def test_reserved_prefixes(release_scope, kind, organization, reserved):
    release_scope["organization"] = organization
    with pytest.raises(ResourceNameError, match=f"reserved prefix '{reserved}'"):
        resource_name(release_scope, "x", kind)


@pytest.mark.parametrize(
    ("name", "kind", "problem"),
    [
        ("192.168.5.4", "s3_bucket", "IP address"),
        ("Bucket", "s3_bucket", "not allowed"),
        ("ab", "s3_bucket", "under the minimum"),
        ("my-bucket-s3alias", "s3_bucket", "-s3alias"),
        ("my-bucket--x-s3", "s3_bucket", "--x-s3"),
        ("xn--bucket", "s3_bucket", "xn--"),
        ("-abc", "s3_bucket", "start with a letter or digit"),
        ("abc-", "rds_instance", "end with a letter or digit"),
        ("a--b", "rds_instance", "'--'"),
        ("1abc", "rds_instance", "start with a letter"),
        ("a" * 65, "iam_role", "over the limit of 64"),
        ("acme", "kms_alias", "does not start with 'alias/'"),
        ("alias/aws/ebs", "kms_alias", "alias/aws/"),
        ("a._b", "ecr_repository", "separators"),
        ("/" + "/".join("a" * 16), "ssm_parameter", "15 path levels"),
        ("my-aws-login", "cognito_domain", "'aws'"),
        ("a b", "iam_role", "not allowed"),
    ],
)
def test_validate_name_finds_problems(name, kind, problem):
    errors = validate_name(name, kind)
    assert errors
    assert any(problem in error for error in errors), errors


# --- name_limit_errors ----------------------------------------------------------------------


def test_name_limit_errors_empty_when_fine(release_scope):
    assert name_limit_errors(release_scope, [("assets", "s3_bucket"), ["login", "cognito_domain"]]) == []


def test_name_limit_errors(release_scope):
    scope = _long_scope(release_scope)
    errors = name_limit_errors(
        scope,
        [
            ("assets", "s3_bucket"),  # shortened, fine
            ("login", "cognito_domain"),
            {"component": "login", "kind": "cognito_domain"},  # same error, reported once
            ("x", "nope"),
            "garbage",
        ],
    )
    assert len(errors) == 3
    assert "cognito_domain" in errors[0] and "fastish_organization" in errors[0]
    assert "unknown resource kind 'nope'" in errors[1]
    assert "garbage" in errors[2]


# --- tags -----------------------------------------------------------------------------------


def test_release_tags(release_scope):
    assert resource_tags(release_scope) == {
        "fastish:organization": "acme",
        "fastish:team": "payments",
        "fastish:release": "web",
        "fastish:release-type": "webapp",
        "fastish:environment": "prod",
        "fastish:synthesizer": "local",
        "fastish:managed-by": "fastish",
        "fastish:cost-center": "cc-1234",
    }


def test_bootstrap_tags_leave_out_empty_values(bootstrap_scope):
    bootstrap_scope["cost_center"] = ""
    assert resource_tags(bootstrap_scope) == {
        "fastish:release-type": "bootstrap",
        "fastish:synthesizer": "local",
        "fastish:managed-by": "fastish",
    }


def test_tag_prefix(release_scope):
    release_scope["tag_prefix"] = "corp"
    assert all(key.startswith("corp:") for key in resource_tags(release_scope))


def test_extra_tags_win_and_none_removes(release_scope):
    tags = resource_tags(
        release_scope,
        {"Name": "acme-payments-web-db", "fastish:environment": "staging", "fastish:cost-center": None},
    )
    assert tags["Name"] == "acme-payments-web-db"
    assert tags["fastish:environment"] == "staging"
    assert "fastish:cost-center" not in tags


def test_extra_tag_values_become_strings(release_scope):
    tags = resource_tags(release_scope, {"backup": True, "retention-days": 30, "empty": ""})
    assert tags["backup"] == "true"
    assert tags["retention-days"] == "30"
    assert tags["empty"] == ""


def test_unicode_tags_are_allowed(release_scope):
    tags = resource_tags(release_scope, {"Stadt": "Zürich", "説明": "データ基盤 v2"})
    assert tags["説明"] == "データ基盤 v2"


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ({"aws:cloudformation:stack-name": "x"}, "reserved for AWS"),
        ({"AWS:thing": "x"}, "reserved for AWS"),
        ({"k" * 129: "x"}, "1 to 128"),
        ({"": "x"}, "1 to 128"),
        ({"note": "v" * 257}, "the limit is 256"),
        ({"note": "<script>"}, "characters AWS does not allow"),
        ({"bad*key": "x"}, "characters AWS does not allow"),
        ({"note": ["a", "b"]}, "string or number"),
        ({f"k{i}": "v" for i in range(50)}, "limit of 50"),
    ],
)
def test_invalid_tags(release_scope, extra, problem):
    with pytest.raises(ResourceTagError, match=problem):
        resource_tags(release_scope, extra)


def test_tags_need_a_dict_scope_and_prefix(release_scope):
    with pytest.raises(ResourceTagError, match="dict"):
        resource_tags(["acme"])
    with pytest.raises(ResourceTagError, match="extra tags must be a dict"):
        resource_tags(release_scope, ["Name"])
    release_scope["tag_prefix"] = None
    with pytest.raises(ResourceTagError, match="fastish_tag_prefix"):
        resource_tags(release_scope)


def test_boundary_tag_lengths_are_fine(release_scope):
    tags = resource_tags(release_scope, {"k" * 128: "v" * 256})
    assert tags["k" * 128] == "v" * 256
