# Copyright: fastish maintainers
# Apache License 2.0 (see the collection's galaxy.yml)
"""Names and tags of every AWS resource the fastish platform creates.

This is the single place where resource names are derived from the inventory hierarchy
(synthesizer > organization > team > release). It is pure Python, without Ansible imports, so the
filter plugins, action plugins and modules of ``fastish.platform`` and the unit tests share it.

A *scope* is the dict that ``group_vars/all/fastish.yml`` builds as ``fastish_scope``::

    {"platform": "fastish", "synthesizer": "local", "account_id": "123456789012",
     "region": "us-east-1", "organization": "acme", "team": "payments", "release": "web",
     "release_type": "webapp", "environment": "prod", "cost_center": "cc-1234",
     "managed_by": "fastish", "tag_prefix": "fastish"}

Release-level names are ``<organization>-<team>-<release>-<component>``; synthesizer-level
(bootstrap) names, used when the scope has no release, are ``<platform>-<synthesizer>-<component>``.
Each kind of resource in ``KINDS`` carries the AWS naming rules the result must satisfy.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "HASH_LEN",
    "KINDS",
    "SCOPE_VARIABLES",
    "TAG_KEYS",
    "KindSpec",
    "NamingError",
    "ResourceNameError",
    "ResourceTagError",
    "name_limit_errors",
    "resource_name",
    "resource_tags",
    "sanitize_part",
    "validate_name",
    "validate_tags",
]

# Length of the hexadecimal sha256 prefix that makes a shortened name unique again.
HASH_LEN = 8

# The inventory variable behind each scope part, named in error messages so that the operator
# knows what to change.
SCOPE_VARIABLES = {
    "platform": "fastish_platform_id",
    "synthesizer": "fastish_synthesizer",
    "account_id": "fastish_account_id",
    "region": "fastish_region",
    "organization": "fastish_organization",
    "team": "fastish_team",
    "release": "fastish_release",
    "release_type": "fastish_release_type",
    "environment": "fastish_environment",
    "cost_center": "fastish_cost_center",
    "managed_by": "fastish_managed_by",
    "tag_prefix": "fastish_tag_prefix",
}

# Scope key -> tag key suffix (the tag key is "<tag_prefix>:<suffix>"), in output order.
TAG_KEYS = {
    "organization": "organization",
    "team": "team",
    "release": "release",
    "release_type": "release-type",
    "environment": "environment",
    "synthesizer": "synthesizer",
    "managed_by": "managed-by",
    "cost_center": "cost-center",
}

_RELEASE_PARTS = ("organization", "team", "release")
_SYNTHESIZER_PARTS = ("platform", "synthesizer")

# AWS tag limits (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html).
_TAG_KEY_MAX = 128
_TAG_VALUE_MAX = 256
_TAGS_MAX = 50
_TAG_PUNCTUATION = frozenset("_.:/=+-@")

# Worst case of the ARN text that precedes an SSM parameter name ("arn:<partition>:ssm:<region>:
# <account>:parameter"): AWS counts it against the 1011-character limit of the name.
_SSM_ARN_RESERVE = len("arn:aws-us-gov:ssm:") + len("ap-southeast-99:") + 12 + len(":parameter")

_ACCOUNT_ID_RE = re.compile(r"[0-9]{12}")

# Stripped from both ends of every name part, so that joining parts never doubles a separator
# and names of kinds that must start/end with a letter or digit do.
_SEPARATORS = "-_./"


class NamingError(ValueError):
    """Base class of the errors of this module."""


class ResourceNameError(NamingError):
    """A resource name cannot be built from the scope (or is not valid for its kind)."""


class ResourceTagError(NamingError):
    """A tag set breaks the AWS tagging rules."""


@dataclass(frozen=True)
class KindSpec:
    """The AWS naming rules of one kind of resource.

    ``allowed`` is the body of a regex character class (ASCII only); ``start`` is ``"letter"``,
    ``"alnum"`` or ``None`` (first character after ``prefix``); ``no_repeat`` holds the
    characters that may not follow one another (``"-"``: no ``--``); ``shorten`` says a name over
    ``max_len`` may be cut and suffixed with a hash; ``global_unique`` appends the account id and
    region (names shared by all AWS accounts, such as S3 buckets).
    """

    max_len: int
    allowed: str
    min_len: int = 1
    lowercase: bool = False
    start: str | None = None
    end_alnum: bool = False
    no_repeat: str = ""
    shorten: bool = True
    global_unique: bool = False
    prefix: str = ""
    separator: str = "-"
    reserved_prefixes: tuple[str, ...] = ()
    reserved_suffixes: tuple[str, ...] = ()
    forbidden_words: tuple[str, ...] = ()
    max_segments: int = 0
    no_ip_address: bool = False
    description: str = ""

    @property
    def allowed_re(self) -> re.Pattern[str]:
        return re.compile(f"^[{self.allowed}]+$")


# Character classes (regex class bodies, ASCII only).
_ALNUM = "A-Za-z0-9"
_LOWER = "a-z0-9"
_DNS = "a-z0-9-"

KINDS: dict[str, KindSpec] = {
    # Anything without stricter rules of its own (Name tags, ASGs, launch templates, ...): a
    # lowercase DNS-label-like string fits everywhere.
    "generic": KindSpec(
        max_len=128,
        allowed=_DNS,
        lowercase=True,
        start="alnum",
        end_alnum=True,
        no_repeat="-",
        description="lowercase letters, digits, hyphens",
    ),
    # IAM: [\w+=,.@-]+ (ASCII); role 64, policy and instance profile 128.
    "iam_role": KindSpec(max_len=64, allowed=_ALNUM + "_+=,.@-", description="IAM role name"),
    "iam_policy": KindSpec(max_len=128, allowed=_ALNUM + "_+=,.@-", description="IAM policy name"),
    "iam_instance_profile": KindSpec(
        max_len=128, allowed=_ALNUM + "_+=,.@-", description="IAM instance profile name"
    ),
    # S3 general purpose bucket: 3-63, lowercase, digits, hyphens (dots are allowed by S3 but break
    # virtual-hosted TLS, so never produced), start and end alnum, no IP form, reserved affixes.
    "s3_bucket": KindSpec(
        max_len=63,
        min_len=3,
        allowed=_DNS,
        lowercase=True,
        start="alnum",
        end_alnum=True,
        no_repeat="-.",
        global_unique=True,
        no_ip_address=True,
        reserved_prefixes=("xn--", "sthree-", "amzn-s3-demo-"),
        reserved_suffixes=("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3", "-an"),
        description="S3 bucket name",
    ),
    # KMS alias: "alias/" + [a-zA-Z0-9/_-], 256 with the prefix; alias/aws/ is AWS-managed.
    "kms_alias": KindSpec(
        max_len=256,
        allowed=_ALNUM + "/_-",
        prefix="alias/",
        no_repeat="/",
        reserved_prefixes=("alias/aws/",),
        description="KMS alias (with the alias/ prefix)",
    ),
    # ECR: 2-256, (?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*
    "ecr_repository": KindSpec(
        max_len=256,
        min_len=2,
        allowed=_LOWER + "._/-",
        lowercase=True,
        start="alnum",
        end_alnum=True,
        no_repeat="._/-",
        description="ECR repository name",
    ),
    # SSM parameter: a path /a/b/c of [a-zA-Z0-9_.-] segments, at most 15 levels, not prefixed with
    # aws or ssm; 1011 characters including the ARN prefix, hence the reserve.
    "ssm_parameter": KindSpec(
        max_len=1011 - _SSM_ARN_RESERVE,
        allowed=_ALNUM + "_./-",
        prefix="/",
        separator="/",
        start="alnum",
        no_repeat="/",
        reserved_prefixes=("/aws", "/ssm", "aws", "ssm"),
        max_segments=15,
        description="SSM parameter path",
    ),
    # Cognito user pool name: [\w\s+=,.@-]+, 1-128 (spaces are not produced).
    "cognito_user_pool": KindSpec(
        max_len=128, allowed=_ALNUM + "_+=,.@-", description="Cognito user pool name"
    ),
    # Cognito hosted-UI domain prefix: ^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$ and none of the
    # words aws, amazon, cognito. Part of the public sign-in URL, so never shortened with a hash.
    "cognito_domain": KindSpec(
        max_len=63,
        allowed=_DNS,
        lowercase=True,
        start="alnum",
        end_alnum=True,
        shorten=False,
        forbidden_words=("aws", "amazon", "cognito"),
        description="Cognito domain prefix",
    ),
    "dynamodb_table": KindSpec(
        max_len=255, min_len=3, allowed=_ALNUM + "_.-", description="DynamoDB table name"
    ),
    "lambda_function": KindSpec(max_len=64, allowed=_ALNUM + "_-", description="Lambda function name"),
    # CloudWatch log group: [\.\-_/#A-Za-z0-9]+, 512; "aws/" is reserved for AWS.
    "log_group": KindSpec(
        max_len=512,
        allowed=_ALNUM + "._/#-",
        reserved_prefixes=("aws/",),
        description="CloudWatch Logs log group name",
    ),
    "eks_cluster": KindSpec(
        max_len=100, allowed=_ALNUM + "_-", start="alnum", description="EKS cluster name"
    ),
    "eks_nodegroup": KindSpec(
        max_len=63, allowed=_ALNUM + "_-", start="alnum", description="EKS managed node group name"
    ),
    # RDS DB instance identifier: 1-63 letters, digits, hyphens; first a letter; no "--", no
    # trailing hyphen; stored lowercase.
    "rds_instance": KindSpec(
        max_len=63,
        allowed=_DNS,
        lowercase=True,
        start="letter",
        end_alnum=True,
        no_repeat="-",
        description="RDS DB instance identifier",
    ),
    "msk_cluster": KindSpec(max_len=64, allowed=_ALNUM + "-", start="alnum", description="MSK cluster name"),
    "sqs_queue": KindSpec(max_len=80, allowed=_ALNUM + "_-", description="SQS queue name"),
    "sns_topic": KindSpec(max_len=256, allowed=_ALNUM + "_-", description="SNS topic name"),
    "secret": KindSpec(max_len=512, allowed=_ALNUM + "/_+=.@-", description="Secrets Manager secret name"),
    "event_rule": KindSpec(max_len=64, allowed=_ALNUM + "._-", description="EventBridge rule name"),
    # EC2 security group (VPC): a-zA-Z0-9, spaces and ._-:/()#,@[]+=&;{}!$*; must not start "sg-".
    "security_group": KindSpec(
        max_len=255,
        allowed=_ALNUM + r"._:/()#,@\[\]+=&;{}!$*-",
        reserved_prefixes=("sg-",),
        description="EC2 security group name",
    ),
    # ELBv2 load balancer / target group: 32 alnum or hyphens, no hyphen at either end;
    # load balancers must not start with "internal-".
    "load_balancer": KindSpec(
        max_len=32,
        allowed=_ALNUM + "-",
        start="alnum",
        end_alnum=True,
        reserved_prefixes=("internal-",),
        description="Elastic Load Balancing (v2) load balancer name",
    ),
    "target_group": KindSpec(
        max_len=32,
        allowed=_ALNUM + "-",
        start="alnum",
        end_alnum=True,
        description="Elastic Load Balancing (v2) target group name",
    ),
    # Helm release: 53 (Kubernetes label values are 63 and charts add suffixes), DNS-1123 label.
    "helm_release": KindSpec(
        max_len=53,
        allowed=_DNS,
        lowercase=True,
        start="alnum",
        end_alnum=True,
        description="Helm release name",
    ),
    # Kubernetes namespace: DNS-1123 label, 63.
    "k8s_namespace": KindSpec(
        max_len=63,
        allowed=_DNS,
        lowercase=True,
        start="alnum",
        end_alnum=True,
        description="Kubernetes namespace",
    ),
}


def _kind(kind: object) -> KindSpec:
    if not isinstance(kind, str) or kind not in KINDS:
        raise ResourceNameError(f"unknown resource kind {kind!r}; known kinds: {', '.join(sorted(KINDS))}")
    return KINDS[kind]


def _text(value: object, what: str) -> str | None:
    """A scope value as text, or None when unset ('' and None both mean unset)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ResourceNameError(f"{what} must be a string, got {type(value).__name__} {value!r}")
    text = str(value).strip()
    return text or None


def _is_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _collapse(text: str, chars: str) -> str:
    """Replace each run of 2+ characters from ``chars`` with one ('/' wins when in the run)."""
    if not chars:
        return text
    cls = re.escape(chars)

    def one(match: re.Match[str]) -> str:
        run = match.group(0)
        return "/" if "/" in run else run[0]

    return re.sub(f"[{cls}]{{2,}}", one, text)


def sanitize_part(value: str, kind: str = "generic", *, component: bool = False) -> str:
    """One name part as the kind allows it.

    Lowercased when the kind is lowercase-only, each run of disallowed characters replaced with
    one '-', forbidden repeats collapsed, and separators ('-', '_', '.', '/') stripped from both
    ends. A '/' is kept only in the component (a sub-path such as ``db/password``, for kinds
    that allow it): in a hierarchy part it would fake a level (team ``payments/web``).
    May return '' (the caller rejects that).
    """
    spec = _kind(kind)
    text = str(value)
    if spec.lowercase:
        text = text.lower()
    if not component:
        text = text.replace("/", "-")
    text = re.sub(f"[^{spec.allowed}]+", "-", text)
    text = _collapse(text, spec.no_repeat)
    return text.strip(_SEPARATORS)


def _short_hash(full_name: str) -> str:
    return hashlib.sha256(full_name.encode("utf-8")).hexdigest()[:HASH_LEN]


def _parts(scope: Mapping, component: object, spec: KindSpec, kind: str) -> list[tuple[str, str, str]]:
    """[(label, raw value, sanitized value)] of the name, in order."""
    if not isinstance(scope, Mapping):
        raise ResourceNameError(f"the scope must be a dict (fastish_scope), got {type(scope).__name__}")
    comp = _text(component, "the component")
    if comp is None:
        raise ResourceNameError(f"{kind} name: the component must be a non-empty string")

    release = _text(scope.get("release"), "scope.release")
    keys = _RELEASE_PARTS if release is not None else _SYNTHESIZER_PARTS
    level = "a release-level scope" if release is not None else "a synthesizer-level scope"
    raw: list[tuple[str, str]] = []
    for key in keys:
        value = _text(scope.get(key), f"scope.{key}")
        if value is None:
            raise ResourceNameError(
                f"{kind} name for component {comp!r}: {level} needs {key!r} "
                f"(inventory variable {SCOPE_VARIABLES[key]}), which is missing or empty"
            )
        raw.append((key, value))
    raw.append(("component", comp))
    if spec.global_unique:
        account = _text(scope.get("account_id"), "scope.account_id")
        if account is None or not _ACCOUNT_ID_RE.fullmatch(account):
            raise ResourceNameError(
                f"{kind} name for component {comp!r}: names of this kind are global, so the scope "
                f"needs 'account_id' (fastish_account_id) as 12 digits, got {scope.get('account_id')!r}"
            )
        region = _text(scope.get("region"), "scope.region")
        if region is None:
            raise ResourceNameError(
                f"{kind} name for component {comp!r}: names of this kind are global, so the scope "
                "needs 'region' (fastish_region), which is missing or empty"
            )
        raw += [("account_id", account), ("region", region)]

    parts = []
    for label, value in raw:
        clean = sanitize_part(value, kind, component=label == "component")
        if not clean:
            raise ResourceNameError(
                f"{kind} name for component {comp!r}: {_where(label)} {value!r} has no character "
                f"allowed in a {spec.description or kind} ([{spec.allowed}])"
            )
        parts.append((label, value, clean))
    return parts


def _where(label: str) -> str:
    if label == "component":
        return "the component"
    return f"{SCOPE_VARIABLES[label]} (scope.{label})"


def _shorten_hint(parts: list[tuple[str, str, str]]) -> str:
    candidates = [p for p in parts if p[0] not in ("account_id", "region")]
    candidates.sort(key=lambda p: -len(p[2]))
    names = []
    for label, _, clean in candidates:
        who = "the component" if label == "component" else SCOPE_VARIABLES[label]
        names.append(f"{who} {clean!r} ({len(clean)} char{'s' if len(clean) != 1 else ''})")
    return "shorten one of (longest first): " + ", ".join(names)


def validate_name(name: str, kind: str) -> list[str]:
    """The rules of ``kind`` that ``name`` breaks (an empty list when it is valid)."""
    spec = _kind(kind)
    errors = []
    if len(name) > spec.max_len:
        errors.append(f"is {len(name)} characters long, over the limit of {spec.max_len}")
    if len(name) < spec.min_len:
        errors.append(f"is {len(name)} characters long, under the minimum of {spec.min_len}")
    if spec.prefix and not name.startswith(spec.prefix):
        errors.append(f"does not start with {spec.prefix!r}")
    body = name[len(spec.prefix) :] if name.startswith(spec.prefix) else name
    if not body:
        errors.append("is empty")
        return errors
    if not spec.allowed_re.match(body):
        bad = sorted({c for c in body if not re.match(f"[{spec.allowed}]", c)})
        errors.append(f"contains characters not allowed: {''.join(bad)!r}")
    if spec.lowercase and body != body.lower():
        errors.append("has uppercase letters")
    if spec.start == "letter" and not (body[0].isascii() and body[0].isalpha()):
        errors.append("does not start with a letter")
    if spec.start == "alnum" and not _is_alnum(body[0]):
        errors.append("does not start with a letter or digit")
    if spec.end_alnum and not _is_alnum(body[-1]):
        errors.append("does not end with a letter or digit")
    for char in spec.no_repeat:
        if char * 2 in body:
            errors.append(f"contains {char * 2!r}")
    if kind == "ecr_repository" and re.search(r"[._/-]{2,}", body):
        errors.append("has two separators ('.', '_', '-', '/') in a row")
    lowered = name.lower()
    for reserved in spec.reserved_prefixes:
        if lowered.startswith(reserved):
            errors.append(f"starts with the reserved prefix {reserved!r}")
    for reserved in spec.reserved_suffixes:
        if lowered.endswith(reserved):
            errors.append(f"ends with the reserved suffix {reserved!r}")
    for word in spec.forbidden_words:
        if word in lowered:
            errors.append(f"contains the reserved word {word!r}")
    if spec.max_segments and name.strip("/").count("/") + 1 > spec.max_segments:
        errors.append(f"has more than {spec.max_segments} path levels")
    if spec.no_ip_address:
        try:
            ipaddress.ip_address(name)
        except ValueError:
            pass
        else:
            errors.append("is formatted as an IP address")
    return errors


def resource_name(scope: Mapping, component: str, kind: str = "generic") -> str:
    """The name of resource ``component`` of kind ``kind`` in ``scope``.

    ``<organization>-<team>-<release>-<component>`` for a release scope,
    ``<platform>-<synthesizer>-<component>`` otherwise; global kinds (S3) end with
    ``-<account_id>-<region>``. A name over the kind's limit is cut and ended with ``-`` and the
    first 8 hex digits of the sha256 of the full name, unless the kind may not be shortened: then
    ``ResourceNameError`` says which inventory variable to shorten.
    """
    spec = _kind(kind)
    parts = _parts(scope, component, spec, kind)

    first_label, first_raw, first = parts[0]
    if spec.start == "letter" and not first[0].isalpha():
        raise ResourceNameError(
            f"{kind} names must start with a letter, but {_where(first_label)} = {first_raw!r} "
            "starts with a digit; rename it"
        )

    full = spec.prefix + spec.separator.join(clean for _, _, clean in parts)
    name = full
    if len(full) > spec.max_len:
        if not spec.shorten:
            raise ResourceNameError(
                f"{kind} name {full!r} is {len(full)} characters long, over the {spec.description or kind} "
                f"limit of {spec.max_len}, and may not be shortened with a hash "
                f"(it is user-visible); {_shorten_hint(parts)}"
            )
        budget = spec.max_len - len(spec.prefix) - HASH_LEN - 1
        body = full[len(spec.prefix) :][:budget]
        while body and not _is_alnum(body[-1]):
            body = body[:-1]
        name = spec.prefix + (body + "-" if body else "") + _short_hash(full)

    errors = validate_name(name, kind)
    if errors:
        raise ResourceNameError(
            f"{kind} name {name!r} is not valid: it {'; it '.join(errors)}. "
            f"Scope parts: {', '.join(f'{_where(label)} = {raw!r}' for label, raw, _ in parts)}"
        )
    return name


def _tag_chars_ok(text: str) -> bool:
    # AWS: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$
    return all(unicodedata.category(c)[0] in "LZN" or c in _TAG_PUNCTUATION for c in text)


def _tag_value(value: object, key: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise ResourceTagError(f"tag {key!r}: the value must be a string or number, got {type(value).__name__}")


def validate_tags(tags: Mapping) -> list[str]:
    """The AWS tagging rules that ``tags`` breaks (an empty list when it is valid)."""
    errors = []
    if len(tags) > _TAGS_MAX:
        errors.append(f"{len(tags)} tags, over the AWS limit of {_TAGS_MAX} per resource")
    for key, value in tags.items():
        if not isinstance(key, str):
            errors.append(f"tag key {key!r} is not a string")
            continue
        if not 1 <= len(key) <= _TAG_KEY_MAX:
            errors.append(f"tag key {key!r} is {len(key)} characters long; keys take 1 to {_TAG_KEY_MAX}")
        if key.lower().startswith("aws:"):
            errors.append(f"tag key {key!r} starts with 'aws:', which is reserved for AWS")
        if not _tag_chars_ok(key):
            errors.append(
                f"tag key {key!r} has characters AWS does not allow "
                "(letters, digits, spaces and _ . : / = + - @ only)"
            )
        if not isinstance(value, str):
            errors.append(f"tag {key!r}: the value {value!r} is not a string")
            continue
        if len(value) > _TAG_VALUE_MAX:
            errors.append(
                f"tag {key!r}: the value is {len(value)} characters long; the limit is {_TAG_VALUE_MAX}"
            )
        if not _tag_chars_ok(value):
            errors.append(
                f"tag {key!r}: the value {value!r} has characters AWS does not allow "
                "(letters, digits, spaces and _ . : / = + - @ only)"
            )
    return errors


def resource_tags(scope: Mapping, extra: Mapping | None = None) -> dict[str, str]:
    """The standard tags of ``scope`` merged with ``extra`` (extra wins; a None value drops a tag).

    Keys are ``<tag_prefix>:organization``, ``:team``, ``:release``, ``:release-type``,
    ``:environment``, ``:synthesizer``, ``:managed-by`` and ``:cost-center``, for the values the
    scope has.
    """
    if not isinstance(scope, Mapping):
        raise ResourceTagError(f"the scope must be a dict (fastish_scope), got {type(scope).__name__}")
    if extra is not None and not isinstance(extra, Mapping):
        raise ResourceTagError(f"extra tags must be a dict, got {type(extra).__name__}")
    prefix = scope.get("tag_prefix")
    if not isinstance(prefix, str) or not prefix.strip():
        raise ResourceTagError("the scope needs 'tag_prefix' (inventory variable fastish_tag_prefix)")
    prefix = prefix.strip()

    tags: dict[str, str] = {}
    for scope_key, suffix in TAG_KEYS.items():
        key = f"{prefix}:{suffix}"
        value = _tag_value(scope.get(scope_key), key)
        if value is not None and value.strip():
            tags[key] = value.strip()
    for key, value in (extra or {}).items():
        if not isinstance(key, str):
            raise ResourceTagError(f"tag key {key!r} is not a string")
        text = _tag_value(value, key)
        if text is None:
            tags.pop(key, None)
        else:
            tags[key] = text

    errors = validate_tags(tags)
    if errors:
        raise ResourceTagError("invalid tags: " + "; ".join(errors))
    return tags


def name_limit_errors(scope: Mapping, names: Iterable) -> list[str]:
    """Human-readable errors for the (component, kind) pairs whose names cannot be built.

    ``names`` holds pairs (tuples or lists) or dicts with the keys ``component`` and ``kind``.
    The list is empty when every name can be built; each error appears once.
    """
    errors: list[str] = []
    for item in names:
        if isinstance(item, Mapping):
            component, kind = item.get("component"), item.get("kind", "generic")
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            component, kind = item
        else:
            message = f"not a (component, kind) pair: {item!r}"
            if message not in errors:
                errors.append(message)
            continue
        try:
            resource_name(scope, component, kind)
        except NamingError as exc:
            message = str(exc)
            if message not in errors:
                errors.append(message)
    return errors
