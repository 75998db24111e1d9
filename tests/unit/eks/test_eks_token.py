"""The EKS token generator (plugins/module_utils/eks_token.py): the token is ``k8s-aws-v1.`` + unpadded
base64url of a presigned STS GetCallerIdentity URL, signed with the x-k8s-aws-id header, valid 60 s;
the script prints an ExecCredential."""

from __future__ import annotations

import datetime
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from ansible_collections.fastish.platform.plugins.module_utils import eks_token

SCRIPT = Path(eks_token.__file__)


@pytest.fixture
def aws_env(monkeypatch, tmp_path):
    """Fixed credentials, no endpoint overrides, no profile or config files of the machine."""
    for name in list(__import__("os").environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret-example")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    return monkeypatch


def _query(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_token_is_a_presigned_get_caller_identity(aws_env):
    token = eks_token.get_token("acme-data-analytics-eks", "eu-west-1")
    assert token.startswith("k8s-aws-v1.")
    body = token[len("k8s-aws-v1.") :]
    assert re.fullmatch(r"[A-Za-z0-9_-]+", body), "base64url without padding"
    url = eks_token.url_from_token(token)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "sts.eu-west-1.amazonaws.com", "/")
    query = _query(url)
    assert query["Action"] == "GetCallerIdentity" and query["Version"] == "2011-06-15"
    assert query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert query["X-Amz-Expires"] == "60"
    assert "x-k8s-aws-id" in query["X-Amz-SignedHeaders"].split(";")
    assert "host" in query["X-Amz-SignedHeaders"].split(";")
    assert query["X-Amz-Credential"].startswith("AKIDEXAMPLE/")
    assert query["X-Amz-Credential"].endswith("/eu-west-1/sts/aws4_request")
    assert re.fullmatch(r"[0-9a-f]{64}", query["X-Amz-Signature"])
    # the cluster name is signed, so another cluster gets another signature
    other = _query(eks_token.url_from_token(eks_token.get_token("other", "eu-west-1")))
    assert other["X-Amz-Signature"] != query["X-Amz-Signature"] or other["X-Amz-Date"] != query["X-Amz-Date"]


def test_regional_endpoint_even_in_us_east_1(aws_env):
    aws_env.setenv("AWS_STS_REGIONAL_ENDPOINTS", "legacy")
    url = eks_token.url_from_token(eks_token.get_token("c", "us-east-1"))
    assert urlsplit(url).netloc == "sts.us-east-1.amazonaws.com"


@pytest.mark.parametrize("variable", ["AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"])
def test_configured_sts_endpoint(aws_env, variable):
    aws_env.setenv(variable, "https://127.0.0.1:5440")
    url = eks_token.url_from_token(eks_token.get_token("c", "us-east-1"))
    assert urlsplit(url).netloc == "127.0.0.1:5440"
    assert _query(url)["Action"] == "GetCallerIdentity"


def test_exec_credential():
    now = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)  # noqa: UP017
    assert eks_token.exec_credential("k8s-aws-v1.abc", now=now) == {
        "kind": "ExecCredential",
        "apiVersion": "client.authentication.k8s.io/v1beta1",
        "spec": {},
        "status": {"expirationTimestamp": "2026-01-02T03:18:05Z", "token": "k8s-aws-v1.abc"},
    }


def test_token_round_trip_and_bad_token():
    url = "https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity&a=b?c"  # '?' encodes to '/' or '_'
    assert eks_token.url_from_token(eks_token.token_from_url(url)) == url
    with pytest.raises(ValueError):
        eks_token.url_from_token("Bearer abc")


def test_script_prints_an_exec_credential(aws_env):
    import os

    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--cluster-name", "acme", "--region", "eu-central-1"],
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ),
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    credential = json.loads(proc.stdout)
    assert credential["kind"] == "ExecCredential"
    assert credential["apiVersion"] == "client.authentication.k8s.io/v1beta1"
    url = eks_token.url_from_token(credential["status"]["token"])
    assert urlsplit(url).netloc == "sts.eu-central-1.amazonaws.com"
    expires = datetime.datetime.strptime(credential["status"]["expirationTimestamp"], "%Y-%m-%dT%H:%M:%SZ")
    left = expires.replace(tzinfo=datetime.timezone.utc) - datetime.datetime.now(datetime.timezone.utc)  # noqa: UP017
    assert datetime.timedelta(minutes=13) < left <= datetime.timedelta(minutes=14)


def test_script_without_credentials_fails_on_stderr(aws_env):
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--cluster-name", "acme", "--region", "eu-central-1"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 1 and proc.stdout == ""
    assert "could not make a token for EKS cluster acme" in proc.stderr
