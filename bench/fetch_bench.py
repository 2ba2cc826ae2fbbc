"""Benchmark: refresh 500 petitions against a local petitions API ('make bench-fetch').

Runs the real command (python build.py fetch) against tests/petition_server.py
on 127.0.0.1, which answers after a simulated network latency. Reports the wall
time of a first fetch (everything new), of a second (everything unchanged: 304),
and the highest number of requests the server saw in flight, which must never
exceed the client's limit. Exit 1 if it does, or if any fetch fails.
"""

from __future__ import annotations

import argparse
import io
import platform
import sys
import tempfile
import time
from pathlib import Path

from research_digest.cli import main
from research_digest.petitions.fetch import FetchSettings
from tests import api_documents as api
from tests.digests import write_petition_digest
from tests.petition_server import Reply, running

FIRST_NUMBER = 600_000
LAST_MODIFIED = "Fri, 06 Feb 2026 09:00:00 GMT"


def run(petitions: int, latency: float) -> int:
    limit = FetchSettings("bench").max_in_flight
    with tempfile.TemporaryDirectory() as folder, running(latency=latency) as server:
        numbers = range(FIRST_NUMBER, FIRST_NUMBER + petitions)
        manifest = write_petition_digest(
            Path(folder), [(f"p-{n}", "uk-parliament", n) for n in numbers]
        )
        for n in numbers:
            server.script(
                f"/petitions/{n}.json", Reply.json(api.uk(n, count=3 + n % 5000), LAST_MODIFIED)
            )
        rows = []
        for label in ("first fetch (all new)", "second fetch (all unchanged, 304)"):
            before = len(server.requests)
            err = io.StringIO()
            started = time.perf_counter()
            code = main(
                [
                    "fetch",
                    "--manifest",
                    str(manifest),
                    "--api-base",
                    f"uk-parliament={server.base_url}",
                ],
                stderr=err,
            )
            elapsed = time.perf_counter() - started
            rows.append(
                (
                    label,
                    elapsed,
                    len(server.requests) - before,
                    code,
                    err.getvalue().strip().splitlines()[-1],
                )
            )
        print(
            f"# fetch benchmark: {petitions} UK Parliament petitions, {latency * 1000:.0f} ms "
            f"simulated latency per request"
        )
        print(
            f"# {platform.python_implementation()} {platform.python_version()}, "
            f"{platform.machine()}, limit {limit} requests in flight\n"
        )
        print("| run | wall time | requests | requests/s | exit | summary |")
        print("|---|---|---|---|---|---|")
        for label, elapsed, requests, code, summary in rows:
            print(
                f"| {label} | {elapsed:.2f} s | {requests} | {requests / elapsed:.0f} | {code} "
                f"| {summary} |"
            )
        print(f"\nhighest number of requests in flight: {server.max_in_flight} (limit {limit})")
        if server.max_in_flight > limit:
            print("FAIL: the client exceeded its limit", file=sys.stderr)
            return 1
        return 0 if all(code == 0 for _, _, _, code, _ in rows) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--petitions", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.02, help="seconds per request")
    options = parser.parse_args()
    raise SystemExit(run(options.petitions, options.latency))
