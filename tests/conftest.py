"""Shared pytest fixtures for the whole repository.

- ``localcloud`` (session): the project's patched moto server (tools/localcloud) in a child process, on
  free 127.0.0.1 ports with a temporary state dir; HTTPS endpoint plus a plain HTTP one. With
  pytest-xdist every worker gets its own server.
- ``cloud`` (function): the same object, reset (moto state + request log) before the test.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # make `tools` importable however pytest was started
    sys.path.insert(0, str(REPO_ROOT))

if TYPE_CHECKING:
    from tools.localcloud.client import LocalCloud


@pytest.fixture(scope="session")
def localcloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCloud]:
    """A running local cloud.

    Offers .endpoint, .http_endpoint, .ca_bundle, .client(service), .env(), .requests() and .reset().
    """
    from tools.localcloud.client import start_local_cloud

    with start_local_cloud(tmp_path_factory.mktemp("localcloud")) as cloud:
        yield cloud


@pytest.fixture
def cloud(localcloud: LocalCloud) -> LocalCloud:
    """The session's local cloud, wiped before the test."""
    localcloud.reset()
    return localcloud
