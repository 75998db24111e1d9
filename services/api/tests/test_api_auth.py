"""JWT verification against a locally generated RSA key and its JWKS (served by a stub fetcher)."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from apitest_support import CLIENT_ID, ISSUER, KID, Keys
from fastish_api.auth import AuthError, JwksCache, TokenVerifier, bearer_token


@pytest.fixture
def verifier(keys: Keys) -> TokenVerifier:
    keys.fetches.clear()
    return TokenVerifier(
        ISSUER, {CLIENT_ID}, JwksCache("https://jwks.example/keys", fetcher=keys.fetch), leeway=5
    )


def rejected(verifier: TokenVerifier, token: str) -> str:
    with pytest.raises(AuthError) as info:
        verifier.verify(token)
    return info.value.message


def test_good_id_token(verifier: TokenVerifier, keys: Keys) -> None:
    identity = verifier.verify(keys.mint(tenant="globex", sub="alice", **{"cognito:groups": ["enterprise"]}))
    assert identity.sub == "alice"
    assert identity.tenant_id == "globex"
    assert identity.token_use == "id"
    assert identity.client_id == CLIENT_ID
    assert identity.groups == ("enterprise",)
    assert identity.email == "alice@example.com"
    assert keys.fetches == ["https://jwks.example/keys"]
    verifier.verify(keys.mint())
    assert len(keys.fetches) == 1  # cached


def test_good_access_token_has_no_tenant(verifier: TokenVerifier, keys: Keys) -> None:
    identity = verifier.verify(keys.mint(token_use="access", **{"custom:tenant_id": "globex"}))
    # access tokens are accepted but Cognito puts no custom attributes in them; a forged-in claim
    # would need a valid signature anyway, so only the claim configured for ID tokens is read
    assert identity.token_use == "access"
    assert identity.client_id == CLIENT_ID


def test_forged_signature(verifier: TokenVerifier, keys: Keys) -> None:
    assert rejected(verifier, keys.mint(key=keys.other)) == "token signature invalid"


def test_tampered_payload(verifier: TokenVerifier, keys: Keys) -> None:
    header, payload, signature = keys.mint(tenant="globex").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["custom:tenant_id"] = "initech"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    assert rejected(verifier, f"{header}.{forged}.{signature}") == "token signature invalid"


def test_unknown_kid_refetches_once_then_rate_limits(keys: Keys) -> None:
    now = [1000.0]
    cache = JwksCache("u", fetcher=keys.fetch, min_refetch=30, clock=lambda: now[0])
    verifier = TokenVerifier(ISSUER, {CLIENT_ID}, cache)
    keys.fetches.clear()
    verifier.verify(keys.mint())
    assert len(keys.fetches) == 1
    assert rejected(verifier, keys.mint(kid="rotated")) == "token signed with an unknown key"
    assert len(keys.fetches) == 1  # fetched < 30 s ago: no refetch storm
    now[0] += 31
    assert rejected(verifier, keys.mint(kid="rotated")) == "token signed with an unknown key"
    assert len(keys.fetches) == 2  # one refetch for the unknown kid
    assert rejected(verifier, keys.mint(kid="again")) == "token signed with an unknown key"
    assert len(keys.fetches) == 2


def test_key_rotation_is_picked_up(keys: Keys) -> None:
    now = [0.0]
    jwks = {"keys": []}
    cache = JwksCache("u", fetcher=lambda url: jwks, min_refetch=30, clock=lambda: now[0])
    verifier = TokenVerifier(ISSUER, {CLIENT_ID}, cache)
    assert rejected(verifier, keys.mint()) == "token signed with an unknown key"
    jwks["keys"] = keys.jwks["keys"]
    now[0] = 40
    assert verifier.verify(keys.mint()).sub == "user-1"


def test_jwks_unavailable(keys: Keys) -> None:
    def broken(url: str) -> dict:
        raise OSError("connection refused")

    verifier = TokenVerifier(ISSUER, {CLIENT_ID}, JwksCache("u", fetcher=broken))
    assert rejected(verifier, keys.mint()) == "signing keys unavailable (OSError)"


def test_expired(verifier: TokenVerifier, keys: Keys) -> None:
    now = int(time.time())
    assert rejected(verifier, keys.mint(iat=now - 7200, exp=now - 60)) == "token expired"
    verifier.verify(keys.mint(iat=now - 7200, exp=now - 2))  # within the leeway


def test_not_yet_valid(verifier: TokenVerifier, keys: Keys) -> None:
    now = int(time.time())
    assert rejected(verifier, keys.mint(nbf=now + 600)) == "token not yet valid"
    assert rejected(verifier, keys.mint(iat=now + 600)) == "token not yet valid"


def test_wrong_issuer(verifier: TokenVerifier, keys: Keys) -> None:
    assert rejected(verifier, keys.mint(iss=ISSUER + "x")) == "token issuer not accepted"


def test_wrong_audience(verifier: TokenVerifier, keys: Keys) -> None:
    assert rejected(verifier, keys.mint(aud="someone-else")) == "token audience not accepted"
    assert (
        rejected(verifier, keys.mint(token_use="access", client_id="other")) == "token audience not accepted"
    )
    # an ID token's audience is aud; client_id alone does not make it acceptable
    assert rejected(verifier, keys.mint(aud=None, client_id=CLIENT_ID)) == "token audience not accepted"


def test_wrong_token_use(verifier: TokenVerifier, keys: Keys) -> None:
    assert (
        rejected(verifier, keys.mint(token_use="refresh", aud=CLIENT_ID)) == "token_use must be id or access"
    )
    assert rejected(verifier, keys.mint(token_use=None)) == "token lacks the token_use claim"


def test_missing_claims(verifier: TokenVerifier, keys: Keys) -> None:
    assert rejected(verifier, keys.mint(exp=None)) == "token lacks the exp claim"
    assert rejected(verifier, keys.mint(sub=None)) == "token lacks the sub claim"


def test_alg_none_and_hs256_confusion(verifier: TokenVerifier, keys: Keys) -> None:
    verifier.verify(keys.mint())  # load the JWKS
    claims = jwt.decode(keys.mint(), options={"verify_signature": False})
    unsigned = jwt.encode(claims, None, algorithm="none", headers={"kid": KID})
    assert rejected(verifier, unsigned) == "token algorithm not accepted"
    # HS256 with the public key (as published in the JWKS) as the HMAC secret
    public_pem = jwt.algorithms.RSAAlgorithm.to_jwk(keys.private.public_key()).encode()
    header = base64.urlsafe_b64encode(json.dumps({"alg": "HS256", "kid": KID}).encode()).decode().rstrip("=")
    import hashlib
    import hmac

    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    sig = hmac.new(public_pem, f"{header}.{body}".encode(), hashlib.sha256).digest()
    confused = f"{header}.{body}.{base64.urlsafe_b64encode(sig).decode().rstrip('=')}"
    assert rejected(verifier, confused) == "token algorithm not accepted"


def test_no_kid_and_garbage(verifier: TokenVerifier, keys: Keys) -> None:
    assert (
        rejected(verifier, jwt.encode({"sub": "x"}, keys.private, algorithm="RS256")) == "token has no key id"
    )
    assert rejected(verifier, "not.a.token") == "malformed token"
    assert rejected(verifier, "a" * 20000) == "token too large"


def test_missing_tenant_claim_is_none(verifier: TokenVerifier, keys: Keys) -> None:
    assert verifier.verify(keys.mint(tenant=None)).tenant_id is None
    assert verifier.verify(keys.mint(tenant="")).tenant_id is None


def test_bearer_token_parsing() -> None:
    assert bearer_token("Bearer a.b.c") == "a.b.c"
    assert bearer_token("bearer   a.b.c ") == "a.b.c"
    assert bearer_token("a.b.c") == "a.b.c"  # API Gateway Cognito authorizer style
    for bad in (None, "", "Basic dXNlcjpwYXNz", "Bearer "):
        with pytest.raises(AuthError):
            bearer_token(bad)
    with pytest.raises(AuthError) as info:
        bearer_token(None)
    assert info.value.error is None
