# Copyright: fastish maintainers
# Apache License 2.0 (see the collection's galaxy.yml)
"""Shared helpers of the fastish.platform API Gateway (REST API, v1) modules.

- ``client``: an apigateway client whose calls retry throttling when given ``aws_retry=True``
  (API Gateway throttles control-plane calls hard: TooManyRequestsException, ConflictException while a
  previous change is applied).
- ``call``: one API call that fails the module with a message naming the resource on any AWS error.
- ``get``: one read call; ``None`` when the resource does not exist (NotFoundException).
- ``paginate``: every ``items`` entry of a paginated list call.
- ``find_by_name``: the single item of a list call with a given name (fails when several share it).
- ``rest_api_exists``: whether a REST API id exists (check mode on an empty account passes placeholders).
- ``arn``: the ARN API Gateway tags resources by (``arn:<partition>:apigateway:<region>::<path>``).
- ``converge_tags``: set/remove tags of a resource from the tags its read call returned.
- ``num``: numbers from API Gateway responses (patch operations store strings on some emulators).
"""

from __future__ import annotations

import contextlib

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

RETRY_CODES = ["TooManyRequestsException", "ConflictException"]

AWS_ERRORS = ()
with contextlib.suppress(NameError):
    AWS_ERRORS = (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)

TAG_ARG_SPEC = {
    "tags": {"type": "dict", "aliases": ["resource_tags"]},
    "purge_tags": {"type": "bool", "default": True},
}


def client(module):
    """An apigateway client whose calls retry throttling when given ``aws_retry=True``."""
    return module.client(
        "apigateway",
        retry_decorator=AWSRetry.jittered_backoff(retries=10, catch_extra_error_codes=RETRY_CODES),
    )


def call(module, what, method, **kwargs):
    """``method(aws_retry=True, **kwargs)``; on an AWS error fail with ``Could not <what>``."""
    try:
        return method(aws_retry=True, **kwargs)
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Could not {what}")
    return None  # not reached: fail_json_aws exits


def get(module, what, method, **kwargs):
    """A read call; ``None`` when API Gateway answers NotFoundException."""
    try:
        return method(aws_retry=True, **kwargs)
    except is_boto3_error_code("NotFoundException"):
        return None
    except AWS_ERRORS as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Could not read {what}")
    return None


def paginate(module, apigw, operation, what, **kwargs):
    """Every ``items`` entry of the paginated ``operation``."""

    @AWSRetry.jittered_backoff(retries=10, catch_extra_error_codes=RETRY_CODES)
    def _all():
        return apigw.get_paginator(operation).paginate(**kwargs).build_full_result().get("items", [])

    try:
        return _all()
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Could not list {what}")
    return []  # not reached


def find_by_name(module, items, name, what):
    """The item of ``items`` called ``name`` (None if there is none); fails if several are."""
    found = [item for item in items if item.get("name") == name]
    if len(found) > 1:
        ids = ", ".join(sorted(item["id"] for item in found))
        module.fail_json(msg=f"There are {len(found)} {what}s called {name} ({ids}); remove all but one")
    return found[0] if found else None


def rest_api_exists(module, apigw, rest_api_id):
    return get(module, f"REST API {rest_api_id}", apigw.get_rest_api, restApiId=rest_api_id) is not None


def arn(module, path):
    """ARN of the API Gateway resource at ``path`` (e.g. ``/restapis/abc``) in the module's region."""
    region = module.region
    partition = (
        "aws-cn" if region.startswith("cn-") else "aws-us-gov" if region.startswith("us-gov-") else "aws"
    )
    return f"arn:{partition}:apigateway:{region}::{path}"


def desired_tags(module, have):
    """The tags the resource should end with (``have`` when the module was given no tags)."""
    params = module.params
    if params.get("tags") is None:
        return dict(have or {})
    to_set, to_remove = compare_aws_tags(have or {}, params["tags"], params["purge_tags"])
    return {k: v for k, v in {**(have or {}), **to_set}.items() if k not in to_remove}


def converge_tags(module, apigw, resource_arn, have, label):
    """Tag/untag ``resource_arn`` so that its tags (``have``) become the desired ones; returns whether
    anything changes (nothing is called in check mode)."""
    params = module.params
    if params.get("tags") is None:
        return False
    to_set, to_remove = compare_aws_tags(have or {}, params["tags"], params["purge_tags"])
    if not (to_set or to_remove):
        return False
    if not module.check_mode:
        if to_remove:
            call(module, f"untag {label}", apigw.untag_resource, resourceArn=resource_arn, tagKeys=to_remove)
        if to_set:
            call(module, f"tag {label}", apigw.tag_resource, resourceArn=resource_arn, tags=to_set)
    return True


def num(value, kind=int):
    """``value`` as ``kind`` (None stays None)."""
    if value is None or value == "":
        return None
    return kind(value)


def number_text(value):
    """A number as a patch-operation value: ``5`` rather than ``5.0``."""
    return str(int(value)) if float(value).is_integer() else str(value)
