"""fastish.platform.cognito_user_pool_client against the local cloud (moto with the project's patches)."""

from __future__ import annotations

from tests.modules.support import make_pool, module, mutating, run

WEB = {
    "name": "web",
    "explicit_auth_flows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    "allowed_oauth_flows": ["code"],
    "allowed_oauth_scopes": ["openid", "email", "profile"],
    "allowed_oauth_flows_user_pool_client": True,
    "callback_urls": ["https://localhost:3000/callback"],
    "logout_urls": ["https://localhost:3000/"],
    "supported_identity_providers": ["COGNITO"],
    "access_token_validity": 60,
    "id_token_validity": 60,
    "refresh_token_validity": 30,
    "token_validity_units": {"access_token": "minutes", "id_token": "minutes", "refresh_token": "days"},
    "prevent_user_existence_errors": True,
    "enable_token_revocation": True,
    "read_attributes": ["email", "email_verified", "custom:tenant_id"],
    "write_attributes": ["email"],
}
MACHINE = {
    "name": "machine",
    "generate_secret": True,
    "explicit_auth_flows": ["ALLOW_REFRESH_TOKEN_AUTH"],
    "allowed_oauth_flows": ["client_credentials"],
    "allowed_oauth_scopes": ["api/read"],
    "allowed_oauth_flows_user_pool_client": True,
}


def _client(cloud, pool_id, client_id):
    return cloud.client("cognito-idp").describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)[
        "UserPoolClient"
    ]


def _clients(cloud, pool_id):
    return cloud.client("cognito-idp").list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)[
        "UserPoolClients"
    ]


def test_creates_a_public_client(cloud, tmp_path):
    pool_id = make_pool(cloud)
    result = module(cloud, tmp_path, "cognito_user_pool_client", {"user_pool_id": pool_id, **WEB})
    assert result["changed"] is True, result
    client = _client(cloud, pool_id, result["client"]["id"])
    assert "ClientSecret" not in client
    assert client["ClientName"] == "web"
    assert sorted(client["ExplicitAuthFlows"]) == ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"]
    assert client["AllowedOAuthFlows"] == ["code"]
    assert sorted(client["AllowedOAuthScopes"]) == ["email", "openid", "profile"]
    assert client["AllowedOAuthFlowsUserPoolClient"] is True
    assert client["CallbackURLs"] == ["https://localhost:3000/callback"]
    assert client["LogoutURLs"] == ["https://localhost:3000/"]
    assert client["SupportedIdentityProviders"] == ["COGNITO"]
    assert (client["AccessTokenValidity"], client["IdTokenValidity"], client["RefreshTokenValidity"]) == (
        60,
        60,
        30,
    )
    assert client["TokenValidityUnits"] == {
        "AccessToken": "minutes",
        "IdToken": "minutes",
        "RefreshToken": "days",
    }
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert client["EnableTokenRevocation"] is True
    assert "custom:tenant_id" in client["ReadAttributes"]
    assert client["WriteAttributes"] == ["email"]
    assert result["client"]["generate_secret"] is False
    assert "client_secret" not in result["client"]


def test_second_run_changes_nothing(cloud, tmp_path):
    pool_id = make_pool(cloud)
    module(cloud, tmp_path, "cognito_user_pool_client", {"user_pool_id": pool_id, **WEB})
    cloud.reset_requests()
    result = module(cloud, tmp_path, "cognito_user_pool_client", {"user_pool_id": pool_id, **WEB})
    assert result["changed"] is False, result.get("diff")
    assert mutating(cloud) == []
    assert len(_clients(cloud, pool_id)) == 1


def test_secret_only_when_asked(cloud, tmp_path):
    pool_id = make_pool(cloud)
    results, raw = run(
        cloud,
        tmp_path,
        {
            "hidden": {"fastish.platform.cognito_user_pool_client": {"user_pool_id": pool_id, **MACHINE}},
            "again": {"fastish.platform.cognito_user_pool_client": {"user_pool_id": pool_id, **MACHINE}},
        },
        "--diff",
    )
    assert results["hidden"]["changed"] is True and results["again"]["changed"] is False
    secret = _client(cloud, pool_id, results["hidden"]["client"]["id"])["ClientSecret"]
    assert secret not in raw
    assert results["hidden"]["client"]["generate_secret"] is True
    shown = module(
        cloud,
        tmp_path,
        "cognito_user_pool_client",
        {"user_pool_id": pool_id, **MACHINE, "return_secret": True},
    )
    assert shown["changed"] is False
    assert shown["client"]["client_secret"] == secret


def test_updates_changed_settings_and_keeps_the_others(cloud, tmp_path):
    pool_id = make_pool(cloud)
    created = module(cloud, tmp_path, "cognito_user_pool_client", {"user_pool_id": pool_id, **WEB})["client"]
    change = {
        "user_pool_id": pool_id,
        "name": "web",
        "callback_urls": ["https://app.example/callback", "https://localhost:3000/callback"],
        "access_token_validity": 30,
        "prevent_user_existence_errors": False,
    }
    cloud.reset_requests()
    checked = module(cloud, tmp_path, "cognito_user_pool_client", change, "--check")
    assert checked["changed"] is True
    assert mutating(cloud) == []
    assert _client(cloud, pool_id, created["id"])["AccessTokenValidity"] == 60

    result = module(cloud, tmp_path, "cognito_user_pool_client", change)
    assert result["changed"] is True
    client = _client(cloud, pool_id, created["id"])
    assert sorted(client["CallbackURLs"]) == [
        "https://app.example/callback",
        "https://localhost:3000/callback",
    ]
    assert client["AccessTokenValidity"] == 30
    assert client["PreventUserExistenceErrors"] == "LEGACY"
    assert client["WriteAttributes"] == ["email"]
    assert client["TokenValidityUnits"]["AccessToken"] == "minutes"
    assert module(cloud, tmp_path, "cognito_user_pool_client", change)["changed"] is False


def test_update_sends_the_whole_configuration(cloud, tmp_path):
    """UpdateUserPoolClient resets what it is not given (moto merges): the request must carry everything."""
    pool_id = make_pool(cloud)
    created = module(cloud, tmp_path, "cognito_user_pool_client", {"user_pool_id": pool_id, **WEB})["client"]
    idp = cloud.client("cognito-idp")
    # What AWS would leave if the module sent only the changed setting: wipe, then let the module restore.
    idp.update_user_pool_client(
        UserPoolId=pool_id, ClientId=created["id"], ClientName="web", LogoutURLs=[], CallbackURLs=[]
    )
    result = module(cloud, tmp_path, "cognito_user_pool_client", {"user_pool_id": pool_id, **WEB})
    assert result["changed"] is True
    client = _client(cloud, pool_id, created["id"])
    assert client["LogoutURLs"] == ["https://localhost:3000/"]
    assert client["CallbackURLs"] == ["https://localhost:3000/callback"]


def test_generate_secret_cannot_change(cloud, tmp_path):
    pool_id = make_pool(cloud)
    module(cloud, tmp_path, "cognito_user_pool_client", {"user_pool_id": pool_id, **WEB})
    result = module(
        cloud, tmp_path, "cognito_user_pool_client", {"user_pool_id": pool_id, **WEB, "generate_secret": True}
    )
    assert result["failed"] is True
    assert "app client web" in result["msg"] and "has no secret" in result["msg"]


def test_several_clients_with_the_name_fail(cloud, tmp_path):
    pool_id = make_pool(cloud)
    idp = cloud.client("cognito-idp")
    idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web")
    idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web")
    result = module(cloud, tmp_path, "cognito_user_pool_client", {"user_pool_id": pool_id, **WEB})
    assert result["failed"] is True and "2 app clients" in result["msg"]


def test_absent_by_pool_name(cloud, tmp_path):
    pool_id = make_pool(cloud, "named")
    module(cloud, tmp_path, "cognito_user_pool_client", {"user_pool_name": "named", **WEB})
    assert len(_clients(cloud, pool_id)) == 1
    cloud.reset_requests()
    checked = module(
        cloud,
        tmp_path,
        "cognito_user_pool_client",
        {"user_pool_name": "named", "name": "web", "state": "absent"},
        "--check",
    )
    assert checked["changed"] is True and mutating(cloud) == []
    result = module(
        cloud,
        tmp_path,
        "cognito_user_pool_client",
        {"user_pool_name": "named", "name": "web", "state": "absent"},
    )
    assert result["changed"] is True
    assert _clients(cloud, pool_id) == []
    again = module(
        cloud,
        tmp_path,
        "cognito_user_pool_client",
        {"user_pool_name": "named", "name": "web", "state": "absent"},
    )
    assert again["changed"] is False
    gone = module(
        cloud,
        tmp_path,
        "cognito_user_pool_client",
        {"user_pool_name": "nothere", "name": "web", "state": "absent"},
    )
    assert gone["changed"] is False and not gone.get("failed")


def test_missing_pool(cloud, tmp_path):
    params = {"user_pool_id": "us-east-1_missing", **WEB}
    failed = module(cloud, tmp_path, "cognito_user_pool_client", params)
    assert failed["failed"] is True
    assert "There is no Cognito user pool with id us-east-1_missing" in failed["msg"]
    cloud.reset_requests()
    checked = module(cloud, tmp_path, "cognito_user_pool_client", params, "--check")
    assert checked["changed"] is True and not checked.get("failed")
    assert checked["client"]["id"] is None
    assert mutating(cloud) == []
