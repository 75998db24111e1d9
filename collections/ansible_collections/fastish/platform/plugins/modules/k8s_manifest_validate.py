#!/usr/bin/python
"""Validate Kubernetes manifests against the OpenAPI schemas of a Kubernetes version, offline."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: k8s_manifest_validate
short_description: Validate Kubernetes manifests offline against the schemas of a Kubernetes version
version_added: "0.4.0"
description:
  - Validates Kubernetes objects against the JSON schemas of the Kubernetes version a cluster runs,
    with the schemas bundled in the PyPI package C(kubernetes-validate) (no cluster and no network
    needed). Runs where the task runs (the release hosts have a local connection, so on the
    controller); makes no AWS call and never changes anything.
  - "Fails listing every error (C(Kind/name: path: message)): a field the schema does not know (with
    I(strict)), a wrong type or value, a missing required field, or an C(apiVersion) of a built-in
    kind that the Kubernetes version no longer (or not yet) serves, for example C(policy/v1beta1)
    C(PodDisruptionBudget) or C(autoscaling/v2beta2) C(HorizontalPodAutoscaler) for 1.35."
  - "Objects whose API group has no bundled schema (custom resources such as C(karpenter.sh/v1)
    C(NodePool)) are returned under C(skipped) with the reason: the API server checks them against
    their CustomResourceDefinition when they are applied."
options:
  manifests:
    description:
      - The objects (Kubernetes manifests as dicts). An object of kind C(List) is validated item by item;
        null entries are ignored.
    type: list
    elements: raw
  src:
    description: A YAML file with the objects (several documents separated by C(---)).
    type: path
  kubernetes_version:
    description:
      - The Kubernetes version (C(major.minor), for example C("1.35")). Objects are checked against the
        newest bundled schemas that are not newer than it.
    type: str
    required: true
  strict:
    description: Whether fields the schema does not know are errors.
    type: bool
    default: true
requirements:
  - kubernetes-validate (PyPI; bundles schemas of Kubernetes 1.25 and later)
  - PyYAML
author:
  - fastish maintainers
"""

EXAMPLES = r"""
- name: Validate the rendered manifests for the cluster's version
  fastish.platform.k8s_manifest_validate:
    manifests:
      - apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: gp3-encrypted
        provisioner: ebs.csi.aws.com
        parameters: {type: gp3, encrypted: "true"}
    kubernetes_version: "1.35"

- name: Validate a multi-document file
  fastish.platform.k8s_manifest_validate:
    src: "{{ role_path }}/files/manifests.yml"
    kubernetes_version: "{{ fastish_eks_version }}"
"""

RETURN = r"""
validated:
  description: The objects that passed (C(Kind/name)).
  returned: always
  type: list
  elements: str
  sample: [StorageClass/gp3-encrypted, Deployment/api]
skipped:
  description: The objects without a bundled schema (custom resources), with the reason.
  returned: always
  type: list
  elements: dict
  contains:
    resource: {description: Kind/name., type: str}
    api_version: {description: apiVersion of the object., type: str}
    reason: {description: Why it was not validated., type: str}
errors:
  description: Every error (C(Kind/name, path, message)); the module fails when there is one.
  returned: always
  type: list
  elements: str
schema_version:
  description: The Kubernetes version whose schemas were used.
  returned: success
  type: str
  sample: "1.35"
"""

import json
import re

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

try:
    import kubernetes_validate
    from kubernetes_validate import utils as kv_utils

    HAS_VALIDATE = True
except ImportError:
    HAS_VALIDATE = False

try:
    import yaml

    HAS_YAML = True
except ImportError:
    HAS_YAML = False

_SCHEMAS = "kubernetes-json-schema"


def _minor(version):
    match = re.match(r"^v?(\d+)\.(\d+)", str(version))
    return (int(match.group(1)), int(match.group(2))) if match else None


def label(obj):
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    name = metadata.get("name") or metadata.get("generateName") or "<unnamed>"
    return f"{obj.get('kind')}/{name}"


def split_api_version(api_version):
    """(group, version): ``"v1"`` -> ("", "v1"), ``"apps/v1"`` -> ("apps", "v1")."""
    if "/" in api_version:
        group, version = api_version.split("/", 1)
        return group, version
    return "", api_version


def expand(objects):
    """The objects to validate: nulls dropped, ``kind: List`` (and ``*List`` with items) unpacked."""
    for obj in objects:
        if obj is None:
            continue
        if (
            isinstance(obj, dict)
            and str(obj.get("kind", "")).endswith("List")
            and isinstance(obj.get("items"), list)
        ):
            yield from expand(obj["items"])
        else:
            yield obj


class ManifestValidator:
    """Validates objects for one Kubernetes version with kubernetes-validate's bundled schemas."""

    def __init__(self, kubernetes_version, strict=True):
        self.strict = strict
        self.requested = kubernetes_version
        wanted = _minor(kubernetes_version)
        if wanted is None:
            raise ValueError(f"kubernetes_version {kubernetes_version!r} is not major.minor (e.g. 1.35)")
        bundled = sorted({_minor(v) for v in kv_utils.all_versions() if _minor(v)})
        self.bundled = bundled
        usable = [v for v in bundled if v <= wanted]
        if not usable or wanted > bundled[-1]:
            oldest, newest = (".".join(map(str, v)) for v in (bundled[0], bundled[-1]))
            raise ValueError(
                f"kubernetes-validate {kubernetes_validate.__version__} has schemas for Kubernetes "
                f"{oldest} to {newest}, not {kubernetes_version}"
            )
        self.version = usable[-1]
        self.version_text = f"{self.version[0]}.{self.version[1]}"
        self._index = {}

    def _dir(self, version):
        return f"v{version[0]}.{version[1]}.0-local" + ("-strict" if self.strict else "")

    def _definitions(self, version):
        return kv_utils.schema_contents(f"{_SCHEMAS}/{self._dir(version)}/_definitions.json", self.requested)

    def index(self, version):
        """{(group, version, kind)} of the top-level kinds Kubernetes ``version`` serves."""
        if version not in self._index:
            gvks = set()
            for schema in self._definitions(version).get("$defs", {}).values():
                for gvk in schema.get("x-kubernetes-group-version-kind") or []:
                    if gvk.get("kind") not in ("DeleteOptions", "WatchEvent"):
                        gvks.add((gvk.get("group", ""), gvk.get("version"), gvk.get("kind")))
            self._index[version] = gvks
        return self._index[version]

    def builtin_groups(self):
        groups = {g for g, _v, _k in self.index(self.version)}
        for version in self.bundled:
            groups |= {g for g, _v, _k in self.index(version)}
        return groups

    def _all_errors(self, obj):
        """Every schema error of ``obj`` (jsonschema's iter_errors with kubernetes-validate's schema)."""
        import jsonschema
        from referencing import Registry, Resource

        # the file name kubernetes-validate uses: <kind>-<first label of the group>-<version>.json
        api_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", obj["apiVersion"])
        name = f"{obj['kind'].lower()}-{api_version}.json"
        schema = kv_utils.schema_contents(f"{_SCHEMAS}/{self._dir(self.version)}/{name}", self.requested)
        registry = Resource.from_contents(schema) @ Registry()
        registry = Resource.from_contents(self._definitions(self.version)) @ registry
        validator = jsonschema.validators.Draft202012Validator(schema, registry=registry)
        return sorted(validator.iter_errors(obj), key=lambda e: [str(p) for p in e.absolute_path])

    def check(self, obj):
        """("validated", None) | ("skipped", reason) | ("errors", [message, ...]) for one object."""
        if not isinstance(obj, dict) or not obj.get("apiVersion") or not obj.get("kind"):
            return "errors", ["not a Kubernetes object (it needs apiVersion and kind)"]
        api_version, kind = str(obj["apiVersion"]), str(obj["kind"])
        group, version = split_api_version(api_version)
        if (group, version, kind) not in self.index(self.version):
            if group in self.builtin_groups():
                served = sorted(
                    f"{g}/{v}" if g else v for g, v, k in self.index(self.version) if k == kind and g == group
                )
                hint = f"; use {' or '.join(served)}" if served else ""
                return "errors", [
                    f"{api_version} {kind} is not served by Kubernetes {self.version_text}{hint}"
                ]
            return "skipped", (
                f"no bundled schema for {api_version} {kind} (a custom resource: the API server validates it "
                "against its CustomResourceDefinition)"
            )
        try:
            kubernetes_validate.validate(obj, self.version_text, self.strict)
        except kubernetes_validate.ValidationError as first:
            try:
                errors = self._all_errors(obj) or [first]
            except Exception:  # the same schema could not be read again: report what validate() found
                errors = [first]
            return "errors", [_message(e) for e in errors]
        except kubernetes_validate.SchemaNotFoundError as e:
            return "skipped", e.message
        return "validated", None

    def run(self, objects):
        result = {"validated": [], "skipped": [], "errors": [], "schema_version": self.version_text}
        for number, obj in enumerate(expand(objects), start=1):
            status, detail = self.check(obj)
            name = label(obj) if isinstance(obj, dict) else f"document {number}"
            if status == "validated":
                result["validated"].append(name)
            elif status == "skipped":
                result["skipped"].append(
                    {"resource": name, "api_version": obj.get("apiVersion"), "reason": detail}
                )
            else:
                result["errors"].extend(f"{name}: {message}" for message in detail)
        return result


def _message(error):
    path = ".".join(str(p) for p in error.absolute_path) if getattr(error, "absolute_path", None) else ""
    return f"{path or '(top level)'}: {error.message}"


def load(path):
    with open(path, encoding="utf-8") as f:
        return list(yaml.safe_load_all(f))


def main():
    module = AnsibleModule(
        argument_spec={
            "manifests": {"type": "list", "elements": "raw"},
            "src": {"type": "path"},
            "kubernetes_version": {"type": "str", "required": True},
            "strict": {"type": "bool", "default": True},
        },
        mutually_exclusive=[["manifests", "src"]],
        required_one_of=[["manifests", "src"]],
        supports_check_mode=True,
    )
    if not HAS_VALIDATE:
        module.fail_json(msg=missing_required_lib("kubernetes-validate"))
    if not HAS_YAML:
        module.fail_json(msg=missing_required_lib("PyYAML"))
    params = module.params
    try:
        validator = ManifestValidator(params["kubernetes_version"], params["strict"])
    except ValueError as e:
        module.fail_json(msg=str(e), validated=[], skipped=[], errors=[])
    objects = params["manifests"]
    if params["src"]:
        try:
            objects = load(params["src"])
        except (OSError, yaml.YAMLError) as e:
            module.fail_json(msg=f"Could not read {params['src']}: {e}", validated=[], skipped=[], errors=[])
    # JSON round trip: plain dicts/lists/str (Ansible's string types, YAML timestamps as strings)
    result = validator.run(json.loads(json.dumps(objects, default=str)))
    if result["errors"]:
        count = len(result["errors"])
        module.fail_json(
            msg=f"{count} error{'s' if count > 1 else ''} against the schemas of Kubernetes "
            f"{result['schema_version']}: " + "; ".join(result["errors"]),
            **result,
        )
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
