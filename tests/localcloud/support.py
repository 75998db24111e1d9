"""Helpers of the local cloud's extension tests (test_ext_*.py): local clouds of their own, waits, errors."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError


def own_cloud(tmp_path_factory: pytest.TempPathFactory, name: str, **env: str) -> Iterator[Any]:
    """A local cloud of its own, started with the environment variables ``env`` (for example
    FASTISH_LOCALCLOUD_LIFECYCLE_SECONDS); for module fixtures: ``yield from own_cloud(...)``."""
    from tools.localcloud.client import start_local_cloud

    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        context = start_local_cloud(tmp_path_factory.mktemp(name))
        cloud = context.__enter__()
    try:
        yield cloud
    finally:
        context.__exit__(None, None, None)


def error_code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return exc.value.response["Error"]["Code"]


def error_message(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return exc.value.response["Error"]["Message"]


def eventually(probe: Callable[[], Any], timeout: float = 30, what: str = "condition") -> Any:
    """``probe()``'s first truthy value, polled every 0.1 s; AssertionError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def refused(action: Callable[[], Any], status: Callable[[], str], transitional: str) -> ClientError:
    """The ClientError ``action()`` raises while the resource is ``transitional``.

    The status (``status()``) is read again when the call succeeds: still transitional means it was so
    during the call, so the error must have come (a loaded machine that let the state pass first is
    reported as inconclusive, never hidden).
    """
    try:
        action()
    except ClientError as exc:
        return exc
    after = status()
    assert after != transitional, f"the call succeeded although the resource was {transitional}"
    raise AssertionError(f"inconclusive: the resource was {after} already; raise LIFECYCLE for this machine")
