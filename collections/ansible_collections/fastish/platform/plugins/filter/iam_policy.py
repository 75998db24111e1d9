# Copyright: fastish maintainers
# Apache License 2.0 (see the collection's galaxy.yml)
"""Split an IAM policy document into parts that each fit IAM's size limit.

Documentation: iam_policy.yml next to this file (``ansible-doc -t filter fastish.platform.policy_parts``).

IAM limits a customer-managed policy to 6,144 characters and the inline policies of a role to
10,240 characters together, counting the document without its whitespace. A policy that grows
past that (more actions, more organizations' name prefixes) is split into several documents with
the same Version and other top-level keys, the statements packed in their order, each part as full
as it can be. The result depends on the document only, so every run gets the same parts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleFilterError

# AWS IAM quota: characters of one customer-managed policy document (whitespace not counted).
MANAGED_POLICY_MAX_CHARS = 6144
_WHITESPACE = re.compile(r"\s")


def policy_size(document) -> int:
    """Characters IAM counts of ``document``: its compact JSON without any whitespace."""
    text = document if isinstance(document, str) else json.dumps(document, separators=(",", ":"))
    return len(_WHITESPACE.sub("", text))


def parts(document, max_chars: int = MANAGED_POLICY_MAX_CHARS) -> list[dict]:
    """The statements of ``document`` packed in order into as few documents as the greedy fill gives."""
    if not isinstance(document, Mapping) or "Statement" not in document:
        shown = repr(document)[:200]
        raise ValueError(f"expects a policy document (a dict with Version and Statement), got {shown}")
    if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1:
        raise ValueError(f"max_chars must be a positive integer, got {max_chars!r}")
    statements = document["Statement"]
    if isinstance(statements, Mapping):
        statements = [statements]
    if isinstance(statements, (str, bytes)) or not isinstance(statements, Sequence):
        raise ValueError(f"Statement must be a list of statements, got {type(statements).__name__}")
    head = {key: value for key, value in document.items() if key != "Statement"}

    def part(stmts: list) -> dict:
        return {**head, "Statement": list(stmts)}

    result: list[dict] = []
    current: list = []
    for index, statement in enumerate(statements):
        if current and policy_size(part([*current, statement])) <= max_chars:
            current.append(statement)
            continue
        alone = policy_size(part([statement]))
        if alone > max_chars:
            sid = statement.get("Sid", f"#{index + 1}") if isinstance(statement, Mapping) else f"#{index + 1}"
            raise ValueError(
                f"statement {sid} alone makes a policy of {alone} characters, over the limit of {max_chars}: "
                "split it into smaller statements"
            )
        if current:
            result.append(part(current))
        current = [statement]
    if current or not result:
        result.append(part(current))
    return result


def policy_parts(document, max_chars=MANAGED_POLICY_MAX_CHARS):
    """Filter entry point: ``parts`` with its errors as AnsibleFilterError."""
    try:
        return parts(document, max_chars)
    except ValueError as exc:
        raise AnsibleFilterError(f"fastish.platform.policy_parts: {exc}") from exc


class FilterModule:
    """fastish.platform IAM policy filters."""

    def filters(self):
        return {"policy_parts": policy_parts}
