#!/usr/bin/python
"""An Amazon EKS cluster with endpoint access, control-plane logging, secrets encryption and access
configuration; changes are applied one update at a time, as EKS requires."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: eks_cluster
short_description: Manage an Amazon EKS cluster (endpoint access, logging, encryption, access config)
version_added: "0.4.0"
description:
  - Creates, updates or deletes an Amazon EKS cluster, with what C(community.aws.eks_cluster) lacks,
    namely private and public endpoint access with a CIDR allow-list, control-plane logging, envelope
    encryption of Kubernetes secrets with a KMS key, the authentication mode (access entries), the
    service CIDR and tags.
  - "Changes to an existing cluster are made one update at a time, as EKS accepts only one at a time:
    control-plane logging, endpoint access, subnets and security groups, authentication mode
    (C(UpdateClusterConfig)), secrets encryption (C(AssociateEncryptionConfig)), then the Kubernetes
    version (C(UpdateClusterVersion)). Before each update the module waits until the cluster is
    C(ACTIVE) and, when EKS returns an update id, until C(DescribeUpdate) says the update succeeded
    (a failed or cancelled update fails the module with EKS's errors). I(wait) only decides whether
    the module also waits after the last change."
  - "Some changes are impossible on EKS and fail before anything is changed, naming the setting:
    a Kubernetes version downgrade or an upgrade by more than one minor version (upgrade one minor
    version per run), removing or replacing the secrets encryption key, moving the authentication mode
    away from C(API) (the order is C(CONFIG_MAP) -> C(API_AND_CONFIG_MAP) -> C(API)), another
    I(role_arn) or another service CIDR."
  - "Deleting: the module refuses (a clear error naming them) while the cluster still has managed node
    groups or Fargate profiles, because EKS cannot delete such a cluster; delete them first (for
    example M(community.aws.eks_nodegroup) with C(state=absent) and C(wait=true)). There is
    deliberately no option to delete them here: they belong to the tasks that created them. In check
    mode the module only warns about them. Add-ons and access entries go with the cluster."
  - "Check mode makes no change (only C(Describe*)/C(List*) calls) and works without the cluster
    (placeholders such as the role ARN are never sent)."
options:
  name:
    description: Name of the cluster.
    type: str
    required: true
  state:
    description: Whether the cluster exists.
    type: str
    choices: [present, absent]
    default: present
  version:
    description:
      - Kubernetes version (C(major.minor), for example C("1.35")). Not set creates the cluster with
        EKS's default version and leaves the version of an existing cluster as it is.
      - An existing cluster is upgraded by one minor version at a time (C(UpdateClusterVersion)).
    type: str
  role_arn:
    description:
      - ARN of the IAM role the EKS control plane uses. Required with C(state=present).
      - It cannot change after creation (the module fails when it differs).
    type: str
  subnet_ids:
    description:
      - Subnets of the cluster's network interfaces (at least two Availability Zones). Required with
        C(state=present).
      - Another set for an existing cluster is applied with a separate update (the subnets must stay
        in the cluster's VPC).
    type: list
    elements: str
  security_group_ids:
    description:
      - Additional security groups of the cluster's network interfaces (EKS also makes its own cluster
        security group, returned as I(cluster.cluster_security_group_id)).
      - Not set leaves them as they are; an empty list removes them.
    type: list
    elements: str
  endpoint_private_access:
    description: Whether the API server endpoint is reachable from inside the VPC.
    type: bool
    default: true
  endpoint_public_access:
    description:
      - Whether the API server endpoint is reachable from the internet (from I(public_access_cidrs)).
      - At least one of the private and public endpoints must be on.
    type: bool
    default: false
  public_access_cidrs:
    description:
      - CIDR blocks allowed to reach the public endpoint. Only compared and sent when
        I(endpoint_public_access=true); not set leaves them as they are (EKS's default is
        C(0.0.0.0/0)). An empty list with a public endpoint is an error.
    type: list
    elements: str
  logging:
    description:
      - Control-plane log types sent to CloudWatch Logs; the other types are turned off. An empty list
        turns every type off.
    type: list
    elements: str
    choices: [api, audit, authenticator, controllerManager, scheduler]
    default: []
  encryption_key_arn:
    description:
      - ARN of the KMS key that envelope-encrypts Kubernetes secrets.
      - Set on an existing cluster without encryption, it is added (C(AssociateEncryptionConfig), a long
        update). EKS can neither remove nor replace it, so the module fails when the cluster is encrypted
        with another key, or when this is an empty string and the cluster is encrypted.
      - Not set leaves an existing cluster's encryption as it is (and creates the cluster without).
      - Compared as given: pass the same form (key ARN or alias ARN) as at creation.
    type: str
  authentication_mode:
    description:
      - How the cluster authenticates IAM principals. C(API) uses only access entries.
      - EKS only allows moves towards C(API) (C(CONFIG_MAP) -> C(API_AND_CONFIG_MAP) -> C(API)); the
        module fails on any other change.
    type: str
    choices: [API, API_AND_CONFIG_MAP, CONFIG_MAP]
    default: API
  bootstrap_cluster_creator_admin_permissions:
    description:
      - Whether the IAM principal that creates the cluster gets a cluster-admin access entry.
      - Only used at creation (EKS cannot change it later; a difference is reported as a warning).
        With C(authentication_mode=CONFIG_MAP) EKS needs it true.
    type: bool
    default: false
  kubernetes_network_config:
    description: Kubernetes network settings (only at creation; a different value fails).
    type: dict
    suboptions:
      service_ipv4_cidr:
        description: CIDR block of the Kubernetes services (EKS's default is 10.100.0.0/16 or 172.20.0.0/16).
        type: str
  wait:
    description:
      - Wait until the cluster is C(ACTIVE) after creating or updating it, and until it is gone after
        deleting it. Between two updates the module always waits.
    type: bool
    default: true
  wait_timeout:
    description: How many seconds each wait may take before the module fails.
    type: int
    default: 1800
author:
  - fastish maintainers
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The release's EKS cluster
  fastish.platform.eks_cluster:
    name: acme-data-analytics-eks
    version: "1.35"
    role_arn: arn:aws:iam::123456789012:role/acme-data-analytics-eks-cluster
    subnet_ids: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002, subnet-0a1b2c3d4e5f60003]
    endpoint_private_access: true
    endpoint_public_access: true
    public_access_cidrs: [198.51.100.0/24]
    logging: [api, audit, authenticator, controllerManager, scheduler]
    encryption_key_arn: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    authentication_mode: API
    tags:
      fastish:release: analytics
  register: eks

- name: Delete it (its node groups first)
  fastish.platform.eks_cluster:
    name: acme-data-analytics-eks
    state: absent
"""

RETURN = r"""
cluster:
  description:
    - The cluster after the change (in check mode, what it would be; values only EKS knows are null
      before creation). Empty after a deletion.
  returned: always
  type: dict
  contains:
    name: {description: Name., type: str}
    arn: {description: ARN., type: str}
    endpoint: {description: URL of the Kubernetes API server., type: str}
    certificate_authority_data: {description: Base64 PEM of the cluster's CA., type: str}
    status: {description: "CREATING, ACTIVE, UPDATING, DELETING or FAILED.", type: str}
    version: {description: Kubernetes version., type: str}
    platform_version: {description: EKS platform version., type: str}
    role_arn: {description: IAM role of the control plane., type: str}
    oidc_issuer: {description: OIDC issuer URL (for the IAM OIDC provider)., type: str}
    cluster_security_group_id: {description: Security group EKS made for the cluster., type: str}
    logging: {description: Enabled control-plane log types., type: list, elements: str}
    access_config:
      description: authentication_mode and bootstrap_cluster_creator_admin_permissions.
      type: dict
    encryption_config:
      description: Encryption settings (resources and provider.key_arn).
      type: list
      elements: dict
    resources_vpc_config:
      description: >-
        subnet_ids, security_group_ids, cluster_security_group_id, vpc_id, endpoint_private_access,
        endpoint_public_access, public_access_cidrs.
      type: dict
    kubernetes_network_config: {description: Network settings (service_ipv4_cidr, ip_family)., type: dict}
    tags: {description: Tags., type: dict}
updates:
  description: The changes made (in check mode, that would be made), in order.
  returned: always
  type: list
  elements: str
  sample: ["logging", "endpoint access", "version 1.35"]
"""

import re
import time

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.fastish.platform.plugins.module_utils import eks_api
from ansible_collections.fastish.platform.plugins.module_utils.eks_api import ACTIVE, EksApiError

LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
AUTH_MODES = ["CONFIG_MAP", "API_AND_CONFIG_MAP", "API"]  # EKS only moves to the right
FAILED = "FAILED"
DELETING = "DELETING"
EksClusterError = EksApiError  # this module's failures (the name its unit tests catch)


def version_tuple(version):
    """``"1.35"`` -> (1, 35); None for anything else."""
    match = re.fullmatch(r"(\d+)\.(\d+)", str(version or "").strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def enabled_log_types(cluster):
    enabled = set()
    for setup in (cluster.get("logging") or {}).get("clusterLogging") or []:
        if setup.get("enabled"):
            enabled.update(setup.get("types") or [])
    return [t for t in LOG_TYPES if t in enabled] + sorted(enabled - set(LOG_TYPES))


def logging_request(types):
    """The ``logging`` of Create/UpdateClusterConfig: ``types`` on, every other type off."""
    setups = []
    if types:
        setups.append({"types": list(types), "enabled": True})
    others = [t for t in LOG_TYPES if t not in types]
    if others:
        setups.append({"types": others, "enabled": False})
    return {"clusterLogging": setups}


def encryption_key(cluster):
    """The KMS key that encrypts the cluster's secrets, or None."""
    for config in cluster.get("encryptionConfig") or []:
        if "secrets" in (config.get("resources") or []):
            return (config.get("provider") or {}).get("keyArn")
    return None


def view(cluster):
    """The module's (snake_case) view of a DescribeCluster ``cluster``."""
    vpc = cluster.get("resourcesVpcConfig") or {}
    access = cluster.get("accessConfig")
    network = cluster.get("kubernetesNetworkConfig") or {}
    return {
        "name": cluster.get("name"),
        "arn": cluster.get("arn"),
        "endpoint": cluster.get("endpoint"),
        "certificate_authority_data": (cluster.get("certificateAuthority") or {}).get("data"),
        "status": cluster.get("status"),
        "version": cluster.get("version"),
        "platform_version": cluster.get("platformVersion"),
        "role_arn": cluster.get("roleArn"),
        "oidc_issuer": ((cluster.get("identity") or {}).get("oidc") or {}).get("issuer"),
        "cluster_security_group_id": vpc.get("clusterSecurityGroupId"),
        "logging": enabled_log_types(cluster),
        "access_config": {
            "authentication_mode": access.get("authenticationMode"),
            "bootstrap_cluster_creator_admin_permissions": access.get(
                "bootstrapClusterCreatorAdminPermissions"
            ),
        }
        if access is not None
        else {},
        "encryption_config": [
            {
                "resources": list(config.get("resources") or []),
                "provider": {"key_arn": (config.get("provider") or {}).get("keyArn")},
            }
            for config in cluster.get("encryptionConfig") or []
        ],
        "resources_vpc_config": {
            "subnet_ids": list(vpc.get("subnetIds") or []),
            "security_group_ids": list(vpc.get("securityGroupIds") or []),
            "cluster_security_group_id": vpc.get("clusterSecurityGroupId"),
            "vpc_id": vpc.get("vpcId"),
            "endpoint_private_access": vpc.get("endpointPrivateAccess"),
            "endpoint_public_access": vpc.get("endpointPublicAccess"),
            "public_access_cidrs": list(vpc.get("publicAccessCidrs") or []),
        },
        "kubernetes_network_config": {
            "service_ipv4_cidr": network.get("serviceIpv4Cidr"),
            "ip_family": network.get("ipFamily"),
        },
        "tags": dict(cluster.get("tags") or {}),
    }


def settings(cluster):
    """The settings the module manages (what the diff shows) of a DescribeCluster ``cluster``."""
    vpc = cluster.get("resourcesVpcConfig") or {}
    access = cluster.get("accessConfig") or {}
    return {
        "version": cluster.get("version"),
        "role_arn": cluster.get("roleArn"),
        "subnet_ids": sorted(vpc.get("subnetIds") or []),
        "security_group_ids": sorted(vpc.get("securityGroupIds") or []),
        "endpoint_private_access": vpc.get("endpointPrivateAccess"),
        "endpoint_public_access": vpc.get("endpointPublicAccess"),
        "public_access_cidrs": sorted(vpc.get("publicAccessCidrs") or []),
        "logging": enabled_log_types(cluster),
        "encryption_key_arn": encryption_key(cluster),
        "authentication_mode": access.get("authenticationMode"),
        "service_ipv4_cidr": (cluster.get("kubernetesNetworkConfig") or {}).get("serviceIpv4Cidr"),
        "tags": dict(cluster.get("tags") or {}),
    }


class EksCluster:
    """Converges one EKS cluster through ``client`` (a boto3 eks client, or a stubbed one in tests)."""

    def __init__(self, client, params, check_mode=False, retry=False, sleep=time.sleep, clock=time.monotonic):
        self.eks = eks_api.Eks(client, check_mode=check_mode, retry=retry, sleep=sleep, clock=clock)
        self.params = params
        self.check_mode = check_mode
        self.name = params["name"]
        self.updates = []
        self.warnings = []

    # ---- AWS calls -------------------------------------------------------------------------------

    def call(self, what, method, **kwargs):
        return self.eks.call(f"{what} of EKS cluster {self.name}", method, **kwargs)

    def describe(self):
        """The DescribeCluster ``cluster``, or None when there is none."""
        return self.eks.describe_cluster(self.name)

    def names(self, method, key):
        return self.eks.paginate(
            f"list the {key} of EKS cluster {self.name}", method, key, clusterName=self.name
        )

    # ---- waiting ---------------------------------------------------------------------------------

    def _poll(self, what, probe):
        """Call ``probe()`` (-> (result, state)) until the result is truthy and return it; fail after
        wait_timeout seconds, naming the last state. The pauses back off from 1 to 10 seconds."""
        what = f"EKS cluster {self.name} {what}"
        return self.eks.wait_for(what, probe, self.params["wait_timeout"], delay=1.0, max_delay=10.0)

    def wait_active(self):
        def probe():
            cluster = self.describe()
            if cluster is None:
                raise EksApiError(f"EKS cluster {self.name} disappeared while waiting for it to be ACTIVE")
            status = cluster.get("status")
            if status == FAILED:
                raise EksApiError(f"EKS cluster {self.name} is FAILED")
            if status == DELETING:
                raise EksApiError(f"EKS cluster {self.name} is being deleted")
            return (cluster if status == ACTIVE else None), status

        return self._poll("to be ACTIVE", probe)

    def wait_gone(self):
        def probe():
            cluster = self.describe()
            if cluster is None:
                return True, "gone"
            if cluster.get("status") == FAILED:
                raise EksApiError(f"Deleting EKS cluster {self.name} failed (status FAILED)")
            return False, cluster.get("status")

        self._poll("to be deleted", probe)

    def wait_update(self, response, what):
        """Wait for the update of an Update*/Associate* ``response``, then for the cluster to be ACTIVE."""
        update_id = ((response or {}).get("update") or {}).get("id")
        if update_id:

            def probe():
                update = self.call(
                    f"read update {update_id} ({what})", "describe_update", name=self.name, updateId=update_id
                )["update"]
                status = update.get("status")
                if status in ("Failed", "Cancelled"):
                    errors = "; ".join(
                        f"{e.get('errorCode')}: {e.get('errorMessage')}" for e in update.get("errors") or []
                    )
                    raise EksApiError(
                        f"Update {update_id} ({what}) of EKS cluster {self.name} is {status}: "
                        f"{errors or 'no details'}"
                    )
                return status == "Successful", status

            self._poll(f"to finish update {update_id} ({what})", probe)
        return self.wait_active()

    # ---- desired state ---------------------------------------------------------------------------

    def desired(self, current):
        """The settings the cluster should end with (from ``current``, a settings() dict or {})."""
        p = self.params
        want = dict(current)
        want.update(
            {
                "role_arn": p["role_arn"],
                "subnet_ids": sorted(p["subnet_ids"] or []),
                "endpoint_private_access": p["endpoint_private_access"],
                "endpoint_public_access": p["endpoint_public_access"],
                "logging": [t for t in LOG_TYPES if t in (p["logging"] or [])],
                "authentication_mode": p["authentication_mode"],
            }
        )
        if p["version"] is not None or not current:
            want["version"] = p["version"]
        if p["security_group_ids"] is not None or not current:
            want["security_group_ids"] = sorted(p["security_group_ids"] or [])
        if p["public_access_cidrs"] is not None and p["endpoint_public_access"]:
            want["public_access_cidrs"] = sorted(p["public_access_cidrs"])
        elif not current:
            want["public_access_cidrs"] = []
        if p["encryption_key_arn"] is not None or not current:
            want["encryption_key_arn"] = p["encryption_key_arn"] or None
        network = p["kubernetes_network_config"] or {}
        if network.get("service_ipv4_cidr") or not current:
            want["service_ipv4_cidr"] = network.get("service_ipv4_cidr")
        if current and current.get("authentication_mode") is None:
            # DescribeCluster always reports it on AWS; an API without it cannot be compared
            want["authentication_mode"] = None
        want["tags"] = self.desired_tags(current.get("tags") or {})
        return want

    def desired_tags(self, have):
        return eks_api.tags_after(have, *self.tag_changes(have))

    def check_impossible(self, have, want):
        """Fail (before any change) on changes EKS cannot make."""
        name = self.name
        if want["role_arn"] != have["role_arn"]:
            raise EksApiError(
                f"EKS cluster {name} uses role {have['role_arn']}; the role of a cluster cannot change "
                f"(asked for {want['role_arn']})"
            )
        if want["service_ipv4_cidr"] != have["service_ipv4_cidr"]:
            raise EksApiError(
                f"EKS cluster {name} has service CIDR {have['service_ipv4_cidr']}; it cannot change "
                f"(asked for {want['service_ipv4_cidr']})"
            )
        if want["version"] != have["version"]:
            now, then = version_tuple(have["version"]), version_tuple(want["version"])
            if now and then:
                if then < now:
                    raise EksApiError(
                        f"EKS cluster {name} runs Kubernetes {have['version']}; EKS cannot downgrade it to "
                        f"{want['version']}"
                    )
                if then[0] != now[0] or then[1] > now[1] + 1:
                    step = f"{now[0]}.{now[1] + 1}"
                    raise EksApiError(
                        f"EKS cluster {name} runs Kubernetes {have['version']}; EKS upgrades one minor "
                        f"version at a time: set version {step} first, then {want['version']}"
                    )
        if want["encryption_key_arn"] != have["encryption_key_arn"] and have["encryption_key_arn"]:
            if want["encryption_key_arn"]:
                raise EksApiError(
                    f"The secrets of EKS cluster {name} are encrypted with {have['encryption_key_arn']}; EKS "
                    f"cannot change the key (asked for {want['encryption_key_arn']})"
                )
            raise EksApiError(
                f"The secrets of EKS cluster {name} are encrypted with {have['encryption_key_arn']}; EKS "
                "cannot remove secrets encryption"
            )
        mode, have_mode = want["authentication_mode"], have["authentication_mode"]
        if mode and have_mode and AUTH_MODES.index(mode) < AUTH_MODES.index(have_mode):
            raise EksApiError(
                f"EKS cluster {name} has authentication mode {have['authentication_mode']}; EKS only "
                f"moves it towards API ({' -> '.join(AUTH_MODES)}), not to {want['authentication_mode']}"
            )

    # ---- converge --------------------------------------------------------------------------------

    def run(self):
        cluster = self.describe()
        if self.params["state"] == "absent":
            return self.absent(cluster)
        return self.present(cluster)

    def result(self, cluster, before, after):
        return {
            "changed": bool(self.updates),
            "cluster": cluster,
            "updates": self.updates,
            "diff": {"before": before, "after": after},
            "warnings": self.warnings,
        }

    def absent(self, cluster):
        if cluster is None:
            return self.result({}, {}, {})
        before = settings(cluster)
        if cluster.get("status") == DELETING:
            if self.params["wait"] and not self.check_mode:
                self.wait_gone()
            return self.result({}, before, {})
        nodegroups = self.names("list_nodegroups", "nodegroups")
        profiles = self.names("list_fargate_profiles", "fargateProfileNames")
        if nodegroups or profiles:
            parts = [f"managed node groups {', '.join(nodegroups)}"] if nodegroups else []
            parts += [f"Fargate profiles {', '.join(profiles)}"] if profiles else []
            message = (
                f"EKS cluster {self.name} still has {' and '.join(parts)}; EKS cannot delete it before "
                "they are deleted (community.aws.eks_nodegroup state=absent wait=true, ...)"
            )
            if not self.check_mode:
                raise EksApiError(message)
            self.warnings.append(message)
        self.updates.append("delete")
        if not self.check_mode:
            if cluster.get("status") not in (ACTIVE, FAILED):
                self.wait_active()  # EKS does not delete a cluster that is being created or updated
            self.call("delete", "delete_cluster", name=self.name)
            if self.params["wait"]:
                self.wait_gone()
        return self.result({}, before, {})

    def create_request(self):
        p = self.params
        vpc = {
            "subnetIds": list(p["subnet_ids"]),
            "endpointPrivateAccess": p["endpoint_private_access"],
            "endpointPublicAccess": p["endpoint_public_access"],
        }
        if p["security_group_ids"]:
            vpc["securityGroupIds"] = list(p["security_group_ids"])
        if p["endpoint_public_access"] and p["public_access_cidrs"] is not None:
            vpc["publicAccessCidrs"] = list(p["public_access_cidrs"])
        request = {
            "name": self.name,
            "roleArn": p["role_arn"],
            "resourcesVpcConfig": vpc,
            "logging": logging_request([t for t in LOG_TYPES if t in (p["logging"] or [])]),
            "accessConfig": {
                "authenticationMode": p["authentication_mode"],
                "bootstrapClusterCreatorAdminPermissions": p["bootstrap_cluster_creator_admin_permissions"],
            },
        }
        if p["version"]:
            request["version"] = p["version"]
        if p["encryption_key_arn"]:
            request["encryptionConfig"] = [
                {"resources": ["secrets"], "provider": {"keyArn": p["encryption_key_arn"]}}
            ]
        network = p["kubernetes_network_config"] or {}
        if network.get("service_ipv4_cidr"):
            request["kubernetesNetworkConfig"] = {"serviceIpv4Cidr": network["service_ipv4_cidr"]}
        if p.get("tags"):
            request["tags"] = dict(p["tags"])
        return request

    def planned_view(self, base, want):
        """``base`` (a view(), or {} before creation) with the settings of ``want`` (check mode)."""
        p = self.params
        planned = dict(base) if base else view({"name": self.name})
        vpc = dict(planned["resources_vpc_config"])
        vpc.update(
            {
                "subnet_ids": list(p["subnet_ids"] or []),
                "endpoint_private_access": want["endpoint_private_access"],
                "endpoint_public_access": want["endpoint_public_access"],
                "public_access_cidrs": want["public_access_cidrs"],
            }
        )
        if p["security_group_ids"] is not None:
            vpc["security_group_ids"] = list(p["security_group_ids"])
        access = dict(planned["access_config"])
        if want["authentication_mode"]:
            access["authentication_mode"] = want["authentication_mode"]
        if not base:
            access["bootstrap_cluster_creator_admin_permissions"] = p[
                "bootstrap_cluster_creator_admin_permissions"
            ]
        key = want["encryption_key_arn"]
        planned.update(
            {
                "version": want["version"],
                "role_arn": want["role_arn"],
                "logging": want["logging"],
                "access_config": access,
                "encryption_config": [{"resources": ["secrets"], "provider": {"key_arn": key}}]
                if key
                else [],
                "resources_vpc_config": vpc,
                "tags": want["tags"],
            }
        )
        planned["kubernetes_network_config"] = {
            **planned["kubernetes_network_config"],
            "service_ipv4_cidr": want["service_ipv4_cidr"],
        }
        return planned

    def validate(self):
        p = self.params
        if not p["endpoint_private_access"] and not p["endpoint_public_access"]:
            raise EksApiError(
                f"EKS cluster {self.name}: endpoint_private_access and endpoint_public_access cannot both be "
                "false (nothing could reach the API server)"
            )
        if p["endpoint_public_access"] and p["public_access_cidrs"] == []:
            raise EksApiError(
                f"EKS cluster {self.name}: public_access_cidrs is empty while endpoint_public_access is true "
                "(turn the public endpoint off, or leave public_access_cidrs unset for 0.0.0.0/0)"
            )
        if p["version"] is not None and version_tuple(p["version"]) is None:
            raise EksApiError(
                f"EKS cluster {self.name}: version {p['version']!r} is not major.minor (e.g. 1.35)"
            )

    def present(self, cluster):
        self.validate()
        if cluster is not None and cluster.get("status") == DELETING:
            if self.check_mode:
                cluster = None
            else:  # being deleted: wait until it is gone, then create it again
                self.wait_gone()
                cluster = None
        if cluster is None:
            return self.create()
        if cluster.get("status") == FAILED:
            raise EksApiError(f"EKS cluster {self.name} is FAILED; delete it and create it again")
        have = settings(cluster)
        want = self.desired(have)
        self.check_impossible(have, want)
        access = cluster.get("accessConfig") or {}
        wanted_bootstrap = self.params["bootstrap_cluster_creator_admin_permissions"]
        have_bootstrap = access.get("bootstrapClusterCreatorAdminPermissions")
        if have_bootstrap is not None and have_bootstrap != wanted_bootstrap:
            self.warnings.append(
                f"EKS cluster {self.name} was created with bootstrap_cluster_creator_admin_permissions="
                f"{have_bootstrap}; it can only be chosen at creation and is left as it is"
            )
        steps = self.plan(have, want)
        tags_to_set, tags_to_remove = self.tag_changes(have["tags"])
        if tags_to_set or tags_to_remove:
            self.updates.append("tags")
        self.updates.extend(what for what, _method, _kwargs in steps)
        if self.check_mode:
            return self.result(self.planned_view(view(cluster), want), have, want)
        self.eks.retag(f"EKS cluster {self.name}", cluster["arn"], tags_to_set, tags_to_remove)
        if steps and cluster.get("status") != ACTIVE:
            self.wait_active()
        for index, (what, method, kwargs) in enumerate(steps):
            response = self.call(f"update ({what})", method, **kwargs)
            if index < len(steps) - 1 or self.params["wait"]:
                self.wait_update(response, what)
        if not steps and self.params["wait"] and cluster.get("status") != ACTIVE:
            self.wait_active()
        if steps or tags_to_set or tags_to_remove or cluster.get("status") != ACTIVE:
            cluster = self.describe() or cluster
        return self.result(view(cluster), have, settings(cluster))

    def tag_changes(self, have):
        return self.eks.tag_changes(have, self.params.get("tags"), self.params["purge_tags"])

    def plan(self, have, want):
        """The updates, in order: (description, client method, arguments)."""
        steps = []
        if want["logging"] != have["logging"]:
            steps.append(
                (
                    "logging",
                    "update_cluster_config",
                    {"name": self.name, "logging": logging_request(want["logging"])},
                )
            )
        endpoint_keys = ("endpoint_private_access", "endpoint_public_access", "public_access_cidrs")
        if any(want[k] != have[k] for k in endpoint_keys):
            vpc = {
                "endpointPrivateAccess": want["endpoint_private_access"],
                "endpointPublicAccess": want["endpoint_public_access"],
            }
            if want["endpoint_public_access"] and self.params["public_access_cidrs"] is not None:
                vpc["publicAccessCidrs"] = list(self.params["public_access_cidrs"])
            steps.append(
                ("endpoint access", "update_cluster_config", {"name": self.name, "resourcesVpcConfig": vpc})
            )
        if (
            want["subnet_ids"] != have["subnet_ids"]
            or want["security_group_ids"] != have["security_group_ids"]
        ):
            vpc = {"subnetIds": list(self.params["subnet_ids"])}
            vpc["securityGroupIds"] = list(
                self.params["security_group_ids"]
                if self.params["security_group_ids"] is not None
                else have["security_group_ids"]
            )
            steps.append(
                (
                    "subnets and security groups",
                    "update_cluster_config",
                    {"name": self.name, "resourcesVpcConfig": vpc},
                )
            )
        if want["authentication_mode"] and want["authentication_mode"] != have["authentication_mode"]:
            steps.append(
                (
                    f"authentication mode {want['authentication_mode']}",
                    "update_cluster_config",
                    {"name": self.name, "accessConfig": {"authenticationMode": want["authentication_mode"]}},
                )
            )
        if want["encryption_key_arn"] and not have["encryption_key_arn"]:
            steps.append(
                (
                    "secrets encryption",
                    "associate_encryption_config",
                    {
                        "clusterName": self.name,
                        "encryptionConfig": [
                            {"resources": ["secrets"], "provider": {"keyArn": want["encryption_key_arn"]}}
                        ],
                    },
                )
            )
        if want["version"] and want["version"] != have["version"]:
            steps.append(
                (
                    f"version {want['version']}",
                    "update_cluster_version",
                    {"name": self.name, "version": want["version"]},
                )
            )
        return steps

    def create(self):
        p = self.params
        if p["authentication_mode"] == "CONFIG_MAP" and not p["bootstrap_cluster_creator_admin_permissions"]:
            raise EksApiError(
                f"EKS cluster {self.name}: with authentication mode CONFIG_MAP EKS needs "
                "bootstrap_cluster_creator_admin_permissions=true (nobody could reach the cluster otherwise)"
            )
        want = self.desired({})
        self.updates.append("create")
        if self.check_mode:
            return self.result(self.planned_view({}, want), {}, want)
        created = self.call("create", "create_cluster", **self.create_request())["cluster"]
        final = self.wait_active() if p["wait"] else (self.describe() or created)
        return self.result(view(final), {}, settings(final))


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "version": {"type": "str"},
            "role_arn": {"type": "str"},
            "subnet_ids": {"type": "list", "elements": "str"},
            "security_group_ids": {"type": "list", "elements": "str"},
            "endpoint_private_access": {"type": "bool", "default": True},
            "endpoint_public_access": {"type": "bool", "default": False},
            "public_access_cidrs": {"type": "list", "elements": "str"},
            "logging": {"type": "list", "elements": "str", "choices": LOG_TYPES, "default": []},
            "encryption_key_arn": {"type": "str", "no_log": False},
            "authentication_mode": {
                "type": "str",
                "choices": ["API", "API_AND_CONFIG_MAP", "CONFIG_MAP"],
                "default": "API",
            },
            "bootstrap_cluster_creator_admin_permissions": {"type": "bool", "default": False},
            "kubernetes_network_config": {"type": "dict", "options": {"service_ipv4_cidr": {"type": "str"}}},
            **eks_api.resource_options(wait_timeout=1800),
        },
        required_if=[["state", "present", ["role_arn", "subnet_ids"]]],
        supports_check_mode=True,
    )
    try:
        result = EksCluster(eks_api.eks_client(module), module.params, module.check_mode, retry=True).run()
    except EksApiError as e:
        eks_api.fail(module, e)
    for warning in result.pop("warnings"):
        module.warn(warning)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
