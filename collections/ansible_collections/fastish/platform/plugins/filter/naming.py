# Copyright: fastish maintainers
# Apache License 2.0 (see the collection's galaxy.yml)
"""The naming and tagging filters of fastish.platform.

Documentation: resource_name.yml, resource_names.yml and resource_tags.yml next to this file
(``ansible-doc -t filter fastish.platform.resource_name``). The rules live in
``module_utils/naming.py``; these filters only turn its errors into AnsibleFilterError.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_native
from ansible_collections.fastish.platform.plugins.module_utils.naming import NamingError
from ansible_collections.fastish.platform.plugins.module_utils.naming import resource_name as _resource_name
from ansible_collections.fastish.platform.plugins.module_utils.naming import resource_tags as _resource_tags


def resource_name(scope, component, kind="generic"):
    """The AWS name of ``component`` (a resource of kind ``kind``) in ``scope``."""
    try:
        return _resource_name(scope, component, kind)
    except NamingError as exc:
        raise AnsibleFilterError(f"fastish.platform.resource_name: {to_native(exc)}") from exc


def resource_names(scope, components, kind="generic"):
    """``{component: name}`` for every component in ``components``, all of kind ``kind``."""
    if isinstance(components, (str, bytes)) or not hasattr(components, "__iter__"):
        raise AnsibleFilterError("fastish.platform.resource_names: components must be a list of strings")
    return {component: resource_name(scope, component, kind) for component in components}


def resource_tags(scope, extra=None):
    """The standard tag dict of ``scope``, merged with ``extra``."""
    try:
        return _resource_tags(scope, extra)
    except NamingError as exc:
        raise AnsibleFilterError(f"fastish.platform.resource_tags: {to_native(exc)}") from exc


class FilterModule:
    """fastish.platform naming filters."""

    def filters(self):
        return {
            "resource_name": resource_name,
            "resource_names": resource_names,
            "resource_tags": resource_tags,
        }
