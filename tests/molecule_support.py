"""Helpers for the molecule scenarios' verify tests (molecule/<scenario>/tests/test_verify.py).

The verify playbooks run ``python -m pytest`` from the repository root, so ``tests`` is importable.
The local cloud is the one molecule runs against (FASTISH_LOCALCLOUD_PORT/DIR, set by
``make molecule``); outputs are where the scenario's FASTISH_OUTPUTS_DIR points.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parents[1]
ACCOUNT = "123456789012"
REGION = "us-east-1"


def _connection(region: str) -> dict[str, Any]:
    port = os.environ.get("FASTISH_LOCALCLOUD_PORT", "5400")
    state = os.environ.get("FASTISH_LOCALCLOUD_DIR", str(ROOT / ".localcloud"))
    return {
        "region_name": region,
        "endpoint_url": f"https://127.0.0.1:{port}",
        "verify": f"{state}/ca.pem",
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }


def aws_client(service: str, region: str = REGION) -> Any:
    """A boto3 client of the local cloud molecule runs against."""
    return boto3.client(service, **_connection(region))


def aws_resource(service: str, region: str = REGION) -> Any:
    """A boto3 resource (e.g. dynamodb Tables with plain Python values) of the same local cloud."""
    return boto3.resource(service, **_connection(region))


def release_outputs(host: str, synthesizer: str = "local") -> dict[str, Any]:
    """The outputs file a release wrote (roles/outputs)."""
    directory = Path(os.environ.get("FASTISH_OUTPUTS_DIR", str(ROOT / "outputs")))
    return json.loads((directory / synthesizer / f"{host}.json").read_text())


def policy_document(document: Any) -> dict[str, Any]:
    """An IAM policy document as a dict with a list of statements, whatever form IAM returned."""
    doc = json.loads(document) if isinstance(document, str) else dict(document)
    if not isinstance(doc["Statement"], list):
        doc["Statement"] = [doc["Statement"]]
    return doc


def run_playbook(playbook: str | Path, *args: str, inventory: str = "inventories/local") -> tuple[int, str]:
    """ansible-playbook from the repository root (its ansible.cfg) against the same local cloud."""
    import subprocess

    env = {**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"}
    env.pop("ANSIBLE_FORCE_COLOR", None)
    proc = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "ansible-playbook"), "-i", inventory, str(playbook), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    return proc.returncode, proc.stdout + proc.stderr


def changed_count(output: str, host: str) -> int:
    """The changed= count of ``host`` in a play recap (fails when the host has no recap line)."""
    import re

    match = re.search(
        rf"(?m)^{re.escape(host)}\s+:\s+ok=\d+\s+changed=(\d+)\s+unreachable=0\s+failed=0", output
    )
    assert match, f"no successful recap line for {host}:\n{output[-3000:]}"
    return int(match.group(1))
