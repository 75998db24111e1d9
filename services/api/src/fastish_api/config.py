"""Configuration from the environment only; a missing or malformed variable fails at startup, named."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


class ConfigError(ValueError):
    """A configuration variable is missing or malformed; the message names it."""


@dataclass(frozen=True)
class Settings:
    issuer: str
    jwks_url: str
    client_ids: frozenset[str]
    items_table: str
    tenant_role_arn: str
    tenants_table: str | None = None
    tenant_tag_key: str = "tenant_id"
    tenant_claim: str = "custom:tenant_id"
    cache_size: int = 1024
    cache_ttl_seconds: float = 5.0
    page_size_max: int = 100
    log_level: str = "INFO"
    # Not configurable from the environment (documented constants).
    page_size_default: int = 20
    max_body_bytes: int = 64 * 1024
    token_leeway_seconds: int = 30
    jwks_ttl_seconds: int = 3600
    jwks_min_refetch_seconds: int = 30
    tenant_session_seconds: int = 900
    tenant_session_cache_size: int = 256

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ

        def required(name: str, hint: str) -> str:
            value = env.get(name, "").strip()
            if not value:
                raise ConfigError(f"{name} is required: {hint}")
            return value

        def integer(name: str, default: int, minimum: int) -> int:
            raw = env.get(name, "").strip()
            if not raw:
                return default
            try:
                value = int(raw)
            except ValueError:
                raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
            if value < minimum:
                raise ConfigError(f"{name} must be >= {minimum}, got {value}")
            return value

        issuer = required(
            "FASTISH_API_ISSUER", "the token issuer, https://cognito-idp.<region>.amazonaws.com/<pool id>"
        ).rstrip("/")
        if not issuer.startswith(("https://", "http://")):
            raise ConfigError(f"FASTISH_API_ISSUER must be an http(s) URL, got {issuer!r}")
        client_ids = frozenset(
            c.strip() for c in required("FASTISH_API_CLIENT_IDS", "comma-separated app client ids").split(",")
        ) - {""}
        if not client_ids:
            raise ConfigError("FASTISH_API_CLIENT_IDS is required: comma-separated app client ids")
        level = env.get("FASTISH_API_LOG_LEVEL", "").strip().upper() or "INFO"
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ConfigError(f"FASTISH_API_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {level!r}")
        ttl = integer("FASTISH_API_CACHE_TTL_SECONDS", 5, 0)
        return cls(
            issuer=issuer,
            jwks_url=env.get("FASTISH_API_JWKS_URL", "").strip() or f"{issuer}/.well-known/jwks.json",
            client_ids=client_ids,
            items_table=required("FASTISH_API_ITEMS_TABLE", "the items table name"),
            tenant_role_arn=required(
                "FASTISH_API_TENANT_ROLE_ARN", "the tenant role assumed per request (tenancy role)"
            ),
            tenants_table=env.get("FASTISH_API_TENANTS_TABLE", "").strip() or None,
            tenant_tag_key=env.get("FASTISH_API_TENANT_TAG_KEY", "").strip() or "tenant_id",
            tenant_claim=env.get("FASTISH_API_TENANT_CLAIM", "").strip() or "custom:tenant_id",
            cache_size=integer("FASTISH_API_CACHE_SIZE", 1024, 0),
            cache_ttl_seconds=float(ttl),
            page_size_max=integer("FASTISH_API_PAGE_SIZE_MAX", 100, 1),
            log_level=level,
        )
