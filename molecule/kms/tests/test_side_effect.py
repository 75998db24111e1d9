"""The key outlives a plain absent (data encrypted with it must stay readable); a confirmed destroy
schedules its deletion; a second absent changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from tests.molecule_support import aws_client, changed_count, run_playbook

CONVERGE = Path(__file__).resolve().parents[1] / "converge.yml"
HOST = "acme-web-portal"
ALIAS = "alias/acme-web-portal-key"


def _state():
    return aws_client("kms").describe_key(KeyId=ALIAS)["KeyMetadata"]["KeyState"]


def _absent(*extra):
    rc, out = run_playbook(CONVERGE, "-e", json.dumps({"kms_state": "absent", **dict(extra)}))
    return rc, out


def test_absent_keeps_the_key():
    rc, out = _absent()
    assert rc == 0 and changed_count(out, HOST) == 0, out[-3000:]
    assert _state() == "Enabled"


def test_destroy_needs_the_release_named():
    rc, out = _absent(("kms_destroy_data", True), ("kms_destroy_confirm", "acme-web-other"))
    assert rc != 0 and "Confirm it by also passing kms_destroy_confirm=acme-web-portal" in out
    assert _state() == "Enabled"


def test_confirmed_destroy_schedules_the_deletion_once():
    confirm = (("kms_destroy_data", True), ("kms_destroy_confirm", HOST))
    rc, out = _absent(*confirm)
    assert rc == 0 and changed_count(out, HOST) == 1, out[-3000:]
    assert _state() == "PendingDeletion"
    rc, out = _absent(*confirm)
    assert rc == 0 and changed_count(out, HOST) == 0, out[-3000:]
