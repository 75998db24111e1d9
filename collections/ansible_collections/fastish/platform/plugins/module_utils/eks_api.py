# Copyright: fastish maintainers
# Apache License 2.0 (see the collection's galaxy.yml)
"""Shared helpers of the fastish.platform EKS add-on, access entry and Pod Identity modules.

- ``EksApiError``: a failure the module reports with ``fail_json`` (the message names the resource);
  ``aws_error`` keeps the botocore error when there is one (for ``fail_json_aws``).
- ``Eks``: an EKS client bound to a module, whose calls retry throttling, fail with a message naming
  the resource (``call``), page through lists (``paginate``), wait (``wait_for``) and manage tags.
- ``Eks.cluster``: the cluster a sub-resource module works in. A cluster that is still CREATING or
  UPDATING is waited for (when the module waits and is not in check mode) or reported clearly; a
  missing one is None (the module decides: nothing to remove, would be created in check mode, or fail).
- ``snake``: a boto3 response shape in snake_case (tags left as they are, timestamps as ISO 8601).
"""

from __future__ import annotations

import contextlib
import datetime
import time

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

RETRY_CODES = ["ThrottlingException", "TooManyRequestsException", "ServerException"]
ACTIVE = "ACTIVE"
CLUSTER_WAIT_STATES = ("CREATING", "UPDATING", "PENDING")
POLL_SECONDS = 2.0

AWS_ERRORS = ()
with contextlib.suppress(NameError):
    AWS_ERRORS = (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)


class EksApiError(Exception):
    """A failure to report with the module's fail_json(_aws)."""

    def __init__(self, message, aws_error=None):
        super().__init__(message)
        self.message = message
        self.aws_error = aws_error


def error_code(e):
    return getattr(e, "response", {}).get("Error", {}).get("Code")


def _plain(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def snake(shape):
    """A boto3 response structure in snake_case; ``tags`` keep their keys, timestamps become strings."""
    return _plain(camel_dict_to_snake_dict(shape or {}, ignore_list=["tags"]))


def fail(module, exc):
    """Exit the module for an EksApiError."""
    if exc.aws_error is not None:
        module.fail_json_aws(exc.aws_error, msg=exc.message)
    module.fail_json(msg=exc.message)


class Eks:
    """The EKS API as the modules use it."""

    def __init__(self, module):
        self.module = module
        self.client = module.client(
            "eks", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES)
        )

    # ---- calls ---------------------------------------------------------------------------------------

    def call(self, what, method, **kwargs):
        """``client.<method>(**kwargs)`` with retries; an AWS error raises EksApiError("Could not <what>")."""
        try:
            return getattr(self.client, method)(aws_retry=True, **kwargs)
        except AWS_ERRORS as e:
            raise EksApiError(f"Could not {what}", e) from e

    def get(self, what, method, **kwargs):
        """Like ``call``, but None when EKS answers ResourceNotFoundException."""
        try:
            return getattr(self.client, method)(aws_retry=True, **kwargs)
        except AWS_ERRORS as e:
            if error_code(e) == "ResourceNotFoundException":
                return None
            raise EksApiError(f"Could not {what}", e) from e

    def paginate(self, what, operation, key, **kwargs):
        """Every item under ``key`` of a paginated list operation."""

        @AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES)
        def _all():
            return self.client.get_paginator(operation).paginate(**kwargs).build_full_result().get(key, [])

        try:
            return _all()
        except AWS_ERRORS as e:
            raise EksApiError(f"Could not {what}", e) from e

    # ---- waiting ---------------------------------------------------------------------------------------

    def wait_for(self, what, probe, timeout):
        """Call ``probe()`` -> (done, state) until done; EksApiError after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            done, state = probe()
            if done:
                return state
            if time.monotonic() >= deadline:
                raise EksApiError(f"Timed out after {timeout} s waiting for {what} (now: {state})")
            time.sleep(POLL_SECONDS)

    # ---- the cluster -----------------------------------------------------------------------------------

    def describe_cluster(self, name):
        found = self.get(f"read EKS cluster {name}", "describe_cluster", name=name)
        return found["cluster"] if found else None

    def cluster(self, name, *, wait, timeout, needed_for):
        """The cluster ``name`` (DescribeCluster), ready for ``needed_for``, or None when it does not exist.

        A cluster that is CREATING/UPDATING is waited for when ``wait`` and not in check mode; otherwise a
        cluster that is not ACTIVE raises a clear EksApiError. Check mode gets the cluster as it is.
        """
        cluster = self.describe_cluster(name)
        if cluster is None or self.module.check_mode:
            return cluster
        status = cluster.get("status")
        if status == ACTIVE:
            return cluster
        if status in CLUSTER_WAIT_STATES and wait:

            def probe():
                current = self.describe_cluster(name)
                if current is None:
                    raise EksApiError(f"EKS cluster {name} disappeared while waiting for it to be ACTIVE")
                if current.get("status") not in (*CLUSTER_WAIT_STATES, ACTIVE):
                    raise EksApiError(
                        f"EKS cluster {name} is {current.get('status')}, not ACTIVE: cannot {needed_for}"
                    )
                return current.get("status") == ACTIVE, current.get("status")

            self.wait_for(f"EKS cluster {name} to be ACTIVE", probe, timeout)
            return self.describe_cluster(name)
        hint = " (or set wait: true to wait for it)" if status in CLUSTER_WAIT_STATES else ""
        raise EksApiError(
            f"EKS cluster {name} is {status}: it must be ACTIVE to {needed_for}; wait until it is "
            f"ACTIVE{hint}"
        )

    # ---- tags ------------------------------------------------------------------------------------------

    def tag_changes(self, have, want, purge):
        """(tags to set, keys to remove) to go from ``have`` to ``want`` (None: tags not managed)."""
        if want is None:
            return {}, []
        return compare_aws_tags(have or {}, want, purge)

    def retag(self, what, arn, to_set, to_remove):
        if to_remove:
            self.call(f"untag {what}", "untag_resource", resourceArn=arn, tagKeys=list(to_remove))
        if to_set:
            self.call(f"tag {what}", "tag_resource", resourceArn=arn, tags=dict(to_set))


def tags_after(have, to_set, to_remove):
    tags = {k: v for k, v in (have or {}).items() if k not in to_remove}
    tags.update(to_set)
    return tags
