# Copyright: fastish maintainers
# Apache License 2.0 (see the collection's galaxy.yml)
"""The rules an inventory of the fastish platform must follow, checked before any AWS call.

Pure Python without Ansible imports: the ``fastish.platform.validate_inventory`` action plugin
templates the variables and calls :func:`check_host` once per host; the unit tests call it
directly. The *schema* (``roles/validate_inventory/vars/main.yml``) describes every ``fastish_*``
variable; this module knows how to apply it and the rules that span variables or hosts.

Every message names the host, the variable and the fix::

    host 'acme-web-portal': fastish_account_id is '12345', not a 12-digit AWS account id.
    Fix: set fastish_account_id on the synthesizer group to its quoted 12-digit account id, ...

Secret variables (``secret: true`` in the schema) never have their value in a message, and
neither have unknown variables (a misspelt secret is still a secret).
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from ansible_collections.fastish.platform.plugins.module_utils.eks_rules import (
    EKS_FORMATS,
    LOCAL_CLOUD_ONLY,
    absolute_path_problem,
    eks_problems,
    local_cloud_only_problem,
)
from ansible_collections.fastish.platform.plugins.module_utils.naming import (
    SCOPE_VARIABLES,
    NamingError,
    name_limit_errors,
    resource_name,
    resource_tags,
)
from ansible_collections.fastish.platform.plugins.module_utils.webapp_rules import (
    dynamodb_table_problems,
    tenant_problems,
    tier_problems,
)

__all__ = [
    "BOOLEAN_STRINGS",
    "FORMATS",
    "PEER_VARIABLES",
    "PREFIX",
    "RELEASE_TYPE_VARIABLE",
    "Report",
    "SchemaError",
    "build_scope",
    "check_host",
    "check_schema",
    "normalize_release_types",
    "validate_host",
]

PREFIX = "fastish_"
RELEASE_TYPE_VARIABLE = "fastish_release_type"

# Strings that people (and the -e key=value syntax, and AWX surveys) use for booleans.
BOOLEAN_STRINGS = frozenset(
    {"true", "false", "yes", "no", "on", "off", "y", "n", "t", "f", "1", "0", "enable", "disable"}
)

# Value formats the schema may name in ``format:``.
FORMATS = frozenset(
    {
        "account_id",
        "region",
        "iam_role_arn",
        "iam_principal_arn",
        "endpoint_url",
        "cidr",
        "dynamodb_tables",
        "tenants",
        "absolute_path",
        *EKS_FORMATS,
    }
)

# The variables of the other hosts that the cross-host rules read (never a secret).
PEER_VARIABLES = tuple(dict.fromkeys([*SCOPE_VARIABLES.values(), "fastish_vpc_cidr", RELEASE_TYPE_VARIABLE]))

_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "bool": (bool,),
    "int": (int,),
    "list": (list, tuple),
    "dict": (Mapping,),
}
_SCHEMA_KEYS = frozenset(
    {
        "type",
        "level",
        "required",
        "required_when",
        "applies_to",
        "choices",
        "pattern",
        "min_length",
        "max_length",
        "format",
        "describe",
        "secret",
        "computed",
        "together",
        "fix",
        "options",
        "unique",
    }
)
_OPTION_KEYS = frozenset({"type", "choices", "pattern", "min_length", "max_length", "format", "describe"})

_ACCOUNT_ID_RE = re.compile(r"\d{12}", re.ASCII)
_ROLE_ARN_RE = re.compile(r"arn:aws:iam::\d{12}:role(/[\w+=,.@-]+)+", re.ASCII)
_PRINCIPAL_ARN_RE = re.compile(r"arn:aws:iam::\d{12}:(role|user)(/[\w+=,.@-]+)+", re.ASCII)
_RFC1918 = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
_VPC_PREFIXES = range(16, 25)
_SHOWN_CHARS = 60


class SchemaError(ValueError):
    """The schema (or the release type table) given to the validator is itself malformed."""


class Report(NamedTuple):
    """What :func:`check_host` found: errors reject the inventory, warnings do not."""

    errors: list[str]
    warnings: list[str]


# --------------------------------------------------------------------------- schema handling


def normalize_release_types(release_types: Mapping) -> dict[str, list[tuple[str, str]]]:
    """``{type: [(component, kind), ...]}`` from the role's table (pairs or component/kind dicts)."""
    if not isinstance(release_types, Mapping) or not release_types:
        raise SchemaError("release_types must be a non-empty mapping of release type -> strict names")
    table: dict[str, list[tuple[str, str]]] = {}
    for rtype, names in release_types.items():
        if not isinstance(rtype, str) or not rtype:
            raise SchemaError(f"release type {rtype!r} is not a non-empty string")
        pairs = []
        for item in names or []:
            if isinstance(item, Mapping) and set(item) <= {"component", "kind"} and "component" in item:
                pairs.append((str(item["component"]), str(item.get("kind", "generic"))))
            elif isinstance(item, (list, tuple)) and len(item) == 2:
                pairs.append((str(item[0]), str(item[1])))
            else:
                raise SchemaError(
                    f"release type {rtype!r}: strict name {item!r} is neither a [component, kind] pair "
                    "nor a {component, kind} mapping"
                )
        table[rtype] = pairs
    return table


def _check_rule_keys(where: str, spec: Mapping, allowed: frozenset) -> None:
    unknown = sorted(set(spec) - allowed)
    if unknown:
        raise SchemaError(f"{where}: unknown schema keys {', '.join(unknown)}")
    if spec.get("type") not in _TYPES:
        raise SchemaError(f"{where}: type must be one of {', '.join(_TYPES)}, got {spec.get('type')!r}")
    if spec.get("format") is not None and spec["format"] not in FORMATS:
        raise SchemaError(f"{where}: format must be one of {', '.join(sorted(FORMATS))}")
    if spec.get("pattern") is not None:
        try:
            re.compile(spec["pattern"], re.ASCII)
        except (re.error, TypeError) as exc:
            raise SchemaError(f"{where}: pattern does not compile: {exc}") from None
    if spec.get("choices") is not None and not isinstance(spec["choices"], (list, tuple)):
        raise SchemaError(f"{where}: choices must be a list")


def check_schema(schema: Mapping, release_types: Mapping) -> None:
    """Raise :class:`SchemaError` when the schema or the release type table is malformed."""
    types = normalize_release_types(release_types)
    if not isinstance(schema, Mapping) or not schema:
        raise SchemaError("schema must be a non-empty mapping of variable name -> rule")
    for name, spec in schema.items():
        where = f"schema entry {name!r}"
        if not isinstance(name, str) or not name.startswith(PREFIX):
            raise SchemaError(f"{where}: variable names must start with {PREFIX}")
        if not isinstance(spec, Mapping):
            raise SchemaError(f"{where}: the rule must be a mapping")
        _check_rule_keys(where, spec, _SCHEMA_KEYS)
        if not isinstance(spec.get("fix"), str) or not spec["fix"].strip():
            raise SchemaError(f"{where}: every variable needs a non-empty 'fix' text")
        required = spec.get("required", False)
        if not isinstance(required, bool) and (
            not isinstance(required, (list, tuple)) or not set(required) <= set(types)
        ):
            raise SchemaError(f"{where}: required must be true/false or a list of release types")
        applies_to = spec.get("applies_to")
        if applies_to is not None and (
            not isinstance(applies_to, (list, tuple)) or not set(applies_to) <= set(types)
        ):
            raise SchemaError(f"{where}: applies_to must be a list of release types")
        for key in ("required_when", "together"):
            if spec.get(key) is not None and spec[key] not in schema:
                raise SchemaError(f"{where}: {key} names {spec[key]!r}, which is not in the schema")
        options = spec.get("options")
        if options is not None:
            if spec["type"] != "list" or not isinstance(options, Mapping) or not options:
                raise SchemaError(f"{where}: options describe the mappings of a list variable")
            for option, ospec in options.items():
                if not isinstance(ospec, Mapping):
                    raise SchemaError(f"{where}: option {option!r} must be a mapping")
                _check_rule_keys(f"{where} option {option!r}", ospec, _OPTION_KEYS)
            unique = spec.get("unique") or []
            if not set(unique) <= set(options):
                raise SchemaError(f"{where}: unique must name options")


# --------------------------------------------------------------------------- helpers


def _fix(text: str) -> str:
    text = " ".join(str(text).split())
    return text if text.endswith((".", "!", "?")) else text + "."


def _message(host: str, problem: str, fix: str) -> str:
    return f"host {host!r}: {problem}. Fix: {_fix(fix)}"


def _show(value: Any) -> str:
    """A value for a message: strings quoted and cut, other scalars as YAML would print them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        text = value if len(value) <= _SHOWN_CHARS else value[: _SHOWN_CHARS - 3] + "..."
        return repr(text)
    text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 3] + "..."


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if value is None:
        return "null"
    return f"a {type(value).__name__}"


_WANTED = {
    "str": "a string",
    "bool": "a boolean",
    "int": "a whole number",
    "list": "a list",
    "dict": "a mapping",
}


def _is_type(value: Any, wanted: str) -> bool:
    if wanted == "int" and isinstance(value, bool):
        return False
    if wanted == "str":
        return isinstance(value, str)
    return isinstance(value, _TYPES[wanted])


def _unset(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _closest(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate most similar to ``word`` (ties: the first in ``candidates``), or None."""
    best, best_score = None, cutoff
    matcher = difflib.SequenceMatcher(b=str(word))
    for candidate in candidates:
        matcher.set_seq1(str(candidate))
        score = matcher.ratio()
        if score > best_score or (best is None and score >= best_score):
            best, best_score = str(candidate), score
    return best


def _did_you_mean(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str:
    match = _closest(word, candidates, cutoff)
    return f" (did you mean {match!r}?)" if match else ""


def _applies(required: Any, release_type: Any) -> bool:
    if required is True:
        return True
    if isinstance(required, (list, tuple)):
        return release_type in required
    return False


def _network(value: Any) -> ipaddress.IPv4Network | None:
    try:
        net = ipaddress.ip_network(str(value), strict=True)
    except ValueError:
        return None
    return net if isinstance(net, ipaddress.IPv4Network) else None


def _is_loopback_host(hostname: str) -> bool:
    if hostname.lower() in ("localhost", "localhost.localdomain") or hostname.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


# --------------------------------------------------------------------------- value rules


def _type_problem(name: str, value: Any, wanted: str, secret: bool, from_extra_vars: bool) -> tuple[str, str]:
    """Why ``value`` is not of type ``wanted``, and the fix that fits the mistake ('' for none)."""
    source = " (given with -e on the command line)" if from_extra_vars else ""
    shown = "(value hidden)" if secret else _show(value)
    if wanted == "bool" and isinstance(value, str) and value.strip().lower() in BOOLEAN_STRINGS:
        truthy = ("true", "yes", "on", "y", "t", "1", "enable")
        literal = "true" if value.strip().lower() in truthy else "false"
        return (
            (
                f"{name} is the string {shown}{source}, not a boolean, and any non-empty string counts as "
                "true in a condition"
            ),
            (
                f"write {literal} without quotes in YAML; as an extra var pass JSON, "
                f"-e '{{\"{name}\": {literal}}}' (-e {name}={literal} always gives a string)."
            ),
        )
    if wanted == "int" and isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return (
            f"{name} is the string {shown}{source}, not a number",
            (
                "write it without quotes in YAML; as an extra var pass JSON, "
                f"-e '{{\"{name}\": {value.strip()}}}'."
            ),
        )
    if wanted == "str" and isinstance(value, bool):
        return (
            (
                f"{name} is the boolean {shown}{source}, not a string: YAML reads unquoted "
                "yes/no/true/false/on/off as booleans"
            ),
            "quote the value.",
        )
    if wanted == "str" and isinstance(value, (int, float)):
        return (
            (
                f"{name} is the number {shown}{source}, not a string: YAML reads unquoted digits as a "
                "number (dropping leading zeros)"
            ),
            "quote the value.",
        )
    return (
        f"{name} is {_kind_of(value)}{'' if secret else ' ' + _show(value)}{source}, not {_WANTED[wanted]}",
        "",
    )


def _format_problem(name: str, value: Any, fmt: str, regions: Iterable[str], shown: str) -> str | None:
    """Why a correctly typed value breaks its format, or None."""
    if fmt == "account_id":
        if not _ACCOUNT_ID_RE.fullmatch(value):
            return f"{name} is {shown}, not a 12-digit AWS account id"
    elif fmt == "region":
        regions = list(regions)
        if value not in regions:
            return f"{name} is {shown}, not an AWS commercial region{_did_you_mean(value, regions)}"
    elif fmt == "iam_role_arn":
        if not _ROLE_ARN_RE.fullmatch(value):
            return f"{name} is {shown}, not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)"
    elif fmt == "iam_principal_arn":
        if not _PRINCIPAL_ARN_RE.fullmatch(value):
            return (
                f"{name} is {shown}, not an IAM role or user ARN "
                "(arn:aws:iam::<12-digit account>:role/<name> or :user/<name>)"
            )
    elif fmt == "endpoint_url":
        return _endpoint_problem(name, value, shown)
    elif fmt == "cidr":
        return _cidr_problem(name, value, shown)
    elif fmt == "absolute_path":
        return absolute_path_problem(name, value, shown)
    return None


def _endpoint_problem(name: str, value: str, shown: str) -> str | None:
    try:
        parts = urlsplit(value)
        hostname = parts.hostname or ""
        _ = parts.port  # raises ValueError on a bad port
    except ValueError:
        return f"{name} is {shown}, not a valid URL"
    if parts.scheme not in ("http", "https") or not hostname:
        return f"{name} is {shown}, not an http:// or https:// URL with a host"
    if _is_loopback_host(hostname) or hostname.lower().endswith(".amazonaws.com"):
        return None
    return (
        f"{name} is {shown}, whose host {hostname!r} is neither a loopback address (the local cloud) "
        "nor an AWS endpoint (*.amazonaws.com); the platform never sends credentials anywhere else"
    )


def _cidr_problem(name: str, value: str, shown: str) -> str | None:
    try:
        net = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return f"{name} is {shown}, not an IPv4 CIDR block such as 10.10.0.0/16"
    if not isinstance(net, ipaddress.IPv4Network):
        return f"{name} is {shown}, an IPv6 block; a VPC's primary block is IPv4"
    if "/" not in value:
        return f"{name} is {shown}, an address without a prefix length (a block looks like 10.10.0.0/16)"
    if str(net) != value.strip():
        return f"{name} is {shown}, which has host bits set (did you mean {str(net)!r}?)"
    if not any(net.subnet_of(private) for private in _RFC1918):
        return f"{name} is {shown}, outside the private ranges 10.0.0.0/8, 172.16.0.0/12 and 192.168.0.0/16"
    if net.prefixlen not in _VPC_PREFIXES:
        return f"{name} is {shown}, a /{net.prefixlen}; a VPC block must be between /16 and /24"
    return None


def _value_problems(
    name: str, value: Any, spec: Mapping, regions: Iterable[str], choices: Iterable[str] | None = None
) -> list[str]:
    """Pattern, choices, length and format problems of a value that has the right type."""
    secret = bool(spec.get("secret"))
    shown = "(value hidden)" if secret else _show(value)
    problems: list[str] = []
    choices = list(choices if choices is not None else spec.get("choices") or [])
    if choices and value not in choices:
        hint = (
            _did_you_mean(value, [str(c) for c in choices]) if isinstance(value, str) and not secret else ""
        )
        problems.append(f"{name} is {shown}, not one of {', '.join(map(str, choices))}{hint}")
        return problems
    if isinstance(value, str):
        length = len(value)
        describe = spec.get("describe")
        if spec.get("pattern") and not re.fullmatch(spec["pattern"], value, re.ASCII):
            what = describe or f"a value matching {spec['pattern']}"
            problems.append(f"{name} is {shown}, not {what}")
            return problems
        if spec.get("max_length") is not None and length > spec["max_length"]:
            what = f" ({describe})" if describe else ""
            problems.append(
                f"{name} is {length} characters long, over its limit of {spec['max_length']}{what}"
            )
        if spec.get("min_length") is not None and length < spec["min_length"]:
            problems.append(f"{name} is {length} characters long, under its minimum of {spec['min_length']}")
        if spec.get("format"):
            problem = _format_problem(name, value, spec["format"], regions, shown)
            if problem:
                problems.append(problem)
    return problems


def _check_list_options(name: str, value: list, spec: Mapping, regions: Iterable[str]) -> list[str]:
    """Problems of a list of mappings (fastish_contributors): keys, values, uniqueness."""
    options: Mapping = spec["options"]
    problems: list[str] = []
    seen: dict[str, dict[Any, int]] = {key: {} for key in spec.get("unique") or []}
    for index, item in enumerate(value):
        where = f"{name}[{index}]"
        if not isinstance(item, Mapping):
            problems.append(
                f"{where} is {_kind_of(item)} {_show(item)}, not a mapping with the keys {', '.join(options)}"
            )
            continue
        label = f"{where} ({item['name']})" if isinstance(item.get("name"), str) else where
        for key in sorted(set(item) - set(options), key=str):
            problems.append(
                f"{label} has the unknown key {str(key)!r}{_did_you_mean(str(key), options)}; "
                f"the keys are {', '.join(options)}"
            )
        for option, ospec in options.items():
            if option not in item or _unset(item[option]):
                problems.append(f"{label} has no {option}")
                continue
            ovalue = item[option]
            if not _is_type(ovalue, ospec["type"]):
                problem, hint = _type_problem(f"{label}.{option}", ovalue, ospec["type"], False, False)
                problems.append(f"{problem} ({hint.rstrip('.')})" if hint else problem)
                continue
            problems.extend(_value_problems(f"{label}.{option}", ovalue, ospec, regions))
            if option in seen and isinstance(ovalue, (str, int)):
                if ovalue in seen[option]:
                    problems.append(
                        f"{label}.{option} {_show(ovalue)} is also used by {name}[{seen[option][ovalue]}]; "
                        f"each {option} may appear only once"
                    )
                else:
                    seen[option][ovalue] = index
    return problems


def _tier_names(variables: Mapping[str, Any]) -> list[str] | None:
    tiers = variables.get("fastish_tiers")
    if not isinstance(tiers, (list, tuple)) or not all(isinstance(t, Mapping) for t in tiers):
        return None
    return [str(t.get("name")) for t in tiers]


def _data_problems(name: str, value: Any, spec: Mapping, variables: Mapping[str, Any]) -> list[str]:
    """The rules of structured variables (formats dynamodb_tables, tenants and the EKS ones, tier names)."""
    if name in LOCAL_CLOUD_ONLY:
        local_only = local_cloud_only_problem(name, variables.get("fastish_aws_endpoint_url"))
        if local_only:
            return [local_only]
    if spec.get("format") in EKS_FORMATS:
        return eks_problems(spec["format"], name, value)
    if not isinstance(value, (list, tuple)):
        return []
    if spec.get("format") == "dynamodb_tables":
        return dynamodb_table_problems(name, list(value))
    if spec.get("format") == "tenants":
        return tenant_problems(name, list(value), _tier_names(variables))
    if name == "fastish_tiers":
        return tier_problems(name, list(value))
    return []


# --------------------------------------------------------------------------- scope and peers


def build_scope(variables: Mapping) -> dict[str, Any]:
    """The scope dict that group_vars/all/fastish.yml builds as ``fastish_scope``.

    The same keys and the same variables; organization, team, release and environment default to
    None (``default(none)``), the rest are None here when the variable is missing.
    """
    return {key: variables.get(var) for key, var in SCOPE_VARIABLES.items()}


def _release_prefix(scope: Mapping) -> str | None:
    """The name prefix of a release (``resource_name(scope, 'x', 'generic')`` without ``-x``)."""
    try:
        name = resource_name(scope, "x", "generic")
    except (NamingError, TypeError, ValueError):
        return None
    return name.removesuffix("-x")


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _peer_errors(
    host: str,
    variables: Mapping,
    others: Mapping[str, Mapping],
    release_types: Mapping,
    bad: set[str],
) -> list[str]:
    """Rules that compare the host with every other host of the inventory."""
    errors: list[str] = []
    rtype = variables.get(RELEASE_TYPE_VARIABLE)
    account = variables.get("fastish_account_id")
    region = variables.get("fastish_region")
    if rtype not in release_types or "fastish_account_id" in bad or not _text_or_none(account):
        return errors
    peers = {
        name: peer
        for name, peer in sorted(others.items())
        if name != host and isinstance(peer, Mapping) and peer.get("fastish_account_id") == account
    }

    if rtype == "bootstrap":
        for name, peer in peers.items():
            if peer.get(RELEASE_TYPE_VARIABLE) == "bootstrap" and peer.get("fastish_region") == region:
                errors.append(
                    _message(
                        host,
                        f"fastish_release_type is bootstrap, and host {name!r} is a second bootstrap host "
                        f"for the same synthesizer (account {account}, region {region}); both would "
                        "converge the same deployment roles, key and bucket",
                        f"keep exactly one bootstrap host per account and region: remove {host!r} or "
                        f"{name!r} from the inventory",
                    )
                )
        return errors

    scope_bad = bad & set(SCOPE_VARIABLES.values())
    prefix = None if scope_bad else _release_prefix(build_scope(variables))
    if prefix is not None:
        for name, peer in peers.items():
            if peer.get(RELEASE_TYPE_VARIABLE) in (None, "bootstrap"):
                continue
            if _release_prefix(build_scope(peer)) == prefix:
                errors.append(
                    _message(
                        host,
                        f"fastish_release {_show(variables.get('fastish_release'))} collides with host "
                        f"{name!r}: both derive the resource name prefix {prefix!r} in account {account}, "
                        "so they would manage the same AWS resources",
                        f"give {host!r} or {name!r} another fastish_release (or put it under another team "
                        "or organization); every release of an account needs its own "
                        "organization/team/release combination",
                    )
                )

    cidr = _network(variables.get("fastish_vpc_cidr")) if "fastish_vpc_cidr" not in bad else None
    if cidr is not None:
        blocks = {
            name: _network(peer.get("fastish_vpc_cidr"))
            for name, peer in peers.items()
            if peer.get("fastish_region") == region
            and peer.get(RELEASE_TYPE_VARIABLE) not in (None, "bootstrap")
        }
        for name, other in blocks.items():
            if other is not None and cidr.overlaps(other):
                taken = [block for block in blocks.values() if block is not None]
                suggestion = _free_block(cidr.prefixlen, [*taken, cidr])
                hint = f", e.g. {suggestion}" if suggestion else ""
                errors.append(
                    _message(
                        host,
                        f"fastish_vpc_cidr {cidr} overlaps fastish_vpc_cidr {other} of host {name!r} in the "
                        f"same account {account} and region {region}; releases that peer or route to each "
                        "other need disjoint VPC blocks",
                        f"give {host!r} or {name!r} a fastish_vpc_cidr that no other release of the "
                        f"synthesizer uses{hint}",
                    )
                )
    return errors


def _free_block(prefixlen: int, taken: list[ipaddress.IPv4Network]) -> str | None:
    """The first block of ``prefixlen`` in 10.0.0.0/8 that overlaps nothing in ``taken``."""
    for candidate in _RFC1918[0].subnets(new_prefix=prefixlen):
        if not any(candidate.overlaps(t) for t in taken):
            return str(candidate)
    return None


# --------------------------------------------------------------------------- entry points


def check_host(
    host: str,
    variables: Mapping[str, Any],
    others: Mapping[str, Mapping[str, Any]],
    schema: Mapping,
    release_types: Mapping,
    regions: Iterable[str],
    *,
    unknown_variables: str = "error",
    extra_var_names: Iterable[str] = (),
    template_errors: Mapping[str, str] | None = None,
) -> Report:
    """Check one host; ``variables`` are its (templated) ``fastish_*`` variables.

    ``others`` maps every other host name to its :data:`PEER_VARIABLES` (templated; missing or
    broken values may simply be absent). ``release_types`` is the per-type table of strict names,
    ``regions`` the known regions. ``unknown_variables`` is ``error``, ``warn`` or ``ignore``.
    ``extra_var_names`` are the variables given with ``-e`` (to phrase the fix);
    ``template_errors`` maps variables whose templating failed to the error text.
    """
    if unknown_variables not in ("error", "warn", "ignore"):
        raise SchemaError(f"unknown_variables must be error, warn or ignore, got {unknown_variables!r}")
    check_schema(schema, release_types)
    types = normalize_release_types(release_types)
    regions = list(regions)
    extra = set(extra_var_names)
    template_errors = dict(template_errors or {})
    errors: list[str] = []
    warnings: list[str] = []
    bad: set[str] = set()

    # 1. Unknown fastish_* variables: a typo would silently fall back to a default.
    if unknown_variables != "ignore":
        for name in sorted(v for v in set(variables) | set(template_errors) if v.startswith(PREFIX)):
            if name in schema:
                continue
            match = _closest(name, schema, cutoff=0.75)
            hint = f" (did you mean {match}?)" if match else ""
            fix = f"rename it to {match}" if match else "remove it"
            text = _message(
                host,
                f"{name} is not a variable of the fastish platform{hint}; a misspelt variable is silently "
                "ignored and the default is used instead",
                f"{fix} (the platform's variables are listed in roles/validate_inventory/vars/main.yml)",
            )
            (errors if unknown_variables == "error" else warnings).append(text)

    rtype = variables.get(RELEASE_TYPE_VARIABLE)
    known_type = isinstance(rtype, str) and rtype in types

    # 2. Each variable of the schema: presence, type, value.
    for name, spec in schema.items():
        secret = bool(spec.get("secret"))
        fix = spec["fix"]
        if name in template_errors:
            bad.add(name)
            detail = "details hidden because the variable is secret" if secret else template_errors[name]
            if not spec.get("computed"):
                errors.append(_message(host, f"{name} could not be evaluated ({detail})", fix))
            continue
        present = name in variables and not _unset(variables[name])
        value = variables.get(name)

        if not present:
            required = spec.get("required", False)
            needed_by = None
            if required is True:
                needed_by = "every host needs it"
            elif known_type and _applies(required, rtype):
                needed_by = f"a {rtype} host needs it"
            elif spec.get("required_when") and variables.get(spec["required_when"]) is True:
                needed_by = f"{spec['required_when']} is true"
            if needed_by:
                bad.add(name)
                state = "is empty" if name in variables and value is not None else "is not set"
                errors.append(_message(host, f"{name} {state}, but {needed_by}", fix))
            continue

        applies_to = spec.get("applies_to")
        if known_type and applies_to is not None and rtype not in applies_to:
            bad.add(name)
            errors.append(
                _message(
                    host,
                    f"{name} is set on a {rtype} host, but only {', '.join(applies_to)} hosts use it; "
                    "the host probably sits in the wrong group",
                    f"bootstrap hosts sit directly under their synthesizer group and release hosts under a "
                    f"team group; move {host!r} or remove {name} from it. {fix}",
                )
            )
            continue

        wanted = spec["type"]
        if not _is_type(value, wanted):
            bad.add(name)
            if name == "fastish_account_id" and isinstance(value, int) and not isinstance(value, bool):
                problem = (
                    f"fastish_account_id is the number {value}, written without quotes, so YAML read it as "
                    "an integer (and drops leading zeros); an account id is a quoted 12-digit string"
                )
                if not _ACCOUNT_ID_RE.fullmatch(str(value)):
                    problem += f", and {value} is not 12 digits either"
            else:
                problem, hint = _type_problem(name, value, wanted, secret, name in extra)
                fix = f"{hint} {fix}" if hint else fix
            errors.append(_message(host, problem, fix))
            continue

        choices = list(types) if name == RELEASE_TYPE_VARIABLE else None
        problems = _value_problems(name, value, spec, regions, choices)
        if spec.get("options") and isinstance(value, (list, tuple)):
            problems += _check_list_options(name, list(value), spec, regions)
        problems += _data_problems(name, value, spec, variables)
        if problems:
            bad.add(name)
            errors.extend(_message(host, problem, fix) for problem in problems)

    # 3. Variables that only make sense together.
    for name, spec in schema.items():
        partner = spec.get("together")
        if partner and name not in bad and partner not in bad:
            has_it = name in variables and not _unset(variables[name])
            has_partner = partner in variables and not _unset(variables[partner])
            if has_it and not has_partner:
                bad.add(partner)
                errors.append(
                    _message(
                        host, f"{name} is set but {partner} is not; they only work as a pair", spec["fix"]
                    )
                )

    # 4. Names and tags derived from the hierarchy (only once the parts are valid themselves).
    scope_vars = set(SCOPE_VARIABLES.values())
    if known_type and not (bad & scope_vars):
        scope = build_scope(variables)
        if rtype != "bootstrap":
            for problem in name_limit_errors(scope, types[rtype]):
                errors.append(
                    _message(
                        host,
                        f"a {rtype} release creates a name that AWS would reject: {problem}",
                        "shorten fastish_organization, fastish_team or fastish_release (this name may not be "
                        "shortened with a hash, because people see or type it)",
                    )
                )
        try:
            resource_tags(scope)
        except NamingError as exc:
            errors.append(
                _message(
                    host,
                    "the tags derived from fastish_tag_prefix, fastish_cost_center, fastish_managed_by and "
                    f"the hierarchy break the AWS tagging rules: {exc}",
                    "use only letters, digits, spaces and _ . : / = + - @ in those variables",
                )
            )

    # 5. Rules across hosts: duplicate releases and bootstrap hosts, overlapping VPC blocks.
    if known_type:
        errors.extend(_peer_errors(host, variables, others, types, bad))

    return Report(errors, warnings)


def validate_host(
    host: str,
    variables: Mapping[str, Any],
    others: Mapping[str, Mapping[str, Any]],
    schema: Mapping,
    release_types: Mapping,
    regions: Iterable[str],
    **kwargs: Any,
) -> list[str]:
    """The error strings of :func:`check_host` (warnings dropped)."""
    return check_host(host, variables, others, schema, release_types, regions, **kwargs).errors
