"""Local cloud extensions: the Amazon MSK (kafka) APIs moto 5.2.5 lacks, and its cluster shapes.

Registered with ``@patches._patch(name, patches._EXTENSIONS)``; applied in the server process only. Each
checks first that moto still lacks what it adds (and still has what it wraps) and raises
``PatchDoesNotFit`` otherwise, so a moto that grows these APIs makes the extension skip itself.

- ``kafka-cluster-shapes``: cluster ARNs as AWS has them (``cluster/<name>/<uuid>-<n>``) and an
  AWS-like current version; DescribeCluster(V2) of an unknown ARN is NotFoundException (moto: 500);
  ListClusters returns whole ClusterInfo objects as AWS does (moto: five fields, so
  community.aws.msk_cluster fails on its second run); CreateCluster checks its configurationInfo
  (configuration and revision exist); DeleteCluster checks CurrentVersion when given.
- ``kafka-configurations``: Create/Describe/List/Update/DeleteConfiguration,
  DescribeConfigurationRevision, ListConfigurationRevisions. ARNs
  ``arn:aws:kafka:<region>:<account>:configuration/<name>/<uuid>-<n>``, a revision per update,
  ServerProperties as bytes (base64 on the wire). A configuration used by a cluster cannot be deleted.
- ``kafka-bootstrap-brokers-and-nodes``: GetBootstrapBrokers (ACTIVE clusters only, as AWS:
  BadRequestException otherwise): one broker per broker node,
  ``b-<n>.<cluster>.<id>.c2.kafka.<region>.amazonaws.com``, port 9094 TLS / 9092 plaintext (from
  encryptionInTransit.clientBroker), 9098 SASL/IAM and 9096 SASL/SCRAM (from clientAuthentication).
  ListNodes lists those brokers.
- ``kafka-cluster-updates``: UpdateClusterConfiguration, UpdateMonitoring, UpdateBrokerStorage,
  UpdateBrokerCount, UpdateBrokerType, UpdateClusterKafkaVersion (what community.aws.msk_cluster calls)
  and DescribeClusterOperation. An update needs an ACTIVE cluster and its CurrentVersion
  (BadRequestException otherwise), applies the change, gives the cluster a new current version and keeps
  it UPDATING for ``lifecycle.seconds('msk_cluster')`` (ext_lifecycles.py).

State lives on moto's kafka backend objects, so ``/moto-api/reset`` drops it.
"""

from __future__ import annotations

import base64
import functools
import json
import re
import threading
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from . import lifecycle, patches
from .patches import PatchDoesNotFit, _mark, _require_params

MSK_CLUSTER = "msk_cluster"
_LOCK = threading.RLock()
_NAME = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]{0,63}$")
# Path suffixes of the per-cluster operations (longest first: "/nodes/count" before "/nodes").
_CLUSTER_SUFFIXES = (
    "/bootstrap-brokers",
    "/nodes/storage",
    "/nodes/count",
    "/nodes/type",
    "/configuration",
    "/monitoring",
    "/operations",
    "/version",
    "/nodes",
)
PORTS = {"plaintext": 9092, "tls": 9094, "sasl_scram": 9096, "sasl_iam": 9098}


# --------------------------------------------------------------------------------------------------------
# Helpers


def _errors() -> tuple[type, type, type]:
    """(BadRequest, NotFound, Conflict) exception classes with AWS's HTTP status codes."""
    from moto.kafka.exceptions import KafkaException

    class BadRequest(KafkaException):
        code = 400

        def __init__(self, message: str) -> None:
            super().__init__("BadRequestException", message)

    class NotFound(KafkaException):
        code = 404

        def __init__(self, message: str) -> None:
            super().__init__("NotFoundException", message)

    class Conflict(KafkaException):
        code = 409

        def __init__(self, message: str) -> None:
            super().__init__("ConflictException", message)

    return BadRequest, NotFound, Conflict


def _bad_request(message: str) -> Exception:
    return _errors()[0](message)


def _not_found(message: str) -> Exception:
    return _errors()[1](message)


def _conflict(message: str) -> Exception:
    return _errors()[2](message)


def _random() -> Any:
    from moto.moto_api._internal import mock_random

    return mock_random


def _uuid() -> str:
    return str(_random().uuid4())


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _current_version() -> str:
    """An AWS-like cluster version string (AWS: e.g. ``K3AEGXETSR30VB``)."""
    return _random().get_random_string(length=14).upper()


def _store(backend: Any, key: str) -> dict[str, Any]:
    """Per-backend storage of the extensions (dropped with the backend on reset)."""
    return backend.__dict__.setdefault(f"_localcloud_{key}", {})


def _path(response: Any) -> str:
    return unquote(response.parsed_url.path)


def _cluster_arn(response: Any) -> str:
    arn = _path(response).split("/clusters/", 1)[-1]
    for suffix in _CLUSTER_SUFFIXES:
        if arn.endswith(suffix):
            return arn[: -len(suffix)]
    return arn


def _cluster(backend: Any, arn: str) -> Any:
    cluster = backend.clusters.get(arn)
    if cluster is None:
        raise _not_found(f"The specified cluster was not found: {arn}")
    return cluster


def _body(response: Any) -> dict[str, Any]:
    try:
        data = json.loads(response.body or "{}")
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _page(items: list[Any], max_results: Any, next_token: Any) -> tuple[list[Any], str | None]:
    start = int(next_token) if next_token and str(next_token).isdigit() else 0
    size = int(max_results) if max_results else 100
    end = start + size
    return items[start:end], (str(end) if end < len(items) else None)


def _route(paths: dict[str, Any], patterns: dict[str, Any]) -> None:
    for pattern in patterns:
        if pattern in paths:
            raise PatchDoesNotFit(f"moto.kafka.urls.url_paths already has {pattern}")
    paths.update(patterns)


def _check_absent(cls: Any, *methods: str) -> None:
    for method in methods:
        if hasattr(cls, method):
            raise PatchDoesNotFit(f"moto's {cls.__name__} now has {method}; drop this extension")


# --------------------------------------------------------------------------------------------------------
# Cluster shapes


@patches._patch("kafka-cluster-shapes", patches._EXTENSIONS)
def _kafka_cluster_shapes() -> None:
    from moto.kafka.models import FakeKafkaCluster, KafkaBackend

    name = "kafka-cluster-shapes"
    _require_params(FakeKafkaCluster._generate_arn, "self")
    _require_params(KafkaBackend.describe_cluster, "self", "cluster_arn")
    _require_params(KafkaBackend.describe_cluster_v2, "self", "cluster_arn")
    _require_params(KafkaBackend.list_clusters, "self", "cluster_name_filter")
    _require_params(KafkaBackend.create_cluster, "self", "broker_node_group_info")
    _require_params(KafkaBackend.delete_cluster, "self", "cluster_arn", "current_version")
    original_init = FakeKafkaCluster.__init__
    original_describe = KafkaBackend.describe_cluster
    original_describe_v2 = KafkaBackend.describe_cluster_v2
    original_create = KafkaBackend.create_cluster
    original_delete = KafkaBackend.delete_cluster

    def _generate_arn(self: Any) -> str:
        from moto.utilities.utils import get_partition

        kind = "cluster" if self.cluster_type == "PROVISIONED" else "serverless-cluster"
        suffix = _random().randint(1, 25)
        return (
            f"arn:{get_partition(self.region_name)}:kafka:{self.region_name}:{self.account_id}:"
            f"{kind}/{self.cluster_name}/{self.cluster_id}-{suffix}"
        )

    @functools.wraps(original_init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        if self.current_version == "1.0":  # moto's constant
            self.current_version = _current_version()

    def describe(original: Any) -> Any:
        @functools.wraps(original)
        def wrapper(self: Any, cluster_arn: str) -> Any:
            _cluster(self, cluster_arn)
            info = original(self, cluster_arn)
            cluster = self.clusters[cluster_arn]
            info.pop("activeOperationArn", None)
            operation = cluster.__dict__.get("_localcloud_active_operation")
            if operation and cluster.state == "UPDATING":
                info["activeOperationArn"] = operation
            info["stateInfo"] = {}
            return info

        return _mark(wrapper, name)

    def list_clusters(self: Any, cluster_name_filter: str | None = None) -> list[dict[str, Any]]:
        return [
            self.describe_cluster(arn)
            for arn, cluster in list(self.clusters.items())
            if cluster.cluster_type == "PROVISIONED"
            and (not cluster_name_filter or cluster.cluster_name.startswith(cluster_name_filter))
        ]

    @functools.wraps(original_create)
    def create_cluster(self: Any, *args: Any, **kwargs: Any) -> Any:
        info = kwargs.get("configuration_info")
        if info:
            configuration = _store(self, "configurations").get(info.get("arn"))
            revisions = [r["revision"] for r in configuration["revisions"]] if configuration else []
            if configuration is None or int(info.get("revision") or 0) not in revisions:
                raise _bad_request(
                    f"The specified configuration {info.get('arn')} revision {info.get('revision')} "
                    "does not exist."
                )
        if not _NAME.match(str(kwargs.get("cluster_name") or "")):
            raise _bad_request("The cluster name must match ^[0-9A-Za-z][0-9A-Za-z-]{0,63}$.")
        if any(c.cluster_name == kwargs.get("cluster_name") for c in list(self.clusters.values())):
            raise _conflict(f"A cluster with the name {kwargs.get('cluster_name')} already exists.")
        return original_create(self, *args, **kwargs)

    @functools.wraps(original_delete)
    def delete_cluster(self: Any, cluster_arn: str, current_version: str | None = None) -> Any:
        cluster = _cluster(self, cluster_arn)
        if current_version and current_version != cluster.current_version:
            raise _bad_request(
                f"The provided current version {current_version} does not match the cluster's current "
                f"version {cluster.current_version}."
            )
        return original_delete(self, cluster_arn, current_version)

    FakeKafkaCluster._generate_arn = _mark(_generate_arn, name)
    FakeKafkaCluster.__init__ = _mark(__init__, name)
    KafkaBackend.describe_cluster = describe(original_describe)
    KafkaBackend.describe_cluster_v2 = describe(original_describe_v2)
    KafkaBackend.list_clusters = _mark(list_clusters, name)
    KafkaBackend.create_cluster = _mark(create_cluster, name)
    KafkaBackend.delete_cluster = _mark(delete_cluster, name)


# --------------------------------------------------------------------------------------------------------
# Configurations


def _configuration_view(config: dict[str, Any], *, kafka_versions: bool = True) -> dict[str, Any]:
    latest = config["revisions"][-1]
    view = {
        "arn": config["arn"],
        "creationTime": config["creationTime"],
        "description": config["description"],
        "latestRevision": {
            "creationTime": latest["creationTime"],
            "description": latest["description"],
            "revision": latest["revision"],
        },
        "name": config["name"],
        "state": config["state"],
    }
    if kafka_versions:
        view["kafkaVersions"] = list(config["kafkaVersions"])
    return view


def _server_properties(value: Any) -> bytes:
    if not value:
        raise _bad_request("serverProperties is required.")
    try:
        return base64.b64decode(value, validate=True)
    except (ValueError, TypeError) as exc:
        raise _bad_request("serverProperties must be base64-encoded bytes.") from exc


@patches._patch("kafka-configurations", patches._EXTENSIONS)
def _kafka_configurations() -> None:
    from moto.kafka import urls
    from moto.kafka.models import KafkaBackend
    from moto.kafka.responses import KafkaResponse

    name = "kafka-configurations"
    methods = (
        "create_configuration",
        "list_configurations",
        "describe_configuration",
        "describe_configuration_revision",
        "list_configuration_revisions",
        "update_configuration",
        "delete_configuration",
    )
    _check_absent(KafkaResponse, *methods)
    paths = getattr(urls, "url_paths", None)
    if not isinstance(paths, dict):
        raise PatchDoesNotFit("moto.kafka.urls.url_paths is no longer a dict")
    path_arn = re.compile(
        r"^/v1/configurations/(?P<arn>arn:[^/]+/[^/]+/[^/]+?)(?P<rest>/revisions(?:/.*)?)?/?$"
    )

    def configurations(backend: KafkaBackend) -> dict[str, Any]:
        return _store(backend, "configurations")

    def find(self: Any) -> tuple[dict[str, Any], str]:
        match = path_arn.match(_path(self))
        arn = match.group("arn") if match else _path(self).split("/v1/configurations/", 1)[-1]
        config = configurations(self.kafka_backend).get(arn)
        if config is None:
            raise _not_found(f"The specified configuration was not found: {arn}")
        return config, (match.group("rest") or "") if match else ""

    def create_configuration(self: Any) -> str:
        body = _body(self)
        config_name = str(body.get("name") or "")
        if not _NAME.match(config_name):
            raise _bad_request("The configuration name must match ^[0-9A-Za-z][0-9A-Za-z-]{0,63}$.")
        properties = _server_properties(body.get("serverProperties"))
        backend = self.kafka_backend
        with _LOCK:
            if any(c["name"] == config_name for c in configurations(backend).values()):
                raise _conflict(f"A configuration with the name {config_name} already exists.")
            arn = (
                f"arn:aws:kafka:{backend.region_name}:{backend.account_id}:configuration/{config_name}/"
                f"{_uuid()}-{_random().randint(1, 25)}"
            )
            now = _now()
            description = body.get("description") or ""
            config = {
                "arn": arn,
                "name": config_name,
                "description": description,
                "kafkaVersions": list(body.get("kafkaVersions") or []),
                "creationTime": now,
                "state": "ACTIVE",
                "revisions": [
                    {
                        "revision": 1,
                        "description": description,
                        "creationTime": now,
                        "serverProperties": properties,
                    }
                ],
            }
            configurations(backend)[arn] = config
        view = _configuration_view(config, kafka_versions=False)
        return json.dumps({k: view[k] for k in ("arn", "creationTime", "latestRevision", "name", "state")})

    def list_configurations(self: Any) -> str:
        items = [_configuration_view(c) for c in configurations(self.kafka_backend).values()]
        page, token = _page(items, self._get_param("maxResults"), self._get_param("nextToken"))
        return json.dumps({"configurations": page, **({"nextToken": token} if token else {})})

    def describe_configuration(self: Any) -> str:
        config, _ = find(self)
        return json.dumps(_configuration_view(config))

    def revision_of(config: dict[str, Any], rest: str) -> dict[str, Any]:
        wanted = rest.rstrip("/").rsplit("/", 1)[-1]
        for revision in config["revisions"]:
            if str(revision["revision"]) == wanted:
                return revision
        raise _not_found(f"The specified revision {wanted} of configuration {config['arn']} was not found.")

    def describe_configuration_revision(self: Any) -> str:
        config, rest = find(self)
        revision = revision_of(config, rest)
        return json.dumps(
            {
                "arn": config["arn"],
                "creationTime": revision["creationTime"],
                "description": revision["description"],
                "revision": revision["revision"],
                "serverProperties": base64.b64encode(revision["serverProperties"]).decode(),
            }
        )

    def list_configuration_revisions(self: Any) -> str:
        config, _ = find(self)
        items = [
            {"creationTime": r["creationTime"], "description": r["description"], "revision": r["revision"]}
            for r in config["revisions"]
        ]
        page, token = _page(items, self._get_param("maxResults"), self._get_param("nextToken"))
        return json.dumps({"revisions": page, **({"nextToken": token} if token else {})})

    def update_configuration(self: Any) -> str:
        config, _ = find(self)
        body = _body(self)
        properties = _server_properties(body.get("serverProperties"))
        with _LOCK:
            description = body.get("description")
            if description is None:
                description = config["revisions"][-1]["description"]
            revision = {
                "revision": config["revisions"][-1]["revision"] + 1,
                "description": description,
                "creationTime": _now(),
                "serverProperties": properties,
            }
            config["revisions"].append(revision)
            config["description"] = description
        latest = {k: revision[k] for k in ("creationTime", "description", "revision")}
        return json.dumps({"arn": config["arn"], "latestRevision": latest})

    def delete_configuration(self: Any) -> str:
        config, _ = find(self)
        backend = self.kafka_backend
        users = [
            c.cluster_name
            for c in list(backend.clusters.values())
            if (c.configuration_info or {}).get("arn") == config["arn"]
        ]
        if users:
            raise _bad_request(
                f"Configuration {config['arn']} is in use by cluster(s) {', '.join(users)}; "
                "it cannot be deleted."
            )
        with _LOCK:
            configurations(backend).pop(config["arn"], None)
        return json.dumps({"arn": config["arn"], "state": "DELETING"})

    functions = {
        "create_configuration": create_configuration,
        "list_configurations": list_configurations,
        "describe_configuration": describe_configuration,
        "describe_configuration_revision": describe_configuration_revision,
        "list_configuration_revisions": list_configuration_revisions,
        "update_configuration": update_configuration,
        "delete_configuration": delete_configuration,
    }
    _route(
        paths,
        {
            "{0}/v1/configurations$": KafkaResponse.dispatch,
            "{0}/v1/configurations/(?P<arn>.+)$": KafkaResponse.dispatch,
        },
    )
    for method, function in functions.items():
        setattr(KafkaResponse, method, _mark(function, name))


# --------------------------------------------------------------------------------------------------------
# Bootstrap brokers and nodes


def _host_label(cluster: Any) -> tuple[str, str]:
    """(the cluster's DNS label, its short id) in broker host names."""
    label = re.sub(r"[^a-z0-9-]", "", cluster.cluster_name.lower())[:40] or "cluster"
    short = re.sub(r"[^a-z0-9]", "", cluster.cluster_id.lower())[:6]
    return label, short


def broker_hosts(cluster: Any) -> list[str]:
    """The broker host names of a provisioned cluster, b-1 ... b-<numberOfBrokerNodes>."""
    label, short = _host_label(cluster)
    count = int(cluster.number_of_broker_nodes or 0)
    return [
        f"b-{n}.{label}.{short}.c2.kafka.{cluster.region_name}.amazonaws.com" for n in range(1, count + 1)
    ]


def bootstrap_brokers(cluster: Any) -> dict[str, str]:
    """GetBootstrapBrokers' answer for ``cluster`` (from its encryption in transit and client auth)."""
    hosts = broker_hosts(cluster)
    transit = ((cluster.encryption_info or {}).get("encryptionInTransit") or {}).get("clientBroker") or "TLS"
    auth = cluster.client_authentication or {}
    sasl = auth.get("sasl") or {}

    def joined(port: int) -> str:
        return ",".join(f"{host}:{port}" for host in hosts)

    result = {}
    if transit in ("PLAINTEXT", "TLS_PLAINTEXT"):
        result["BootstrapBrokerString"] = joined(PORTS["plaintext"])
    if transit in ("TLS", "TLS_PLAINTEXT"):
        result["BootstrapBrokerStringTls"] = joined(PORTS["tls"])
        if (sasl.get("scram") or {}).get("enabled"):
            result["BootstrapBrokerStringSaslScram"] = joined(PORTS["sasl_scram"])
        if (sasl.get("iam") or {}).get("enabled"):
            result["BootstrapBrokerStringSaslIam"] = joined(PORTS["sasl_iam"])
    return result


@patches._patch("kafka-bootstrap-brokers-and-nodes", patches._EXTENSIONS)
def _kafka_bootstrap_brokers_and_nodes() -> None:
    from moto.kafka.responses import KafkaResponse

    name = "kafka-bootstrap-brokers-and-nodes"
    _check_absent(KafkaResponse, "get_bootstrap_brokers", "list_nodes")

    def get_bootstrap_brokers(self: Any) -> str:
        cluster = _cluster(self.kafka_backend, _cluster_arn(self))
        state = cluster.state
        if state != "ACTIVE":
            raise _bad_request(f"You can't get bootstrap broker nodes for a cluster in {state} state.")
        answer = bootstrap_brokers(cluster)
        return json.dumps({key[0].lower() + key[1:]: value for key, value in answer.items()})

    def list_nodes(self: Any) -> str:
        cluster = _cluster(self.kafka_backend, _cluster_arn(self))
        info = cluster.broker_node_group_info or {}
        subnets = info.get("clientSubnets") or []
        software = {
            "kafkaVersion": cluster.kafka_version,
            **(
                {
                    "configurationArn": cluster.configuration_info.get("arn"),
                    "configurationRevision": cluster.configuration_info.get("revision"),
                }
                if cluster.configuration_info
                else {}
            ),
        }
        _, short = _host_label(cluster)
        nodes = []
        for index, host in enumerate(broker_hosts(cluster)):
            broker = index + 1
            nodes.append(
                {
                    "addedToClusterTime": cluster.creation_time,
                    "brokerNodeInfo": {
                        "attachedENIId": f"eni-{short}{broker:011x}",
                        "brokerId": float(broker),
                        "clientSubnet": subnets[index % len(subnets)] if subnets else "",
                        "clientVpcIpAddress": f"10.0.{index % 3}.{10 + broker}",
                        "currentBrokerSoftwareInfo": software,
                        "endpoints": [host],
                    },
                    "instanceType": info.get("instanceType") or "kafka.m5.large",
                    "nodeARN": cluster.arn.replace(":cluster/", ":broker/", 1) + f"/{broker}",
                    "nodeType": "BROKER",
                }
            )
        page, token = _page(nodes, self._get_param("maxResults"), self._get_param("nextToken"))
        return json.dumps({"nodeInfoList": page, **({"nextToken": token} if token else {})})

    KafkaResponse.get_bootstrap_brokers = _mark(get_bootstrap_brokers, name)
    KafkaResponse.list_nodes = _mark(list_nodes, name)


# --------------------------------------------------------------------------------------------------------
# Cluster updates and operations


@patches._patch("kafka-cluster-updates", patches._EXTENSIONS)
def _kafka_cluster_updates() -> None:
    from moto.kafka import urls
    from moto.kafka.responses import KafkaResponse

    name = "kafka-cluster-updates"
    updates = {
        "update_cluster_configuration": "UPDATE_CLUSTER_CONFIGURATION",
        "update_monitoring": "UPDATE_MONITORING",
        "update_broker_storage": "UPDATE_BROKER_STORAGE",
        "update_broker_count": "INCREASE_BROKER_COUNT",
        "update_broker_type": "UPDATE_BROKER_TYPE",
        "update_cluster_kafka_version": "UPDATE_CLUSTER_KAFKA_VERSION",
    }
    _check_absent(KafkaResponse, *updates, "describe_cluster_operation")
    paths = getattr(urls, "url_paths", None)
    if not isinstance(paths, dict):
        raise PatchDoesNotFit("moto.kafka.urls.url_paths is no longer a dict")

    def apply(cluster: Any, backend: Any, method: str, body: dict[str, Any]) -> None:
        if method == "update_cluster_configuration":
            info = body.get("configurationInfo") or {}
            configuration = _store(backend, "configurations").get(info.get("arn"))
            revisions = [r["revision"] for r in configuration["revisions"]] if configuration else []
            if configuration is None or int(info.get("revision") or 0) not in revisions:
                raise _bad_request(
                    f"The specified configuration {info.get('arn')} revision {info.get('revision')} "
                    "does not exist."
                )
            cluster.configuration_info = {"arn": info["arn"], "revision": int(info["revision"])}
        elif method == "update_monitoring":
            if body.get("enhancedMonitoring") is not None:
                cluster.enhanced_monitoring = body["enhancedMonitoring"]
            if body.get("openMonitoring") is not None:
                cluster.open_monitoring = body["openMonitoring"]
            if body.get("loggingInfo") is not None:
                cluster.logging_info = body["loggingInfo"]
        elif method == "update_broker_storage":
            volumes = body.get("targetBrokerEBSVolumeInfo") or []
            info = cluster.broker_node_group_info = dict(cluster.broker_node_group_info or {})
            storage = info.setdefault("storageInfo", {}).setdefault("ebsStorageInfo", {})
            for volume in volumes:
                current = int(storage.get("volumeSize") or 0)
                if int(volume.get("volumeSizeGB") or 0) <= current:
                    raise _bad_request("The target broker storage must be larger than the current storage.")
                storage["volumeSize"] = int(volume["volumeSizeGB"])
        elif method == "update_broker_count":
            target = int(body.get("targetNumberOfBrokerNodes") or 0)
            subnets = len((cluster.broker_node_group_info or {}).get("clientSubnets") or []) or 1
            if target <= int(cluster.number_of_broker_nodes or 0) or target % subnets:
                raise _bad_request(
                    f"The target number of broker nodes ({target}) must be greater than the current number "
                    f"({cluster.number_of_broker_nodes}) and a multiple of the number of client subnets "
                    f"({subnets})."
                )
            cluster.number_of_broker_nodes = target
        elif method == "update_broker_type":
            info = cluster.broker_node_group_info = dict(cluster.broker_node_group_info or {})
            info["instanceType"] = body.get("targetInstanceType")
        elif method == "update_cluster_kafka_version":
            cluster.kafka_version = body.get("targetKafkaVersion")
            if body.get("configurationInfo"):
                cluster.configuration_info = dict(body["configurationInfo"])

    def operation(method: str, operation_type: str) -> Any:
        def handler(self: Any) -> str:
            from .ext_lifecycles import begin

            backend = self.kafka_backend
            cluster = _cluster(backend, _cluster_arn(self))
            body = _body(self)
            with _LOCK:
                if cluster.state != "ACTIVE":
                    raise _bad_request(
                        f"This operation cannot be performed on a cluster in {cluster.state} state."
                    )
                if body.get("currentVersion") != cluster.current_version:
                    raise _bad_request(
                        f"The provided current version {body.get('currentVersion')} does not match the "
                        f"cluster's current version {cluster.current_version}."
                    )
                apply(cluster, backend, method, body)
                cluster.current_version = _current_version()
                label = cluster.arn.split(":cluster/", 1)[-1]
                arn = cluster.arn.split(":cluster/", 1)[0] + f":cluster-operation/{label}/{_uuid()}"
                _store(backend, "operations")[arn] = {
                    "clusterArn": cluster.arn,
                    "operationArn": arn,
                    "operationType": operation_type,
                    "creationTime": _now(),
                    "_started": lifecycle.now(),
                }
                cluster.__dict__["_localcloud_active_operation"] = arn
                begin(cluster, "UPDATING", "ACTIVE", MSK_CLUSTER)
            return json.dumps({"clusterArn": cluster.arn, "clusterOperationArn": arn})

        handler.__name__ = method
        return _mark(handler, name)

    def describe_cluster_operation(self: Any) -> str:
        arn = _path(self).split("/operations/", 1)[-1]
        record = _store(self.kafka_backend, "operations").get(arn)
        if record is None:
            raise _not_found(f"The specified cluster operation was not found: {arn}")
        done = lifecycle.done(record["_started"], MSK_CLUSTER)
        info = {k: v for k, v in record.items() if not k.startswith("_")}
        info["operationState"] = "UPDATE_COMPLETE" if done else "UPDATE_IN_PROGRESS"
        return json.dumps({"clusterOperationInfo": info})

    _route(paths, {"{0}/v1/operations/(?P<clusterOperationArn>.+)$": KafkaResponse.dispatch})
    for method, operation_type in updates.items():
        setattr(KafkaResponse, method, operation(method, operation_type))
    KafkaResponse.describe_cluster_operation = _mark(describe_cluster_operation, name)
