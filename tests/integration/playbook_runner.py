"""Run a throwaway playbook against inventories/local and the test's local cloud, with the platform
group_vars linked next to it the way playbooks/group_vars is; results come back as JSON."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
BIN = REPO / ".venv" / "bin"


def run_playbook(
    tmp_path: Path, plays: list[dict], cloud_env: dict[str, str], *args: str, keep_aws_env=False
):
    """Returns (rc, parsed json callback output or None, raw stdout+stderr)."""
    (tmp_path / "group_vars").symlink_to(REPO / "group_vars")
    playbook = tmp_path / "probe.yml"
    playbook.write_text(yaml.safe_dump(plays, sort_keys=False))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_", "FASTISH_"))}
    if keep_aws_env:
        env.update(cloud_env)
    else:  # only the inventory (through module_defaults) may tell modules where the cloud is
        env.update({k: v for k, v in cloud_env.items() if k.startswith("FASTISH_")})
    env.update(
        {
            "PATH": f"{BIN}:{env.get('PATH', '')}",
            "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
            "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.json",
            "ANSIBLE_CALLBACKS_ENABLED": "ansible.builtin.junit",
            "JUNIT_OUTPUT_DIR": str(tmp_path / "junit"),
            "FASTISH_OUTPUTS_DIR": str(tmp_path / "outputs"),
        }
    )
    proc = subprocess.run(
        [str(BIN / "ansible-playbook"), "-i", str(REPO / "inventories" / "local"), str(playbook), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:  # -v prints a line or two before the JSON document
        parsed = json.loads(proc.stdout[proc.stdout.index("{\n") :])
    except (ValueError, json.JSONDecodeError):
        parsed = None
    return proc.returncode, parsed, proc.stdout + proc.stderr


def task_results(parsed: dict, name: str, host: str) -> dict:
    """The result of the task called ``name`` on ``host``."""
    for play in parsed["plays"]:
        for task in play["tasks"]:
            if task["task"]["name"] == name:
                return task["hosts"][host]
    raise KeyError(name)
