"""The API service end to end: the webapp release's identity and data converged on the local cloud
(roles credentials, kms, cognito, dynamodb, tenancy of playbooks/webapp.yml), the service as a real
HTTP server (uvicorn in a subprocess), real Cognito tokens of two tenants' users
(services/api/tools/local_token.py).

Proves tenant isolation on every route, rejection of forged / expired / other-audience / other-pool
tokens, and that the service assumes the tenant role with the caller's tenant as session tag.
"""

from __future__ import annotations

import base64
import gzip
import importlib.util
import json
import os
import socket
import subprocess
import time
from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.integration.playbook_runner import REPO, run_playbook

# One convergence for the file: under `pytest -n 2 --dist loadgroup` (make unit) its tests share a worker.
pytestmark = pytest.mark.xdist_group("api_e2e")

HOST = "acme-web-portal"
PREFIX = "acme-web-portal"
BIN = REPO / ".venv" / "bin"
TENANTS = {"globex": "bob@globex.example", "initech": "peter@initech.example"}

# Started instead of `python -m fastish_api`: records the wire body of every STS AssumeRole request the
# service sends (moto 5.2.5 drops AssumeRole's Tags and the local cloud's request log has no
# parameters, so this is how the test sees the session tag actually leave the process).
SERVER_WRAPPER = """
import sys, botocore.endpoint
spy = sys.argv.pop(1)
send = botocore.endpoint.Endpoint._send
def _send(self, request):
    body = request.body or b""
    body = body if isinstance(body, bytes) else body.encode()
    if b"Action=AssumeRole" in body:
        with open(spy, "ab") as f:
            f.write(body + b"\\n")
    return send(self, request)
botocore.endpoint.Endpoint._send = _send
from fastish_api.__main__ import main
sys.exit(main())
"""


def _load_local_token():
    path = REPO / "services" / "api" / "tools" / "local_token.py"
    spec = importlib.util.spec_from_file_location("fastish_local_token", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


local_token = _load_local_token()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Release:
    """What the test needs of the converged release and the running service."""

    def __init__(self, cloud, base_url: str, spy: Path, pool_id: str, client_id: str) -> None:
        self.cloud = cloud
        self.base_url = base_url
        self.spy = spy
        self.pool_id = pool_id
        self.client_id = client_id
        self.issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id}"
        self.tokens: dict[str, dict] = {}
        self.http = httpx.Client(base_url=base_url, timeout=10)

    def h(self, tenant: str, kind: str = "id_token") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[tenant][kind]}"}


AWS_DEFAULTS = "{{ credentials_aws | default({}) }}"


def _converge(cloud, tmp_path: Path) -> None:
    """The identity + data part of playbooks/webapp.yml (its roles credentials, kms, cognito, dynamodb,
    tenancy with the same module_defaults), as a play of its own so that roles the release playbook
    gains later (API, edge) do not slow this test down or make it depend on them."""
    plays = [
        {"ansible.builtin.import_playbook": str(REPO / "playbooks" / "validate.yml")},
        {
            "name": "Identity and data of the webapp release",
            "hosts": HOST,
            "gather_facts": False,
            "module_defaults": {
                "group/amazon.aws.aws": AWS_DEFAULTS,
                "group/community.aws.aws": AWS_DEFAULTS,
                "group/fastish.platform.aws": AWS_DEFAULTS,
            },
            "roles": ["credentials", "kms", "cognito", "dynamodb", "tenancy"],
        },
    ]
    rc, _out, raw = run_playbook(tmp_path, plays, cloud.env(), "--limit", HOST)
    assert rc == 0, raw[-4000:]


def _by_name(cloud) -> dict[str, str]:
    idp = cloud.client("cognito-idp")
    pool_id = next(
        p["Id"] for p in idp.list_user_pools(MaxResults=60)["UserPools"] if p["Name"] == f"{PREFIX}-users"
    )
    clients = idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
    web = next(c["ClientId"] for c in clients if c["ClientName"] == f"{PREFIX}-web")
    role = cloud.client("iam").get_role(RoleName=f"{PREFIX}-tenant")["Role"]["Arn"]
    return {"pool_id": pool_id, "client_id": web, "role_arn": role}


@pytest.fixture(scope="module")
def release(localcloud, tmp_path_factory):
    cloud = localcloud
    cloud.reset()
    _converge(cloud, tmp_path_factory.mktemp("converge"))
    names = _by_name(cloud)
    idp = cloud.client("cognito-idp")
    port = _free_port()
    spy = tmp_path_factory.mktemp("spy") / "assume-role.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "FASTISH_"))}
    env.update(cloud.env())
    env.update(
        {
            "FASTISH_API_ISSUER": f"https://cognito-idp.us-east-1.amazonaws.com/{names['pool_id']}",
            "FASTISH_API_JWKS_URL": f"{cloud.endpoint}/{names['pool_id']}/.well-known/jwks.json",
            "FASTISH_API_CLIENT_IDS": names["client_id"],
            "FASTISH_API_ITEMS_TABLE": f"{PREFIX}-items",
            "FASTISH_API_TENANTS_TABLE": f"{PREFIX}-tenants",
            "FASTISH_API_TENANT_ROLE_ARN": names["role_arn"],
            "FASTISH_API_LOG_LEVEL": "INFO",
        }
    )
    log_path = spy.with_name("server.log")
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [str(BIN / "python"), "-c", SERVER_WRAPPER, str(spy), "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    rel = Release(cloud, base_url, spy, names["pool_id"], names["client_id"])
    rel.log_path = log_path
    try:
        deadline = time.monotonic() + 20
        while True:
            assert server.poll() is None, log_path.read_text()
            try:
                if rel.http.get("/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.1)
        for tenant, email in TENANTS.items():  # as the back end does: custom:tenant_id set by an admin
            idp.admin_create_user(
                UserPoolId=rel.pool_id,
                Username=email,
                UserAttributes=[
                    {"Name": "email", "Value": email},
                    {"Name": "email_verified", "Value": "true"},
                    {"Name": "custom:tenant_id", "Value": tenant},
                ],
                MessageAction="SUPPRESS",
            )
            rel.tokens[tenant] = local_token.get_tokens(idp, rel.pool_id, rel.client_id, email)
        cloud.reset_requests()
        yield rel
    finally:
        rel.http.close()
        server.terminate()  # SIGTERM: uvicorn finishes in-flight requests, lifespan closes clients
        # uvicorn re-raises the signal once it has shut down cleanly (exit status -15)
        assert server.wait(timeout=20) in (0, -15), log_path.read_text()[-2000:]
        assert '"msg":"stopped"' in log_path.read_text()


@pytest.fixture(scope="module")
def items(release):
    """Two items of each tenant."""
    made = {}
    for tenant in TENANTS:
        made[tenant] = []
        for n in range(2):
            response = release.http.post(
                "/v1/items",
                json={"name": f"{tenant} item {n}", "attributes": {"n": n}},
                headers=release.h(tenant),
            )
            assert response.status_code == 201, response.text
            made[tenant].append(response.json())
    return made


def _pool_signing_key():
    """moto signs every pool's tokens with this bundled key; loaded here, in the test only."""
    import moto.cognitoidp

    path = Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-private.json.gz"
    return jwt.PyJWK(json.loads(gzip.decompress(path.read_bytes())), algorithm="RS256").key


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def test_tokens_are_real_pool_tokens(release) -> None:
    claims = _claims(release.tokens["globex"]["id_token"])
    assert claims["iss"] == release.issuer
    assert claims["aud"] == release.client_id
    assert claims["custom:tenant_id"] == "globex"


def test_ready_and_me(release) -> None:
    assert release.http.get("/readyz").json() == {"status": "ready"}
    me = release.http.get("/v1/me", headers=release.h("globex")).json()
    assert me["tenant_id"] == "globex"
    assert me["email"] == TENANTS["globex"]
    assert me["tenant"] == {"name": "Globex Corporation", "tier": "enterprise", "status": "active"}
    me = release.http.get("/v1/me", headers=release.h("initech", "access_token")).json()
    assert me["token_use"] == "access"
    assert me["tenant_id"] is None


def test_access_token_has_no_tenant(release) -> None:
    response = release.http.get("/v1/items", headers=release.h("globex", "access_token"))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "tenant_required"


def test_each_tenant_sees_only_its_own(release, items) -> None:
    for tenant in TENANTS:
        listed = release.http.get("/v1/items", headers=release.h(tenant)).json()["items"]
        assert {i["id"] for i in listed} == {i["id"] for i in items[tenant]}
        assert [i["name"] for i in listed] == [f"{tenant} item 1", f"{tenant} item 0"]  # newest first
        page = release.http.get("/v1/items?limit=1", headers=release.h(tenant)).json()
        assert len(page["items"]) == 1
        rest = release.http.get(f"/v1/items?limit=1&cursor={page['next_cursor']}", headers=release.h(tenant))
        assert rest.json()["items"][0]["id"] == items[tenant][0]["id"]


@pytest.mark.parametrize(("attacker", "victim"), [("globex", "initech"), ("initech", "globex")])
def test_no_cross_tenant_access_on_any_route(release, items, attacker, victim) -> None:
    target = items[victim][0]
    path = f"/v1/items/{target['id']}"
    h = release.h(attacker)
    assert release.http.get(path, headers=h).status_code == 404
    assert release.http.put(path, json={"name": "pwned"}, headers=h).status_code == 404
    assert release.http.put(path, json={"name": "pwned"}, headers={**h, "If-Match": '"1"'}).status_code == 404
    assert release.http.delete(path, headers=h).status_code == 404
    listed = release.http.get("/v1/items?limit=100", headers=h).json()["items"]
    assert target["id"] not in {i["id"] for i in listed}
    # a tenant id in the body is refused, in the query ignored
    response = release.http.post("/v1/items", json={"name": "x", "tenant_id": victim}, headers=h)
    assert response.status_code == 422
    listed = release.http.get(f"/v1/items?tenant_id={victim}", headers=h).json()["items"]
    assert target["id"] not in {i["id"] for i in listed}
    # the victim's item is untouched
    own = release.http.get(path, headers=release.h(victim)).json()
    assert (own["name"], own["version"]) == (target["name"], 1)


def test_crud_and_concurrency(release) -> None:
    h = release.h("globex")
    created = release.http.post("/v1/items", json={"name": "crud", "expires_at": 4102444800}, headers=h)
    assert created.status_code == 201
    path = created.headers["location"]
    assert release.http.get(path, headers=h).json()["expires_at"] == 4102444800
    assert release.http.put(path, json={"name": "v2"}, headers={**h, "If-Match": '"9"'}).status_code == 412
    updated = release.http.put(path, json={"name": "v2", "version": 1}, headers=h)
    assert updated.status_code == 200
    assert updated.json()["version"] == 2
    assert release.http.put(path, json={"name": "v3", "version": 1}, headers=h).status_code == 409
    assert release.http.get(path, headers=h).json()["name"] == "v2"
    assert release.http.delete(path, headers=h).status_code == 204
    assert release.http.get(path, headers=h).status_code == 404


def test_forged_tokens_are_rejected(release) -> None:
    real = release.tokens["globex"]["id_token"]
    header, _payload, signature = real.split(".")

    def b64(obj) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    claims = _claims(real)
    tampered_tenant = f"{header}.{b64({**claims, 'custom:tenant_id': 'initech'})}.{signature}"
    tampered_exp = f"{header}.{b64({**claims, 'exp': claims['exp'] + 86400})}.{signature}"
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    resigned = jwt.encode(
        {**claims, "custom:tenant_id": "initech"}, other_key, "RS256", headers={"kid": "dummy"}
    )
    for token in (tampered_tenant, tampered_exp, resigned):
        response = release.http.get("/v1/items", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert response.json()["error"]["message"] == "token signature invalid"
        assert 'error="invalid_token"' in response.headers["www-authenticate"]
    assert release.http.get("/v1/items").status_code == 401


def test_expired_and_other_audience_tokens_signed_with_the_pool_key(release) -> None:
    key = _pool_signing_key()
    claims = _claims(release.tokens["globex"]["id_token"])
    now = int(time.time())

    def call(**changes):
        token = jwt.encode({**claims, **changes}, key, "RS256", headers={"kid": "dummy"})
        return release.http.get("/v1/items", headers={"Authorization": f"Bearer {token}"})

    assert call(iat=now, exp=now + 600).status_code == 200  # the minted tokens are otherwise good
    expired = call(iat=now - 7200, exp=now - 3600)
    assert expired.status_code == 401
    assert expired.json()["error"]["message"] == "token expired"
    assert call(aud="some-other-client").json()["error"]["message"] == "token audience not accepted"
    assert call(token_use="access").status_code == 401  # an ID token relabelled as access: no client_id


def test_token_of_another_pool_is_rejected(release) -> None:
    idp = release.cloud.client("cognito-idp")
    pool = idp.create_user_pool(
        PoolName="other-pool",
        UsernameAttributes=["email"],
        Schema=[{"Name": "tenant_id", "AttributeDataType": "String", "Mutable": False}],
    )["UserPool"]["Id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool,
        ClientName="other",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(
        UserPoolId=pool,
        Username="eve@other.example",
        UserAttributes=[{"Name": "custom:tenant_id", "Value": "globex"}],
        MessageAction="SUPPRESS",
    )
    tokens = local_token.get_tokens(idp, pool, client, "eve@other.example")
    assert _claims(tokens["id_token"])["custom:tenant_id"] == "globex"
    response = release.http.get("/v1/items", headers={"Authorization": f"Bearer {tokens['id_token']}"})
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "token issuer not accepted"


def test_assume_role_with_the_callers_tenant_tag(release, items) -> None:
    for tenant in TENANTS:  # make sure both tenants' credentials were needed in this process
        assert release.http.get("/v1/items", headers=release.h(tenant)).status_code == 200
    sent = [line for line in release.spy.read_bytes().splitlines() if line]
    from urllib.parse import parse_qs

    tags = set()
    for body in sent:
        params = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        assert params["RoleArn"] == f"arn:aws:iam::123456789012:role/{PREFIX}-tenant"
        assert params["Tags.member.1.Key"] == "tenant_id"
        assert "Tags.member.2.Key" not in params
        assert params["RoleSessionName"].startswith(params["Tags.member.1.Value"] + "-")
        assert 900 <= int(params["DurationSeconds"]) <= 3600
        tags.add(params["Tags.member.1.Value"])
    assert tags == set(TENANTS)
    assert len(sent) == len(TENANTS)  # cached per tenant: one AssumeRole each, not one per request
    # the local cloud saw them too (its log has no parameters): one per tenant, all served by STS
    log = release.cloud.requests()["requests"]
    assert [r["service"] for r in log if r["action"] == "AssumeRole"] == ["sts"] * len(TENANTS)
    assert any(r["service"] == "dynamodb" and r["action"] == "Query" for r in log)


def test_request_log_has_no_tokens(release, items) -> None:
    for tenant in TENANTS:  # whatever ran before on this worker, log a few routes now
        assert (
            release.http.get(f"/v1/items/{items[tenant][1]['id']}", headers=release.h(tenant)).status_code
            == 200
        )
    time.sleep(0.2)  # the server writes its log line after the response
    text = release.log_path.read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    requests = [entry for entry in lines if entry.get("msg") == "request"]
    assert requests
    assert {"request_id", "route", "status", "latency_ms", "tenant_id"} <= set(requests[-1])
    assert "/v1/items/{id}" in {entry["route"] for entry in requests}
    for tenant in TENANTS:
        for token in release.tokens[tenant].values():
            if isinstance(token, str):
                assert token not in text
                assert token.split(".")[-1] not in text
    assert "authorization" not in text.lower()
