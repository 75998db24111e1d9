"""fastish.platform.amplify_app's logic against a botocore Stubber (no AWS emulator implements Amplify)."""

from __future__ import annotations

import json

import boto3
import pytest
from ansible_collections.fastish.platform.plugins.modules.amplify_app import AmplifyApp, AmplifyError
from botocore.stub import Stubber

TOKEN = "ghp_secret-token-value"
APP_ID = "d1a2b3c4e5f6g7"
ARN = f"arn:aws:amplify:us-east-1:123456789012:apps/{APP_ID}"
ENV = {"NEXT_PUBLIC_API_URL": "https://api.portal.acme.example"}
MUTATING = ("create_", "update_", "delete_", "tag_", "untag_", "start_")


@pytest.fixture
def client():
    return boto3.client("amplify", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")


def _params(**overrides):
    return {
        "name": "acme-web-portal-web",
        "repository": "https://github.com/acme/portal-web",
        "access_token": TOKEN,
        "platform": "WEB_COMPUTE",
        "build_spec": None,
        "environment_variables": ENV,
        "iam_service_role_arn": None,
        "branches": [
            {
                "name": "main",
                "stage": "PRODUCTION",
                "framework": "Next.js - SSR",
                "enable_auto_build": True,
                "environment_variables": {},
            }
        ],
        "purge_branches": True,
        "domain": None,
        "state": "present",
        "tags": {"fastish:release": "portal"},
        "purge_tags": True,
        **overrides,
    }


def _app(**overrides):
    return {
        "appId": APP_ID,
        "appArn": ARN,
        "name": "acme-web-portal-web",
        "description": "",
        "repository": "https://github.com/acme/portal-web",
        "platform": "WEB_COMPUTE",
        "createTime": "2026-01-01T00:00:00Z",
        "updateTime": "2026-01-01T00:00:00Z",
        "environmentVariables": ENV,
        "defaultDomain": f"{APP_ID}.amplifyapp.com",
        "enableBranchAutoBuild": False,
        "enableBasicAuth": False,
        "tags": {"fastish:release": "portal"},
        **overrides,
    }


def _branch(**overrides):
    return {
        "branchArn": f"{ARN}/branches/main",
        "branchName": "main",
        "description": "",
        "stage": "PRODUCTION",
        "displayName": "main",
        "enableNotification": False,
        "createTime": "2026-01-01T00:00:00Z",
        "updateTime": "2026-01-01T00:00:00Z",
        "environmentVariables": {},
        "enableAutoBuild": True,
        "customDomains": [],
        "framework": "Next.js - SSR",
        "activeJobId": "0",
        "totalNumberOfJobs": "0",
        "enableBasicAuth": False,
        "ttl": "5",
        "enablePullRequestPreview": False,
        **overrides,
    }


def _existing(stub, app=None, branches=None, domains=()):
    stub.add_response("list_apps", {"apps": [app or _app()]}, {})
    stub.add_response(
        "list_branches", {"branches": branches if branches is not None else [_branch()]}, {"appId": APP_ID}
    )
    stub.add_response("list_domain_associations", {"domainAssociations": list(domains)}, {"appId": APP_ID})


def test_create_app_branch_and_domain(client):
    params = _params(
        domain={
            "domain_name": "portal.acme.example",
            "sub_domains": [{"prefix": "app", "branch_name": "main"}],
        }
    )
    with Stubber(client) as stub:
        stub.add_response("list_apps", {"apps": []}, {})
        stub.add_response(
            "create_app",
            {"app": _app()},
            {
                "name": "acme-web-portal-web",
                "repository": "https://github.com/acme/portal-web",
                "accessToken": TOKEN,
                "platform": "WEB_COMPUTE",
                "environmentVariables": ENV,
                "tags": {"fastish:release": "portal"},
            },
        )
        stub.add_response(
            "create_branch",
            {"branch": _branch()},
            {
                "appId": APP_ID,
                "branchName": "main",
                "stage": "PRODUCTION",
                "framework": "Next.js - SSR",
                "enableAutoBuild": True,
                "environmentVariables": {},
            },
        )
        stub.add_response(
            "create_domain_association",
            {
                "domainAssociation": {
                    "domainAssociationArn": f"{ARN}/domains/portal.acme.example",
                    "domainName": "portal.acme.example",
                    "enableAutoSubDomain": False,
                    "domainStatus": "CREATING",
                    "statusReason": "",
                    "subDomains": [],
                }
            },
            {
                "appId": APP_ID,
                "domainName": "portal.acme.example",
                "subDomainSettings": [{"prefix": "app", "branchName": "main"}],
            },
        )
        result = AmplifyApp(client, params).run()
        stub.assert_no_pending_responses()
    assert result["changed"] is True
    assert result["changes"] == ["create", "branch main added", "domain portal.acme.example added"]
    assert result["app"]["app_id"] == APP_ID
    assert result["app"]["default_domain"] == f"{APP_ID}.amplifyapp.com"
    assert result["app"]["domain"]["status"] == "CREATING"
    assert TOKEN not in json.dumps(result)


def test_existing_app_is_unchanged(client):
    with Stubber(client) as stub:
        _existing(stub)
        result = AmplifyApp(client, _params()).run()
        stub.assert_no_pending_responses()
    assert result["changed"] is False, result["changes"]
    assert result["app"]["branches"][0]["framework"] == "Next.js - SSR"
    assert TOKEN not in json.dumps(result)


def test_update_settings_branch_and_tags(client):
    new_env = {**ENV, "NEXT_PUBLIC_USER_POOL_ID": "us-east-1_abc"}
    params = _params(
        environment_variables=new_env,
        tags={"fastish:release": "portal", "team": "web"},
        branches=[{**_params()["branches"][0], "enable_auto_build": False}],
    )
    with Stubber(client) as stub:
        _existing(stub)
        stub.add_response(
            "update_app",
            {"app": _app(environmentVariables=new_env)},
            {"appId": APP_ID, "environmentVariables": new_env},
        )
        stub.add_response("tag_resource", {}, {"resourceArn": ARN, "tags": {"team": "web"}})
        stub.add_response(
            "update_branch",
            {"branch": _branch(enableAutoBuild=False)},
            {
                "appId": APP_ID,
                "branchName": "main",
                "stage": "PRODUCTION",
                "framework": "Next.js - SSR",
                "enableAutoBuild": False,
                "environmentVariables": {},
            },
        )
        result = AmplifyApp(client, params).run()
        stub.assert_no_pending_responses()
    assert result["changes"] == ["update environmentVariables", "tag", "branch main updated"]
    assert result["diff"]["before"]["environment_variables"] == ENV
    assert result["diff"]["after"]["environment_variables"] == new_env
    assert TOKEN not in json.dumps(result)


def test_repository_change_sends_the_token(client):
    params = _params(repository="https://github.com/acme/other")
    with Stubber(client) as stub:
        _existing(stub)
        stub.add_response(
            "update_app",
            {"app": _app(repository="https://github.com/acme/other")},
            {
                "appId": APP_ID,
                "repository": "https://github.com/acme/other",
                "accessToken": TOKEN,
            },
        )
        result = AmplifyApp(client, params).run()
        stub.assert_no_pending_responses()
    assert result["changes"] == ["update repository"]
    assert TOKEN not in json.dumps(result)


@pytest.mark.parametrize("existing", [False, True])
def test_check_mode_makes_no_mutating_call(client, existing):
    params = _params(environment_variables={"X": "1"}, branches=[])
    calls = []
    client.meta.events.register("before-call.amplify.*", lambda model, **_: calls.append(model.name))
    with Stubber(client) as stub:
        if existing:
            _existing(stub)
        else:
            stub.add_response("list_apps", {"apps": []}, {})
        result = AmplifyApp(client, params, check_mode=True).run()
        stub.assert_no_pending_responses()  # any mutating call would have had no stubbed response
    assert result["changed"] is True
    assert not [c for c in calls if c.lower().startswith(tuple(m.replace("_", "") for m in MUTATING))]
    if existing:
        assert result["changes"] == ["update environmentVariables", "branch main deleted"]
    else:
        assert result["changes"] == ["create"] and result["app"]["app_id"] is None


def test_absent_deletes_and_is_idempotent(client):
    with Stubber(client) as stub:
        _existing(stub)
        stub.add_response("delete_app", {"app": _app()}, {"appId": APP_ID})
        result = AmplifyApp(client, _params(state="absent")).run()
        stub.add_response("list_apps", {"apps": []}, {})
        again = AmplifyApp(client, _params(state="absent")).run()
        stub.assert_no_pending_responses()
    assert result["changed"] is True and result["changes"] == ["delete"] and result["app"] == {}
    assert again["changed"] is False


def test_create_needs_repository_and_token(client):
    with Stubber(client) as stub:
        stub.add_response("list_apps", {"apps": []}, {})
        with pytest.raises(
            AmplifyError, match="access_token are required to create Amplify app acme-web-portal-web"
        ):
            AmplifyApp(client, _params(access_token=None)).run()


def test_api_error_names_the_app(client):
    with Stubber(client) as stub:
        stub.add_response("list_apps", {"apps": []}, {})
        stub.add_client_error("create_app", "BadRequestException", "bad token")
        with pytest.raises(AmplifyError) as error:
            AmplifyApp(client, _params()).run()
    assert error.value.message == "Could not create of Amplify app acme-web-portal-web"
    assert error.value.cause is not None
