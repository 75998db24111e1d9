"""CLI: ``python -m tools.localcloud {up,down,status,reset,requests,serve}``.

State directory: ``--state-dir``, else $FASTISH_LOCALCLOUD_DIR, else <repo>/.localcloud.
Port: ``--port``, else (for commands other than up/serve) the port the running server recorded in
<state>/server.json, else $FASTISH_LOCALCLOUD_PORT, else 5400. Only 127.0.0.1 is ever bound.

Kubernetes (k8s.py): ``up`` also starts etcd + kube-apiserver + kube-controller-manager + the stand-in
kubelet, on ports derived from the AWS port, when the binaries are built (``make k8s-build``); skip it
with ``--no-k8s`` or FASTISH_LOCALCLOUD_K8S=0. ``down`` stops them (by pid) before the AWS server.

Exit codes: 0 ok; 1 error; ``status`` returns 3 when the server is not running.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import time
from pathlib import Path

from . import LOG_FILE, PID_FILE, SERVER_INFO_FILE, default_port, state_dir
from . import k8s as kube
from .client import LocalCloud, LocalCloudError, spawn_server, wait_healthy

EXIT_OK, EXIT_ERROR, EXIT_NOT_RUNNING = 0, 1, 3


# --------------------------------------------------------------------------------------------------------
# pid / state helpers


def _read_pid(state: Path) -> int | None:
    try:
        return int((state / PID_FILE).read_text().strip())
    except (OSError, ValueError):
        return None


def _is_ours(pid: int) -> bool:
    """Guard against a recycled pid: the process must be a ``tools.localcloud`` server."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True  # no /proc: trust the pid file
    return b"tools.localcloud" in cmdline


def _running_pid(state: Path) -> int | None:
    pid = _read_pid(state)
    return pid if pid is not None and kube.pid_alive(pid) and _is_ours(pid) else None


def _clear_state(state: Path) -> None:
    for name in (PID_FILE, SERVER_INFO_FILE):
        (state / name).unlink(missing_ok=True)


def _recorded_ports(state: Path) -> tuple[int | None, int | None]:
    try:
        info = json.loads((state / SERVER_INFO_FILE).read_text())
        return info.get("port"), info.get("http_port")
    except (OSError, ValueError, AttributeError):
        return None, None


def _cloud(args: argparse.Namespace, *, port: int | None = None, use_recorded: bool = True) -> LocalCloud:
    """Port: ``port``, else --port, else the running server's (server.json), else env / 5400."""
    state = state_dir(args.state_dir)
    recorded_port, recorded_http = _recorded_ports(state) if use_recorded else (None, None)
    port = port or args.port or recorded_port or default_port()
    http_port = getattr(args, "http_port", None) or (recorded_http if port == recorded_port else None)
    return LocalCloud(port=port, state_dir=state, http_port=http_port)


def _print_endpoint(cloud: LocalCloud) -> None:
    rows = [("endpoint", cloud.endpoint), ("plain HTTP", cloud.http_endpoint), ("CA bundle", cloud.ca_bundle)]
    rows.append(("use", f"export AWS_ENDPOINT_URL={cloud.endpoint} AWS_CA_BUNDLE={cloud.ca_bundle}"))
    for label, value in rows:
        if value:
            print(f"  {label + ':':<12}{value}")


# --------------------------------------------------------------------------------------------------------
# commands


def _kubernetes_wanted(args: argparse.Namespace) -> bool:
    return not getattr(args, "no_k8s", False) and kube.enabled_by_env()


def _kubernetes_lines(kubernetes: kube.LocalKubernetes) -> list[str]:
    return [
        f"  {'kubernetes:':<12}{kubernetes.endpoint} ({kube.K8S_VERSION})",
        f"  {'kubeconfig:':<12}{kubernetes.kubeconfig}",
        f"  {'use':<12}export KUBECONFIG={kubernetes.kubeconfig}",
    ]


Messages = list[tuple[str, bool]]  # (line, is_error)


def _flush(messages: Messages) -> None:
    for line, is_error in messages:
        print(line, file=sys.stderr if is_error else sys.stdout)


def _up_kubernetes(args: argparse.Namespace, state: Path, aws_port: int) -> tuple[int, Messages]:
    """Start Kubernetes for the AWS server of ``aws_port`` (when wanted and built); (exit code, output)."""
    kubernetes = kube.LocalKubernetes(state, aws_port)
    if not _kubernetes_wanted(args):
        return EXIT_OK, [("kubernetes: not started (--no-k8s or FASTISH_LOCALCLOUD_K8S=0)", False)]
    missing = kubernetes.missing_binaries()
    if missing:
        return EXIT_OK, [
            (
                f"kubernetes: not started: binaries not built ({', '.join(missing)} missing in "
                f"{kubernetes.binaries}); build them once with `{kube.BUILD_HINT}` (about 6 min), "
                "then run 'up' again. AWS only for now.",
                False,
            )
        ]
    messages: Messages = []
    t0 = time.monotonic()
    try:
        info = kubernetes.start(
            detach=True, timeout=args.timeout + 90, say=lambda line: messages.append((line, False))
        )
    except kube.K8sError as exc:
        return EXIT_ERROR, [
            *messages,
            (f"kubernetes failed to start (AWS is up; 'down' stops it): {exc}", True),
        ]
    if not info.get("already_running"):
        messages.append((f"kubernetes is up in {time.monotonic() - t0:.1f} s, logs {kubernetes.logs}", False))
    return EXIT_OK, messages + [(line, False) for line in _kubernetes_lines(kubernetes)]


def cmd_up(args: argparse.Namespace) -> int:
    state = state_dir(args.state_dir)
    state.mkdir(parents=True, exist_ok=True)
    pid = _running_pid(state)
    if pid is not None:
        recorded_port, _ = _recorded_ports(state)
        cloud = _cloud(args, port=recorded_port)
        if cloud.is_healthy():
            note = f"; --port {args.port} ignored" if args.port and args.port != cloud.port else ""
            print(f"localcloud is already running (pid {pid}){note}")
            _print_endpoint(cloud)
            code, messages = _up_kubernetes(args, state, cloud.port)
            _flush(messages)
            return code
        print(
            f"localcloud process {pid} is running but {cloud.endpoint} does not answer; "
            f"see {state / LOG_FILE}, or run 'down' first",
            file=sys.stderr,
        )
        return EXIT_ERROR
    _clear_state(state)  # stale pid file / server.json from a crashed server

    cloud = _cloud(args, use_recorded=False)
    t0 = time.monotonic()
    process = spawn_server(cloud, detach=True)
    (state / PID_FILE).write_text(f"{process.pid}\n")
    # Kubernetes starts while the AWS server imports moto (its ports only depend on the AWS port).
    k8s_code, k8s_messages = _up_kubernetes(args, state, cloud.port)
    try:
        wait_healthy(cloud, process, timeout=args.timeout)
    except LocalCloudError as exc:
        _down_kubernetes(state, cloud.port, timeout=10)
        _terminate(process.pid, timeout=5)
        process.poll()
        _clear_state(state)
        print(f"localcloud failed to start: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(f"localcloud is up (pid {process.pid}), log {state / LOG_FILE}")
    _print_endpoint(cloud)
    _flush(k8s_messages)
    print(f"up in {time.monotonic() - t0:.1f} s")
    return k8s_code


def _terminate(pid: int, timeout: float) -> bool:
    """SIGTERM, wait up to ``timeout`` s, then SIGKILL. True if the process is gone."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not kube.pid_alive(pid):
            return True
        time.sleep(0.1)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if not kube.pid_alive(pid):
            return True
        time.sleep(0.1)
    return False


def _down_kubernetes(state: Path, aws_port: int, timeout: float) -> int:
    """Stop the Kubernetes processes of <state>/k8s: kubelet, controller manager, apiserver, etcd."""
    kubernetes = kube.LocalKubernetes(state, aws_port)
    if not kubernetes.started():
        return EXIT_OK
    try:
        if not kubernetes.stop(timeout=timeout):
            print("kubernetes is not running (stale pid files removed)")
    except kube.K8sError as exc:
        print(f"kubernetes: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


def cmd_down(args: argparse.Namespace) -> int:
    state = state_dir(args.state_dir)
    recorded_port, _ = _recorded_ports(state)
    if _down_kubernetes(state, args.port or recorded_port or default_port(), args.timeout) != EXIT_OK:
        return EXIT_ERROR
    pid = _read_pid(state)
    if pid is None:
        print("localcloud is not running (no pid file)")
        _clear_state(state)
        return EXIT_OK
    if not kube.pid_alive(pid) or not _is_ours(pid):
        print(f"localcloud is not running (stale pid file for {pid} removed)")
        _clear_state(state)
        return EXIT_OK
    if not _terminate(pid, timeout=args.timeout):
        print(f"localcloud process {pid} did not exit after SIGKILL", file=sys.stderr)
        return EXIT_ERROR
    _clear_state(state)
    print(f"localcloud stopped (pid {pid})")
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    state = state_dir(args.state_dir)
    pid = _running_pid(state)
    cloud = _cloud(args)
    healthy = cloud.ca_bundle.exists() and cloud.is_healthy()
    if pid is None and not healthy:
        print(f"localcloud is not running (state {state})")
        if kube.LocalKubernetes(state, cloud.port).started():
            _status_kubernetes(state, cloud.port)
        return EXIT_NOT_RUNNING
    if not healthy:
        print(f"localcloud process {pid} is running but {cloud.endpoint} does not answer", file=sys.stderr)
        return EXIT_ERROR
    health = cloud.health()
    owner = f"pid {pid}" if pid is not None else "not started by 'up'"
    print(f"localcloud is running ({owner}), moto {health.get('moto_version')}")
    _print_endpoint(cloud)
    print(f"  {'patches:':<12}{', '.join(health.get('patches', [])) or '(none)'}")
    return _status_kubernetes(state, cloud.port)


def _status_kubernetes(state: Path, aws_port: int) -> int:
    kubernetes = kube.LocalKubernetes(state, aws_port)
    status = kubernetes.status()
    if status["state"] == "stopped":
        if status["missing_binaries"]:
            print(f"kubernetes: not built (run `{kube.BUILD_HINT}`, then 'up')")
        else:
            print("kubernetes: not running (binaries built; 'up' starts it)")
        return EXIT_OK
    pids = ", ".join(f"{name} {pid or '-'}" for name, pid in status["pids"].items())
    print(f"kubernetes is {status['state']} ({pids})")
    for line in _kubernetes_lines(kubernetes):
        print(line)
    crds = status["crds"]
    if crds:
        applied = len(crds.get("applied", []))
        absent = "" if applied else " (folder absent)"
        print(f"  {'CRDs:':<12}{applied} from {crds.get('folder')}{absent}")
    return EXIT_OK if status["state"] == "running" else EXIT_ERROR


def cmd_reset(args: argparse.Namespace) -> int:
    cloud = _cloud(args)
    cloud.reset()
    print("localcloud reset: moto state wiped, request log cleared")
    kubernetes = kube.LocalKubernetes(cloud.state_dir, cloud.port)
    if getattr(args, "no_k8s", False) or not kubernetes.started():
        return EXIT_OK
    t0 = time.monotonic()
    try:
        kubernetes.reset(detach=True, say=lambda _msg: None)
    except kube.K8sError as exc:
        print(f"kubernetes reset failed: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(
        f"kubernetes reset in {time.monotonic() - t0:.1f} s: restarted with a new, empty cluster "
        f"(CRDs applied; kubeconfig {kubernetes.kubeconfig} unchanged)"
    )
    return EXIT_OK


def cmd_requests(args: argparse.Namespace) -> int:
    cloud = _cloud(args)
    print(json.dumps(cloud.requests(), indent=2))
    if args.clear:
        cloud.reset_requests()
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from .server import serve

    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    serve(
        port=args.port or default_port(),
        state=state_dir(args.state_dir),
        http_port=args.http_port,
        exit_with_parent=args.exit_with_parent,
    )
    return EXIT_OK


# --------------------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--state-dir", help="state directory (default: $FASTISH_LOCALCLOUD_DIR or <repo>/.localcloud)"
    )
    common.add_argument(
        "--port", type=int, help="HTTPS port on 127.0.0.1 (default: $FASTISH_LOCALCLOUD_PORT or 5400)"
    )

    parser = argparse.ArgumentParser(prog="python -m tools.localcloud", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    up = sub.add_parser("up", parents=[common], help="start the server in the background")
    up.add_argument("--http-port", type=int, help="also serve plain HTTP on this port")
    up.add_argument("--timeout", type=float, default=30, help="seconds to wait for health (default 30)")
    up.add_argument(
        "--no-k8s", action="store_true", help="AWS only, no Kubernetes (also FASTISH_LOCALCLOUD_K8S=0)"
    )
    up.set_defaults(func=cmd_up)

    down = sub.add_parser("down", parents=[common], help="stop the background server")
    down.add_argument(
        "--timeout", type=float, default=10, help="seconds before SIGKILL, per process (default 10)"
    )
    down.set_defaults(func=cmd_down)

    sub.add_parser("status", parents=[common], help="is it running? (exit 3 if not)").set_defaults(
        func=cmd_status
    )
    reset = sub.add_parser(
        "reset", parents=[common], help="wipe moto state, the request log and the Kubernetes objects"
    )
    reset.add_argument("--no-k8s", action="store_true", help="leave Kubernetes as it is")
    reset.set_defaults(func=cmd_reset)
    requests = sub.add_parser("requests", parents=[common], help="print the request log (JSON)")
    requests.add_argument("--clear", action="store_true", help="then empty the log (the moto state stays)")
    requests.set_defaults(func=cmd_requests)

    serve = sub.add_parser("serve", parents=[common], help="run the server in the foreground")
    serve.add_argument("--http-port", type=int, help="also serve plain HTTP on this port")
    serve.add_argument("--exit-with-parent", action="store_true", help="stop when the parent process exits")
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except LocalCloudError as exc:
        print(f"localcloud: {exc}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
