"""``python -m fastish_api [--host 127.0.0.1] [--port 8080]``: serve with uvicorn, config from the
environment. A configuration error exits with status 2 and a message naming the variable."""

from __future__ import annotations

import argparse
import sys

from .config import ConfigError, Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fastish_api", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--graceful-timeout", type=int, default=20, help="seconds to finish requests on SIGTERM"
    )
    args = parser.parse_args(argv)
    try:
        Settings.from_env()
    except ConfigError as exc:
        print(f"fastish_api: configuration error: {exc}", file=sys.stderr)
        return 2
    import uvicorn

    uvicorn.run(
        "fastish_api.asgi:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=False,  # the app logs one JSON line per request itself
        proxy_headers=True,
        timeout_graceful_shutdown=args.graceful_timeout,
        log_level="warning",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
