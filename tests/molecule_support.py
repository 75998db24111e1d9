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


# The request log's service names (SigV4 signing names) that differ from the IAM action prefix. s3,
# lambda, route53, cloudfront, acm, amplify and sesv2 (signed "ses") already match theirs.
IAM_PREFIX = {"email": "ses", "monitoring": "cloudwatch", "cognito-idp": "cognito-idp"}
# API operations whose IAM action has another name (the request log names the API operation).
IAM_ACTION = {
    ("s3", "HeadBucket"): "ListBucket",
    ("s3", "ListObjects"): "ListBucket",
    ("s3", "ListObjectsV2"): "ListBucket",
    ("s3", "ListObjectVersions"): "ListBucketVersions",
    ("s3", "HeadObject"): "GetObject",
    ("s3", "CopyObject"): "PutObject",
    ("s3", "DeleteObjects"): "DeleteObject",
    ("s3", "GetBucketEncryption"): "GetEncryptionConfiguration",
    ("s3", "PutBucketEncryption"): "PutEncryptionConfiguration",
    ("s3", "DeleteBucketEncryption"): "PutEncryptionConfiguration",
    ("s3", "GetPublicAccessBlock"): "GetBucketPublicAccessBlock",
    ("s3", "PutPublicAccessBlock"): "PutBucketPublicAccessBlock",
    ("s3", "DeletePublicAccessBlock"): "PutBucketPublicAccessBlock",
    ("s3", "GetBucketLifecycleConfiguration"): "GetLifecycleConfiguration",
    ("s3", "PutBucketLifecycleConfiguration"): "PutLifecycleConfiguration",
    ("s3", "DeleteBucketLifecycle"): "PutLifecycleConfiguration",
    ("s3", "GetObjectLockConfiguration"): "GetBucketObjectLockConfiguration",
    ("s3", "DeleteBucketOwnershipControls"): "PutBucketOwnershipControls",
    ("s3", "DeleteBucketTagging"): "PutBucketTagging",
    ("s3", "DeleteBucketCors"): "PutBucketCORS",
    ("s3", "GetBucketAccelerateConfiguration"): "GetAccelerateConfiguration",
    ("s3", "ListBucketInventoryConfigurations"): "GetInventoryConfiguration",
    ("lambda", "Invoke"): "InvokeFunction",
}


def iam_call(request: dict[str, Any]) -> tuple[str, str]:
    """(service, action) of a request-log entry, as IAM names it."""
    service, action = request["service"], request["action"]
    if service == "apigateway":
        # API Gateway's management IAM actions are the HTTP verbs (apigateway:GET, apigateway:POST, ...)
        # on resource paths, not the API operation names.
        return service, request["method"]
    return service, IAM_ACTION.get((service, action), action)


def request_log() -> dict[str, Any]:
    """The local cloud's request log ({"count", "mutating", "requests": [...]})."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "tools.localcloud", "requests"]
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def role_statements(iam: Any, role_name: str) -> list[dict[str, Any]]:
    """Every statement of a role's permissions: its inline policies, then the default versions of its
    attached customer-managed policies (the exec roles' permission parts), in listing order. AWS managed
    policies (``arn:<partition>:iam::aws:policy/...``) are not read."""
    statements: list[dict[str, Any]] = []
    for page in iam.get_paginator("list_role_policies").paginate(RoleName=role_name):
        for name in page["PolicyNames"]:
            document = iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"]
            statements += policy_document(document)["Statement"]
    for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=role_name):
        for attached in page["AttachedPolicies"]:
            if attached["PolicyArn"].split(":")[4] == "aws":
                continue
            arn = attached["PolicyArn"]
            version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
            document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
            statements += policy_document(document)["Statement"]
    return statements


def exec_role_actions(release_type: str, synthesizer: str = "local") -> list[str]:
    """The action patterns the exec role of ``release_type`` (roles/bootstrap) allows."""
    name = f"fastish-{synthesizer}-exec-{release_type}"
    patterns: list[str] = []
    for statement in role_statements(aws_client("iam"), name):
        if statement["Effect"] == "Allow":
            actions = statement["Action"]
            patterns += actions if isinstance(actions, list) else [actions]
    return patterns


def missing_exec_actions(release_type: str) -> list[str]:
    """The IAM actions of the calls Ansible made (request log) that the exec role of ``release_type`` does
    not allow (the log must hold the release's runs only: the scenarios clear it after bootstrapping).
    The tests' own reads (their boto3 clients, these reads of the role included) do not count."""
    import fnmatch

    made = {iam_call(r) for r in request_log()["requests"] if r.get("action") and r.get("ansible")}
    assert made, "the request log holds no call of Ansible's: was it cleared after bootstrapping?"
    patterns = [p.lower() for p in exec_role_actions(release_type)]
    wanted = {f"{IAM_PREFIX.get(service, service)}:{action}" for service, action in made}
    return sorted(a for a in wanted if not any(fnmatch.fnmatchcase(a.lower(), p) for p in patterns))


def local_kubeconfig() -> str:
    """The kubeconfig of the local cloud's Kubernetes API server."""
    state = os.environ.get("FASTISH_LOCALCLOUD_DIR", str(ROOT / ".localcloud"))
    return str(Path(state) / "k8s" / "kubeconfig")


def kube_client() -> Any:
    """A kubernetes ApiClient of the local cloud's Kubernetes API server."""
    from kubernetes import config

    return config.new_client_from_config(config_file=local_kubeconfig())


def cluster_objects(group: str, version: str, plural: str) -> dict[str, dict[str, Any]]:
    """The cluster-scoped custom objects ``plural`` (``group``/``version``) of the local API server."""
    from kubernetes import client

    listed = client.CustomObjectsApi(kube_client()).list_cluster_custom_object(group, version, plural)
    return {item["metadata"]["name"]: item for item in listed["items"]}


def scenario_exec_policy(scenario: Path) -> dict[str, Any]:
    """The exec role policy of druid releases as bootstrap's own template renders it for the local
    synthesizer (roles/bootstrap/templates/policies/exec.yml.j2), through ``scenario``/exec_policy.yml."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        dest = Path(tmp) / "exec-druid.json"
        rc, out = run_playbook(scenario / "exec_policy.yml", "-e", f"exec_policy_dest={dest}")
        assert rc == 0, out[-3000:]
        return json.loads(dest.read_text())


def calls_not_allowed(
    log: dict[str, Any], policy: dict[str, Any], *, skip_services: frozenset[str] | set[str] = frozenset()
) -> list[str]:
    """IAM actions of the calls of a request log (``request_log()``) that no Allow statement of ``policy``
    names (calls to ``skip_services`` left out)."""
    import fnmatch

    patterns = []
    for statement in policy["Statement"]:
        if statement["Effect"] == "Allow":
            actions = statement["Action"]
            patterns += actions if isinstance(actions, list) else [actions]
    made = {
        f"{IAM_PREFIX.get(r['service'], r['service'])}:{r['action']}"
        for r in log["requests"]
        if r.get("action") and r["service"] not in skip_services
    }
    assert made, "the request log is empty"
    return sorted(a for a in made if not any(fnmatch.fnmatchcase(a.lower(), p.lower()) for p in patterns))
