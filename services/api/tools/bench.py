#!/usr/bin/env python3
"""Load a running API with N concurrent clients for D seconds on GET /v1/items/{id}.

    python services/api/tools/bench.py --url http://127.0.0.1:8080 --token "$ID_TOKEN" \\
        [--item-id <id>] [--concurrency 8] [--duration 10]

Without --item-id it creates one item first (POST /v1/items). Prints JSON: requests, duration_s,
requests_per_s, p50_ms, p99_ms, errors (non-200 answers or transport errors).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

import httpx


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


async def run(url: str, token: str, item_id: str | None, concurrency: int, duration: float) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=10) as client:
        if not item_id:
            created = await client.post("/v1/items", json={"name": "bench", "attributes": {"bench": True}})
            created.raise_for_status()
            item_id = created.json()["id"]
        path = f"/v1/items/{item_id}"
        latencies: list[float] = []
        errors = 0
        deadline = time.perf_counter() + duration

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                try:
                    response = await client.get(path)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - start)
                errors += not ok

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "url": url + path,
        "concurrency": concurrency,
        "requests": len(latencies),
        "duration_s": round(elapsed, 3),
        "requests_per_s": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 3),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 3),
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True, help="an ID token with the tenant claim")
    parser.add_argument("--item-id")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10.0)
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.url.rstrip("/"), args.token, args.item_id, args.concurrency, args.duration))
    print(json.dumps(result))
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
