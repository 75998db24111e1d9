"""Fixtures of the API service's unit tests: keys and tokens, a fake store, a TestClient. No network."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from apitest_support import ISSUER, FakeStore, Keys, make_settings
from fastish_api.app import Services, create_app
from fastish_api.auth import JwksCache, TokenVerifier


@pytest.fixture(scope="session")
def keys() -> Keys:
    return Keys()


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


@pytest.fixture
def ready() -> dict[str, Any]:
    return {"error": None}


@pytest.fixture
def services(keys: Keys, store: FakeStore, ready: dict[str, Any]) -> Services:
    settings = make_settings()
    keys.fetches.clear()

    def readiness() -> None:
        if ready["error"]:
            raise ready["error"]

    verifier = TokenVerifier(ISSUER, settings.client_ids, JwksCache(settings.jwks_url, fetcher=keys.fetch))
    return Services(settings=settings, verifier=verifier, store=store, readiness=readiness)


@pytest.fixture
def client(services: Services):
    with warnings.catch_warnings():  # starlette 1.x nudges towards httpx2; httpx works
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    with TestClient(create_app(services=services), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def auth(keys: Keys):
    def headers(tenant: str | None = "globex", **kwargs: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {keys.mint(tenant=tenant, **kwargs)}"}

    return headers
