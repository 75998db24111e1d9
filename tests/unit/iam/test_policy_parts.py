"""fastish.platform.policy_parts: IAM policy documents split into parts under IAM's size limit."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.fastish.platform.plugins.filter.iam_policy import (
    FilterModule,
    parts,
    policy_parts,
    policy_size,
)

REPO_ROOT = Path(__file__).resolve().parents[3]


def _statement(sid: str, actions: int, resource: str = "*") -> dict:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Action": [f"s3:Action{i:04d}" for i in range(actions)],
        "Resource": resource,
    }


def _document(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _chars(document: dict) -> int:
    """IAM's count, computed independently: the indented JSON without any whitespace."""
    return len(re.sub(r"\s", "", json.dumps(document, indent=2)))


def test_size_is_compact_json_without_whitespace():
    document = _document({"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    expected = len(json.dumps(document, separators=(",", ":")))
    assert policy_size(document) == expected == _chars(document)
    assert policy_size(json.dumps(document, indent=4)) == expected


def test_small_document_is_one_part_equal_to_it():
    document = _document(_statement("A", 3), _statement("B", 2))
    assert parts(document) == [document]


def test_large_document_is_split_in_order_and_each_part_fits():
    statements = [_statement(f"S{i}", 40 + i) for i in range(30)]
    document = _document(*statements)
    assert _chars(document) > 6144
    result = parts(document)
    assert len(result) >= 2
    assert all(_chars(part) <= 6144 for part in result)
    assert [s for part in result for s in part["Statement"]] == statements
    assert all(part["Version"] == "2012-10-17" for part in result)


def test_parts_are_filled_greedily():
    statements = [_statement(f"S{i}", 40 + i) for i in range(30)]
    result = parts(_document(*statements))
    for part, following in itertools.pairwise(result):
        # the first statement of the next part did not fit into this one
        assert _chars({**part, "Statement": [*part["Statement"], following["Statement"][0]]}) > 6144


def test_exactly_at_the_limit_is_one_part():
    statement = _statement("A", 1)
    document = _document(statement)
    size = policy_size(document)
    assert parts(document, size) == [document]
    assert parts(_document(statement, statement), size) == [document, document]


def test_other_top_level_keys_are_kept_in_every_part():
    document = {
        "Version": "2012-10-17",
        "Id": "exec",
        "Statement": [_statement("A", 200), _statement("B", 200)],
    }
    result = parts(document, 4000)
    assert len(result) == 2
    assert [part["Id"] for part in result] == ["exec", "exec"]


def test_a_single_statement_is_a_list_of_one():
    statement = _statement("A", 1)
    assert parts({"Version": "2012-10-17", "Statement": statement}) == [_document(statement)]


def test_deterministic_and_input_untouched():
    document = _document(*[_statement(f"S{i}", 60) for i in range(20)])
    before = json.dumps(document)
    assert parts(document) == parts(json.loads(before))
    assert json.dumps(document) == before


def test_a_statement_too_large_alone_names_its_sid_size_and_the_limit():
    document = _document(_statement("Small", 1), _statement("Huge", 800))
    size = policy_size(_document(_statement("Huge", 800)))
    with pytest.raises(AnsibleFilterError) as exc:
        policy_parts(document)
    message = str(exc.value)
    assert "Huge" in message and str(size) in message and "6144" in message


def test_a_statement_without_sid_is_named_by_its_position():
    statement = _statement("X", 800)
    del statement["Sid"]
    with pytest.raises(AnsibleFilterError, match="statement #2 "):
        policy_parts(_document(_statement("A", 1), statement))


@pytest.mark.parametrize(
    ("document", "max_chars", "message"),
    [
        ("not a dict", 6144, "expects a policy document"),
        ({"Version": "2012-10-17"}, 6144, "expects a policy document"),
        ({"Version": "2012-10-17", "Statement": "s3:*"}, 6144, "Statement must be a list"),
        (_document(), 0, "max_chars must be a positive integer"),
        (_document(), True, "max_chars must be a positive integer"),
    ],
)
def test_bad_input(document, max_chars, message):
    with pytest.raises(AnsibleFilterError, match=message):
        policy_parts(document, max_chars)


def test_registered_under_its_name():
    assert FilterModule().filters() == {"policy_parts": policy_parts}


def test_through_ansible():
    ansible = Path(sys.executable).parent / "ansible"
    statements = [_statement(f"S{i}", 150) for i in range(4)]
    expr = (
        f"{json.dumps(_document(*statements))} | fastish.platform.policy_parts(6000)"
        " | map(attribute='Statement') | map('map', attribute='Sid') | map('list') | list"
    )
    proc = subprocess.run(
        [str(ansible), "localhost", "-m", "ansible.builtin.debug", "-a", f"msg={{{{ {expr} }}}}"],
        cwd=REPO_ROOT,
        env={"ANSIBLE_CONFIG": str(REPO_ROOT / "ansible.cfg"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert '"S0"' in proc.stdout and '"S3"' in proc.stdout
    assert re.search(r'\[\s*"S0",\s*"S1"\s*\],\s*\[\s*"S2",\s*"S3"\s*\]', proc.stdout), proc.stdout
