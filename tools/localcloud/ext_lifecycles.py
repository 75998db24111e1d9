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
    """patches._require_params, but a method another extension already wrapped is fine: the lifecycles
    wrap it again. Only a second lifecycle wrapper is refused."""
    patches._require_params(func, *expected, may_be_patched_by=lambda mark: not mark.startswith("lifecycle-"))


def _original(cls: Any, method: str, *expected: str) -> Any:
    """``cls.<method>``, checked (``_require_params``): it takes the leading parameters ``expected``."""
    func = getattr(cls, method)
    _require_params(func, *expected)
    return func


def _install(cls: Any, name: str, *wrappers: Any) -> None:
    """Put ``wrappers`` (functools.wraps: named like the methods they wrap) on ``cls``, marked ``name``."""
    for wrapper in wrappers:
        setattr(cls, wrapper.__name__, _mark(wrapper, name))


def _reap_on_init(cls: Any, name: str, attribute: str) -> None:
    """``self.<attribute>`` (a container of resources) becomes a Reaping mapping in ``cls.__init__``."""
    _wrap_init(cls, name, lambda self: setattr(self, attribute, _reaping(getattr(self, attribute))))


def _beginning(
    original: Any,
    during: str,
    after: str | None,
    kind: str,
    resource: Callable[[Any, Any], Any] | None = None,
) -> Any:
    """``original`` (a backend method) wrapped: what it made (``resource(backend, result)``, default the
    result itself) goes through ``during`` to ``after``."""

    @functools.wraps(original)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        begin(result if resource is None else resource(self, result), during, after, kind)
        return result

    return wrapper


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
    original_create = _original(
        EKSBackend, "create_cluster", "self", "name", "role_arn", "resources_vpc_config"
    )
    original_delete = _original(EKSBackend, "delete_cluster", "self", "name")
    original_update = _original(EKSBackend, "update_cluster_config", "self", "name", "resources_vpc_config")
    _require_attribute_set_in_init(Cluster, "status")
    _require_attribute_set_in_init(Cluster, "nodegroups")

    _install_status(Cluster, "status", name)
    # Node groups in DELETING still count (AWS: "Cluster has nodegroups attached"); moto keeps a counter.
    Cluster.nodegroup_count = property(lambda self: len(self.nodegroups), lambda self, value: None)
    _reap_on_init(Cluster, name, "nodegroups")
    _reap_on_init(EKSBackend, name, "clusters")
    create_cluster = _beginning(original_create, "CREATING", "ACTIVE", EKS_CLUSTER)

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

    _install(EKSBackend, name, create_cluster, update_cluster_config, delete_cluster)


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
    original_create = _original(
        EKSBackend, "create_nodegroup", "self", "cluster_name", "node_role", "nodegroup_name"
    )
    original_delete = _original(EKSBackend, "delete_nodegroup", "self", "cluster_name", "nodegroup_name")
    original_update = _original(
        EKSBackend, "update_nodegroup_config", "self", "cluster_name", "nodegroup_name"
    )
    _require_attribute_set_in_init(Nodegroup, "status")

    _install_status(Nodegroup, "status", name)
    # moto's create_nodegroup needs an ACTIVE cluster (it checks)
    create_nodegroup = _beginning(original_create, "CREATING", "ACTIVE", EKS_NODEGROUP)

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

    _install(EKSBackend, name, create_nodegroup, update_nodegroup_config, delete_nodegroup)


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
    original_create = _original(NatGatewayBackend, "create_nat_gateway", "self", "subnet_id", "allocation_id")
    original_delete = _original(NatGatewayBackend, "delete_nat_gateway", "self", "nat_gateway_id")
    original_release = _original(ElasticAddressBackend, "release_address", "self", "address", "allocation_id")
    original_detach = _original(
        InternetGatewayBackend, "detach_internet_gateway", "self", "internet_gateway_id", "vpc_id"
    )
    original_delete_subnet = _original(SubnetBackend, "delete_subnet", "self", "subnet_id")
    _require_attribute_set_in_init(NatGateway, "state")
    addresses = NatGateway.__dict__.get("nat_gateway_addresses")
    if not isinstance(addresses, property):
        raise PatchDoesNotFit("NatGateway.nat_gateway_addresses is no longer a property")

    _install_status(NatGateway, "state", name)

    def nat_gateway_addresses(self: Any) -> list[dict[str, Any]]:
        # While pending, AWS shows the address's allocation only (no public/private IP, no interface yet).
        if self.state == "pending":
            return [{"allocationId": a["allocationId"]} for a in self.address_set if a.get("allocationId")]
        return addresses.fget(self)

    NatGateway.nat_gateway_addresses = property(_mark(nat_gateway_addresses, name))

    create_nat_gateway = _beginning(original_create, "pending", "available", NAT_GATEWAY)

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

    _install(NatGatewayBackend, name, create_nat_gateway, delete_nat_gateway)
    _install(ElasticAddressBackend, name, release_address)
    _install(InternetGatewayBackend, name, detach_internet_gateway)
    _install(SubnetBackend, name, delete_subnet)


# --------------------------------------------------------------------------------------------------------
# RDS DB instances


def _rds_state_error(message: str) -> Exception:
    from moto.rds.exceptions import RDSClientError

    return RDSClientError("InvalidDBInstanceState", message)


@patches._patch("lifecycle-rds-instances", patches._EXTENSIONS)
def _lifecycle_rds_instances() -> None:
    from moto.rds.models import DBInstance, RDSBackend

    name = "lifecycle-rds-instances"
    original_create = _original(RDSBackend, "create_db_instance", "self", "db_kwargs")
    original_modify = _original(
        RDSBackend, "modify_db_instance", "self", "db_instance_identifier", "db_kwargs"
    )
    original_reboot = _original(RDSBackend, "reboot_db_instance", "self", "db_instance_identifier")
    original_snapshot = _original(
        RDSBackend, "create_db_snapshot", "self", "db_instance_identifier", "db_snapshot_identifier"
    )
    original_delete = _original(
        RDSBackend,
        "delete_db_instance",
        "self",
        "db_instance_identifier",
        "final_db_snapshot_identifier",
        "skip_final_snapshot",
    )
    _require_attribute_set_in_init(DBInstance, "status")
    _require_attribute_set_in_init(RDSBackend, "databases")

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

    create_db_instance = _beginning(original_create, "creating", "available", RDS_INSTANCE)

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

    _install(
        RDSBackend,
        name,
        create_db_instance,
        modify_db_instance,
        reboot_db_instance,
        create_db_snapshot,
        delete_db_instance,
    )


# --------------------------------------------------------------------------------------------------------
# MSK clusters


@patches._patch("lifecycle-msk-clusters", patches._EXTENSIONS)
def _lifecycle_msk_clusters() -> None:
    from moto.kafka.models import FakeKafkaCluster, KafkaBackend

    name = "lifecycle-msk-clusters"
    original_create = _original(KafkaBackend, "create_cluster", "self", "broker_node_group_info")
    original_create_v2 = _original(KafkaBackend, "create_cluster_v2", "self", "cluster_name")
    original_delete = _original(KafkaBackend, "delete_cluster", "self", "cluster_arn", "current_version")
    _require_attribute_set_in_init(FakeKafkaCluster, "state")
    _require_attribute_set_in_init(KafkaBackend, "clusters")

    _install_status(FakeKafkaCluster, "state", name)
    _reap_on_init(KafkaBackend, name, "clusters")

    def created(backend: Any, result: Any) -> Any:  # moto returns (arn, state, ...)
        return backend.clusters[result[0]]

    create_cluster = _beginning(original_create, "CREATING", "ACTIVE", MSK_CLUSTER, created)
    create_cluster_v2 = _beginning(original_create_v2, "CREATING", "ACTIVE", MSK_CLUSTER, created)

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

    _install(KafkaBackend, name, create_cluster, create_cluster_v2, delete_cluster)


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
    original_create = _original(
        CloudFrontBackend, "create_distribution_with_tags", "self", "distribution_config", "tags"
    )
    original_update = _original(
        CloudFrontBackend, "update_distribution", "self", "dist_config", "_id", "if_match"
    )
    original_delete = _original(
        CloudFrontBackend, "delete_distribution", "self", "distribution_id", "if_match"
    )
    if not isinstance(getattr(Distribution, "status", None), property):
        raise PatchDoesNotFit("Distribution.status is no longer a property (ManagedState)")

    # moto's ManagedState makes distributions Deployed at once (and never InProgress after an update).
    _install_status(Distribution, "status", name, default="Deployed")

    def deploying(original: Any) -> Any:  # moto returns (distribution, location, etag)
        return _beginning(original, "InProgress", "Deployed", CLOUDFRONT_DISTRIBUTION, lambda _, r: r[0])

    create_distribution_with_tags = deploying(original_create)
    update_distribution = deploying(original_update)

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

    _install(CloudFrontBackend, name, create_distribution_with_tags, update_distribution, delete_distribution)
