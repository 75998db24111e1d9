# Copyright: fastish maintainers
# Apache License 2.0 (see the collection's galaxy.yml)
"""Shared helpers of the fastish.platform Cognito user pool modules.

- ``client``: a cognito-idp client whose calls retry throttling when given ``aws_retry=True``.
- ``call``: one API call that fails the module with a message naming the resource on any AWS error.
- ``find_user_pools`` / ``find_user_pool``: user pools by name (ListUserPools); the latter fails clearly
  when several pools share the name.
- ``describe_user_pool``: DescribeUserPool, ``None`` when the pool does not exist.
- ``resolve_user_pool``: the pool a sub-resource module (client, group, domain, user) works on, from its
  ``user_pool_id`` or ``user_pool_name`` option; a missing pool fails the module, except with
  ``state=absent`` (nothing to remove) and in check mode (an earlier task of the same run would have
  created it), where ``None`` comes back.
- ``paginate``: every item of a paginated list call.
- ``issuer``: the OpenID Connect issuer URL of a pool.
- ``USER_POOL_ARG_SPEC`` / ``USER_POOL_ARG_RULES``: the ``user_pool_id`` / ``user_pool_name`` options.
"""

from __future__ import annotations

import contextlib

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

RETRY_CODES = ["TooManyRequestsException", "InternalErrorException", "ConcurrentModificationException"]

AWS_ERRORS = ()
with contextlib.suppress(NameError):
    AWS_ERRORS = (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)

# Options of the modules that work inside a user pool.
USER_POOL_ARG_SPEC = {
    "user_pool_id": {"type": "str"},
    "user_pool_name": {"type": "str"},
}
USER_POOL_ARG_RULES = {
    "required_one_of": [["user_pool_id", "user_pool_name"]],
    "mutually_exclusive": [["user_pool_id", "user_pool_name"]],
}


def client(module):
    """A cognito-idp client whose calls retry throttling when given ``aws_retry=True``."""
    return module.client(
        "cognito-idp", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES)
    )


def call(module, what, method, **kwargs):
    """``method(aws_retry=True, **kwargs)``; on an AWS error fail with ``Could not <what>``."""
    try:
        return method(aws_retry=True, **kwargs)
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Could not {what}")
    return None  # not reached: fail_json_aws exits


def paginate(module, idp, operation, key, what, **kwargs):
    """Every item under ``key`` of the paginated ``operation``."""

    @AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES)
    def _all():
        return idp.get_paginator(operation).paginate(**kwargs).build_full_result().get(key, [])

    try:
        return _all()
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Could not {what}")
    return []  # not reached


def find_user_pools(module, idp, name):
    """Summaries (ListUserPools) of the pools called ``name``."""
    pools = paginate(
        module, idp, "list_user_pools", "UserPools", "list the Cognito user pools", MaxResults=60
    )
    return [pool for pool in pools if pool.get("Name") == name]


def find_user_pool(module, idp, name):
    """The summary of the pool called ``name``, ``None`` if there is none; fails if several share the name."""
    pools = find_user_pools(module, idp, name)
    if len(pools) > 1:
        ids = ", ".join(sorted(pool["Id"] for pool in pools))
        module.fail_json(
            msg=f"{len(pools)} Cognito user pools are called {name} ({ids}); user pool names are not unique "
            "in Cognito, so this module cannot tell which one is meant. Delete or rename the extra pools."
        )
    return pools[0] if pools else None


def describe_user_pool(module, idp, pool_id):
    """The ``UserPool`` of DescribeUserPool, ``None`` when there is no such pool."""
    try:
        return idp.describe_user_pool(aws_retry=True, UserPoolId=pool_id)["UserPool"]
    except is_boto3_error_code("ResourceNotFoundException"):
        return None
    except AWS_ERRORS as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Could not describe Cognito user pool {pool_id}")
    return None  # not reached


def resolve_user_pool(module, idp):
    """The described pool of ``user_pool_id`` / ``user_pool_name``, or ``None`` (see the module docstring)."""
    pool_id = module.params.get("user_pool_id")
    name = module.params.get("user_pool_name")
    pool = None
    if pool_id:
        pool = describe_user_pool(module, idp, pool_id)
    else:
        summary = find_user_pool(module, idp, name)
        if summary:
            pool = describe_user_pool(module, idp, summary["Id"])
    if pool is None and module.params.get("state") != "absent" and not module.check_mode:
        which = f"with id {pool_id}" if pool_id else f"called {name}"
        module.fail_json(
            msg=f"There is no Cognito user pool {which}; create it first "
            "(fastish.platform.cognito_user_pool)."
        )
    return pool


def pool_label(module, pool):
    """How messages name the pool."""
    if pool:
        return f"{pool['Name']} ({pool['Id']})"
    return module.params.get("user_pool_id") or module.params.get("user_pool_name")


def issuer(region, pool_id):
    """The OpenID Connect issuer (``iss`` claim) of a user pool's tokens."""
    partition_suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"https://cognito-idp.{region}.{partition_suffix}/{pool_id}"


def sorted_list(value):
    """A list compared regardless of order (``None`` stays ``None``)."""
    return None if value is None else sorted(value)
