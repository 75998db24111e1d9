# Copyright: fastish maintainers
# Apache License 2.0 (see the collection's galaxy.yml)
"""Options shared by the modules that work inside a Cognito user pool."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  user_pool_id:
    description: Id of the user pool. One of O(user_pool_id) and O(user_pool_name) is required.
    type: str
  user_pool_name:
    description: Name of the user pool (looked up with ListUserPools).
    type: str
"""
