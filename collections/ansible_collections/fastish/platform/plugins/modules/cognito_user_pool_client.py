#!/usr/bin/python
"""Create, update and delete an app client of an Amazon Cognito user pool, found by its name."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: cognito_user_pool_client
short_description: Manage an app client of an Amazon Cognito user pool
version_added: "0.1.0"
description:
  - Creates, updates or deletes an app client of a Cognito user pool. The client is found by its name in
    the pool; the module fails when several clients of the pool share the name.
  - Updates send the whole client configuration, since UpdateUserPoolClient resets every setting it is not
    given; settings whose option is not set keep their current value.
  - Whether a client has a secret (O(generate_secret)) is fixed when it is created; the module fails
    instead of changing it.
  - The client secret is never returned unless O(return_secret=true); then give the task C(no_log=true).
  - amazon.aws and community.aws have no Cognito module.
options:
  name:
    description: Name of the client.
    type: str
    required: true
  state:
    description: Whether the client exists.
    type: str
    choices: [present, absent]
    default: present
  generate_secret:
    description: Whether the client has a secret (confidential client). Only when the client is created.
    type: bool
    default: false
  explicit_auth_flows:
    description: Authentication flows of the API (C(ALLOW_USER_SRP_AUTH), C(ALLOW_REFRESH_TOKEN_AUTH), ...).
    type: list
    elements: str
  allowed_oauth_flows:
    description: OAuth 2.0 grants of the hosted UI / token endpoint.
    type: list
    elements: str
    choices: [code, implicit, client_credentials]
  allowed_oauth_scopes:
    description:
      - OAuth 2.0 scopes (C(openid), C(email), C(profile), C(phone), C(aws.cognito.signin.user.admin),
        C(<resource server>/<scope>)).
    type: list
    elements: str
  allowed_oauth_flows_user_pool_client:
    description: Whether the client may use the OAuth 2.0 flows.
    type: bool
  callback_urls:
    description: Allowed redirect URLs after sign-in.
    type: list
    elements: str
  logout_urls:
    description: Allowed redirect URLs after sign-out.
    type: list
    elements: str
  default_redirect_uri:
    description: Default redirect URL (one of O(callback_urls)).
    type: str
  supported_identity_providers:
    description: Identity providers of the client (C(COGNITO) for the pool's own users).
    type: list
    elements: str
  access_token_validity:
    description: Lifetime of access tokens, in O(token_validity_units.access_token).
    type: int
  id_token_validity:
    description: Lifetime of ID tokens, in O(token_validity_units.id_token).
    type: int
  refresh_token_validity:
    description: Lifetime of refresh tokens, in O(token_validity_units.refresh_token).
    type: int
  token_validity_units:
    description:
      - Units of the token lifetimes; unset sub-options keep their value (Cognito's defaults are hours,
        hours, days).
    type: dict
    suboptions:
      access_token:
        description: Unit of O(access_token_validity).
        type: str
        choices: [seconds, minutes, hours, days]
      id_token:
        description: Unit of O(id_token_validity).
        type: str
        choices: [seconds, minutes, hours, days]
      refresh_token:
        description: Unit of O(refresh_token_validity).
        type: str
        choices: [seconds, minutes, hours, days]
  auth_session_validity:
    description: Minutes (3-15) a session token of an authentication flow stays valid.
    type: int
  prevent_user_existence_errors:
    description:
      - Answer sign-in and recovery requests for unknown users like those for known ones (C(ENABLED))
        instead of C(LEGACY).
    type: bool
  enable_token_revocation:
    description: Whether refresh tokens can be revoked.
    type: bool
  read_attributes:
    description: User attributes the client may read.
    type: list
    elements: str
  write_attributes:
    description: User attributes the client may write (leave out attributes only the back end may set).
    type: list
    elements: str
  return_secret:
    description: Return the client secret as RV(client.client_secret). Give the task C(no_log) when true.
    type: bool
    default: false
author:
  - fastish maintainers
extends_documentation_fragment:
  - fastish.platform.cognito_pool
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Public web client (authorization code + PKCE, no secret)
  fastish.platform.cognito_user_pool_client:
    user_pool_id: "{{ pool.user_pool.id }}"
    name: acme-web-portal-web
    explicit_auth_flows: [ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
    allowed_oauth_flows: [code]
    allowed_oauth_scopes: [openid, email, profile]
    allowed_oauth_flows_user_pool_client: true
    callback_urls: ["https://localhost:3000/callback"]
    logout_urls: ["https://localhost:3000/"]
    supported_identity_providers: [COGNITO]
    read_attributes: [email, email_verified, "custom:tenant_id"]
    write_attributes: [email]
  register: web

- name: Machine client with a secret (client credentials)
  fastish.platform.cognito_user_pool_client:
    user_pool_id: "{{ pool.user_pool.id }}"
    name: acme-web-portal-machine
    generate_secret: true
    explicit_auth_flows: [ALLOW_REFRESH_TOKEN_AUTH]
    allowed_oauth_flows: [client_credentials]
    allowed_oauth_scopes: [acme-web-portal-api/read]
    allowed_oauth_flows_user_pool_client: true
    return_secret: true
  register: machine
  no_log: true
"""

RETURN = r"""
client:
  description: The client after the change (in check mode, what it would be; RV(client.id) is null for a
    client that check mode did not create). Empty after a deletion.
  returned: always
  type: dict
  contains:
    id: {description: Client id., type: str}
    name: {description: Client name., type: str}
    user_pool_id: {description: Pool id., type: str}
    generate_secret: {description: Whether the client has a secret., type: bool}
    client_secret:
      description: The secret; only with O(return_secret=true) and a secret.
      type: str
      returned: when asked
    explicit_auth_flows: {description: Authentication flows., type: list, elements: str}
    allowed_oauth_flows: {description: OAuth grants., type: list, elements: str}
    allowed_oauth_scopes: {description: OAuth scopes., type: list, elements: str}
    allowed_oauth_flows_user_pool_client: {description: Whether OAuth flows are on., type: bool}
    callback_urls: {description: Callback URLs., type: list, elements: str}
    logout_urls: {description: Logout URLs., type: list, elements: str}
    default_redirect_uri: {description: Default redirect URL., type: str}
    supported_identity_providers: {description: Identity providers., type: list, elements: str}
    access_token_validity: {description: Access token lifetime., type: int}
    id_token_validity: {description: ID token lifetime., type: int}
    refresh_token_validity: {description: Refresh token lifetime., type: int}
    token_validity_units: {description: Units of the lifetimes., type: dict}
    auth_session_validity: {description: Session token lifetime in minutes., type: int}
    prevent_user_existence_errors: {description: Whether user existence errors are prevented., type: bool}
    enable_token_revocation: {description: Whether token revocation is on., type: bool}
    read_attributes: {description: Readable attributes., type: list, elements: str}
    write_attributes: {description: Writable attributes., type: list, elements: str}
"""

import copy

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.fastish.platform.plugins.module_utils import cognito

# option -> API member, for list options (compared regardless of order).
_LISTS = {
    "explicit_auth_flows": "ExplicitAuthFlows",
    "allowed_oauth_flows": "AllowedOAuthFlows",
    "allowed_oauth_scopes": "AllowedOAuthScopes",
    "callback_urls": "CallbackURLs",
    "logout_urls": "LogoutURLs",
    "supported_identity_providers": "SupportedIdentityProviders",
    "read_attributes": "ReadAttributes",
    "write_attributes": "WriteAttributes",
}
_SCALARS = {
    "allowed_oauth_flows_user_pool_client": "AllowedOAuthFlowsUserPoolClient",
    "default_redirect_uri": "DefaultRedirectURI",
    "access_token_validity": "AccessTokenValidity",
    "id_token_validity": "IdTokenValidity",
    "refresh_token_validity": "RefreshTokenValidity",
    "auth_session_validity": "AuthSessionValidity",
    "enable_token_revocation": "EnableTokenRevocation",
}
_UNITS = {"access_token": "AccessToken", "id_token": "IdToken", "refresh_token": "RefreshToken"}
# What Cognito assumes when a client reports nothing.
_DEFAULT_UNITS = {"access_token": "hours", "id_token": "hours", "refresh_token": "days"}
_DEFAULT_SCALARS = {"allowed_oauth_flows_user_pool_client": False, "enable_token_revocation": True}


def _view(client):
    view = {"name": client.get("ClientName"), "generate_secret": bool(client.get("ClientSecret"))}
    for opt, api in _LISTS.items():
        view[opt] = sorted(client.get(api) or [])
    for opt, api in _SCALARS.items():
        view[opt] = client.get(api, _DEFAULT_SCALARS.get(opt))
    units = client.get("TokenValidityUnits") or {}
    view["token_validity_units"] = {opt: units.get(api) or _DEFAULT_UNITS[opt] for opt, api in _UNITS.items()}
    view["prevent_user_existence_errors"] = client.get("PreventUserExistenceErrors") == "ENABLED"
    return view


_EMPTY = _view({})


def _wanted(current, params):
    want = copy.deepcopy(current)
    want["name"] = params["name"]
    for opt in _LISTS:
        if params[opt] is not None:
            want[opt] = sorted(params[opt])
    for opt in (*_SCALARS, "prevent_user_existence_errors"):
        if params[opt] is not None:
            want[opt] = params[opt]
    if params["token_validity_units"] is not None:
        want["token_validity_units"].update(
            {k: v for k, v in params["token_validity_units"].items() if v is not None}
        )
    return want


def _request(idp, operation, want, client=None):
    body = {k: copy.deepcopy(v) for k, v in (client or {}).items()}
    body["ClientName"] = want["name"]
    for opt, api in _LISTS.items():
        if want[opt]:
            body[api] = want[opt]
        else:
            body.pop(api, None)
    for opt, api in _SCALARS.items():
        if want[opt] is not None:
            body[api] = want[opt]
    body["TokenValidityUnits"] = {api: want["token_validity_units"][opt] for opt, api in _UNITS.items()}
    body["PreventUserExistenceErrors"] = "ENABLED" if want["prevent_user_existence_errors"] else "LEGACY"
    members = idp.meta.service_model.operation_model(operation).input_shape.members
    return {k: v for k, v in body.items() if k in members}


def _result(module, pool_id, client, view):
    result = {"id": client.get("ClientId") if client else None, "user_pool_id": pool_id, **view}
    if module.params["return_secret"] and client and client.get("ClientSecret"):
        result["client_secret"] = client["ClientSecret"]
    return result


def _find(module, idp, pool, name):
    clients = cognito.paginate(
        module,
        idp,
        "list_user_pool_clients",
        "UserPoolClients",
        f"list the app clients of user pool {pool['Name']} ({pool['Id']})",
        UserPoolId=pool["Id"],
        MaxResults=60,
    )
    found = [c for c in clients if c.get("ClientName") == name]
    if len(found) > 1:
        ids = ", ".join(sorted(c["ClientId"] for c in found))
        module.fail_json(
            msg=f"{len(found)} app clients of user pool {pool['Name']} ({pool['Id']}) are called {name} "
            f"({ids}); delete the extra ones so that the module knows which one is meant."
        )
    if not found:
        return None
    return cognito.call(
        module,
        f"describe app client {name} of user pool {pool['Id']}",
        idp.describe_user_pool_client,
        UserPoolId=pool["Id"],
        ClientId=found[0]["ClientId"],
    )["UserPoolClient"]


def main():
    module = AnsibleAWSModule(
        argument_spec={
            **cognito.USER_POOL_ARG_SPEC,
            "name": {"type": "str", "required": True},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "generate_secret": {"type": "bool", "default": False},
            **{opt: {"type": "list", "elements": "str"} for opt in _LISTS},
            "allowed_oauth_flows": {
                "type": "list",
                "elements": "str",
                "choices": ["code", "implicit", "client_credentials"],
            },
            "allowed_oauth_flows_user_pool_client": {"type": "bool"},
            "default_redirect_uri": {"type": "str"},
            "access_token_validity": {"type": "int"},
            "id_token_validity": {"type": "int"},
            "refresh_token_validity": {"type": "int"},
            "auth_session_validity": {"type": "int"},
            "token_validity_units": {
                "type": "dict",
                "options": {
                    opt: {"type": "str", "choices": ["seconds", "minutes", "hours", "days"]} for opt in _UNITS
                },
            },
            "prevent_user_existence_errors": {"type": "bool"},
            "enable_token_revocation": {"type": "bool"},
            "return_secret": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
        **cognito.USER_POOL_ARG_RULES,
    )
    params = module.params
    idp = cognito.client(module)
    name = params["name"]
    pool = cognito.resolve_user_pool(module, idp)
    pool_id = pool["Id"] if pool else params["user_pool_id"]
    client = _find(module, idp, pool, name) if pool else None
    label = f"app client {name} of user pool {cognito.pool_label(module, pool)}"

    if params["state"] == "absent":
        if client is None:
            module.exit_json(changed=False, client={}, diff={"before": {}, "after": {}})
        if not module.check_mode:
            cognito.call(
                module,
                f"delete {label}",
                idp.delete_user_pool_client,
                UserPoolId=pool_id,
                ClientId=client["ClientId"],
            )
        module.exit_json(changed=True, client={}, diff={"before": _view(client), "after": {}})

    if client is None:
        want = _wanted(_EMPTY, params)
        want["generate_secret"] = params["generate_secret"]
        diff = {"before": {}, "after": want}
        if module.check_mode:
            module.exit_json(changed=True, client=_result(module, pool_id, None, want), diff=diff)
        request = _request(idp, "CreateUserPoolClient", want)
        created = cognito.call(
            module,
            f"create {label}",
            idp.create_user_pool_client,
            UserPoolId=pool_id,
            GenerateSecret=params["generate_secret"],
            **request,
        )["UserPoolClient"]
        module.exit_json(changed=True, client=_result(module, pool_id, created, _view(created)), diff=diff)

    current = _view(client)
    if params["generate_secret"] != current["generate_secret"]:
        has = "has a secret" if current["generate_secret"] else "has no secret"
        module.fail_json(
            msg=f"The {label} {has}; generate_secret={params['generate_secret']} cannot change that (Cognito "
            "fixes it when the client is created). Delete the client first, or create one under another name."
        )
    want = _wanted(current, params)
    diff = {"before": current, "after": want}
    if want == current:
        module.exit_json(changed=False, client=_result(module, pool_id, client, current), diff=diff)
    if module.check_mode:
        module.exit_json(changed=True, client=_result(module, pool_id, client, want), diff=diff)
    request = _request(idp, "UpdateUserPoolClient", want, client)
    request.update({"UserPoolId": pool_id, "ClientId": client["ClientId"]})
    updated = cognito.call(module, f"update {label}", idp.update_user_pool_client, **request)[
        "UserPoolClient"
    ]
    module.exit_json(changed=True, client=_result(module, pool_id, updated, _view(updated)), diff=diff)


if __name__ == "__main__":
    main()
