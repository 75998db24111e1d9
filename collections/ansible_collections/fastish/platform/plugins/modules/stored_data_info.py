#!/usr/bin/python
"""Count what an S3 bucket or an ECR repository still holds before anything deletes it."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: stored_data_info
short_description: Count what an S3 bucket or an ECR repository still holds
version_added: "0.1.0"
description:
  - Read-only. Reports whether an S3 bucket and/or an ECR repository exist and how much they still hold
    (object versions and delete markers of every key, images), so that a role can refuse to delete a data
    store that is not empty unless deleting the data was confirmed.
  - amazon.aws and community.aws have no module that counts object versions or repository images.
  - Counting stops after O(max_items) entries; RV(s3_bucket.truncated) then says there are at least that many.
options:
  s3_bucket:
    description: Name of the S3 bucket to look at.
    type: str
  ecr_repository:
    description: Name of the ECR repository to look at.
    type: str
  max_items:
    description: Stop counting after this many entries per store.
    type: int
    default: 1000
author:
  - fastish maintainers
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Look at what the assets bucket and the image repository hold
  fastish.platform.stored_data_info:
    s3_bucket: fastish-local-assets-123456789012-us-east-1
    ecr_repository: fastish-local-images
  register: stored

- name: Refuse to delete a bucket that holds data
  ansible.builtin.assert:
    that: stored.s3_bucket.empty
"""

RETURN = r"""
s3_bucket:
  description: What the bucket holds; absent when O(s3_bucket) was not given.
  returned: when s3_bucket is given
  type: dict
  contains:
    name: {description: Bucket name., type: str, sample: fastish-local-assets-123456789012-us-east-1}
    exists: {description: Whether the bucket exists., type: bool}
    objects: {description: Object versions plus delete markers counted., type: int, sample: 3}
    empty: {description: True when the bucket holds no object version and no delete marker., type: bool}
    truncated: {description: True when counting stopped at O(max_items)., type: bool}
ecr_repository:
  description: What the repository holds; absent when O(ecr_repository) was not given.
  returned: when ecr_repository is given
  type: dict
  contains:
    name: {description: Repository name., type: str, sample: fastish-local-images}
    exists: {description: Whether the repository exists., type: bool}
    images: {description: Images counted (tagged or not)., type: int, sample: 0}
    empty: {description: True when the repository holds no image., type: bool}
    truncated: {description: True when counting stopped at O(max_items)., type: bool}
"""

import contextlib

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def _bucket(module, name, limit):
    client = module.client("s3", retry_decorator=AWSRetry.jittered_backoff())
    result = {"name": name, "exists": True, "objects": 0, "empty": True, "truncated": False}
    try:
        client.head_bucket(aws_retry=True, Bucket=name)
    except is_boto3_error_code(["404", "NoSuchBucket", "NotFound"]):
        result["exists"] = False
        return result
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Could not look at bucket {name}")
    count = 0
    try:
        pages = client.get_paginator("list_object_versions").paginate(
            Bucket=name, PaginationConfig={"PageSize": min(limit, 1000)}
        )
        for page in pages:
            count += len(page.get("Versions", [])) + len(page.get("DeleteMarkers", []))
            if count >= limit:
                result["truncated"] = True
                break
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Could not list the object versions of bucket {name}")
    result["objects"] = count
    result["empty"] = count == 0
    return result


def _repository(module, name, limit):
    client = module.client("ecr", retry_decorator=AWSRetry.jittered_backoff())
    result = {"name": name, "exists": True, "images": 0, "empty": True, "truncated": False}
    count = 0
    try:
        for page in client.get_paginator("list_images").paginate(
            repositoryName=name, PaginationConfig={"PageSize": min(limit, 1000)}
        ):
            count += len(page.get("imageIds", []))
            if count >= limit:
                result["truncated"] = True
                break
    except is_boto3_error_code("RepositoryNotFoundException"):
        result["exists"] = False
        return result
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Could not list the images of repository {name}")
    result["images"] = count
    result["empty"] = count == 0
    return result


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "s3_bucket": {"type": "str"},
            "ecr_repository": {"type": "str"},
            "max_items": {"type": "int", "default": 1000},
        },
        required_one_of=[["s3_bucket", "ecr_repository"]],
        supports_check_mode=True,
    )
    limit = module.params["max_items"]
    if limit < 1:
        module.fail_json(msg="max_items must be at least 1")
    result = {"changed": False}
    if module.params["s3_bucket"]:
        result["s3_bucket"] = _bucket(module, module.params["s3_bucket"], limit)
    if module.params["ecr_repository"]:
        result["ecr_repository"] = _repository(module, module.params["ecr_repository"], limit)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
