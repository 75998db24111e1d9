"""Unit tests of the local cloud's pure parts (no server): classification, conditions, patch registry, TLS."""

from __future__ import annotations

import io
import ipaddress
import logging
import stat

import pytest
from cryptography import x509

from tools.localcloud import patches, server, tls


@pytest.mark.parametrize(
    ("method", "service", "action", "expected"),
    [
        ("GET", "s3", None, False),
        ("HEAD", "s3", None, False),
        ("PUT", "s3", None, True),
        ("DELETE", "eks", None, True),
        ("POST", "ec2", "DescribeVpcs", False),
        ("POST", "dynamodb", "BatchGetItem", False),
        ("POST", "dynamodb", "BatchWriteItem", True),
        ("POST", "dynamodb", "Query", False),
        ("POST", "dynamodb", "Scan", False),
        ("POST", "sts", "GetCallerIdentity", False),
        ("POST", "sts", "AssumeRole", True),
        ("POST", "ec2", "CreateVpc", True),
        ("GET", "ec2", "CreateVpc", False),
        ("POST", "cognito-idp", "AdminGetUser", False),
        ("POST", "cognito-idp", "AdminListGroupsForUser", False),
        ("POST", "cognito-idp", "AdminCreateUser", True),
        ("POST", "cognito-idp", "AdminDisableUser", True),
    ],
)
def test_is_mutating(method, service, action, expected):
    assert server.is_mutating(method, service, action) is expected


def _environ(**extra):
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/", "QUERY_STRING": "", "wsgi.url_scheme": "https"}
    environ.update(extra)
    return environ


AUTH = (
    "AWS4-HMAC-SHA256 Credential=testing/20261122/eu-west-1/dynamodb/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=abc"
)


def test_describe_request_json_protocol():
    entry = server.describe_request(
        _environ(HTTP_AUTHORIZATION=AUTH, HTTP_X_AMZ_TARGET="DynamoDB_20120810.CreateTable")
    )
    assert entry["service"] == "dynamodb"
    assert entry["region"] == "eu-west-1"
    assert entry["action"] == "CreateTable"
    assert entry["mutating"] is True
    assert entry["tls"] is True


@pytest.mark.parametrize(
    ("agent", "ansible"),
    [
        ("APN/1.0 Ansible/2.18.6 amazon.aws/10.1.1 Boto3/1.40.0 Python/3.11.2 Botocore/1.40.0", True),
        ("Boto3/1.40.0 md/Botocore#1.40.0 ua/2.1 os/linux Python/3.11.2", False),
        ("", False),
    ],
)
def test_describe_request_tells_ansibles_calls_from_the_tests_own(agent, ansible):
    entry = server.describe_request(
        _environ(
            HTTP_AUTHORIZATION=AUTH, HTTP_X_AMZ_TARGET="DynamoDB_20120810.ListTables", HTTP_USER_AGENT=agent
        )
    )
    assert entry["ansible"] is ansible


def test_describe_request_query_protocol_keeps_body_readable():
    body = b"Action=DescribeVpcs&Version=2016-11-15"
    environ = _environ(
        HTTP_AUTHORIZATION=AUTH.replace("dynamodb", "ec2"),
        CONTENT_TYPE="application/x-www-form-urlencoded; charset=utf-8",
        CONTENT_LENGTH=str(len(body)),
        **{"wsgi.input": io.BytesIO(body)},
    )
    entry = server.describe_request(environ)
    assert (entry["service"], entry["action"], entry["mutating"]) == ("ec2", "DescribeVpcs", False)
    assert environ["wsgi.input"].read() == body


def test_describe_request_unsigned_and_query_string():
    entry = server.describe_request(_environ(REQUEST_METHOD="GET", QUERY_STRING="Action=ListUsers"))
    assert (entry["service"], entry["action"], entry["mutating"]) == (None, "ListUsers", False)
    entry = server.describe_request(
        _environ(PATH_INFO="/service/GraniteServiceVersion20100801/operation/PutMetricData")
    )
    assert (entry["action"], entry["mutating"]) == ("PutMetricData", True)


TLS_CONTEXT = {"aws:securetransport": True}
PLAIN_CONTEXT = {"aws:securetransport": False}
UNKNOWN_CONTEXT = {"aws:securetransport": None}


@pytest.mark.parametrize(
    ("condition", "context", "expected"),
    [
        ({"Bool": {"aws:SecureTransport": "false"}}, PLAIN_CONTEXT, True),
        ({"Bool": {"aws:SecureTransport": "false"}}, TLS_CONTEXT, False),
        ({"Bool": {"aws:securetransport": "TRUE"}}, TLS_CONTEXT, True),
        ({"Bool": {"aws:SecureTransport": False}}, PLAIN_CONTEXT, True),
        ({"Bool": {"aws:SecureTransport": ["false", "true"]}}, TLS_CONTEXT, True),
        ({"BoolIfExists": {"aws:SecureTransport": "false"}}, TLS_CONTEXT, False),
        ({"Bool": {"aws:SecureTransport": "false"}}, UNKNOWN_CONTEXT, None),
        ({"Bool": {"aws:SecureTransport": "maybe"}}, TLS_CONTEXT, None),
        ({"Bool": {"aws:MultiFactorAuthPresent": "true"}}, TLS_CONTEXT, None),
        ({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, TLS_CONTEXT, None),
        (
            {"Bool": {"aws:SecureTransport": "false"}, "StringEquals": {"aws:userid": "x"}},
            PLAIN_CONTEXT,
            None,
        ),
        ("not a mapping", TLS_CONTEXT, None),
    ],
)
def test_evaluate_condition(condition, context, expected):
    assert patches.evaluate_condition(condition, context) is expected


def test_effective_policy_resolves_conditions():
    deny_plain = {"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    unknown = {"Effect": "Allow", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}
    plain = {"Effect": "Allow", "Action": "s3:GetObject"}
    policy = {"Version": "2012-10-17", "Statement": [deny_plain, unknown, plain]}
    assert patches.effective_policy(policy, TLS_CONTEXT)["Statement"] == [plain]
    assert patches.effective_policy(policy, PLAIN_CONTEXT)["Statement"] == [{"Effect": "Deny"}, plain]
    assert patches.effective_policy({"Statement": plain}, TLS_CONTEXT)["Statement"] == [plain]


def test_request_context_is_scoped():
    assert patches.current_request_tls() is None
    with patches.request_context(tls=True):
        assert patches.current_request_tls() is True
    assert patches.current_request_tls() is None


def test_pytest_process_is_unpatched():
    """The upstream_* tests rely on this: patches are applied only inside the server process."""
    assert patches.applied() == []
    assert len(patches.names()) == len(set(patches.names())) == 16


def test_apply_all_skips_patches_that_do_not_fit(caplog):
    calls = []

    def no_longer_fits():
        raise patches.PatchDoesNotFit("moto changed")

    def broken():
        raise AttributeError("gone")

    registry = {
        "test-does-not-fit": no_longer_fits,
        "test-broken": broken,
        "test-fine": lambda: calls.append("fine"),
    }
    with caplog.at_level(logging.WARNING, logger="localcloud.patches"):
        applied = patches.apply_all(registry)
    try:
        assert applied == ["test-fine"]
        assert calls == ["fine"]
        assert "test-does-not-fit skipped" in caplog.text
        assert "moto changed" in caplog.text
        assert "test-broken skipped" in caplog.text
        assert patches.apply_all(registry) == ["test-fine"] and calls == ["fine"]  # idempotent
    finally:
        patches._APPLIED.remove("test-fine")


def test_require_params_detects_signature_changes():
    def method(self, key_id, extra=None):
        return None

    patches._require_params(method, "self", "key_id")
    with pytest.raises(patches.PatchDoesNotFit):
        patches._require_params(method, "self", "resource_arn")


def test_certificates_are_created_and_reused(tmp_path):
    files = tls.ensure_certificates(tmp_path)
    ca = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    leaf = x509.load_pem_x509_certificate(files.cert.read_bytes())
    leaf.verify_directly_issued_by(ca)
    san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1")]
    assert san.get_values_for_type(x509.DNSName) == ["localhost"]
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    for key in (files.key, tmp_path / tls.CA_KEY):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600

    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    tls.ensure_certificates(tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before

    files.cert.unlink()  # a missing leaf is re-issued by the same CA
    tls.ensure_certificates(tmp_path)
    assert files.ca_cert.read_bytes() == before[tls.CA_CERT]
    x509.load_pem_x509_certificate(files.cert.read_bytes()).verify_directly_issued_by(ca)
