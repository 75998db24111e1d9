"""Configuration from the environment: defaults, and failures that name the variable."""

from __future__ import annotations

import pytest
from apitest_support import make_settings
from fastish_api.config import ConfigError


def test_defaults() -> None:
    s = make_settings(FASTISH_API_TENANTS_TABLE=None)
    assert s.jwks_url == "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TEST/.well-known/jwks.json"
    assert s.client_ids == {"webclient123", "otherclient"}
    assert s.tenants_table is None
    assert (s.tenant_tag_key, s.tenant_claim) == ("tenant_id", "custom:tenant_id")
    assert (s.cache_size, s.cache_ttl_seconds, s.page_size_max, s.log_level) == (1024, 5.0, 100, "INFO")


@pytest.mark.parametrize(
    ("override", "name"),
    [
        ({"FASTISH_API_ISSUER": None}, "FASTISH_API_ISSUER"),
        ({"FASTISH_API_ISSUER": "cognito"}, "FASTISH_API_ISSUER"),
        ({"FASTISH_API_CLIENT_IDS": " , "}, "FASTISH_API_CLIENT_IDS"),
        ({"FASTISH_API_ITEMS_TABLE": ""}, "FASTISH_API_ITEMS_TABLE"),
        ({"FASTISH_API_TENANT_ROLE_ARN": None}, "FASTISH_API_TENANT_ROLE_ARN"),
        ({"FASTISH_API_CACHE_SIZE": "lots"}, "FASTISH_API_CACHE_SIZE"),
        ({"FASTISH_API_PAGE_SIZE_MAX": "0"}, "FASTISH_API_PAGE_SIZE_MAX"),
        ({"FASTISH_API_LOG_LEVEL": "chatty"}, "FASTISH_API_LOG_LEVEL"),
    ],
)
def test_errors_name_the_variable(override, name) -> None:
    with pytest.raises(ConfigError, match=name):
        make_settings(**override)


def test_cli_fails_fast(monkeypatch, capsys) -> None:
    from fastish_api.__main__ import main

    for key in ("FASTISH_API_ISSUER", "FASTISH_API_CLIENT_IDS"):
        monkeypatch.delenv(key, raising=False)
    assert main([]) == 2
    assert "FASTISH_API_ISSUER is required" in capsys.readouterr().err
