"""fastish local cloud: a patched moto server on 127.0.0.1 over TLS, with a request log.

See README.md in this directory. Entry point: ``python -m tools.localcloud <command>``.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

HOST = "127.0.0.1"  # the only address the local cloud ever binds to
DEFAULT_PORT = 5400
ENV_DIR = "FASTISH_LOCALCLOUD_DIR"
ENV_PORT = "FASTISH_LOCALCLOUD_PORT"

# Files inside the state directory.
CA_FILE = "ca.pem"
PID_FILE = "moto.pid"
LOG_FILE = "moto.log"
SERVER_INFO_FILE = "server.json"


def state_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The state directory: explicit value, else $FASTISH_LOCALCLOUD_DIR, else <repo>/.localcloud."""
    if explicit:
        return Path(explicit).resolve()
    env = os.environ.get(ENV_DIR)
    return Path(env).resolve() if env else REPO_ROOT / ".localcloud"


def default_port() -> int:
    """$FASTISH_LOCALCLOUD_PORT, else 5400."""
    env = os.environ.get(ENV_PORT)
    return int(env) if env else DEFAULT_PORT


def endpoint_for(port: int, *, tls: bool = True) -> str:
    return f"{'https' if tls else 'http'}://{HOST}:{port}"
