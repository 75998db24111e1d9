#!/usr/bin/env python3
"""Build the API's Lambda zip, reproducibly.

    python services/api/tools/build_lambda.py --output <dir> \\
        [--platform manylinux2014_aarch64|manylinux2014_x86_64] [--python-version 3.12]

1. ``pip install --target <cache> --platform ... --python-version ... --implementation cp
   --only-binary=:all: --no-deps -r services/api/requirements-lambda.txt`` into
   ``${XDG_CACHE_HOME:-~/.cache}/fastish/lambda/<sha256(requirements + platform + python)>/`` (once;
   later builds reuse it). Every transitive pin is listed in the requirements file; boto3/botocore
   are not vendored (the Lambda runtime provides them).
2. Copies the ``fastish_api`` package next to the dependencies.
3. Writes ``<dir>/fastish-api-lambda.zip``: entries sorted, timestamps 1980-01-01, mode 0644 (dirs
   0755), no ``__pycache__``/``*.pyc``, no ``bin/`` console scripts, no per-install metadata
   (``RECORD``, ``INSTALLER``, ``REQUESTED``, ``direct_url.json``), deflate level 9.

Prints ``{"path", "code_sha256", "size"}`` (code_sha256: base64 of the sha256 digest, as Lambda's
CodeSha256) on stdout. Two builds from the same inputs give byte-identical zips.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

SERVICE = Path(__file__).resolve().parents[1]
REQUIREMENTS = SERVICE / "requirements-lambda.txt"
PACKAGE = SERVICE / "src" / "fastish_api"
ZIP_NAME = "fastish-api-lambda.zip"
PLATFORMS = ("manylinux2014_aarch64", "manylinux2014_x86_64")
# Lambda's Python 3.12+ runtimes run on Amazon Linux 2023 (glibc 2.34): wheels built for newer
# manylinux baselines than 2014 are fine there, so pip may pick them as well.
EXTRA_TAGS = ("manylinux_2_28_{arch}", "manylinux_2_34_{arch}")
SKIP_DIRS = {"__pycache__"}
SKIP_FILES = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "fastish" / "lambda"


def cache_key(requirements: bytes, platform: str, python_version: str) -> str:
    digest = hashlib.sha256()
    for part in (requirements, platform.encode(), python_version.encode()):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def install_dependencies(platform: str, python_version: str, pip: list[str] | None = None) -> Path:
    """The cached site directory with the pinned dependencies for ``platform``/``python_version``."""
    requirements = REQUIREMENTS.read_bytes()
    target = cache_root() / cache_key(requirements, platform, python_version)
    if (target / ".complete").exists():
        return target / "site"
    arch = platform.rsplit("_", 1)[-1] if platform.endswith("aarch64") else "x86_64"
    platforms = [platform, *(t.format(arch=arch) for t in EXTRA_TAGS)]
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
    command = [
        *(pip or [sys.executable, "-m", "pip"]),
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        "--target",
        str(staging / "site"),
        *[arg for p in platforms for arg in ("--platform", p)],
        "--python-version",
        python_version,
        "--implementation",
        "cp",
        "--only-binary=:all:",
        "--no-deps",
        "-r",
        str(REQUIREMENTS),
    ]
    try:
        subprocess.run(command, check=True, stdout=sys.stderr)
        (staging / ".complete").write_text(" ".join(command[command.index("install") :]) + "\n")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target / "site"


def _entries(root: Path, prefix: str = "") -> list[tuple[str, Path]]:
    out = []
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if any(part in SKIP_DIRS for part in rel.parts) or path.is_dir():
            continue
        if not prefix and rel.parts[0] == "bin":  # console scripts: shebang of the building machine
            continue
        if path.suffix in (".pyc", ".pyo"):
            continue
        if path.name in SKIP_FILES and any(p.endswith(".dist-info") for p in rel.parts):
            continue
        out.append((prefix + rel.as_posix(), path))
    return out


def write_zip(output: Path, site: Path) -> Path:
    entries = dict(_entries(site))
    package = _entries(PACKAGE, "fastish_api/")
    clash = set(entries) & {name for name, _ in package}
    if clash:
        raise SystemExit(f"build_lambda: dependency files clash with the package: {sorted(clash)[:5]}")
    entries.update(package)
    dirs = sorted({name.rsplit("/", i)[0] + "/" for name in entries for i in range(1, name.count("/") + 1)})
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w") as archive:
        for name in sorted([*dirs, *entries]):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.create_system = 3  # unix, so the mode bits below are honoured
            if name.endswith("/"):
                info.external_attr = (0o40755 << 16) | 0x10
                archive.writestr(info, b"")
            else:
                info.external_attr = 0o100644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, entries[name].read_bytes(), compresslevel=9)
    tmp.replace(output)
    return output


def build(output_dir: Path, platform: str, python_version: str) -> dict[str, object]:
    site = install_dependencies(platform, python_version)
    path = write_zip(output_dir / ZIP_NAME, site)
    data = path.read_bytes()
    return {
        "path": str(path),
        "code_sha256": base64.b64encode(hashlib.sha256(data).digest()).decode(),
        "size": len(data),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--output", required=True, type=Path, help="directory for fastish-api-lambda.zip")
    parser.add_argument("--platform", choices=PLATFORMS, default="manylinux2014_aarch64")
    parser.add_argument("--python-version", default="3.12")
    args = parser.parse_args(argv)
    print(json.dumps(build(args.output.resolve(), args.platform, args.python_version)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
