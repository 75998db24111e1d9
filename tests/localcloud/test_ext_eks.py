"""The EKS extensions (tools/localcloud/ext_eks.py): add-ons, access entries, Pod Identity associations,
tags on them, and the cluster settings moto drops; boto3 over HTTPS against the local cloud.

The last tests show that plain in-process moto still lacks all of it: when one fails after a moto
upgrade, upstream has grown the API: check it, then drop that extension (and its tests).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.localcloud.support import error_code, error_message, eventually, own_cloud
from tools.localcloud import lifecycle

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/cluster"
SUBNETS = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]  # moto's EKS does not check them
DEV = f"arn:aws:iam::{ACCOUNT}:role/team/dev"  # a role with a path: "/" inside the URI label
POLICY = "arn:aws:eks::aws:cluster-access-policy/{}"
LIFECYCLE = 1.0  # seconds, in the quick local cloud
CLUSTER_LIFECYCLE = 8.0  # seconds, for EKS clusters in the quick local cloud
EXTENSIONS = [
    "eks-cluster-config",
    "eks-addons",
    "eks-access-entries",
    "eks-pod-identity-associations",
    "eks-tags-extension-resources",
]


def _cluster(eks: Any, name: str = "c1", mode: str | None = "API", wait: bool = True, **kwargs: Any) -> dict:
    """Create a cluster (authentication mode ``mode``) and wait until it is ACTIVE."""
    if mode:
        kwargs.setdefault("accessConfig", {"authenticationMode": mode})
    eks.create_cluster(name=name, roleArn=ROLE, resourcesVpcConfig={"subnetIds": SUBNETS}, **kwargs)
    if not wait:
        return eks.describe_cluster(name=name)["cluster"]
    return eventually(
        lambda: (c := eks.describe_cluster(name=name)["cluster"])["status"] == "ACTIVE" and c,
        what=f"cluster {name} ACTIVE",
    )


def _addon_status(eks: Any, addon: str, cluster: str = "c1") -> str | None:
    try:
        return eks.describe_addon(clusterName=cluster, addonName=addon)["addon"]["status"]
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ResourceNotFoundException":
            return None
        raise


def _wait_addon(eks: Any, addon: str, status: str | None, cluster: str = "c1") -> None:
    eventually(lambda: _addon_status(eks, addon, cluster) == status, what=f"add-on {addon} {status}")


@pytest.fixture(scope="module")
def quick_cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A local cloud of its own whose lifecycles last LIFECYCLE s (FASTISH_LOCALCLOUD_LIFECYCLE_SECONDS),
    except EKS clusters: CLUSTER_LIFECYCLE s, long enough to call the API while one is CREATING."""
    yield from own_cloud(
        tmp_path_factory,
        "quick",
        FASTISH_LOCALCLOUD_LIFECYCLE_SECONDS=str(LIFECYCLE),
        FASTISH_LOCALCLOUD_LIFECYCLE_SECONDS_EKS_CLUSTER=str(CLUSTER_LIFECYCLE),
    )


@pytest.fixture
def quick(quick_cloud: Any) -> Any:
    quick_cloud.reset()
    return quick_cloud


def test_health_lists_the_eks_extensions(cloud):
    extensions = cloud.health()["extensions"]
    assert [e for e in extensions if e in EXTENSIONS] == EXTENSIONS


# --------------------------------------------------------------------------------------------------------
# Cluster settings


def test_create_cluster_keeps_access_config_and_fills_defaults(cloud):
    eks = cloud.client("eks")
    cluster = _cluster(eks, "api", mode="API", wait=False)
    assert cluster["accessConfig"] == {
        "authenticationMode": "API",
        "bootstrapClusterCreatorAdminPermissions": True,
    }
    assert cluster["version"] == "1.34"  # moto: 1.19
    vpc = cluster["resourcesVpcConfig"]
    assert vpc["subnetIds"] == SUBNETS
    assert (vpc["endpointPublicAccess"], vpc["endpointPrivateAccess"]) == (True, False)
    assert vpc["publicAccessCidrs"] == ["0.0.0.0/0"]
    assert cluster["logging"] == {
        "clusterLogging": [
            {"types": ["api", "audit", "authenticator", "controllerManager", "scheduler"], "enabled": False}
        ]
    }
    default = _cluster(eks, "default", mode=None, wait=False, version="1.33")
    assert default["accessConfig"]["authenticationMode"] == "CONFIG_MAP"
    assert default["version"] == "1.33"
    with pytest.raises(ClientError) as exc:
        _cluster(eks, "bad", mode="TOKEN", wait=False)
    assert error_code(exc) == "InvalidParameterException"


def test_create_cluster_vpc_id_logging_and_creator_access_entry(cloud, make_network):
    vpc_id, subnets = make_network(cloud.client("ec2"))
    eks = cloud.client("eks")
    eks.create_cluster(
        name="c1",
        roleArn=ROLE,
        resourcesVpcConfig={
            "subnetIds": subnets,
            "endpointPrivateAccess": True,
            "publicAccessCidrs": ["198.51.100.0/24"],
        },
        logging={"clusterLogging": [{"types": ["audit", "api"], "enabled": True}]},
        accessConfig={"authenticationMode": "API_AND_CONFIG_MAP"},
    )
    cluster = eks.describe_cluster(name="c1")["cluster"]
    assert cluster["resourcesVpcConfig"]["vpcId"] == vpc_id
    assert cluster["resourcesVpcConfig"]["publicAccessCidrs"] == ["198.51.100.0/24"]
    assert cluster["logging"]["clusterLogging"] == [
        {"types": ["api", "audit"], "enabled": True},
        {"types": ["authenticator", "controllerManager", "scheduler"], "enabled": False},
    ]
    # bootstrapClusterCreatorAdminPermissions (default true): the caller is a cluster admin
    creator = f"arn:aws:iam::{ACCOUNT}:user/moto"
    assert eks.list_access_entries(clusterName="c1")["accessEntries"] == [creator]
    policies = eks.list_associated_access_policies(clusterName="c1", principalArn=creator)
    assert [(p["policyArn"], p["accessScope"]) for p in policies["associatedAccessPolicies"]] == [
        (POLICY.format("AmazonEKSClusterAdminPolicy"), {"type": "cluster", "namespaces": []})
    ]
    eks.create_cluster(
        name="c2",
        roleArn=ROLE,
        resourcesVpcConfig={"subnetIds": subnets},
        accessConfig={"authenticationMode": "API", "bootstrapClusterCreatorAdminPermissions": False},
    )
    eventually(lambda: eks.describe_cluster(name="c2")["cluster"]["status"] == "ACTIVE")
    assert eks.list_access_entries(clusterName="c2")["accessEntries"] == []


def test_update_cluster_config_merges_and_returns_an_update(cloud):
    eks = cloud.client("eks")
    _cluster(eks, mode="CONFIG_MAP")
    update = eks.update_cluster_config(
        name="c1",
        resourcesVpcConfig={"endpointPrivateAccess": True, "publicAccessCidrs": ["198.51.100.0/24"]},
    )["update"]
    assert update["type"] == "EndpointAccessUpdate"
    assert update["status"] in ("InProgress", "Successful")
    assert eks.describe_update(name="c1", updateId=update["id"])["update"]["id"] == update["id"]
    eventually(
        lambda: eks.describe_update(name="c1", updateId=update["id"])["update"]["status"] == "Successful"
    )
    eventually(lambda: eks.describe_cluster(name="c1")["cluster"]["status"] == "ACTIVE")
    vpc = eks.describe_cluster(name="c1")["cluster"]["resourcesVpcConfig"]
    assert vpc["subnetIds"] == SUBNETS  # moto replaces the whole VPC config
    assert (vpc["endpointPrivateAccess"], vpc["endpointPublicAccess"]) == (True, True)
    assert vpc["publicAccessCidrs"] == ["198.51.100.0/24"]

    with pytest.raises(ClientError) as exc:  # nothing to change
        eks.update_cluster_config(name="c1", resourcesVpcConfig={"endpointPrivateAccess": True})
    assert error_code(exc) == "InvalidParameterException"
    with pytest.raises(ClientError) as exc:  # one kind of update per request
        eks.update_cluster_config(
            name="c1",
            resourcesVpcConfig={"endpointPrivateAccess": False},
            logging={"clusterLogging": [{"types": ["api"], "enabled": True}]},
        )
    assert error_code(exc) == "InvalidParameterException"

    logging_update = eks.update_cluster_config(
        name="c1", logging={"clusterLogging": [{"types": ["audit"], "enabled": True}]}
    )["update"]
    assert logging_update["type"] == "LoggingUpdate"
    eventually(lambda: eks.describe_cluster(name="c1")["cluster"]["status"] == "ACTIVE")
    assert eks.describe_cluster(name="c1")["cluster"]["logging"]["clusterLogging"][0] == {
        "types": ["audit"],
        "enabled": True,
    }
    with pytest.raises(ClientError) as exc:
        eks.update_cluster_config(
            name="c1", logging={"clusterLogging": [{"types": ["audit"], "enabled": True}]}
        )
    assert error_message(exc) == "No changes needed for the logging config provided"

    for mode in ("API_AND_CONFIG_MAP", "API"):
        update = eks.update_cluster_config(name="c1", accessConfig={"authenticationMode": mode})["update"]
        assert (update["type"], update["params"]) == (
            "AccessConfigUpdate",
            [{"type": "AuthenticationMode", "value": mode}],
        )
        eventually(lambda: eks.describe_cluster(name="c1")["cluster"]["status"] == "ACTIVE")
        assert eks.describe_cluster(name="c1")["cluster"]["accessConfig"]["authenticationMode"] == mode
    with pytest.raises(ClientError) as exc:  # no way back
        eks.update_cluster_config(name="c1", accessConfig={"authenticationMode": "CONFIG_MAP"})
    assert error_code(exc) == "InvalidParameterException"
    assert "from API to CONFIG_MAP" in error_message(exc)
    ids = eks.list_updates(name="c1")["updateIds"]
    assert len(ids) == 4 and update["id"] in ids
    with pytest.raises(ClientError) as exc:
        eks.describe_update(name="c1", updateId="00000000-0000-0000-0000-000000000000")
    assert error_code(exc) == "ResourceNotFoundException"


def test_update_cluster_version_and_associate_encryption_config(cloud):
    eks = cloud.client("eks")
    _cluster(eks, version="1.33")
    with pytest.raises(ClientError) as exc:
        eks.update_cluster_version(name="c1", version="1.35")  # one minor version at a time
    assert "from 1.33 to 1.35" in error_message(exc)
    update = eks.update_cluster_version(name="c1", version="1.34")["update"]
    assert update["type"] == "VersionUpdate"
    assert {"type": "Version", "value": "1.34"} in update["params"]
    eventually(lambda: eks.describe_cluster(name="c1")["cluster"]["status"] == "ACTIVE")
    assert eks.describe_cluster(name="c1")["cluster"]["version"] == "1.34"
    key = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    config = [{"resources": ["secrets"], "provider": {"keyArn": key}}]
    update = eks.associate_encryption_config(clusterName="c1", encryptionConfig=config)["update"]
    assert update["type"] == "AssociateEncryptionConfig"
    assert eks.describe_cluster(name="c1")["cluster"]["encryptionConfig"] == config
    eventually(lambda: eks.describe_cluster(name="c1")["cluster"]["status"] == "ACTIVE")
    with pytest.raises(ClientError) as exc:
        eks.associate_encryption_config(clusterName="c1", encryptionConfig=config)
    assert error_code(exc) == "InvalidRequestException"


# --------------------------------------------------------------------------------------------------------
# Add-ons


def test_describe_addon_versions_catalogue(cloud):
    eks = cloud.client("eks")
    names = ["aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"]
    for k8s in ("1.33", "1.34", "1.35"):
        addons = eks.describe_addon_versions(kubernetesVersion=k8s)["addons"]
        assert sorted(a["addonName"] for a in addons) == names
        for addon in addons:
            assert (addon["owner"], addon["publisher"], addon["defaultNamespace"]) == (
                "aws",
                "eks",
                "kube-system",
            )
            defaults = [
                v["addonVersion"]
                for v in addon["addonVersions"]
                if any(c["clusterVersion"] == k8s and c["defaultVersion"] for c in v["compatibilities"])
            ]
            assert len(defaults) == 1, (k8s, addon["addonName"])
            for version in addon["addonVersions"]:
                assert re.fullmatch(r"v\d+\.\d+\.\d+-eksbuild\.\d+", version["addonVersion"])
                assert [c["clusterVersion"] for c in version["compatibilities"]] == [k8s]
    proxy = eks.describe_addon_versions(kubernetesVersion="1.35", addonName="kube-proxy")["addons"]
    assert [v["addonVersion"] for v in proxy[0]["addonVersions"]] == [
        "v1.35.3-eksbuild.29",
        "v1.35.0-eksbuild.2",
        "v1.35.0-eksbuild.1",
    ]
    storage = eks.describe_addon_versions(types=["storage"])["addons"]
    assert [a["addonName"] for a in storage] == ["aws-ebs-csi-driver"]
    assert storage[0]["addonVersions"][0]["requiresIamPermissions"] is True
    assert eks.describe_addon_versions(kubernetesVersion="1.19")["addons"] == []
    page = eks.describe_addon_versions(maxResults=2)
    assert len(page["addons"]) == 2 and page["nextToken"]
    rest = eks.describe_addon_versions(maxResults=10, nextToken=page["nextToken"])
    assert len(rest["addons"]) == 3 and "nextToken" not in rest
    configuration = eks.describe_addon_configuration(addonName="vpc-cni", addonVersion="v1.20.4-eksbuild.2")
    assert json.loads(configuration["configurationSchema"])["type"] == "object"
    assert configuration["podIdentityConfiguration"][0]["serviceAccount"] == "aws-node"


def test_addon_create_describe_list_update_delete(cloud):
    eks = cloud.client("eks")
    _cluster(eks, version="1.35")
    created = eks.create_addon(
        clusterName="c1",
        addonName="coredns",
        addonVersion="v1.12.4-eksbuild.1",
        configurationValues=json.dumps({"replicaCount": 3}),
        resolveConflicts="OVERWRITE",
        tags={"team": "platform"},
    )["addon"]
    assert created["status"] == "CREATING"
    assert created["addonArn"].startswith(f"arn:aws:eks:us-east-1:{ACCOUNT}:addon/c1/coredns/")
    assert (created["addonVersion"], created["tags"]) == ("v1.12.4-eksbuild.1", {"team": "platform"})
    assert json.loads(created["configurationValues"]) == {"replicaCount": 3}
    default = eks.create_addon(clusterName="c1", addonName="kube-proxy")["addon"]
    assert default["addonVersion"] == "v1.35.0-eksbuild.1"  # the default for 1.35
    assert eks.list_addons(clusterName="c1")["addons"] == ["coredns", "kube-proxy"]
    _wait_addon(eks, "coredns", "ACTIVE")

    update = eks.update_addon(
        clusterName="c1",
        addonName="coredns",
        addonVersion="v1.13.1-eksbuild.1",
        configurationValues="replicaCount: 2\n",
        resolveConflicts="PRESERVE",
    )["update"]
    assert update["type"] == "AddonUpdate"
    assert {"type": "AddonVersion", "value": "v1.13.1-eksbuild.1"} in update["params"]
    addon = eks.describe_addon(clusterName="c1", addonName="coredns")["addon"]
    assert addon["status"] in ("UPDATING", "ACTIVE")  # the lifecycle tests check the timing
    assert update["status"] == "InProgress"
    assert (addon["addonVersion"], addon["configurationValues"]) == (
        "v1.13.1-eksbuild.1",
        "replicaCount: 2\n",
    )
    assert eks.list_updates(name="c1", addonName="coredns")["updateIds"] == [update["id"]]
    assert (
        eks.describe_update(name="c1", updateId=update["id"], addonName="coredns")["update"]["id"]
        == update["id"]
    )
    _wait_addon(eks, "coredns", "ACTIVE")

    deleted = eks.delete_addon(clusterName="c1", addonName="coredns", preserve=True)["addon"]
    assert deleted["status"] == "DELETING"
    _wait_addon(eks, "coredns", None)
    assert eks.list_addons(clusterName="c1")["addons"] == ["kube-proxy"]
    with pytest.raises(ClientError) as exc:
        eks.delete_addon(clusterName="c1", addonName="coredns")
    assert error_code(exc) == "ResourceNotFoundException"
    assert error_message(exc) == "No addon: coredns found in cluster: c1"


def test_addon_errors(cloud):
    eks = cloud.client("eks")
    with pytest.raises(ClientError) as exc:
        eks.create_addon(clusterName="missing", addonName="vpc-cni")
    assert error_code(exc) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        eks.list_addons(clusterName="missing")
    assert error_code(exc) == "ResourceNotFoundException"
    _cluster(eks, version="1.33")
    cases = [
        ({"addonName": "no-such-addon"}, "InvalidParameterException"),
        (
            {"addonName": "coredns", "addonVersion": "v1.13.1-eksbuild.1"},
            "InvalidParameterException",
        ),  # 1.35 only
        ({"addonName": "coredns", "configurationValues": "[1, 2"}, "InvalidParameterException"),
        ({"addonName": "coredns", "serviceAccountRoleArn": "not-an-arn"}, "InvalidParameterException"),
        (
            {
                "addonName": "coredns",
                "podIdentityAssociations": [{"serviceAccount": "coredns", "roleArn": ROLE}],
            },
            "InvalidParameterException",  # CoreDNS needs no AWS permissions
        ),
    ]
    for params, code in cases:
        with pytest.raises(ClientError) as exc:
            eks.create_addon(clusterName="c1", **params)
        assert error_code(exc) == code, params
    assert eks.list_addons(clusterName="c1")["addons"] == []
    started = time.monotonic()
    eks.create_addon(clusterName="c1", addonName="vpc-cni")
    with pytest.raises(ClientError) as exc:
        eks.create_addon(clusterName="c1", addonName="vpc-cni")
    assert (error_code(exc), error_message(exc)) == ("ResourceInUseException", "Addon already exists.")
    try:  # while CREATING (the server's lifecycle time) it cannot be updated
        eks.update_addon(clusterName="c1", addonName="vpc-cni", resolveConflicts="OVERWRITE")
    except ClientError as error:
        assert error.response["Error"]["Code"] == "ResourceInUseException"
        assert "Addon vpc-cni cannot be updated as it is currently in CREATING state" in str(error)
    else:  # only when this machine was too slow to ask in time
        assert time.monotonic() - started >= lifecycle.seconds("eks_addon")
    with pytest.raises(ClientError) as exc:
        eks.describe_addon(clusterName="c1", addonName="coredns")
    assert error_code(exc) == "ResourceNotFoundException"


def test_addon_pod_identity_associations_and_role(cloud):
    eks = cloud.client("eks")
    _cluster(eks)
    cni_role = f"arn:aws:iam::{ACCOUNT}:role/cni"
    addon = eks.create_addon(
        clusterName="c1",
        addonName="vpc-cni",
        podIdentityAssociations=[{"serviceAccount": "aws-node", "roleArn": cni_role}],
    )["addon"]
    [arn] = addon["podIdentityAssociations"]
    [summary] = eks.list_pod_identity_associations(clusterName="c1")["associations"]
    assert (summary["associationArn"], summary["ownerArn"]) == (arn, addon["addonArn"])
    assert (summary["namespace"], summary["serviceAccount"]) == ("kube-system", "aws-node")
    with pytest.raises(ClientError) as exc:  # owned by the add-on
        eks.delete_pod_identity_association(clusterName="c1", associationId=summary["associationId"])
    assert error_code(exc) == "InvalidRequestException"
    _wait_addon(eks, "vpc-cni", "ACTIVE")
    eks.update_addon(clusterName="c1", addonName="vpc-cni", podIdentityAssociations=[])
    assert eks.list_pod_identity_associations(clusterName="c1")["associations"] == []
    _wait_addon(eks, "vpc-cni", "ACTIVE")
    eks.update_addon(clusterName="c1", addonName="vpc-cni", serviceAccountRoleArn=cni_role)
    assert (
        eks.describe_addon(clusterName="c1", addonName="vpc-cni")["addon"]["serviceAccountRoleArn"]
        == cni_role
    )

    ebs = eks.create_addon(
        clusterName="c1",
        addonName="aws-ebs-csi-driver",
        podIdentityAssociations=[{"serviceAccount": "ebs-csi-controller-sa", "roleArn": cni_role}],
    )["addon"]
    assert len(ebs["podIdentityAssociations"]) == 1
    eks.delete_addon(clusterName="c1", addonName="aws-ebs-csi-driver")
    assert eks.list_pod_identity_associations(clusterName="c1")["associations"] == []


def test_addon_lifecycle_follows_the_configured_time(quick):
    """CREATING -> ACTIVE, UPDATING -> ACTIVE, DELETING -> gone, each after LIFECYCLE (not at once)."""
    eks = quick.client("eks")
    _cluster(eks)  # stays CREATING for CLUSTER_LIFECYCLE s (see test_operations_need_an_active_cluster)

    def transition(call: Callable[[], Any], during: str, after: str | None) -> Any:
        started = time.monotonic()
        result = call()
        status = _addon_status(eks, "vpc-cni")
        if time.monotonic() - started < LIFECYCLE * 0.8:  # a loaded machine may be slower than that
            assert status == during
        _wait_addon(eks, "vpc-cni", after)
        assert time.monotonic() - started >= LIFECYCLE * 0.9
        return result

    created = transition(
        lambda: eks.create_addon(clusterName="c1", addonName="vpc-cni"), "CREATING", "ACTIVE"
    )
    assert created["addon"]["status"] == "CREATING"
    update = transition(
        lambda: eks.update_addon(clusterName="c1", addonName="vpc-cni", addonVersion="v1.21.1-eksbuild.3"),
        "UPDATING",
        "ACTIVE",
    )["update"]
    assert update["status"] == "InProgress"
    described = eks.describe_update(name="c1", updateId=update["id"], addonName="vpc-cni")["update"]
    assert described["status"] == "Successful"
    deleted = transition(lambda: eks.delete_addon(clusterName="c1", addonName="vpc-cni"), "DELETING", None)
    assert deleted["addon"]["status"] == "DELETING"
    assert eks.list_addons(clusterName="c1")["addons"] == []


def test_operations_need_an_active_cluster(quick):
    """While a cluster is CREATING (ext_lifecycles.py), add-ons, access entries and Pod Identity
    associations cannot be created yet: InvalidRequestException, as on AWS."""
    eks = quick.client("eks")
    cluster = _cluster(eks, wait=False)
    if cluster["status"] == "ACTIVE":
        pytest.skip("new clusters are ACTIVE at once: no EKS cluster lifecycle (ext_lifecycles.py) applied")
    calls = [
        lambda: eks.create_addon(clusterName="c1", addonName="vpc-cni"),
        lambda: eks.create_access_entry(clusterName="c1", principalArn=DEV),
        lambda: eks.create_pod_identity_association(
            clusterName="c1", namespace="kube-system", serviceAccount="sa", roleArn=ROLE
        ),
    ]
    for call in calls:
        with pytest.raises(ClientError) as exc:
            call()
        assert (error_code(exc), error_message(exc)) == (
            "InvalidRequestException",
            "Cluster 'c1' is not in ACTIVE status",
        )
    with pytest.raises(ClientError) as exc:
        eks.update_cluster_config(name="c1", accessConfig={"authenticationMode": "API_AND_CONFIG_MAP"})
    assert error_code(exc) == "ResourceInUseException"
    assert eks.describe_cluster(name="c1")["cluster"]["status"] == "CREATING"  # still (nothing was done)
    eventually(lambda: eks.describe_cluster(name="c1")["cluster"]["status"] == "ACTIVE", timeout=30)
    for call in calls:
        call()


# --------------------------------------------------------------------------------------------------------
# Access entries


def test_access_entries_lifecycle(cloud):
    eks = cloud.client("eks")
    _cluster(
        eks, accessConfig={"authenticationMode": "API", "bootstrapClusterCreatorAdminPermissions": False}
    )
    entry = eks.create_access_entry(
        clusterName="c1", principalArn=DEV, kubernetesGroups=["team-b", "team-a"], tags={"team": "data"}
    )["accessEntry"]
    assert entry["type"] == "STANDARD"
    assert entry["kubernetesGroups"] == ["team-a", "team-b"]
    assert entry["username"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/dev/{{{{SessionName}}}}"
    assert re.fullmatch(
        rf"arn:aws:eks:us-east-1:{ACCOUNT}:access-entry/c1/role/{ACCOUNT}/dev/[0-9a-f-]{{36}}",
        entry["accessEntryArn"],
    )
    assert eks.describe_access_entry(clusterName="c1", principalArn=DEV)["accessEntry"] == entry
    updated = eks.update_access_entry(
        clusterName="c1", principalArn=DEV, username="dev", kubernetesGroups=[]
    )["accessEntry"]
    assert (updated["username"], updated["kubernetesGroups"]) == ("dev", [])

    node = f"arn:aws:iam::{ACCOUNT}:role/karpenter-node"
    ec2 = eks.create_access_entry(clusterName="c1", principalArn=node, type="EC2_LINUX")["accessEntry"]
    assert (ec2["username"], ec2["kubernetesGroups"]) == (
        "system:node:{{EC2PrivateDNSName}}",
        ["system:nodes"],
    )
    user = f"arn:aws:iam::{ACCOUNT}:user/ops"
    assert eks.create_access_entry(clusterName="c1", principalArn=user)["accessEntry"]["username"] == user
    assert eks.list_access_entries(clusterName="c1")["accessEntries"] == sorted([DEV, node, user])

    eks.delete_access_entry(clusterName="c1", principalArn=DEV)
    with pytest.raises(ClientError) as exc:
        eks.describe_access_entry(clusterName="c1", principalArn=DEV)
    assert error_code(exc) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        eks.delete_access_entry(clusterName="c1", principalArn=DEV)
    assert error_code(exc) == "ResourceNotFoundException"


def test_access_entry_rules(cloud):
    eks = cloud.client("eks")
    _cluster(eks, "configmap", mode="CONFIG_MAP")
    with pytest.raises(ClientError) as exc:
        eks.create_access_entry(clusterName="configmap", principalArn=DEV)
    assert error_code(exc) == "InvalidRequestException"
    assert "authentication mode" in error_message(exc)
    _cluster(eks)
    node = f"arn:aws:iam::{ACCOUNT}:role/node"
    cases = [
        {"principalArn": f"arn:aws:sts::{ACCOUNT}:assumed-role/dev/session"},
        {"principalArn": "dev"},
        {"principalArn": DEV, "type": "SOMETHING"},
        {"principalArn": DEV, "kubernetesGroups": ["system:masters"]},
        {"principalArn": DEV, "username": "eks:admin"},
        {"principalArn": node, "type": "EC2_LINUX", "kubernetesGroups": ["nodes"]},
        {"principalArn": node, "type": "EC2_WINDOWS", "username": "node"},
        {"principalArn": f"arn:aws:iam::{ACCOUNT}:user/ops", "type": "EC2_LINUX"},
    ]
    for params in cases:
        with pytest.raises(ClientError) as exc:
            eks.create_access_entry(clusterName="c1", **params)
        assert error_code(exc) == "InvalidParameterException", params
    eks.create_access_entry(clusterName="c1", principalArn=node, type="FARGATE_LINUX")
    with pytest.raises(ClientError) as exc:
        eks.create_access_entry(clusterName="c1", principalArn=node)
    assert error_code(exc) == "ResourceInUseException"
    with pytest.raises(ClientError) as exc:
        eks.update_access_entry(clusterName="c1", principalArn=node, kubernetesGroups=["x"])
    assert error_code(exc) == "InvalidParameterException"
    with pytest.raises(ClientError) as exc:
        eks.associate_access_policy(
            clusterName="c1",
            principalArn=node,
            policyArn=POLICY.format("AmazonEKSViewPolicy"),
            accessScope={"type": "cluster"},
        )
    assert error_code(exc) == "InvalidParameterException"
    with pytest.raises(ClientError) as exc:
        eks.create_access_entry(clusterName="missing", principalArn=DEV)
    assert error_code(exc) == "ResourceNotFoundException"


def test_access_policies(cloud):
    eks = cloud.client("eks")
    catalogue = eks.list_access_policies()["accessPolicies"]
    names = {p["name"]: p["arn"] for p in catalogue}
    for name in (
        "AmazonEKSClusterAdminPolicy",
        "AmazonEKSAdminPolicy",
        "AmazonEKSEditPolicy",
        "AmazonEKSViewPolicy",
    ):
        assert names[name] == POLICY.format(name)
    _cluster(
        eks, accessConfig={"authenticationMode": "API", "bootstrapClusterCreatorAdminPermissions": False}
    )
    eks.create_access_entry(clusterName="c1", principalArn=DEV)
    edit, view = POLICY.format("AmazonEKSEditPolicy"), POLICY.format("AmazonEKSViewPolicy")
    associated = eks.associate_access_policy(
        clusterName="c1",
        principalArn=DEV,
        policyArn=edit,
        accessScope={"type": "namespace", "namespaces": ["data"]},
    )
    assert associated["principalArn"] == DEV
    assert associated["associatedAccessPolicy"]["accessScope"] == {
        "type": "namespace",
        "namespaces": ["data"],
    }
    eks.associate_access_policy(
        clusterName="c1", principalArn=DEV, policyArn=view, accessScope={"type": "cluster"}
    )
    # associating again changes the scope
    eks.associate_access_policy(
        clusterName="c1",
        principalArn=DEV,
        policyArn=edit,
        accessScope={"type": "namespace", "namespaces": ["data", "ingest"]},
    )
    policies = eks.list_associated_access_policies(clusterName="c1", principalArn=DEV)[
        "associatedAccessPolicies"
    ]
    assert [(p["policyArn"], p["accessScope"]) for p in policies] == [
        (edit, {"type": "namespace", "namespaces": ["data", "ingest"]}),
        (view, {"type": "cluster", "namespaces": []}),
    ]
    assert eks.list_access_entries(clusterName="c1", associatedPolicyArn=edit)["accessEntries"] == [DEV]
    eks.disassociate_access_policy(clusterName="c1", principalArn=DEV, policyArn=edit)
    assert eks.list_access_entries(clusterName="c1", associatedPolicyArn=edit)["accessEntries"] == []
    with pytest.raises(ClientError) as exc:
        eks.disassociate_access_policy(clusterName="c1", principalArn=DEV, policyArn=edit)
    assert error_code(exc) == "ResourceNotFoundException"
    bad = [
        (POLICY.format("NoSuchPolicy"), {"type": "cluster"}),
        (edit, {"type": "namespace"}),
        (edit, {"type": "cluster", "namespaces": ["data"]}),
        (edit, {"type": "namespace", "namespaces": ["Not_A_Namespace"]}),
    ]
    for policy, scope in bad:
        with pytest.raises(ClientError) as exc:
            eks.associate_access_policy(
                clusterName="c1", principalArn=DEV, policyArn=policy, accessScope=scope
            )
        assert error_code(exc) == "InvalidParameterException", (policy, scope)


# --------------------------------------------------------------------------------------------------------
# Pod Identity associations


def test_pod_identity_associations(cloud):
    eks = cloud.client("eks")
    _cluster(eks)
    karpenter = eks.create_pod_identity_association(
        clusterName="c1", namespace="kube-system", serviceAccount="karpenter", roleArn=ROLE, tags={"a": "1"}
    )["association"]
    assert re.fullmatch(r"a-[a-z0-9]{17}", karpenter["associationId"])
    assert karpenter["associationArn"] == (
        f"arn:aws:eks:us-east-1:{ACCOUNT}:podidentityassociation/c1/{karpenter['associationId']}"
    )
    assert (karpenter["roleArn"], karpenter["tags"], karpenter["disableSessionTags"]) == (
        ROLE,
        {"a": "1"},
        False,
    )
    dns = eks.create_pod_identity_association(
        clusterName="c1", namespace="external-dns", serviceAccount="external-dns", roleArn=ROLE
    )["association"]
    everything = eks.list_pod_identity_associations(clusterName="c1")["associations"]
    assert [a["associationId"] for a in everything] == [dns["associationId"], karpenter["associationId"]]
    assert "roleArn" not in everything[0]  # summaries
    only = eks.list_pod_identity_associations(
        clusterName="c1", namespace="kube-system", serviceAccount="karpenter"
    )
    assert [a["associationId"] for a in only["associations"]] == [karpenter["associationId"]]
    assert eks.list_pod_identity_associations(clusterName="c1", serviceAccount="nobody")["associations"] == []

    other = f"arn:aws:iam::{ACCOUNT}:role/other"
    updated = eks.update_pod_identity_association(
        clusterName="c1", associationId=karpenter["associationId"], roleArn=other
    )["association"]
    assert updated["roleArn"] == other
    described = eks.describe_pod_identity_association(
        clusterName="c1", associationId=karpenter["associationId"]
    )
    assert described["association"]["roleArn"] == other

    with pytest.raises(ClientError) as exc:
        eks.create_pod_identity_association(
            clusterName="c1", namespace="kube-system", serviceAccount="karpenter", roleArn=ROLE
        )
    assert error_code(exc) == "ResourceInUseException"
    assert karpenter["associationId"] in error_message(exc)
    with pytest.raises(ClientError) as exc:
        eks.create_pod_identity_association(
            clusterName="c1", namespace="kube-system", serviceAccount="x", roleArn="arn:aws:s3:::bucket"
        )
    assert error_code(exc) == "InvalidParameterException"
    deleted = eks.delete_pod_identity_association(clusterName="c1", associationId=karpenter["associationId"])
    assert deleted["association"]["associationId"] == karpenter["associationId"]
    for call in (eks.describe_pod_identity_association, eks.delete_pod_identity_association):
        with pytest.raises(ClientError) as exc:
            call(clusterName="c1", associationId=karpenter["associationId"])
        assert error_code(exc) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        eks.list_pod_identity_associations(clusterName="missing")
    assert error_code(exc) == "ResourceNotFoundException"


# --------------------------------------------------------------------------------------------------------
# Tags


def test_tags_on_addon_access_entry_and_pod_identity_arns(cloud):
    eks = cloud.client("eks")
    cluster = _cluster(eks, tags={"c": "1"})
    addon = eks.create_addon(clusterName="c1", addonName="eks-pod-identity-agent", tags={"a": "1"})["addon"]
    entry = eks.create_access_entry(clusterName="c1", principalArn=DEV, tags={"a": "1"})["accessEntry"]
    association = eks.create_pod_identity_association(
        clusterName="c1", namespace="ns", serviceAccount="sa", roleArn=ROLE, tags={"a": "1"}
    )["association"]
    for arn in (addon["addonArn"], entry["accessEntryArn"], association["associationArn"]):
        assert eks.list_tags_for_resource(resourceArn=arn)["tags"] == {"a": "1"}
        eks.tag_resource(resourceArn=arn, tags={"b": "2", "c": "3"})
        assert eks.list_tags_for_resource(resourceArn=arn)["tags"] == {"a": "1", "b": "2", "c": "3"}
        eks.untag_resource(resourceArn=arn, tagKeys=["a", "c"])  # moto drops every key but the first
        assert eks.list_tags_for_resource(resourceArn=arn)["tags"] == {"b": "2"}
    assert eks.describe_addon(clusterName="c1", addonName="eks-pod-identity-agent")["addon"]["tags"] == {
        "b": "2"
    }
    assert eks.describe_access_entry(clusterName="c1", principalArn=DEV)["accessEntry"]["tags"] == {"b": "2"}
    assert eks.list_tags_for_resource(resourceArn=cluster["arn"])["tags"] == {"c": "1"}
    with pytest.raises(ClientError) as exc:
        eks.list_tags_for_resource(resourceArn=addon["addonArn"].replace("/c1/", "/c2/"))
    assert error_code(exc) == "ResourceNotFoundException"


# --------------------------------------------------------------------------------------------------------
# Request log


def test_request_log_names_the_new_operations(cloud):
    eks = cloud.client("eks")
    _cluster(eks)
    cloud.reset_requests()
    edit = POLICY.format("AmazonEKSEditPolicy")
    addon = eks.create_addon(clusterName="c1", addonName="vpc-cni")["addon"]
    eks.describe_addon(clusterName="c1", addonName="vpc-cni")
    eks.list_addons(clusterName="c1")
    eks.describe_addon_versions(kubernetesVersion="1.34")
    eks.describe_addon_configuration(addonName="vpc-cni", addonVersion="v1.20.4-eksbuild.2")
    _wait_addon(eks, "vpc-cni", "ACTIVE")
    update = eks.update_addon(clusterName="c1", addonName="vpc-cni", resolveConflicts="OVERWRITE")["update"]
    eks.describe_update(name="c1", updateId=update["id"], addonName="vpc-cni")
    eks.list_updates(name="c1", addonName="vpc-cni")
    eks.tag_resource(resourceArn=addon["addonArn"], tags={"a": "b"})
    eks.list_tags_for_resource(resourceArn=addon["addonArn"])
    eks.untag_resource(resourceArn=addon["addonArn"], tagKeys=["a"])
    eks.create_access_entry(clusterName="c1", principalArn=DEV)
    eks.describe_access_entry(clusterName="c1", principalArn=DEV)
    eks.list_access_entries(clusterName="c1")
    eks.update_access_entry(clusterName="c1", principalArn=DEV, username="dev")
    eks.associate_access_policy(
        clusterName="c1", principalArn=DEV, policyArn=edit, accessScope={"type": "cluster"}
    )
    eks.list_associated_access_policies(clusterName="c1", principalArn=DEV)
    eks.disassociate_access_policy(clusterName="c1", principalArn=DEV, policyArn=edit)
    eks.delete_access_entry(clusterName="c1", principalArn=DEV)
    eks.list_access_policies()
    association = eks.create_pod_identity_association(
        clusterName="c1", namespace="ns", serviceAccount="sa", roleArn=ROLE
    )["association"]["associationId"]
    eks.describe_pod_identity_association(clusterName="c1", associationId=association)
    eks.list_pod_identity_associations(clusterName="c1", namespace="ns")
    eks.update_pod_identity_association(clusterName="c1", associationId=association, roleArn=ROLE)
    eks.delete_pod_identity_association(clusterName="c1", associationId=association)
    eks.delete_addon(clusterName="c1", addonName="vpc-cni", preserve=True)
    logged = [(r["action"], r["mutating"]) for r in cloud.requests()["requests"]]
    expected = [
        ("CreateAddon", True),
        ("DescribeAddon", False),
        ("ListAddons", False),
        ("DescribeAddonVersions", False),
        ("DescribeAddonConfiguration", False),
        ("DescribeAddon", False),  # _wait_addon
        ("UpdateAddon", True),
        ("DescribeUpdate", False),
        ("ListUpdates", False),
        ("TagResource", True),
        ("ListTagsForResource", False),
        ("UntagResource", True),
        ("CreateAccessEntry", True),
        ("DescribeAccessEntry", False),
        ("ListAccessEntries", False),
        ("UpdateAccessEntry", True),
        ("AssociateAccessPolicy", True),
        ("ListAssociatedAccessPolicies", False),
        ("DisassociateAccessPolicy", True),
        ("DeleteAccessEntry", True),
        ("ListAccessPolicies", False),
        ("CreatePodIdentityAssociation", True),
        ("DescribePodIdentityAssociation", False),
        ("ListPodIdentityAssociations", False),
        ("UpdatePodIdentityAssociation", True),
        ("DeletePodIdentityAssociation", True),
        ("DeleteAddon", True),
    ]
    # _wait_addon polls DescribeAddon: compare without repeats
    deduplicated = [entry for i, entry in enumerate(logged) if i == 0 or entry != logged[i - 1]]
    assert deduplicated == expected


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    [
        ("GET", f"/clusters/c1/access-entries/{DEV}", "DescribeAccessEntry"),
        ("POST", f"/clusters/c1/access-entries/{DEV}", "UpdateAccessEntry"),
        ("DELETE", f"/clusters/c1/access-entries/{DEV}", "DeleteAccessEntry"),
        ("POST", f"/clusters/c1/access-entries/{DEV}/access-policies", "AssociateAccessPolicy"),
        ("GET", f"/clusters/c1/access-entries/{DEV}/access-policies", "ListAssociatedAccessPolicies"),
        (
            "DELETE",
            f"/clusters/c1/access-entries/{DEV}/access-policies/{POLICY.format('AmazonEKSViewPolicy')}",
            "DisassociateAccessPolicy",
        ),
        ("GET", f"/tags/arn:aws:eks:us-east-1:{ACCOUNT}:cluster/c1", "ListTagsForResource"),
        ("POST", f"/tags/arn:aws:eks:us-east-1:{ACCOUNT}:nodegroup/c1/ng/0b2c", "TagResource"),
        ("GET", "/clusters/c1/addons/vpc-cni", "DescribeAddon"),  # one segment per label still wins
        ("GET", "/no/such/operation", None),
    ],
)
def test_rest_labels_with_slashes_are_named(method, path, operation):
    """The WSGI path is percent-decoded: a principal or resource ARN's "/" splits its URI label."""
    from tools.localcloud import operations

    assert operations.match_rest("eks", method, path, {}) == operation


def test_catalogue_offers_the_pinned_addon_versions():
    """Every add-on version roles/eks pins (eks__addon_versions) is in the local cloud's catalogue, so
    the eks role converges locally; a pin that moves needs its version added to ADDON_CATALOGUE."""
    from pathlib import Path

    import yaml

    from tools.localcloud.ext_eks import ADDON_CATALOGUE

    pins_file = Path(__file__).resolve().parents[2] / "roles/eks/vars/main.yml"
    if not pins_file.exists():
        pytest.skip("roles/eks/vars/main.yml does not exist")
    pins = yaml.safe_load(pins_file.read_text())["eks__addon_versions"]
    missing = [
        f"{name} {version} (Kubernetes {k8s})"
        for k8s, addons in pins.items()
        for name, version in addons.items()
        if version not in ADDON_CATALOGUE.get(name, {}).get("versions", {}).get(k8s, {}).get("all", [])
    ]
    assert pins and not missing, f"add to ext_eks.ADDON_CATALOGUE: {missing}"


# --------------------------------------------------------------------------------------------------------
# Upstream moto still lacks all of it (drop the extension when one of these fails)


def test_upstream_still_lacks_eks_addons_access_entries_and_pod_identity(upstream):
    """When this fails, moto has grown one of these APIs: drop the matching extension
    (``eks-addons``, ``eks-access-entries``, ``eks-pod-identity-associations``,
    ``eks-tags-extension-resources``)."""
    eks = upstream("eks")
    eks.create_cluster(name="c1", roleArn=ROLE, resourcesVpcConfig={"subnetIds": SUBNETS})
    calls = [
        lambda: eks.create_addon(clusterName="c1", addonName="vpc-cni"),
        lambda: eks.list_addons(clusterName="c1"),
        lambda: eks.describe_addon_versions(),
        lambda: eks.create_access_entry(clusterName="c1", principalArn=DEV),
        lambda: eks.list_access_policies(),
        lambda: eks.create_pod_identity_association(
            clusterName="c1", namespace="ns", serviceAccount="sa", roleArn=ROLE
        ),
        lambda: eks.list_pod_identity_associations(clusterName="c1"),
    ]
    for call in calls:
        with pytest.raises(ClientError) as exc:
            call()
        assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_upstream_still_drops_cluster_settings(upstream):
    """When this fails, moto keeps accessConfig / returns an update / has DescribeUpdate: check the
    extension ``eks-cluster-config`` and drop what moto now does itself."""
    eks = upstream("eks")
    cluster = eks.create_cluster(
        name="c1",
        roleArn=ROLE,
        resourcesVpcConfig={"subnetIds": SUBNETS},
        accessConfig={"authenticationMode": "API"},
    )["cluster"]
    assert "accessConfig" not in cluster
    assert cluster["version"] == "1.19"
    response = eks.update_cluster_config(name="c1", resourcesVpcConfig={"endpointPrivateAccess": True})
    assert "update" not in response
    assert "subnetIds" not in eks.describe_cluster(name="c1")["cluster"]["resourcesVpcConfig"]
    with pytest.raises(ClientError) as exc:
        eks.describe_update(name="c1", updateId="x")
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
