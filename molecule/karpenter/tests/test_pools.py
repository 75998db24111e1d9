"""The role's NodePools and EC2NodeClasses are exactly the expected pools (run by side_effect.yml).

FASTISH_EXPECT_POOLS: comma-separated pool names. Objects of others (tests/foreign.py) stay.
"""

from __future__ import annotations

import os

from foreign import FOREIGN
from karpenter_support import LABELS, NODE_ROLE, cluster_objects


def _ours(objects):
    return sorted(
        name for name, o in objects.items() if (o["metadata"].get("labels") or {}).items() >= LABELS.items()
    )


def test_the_role_s_pools_are_the_expected_ones():
    expected = sorted(os.environ["FASTISH_EXPECT_POOLS"].split(","))
    pools = cluster_objects("karpenter.sh", "v1", "nodepools")
    classes = cluster_objects("karpenter.k8s.aws", "v1", "ec2nodeclasses")
    assert _ours(pools) == expected
    assert _ours(classes) == expected
    for name in expected:
        assert pools[name]["spec"]["template"]["spec"]["nodeClassRef"]["name"] == name
        assert classes[name]["spec"]["role"] == NODE_ROLE


def test_the_second_pool_is_arm64_spot_when_present():
    pools = cluster_objects("karpenter.sh", "v1", "nodepools")
    if "burst" not in os.environ["FASTISH_EXPECT_POOLS"].split(","):
        assert "burst" not in pools
        assert "burst" not in cluster_objects("karpenter.k8s.aws", "v1", "ec2nodeclasses")
        return
    spec = pools["burst"]["spec"]
    requirements = {r["key"]: r["values"] for r in spec["template"]["spec"]["requirements"]}
    assert requirements["kubernetes.io/arch"] == ["arm64"]
    assert requirements["karpenter.sh/capacity-type"] == ["spot"]
    assert requirements["karpenter.k8s.aws/instance-family"] == ["m7g", "c7g"]
    assert spec["disruption"] == {
        "consolidationPolicy": "WhenEmpty",
        "consolidateAfter": "30s",
        "budgets": [{"nodes": "2"}],
    }
    assert spec["limits"] == {"cpu": "64", "memory": "256Gi"}
    volumes = {
        m["deviceName"]: m["ebs"]["volumeSize"]
        for m in cluster_objects("karpenter.k8s.aws", "v1", "ec2nodeclasses")["burst"]["spec"][
            "blockDeviceMappings"
        ]
    }
    assert volumes == {"/dev/xvda": "4Gi", "/dev/xvdb": "60Gi"}


def test_foreign_objects_are_left_alone():
    assert FOREIGN in cluster_objects("karpenter.sh", "v1", "nodepools")
    assert FOREIGN in cluster_objects("karpenter.k8s.aws", "v1", "ec2nodeclasses")
