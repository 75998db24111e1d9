"""The local cloud's stand-in kubelet. It is NOT a kubelet: it runs no containers.

It lets a control plane without nodes behave like a cluster with one healthy node, so that
Deployments become Available and ``helm --wait`` / kubernetes.core ``wait: true`` succeed:

- registers one Node (``--node-name``) with the usual labels (hostname, os, arch), capacity, and a Ready
  condition; renews its Lease in ``kube-node-lease`` every 10 s and reports node status every 60 s, so
  kube-controller-manager's node lifecycle controller keeps it Ready (and removes the not-ready taint)
  instead of tainting and evicting;
- binds every unscheduled pod to that node (there is no scheduler: nodeSelector, affinity, taints and
  resource requests are ignored) and patches its status: ``Running`` + Ready with a pod IP from
  10.244.0.0/16 (so Services get endpoints), or, for run-to-completion pods (restartPolicy Never or
  OnFailure, e.g. Jobs and helm hooks), ``Succeeded`` with exit code 0;
- finishes the deletion of its pods (a real kubelet confirms with a grace period of 0 once the
  containers are gone).

Not available: logs, exec, attach, port-forward, probes, volumes, images, resource accounting, eviction.
Standard library only; talks to the API server with a bearer token (``--token-file``).

Usage: ``python -m tools.localcloud.fake_kubelet --server https://127.0.0.1:6400 --ca-file ca.crt
--token-file token [--node-name localcloud-node-1]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import ipaddress
import json
import platform
import signal
import ssl
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit

KUBELET_VERSION = "v1.20.2"
LEASE_NAMESPACE = "kube-node-lease"
LEASE_SECONDS = 40
LEASE_RENEW_SECONDS = 10
STATUS_REPORT_SECONDS = 60
POD_CIDR = "10.244.0.0/16"
MERGE_PATCH = "application/merge-patch+json"
RUN_TO_COMPLETION = ("Never", "OnFailure")


def log(message: str) -> None:
    print(f"{dt.datetime.now(dt.UTC).strftime('%H:%M:%S')} {message}", flush=True)


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_micro() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class ApiError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"HTTP {status}: {body}")
        self.status = status


class Api:
    """Minimal JSON client for one API server (a new connection per call; streaming for watches)."""

    def __init__(self, server: str, ca_file: str, token: str) -> None:
        parts = urlsplit(server)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 443
        self.context = ssl.create_default_context(cafile=ca_file)
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def _connection(self, timeout: float) -> http.client.HTTPSConnection:
        return http.client.HTTPSConnection(self.host, self.port, context=self.context, timeout=timeout)

    def call(self, method: str, path: str, body: Any = None, content_type: str = "application/json") -> Any:
        connection = self._connection(30)
        try:
            headers = dict(self.headers)
            data = None
            if body is not None:
                data = json.dumps(body).encode()
                headers["Content-Type"] = content_type
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            raw = response.read()
        finally:
            connection.close()
        parsed = json.loads(raw) if raw.strip() else None
        if response.status >= 400:
            message = parsed.get("message") if isinstance(parsed, dict) else parsed
            raise ApiError(response.status, message)
        return parsed

    def watch(self, path: str, timeout: float) -> Iterator[dict[str, Any]]:
        connection = self._connection(timeout + 10)
        try:
            connection.request("GET", path, headers=self.headers)
            response = connection.getresponse()
            if response.status != 200:
                raise ApiError(response.status, response.read()[:300])
            while True:
                line = response.readline()
                if not line:
                    return
                if line.strip():
                    yield json.loads(line)
        finally:
            connection.close()


class StandInKubelet:
    def __init__(self, api: Api, node: str) -> None:
        self.api = api
        self.node = node
        self.started = now()
        self.ips: dict[str, str] = {}  # pod uid -> IP
        self.used_ips: set[str] = set()
        self.handled: set[str] = set()  # uids whose status this process has set
        self.next_ip = iter(ipaddress.ip_network(POD_CIDR).hosts())
        next(self.next_ip)  # 10.244.0.1: the "gateway"

    # ---- node + lease

    def node_status(self) -> dict[str, Any]:
        heartbeat = now()
        resources = {"cpu": "16", "memory": "64Gi", "pods": "250", "ephemeral-storage": "100Gi"}
        conditions = [
            ("MemoryPressure", "False", "KubeletHasSufficientMemory"),
            ("DiskPressure", "False", "KubeletHasNoDiskPressure"),
            ("PIDPressure", "False", "KubeletHasSufficientPID"),
            ("Ready", "True", "KubeletReady"),
        ]
        arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
        return {
            "conditions": [
                {
                    "type": kind,
                    "status": status,
                    "reason": reason,
                    "message": "stand-in kubelet (fastish local cloud): no containers run",
                    "lastHeartbeatTime": heartbeat,
                    "lastTransitionTime": self.started,
                }
                for kind, status, reason in conditions
            ],
            "capacity": resources,
            "allocatable": resources,
            "addresses": [
                {"type": "InternalIP", "address": "127.0.0.1"},
                {"type": "Hostname", "address": self.node},
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 0}},
            "nodeInfo": {
                "kubeletVersion": KUBELET_VERSION,
                "kubeProxyVersion": KUBELET_VERSION,
                "operatingSystem": "linux",
                "architecture": arch,
                "osImage": "fastish local cloud stand-in kubelet (no containers)",
                "kernelVersion": platform.release(),
                "containerRuntimeVersion": "stand-in://0",
                "machineID": "",
                "systemUUID": "",
                "bootID": "",
            },
        }

    def register(self) -> None:
        arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
        labels = {
            "kubernetes.io/hostname": self.node,
            "kubernetes.io/os": "linux",
            "kubernetes.io/arch": arch,
            "beta.kubernetes.io/os": "linux",
            "beta.kubernetes.io/arch": arch,
            "localcloud.fastish.io/stand-in-kubelet": "true",
        }
        body = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": self.node, "labels": labels}}
        try:
            self.api.call("POST", "/api/v1/nodes", body)
            log(f"node {self.node} registered")
        except ApiError as exc:
            if exc.status != 409:
                raise
        self.report_status()
        self.renew_lease()

    def report_status(self) -> None:
        body = {"status": self.node_status()}
        self.api.call("PATCH", f"/api/v1/nodes/{self.node}/status", body, MERGE_PATCH)

    def renew_lease(self) -> None:
        path = f"/apis/coordination.k8s.io/v1/namespaces/{LEASE_NAMESPACE}/leases"
        spec = {"holderIdentity": self.node, "leaseDurationSeconds": LEASE_SECONDS, "renewTime": now_micro()}
        try:
            self.api.call("PATCH", f"{path}/{self.node}", {"spec": spec}, MERGE_PATCH)
        except ApiError as exc:
            if exc.status != 404:
                raise
            node = self.api.call("GET", f"/api/v1/nodes/{self.node}")
            owner = {"apiVersion": "v1", "kind": "Node", "name": self.node, "uid": node["metadata"]["uid"]}
            lease = {
                "apiVersion": "coordination.k8s.io/v1",
                "kind": "Lease",
                "metadata": {"name": self.node, "namespace": LEASE_NAMESPACE, "ownerReferences": [owner]},
                "spec": spec,
            }
            self.api.call("POST", path, lease)

    def heartbeat_forever(self) -> None:
        last_status = time.monotonic()
        while True:
            time.sleep(LEASE_RENEW_SECONDS)
            try:
                if time.monotonic() - last_status >= STATUS_REPORT_SECONDS:
                    self.report_status()
                    last_status = time.monotonic()
                self.renew_lease()
            except ApiError as exc:
                if exc.status == 404:  # the node was deleted: register again
                    self.safe(self.register)
                else:
                    log(f"heartbeat: {exc}")
            except (OSError, ValueError) as exc:
                log(f"heartbeat: {exc}")

    def safe(self, action: Any) -> None:
        try:
            action()
        except (ApiError, OSError, ValueError) as exc:
            log(f"{getattr(action, '__name__', action)}: {exc}")

    # ---- pods

    def ip_for(self, pod: dict[str, Any]) -> str:
        uid = pod["metadata"]["uid"]
        if uid not in self.ips:
            ip = next(self.next_ip)
            while str(ip) in self.used_ips:
                ip = next(self.next_ip)
            self.ips[uid] = str(ip)
            self.used_ips.add(str(ip))
        return self.ips[uid]

    def handle(self, pod: dict[str, Any]) -> None:
        metadata, spec, status = pod["metadata"], pod.get("spec", {}), pod.get("status", {})
        namespace, name = metadata["namespace"], metadata["name"]
        node = spec.get("nodeName")
        path = f"/api/v1/namespaces/{quote(namespace)}/pods/{quote(name)}"
        if status.get("podIP"):
            self.used_ips.add(status["podIP"])
        if metadata.get("deletionTimestamp"):
            if node == self.node:  # containers "stopped": confirm the deletion
                options = {"apiVersion": "v1", "kind": "DeleteOptions", "gracePeriodSeconds": 0}
                options["preconditions"] = {"uid": metadata["uid"]}
                try:
                    self.api.call("DELETE", path, options)
                    log(f"deleted {namespace}/{name}")
                except ApiError as exc:
                    if exc.status not in (404, 409):
                        raise
            return
        if node and node != self.node:
            return
        phase = status.get("phase", "Pending")
        if phase in ("Succeeded", "Failed"):
            return
        conditions = status.get("conditions") or []
        ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)
        if (phase == "Running" and ready) or metadata["uid"] in self.handled:
            return
        if not node:
            binding = {
                "apiVersion": "v1",
                "kind": "Binding",
                "metadata": {"name": name, "namespace": namespace},
                "target": {"apiVersion": "v1", "kind": "Node", "name": self.node},
            }
            try:
                self.api.call("POST", f"{path}/binding", binding)
            except ApiError as exc:
                if exc.status == 404:
                    return
                if exc.status != 409:  # 409: already bound (to us, by an earlier event)
                    raise
        self.api.call("PATCH", f"{path}/status", {"status": self.pod_status(pod)}, MERGE_PATCH)
        self.handled.add(metadata["uid"])
        log(f"{'completed' if self.completes(pod) else 'running'} {namespace}/{name}")

    @staticmethod
    def completes(pod: dict[str, Any]) -> bool:
        return pod.get("spec", {}).get("restartPolicy", "Always") in RUN_TO_COMPLETION

    def pod_status(self, pod: dict[str, Any]) -> dict[str, Any]:
        t = now()
        spec = pod.get("spec", {})
        ip = self.ip_for(pod)
        uid = pod["metadata"]["uid"]
        done = self.completes(pod)

        def container_status(container: dict[str, Any], *, finished: bool) -> dict[str, Any]:
            image = container.get("image", "")
            if finished:
                state = {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": t}}
                state["terminated"]["finishedAt"] = t
            else:
                state = {"running": {"startedAt": t}}
            return {
                "name": container["name"],
                "image": image,
                "imageID": f"stand-in://{image}",
                "containerID": f"stand-in://{uid}/{container['name']}",
                "ready": not finished,
                "started": not finished,
                "restartCount": 0,
                "state": state,
            }

        ready = "False" if done else "True"
        conditions = [
            {"type": "PodScheduled", "status": "True", "lastTransitionTime": t},
            {"type": "Initialized", "status": "True", "lastTransitionTime": t},
            {"type": "ContainersReady", "status": ready, "lastTransitionTime": t},
            {"type": "Ready", "status": ready, "lastTransitionTime": t},
        ]
        if done:
            for condition in conditions[2:]:
                condition["reason"] = "PodCompleted"
        return {
            "phase": "Succeeded" if done else "Running",
            "conditions": conditions,
            "hostIP": "127.0.0.1",
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "startTime": t,
            "initContainerStatuses": [
                container_status(c, finished=True) for c in spec.get("initContainers") or []
            ],
            "containerStatuses": [container_status(c, finished=done) for c in spec.get("containers") or []],
        }

    def sync(self, pod: dict[str, Any]) -> None:
        try:
            self.handle(pod)
        except (ApiError, OSError, ValueError, http.client.HTTPException) as exc:
            metadata = pod.get("metadata", {})
            log(f"pod {metadata.get('namespace')}/{metadata.get('name')}: {exc}")

    def forget(self, pod: dict[str, Any]) -> None:
        uid = pod.get("metadata", {}).get("uid")
        self.handled.discard(uid)
        ip = self.ips.pop(uid, None)
        if ip:
            self.used_ips.discard(ip)

    def run(self) -> None:
        """List + watch all pods forever (relist after a watch ends or fails)."""
        while True:
            try:
                pods = self.api.call("GET", "/api/v1/pods")
                for pod in pods.get("items", []):
                    self.sync(pod)
                version = pods["metadata"]["resourceVersion"]
                while True:
                    path = (
                        f"/api/v1/pods?watch=true&allowWatchBookmarks=true&timeoutSeconds=55"
                        f"&resourceVersion={version}"
                    )
                    expired = False
                    for event in self.api.watch(path, timeout=55):
                        kind, obj = event.get("type"), event.get("object", {})
                        if kind == "ERROR":
                            expired = True  # 410 Gone: relist
                            break
                        version = obj.get("metadata", {}).get("resourceVersion", version)
                        if kind in ("ADDED", "MODIFIED"):
                            self.sync(obj)
                        elif kind == "DELETED":
                            self.forget(obj)
                    if expired:
                        break
            except (ApiError, OSError, ValueError, KeyError, http.client.HTTPException) as exc:
                log(f"watch: {exc}; relisting in 1 s")
                time.sleep(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", required=True, help="API server URL (https://127.0.0.1:<port>)")
    parser.add_argument("--ca-file", required=True, help="CA bundle of the API server")
    parser.add_argument("--token-file", required=True, help="file holding the bearer token")
    parser.add_argument("--node-name", default="localcloud-node-1")
    args = parser.parse_args(argv)

    def _stop(signum: int, _frame: Any) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _stop)
    with open(args.token_file) as handle:
        token = handle.read().strip()
    kubelet = StandInKubelet(Api(args.server, args.ca_file, token), args.node_name)
    while True:
        try:
            kubelet.register()
            break
        except (ApiError, OSError, ValueError) as exc:
            log(f"register: {exc}; retrying")
            time.sleep(0.5)
    log(f"stand-in kubelet for node {args.node_name} on {args.server}: watching pods")
    threading.Thread(target=kubelet.heartbeat_forever, name="heartbeat", daemon=True).start()
    kubelet.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
