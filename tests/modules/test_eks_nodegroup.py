"""fastish.platform.eks_nodegroup against the local cloud (moto with the project's patches and extensions).

moto 5.2.5 lacks UpdateNodegroupVersion; the test that rolls the nodes to a new launch template version
checks the request the module makes instead (the local cloud answers 404).
"""

from __future__ import annotations

import pytest

from tests.modules.support import make_eks_cluster, module, modules, mutating

CLUSTER = "acme-data-analytics-eks"
NAME = "acme-data-analytics-system"
NODE_ROLE = "arn:aws:iam::123456789012:role/acme-data-analytics-eks-node"


@pytest.fixture
def network(cloud):
    """A VPC with three subnets, an ACTIVE cluster in them and a launch template: (subnets, template id)."""
    _eks, ec2, subnets = make_eks_cluster(cloud, CLUSTER, zones="abc")
    template = ec2.create_launch_template(
        LaunchTemplateName="system-nodes",
        LaunchTemplateData={"MetadataOptions": {"HttpTokens": "required", "HttpPutResponseHopLimit": 2}},
    )["LaunchTemplate"]["LaunchTemplateId"]
    cloud.reset_requests()
    return subnets, template


def _params(subnets, template, **extra):
    return {
        "cluster_name": CLUSTER,
        "name": NAME,
        "node_role_arn": NODE_ROLE,
        "subnet_ids": subnets,
        "ami_type": "AL2023_x86_64_STANDARD",
        "instance_types": ["m7i.large"],
        "launch_template": {"id": template, "version": "1"},
        "scaling_config": {"min_size": 1, "max_size": 3, "desired_size": 2},
        "labels": {"fastish.io/pool": "system"},
        "taints": [{"key": "CriticalAddonsOnly", "value": "true", "effect": "NO_SCHEDULE"}],
        "update_config": {"max_unavailable": 1},
        "version": "1.35",
        "tags": {"fastish:release": "analytics"},
        "wait_timeout": 120,
        **extra,
    }


def _describe(cloud):
    return cloud.client("eks").describe_nodegroup(clusterName=CLUSTER, nodegroupName=NAME)["nodegroup"]


def test_create_with_launch_template_and_al2023_then_idempotent(cloud, tmp_path, network):
    subnets, template = network
    checked = module(cloud, tmp_path, "eks_nodegroup", _params(subnets, template), "--check", "--diff")
    assert checked["changed"] is True and checked["updates"] == ["create"] and mutating(cloud) == []
    assert (
        checked["nodegroup"]["arn"] is None and checked["nodegroup"]["ami_type"] == "AL2023_x86_64_STANDARD"
    )
    assert checked["diff"]["before"] == {} and checked["diff"]["after"]["labels"] == {
        "fastish.io/pool": "system"
    }

    created = module(cloud, tmp_path, "eks_nodegroup", _params(subnets, template))
    assert created["changed"] is True, created
    assert mutating(cloud) == ["CreateNodegroup"]
    nodegroup = created["nodegroup"]
    assert nodegroup["status"] == "ACTIVE"  # waited for
    assert nodegroup["arn"].startswith(f"arn:aws:eks:us-east-1:123456789012:nodegroup/{CLUSTER}/{NAME}/")
    described = _describe(cloud)
    assert described["amiType"] == "AL2023_x86_64_STANDARD" and described["instanceTypes"] == ["m7i.large"]
    assert described["launchTemplate"]["id"] == template and described["launchTemplate"]["version"] == "1"
    assert described["scalingConfig"] == {"minSize": 1, "maxSize": 3, "desiredSize": 2}
    assert described["labels"] == {"fastish.io/pool": "system"}
    assert described["taints"] == [{"key": "CriticalAddonsOnly", "value": "true", "effect": "NO_SCHEDULE"}]
    assert described["updateConfig"] == {"maxUnavailable": 1}
    assert described["nodeRole"] == NODE_ROLE and described["version"] == "1.35"
    assert described["tags"] == {"fastish:release": "analytics"}

    cloud.reset_requests()
    again = module(cloud, tmp_path, "eks_nodegroup", _params(subnets, template), "--diff")
    assert again["changed"] is False and again["updates"] == [] and mutating(cloud) == []
    assert again["diff"]["before"] == again["diff"]["after"]


def test_config_changes_in_one_update(cloud, tmp_path, network):
    subnets, template = network
    module(cloud, tmp_path, "eks_nodegroup", _params(subnets, template))
    changed = _params(
        subnets,
        template,
        scaling_config={"min_size": 2, "max_size": 4, "desired_size": 3},
        labels={"fastish.io/pool": "critical", "tier": "system"},
        taints=[],
        update_config={"max_unavailable_percentage": 33},
        tags={"fastish:team": "data"},
    )
    cloud.reset_requests()
    checked = module(cloud, tmp_path, "eks_nodegroup", changed, "--check", "--diff")
    assert checked["changed"] is True and mutating(cloud) == []
    assert checked["updates"] == ["config (labels, scalingConfig, taints, updateConfig)", "tags"]
    assert checked["nodegroup"]["labels"] == {"fastish.io/pool": "critical", "tier": "system"}
    assert checked["diff"]["after"]["taints"] == [] and checked["diff"]["before"]["taints"] != []

    updated = module(cloud, tmp_path, "eks_nodegroup", changed)
    assert updated["changed"] is True
    assert sorted(mutating(cloud)) == ["TagResource", "UntagResource", "UpdateNodegroupConfig"]
    described = _describe(cloud)
    assert described["scalingConfig"] == {"minSize": 2, "maxSize": 4, "desiredSize": 3}
    assert described["labels"] == {"fastish.io/pool": "critical", "tier": "system"}  # value changed too
    assert described["taints"] == []
    assert described["updateConfig"] == {"maxUnavailablePercentage": 33}
    assert described["tags"] == {"fastish:team": "data"}
    cloud.reset_requests()
    assert module(cloud, tmp_path, "eks_nodegroup", changed)["changed"] is False and mutating(cloud) == []


def test_settings_eks_cannot_change_fail_before_any_change(cloud, tmp_path, network):
    subnets, template = network
    module(cloud, tmp_path, "eks_nodegroup", _params(subnets, template))
    cloud.reset_requests()
    results = modules(
        cloud,
        tmp_path,
        "eks_nodegroup",
        {
            "ami": _params(subnets, template, ami_type="BOTTLEROCKET_x86_64", labels={"x": "y"}),
            "types": _params(subnets, template, instance_types=["m7i.xlarge"]),
            "role": _params(subnets, template, node_role_arn=NODE_ROLE + "-other"),
            "subnets": _params(subnets[:2], template),
            "template": _params(subnets, template, launch_template={"name": "other", "version": "1"}),
        },
    )
    for name, setting in (
        ("ami", "ami_type: AL2023_x86_64_STANDARD -> BOTTLEROCKET_x86_64"),
        ("types", "instance_types"),
        ("role", "node_role_arn"),
        ("subnets", "subnet_ids"),
        ("template", "launch_template.name: system-nodes -> other"),
    ):
        assert results[name]["failed"] is True, results[name]
        assert "EKS cannot change" in results[name]["msg"] and setting in results[name]["msg"], results[name][
            "msg"
        ]
    assert mutating(cloud) == []
    assert _describe(cloud)["labels"] == {"fastish.io/pool": "system"}


def test_new_launch_template_version_rolls_the_nodes(cloud, tmp_path, network):
    subnets, template = network
    module(cloud, tmp_path, "eks_nodegroup", _params(subnets, template))
    cloud.client("ec2").create_launch_template_version(
        LaunchTemplateId=template, LaunchTemplateData={"MetadataOptions": {"HttpTokens": "required"}}
    )
    cloud.reset_requests()
    checked = module(
        cloud,
        tmp_path,
        "eks_nodegroup",
        _params(subnets, template, launch_template={"id": template, "version": "2"}),
        "--check",
    )
    assert (
        checked["changed"] is True
        and checked["updates"] == ["version (launchTemplate)"]
        and mutating(cloud) == []
    )
    assert checked["nodegroup"]["launch_template"]["version"] == "2"
    rolled = module(
        cloud,
        tmp_path,
        "eks_nodegroup",
        _params(subnets, template, launch_template={"id": template, "version": "2"}),
    )
    assert mutating(cloud) == ["UpdateNodegroupVersion"]
    if rolled.get("failed"):  # moto 5.2.5 has no UpdateNodegroupVersion: the request was still made
        assert "Could not update the version" in rolled["msg"], rolled
    else:
        assert _describe(cloud)["launchTemplate"]["version"] == "2"


def test_validation_errors(cloud, tmp_path, network):
    subnets, template = network
    results = modules(
        cloud,
        tmp_path,
        "eks_nodegroup",
        {
            "sizes": _params(
                subnets, template, scaling_config={"min_size": 3, "max_size": 2, "desired_size": 2}
            ),
            "disk": _params(subnets, template, disk_size=50),
            "both": _params(
                subnets, template, update_config={"max_unavailable": 1, "max_unavailable_percentage": 10}
            ),
            "no role": {**_params(subnets, template), "node_role_arn": None},
        },
    )
    assert "min_size <= desired_size <= max_size" in results["sizes"]["msg"]
    assert "disk_size cannot be used with launch_template" in results["disk"]["msg"]
    assert "exactly one of max_unavailable" in results["both"]["msg"]
    assert "needs node_role_arn" in results["no role"]["msg"]
    assert mutating(cloud) == []


def test_absent_waits_and_second_absent_changes_nothing(cloud, tmp_path, network):
    subnets, template = network
    module(cloud, tmp_path, "eks_nodegroup", _params(subnets, template))
    absent = {"cluster_name": CLUSTER, "name": NAME, "state": "absent", "wait_timeout": 120}
    cloud.reset_requests()
    checked = module(cloud, tmp_path, "eks_nodegroup", absent, "--check")
    assert checked["changed"] is True and mutating(cloud) == []
    results = modules(cloud, tmp_path, "eks_nodegroup", {"delete": absent, "again": absent})
    assert results["delete"]["changed"] is True and results["again"]["changed"] is False
    assert mutating(cloud) == ["DeleteNodegroup"]
    assert cloud.client("eks").list_nodegroups(clusterName=CLUSTER)["nodegroups"] == []
