"""Verify Karpenter of release acme-data-analytics through the AWS APIs and the API server of the
local cloud, after converge + idempotence: IAM (least privilege, proven with tests/iam_policy.py),
Pod Identity, the nodes' access entry, the interruption queue and its rules, the discovery tag, the
chart values (the chart itself is skipped locally, with the reason), the NodePools and EC2NodeClasses
(with the inventory's values, accepted by the real CRD schemas, which do reject a broken pool), and
the exec role of druid releases allowing every call the runs made."""

from __future__ import annotations

import copy
import json

import pytest
from karpenter_support import (
    ACCOUNT,
    CLUSTER,
    CLUSTER_ARN,
    CONTROLLER_ROLE,
    CONTROLLER_ROLE_ARN,
    LABELS,
    NAMESPACE,
    NODE_MANAGED_POLICIES,
    NODE_ROLE,
    NODE_ROLE_ARN,
    PLATFORM_TAGS,
    PREFIX,
    QUEUE,
    QUEUE_ARN,
    REGION,
    RULE_ARNS,
    RULES,
    SERVICE_ACCOUNT,
    calls_not_allowed,
    cluster_objects,
    controller_policy,
    exec_policy,
    facts,
    kube,
    listify,
    node_pools,
    request_log,
    statements,
    tags_of,
)

from tests.iam_policy import Request, allowed, evaluate
from tests.molecule_support import aws_client


@pytest.fixture(scope="module", autouse=True)
def run_log():
    """The request log of the scenario's runs, read before these tests add their own calls to it."""
    return request_log()


@pytest.fixture(scope="module")
def role_facts():
    return facts()


@pytest.fixture(scope="module")
def policy():
    return controller_policy()


# ---- IAM


def test_node_role_is_for_ec2_with_the_four_node_policies():
    iam = aws_client("iam")
    role = iam.get_role(RoleName=NODE_ROLE)["Role"]
    (stmt,) = statements(role["AssumeRolePolicyDocument"])
    assert (stmt["Effect"], stmt["Principal"], stmt["Action"]) == (
        "Allow",
        {"Service": "ec2.amazonaws.com"},
        "sts:AssumeRole",
    )
    attached = iam.list_attached_role_policies(RoleName=NODE_ROLE)["AttachedPolicies"]
    assert sorted(p["PolicyArn"] for p in attached) == NODE_MANAGED_POLICIES
    assert iam.list_role_policies(RoleName=NODE_ROLE)["PolicyNames"] == []
    # Karpenter v1 makes the instance profiles itself from the EC2NodeClass's role.
    assert iam.list_instance_profiles_for_role(RoleName=NODE_ROLE)["InstanceProfiles"] == []
    assert tags_of(role) == {**PLATFORM_TAGS, "fastish:cost-center": "cc-1001", "Name": NODE_ROLE}


def test_controller_role_trusts_pod_identity_of_this_cluster_only():
    iam = aws_client("iam")
    role = iam.get_role(RoleName=CONTROLLER_ROLE)["Role"]
    (stmt,) = statements(role["AssumeRolePolicyDocument"])
    assert stmt["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert sorted(listify(stmt["Action"])) == ["sts:AssumeRole", "sts:TagSession"]
    assert stmt["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnEquals": {"aws:SourceArn": CLUSTER_ARN},
    }
    trust = {"Statement": [stmt]}
    pods = {"Service": "pods.eks.amazonaws.com"}
    ours = {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": CLUSTER_ARN}
    assert allowed(trust, Request("sts:AssumeRole", principal=pods, context=ours))
    other_cluster = {**ours, "aws:SourceArn": f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/someone-else"}
    assert not allowed(trust, Request("sts:AssumeRole", principal=pods, context=other_cluster))
    assert not allowed(
        trust, Request("sts:AssumeRole", principal={"Service": "ec2.amazonaws.com"}, context=ours)
    )
    assert iam.list_attached_role_policies(RoleName=CONTROLLER_ROLE)["AttachedPolicies"] == []
    assert iam.list_role_policies(RoleName=CONTROLLER_ROLE)["PolicyNames"] == [CONTROLLER_ROLE]


def test_controller_policy_names_no_wildcard_action_and_passes_only_the_node_role(policy):
    for stmt in policy["Statement"]:
        assert stmt["Effect"] == "Allow"
        for action in listify(stmt["Action"]):
            assert "*" not in action and "?" not in action, stmt["Sid"]
    pass_role = [s for s in policy["Statement"] if "iam:PassRole" in listify(s["Action"])]
    assert [listify(s["Resource"]) for s in pass_role] == [[NODE_ROLE_ARN]]
    assert pass_role[0]["Condition"] == {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}
    ec2 = {"iam:PassedToService": "ec2.amazonaws.com"}
    assert allowed(policy, Request("iam:PassRole", NODE_ROLE_ARN, context=ec2))
    assert not allowed(policy, Request("iam:PassRole", CONTROLLER_ROLE_ARN, context=ec2))
    assert not allowed(
        policy,
        Request("iam:PassRole", NODE_ROLE_ARN, context={"iam:PassedToService": "lambda.amazonaws.com"}),
    )


def test_resource_star_only_where_aws_offers_no_resource_level_permissions(policy):
    unscopable = {"pricing:GetProducts", "iam:ListInstanceProfiles"}
    for stmt in policy["Statement"]:
        if "*" in listify(stmt["Resource"]):
            actions = set(listify(stmt["Action"]))
            describes = {a for a in actions if a.startswith("ec2:Describe")}
            assert actions - describes <= unscopable, stmt["Sid"]
            if describes:  # narrowed to the region instead
                assert stmt["Condition"] == {"StringEquals": {"aws:RequestedRegion": REGION}}
    assert not allowed(policy, Request("ec2:DescribeInstances", context={"aws:RequestedRegion": "eu-west-1"}))
    assert allowed(policy, Request("ec2:DescribeInstances", context={"aws:RequestedRegion": REGION}))


def _launch_tags(cluster=CLUSTER):
    return {
        f"aws:RequestTag/kubernetes.io/cluster/{cluster}": "owned",
        "aws:RequestTag/eks:eks-cluster-name": cluster,
        "aws:RequestTag/karpenter.sh/nodepool": "default",
        "aws:RequestedRegion": REGION,
    }


def test_instances_are_launched_and_terminated_only_for_this_cluster(policy):
    instance = f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/i-0123456789abcdef0"
    assert allowed(policy, Request("ec2:RunInstances", instance, context=_launch_tags()))
    assert allowed(policy, Request("ec2:CreateFleet", instance, context=_launch_tags()))
    assert not allowed(policy, Request("ec2:RunInstances", instance, context=_launch_tags("another-cluster")))
    untagged = {k: v for k, v in _launch_tags().items() if "nodepool" not in k}
    assert not allowed(policy, Request("ec2:RunInstances", instance, context=untagged))
    other_region = f"arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/i-0123456789abcdef0"
    assert not allowed(policy, Request("ec2:RunInstances", other_region, context=_launch_tags()))
    ours = {
        f"aws:ResourceTag/kubernetes.io/cluster/{CLUSTER}": "owned",
        "aws:ResourceTag/karpenter.sh/nodepool": "default",
    }
    theirs = {
        "aws:ResourceTag/kubernetes.io/cluster/another-cluster": "owned",
        "aws:ResourceTag/karpenter.sh/nodepool": "x",
    }
    assert allowed(policy, Request("ec2:TerminateInstances", instance, context=ours))
    assert not allowed(policy, Request("ec2:TerminateInstances", instance, context=theirs))
    template = f"arn:aws:ec2:{REGION}:{ACCOUNT}:launch-template/lt-0123456789abcdef0"
    assert allowed(policy, Request("ec2:DeleteLaunchTemplate", template, context=ours))
    assert not allowed(policy, Request("ec2:DeleteLaunchTemplate", template, context=theirs))


def test_instance_profiles_only_with_this_cluster_s_tags(policy):
    profile = f"arn:aws:iam::{ACCOUNT}:instance-profile/{CLUSTER}_123"
    request_tags = {
        f"aws:RequestTag/kubernetes.io/cluster/{CLUSTER}": "owned",
        "aws:RequestTag/eks:eks-cluster-name": CLUSTER,
        "aws:RequestTag/topology.kubernetes.io/region": REGION,
        "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "default",
    }
    assert allowed(policy, Request("iam:CreateInstanceProfile", profile, context=request_tags))
    assert not allowed(policy, Request("iam:CreateInstanceProfile", profile, context={}))
    resource_tags = {
        f"aws:ResourceTag/kubernetes.io/cluster/{CLUSTER}": "owned",
        "aws:ResourceTag/topology.kubernetes.io/region": REGION,
        "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "default",
    }
    assert allowed(policy, Request("iam:DeleteInstanceProfile", profile, context=resource_tags))
    assert not allowed(policy, Request("iam:DeleteInstanceProfile", profile, context={}))
    assert allowed(policy, Request("iam:GetInstanceProfile", profile))


def test_cluster_queue_parameters_and_key_are_this_release_s_only(policy, role_facts):
    assert allowed(policy, Request("eks:DescribeCluster", CLUSTER_ARN))
    assert not allowed(
        policy, Request("eks:DescribeCluster", f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/other")
    )
    for action in ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueUrl"):
        assert allowed(policy, Request(action, QUEUE_ARN))
        assert not allowed(policy, Request(action, f"arn:aws:sqs:{REGION}:{ACCOUNT}:other"))
    assert not allowed(policy, Request("sqs:SendMessage", QUEUE_ARN))
    bottlerocket = (
        f"arn:aws:ssm:{REGION}::parameter/aws/service/bottlerocket/aws-k8s-1.35/x86_64/latest/image_id"
    )
    assert allowed(policy, Request("ssm:GetParameter", bottlerocket))
    assert not allowed(
        policy, Request("ssm:GetParameter", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/{PREFIX}/secret")
    )
    assert allowed(policy, Request("pricing:GetProducts"))
    key = role_facts["kms_key_arn"]
    via_ec2 = {"kms:ViaService": f"ec2.{REGION}.amazonaws.com", "kms:CallerAccount": ACCOUNT}
    assert allowed(policy, Request("kms:GenerateDataKeyWithoutPlaintext", key, context=via_ec2))
    assert allowed(
        policy, Request("kms:CreateGrant", key, context={**via_ec2, "kms:GrantIsForAWSResource": "true"})
    )
    assert not allowed(policy, Request("kms:CreateGrant", key, context=via_ec2))
    assert not allowed(policy, Request("kms:Decrypt", key, context={"kms:CallerAccount": ACCOUNT}))
    assert not allowed(
        policy, Request("kms:Decrypt", f"arn:aws:kms:{REGION}:{ACCOUNT}:key/other", context=via_ec2)
    )


# ---- cluster access


def test_pod_identity_association_of_the_controller(role_facts):
    eks = aws_client("eks")
    found = eks.list_pod_identity_associations(
        clusterName=CLUSTER, namespace=NAMESPACE, serviceAccount=SERVICE_ACCOUNT
    )
    (summary,) = found["associations"]
    association = eks.describe_pod_identity_association(
        clusterName=CLUSTER, associationId=summary["associationId"]
    )["association"]
    assert association["roleArn"] == CONTROLLER_ROLE_ARN
    assert (association["namespace"], association["serviceAccount"]) == (NAMESPACE, SERVICE_ACCOUNT)
    assert {k: association["tags"][k] for k in PLATFORM_TAGS} == PLATFORM_TAGS
    outputs = role_facts["karpenter_outputs"]
    assert outputs["karpenter_pod_identity_association_id"] == summary["associationId"]
    # the only association of the cluster: nothing stale from earlier runs
    assert len(eks.list_pod_identity_associations(clusterName=CLUSTER)["associations"]) == 1


def test_the_nodes_join_through_an_ec2_linux_access_entry():
    eks = aws_client("eks")
    entry = eks.describe_access_entry(clusterName=CLUSTER, principalArn=NODE_ROLE_ARN)["accessEntry"]
    assert entry["type"] == "EC2_LINUX"
    assert entry["principalArn"] == NODE_ROLE_ARN
    assert {k: entry["tags"][k] for k in PLATFORM_TAGS} == PLATFORM_TAGS
    associated = eks.list_associated_access_policies(clusterName=CLUSTER, principalArn=NODE_ROLE_ARN)
    assert associated["associatedAccessPolicies"] == []


def test_the_cluster_security_group_is_tagged_for_discovery(role_facts):
    group_id = role_facts["eks_cluster_security_group_id"]
    (group,) = aws_client("ec2").describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    assert tags_of(group)["karpenter.sh/discovery"] == CLUSTER
    subnets = aws_client("ec2").describe_subnets(
        Filters=[{"Name": "tag:karpenter.sh/discovery", "Values": [CLUSTER]}]
    )["Subnets"]
    assert len(subnets) == 2, "the EC2NodeClasses select the private subnets by the same tag"


# ---- interruption handling


@pytest.fixture(scope="module")
def queue_attributes():
    sqs = aws_client("sqs")
    url = sqs.get_queue_url(QueueName=QUEUE)["QueueUrl"]
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]


def test_queue_is_encrypted_and_keeps_messages_five_minutes(queue_attributes, role_facts):
    assert queue_attributes["SqsManagedSseEnabled"] == "true"
    assert "KmsMasterKeyId" not in queue_attributes
    assert queue_attributes["MessageRetentionPeriod"] == "300"
    assert queue_attributes["QueueArn"] == QUEUE_ARN == role_facts["karpenter_queue_arn"]
    sqs = aws_client("sqs")
    assert role_facts["karpenter_queue_url"] == sqs.get_queue_url(QueueName=QUEUE)["QueueUrl"]
    tags = sqs.list_queue_tags(QueueUrl=role_facts["karpenter_queue_url"])["Tags"]
    assert {k: tags[k] for k in PLATFORM_TAGS} == PLATFORM_TAGS


def test_queue_policy_lets_only_the_release_s_rules_send_and_only_over_tls(queue_attributes):
    policy = json.loads(queue_attributes["Policy"])
    events = {"Service": "events.amazonaws.com"}
    for rule_arn in RULE_ARNS:
        context = {"aws:SourceArn": rule_arn, "aws:SecureTransport": "true"}
        assert allowed(policy, Request("sqs:SendMessage", QUEUE_ARN, principal=events, context=context))
    foreign_rule = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/someone-else"
    context = {"aws:SourceArn": foreign_rule, "aws:SecureTransport": "true"}
    assert not allowed(policy, Request("sqs:SendMessage", QUEUE_ARN, principal=events, context=context))
    sqs_service = {"Service": "sqs.amazonaws.com"}
    context = {"aws:SourceAccount": ACCOUNT, "aws:SecureTransport": "true"}
    assert allowed(policy, Request("sqs:SendMessage", QUEUE_ARN, principal=sqs_service, context=context))
    plain = {"aws:SourceArn": RULE_ARNS[0], "aws:SecureTransport": "false"}
    assert (
        evaluate(policy, Request("sqs:SendMessage", QUEUE_ARN, principal=events, context=plain))
        == "ExplicitDeny"
    )
    anyone = {"AWS": f"arn:aws:iam::{ACCOUNT}:role/{CONTROLLER_ROLE}"}
    plain = {"aws:SecureTransport": "false"}
    assert (
        evaluate(policy, Request("sqs:ReceiveMessage", QUEUE_ARN, principal=anyone, context=plain))
        == "ExplicitDeny"
    )


def test_four_rules_send_their_events_to_the_queue(role_facts):
    events = aws_client("events")
    rules = {r["Name"]: r for r in events.list_rules(NamePrefix=f"{PREFIX}-karpenter")["Rules"]}
    assert sorted(rules) == sorted(RULES)
    for name, (source, detail_type) in RULES.items():
        rule = rules[name]
        assert rule["State"] == "ENABLED"
        assert json.loads(rule["EventPattern"]) == {"source": [source], "detail-type": [detail_type]}
        (target,) = events.list_targets_by_rule(Rule=name)["Targets"]
        assert target["Arn"] == QUEUE_ARN
    assert sorted(role_facts["karpenter_outputs"]["karpenter_event_rules"]) == sorted(RULES)


# ---- the chart


def test_chart_values_are_rendered_from_the_variables(role_facts):
    values = role_facts["karpenter_chart_values"]
    assert values["settings"] == {
        "clusterName": CLUSTER,
        "clusterEndpoint": role_facts["eks_cluster_endpoint"],
        "interruptionQueue": QUEUE,
    }
    assert role_facts["eks_cluster_endpoint"].startswith("https://")
    assert values["serviceAccount"] == {"create": True, "name": SERVICE_ACCOUNT}
    assert values["replicas"] == 2
    assert values["controller"]["resources"] == {
        "requests": {"cpu": "250m", "memory": "512Mi"},
        "limits": {"memory": "1Gi"},
    }
    assert values["nodeSelector"] == {
        "kubernetes.io/os": "linux",
        "eks.amazonaws.com/nodegroup": f"{PREFIX}-system",
    }
    assert values["tolerations"] == [{"key": "CriticalAddonsOnly", "operator": "Exists"}]
    assert values["priorityClassName"] == "system-cluster-critical"
    assert values["logLevel"] == "info"


def test_chart_is_skipped_locally_with_the_reason(role_facts):
    outputs = role_facts["karpenter_outputs"]
    assert outputs["karpenter_chart_version"] == "1.14.1"
    assert outputs["karpenter_chart"].startswith("skipped: only the package registries are reachable here")
    from kubernetes import client

    helm_secrets = (
        client.CoreV1Api(kube()).list_namespaced_secret(NAMESPACE, label_selector="owner=helm").items
    )
    assert [s.metadata.name for s in helm_secrets if "karpenter" in s.metadata.name] == []


# ---- NodePools and EC2NodeClasses


def test_node_pools_on_the_api_server_carry_the_inventory_values(role_facts):
    pools = cluster_objects("karpenter.sh", "v1", "nodepools")
    wanted = node_pools()
    assert sorted(pools) == sorted(p["name"] for p in wanted)
    assert role_facts["karpenter_outputs"]["karpenter_node_pools_applied"] == "applied"
    for pool in wanted:
        found = pools[pool["name"]]
        assert {k: found["metadata"]["labels"][k] for k in LABELS} == LABELS
        spec = found["spec"]
        requirements = {
            r["key"]: (r["operator"], r["values"]) for r in spec["template"]["spec"]["requirements"]
        }
        assert requirements == {
            "karpenter.k8s.aws/instance-family": ("In", pool["instance_families"]),
            "karpenter.sh/capacity-type": ("In", pool["capacity_types"]),
            "kubernetes.io/arch": ("In", pool["architectures"]),
            "kubernetes.io/os": ("In", ["linux"]),
        }
        assert spec["template"]["spec"]["nodeClassRef"] == {
            "group": "karpenter.k8s.aws",
            "kind": "EC2NodeClass",
            "name": pool["name"],
        }
        assert spec["template"]["spec"]["expireAfter"] == pool["expire_after"]
        assert spec["limits"] == {"cpu": str(pool["cpu_limit"]), "memory": f"{pool['memory_limit_gib']}Gi"}
        assert spec["disruption"] == {
            "consolidationPolicy": pool["consolidation_policy"],
            "consolidateAfter": pool["consolidate_after"],
            "budgets": [{"nodes": pool["disruption_budget_nodes"]}],
        }


def test_node_classes_use_bottlerocket_the_node_role_discovery_tags_and_encrypted_volumes(role_facts):
    classes = cluster_objects("karpenter.k8s.aws", "v1", "ec2nodeclasses")
    wanted = node_pools()
    assert sorted(classes) == sorted(p["name"] for p in wanted)
    key = role_facts["kms_key_arn"]
    for pool in wanted:
        found = classes[pool["name"]]
        assert {k: found["metadata"]["labels"][k] for k in LABELS} == LABELS
        spec = found["spec"]
        assert spec["amiFamily"] == "Bottlerocket"
        assert spec["amiSelectorTerms"] == [{"alias": "bottlerocket@latest"}]
        assert spec["role"] == NODE_ROLE == role_facts["karpenter_node_role_name"]
        assert "instanceProfile" not in spec
        discovery = [{"tags": {"karpenter.sh/discovery": CLUSTER}}]
        assert spec["subnetSelectorTerms"] == discovery
        assert spec["securityGroupSelectorTerms"] == discovery
        volumes = {m["deviceName"]: m["ebs"] for m in spec["blockDeviceMappings"]}
        assert sorted(volumes) == ["/dev/xvda", "/dev/xvdb"]
        assert volumes["/dev/xvdb"]["volumeSize"] == f"{pool['disk_size_gib']}Gi"
        for ebs in volumes.values():
            assert (ebs["volumeType"], ebs["encrypted"], ebs["kmsKeyID"]) == ("gp3", True, key)
            assert ebs["deleteOnTermination"] is True
        assert spec["metadataOptions"] == {
            "httpEndpoint": "enabled",
            "httpProtocolIPv6": "disabled",
            "httpPutResponseHopLimit": 1,
            "httpTokens": "required",
        }
        assert {k: spec["tags"][k] for k in PLATFORM_TAGS} == PLATFORM_TAGS


def _broken_pool(name):
    pool = copy.deepcopy(cluster_objects("karpenter.sh", "v1", "nodepools")[node_pools()[0]["name"]])
    return {
        "apiVersion": "karpenter.sh/v1",
        "kind": "NodePool",
        "metadata": {"name": name},
        "spec": pool["spec"],
    }


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda s: s["disruption"].update(consolidationPolicy="Sometimes"), "consolidationPolicy"),
        (lambda s: s["disruption"].update(consolidateAfter="soon"), "consolidateAfter"),
        (lambda s: s["template"]["spec"].pop("nodeClassRef"), "nodeClassRef"),
        (lambda s: s["disruption"]["budgets"][0].update(nodes="ten"), "nodes"),
    ],
)
def test_the_api_server_rejects_a_pool_that_breaks_the_crd_schema(change, complaint):
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    body = _broken_pool("fastish-schema-probe")
    change(body["spec"])
    api = client.CustomObjectsApi(kube())
    with pytest.raises(ApiException) as raised:
        api.create_cluster_custom_object("karpenter.sh", "v1", "nodepools", body, dry_run="All")
    assert raised.value.status == 422, raised.value.body
    assert complaint in raised.value.body
    # the unchanged object passes the same path
    api.create_cluster_custom_object(
        "karpenter.sh", "v1", "nodepools", _broken_pool("fastish-schema-probe"), dry_run="All"
    )


# ---- outputs and the exec role


def test_facts_and_outputs(role_facts):
    assert role_facts["karpenter_controller_role_arn"] == CONTROLLER_ROLE_ARN
    assert role_facts["karpenter_node_role_arn"] == NODE_ROLE_ARN
    outputs = role_facts["karpenter_outputs"]
    assert outputs["karpenter_controller_role_arn"] == CONTROLLER_ROLE_ARN
    assert outputs["karpenter_node_role_arn"] == NODE_ROLE_ARN
    assert outputs["karpenter_node_role_name"] == NODE_ROLE
    assert (outputs["karpenter_queue_name"], outputs["karpenter_queue_arn"]) == (QUEUE, QUEUE_ARN)
    assert outputs["karpenter_queue_url"] == role_facts["karpenter_queue_url"]
    assert outputs["karpenter_namespace"] == NAMESPACE
    assert outputs["karpenter_service_account"] == SERVICE_ACCOUNT
    assert outputs["karpenter_node_pools"] == [p["name"] for p in node_pools()]


def test_the_druid_exec_role_allows_every_call_the_runs_made(run_log):
    missing = set(calls_not_allowed(run_log, exec_policy()))
    assert missing == set(), f"the exec role of druid releases lacks: {sorted(missing)}"


def test_the_druid_exec_role_allows_the_role_s_calls_on_its_resources():
    policy = exec_policy()
    group = f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/sg-0123456789abcdef0"
    eks_made_group = {
        "aws:ResourceTag/aws:eks:cluster-name": CLUSTER,
        f"aws:ResourceTag/kubernetes.io/cluster/{CLUSTER}": "owned",
        "aws:RequestTag/karpenter.sh/discovery": CLUSTER,
        "aws:TagKeys": ["karpenter.sh/discovery"],
    }
    calls = [
        *(
            Request(f"iam:{a}", arn)
            for a in (
                "CreateRole",
                "TagRole",
                "PutRolePolicy",
                "GetRolePolicy",
                "DeleteRole",
                "AttachRolePolicy",
                "DetachRolePolicy",
                "ListInstanceProfilesForRole",
            )
            for arn in (CONTROLLER_ROLE_ARN, NODE_ROLE_ARN)
        ),
        Request(
            "iam:PassRole", CONTROLLER_ROLE_ARN, context={"iam:PassedToService": "pods.eks.amazonaws.com"}
        ),
        *(
            Request(f"sqs:{a}", QUEUE_ARN)
            for a in (
                "CreateQueue",
                "GetQueueAttributes",
                "SetQueueAttributes",
                "TagQueue",
                "ListQueueTags",
                "DeleteQueue",
            )
        ),
        *(
            Request(f"events:{a}", arn)
            for a in (
                "PutRule",
                "DescribeRule",
                "PutTargets",
                "ListTargetsByRule",
                "RemoveTargets",
                "DeleteRule",
            )
            for arn in RULE_ARNS
        ),
        *(
            Request(f"eks:{a}", CLUSTER_ARN)
            for a in (
                "CreatePodIdentityAssociation",
                "ListPodIdentityAssociations",
                "CreateAccessEntry",
                "DescribeCluster",
            )
        ),
        Request(
            "eks:DescribePodIdentityAssociation",
            f"arn:aws:eks:{REGION}:{ACCOUNT}:podidentityassociation/{CLUSTER}/a-1",
        ),
        Request(
            "eks:DescribeAccessEntry",
            f"arn:aws:eks:{REGION}:{ACCOUNT}:access-entry/{CLUSTER}/role/{ACCOUNT}/x/1",
        ),
        Request(
            "eks:DeleteAccessEntry",
            f"arn:aws:eks:{REGION}:{ACCOUNT}:access-entry/{CLUSTER}/role/{ACCOUNT}/x/1",
        ),
    ]
    denied = {f"{c.action} on {c.resource}" for c in calls if not allowed(policy, c)}
    for action in ("ec2:CreateTags", "ec2:DeleteTags"):
        if not allowed(policy, Request(action, group, context=eks_made_group)):
            denied.add(f"{action} on the EKS cluster security group")
    assert denied == set(), sorted(denied)
