"""Verify roles/cluster_addons after converge + idempotence (all five add-ons, one hosted zone, an ACME
email): the add-ons' roles, their trust and least-privilege policies (decided with tests/iam_policy.py,
since the local cloud does not enforce IAM), the Pod Identity associations, our namespaces and custom
resources in the local API server, the chart installs skipped with the reason and their rendered
values, and that the exec role of druid releases allows every call the runs made."""

from __future__ import annotations

import pytest
from cluster_addons_support import (
    ACCOUNT,
    AWS_ADDONS,
    CATALOGUE,
    CLUSTER,
    CLUSTER_ARN,
    PREFIX,
    REGION,
    associations,
    calls_not_allowed,
    cluster_objects,
    exec_policy,
    existing_roles,
    facts,
    our_namespaces,
    requests_log,
    role_arn,
    role_documents,
    role_name,
    served,
)

from tests.iam_policy import Request, allowed
from tests.molecule_support import aws_client, policy_document

PLATFORM_TAGS = {
    "fastish:organization": "acme",
    "fastish:team": "data",
    "fastish:release": "analytics",
    "fastish:release-type": "druid",
    "fastish:environment": "dev",
    "fastish:managed-by": "fastish",
}
PODS = {"Service": "pods.eks.amazonaws.com"}
OTHER_ZONE = "arn:aws:route53:::hostedzone/Z0THERZONE0000"


@pytest.fixture(scope="module")
def converged():
    return facts()


@pytest.fixture(scope="module")
def zone_arn(converged):
    (zone,) = converged["hosted_zone_ids"]
    return f"arn:aws:route53:::hostedzone/{zone}"


@pytest.fixture(scope="module")
def documents():
    return {addon: role_documents(addon) for addon in AWS_ADDONS}


def test_one_role_per_addon_that_calls_aws_and_none_for_metrics_server(converged):
    assert existing_roles() == set(AWS_ADDONS) == set(converged["cluster_addons_roles"])
    assert "metrics-server" not in AWS_ADDONS
    iam = aws_client("iam")
    for addon in AWS_ADDONS:
        role = iam.get_role(RoleName=role_name(addon))["Role"]
        assert role["Arn"] == converged["cluster_addons_roles"][addon] == role_arn(addon)
        tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=role_name(addon))["Tags"]}
        assert tags == {**tags, **PLATFORM_TAGS, "Name": role_name(addon)}, tags
        # only the inline policy of the role, nothing attached
        assert iam.list_role_policies(RoleName=role_name(addon))["PolicyNames"] == ["cluster-addon"]
        assert iam.list_attached_role_policies(RoleName=role_name(addon))["AttachedPolicies"] == []


def _assume(addon: str, action: str = "sts:AssumeRole", **override: str) -> Request:
    context = {
        "aws:SourceAccount": ACCOUNT,
        "aws:RequestTag/eks-cluster-arn": CLUSTER_ARN,
        "aws:RequestTag/kubernetes-namespace": CATALOGUE[addon]["namespace"],
        "aws:RequestTag/kubernetes-service-account": CATALOGUE[addon]["service_account"],
        **override,
    }
    return Request(action, principal=PODS, context=context)


@pytest.mark.parametrize("addon", AWS_ADDONS)
def test_trust_is_pod_identity_of_the_addon_service_account_on_this_cluster_only(documents, addon):
    trust, _ = documents[addon]
    assert allowed(trust, _assume(addon)) and allowed(trust, _assume(addon, "sts:TagSession"))
    other_cluster = CLUSTER_ARN.replace(CLUSTER, "acme-data-other-eks")
    for override in (
        {"aws:RequestTag/kubernetes-namespace": "data"},
        {"aws:RequestTag/kubernetes-service-account": "default"},
        {"aws:RequestTag/eks-cluster-arn": other_cluster},
        {"aws:SourceAccount": "999999999999"},
    ):
        assert not allowed(trust, _assume(addon, **override)), override
    # no other principal, and the service needs the session tags: without them nothing is allowed
    assert not allowed(trust, Request("sts:AssumeRole", principal={"Service": "ec2.amazonaws.com"}))
    assert not allowed(
        trust, Request("sts:AssumeRole", principal=PODS, context={"aws:SourceAccount": ACCOUNT})
    )
    # another add-on's service account may not use this role
    for other in AWS_ADDONS:
        if other != addon:
            assert not allowed(
                trust,
                _assume(
                    addon,
                    **{
                        "aws:RequestTag/kubernetes-namespace": CATALOGUE[other]["namespace"],
                        "aws:RequestTag/kubernetes-service-account": CATALOGUE[other]["service_account"],
                    },
                ),
            )


def test_no_policy_allows_a_wildcard_action(documents):
    for addon, (_, policy) in documents.items():
        for statement in policy["Statement"]:
            assert statement["Effect"] == "Allow"
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert not [a for a in actions if "*" in a or "?" in a], (addon, statement["Sid"])
            assert "NotAction" not in statement and "NotResource" not in statement


def _elb(kind: str, region: str = REGION) -> str:
    return f"arn:aws:elasticloadbalancing:{region}:{ACCOUNT}:{kind}"


def test_load_balancer_controller_acts_only_for_this_cluster_and_vpc(documents, converged):
    _, policy = documents["aws-load-balancer-controller"]
    ours, other = (
        {"aws:RequestTag/elbv2.k8s.aws/cluster": CLUSTER},
        {"aws:RequestTag/elbv2.k8s.aws/cluster": "x"},
    )
    lb = _elb("loadbalancer/app/k8s-data-web/0123456789abcdef")
    assert allowed(policy, Request("elasticloadbalancing:CreateLoadBalancer", lb, context=ours))
    assert not allowed(policy, Request("elasticloadbalancing:CreateLoadBalancer", lb, context=other))
    assert not allowed(policy, Request("elasticloadbalancing:CreateLoadBalancer", lb))  # untagged
    assert not allowed(
        policy,
        Request(
            "elasticloadbalancing:CreateLoadBalancer", _elb("loadbalancer/app/a/1", "eu-west-1"), context=ours
        ),
    )
    tagged = {"aws:ResourceTag/elbv2.k8s.aws/cluster": CLUSTER}
    for action in ("DeleteLoadBalancer", "ModifyTargetGroup", "SetSecurityGroups"):
        assert allowed(policy, Request(f"elasticloadbalancing:{action}", lb, context=tagged))
        foreign = {"aws:ResourceTag/elbv2.k8s.aws/cluster": "acme-data-other-eks"}
        assert not allowed(policy, Request(f"elasticloadbalancing:{action}", lb, context=foreign))
        assert not allowed(policy, Request(f"elasticloadbalancing:{action}", lb))
    # retagging may not move a resource to another cluster
    retag = {**tagged, "aws:RequestTag/elbv2.k8s.aws/cluster": "acme-data-other-eks"}
    assert not allowed(policy, Request("elasticloadbalancing:AddTags", lb, context=retag))
    assert allowed(policy, Request("elasticloadbalancing:AddTags", lb, context=tagged))
    # security groups: rules only in the release VPC, new groups only there and tagged for this cluster
    vpc = f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/{converged['vpc_id']}"
    group = f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/sg-0123456789abcdef0"
    assert converged["vpc_id"].startswith("vpc-") and converged["vpc_id"] != "vpc-checkmode"
    rule = "ec2:AuthorizeSecurityGroupIngress"
    assert allowed(policy, Request(rule, group, context={"ec2:Vpc": vpc}))
    assert not allowed(policy, Request(rule, group, context={"ec2:Vpc": vpc[:-4] + "beef"}))
    assert allowed(policy, Request("ec2:CreateSecurityGroup", vpc))
    assert not allowed(
        policy, Request("ec2:CreateSecurityGroup", f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/vpc-0ther")
    )
    assert allowed(policy, Request("ec2:CreateSecurityGroup", group, context=ours))
    assert not allowed(policy, Request("ec2:CreateSecurityGroup", group, context=other))
    assert allowed(policy, Request("ec2:DeleteSecurityGroup", group, context=tagged))
    assert not allowed(policy, Request("ec2:DeleteSecurityGroup", group))
    # read-only calls without resource-level permissions
    for action in (
        "ec2:DescribeSubnets",
        "elasticloadbalancing:DescribeLoadBalancers",
        "acm:ListCertificates",
    ):
        assert allowed(policy, Request(action))
    assert not allowed(policy, Request("ec2:RunInstances"))
    assert not allowed(
        policy, Request("iam:CreateServiceLinkedRole", "*", context={"iam:AWSServiceName": "x"})
    )


def _records(action_types: list[str], names: list[str]) -> dict[str, list[str]]:
    return {
        "route53:ChangeResourceRecordSetsRecordTypes": action_types,
        "route53:ChangeResourceRecordSetsNormalizedRecordNames": names,
    }


def test_external_dns_writes_only_in_the_listed_zone(documents, zone_arn):
    _, policy = documents["external-dns"]
    change = "route53:ChangeResourceRecordSets"
    assert allowed(
        policy, Request(change, zone_arn, context=_records(["A", "TXT"], ["web.analytics.acme.example"]))
    )
    assert not allowed(policy, Request(change, OTHER_ZONE))
    assert allowed(policy, Request("route53:ListResourceRecordSets", zone_arn))
    assert not allowed(policy, Request("route53:ListResourceRecordSets", OTHER_ZONE))
    assert allowed(policy, Request("route53:ListHostedZones"))
    assert not allowed(policy, Request("route53:DeleteHostedZone", zone_arn))


def test_cert_manager_writes_only_acme_challenges_in_the_listed_zone(documents, zone_arn):
    _, policy = documents["cert-manager"]
    change = "route53:ChangeResourceRecordSets"
    challenge = _records(["TXT"], ["_acme-challenge.web.analytics.acme.example"])
    assert allowed(policy, Request(change, zone_arn, context=challenge))
    assert not allowed(policy, Request(change, OTHER_ZONE, context=challenge))
    assert not allowed(policy, Request(change, zone_arn, context=_records(["A"], ["_acme-challenge.x"])))
    assert not allowed(
        policy, Request(change, zone_arn, context=_records(["TXT"], ["web.analytics.acme.example"]))
    )
    assert allowed(policy, Request("route53:GetChange", "arn:aws:route53:::change/C0123456789"))
    assert allowed(policy, Request("route53:ListHostedZonesByName"))
    assert not allowed(policy, Request("route53:ListHostedZones"))


def test_external_secrets_reads_only_the_release_secrets_with_the_release_key(documents, converged):
    _, policy = documents["external-secrets"]
    secret = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{PREFIX}-druid-metadata-AbCdEf"
    parameter = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/{PREFIX}-kafka-endpoint"
    for action in ("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"):
        assert allowed(policy, Request(action, secret))
        assert not allowed(policy, Request(action, secret.replace(PREFIX, "acme-data-other")))
        assert not allowed(policy, Request(action, secret.replace(PREFIX, "acme-web-portal")))
    assert not allowed(policy, Request("secretsmanager:PutSecretValue", secret))
    assert not allowed(policy, Request("secretsmanager:ListSecrets"))
    for action in ("ssm:GetParameter", "ssm:GetParameters"):
        assert allowed(policy, Request(action, parameter))
        assert not allowed(policy, Request(action, parameter.replace(PREFIX, "acme-data-other")))
    assert not allowed(policy, Request("ssm:PutParameter", parameter))
    key = converged["kms_key_arn"]
    assert key.startswith(f"arn:aws:kms:{REGION}:{ACCOUNT}:key/")
    for service in ("secretsmanager", "ssm"):
        assert allowed(
            policy,
            Request("kms:Decrypt", key, context={"kms:ViaService": f"{service}.{REGION}.amazonaws.com"}),
        )
    assert not allowed(
        policy, Request("kms:Decrypt", key, context={"kms:ViaService": f"s3.{REGION}.amazonaws.com"})
    )
    assert not allowed(policy, Request("kms:Decrypt", key))
    other_key = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/00000000-0000-0000-0000-000000000000"
    via = {"kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com"}
    assert not allowed(policy, Request("kms:Decrypt", other_key, context=via))
    assert not allowed(policy, Request("kms:Encrypt", key, context=via))


def test_pod_identity_associations_name_the_addon_service_accounts(converged):
    found = associations()
    by_role = {a["roleArn"]: a for a in found}
    assert len(found) == len(AWS_ADDONS)
    assert sorted(by_role) == sorted(role_arn(addon) for addon in AWS_ADDONS)
    for addon in AWS_ADDONS:
        association = by_role[role_arn(addon)]
        assert association["clusterName"] == CLUSTER
        assert association["namespace"] == CATALOGUE[addon]["namespace"]
        assert association["serviceAccount"] == CATALOGUE[addon]["service_account"]
        assert association["associationId"] == converged["cluster_addons_pod_identity_associations"][addon]
        assert {k: association["tags"].get(k) for k in PLATFORM_TAGS} == PLATFORM_TAGS


def test_the_addon_namespaces_are_in_the_api_server():
    namespaces = our_namespaces()
    assert set(namespaces) == {"cert-manager", "external-dns", "external-secrets"}  # kube-system is not ours
    for name, labels in namespaces.items():
        assert labels["app.kubernetes.io/managed-by"] == "fastish"
        assert labels["app.kubernetes.io/part-of"] == name
        assert labels["pod-security.kubernetes.io/enforce"] == "baseline"


def test_the_cluster_secret_stores_read_the_release_prefix_for_the_team_namespaces(converged):
    assert served("external-secrets.io", "v1")
    stores = cluster_objects("external-secrets.io", "v1", "clustersecretstores")
    assert set(stores) == {"secrets-manager", "parameter-store"}
    for name, service in (("secrets-manager", "SecretsManager"), ("parameter-store", "ParameterStore")):
        spec = stores[name]["spec"]
        provider = spec["provider"]["aws"]
        assert provider == {**provider, "service": service, "region": REGION, "prefix": f"{PREFIX}-"}
        assert "auth" not in provider and "role" not in provider  # the controller's Pod Identity role
        assert spec["conditions"] == [{"namespaces": ["data", "ingest"]}]
        assert stores[name]["metadata"]["labels"]["app.kubernetes.io/instance"] == PREFIX
    applied = converged["cluster_addons_resources"]["applied"]
    assert sorted(applied) == ["ClusterSecretStore/parameter-store", "ClusterSecretStore/secrets-manager"]


def test_cluster_issuers_are_skipped_with_the_reason(converged):
    # the local API server has no cert-manager CRDs (its chart would install them)
    assert not served("cert-manager.io", "v1")
    skipped = converged["cluster_addons_resources"]["skipped"]
    assert sorted(skipped) == ["ClusterIssuer/letsencrypt", "ClusterIssuer/selfsigned"]
    for reason in skipped.values():
        assert "does not serve the CRD clusterissuers.cert-manager.io" in reason
        assert "third-party charts are not installed here" in reason and "Helm charts" in reason


def test_chart_installs_are_skipped_with_the_reason_and_pinned(converged):
    charts = converged["cluster_addons_charts"]
    assert sorted(charts) == sorted(CATALOGUE)
    for name, chart in charts.items():
        assert chart["installed"] is False
        assert (
            "third-party Helm charts" in chart["skipped_reason"]
            and "cannot be fetched" in chart["skipped_reason"]
        )
        assert chart["version"] == CATALOGUE[name]["version"] and chart["version"][0] in "v0123456789"
        assert chart["repo"].startswith("https://") and chart["release"] == f"{PREFIX}-{name}"
    assert converged["cluster_addons_outputs"]["cluster_addon_charts"] == {
        n: c["version"] for n, c in charts.items()
    }
    # nothing was installed: Helm keeps its releases as secrets of type helm.sh/release.v1
    from cluster_addons_support import kube
    from kubernetes import client

    secrets = client.CoreV1Api(kube()).list_secret_for_all_namespaces(
        field_selector="type=helm.sh/release.v1"
    )
    assert secrets.items == []


def test_rendered_values(converged):
    values = converged["cluster_addons_helm_values"]
    placement = {
        "nodeSelector": {"kubernetes.io/os": "linux", "eks.amazonaws.com/nodegroup": f"{PREFIX}-system"},
        "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"}],
    }
    for name, rendered in values.items():
        assert {k: rendered[k] for k in placement} == placement, name
        assert rendered["serviceAccount"] == {"create": True, "name": CATALOGUE[name]["service_account"]}
    lbc = values["aws-load-balancer-controller"]
    assert (lbc["clusterName"], lbc["region"], lbc["vpcId"]) == (CLUSTER, REGION, converged["vpc_id"])
    assert lbc["replicaCount"] == 2 and lbc["podDisruptionBudget"] == {"minAvailable": 1}
    assert lbc["defaultTags"]["fastish:release"] == "analytics"
    dns = values["external-dns"]
    (zone,) = converged["hosted_zone_ids"]
    assert dns["provider"] == {"name": "aws"} and dns["policy"] == "upsert-only" and dns["registry"] == "txt"
    assert dns["txtOwnerId"] == CLUSTER and dns["domainFilters"] == ["analytics.acme.example"]
    assert dns["extraArgs"] == [f"--zone-id-filter={zone}"]
    assert {"name": "AWS_DEFAULT_REGION", "value": REGION} in dns["env"]
    cert = values["cert-manager"]
    assert cert["crds"] == {"enabled": True, "keep": True} and cert["replicaCount"] == 2
    assert cert["podDisruptionBudget"] == {"enabled": True, "minAvailable": 1}
    assert (
        cert["webhook"]["replicaCount"] == 2 and cert["webhook"]["nodeSelector"] == placement["nodeSelector"]
    )
    eso = values["external-secrets"]
    assert eso["installCRDs"] is True and eso["leaderElect"] is True and eso["replicaCount"] == 2
    assert eso["crds"]["annotations"] == {"helm.sh/resource-policy": "keep"}
    metrics = values["metrics-server"]
    assert metrics["replicas"] == 2 and metrics["podDisruptionBudget"] == {"enabled": True, "minAvailable": 1}


def test_outputs_name_the_roles_and_associations(converged):
    outputs = converged["cluster_addons_outputs"]
    assert outputs["cluster_addons"] == [
        "aws-load-balancer-controller",
        "cert-manager",
        "external-secrets",
        "external-dns",
        "metrics-server",
    ]
    assert outputs["cluster_addon_role_arns"] == {addon: role_arn(addon) for addon in AWS_ADDONS}
    assert (
        outputs["cluster_addon_pod_identity_associations"]
        == converged["cluster_addons_pod_identity_associations"]
    )


def test_the_druid_exec_role_allows_every_call_the_runs_made():
    policy = exec_policy()
    # route53: only the scenario's stand-in hosted zone (the role itself calls no Route 53 API).
    missing = calls_not_allowed(requests_log(), policy, skip_services={"route53"})
    assert not missing, f"the exec role of druid releases lacks: {missing}"


def test_the_druid_exec_role_manages_the_addon_roles_and_associations():
    policy = exec_policy()
    tagged = {"aws:RequestTag/fastish:managed-by": "fastish"}
    for addon in AWS_ADDONS:
        arn = role_arn(addon)
        for action in (
            "iam:CreateRole",
            "iam:PutRolePolicy",
            "iam:TagRole",
            "iam:DeleteRole",
            "iam:DeleteRolePolicy",
        ):
            assert allowed(policy, Request(action, arn)), (action, arn)
        # CreatePodIdentityAssociation passes the role to EKS Pod Identity
        passed = {"iam:PassedToService": "pods.eks.amazonaws.com"}
        assert allowed(policy, Request("iam:PassRole", arn, context=passed))
    association = f"arn:aws:eks:{REGION}:{ACCOUNT}:podidentityassociation/{CLUSTER}/a-0123456789abcdefg"
    assert allowed(policy, Request("eks:CreatePodIdentityAssociation", CLUSTER_ARN, context=tagged))
    for action in ("DescribePodIdentityAssociation", "DeletePodIdentityAssociation", "TagResource"):
        assert allowed(policy, Request(f"eks:{action}", association)), action
    assert allowed(policy, Request("eks:ListPodIdentityAssociations", CLUSTER_ARN))
    # never an add-on role of another organization
    assert not allowed(
        policy, Request("iam:CreateRole", "arn:aws:iam::123456789012:role/globex-x-y-external-dns")
    )
    assert policy_document(policy)["Version"] == "2012-10-17"
