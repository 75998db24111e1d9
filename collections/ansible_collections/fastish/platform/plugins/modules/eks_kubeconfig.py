#!/usr/bin/python
"""A kubeconfig file for an Amazon EKS cluster whose user authenticates with the collection's own EKS
token generator (an ``exec`` credential plugin)."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: eks_kubeconfig
short_description: Write a kubeconfig for an Amazon EKS cluster that authenticates with an EKS token
version_added: "0.4.0"
description:
  - Reads the cluster's endpoint and certificate authority (C(DescribeCluster)) and writes a kubeconfig
    with one cluster, one user and one context (the current one). The user authenticates with an
    C(exec) credential plugin that runs the collection's own EKS token generator
    (C(plugins/module_utils/eks_token.py), botocore only, no AWS CLI or aws-iam-authenticator needed)
    with the Python that runs Ansible.
  - The file holds this cluster only and is written as a whole (mode C(0600), parent directories made
    C(0700)); give it its own path rather than a kubeconfig shared with other clusters.
  - Idempotent (nothing is written when the content and mode are already right); check mode writes
    nothing; with C(--diff) the old and new content are shown (no secret is in it, the token is made
    when the file is used).
  - The action plugin of the same name fills in I(python) and I(token_script) on the controller (the
    installed collection's C(eks_token.py)); run it where the kubeconfig is used (the release hosts have
    a local connection).
options:
  cluster_name:
    description: Name of the EKS cluster.
    type: str
    required: true
  path:
    description: Path of the kubeconfig file.
    type: path
    required: true
  alias:
    description: Name of the context (default the cluster's ARN, as C(aws eks update-kubeconfig) does).
    type: str
  role_arn:
    description: IAM role whose credentials sign the token (the generator calls sts:AssumeRole first).
    type: str
  env:
    description:
      - Environment variables of the credential plugin (for example C(AWS_PROFILE)); never put secrets
        here, they would be written to the file. The module's I(profile) is passed as C(AWS_PROFILE).
    type: dict
    default: {}
  python:
    description: Python interpreter that runs the token generator (default the one that runs Ansible).
    type: path
  token_script:
    description: Path of the token generator (default C(eks_token.py) of the installed collection).
    type: path
  state:
    description: Whether the file exists (C(absent) removes it).
    type: str
    choices: [present, absent]
    default: present
author:
  - fastish maintainers
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Kubeconfig of the release's cluster
  fastish.platform.eks_kubeconfig:
    cluster_name: acme-data-analytics-eks
    path: "{{ playbook_dir }}/../.kube/acme-data-analytics-eks"
    alias: acme-data-analytics
  register: kubeconfig
"""

RETURN = r"""
path:
  description: Path of the kubeconfig.
  returned: always
  type: str
context:
  description: Name of the kubeconfig's context.
  returned: always
  type: str
  sample: arn:aws:eks:us-east-1:123456789012:cluster/acme-data-analytics-eks
server:
  description: The cluster's API server endpoint (null in check mode before the cluster exists).
  returned: always
  type: str
kubeconfig:
  description: >-
    The kubeconfig's content (empty after C(state=absent), or in check mode before the cluster
    exists).
  returned: always
  type: dict
"""

import contextlib
import os
import sys
import tempfile

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

with contextlib.suppress(ImportError):
    import yaml

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

EXEC_API_VERSION = "client.authentication.k8s.io/v1beta1"
FILE_MODE = 0o600


def kubeconfig(cluster, region, alias, python, token_script, role_arn=None, env=None):
    """The kubeconfig (a dict) of a DescribeCluster ``cluster``."""
    arn = cluster["arn"]
    args = [token_script, "--cluster-name", cluster["name"], "--region", region]
    if role_arn:
        args += ["--role-arn", role_arn]
    user_exec = {
        "apiVersion": EXEC_API_VERSION,
        "command": python,
        "args": args,
        "env": [{"name": k, "value": str(v)} for k, v in sorted((env or {}).items())] or None,
        "interactiveMode": "Never",
        "provideClusterInfo": False,
    }
    context = alias or arn
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": arn,
                "cluster": {
                    "server": cluster["endpoint"],
                    "certificate-authority-data": cluster["certificateAuthority"]["data"],
                },
            }
        ],
        "contexts": [{"name": context, "context": {"cluster": arn, "user": arn}}],
        "current-context": context,
        "preferences": {},
        "users": [{"name": arn, "user": {"exec": user_exec}}],
    }


def render(config):
    return yaml.safe_dump(config, default_flow_style=False, sort_keys=False)


def _read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return None


def _describe(module, name):
    client = module.client("eks", retry_decorator=AWSRetry.jittered_backoff())
    try:
        return client.describe_cluster(aws_retry=True, name=name)["cluster"]
    except botocore.exceptions.ClientError as e:
        if e.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return None
        module.fail_json_aws(e, msg=f"Could not describe EKS cluster {name}")
    except botocore.exceptions.BotoCoreError as e:
        module.fail_json_aws(e, msg=f"Could not describe EKS cluster {name}")
    return None


def _write(module, path, content):
    directory = os.path.dirname(path) or "."
    if not os.path.isdir(directory):
        os.makedirs(directory, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=".kubeconfig-", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(content)
        os.chmod(tmp, FILE_MODE)
        module.atomic_move(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    os.chmod(path, FILE_MODE)


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "cluster_name": {"type": "str", "required": True},
            "path": {"type": "path", "required": True},
            "alias": {"type": "str"},
            "role_arn": {"type": "str"},
            "env": {"type": "dict", "default": {}},
            "python": {"type": "path"},
            "token_script": {"type": "path"},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        },
        supports_check_mode=True,
    )
    if "yaml" not in sys.modules:
        module.fail_json(msg="eks_kubeconfig needs PyYAML")
    params = module.params
    path = params["path"]
    name = params["cluster_name"]
    before = _read(path)
    header = {"before_header": path, "after_header": path}

    if params["state"] == "absent":
        changed = before is not None
        if changed and not module.check_mode:
            os.unlink(path)
        module.exit_json(
            changed=changed,
            path=path,
            context=params["alias"],
            server=None,
            kubeconfig={},
            diff={"before": before or "", "after": "", **header},
        )

    token_script = params["token_script"]
    if not token_script:
        module.fail_json(msg="token_script is not set (the eks_kubeconfig action plugin sets it)")
    python = params["python"] or sys.executable
    region = module.region
    if not region:
        module.fail_json(msg="eks_kubeconfig needs a region (region, or AWS_REGION)")
    env = dict(params["env"] or {})
    if params.get("profile"):
        env.setdefault("AWS_PROFILE", params["profile"])

    cluster = _describe(module, name)
    if cluster is None or not cluster.get("endpoint"):
        state = "does not exist" if cluster is None else f"is {cluster.get('status')} and has no endpoint yet"
        if not module.check_mode:
            module.fail_json(msg=f"EKS cluster {name} {state}: write its kubeconfig once it is ACTIVE")
        module.exit_json(
            changed=True,
            path=path,
            context=params["alias"],
            server=None,
            kubeconfig={},
            diff={
                "before": before or "",
                "after": f"(the kubeconfig of EKS cluster {name}, which {state})\n",
                **header,
            },
        )

    config = kubeconfig(cluster, region, params["alias"], python, token_script, params["role_arn"], env)
    content = render(config)
    if content != before:
        changed = True
        if not module.check_mode:
            _write(module, path, content)
    else:  # the same content: only the mode may be wrong (set_mode_if_different honours check mode)
        changed = module.set_mode_if_different(path, FILE_MODE, False)
    module.exit_json(
        changed=changed,
        path=path,
        context=config["current-context"],
        server=cluster["endpoint"],
        kubeconfig=config,
        diff={"before": before or "", "after": content, **header},
    )


if __name__ == "__main__":
    main()
