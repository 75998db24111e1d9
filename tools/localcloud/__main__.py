"""CLI: ``python -m tools.localcloud {up,down,status,reset,requests,serve}``.

State directory: ``--state-dir``, else $FASTISH_LOCALCLOUD_DIR, else <repo>/.localcloud.
Port: ``--port``, else (for commands other than up/serve) the port the running server recorded in
<state>/server.json, else $FASTISH_LOCALCLOUD_PORT, else 5400. Only 127.0.0.1 is ever bound.

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
from .client import LocalCloud, LocalCloudError, spawn_server, wait_healthy

EXIT_OK, EXIT_ERROR, EXIT_NOT_RUNNING = 0, 1, 3


# --------------------------------------------------------------------------------------------------------
# pid / state helpers


def _read_pid(state: Path) -> int | None:
    try:
        return int((state / PID_FILE).read_text().strip())
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
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


def _is_ours(pid: int) -> bool:
    """Guard against a recycled pid: the process must be a ``tools.localcloud`` server."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True  # no /proc: trust the pid file
    return b"tools.localcloud" in cmdline


def _running_pid(state: Path) -> int | None:
    pid = _read_pid(state)
    return pid if pid is not None and _alive(pid) and _is_ours(pid) else None


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
            return EXIT_OK
        print(
            f"localcloud process {pid} is running but {cloud.endpoint} does not answer; "
            f"see {state / LOG_FILE}, or run 'down' first",
            file=sys.stderr,
        )
        return EXIT_ERROR
    _clear_state(state)  # stale pid file / server.json from a crashed server

    cloud = _cloud(args, use_recorded=False)
    process = spawn_server(cloud, detach=True)
    (state / PID_FILE).write_text(f"{process.pid}\n")
    try:
        wait_healthy(cloud, process, timeout=args.timeout)
    except LocalCloudError as exc:
        _terminate(process.pid, timeout=5)
        process.poll()
        _clear_state(state)
        print(f"localcloud failed to start: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(f"localcloud is up (pid {process.pid}), log {state / LOG_FILE}")
    _print_endpoint(cloud)
    return EXIT_OK


def _terminate(pid: int, timeout: float) -> bool:
    """SIGTERM, wait up to ``timeout`` s, then SIGKILL. True if the process is gone."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return False


def cmd_down(args: argparse.Namespace) -> int:
    state = state_dir(args.state_dir)
    pid = _read_pid(state)
    if pid is None:
        print("localcloud is not running (no pid file)")
        _clear_state(state)
        return EXIT_OK
    if not _alive(pid) or not _is_ours(pid):
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
        return EXIT_NOT_RUNNING
    if not healthy:
        print(f"localcloud process {pid} is running but {cloud.endpoint} does not answer", file=sys.stderr)
        return EXIT_ERROR
    health = cloud.health()
    owner = f"pid {pid}" if pid is not None else "not started by 'up'"
    print(f"localcloud is running ({owner}), moto {health.get('moto_version')}")
    _print_endpoint(cloud)
    print(f"  {'patches:':<12}{', '.join(health.get('patches', [])) or '(none)'}")
    return EXIT_OK


def cmd_reset(args: argparse.Namespace) -> int:
    _cloud(args).reset()
    print("localcloud reset: moto state wiped, request log cleared")
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
    up.set_defaults(func=cmd_up)

    down = sub.add_parser("down", parents=[common], help="stop the background server")
    down.add_argument("--timeout", type=float, default=10, help="seconds before SIGKILL (default 10)")
    down.set_defaults(func=cmd_down)

    sub.add_parser("status", parents=[common], help="is it running? (exit 3 if not)").set_defaults(
        func=cmd_status
    )
    sub.add_parser("reset", parents=[common], help="wipe moto state and the request log").set_defaults(
        func=cmd_reset
    )
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
