"""Filter that prints release outputs the way CloudFormation lists stack outputs."""

from __future__ import annotations

import json

from ansible.errors import AnsibleFilterError


def output_lines(values, title=None):
    """Return ``[title, '  Name = value', ...]`` sorted by name; non-strings are JSON."""
    if not isinstance(values, dict):
        raise AnsibleFilterError(f"output_lines expects a dict of outputs, got {type(values).__name__}")
    lines = [title] if title else []
    width = max((len(str(k)) for k in values), default=0)
    for name in sorted(values, key=str):
        value = values[name]
        shown = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
        lines.append(f"  {str(name).ljust(width)} = {shown}")
    return lines


class FilterModule:
    def filters(self):
        return {"output_lines": output_lines}
