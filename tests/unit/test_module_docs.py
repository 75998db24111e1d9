"""Every module of the collection is documented the way ansible-doc needs: DOCUMENTATION (with the
fragments it extends), EXAMPLES that only use documented options, and RETURN."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
MODULES_DIR = REPO / "collections/ansible_collections/fastish/platform/plugins/modules"
MODULES = sorted(p.stem for p in MODULES_DIR.glob("*.py") if not p.name.startswith("_"))
RUNTIME = yaml.safe_load((MODULES_DIR.parents[1] / "meta/runtime.yml").read_text())


@pytest.fixture(scope="module")
def docs():
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg")}
    proc = subprocess.run(
        [str(REPO / ".venv/bin/ansible-doc"), "-j", *(f"fastish.platform.{m}" for m in MODULES)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return {name.split(".")[-1]: value for name, value in json.loads(proc.stdout).items()}


def test_every_module_is_documented(docs):
    assert sorted(docs) == MODULES


@pytest.mark.parametrize("module", MODULES)
def test_documentation_examples_and_return(docs, module):
    doc = docs[module]
    assert doc["doc"]["short_description"] and doc["doc"]["description"]
    assert doc["return"], f"{module} has no RETURN"
    options = doc["doc"]["options"]
    known = set(options) | {alias for spec in options.values() for alias in spec.get("aliases", [])}
    tasks = yaml.safe_load(doc["examples"])
    assert isinstance(tasks, list) and tasks, f"{module} has no EXAMPLES"
    used = [task[f"fastish.platform.{module}"] for task in tasks if f"fastish.platform.{module}" in task]
    assert used, f"the EXAMPLES of {module} never call it by its full name"
    for params in used:
        assert not set(params) - known, f"{module} EXAMPLES use undocumented options {set(params) - known}"


NOT_AWS = ("validate_inventory", "k8s_manifest_validate")  # modules that make no AWS call


@pytest.mark.parametrize("module", [m for m in MODULES if m not in NOT_AWS])
def test_aws_modules_are_in_the_action_group(module):
    # module_defaults: {group/fastish.platform.aws: ...} carries the connection settings to them
    assert module in RUNTIME["action_groups"]["aws"]
