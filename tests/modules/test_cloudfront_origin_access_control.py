"""fastish.platform.cloudfront_origin_access_control against the local cloud."""

from __future__ import annotations

from tests.modules.support import module, modules, mutating

NAME = "acme-web-portal-web"


def _controls(cloud):
    items = (
        cloud.client("cloudfront").list_origin_access_controls()["OriginAccessControlList"].get("Items") or []
    )
    return {i["Name"]: i for i in items}


def test_create_idempotent_update_absent(cloud, tmp_path):
    params = {"name": NAME, "description": "web bucket"}
    results = modules(
        cloud,
        tmp_path,
        "cloudfront_origin_access_control",
        {
            "create": params,
            "again": params,
            "update": {**params, "description": "changed", "signing_behavior": "no-override"},
            "delete": {"name": NAME, "state": "absent"},
            "gone": {"name": NAME, "state": "absent"},
        },
    )
    created = results["create"]
    assert created["changed"] is True and created["changes"] == ["create"]
    oac = created["origin_access_control"]
    assert oac["id"] and oac["origin_type"] == "s3" and oac["signing_behavior"] == "always"
    assert oac["signing_protocol"] == "sigv4"
    assert results["again"]["changed"] is False
    assert results["again"]["origin_access_control"] == oac
    update = results["update"]
    assert update["changed"] is True and update["changes"] == ["update"]
    assert update["origin_access_control"]["id"] == oac["id"]
    assert update["diff"]["before"]["description"] == "web bucket"
    assert results["delete"]["changed"] is True
    assert results["gone"]["changed"] is False
    assert _controls(cloud) == {}


def test_update_is_applied(cloud, tmp_path):
    module(cloud, tmp_path, "cloudfront_origin_access_control", {"name": NAME})
    module(cloud, tmp_path, "cloudfront_origin_access_control", {"name": NAME, "description": "x"})
    assert _controls(cloud)[NAME]["Description"] == "x"


def test_check_mode_makes_no_mutating_call(cloud, tmp_path):
    cloud.reset_requests()
    result = module(cloud, tmp_path, "cloudfront_origin_access_control", {"name": NAME}, "--check")
    assert result["changed"] is True and result["origin_access_control"]["id"] is None
    assert mutating(cloud) == [] and _controls(cloud) == {}
    module(cloud, tmp_path, "cloudfront_origin_access_control", {"name": NAME})
    cloud.reset_requests()
    for params in ({"name": NAME, "description": "y"}, {"name": NAME, "state": "absent"}):
        assert (
            module(cloud, tmp_path, "cloudfront_origin_access_control", params, "--check")["changed"] is True
        )
    assert mutating(cloud) == []
    assert _controls(cloud)[NAME]["Description"] == ""
