"""State of the local cloud after the cognito role's delete paths (run by side_effect.yml with -k)."""

from __future__ import annotations

from test_verify import DOMAIN, POOL, SECRET, _client


def _pools():
    return [
        p for p in _client("cognito-idp").list_user_pools(MaxResults=60)["UserPools"] if p["Name"] == POOL
    ]


def test_kept_pool_with_its_user():
    idp = _client("cognito-idp")
    pools = _pools()
    assert len(pools) == 1
    pool_id = pools[0]["Id"]
    users = idp.list_users(UserPoolId=pool_id)["Users"]
    assert len(users) == 1
    attrs = {a["Name"]: a["Value"] for a in users[0]["Attributes"]}
    assert attrs["email"] == "admin@globex.example"
    assert attrs["custom:tenant_id"] == "globex"
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["DeletionProtection"] == "ACTIVE"
    assert idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"] == []
    assert idp.list_groups(UserPoolId=pool_id)["Groups"] == []
    assert idp.describe_user_pool_domain(Domain=DOMAIN)["DomainDescription"] == {}
    secret = _client("secretsmanager").describe_secret(SecretId=SECRET)
    assert "DeletedDate" in secret  # scheduled for deletion, restorable during the recovery window


def test_destroyed_pool():
    assert _pools() == []
    assert _client("cognito-idp").describe_user_pool_domain(Domain=DOMAIN)["DomainDescription"] == {}
