"""Run molecule scenarios in parallel lanes, each on its own local cloud (``make molecule``).

A scenario keeps one CPU busy (ansible-playbook runs one module at a time for its one host), so on a
machine with N cores N lanes finish the suite about N times sooner. Each lane has its own local cloud
(AWS + Kubernetes) on its own port and state directory (port = base + lane, state = <dir>-<lane>), and
so its own outputs directory (the scenarios write outputs below FASTISH_LOCALCLOUD_DIR): lanes share
nothing but the checkout, which molecule only reads.

Lanes take the next scenario from one queue, in the order given (put the longest first). Every line a
scenario prints is shown with its name in front, and the whole log is kept in <state>/logs/. After the
first failure no new scenario starts; those running finish. The summary lists each scenario's lane,
result and duration, and the tail of each failed scenario's log.

Usage: python tools/molecule_lanes.py [--lanes N] [--port P] [--dir D] SCENARIO...
Exit code: 0 when every scenario passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TAIL_LINES = 60


@dataclass
class Result:
    scenario: str
    lane: int
    rc: int
    seconds: float
    log: Path


def lane_env(lane: int, port: int, state: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["FASTISH_LOCALCLOUD_PORT"] = str(port + lane)
    env["FASTISH_LOCALCLOUD_DIR"] = f"{state}-{lane}"
    return env


def localcloud(action: str, env: dict[str, str]) -> int:
    return subprocess.call([sys.executable, "-m", "tools.localcloud", action], cwd=REPO, env=env)


class Lanes:
    def __init__(self, scenarios: list[str], lanes: int, port: int, state: Path) -> None:
        self.todo: queue.Queue[str] = queue.Queue()
        for name in scenarios:
            self.todo.put(name)
        self.lanes, self.port, self.state = lanes, port, state
        self.width = len(f"[{lanes} ]") + max(map(len, scenarios))
        self.results: list[Result] = []
        self.failed = threading.Event()
        self.print_lock = threading.Lock()

    def say(self, line: str) -> None:
        with self.print_lock:
            sys.stdout.write(line if line.endswith("\n") else line + "\n")
            sys.stdout.flush()

    def run_scenario(self, lane: int, name: str, env: dict[str, str]) -> Result:
        log = Path(env["FASTISH_LOCALCLOUD_DIR"]) / "logs" / f"molecule-{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        prefix = f"[{lane} {name}]".ljust(self.width)
        self.say(f"{prefix} molecule test -s {name} (local cloud on port {env['FASTISH_LOCALCLOUD_PORT']})")
        started = time.monotonic()
        with log.open("w", encoding="utf-8") as kept:
            proc = subprocess.Popen(
                ["molecule", "test", "-s", name],
                cwd=REPO,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                errors="replace",
            )
            assert proc.stdout is not None
            for line in proc.stdout:
                kept.write(line)
                self.say(f"{prefix} {line}")
            rc = proc.wait()
        seconds = time.monotonic() - started
        self.say(f"{prefix} {'passed' if rc == 0 else f'FAILED (rc={rc})'} in {seconds / 60:.1f} min")
        return Result(name, lane, rc, seconds, log)

    def lane(self, lane: int) -> None:
        env = lane_env(lane, self.port, self.state)
        while not self.failed.is_set():
            try:
                name = self.todo.get_nowait()
            except queue.Empty:
                return
            result = self.run_scenario(lane, name, env)
            with self.print_lock:
                self.results.append(result)
            if result.rc != 0:
                self.failed.set()

    def run(self) -> int:
        envs = [lane_env(lane, self.port, self.state) for lane in range(1, self.lanes + 1)]
        started = time.monotonic()
        try:
            for env in envs:
                if localcloud("up", env) != 0:
                    self.say(f"could not start the local cloud in {env['FASTISH_LOCALCLOUD_DIR']}")
                    return 1
            threads = [threading.Thread(target=self.lane, args=(n,)) for n in range(1, self.lanes + 1)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            for env in envs:
                localcloud("down", env)
        return self.summary(time.monotonic() - started)

    def summary(self, seconds: float) -> int:
        not_run = []
        while not self.todo.empty():
            not_run.append(self.todo.get_nowait())
        print(f"\nmolecule: {len(self.results)} scenarios in {self.lanes} lanes, {seconds / 60:.1f} min")
        for r in sorted(self.results, key=lambda r: -r.seconds):
            verdict = "passed" if r.rc == 0 else "FAILED"
            print(f"  {r.scenario:<16} lane {r.lane}  {verdict}  {r.seconds / 60:5.1f} min")
        failed = [r for r in self.results if r.rc != 0]
        for r in failed:
            tail = r.log.read_text(encoding="utf-8", errors="replace").splitlines()[-TAIL_LINES:]
            print(f"\n---- last {len(tail)} lines of {r.scenario} ({r.log}) ----")
            print("\n".join(tail))
        if not_run:
            print(f"not run after the failure: {' '.join(not_run)}")
        return 1 if failed or not_run else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lanes", type=int, default=2, help="parallel lanes (default 2)")
    parser.add_argument("--port", type=int, default=5410, help="base port: lane N uses port + N")
    parser.add_argument(
        "--dir", type=Path, default=REPO / ".localcloud" / "test", help="base state dir: lane N uses <dir>-N"
    )
    parser.add_argument("scenarios", nargs="+")
    args = parser.parse_args(argv)
    if args.lanes < 1:
        parser.error("--lanes must be at least 1")
    lanes = min(args.lanes, len(args.scenarios))
    return Lanes(args.scenarios, lanes, args.port, args.dir.resolve()).run()


if __name__ == "__main__":
    sys.exit(main())
