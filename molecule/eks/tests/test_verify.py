"""Verify the EKS cluster of release acme-data-analytics through the AWS APIs of the local cloud and its
Kubernetes API server, after converge + idempotence.

The role's facts are written by converge.yml; the add-on pins are read from roles/eks/vars/main.yml
(the one place they live), the contributors from the inventory.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from tests.iam_policy import Request, allowed
from tests.molecule_support import ACCOUNT, REGION, ROOT, aws_client, missing_exec_actions, policy_document

HOST = "acme-data-analytics"
PREFIX = "acme-data-analytics"
CLUSTER = f"{PREFIX}-eks"
CLUSTER_ARN = f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/{CLUSTER}"
NODEGROUP = f"{PREFIX}-system"
LAUNCH_TEMPLATE = f"{PREFIX}-eks-system-nodes"
LOG_GROUP = f"/aws/eks/{CLUSTER}/cluster"
ROLES = {name: f"{PREFIX}-{name}" for name in ("eks-cluster", "eks-node", "eks-vpc-cni", "eks-ebs-csi")}
KEY_ALIAS = f"alias/{PREFIX}-key"
MANAGED = "arn:aws:iam::aws:policy/"
POLICY = "arn:aws:eks::aws:cluster-access-policy/"
PLATFORM_TAGS = {
    "fastish:organization": "acme",
    "fastish:team": "data",
    "fastish:release": "analytics",
    "fastish:release-type": "druid",
    "fastish:environment": "dev",
    "fastish:synthesizer": "local",
    "fastish:managed-by": "fastish",
}
ADDON_SERVICE_ACCOUNTS = {
    "vpc-cni": ("aws-node", "eks-vpc-cni"),
    "aws-ebs-csi-driver": ("ebs-csi-controller-sa", "eks-ebs-csi"),
}


def _inventory():
    hosts = yaml.safe_load((ROOT / "inventories/local/hosts.yml").read_text())
    team = yaml.safe_load((ROOT / "inventories/local/group_vars/local_acme_data.yml").read_text())

    def find(node):
        if isinstance(node, dict):
            if HOST in node and isinstance(node[HOST], dict):
                return node[HOST]
            for value in node.values():
                found = find(value)
                if found is not None:
                    return found
        return None

    return find(hosts), team


@pytest.fixture(scope="module")
def inventory():
    host, team = _inventory()
    return {
        "contributors": team["fastish_contributors"],
        "namespaces": team["fastish_eks_team_namespaces"],
        "nodes": host["fastish_eks_system_nodes"],
        "cidrs": host["fastish_eks_public_access_cidrs"],
    }


@pytest.fixture(scope="module")
def facts():
    directory = os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", str(ROOT / "outputs"))
    return json.loads((Path(directory) / "eks-facts.json").read_text())


@pytest.fixture(scope="module")
def pins():
    versions = yaml.safe_load((ROOT / "roles/eks/vars/main.yml").read_text())["eks__addon_versions"]
    return versions["1.35"]


@pytest.fixture(scope="module")
def key_arn():
    return aws_client("kms").describe_key(KeyId=KEY_ALIAS)["KeyMetadata"]["Arn"]


@pytest.fixture(scope="module")
def eks():
    return aws_client("eks")


@pytest.fixture(scope="module")
def cluster(eks):
    return eks.describe_cluster(name=CLUSTER)["cluster"]


@pytest.fixture(scope="module")
def nodegroup(eks):
    return eks.describe_nodegroup(clusterName=CLUSTER, nodegroupName=NODEGROUP)["nodegroup"]


# ---- the cluster


def test_cluster_version_role_and_tags(cluster, facts):
    assert cluster["status"] == "ACTIVE" and cluster["version"] == "1.35"
    assert cluster["arn"] == CLUSTER_ARN == facts["eks_cluster_arn"]
    assert cluster["roleArn"] == f"arn:aws:iam::{ACCOUNT}:role/{ROLES['eks-cluster']}"
    assert PLATFORM_TAGS.items() <= cluster["tags"].items() and cluster["tags"]["Name"] == CLUSTER
    assert facts["eks_cluster_name"] == CLUSTER and facts["eks_cluster_endpoint"] == cluster["endpoint"]


def test_cluster_in_the_private_subnets_with_both_endpoints(cluster, facts, inventory):
    vpc = cluster["resourcesVpcConfig"]
    assert vpc["subnetIds"] == facts["vpc_subnet_ids"]["private"] and vpc["vpcId"] == facts["vpc_id"]
    assert vpc["endpointPrivateAccess"] is True and vpc["endpointPublicAccess"] is True
    assert vpc["publicAccessCidrs"] == inventory["cidrs"] == ["198.51.100.0/24"]
    # EKS makes a cluster security group; the local cloud reports none (then the fact is empty)
    assert facts["eks_cluster_security_group_id"] == vpc.get("clusterSecurityGroupId", "")


def test_control_plane_logging_all_types(cluster):
    enabled = {t for s in cluster["logging"]["clusterLogging"] if s["enabled"] for t in s["types"]}
    assert enabled == {"api", "audit", "authenticator", "controllerManager", "scheduler"}


def test_secrets_encrypted_with_the_release_key_and_api_authentication(cluster, key_arn):
    assert cluster["encryptionConfig"] == [{"resources": ["secrets"], "provider": {"keyArn": key_arn}}]
    assert cluster["accessConfig"]["authenticationMode"] == "API"


def test_log_group_encrypted_with_retention(key_arn):
    (group,) = aws_client("logs").describe_log_groups(logGroupNamePrefix=LOG_GROUP)["logGroups"]
    assert group["logGroupName"] == LOG_GROUP
    assert group["kmsKeyId"] == key_arn and group["retentionInDays"] == 90


def test_oidc_provider_of_the_cluster(cluster, facts):
    iam = aws_client("iam")
    issuer = cluster["identity"]["oidc"]["issuer"]
    arn = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{issuer.removeprefix('https://')}"
    assert arn in [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]]
    provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert provider["ClientIDList"] == ["sts.amazonaws.com"]
    assert facts["eks_oidc_provider_arn"] == arn


# ---- IAM


def _role(name):
    iam = aws_client("iam")
    role = iam.get_role(RoleName=name)["Role"]
    attached = {p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]}
    inline = {
        p: policy_document(iam.get_role_policy(RoleName=name, PolicyName=p)["PolicyDocument"])
        for p in iam.list_role_policies(RoleName=name)["PolicyNames"]
    }
    return policy_document(role["AssumeRolePolicyDocument"]), attached, inline


def test_cluster_role(key_arn):
    trust, attached, inline = _role(ROLES["eks-cluster"])
    assert [s["Principal"] for s in trust["Statement"]] == [{"Service": "eks.amazonaws.com"}]
    assert attached == {MANAGED + "AmazonEKSClusterPolicy"}
    (policy,) = inline.values()
    assert allowed(policy, Request("kms:Encrypt", key_arn)) and allowed(
        policy, Request("kms:Decrypt", key_arn)
    )
    assert not allowed(policy, Request("kms:Decrypt", key_arn.replace(key_arn[-6:], "ffffff")))


def test_node_role_has_no_cni_permissions(facts):
    trust, attached, inline = _role(ROLES["eks-node"])
    assert [s["Principal"] for s in trust["Statement"]] == [{"Service": "ec2.amazonaws.com"}]
    assert attached == {MANAGED + "AmazonEKSWorkerNodePolicy", MANAGED + "AmazonEC2ContainerRegistryPullOnly"}
    assert inline == {}
    assert facts["eks_node_role_arn"] == f"arn:aws:iam::{ACCOUNT}:role/{ROLES['eks-node']}"


@pytest.mark.parametrize("addon", sorted(ADDON_SERVICE_ACCOUNTS))
def test_pod_identity_roles_trust_only_their_service_account(addon):
    service_account, role = ADDON_SERVICE_ACCOUNTS[addon]
    trust, attached, _inline = _role(ROLES[role])

    def assume(cluster=CLUSTER_ARN, namespace="kube-system", account=service_account, source=ACCOUNT):
        return Request(
            "sts:AssumeRole",
            principal={"Service": "pods.eks.amazonaws.com"},
            context={
                "aws:SourceAccount": source,
                "aws:RequestTag/eks-cluster-arn": cluster,
                "aws:RequestTag/kubernetes-namespace": namespace,
                "aws:RequestTag/kubernetes-service-account": account,
            },
        )

    assert allowed(trust, assume())
    assert not allowed(trust, assume(account="default"))
    assert not allowed(trust, assume(namespace="data"))
    assert not allowed(trust, assume(cluster=CLUSTER_ARN + "-other"))
    assert not allowed(trust, assume(source="999999999999"))
    expected = {
        "vpc-cni": "AmazonEKS_CNI_Policy",
        "aws-ebs-csi-driver": "service-role/AmazonEBSCSIDriverPolicy",
    }
    assert attached == {MANAGED + expected[addon]}


def test_ebs_csi_role_may_encrypt_volumes_with_the_release_key(key_arn):
    _trust, _attached, inline = _role(ROLES["eks-ebs-csi"])
    (policy,) = inline.values()
    assert allowed(policy, Request("kms:GenerateDataKeyWithoutPlaintext", key_arn))
    grant = Request("kms:CreateGrant", key_arn, context={"kms:GrantIsForAWSResource": "true"})
    assert allowed(policy, grant)
    assert not allowed(
        policy, Request("kms:CreateGrant", key_arn, context={"kms:GrantIsForAWSResource": "false"})
    )


# ---- node group and launch template


def test_system_node_group(nodegroup, inventory):
    nodes = inventory["nodes"]
    assert nodegroup["status"] == "ACTIVE" and nodegroup["version"] == "1.35"
    assert nodegroup["amiType"] == nodes["ami_type"] == "BOTTLEROCKET_x86_64"
    assert nodegroup["instanceTypes"] == nodes["instance_types"]
    assert nodegroup["scalingConfig"] == {
        "minSize": nodes["min_size"],
        "maxSize": nodes["max_size"],
        "desiredSize": nodes["desired_size"],
    }
    assert nodegroup["capacityType"] == "ON_DEMAND"
    assert nodegroup["labels"] == {"fastish.io/pool": "system"} and nodegroup.get("taints", []) == []
    assert nodegroup["updateConfig"] == {"maxUnavailable": 1}
    assert nodegroup["nodeRole"] == f"arn:aws:iam::{ACCOUNT}:role/{ROLES['eks-node']}"
    assert PLATFORM_TAGS.items() <= nodegroup["tags"].items()


def test_launch_template_encrypted_gp3_imdsv2_no_ami(nodegroup, inventory, key_arn):
    ec2 = aws_client("ec2")
    (template,) = ec2.describe_launch_templates(LaunchTemplateNames=[LAUNCH_TEMPLATE])["LaunchTemplates"]
    assert nodegroup["launchTemplate"]["id"] == template["LaunchTemplateId"]
    versions = ec2.describe_launch_template_versions(LaunchTemplateId=template["LaunchTemplateId"])[
        "LaunchTemplateVersions"
    ]
    assert len(versions) == 1, "a re-run made another launch template version"
    assert nodegroup["launchTemplate"]["version"] == str(versions[0]["VersionNumber"])
    data = versions[0]["LaunchTemplateData"]
    assert "ImageId" not in data and "InstanceType" not in data and "UserData" not in data
    disks = {m["DeviceName"]: m["Ebs"] for m in data["BlockDeviceMappings"]}
    assert {d: e["VolumeSize"] for d, e in disks.items()} == {
        "/dev/xvda": 4,
        "/dev/xvdb": inventory["nodes"]["disk_size_gib"],
    }
    for ebs in disks.values():
        assert (ebs["VolumeType"], ebs["Encrypted"], ebs["KmsKeyId"]) == ("gp3", True, key_arn)
        assert ebs["DeleteOnTermination"] is True
    metadata = data["MetadataOptions"]
    assert (metadata["HttpTokens"], metadata["HttpPutResponseHopLimit"], metadata["HttpEndpoint"]) == (
        "required",
        2,
        "enabled",
    )
    tagged = {s["ResourceType"] for s in data["TagSpecifications"]}
    assert tagged == {"instance", "volume"}
    assert PLATFORM_TAGS.items() <= {t["Key"]: t["Value"] for t in template["Tags"]}.items()


# ---- add-ons and Pod Identity


def test_addons_at_their_pinned_versions(eks, pins):
    assert sorted(eks.list_addons(clusterName=CLUSTER)["addons"]) == sorted(pins)
    for name, version in pins.items():
        addon = eks.describe_addon(clusterName=CLUSTER, addonName=name)["addon"]
        assert (addon["addonVersion"], addon["status"]) == (version, "ACTIVE"), name
        assert PLATFORM_TAGS.items() <= addon["tags"].items()


def test_pod_identity_associations_of_the_addons(eks):
    associations = eks.list_pod_identity_associations(clusterName=CLUSTER)["associations"]
    found = {}
    for association in associations:
        described = eks.describe_pod_identity_association(
            clusterName=CLUSTER, associationId=association["associationId"]
        )["association"]
        found[(described["namespace"], described["serviceAccount"])] = described["roleArn"]
    assert found == {
        ("kube-system", account): f"arn:aws:iam::{ACCOUNT}:role/{ROLES[role]}"
        for account, role in ADDON_SERVICE_ACCOUNTS.values()
    }
    for name in ADDON_SERVICE_ACCOUNTS:
        addon = eks.describe_addon(clusterName=CLUSTER, addonName=name)["addon"]
        assert len(addon["podIdentityAssociations"]) == 1


# ---- access entries


def test_access_entries_policies_and_scopes(eks, inventory):
    expected = {
        "admin": [("AmazonEKSClusterAdminPolicy", "cluster", [])],
        "developer": [("AmazonEKSEditPolicy", "namespace", sorted(inventory["namespaces"]))],
        "viewer": [("AmazonEKSViewPolicy", "cluster", [])],
    }
    principals = set(eks.list_access_entries(clusterName=CLUSTER)["accessEntries"])
    for contributor in inventory["contributors"]:
        assert contributor["arn"] in principals, contributor
        entry = eks.describe_access_entry(clusterName=CLUSTER, principalArn=contributor["arn"])["accessEntry"]
        assert entry["type"] == "STANDARD"
        assert entry["tags"]["fastish:contributor"] == contributor["name"]
        assert PLATFORM_TAGS.items() <= entry["tags"].items()
        associated = eks.list_associated_access_policies(
            clusterName=CLUSTER, principalArn=contributor["arn"]
        )["associatedAccessPolicies"]
        got = [
            (
                a["policyArn"].removeprefix(POLICY),
                a["accessScope"]["type"],
                sorted(a["accessScope"].get("namespaces") or []),
            )
            for a in associated
        ]
        assert got == expected[contributor["role"]], contributor
    assert {c["role"] for c in inventory["contributors"]} == set(expected)


# ---- the release key's policy (role kms, druid release)


@pytest.fixture(scope="module")
def key_policy(key_arn):
    return json.loads(aws_client("kms").get_key_policy(KeyId=key_arn, PolicyName="default")["Policy"])


def test_key_policy_lets_cloudwatch_logs_encrypt_the_control_plane_logs(key_policy):
    def logs(group):
        arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}"
        return Request(
            "kms:GenerateDataKey",
            principal={"Service": f"logs.{REGION}.amazonaws.com"},
            context={"kms:EncryptionContext:aws:logs:arn": arn},
        )

    assert allowed(key_policy, logs(LOG_GROUP))
    assert not allowed(key_policy, logs("/aws/eks/acme-data-other-eks/cluster"))


def test_key_policy_for_secrets_encryption(key_policy):
    role = f"arn:aws:iam::{ACCOUNT}:role/{ROLES['eks-cluster']}"
    assert allowed(
        key_policy, Request("kms:Encrypt", principal={"AWS": role}, context={"aws:PrincipalArn": role})
    )
    other = f"arn:aws:iam::{ACCOUNT}:role/acme-web-portal-api"
    assert not allowed(
        key_policy, Request("kms:Encrypt", principal={"AWS": other}, context={"aws:PrincipalArn": other})
    )
    creator = f"arn:aws:iam::{ACCOUNT}:role/fastish-local-exec-druid"
    via_eks = {
        "kms:CallerAccount": ACCOUNT,
        "kms:ViaService": f"eks.{REGION}.amazonaws.com",
        "aws:PrincipalArn": creator,
    }
    assert allowed(key_policy, Request("kms:CreateGrant", principal={"AWS": creator}, context=via_eks))
    assert not allowed(key_policy, Request("kms:Decrypt", principal={"AWS": creator}, context=via_eks))


def test_key_policy_for_encrypted_node_volumes(key_policy):
    asg = (
        f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
    )
    ebs_csi = f"arn:aws:iam::{ACCOUNT}:role/{ROLES['eks-ebs-csi']}"
    other = f"arn:aws:iam::{ACCOUNT}:role/acme-web-portal-api"

    def use(who, action="kms:GenerateDataKeyWithoutPlaintext", via="ec2", account=ACCOUNT, **extra):
        context = {
            "kms:CallerAccount": account,
            "kms:ViaService": f"{via}.{REGION}.amazonaws.com",
            "aws:PrincipalArn": who,
        }
        return Request(action, principal={"AWS": who}, context={**context, **extra})

    assert allowed(key_policy, use(asg))
    assert allowed(key_policy, use(asg, "kms:CreateGrant", **{"kms:GrantIsForAWSResource": "true"}))
    assert not allowed(key_policy, use(asg, "kms:CreateGrant", **{"kms:GrantIsForAWSResource": "false"}))
    assert not allowed(key_policy, use(asg, account="999999999999"))
    assert allowed(key_policy, use(ebs_csi))
    assert allowed(key_policy, use(ebs_csi, "kms:CreateGrant", **{"kms:GrantIsForAWSResource": "true"}))
    assert not allowed(key_policy, use(ebs_csi, via="rds"))  # not through EC2
    assert not allowed(key_policy, use(other))


# ---- Kubernetes (the local cloud's API server)


def test_kubeconfig_is_the_local_clouds(facts):
    state = os.environ.get("FASTISH_LOCALCLOUD_DIR", str(ROOT / ".localcloud"))
    assert facts["eks_kubeconfig"] == f"{state}/k8s/kubeconfig"


def test_team_namespaces(facts, inventory):
    from kubernetes import client, config

    config.load_kube_config(config_file=facts["eks_kubeconfig"])
    core = client.CoreV1Api()
    for name in inventory["namespaces"]:
        namespace = core.read_namespace(name)
        labels = namespace.metadata.labels
        assert labels["app.kubernetes.io/managed-by"] == "fastish" and labels["fastish.io/team"] == "data"
        assert labels["pod-security.kubernetes.io/enforce"] == "baseline"


def test_encrypted_default_storage_class_and_gp2_no_longer_default(facts, key_arn):
    from kubernetes import client, config

    config.load_kube_config(config_file=facts["eks_kubeconfig"])
    storage = client.StorageV1Api()
    classes = {sc.metadata.name: sc for sc in storage.list_storage_class().items}
    gp3 = classes["gp3"]
    assert gp3.provisioner == "ebs.csi.aws.com"
    assert gp3.parameters == {
        "type": "gp3",
        "encrypted": "true",
        "kmsKeyId": key_arn,
        "csi.storage.k8s.io/fstype": "ext4",
    }
    assert gp3.volume_binding_mode == "WaitForFirstConsumer" and gp3.allow_volume_expansion is True
    assert gp3.reclaim_policy == "Delete"
    defaults = [
        name
        for name, sc in classes.items()
        if (sc.metadata.annotations or {}).get("storageclass.kubernetes.io/is-default-class") == "true"
    ]
    assert defaults == ["gp3"]
    if "gp2" in classes:  # prepare.yml makes it, as EKS does
        assert classes["gp2"].metadata.annotations["storageclass.kubernetes.io/is-default-class"] == "false"


# ---- outputs


def test_outputs_are_flat_and_name_every_part(facts, pins):
    outputs = facts["eks_outputs"]
    assert all(isinstance(v, (str, int, bool, list)) for v in outputs.values())
    assert outputs["eks_cluster_name"] == CLUSTER and outputs["eks_cluster_version"] == "1.35"
    assert outputs["eks_nodegroup"] == NODEGROUP and outputs["eks_log_group"] == LOG_GROUP
    assert outputs["eks_addons"] == [f"{name}={version}" for name, version in pins.items()]
    assert outputs["eks_team_namespaces"] == ["data", "ingest"] and outputs["eks_storage_class"] == "gp3"


# ---- the exec role of druid releases allows every call the converge made


def test_the_druid_exec_role_allows_every_call_the_converge_made():
    missing = missing_exec_actions("druid")
    assert not missing, f"the exec role of druid releases lacks: {missing}"
