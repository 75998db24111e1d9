# Copyright: fastish maintainers
# Apache License 2.0 (see the collection's galaxy.yml)
"""Shared helpers of the fastish.platform EKS modules (and iam_oidc_provider, the cluster's IAM side).

- ``EksApiError``: a failure the module reports with ``fail``/``converge`` (the message names the
  resource); ``aws_error`` keeps the botocore error when there is one (for ``fail_json_aws``).
- ``AwsApi``: a boto3 client whose calls retry (``aws_retry``) and fail with a message naming the
  resource (``call``), read a resource or None when it is missing (``get``), page through lists
  (``paginate``) and wait (``wait_for``). It takes any client (a stubbed one in unit tests).
- ``Eks``: the EKS API (``Eks.of(module)``): AwsApi with tags and the cluster a sub-resource module works
  in (``cluster``). A cluster that is still CREATING or UPDATING is waited for (when the module waits
  and is not in check mode) or reported clearly; a missing one is None.
- ``ClusterResource``: base of the managers of what lives in a cluster (add-on, access entry, Pod
  Identity association); ``converge`` runs its ``present()`` or ``absent()``.
- ``resource_options``: the options every EKS resource module has (tags, state, wait).
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

RETRY_CODES = [
    "ThrottlingException",
    "TooManyRequestsException",
    "ServerException",
    "ServiceUnavailableException",
]
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


def resource_options(wait_timeout=1200):
    """The argument_spec entries every EKS resource module has: tags, purge_tags, state, wait."""
    return {
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "wait": {"type": "bool", "default": True},
        "wait_timeout": {"type": "int", "default": wait_timeout},
    }


def eks_client(module):
    """The module's boto3 EKS client, retrying throttling and server errors."""
    return module.client(
        "eks", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES)
    )


def converge(module, manager):
    """``manager.present()`` or ``manager.absent()`` as the module's state says; an EksApiError fails."""
    try:
        return manager.present() if module.params["state"] == "present" else manager.absent()
    except EksApiError as e:
        return fail(module, e)


class AwsApi:
    """A boto3 client as the modules use it."""

    def __init__(
        self,
        client,
        *,
        retry=True,
        missing="ResourceNotFoundException",
        sleep=time.sleep,
        clock=time.monotonic,
    ):
        self.client = client
        self.retry = {"aws_retry": True} if retry else {}
        self.missing = missing
        self.sleep = sleep
        self.clock = clock

    # ---- calls ---------------------------------------------------------------------------------------

    def call(self, what, method, **kwargs):
        """``client.<method>(**kwargs)`` with retries; an AWS error raises EksApiError("Could not <what>")."""
        try:
            return getattr(self.client, method)(**self.retry, **kwargs)
        except AWS_ERRORS as e:
            raise EksApiError(f"Could not {what}", e) from e

    def get(self, what, method, **kwargs):
        """Like ``call``, but None when AWS answers that the resource is missing (``missing``)."""
        try:
            return getattr(self.client, method)(**self.retry, **kwargs)
        except AWS_ERRORS as e:
            if error_code(e) == self.missing:
                return None
            raise EksApiError(f"Could not {what}", e) from e

    def paginate(self, what, method, key, **kwargs):
        """Every item under ``key`` of a list operation that pages with ``nextToken``."""
        items, token = [], None
        while True:
            page = self.call(what, method, **kwargs, **({"nextToken": token} if token else {}))
            items.extend(page.get(key) or [])
            token = page.get("nextToken")
            if not token:
                return items

    # ---- waiting ---------------------------------------------------------------------------------------

    def wait_for(self, what, probe, timeout, *, delay=POLL_SECONDS, max_delay=None):
        """Call ``probe()`` -> (result, state) until the result is truthy and return it; EksApiError naming
        ``what`` and the last state after ``timeout`` seconds. The pauses start at ``delay`` seconds and
        double up to ``max_delay`` (None: they stay at ``delay``)."""
        deadline = self.clock() + timeout
        while True:
            done, state = probe()
            if done:
                return done
            if self.clock() >= deadline:
                raise EksApiError(f"Timed out after {timeout} s waiting for {what} (now: {state})")
            self.sleep(min(delay, max(0.0, deadline - self.clock())))
            delay = min(delay * 2, max_delay) if max_delay else delay


class Eks(AwsApi):
    """The EKS API as the modules use it."""

    def __init__(self, client, *, check_mode=False, **kwargs):
        super().__init__(client, **kwargs)
        self.check_mode = check_mode

    @classmethod
    def of(cls, module):
        return cls(eks_client(module), check_mode=module.check_mode)

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
        if cluster is None or self.check_mode:
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


class ClusterResource:
    """Base of the managers of what lives in an EKS cluster: ``find()`` reads the resource (None when
    there is none); ``present()``/``absent()`` converge it (see ``converge``)."""

    def __init__(self, module, eks):
        self.module = module
        self.eks = eks
        self.params = module.params
        self.cluster_name = self.params["cluster_name"]

    def find(self):
        raise NotImplementedError

    def ready_cluster(self, needed_for):
        """The cluster, ACTIVE (waited for as the module's ``wait`` says); in check mode as it is, or None
        when it does not exist yet (outside check mode a missing cluster fails)."""
        cluster = self.eks.cluster(
            self.cluster_name,
            wait=self.params["wait"],
            timeout=self.params["wait_timeout"],
            needed_for=needed_for,
        )
        if cluster is None and not self.module.check_mode:
            raise EksApiError(f"EKS cluster {self.cluster_name} does not exist: cannot {needed_for}")
        return cluster

    def existing(self):
        """The resource, or None when it or its cluster does not exist."""
        return self.find() if self.eks.describe_cluster(self.cluster_name) else None
