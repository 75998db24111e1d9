"""Kubernetes for the local cloud: a real etcd + kube-apiserver + kube-controller-manager (v1.20.2) and the
stand-in kubelet (``fake_kubelet.py``), all on 127.0.0.1.

The binaries are built once by ``tools/k8s/build-kube-apiserver.sh`` (``make k8s-build``) into a cache
outside the repository: ``${FASTISH_K8S_CACHE:-~/.cache/fastish/k8s}/v1.20.2/bin/``. Without them the
local cloud runs AWS only.

Ports derive from the local cloud's AWS port P, so several local clouds never collide:
kube-apiserver P+1000, etcd client P+2000, etcd peer P+3000 (P-1000/-2000/-3000 when P > 62535).
kube-controller-manager serves nothing (``--port=0 --secure-port=0``); the stand-in kubelet neither.

Files under ``<state dir>/k8s/``: ``kubeconfig`` (admin, CA embedded), ``pki/`` (CA, serving certificate,
service-account key pair, static tokens), ``etcd/`` (data; replaced at every start, like the AWS side's
in-memory state), ``logs/``, ``<component>.pid``, ``k8s.json`` (ports, pids, timings of the last start).

Like the AWS side, the cluster starts empty: ``up`` and ``reset`` begin from a new etcd, a copy of the
etcd template (a freshly bootstrapped cluster with the CRDs, see ``template_dir``) when there is one.
The third-party CRDs of ``$FASTISH_LOCALCLOUD_CRDS`` (default ``<repo>/../shared/crds``) are applied when
that folder exists; they are read from there, never copied into the repository.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import datetime as dt
import fcntl
import hashlib
import ipaddress
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import HOST, REPO_ROOT

K8S_VERSION = "v1.20.2"
ENV_CACHE = "FASTISH_K8S_CACHE"
ENV_CRDS = "FASTISH_LOCALCLOUD_CRDS"
ENV_ENABLED = "FASTISH_LOCALCLOUD_K8S"  # "0": `up` starts AWS only
BUILD_HINT = "make k8s-build"

CLUSTER_NAME = "fastish-localcloud"  # kubeconfig cluster and context; the admin user is <name>-admin
NODE_NAME = "localcloud-node-1"  # the stand-in kubelet's node
SERVICE_CIDR = "10.100.0.0/16"  # EKS's default service range; the `kubernetes` service is 10.100.0.1
ADVERTISE_ADDRESS = "192.0.2.1"
SERVICE_ACCOUNT_ISSUER = "https://kubernetes.default.svc.cluster.local"

PORT_OFFSETS = {"apiserver": 1000, "etcd_client": 2000, "etcd_peer": 3000}
BINARIES = ("etcd", "kube-apiserver", "kube-controller-manager")
# Start order; `stop` goes the other way (clients first, etcd last, so the apiserver exits cleanly).
COMPONENTS = ("etcd", "kube-apiserver", "kube-controller-manager", "stand-in-kubelet")
STOP_ORDER = tuple(reversed(COMPONENTS))

TEMPLATE_FORMAT = "1"  # bump when what a template holds changes
CRD_API = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
CRD_SOURCE_ANNOTATION = "localcloud.fastish.io/source-sha256"
_PR_SET_PDEATHSIG = 1


class K8sError(RuntimeError):
    pass


# --------------------------------------------------------------------------------------------------------
# Where things are


def cache_root() -> Path:
    env = os.environ.get(ENV_CACHE)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "fastish" / "k8s"


def bin_dir() -> Path:
    """Where the build script installs the binaries of K8S_VERSION."""
    return cache_root() / K8S_VERSION / "bin"


def missing_binaries(directory: Path | None = None) -> list[str]:
    directory = directory or bin_dir()
    return [name for name in BINARIES if not os.access(directory / name, os.X_OK)]


def binaries_available(directory: Path | None = None) -> bool:
    return not missing_binaries(directory)


def crds_dir() -> Path:
    """$FASTISH_LOCALCLOUD_CRDS, else <repo>/../shared/crds (it may not exist)."""
    env = os.environ.get(ENV_CRDS)
    return Path(env).expanduser() if env else REPO_ROOT.parent / "shared" / "crds"


def enabled_by_env() -> bool:
    return os.environ.get(ENV_ENABLED, "1").strip().lower() not in ("0", "false", "no", "off")


@dataclass(frozen=True)
class K8sPorts:
    apiserver: int
    etcd_client: int
    etcd_peer: int

    def items(self) -> list[tuple[str, int]]:
        return [("kube-apiserver", self.apiserver), ("etcd", self.etcd_client), ("etcd peer", self.etcd_peer)]


def ports_for(aws_port: int) -> K8sPorts:
    """The Kubernetes ports of the local cloud whose AWS endpoint listens on ``aws_port``."""
    sign = 1 if aws_port + max(PORT_OFFSETS.values()) <= 65535 else -1
    return K8sPorts(**{name: aws_port + sign * offset for name, offset in PORT_OFFSETS.items()})


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


# --------------------------------------------------------------------------------------------------------
# Processes


def pid_alive(pid: int) -> bool:
    """True if ``pid`` runs (zombies count as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _cmdline_has(pid: int, marker: str) -> bool:
    """Guard against recycled pids: our processes all name a path under the k8s state dir."""
    try:
        return marker.encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc: trust the pid file


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


# --------------------------------------------------------------------------------------------------------
# Certificates, tokens, kubeconfigs


def _write_private(path: Path, data: bytes | str) -> None:
    raw = data.encode() if isinstance(data, str) else data
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(raw)
    os.chmod(path, 0o600)


def _create_pki(pki: Path) -> None:
    """CA, apiserver serving certificate, service-account key pair (``cryptography``), 10 years."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    def name(common_name: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "fastish localcloud"),
                x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            ]
        )

    def pem_key(key: Any) -> bytes:
        return key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )

    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    until = now + dt.timedelta(days=3650)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = name("fastish localcloud Kubernetes CA")
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    service_ip = next(ipaddress.ip_network(SERVICE_CIDR).hosts())
    server_key = ec.generate_private_key(ec.SECP256R1())
    dns = ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"]
    dns.append("kubernetes.default.svc.cluster.local")
    sans = [x509.DNSName(d) for d in dns] + [
        x509.IPAddress(ipaddress.ip_address(HOST)),
        x509.IPAddress(service_ip),
    ]
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(name("kube-apiserver"))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    sa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pki.mkdir(parents=True, exist_ok=True)
    _write_private(pki / "ca.key", pem_key(ca_key))
    _write_private(pki / "apiserver.key", pem_key(server_key))
    _write_private(pki / "sa.key", pem_key(sa_key))
    (pki / "sa.pub").write_bytes(
        sa_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    (pki / "apiserver.crt").write_bytes(server_cert.public_bytes(serialization.Encoding.PEM))
    (pki / "ca.crt").write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))  # last: marks "complete"


# Static token users: (file, user, uid, groups).
_TOKEN_USERS = (
    ("admin.token", f"{CLUSTER_NAME}-admin", "localcloud-admin", "system:masters"),
    ("controller-manager.token", "system:kube-controller-manager", "localcloud-kcm", ""),
    # The stand-in kubelet binds pods (the Node authorizer does not let a node do that): cluster admin.
    ("stand-in-kubelet.token", "system:localcloud:stand-in-kubelet", "localcloud-kubelet", "system:masters"),
)


def _ensure_tokens(pki: Path) -> None:
    rows = []
    for filename, user, uid, groups in _TOKEN_USERS:
        path = pki / filename
        if not path.exists():
            _write_private(path, secrets.token_hex(24))
        token = path.read_text().strip()
        rows.append(f'{token},{user},{uid},"{groups}"' if groups else f"{token},{user},{uid}")
    _write_private(pki / "tokens.csv", "\n".join(rows) + "\n")


def kubeconfig_document(server: str, ca_pem: bytes, token: str, user: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": CLUSTER_NAME,
                "cluster": {
                    "server": server,
                    "certificate-authority-data": base64.b64encode(ca_pem).decode(),
                },
            }
        ],
        "users": [{"name": user, "user": {"token": token}}],
        "contexts": [
            {"name": CLUSTER_NAME, "context": {"cluster": CLUSTER_NAME, "user": user, "namespace": "default"}}
        ],
        "current-context": CLUSTER_NAME,
        "preferences": {},
    }


# --------------------------------------------------------------------------------------------------------


Say = Callable[[str], None]


@dataclass
class LocalKubernetes:
    """The Kubernetes half of one local cloud (state dir + AWS port)."""

    state_dir: Path
    aws_port: int
    binaries: Path = field(default_factory=bin_dir)
    crds: Path = field(default_factory=crds_dir)
    _children: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.state_dir = Path(self.state_dir)

    # ---- paths

    @property
    def dir(self) -> Path:
        return self.state_dir / "k8s"

    @property
    def pki(self) -> Path:
        return self.dir / "pki"

    @property
    def logs(self) -> Path:
        return self.dir / "logs"

    @property
    def kubeconfig(self) -> Path:
        return self.dir / "kubeconfig"

    @property
    def info_file(self) -> Path:
        return self.dir / "k8s.json"

    @property
    def ports(self) -> K8sPorts:
        return ports_for(self.aws_port)

    @property
    def endpoint(self) -> str:
        return f"https://{HOST}:{self.ports.apiserver}"

    def log_file(self, component: str) -> Path:
        return self.logs / f"{component}.log"

    def pid_file(self, component: str) -> Path:
        return self.dir / f"{component}.pid"

    def missing_binaries(self) -> list[str]:
        return missing_binaries(self.binaries)

    # ---- process bookkeeping

    def _read_pid(self, component: str) -> int | None:
        try:
            return int(self.pid_file(component).read_text().strip())
        except (OSError, ValueError):
            return None

    def pids(self) -> dict[str, int | None]:
        """Recorded pid of each component, or None when it is not running (or not ours)."""
        result: dict[str, int | None] = {}
        for component in COMPONENTS:
            pid = self._read_pid(component)
            ok = pid is not None and pid_alive(pid) and _cmdline_has(pid, f"{self.dir}/")
            result[component] = pid if ok else None
        return result

    def running(self) -> bool:
        """Every component runs."""
        return all(self.pids().values())

    def started(self) -> bool:
        """At least one component has a pid file (possibly stale)."""
        return any(self.pid_file(component).exists() for component in COMPONENTS)

    def info(self) -> dict[str, Any]:
        try:
            return json.loads(self.info_file.read_text())
        except (OSError, ValueError):
            return {}

    # ---- HTTP to the apiserver (admin token)

    def _token(self, filename: str = "admin.token") -> str:
        return (self.pki / filename).read_text().strip()

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        content_type: str = "application/json",
        accept: str = "application/json",
        timeout: float = 30,
    ) -> tuple[int, Any]:
        """(status, parsed JSON or text) of an admin request; HTTP errors are returned, not raised."""
        context = ssl.create_default_context(cafile=str(self.pki / "ca.crt"))
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.endpoint + path, method=method, data=data)
        request.add_header("Authorization", f"Bearer {self._token()}")
        request.add_header("Accept", accept)
        if data is not None:
            request.add_header("Content-Type", content_type)
        try:
            opener = urllib.request.build_opener(  # never through an HTTP(S)_PROXY: loopback only
                urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context)
            )
            with opener.open(request, timeout=timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        try:
            return status, json.loads(raw) if raw.strip() else None
        except ValueError:
            return status, raw.decode(errors="replace")

    def ready(self, timeout: float = 2) -> bool:
        try:
            status, _ = self.request("GET", "/readyz", timeout=timeout)
        except (OSError, ValueError):
            return False
        return status == 200

    def node_ready(self) -> bool:
        try:
            status, node = self.request("GET", f"/api/v1/nodes/{NODE_NAME}", timeout=5)
        except (OSError, ValueError):
            return False
        if status != 200:
            return False
        conditions = node.get("status", {}).get("conditions") or []
        return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)

    # ---- start

    def start(self, *, detach: bool = True, timeout: float = 60, say: Say = print) -> dict[str, Any]:
        """Start etcd, kube-apiserver, kube-controller-manager and the stand-in kubelet; wait until ready.

        Idempotent: when everything already runs and answers, nothing is restarted. ``detach``: the
        processes get their own session and outlive this process (the CLI's ``up``); otherwise they
        receive SIGTERM when this process exits (tests). Raises K8sError (with a log tail) on failure,
        after stopping what it started.
        """
        missing = self.missing_binaries()
        if missing:
            raise K8sError(
                f"Kubernetes binaries not built ({', '.join(missing)} missing in {self.binaries}); "
                f"run `{BUILD_HINT}` once (about 6 min)"
            )
        if self.running() and self.ready():
            say(f"kubernetes is already running ({self.endpoint})")
            return {"already_running": True, **self.info()}
        if self.started():
            self.stop(say=lambda _msg: None)  # leftovers of a crashed or partial start
        busy = [f"{label} {port}" for label, port in self.ports.items() if not port_free(port)]
        if busy:
            raise K8sError(
                f"port(s) in use on {HOST}: {', '.join(busy)} (derived from the AWS port {self.aws_port}: "
                f"+{PORT_OFFSETS['apiserver']}/+{PORT_OFFSETS['etcd_client']}/+{PORT_OFFSETS['etcd_peer']}); "
                "choose another FASTISH_LOCALCLOUD_PORT"
            )
        t0 = time.monotonic()
        deadline = t0 + timeout
        self._prepare()
        template = self.template_dir()
        seeded = _seed_from_template(template, self.dir / "etcd")
        timings: dict[str, float] = {}
        try:
            self._start_storage(detach, deadline)
            timings["apiserver_ready_s"] = round(time.monotonic() - t0, 2)
            crds = self._apply_crds(say, deadline=deadline)
            timings["crds_established_s"] = round(time.monotonic() - t0, 2)
            if not seeded:
                self._save_template(template, detach, deadline + timeout)  # once per binaries + CRDs
                timings["template_saved_s"] = round(time.monotonic() - t0, 2)
                deadline += timeout
            self._spawn("kube-controller-manager", self._controller_manager_command(), detach)
            self._spawn("stand-in-kubelet", self._kubelet_command(), detach)
            self._wait("node Ready (stand-in kubelet)", self.node_ready, COMPONENTS, deadline)
        except BaseException:
            self.stop(say=lambda _msg: None)
            raise
        timings["ready_s"] = round(time.monotonic() - t0, 2)
        info = {
            "version": K8S_VERSION,
            "endpoint": self.endpoint,
            "kubeconfig": str(self.kubeconfig),
            "ports": {
                "apiserver": self.ports.apiserver,
                "etcd_client": self.ports.etcd_client,
                "etcd_peer": self.ports.etcd_peer,
            },
            "pids": {c: self._read_pid(c) for c in COMPONENTS},
            "binaries": str(self.binaries),
            "crds": crds,
            "etcd_template": {"path": str(template), "used": seeded},
            "node": NODE_NAME,
            "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "timings": timings,
        }
        self.info_file.write_text(json.dumps(info, indent=2) + "\n")
        return info

    def _prepare(self) -> None:
        for directory in (self.dir, self.logs):
            directory.mkdir(parents=True, exist_ok=True)
        required = ("ca.crt", "ca.key", "apiserver.crt", "apiserver.key", "sa.key", "sa.pub")
        if not all((self.pki / name).exists() for name in required):
            _create_pki(self.pki)
        _ensure_tokens(self.pki)
        ca_pem = (self.pki / "ca.crt").read_bytes()
        import yaml

        admin = kubeconfig_document(self.endpoint, ca_pem, self._token(), f"{CLUSTER_NAME}-admin")
        _write_private(self.kubeconfig, yaml.safe_dump(admin, sort_keys=False))
        kcm = kubeconfig_document(
            self.endpoint, ca_pem, self._token("controller-manager.token"), "system:kube-controller-manager"
        )
        _write_private(self.dir / "controller-manager.kubeconfig", yaml.safe_dump(kcm, sort_keys=False))
        shutil.rmtree(self.dir / "etcd", ignore_errors=True)  # every start begins with an empty cluster
        self.info_file.unlink(missing_ok=True)

    def _start_storage(self, detach: bool, deadline: float) -> None:
        """etcd + kube-apiserver, until /readyz answers."""
        self._spawn("etcd", self._etcd_command(), detach)
        self._spawn("kube-apiserver", self._apiserver_command(), detach)
        self._wait("kube-apiserver /readyz", self.ready, ("etcd", "kube-apiserver"), deadline)

    def template_dir(self) -> Path:
        """Where the etcd template for these binaries, settings and CRD files lives (it may not exist yet).

        A template is the etcd data of a cluster that has bootstrapped (namespaces, RBAC, priority
        classes) and has the CRDs established, before kube-controller-manager or the kubelet ran (so it
        holds no service-account tokens and no node). Starting from a copy skips that work: the cluster is
        still new and empty, only sooner. Kept in the cache, outside the repository.
        """
        parts = [TEMPLATE_FORMAT, K8S_VERSION, SERVICE_CIDR, SERVICE_ACCOUNT_ISSUER]
        for binary in ("etcd", "kube-apiserver"):
            stat = (self.binaries / binary).stat()
            parts.append(f"{binary} {stat.st_size} {int(stat.st_mtime)}")
        if self.crds.is_dir():
            for path in _crd_files(self.crds):
                parts.append(f"{path.name} {hashlib.sha256(path.read_bytes()).hexdigest()}")
        key = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
        return cache_root() / K8S_VERSION / "etcd-templates" / key

    def _save_template(self, template: Path, detach: bool, deadline: float) -> None:
        """Stop apiserver + etcd, keep a copy of the data as ``template``, start both again."""
        for component in ("kube-apiserver", "etcd"):
            self._stop_component(component, timeout=15)
        with _template_lock(template, fcntl.LOCK_EX):
            if not template.exists():
                partial = template.with_name(f"{template.name}.{os.getpid()}.partial")
                shutil.rmtree(partial, ignore_errors=True)
                _copy_etcd_data(self.dir / "etcd", partial)
                partial.rename(template)
                # keep the most recently used templates (other CRD folders, older binaries go)
                others = [d for d in template.parent.iterdir() if d.is_dir() and d != template]
                for old in sorted(others, key=lambda d: d.stat().st_mtime)[: max(0, len(others) - 3)]:
                    shutil.rmtree(old, ignore_errors=True)
        self._start_storage(detach, deadline)

    def _etcd_command(self) -> list[str]:
        client = f"http://{HOST}:{self.ports.etcd_client}"
        peer = f"http://{HOST}:{self.ports.etcd_peer}"
        return [
            str(self.binaries / "etcd"),
            "--name=localcloud",
            f"--data-dir={self.dir / 'etcd'}",
            f"--listen-client-urls={client}",
            f"--advertise-client-urls={client}",
            f"--listen-peer-urls={peer}",
            f"--initial-advertise-peer-urls={peer}",
            f"--initial-cluster=localcloud={peer}",
            "--initial-cluster-state=new",
            "--unsafe-no-fsync",  # throw-away data: speed over durability
            "--logger=zap",
        ]

    def _apiserver_command(self) -> list[str]:
        pki = self.pki
        return [
            str(self.binaries / "kube-apiserver"),
            f"--etcd-servers=http://{HOST}:{self.ports.etcd_client}",
            f"--bind-address={HOST}",
            # The `kubernetes` Service's endpoint. Endpoints may not hold loopback addresses, so with
            # 127.0.0.1 the apiserver would fail to sync them every 10 s: a documentation address (RFC
            # 5737, never routed) instead; nothing in the cluster connects to it (no pod runs).
            f"--advertise-address={ADVERTISE_ADDRESS}",
            f"--external-hostname={HOST}",
            f"--secure-port={self.ports.apiserver}",
            "--insecure-port=0",
            f"--tls-cert-file={pki / 'apiserver.crt'}",
            f"--tls-private-key-file={pki / 'apiserver.key'}",
            f"--client-ca-file={pki / 'ca.crt'}",
            f"--token-auth-file={pki / 'tokens.csv'}",
            f"--service-account-issuer={SERVICE_ACCOUNT_ISSUER}",
            f"--service-account-key-file={pki / 'sa.pub'}",
            f"--service-account-signing-key-file={pki / 'sa.key'}",
            f"--service-cluster-ip-range={SERVICE_CIDR}",
            "--authorization-mode=Node,RBAC",
            "--allow-privileged=true",
            # No token volumes: the stand-in kubelet mounts nothing, and pods need not wait for the
            # token controller (a real 1.20 cluster would reject them until the token secret exists).
            "--disable-admission-plugins=ServiceAccount",
            "--profiling=false",
            "--event-ttl=1h",
        ]

    def _controller_manager_command(self) -> list[str]:
        pki = self.pki
        return [
            str(self.binaries / "kube-controller-manager"),
            f"--kubeconfig={self.dir / 'controller-manager.kubeconfig'}",
            "--leader-elect=false",
            "--port=0",  # no insecure port
            "--secure-port=0",  # no HTTPS port either: nothing to collide with
            "--use-service-account-credentials=true",
            f"--service-account-private-key-file={pki / 'sa.key'}",
            f"--root-ca-file={pki / 'ca.crt'}",
            f"--cluster-signing-cert-file={pki / 'ca.crt'}",
            f"--cluster-signing-key-file={pki / 'ca.key'}",
            f"--service-cluster-ip-range={SERVICE_CIDR}",
            f"--cluster-name={CLUSTER_NAME}",
        ]

    def _kubelet_command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "tools.localcloud.fake_kubelet",
            f"--server={self.endpoint}",
            f"--ca-file={self.pki / 'ca.crt'}",
            f"--token-file={self.pki / 'stand-in-kubelet.token'}",
            f"--node-name={NODE_NAME}",
        ]

    def _spawn(self, component: str, command: list[str], detach: bool) -> None:
        with open(self.log_file(component), "wb") as logfile:  # the log of the current run
            process = subprocess.Popen(
                command,
                cwd=REPO_ROOT,
                stdin=subprocess.DEVNULL,
                stdout=logfile,
                stderr=subprocess.STDOUT,
                start_new_session=detach,
                preexec_fn=None if detach else _die_with_parent,
            )
        self._children[component] = process
        self.pid_file(component).write_text(f"{process.pid}\n")

    def _wait(
        self, what: str, check: Callable[[], bool], components: tuple[str, ...], deadline: float
    ) -> None:
        while True:
            for component in components:
                pid = self._read_pid(component)
                process = self._children.get(component)
                exited = process.poll() is not None if process else (pid is None or not pid_alive(pid))
                if exited:
                    raise K8sError(f"{component} exited while waiting for {what}; {self.tail(component)}")
            if check():
                return
            if time.monotonic() > deadline:
                names = ", ".join(components)
                raise K8sError(
                    f"timed out waiting for {what} (logs of {names} in {self.logs}); "
                    f"{self.tail(components[-1])}"
                )
            time.sleep(0.1)

    def tail(self, component: str, lines: int = 20) -> str:
        path = self.log_file(component)
        try:
            text = "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            text = "(no log)"
        return f"{path} ends with:\n{text}"

    # ---- CRDs

    def _apply_crds(self, say: Say, deadline: float) -> dict[str, Any]:
        """Create the CRDs of the CRD folder (no client-side validation) and wait until established."""
        folder = self.crds
        if not folder.is_dir():
            say(
                f"kubernetes: no CRD folder {folder} (${ENV_CRDS}): custom resources that need "
                "third-party CRDs (NodePool, EC2NodeClass, ServiceMonitor, ExternalSecret, ...) "
                "will be reported as skipped"
            )
            return {"folder": str(folder), "applied": [], "note": "folder absent"}
        names: list[str] = []
        adapted: dict[str, int] = {}
        pending: set[str] = set()
        existing = self._crd_digests()
        for path in _crd_files(folder):
            for document in _load_yaml_documents(path):
                if not isinstance(document, dict) or document.get("kind") != "CustomResourceDefinition":
                    continue
                name, dropped, written = self._apply_crd(document, path, existing)
                names.append(name)
                if dropped:
                    adapted[name] = dropped
                if written:
                    pending.add(name)
        written = len(pending)
        while pending:
            for name in sorted(pending):
                status, crd = self.request("GET", f"{CRD_API}/{name}")
                conditions = (crd.get("status") or {}).get("conditions") or [] if status == 200 else []
                if any(c.get("type") == "Established" and c.get("status") == "True" for c in conditions):
                    pending.discard(name)
            if pending and time.monotonic() > deadline:
                raise K8sError(f"CRDs not established in time: {', '.join(sorted(pending))}")
            if pending:
                time.sleep(0.2)
        note = ""
        if adapted:
            note = f" (v1.20: dropped {sum(adapted.values())} empty-string defaults of {', '.join(adapted)})"
        origin = f"{written} applied now" if written else "all from the etcd template"
        say(f"kubernetes: {len(names)} CRDs from {folder} established ({origin}){note}")
        return {"folder": str(folder), "applied": names, "empty_string_defaults_dropped": adapted}

    def _crd_digests(self) -> dict[str, str]:
        """name -> source digest annotation of the CRDs the server has (metadata only: small)."""
        accept = "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json"
        status, body = self.request("GET", CRD_API, accept=accept)
        if status != 200 or not isinstance(body, dict):
            return {}
        digests = {}
        for item in body.get("items") or []:
            annotations = item["metadata"].get("annotations") or {}
            digests[item["metadata"]["name"]] = annotations.get(CRD_SOURCE_ANNOTATION, "")
        return digests

    def _apply_crd(
        self, document: dict[str, Any], path: Path, existing: dict[str, str]
    ) -> tuple[str, int, bool]:
        """Create or update one CRD unless the server has this very version (from an etcd template).

        Returns its name, how many schema defaults were dropped, and whether it was written (then it
        has to become established).
        """
        digest = hashlib.sha256(json.dumps(document, sort_keys=True, default=str).encode()).hexdigest()
        document = json.loads(json.dumps(document, default=str))  # dates etc. as strings
        dropped = sum(
            _drop_empty_string_defaults(version.get("schema"))
            for version in document.get("spec", {}).get("versions") or []
        )
        metadata = document.setdefault("metadata", {})
        metadata.pop("creationTimestamp", None)
        metadata["annotations"] = {**(metadata.get("annotations") or {}), CRD_SOURCE_ANNOTATION: digest}
        name = metadata["name"]
        if existing.get(name) == digest:
            return name, dropped, False
        status, body = self.request("POST", CRD_API, document)
        if status == 409:
            status, current = self.request("GET", f"{CRD_API}/{name}")
            if status == 200:
                metadata["resourceVersion"] = current["metadata"]["resourceVersion"]
                status, body = self.request("PUT", f"{CRD_API}/{name}", document)
        if status not in (200, 201):
            message = body.get("message") if isinstance(body, dict) else body
            raise K8sError(f"applying CRD {name} from {path}: HTTP {status}: {message}")
        return name, dropped, True

    # ---- stop / reset / status

    def _stop_component(self, component: str, timeout: float) -> int | None:
        """Stop one component by its recorded pid (if it runs and is ours); returns the pid it stopped."""
        pid = self._read_pid(component)
        process = self._children.pop(component, None)
        stopped = None
        if pid is not None and pid_alive(pid) and _cmdline_has(pid, f"{self.dir}/"):
            if not _terminate(pid, timeout, process):
                raise K8sError(f"{component} (pid {pid}) did not exit after SIGKILL")
            stopped = pid
        elif process is not None:
            process.poll()  # reap
        self.pid_file(component).unlink(missing_ok=True)
        return stopped

    def stop(self, timeout: float = 15, say: Say = print) -> list[str]:
        """Stop every component by its recorded pid, kubelet first, etcd last; wait for each to exit."""
        stopped: list[str] = []
        for component in STOP_ORDER:
            pid = self._stop_component(component, timeout)
            if pid is not None:
                stopped.append(f"{component} (pid {pid})")
        self.info_file.unlink(missing_ok=True)
        if stopped:
            say(f"kubernetes stopped: {', '.join(stopped)}")
        return stopped

    def reset(self, *, detach: bool = True, say: Say = print) -> dict[str, Any]:
        """Wipe every Kubernetes object: restart the control plane from an empty etcd (same kubeconfig)."""
        self.stop(say=lambda _msg: None)
        return self.start(detach=detach, say=say)

    def status(self) -> dict[str, Any]:
        pids = self.pids()
        running = [c for c, pid in pids.items() if pid]
        if not running:
            state = "stopped"
        elif len(running) < len(COMPONENTS):
            state = "degraded"
        else:
            state = "running" if self.ready() else "not answering"
        return {
            "state": state,
            "endpoint": self.endpoint,
            "kubeconfig": str(self.kubeconfig),
            "version": K8S_VERSION,
            "pids": pids,
            "binaries": str(self.binaries),
            "missing_binaries": self.missing_binaries(),
            "crds": self.info().get("crds", {}),
        }


def _crd_files(folder: Path) -> list[Path]:
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


@contextlib.contextmanager
def _template_lock(template: Path, mode: int) -> Any:
    template.parent.mkdir(parents=True, exist_ok=True)
    with open(template.parent / ".lock", "w") as lock:
        fcntl.flock(lock, mode)
        yield


def _seed_from_template(template: Path, destination: Path) -> bool:
    """Copy the etcd template (if there is one) into ``destination``; True if it did."""
    if not template.is_dir():
        return False
    with _template_lock(template, fcntl.LOCK_SH):
        if not _copy_etcd_data(template, destination):
            return False
        os.utime(template)  # recently used: kept when old templates are pruned
    return True


def _copy_etcd_data(source: Path, destination: Path) -> bool:
    """Copy an etcd data dir (without the preallocated ``*.tmp`` WAL segment); False if none exists."""
    if not (source / "member").is_dir():
        return False
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns("*.tmp"))
    return True


def _load_yaml_documents(path: Path) -> list[Any]:
    """The YAML documents of ``path``; parsed once per content, then read from a JSON cache outside the
    repository (<k8s cache>/crd-json/<sha256>.json): YAML parsing of the 1.7 MB of CRDs takes ~1 s."""
    raw = path.read_bytes()
    cache = cache_root() / "crd-json" / f"{hashlib.sha256(raw).hexdigest()}.json"
    with contextlib.suppress(OSError, ValueError):
        return list(json.loads(cache.read_text()))
    import yaml

    documents = list(yaml.load_all(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    with contextlib.suppress(OSError, TypeError, ValueError):
        cache.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(documents, default=str))
        temporary.replace(cache)
    return documents


def _drop_empty_string_defaults(schema: Any) -> int:
    """Remove ``default: ""`` of string properties, in place; returns how many.

    kube-apiserver v1.20.2 rejects them ("default: Invalid value: "null": in body must be of type string"),
    later versions accept them. Only the defaulting of those fields is lost; validation is unchanged.
    """
    count = 0
    if isinstance(schema, dict):
        if schema.get("default") == "" and schema.get("type") == "string":
            del schema["default"]
            count += 1
        for value in schema.values():
            count += _drop_empty_string_defaults(value)
    elif isinstance(schema, list):
        for item in schema:
            count += _drop_empty_string_defaults(item)
    return count


def _terminate(pid: int, timeout: float, process: subprocess.Popen[bytes] | None = None) -> bool:
    """SIGTERM, wait up to ``timeout`` s, then SIGKILL. True if the process is gone."""

    def gone() -> bool:
        if process is not None:
            return process.poll() is not None
        return not pid_alive(pid)

    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return True
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if gone():
                return True
            time.sleep(0.05)
    return gone()
