"""A small IAM policy evaluator for tests: the local cloud (moto) does not enforce IAM, so the
tests decide what a policy allows with this instead.

It covers what the platform's policies use: Allow/Deny statements, Action/NotAction and
Resource with ``*``/``?`` wildcards, Principal (AWS and Service), policy variables such as
``${aws:PrincipalTag/tenant_id}``, and the condition operators StringEquals, StringLike,
StringNotEquals, ArnEquals, ArnLike, Bool, Null with the ForAllValues:/ForAnyValue: set
qualifiers. Semantics follow the IAM documentation: an explicit Deny wins, otherwise an Allow
whose every condition holds, otherwise an implicit deny. A condition key absent from the request
makes a plain operator false, while ForAllValues over an absent (empty) key is *true*: exactly the
trap the ``Null`` check in the tenant policy guards against. An operator this evaluator does not
know raises, so a policy can never pass a test by being misunderstood.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_VARIABLE = re.compile(r"\$\{([^}]+)\}")


@dataclass
class Request:
    """One API request: action, resource, the calling principal and the condition context."""

    action: str
    resource: str = "*"
    principal: Mapping[str, str] = field(default_factory=dict)  # {"AWS": arn} or {"Service": name}
    context: Mapping[str, Any] = field(default_factory=dict)  # condition key -> str | list[str] | bool


def _listify(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _wild(pattern: str, value: str, *, case: bool) -> bool:
    translated = fnmatch.translate(pattern)
    return re.fullmatch(translated, value, 0 if case else re.IGNORECASE) is not None


def _substitute(text: str, context: Mapping[str, Any]) -> str | None:
    """Replace ${key} policy variables; None when a variable has no value (the statement cannot match)."""
    missing = False

    def value(match: re.Match) -> str:
        nonlocal missing
        key = match.group(1)
        found = {k.lower(): v for k, v in context.items()}.get(key.lower())
        if found is None or isinstance(found, (list, tuple)):
            missing = True
            return ""
        return str(found)

    result = _VARIABLE.sub(value, text)
    return None if missing else result


def _context_value(context: Mapping[str, Any], key: str) -> Any:
    for name, value in context.items():
        if name.lower() == key.lower():
            return value
    return None


def _compare(operator: str, request_value: str, policy_value: str) -> bool:
    if operator in ("StringEquals", "ArnEquals"):
        return request_value == policy_value
    if operator == "StringEqualsIgnoreCase":
        return request_value.lower() == policy_value.lower()
    if operator in ("StringLike", "ArnLike"):
        return _wild(policy_value, request_value, case=True)
    raise ValueError(f"condition operator {operator} is not supported by tests/iam_policy.py")


def _condition_holds(operator: str, key: str, policy_values: list, context: Mapping[str, Any]) -> bool:
    qualifier = None
    if ":" in operator:
        qualifier, operator = operator.split(":", 1)
    if operator.endswith("IfExists"):
        raise ValueError(f"...IfExists operators are not supported by tests/iam_policy.py ({operator})")
    present = _context_value(context, key)
    if operator == "Null":
        wanted_null = str(policy_values[0]).lower() == "true"
        is_null = present is None or present == []
        return is_null == wanted_null
    if operator == "Bool":
        if present is None:
            return False
        return str(present).lower() == str(policy_values[0]).lower()
    values = []
    for policy_value in policy_values:
        substituted = _substitute(str(policy_value), context)
        if substituted is not None:
            values.append(substituted)
    negate = operator.startswith("StringNot")
    base = operator.replace("StringNot", "String") if negate else operator
    request_values = [str(v) for v in _listify(present)]
    if qualifier == "ForAllValues":
        matched = all(any(_compare(base, rv, pv) for pv in values) for rv in request_values)
        return not matched if negate else matched
    if qualifier == "ForAnyValue":
        matched = any(_compare(base, rv, pv) for rv in request_values for pv in values)
        return not matched if negate else matched
    if qualifier is not None:
        raise ValueError(f"set qualifier {qualifier} is not supported by tests/iam_policy.py")
    if present is None:
        return negate  # a missing key: plain operators are false, negated ones true
    if isinstance(present, (list, tuple)):
        raise ValueError(f"condition key {key} is multivalued; use ForAllValues/ForAnyValue")
    matched = any(_compare(base, str(present), pv) for pv in values)
    return not matched if negate else matched


def _conditions_hold(conditions: Mapping[str, Mapping[str, Any]], context: Mapping[str, Any]) -> bool:
    return all(
        _condition_holds(operator, key, _listify(values), context)
        for operator, pairs in (conditions or {}).items()
        for key, values in pairs.items()
    )


def _matches_any(patterns: Any, value: str, *, case: bool, context: Mapping[str, Any]) -> bool:
    for pattern in _listify(patterns):
        substituted = _substitute(str(pattern), context)
        if substituted is not None and _wild(substituted, value, case=case):
            return True
    return False


def _principal_matches(statement: Mapping[str, Any], principal: Mapping[str, str]) -> bool:
    wanted = statement.get("Principal")
    if wanted is None:
        return True  # identity policies name no principal
    if wanted == "*":
        return True
    for kind, who in principal.items():
        for allowed in _listify(wanted.get(kind)):
            if allowed == who or allowed == "*":
                return True
            # An account principal (arn:aws:iam::<id>:root or the bare id) trusts the whole account;
            # the conditions then narrow it down.
            account = re.fullmatch(r"(?:arn:aws:iam::)?(\d{12})(?::root)?", str(allowed))
            if kind == "AWS" and account and re.match(rf"arn:aws:(iam|sts)::{account.group(1)}:", who):
                return True
    return False


def _statement_applies(statement: Mapping[str, Any], request: Request) -> bool:
    if "Action" in statement:
        if not _matches_any(statement["Action"], request.action, case=False, context=request.context):
            return False
    elif "NotAction" in statement and _matches_any(
        statement["NotAction"], request.action, case=False, context=request.context
    ):
        return False
    if "Resource" in statement and not _matches_any(
        statement["Resource"], request.resource, case=True, context=request.context
    ):
        return False
    if not _principal_matches(statement, request.principal):
        return False
    return _conditions_hold(statement.get("Condition") or {}, request.context)


def evaluate(policy: Mapping[str, Any], request: Request) -> str:
    """``"Allow"``, ``"ExplicitDeny"`` or ``"ImplicitDeny"``."""
    statements = _listify(policy.get("Statement"))
    decision = "ImplicitDeny"
    for statement in statements:
        if _statement_applies(statement, request):
            if statement.get("Effect") == "Deny":
                return "ExplicitDeny"
            if statement.get("Effect") == "Allow":
                decision = "Allow"
    return decision


def allowed(policy: Mapping[str, Any], request: Request) -> bool:
    return evaluate(policy, request) == "Allow"
