"""Local cloud extensions: realistic lifecycles for the resources that take minutes on AWS.

moto 5.2.5 makes EKS clusters and node groups, NAT gateways, RDS DB instances and CloudFront
distributions ready the moment they are created (and gone the moment they are deleted); its MSK
clusters stay CREATING for ever. AWS keeps them in a transitional state for minutes, and refuses what
needs the ready state meanwhile. Here they stay CREATING/UPDATING/DELETING (pending, deleting,
InProgress, creating, modifying, ...) for ``lifecycle.seconds(kind)`` (env
``FASTISH_LOCALCLOUD_LIFECYCLE_SECONDS``, default 2; 0 turns the lifecycles off), so that every wait in the
roles is exercised and a role that forgets to wait fails, as it would on AWS.

Statuses are computed when read (no threads): a resource carries a ``Transition`` (status meanwhile,
status afterwards or None for "gone", kind, start); its status attribute is a property that returns the
transitional status until the time has passed. Containers of resources that disappear after DELETING
(EKS clusters and node groups, RDS instances, MSK clusters) are wrapped in ``Reaping`` mappings that hide
and drop them once their deletion is over, so every moto code path (and the other extensions) sees
them gone. Registered with ``@patches._patch(name, patches._EXTENSIONS)``:

- ``lifecycle-eks-clusters``: CREATING -> ACTIVE; UpdateClusterConfig (and every other cluster update
  that goes through the backend's ``update_cluster_config``, see ext_eks.py) UPDATING -> ACTIVE;
  DELETING -> gone. CreateNodegroup (moto's own check, and ext_eks.py's add-ons) needs ACTIVE; an update
  or a delete of a CREATING/UPDATING cluster fails with ResourceInUseException; DeleteCluster fails with
  ResourceInUseException while node groups exist (DELETING ones too).
- ``lifecycle-eks-nodegroups``: CREATING -> ACTIVE, UpdateNodegroupConfig UPDATING -> ACTIVE (returns an
  InProgress update, visible in DescribeUpdate when ext_eks.py is loaded), DELETING -> gone; updates of a
  CREATING/UPDATING node group, and deletes of an UPDATING one, fail with ResourceInUseException.
- ``lifecycle-ec2-nat-gateways``: pending -> available (meanwhile the gateway's address has only its
  AllocationId, as on AWS), deleting -> deleted (then its Elastic IP is disassociated and its network
  interface removed). Until then ReleaseAddress of its Elastic IP fails with InvalidIPAddress.InUse,
  DetachInternetGateway of its VPC with DependencyViolation ("mapped public address(es)") and
  DeleteSubnet of its subnet with DependencyViolation.
- ``lifecycle-rds-instances``: creating -> available, ModifyDBInstance with ApplyImmediately modifying
  -> available, deleting -> gone. ModifyDBInstance, RebootDBInstance and CreateDBSnapshot of an instance
  that is not available fail with InvalidDBInstanceState; DeleteDBInstance of a deleting instance, or
  with a final snapshot of an instance that is not available, too.
- ``lifecycle-msk-clusters``: CREATING -> ACTIVE, DELETING -> gone (ext_kafka.py adds the updates,
  UPDATING -> ACTIVE, and the calls that need ACTIVE).
- ``lifecycle-cloudfront-distributions``: InProgress -> Deployed after CreateDistribution and every
  UpdateDistribution; DeleteDistribution fails with DistributionNotDisabled unless the distribution is
  disabled AND Deployed.

Other extensions read a status through the model (``cluster.status``, ``nodegroup.status``,
``cluster.state``, ...) and start transitions of their own with ``begin()``.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass
from typing import Any

from . import lifecycle, patches
from .patches import PatchDoesNotFit, _mark

_LOCK = threading.RLock()
_TRANSITION = "_localcloud_transition"

EKS_CLUSTER = "eks_cluster"
EKS_NODEGROUP = "eks_nodegroup"
NAT_GATEWAY = "nat_gateway"
RDS_INSTANCE = "rds_instance"
MSK_CLUSTER = "msk_cluster"
CLOUDFRONT_DISTRIBUTION = "cloudfront_distribution"
KINDS = (EKS_CLUSTER, EKS_NODEGROUP, NAT_GATEWAY, RDS_INSTANCE, MSK_CLUSTER, CLOUDFRONT_DISTRIBUTION)


# --------------------------------------------------------------------------------------------------------
# The machinery: transitions, status properties, reaping containers


@dataclass(frozen=True)
class Transition:
    """A resource in ``during`` since ``started`` (lifecycle.now()); ``after`` once lifecycle.seconds(kind)
    have passed (None: the resource is gone then). ``on_done(resource)`` runs once, when a read first sees
    the transition over (never for "gone")."""

    during: str
    after: str | None
    kind: str
    started: float
    on_done: Callable[[Any], None] | None = None

    def over(self) -> bool:
        return lifecycle.done(self.started, self.kind)


def begin(
    resource: Any,
    during: str,
    after: str | None,
    kind: str,
    on_done: Callable[[Any], None] | None = None,
) -> None:
    """Put ``resource`` in ``during`` for lifecycle.seconds(kind), then ``after`` (None: gone)."""
    with _LOCK:
        resource.__dict__[_TRANSITION] = Transition(during, after, kind, lifecycle.now(), on_done)


def transition(resource: Any) -> Transition | None:
    """The transition ``resource`` is in, or None."""
    return resource.__dict__.get(_TRANSITION)


def in_transition(resource: Any) -> bool:
    """Whether ``resource`` is still in a transitional state (its status settles when read)."""
    current = transition(resource)
    return current is not None and not current.over()


def gone(resource: Any) -> bool:
    """Whether ``resource`` was deleted and its deletion is over."""
    current = transition(resource)
    return current is not None and current.after is None and current.over()


def status_property(raw: str, default: Any = None) -> property:
    """A status attribute computed when read: the transitional status until the transition is over.

    ``raw``: where the settled status is kept (in the instance's __dict__). Setting the attribute (moto
    does, e.g. ``self.status = "ACTIVE"`` in ``__init__``) stores the settled status and ends any
    transition.
    """

    def get(self: Any) -> Any:
        current = self.__dict__.get(_TRANSITION)
        if current is not None:
            if not current.over() or current.after is None:
                return current.during
            with _LOCK:
                if self.__dict__.get(_TRANSITION) is current:
                    del self.__dict__[_TRANSITION]
                    self.__dict__[raw] = current.after
                    if current.on_done is not None:
                        current.on_done(self)
        return self.__dict__.get(raw, default)

    def set(self: Any, value: Any) -> None:
        with _LOCK:
            self.__dict__.pop(_TRANSITION, None)
            self.__dict__[raw] = value

    return property(get, set, doc="status computed when read (ext_lifecycles.py)")


class Reaping(MutableMapping):
    """A mapping of resources that hides, and drops, those whose deletion is over (``gone``).

    Wraps moto's own container (a dict, or RDS's case-insensitive dict, whose key handling stays). Every
    iteration works on a snapshot, so dropping entries never disturbs a loop in progress.
    """

    def __init__(self, inner: MutableMapping[Any, Any]) -> None:
        self._inner = inner

    def _reap(self) -> None:
        with _LOCK:
            for key in [key for key, value in list(self._inner.items()) if gone(value)]:
                self._inner.pop(key, None)

    def __getitem__(self, key: Any) -> Any:
        value = self._inner[key]
        if gone(value):
            raise KeyError(key)
        return value

    def __setitem__(self, key: Any, value: Any) -> None:
        self._inner[key] = value

    def __delitem__(self, key: Any) -> None:
        value = self._inner[key]
        del self._inner[key]
        if gone(value):
            raise KeyError(key)

    def __iter__(self) -> Iterator[Any]:
        self._reap()
        return iter(list(self._inner))

    def __len__(self) -> int:
        self._reap()
        return len(self._inner)

    def __repr__(self) -> str:
        return f"Reaping({dict(self.items())!r})"


def _reaping(container: Any) -> Reaping:
    return container if isinstance(container, Reaping) else Reaping(container)


def _wrap_init(cls: Any, name: str, after: Callable[[Any], None]) -> None:
    """Run ``after(self)`` at the end of ``cls.__init__``."""
    original = cls.__init__
    if getattr(original, patches._MARK, None) == name:
        raise PatchDoesNotFit(f"{cls.__qualname__}.__init__ is already patched by {name}")

    @functools.wraps(original)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        after(self)

    cls.__init__ = _mark(__init__, name)


def _install_status(cls: Any, attribute: str, name: str, default: Any = None) -> None:
    """Make ``cls.<attribute>`` a status computed when read."""
    existing = cls.__dict__.get(attribute)
    if isinstance(existing, property) and getattr(existing.fget, patches._MARK, None):
        raise PatchDoesNotFit(f"{cls.__qualname__}.{attribute} is already patched")
    prop = status_property(f"_localcloud_{attribute}", default)
    _mark(prop.fget, name)
    setattr(cls, attribute, prop)


def _require_attribute_set_in_init(cls: Any, attribute: str) -> None:
    """Fail unless ``cls.__init__`` assigns ``self.<attribute>`` (so the property's setter sees it)."""
    import inspect
    import re

    try:
        source = inspect.getsource(cls.__init__)
    except (OSError, TypeError) as exc:
        raise PatchDoesNotFit(f"cannot read {cls.__qualname__}.__init__: {exc}") from exc
    if not re.search(rf"self\.{attribute}\s*(:[^=\n]*)?=[^=]", source):
        raise PatchDoesNotFit(f"{cls.__qualname__}.__init__ no longer sets self.{attribute}")


def _require_params(func: Any, *expected: str) -> None:
    """Fail unless ``func`` takes the leading parameters ``expected``.

    Like patches._require_params, but a method another extension already wrapped (functools.wraps keeps
    the signature) is fine: the lifecycles wrap it again. Only a second lifecycle wrapper is refused.
    """
    import inspect

    if not callable(func):
        raise PatchDoesNotFit(f"{func!r} is not callable")
    if str(getattr(func, patches._MARK, "")).startswith("lifecycle-"):
        raise PatchDoesNotFit(f"{func.__qualname__} is already patched by {getattr(func, patches._MARK)}")
    params = list(inspect.signature(func).parameters)
    if params[: len(expected)] != list(expected):
        raise PatchDoesNotFit(f"{func.__qualname__}{inspect.signature(func)} no longer takes {expected}")


# --------------------------------------------------------------------------------------------------------
# EKS clusters


def _eks_in_use(message: str, cluster: str | None = None, nodegroup: str | None = None) -> Exception:
    from moto.eks.exceptions import ResourceInUseException

    return ResourceInUseException(
        clusterName=cluster, nodegroupName=nodegroup, addonName=None, message=message
    )


@patches._patch("lifecycle-eks-clusters", patches._EXTENSIONS)
def _lifecycle_eks_clusters() -> None:
    from moto.eks.models import Cluster, EKSBackend

    name = "lifecycle-eks-clusters"
    _require_params(EKSBackend.create_cluster, "self", "name", "role_arn", "resources_vpc_config")
    _require_params(EKSBackend.delete_cluster, "self", "name")
    _require_params(EKSBackend.update_cluster_config, "self", "name", "resources_vpc_config")
    _require_attribute_set_in_init(Cluster, "status")
    _require_attribute_set_in_init(Cluster, "nodegroups")
    original_create = EKSBackend.create_cluster
    original_delete = EKSBackend.delete_cluster
    original_update = EKSBackend.update_cluster_config

    _install_status(Cluster, "status", name)
    # Node groups in DELETING still count (AWS: "Cluster has nodegroups attached"); moto keeps a counter.
    Cluster.nodegroup_count = property(lambda self: len(self.nodegroups), lambda self, value: None)

    def init_cluster(self: Any) -> None:
        self.nodegroups = _reaping(self.nodegroups)

    def init_backend(self: Any) -> None:
        self.clusters = _reaping(self.clusters)

    _wrap_init(Cluster, name, init_cluster)
    _wrap_init(EKSBackend, name, init_backend)

    @functools.wraps(original_create)
    def create_cluster(self: Any, *args: Any, **kwargs: Any) -> Any:
        cluster = original_create(self, *args, **kwargs)
        begin(cluster, "CREATING", "ACTIVE", EKS_CLUSTER)
        return cluster

    @functools.wraps(original_update)
    def update_cluster_config(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        cluster = self.clusters.get(name)
        if cluster is not None and cluster.status != "ACTIVE":
            raise _eks_in_use(_cluster_busy("update", name, cluster.status), cluster=name)
        result = original_update(self, name, *args, **kwargs)
        if cluster is not None:
            begin(cluster, "UPDATING", "ACTIVE", EKS_CLUSTER)
        return result

    @functools.wraps(original_delete)
    def delete_cluster(self: Any, name: str) -> Any:
        cluster = self.clusters.get(name)
        if cluster is not None:
            if cluster.status == "DELETING":  # already on its way: nothing more to do
                return cluster
            if cluster.status != "ACTIVE":
                raise _eks_in_use(_cluster_busy("delete", name, cluster.status), cluster=name)
        cluster = original_delete(self, name)  # ResourceInUseException while node groups exist
        self.clusters[name] = cluster
        begin(cluster, "DELETING", None, EKS_CLUSTER)
        return cluster

    EKSBackend.create_cluster = _mark(create_cluster, name)
    EKSBackend.update_cluster_config = _mark(update_cluster_config, name)
    EKSBackend.delete_cluster = _mark(delete_cluster, name)


def _cluster_busy(action: str, cluster: str, status: str) -> str:
    if status == "UPDATING":
        return f"Cannot {action} because cluster {cluster} currently has an update in progress"
    return f"Cannot {action} because cluster {cluster} is in {status} status"


# --------------------------------------------------------------------------------------------------------
# EKS node groups


def _record_nodegroup_update(cluster: Any, nodegroup: str, update: dict[str, Any]) -> dict[str, Any]:
    """Keep an UpdateNodegroupConfig update where ext_eks.py's DescribeUpdate/ListUpdates find it."""
    try:
        from .ext_eks import _record_update, _render_update
    except ImportError:  # ext_eks.py absent: the update is only returned
        return {**update, "status": "InProgress"}
    record = _record_update(
        cluster,
        EKS_NODEGROUP,
        update.get("type", "ConfigUpdate"),
        update.get("params", []),
        nodegroup=nodegroup,
    )
    return _render_update(record)


@patches._patch("lifecycle-eks-nodegroups", patches._EXTENSIONS)
def _lifecycle_eks_nodegroups() -> None:
    from moto.eks.models import EKSBackend, Nodegroup

    name = "lifecycle-eks-nodegroups"
    _require_params(EKSBackend.create_nodegroup, "self", "cluster_name", "node_role", "nodegroup_name")
    _require_params(EKSBackend.delete_nodegroup, "self", "cluster_name", "nodegroup_name")
    _require_params(EKSBackend.update_nodegroup_config, "self", "cluster_name", "nodegroup_name")
    _require_attribute_set_in_init(Nodegroup, "status")
    original_create = EKSBackend.create_nodegroup
    original_delete = EKSBackend.delete_nodegroup
    original_update = EKSBackend.update_nodegroup_config

    _install_status(Nodegroup, "status", name)

    @functools.wraps(original_create)
    def create_nodegroup(self: Any, *args: Any, **kwargs: Any) -> Any:
        nodegroup = original_create(self, *args, **kwargs)  # needs an ACTIVE cluster (moto checks)
        begin(nodegroup, "CREATING", "ACTIVE", EKS_NODEGROUP)
        return nodegroup

    def busy(cluster_name: str, nodegroup: Any, action: str) -> Exception:
        what = nodegroup.nodegroup_name
        if nodegroup.status == "UPDATING":
            message = f"Cannot {action} because nodegroup {what} currently has an update in progress"
        else:
            message = f"Nodegroup {what} is currently in {nodegroup.status} status; cannot {action}"
        return _eks_in_use(message, cluster=cluster_name, nodegroup=what)

    @functools.wraps(original_update)
    def update_nodegroup_config(self: Any, cluster_name: str, nodegroup_name: str, **kwargs: Any) -> Any:
        cluster = self.clusters.get(cluster_name)
        nodegroup = cluster.nodegroups.get(nodegroup_name) if cluster is not None else None
        if nodegroup is not None and nodegroup.status != "ACTIVE":
            raise busy(cluster_name, nodegroup, "update")
        update = original_update(self, cluster_name, nodegroup_name, **kwargs)
        begin(nodegroup, "UPDATING", "ACTIVE", EKS_NODEGROUP)
        return _record_nodegroup_update(cluster, nodegroup_name, update)

    @functools.wraps(original_delete)
    def delete_nodegroup(self: Any, cluster_name: str, nodegroup_name: str) -> Any:
        cluster = self.clusters.get(cluster_name)
        nodegroup = cluster.nodegroups.get(nodegroup_name) if cluster is not None else None
        if nodegroup is not None:
            if nodegroup.status == "DELETING":
                return nodegroup
            if nodegroup.status == "UPDATING":
                raise busy(cluster_name, nodegroup, "delete")
        nodegroup = original_delete(self, cluster_name, nodegroup_name)
        self.clusters[cluster_name].nodegroups[nodegroup_name] = nodegroup
        begin(nodegroup, "DELETING", None, EKS_NODEGROUP)
        return nodegroup

    EKSBackend.create_nodegroup = _mark(create_nodegroup, name)
    EKSBackend.update_nodegroup_config = _mark(update_nodegroup_config, name)
    EKSBackend.delete_nodegroup = _mark(delete_nodegroup, name)


# --------------------------------------------------------------------------------------------------------
# EC2 NAT gateways


def _ec2_error(code: str, message: str) -> Exception:
    from moto.ec2.exceptions import EC2ClientError

    return EC2ClientError(code, message)


def _nat_gateway_deleted(nat: Any) -> None:
    """What AWS does once a NAT gateway is deleted: its address is disassociated, its interface removed."""
    backend = nat.ec2_backend
    for address in nat.address_set:
        allocation = address.get("allocationId")
        for eip in backend.address_by_allocation([allocation]) if allocation else []:
            if eip.eni is not None and eip.eni is nat._eni:
                with contextlib.suppress(Exception):
                    backend.disassociate_address(address=eip.public_ip)
    with contextlib.suppress(Exception):
        backend.delete_network_interface(nat._eni.id)


def _nats_holding(backend: Any, predicate: Callable[[Any], bool]) -> list[Any]:
    """NAT gateways not yet deleted that match ``predicate`` (reading their state settles it)."""
    return [nat for nat in list(backend.nat_gateways.values()) if predicate(nat) and nat.state != "deleted"]


@patches._patch("lifecycle-ec2-nat-gateways", patches._EXTENSIONS)
def _lifecycle_ec2_nat_gateways() -> None:
    from moto.ec2.models.elastic_ip_addresses import ElasticAddressBackend
    from moto.ec2.models.internet_gateways import InternetGatewayBackend
    from moto.ec2.models.nat_gateways import NatGateway, NatGatewayBackend
    from moto.ec2.models.subnets import SubnetBackend

    name = "lifecycle-ec2-nat-gateways"
    _require_params(NatGatewayBackend.create_nat_gateway, "self", "subnet_id", "allocation_id")
    _require_params(NatGatewayBackend.delete_nat_gateway, "self", "nat_gateway_id")
    _require_params(ElasticAddressBackend.release_address, "self", "address", "allocation_id")
    _require_params(InternetGatewayBackend.detach_internet_gateway, "self", "internet_gateway_id", "vpc_id")
    _require_params(SubnetBackend.delete_subnet, "self", "subnet_id")
    _require_attribute_set_in_init(NatGateway, "state")
    addresses = NatGateway.__dict__.get("nat_gateway_addresses")
    if not isinstance(addresses, property):
        raise PatchDoesNotFit("NatGateway.nat_gateway_addresses is no longer a property")
    original_create = NatGatewayBackend.create_nat_gateway
    original_delete = NatGatewayBackend.delete_nat_gateway
    original_release = ElasticAddressBackend.release_address
    original_detach = InternetGatewayBackend.detach_internet_gateway
    original_delete_subnet = SubnetBackend.delete_subnet

    _install_status(NatGateway, "state", name)

    def nat_gateway_addresses(self: Any) -> list[dict[str, Any]]:
        # While pending, AWS shows the address's allocation only (no public/private IP, no interface yet).
        if self.state == "pending":
            return [{"allocationId": a["allocationId"]} for a in self.address_set if a.get("allocationId")]
        return addresses.fget(self)

    NatGateway.nat_gateway_addresses = property(_mark(nat_gateway_addresses, name))

    @functools.wraps(original_create)
    def create_nat_gateway(self: Any, *args: Any, **kwargs: Any) -> Any:
        nat = original_create(self, *args, **kwargs)
        begin(nat, "pending", "available", NAT_GATEWAY)
        return nat

    @functools.wraps(original_delete)
    def delete_nat_gateway(self: Any, nat_gateway_id: str) -> Any:
        nat = self.nat_gateways.get(nat_gateway_id)
        if nat is None:
            raise _ec2_error("NatGatewayNotFound", f"The Nat Gateway {nat_gateway_id} was not found")
        if nat.state in ("deleting", "deleted"):  # already on its way (or gone): nothing more to do
            return nat
        nat = original_delete(self, nat_gateway_id)
        begin(nat, "deleting", "deleted", NAT_GATEWAY, on_done=_nat_gateway_deleted)
        return nat

    @functools.wraps(original_release)
    def release_address(self: Any, address: str | None = None, allocation_id: str | None = None) -> Any:
        eips = self.address_by_allocation([allocation_id]) if allocation_id else self.address_by_ip([address])
        for eip in eips:
            holders = _nats_holding(
                self,
                lambda nat, eip=eip: any(a.get("allocationId") == eip.allocation_id for a in nat.address_set),
            )
            if holders and eip.eni is not None:
                raise _ec2_error(
                    "InvalidIPAddress.InUse",
                    f"Address {eip.allocation_id or eip.public_ip} is in use by {holders[0].id}.",
                )
        return original_release(self, address=address, allocation_id=allocation_id)

    @functools.wraps(original_detach)
    def detach_internet_gateway(self: Any, internet_gateway_id: str, vpc_id: str) -> Any:
        public = _nats_holding(
            self,
            lambda nat: (
                nat.vpc_id == vpc_id
                and nat.connectivity_type != "private"
                and any(a.get("allocationId") for a in nat.address_set)
            ),
        )
        if public:
            raise _ec2_error(
                "DependencyViolation",
                f"Network {vpc_id} has some mapped public address(es). Please unmap those public "
                "address(es) before detaching the gateway.",
            )
        return original_detach(self, internet_gateway_id, vpc_id)

    @functools.wraps(original_delete_subnet)
    def delete_subnet(self: Any, subnet_id: str) -> Any:
        if _nats_holding(self, lambda nat: nat.subnet_id == subnet_id):
            raise _ec2_error(
                "DependencyViolation", f"The subnet '{subnet_id}' has dependencies and cannot be deleted."
            )
        return original_delete_subnet(self, subnet_id)

    NatGatewayBackend.create_nat_gateway = _mark(create_nat_gateway, name)
    NatGatewayBackend.delete_nat_gateway = _mark(delete_nat_gateway, name)
    ElasticAddressBackend.release_address = _mark(release_address, name)
    InternetGatewayBackend.detach_internet_gateway = _mark(detach_internet_gateway, name)
    SubnetBackend.delete_subnet = _mark(delete_subnet, name)


# --------------------------------------------------------------------------------------------------------
# RDS DB instances


def _rds_state_error(message: str) -> Exception:
    from moto.rds.exceptions import RDSClientError

    return RDSClientError("InvalidDBInstanceState", message)


@patches._patch("lifecycle-rds-instances", patches._EXTENSIONS)
def _lifecycle_rds_instances() -> None:
    from moto.rds.models import DBInstance, RDSBackend

    name = "lifecycle-rds-instances"
    _require_params(RDSBackend.create_db_instance, "self", "db_kwargs")
    _require_params(RDSBackend.modify_db_instance, "self", "db_instance_identifier", "db_kwargs")
    _require_params(RDSBackend.reboot_db_instance, "self", "db_instance_identifier")
    _require_params(RDSBackend.create_db_snapshot, "self", "db_instance_identifier", "db_snapshot_identifier")
    _require_params(
        RDSBackend.delete_db_instance,
        "self",
        "db_instance_identifier",
        "final_db_snapshot_identifier",
        "skip_final_snapshot",
    )
    _require_attribute_set_in_init(DBInstance, "status")
    _require_attribute_set_in_init(RDSBackend, "databases")
    original_create = RDSBackend.create_db_instance
    original_modify = RDSBackend.modify_db_instance
    original_reboot = RDSBackend.reboot_db_instance
    original_snapshot = RDSBackend.create_db_snapshot
    original_delete = RDSBackend.delete_db_instance

    _install_status(DBInstance, "status", name)

    def init_backend(self: Any) -> None:
        self.databases = _reaping(self.databases)
        resource_map = getattr(self, "resource_map", None)
        if isinstance(resource_map, dict) and DBInstance in resource_map:
            resource_map[DBInstance] = self.databases

    _wrap_init(RDSBackend, name, init_backend)

    def available(backend: Any, identifier: str, message: str) -> Any:
        database = backend.databases.get(identifier)
        if database is not None and database.status != "available":
            raise _rds_state_error(message.format(id=identifier, status=database.status))
        return database

    @functools.wraps(original_create)
    def create_db_instance(self: Any, db_kwargs: dict[str, Any]) -> Any:
        database = original_create(self, db_kwargs)
        begin(database, "creating", "available", RDS_INSTANCE)
        return database

    @functools.wraps(original_modify)
    def modify_db_instance(self: Any, db_instance_identifier: str, db_kwargs: dict[str, Any]) -> Any:
        available(self, db_instance_identifier, "Database instance is not in available state.")
        database = original_modify(self, db_instance_identifier, db_kwargs)
        if db_kwargs.get("apply_immediately"):
            begin(database, "modifying", "available", RDS_INSTANCE)
        return database

    @functools.wraps(original_reboot)
    def reboot_db_instance(self: Any, db_instance_identifier: str, *args: Any, **kwargs: Any) -> Any:
        available(self, db_instance_identifier, "Database instance is not in available state.")
        database = original_reboot(self, db_instance_identifier, *args, **kwargs)
        begin(database, "rebooting", "available", RDS_INSTANCE)
        return database

    @functools.wraps(original_snapshot)
    def create_db_snapshot(
        self: Any, db_instance_identifier: str, db_snapshot_identifier: str, *args: Any, **kwargs: Any
    ) -> Any:
        available(
            self,
            db_instance_identifier,
            "Cannot create a snapshot because the database instance {id} is not currently in the "
            "available state.",
        )
        return original_snapshot(self, db_instance_identifier, db_snapshot_identifier, *args, **kwargs)

    @functools.wraps(original_delete)
    def delete_db_instance(
        self: Any,
        db_instance_identifier: str,
        final_db_snapshot_identifier: str | None = None,
        skip_final_snapshot: bool | None = False,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        database = self.databases.get(db_instance_identifier)
        if database is not None:
            status = database.status
            if status == "deleting":
                raise _rds_state_error(f"Instance {db_instance_identifier} is already being deleted.")
            if status != "available" and final_db_snapshot_identifier and not skip_final_snapshot:
                raise _rds_state_error(
                    f"Instance {db_instance_identifier} is currently {status} - a final snapshot cannot be "
                    "taken."
                )
        database = original_delete(
            self, db_instance_identifier, final_db_snapshot_identifier, skip_final_snapshot, *args, **kwargs
        )
        self.databases[db_instance_identifier] = database
        begin(database, "deleting", None, RDS_INSTANCE)
        return database

    RDSBackend.create_db_instance = _mark(create_db_instance, name)
    RDSBackend.modify_db_instance = _mark(modify_db_instance, name)
    RDSBackend.reboot_db_instance = _mark(reboot_db_instance, name)
    RDSBackend.create_db_snapshot = _mark(create_db_snapshot, name)
    RDSBackend.delete_db_instance = _mark(delete_db_instance, name)


# --------------------------------------------------------------------------------------------------------
# MSK clusters


@patches._patch("lifecycle-msk-clusters", patches._EXTENSIONS)
def _lifecycle_msk_clusters() -> None:
    from moto.kafka.models import FakeKafkaCluster, KafkaBackend

    name = "lifecycle-msk-clusters"
    _require_params(KafkaBackend.create_cluster, "self", "broker_node_group_info")
    _require_params(KafkaBackend.create_cluster_v2, "self", "cluster_name")
    _require_params(KafkaBackend.delete_cluster, "self", "cluster_arn", "current_version")
    _require_attribute_set_in_init(FakeKafkaCluster, "state")
    _require_attribute_set_in_init(KafkaBackend, "clusters")
    original_create = KafkaBackend.create_cluster
    original_create_v2 = KafkaBackend.create_cluster_v2
    original_delete = KafkaBackend.delete_cluster

    _install_status(FakeKafkaCluster, "state", name)

    def init_backend(self: Any) -> None:
        self.clusters = _reaping(self.clusters)

    _wrap_init(KafkaBackend, name, init_backend)

    def creating(backend: Any, arn: str) -> None:
        cluster = backend.clusters[arn]
        begin(cluster, "CREATING", "ACTIVE", MSK_CLUSTER)

    @functools.wraps(original_create)
    def create_cluster(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original_create(self, *args, **kwargs)
        creating(self, result[0])
        return result

    @functools.wraps(original_create_v2)
    def create_cluster_v2(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original_create_v2(self, *args, **kwargs)
        creating(self, result[0])
        return result

    @functools.wraps(original_delete)
    def delete_cluster(self: Any, cluster_arn: str, current_version: str | None = None) -> Any:
        cluster = self.clusters.get(cluster_arn)
        if cluster is None:  # moto's (or ext_kafka.py's) error
            return original_delete(self, cluster_arn, current_version)
        if cluster.state == "DELETING":
            return cluster_arn, cluster.state
        original_delete(self, cluster_arn, current_version)
        self.clusters[cluster_arn] = cluster
        begin(cluster, "DELETING", None, MSK_CLUSTER)
        return cluster_arn, cluster.state

    KafkaBackend.create_cluster = _mark(create_cluster, name)
    KafkaBackend.create_cluster_v2 = _mark(create_cluster_v2, name)
    KafkaBackend.delete_cluster = _mark(delete_cluster, name)


# --------------------------------------------------------------------------------------------------------
# CloudFront distributions


def _enabled(distribution: Any) -> bool:
    value = getattr(distribution.distribution_config, "Enabled", False)
    return value is True or str(value).lower() == "true"


@patches._patch("lifecycle-cloudfront-distributions", patches._EXTENSIONS)
def _lifecycle_cloudfront_distributions() -> None:
    from moto.cloudfront.exceptions import CloudFrontException
    from moto.cloudfront.models import CloudFrontBackend, Distribution

    name = "lifecycle-cloudfront-distributions"
    _require_params(CloudFrontBackend.create_distribution_with_tags, "self", "distribution_config", "tags")
    _require_params(CloudFrontBackend.update_distribution, "self", "dist_config", "_id", "if_match")
    _require_params(CloudFrontBackend.delete_distribution, "self", "distribution_id", "if_match")
    if not isinstance(getattr(Distribution, "status", None), property):
        raise PatchDoesNotFit("Distribution.status is no longer a property (ManagedState)")
    original_create = CloudFrontBackend.create_distribution_with_tags
    original_update = CloudFrontBackend.update_distribution
    original_delete = CloudFrontBackend.delete_distribution

    # moto's ManagedState makes distributions Deployed at once (and never InProgress after an update).
    _install_status(Distribution, "status", name, default="Deployed")

    @functools.wraps(original_create)
    def create_distribution_with_tags(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original_create(self, *args, **kwargs)
        begin(result[0], "InProgress", "Deployed", CLOUDFRONT_DISTRIBUTION)
        return result

    @functools.wraps(original_update)
    def update_distribution(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original_update(self, *args, **kwargs)
        begin(result[0], "InProgress", "Deployed", CLOUDFRONT_DISTRIBUTION)
        return result

    @functools.wraps(original_delete)
    def delete_distribution(self: Any, distribution_id: str, if_match: Any) -> Any:
        distribution = self.distributions.get(distribution_id)
        if (
            distribution is not None
            and if_match
            and (_enabled(distribution) or distribution.status != "Deployed")
        ):
            # AWS: a distribution is deleted only once it is disabled and that change is deployed.
            raise CloudFrontException(
                "DistributionNotDisabled", "The distribution you are trying to delete has not been disabled."
            )
        return original_delete(self, distribution_id, if_match)

    CloudFrontBackend.create_distribution_with_tags = _mark(create_distribution_with_tags, name)
    CloudFrontBackend.update_distribution = _mark(update_distribution, name)
    CloudFrontBackend.delete_distribution = _mark(delete_distribution, name)
