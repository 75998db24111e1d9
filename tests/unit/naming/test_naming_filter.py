"""The filters through Ansible: the FilterModule directly, and a real ad-hoc `ansible` run."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.fastish.platform.plugins.filter.naming import FilterModule

REPO_ROOT = Path(__file__).resolve().parents[3]


def _ansible() -> str:
    candidate = Path(sys.executable).parent / "ansible"
    return str(candidate) if candidate.exists() else (shutil.which("ansible") or "ansible")


def _adhoc(expression: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_LOCALHOST_WARNING": "0",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
        "ANSIBLE_DEPRECATION_WARNINGS": "0",
    }
    return subprocess.run(
        [_ansible(), "localhost", "-m", "ansible.builtin.debug", "-a", f"msg={{{{ {expression} }}}}"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


SCOPE = (
    "{'platform': 'fastish', 'synthesizer': 'local', 'account_id': '123456789012', "
    "'region': 'us-east-1', 'organization': 'acme', 'team': 'payments', 'release': 'web', "
    "'release_type': 'webapp', 'environment': 'prod', 'cost_center': 'cc-1234', "
    "'managed_by': 'fastish', 'tag_prefix': 'fastish'}"
)


def test_filter_module_exposes_the_filters(release_scope):
    filters = FilterModule().filters()
    assert filters["resource_name"](release_scope, "assets", "s3_bucket") == (
        "acme-payments-web-assets-123456789012-us-east-1"
    )
    assert filters["resource_name"](release_scope, "web") == "acme-payments-web-web"
    assert filters["resource_tags"](release_scope, {"Name": "x"})["Name"] == "x"


def test_filter_errors_are_ansible_filter_errors(release_scope):
    filters = FilterModule().filters()
    with pytest.raises(AnsibleFilterError, match="unknown resource kind 'nope'"):
        filters["resource_name"](release_scope, "x", "nope")
    with pytest.raises(AnsibleFilterError, match="reserved for AWS"):
        filters["resource_tags"](release_scope, {"aws:x": "y"})


def test_filters_run_in_ansible():
    result = _adhoc(
        f"{{'role': {SCOPE} | fastish.platform.resource_name('x', 'iam_role'), "
        f"'bucket': {SCOPE} | fastish.platform.resource_name('assets', 's3_bucket'), "
        f"'tags': {SCOPE} | fastish.platform.resource_tags({{'Name': 'x'}})}}"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    match = re.search(r"localhost \| SUCCESS => (\{.*\})", result.stdout, re.S)
    assert match, result.stdout
    msg = json.loads(match.group(1))["msg"]
    assert msg["role"] == "acme-payments-web-x"
    assert msg["bucket"] == "acme-payments-web-assets-123456789012-us-east-1"
    assert msg["tags"]["fastish:release-type"] == "webapp"
    assert msg["tags"]["Name"] == "x"


def test_filter_error_fails_the_ansible_task():
    result = _adhoc(f"{SCOPE} | fastish.platform.resource_name('x', 'no_such_kind')")
    assert result.returncode != 0
    assert "unknown resource kind 'no_such_kind'" in result.stdout + result.stderr
