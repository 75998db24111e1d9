#!/usr/bin/env python3
"""Real Cognito tokens from the LOCAL cloud, for demos and tests.

Sets a permanent password (AdminSetUserPassword), then runs the USER_SRP_AUTH flow. The local cloud
(moto) does not check the SRP maths: InitiateAuth with any SRP_A, then RespondToAuthChallenge
PASSWORD_VERIFIER with the SECRET_BLOCK it returned, any signature and a timestamp. Against real
Cognito this would fail, and the tool refuses non-loopback endpoints anyway.

    python services/api/tools/local_token.py --user-pool-id us-east-1_x --client-id abc \\
        --username admin@globex.example [--endpoint https://127.0.0.1:5400] [--ca-bundle ...]

prints {"id_token", "access_token", "refresh_token", "expires_in"} as JSON. Endpoint and CA bundle
default to AWS_ENDPOINT_URL and AWS_CA_BUNDLE.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import json
import os
import secrets
import sys
from typing import Any
from urllib.parse import urlsplit

DEFAULT_PASSWORD = "Local-Test-Passw0rd!"


class NotLocalError(ValueError):
    pass


def assert_loopback(endpoint: str | None) -> str:
    """The endpoint, if it is a loopback URL; raises NotLocalError otherwise."""
    if not endpoint:
        raise NotLocalError("no endpoint: set --endpoint or AWS_ENDPOINT_URL to the local cloud")
    host = urlsplit(endpoint).hostname or ""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        raise NotLocalError(
            f"refusing to run against {endpoint!r}: only the local cloud (loopback) is allowed"
        )
    return endpoint


def cognito_client(endpoint: str, ca_bundle: str | None = None, region: str = "us-east-1") -> Any:
    import boto3

    assert_loopback(endpoint)
    return boto3.client(
        "cognito-idp",
        region_name=region,
        endpoint_url=endpoint,
        verify=ca_bundle or os.environ.get("AWS_CA_BUNDLE") or True,
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "testing"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "testing"),
    )


def _check_client(client: Any) -> None:
    assert_loopback(client.meta.endpoint_url)


def set_password(client: Any, user_pool_id: str, username: str, password: str = DEFAULT_PASSWORD) -> None:
    _check_client(client)
    client.admin_set_user_password(
        UserPoolId=user_pool_id, Username=username, Password=password, Permanent=True
    )


def srp_login(client: Any, client_id: str, username: str) -> dict[str, Any]:
    """IdToken/AccessToken through USER_SRP_AUTH (moto accepts any SRP values)."""
    _check_client(client)
    started = client.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters={"USERNAME": username, "SRP_A": secrets.token_hex(128)},
    )
    if started.get("ChallengeName") != "PASSWORD_VERIFIER":
        raise RuntimeError(f"unexpected challenge {started.get('ChallengeName')!r}")
    params = started["ChallengeParameters"]
    timestamp = dt.datetime.now(dt.UTC).strftime("%a %b %-d %H:%M:%S UTC %Y")
    answered = client.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses={
            "USERNAME": params.get("USER_ID_FOR_SRP", username),
            "PASSWORD_CLAIM_SECRET_BLOCK": params["SECRET_BLOCK"],
            "PASSWORD_CLAIM_SIGNATURE": secrets.token_urlsafe(32),
            "TIMESTAMP": timestamp,
        },
        **({"Session": started["Session"]} if started.get("Session") else {}),
    )
    result = answered.get("AuthenticationResult")
    if not result:
        raise RuntimeError(f"no tokens; challenge {answered.get('ChallengeName')!r}")
    return {
        "id_token": result["IdToken"],
        "access_token": result["AccessToken"],
        "refresh_token": result.get("RefreshToken"),
        "expires_in": result.get("ExpiresIn"),
    }


def get_tokens(
    client: Any, user_pool_id: str, client_id: str, username: str, password: str = DEFAULT_PASSWORD
) -> dict[str, Any]:
    set_password(client, user_pool_id, username, password)
    return srp_login(client, client_id, username)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--endpoint", default=os.environ.get("AWS_ENDPOINT_URL"))
    parser.add_argument("--ca-bundle", default=os.environ.get("AWS_CA_BUNDLE"))
    parser.add_argument("--region", default=os.environ.get("AWS_REGION", "us-east-1"))
    parser.add_argument("--user-pool-id", required=True)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", default=DEFAULT_PASSWORD)
    args = parser.parse_args(argv)
    try:
        client = cognito_client(assert_loopback(args.endpoint), args.ca_bundle, args.region)
    except NotLocalError as exc:
        print(f"local_token: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(get_tokens(client, args.user_pool_id, args.client_id, args.username, args.password)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
