"""Property-based tests of resource_name: any hierarchy strings give valid, stable, distinct names."""

from __future__ import annotations

import hashlib
import ipaddress
import re
import string

import pytest
from ansible_collections.fastish.platform.plugins.module_utils.naming import (
    HASH_LEN,
    KINDS,
    ResourceNameError,
    resource_name,
    resource_tags,
    sanitize_part,
    validate_name,
)
from hypothesis import HealthCheck, assume, given, reject, settings
from hypothesis import strategies as st

# The AWS (and Kubernetes) patterns, written independently of KINDS.
LABEL = r"[a-z0-9]([a-z0-9-]*[a-z0-9])?"
PATTERNS = {
    "generic": LABEL,
    "iam_role": r"[\w+=,.@-]+",
    "iam_policy": r"[\w+=,.@-]+",
    "iam_instance_profile": r"[\w+=,.@-]+",
    "s3_bucket": r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
    "kms_alias": r"alias/[a-zA-Z0-9/_-]+",
    "ecr_repository": r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*",
    "ssm_parameter": r"(/[a-zA-Z0-9_.-]+)+",
    "cognito_user_pool": r"[\w\s+=,.@-]+",
    "cognito_domain": r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?",
    "dynamodb_table": r"[a-zA-Z0-9_.-]{3,255}",
    "lambda_function": r"[a-zA-Z0-9_-]+",
    "log_group": r"[.\-_/#A-Za-z0-9]+",
    "eks_cluster": r"[0-9A-Za-z][A-Za-z0-9_-]*",
    "eks_nodegroup": r"[0-9A-Za-z][A-Za-z0-9_-]*",
    "rds_instance": r"[a-z](?:[a-z0-9]|-(?!-))*(?<!-)",
    "msk_cluster": r"[0-9A-Za-z][0-9A-Za-z-]*",
    "sqs_queue": r"[a-zA-Z0-9_-]+",
    "sns_topic": r"[a-zA-Z0-9_-]+",
    "secret": r"[a-zA-Z0-9/_+=.@-]+",
    "event_rule": r"[.\-_A-Za-z0-9]+",
    "security_group": r"[a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*]+",
    "load_balancer": r"[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?",
    "target_group": r"[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?",
    "helm_release": LABEL,
    "k8s_namespace": LABEL,
}
MAX_LEN = {
    "generic": 128,
    "iam_role": 64,
    "iam_policy": 128,
    "iam_instance_profile": 128,
    "s3_bucket": 63,
    "kms_alias": 256,
    "ecr_repository": 256,
    "ssm_parameter": 1011 - len("arn:aws-us-gov:ssm:us-gov-west-1:123456789012:parameter"),
    "cognito_user_pool": 128,
    "cognito_domain": 63,
    "dynamodb_table": 255,
    "lambda_function": 64,
    "log_group": 512,
    "eks_cluster": 100,
    "eks_nodegroup": 63,
    "rds_instance": 63,
    "msk_cluster": 64,
    "sqs_queue": 80,
    "sns_topic": 256,
    "secret": 512,
    "event_rule": 64,
    "security_group": 255,
    "load_balancer": 32,
    "target_group": 32,
    "helm_release": 53,
    "k8s_namespace": 63,
}
MIN_LEN = {"s3_bucket": 3, "dynamodb_table": 3, "ecr_repository": 2}
LOWERCASE = {
    "generic",
    "s3_bucket",
    "ecr_repository",
    "cognito_domain",
    "rds_instance",
    "helm_release",
    "k8s_namespace",
}

SHORTENABLE = sorted(kind for kind, spec in KINDS.items() if spec.shorten)
ALL_KINDS = sorted(KINDS)

# Errors that arbitrary input may legitimately cause (the inventory validator reports them).
EXPECTED_ERRORS = re.compile(r"reserved|must start with a letter|over the .* limit|path levels")

ALNUM = string.ascii_letters + string.digits
junk = st.text(
    alphabet=st.one_of(
        st.sampled_from(ALNUM + "-" * 6 + "_./ !@#$%^&*()+=,;:'\"\\|<>?~`[]{}\t"),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=40,
)
# A hierarchy value: anything, with at least one ASCII letter or digit so that it survives
# sanitizing (values without one are rejected with an error, tested in the example tests).
part = st.builds(lambda a, c, b: a + c + b, junk, st.sampled_from(ALNUM), junk)
long_part = st.builds(lambda p, n: p * n, part, st.integers(1, 12))
any_part = st.one_of(part, part, long_part)
account_ids = st.sampled_from(["123456789012", "000000000001", "210987654321"])
regions = st.sampled_from(["us-east-1", "eu-west-1", "ap-southeast-2", "us-gov-west-1"])


@st.composite
def scopes(draw):
    release_level = draw(st.booleans())
    scope = {
        "platform": draw(any_part),
        "synthesizer": draw(any_part),
        "account_id": draw(account_ids),
        "region": draw(regions),
        "organization": None,
        "team": None,
        "release": None,
        "release_type": "bootstrap",
        "environment": None,
        "cost_center": None,
        "managed_by": "fastish",
        "tag_prefix": "fastish",
    }
    if release_level:
        scope.update(
            organization=draw(any_part),
            team=draw(any_part),
            release=draw(any_part),
            release_type=draw(st.sampled_from(["webapp", "druid", "api", "all"])),
        )
    return scope


def build(scope, component, kind):
    """resource_name, rejecting the example when the inputs hit a documented refusal."""
    try:
        return resource_name(scope, component, kind)
    except ResourceNameError as exc:
        assert EXPECTED_ERRORS.search(str(exc)), str(exc)
        if "over the" in str(exc):
            assert not KINDS[kind].shorten, str(exc)
        reject()


def full_name(scope, component, kind):
    """The unshortened name, rebuilt from the documented recipe."""
    spec = KINDS[kind]
    keys = ["organization", "team", "release"] if scope["release"] else ["platform", "synthesizer"]
    values = [scope[key] for key in keys]
    if spec.global_unique:
        values += [scope["account_id"], scope["region"]]
    clean = [sanitize_part(v, kind) for v in values]
    clean.insert(len(keys), sanitize_part(component, kind, component=True))
    return spec.prefix + spec.separator.join(clean)


def check_aws_rules(name, kind):
    assert len(name) <= MAX_LEN[kind], name
    assert len(name) >= MIN_LEN.get(kind, 1), name
    assert re.fullmatch(PATTERNS[kind], name, flags=re.ASCII), (kind, name)
    if kind in LOWERCASE:
        assert name == name.lower()
    if kind == "s3_bucket":
        assert ".." not in name
        assert not name.startswith(("xn--", "sthree-", "amzn-s3-demo-"))
        assert not name.endswith(("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"))
        with pytest.raises(ValueError):
            ipaddress.ip_address(name)
    if kind == "kms_alias":
        assert not name.startswith("alias/aws/")
    if kind == "ssm_parameter":
        assert not name.lower().startswith(("/aws", "/ssm"))
        assert name.count("/") <= 15
    if kind == "cognito_domain":
        assert not any(word in name for word in ("aws", "amazon", "cognito"))
    if kind == "load_balancer":
        assert not name.startswith("internal-")
    if kind == "security_group":
        assert not name.lower().startswith("sg-")
    assert validate_name(name, kind) == []


PROPERTY_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)


@pytest.mark.parametrize("kind", SHORTENABLE)
@PROPERTY_SETTINGS
@given(scope=scopes(), component=any_part)
def test_names_follow_the_aws_rules(kind, scope, component):
    name = build(scope, component, kind)
    check_aws_rules(name, kind)
    # Deterministic: same inputs (also a fresh copy of the scope) give the same name.
    assert resource_name(dict(scope), component, kind) == name


@pytest.mark.parametrize("kind", SHORTENABLE)
@PROPERTY_SETTINGS
@given(scope=scopes(), component=any_part)
def test_long_names_are_cut_and_hashed(kind, scope, component):
    name = build(scope, component, kind)
    full = full_name(scope, component, kind)
    if len(full) <= KINDS[kind].max_len:
        assert name == full
    else:
        digest = hashlib.sha256(full.encode()).hexdigest()[:HASH_LEN]
        assert name.endswith("-" + digest)
        assert full.startswith(name[: -HASH_LEN - 1])
        assert len(name) <= KINDS[kind].max_len


@pytest.mark.parametrize("kind", ALL_KINDS)
@PROPERTY_SETTINGS
@given(scope=scopes(), component=any_part, other=any_part, data=st.data())
def test_one_different_part_gives_a_different_name(kind, scope, component, other, data):
    # Only parts that are in the name: release parts for a release, the others otherwise.
    in_name = ["organization", "team", "release"] if scope["release"] else ["platform", "synthesizer"]
    which = data.draw(st.sampled_from([*in_name, "component"]), label="which")
    changed_scope, changed_component = dict(scope), component
    if which == "component":
        assume(sanitize_part(component, kind, component=True) != sanitize_part(other, kind, component=True))
        changed_component = other
    else:
        assume(sanitize_part(scope[which], kind) != sanitize_part(other, kind))
        changed_scope[which] = other
    first = build(scope, component, kind)
    second = build(changed_scope, changed_component, kind)
    assert first != second


@pytest.mark.parametrize("kind", ALL_KINDS)
@settings(max_examples=40, deadline=None)
@given(value=st.one_of(junk, part), component=st.booleans())
def test_sanitize_part_is_idempotent_and_allowed(kind, value, component):
    clean = sanitize_part(value, kind, component=component)
    assert sanitize_part(clean, kind, component=component) == clean
    assert re.fullmatch(f"[{KINDS[kind].allowed}]*", clean)
    assert component or "/" not in clean
    assert not clean.startswith(("-", "_", ".", "/"))
    assert not clean.endswith(("-", "_", ".", "/"))


tag_text = st.text(
    alphabet=st.one_of(st.characters(categories=("L", "N", "Zs")), st.sampled_from("_.:/=+-@")),
    max_size=60,
)
tag_keys = tag_text.filter(lambda key: bool(key) and not key.lower().startswith("aws:"))


@settings(max_examples=100, deadline=None)
@given(
    levels=st.fixed_dictionaries(
        {key: st.one_of(st.none(), tag_text) for key in ("organization", "team", "release", "environment")}
    ),
    extra=st.dictionaries(tag_keys, st.one_of(tag_text, st.integers(), st.booleans()), max_size=20),
)
def test_tags_from_any_tag_safe_text_are_valid(levels, extra):
    scope = {"synthesizer": "local", "managed_by": "fastish", "tag_prefix": "fastish", **levels}
    tags = resource_tags(scope, extra)
    for key, value in extra.items():
        assert tags[key] == (str(value).lower() if isinstance(value, bool) else str(value))
    for key, value in levels.items():
        tag = "fastish:" + key
        if tag not in extra:
            assert tags.get(tag) == ((value or "").strip() or None)
    assert all(1 <= len(key) <= 128 and len(value) <= 256 for key, value in tags.items())
