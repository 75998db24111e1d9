"""Put a NodePool and an EC2NodeClass that are not the role's on the API server (run by side_effect.yml).

They carry none of the role's labels, so neither pruning removed pools nor karpenter_state=absent may
touch them.
"""

from __future__ import annotations

from karpenter_support import CLUSTER, kube

FOREIGN = "someone-elses"


def main():
    from kubernetes import client

    api = client.CustomObjectsApi(kube())
    node_class = {
        "apiVersion": "karpenter.k8s.aws/v1",
        "kind": "EC2NodeClass",
        "metadata": {"name": FOREIGN, "labels": {"app.kubernetes.io/managed-by": "someone-else"}},
        "spec": {
            "amiSelectorTerms": [{"alias": "al2023@latest"}],
            "role": "someone-elses-node-role",
            "subnetSelectorTerms": [{"tags": {"karpenter.sh/discovery": CLUSTER}}],
            "securityGroupSelectorTerms": [{"tags": {"karpenter.sh/discovery": CLUSTER}}],
        },
    }
    node_pool = {
        "apiVersion": "karpenter.sh/v1",
        "kind": "NodePool",
        "metadata": {"name": FOREIGN},
        "spec": {
            "template": {
                "spec": {
                    "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": FOREIGN},
                    "requirements": [{"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]}],
                }
            }
        },
    }
    api.create_cluster_custom_object("karpenter.k8s.aws", "v1", "ec2nodeclasses", node_class)
    api.create_cluster_custom_object("karpenter.sh", "v1", "nodepools", node_pool)
    print(f"created NodePool and EC2NodeClass {FOREIGN}")


if __name__ == "__main__":
    main()
