"""Fidelity patches for moto 5.2.5, applied inside the local cloud server process only.

Each patch is a small function registered under a stable name with ``@_patch(name)``. ``apply_all()``
applies them in registration order and returns the names that were applied. A patch first checks that
moto still looks the way it expects (method exists with the same parameters; where cheap to check, the
bug is still there); if not it raises ``PatchDoesNotFit`` and ``apply_all`` logs a warning to stderr and
skips it. Nothing here ever crashes the server because moto changed.

Besides the fidelity patches there are "speed-ups" (``apply_speedups()``): same mechanism, no behaviour
change, reported separately.

Never call ``apply_all()`` in the pytest process: the ``test_upstream_still_has_*`` tests rely on the
in-process moto being unpatched. Importing this module is harmless (it imports moto lazily).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import logging
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any

log = logging.getLogger("localcloud.patches")

PatchFn = Callable[[], None]
_REGISTRY: dict[str, PatchFn] = {}  # fidelity patches: make moto behave like AWS
_SPEEDUPS: dict[str, PatchFn] = {}  # no behaviour change, only faster
_EXTENSIONS: dict[str, PatchFn] = {}  # AWS APIs moto lacks, and realistic lifecycles (modules ext_*.py)
_APPLIED: list[str] = []
_MARK = "__localcloud_patch__"


class PatchDoesNotFit(Exception):
    """The installed moto no longer matches what a patch expects (or no longer has the bug)."""


def _patch(name: str, registry: dict[str, PatchFn] = _REGISTRY) -> Callable[[PatchFn], PatchFn]:
    def register(fn: PatchFn) -> PatchFn:
        if name in _REGISTRY or name in _SPEEDUPS or name in _EXTENSIONS:
            raise ValueError(f"duplicate patch name {name!r}")
        registry[name] = fn
        return fn

    return register


def names() -> list[str]:
    """All registered fidelity patch names, in application order."""
    return list(_REGISTRY)


def speedup_names() -> list[str]:
    """All registered speed-ups (patches that change no behaviour)."""
    return list(_SPEEDUPS)


def extension_names() -> list[str]:
    """All registered extensions (APIs moto lacks, lifecycles), in application order."""
    _load_extensions()
    return list(_EXTENSIONS)


def _load_extensions() -> None:
    """Import the extension modules (tools/localcloud/ext_*.py).

    Each registers its extensions with ``@_patch(name, _EXTENSIONS)``.
    """
    import importlib
    import pkgutil
    from pathlib import Path

    for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
        if info.name.startswith("ext_"):
            importlib.import_module(f"{__package__}.{info.name}")


def applied() -> list[str]:
    """Names of the patches applied in this process (empty unless apply_all() ran here)."""
    return list(_APPLIED)


def apply_all(registry: Mapping[str, PatchFn] | None = None) -> list[str]:
    """Apply every registered fidelity patch (or those of ``registry``); return the names applied.

    A patch that raises is skipped with a warning (logger ``localcloud.patches``; without logging set up,
    Python's last-resort handler prints it to stderr). Applying twice is a no-op.
    """
    result = []
    for name, fn in (_REGISTRY if registry is None else registry).items():
        if name in _APPLIED:
            result.append(name)
            continue
        try:
            fn()
        except PatchDoesNotFit as exc:
            log.warning("patch %s skipped, it no longer fits moto: %s", name, exc)
        except Exception as exc:
            log.warning("patch %s skipped, it failed: %r", name, exc)
        else:
            _APPLIED.append(name)
            result.append(name)
    return result


def apply_speedups() -> list[str]:
    """Apply the speed-ups, same rules as ``apply_all``."""
    return apply_all(_SPEEDUPS)


def apply_extensions() -> list[str]:
    """Apply the extensions (tools/localcloud/ext_*.py), same rules as ``apply_all``."""
    _load_extensions()
    return apply_all(_EXTENSIONS)


def _require_params(
    func: Any, *expected: str, may_be_patched_by: Callable[[str], bool] = lambda mark: False
) -> None:
    """Fail unless ``func`` takes exactly the leading positional parameters ``expected``, and is not
    patched yet (unless by a patch whose name ``may_be_patched_by`` accepts: patches that wrap a method
    another one already wrapped; functools.wraps keeps the signature)."""
    if not callable(func):
        raise PatchDoesNotFit(f"{func!r} is not callable")
    mark = getattr(func, _MARK, None)
    if mark and not may_be_patched_by(mark):
        raise PatchDoesNotFit(f"{func.__qualname__} is already patched by {mark}")
    params = list(inspect.signature(func).parameters)
    if params[: len(expected)] != list(expected):
        raise PatchDoesNotFit(f"{func.__qualname__}{inspect.signature(func)} no longer takes {expected}")


def _mark(wrapper: Any, name: str) -> Any:
    setattr(wrapper, _MARK, name)
    return wrapper


# --------------------------------------------------------------------------------------------------------
# 1. DynamoDB DescribeTable: TableId


@_patch("dynamodb-describe-table-id")
def _dynamodb_table_id() -> None:
    """DescribeTable/CreateTable return a stable ``TableId``.

    community.aws.dynamodb_table fails with KeyError 'table_id' without it.
    """
    from moto.dynamodb.models.table import Table

    original = Table.describe
    _require_params(original, "self", "base_key")

    @functools.wraps(original)
    def describe(self: Any, base_key: str = "TableDescription") -> dict[str, Any]:
        result = original(self, base_key=base_key)
        table_id = self.__dict__.get("_localcloud_table_id")
        if table_id is None:
            table_id = self.__dict__.setdefault("_localcloud_table_id", _random_uuid())
        result[base_key].setdefault("TableId", table_id)
        return result

    Table.describe = _mark(describe, "dynamodb-describe-table-id")


def _random_uuid() -> str:
    """A UUID from moto's random source, so ``POST /moto-api/seed`` makes it deterministic."""
    try:
        from moto.moto_api._internal import mock_random

        return str(mock_random.uuid4())
    except Exception:
        return str(uuid.uuid4())


# --------------------------------------------------------------------------------------------------------
# 2. RDS ModifyDBSubnetGroup keeps the group


@_patch("rds-modify-subnet-group-keeps-group")
def _rds_modify_subnet_group() -> None:
    """moto pops the group out of the backend on modify, so it vanishes (amazon.aws.rds_subnet_group)."""
    from moto.rds.exceptions import DBSubnetGroupNotFoundError
    from moto.rds.models import RDSBackend

    original = RDSBackend.modify_db_subnet_group
    _require_params(original, "self", "subnet_name", "description", "subnets")

    @functools.wraps(original)
    def modify_db_subnet_group(self: Any, subnet_name: str, description: Any, subnets: Any) -> Any:
        if subnet_name not in self.subnet_groups:
            raise DBSubnetGroupNotFoundError(subnet_name)
        group = original(self, subnet_name, description, subnets)
        self.subnet_groups[subnet_name] = group
        return group

    RDSBackend.modify_db_subnet_group = _mark(modify_db_subnet_group, "rds-modify-subnet-group-keeps-group")


# --------------------------------------------------------------------------------------------------------
# 3. RDS DescribeDBParameterGroups(name=missing) -> DBParameterGroupNotFound


@_patch("rds-describe-param-group-not-found")
def _rds_param_group_not_found() -> None:
    """moto returns [] for a missing name; AWS raises DBParameterGroupNotFound.

    amazon.aws.rds_instance_param_group relies on the error (IndexError otherwise), and so rds_instance.
    """
    from moto.rds.exceptions import DBParameterGroupNotFoundError
    from moto.rds.models import RDSBackend

    original = RDSBackend.describe_db_parameter_groups
    _require_params(original, "self", "db_parameter_group_kwargs")

    @functools.wraps(original)
    def describe_db_parameter_groups(self: Any, db_parameter_group_kwargs: dict[str, Any]) -> Any:
        result = original(self, db_parameter_group_kwargs)
        name = db_parameter_group_kwargs.get("db_parameter_group_name")
        if name and not result:
            raise DBParameterGroupNotFoundError(name)
        return result

    RDSBackend.describe_db_parameter_groups = _mark(
        describe_db_parameter_groups, "rds-describe-param-group-not-found"
    )


# --------------------------------------------------------------------------------------------------------
# 4. EC2 DescribeTags ResourceType for nat-* is "natgateway"


@_patch("ec2-natgateway-resource-type")
def _ec2_natgateway_resource_type() -> None:
    """moto reports ``nat-gateway``; AWS reports ``natgateway`` (ec2_vpc_nat_gateway is never idempotent)."""
    from moto.ec2 import utils

    table = utils.EC2_PREFIX_TO_RESOURCE
    current = table.get("nat")
    if current != "nat-gateway":
        raise PatchDoesNotFit(f"EC2_PREFIX_TO_RESOURCE['nat'] is {current!r}, expected 'nat-gateway'")
    # The dict object is shared with moto.ec2.models.tags, so change it in place.
    table["nat"] = "natgateway"


# --------------------------------------------------------------------------------------------------------
# 5. EKS node group default updateConfig


@_patch("eks-nodegroup-default-update-config")
def _eks_nodegroup_update_config() -> None:
    """AWS always returns updateConfig (default maxUnavailable=1); community.aws.eks_nodegroup needs it."""
    from moto.eks.models import Nodegroup

    original = Nodegroup.__init__
    if "update_config" not in inspect.signature(original).parameters:
        raise PatchDoesNotFit("Nodegroup.__init__ has no update_config parameter any more")
    if getattr(original, _MARK, None):
        raise PatchDoesNotFit("Nodegroup.__init__ is already patched")

    @functools.wraps(original)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if not getattr(self, "update_config", None):
            self.update_config = {"maxUnavailable": 1}

    Nodegroup.__init__ = _mark(__init__, "eks-nodegroup-default-update-config")


# --------------------------------------------------------------------------------------------------------
# 6. EKS tags on node groups and Fargate profiles


@_patch("eks-tags-nodegroups-fargate")
def _eks_tags_nodegroups() -> None:
    """moto's EKS Tag/Untag/ListTagsForResource only know cluster ARNs (eks_nodegroup re-run fails)."""
    from moto.eks.models import EKSBackend

    original_tag = EKSBackend.tag_resource
    original_untag = EKSBackend.untag_resource
    original_list = EKSBackend.list_tags_for_resource
    _require_params(original_tag, "self", "resource_arn", "tags")
    _require_params(original_untag, "self", "resource_arn", "tag_keys")
    _require_params(original_list, "self", "resource_arn")

    def find(backend: Any, arn: str) -> Any:
        for cluster in backend.clusters.values():
            for nodegroup in getattr(cluster, "nodegroups", {}).values():
                if getattr(nodegroup, "arn", None) == arn:
                    return nodegroup
            for profile in getattr(cluster, "fargate_profiles", {}).values():
                if getattr(profile, "fargate_profile_arn", None) == arn:
                    return profile
        return None

    @functools.wraps(original_tag)
    def tag_resource(self: Any, resource_arn: str, tags: dict[str, str]) -> None:
        resource = find(self, resource_arn)
        if resource is None:
            return original_tag(self, resource_arn, tags)
        resource.tags.update(tags)
        return None

    @functools.wraps(original_untag)
    def untag_resource(self: Any, resource_arn: str, tag_keys: list[str] | str) -> None:
        resource = find(self, resource_arn)
        if resource is None:
            return original_untag(self, resource_arn, tag_keys)
        for key in [tag_keys] if isinstance(tag_keys, str) else tag_keys:
            resource.tags.pop(key, None)
        return None

    @functools.wraps(original_list)
    def list_tags_for_resource(self: Any, resource_arn: str) -> dict[str, str]:
        resource = find(self, resource_arn)
        return original_list(self, resource_arn) if resource is None else resource.tags

    name = "eks-tags-nodegroups-fargate"
    EKSBackend.tag_resource = _mark(tag_resource, name)
    EKSBackend.untag_resource = _mark(untag_resource, name)
    EKSBackend.list_tags_for_resource = _mark(list_tags_for_resource, name)


# --------------------------------------------------------------------------------------------------------
# 7. KMS key-state operations accept a key ARN (or alias)


_KMS_KEY_STATE_OPS = ("schedule_key_deletion", "cancel_key_deletion", "enable_key", "disable_key")


@_patch("kms-key-state-ops-accept-arn")
def _kms_key_state_ops() -> None:
    """moto indexes ``self.keys[key_id]`` with the raw argument: a key ARN gives a 500 KeyError.

    The backend now resolves ARN / alias to the key id first (amazon.aws.kms_key state=absent passes the
    ARN). moto's API layer still rejects alias names for these four operations, as AWS does.
    """
    from moto.kms.models import KmsBackend

    if not callable(getattr(KmsBackend, "any_id_to_key_id", None)):
        raise PatchDoesNotFit("KmsBackend.any_id_to_key_id is gone")
    originals = {name: getattr(KmsBackend, name, None) for name in _KMS_KEY_STATE_OPS}
    for original in originals.values():
        _require_params(original, "self", "key_id")

    def make(original: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(original)
        def wrapper(self: Any, key_id: str, *args: Any, **kwargs: Any) -> Any:
            try:
                resolved = self.any_id_to_key_id(key_id)
            except Exception:  # unknown alias etc.: let moto produce its own error
                resolved = key_id
            return original(self, resolved or key_id, *args, **kwargs)

        return _mark(wrapper, "kms-key-state-ops-accept-arn")

    for name, original in originals.items():
        setattr(KmsBackend, name, make(original))


# --------------------------------------------------------------------------------------------------------
# 8. S3 bucket policies honour aws:SecureTransport

# Whether the request being handled arrived over TLS. Set per request by the server's WSGI middleware
# (werkzeug's threaded server runs each request in its own thread, hence its own context).
_REQUEST_TLS: ContextVar[bool | None] = ContextVar("localcloud_request_tls", default=None)


@contextlib.contextmanager
def request_context(*, tls: bool) -> Iterator[None]:
    """Record, for the duration of one request, whether it arrived over TLS."""
    token = _REQUEST_TLS.set(tls)
    try:
        yield
    finally:
        _REQUEST_TLS.reset(token)


def current_request_tls() -> bool | None:
    """True/False inside a request handled by our server, None elsewhere (unknown)."""
    return _REQUEST_TLS.get()


_BOOL_OPERATORS = ("Bool", "BoolIfExists")


def evaluate_condition(condition: Any, context: Mapping[str, bool | None]) -> bool | None:
    """Evaluate an IAM ``Condition`` block against request context values.

    ``context`` maps lower-case condition keys (e.g. ``aws:securetransport``) to booleans; a key mapped to
    None or missing is unknown. Returns True when every operator/key matches (values of one key are ORed,
    everything else ANDed, as in IAM), False when one definitely does not match, and None when the block
    contains anything this evaluator cannot decide: an operator other than Bool/BoolIfExists, a key other
    than the known ones, a value that is not "true"/"false", or an unknown context value.
    """
    if not isinstance(condition, Mapping):
        return None
    verdict: bool | None = True
    for operator, clauses in condition.items():
        if operator not in _BOOL_OPERATORS or not isinstance(clauses, Mapping):
            return None
        for key, expected in clauses.items():
            actual = context.get(str(key).lower())
            wanted = _bool_values(expected)
            if actual is None or wanted is None:
                return None
            if actual not in wanted:
                verdict = False
    return verdict


def _bool_values(value: Any) -> set[bool] | None:
    values = value if isinstance(value, list) else [value]
    result = set()
    for item in values:
        if isinstance(item, bool):
            result.add(item)
        elif isinstance(item, str) and item.lower() in ("true", "false"):
            result.add(item.lower() == "true")
        else:
            return None
    return result or None


def effective_policy(policy: dict[str, Any], context: Mapping[str, bool | None]) -> dict[str, Any]:
    """The policy with conditional statements resolved for this request.

    A statement whose Condition evaluates to True is kept without its Condition; one whose Condition is
    False or cannot be evaluated (see ``evaluate_condition``) is dropped, i.e. treated as not applying.
    Dropping the undecidable ones is deliberate: for the local cloud an unknown Deny must not block
    everything (moto's old behaviour) and an unknown Allow must not grant anything.
    """
    statements = policy.get("Statement", [])
    if isinstance(statements, Mapping):
        statements = [statements]
    kept = []
    for statement in statements:
        condition = statement.get("Condition") if isinstance(statement, Mapping) else None
        if condition:
            if evaluate_condition(condition, context) is not True:
                continue
            statement = {k: v for k, v in statement.items() if k != "Condition"}
        kept.append(statement)
    return {**policy, "Statement": kept}


@_patch("s3-bucket-policy-secure-transport")
def _s3_bucket_policy_conditions() -> None:
    """Bucket policies: evaluate ``aws:SecureTransport`` instead of ignoring Conditions.

    moto evaluates bucket policies without looking at Conditions, and a failed/unknown condition makes the
    statement DENY. So the standard TLS-only policy (Deny s3:* when aws:SecureTransport is false) blocks
    every object operation, even over HTTPS. With this patch, ``FakeBucket.get_permission`` first resolves
    Conditions for the current request (``effective_policy``): ``Bool``/``BoolIfExists`` on
    ``aws:SecureTransport`` uses whether the request arrived over TLS (``current_request_tls``).

    Choice: a statement whose Condition contains anything we cannot evaluate (other operators or keys, or
    a request whose TLS state is unknown, e.g. in-process moto) is treated as NOT applying; neither its
    Allow nor its Deny counts. Everything else (principal, action, resource matching) is still moto's.
    """
    from moto.iam.access_control import IAMPolicy, PermissionResult
    from moto.s3.models import FakeBucket

    original = FakeBucket.get_permission
    _require_params(original, "self", "action", "resource")
    if not callable(getattr(IAMPolicy, "is_action_permitted", None)):
        raise PatchDoesNotFit("IAMPolicy.is_action_permitted is gone")
    neutral = PermissionResult.NEUTRAL

    @functools.wraps(original)
    def get_permission(self: Any, action: str, resource: str) -> Any:
        if self.policy is None:
            return neutral
        try:
            document = json.loads(self.policy)
        except (TypeError, ValueError):
            return original(self, action, resource)
        if not isinstance(document, dict):
            return original(self, action, resource)
        context = {"aws:securetransport": current_request_tls()}
        resolved = effective_policy(document, context)
        return IAMPolicy(json.dumps(resolved)).is_action_permitted(action, resource)

    FakeBucket.get_permission = _mark(get_permission, "s3-bucket-policy-secure-transport")


# --------------------------------------------------------------------------------------------------------
# 9. SES configuration sets: several event destinations, update/delete, reputation options


def _ses_error(code: str) -> type:
    """An SES (query protocol) error class with the AWS error code ``code``."""
    from moto.ses.exceptions import SesError

    return type(code, (SesError,), {"code": code})


@_patch("ses-configuration-set-event-destinations")
def _ses_configuration_set_event_destinations() -> None:
    """SES v1 configuration-set event destinations as AWS has them.

    moto keeps ONE destination per configuration set (each create overwrites the previous one, so
    DescribeConfigurationSet shows only the last), checks destination names for uniqueness across ALL
    sets and never forgets them (a set deleted and created again cannot get its destinations back),
    has no Update/DeleteConfigurationSetEventDestination (500), answers DeleteConfigurationSet of a
    missing set with a 500 KeyError, and never returns ReputationOptions. Here every set holds its own
    destinations by name; update/delete exist with AWS's errors (ConfigurationSetDoesNotExist,
    EventDestinationDoesNotExist, EventDestinationAlreadyExists); DescribeConfigurationSet returns every
    destination (in creation order) and, when asked, ReputationOptions. fastish.platform.ses_configuration_set
    needs all of it.
    """
    from moto.core.responses import ActionResult, EmptyResult
    from moto.ses.exceptions import ConfigurationSetDoesNotExist, EventDestinationAlreadyExists
    from moto.ses.models import SESBackend
    from moto.ses.responses import EmailResponse

    for action in ("update", "delete"):
        if hasattr(EmailResponse, f"{action}_configuration_set_event_destination"):
            raise PatchDoesNotFit(f"moto now has {action}_configuration_set_event_destination")
    original_create = SESBackend.create_configuration_set_event_destination
    original_delete_set = SESBackend.delete_configuration_set
    original_describe = EmailResponse.describe_configuration_set
    _require_params(original_create, "self", "configuration_set_name", "event_destination")
    _require_params(original_delete_set, "self", "configuration_set_name")
    _require_params(original_describe, "self")
    does_not_exist = _ses_error("EventDestinationDoesNotExist")
    name = "ses-configuration-set-event-destinations"

    def destinations(backend: Any, set_name: str) -> dict[str, dict[str, Any]]:
        if set_name not in backend.config_sets:
            raise ConfigurationSetDoesNotExist(f"Configuration set <{set_name}> does not exist.")
        table = backend.__dict__.setdefault("_localcloud_event_destinations", {})
        return table.setdefault(set_name, {})

    def normalised(destination: dict[str, Any]) -> dict[str, Any]:
        result = dict(destination)
        result["Enabled"] = bool(result.get("Enabled", False))
        return result

    @functools.wraps(original_create)
    def create_destination(self: Any, configuration_set_name: str, event_destination: dict[str, Any]) -> None:
        table = destinations(self, configuration_set_name)
        if event_destination["Name"] in table:
            raise EventDestinationAlreadyExists(
                f"Event destination {event_destination['Name']} already exists in configuration set "
                f"{configuration_set_name}."
            )
        table[event_destination["Name"]] = normalised(event_destination)

    def update_destination(self: Any, configuration_set_name: str, event_destination: dict[str, Any]) -> None:
        table = destinations(self, configuration_set_name)
        if event_destination["Name"] not in table:
            raise does_not_exist(
                f"No EventDestination found for {event_destination['Name']} in configuration set "
                f"{configuration_set_name}."
            )
        table[event_destination["Name"]] = normalised(event_destination)

    def delete_destination(self: Any, configuration_set_name: str, event_destination_name: str) -> None:
        table = destinations(self, configuration_set_name)
        if event_destination_name not in table:
            raise does_not_exist(
                f"No EventDestination found for {event_destination_name} in configuration set "
                f"{configuration_set_name}."
            )
        del table[event_destination_name]

    @functools.wraps(original_delete_set)
    def delete_configuration_set(self: Any, configuration_set_name: str) -> None:
        destinations(self, configuration_set_name)  # AWS: ConfigurationSetDoesNotExist, moto: KeyError
        original_delete_set(self, configuration_set_name)
        self.__dict__.get("_localcloud_event_destinations", {}).pop(configuration_set_name, None)

    @functools.wraps(original_describe)
    def describe_configuration_set(self: Any) -> Any:
        set_name = self._get_param("ConfigurationSetName")
        config_set = self.backend.describe_configuration_set(set_name)
        wanted = self._get_param("ConfigurationSetAttributeNames", []) or []
        result: dict[str, Any] = {"ConfigurationSet": {"Name": config_set.configuration_set_name}}
        if "eventDestinations" in wanted:
            result["EventDestinations"] = [dict(d) for d in destinations(self.backend, set_name).values()]
        if "reputationOptions" in wanted:
            reputation = config_set.reputation_options or {}
            sending = config_set.enabled  # {} for sets created through v1: sending is on
            sending = sending.get("SendingEnabled", True) if isinstance(sending, dict) else sending
            result["ReputationOptions"] = {
                "SendingEnabled": sending is not False,
                "ReputationMetricsEnabled": bool(reputation.get("ReputationMetricsEnabled", False)),
            }
        return ActionResult(result)

    def update_response(self: Any) -> Any:
        self.backend.update_configuration_set_event_destination(
            self._get_param("ConfigurationSetName"), self._get_param("EventDestination", {})
        )
        return EmptyResult()

    def delete_response(self: Any) -> Any:
        self.backend.delete_configuration_set_event_destination(
            self._get_param("ConfigurationSetName"), self._get_param("EventDestinationName")
        )
        return EmptyResult()

    replaced = {
        (SESBackend, "create_configuration_set_event_destination"): create_destination,
        (SESBackend, "update_configuration_set_event_destination"): update_destination,
        (SESBackend, "delete_configuration_set_event_destination"): delete_destination,
        (SESBackend, "delete_configuration_set"): delete_configuration_set,
        (EmailResponse, "describe_configuration_set"): describe_configuration_set,
        (EmailResponse, "update_configuration_set_event_destination"): update_response,
        (EmailResponse, "delete_configuration_set_event_destination"): delete_response,
    }
    for (cls, attribute), function in replaced.items():
        setattr(cls, attribute, _mark(function, name))


# --------------------------------------------------------------------------------------------------------
# 10. SES Easy DKIM starts with VerifyDomainDkim


_DKIM_TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"


def _dkim_token() -> str:
    """A 32-character token like SES's, from moto's random source (``/moto-api/seed`` makes it repeatable)."""
    try:
        from moto.moto_api._internal import mock_random as random
    except Exception:
        import random
    return "".join(random.choice(_DKIM_TOKEN_ALPHABET) for _ in range(32))


@_patch("ses-dkim-after-verify-domain-dkim")
def _ses_dkim_after_verify_domain_dkim() -> None:
    """Easy DKIM exists only after VerifyDomainDkim, with tokens of the domain's own.

    moto reports every verified domain as DKIM-enabled with three tokens (the same three for every
    domain) before anyone asked for DKIM, has no SetIdentityDkimEnabled, and keeps the tokens after
    DeleteIdentity. On AWS a domain identity starts with DkimEnabled=false / NotStarted and no tokens;
    VerifyDomainDkim (which also adds the domain as an identity) issues three tokens per domain and turns
    signing on; SetIdentityDkimEnabled toggles signing; deleting the identity forgets its DKIM setup. An
    email address identity signs with its domain's DKIM (enabled, Success) when that domain has it.
    Identities that do not exist keep moto's answer. fastish.platform.ses_domain_dkim relies on this.
    """
    from moto.core.responses import ActionResult, EmptyResult
    from moto.ses.exceptions import InvalidParameterValue
    from moto.ses.models import SESBackend
    from moto.ses.responses import EmailResponse

    if hasattr(EmailResponse, "set_identity_dkim_enabled"):
        raise PatchDoesNotFit("moto now has set_identity_dkim_enabled; is this patch still needed?")
    original_attributes = SESBackend.get_identity_dkim_attributes
    original_delete = SESBackend.delete_identity
    original_verify = EmailResponse.verify_domain_dkim
    _require_params(original_attributes, "self", "identities")
    _require_params(original_delete, "self", "identity")
    _require_params(original_verify, "self")
    _require_params(SESBackend.verify_domain, "self", "domain")
    name = "ses-dkim-after-verify-domain-dkim"

    def disabled(backend: Any) -> set[str]:
        return backend.__dict__.setdefault("_localcloud_dkim_disabled", set())

    def dkim_of(backend: Any, identity: Any) -> dict[str, Any]:
        domain = identity.email_identity
        if identity.identity_type != "DOMAIN":
            domain = domain.rsplit("@", 1)[-1].lower()
            signs = domain in backend.dkim_tokens and domain not in disabled(backend)
            return {"DkimEnabled": signs, "DkimVerificationStatus": "Success" if signs else "NotStarted"}
        if domain not in backend.dkim_tokens:
            return {"DkimEnabled": False, "DkimVerificationStatus": "NotStarted"}
        return {
            "DkimEnabled": domain not in disabled(backend),
            "DkimVerificationStatus": "Success",
            "DkimTokens": list(backend.dkim_tokens[domain]),
        }

    @functools.wraps(original_attributes)
    def get_identity_dkim_attributes(self: Any, identities: list[str]) -> dict[str, dict[str, Any]]:
        result = original_attributes(self, [i for i in identities if i not in self.email_identities])
        for ident in identities:
            if ident in self.email_identities:
                result[ident] = dkim_of(self, self.email_identities[ident])
        return result

    @functools.wraps(original_delete)
    def delete_identity(self: Any, identity: str) -> None:
        original_delete(self, identity)
        if identity not in self.email_identities:
            self.dkim_tokens.pop(identity, None)
            disabled(self).discard(identity)

    def set_identity_dkim_enabled(self: Any, identity: str, enabled: bool) -> None:
        known = self.email_identities.get(identity)
        if known is None:
            raise InvalidParameterValue(f"Identity <{identity}> does not exist.")
        domain = identity if known.identity_type == "DOMAIN" else identity.rsplit("@", 1)[-1].lower()
        if domain not in self.dkim_tokens:
            raise InvalidParameterValue(f"Domain {domain} is not verified for DKIM signing.")
        if enabled:
            disabled(self).discard(domain)
        else:
            disabled(self).add(domain)

    @functools.wraps(original_verify)
    def verify_domain_dkim(self: Any) -> Any:
        domain = self._get_param("Domain").lower()
        self.backend.verify_domain(domain)
        tokens = self.backend.dkim_tokens.get(domain)
        if not tokens:  # new Easy DKIM setup: signing on
            tokens = self.backend.dkim_tokens[domain] = [_dkim_token() for _ in range(3)]
            disabled(self.backend).discard(domain)
        return ActionResult({"DkimTokens": list(tokens)})

    def set_identity_dkim_enabled_response(self: Any) -> Any:
        enabled = self._get_bool_param("DkimEnabled", False)
        self.backend.set_identity_dkim_enabled(self._get_param("Identity"), enabled)
        return EmptyResult()

    SESBackend.get_identity_dkim_attributes = _mark(get_identity_dkim_attributes, name)
    SESBackend.delete_identity = _mark(delete_identity, name)
    SESBackend.set_identity_dkim_enabled = _mark(set_identity_dkim_enabled, name)
    EmailResponse.verify_domain_dkim = _mark(verify_domain_dkim, name)
    EmailResponse.set_identity_dkim_enabled = _mark(set_identity_dkim_enabled_response, name)


# --------------------------------------------------------------------------------------------------------
# 11. DynamoDB UpdateTable applies SSESpecification (moto ignores it; encryption is set at create only)


@_patch("dynamodb-update-table-sse")
def _dynamodb_update_table_sse() -> None:
    """UpdateTable applies ``SSESpecification`` (moto 5.2.5 reads it only in CreateTable).

    Enabled with a KMS key (id, ARN or alias) -> SSE-KMS with that key, described by its key ARN as AWS
    does; enabled without a key -> the AWS managed key alias/aws/dynamodb; disabled -> the AWS owned key
    (no SSEDescription). fastish.platform.dynamodb_table_settings sets SSE this way.
    """
    from moto.dynamodb.responses import DynamoHandler
    from moto.kms import kms_backends

    original = DynamoHandler.update_table
    _require_params(original, "self")

    @functools.wraps(original)
    def update_table(self: Any) -> Any:
        sse = self.body.get("SSESpecification")
        if isinstance(sse, dict) and "Enabled" in sse:
            table = self.dynamodb_backend.get_table(self.body["TableName"])  # not found: moto's own error
            if sse["Enabled"]:
                key = sse.get("KMSMasterKeyId")
                if key:
                    with contextlib.suppress(Exception):  # unknown key: keep what was given
                        key = kms_backends[table.account_id][table.region_name].describe_key(key).arn
                else:
                    key = table._get_default_encryption_key(table.account_id, table.region_name)
                table.sse_specification = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key}
            else:
                table.sse_specification = None
        return original(self)

    DynamoHandler.update_table = _mark(update_table, "dynamodb-update-table-sse")


# --------------------------------------------------------------------------------------------------------
# 12. cognito-idp UpdateUserPool forgets the pool's create-only sign-in settings. AWS keeps
#     UsernameAttributes / AliasAttributes / UsernameConfiguration (they cannot be updated); moto
#     replaces its whole extended config with the update request, so the next read reports an email
#     pool as a username pool.


@_patch("cognito-update-user-pool-keeps-create-only")
def _cognito_update_user_pool_keeps_create_only() -> None:
    from moto.cognitoidp.models import CognitoIdpUserPool

    original = CognitoIdpUserPool.update_extended_config
    _require_params(original, "self", "extended_config")
    keep = ("UsernameAttributes", "AliasAttributes", "UsernameConfiguration")

    @functools.wraps(original)
    def update_extended_config(self: Any, extended_config: dict) -> None:
        kept = {k: v for k, v in (getattr(self, "extended_config", None) or {}).items() if k in keep}
        original(self, extended_config)
        self.extended_config.pop("UserPoolId", None)
        self.extended_config.update(kept)

    CognitoIdpUserPool.update_extended_config = _mark(
        update_extended_config, "cognito-update-user-pool-keeps-create-only"
    )


# --------------------------------------------------------------------------------------------------------
# 14. Lambda UpdateFunctionConfiguration ignores KMSKeyArn, TracingConfig and EphemeralStorage (moto
#     5.2.5 reads them only in CreateFunction), so a function's environment key or tracing mode can never
#     be changed, and a module that changes them reports a change forever.


@_patch("lambda-update-configuration-keeps-all-settings")
def _lambda_update_configuration_keeps_all_settings() -> None:
    from moto.awslambda.models import LambdaFunction

    original = LambdaFunction.update_configuration
    _require_params(original, "self", "config_updates")

    @functools.wraps(original)
    def update_configuration(self: Any, config_updates: dict[str, Any]) -> dict[str, Any]:
        if "KMSKeyArn" in config_updates:
            self.kms_key_arn = config_updates["KMSKeyArn"] or None
        if "TracingConfig" in config_updates:
            self.tracing_config = config_updates["TracingConfig"] or {"Mode": "PassThrough"}
        if "EphemeralStorage" in config_updates:
            self.ephemeral_storage = config_updates["EphemeralStorage"].get("Size", self.ephemeral_storage)
        return original(self, config_updates)

    LambdaFunction.update_configuration = _mark(
        update_configuration, "lambda-update-configuration-keeps-all-settings"
    )


# --------------------------------------------------------------------------------------------------------
# Speed-ups (not fidelity patches: moto behaves the same, only faster)


@_patch("iam-managed-policies-parse-once", _SPEEDUPS)
def _iam_parse_managed_policies_once() -> None:
    """With MOTO_IAM_LOAD_MANAGED_POLICIES=true every IAMBackend init json-parses the ~1,300 AWS managed
    policies again (~0.3 s each), and ``/moto-api/reset`` re-inits every IAM backend used (one per
    partition). Parse the data once; the policy objects are still created fresh per backend.
    """
    from moto.iam import models
    from moto.settings import load_iam_aws_managed_policies

    original = models.IAMBackend._init_aws_policies
    _require_params(original, "self")
    data = getattr(models, "aws_managed_policies_data", None)
    if not isinstance(data, str):
        raise PatchDoesNotFit("moto.iam.models.aws_managed_policies_data is no longer a JSON string")
    _require_params(models.AWSManagedPolicy.from_data, "name", "account_id", "region_name", "data")

    parsed = functools.cache(lambda: json.loads(data))

    @functools.wraps(original)
    def _init_aws_policies(self: Any) -> list[Any]:
        if not load_iam_aws_managed_policies():
            return []
        return [
            models.AWSManagedPolicy.from_data(name, self.account_id, self.region_name, document)
            for name, document in parsed().items()
        ]

    models.IAMBackend._init_aws_policies = _mark(_init_aws_policies, "iam-managed-policies-parse-once")


# --------------------------------------------------------------------------------------------------------
# 13. CloudFront distributions lose the S3 origin's OriginAccessControlId and S3OriginConfig, and report a
#     distribution with an ACM certificate as using the CloudFront default certificate.


@_patch("cloudfront-distribution-oac-and-certificate")
def _cloudfront_distribution_oac_and_certificate() -> None:
    """Keep what AWS keeps of a distribution's origins and viewer certificate.

    moto 5.2.5's ``Origin`` drops ``OriginAccessControlId`` and ``S3OriginConfig`` (so the distribution
    reads back without its OAC: a module comparing configs changes it on every run), and its
    ``ViewerCertificate`` defaults ``CloudFrontDefaultCertificate`` to true even with an
    ``ACMCertificateArn`` (AWS: false, ``CertificateSource`` acm, ``Certificate`` = the ARN).
    """
    from moto.cloudfront import models

    origin_init = models.Origin.__init__
    certificate_init = models.ViewerCertificate.__init__
    _require_params(origin_init, "self", "origin")
    _require_params(certificate_init, "self", "config")

    @functools.wraps(origin_init)
    def origin(self: Any, origin: dict[str, Any]) -> None:
        origin_init(self, origin)
        self.origin_access_control_id = origin.get("OriginAccessControlId") or ""
        if "S3OriginConfig" in origin:
            self.s3_origin_config = {"OriginAccessIdentity": self.s3_access_identity or ""}

    @functools.wraps(certificate_init)
    def certificate(self: Any, config: dict[str, Any]) -> None:
        certificate_init(self, config)
        for key, source in (("ACMCertificateArn", "acm"), ("IAMCertificateId", "iam")):
            if config.get(key):
                self.cloud_front_default_certificate = False
                self.certificate_source = source
                self.certificate = config[key]

    models.Origin.__init__ = _mark(origin, "cloudfront-distribution-oac-and-certificate")
    models.ViewerCertificate.__init__ = _mark(certificate, "cloudfront-distribution-oac-and-certificate")


# --------------------------------------------------------------------------------------------------------
# 15. EC2 CreateLaunchTemplate copies the template's own tags (the request's TagSpecifications of type
#     launch-template) into version 1's LaunchTemplateData.TagSpecifications, where AWS keeps only the
#     tag specifications given inside LaunchTemplateData (the tags of the instances and volumes launched).


@_patch("ec2-launch-template-tags-not-in-data")
def _ec2_launch_template_tags_not_in_data() -> None:
    """Keep a launch template's own tags out of its first version's data.

    moto 5.2.5's ``create_launch_template`` response appends one entry per resource type of the request's
    top-level ``TagSpecifications`` to ``LaunchTemplateData.TagSpecifications`` before it creates the
    template, so version 1 reads back with a ``launch-template`` tag specification nobody put in its data.
    ``amazon.aws.ec2_launch_template`` compares the data it wants with the latest version's and creates
    version 2 on the next run (changed), although nothing changed. AWS stores the data as given.
    """
    from moto.ec2.models.launch_templates import LaunchTemplateBackend

    original = LaunchTemplateBackend.create_launch_template
    _require_params(original, "self", "name", "description", "template_data", "tag_spec")

    @functools.wraps(original)
    def create_launch_template(
        self: Any, name: str, description: str, template_data: dict[str, Any], tag_spec: dict[str, Any]
    ) -> Any:
        appended = [
            {"ResourceType": kind, "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}
            for kind, tags in (tag_spec or {}).items()
        ]
        specs = template_data.get("TagSpecifications")
        if appended and isinstance(specs, list) and specs[len(specs) - len(appended) :] == appended:
            del specs[len(specs) - len(appended) :]
            if not specs:
                template_data.pop("TagSpecifications")
        return original(self, name, description, template_data, tag_spec)

    LaunchTemplateBackend.create_launch_template = _mark(
        create_launch_template, "ec2-launch-template-tags-not-in-data"
    )


# --------------------------------------------------------------------------------------------------------
# 16. IAM policy size quotas: moto stores a policy of any size, AWS refuses inline policies over an
#     entity's aggregate quota and managed policies over 6,144 characters (whitespace not counted).

# AWS IAM quotas (characters of the policy documents as sent, whitespace excluded): all inline policies
# of a user / group / role together, and one customer-managed policy (each of its versions).
INLINE_POLICY_MAX_CHARS = {"user": 2048, "group": 5120, "role": 10240}
MANAGED_POLICY_MAX_CHARS = 6144


def policy_chars(document: Any) -> int:
    """Characters IAM counts against its size quotas: the document as sent, without whitespace."""
    text = document if isinstance(document, str) else json.dumps(document)
    return sum(1 for char in text if not char.isspace())


@_patch("iam-policy-size-quotas")
def _iam_policy_size_quotas() -> None:
    """Refuse IAM policies over AWS's size quotas, with AWS's errors.

    moto 5.2.5 stores inline and managed policies of any size. AWS counts the characters of the
    documents without whitespace and refuses, with ``LimitExceeded`` (HTTP 409):

    - PutRolePolicy / PutGroupPolicy / PutUserPolicy when the entity's inline policies together (the new
      document in place of an existing one of the same name) exceed 10,240 / 5,120 / 2,048 characters:
      ``Maximum policy size of 10240 bytes exceeded for role <name>``;
    - CreatePolicy / CreatePolicyVersion over 6,144 characters: ``Cannot exceed quota for PolicySize: 6144``.

    Without this, a role whose permissions only fit moto deploys locally and fails on AWS.
    """
    from moto.iam.exceptions import LimitExceededException
    from moto.iam.models import IAMBackend

    puts = {kind: getattr(IAMBackend, f"put_{kind}_policy") for kind in INLINE_POLICY_MAX_CHARS}
    for kind, original in puts.items():
        _require_params(original, "self", f"{kind}_name", "policy_name", "policy_json")
    create_policy = IAMBackend.create_policy
    create_policy_version = IAMBackend.create_policy_version
    _require_params(create_policy, "self", "description", "path", "policy_document", "policy_name", "tags")
    _require_params(create_policy_version, "self", "policy_arn", "policy_document", "set_as_default")

    def check_managed(document: Any) -> None:
        if policy_chars(document) > MANAGED_POLICY_MAX_CHARS:
            raise LimitExceededException(f"Cannot exceed quota for PolicySize: {MANAGED_POLICY_MAX_CHARS}")

    def inline_put(kind: str, original: Callable[..., None]) -> Callable[..., None]:
        limit = INLINE_POLICY_MAX_CHARS[kind]

        signature = inspect.signature(original)

        @functools.wraps(original)
        def put(self: Any, *args: Any, **kwargs: Any) -> None:
            call = signature.bind(self, *args, **kwargs).arguments
            name, policy_name = call[f"{kind}_name"], call["policy_name"]
            entity = getattr(self, f"get_{kind}")(name)
            others = {k: v for k, v in (getattr(entity, "policies", None) or {}).items() if k != policy_name}
            if sum(map(policy_chars, others.values())) + policy_chars(call["policy_json"]) > limit:
                raise LimitExceededException(
                    f"Maximum policy size of {limit} bytes exceeded for {kind} {name}"
                )
            original(self, *args, **kwargs)

        return _mark(put, "iam-policy-size-quotas")

    @functools.wraps(create_policy)
    def create(
        self: Any, description: str, path: str, policy_document: str, policy_name: str, tags: Any
    ) -> Any:
        check_managed(policy_document)
        return create_policy(self, description, path, policy_document, policy_name, tags)

    @functools.wraps(create_policy_version)
    def create_version(self: Any, policy_arn: str, policy_document: str, set_as_default: bool) -> Any:
        check_managed(policy_document)
        return create_policy_version(self, policy_arn, policy_document, set_as_default)

    for kind, original in puts.items():
        setattr(IAMBackend, f"put_{kind}_policy", inline_put(kind, original))
    IAMBackend.create_policy = _mark(create, "iam-policy-size-quotas")
    IAMBackend.create_policy_version = _mark(create_version, "iam-policy-size-quotas")
