"""Scopes shared by the naming tests (the shape of ``fastish_scope`` in group_vars/all)."""

from __future__ import annotations

import pytest

RELEASE_SCOPE = {
    "platform": "fastish",
    "synthesizer": "local",
    "account_id": "123456789012",
    "region": "us-east-1",
    "organization": "acme",
    "team": "payments",
    "release": "web",
    "release_type": "webapp",
    "environment": "prod",
    "cost_center": "cc-1234",
    "managed_by": "fastish",
    "tag_prefix": "fastish",
}

BOOTSTRAP_SCOPE = {
    **RELEASE_SCOPE,
    "organization": None,
    "team": None,
    "release": None,
    "release_type": "bootstrap",
    "environment": None,
}


@pytest.fixture
def release_scope() -> dict:
    return dict(RELEASE_SCOPE)


@pytest.fixture
def bootstrap_scope() -> dict:
    return dict(BOOTSTRAP_SCOPE)
