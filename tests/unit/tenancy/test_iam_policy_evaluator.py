"""tests/iam_policy.py decides what the platform's policies allow; it has to be right itself."""

from __future__ import annotations

import pytest

from tests.iam_policy import Request, evaluate


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


ALLOW_GET = {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "arn:aws:dynamodb:*:*:table/t"}


def test_allow_deny_and_implicit_deny():
    deny = {"Effect": "Deny", "Action": "dynamodb:*", "Resource": "*"}
    request = Request("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:1:table/t")
    assert evaluate(policy(ALLOW_GET), request) == "Allow"
    assert evaluate(policy(ALLOW_GET, deny), request) == "ExplicitDeny"
    assert evaluate(policy(ALLOW_GET), Request("dynamodb:PutItem", request.resource)) == "ImplicitDeny"
    assert evaluate(policy(ALLOW_GET), Request("dynamodb:GetItem", request.resource + "2")) == "ImplicitDeny"


def test_for_all_values_is_vacuously_true_and_null_closes_it():
    condition = {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:PrincipalTag/t}"]}}
    open_statement = {**ALLOW_GET, "Condition": condition}
    closed = {**ALLOW_GET, "Condition": {**condition, "Null": {"dynamodb:LeadingKeys": "false"}}}
    no_keys = Request("dynamodb:GetItem", "arn:aws:dynamodb:r:1:table/t", context={"aws:PrincipalTag/t": "a"})
    assert evaluate(policy(open_statement), no_keys) == "Allow"  # the IAM trap, reproduced
    assert evaluate(policy(closed), no_keys) == "ImplicitDeny"
    keyed = Request(
        no_keys.action, no_keys.resource, context={**no_keys.context, "dynamodb:LeadingKeys": ["a"]}
    )
    assert evaluate(policy(closed), keyed) == "Allow"


def test_a_missing_policy_variable_never_matches():
    statement = {**ALLOW_GET, "Condition": {"StringEquals": {"aws:ResourceTag/t": "${aws:PrincipalTag/t}"}}}
    request = Request("dynamodb:GetItem", "arn:aws:dynamodb:r:1:table/t", context={"aws:ResourceTag/t": ""})
    assert evaluate(policy(statement), request) == "ImplicitDeny"


def test_string_like_arn_equals_and_account_principals():
    trust = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "sts:AssumeRole",
        "Condition": {
            "ArnEquals": {"aws:PrincipalArn": ["arn:aws:iam::123456789012:role/api"]},
            "StringLike": {"aws:RequestTag/t": "?*"},
        },
    }
    good = Request(
        "sts:AssumeRole",
        principal={"AWS": "arn:aws:iam::123456789012:role/api"},
        context={"aws:PrincipalArn": "arn:aws:iam::123456789012:role/api", "aws:RequestTag/t": "x"},
    )
    assert evaluate(policy(trust), good) == "Allow"
    other_account = Request(
        good.action, principal={"AWS": "arn:aws:iam::999999999999:role/api"}, context=good.context
    )
    assert evaluate(policy(trust), other_account) == "ImplicitDeny"
    empty_tag = Request(
        good.action, principal=good.principal, context={**good.context, "aws:RequestTag/t": ""}
    )
    assert evaluate(policy(trust), empty_tag) == "ImplicitDeny"


def test_unknown_operators_raise_instead_of_guessing():
    statement = {**ALLOW_GET, "Condition": {"NumericLessThan": {"x": "1"}}}
    with pytest.raises(ValueError):
        evaluate(
            policy(statement), Request("dynamodb:GetItem", "arn:aws:dynamodb:r:1:table/t", context={"x": "0"})
        )
