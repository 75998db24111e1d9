"""fastish.platform.iam_oidc_provider's client-ID changes against a botocore Stubber (moto 5.2.5 has no
Add/RemoveClientID*OpenIDConnectProvider; tests/modules/test_iam_oidc_provider.py covers the rest)."""

from __future__ import annotations

import boto3
import pytest
from ansible_collections.fastish.platform.plugins.modules.iam_oidc_provider import OidcProvider
from botocore.stub import Stubber

URL = "https://oidc.eks.us-east-1.amazonaws.com/id/ABC"
ARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"


@pytest.fixture
def client():
    return boto3.client("iam", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")


def _params(**overrides):
    return {
        "url": URL,
        "client_ids": ["sts.amazonaws.com"],
        "thumbprints": None,
        "state": "present",
        "tags": None,
        "purge_tags": True,
        **overrides,
    }


def _existing(stub, client_ids):
    stub.add_response(
        "list_open_id_connect_providers",
        {
            "OpenIDConnectProviderList": [
                {"Arn": "arn:aws:iam::123456789012:oidc-provider/other.example/id/ABC"},
                {"Arn": ARN},
            ]
        },
    )
    stub.add_response(
        "get_open_id_connect_provider",
        {
            "Url": URL.removeprefix("https://"),
            "ClientIDList": client_ids,
            "ThumbprintList": ["a" * 40],
            "Tags": [],
        },
        {"OpenIDConnectProviderArn": ARN},
    )


def test_client_ids_added_and_removed(client):
    with Stubber(client) as stub:
        _existing(stub, ["old", "sts.amazonaws.com"])
        stub.add_response(
            "add_client_id_to_open_id_connect_provider",
            {},
            {"OpenIDConnectProviderArn": ARN, "ClientID": "new"},
        )
        stub.add_response(
            "remove_client_id_from_open_id_connect_provider",
            {},
            {"OpenIDConnectProviderArn": ARN, "ClientID": "old"},
        )
        result = OidcProvider(client, _params(client_ids=["sts.amazonaws.com", "new"])).run()
        stub.assert_no_pending_responses()
    assert result["changed"] is True
    assert result["oidc_provider"]["client_ids"] == ["new", "sts.amazonaws.com"]
    assert result["oidc_provider"]["thumbprints"] == ["a" * 40]  # not managed: left alone
    assert result["diff"]["before"]["client_ids"] == ["old", "sts.amazonaws.com"]


def test_check_mode_and_unchanged_make_no_calls(client):
    with Stubber(client) as stub:
        _existing(stub, ["old"])
        checked = OidcProvider(client, _params(), check_mode=True).run()
        _existing(stub, ["sts.amazonaws.com"])
        same = OidcProvider(client, _params()).run()
        stub.assert_no_pending_responses()
    assert checked["changed"] is True and checked["oidc_provider"]["client_ids"] == ["sts.amazonaws.com"]
    assert same["changed"] is False
