"""The exec roles' permissions (roles/bootstrap) fit IAM's size quotas once split into managed policies.

No cloud: ansible-playbook runs the bootstrap role's own split (tasks/exec_parts.yml, which renders
templates/policies/exec.yml.j2 per release type and applies fastish.platform.policy_parts) for
inventories with one, two and five organizations (the policies name one prefix per organization), and
the parts are checked with an independent count. That the role attaches these parts instead of one
inline policy is proven by molecule/bootstrap against the local cloud, whose patch
``iam-policy-size-quotas`` refuses what AWS refuses.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = REPO_ROOT / "roles" / "bootstrap" / "templates" / "policies" / "exec.yml.j2"
MANAGED_MAX = 6144  # AWS: characters of one customer-managed policy, whitespace not counted
INLINE_ROLE_MAX = 10240  # AWS: characters of all inline policies of one role together
RELEASE_TYPES = ["webapp", "druid", "api"]

PLAYBOOK = """
- name: Split the exec permissions the way roles/bootstrap does
  hosts: "{{ target }}"
  gather_facts: false
  tasks:
    - name: The role's own split
      ansible.builtin.include_role:
        name: bootstrap
        tasks_from: exec_parts
        public: true
    - name: The whole documents, rendered by the same template
      ansible.builtin.set_fact:
        whole: >-
          {{ (whole | default({})) | combine({item: lookup('ansible.builtin.template', 'TEMPLATE',
             template_vars={'bootstrap__exec_type': item}) | from_yaml}) }}
      loop: "{{ bootstrap_release_types }}"
    - name: Write the whole documents, the parts and the managed policies
      ansible.builtin.copy:
        content: >-
          {{ {'parts': bootstrap__exec_parts, 'policies': bootstrap__exec_policies, 'whole': whole,
              'prefixes': bootstrap__name_prefixes, 'account': bootstrap__account} | to_json }}
        dest: "{{ dest }}"
        mode: "0644"
""".replace("TEMPLATE", str(TEMPLATE))

ORGANIZATIONS = ["acme", "globex", "initech", "hooli", "umbrella"]


def _generated_inventory(root: Path) -> Path:
    """A synthesizer with releases of five organizations (each a webapp, a druid and an api release)."""
    inventory = root / "inventory"
    (inventory / "group_vars").mkdir(parents=True)
    (inventory / "group_vars" / "multi.yml").write_text(
        "fastish_synthesizer: multi\n"
        'fastish_account_id: "210987654321"\n'
        "fastish_region: eu-west-1\n"
        "fastish_platform_role_arn: arn:aws:iam::111122223333:role/fastish-platform\n"
    )
    organizations = {}
    for org in ORGANIZATIONS:
        hosts = {
            f"{org}-team-{kind}": {"fastish_release": kind, "fastish_release_type": kind}
            for kind in RELEASE_TYPES
        }
        organizations[f"multi_{org}"] = {
            "vars": {"fastish_organization": org, "fastish_team": "team"},
            "hosts": hosts,
        }
    hosts = {
        "all": {
            "children": {
                "multi": {
                    "hosts": {"multi-bootstrap": {"fastish_release_type": "bootstrap"}},
                    "children": organizations,
                }
            }
        }
    }
    (inventory / "hosts.yml").write_text(json.dumps(hosts))
    return inventory / "hosts.yml"


def _split(tmp_path: Path, inventory: Path, target: str, *extra: str) -> tuple[int, str, dict]:
    playbook = tmp_path / "split.yml"
    playbook.write_text(PLAYBOOK)
    (tmp_path / "group_vars").symlink_to(REPO_ROOT / "group_vars")  # the platform defaults
    dest = tmp_path / "split.json"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "FASTISH_"))},
        "ANSIBLE_CONFIG": str(REPO_ROOT / "ansible.cfg"),
        "ANSIBLE_NOCOLOR": "1",
    }
    proc = subprocess.run(
        [
            str(Path(sys.executable).parent / "ansible-playbook"),
            "-i",
            str(inventory),
            str(playbook),
            "-e",
            json.dumps({"target": target, "dest": str(dest)}),
            *extra,
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = proc.stdout + proc.stderr
    return proc.returncode, output, (json.loads(dest.read_text()) if proc.returncode == 0 else {})


def _chars(document: dict) -> int:
    """IAM's count, independent of the filter: pretty-printed JSON without any whitespace."""
    return len(re.sub(r"\s", "", json.dumps(document, indent=2)))


CASES = {
    "local (1 organization)": (REPO_ROOT / "inventories" / "local" / "hosts.yml", "local-bootstrap", 1),
    "example prod (2 organizations)": (
        REPO_ROOT / "inventories" / "example" / "hosts.yml",
        "prod-bootstrap",
        2,
    ),
    "generated (5 organizations)": (None, "multi-bootstrap", 5),
}


@pytest.fixture(scope="module", params=list(CASES))
def split(request, tmp_path_factory):
    inventory, target, organizations = CASES[request.param]
    root = tmp_path_factory.mktemp("split")
    rc, output, result = _split(root, inventory or _generated_inventory(root), target)
    assert rc == 0, output[-4000:]
    assert len(result["prefixes"]) == organizations, result["prefixes"]
    return result


def test_every_part_fits_a_managed_policy_and_together_they_are_the_whole(split):
    assert sorted(split["parts"]) == sorted(RELEASE_TYPES)
    for release_type, parts in split["parts"].items():
        whole = split["whole"][release_type]
        assert parts, release_type
        for part in parts:
            assert _chars(part) <= MANAGED_MAX, (release_type, _chars(part))
            assert part["Version"] == whole["Version"]
        assert [s for part in parts for s in part["Statement"]] == whole["Statement"], release_type
        # nothing was dropped or duplicated: every Sid once, in the template's order
        sids = [s["Sid"] for part in parts for s in part["Statement"]]
        assert len(sids) == len(set(sids)) == len(whole["Statement"])


def test_webapp_and_druid_permissions_are_too_large_for_inline_policies(split):
    """Why the parts exist: one inline policy would exceed a role's 10,240 characters."""
    for release_type in ("webapp", "druid"):
        whole = split["whole"][release_type]
        assert _chars(whole) > INLINE_ROLE_MAX, (release_type, _chars(whole))
        assert len(split["parts"][release_type]) >= 2


def test_managed_policies_are_named_after_the_exec_role(split):
    synthesizer = {"123456789012": "local", "210987654321": None}[split["account"]]
    policies = split["policies"]
    assert [p["document"] for p in policies] == [d for t in RELEASE_TYPES for d in split["parts"][t]]
    for release_type in RELEASE_TYPES:
        own = [p for p in policies if p["type"] == release_type]
        role = own[0]["role"]
        assert role.endswith(f"-exec-{release_type}")
        if synthesizer:
            assert role == f"fastish-{synthesizer}-exec-{release_type}"
        assert [p["name"] for p in own] == [f"{role}-{n}" for n in range(1, len(own) + 1)]
        assert [(p["part"], p["parts"]) for p in own] == [(n, len(own)) for n in range(1, len(own) + 1)]
        assert all(p["arn"] == f"arn:aws:iam::{split['account']}:policy/{p['name']}" for p in own)
        assert len(own) <= 10, "over the default quota of managed policies per role"


def test_more_parts_than_a_role_may_carry_fail_early(tmp_path):
    rc, output, _ = _split(
        tmp_path,
        REPO_ROOT / "inventories" / "local" / "hosts.yml",
        "local-bootstrap",
        "-e",
        json.dumps({"bootstrap_managed_policies_per_role": 1}),
    )
    assert rc != 0
    assert "the permissions of fastish-local-exec-webapp need 3 managed policies" in " ".join(
        output.split()
    ), output
    assert "Managed policies per role" in output
