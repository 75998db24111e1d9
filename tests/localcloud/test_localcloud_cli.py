"""The CLI: up / status / reset / requests / down against a temporary state dir and free ports."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from tools.localcloud import REPO_ROOT
from tools.localcloud.client import LocalCloud, free_port


def _cli(
    state: Path, *args: str, port: int | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    # The AWS half only: tests/localcloud/test_k8s.py covers the Kubernetes half of the CLI.
    env = {**os.environ, "FASTISH_LOCALCLOUD_DIR": str(state), "FASTISH_LOCALCLOUD_K8S": "0"}
    if port:
        env["FASTISH_LOCALCLOUD_PORT"] = str(port)
    return subprocess.run(
        [sys.executable, "-m", "tools.localcloud", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _gone(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] == "Z"


def test_up_status_down(tmp_path):
    state, port = tmp_path / "state", free_port()

    assert _cli(state, "status", port=port).returncode == 3
    up = _cli(state, "up", port=port)
    assert up.returncode == 0, up.stderr
    assert f"https://127.0.0.1:{port}" in up.stdout
    assert str(state / "ca.pem") in up.stdout
    pid = int((state / "moto.pid").read_text())
    try:
        assert not _gone(pid)
        again = _cli(state, "up", port=port)
        assert again.returncode == 0 and "already running" in again.stdout

        status = _cli(state, "status", port=port)
        assert status.returncode == 0, status.stderr
        assert f"pid {pid}" in status.stdout and "s3-bucket-policy-secure-transport" in status.stdout

        cloud = LocalCloud(port=port, state_dir=state)
        cloud.client("sqs").create_queue(QueueName="cli-q")
        log = json.loads(_cli(state, "requests").stdout)  # port found via <state>/server.json
        assert (log["count"], log["mutating"]) == (1, 1)
        cleared = json.loads(_cli(state, "requests", "--clear").stdout)  # printed, then emptied
        assert cleared["count"] == 1 and json.loads(_cli(state, "requests").stdout)["count"] == 0
        assert "cli-q" in cloud.client("sqs").list_queues()["QueueUrls"][0]  # the state stays
        assert _cli(state, "reset").returncode == 0
        assert json.loads(_cli(state, "requests").stdout)["count"] == 0
        assert cloud.client("sqs").list_queues().get("QueueUrls", []) == []
    finally:
        down = _cli(state, "down", port=port)
    assert down.returncode == 0, down.stderr
    assert not (state / "moto.pid").exists()
    assert _gone(pid)
    assert _cli(state, "down", port=port).returncode == 0  # not running: still fine
    assert _cli(state, "status", port=port).returncode == 3


def test_up_reports_a_port_in_use_with_the_log(tmp_path):
    state = tmp_path / "state"
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        up = _cli(state, "up", "--timeout", "20", port=port)
    assert up.returncode == 1
    assert "failed to start" in up.stderr and "Address already in use" in up.stderr
    assert not (state / "moto.pid").exists()
