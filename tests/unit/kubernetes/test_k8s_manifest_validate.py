"""fastish.platform.k8s_manifest_validate: offline validation with kubernetes-validate's bundled schemas
(no cloud, no cluster). The logic is tested directly; one test runs the module itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ansible_collections.fastish.platform.plugins.modules.k8s_manifest_validate import ManifestValidator

REPO = Path(__file__).resolve().parents[3]
MODULE = REPO / "collections/ansible_collections/fastish/platform/plugins/modules/k8s_manifest_validate.py"

STORAGE_CLASS = {
    "apiVersion": "storage.k8s.io/v1",
    "kind": "StorageClass",
    "metadata": {
        "name": "gp3-encrypted",
        "annotations": {"storageclass.kubernetes.io/is-default-class": "true"},
    },
    "provisioner": "ebs.csi.aws.com",
    "parameters": {"type": "gp3", "encrypted": "true"},
    "reclaimPolicy": "Delete",
    "volumeBindingMode": "WaitForFirstConsumer",
    "allowVolumeExpansion": True,
}
DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "api", "namespace": "data", "labels": {"app": "api"}},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "api"}},
        "template": {
            "metadata": {"labels": {"app": "api"}},
            "spec": {
                "containers": [
                    {
                        "name": "api",
                        "image": "public.ecr.aws/nginx/nginx:1.27",
                        "ports": [{"containerPort": 8080}],
                        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
                    }
                ]
            },
        },
    },
}
NODE_POOL = {
    "apiVersion": "karpenter.sh/v1",
    "kind": "NodePool",
    "metadata": {"name": "default"},
    "spec": {
        "template": {
            "spec": {"nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "x"}}
        }
    },
}
PDB_V1BETA1 = {
    "apiVersion": "policy/v1beta1",
    "kind": "PodDisruptionBudget",
    "metadata": {"name": "api"},
    "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "api"}}},
}
HPA_V2BETA2 = {
    "apiVersion": "autoscaling/v2beta2",
    "kind": "HorizontalPodAutoscaler",
    "metadata": {"name": "api"},
    "spec": {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"},
        "maxReplicas": 4,
    },
}


def _with(obj, path, value):
    obj = json.loads(json.dumps(obj))
    target = obj
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return obj


def test_valid_objects_pass():
    result = ManifestValidator("1.35").run([STORAGE_CLASS, DEPLOYMENT, None])
    assert result == {
        "validated": ["StorageClass/gp3-encrypted", "Deployment/api"],
        "skipped": [],
        "errors": [],
        "schema_version": "1.35",
    }


def test_unknown_field_fails_naming_it_only_when_strict():
    typo = _with(DEPLOYMENT, ["spec", "replica"], 2)
    result = ManifestValidator("1.35").run([typo])
    assert result["validated"] == [] and len(result["errors"]) == 1
    (error,) = result["errors"]
    assert error.startswith("Deployment/api: spec: Additional properties are not allowed")
    assert "'replica' was unexpected" in error
    assert ManifestValidator("1.35", strict=False).run([typo])["validated"] == ["Deployment/api"]


def test_every_error_is_listed():
    bad = _with(
        _with(DEPLOYMENT, ["spec", "replicas"], "two"),
        ["spec", "template", "spec", "containers", 0, "colour"],
        "red",
    )
    bad_class = _with(STORAGE_CLASS, ["reclaimPolicy"], 7)
    del bad_class["provisioner"]
    errors = ManifestValidator("1.35").run([bad, bad_class])["errors"]
    assert any(e.startswith("Deployment/api: spec.replicas: 'two' is not of type") for e in errors), errors
    assert any(
        e.startswith("Deployment/api: spec.template.spec.containers.0:") and "'colour'" in e for e in errors
    )
    assert any(e.startswith("StorageClass/gp3-encrypted: reclaimPolicy: 7 is not of type") for e in errors), (
        errors
    )
    assert any(
        e == "StorageClass/gp3-encrypted: (top level): 'provisioner' is a required property" for e in errors
    )


def test_api_versions_removed_before_the_target_version():
    pdb = ManifestValidator("1.35").run([PDB_V1BETA1])
    assert pdb["errors"] == [
        "PodDisruptionBudget/api: policy/v1beta1 PodDisruptionBudget is not served by Kubernetes 1.35; "
        "use policy/v1"
    ]
    # autoscaling/v2beta2 was still served by 1.25 (removed in 1.26): the check depends on the version
    assert ManifestValidator("1.25").run([HPA_V2BETA2])["validated"] == ["HorizontalPodAutoscaler/api"]
    hpa = ManifestValidator("1.35").run([HPA_V2BETA2])["errors"]
    assert hpa == [
        "HorizontalPodAutoscaler/api: autoscaling/v2beta2 HorizontalPodAutoscaler is not served by "
        "Kubernetes 1.35; use autoscaling/v1 or autoscaling/v2"
    ]


def test_custom_resources_are_skipped_with_the_reason():
    result = ManifestValidator("1.35").run([NODE_POOL, STORAGE_CLASS])
    assert result["validated"] == ["StorageClass/gp3-encrypted"] and result["errors"] == []
    (skipped,) = result["skipped"]
    assert skipped["resource"] == "NodePool/default" and skipped["api_version"] == "karpenter.sh/v1"
    assert "no bundled schema for karpenter.sh/v1 NodePool" in skipped["reason"]
    assert "CustomResourceDefinition" in skipped["reason"]
    # a custom group whose first label is a built-in one is not validated against the built-in kind
    lookalike = {"apiVersion": "networking.example.com/v1", "kind": "Ingress", "metadata": {"name": "x"}}
    assert ManifestValidator("1.35").run([lookalike])["skipped"][0]["resource"] == "Ingress/x"


def test_lists_and_non_objects():
    listed = {"apiVersion": "v1", "kind": "List", "items": [STORAGE_CLASS, DEPLOYMENT]}
    assert ManifestValidator("1.35").run([listed])["validated"] == [
        "StorageClass/gp3-encrypted",
        "Deployment/api",
    ]
    assert ManifestValidator("1.35").run(["text", {"kind": "Pod"}])["errors"] == [
        "document 1: not a Kubernetes object (it needs apiVersion and kind)",
        "Pod/<unnamed>: not a Kubernetes object (it needs apiVersion and kind)",
    ]


@pytest.mark.parametrize("version", ["1.24", "1.99", "latest"])
def test_unsupported_versions(version):
    with pytest.raises(ValueError) as failed:
        ManifestValidator(version)
    assert version in str(failed.value)


def test_a_newer_patch_or_version_uses_the_newest_older_schemas():
    assert ManifestValidator("1.35.2").version_text == "1.35"
    assert ManifestValidator("v1.30").version_text == "1.30"


def _run_module(args, tmp_path):
    args_file = tmp_path / "args.json"
    args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
    env = {**os.environ, "PYTHONPATH": str(REPO / "collections")}
    proc = subprocess.run(
        [sys.executable, str(MODULE), str(args_file)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    return json.loads(proc.stdout)


def test_the_module_with_a_multi_document_file(tmp_path):
    src = tmp_path / "manifests.yml"
    src.write_text(yaml.safe_dump_all([STORAGE_CLASS, NODE_POOL, DEPLOYMENT]) + "---\n")
    passed = _run_module({"src": str(src), "kubernetes_version": "1.35"}, tmp_path)
    assert passed.get("failed") is not True and passed["changed"] is False, passed
    assert passed["validated"] == ["StorageClass/gp3-encrypted", "Deployment/api"]
    assert [s["resource"] for s in passed["skipped"]] == ["NodePool/default"]

    failed = _run_module(
        {"manifests": [PDB_V1BETA1, _with(DEPLOYMENT, ["spec", "replica"], 2)], "kubernetes_version": "1.35"},
        tmp_path,
    )
    assert failed["failed"] is True
    assert failed["msg"].startswith(
        "2 errors against the schemas of Kubernetes 1.35: PodDisruptionBudget/api: "
    )
    assert (
        "Deployment/api: spec: Additional properties are not allowed ('replica' was unexpected)"
        in failed["msg"]
    )
    assert len(failed["errors"]) == 2

    missing = _run_module({"src": str(tmp_path / "none.yml"), "kubernetes_version": "1.35"}, tmp_path)
    assert missing["failed"] is True and missing["msg"].startswith(f"Could not read {tmp_path / 'none.yml'}")
