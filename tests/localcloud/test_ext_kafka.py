"""The MSK extensions (tools/localcloud/ext_kafka.py): configurations and their revisions, bootstrap
brokers and nodes, cluster updates, AWS's cluster shapes; boto3 over HTTPS against a local cloud of its
own, the request log's names for the new REST routes, and community.aws.msk_config + msk_cluster end to
end. The last tests show that plain moto still lacks all of it: when one fails after a moto upgrade,
upstream has grown the API; check it, then drop that extension (and its tests).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.localcloud.support import eventually, own_cloud, refused
from tests.modules.support import run

ACCOUNT = "123456789012"
SUBNETS = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002", "subnet-0a1b2c3d4e5f60003"]
LIFECYCLE = 1.5  # seconds, in this module's local cloud
PROPERTIES = b"auto.create.topics.enable=false\nlog.retention.hours=168"
EXTENSIONS = [
    "kafka-cluster-shapes",
    "kafka-configurations",
    "kafka-bootstrap-brokers-and-nodes",
    "kafka-cluster-updates",
]
CONFIGURATION_ARN = re.compile(
    rf"^arn:aws:kafka:us-east-1:{ACCOUNT}:configuration/(?P<name>[^/]+)/[0-9a-f-]{{36}}-\d+$"
)
CLUSTER_ARN = re.compile(rf"^arn:aws:kafka:us-east-1:{ACCOUNT}:cluster/(?P<name>[^/]+)/[0-9a-f-]{{36}}-\d+$")


def _code(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    return exc.value.response["Error"]["Code"], exc.value.response["ResponseMetadata"]["HTTPStatusCode"]


def _refused(call: Callable[[], Any], kafka: Any, arn: str, state: str) -> tuple[str, int]:
    """``call`` fails while the cluster is ``state`` (``refused``); (code, HTTP status)."""
    exc = refused(call, lambda: kafka.describe_cluster(ClusterArn=arn)["ClusterInfo"]["State"], state)
    return exc.response["Error"]["Code"], exc.response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture(scope="module")
def kafka_cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A local cloud of its own whose lifecycles last LIFECYCLE s."""
    yield from own_cloud(tmp_path_factory, "kafka", FASTISH_LOCALCLOUD_LIFECYCLE_SECONDS=str(LIFECYCLE))


@pytest.fixture
def kc(kafka_cloud: Any) -> Any:
    kafka_cloud.reset()
    return kafka_cloud


def _configuration(kafka: Any, name: str = "events", properties: bytes = PROPERTIES) -> dict[str, Any]:
    return kafka.create_configuration(
        Name=name, Description="Event bus", KafkaVersions=["3.6.0"], ServerProperties=properties
    )


def _cluster(kafka: Any, name: str = "events", brokers: int = 3, **extra: Any) -> str:
    return kafka.create_cluster(
        ClusterName=name,
        KafkaVersion="3.6.0",
        NumberOfBrokerNodes=brokers,
        BrokerNodeGroupInfo={
            "InstanceType": "kafka.m5.large",
            "ClientSubnets": SUBNETS,
            "StorageInfo": {"EbsStorageInfo": {"VolumeSize": 100}},
        },
        **extra,
    )["ClusterArn"]


def _active(kafka: Any, arn: str) -> dict[str, Any]:
    def probe() -> Any:
        info = kafka.describe_cluster(ClusterArn=arn)["ClusterInfo"]
        return info if info["State"] == "ACTIVE" else None

    return eventually(probe, what=f"{arn} ACTIVE")


def test_health_lists_the_kafka_extensions(kc):
    assert set(EXTENSIONS) <= set(kc.health()["extensions"])


def test_configuration_revisions_and_server_properties(kc):
    kafka = kc.client("kafka")
    created = _configuration(kafka)
    arn = created["Arn"]
    assert CONFIGURATION_ARN.match(arn).group("name") == "events"
    assert (created["Name"], created["State"], created["LatestRevision"]["Revision"]) == (
        "events",
        "ACTIVE",
        1,
    )

    described = kafka.describe_configuration(Arn=arn)
    assert described["KafkaVersions"] == ["3.6.0"] and described["Description"] == "Event bus"
    revision = kafka.describe_configuration_revision(Arn=arn, Revision=1)
    assert revision["ServerProperties"] == PROPERTIES  # bytes, as sent

    updated = kafka.update_configuration(
        Arn=arn, Description="Longer retention", ServerProperties=b"a=1\nb=2"
    )
    assert (updated["Arn"], updated["LatestRevision"]["Revision"]) == (arn, 2)
    assert kafka.describe_configuration_revision(Arn=arn, Revision=2)["ServerProperties"] == b"a=1\nb=2"
    assert kafka.describe_configuration_revision(Arn=arn, Revision=1)["ServerProperties"] == PROPERTIES
    assert [r["Revision"] for r in kafka.list_configuration_revisions(Arn=arn)["Revisions"]] == [1, 2]
    listed = kafka.list_configurations()["Configurations"]
    assert [(c["Arn"], c["LatestRevision"]["Revision"], c["Description"]) for c in listed] == [
        (arn, 2, "Longer retention")
    ]

    deleted = kafka.delete_configuration(Arn=arn)
    assert (deleted["Arn"], deleted["State"]) == (arn, "DELETING")
    assert kafka.list_configurations()["Configurations"] == []
    with pytest.raises(ClientError) as exc:
        kafka.describe_configuration(Arn=arn)
    assert _code(exc) == ("NotFoundException", 404)


def test_configuration_errors(kc):
    kafka = kc.client("kafka")
    arn = _configuration(kafka)["Arn"]
    with pytest.raises(ClientError) as exc:
        _configuration(kafka)
    assert _code(exc) == ("ConflictException", 409)
    with pytest.raises(ClientError) as exc:
        kafka.describe_configuration_revision(Arn=arn, Revision=2)
    assert _code(exc) == ("NotFoundException", 404)
    with pytest.raises(ClientError) as exc:
        _configuration(kafka, name="has spaces")
    assert _code(exc) == ("BadRequestException", 400)
    with pytest.raises(ClientError) as exc:  # a revision the configuration does not have
        _cluster(kafka, ConfigurationInfo={"Arn": arn, "Revision": 2})
    assert _code(exc) == ("BadRequestException", 400)
    cluster = _cluster(kafka, ConfigurationInfo={"Arn": arn, "Revision": 1})
    with pytest.raises(ClientError) as exc:  # in use by a cluster
        kafka.delete_configuration(Arn=arn)
    assert _code(exc) == ("BadRequestException", 400)
    info = kafka.describe_cluster(ClusterArn=cluster)["ClusterInfo"]["CurrentBrokerSoftwareInfo"]
    assert (info["ConfigurationArn"], info["ConfigurationRevision"]) == (arn, 1)


def test_cluster_shapes_list_clusters_and_not_found(kc):
    kafka = kc.client("kafka")
    arn = _cluster(kafka)
    assert CLUSTER_ARN.match(arn).group("name") == "events"
    listed = kafka.list_clusters()["ClusterInfoList"]
    described = kafka.describe_cluster(ClusterArn=arn)["ClusterInfo"]
    # AWS's ListClusters returns whole ClusterInfo objects (community.aws.msk_cluster reads them).
    assert listed[0]["BrokerNodeGroupInfo"]["StorageInfo"]["EbsStorageInfo"]["VolumeSize"] == 100
    assert (
        listed[0]["NumberOfBrokerNodes"] == 3 and listed[0]["CurrentVersion"] == described["CurrentVersion"]
    )
    assert re.fullmatch(r"[A-Z0-9]{14}", described["CurrentVersion"])
    assert kafka.list_clusters(ClusterNameFilter="other")["ClusterInfoList"] == []
    with pytest.raises(ClientError) as exc:
        kafka.describe_cluster(ClusterArn=arn.replace("/events/", "/missing/"))
    assert _code(exc) == ("NotFoundException", 404)
    with pytest.raises(ClientError) as exc:
        _cluster(kafka)  # the name is taken
    assert _code(exc) == ("ConflictException", 409)


def test_bootstrap_brokers_per_broker_and_authentication(kc):
    kafka = kc.client("kafka")
    kafka.list_clusters()
    tls = _cluster(kafka, "tls-only")
    refused = _refused(lambda: kafka.get_bootstrap_brokers(ClusterArn=tls), kafka, tls, "CREATING")
    assert refused == ("BadRequestException", 400)
    iam = _cluster(
        kafka,
        "with-iam",
        brokers=6,
        ClientAuthentication={"Sasl": {"Iam": {"Enabled": True}, "Scram": {"Enabled": True}}},
    )
    plain = _cluster(
        kafka,
        "both",
        EncryptionInfo={"EncryptionInTransit": {"ClientBroker": "TLS_PLAINTEXT", "InCluster": True}},
    )
    for arn in (tls, iam, plain):
        _active(kafka, arn)

    brokers = kafka.get_bootstrap_brokers(ClusterArn=tls)
    hosts = brokers["BootstrapBrokerStringTls"].split(",")
    short = hosts[0].split(".")[2]
    assert hosts == [f"b-{n}.tls-only.{short}.c2.kafka.us-east-1.amazonaws.com:9094" for n in (1, 2, 3)]
    assert re.fullmatch(r"[a-z0-9]{6}", short)
    assert not {"BootstrapBrokerString", "BootstrapBrokerStringSaslIam"} & set(brokers)

    brokers = kafka.get_bootstrap_brokers(ClusterArn=iam)
    assert len(brokers["BootstrapBrokerStringTls"].split(",")) == 6
    assert brokers["BootstrapBrokerStringSaslIam"].endswith(".c2.kafka.us-east-1.amazonaws.com:9098")
    assert brokers["BootstrapBrokerStringSaslScram"].split(",")[0].endswith(":9096")
    brokers = kafka.get_bootstrap_brokers(ClusterArn=plain)
    assert brokers["BootstrapBrokerString"].split(",")[0].endswith(":9092")
    assert brokers["BootstrapBrokerStringTls"].split(",")[0].endswith(":9094")

    nodes = kafka.list_nodes(ClusterArn=iam)["NodeInfoList"]
    assert [n["BrokerNodeInfo"]["BrokerId"] for n in nodes] == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert [n["BrokerNodeInfo"]["ClientSubnet"] for n in nodes] == SUBNETS * 2
    assert nodes[0]["BrokerNodeInfo"]["Endpoints"] == [
        kafka.get_bootstrap_brokers(ClusterArn=iam)["BootstrapBrokerStringTls"]
        .split(",")[0]
        .rsplit(":", 1)[0]
    ]
    assert {n["NodeType"] for n in nodes} == {"BROKER"} and nodes[0]["InstanceType"] == "kafka.m5.large"


def test_cluster_updates_need_active_and_current_version(kc):
    kafka = kc.client("kafka")
    first = _configuration(kafka)["Arn"]
    kafka.update_configuration(Arn=first, ServerProperties=b"a=2")
    arn = _cluster(kafka, ConfigurationInfo={"Arn": first, "Revision": 1})
    version = kafka.describe_cluster(ClusterArn=arn)["ClusterInfo"]["CurrentVersion"]
    refused = _refused(
        lambda: kafka.update_monitoring(
            ClusterArn=arn, CurrentVersion=version, EnhancedMonitoring="PER_BROKER"
        ),
        kafka,
        arn,
        "CREATING",
    )
    assert refused == ("BadRequestException", 400)
    _active(kafka, arn)
    with pytest.raises(ClientError) as exc:
        kafka.update_monitoring(ClusterArn=arn, CurrentVersion="STALE", EnhancedMonitoring="PER_BROKER")
    assert _code(exc) == ("BadRequestException", 400)

    operation = kafka.update_cluster_configuration(
        ClusterArn=arn, CurrentVersion=version, ConfigurationInfo={"Arn": first, "Revision": 2}
    )["ClusterOperationArn"]
    info = kafka.describe_cluster(ClusterArn=arn)["ClusterInfo"]
    assert (
        info["CurrentVersion"] != version and info["CurrentBrokerSoftwareInfo"]["ConfigurationRevision"] == 2
    )
    current = info["CurrentVersion"]
    refused = _refused(
        lambda: kafka.update_monitoring(
            ClusterArn=arn, CurrentVersion=current, EnhancedMonitoring="PER_BROKER"
        ),
        kafka,
        arn,
        "UPDATING",
    )
    assert refused == ("BadRequestException", 400)
    described = kafka.describe_cluster_operation(ClusterOperationArn=operation)["ClusterOperationInfo"]
    assert described["OperationType"] == "UPDATE_CLUSTER_CONFIGURATION" and described["ClusterArn"] == arn
    info = _active(kafka, arn)
    assert kafka.describe_cluster_operation(ClusterOperationArn=operation)["ClusterOperationInfo"][
        "OperationState"
    ] == ("UPDATE_COMPLETE")

    kafka.update_broker_storage(
        ClusterArn=arn,
        CurrentVersion=info["CurrentVersion"],
        TargetBrokerEBSVolumeInfo=[{"KafkaBrokerNodeId": "All", "VolumeSizeGB": 200}],
    )
    info = _active(kafka, arn)
    assert info["BrokerNodeGroupInfo"]["StorageInfo"]["EbsStorageInfo"]["VolumeSize"] == 200
    with pytest.raises(ClientError) as exc:  # 4 brokers in 3 subnets
        kafka.update_broker_count(
            ClusterArn=arn, CurrentVersion=info["CurrentVersion"], TargetNumberOfBrokerNodes=4
        )
    assert _code(exc) == ("BadRequestException", 400)
    kafka.update_broker_count(
        ClusterArn=arn, CurrentVersion=info["CurrentVersion"], TargetNumberOfBrokerNodes=6
    )
    info = _active(kafka, arn)
    assert info["NumberOfBrokerNodes"] == 6
    assert len(kafka.get_bootstrap_brokers(ClusterArn=arn)["BootstrapBrokerStringTls"].split(",")) == 6


def test_request_log_names_the_kafka_rest_operations(kc):
    kafka = kc.client("kafka")
    arn = _configuration(kafka)["Arn"]
    kafka.list_configurations()
    kafka.describe_configuration(Arn=arn)
    kafka.describe_configuration_revision(Arn=arn, Revision=1)
    kafka.list_configuration_revisions(Arn=arn)
    kafka.update_configuration(Arn=arn, ServerProperties=b"a=1")
    cluster = _cluster(kafka, ConfigurationInfo={"Arn": arn, "Revision": 1})
    info = _active(kafka, cluster)
    kafka.get_bootstrap_brokers(ClusterArn=cluster)
    kafka.list_nodes(ClusterArn=cluster)
    operation = kafka.update_monitoring(
        ClusterArn=cluster, CurrentVersion=info["CurrentVersion"], EnhancedMonitoring="PER_BROKER"
    )["ClusterOperationArn"]
    kafka.describe_cluster_operation(ClusterOperationArn=operation)
    info = _active(kafka, cluster)
    kafka.delete_cluster(ClusterArn=cluster, CurrentVersion=info["CurrentVersion"])
    eventually(lambda: kafka.list_clusters()["ClusterInfoList"] == [], what="cluster gone")
    kafka.delete_configuration(Arn=arn)
    logged = [(r["action"], r["mutating"]) for r in kc.requests()["requests"] if r["service"] == "kafka"]
    expected = [
        ("CreateConfiguration", True),
        ("ListConfigurations", False),
        ("DescribeConfiguration", False),
        ("DescribeConfigurationRevision", False),
        ("ListConfigurationRevisions", False),
        ("UpdateConfiguration", True),
        ("CreateCluster", True),
        ("GetBootstrapBrokers", False),
        ("ListNodes", False),
        ("UpdateMonitoring", True),
        ("DescribeClusterOperation", False),
        ("DeleteCluster", True),
        ("DeleteConfiguration", True),
    ]
    polls = {"DescribeCluster", "ListClusters"}
    assert [entry for entry in logged if entry[0] not in polls] == expected
    assert {action for action, _ in logged} >= polls and None not in {action for action, _ in logged}


def test_ansible_msk_config_and_cluster(kc, tmp_path):
    """community.aws.msk_config + msk_cluster: create, second run changed=0, delete (wait: false, since the
    module polls every 60 s; the test waits through boto3 instead)."""
    kafka = kc.client("kafka")
    config = {"name": "events", "kafka_versions": ["3.6.0"], "config": {"auto.create.topics.enable": False}}
    cluster = {
        "name": "events",
        "version": "3.6.0",
        "nodes": 3,
        "instance_type": "kafka.m5.large",
        "ebs_volume_size": 100,
        "subnets": SUBNETS,
        "configuration_arn": "{{ config.arn }}",
        "configuration_revision": "{{ config.revision }}",
        "authentication": {"sasl_iam": True, "unauthenticated": False},
        "tags": {"fastish:release": "analytics"},
        "wait": False,
    }

    def converge(state: str = "present") -> dict[str, Any]:
        tasks = {
            "config": {"community.aws.msk_config": {**config, "state": state}, "register": "config"},
            "cluster": {"community.aws.msk_cluster": {**cluster, "state": state}},
        }
        if state == "absent":  # the cluster first: a configuration in use cannot be deleted
            tasks = {"cluster": {"community.aws.msk_cluster": {"name": "events", "state": "absent"}}}
        results, raw = run(kc, tmp_path, tasks)
        assert not any(r.get("failed") for r in results.values()), raw
        return results

    first = converge()
    assert first["config"]["changed"] and first["cluster"]["changed"]
    assert CONFIGURATION_ARN.match(first["config"]["arn"]) and first["config"]["revision"] == 1
    arn = kafka.list_clusters()["ClusterInfoList"][0]["ClusterArn"]
    _active(kafka, arn)
    second = converge()
    assert not second["config"]["changed"] and not second["cluster"]["changed"], second
    assert second["cluster"]["bootstrap_broker_string"]["tls"].count(":9094") == 3
    assert kafka.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"fastish:release": "analytics"}

    assert converge("absent")["cluster"]["changed"]
    eventually(lambda: kafka.list_clusters()["ClusterInfoList"] == [], what="cluster gone")
    results, raw = run(kc, tmp_path, {"config": {"community.aws.msk_config": {**config, "state": "absent"}}})
    assert results["config"]["changed"] and not results["config"].get("failed"), raw
    assert kafka.list_configurations()["Configurations"] == []


# --------------------------------------------------------------------------------------------------------
# Upstream: plain moto lacks these. When one fails after a moto upgrade, check it, then drop the extension.


def test_upstream_still_lacks_msk_configurations(upstream):
    kafka = upstream("kafka")
    for call in (
        lambda: kafka.create_configuration(Name="events", ServerProperties=PROPERTIES),
        lambda: kafka.list_configurations(),
    ):
        with pytest.raises(ClientError) as exc:
            call()
        assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_upstream_still_lacks_bootstrap_brokers_and_nodes(upstream):
    kafka = upstream("kafka")
    arn = _cluster(kafka)
    for call in (kafka.get_bootstrap_brokers, kafka.list_nodes):
        with pytest.raises(NotImplementedError):
            call(ClusterArn=arn)


def test_upstream_still_has_short_list_clusters_and_arns(upstream):
    kafka = upstream("kafka")
    arn = _cluster(kafka)
    assert not CLUSTER_ARN.match(arn)  # moto: cluster/<uuid>, without the name
    assert set(kafka.list_clusters()["ClusterInfoList"][0]) == {
        "ClusterArn",
        "ClusterName",
        "CreationTime",
        "State",
    }
