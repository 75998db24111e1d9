"""Helpers of the fastish.platform Cognito module tests (tests/modules/test_cognito_*.py)."""

from __future__ import annotations

import itertools

from tests.integration.playbook_runner import run_playbook, task_results

HOST = "acme-web-portal"
_RUNS = itertools.count()


def run(cloud, tmp_path, tasks, *args):
    """Run ``tasks`` ({task name: {module: params}}) as one play; return (results by name, raw output)."""
    workdir = tmp_path / f"run{next(_RUNS)}"
    workdir.mkdir()
    play = {
        "name": "Probe",
        "hosts": HOST,
        "gather_facts": False,
        "tasks": [{"name": name, **task, "ignore_errors": True} for name, task in tasks.items()],
    }
    _rc, out, raw = run_playbook(workdir, [play], cloud.env(), *args, keep_aws_env=True)
    assert out is not None, raw
    return {name: task_results(out, name, HOST) for name in tasks}, raw


def module(cloud, tmp_path, name, params, *args):
    """Run one ``fastish.platform.<name>`` task; return its result."""
    results, _raw = run(cloud, tmp_path, {"probe": {f"fastish.platform.{name}": params}}, *args)
    return results["probe"]


def mutating(cloud):
    """The mutating requests of the log."""
    return [r["action"] for r in cloud.requests()["requests"] if r["mutating"]]


def make_pool(cloud, name="pool", **kwargs):
    """A user pool created straight through the API; returns its id."""
    return cloud.client("cognito-idp").create_user_pool(PoolName=name, **kwargs)["UserPool"]["Id"]
