"""Structured JSON logs on stderr: one object per line. Request lines carry request id, tenant, route,
status and latency; never tokens, Authorization headers, secrets or item bodies."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys

ACCESS_LOGGER = "fastish_api.access"
_STANDARD = set(vars(logging.LogRecord("x", 0, "x", 0, "x", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info and record.exc_info[0] is not None:
            entry["error_type"] = record.exc_info[0].__name__  # no traceback values: they may hold data
        return json.dumps(entry, default=str, separators=(",", ":"))


def configure(level: str = "INFO") -> None:
    """JSON lines on stderr for the service's loggers (idempotent; uvicorn's own access log is off)."""
    logger = logging.getLogger("fastish_api")
    logger.setLevel(level)
    if not any(getattr(h, "_fastish", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler._fastish = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.propagate = False
