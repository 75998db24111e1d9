"""Shared setup of the unit tests: makes the project's collections importable.

``collections/`` holds the ``ansible_collections`` namespace package, so tests import e.g.
``ansible_collections.fastish.platform.plugins.module_utils.naming`` directly.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS_PATH = REPO_ROOT / "collections"

if str(COLLECTIONS_PATH) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS_PATH))
