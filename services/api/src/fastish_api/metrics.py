"""A tiny Prometheus registry: request count, latency histogram and errors, labelled by route template."""

from __future__ import annotations

import threading
from collections import defaultdict

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def _labels(**labels: str) -> str:
    def esc(v: str) -> str:
        return v.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')

    return ",".join(f'{k}="{esc(str(v))}"' for k, v in labels.items())


class Metrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: dict[tuple[str, str, str], int] = defaultdict(int)
        self._errors: dict[tuple[str, str], int] = defaultdict(int)
        self._buckets: dict[str, list[int]] = {}
        self._sum: dict[str, float] = defaultdict(float)
        self._count: dict[str, int] = defaultdict(int)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        with self._lock:
            self._requests[(method, route, str(status))] += 1
            if status >= 400:
                self._errors[(route, str(status))] += 1
            buckets = self._buckets.setdefault(route, [0] * len(BUCKETS))
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    buckets[i] += 1
            self._sum[route] += seconds
            self._count[route] += 1

    def render(self) -> str:
        out: list[str] = []
        with self._lock:
            out.append(
                "# HELP fastish_api_requests_total HTTP requests by method, route template and status."
            )
            out.append("# TYPE fastish_api_requests_total counter")
            for (method, route, status), n in sorted(self._requests.items()):
                out.append(
                    f"fastish_api_requests_total{{{_labels(method=method, route=route, status=status)}}} {n}"
                )
            out.append("# HELP fastish_api_request_errors_total HTTP responses with status >= 400.")
            out.append("# TYPE fastish_api_request_errors_total counter")
            for (route, status), n in sorted(self._errors.items()):
                out.append(f"fastish_api_request_errors_total{{{_labels(route=route, status=status)}}} {n}")
            out.append("# HELP fastish_api_request_duration_seconds Request latency by route template.")
            out.append("# TYPE fastish_api_request_duration_seconds histogram")
            for route in sorted(self._buckets):
                for bound, n in zip(BUCKETS, self._buckets[route], strict=True):
                    le = _labels(route=route, le=repr(bound))
                    out.append(f"fastish_api_request_duration_seconds_bucket{{{le}}} {n}")
                inf = _labels(route=route, le="+Inf")
                out.append(f"fastish_api_request_duration_seconds_bucket{{{inf}}} {self._count[route]}")
                label = _labels(route=route)
                out.append(f"fastish_api_request_duration_seconds_sum{{{label}}} {self._sum[route]:.6f}")
                out.append(f"fastish_api_request_duration_seconds_count{{{label}}} {self._count[route]}")
        return "\n".join(out) + "\n"
