"""Local cloud extensions: the EKS APIs moto 5.2.5 lacks, and the cluster settings it drops.

Registered with ``@patches._patch(name, patches._EXTENSIONS)``; ``patches.apply_extensions()`` applies
them in the server process only. Each one first checks that moto still fits (no such operation yet,
the methods it wraps still take the same parameters) and raises ``PatchDoesNotFit`` otherwise, so a moto
that grows these APIs makes the extension skip itself with a warning instead of shadowing moto.

- ``eks-cluster-config``: CreateCluster keeps ``accessConfig`` (default CONFIG_MAP; API modes bootstrap
  the creator's admin access entry, as AWS does), ``upgradePolicy`` and ``zonalShiftConfig``, defaults the
  Kubernetes version to a supported one (moto: 1.19), fills ``resourcesVpcConfig`` like AWS (vpcId,
  endpoint access defaults) and reports ``logging`` per enabled/disabled type. UpdateClusterConfig merges
  endpoint access / logging / authentication mode into the cluster (moto replaces the whole VPC config
  and ignores accessConfig), refuses no-op and multi-kind updates as AWS does, and returns an ``update``
  (moto returns the cluster). UpdateClusterVersion (one minor version at a time), AssociateEncryptionConfig
  (once). DescribeUpdate / ListUpdates for cluster, add-on and node group updates (``_record_update``;
  ext_lifecycles.py records node group updates there). Every cluster update goes through the backend's
  ``update_cluster_config`` so that lifecycle extensions see it.
- ``eks-addons``: Create/Describe/List/Update/DeleteAddon, DescribeAddonVersions (a catalogue of
  vpc-cni, coredns, kube-proxy, eks-pod-identity-agent and aws-ebs-csi-driver for Kubernetes
  1.33-1.35), DescribeAddonConfiguration. CREATING/UPDATING/DELETING last
  ``lifecycle.seconds('eks_addon')``, computed when read.
- ``eks-access-entries``: access entries (STANDARD, EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX,
  HYBRID_LINUX), access policy associations, the AWS access policy catalogue.
- ``eks-pod-identity-associations``: Pod Identity associations (also those an add-on owns).
- ``eks-tags-extension-resources``: Tag/Untag/ListTagsForResource on add-on, access entry and Pod
  Identity association ARNs.

State lives on moto's ``Cluster`` objects, so deleting a cluster (or ``/moto-api/reset``) drops it.
The cluster's status is always read through the backend's ``describe_cluster`` (ext_lifecycles.py may
keep clusters CREATING for a while).
"""

from __future__ import annotations

import copy
import functools
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from . import lifecycle, patches
from .patches import PatchDoesNotFit, _mark, _require_params

ADDON_KIND = "eks_addon"
CLUSTER_KIND = "eks_cluster"
DEFAULT_KUBERNETES_VERSION = "1.34"  # what CreateCluster picks when no version is given
KUBERNETES_VERSIONS = ("1.33", "1.34", "1.35")
_LOCK = threading.RLock()

# --------------------------------------------------------------------------------------------------------
# The add-on catalogue (DescribeAddonVersions). Versions newest first; "default" per Kubernetes version.

_ARCH = ["amd64", "arm64"]
ADDON_CATALOGUE: dict[str, dict[str, Any]] = {
    "vpc-cni": {
        "type": "networking",
        "requiresIamPermissions": True,
        "serviceAccounts": {"aws-node": ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"]},
        "versions": {
            k: {
                "all": [
                    "v1.22.4-eksbuild.3",
                    "v1.21.1-eksbuild.3",
                    "v1.20.4-eksbuild.2",
                    "v1.20.1-eksbuild.3",
                    "v1.19.6-eksbuild.7",
                ],
                "default": "v1.20.4-eksbuild.2",
            }
            for k in KUBERNETES_VERSIONS
        },
    },
    "coredns": {
        "type": "networking",
        "requiresIamPermissions": False,
        "serviceAccounts": {},
        "versions": {
            "1.33": {
                "all": [
                    "v1.12.4-eksbuild.38",
                    "v1.12.4-eksbuild.1",
                    "v1.12.3-eksbuild.1",
                    "v1.12.1-eksbuild.2",
                    "v1.11.4-eksbuild.22",
                ],
                "default": "v1.12.1-eksbuild.2",
            },
            "1.34": {
                "all": ["v1.12.4-eksbuild.38", "v1.12.4-eksbuild.1", "v1.12.3-eksbuild.1"],
                "default": "v1.12.3-eksbuild.1",
            },
            "1.35": {
                "all": [
                    "v1.13.2-eksbuild.31",
                    "v1.13.1-eksbuild.1",
                    "v1.12.4-eksbuild.38",
                    "v1.12.4-eksbuild.1",
                ],
                "default": "v1.13.1-eksbuild.1",
            },
        },
    },
    "kube-proxy": {
        "type": "networking",
        "requiresIamPermissions": False,
        "serviceAccounts": {},
        "versions": {
            "1.33": {
                "all": [
                    "v1.33.10-eksbuild.29",
                    "v1.33.5-eksbuild.2",
                    "v1.33.3-eksbuild.10",
                    "v1.33.0-eksbuild.2",
                ],
                "default": "v1.33.3-eksbuild.10",
            },
            "1.34": {
                "all": ["v1.34.6-eksbuild.29", "v1.34.1-eksbuild.2", "v1.34.0-eksbuild.5"],
                "default": "v1.34.0-eksbuild.5",
            },
            "1.35": {
                "all": ["v1.35.3-eksbuild.29", "v1.35.0-eksbuild.2", "v1.35.0-eksbuild.1"],
                "default": "v1.35.0-eksbuild.1",
            },
        },
    },
    "eks-pod-identity-agent": {
        "type": "security",
        "requiresIamPermissions": False,
        "serviceAccounts": {},
        "versions": {
            k: {
                "all": ["v1.3.10-eksbuild.3", "v1.3.10-eksbuild.1", "v1.3.9-eksbuild.3", "v1.3.8-eksbuild.2"],
                "default": "v1.3.9-eksbuild.3",
            }
            for k in KUBERNETES_VERSIONS
        },
    },
    "aws-ebs-csi-driver": {
        "type": "storage",
        "requiresIamPermissions": True,
        "serviceAccounts": {
            "ebs-csi-controller-sa": ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"]
        },
        "versions": {
            k: {
                "all": [
                    "v1.66.0-eksbuild.1",
                    "v1.53.0-eksbuild.1",
                    "v1.52.1-eksbuild.1",
                    "v1.50.1-eksbuild.1",
                    "v1.48.0-eksbuild.2",
                ],
                "default": "v1.52.1-eksbuild.1",
            }
            for k in KUBERNETES_VERSIONS
        },
    },
}
ADDON_NAMESPACE = "kube-system"

# The AWS access policy catalogue (ListAccessPolicies).
ACCESS_POLICIES = (
    "AmazonAIOpsAssistantPolicy",
    "AmazonARCRegionSwitchScalingPolicy",
    "AmazonEKSAdminPolicy",
    "AmazonEKSAdminViewPolicy",
    "AmazonEKSAutoNodePolicy",
    "AmazonEKSBlockStorageClusterPolicy",
    "AmazonEKSBlockStoragePolicy",
    "AmazonEKSClusterAdminPolicy",
    "AmazonEKSComputeClusterPolicy",
    "AmazonEKSComputePolicy",
    "AmazonEKSEditPolicy",
    "AmazonEKSEventPolicy",
    "AmazonEKSHybridPolicy",
    "AmazonEKSLoadBalancingClusterPolicy",
    "AmazonEKSLoadBalancingPolicy",
    "AmazonEKSNetworkingClusterPolicy",
    "AmazonEKSNetworkingPolicy",
    "AmazonEKSSecretReaderPolicy",
    "AmazonEKSViewPolicy",
    "AmazonEMRJobPolicy",
    "AmazonSagemakerHyperpodClusterPolicy",
    "AmazonSagemakerHyperpodControllerPolicy",
    "AmazonSagemakerHyperpodSystemNamespacePolicy",
)
ACCESS_ENTRY_TYPES = ("STANDARD", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "HYBRID_LINUX")
_NODE_ENTRY_DEFAULTS = {  # type -> (username, kubernetesGroups) EKS sets for node access entries
    "EC2_LINUX": ("system:node:{{EC2PrivateDNSName}}", ["system:nodes"]),
    "EC2_WINDOWS": ("system:node:{{EC2PrivateDNSName}}", ["system:nodes"]),
    "FARGATE_LINUX": ("system:node:{{SessionName}}", ["system:node-proxier", "system:nodes"]),
    "HYBRID_LINUX": ("system:node:{{SessionName}}", ["system:nodes"]),
}
RESERVED_PREFIXES = ("system:", "eks:", "aws:", "amazon:", "iam:")
AUTHENTICATION_MODES = ("CONFIG_MAP", "API_AND_CONFIG_MAP", "API")
LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
_PRINCIPAL = re.compile(r"^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):(role|user)/(?:.+/)?([^/]+)$")
CLUSTER_NOT_READY_MSG = "Cluster '{name}' is not in ACTIVE status"


# --------------------------------------------------------------------------------------------------------
# Helpers shared by the extensions


def _errors() -> Any:
    from moto.eks import exceptions

    return exceptions


def _not_found(message: str, **fields: Any) -> Exception:
    return _errors().ResourceNotFoundException(message=message, **fields)


def _found(resource: Any, cluster: Any, message: str, **fields: Any) -> Any:
    """``resource`` (a lookup in one of ``cluster``'s tables), or ResourceNotFoundException ``message``."""
    if resource is None:
        raise _not_found(message, clusterName=cluster.name, **fields)
    return resource


def _in_use(message: str, **fields: Any) -> Exception:
    return _errors().ResourceInUseException(message=message, **fields)


def _invalid(message: str, **fields: Any) -> Exception:
    return _errors().InvalidParameterException(message=message, **fields)


def _invalid_request(message: str, **fields: Any) -> Exception:
    return _errors().InvalidRequestException(message=message, **fields)


def _now_utc() -> Any:
    from moto.core.utils import utcnow

    return utcnow()


def _random_string(length: int) -> str:
    from moto.moto_api._internal import mock_random

    return mock_random.get_random_string(length=length, lower_case=True)


def _uuid() -> str:
    from moto.moto_api._internal import mock_random

    return str(mock_random.uuid4())


def _state(cluster: Any, key: str) -> dict[str, Any]:
    """Per-cluster storage of the extensions (dropped with the cluster)."""
    return cluster.__dict__.setdefault(f"_localcloud_{key}", {})


def _cluster(backend: Any, name: str) -> Any:
    """The cluster, read through the backend (ResourceNotFoundException as moto raises it)."""
    return backend.describe_cluster(name=name)


def _require_active(cluster: Any) -> Any:
    """The cluster, when it is ACTIVE (InvalidRequestException otherwise, as EKS answers)."""
    if cluster.status != "ACTIVE":
        raise _invalid_request(CLUSTER_NOT_READY_MSG.format(name=cluster.name), clusterName=cluster.name)
    return cluster


def _active_cluster(backend: Any, name: str) -> Any:
    return _require_active(_cluster(backend, name))


def _require_not_busy(cluster: Any) -> None:
    """A cluster update needs an ACTIVE cluster (ResourceInUseException while it is being changed)."""
    if cluster.status != "ACTIVE":
        raise _in_use(
            f"Cluster {cluster.name} is currently being {cluster.status.lower()}.", clusterName=cluster.name
        )


def _validate_role_arn(arn: Any) -> None:
    from moto.eks.utils import validate_role_arn

    if not isinstance(arn, str) or not arn:
        raise _invalid(f"Invalid Role Arn: '{arn}'")
    validate_role_arn(arn)


def _page(items: list[Any], max_results: Any, next_token: Any) -> tuple[list[Any], str | None]:
    """A page of ``items``: tokens are offsets (opaque to callers)."""
    try:
        start = int(next_token) if next_token else 0
        size = int(max_results) if max_results not in (None, "") else 100
    except (TypeError, ValueError) as exc:
        raise _invalid("The nextToken or maxResults value is invalid.") from exc
    if start < 0 or size < 1 or size > 100:
        raise _invalid("maxResults must be between 1 and 100.")
    end = start + size
    return items[start:end], (str(end) if end < len(items) else None)


class _Params:
    """The parameters of one request: JSON body, URI labels (unquoted by moto's router), query string."""

    def __init__(self, response: Any) -> None:
        self.response = response
        try:
            body = json.loads(response.body) if response.body else {}
        except (TypeError, ValueError):
            body = {}
        self.body: dict[str, Any] = body if isinstance(body, dict) else {}
        self.query = parse_qs(response.parsed_url.query, keep_blank_values=True)

    def uri(self, key: str) -> str:
        return (getattr(self.response, "uri_match", None) or {}).get(key)

    def get(self, key: str, default: Any = None) -> Any:
        return self.body.get(key, default)

    def q(self, key: str, default: Any = None) -> Any:
        values = self.query.get(key)
        return values[0] if values else default

    def q_list(self, key: str) -> list[str]:
        return list(self.query.get(key, []))


def _backend(response: Any) -> Any:
    return response.eks_backend


def _request(response: Any, *, active: bool = False) -> tuple[_Params, Any, Any]:
    """The request's parameters, the EKS backend and the cluster its URI names (ACTIVE when ``active``)."""
    params = _Params(response)
    backend = _backend(response)
    return params, backend, (_active_cluster if active else _cluster)(backend, params.uri("name"))


def _result(payload: dict[str, Any]) -> Any:
    from moto.core.responses import ActionResult

    return ActionResult(payload)


def _clean(value: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in value.items() if v is not None}


def _describer(operation: str, key: str, find: Callable[[Any, str], Any], label: str) -> Callable[[Any], Any]:
    """The EKSResponse method ``operation`` (a Describe* call): ``{key: resource.describe()}`` of the
    resource ``find(cluster, <the URI label "label">)``."""

    def describe(self: Any) -> Any:
        params, _, cluster = _request(self)
        return _result({key: find(cluster, params.uri(label)).describe()})

    describe.__name__ = describe.__qualname__ = operation
    return describe


def _creator(operation: str, key: str, new: Callable[[_Params, Any, Any], Any]) -> Callable[[Any], Any]:
    """The EKSResponse method ``operation`` (a Create* call that needs an ACTIVE cluster):
    ``{key: resource.describe()}`` of the resource ``new(params, backend, cluster)`` makes."""

    def create(self: Any) -> Any:
        with _LOCK:
            params, backend, cluster = _request(self, active=True)
            resource = new(params, backend, cluster)
        return _result({key: resource.describe()})

    create.__name__ = create.__qualname__ = operation
    return create


def _updated(resource: Any, key: str) -> Any:
    """The result of an Update* call: ``{key: resource.describe()}``, its ``modifiedAt`` now."""
    resource.modified_at = _now_utc()
    return _result({key: resource.describe()})


def _paged(params: _Params, key: str, items: list[Any], **fields: Any) -> Any:
    """The result of a list operation: the page of ``items`` the request asks for, under ``key``."""
    page, token = _page(items, params.q("maxResults"), params.q("nextToken"))
    return _result(_clean({**fields, key: page, "nextToken": token}))


def _check_not_in_moto(response_cls: Any, *methods: str) -> None:
    for method in methods:
        if hasattr(response_cls, method):
            raise PatchDoesNotFit(f"moto's EKSResponse now has {method}: drop this extension")


def _routes(patterns: list[str]) -> dict[str, Any]:
    """moto.eks.urls.url_paths, checked: a dict without these patterns (added by _add_routes)."""
    from moto.eks import urls

    paths = getattr(urls, "url_paths", None)
    if not isinstance(paths, dict):
        raise PatchDoesNotFit("moto.eks.urls.url_paths is no longer a dict")
    for pattern in patterns:
        if pattern in paths:
            raise PatchDoesNotFit(f"moto.eks.urls already routes {pattern}")
    return paths


def _add_routes(paths: dict[str, Any], patterns: list[str]) -> None:
    from moto.eks.responses import EKSResponse

    for pattern in patterns:
        paths[pattern] = EKSResponse.dispatch


def _register(name: str, patterns: list[str], *operations: Any, wrapped: tuple[Any, ...] = ()) -> None:
    """Install ``operations`` (EKSResponse methods moto lacks, named like their functions) and ``wrapped``
    (moto's own, wrapped) as the extension ``name``, and route ``patterns`` to EKSResponse. Checks that
    moto still fits before it changes anything."""
    from moto.eks.responses import EKSResponse

    _check_not_in_moto(EKSResponse, *(operation.__name__ for operation in operations))
    paths = _routes(patterns)
    for function in (*operations, *wrapped):
        setattr(EKSResponse, function.__name__, _mark(function, name))
    _add_routes(paths, patterns)


def _parse_configuration(value: Any, addon: str) -> str | None:
    """configurationValues must be a JSON (or YAML) object; returns it unchanged."""
    if value in (None, ""):
        return value
    parsed: Any = None
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        try:
            import yaml

            parsed = yaml.safe_load(value)
        except Exception:
            parsed = None
    if not isinstance(parsed, dict):
        raise _invalid(
            f"ConfigurationValue provided in request is not supported: Json schema validation failed "
            f"for addon {addon}: the configuration is not a JSON or YAML object",
            addonName=addon,
        )
    return value


# --------------------------------------------------------------------------------------------------------
# Updates (DescribeUpdate / ListUpdates) for cluster and add-on updates


def _record_update(
    cluster: Any, kind: str, update_type: str, params: list[dict[str, str]], **owner: Any
) -> dict:
    record = {
        "id": _uuid(),
        "type": update_type,
        "params": params,
        "createdAt": _now_utc(),
        "errors": [],
        "_kind": kind,
        "_started": lifecycle.now(),
        **{f"_{k}": v for k, v in owner.items()},
    }
    _state(cluster, "updates")[record["id"]] = record
    return record


def _render_update(record: dict[str, Any]) -> dict[str, Any]:
    done = lifecycle.done(record["_started"], record["_kind"])
    return {
        "id": record["id"],
        "status": "Successful" if done else "InProgress",
        "type": record["type"],
        "params": copy.deepcopy(record["params"]),
        "createdAt": record["createdAt"],
        "errors": [],
    }


# --------------------------------------------------------------------------------------------------------
# Cluster configuration: accessConfig, logging, endpoint access, UpdateClusterConfig


def _logging_state(logging: Any, base: dict[str, bool] | None = None) -> dict[str, bool]:
    state = dict(base) if base else dict.fromkeys(LOG_TYPES, False)
    if not logging:
        return state
    setups = logging.get("clusterLogging") if isinstance(logging, dict) else None
    if not isinstance(setups, list):
        raise _invalid("logging.clusterLogging must be a list")
    for setup in setups:
        for log_type in setup.get("types") or []:
            if log_type not in LOG_TYPES:
                raise _invalid(f"The type {log_type} is not valid, valid types: {', '.join(LOG_TYPES)}")
            state[log_type] = bool(setup.get("enabled", False))
    return state


def _logging_render(state: dict[str, bool]) -> dict[str, Any]:
    groups = []
    enabled = [t for t in LOG_TYPES if state.get(t)]
    disabled = [t for t in LOG_TYPES if not state.get(t)]
    if enabled:
        groups.append({"types": enabled, "enabled": True})
    if disabled:
        groups.append({"types": disabled, "enabled": False})
    return {"clusterLogging": groups}


_ENDPOINT_KEYS = ("endpointPublicAccess", "endpointPrivateAccess", "publicAccessCidrs")


def _vpc_config(account: str, region: str, requested: dict[str, Any] | None) -> dict[str, Any]:
    """resourcesVpcConfig as AWS describes it: endpoint defaults, vpcId of the subnets."""
    requested = dict(requested or {})
    result: dict[str, Any] = {
        "subnetIds": list(requested.get("subnetIds") or []),
        "securityGroupIds": list(requested.get("securityGroupIds") or []),
        "endpointPublicAccess": requested.get("endpointPublicAccess", True),
        "endpointPrivateAccess": requested.get("endpointPrivateAccess", False),
        "publicAccessCidrs": list(requested.get("publicAccessCidrs") or ["0.0.0.0/0"]),
    }
    if not result["endpointPublicAccess"] and not result["endpointPrivateAccess"]:
        raise _invalid("Either endpointPublicAccess or endpointPrivateAccess must be true")
    vpc_id = requested.get("vpcId")
    if not vpc_id and result["subnetIds"]:
        try:
            from moto.ec2.models import ec2_backends

            subnets = ec2_backends[account][region].describe_subnets(subnet_ids=result["subnetIds"][:1])
            vpc_id = subnets[0].vpc_id if subnets else None
        except Exception:  # moto's EKS does not require real subnets
            vpc_id = None
    if vpc_id:
        result["vpcId"] = vpc_id
    for key in ("clusterSecurityGroupId",):
        if requested.get(key):
            result[key] = requested[key]
    return result


def _creator_arn(response: Any) -> str:
    """The IAM ARN of the caller (an assumed role is reported as its role, as EKS does)."""
    account = response.current_account
    partition = getattr(response, "partition", "aws")
    arn = f"arn:{partition}:iam::{account}:user/moto"
    try:
        from moto.sts.models import sts_backends

        _user_id, arn, _account = sts_backends[account][partition].get_caller_identity(
            response.get_access_key(), response.region
        )
    except Exception:
        pass
    match = re.match(r"^arn:([^:]+):sts::(\d{12}):assumed-role/([^/]+)/.+$", arn)
    if match:
        return f"arn:{match.group(1)}:iam::{match.group(2)}:role/{match.group(3)}"
    match = re.match(r"^arn:([^:]+):sts::(\d{12}):user/(.+)$", arn)
    if match:
        return f"arn:{match.group(1)}:iam::{match.group(2)}:user/{match.group(3)}"
    return arn


@patches._patch("eks-cluster-config", patches._EXTENSIONS)
def _eks_cluster_config() -> None:
    """CreateCluster keeps accessConfig/upgradePolicy/zonalShiftConfig, fills resourcesVpcConfig and
    logging like AWS; UpdateClusterConfig merges and returns an update; DescribeUpdate/ListUpdates."""
    from moto.eks.models import EKSBackend
    from moto.eks.responses import EKSResponse

    original_create = EKSResponse.create_cluster
    original_update = EKSResponse.update_cluster_config
    _require_params(original_create, "self")
    _require_params(original_update, "self")
    _require_params(EKSBackend.update_cluster_config, "self", "name", "resources_vpc_config", "logging")
    _require_params(EKSBackend.describe_cluster, "self", "name")
    patterns = [
        "{0}/clusters/(?P<name>[^/]+)/updates$",
        "{0}/clusters/(?P<name>[^/]+)/updates/(?P<updateId>[^/]+)$",
        "{0}/clusters/(?P<name>[^/]+)/encryption-config/associate$",
    ]

    @functools.wraps(original_create)
    def create_cluster(self: Any) -> Any:
        params = _Params(self)
        access = dict(params.get("accessConfig") or {})
        mode = access.get("authenticationMode") or "CONFIG_MAP"
        if mode not in AUTHENTICATION_MODES:
            raise _invalid(f"Unsupported authentication mode: {mode}")
        bootstrap = access.get("bootstrapClusterCreatorAdminPermissions")
        bootstrap = True if bootstrap is None else bool(bootstrap)
        if bootstrap is False and mode == "CONFIG_MAP":
            raise _invalid(
                "bootstrapClusterCreatorAdminPermissions can only be false with authentication mode "
                "API or API_AND_CONFIG_MAP"
            )
        vpc = _vpc_config(self.current_account, self.region, params.get("resourcesVpcConfig"))
        logging_state = _logging_state(params.get("logging"))
        version = params.get("version") or DEFAULT_KUBERNETES_VERSION
        result = original_create(self)
        cluster = self.eks_backend.clusters[params.get("name")]
        cluster.version = version
        cluster.resources_vpc_config = vpc
        cluster.logging = _logging_render(logging_state)
        cluster.access_config = {
            "bootstrapClusterCreatorAdminPermissions": bootstrap,
            "authenticationMode": mode,
        }
        cluster.upgrade_policy = dict(params.get("upgradePolicy") or {"supportType": "EXTENDED"})
        if params.get("zonalShiftConfig") is not None:
            cluster.zonal_shift_config = dict(params.get("zonalShiftConfig"))
        if mode != "CONFIG_MAP" and bootstrap:
            principal = _creator_arn(self)
            if _PRINCIPAL.match(principal):
                entry = _new_access_entry(self.eks_backend, cluster, principal, "STANDARD", None, None, {})
                _associate(
                    self.eks_backend,
                    entry,
                    _policy_arn(self.eks_backend, "AmazonEKSClusterAdminPolicy"),
                    {"type": "cluster"},
                )
        return result

    def merged_vpc(current: dict[str, Any], requested: dict[str, Any]) -> dict[str, Any]:
        merged = copy.deepcopy(current)
        for key, value in requested.items():
            if value is not None:
                merged[key] = list(value) if isinstance(value, list) else value
        if "endpointPublicAccess" in requested and not requested.get("publicAccessCidrs"):
            merged.setdefault("publicAccessCidrs", ["0.0.0.0/0"])
        if not merged.get("endpointPublicAccess") and not merged.get("endpointPrivateAccess"):
            raise _invalid("Either endpointPublicAccess or endpointPrivateAccess must be true")
        return merged

    @functools.wraps(original_update)
    def update_cluster_config(self: Any) -> Any:
        params = _Params(self)
        cluster_name = params.uri("name") or params.get("name")
        backend = self.eks_backend
        cluster = _cluster(backend, cluster_name)
        kinds = [
            key
            for key in (
                "resourcesVpcConfig",
                "logging",
                "accessConfig",
                "upgradePolicy",
                "zonalShiftConfig",
                "kubernetesNetworkConfig",
                "remoteNetworkConfig",
                "computeConfig",
                "storageConfig",
                "deletionProtection",
            )
            if params.get(key) is not None
        ]
        if not kinds:
            raise _invalid("No changes were requested.")
        if len(kinds) > 1:
            raise _invalid("Only one type of update can be allowed.")
        _require_not_busy(cluster)
        kind = kinds[0]
        value = params.get(kind)
        update_params: list[dict[str, str]]
        if kind == "resourcesVpcConfig":
            current = dict(cluster.resources_vpc_config or {})
            merged = merged_vpc(current, value)
            if merged == current:
                raise _invalid(
                    "Cluster is already at the desired configuration with endpointPrivateAccess: "
                    f"{str(current.get('endpointPrivateAccess')).lower()} , endpointPublicAccess: "
                    f"{str(current.get('endpointPublicAccess')).lower()}, and Public Endpoint Restrictions: "
                    f"{current.get('publicAccessCidrs')}"
                )
            subnets_or_groups = any(k in value for k in ("subnetIds", "securityGroupIds"))
            update_type = "VpcConfigUpdate" if subnets_or_groups else "EndpointAccessUpdate"
            update_params = [
                {
                    "type": t,
                    "value": json.dumps(merged[k])
                    if isinstance(merged.get(k), list)
                    else str(merged.get(k)).lower(),
                }
                for k, t in (
                    ("endpointPrivateAccess", "EndpointPrivateAccess"),
                    ("endpointPublicAccess", "EndpointPublicAccess"),
                    ("publicAccessCidrs", "PublicAccessCidrs"),
                    ("subnetIds", "Subnets"),
                    ("securityGroupIds", "SecurityGroups"),
                )
                if k in value
            ]
            backend.update_cluster_config(name=cluster_name, resources_vpc_config=merged, logging=None)
            cluster.resources_vpc_config = merged
        elif kind == "logging":
            current_state = _logging_state(cluster.logging)
            new_state = _logging_state(value, current_state)
            if new_state == current_state:
                raise _invalid("No changes needed for the logging config provided")
            rendered = _logging_render(new_state)
            update_type = "LoggingUpdate"
            update_params = [{"type": "ClusterLogging", "value": json.dumps(rendered)}]
            backend.update_cluster_config(name=cluster_name, resources_vpc_config=None, logging=rendered)
            cluster.logging = rendered
        elif kind == "accessConfig":
            current_mode = (getattr(cluster, "access_config", None) or {}).get(
                "authenticationMode", "CONFIG_MAP"
            )
            wanted = value.get("authenticationMode")
            if wanted not in AUTHENTICATION_MODES:
                raise _invalid(f"Unsupported authentication mode: {wanted}")
            if wanted == current_mode:
                raise _invalid(f"Cluster already has authentication mode {wanted}")
            if AUTHENTICATION_MODES.index(wanted) < AUTHENTICATION_MODES.index(current_mode):
                raise _invalid(f"Unsupported authentication mode update from {current_mode} to {wanted}")
            cluster.access_config = {
                **(
                    getattr(cluster, "access_config", None)
                    or {"bootstrapClusterCreatorAdminPermissions": False}
                ),
                "authenticationMode": wanted,
            }
            update_type = "AccessConfigUpdate"
            update_params = [{"type": "AuthenticationMode", "value": wanted}]
        elif kind == "upgradePolicy":
            cluster.upgrade_policy = dict(value)
            update_type = "UpgradePolicyUpdate"
            update_params = [{"type": "UpgradePolicy", "value": json.dumps(value)}]
        elif kind == "zonalShiftConfig":
            cluster.zonal_shift_config = dict(value)
            update_type = "ZonalShiftConfigUpdate"
            update_params = [{"type": "ZonalShiftConfig", "value": json.dumps(value)}]
        else:  # let moto apply what it knows; report a generic config update
            backend.update_cluster_config(
                name=cluster_name,
                resources_vpc_config=None,
                logging=None,
                kubernetes_network_config=params.get("kubernetesNetworkConfig"),
                remote_network_config=params.get("remoteNetworkConfig"),
            )
            update_type = "ConfigUpdate"
            update_params = [{"type": kind[0].upper() + kind[1:], "value": json.dumps(value)}]
        if kind in ("accessConfig", "upgradePolicy", "zonalShiftConfig"):
            notify_update(backend, cluster_name)
        record = _record_update(cluster, CLUSTER_KIND, update_type, update_params)
        return _result({"update": _render_update(record)})

    def notify_update(backend: Any, cluster_name: str) -> None:
        """Go through moto's backend update (a no-op here), so lifecycle extensions see every update."""
        backend.update_cluster_config(name=cluster_name, resources_vpc_config=None, logging=None)

    def update_cluster_version(self: Any) -> Any:
        params, backend, cluster = _request(self)
        cluster_name = cluster.name
        wanted = str(params.get("version") or "")
        if not re.fullmatch(r"\d+\.\d+", wanted):
            raise _invalid(f"Invalid Kubernetes version: {wanted!r}", clusterName=cluster_name)
        _require_not_busy(cluster)
        current = _version_key(cluster.version)
        target = _version_key(wanted)
        if target == current:
            raise _invalid(f"Cluster is already at the desired version {wanted}", clusterName=cluster_name)
        if target[0] != current[0] or target[1] != current[1] + 1:
            raise _invalid(
                f"Unsupported Kubernetes minor version update from {cluster.version} to {wanted}",
                clusterName=cluster_name,
            )
        notify_update(backend, cluster_name)
        cluster.version = wanted
        record = _record_update(
            cluster,
            CLUSTER_KIND,
            "VersionUpdate",
            [
                {"type": "Version", "value": wanted},
                {"type": "PlatformVersion", "value": cluster.platformVersion},
            ],
        )
        return _result({"update": _render_update(record)})

    def associate_encryption_config(self: Any) -> Any:
        params, backend, cluster = _request(self)
        cluster_name = cluster.name
        config = params.get("encryptionConfig")
        if (
            not isinstance(config, list)
            or len(config) != 1
            or (config[0].get("resources") or []) != ["secrets"]
            or not (config[0].get("provider") or {}).get("keyArn")
        ):
            raise _invalid(
                "encryptionConfig must be one entry with resources [secrets] and a provider keyArn",
                clusterName=cluster_name,
            )
        if cluster.encryption_config:
            raise _invalid_request(
                f"Encryption is already enabled for the secrets of cluster {cluster_name}",
                clusterName=cluster_name,
            )
        _require_not_busy(cluster)
        notify_update(backend, cluster_name)
        cluster.encryption_config = copy.deepcopy(config)
        record = _record_update(
            cluster,
            CLUSTER_KIND,
            "AssociateEncryptionConfig",
            [{"type": "EncryptionConfig", "value": json.dumps(config)}],
        )
        return _result({"update": _render_update(record)})

    def find_updates(cluster: Any, params: _Params) -> list[dict[str, Any]]:
        addon = params.q("addonName")
        nodegroup = params.q("nodegroupName")
        return [
            r
            for r in _state(cluster, "updates").values()
            if r.get("_addon") == addon and r.get("_nodegroup") == nodegroup
        ]

    def describe_update(self: Any) -> Any:
        params, _, cluster = _request(self)
        update_id = params.uri("updateId")
        for record in find_updates(cluster, params):
            if record["id"] == update_id:
                return _result({"update": _render_update(record)})
        raise _not_found(f"No update found for ID: {update_id}", clusterName=params.uri("name"))

    def list_updates(self: Any) -> Any:
        params, _, cluster = _request(self)
        if params.q("addonName"):
            _find_addon(cluster, params.q("addonName"))
        return _paged(params, "updateIds", [r["id"] for r in find_updates(cluster, params)])

    _register(
        "eks-cluster-config",
        patterns,
        describe_update,
        list_updates,
        update_cluster_version,
        associate_encryption_config,
        wrapped=(create_cluster, update_cluster_config),
    )


# --------------------------------------------------------------------------------------------------------
# Add-ons


@dataclass
class Addon:
    cluster_name: str
    name: str
    version: str
    arn: str
    namespace: str
    service_account_role_arn: str | None
    configuration_values: str | None
    tags: dict[str, str]
    created_at: Any
    modified_at: Any
    pod_identity_arns: list[str] = field(default_factory=list)
    transition: str | None = "CREATING"
    started: float = field(default_factory=lifecycle.now)
    preserve: bool = False

    def status(self) -> str:
        """CREATING/UPDATING/DELETING until the lifecycle time has passed; then ACTIVE (or DELETED)."""
        if self.transition and lifecycle.done(self.started, ADDON_KIND):
            if self.transition == "DELETING":
                return "DELETED"
            self.transition = None
        return self.transition or "ACTIVE"

    def describe(self) -> dict[str, Any]:
        status = self.status()
        return _clean(
            {
                "addonName": self.name,
                "clusterName": self.cluster_name,
                "status": "DELETING" if status == "DELETED" else status,
                "addonVersion": self.version,
                "health": {"issues": []},
                "addonArn": self.arn,
                "createdAt": self.created_at,
                "modifiedAt": self.modified_at,
                "serviceAccountRoleArn": self.service_account_role_arn,
                "tags": dict(self.tags),
                "publisher": "eks",
                "owner": "aws",
                "configurationValues": self.configuration_values,
                "podIdentityAssociations": list(self.pod_identity_arns),
            }
        )


def _addons(cluster: Any) -> dict[str, Addon]:
    """The cluster's add-ons; those whose deletion is over are dropped here (lazily)."""
    table = _state(cluster, "addons")
    for addon_name in [n for n, a in table.items() if a.status() == "DELETED"]:
        del table[addon_name]
    return table


def _find_addon(cluster: Any, addon_name: str) -> Addon:
    message = f"No addon: {addon_name} found in cluster: {cluster.name}"
    return _found(_addons(cluster).get(addon_name), cluster, message, addonName=addon_name)


def _addon_versions(addon_name: str, kubernetes_version: str) -> dict[str, Any] | None:
    return ADDON_CATALOGUE.get(addon_name, {}).get("versions", {}).get(kubernetes_version)


def _resolve_addon_version(cluster: Any, addon_name: str, version: str | None) -> str:
    if addon_name not in ADDON_CATALOGUE:
        raise _invalid("Addon specified is not supported", clusterName=cluster.name, addonName=addon_name)
    versions = _addon_versions(addon_name, cluster.version)
    if versions is None:
        raise _invalid(
            f"Addon {addon_name} is not supported for cluster version {cluster.version}",
            clusterName=cluster.name,
            addonName=addon_name,
        )
    if version is None:
        return versions["default"]
    if version not in versions["all"]:
        raise _invalid(
            f"Addon version specified is not supported for cluster version {cluster.version}: "
            f"{addon_name} {version}",
            clusterName=cluster.name,
            addonName=addon_name,
        )
    return version


def _check_resolve_conflicts(value: Any) -> None:
    if value is not None and value not in ("OVERWRITE", "NONE", "PRESERVE"):
        raise _invalid(f"resolveConflicts must be one of OVERWRITE, NONE, PRESERVE, not {value}")


def _addon_pod_identities(backend: Any, cluster: Any, addon: Addon, wanted: list[dict[str, Any]]) -> None:
    """Make the add-on's own Pod Identity associations match ``wanted`` ([{serviceAccount, roleArn}])."""
    allowed = ADDON_CATALOGUE[addon.name]["serviceAccounts"]
    seen = set()
    for item in wanted:
        account = item.get("serviceAccount")
        if account not in allowed:
            raise _invalid(
                f"Addon {addon.name} does not support Pod Identity for service account {account}; "
                f"supported: {sorted(allowed) or 'none'}",
                addonName=addon.name,
            )
        if account in seen:
            raise _invalid(f"Duplicate service account {account} in podIdentityAssociations")
        seen.add(account)
        _validate_role_arn(item.get("roleArn"))
    associations = _associations(cluster)
    owned = {a.service_account: a for a in associations.values() if a.owner_arn == addon.arn}
    for item in wanted:
        existing = _find_association_by_account(cluster, addon.namespace, item["serviceAccount"])
        if existing is not None and existing.owner_arn != addon.arn:
            raise _in_use(
                f"Association already exists: {existing.association_id}",
                clusterName=cluster.name,
                addonName=addon.name,
            )
    for account, association in owned.items():
        if account not in seen:
            del associations[association.association_id]
    arns = []
    for item in wanted:
        association = owned.get(item["serviceAccount"])
        if association is None:
            association = _new_association(
                backend,
                cluster,
                addon.namespace,
                item["serviceAccount"],
                item["roleArn"],
                {},
                owner=addon.arn,
            )
        elif association.role_arn != item["roleArn"]:
            association.role_arn = item["roleArn"]
            association.modified_at = _now_utc()
        arns.append(association.arn)
    addon.pod_identity_arns = arns


@patches._patch("eks-addons", patches._EXTENSIONS)
def _eks_addons() -> None:
    """EKS managed add-ons with their lifecycle, and the add-on version catalogue."""
    from moto.eks.responses import EKSResponse

    if not isinstance(getattr(EKSResponse, "eks_backend", None), property):
        raise PatchDoesNotFit("EKSResponse.eks_backend is no longer a property")
    patterns = [
        "{0}/clusters/(?P<name>[^/]+)/addons$",
        "{0}/clusters/(?P<name>[^/]+)/addons/(?P<addonName>[^/]+)$",
        "{0}/clusters/(?P<name>[^/]+)/addons/(?P<addonName>[^/]+)/update$",
        "{0}/addons/supported-versions$",
        "{0}/addons/configuration-schemas$",
    ]

    def create_addon(self: Any) -> Any:
        with _LOCK:
            params, backend, cluster = _request(self)
            cluster_name, addon_name = cluster.name, params.get("addonName")
            if addon_name not in ADDON_CATALOGUE:
                raise _invalid(
                    "Addon specified is not supported", clusterName=cluster_name, addonName=addon_name
                )
            if addon_name in _addons(cluster):
                raise _in_use("Addon already exists.", clusterName=cluster_name, addonName=addon_name)
            _require_active(cluster)
            version = _resolve_addon_version(cluster, addon_name, params.get("addonVersion"))
            _check_resolve_conflicts(params.get("resolveConflicts"))
            configuration = _parse_configuration(params.get("configurationValues"), addon_name)
            role = params.get("serviceAccountRoleArn")
            if role:
                _validate_role_arn(role)
            namespace = (params.get("namespaceConfig") or {}).get("namespace") or ADDON_NAMESPACE
            now = _now_utc()
            addon = Addon(
                cluster_name=cluster_name,
                name=addon_name,
                version=version,
                arn=f"arn:{backend.partition}:eks:{backend.region_name}:{backend.account_id}:addon/"
                f"{cluster_name}/{addon_name}/{_uuid()}",
                namespace=namespace,
                service_account_role_arn=role or None,
                configuration_values=configuration or None,
                tags=dict(params.get("tags") or {}),
                created_at=now,
                modified_at=now,
            )
            _addon_pod_identities(backend, cluster, addon, params.get("podIdentityAssociations") or [])
            _addons(cluster)[addon_name] = addon
        return _result({"addon": addon.describe()})

    describe_addon = _describer("describe_addon", "addon", _find_addon, "addonName")

    def list_addons(self: Any) -> Any:
        params, _, cluster = _request(self)
        return _paged(params, "addons", sorted(_addons(cluster)))

    def update_addon(self: Any) -> Any:
        with _LOCK:
            params, backend, cluster = _request(self)
            cluster_name, addon_name = cluster.name, params.uri("addonName")
            addon = _find_addon(cluster, addon_name)
            status = addon.status()
            if status not in ("ACTIVE", "DEGRADED"):
                raise _in_use(
                    f"Addon {addon_name} cannot be updated as it is currently in {status} state",
                    clusterName=cluster_name,
                    addonName=addon_name,
                )
            _require_active(cluster)
            update_params: list[dict[str, str]] = []
            version = params.get("addonVersion")
            if version is not None:
                version = _resolve_addon_version(cluster, addon_name, version)
                update_params.append({"type": "AddonVersion", "value": version})
            resolve = params.get("resolveConflicts")
            _check_resolve_conflicts(resolve)
            if resolve is not None:
                update_params.append({"type": "ResolveConflicts", "value": resolve})
            configuration = params.get("configurationValues")
            if configuration is not None:
                _parse_configuration(configuration, addon_name)
                update_params.append({"type": "ConfigurationValues", "value": configuration})
            role = params.get("serviceAccountRoleArn")
            if role:
                _validate_role_arn(role)
            if role is not None:
                update_params.append({"type": "ServiceAccountRoleArn", "value": role})
            pod_identities = params.get("podIdentityAssociations")
            if pod_identities is not None:
                _addon_pod_identities(backend, cluster, addon, pod_identities)
                update_params.append({"type": "PodIdentityAssociations", "value": json.dumps(pod_identities)})
            if version is not None:
                addon.version = version
            if configuration is not None:
                addon.configuration_values = configuration or None
            if role is not None:
                addon.service_account_role_arn = role or None
            addon.modified_at = _now_utc()
            addon.transition, addon.started = "UPDATING", lifecycle.now()
            record = _record_update(cluster, ADDON_KIND, "AddonUpdate", update_params, addon=addon_name)
        return _result({"update": _render_update(record)})

    def delete_addon(self: Any) -> Any:
        with _LOCK:
            params, _, cluster = _request(self)
            addon = _find_addon(cluster, params.uri("addonName"))
            if addon.transition != "DELETING":
                addon.preserve = str(params.q("preserve", "false")).lower() == "true"
                associations = _associations(cluster)
                for association in [a for a in associations.values() if a.owner_arn == addon.arn]:
                    del associations[association.association_id]
                addon.pod_identity_arns = []
                addon.transition, addon.started = "DELETING", lifecycle.now()
                addon.modified_at = _now_utc()
        return _result({"addon": addon.describe()})

    def describe_addon_versions(self: Any) -> Any:
        params = _Params(self)
        kubernetes_version = params.q("kubernetesVersion")
        names = [params.q("addonName")] if params.q("addonName") else sorted(ADDON_CATALOGUE)
        types, publishers, owners = (
            params.q_list("types"),
            params.q_list("publishers"),
            params.q_list("owners"),
        )
        infos = []
        for addon_name in names:
            entry = ADDON_CATALOGUE.get(addon_name)
            if entry is None:
                continue
            if (types and entry["type"] not in types) or (publishers and "eks" not in publishers):
                continue
            if owners and "aws" not in owners:
                continue
            k8s = [kubernetes_version] if kubernetes_version else list(KUBERNETES_VERSIONS)
            by_version: dict[str, list[dict[str, Any]]] = {}
            for k in k8s:
                versions = entry["versions"].get(k)
                if not versions:
                    continue
                for version in versions["all"]:
                    by_version.setdefault(version, []).append(
                        {
                            "clusterVersion": k,
                            "platformVersions": ["*"],
                            "defaultVersion": version == versions["default"],
                        }
                    )
            if not by_version:
                continue
            ordered = sorted(by_version, key=_version_key, reverse=True)
            infos.append(
                {
                    "addonName": addon_name,
                    "type": entry["type"],
                    "addonVersions": [
                        {
                            "addonVersion": version,
                            "architecture": list(_ARCH),
                            "computeTypes": ["ec2"],
                            "compatibilities": by_version[version],
                            "requiresConfiguration": False,
                            "requiresIamPermissions": entry["requiresIamPermissions"],
                        }
                        for version in ordered
                    ],
                    "publisher": "eks",
                    "owner": "aws",
                    "defaultNamespace": ADDON_NAMESPACE,
                }
            )
        return _paged(params, "addons", infos)

    def describe_addon_configuration(self: Any) -> Any:
        params = _Params(self)
        addon_name, version = params.q("addonName"), params.q("addonVersion")
        entry = ADDON_CATALOGUE.get(addon_name)
        known = entry and any(version in v["all"] for v in entry["versions"].values())
        if not known:
            raise _invalid("Addon version specified is not supported", addonName=addon_name)
        schema = {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "additionalProperties": True,
            "properties": {
                "resources": {"type": "object"},
                "tolerations": {"type": "array"},
                "nodeSelector": {"type": "object"},
            },
        }
        return _result(
            {
                "addonName": addon_name,
                "addonVersion": version,
                "configurationSchema": json.dumps(schema),
                "podIdentityConfiguration": [
                    {"serviceAccount": account, "recommendedManagedPolicies": policies}
                    for account, policies in entry["serviceAccounts"].items()
                ],
            }
        )

    _register(
        "eks-addons",
        patterns,
        create_addon,
        describe_addon,
        list_addons,
        update_addon,
        delete_addon,
        describe_addon_versions,
        describe_addon_configuration,
    )


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", version))


# --------------------------------------------------------------------------------------------------------
# Access entries


@dataclass
class AccessEntry:
    cluster_name: str
    principal_arn: str
    type: str
    username: str
    kubernetes_groups: list[str]
    arn: str
    tags: dict[str, str]
    created_at: Any
    modified_at: Any
    policies: dict[str, dict[str, Any]] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        return {
            "clusterName": self.cluster_name,
            "principalArn": self.principal_arn,
            "kubernetesGroups": list(self.kubernetes_groups),
            "accessEntryArn": self.arn,
            "createdAt": self.created_at,
            "modifiedAt": self.modified_at,
            "tags": dict(self.tags),
            "username": self.username,
            "type": self.type,
        }


def _access_entries(cluster: Any) -> dict[str, AccessEntry]:
    return _state(cluster, "access_entries")


def _require_api_mode(cluster: Any) -> None:
    mode = (getattr(cluster, "access_config", None) or {}).get("authenticationMode", "CONFIG_MAP")
    if mode not in ("API", "API_AND_CONFIG_MAP"):
        raise _invalid_request(
            "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform "
            "this operation.",
            clusterName=cluster.name,
        )


def _find_access_entry(cluster: Any, principal_arn: str) -> AccessEntry:
    message = f"The specified principalArn could not be found: {principal_arn} in cluster {cluster.name}"
    return _found(_access_entries(cluster).get(principal_arn), cluster, message)


def _check_names(username: Any, groups: Any) -> None:
    if username is not None:
        if not isinstance(username, str) or not username:
            raise _invalid("username must be a non-empty string")
        if username.startswith(RESERVED_PREFIXES):
            raise _invalid(
                f"username {username} is not valid: it can't start with {', '.join(RESERVED_PREFIXES)}"
            )
    for group in groups or []:
        if not isinstance(group, str) or not group:
            raise _invalid("kubernetesGroups must be non-empty strings")
        if group.startswith(RESERVED_PREFIXES):
            raise _invalid(
                f"kubernetesGroups {group} is not valid: it can't start with {', '.join(RESERVED_PREFIXES)}"
            )


def _new_access_entry(
    backend: Any,
    cluster: Any,
    principal_arn: str,
    entry_type: str,
    username: str | None,
    groups: list[str] | None,
    tags: dict[str, str],
) -> AccessEntry:
    match = _PRINCIPAL.match(principal_arn or "")
    if not match:
        raise _invalid(
            f"The specified principalArn is invalid: {principal_arn}. It must be the ARN of an IAM role or "
            "user.",
            clusterName=cluster.name,
        )
    partition, account, kind, name = match.groups()
    if entry_type not in ACCESS_ENTRY_TYPES:
        raise _invalid(f"The type {entry_type} is not valid, valid types: {', '.join(ACCESS_ENTRY_TYPES)}")
    if entry_type == "STANDARD":
        _check_names(username, groups)
        if username is None:
            username = (
                f"arn:{partition}:sts::{account}:assumed-role/{name}/{{{{SessionName}}}}"
                if kind == "role"
                else principal_arn
            )
        groups = sorted(set(groups or []))
    else:
        if kind != "role":
            raise _invalid(f"Access entries of type {entry_type} need an IAM role as principalArn")
        if username is not None or groups:
            raise _invalid(
                f"username and kubernetesGroups cannot be specified for access entry type {entry_type}"
            )
        username, groups = _NODE_ENTRY_DEFAULTS[entry_type]
        groups = list(groups)
    entries = _access_entries(cluster)
    if principal_arn in entries:
        raise _in_use(
            "The specified access entry resource is already in use on this cluster.", clusterName=cluster.name
        )
    now = _now_utc()
    entry = AccessEntry(
        cluster_name=cluster.name,
        principal_arn=principal_arn,
        type=entry_type,
        username=username,
        kubernetes_groups=list(groups),
        arn=f"arn:{backend.partition}:eks:{backend.region_name}:{backend.account_id}:access-entry/"
        f"{cluster.name}/{kind}/{account}/{name}/{_uuid()[:36]}",
        tags=dict(tags),
        created_at=now,
        modified_at=now,
    )
    entries[principal_arn] = entry
    return entry


def _policy_arn(backend: Any, policy: str) -> str:
    return f"arn:{backend.partition}:eks::aws:cluster-access-policy/{policy}"


def _check_scope(scope: Any) -> dict[str, Any]:
    if not isinstance(scope, dict) or scope.get("type") not in ("cluster", "namespace"):
        raise _invalid("accessScope.type must be cluster or namespace")
    namespaces = scope.get("namespaces") or []
    if scope["type"] == "namespace" and not namespaces:
        raise _invalid("accessScope.namespaces must name at least one namespace for type namespace")
    if scope["type"] == "cluster" and namespaces:
        raise _invalid("accessScope.namespaces must be empty for type cluster")
    for namespace in namespaces:
        if not isinstance(namespace, str) or not re.fullmatch(
            r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\*?|\*", namespace
        ):
            raise _invalid(f"accessScope.namespaces: {namespace!r} is not a valid namespace")
    return {"type": scope["type"], "namespaces": list(dict.fromkeys(namespaces))}


def _associate(backend: Any, entry: AccessEntry, policy_arn: str, scope: Any) -> dict[str, Any]:
    valid = {_policy_arn(backend, p) for p in ACCESS_POLICIES}
    if policy_arn not in valid:
        raise _invalid(f"The specified policyArn is not valid: {policy_arn}", clusterName=entry.cluster_name)
    if entry.type != "STANDARD":
        raise _invalid(
            f"Access policies can only be associated with access entries of type STANDARD, not {entry.type}"
        )
    scope = _check_scope(scope)
    now = _now_utc()
    existing = entry.policies.get(policy_arn)
    if existing is not None:
        existing["accessScope"] = scope
        existing["modifiedAt"] = now
        return existing
    entry.policies[policy_arn] = {
        "policyArn": policy_arn,
        "accessScope": scope,
        "associatedAt": now,
        "modifiedAt": now,
    }
    return entry.policies[policy_arn]


@patches._patch("eks-access-entries", patches._EXTENSIONS)
def _eks_access_entries() -> None:
    """EKS access entries, access policy associations and the access policy catalogue."""
    # The principal ARN is one URI label, but it is percent-decoded before Flask routes it, so its "/"
    # are real path separators here: one greedy route takes every access-entry path; moto's own router
    # (botocore's model, matched on the raw path) then names the operation.
    patterns = [
        "{0}/clusters/(?P<name>[^/]+)/access-entries$",
        "{0}/clusters/(?P<name>[^/]+)/access-entries/(?P<principalArn>.+)$",
        "{0}/access-policies$",
    ]

    def new_access_entry(params: _Params, backend: Any, cluster: Any) -> AccessEntry:
        _require_api_mode(cluster)
        principal, entry_type = params.get("principalArn"), params.get("type") or "STANDARD"
        username, groups = params.get("username"), params.get("kubernetesGroups")
        return _new_access_entry(
            backend, cluster, principal, entry_type, username, groups, params.get("tags") or {}
        )

    create_access_entry = _creator("create_access_entry", "accessEntry", new_access_entry)
    describe_access_entry = _describer(
        "describe_access_entry", "accessEntry", _find_access_entry, "principalArn"
    )

    def list_access_entries(self: Any) -> Any:
        params, _, cluster = _request(self)
        policy = params.q("associatedPolicyArn")
        arns = sorted(
            a for a, e in _access_entries(cluster).items() if policy is None or policy in e.policies
        )
        return _paged(params, "accessEntries", arns)

    def update_access_entry(self: Any) -> Any:
        with _LOCK:
            params, _, cluster = _request(self, active=True)
            entry = _find_access_entry(cluster, params.uri("principalArn"))
            username, groups = params.get("username"), params.get("kubernetesGroups")
            if entry.type != "STANDARD" and (username is not None or groups is not None):
                raise _invalid(
                    f"username and kubernetesGroups cannot be updated for access entry type {entry.type}"
                )
            _check_names(username, groups)
            if username is not None:
                entry.username = username
            if groups is not None:
                entry.kubernetes_groups = sorted(set(groups))
            return _updated(entry, "accessEntry")

    def delete_access_entry(self: Any) -> Any:
        with _LOCK:
            params, _, cluster = _request(self)
            entry = _find_access_entry(cluster, params.uri("principalArn"))
            del _access_entries(cluster)[entry.principal_arn]
        return _result({})

    def associate_access_policy(self: Any) -> Any:
        with _LOCK:
            params, backend, cluster = _request(self, active=True)
            entry = _find_access_entry(cluster, params.uri("principalArn"))
            associated = _associate(backend, entry, params.get("policyArn"), params.get("accessScope"))
        return _result(
            {
                "clusterName": cluster.name,
                "principalArn": entry.principal_arn,
                "associatedAccessPolicy": copy.deepcopy(associated),
            }
        )

    def disassociate_access_policy(self: Any) -> Any:
        with _LOCK:
            params, _, cluster = _request(self, active=True)
            entry = _find_access_entry(cluster, params.uri("principalArn"))
            policy_arn = params.uri("policyArn")
            if policy_arn not in entry.policies:
                raise _not_found(
                    f"The policy {policy_arn} is not associated with the access entry {entry.principal_arn}",
                    clusterName=cluster.name,
                )
            del entry.policies[policy_arn]
        return _result({})

    def list_associated_access_policies(self: Any) -> Any:
        params, _, cluster = _request(self)
        entry = _find_access_entry(cluster, params.uri("principalArn"))
        policies = [copy.deepcopy(entry.policies[arn]) for arn in sorted(entry.policies)]
        return _paged(
            params,
            "associatedAccessPolicies",
            policies,
            clusterName=cluster.name,
            principalArn=entry.principal_arn,
        )

    def list_access_policies(self: Any) -> Any:
        params, backend = _Params(self), _backend(self)
        policies = [{"name": p, "arn": _policy_arn(backend, p)} for p in ACCESS_POLICIES]
        return _paged(params, "accessPolicies", policies)

    _register(
        "eks-access-entries",
        patterns,
        create_access_entry,
        describe_access_entry,
        list_access_entries,
        update_access_entry,
        delete_access_entry,
        associate_access_policy,
        disassociate_access_policy,
        list_associated_access_policies,
        list_access_policies,
    )


# --------------------------------------------------------------------------------------------------------
# Pod Identity associations


@dataclass
class PodIdentityAssociation:
    cluster_name: str
    association_id: str
    arn: str
    namespace: str
    service_account: str
    role_arn: str
    tags: dict[str, str]
    created_at: Any
    modified_at: Any
    owner_arn: str | None = None
    disable_session_tags: bool = False
    target_role_arn: str | None = None
    external_id: str | None = None
    policy: str | None = None

    def summary(self) -> dict[str, Any]:
        return _clean(
            {
                "clusterName": self.cluster_name,
                "namespace": self.namespace,
                "serviceAccount": self.service_account,
                "associationArn": self.arn,
                "associationId": self.association_id,
                "ownerArn": self.owner_arn,
            }
        )

    def describe(self) -> dict[str, Any]:
        return _clean(
            {
                **self.summary(),
                "roleArn": self.role_arn,
                "tags": dict(self.tags),
                "createdAt": self.created_at,
                "modifiedAt": self.modified_at,
                "disableSessionTags": self.disable_session_tags,
                "targetRoleArn": self.target_role_arn,
                "externalId": self.external_id,
                "policy": self.policy,
            }
        )


def _associations(cluster: Any) -> dict[str, PodIdentityAssociation]:
    return _state(cluster, "pod_identity_associations")


def _find_association(cluster: Any, association_id: str) -> PodIdentityAssociation:
    message = f"No Pod Identity association found with id: {association_id} in cluster {cluster.name}"
    return _found(_associations(cluster).get(association_id), cluster, message)


def _find_association_by_account(cluster: Any, namespace: str, service_account: str) -> Any:
    for association in _associations(cluster).values():
        if association.namespace == namespace and association.service_account == service_account:
            return association
    return None


def _new_association(
    backend: Any,
    cluster: Any,
    namespace: Any,
    service_account: Any,
    role_arn: Any,
    tags: dict[str, str],
    owner: str | None = None,
    **options: Any,
) -> PodIdentityAssociation:
    for label, value in (("namespace", namespace), ("serviceAccount", service_account)):
        if not isinstance(value, str) or not re.fullmatch(r"[a-z0-9]([-a-z0-9.]*[a-z0-9])?", value):
            raise _invalid(f"{label} {value!r} is not a valid Kubernetes name", clusterName=cluster.name)
    _validate_role_arn(role_arn)
    existing = _find_association_by_account(cluster, namespace, service_account)
    if existing is not None:
        raise _in_use(f"Association already exists: {existing.association_id}", clusterName=cluster.name)
    association_id = f"a-{_random_string(17)}"
    now = _now_utc()
    association = PodIdentityAssociation(
        cluster_name=cluster.name,
        association_id=association_id,
        arn=f"arn:{backend.partition}:eks:{backend.region_name}:{backend.account_id}:podidentityassociation/"
        f"{cluster.name}/{association_id}",
        namespace=namespace,
        service_account=service_account,
        role_arn=role_arn,
        tags=dict(tags),
        created_at=now,
        modified_at=now,
        owner_arn=owner,
        **options,
    )
    _associations(cluster)[association_id] = association
    return association


def _association_options(params: _Params, current: PodIdentityAssociation | None = None) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if params.get("disableSessionTags") is not None:
        options["disable_session_tags"] = bool(params.get("disableSessionTags"))
    target = params.get("targetRoleArn")
    if target is not None:
        if target:
            _validate_role_arn(target)
        options["target_role_arn"] = target or None
        if target and not (current and current.external_id):
            options["external_id"] = _uuid()
        if not target:
            options["external_id"] = None
    if params.get("policy") is not None:
        policy = params.get("policy")
        if policy:
            try:
                json.loads(policy)
            except ValueError as exc:
                raise _invalid("policy is not a valid JSON policy document") from exc
        options["policy"] = policy or None
    return options


@patches._patch("eks-pod-identity-associations", patches._EXTENSIONS)
def _eks_pod_identity_associations() -> None:
    """EKS Pod Identity associations."""
    patterns = [
        "{0}/clusters/(?P<name>[^/]+)/pod-identity-associations$",
        "{0}/clusters/(?P<name>[^/]+)/pod-identity-associations/(?P<associationId>[^/]+)$",
    ]

    def owned_by_addon(association: PodIdentityAssociation, action: str) -> None:
        if association.owner_arn:
            raise _invalid_request(
                f"Cannot {action} Pod Identity association {association.association_id}: it is owned by "
                f"{association.owner_arn}; change the add-on instead",
                clusterName=association.cluster_name,
            )

    def new_association(params: _Params, backend: Any, cluster: Any) -> PodIdentityAssociation:
        namespace, account, role = (
            params.get("namespace"),
            params.get("serviceAccount"),
            params.get("roleArn"),
        )
        tags = params.get("tags") or {}
        return _new_association(
            backend, cluster, namespace, account, role, tags, **_association_options(params)
        )

    create_pod_identity_association = _creator(
        "create_pod_identity_association", "association", new_association
    )
    describe_pod_identity_association = _describer(
        "describe_pod_identity_association", "association", _find_association, "associationId"
    )

    def list_pod_identity_associations(self: Any) -> Any:
        params, _, cluster = _request(self)
        namespace, account = params.q("namespace"), params.q("serviceAccount")
        found = [
            a.summary()
            for a in sorted(_associations(cluster).values(), key=lambda a: (a.namespace, a.service_account))
            if (namespace is None or a.namespace == namespace)
            and (account is None or a.service_account == account)
        ]
        return _paged(params, "associations", found)

    def update_pod_identity_association(self: Any) -> Any:
        with _LOCK:
            params, _, cluster = _request(self, active=True)
            association = _find_association(cluster, params.uri("associationId"))
            owned_by_addon(association, "update")
            role = params.get("roleArn")
            if role is not None:
                _validate_role_arn(role)
            options = _association_options(params, association)
            if role is not None:
                association.role_arn = role
            for key, value in options.items():
                setattr(association, key, value)
            return _updated(association, "association")

    def delete_pod_identity_association(self: Any) -> Any:
        with _LOCK:
            params, _, cluster = _request(self)
            association = _find_association(cluster, params.uri("associationId"))
            owned_by_addon(association, "delete")
            del _associations(cluster)[association.association_id]
        return _result({"association": association.describe()})

    _register(
        "eks-pod-identity-associations",
        patterns,
        create_pod_identity_association,
        describe_pod_identity_association,
        list_pod_identity_associations,
        update_pod_identity_association,
        delete_pod_identity_association,
    )


# --------------------------------------------------------------------------------------------------------
# Tags on the extension resources


@patches._patch("eks-tags-extension-resources", patches._EXTENSIONS)
def _eks_tags_extension_resources() -> None:
    """Tag/Untag/ListTagsForResource on add-on, access entry and Pod Identity association ARNs.

    Wraps the backend methods (already wrapped by the fidelity patch eks-tags-nodegroups-fargate, which
    handles node groups and Fargate profiles); anything else goes to the wrapped method.
    """
    from moto.eks.models import EKSBackend
    from moto.eks.responses import EKSResponse

    fidelity = "eks-tags-nodegroups-fargate"
    original_untag_response = EKSResponse.untag_resource
    _require_params(original_untag_response, "self")
    if not callable(getattr(EKSResponse, "_extract_arn_from_path", None)):
        raise PatchDoesNotFit("EKSResponse._extract_arn_from_path is gone")
    original_tag = EKSBackend.tag_resource
    original_untag = EKSBackend.untag_resource
    original_list = EKSBackend.list_tags_for_resource
    first = fidelity.__eq__  # the fidelity patch wrapped these first
    patches._require_params(original_tag, "self", "resource_arn", "tags", may_be_patched_by=first)
    patches._require_params(original_untag, "self", "resource_arn", "tag_keys", may_be_patched_by=first)
    patches._require_params(original_list, "self", "resource_arn", may_be_patched_by=first)

    def find(backend: Any, arn: str) -> Any:
        if ":addon/" not in arn and ":access-entry/" not in arn and ":podidentityassociation/" not in arn:
            return None
        for cluster in list(backend.clusters.values()):
            for table in (_addons(cluster), _access_entries(cluster), _associations(cluster)):
                for resource in table.values():
                    if resource.arn == arn:
                        return resource
        return None

    @functools.wraps(original_tag)
    def tag_resource(self: Any, resource_arn: str, tags: dict[str, str]) -> None:
        resource = find(self, resource_arn)
        if resource is None:
            return original_tag(self, resource_arn, tags)
        resource.tags.update(tags or {})
        return None

    @functools.wraps(original_untag)
    def untag_resource(self: Any, resource_arn: str, tag_keys: list[str] | str) -> None:
        resource = find(self, resource_arn)
        if resource is None:
            return original_untag(self, resource_arn, tag_keys)
        for key in [tag_keys] if isinstance(tag_keys, str) else tag_keys or []:
            resource.tags.pop(key, None)
        return None

    @functools.wraps(original_list)
    def list_tags_for_resource(self: Any, resource_arn: str) -> dict[str, str]:
        resource = find(self, resource_arn)
        return original_list(self, resource_arn) if resource is None else dict(resource.tags)

    @functools.wraps(original_untag_response)
    def untag_resource_response(self: Any) -> Any:
        """moto passes only the first ``tagKeys`` of the query string on; AWS removes them all."""
        from moto.core.responses import EmptyResult

        keys = _Params(self).q_list("tagKeys")
        self.eks_backend.untag_resource(self._extract_arn_from_path(), keys)
        return EmptyResult()

    name = "eks-tags-extension-resources"
    EKSResponse.untag_resource = _mark(untag_resource_response, name)
    EKSBackend.tag_resource = _mark(tag_resource, name)
    EKSBackend.untag_resource = _mark(untag_resource, name)
    EKSBackend.list_tags_for_resource = _mark(list_tags_for_resource, name)
