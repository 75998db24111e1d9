"""Run the webapp release's API service (services/api) locally against the converged local cloud.

    python tools/demo_api.py up     # (re)start it in the background, wait until ready, print a curl example
    python tools/demo_api.py down   # stop it by its recorded pid
    python tools/demo_api.py bench  # load GET /v1/items/{id} for a few seconds; print req/s and p50/p99

`make demo` runs `up` after the webapp release converged; `make localcloud-down` runs `down`. The
service gets its configuration from the release's outputs file (outputs/local/<host>.json), like
the Lambda function gets it from its environment in AWS; it talks to the local cloud only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "services" / "api" / "tools"))

HOST = "acme-web-portal"
PORT = int(os.environ.get("FASTISH_API_PORT", "8080"))
STATE = Path(os.environ.get("FASTISH_LOCALCLOUD_DIR", ROOT / ".localcloud"))
PID_FILE = STATE / "api.pid"
LOG_FILE = STATE / "api.log"
# The demo user: the first admin of tenant globex, onboarded by roles/tenancy.
DEMO_USER = "admin@globex.example"
DEMO_PASSWORD = "Demo-Passw0rd!2026"  # local cloud only; set on the demo user by `up`


def _endpoint() -> str:
    server = json.loads((STATE / "server.json").read_text())
    return server["endpoint"]


def _outputs() -> dict:
    directory = Path(os.environ.get("FASTISH_OUTPUTS_DIR", ROOT / "outputs"))
    path = directory / "local" / f"{HOST}.json"
    if not path.exists():
        sys.exit(f"{path} is missing: converge the webapp release first (make demo)")
    return json.loads(path.read_text())


def _environment(outputs: dict, endpoint: str) -> dict[str, str]:
    ca = str(STATE / "ca.pem")
    return {
        **os.environ,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_CA_BUNDLE": ca,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "FASTISH_API_ISSUER": outputs["user_pool_issuer"],
        "FASTISH_API_JWKS_URL": f"{endpoint}/{outputs['user_pool_id']}/.well-known/jwks.json",
        "FASTISH_API_CLIENT_IDS": outputs["web_client_id"],
        "FASTISH_API_ITEMS_TABLE": outputs["table_items_name"],
        "FASTISH_API_TENANTS_TABLE": outputs["table_tenants_name"],
        "FASTISH_API_TENANT_ROLE_ARN": outputs["tenant_role_arn"],
        "FASTISH_API_TENANT_TAG_KEY": outputs.get("tenant_tag_key", "tenant_id"),
    }


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def down() -> None:
    if not PID_FILE.exists():
        return
    pid = int(PID_FILE.read_text().strip() or 0)
    if pid and _alive(pid):
        os.kill(pid, signal.SIGTERM)  # uvicorn shuts down gracefully on SIGTERM
        for _ in range(100):
            if not _alive(pid):
                break
            time.sleep(0.1)
        else:
            os.kill(pid, signal.SIGKILL)
        print(f"API service stopped (pid {pid})")
    PID_FILE.unlink(missing_ok=True)


def _get(url: str, token: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _token(outputs: dict, endpoint: str) -> str:
    import local_token  # services/api/tools/local_token.py

    client = local_token.cognito_client(local_token.assert_loopback(endpoint), str(STATE / "ca.pem"))
    tokens = local_token.get_tokens(
        client, outputs["user_pool_id"], outputs["web_client_id"], DEMO_USER, DEMO_PASSWORD
    )
    return tokens["id_token"]


def up() -> None:
    outputs = _outputs()
    endpoint = _endpoint()
    down()
    STATE.mkdir(parents=True, exist_ok=True)
    with LOG_FILE.open("ab") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "fastish_api.asgi:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(PORT),
            ],
            env=_environment(outputs, endpoint),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    PID_FILE.write_text(f"{process.pid}\n")
    base = f"http://127.0.0.1:{PORT}"
    for _ in range(100):
        if process.poll() is not None:
            sys.exit(f"the API service exited with {process.returncode}; see {LOG_FILE}")
        with contextlib.suppress(OSError):
            if _get(f"{base}/readyz")[0] == 200:
                break
        time.sleep(0.2)
    else:
        sys.exit(f"the API service did not become ready; see {LOG_FILE}")
    token = _token(outputs, endpoint)
    status, body = _get(f"{base}/v1/me", token)
    if status != 200:
        sys.exit(f"GET /v1/me answered {status}: {body[:300]!r}")
    me = json.loads(body)
    print(f"API service (services/api) running at {base} (pid {process.pid}, log {LOG_FILE})")
    print(f"Signed in as {DEMO_USER} of tenant {me.get('tenant_id')}; try (the token is valid for an hour):")
    print(f"  export TOKEN='{token}'")
    print(f'  curl -s -H "Authorization: Bearer $TOKEN" {base}/v1/me')
    print(
        f'  curl -s -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" '
        f'-d \'{{"name": "first item"}}\' {base}/v1/items'
    )
    print(f'  curl -s -H "Authorization: Bearer $TOKEN" {base}/v1/items')
    print("Stop it with: make localcloud-down")


def bench(seconds: float, concurrency: int) -> None:
    import bench as load  # services/api/tools/bench.py

    outputs = _outputs()
    endpoint = _endpoint()
    base = f"http://127.0.0.1:{PORT}"
    if _get(f"{base}/healthz")[0] != 200:
        sys.exit("the API service is not running: make demo first")
    token = _token(outputs, endpoint)
    result = asyncio.run(load.run(base, token, None, concurrency, seconds))
    print(json.dumps({"route": "GET /v1/items/{id}", **result}, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["up", "down", "bench"])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    if args.command == "up":
        up()
    elif args.command == "down":
        down()
    else:
        bench(args.seconds, args.concurrency)


if __name__ == "__main__":
    main()
