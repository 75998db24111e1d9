"""Talking to a running local cloud, and starting one as a child process (tests, CLI).

``LocalCloud`` knows the endpoints and the CA bundle and offers boto3 clients, the environment for
subprocesses (ansible-playbook, ...), the request log and reset. ``start_local_cloud`` runs
``python -m tools.localcloud serve`` in a child process for the duration of a ``with`` block; AWS only,
unless ``k8s=True`` (then also Kubernetes, see k8s.py). ``local_kubernetes`` adds Kubernetes to a
running LocalCloud for a ``with`` block.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import CA_FILE, ENV_DIR, ENV_PORT, HOST, LOG_FILE, REPO_ROOT, endpoint_for

if TYPE_CHECKING:
    from .k8s import LocalKubernetes

DUMMY_KEY = "testing"  # >1 character: Ansible's no_log would otherwise mask every single letter
DEFAULT_REGION = "us-east-1"
# start_local_cloud's servers (the pytest fixtures) run shorter lifecycles than ``up`` (molecule, make demo:
# lifecycle.DEFAULT_SECONDS), unless the caller's environment sets FASTISH_LOCALCLOUD_LIFECYCLE_SECONDS.
TEST_ENV_DEFAULTS = {"FASTISH_LOCALCLOUD_LIFECYCLE_SECONDS": "0.5"}


class LocalCloudError(RuntimeError):
    pass


@dataclass
class LocalCloud:
    port: int
    state_dir: Path
    http_port: int | None = None
    kubernetes: LocalKubernetes | None = field(default=None, compare=False)  # set when Kubernetes runs
    _session: Any = field(default=None, init=False, repr=False, compare=False)

    @property
    def endpoint(self) -> str:
        return endpoint_for(self.port)

    @property
    def http_endpoint(self) -> str | None:
        return endpoint_for(self.http_port, tls=False) if self.http_port else None

    @property
    def ca_bundle(self) -> Path:
        return self.state_dir / CA_FILE

    @property
    def kubeconfig(self) -> Path | None:
        """The admin kubeconfig of the local Kubernetes, when this local cloud runs one."""
        return self.kubernetes.kubeconfig if self.kubernetes is not None else None

    # ---- AWS side

    def client(self, service: str, region: str = DEFAULT_REGION, *, tls: bool = True, **kwargs: Any) -> Any:
        """A boto3 client for ``service`` on the local cloud (``tls=False``: the plain HTTP port).

        Dummy credentials, no retries (a 500 from the emulator should fail fast). Clients come from one
        boto3 session per LocalCloud, which caches service models; like boto3 sessions, create clients
        from one thread (the clients themselves are thread-safe).
        """
        import boto3
        from botocore.config import Config

        if tls:
            endpoint, verify = self.endpoint, str(self.ca_bundle)
        else:
            if not self.http_endpoint:
                raise LocalCloudError("this local cloud has no plain HTTP port")
            endpoint, verify = self.http_endpoint, False
        if self._session is None:
            self._session = boto3.session.Session(
                aws_access_key_id=DUMMY_KEY, aws_secret_access_key=DUMMY_KEY
            )
        kwargs.setdefault("config", Config(retries={"mode": "standard", "max_attempts": 1}))
        return self._session.client(
            service, region_name=region, endpoint_url=endpoint, verify=verify, **kwargs
        )

    def env(self, region: str = DEFAULT_REGION) -> dict[str, str]:
        """Environment a subprocess (ansible-playbook, aws CLI, ...) needs; merge it into os.environ.

        With Kubernetes: also KUBECONFIG (kubectl, helm) and K8S_AUTH_KUBECONFIG (kubernetes.core).
        """
        kube = {"KUBECONFIG": str(self.kubeconfig), "K8S_AUTH_KUBECONFIG": str(self.kubeconfig)}
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_CA_BUNDLE": str(self.ca_bundle),
            "AWS_ACCESS_KEY_ID": DUMMY_KEY,
            "AWS_SECRET_ACCESS_KEY": DUMMY_KEY,
            "AWS_DEFAULT_REGION": region,
            "AWS_REGION": region,
            ENV_PORT: str(self.port),
            ENV_DIR: str(self.state_dir),
            **(kube if self.kubeconfig else {}),
        }

    # ---- control endpoints

    def health(self, timeout: float = 5) -> dict[str, Any]:
        return self._call("GET", "/_localcloud/health", timeout=timeout)

    def requests(self) -> dict[str, Any]:
        """The request log: ``{"count": n, "mutating": m, "requests": [...]}``."""
        return self._call("GET", "/_localcloud/requests")

    def reset_requests(self) -> None:
        self._call("POST", "/_localcloud/requests/reset")

    def reset(self) -> None:
        """Wipe all moto state and the request log."""
        self._call("POST", "/moto-api/reset")
        self.reset_requests()

    def is_healthy(self) -> bool:
        try:
            return self.health(timeout=2).get("status") == "ok"
        except (LocalCloudError, OSError, ValueError):
            return False

    def _call(self, method: str, path: str, timeout: float = 30) -> Any:
        context = ssl.create_default_context(cafile=str(self.ca_bundle))
        request = urllib.request.Request(
            self.endpoint + path, method=method, data=b"" if method == "POST" else None
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            raise LocalCloudError(f"{method} {path}: HTTP {exc.code} {exc.read()[:500]!r}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise LocalCloudError(f"{method} {path}: {getattr(exc, 'reason', exc)}") from exc
        return json.loads(body) if body.strip() else None


# --------------------------------------------------------------------------------------------------------
# Child processes


def free_port() -> int:
    """A currently free TCP port on 127.0.0.1 (small race: someone may take it before we bind)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def free_port_with_k8s(attempts: int = 50) -> int:
    """A free port P whose derived Kubernetes ports (k8s.ports_for(P)) are free too."""
    from .k8s import port_free, ports_for

    for _ in range(attempts):
        port = free_port()
        if all(port_free(p) for _, p in ports_for(port).items()):
            return port
    raise LocalCloudError(f"no free port with free Kubernetes ports after {attempts} attempts")


def serve_command(
    state: Path, port: int, http_port: int | None = None, *, exit_with_parent: bool = False
) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "tools.localcloud",
        "serve",
        "--state-dir",
        str(state),
        "--port",
        str(port),
    ]
    if http_port:
        command += ["--http-port", str(http_port)]
    if exit_with_parent:
        command.append("--exit-with-parent")
    return command


def spawn_server(
    cloud: LocalCloud, *, detach: bool = False, env_defaults: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start ``serve`` for ``cloud`` in the background, output appended to <state>/moto.log.

    ``detach``: own session, outlives us (the CLI's ``up``); otherwise the server stops with its parent.
    ``env_defaults``: environment for the server unless our own environment sets those variables.
    """
    cloud.state_dir.mkdir(parents=True, exist_ok=True)
    env = {**(env_defaults or {}), **os.environ, ENV_DIR: str(cloud.state_dir)}
    with open(cloud.state_dir / LOG_FILE, "ab") as logfile:
        return subprocess.Popen(
            serve_command(cloud.state_dir, cloud.port, cloud.http_port, exit_with_parent=not detach),
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=logfile,
            stderr=subprocess.STDOUT,
            start_new_session=detach,
        )


def log_tail(state: Path, lines: int = 25) -> str:
    try:
        return "\n".join((state / LOG_FILE).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_healthy(cloud: LocalCloud, process: subprocess.Popen[bytes] | None, timeout: float = 30) -> None:
    """Wait until the health endpoint answers; raise LocalCloudError (with the log tail) if it does not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise LocalCloudError(
                f"local cloud exited with code {process.returncode} during start; "
                f"{cloud.state_dir / LOG_FILE} ends with:\n{log_tail(cloud.state_dir)}"
            )
        if cloud.ca_bundle.exists() and cloud.is_healthy():
            return
        time.sleep(0.1)
    raise LocalCloudError(
        f"local cloud did not answer {cloud.endpoint}/_localcloud/health within {timeout:.0f} s; "
        f"{cloud.state_dir / LOG_FILE} ends with:\n{log_tail(cloud.state_dir)}"
    )


def stop_process(process: subprocess.Popen[bytes], timeout: float = 10) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@contextlib.contextmanager
def local_kubernetes(cloud: LocalCloud, *, timeout: float = 90) -> Iterator[LocalCloud]:
    """Run Kubernetes (k8s.py) next to ``cloud`` for a with-block; ``cloud.kubernetes`` is set meanwhile.

    The processes are children of this process (they get SIGTERM if it dies) and are stopped, by pid, at
    the end. Raises LocalCloudError when the binaries are not built (``make k8s-build``) or it fails.
    """
    from .k8s import K8sError, LocalKubernetes

    kubernetes = LocalKubernetes(cloud.state_dir, cloud.port)
    try:
        kubernetes.start(detach=False, timeout=timeout, say=lambda _msg: None)
    except K8sError as exc:
        raise LocalCloudError(str(exc)) from exc
    cloud.kubernetes = kubernetes
    try:
        yield cloud
    finally:
        cloud.kubernetes = None
        kubernetes.stop(say=lambda _msg: None)


@contextlib.contextmanager
def start_local_cloud(
    state: Path,
    *,
    port: int | None = None,
    http_port: int | None = None,
    timeout: float = 30,
    k8s: bool = False,
) -> Iterator[LocalCloud]:
    """Run a local cloud child process (HTTPS + plain HTTP on free ports unless given) for a with-block.

    AWS only by default; ``k8s=True`` also runs Kubernetes (its ports derive from ``port``, which is then
    chosen so that they are free; ``cloud.kubeconfig`` is set).
    """
    port = port or (free_port_with_k8s() if k8s else free_port())
    taken = {port}
    if k8s:
        from .k8s import ports_for

        taken.update(p for _, p in ports_for(port).items())
    while not http_port or http_port in taken:
        http_port = free_port()
    cloud = LocalCloud(port=port, state_dir=Path(state), http_port=http_port)
    process = spawn_server(cloud, env_defaults=TEST_ENV_DEFAULTS)
    try:
        if k8s:
            with local_kubernetes(cloud, timeout=timeout + 60):
                wait_healthy(cloud, process, timeout)
                yield cloud
        else:
            wait_healthy(cloud, process, timeout)
            yield cloud
    finally:
        stop_process(process)
