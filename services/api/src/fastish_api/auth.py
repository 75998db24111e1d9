"""Cognito JWT verification: RS256 only, key by ``kid`` from the pool's JWKS, issuer, audience, times.

The JWKS is fetched lazily, cached for ``jwks_ttl`` seconds and refetched once when a token names an
unknown ``kid`` (at most every ``min_refetch`` seconds, so random kids cannot hammer the JWKS URL).
"""

from __future__ import annotations

import json
import os
import ssl
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jwt

ALGORITHM = "RS256"
MAX_TOKEN_BYTES = 16 * 1024


class AuthError(Exception):
    """401: the token is missing or invalid. ``error`` is the RFC 6750 error code (None: no token at all)."""

    def __init__(self, message: str, error: str | None = "invalid_token") -> None:
        super().__init__(message)
        self.message = message
        self.error = error


@dataclass(frozen=True)
class Identity:
    sub: str
    token_use: str
    client_id: str
    username: str | None
    email: str | None
    tenant_id: str | None
    groups: tuple[str, ...] = field(default_factory=tuple)


def default_fetcher(url: str, timeout: float = 5.0) -> dict[str, Any]:
    """GET the JWKS over HTTPS; trusts AWS_CA_BUNDLE when set (the local cloud's CA)."""
    cafile = os.environ.get("AWS_CA_BUNDLE") or None
    context = ssl.create_default_context(cafile=cafile)
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
        return json.loads(response.read(1024 * 1024))


class JwksCache:
    def __init__(
        self,
        url: str,
        fetcher: Callable[[str], dict[str, Any]] = default_fetcher,
        ttl: float = 3600,
        min_refetch: float = 30,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 32,
    ) -> None:
        self.url = url
        self._fetcher = fetcher
        self._ttl = ttl
        self._min_refetch = min_refetch
        self._clock = clock
        self._max_keys = max_keys
        self._keys: dict[str, Any] = {}
        self._fetched_at: float | None = None
        self._lock = threading.Lock()
        self.fetches = 0

    def cached(self, kid: str) -> Any | None:
        """The key for ``kid`` if the cache is fresh and has it (no I/O)."""
        if self._fetched_at is None or self._clock() - self._fetched_at > self._ttl:
            return None
        return self._keys.get(kid)

    def get(self, kid: str) -> Any:
        key = self.cached(kid)
        if key is not None:
            return key
        with self._lock:
            now = self._clock()
            stale = self._fetched_at is None or now - self._fetched_at > self._ttl
            may_refetch = self._fetched_at is None or now - self._fetched_at >= self._min_refetch
            if stale or (kid not in self._keys and may_refetch):
                self._refresh(now)
            key = self._keys.get(kid)
        if key is None:
            raise AuthError("token signed with an unknown key")
        return key

    def _refresh(self, now: float) -> None:
        try:
            document = self._fetcher(self.url)
        except Exception as exc:  # network, TLS, JSON: the caller gets a 401, the log the reason
            if self._keys:  # keep serving the old keys for a while rather than failing everyone
                self._fetched_at = now
                return
            raise AuthError(f"signing keys unavailable ({type(exc).__name__})") from exc
        keys: dict[str, Any] = {}
        for jwk in (document.get("keys") or [])[: self._max_keys]:
            if jwk.get("kty") != "RSA" or not jwk.get("kid") or jwk.get("use", "sig") != "sig":
                continue
            try:
                keys[jwk["kid"]] = jwt.PyJWK(jwk, algorithm=ALGORITHM).key
            except jwt.PyJWTError:
                continue
        self._keys = keys
        self._fetched_at = now
        self.fetches += 1


class TokenVerifier:
    def __init__(
        self,
        issuer: str,
        client_ids: frozenset[str] | set[str],
        jwks: JwksCache,
        tenant_claim: str = "custom:tenant_id",
        leeway: int = 30,
    ) -> None:
        self.issuer = issuer
        self.client_ids = frozenset(client_ids)
        self.jwks = jwks
        self.tenant_claim = tenant_claim
        self.leeway = leeway

    @staticmethod
    def _header(token: str) -> dict[str, Any]:
        if len(token) > MAX_TOKEN_BYTES:
            raise AuthError("token too large")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise AuthError("malformed token") from None
        if header.get("alg") != ALGORITHM:  # no "none", no HS256 with the public key as secret
            raise AuthError("token algorithm not accepted")
        if not isinstance(header.get("kid"), str) or not header["kid"]:
            raise AuthError("token has no key id")
        return header

    def needs_fetch(self, token: str) -> bool:
        """True when verifying ``token`` may need network I/O (run it in a thread then)."""
        try:
            return self.jwks.cached(self._header(token)["kid"]) is None
        except AuthError:
            return False

    def verify(self, token: str) -> Identity:
        header = self._header(token)
        key = self.jwks.get(header["kid"])
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "iss", "sub", "token_use"], "verify_aud": False},
            )
        except jwt.ExpiredSignatureError:
            raise AuthError("token expired") from None
        except jwt.ImmatureSignatureError:
            raise AuthError("token not yet valid") from None
        except jwt.InvalidIssuerError:
            raise AuthError("token issuer not accepted") from None
        except jwt.InvalidSignatureError:
            raise AuthError("token signature invalid") from None
        except jwt.MissingRequiredClaimError as exc:
            raise AuthError(f"token lacks the {exc.claim} claim") from None
        except jwt.PyJWTError:
            raise AuthError("token invalid") from None
        token_use = claims.get("token_use")
        if token_use == "id":
            client_id = claims.get("aud")
        elif token_use == "access":
            client_id = claims.get("client_id")
        else:
            raise AuthError("token_use must be id or access")
        if not isinstance(client_id, str) or client_id not in self.client_ids:
            raise AuthError("token audience not accepted")
        tenant = claims.get(self.tenant_claim)
        groups = claims.get("cognito:groups") or []
        return Identity(
            sub=str(claims["sub"]),
            token_use=token_use,
            client_id=client_id,
            username=claims.get("cognito:username") or claims.get("username"),
            email=claims.get("email"),
            tenant_id=tenant if isinstance(tenant, str) and tenant else None,
            groups=tuple(g for g in groups if isinstance(g, str)),
        )


def bearer_token(authorization: str | None) -> str:
    """The token of an Authorization header: ``Bearer <jwt>`` or, as API Gateway's Cognito authorizer
    accepts it, a bare JWT."""
    if not authorization:
        raise AuthError("missing bearer token", error=None)
    scheme, _, rest = authorization.strip().partition(" ")
    if rest and scheme.lower() == "bearer":
        token = rest.strip()
    elif not rest and authorization.count(".") == 2:
        token = authorization.strip()
    else:
        raise AuthError("authorization must be a bearer token", error="invalid_request")
    if not token:
        raise AuthError("missing bearer token", error="invalid_request")
    return token
