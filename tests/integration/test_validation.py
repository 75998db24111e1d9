"""Integration tests of the inventory validation: playbooks/validate.yml (and bootstrap.yml), end to end.

Each bad inventory is a copy of inventories/local with one thing changed (PyYAML). The playbooks run
against the local cloud (the ``cloud`` fixture of tests/conftest.py) and must fail with a message that
names the host, the variable and the fix, print no secret, and make no AWS call at all.

The precedence test builds its own inventory and probe playbook to prove the chain of ARCHITECTURE.md
section 3: role defaults < group_vars/ (platform) < synthesizer < organization < team < host < extra vars.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = REPO_ROOT / ".venv" / "bin"
PLAYBOOKS = REPO_ROOT / "playbooks"
RELEASE_PLAYBOOKS = [p for p in ("validate.yml", "bootstrap.yml", "webapp.yml") if (PLAYBOOKS / p).exists()]
TIMEOUT = 120

# hosts.yml paths of the local inventory's hosts.
LOCAL = ("all", "children", "local")
WEB_TEAM = (*LOCAL, "children", "local_acme", "children", "local_acme_web")
DATA_TEAM = (*LOCAL, "children", "local_acme", "children", "local_acme_data")


# --------------------------------------------------------------------------- helpers


class Inventory:
    """A copy of an inventory directory in tmp_path, edited through PyYAML."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _edit(self, relative: str, change: Callable[[dict], None]) -> None:
        file = self.path / relative
        data = yaml.safe_load(file.read_text())
        change(data)
        file.write_text(yaml.safe_dump(data, sort_keys=False))

    def group_vars(self, group: str, **values) -> None:
        self._edit(f"group_vars/{group}.yml", lambda data: data.update(values))

    def host(self, team: tuple, host: str, change: Callable[[dict], None]) -> None:
        def edit(data: dict) -> None:
            node = data
            for key in team:
                node = node[key]
            change(node["hosts"].setdefault(host, {}))

        self._edit("hosts.yml", edit)


def copy_inventory(tmp_path: Path, name: str = "local") -> Inventory:
    target = tmp_path / "inventory"
    shutil.copytree(REPO_ROOT / "inventories" / name, target)
    return Inventory(target)


def ansible_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PATH": f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
        }
    )
    env.pop("ANSIBLE_CONFIG", None)  # always the repository's ansible.cfg (cwd)
    env.update(extra or {})
    return env


def ansible_playbook(inventory: Path, playbook: Path, *args: str, env: dict[str, str]) -> tuple[int, str]:
    """Run ansible-playbook from the repository root (so ./ansible.cfg applies); rc and all output."""
    proc = subprocess.run(
        [str(VENV_BIN / "ansible-playbook"), "-i", str(inventory), str(playbook), *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    return proc.returncode, proc.stdout + proc.stderr


def readable(output: str) -> str:
    """The output with the JSON escapes of result dicts undone, so that messages can be searched."""
    return output.replace('\\"', '"').replace("\\n", "\n")


@pytest.fixture
def secret() -> str:
    """A unique external id; the local inventory reads it from FASTISH_EXTERNAL_ID."""
    return f"fastish-secret-{uuid.uuid4().hex}"


# --------------------------------------------------------------------------- bad inventories


def _account_id(inv: Inventory) -> None:
    inv.group_vars("local", fastish_account_id="12345")


def _unquoted_account_id(inv: Inventory) -> None:
    inv.group_vars("local", fastish_account_id=123456789012)


def _region(inv: Inventory) -> None:
    inv.group_vars("local", fastish_region="us-east-9")


def _release_type(inv: Inventory) -> None:
    inv.host(WEB_TEAM, "acme-web-portal", lambda h: h.update(fastish_release_type="webap"))


def _tier_reused(inv: Inventory) -> None:
    inv.group_vars(
        "local_acme",
        fastish_tiers=[
            {"name": "free", "precedence": 30, "description": "Free"},
            {"name": "pro", "precedence": 20, "description": "Pro"},
            {"name": "free", "precedence": 10, "description": "Free again"},
        ],
    )


def _bad_key_schema(inv: Inventory) -> None:
    tables = [
        {"name": "tenants", "partition_key": {"name": "tenant_id", "type": "S"}},
        {
            "name": "items",
            "partition_key": {"name": "tenant_id", "type": "S"},
            "sort_key": {"name": "tenant_id", "type": "STRING"},
            "indexes": [{"name": "by-updated", "partition_key": {"name": "tenant_id", "type": "N"}}],
        },
    ]
    inv.host(WEB_TEAM, "acme-web-portal", lambda h: h.update(fastish_dynamodb_tables=tables))


def _bad_tenant_id(inv: Inventory) -> None:
    def change(host: dict) -> None:
        host["fastish_tenants"][0]["id"] = "Globex Corp/../*"

    inv.host(WEB_TEAM, "acme-web-portal", change)


def _duplicate_release(inv: Inventory) -> None:
    inv.host(
        WEB_TEAM,
        "acme-web-portal-2",
        lambda h: h.update(
            fastish_release="portal",
            fastish_release_type="webapp",
            fastish_environment="staging",
            fastish_vpc_cidr="10.40.0.0/16",
        ),
    )


def _name_over_limit(inv: Inventory) -> None:
    # 20 + 20 + 19 characters, each within its own limit; the Cognito domain prefix
    # "<organization>-<team>-<release>-auth" is then 66 characters, over AWS's 63.
    inv.group_vars("local_acme", fastish_organization="acme-corporation-hq1")
    inv.group_vars("local_acme_web", fastish_team="customer-experience1")
    inv.host(WEB_TEAM, "acme-web-portal", lambda h: h.update(fastish_release="self-service-portal"))


def _overlapping_cidrs(inv: Inventory) -> None:
    inv.host(DATA_TEAM, "acme-data-analytics", lambda h: h.update(fastish_vpc_cidr="10.10.128.0/17"))


def _boolean_string(inv: Inventory) -> None:
    inv.host(WEB_TEAM, "acme-web-portal", lambda h: h.update(fastish_deletion_protection="false"))


def _unknown_variable(inv: Inventory) -> None:
    inv.group_vars("local", fastish_regoin="eu-west-1")


def _missing_variable(inv: Inventory) -> None:
    inv.host(WEB_TEAM, "acme-web-portal", lambda h: h.pop("fastish_environment"))


def _unchanged(inv: Inventory) -> None:
    pass


# (id, change, extra args, env, expected texts (host, variable and fix))
BAD_INVENTORIES = [
    (
        "bad-account-id",
        _account_id,
        [],
        {},
        [
            (
                "host 'local-bootstrap': fastish_account_id is '12345', not a 12-digit AWS account id. "
                "Fix: set fastish_account_id on the synthesizer group to its quoted 12-digit account id"
            ),
            "host 'acme-web-portal': fastish_account_id is '12345'",
        ],
    ),
    (
        "unquoted-account-id",
        _unquoted_account_id,
        [],
        {},
        [
            "host 'acme-data-api': fastish_account_id is the number 123456789012, written without quotes",
            (
                "Fix: set fastish_account_id on the synthesizer group to its quoted 12-digit account id, "
                'e.g. "123456789012"'
            ),
        ],
    ),
    (
        "unknown-region",
        _region,
        [],
        {},
        [
            (
                "host 'local-bootstrap': fastish_region is 'us-east-9', not an AWS commercial region "
                "(did you mean 'us-east-1'?). Fix: set fastish_region on the synthesizer group"
            ),
        ],
    ),
    (
        "unknown-release-type",
        _release_type,
        [],
        {},
        [
            (
                "host 'acme-web-portal': fastish_release_type is 'webap', not one of bootstrap, webapp, "
                "druid, api (did you mean 'webapp'?). Fix: set fastish_release_type on the host"
            ),
        ],
    ),
    (
        "duplicate-release",
        _duplicate_release,
        [],
        {},
        [
            "host 'acme-web-portal': fastish_release 'portal' collides with host 'acme-web-portal-2'",
            "host 'acme-web-portal-2': fastish_release 'portal' collides with host 'acme-web-portal'",
            "Fix: give 'acme-web-portal-2' or 'acme-web-portal' another fastish_release",
        ],
    ),
    (
        "name-over-limit",
        _name_over_limit,
        [],
        {},
        [
            (
                "host 'acme-web-portal': a webapp release creates a name that AWS would reject: "
                "cognito_domain name 'acme-corporation-hq1-customer-experience1-self-service-portal-auth' "
                "is 66 characters long"
            ),
            "Fix: shorten fastish_organization, fastish_team or fastish_release",
        ],
    ),
    (
        "overlapping-cidrs",
        _overlapping_cidrs,
        [],
        {},
        [
            (
                "host 'acme-data-analytics': fastish_vpc_cidr 10.10.128.0/17 overlaps fastish_vpc_cidr "
                "10.10.0.0/16 of host 'acme-web-portal'"
            ),
            (
                "host 'acme-web-portal': fastish_vpc_cidr 10.10.0.0/16 overlaps fastish_vpc_cidr "
                "10.10.128.0/17 of host 'acme-data-analytics'"
            ),
            "Fix: give 'acme-data-analytics' or 'acme-web-portal' a fastish_vpc_cidr",
        ],
    ),
    (
        "tier-group-name-reused",
        _tier_reused,
        [],
        {},
        [
            (
                "host 'acme-web-portal': fastish_tiers[2] (free).name 'free' is also used by "
                "fastish_tiers[0]; each name may appear only once"
            ),
            "Fix: list the tiers as mappings with name (a slug), precedence",
        ],
    ),
    (
        "invalid-table-key-schema",
        _bad_key_schema,
        [],
        {},
        [
            (
                "host 'acme-web-portal': fastish_dynamodb_tables[1] (items).sort_key.type is 'STRING', "
                "not S (string)"
            ),
            (
                "fastish_dynamodb_tables[1] (items).indexes[0].partition_key declares attribute 'tenant_id' "
                "as N, but fastish_dynamodb_tables[1] (items).partition_key declares it as S"
            ),
            "Fix: declare each table as a mapping with name (a slug), partition_key {name, type: S|N|B}",
        ],
    ),
    (
        "tenant-id-illegal-characters",
        _bad_tenant_id,
        [],
        {},
        [
            (
                "host 'acme-web-portal': fastish_tenants[0] (Globex Corp/../*).id is 'Globex Corp/../*', "
                "not 1 to 32 lowercase letters, digits and '-'"
            ),
            "Fix: list the release's tenants as mappings with id",
        ],
    ),
    (
        "boolean-string-host-var",
        _boolean_string,
        [],
        {},
        [
            "host 'acme-web-portal': fastish_deletion_protection is the string 'false', not a boolean",
            (
                "Fix: write false without quotes in YAML; as an extra var pass JSON, "
                """-e '{"fastish_deletion_protection": false}'"""
            ),
        ],
    ),
    (
        "boolean-string-extra-var",
        _unchanged,
        ["-e", "fastish_deletion_protection=false"],
        {},
        [
            (
                "host 'local-bootstrap': fastish_deletion_protection is the string 'false' "
                "(given with -e on the command line), not a boolean"
            ),
            """-e '{"fastish_deletion_protection": false}' (-e fastish_deletion_protection=false always""",
        ],
    ),
    (
        "unknown-variable",
        _unknown_variable,
        [],
        {},
        [
            (
                "host 'acme-data-api': fastish_regoin is not a variable of the fastish platform "
                "(did you mean fastish_region?)"
            ),
            "Fix: rename it to fastish_region",
        ],
    ),
    (
        "missing-variable",
        _missing_variable,
        [],
        {},
        [
            (
                "host 'acme-web-portal': fastish_environment is not set, but a webapp host needs it. "
                "Fix: set fastish_environment on the release host to dev, staging or prod"
            ),
        ],
    ),
    (
        "bad-secret-verbose",
        _unchanged,
        ["-vvv"],
        {"FASTISH_EXTERNAL_ID": "{secret} has spaces!"},
        [
            "host 'local-bootstrap': fastish_external_id is (value hidden), not 2 to 1224 characters",
            "Fix: give the synthesizer its external id from a secret store",
        ],
    ),
]


@pytest.mark.parametrize("playbook", RELEASE_PLAYBOOKS)
@pytest.mark.parametrize(
    ("change", "args", "env", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in BAD_INVENTORIES],
)
def test_bad_inventory_is_rejected_before_any_aws_call(
    tmp_path, cloud, secret, playbook, change, args, env, expected
):
    inv = copy_inventory(tmp_path)
    change(inv)
    extra_env = {"FASTISH_EXTERNAL_ID": secret, **{k: v.format(secret=secret) for k, v in env.items()}}
    rc, output = ansible_playbook(
        inv.path, PLAYBOOKS / playbook, *args, env=ansible_env({**cloud.env(), **extra_env})
    )
    text = readable(output)

    assert rc != 0, output
    assert "The inventory was rejected before any AWS call" in text, output
    for fragment in expected:
        assert fragment in text, f"{fragment!r} not in output:\n{output}"
    assert secret not in output
    assert cloud.requests()["count"] == 0, cloud.requests()


# --------------------------------------------------------------------------- the real inventories


@pytest.mark.parametrize("name", ["local", "example"])
def test_real_inventories_pass(tmp_path, cloud, secret, name):
    env = ansible_env(
        {
            **cloud.env(),
            "FASTISH_EXTERNAL_ID": secret,
            "FASTISH_EXTERNAL_ID_PROD": f"{secret}-prod",
            "FASTISH_EXTERNAL_ID_STAGING": f"{secret}-staging",
        }
    )
    inventory = REPO_ROOT / "inventories" / name
    rc, output = ansible_playbook(inventory, PLAYBOOKS / "validate.yml", "-v", env=env)
    assert rc == 0, output
    hosts = set(re.findall(r"host '([^']+)': the inventory is valid", output))
    assert len(hosts) >= 4 and hosts == set(re.findall(r"^(\S+)\s+: ok=", output, re.MULTILINE)), output
    assert not re.search(r"failed=[1-9]", output), output
    assert secret not in output
    assert cloud.requests()["count"] == 0


def test_playbooks_group_vars_links_to_the_platform_defaults():
    link = PLAYBOOKS / "group_vars"
    assert link.is_symlink()
    assert os.readlink(link) == "../group_vars"
    assert link.resolve() == (REPO_ROOT / "group_vars").resolve()
    assert (link / "all" / "fastish.yml").is_file()


# --------------------------------------------------------------------------- variable precedence

PROBE_PLAYBOOK = """\
---
- name: Probe the variable precedence
  hosts: all
  gather_facts: false
  roles:
    - role: probe
"""

PROBE_TASKS = """\
---
- name: Print where each value came from
  ansible.builtin.debug:
    msg: "PROBE {{ inventory_hostname }} {{ fastish_cost_center }} {{ probe_only_default }}"
"""

PROBE_DEFAULTS = """\
---
fastish_cost_center: from-role-default
probe_only_default: from-role-default
"""

# synthesizer "syn" > organization "syn_org" > team "syn_org_team"; "plain" sets nothing.
PROBE_HOSTS = {
    "all": {
        "vars": {
            "ansible_connection": "local",
            "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        },
        "children": {
            "plain": {"hosts": {"h-platform": {}}},
            "syn": {
                "hosts": {"h-synthesizer": {}},
                "children": {
                    "syn_org": {
                        "hosts": {"h-organization": {}},
                        "children": {
                            "syn_org_team": {
                                "hosts": {
                                    "h-team": {},
                                    "h-host": {"fastish_cost_center": "from-host"},
                                }
                            }
                        },
                    }
                },
            },
        },
    }
}

PROBE_GROUP_VARS = {
    "syn": {"fastish_cost_center": "from-synthesizer"},
    "syn_org": {"fastish_cost_center": "from-organization"},
    "syn_org_team": {"fastish_cost_center": "from-team"},
}


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _probe(output: str) -> dict[str, tuple[str, str]]:
    return {m[0]: (m[1], m[2]) for m in re.findall(r"PROBE (\S+) (\S+) (\S+)\"", output)}


def test_variable_precedence_chain(tmp_path):
    """role default < group_vars/all (platform) < synthesizer < organization < team < host < extra vars."""
    inventory = tmp_path / "inventory"
    _write(inventory / "hosts.yml", yaml.safe_dump(PROBE_HOSTS, sort_keys=False))
    for group, values in PROBE_GROUP_VARS.items():
        _write(inventory / "group_vars" / f"{group}.yml", yaml.safe_dump(values))

    playbooks = tmp_path / "playbooks"
    _write(playbooks / "probe.yml", PROBE_PLAYBOOK)
    _write(playbooks / "roles" / "probe" / "tasks" / "main.yml", PROBE_TASKS)
    _write(playbooks / "roles" / "probe" / "defaults" / "main.yml", PROBE_DEFAULTS)
    (playbooks / "group_vars").symlink_to(REPO_ROOT / "group_vars", target_is_directory=True)

    platform = yaml.safe_load((REPO_ROOT / "group_vars/all/fastish.yml").read_text())["fastish_cost_center"]
    assert platform not in ("from-role-default", "from-synthesizer")

    rc, output = ansible_playbook(inventory, playbooks / "probe.yml", env=ansible_env())
    assert rc == 0, output
    assert _probe(output) == {
        "h-platform": (platform, "from-role-default"),  # platform group_vars beat the role default
        "h-synthesizer": ("from-synthesizer", "from-role-default"),
        "h-organization": ("from-organization", "from-role-default"),
        "h-team": ("from-team", "from-role-default"),
        "h-host": ("from-host", "from-role-default"),
    }, output

    rc, output = ansible_playbook(
        inventory, playbooks / "probe.yml", "-e", "fastish_cost_center=from-extra-vars", env=ansible_env()
    )
    assert rc == 0, output
    assert _probe(output) == {
        host: ("from-extra-vars", "from-role-default")
        for host in ("h-platform", "h-synthesizer", "h-organization", "h-team", "h-host")
    }, output
