# Copyright: fastish maintainers
# Apache License 2.0 (see the collection's galaxy.yml)
"""Action plugin fastish.platform.validate_inventory: reject a bad inventory before any AWS call.

Runs on the controller only (no module is sent anywhere, no network call is made). It templates
the current host's ``fastish_*`` variables, reads the variables the cross-host rules need from
every other host of the inventory, and applies the rules of
``plugins/module_utils/inventory_rules.py``. Secret values never enter the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.plugins.action import ActionBase
from ansible.utils.vars import load_extra_vars
from ansible_collections.fastish.platform.plugins.module_utils.inventory_rules import (
    PEER_VARIABLES,
    PREFIX,
    RELEASE_TYPE_VARIABLE,
    SchemaError,
    check_host,
)

ARGUMENT_SPEC = {
    "schema": {"type": "dict", "required": True},
    "release_types": {"type": "dict", "required": True},
    "regions": {"type": "list", "elements": "str", "required": True},
    "unknown_variables": {"type": "str", "default": "error", "choices": ["error", "warn"]},
}

HEADER = (
    "The inventory was rejected before any AWS call: {count} problem{s} on host '{host}' "
    "(every host is checked; fix all of them and run again):"
)


def _plain(value: Any) -> Any:
    """Templated data as plain Python containers and scalars (no lazy or tagged types)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


def _first_line(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return str(text).strip().splitlines()[0]


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        del tmp

        _, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        schema = args["schema"]
        host = task_vars.get("inventory_hostname")

        variables, template_errors = self._own_variables(task_vars, schema)
        others = self._other_hosts(task_vars, host)
        extra_names = self._extra_var_names()

        try:
            report = check_host(
                host,
                variables,
                others,
                schema,
                args["release_types"],
                args["regions"],
                unknown_variables=args["unknown_variables"],
                extra_var_names=extra_names,
                template_errors=template_errors,
            )
        except SchemaError as exc:
            raise AnsibleActionFail(
                f"fastish.platform.validate_inventory: the schema is broken: {exc}"
            ) from None

        if report.warnings:
            result["warnings"] = list(report.warnings)
        result["changed"] = False
        if report.errors:
            count = len(report.errors)
            header = HEADER.format(count=count, s="" if count == 1 else "s", host=host)
            result["failed"] = True
            result["errors"] = list(report.errors)
            result["msg"] = "\n".join([header, *report.errors])
            return result

        rtype = variables.get(RELEASE_TYPE_VARIABLE)
        result["release_type"] = rtype
        result["msg"] = (
            f"host '{host}': the inventory is valid ({rtype} host, "
            f"{len([v for v in variables if v in schema])} fastish variables checked, "
            f"{len(others)} other host{'s' if len(others) != 1 else ''} compared)"
        )
        return result

    def _own_variables(self, task_vars: Mapping, schema: Mapping) -> tuple[dict, dict]:
        """The host's fastish_* variables, templated; unknown ones by name only (never templated)."""
        variables: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name in sorted(k for k in task_vars if isinstance(k, str) and k.startswith(PREFIX)):
            if name not in schema:
                variables[name] = None
                continue
            try:
                variables[name] = _plain(self._templar.template(task_vars[name]))
            except (AnsibleError, TypeError, ValueError, KeyError) as exc:  # a finding, not a crash
                errors[name] = _first_line(exc)
        return variables, errors

    def _other_hosts(self, task_vars: Mapping, host: str) -> dict[str, dict]:
        """PEER_VARIABLES of every other inventory host (values that fail to template are left out)."""
        hostvars = task_vars.get("hostvars")
        names = (task_vars.get("groups") or {}).get("all") or []
        others: dict[str, dict] = {}
        if hostvars is None:
            return others
        for name in names:
            if name == host:
                continue
            try:
                peer = hostvars[name]
            except (AnsibleError, KeyError):
                peer = None
            if not isinstance(peer, Mapping):  # an unknown host: nothing to compare
                continue
            values: dict[str, Any] = {}
            for var in PEER_VARIABLES:
                if var not in peer:
                    continue
                try:
                    values[var] = _plain(peer[var])
                except (AnsibleError, TypeError, ValueError, KeyError):
                    values.pop(var, None)  # that host's own check reports it
            others[name] = values
        return others

    def _extra_var_names(self) -> set[str]:
        try:
            return {str(k) for k in load_extra_vars(self._loader)}
        except (AnsibleError, ValueError):  # already parsed by the variable manager; only for wording
            return set()
