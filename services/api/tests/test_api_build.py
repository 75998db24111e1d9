"""The Lambda zip is reproducible: two builds give the same bytes (the first may download wheels from
PyPI into the cache; later ones reuse it)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

TOOL = Path(__file__).resolve().parents[1] / "tools" / "build_lambda.py"


def build(out: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, str(TOOL), "--output", str(out), "--platform", "manylinux2014_x86_64"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first = build(tmp_path / "a")
    # touch the cached dependencies: timestamps must not leak into the zip
    sys.path.insert(0, str(TOOL.parent))
    import build_lambda

    cache = build_lambda.cache_root()
    for path in list(cache.rglob("*.py"))[:50]:
        os.utime(path, (1_700_000_000, 1_700_000_000))
    second = build(tmp_path / "b")
    data_a = Path(first["path"]).read_bytes()
    data_b = Path(second["path"]).read_bytes()
    assert data_a == data_b
    assert first["code_sha256"] == second["code_sha256"]
    assert first["code_sha256"] == base64.b64encode(hashlib.sha256(data_a).digest()).decode()
    assert first["size"] == len(data_a)

    with zipfile.ZipFile(first["path"]) as archive:
        infos = archive.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos if not i.is_dir()} == {0o100644}
    assert "fastish_api/lambda_handler.py" in names
    assert any(n.startswith("starlette/") for n in names)
    assert any(n.startswith("pydantic_core/") and n.endswith(".so") for n in names)
    assert any(n.startswith("jwt/") for n in names)
    for name in names:
        assert "__pycache__" not in name and not name.endswith(".pyc")
        assert not name.endswith(".dist-info/RECORD")
        assert not name.startswith(("boto3/", "botocore/", "bin/", "uvicorn/"))
