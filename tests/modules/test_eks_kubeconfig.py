"""fastish.platform.eks_kubeconfig against the local cloud: the kubeconfig's content, mode, idempotence,
check mode, diff, and that its exec command really prints a token the STS endpoint accepts."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import yaml

from tests.modules.support import module, mutating

NAME = "acme-data-analytics-eks"
REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "collections/ansible_collections/fastish/platform/plugins/module_utils/eks_token.py"
PYTHON = REPO / ".venv/bin/python"


def _cluster(cloud):
    eks = cloud.client("eks")
    eks.create_cluster(
        name=NAME,
        roleArn="arn:aws:iam::123456789012:role/eks",
        resourcesVpcConfig={"subnetIds": ["subnet-1", "subnet-2"]},
        accessConfig={"authenticationMode": "API"},
    )
    deadline = time.monotonic() + 60
    while (cluster := eks.describe_cluster(name=NAME)["cluster"])["status"] != "ACTIVE":
        assert time.monotonic() < deadline, "cluster never ACTIVE"
        time.sleep(0.5)
    return cluster


def test_kubeconfig(cloud, tmp_path):
    cluster = _cluster(cloud)
    path = tmp_path / "kube" / "config"
    params = {"cluster_name": NAME, "path": str(path), "alias": "acme-data-analytics"}

    checked = module(cloud, tmp_path, "eks_kubeconfig", params, "--check", "--diff")
    assert checked["changed"] is True and not path.exists()
    assert checked["diff"]["before"] == "" and cluster["endpoint"] in checked["diff"]["after"]

    written = module(cloud, tmp_path, "eks_kubeconfig", params)
    assert written["changed"] is True and written["path"] == str(path)
    assert written["context"] == "acme-data-analytics" and written["server"] == cluster["endpoint"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    config = yaml.safe_load(path.read_text())
    assert config == written["kubeconfig"]
    arn = cluster["arn"]
    assert config["current-context"] == "acme-data-analytics"
    assert config["contexts"] == [{"name": "acme-data-analytics", "context": {"cluster": arn, "user": arn}}]
    assert config["clusters"] == [
        {
            "name": arn,
            "cluster": {
                "server": cluster["endpoint"],
                "certificate-authority-data": cluster["certificateAuthority"]["data"],
            },
        }
    ]
    (user,) = config["users"]
    assert user["name"] == arn
    exec_ = user["user"]["exec"]
    assert exec_["apiVersion"] == "client.authentication.k8s.io/v1beta1"
    assert Path(exec_["command"]).resolve() == PYTHON.resolve()  # the Python that runs Ansible
    assert exec_["args"] == [str(SCRIPT), "--cluster-name", NAME, "--region", "us-east-1"]
    assert exec_["interactiveMode"] == "Never"

    cloud.reset_requests()
    again = module(cloud, tmp_path, "eks_kubeconfig", params, "--diff")
    assert again["changed"] is False and mutating(cloud) == []
    mtime = path.stat().st_mtime_ns

    path.chmod(0o644)
    assert module(cloud, tmp_path, "eks_kubeconfig", params, "--check")["changed"] is True
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert module(cloud, tmp_path, "eks_kubeconfig", params)["changed"] is True
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.stat().st_mtime_ns == mtime

    # the exec command prints an ExecCredential whose token is presigned for the configured STS endpoint
    # (moto's server routes a GET whose SigV4 signature is in the query string to S3, so the local cloud
    # cannot answer the URL itself; tests/unit/eks/test_eks_token.py checks the signed parts)
    env = {**os.environ, **cloud.env()}
    proc = subprocess.run(
        [exec_["command"], *exec_["args"]], capture_output=True, text=True, env=env, check=False, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    credential = json.loads(proc.stdout)
    assert credential["kind"] == "ExecCredential"
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import eks_token
    finally:
        sys.path.remove(str(SCRIPT.parent))
    url = eks_token.url_from_token(credential["status"]["token"])
    assert url.startswith(cloud.endpoint + "/?") and "Action=GetCallerIdentity" in url
    assert "X-Amz-SignedHeaders=host%3Bx-k8s-aws-id" in url and "X-Amz-Expires=60" in url

    # another alias and a role: the file is rewritten, the diff shows both versions
    role = {**params, "alias": None, "role_arn": "arn:aws:iam::123456789012:role/deployer"}
    changed = module(cloud, tmp_path, "eks_kubeconfig", role, "--diff")
    assert changed["changed"] is True and changed["context"] == arn
    assert "acme-data-analytics" in changed["diff"]["before"] and "role/deployer" in changed["diff"]["after"]
    role_exec = yaml.safe_load(path.read_text())["users"][0]["user"]["exec"]
    assert role_exec["args"][-2:] == ["--role-arn", "arn:aws:iam::123456789012:role/deployer"]
    proc = subprocess.run(
        [role_exec["command"], *role_exec["args"]],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assumed = eks_token.url_from_token(json.loads(proc.stdout)["status"]["token"])
    assert "X-Amz-Security-Token=" in assumed  # signed with the role's (temporary) credentials

    absent = {"cluster_name": NAME, "path": str(path), "state": "absent"}
    assert module(cloud, tmp_path, "eks_kubeconfig", absent, "--check")["changed"] is True and path.exists()
    assert module(cloud, tmp_path, "eks_kubeconfig", absent)["changed"] is True and not path.exists()
    assert module(cloud, tmp_path, "eks_kubeconfig", absent)["changed"] is False


def test_missing_cluster(cloud, tmp_path):
    path = tmp_path / "config"
    params = {"cluster_name": NAME, "path": str(path)}
    checked = module(cloud, tmp_path, "eks_kubeconfig", params, "--check")
    assert checked["changed"] is True and checked["server"] is None and not path.exists()
    failed = module(cloud, tmp_path, "eks_kubeconfig", params)
    assert failed["failed"] is True
    assert failed["msg"] == f"EKS cluster {NAME} does not exist: write its kubeconfig once it is ACTIVE"
    assert not path.exists()
