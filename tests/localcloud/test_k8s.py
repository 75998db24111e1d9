"""The local cloud's Kubernetes: a real kube-apiserver v1.20.2 + etcd + kube-controller-manager and the
stand-in kubelet (tools/localcloud/kube.py, fake_kubelet.py).

All tests of this module run on one xdist worker (``xdist_group``) and share one Kubernetes (the session
fixture ``k8s``); the CLI tests start their own local clouds. Skipped only when the binaries are not
built (``make k8s-build``; ``make unit`` builds them first).
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools.localcloud import REPO_ROOT
from tools.localcloud import k8s as kube
from tools.localcloud.client import LocalCloud, free_port_with_k8s

pytestmark = pytest.mark.xdist_group("k8s")

needs_binaries = pytest.mark.skipif(
    not kube.binaries_available(),
    reason=f"Kubernetes binaries not built ({', '.join(kube.missing_binaries())} missing in "
    f"{kube.bin_dir()}): run `make k8s-build`",
)
needs_crds = pytest.mark.skipif(
    not kube.crds_dir().is_dir(),
    reason=f"no third-party CRD folder {kube.crds_dir()} ($FASTISH_LOCALCLOUD_CRDS)",
)
VENV_BIN = Path(sys.executable).parent


def wait_for(check: Callable[[], Any], timeout: float = 60, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def api(k8s: LocalCloud) -> Iterator[Any]:
    """A kubernetes.client ApiClient built from the local cloud's kubeconfig."""
    from kubernetes import config

    client = config.new_client_from_config(config_file=str(k8s.kubeconfig))
    yield client
    client.close()


@pytest.fixture
def namespace(api: Any) -> Iterator[str]:
    from kubernetes import client

    name = f"t-{uuid.uuid4().hex[:8]}"
    core = client.CoreV1Api(api)
    core.create_namespace({"metadata": {"name": name}})
    yield name
    core.delete_namespace(name)


# --------------------------------------------------------------------------------------------------------
# Ports (no binaries needed)


def test_ports_derive_from_the_aws_port() -> None:
    assert kube.ports_for(5400) == kube.K8sPorts(apiserver=6400, etcd_client=7400, etcd_peer=8400)
    assert kube.ports_for(5420) == kube.K8sPorts(apiserver=6420, etcd_client=7420, etcd_peer=8420)
    assert kube.ports_for(64000) == kube.K8sPorts(apiserver=63000, etcd_client=62000, etcd_peer=61000)
    # the demo (5400), molecule (5410) and the helpers (54xx) never collide with each other
    clouds = range(5400, 5500)
    taken = [p for aws in clouds for p in (aws, *(port for _, port in kube.ports_for(aws).items()))]
    assert len(taken) == len(set(taken))


def test_up_without_binaries_starts_aws_only_and_says_how_to_build(tmp_path: Path) -> None:
    env = cli_env(tmp_path, port=free_port_with_k8s(), FASTISH_K8S_CACHE=str(tmp_path / "empty-cache"))
    try:
        up = cli(env, "up")
        assert up.returncode == 0, up.stdout + up.stderr
        assert "binaries not built" in up.stdout and "make k8s-build" in up.stdout
        assert not (tmp_path / "state" / "k8s").exists()
        status = cli(env, "status")
        assert status.returncode == 0 and "kubernetes: not built" in status.stdout
        no_k8s = cli(env, "up", "--no-k8s")
        assert "kubernetes: not started (--no-k8s" in no_k8s.stdout
    finally:
        assert cli(env, "down").returncode == 0


# --------------------------------------------------------------------------------------------------------
# One shared Kubernetes


@needs_binaries
def test_kubeconfig_works_with_the_kubernetes_client(k8s: LocalCloud, api: Any) -> None:
    from kubernetes import client

    config = yaml.safe_load(k8s.kubeconfig.read_text())
    assert config["current-context"] == kube.CLUSTER_NAME
    cluster = config["clusters"][0]["cluster"]
    assert cluster["server"] == f"https://127.0.0.1:{k8s.port + 1000}"
    ca = base64.b64decode(cluster["certificate-authority-data"])
    assert ca.startswith(b"-----BEGIN CERTIFICATE-----")  # embedded: the file works anywhere
    assert oct(k8s.kubeconfig.stat().st_mode & 0o777) == "0o600"

    assert client.VersionApi(api).get_code().git_version == kube.K8S_VERSION
    namespaces = {ns.metadata.name for ns in client.CoreV1Api(api).list_namespace().items}
    assert {"default", "kube-system", "kube-public", "kube-node-lease"} <= namespaces
    assert k8s.env()["KUBECONFIG"] == str(k8s.kubeconfig)


@needs_binaries
def test_ports_of_the_running_cluster(k8s: LocalCloud) -> None:
    kubernetes = k8s.kubernetes
    assert kubernetes is not None
    base = k8s.port
    for port in (base + 1000, base + 2000, base + 3000):
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
    assert kubernetes.info()["ports"] == {
        "apiserver": base + 1000,
        "etcd_client": base + 2000,
        "etcd_peer": base + 3000,
    }
    # kube-controller-manager serves nothing: neither the insecure nor the secure port
    kcm = Path(f"/proc/{kubernetes.pids()['kube-controller-manager']}/cmdline").read_bytes().split(b"\0")
    assert b"--port=0" in kcm and b"--secure-port=0" in kcm


@needs_binaries
def test_stand_in_node_is_ready_and_the_controller_manager_agrees(api: Any) -> None:
    """kube-controller-manager removes the not-ready taint only when it considers the node healthy."""
    from kubernetes import client

    core = client.CoreV1Api(api)

    def untainted_ready() -> bool:
        node = core.read_node(kube.NODE_NAME)
        ready = any(c.type == "Ready" and c.status == "True" for c in node.status.conditions)
        return ready and not node.spec.taints

    wait_for(untainted_ready, 60, "the node lifecycle controller to remove the not-ready taint")
    lease = client.CoordinationV1Api(api).read_namespaced_lease(kube.NODE_NAME, "kube-node-lease")
    assert lease.spec.holder_identity == kube.NODE_NAME
    node = core.read_node(kube.NODE_NAME)
    assert node.status.node_info.kubelet_version == kube.K8S_VERSION
    assert node.metadata.labels["kubernetes.io/os"] == "linux"


@needs_binaries
def test_deployment_pods_become_ready_and_are_deleted(api: Any, namespace: str) -> None:
    from kubernetes import client

    apps, core = client.AppsV1Api(api), client.CoreV1Api(api)
    labels = {"app": "web"}
    container = {"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}
    apps.create_namespaced_deployment(
        namespace,
        {
            "metadata": {"name": "web"},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": labels},
                "template": {"metadata": {"labels": labels}, "spec": {"containers": [container]}},
            },
        },
    )
    core.create_namespaced_service(
        namespace, {"metadata": {"name": "web"}, "spec": {"selector": labels, "ports": [{"port": 80}]}}
    )
    wait_for(
        lambda: (
            (apps.read_namespaced_deployment_status("web", namespace).status.available_replicas or 0) == 2
        ),
        60,
        "2 available replicas",
    )
    pods = core.list_namespaced_pod(namespace, label_selector="app=web").items
    assert {p.spec.node_name for p in pods} == {kube.NODE_NAME}
    assert {p.status.phase for p in pods} == {"Running"}
    assert len({p.status.pod_ip for p in pods}) == 2

    def endpoint_ips() -> set[str]:
        subsets = core.read_namespaced_endpoints("web", namespace).subsets or []
        return {a.ip for s in subsets for a in s.addresses or []}

    wait_for(lambda: endpoint_ips() == {p.status.pod_ip for p in pods}, 30, "the service's endpoints")

    apps.patch_namespaced_deployment_scale("web", namespace, {"spec": {"replicas": 0}})
    wait_for(lambda: not core.list_namespaced_pod(namespace).items, 60, "the pods to be deleted")


@needs_binaries
def test_job_pods_complete(api: Any, namespace: str) -> None:
    from kubernetes import client

    batch = client.BatchV1Api(api)
    container = {"name": "migrate", "image": "busybox:1.36", "command": ["true"]}
    batch.create_namespaced_job(
        namespace,
        {
            "metadata": {"name": "migrate"},
            "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [container]}}},
        },
    )
    job = wait_for(
        lambda: (lambda j: j if j.status.succeeded == 1 else None)(
            batch.read_namespaced_job_status("migrate", namespace)
        ),
        60,
        "the job to succeed",
    )
    assert any(c.type == "Complete" and c.status == "True" for c in job.status.conditions)


@needs_binaries
def test_namespace_deletion_finishes(api: Any) -> None:
    """kube-controller-manager's namespace controller empties and removes a namespace."""
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    core = client.CoreV1Api(api)
    name = f"gone-{uuid.uuid4().hex[:6]}"
    core.create_namespace({"metadata": {"name": name}})
    core.create_namespaced_config_map(name, {"metadata": {"name": "c"}, "data": {"k": "v"}})
    core.delete_namespace(name)

    def gone() -> bool:
        try:
            core.read_namespace(name)
        except ApiException as exc:
            return exc.status == 404
        return False

    wait_for(gone, 90, f"namespace {name} to be deleted")


@needs_binaries
@needs_crds
def test_third_party_crds_are_established(api: Any, k8s: LocalCloud) -> None:
    from kubernetes import client

    crds = {
        c.metadata.name: c for c in client.ApiextensionsV1Api(api).list_custom_resource_definition().items
    }
    expected = {"nodepools.karpenter.sh", "ec2nodeclasses.karpenter.k8s.aws", "nodeclaims.karpenter.sh"}
    expected |= {"servicemonitors.monitoring.coreos.com", "externalsecrets.external-secrets.io"}
    assert expected <= set(crds)
    for name in expected:
        assert any(c.type == "Established" and c.status == "True" for c in crds[name].status.conditions)
    assert k8s.kubernetes is not None
    assert set(k8s.kubernetes.info()["crds"]["applied"]) >= expected


def nodepool(name: str, **disruption: Any) -> dict[str, Any]:
    return {
        "apiVersion": "karpenter.sh/v1",
        "kind": "NodePool",
        "metadata": {"name": name},
        "spec": {
            "template": {
                "spec": {
                    "nodeClassRef": {
                        "group": "karpenter.k8s.aws",
                        "kind": "EC2NodeClass",
                        "name": "default",
                    },
                    "requirements": [
                        {
                            "key": "karpenter.k8s.aws/instance-family",
                            "operator": "In",
                            "values": ["m6i", "m7i"],
                        },
                        {
                            "key": "karpenter.sh/capacity-type",
                            "operator": "In",
                            "values": ["spot", "on-demand"],
                        },
                    ],
                    "expireAfter": "720h",
                }
            },
            "limits": {"cpu": "100", "memory": "400Gi"},
            "disruption": {"consolidateAfter": "1m", **disruption},
        },
    }


@needs_binaries
@needs_crds
def test_custom_resource_breaking_the_schema_is_rejected(api: Any) -> None:
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    objects = client.CustomObjectsApi(api)
    bad = nodepool(f"bad-{uuid.uuid4().hex[:6]}", consolidationPolicy="WhenIdle")
    with pytest.raises(ApiException) as error:
        objects.create_cluster_custom_object("karpenter.sh", "v1", "nodepools", bad)
    assert error.value.status == 422
    message = json.loads(error.value.body)["message"]
    assert 'spec.disruption.consolidationPolicy: Unsupported value: "WhenIdle"' in message

    missing = nodepool(f"bad-{uuid.uuid4().hex[:6]}")
    del missing["spec"]["template"]["spec"]["nodeClassRef"]
    with pytest.raises(ApiException) as error:
        objects.create_cluster_custom_object("karpenter.sh", "v1", "nodepools", missing)
    assert error.value.status == 422
    assert "spec.template.spec.nodeClassRef: Required value" in json.loads(error.value.body)["message"]


@needs_binaries
@needs_crds
def test_valid_nodepool_and_ec2nodeclass_are_accepted(api: Any) -> None:
    from kubernetes import client

    objects = client.CustomObjectsApi(api)
    suffix = uuid.uuid4().hex[:6]
    node_class = {
        "apiVersion": "karpenter.k8s.aws/v1",
        "kind": "EC2NodeClass",
        "metadata": {"name": f"default-{suffix}"},
        "spec": {
            "role": "acme-data-analytics-karpenter-node",
            "amiSelectorTerms": [{"alias": "bottlerocket@latest"}],
            "subnetSelectorTerms": [{"tags": {"karpenter.sh/discovery": "acme-data-analytics-eks"}}],
            "securityGroupSelectorTerms": [{"tags": {"karpenter.sh/discovery": "acme-data-analytics-eks"}}],
            "blockDeviceMappings": [
                {
                    "deviceName": "/dev/xvdb",
                    "ebs": {"volumeSize": "50Gi", "volumeType": "gp3", "encrypted": True},
                }
            ],
        },
    }
    created = objects.create_cluster_custom_object("karpenter.k8s.aws", "v1", "ec2nodeclasses", node_class)
    # structural-schema defaulting happened on the server (metadataOptions is not in the request)
    assert created["spec"]["metadataOptions"]["httpTokens"] == "required"

    pool = nodepool(f"general-{suffix}", consolidationPolicy="WhenEmptyOrUnderutilized")
    pool["spec"]["template"]["spec"]["nodeClassRef"]["name"] = node_class["metadata"]["name"]
    objects.create_cluster_custom_object("karpenter.sh", "v1", "nodepools", pool)
    read = objects.get_cluster_custom_object("karpenter.sh", "v1", "nodepools", pool["metadata"]["name"])
    assert read["spec"]["disruption"]["budgets"] == [{"nodes": "10%"}]  # schema default
    objects.delete_cluster_custom_object("karpenter.sh", "v1", "nodepools", pool["metadata"]["name"])
    objects.delete_cluster_custom_object(
        "karpenter.k8s.aws", "v1", "ec2nodeclasses", node_class["metadata"]["name"]
    )


# --------------------------------------------------------------------------------------------------------
# helm and Ansible against the kubeconfig


CHART = {
    "Chart.yaml": """\
        apiVersion: v2
        name: tiny
        version: 0.1.0
        appVersion: "1.0"
        """,
    "values.yaml": """\
        replicas: 2
        image: nginx:1.27
        """,
    "templates/deployment.yaml": """\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{ .Release.Name }}-tiny
        spec:
          replicas: {{ .Values.replicas }}
          selector:
            matchLabels: {app: {{ .Release.Name }}-tiny}
          template:
            metadata:
              labels: {app: {{ .Release.Name }}-tiny}
            spec:
              containers:
                - name: web
                  image: {{ .Values.image }}
                  readinessProbe:
                    httpGet: {path: /, port: 80}
        """,
    "templates/service.yaml": """\
        apiVersion: v1
        kind: Service
        metadata:
          name: {{ .Release.Name }}-tiny
        spec:
          selector: {app: {{ .Release.Name }}-tiny}
          ports: [{port: 80}]
        """,
}


@needs_binaries
def test_helm_install_with_wait(k8s: LocalCloud, tmp_path: Path) -> None:
    chart = tmp_path / "tiny"
    for name, text in CHART.items():
        (chart / name).parent.mkdir(parents=True, exist_ok=True)
        (chart / name).write_text(textwrap.dedent(text))
    env = {**os.environ, "KUBECONFIG": str(k8s.kubeconfig), "HELM_CACHE_HOME": str(tmp_path / "cache")}
    env |= {"HELM_CONFIG_HOME": str(tmp_path / "config"), "HELM_DATA_HOME": str(tmp_path / "data")}
    namespace = f"helm-{uuid.uuid4().hex[:6]}"
    helm = str(VENV_BIN / "helm")
    install = subprocess.run(
        [
            helm,
            "install",
            "demo",
            str(chart),
            "-n",
            namespace,
            "--create-namespace",
            "--wait",
            "--timeout",
            "90s",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    status = subprocess.run(
        [helm, "status", "demo", "-n", namespace, "-o", "json"], env=env, capture_output=True, text=True
    )
    assert json.loads(status.stdout)["info"]["status"] == "deployed"
    uninstall = subprocess.run(
        [helm, "uninstall", "demo", "-n", namespace, "--wait"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert uninstall.returncode == 0, uninstall.stderr


PLAYBOOK = """\
- name: Read the local Kubernetes with kubernetes.core
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Nodes
      kubernetes.core.k8s_info:
        kubeconfig: "{{ kubeconfig }}"
        kind: Node
      register: nodes
    - name: Namespace kube-system
      kubernetes.core.k8s_info:
        kubeconfig: "{{ kubeconfig }}"
        kind: Namespace
        name: kube-system
      register: system
    - name: Check
      ansible.builtin.assert:
        that:
          - nodes.resources | map(attribute='metadata.name') | list == [node]
          - system.resources[0].status.phase == 'Active'
"""


@needs_binaries
def test_ansible_k8s_info_against_the_kubeconfig(k8s: LocalCloud, tmp_path: Path) -> None:
    playbook = tmp_path / "k8s_info.yml"
    playbook.write_text(PLAYBOOK)
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO_ROOT / "ansible.cfg")}
    result = subprocess.run(
        [
            str(VENV_BIN / "ansible-playbook"),
            "-i",
            "localhost,",
            "-e",
            f"ansible_python_interpreter={sys.executable}",
            "-e",
            f"kubeconfig={k8s.kubeconfig}",
            "-e",
            f"node={kube.NODE_NAME}",
            str(playbook),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        cwd=REPO_ROOT,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "failed=0" in result.stdout


# --------------------------------------------------------------------------------------------------------
# The CLI: up / status / reset / down with Kubernetes


def cli_env(tmp_path: Path, port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "KUBECONFIG"))}
    env.update(FASTISH_LOCALCLOUD_PORT=str(port), FASTISH_LOCALCLOUD_DIR=str(tmp_path / "state"), **extra)
    env.pop("FASTISH_LOCALCLOUD_K8S", None)
    return env


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tools.localcloud", *args],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )


def recorded_pids(state: Path) -> dict[str, int]:
    files = {"moto": state / "moto.pid", **{c: state / "k8s" / f"{c}.pid" for c in kube.COMPONENTS}}
    return {name: int(path.read_text()) for name, path in files.items() if path.exists()}


@needs_binaries
def test_cli_up_is_idempotent_reset_wipes_and_down_leaves_no_process(tmp_path: Path) -> None:
    from kubernetes import client, config

    port = free_port_with_k8s()
    state = tmp_path / "state"
    env = cli_env(tmp_path, port, FASTISH_LOCALCLOUD_CRDS=str(tmp_path / "no-crds"))
    pids: dict[str, int] = {}
    try:
        up = cli(env, "up")
        assert up.returncode == 0, up.stdout + up.stderr
        kubeconfig = state / "k8s" / "kubeconfig"
        assert f"kubeconfig: {kubeconfig}" in up.stdout
        assert "will be reported as skipped" in up.stdout  # no CRD folder
        pids = recorded_pids(state)
        assert set(pids) == {"moto", *kube.COMPONENTS}
        assert all(kube.pid_alive(pid) for pid in pids.values())
        for offset in (1000, 2000, 3000):
            with socket.create_connection(("127.0.0.1", port + offset), timeout=2):
                pass

        again = cli(env, "up")
        assert again.returncode == 0, again.stdout + again.stderr
        assert "already running" in again.stdout and "kubernetes is already running" in again.stdout
        assert recorded_pids(state) == pids

        status = cli(env, "status")
        assert status.returncode == 0, status.stdout + status.stderr
        assert "kubernetes is running" in status.stdout and str(kubeconfig) in status.stdout

        api = config.new_client_from_config(config_file=str(kubeconfig))
        core = client.CoreV1Api(api)
        core.create_namespace({"metadata": {"name": "leftover"}})
        reset = cli(env, "reset")
        assert reset.returncode == 0, reset.stdout + reset.stderr
        assert "kubernetes reset" in reset.stdout
        names = {ns.metadata.name for ns in core.list_namespace().items}  # same kubeconfig still works
        assert "leftover" not in names and "default" in names
        info = json.loads((state / "k8s" / "k8s.json").read_text())
        assert info["etcd_template"]["used"]  # `up` saved the template (or found it), reset copied it
        api.close()
        pids = recorded_pids(state)
    finally:
        down = cli(env, "down")
    assert down.returncode == 0, down.stdout + down.stderr
    assert "kubernetes stopped" in down.stdout
    assert not [name for name, pid in pids.items() if kube.pid_alive(pid)]
    assert recorded_pids(state) == {}
    assert all(kube.port_free(port + offset) for offset in (1000, 2000, 3000))
