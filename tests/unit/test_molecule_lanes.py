"""tools/molecule_lanes.py: scenarios run in parallel lanes, each on its own local cloud; fail fast."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tools import molecule_lanes

# A stand-in for molecule: prints the scenario and the lane's local cloud, fails for scenario "bad".
FAKE_MOLECULE = """#!/bin/sh
echo "scenario $3 port $FASTISH_LOCALCLOUD_PORT dir $FASTISH_LOCALCLOUD_DIR"
sleep 0.2
[ "$3" != bad ]
"""


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "molecule"
    script.write_text(FAKE_MOLECULE)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    calls: list[tuple[str, str, str]] = []

    def localcloud(action: str, env: dict[str, str]) -> int:
        calls.append((action, env["FASTISH_LOCALCLOUD_PORT"], env["FASTISH_LOCALCLOUD_DIR"]))
        return 0

    monkeypatch.setattr(molecule_lanes, "localcloud", localcloud)
    return calls


def test_every_scenario_runs_once_on_a_lane_of_its_own_cloud(fake, tmp_path, capsys):
    lanes = molecule_lanes.Lanes(["a", "b", "c", "d"], 2, 5410, tmp_path / "test")

    assert lanes.run() == 0

    assert sorted(r.scenario for r in lanes.results) == ["a", "b", "c", "d"]
    assert {r.lane for r in lanes.results} == {1, 2}  # both lanes worked
    for r in lanes.results:
        port, state = str(5410 + r.lane), f"{tmp_path}/test-{r.lane}"
        assert r.rc == 0
        assert r.log == Path(state) / "logs" / f"molecule-{r.scenario}.log"
        assert r.log.read_text() == f"scenario {r.scenario} port {port} dir {state}\n"
    # each lane's cloud is started before and stopped after
    assert sorted(fake[:2]) == [("up", "5411", f"{tmp_path}/test-1"), ("up", "5412", f"{tmp_path}/test-2")]
    assert sorted(fake[2:]) == [
        ("down", "5411", f"{tmp_path}/test-1"),
        ("down", "5412", f"{tmp_path}/test-2"),
    ]
    out = capsys.readouterr().out
    assert "[1 a] scenario a port 5411" in out or "[2 a] scenario a port 5412" in out
    assert "4 scenarios in 2 lanes" in out


def test_after_a_failure_no_new_scenario_starts(fake, tmp_path, capsys):
    lanes = molecule_lanes.Lanes(["bad", "b", "c"], 1, 5410, tmp_path / "test")

    assert lanes.run() == 1

    assert [(r.scenario, r.rc) for r in lanes.results] == [("bad", 1)]
    out = capsys.readouterr().out
    assert "not run after the failure: b c" in out
    assert "---- last 1 lines of bad" in out
    assert ("down", "5411", f"{tmp_path}/test-1") in fake  # the cloud is stopped even so


def test_a_cloud_that_does_not_start_fails_the_run(fake, tmp_path, monkeypatch):
    monkeypatch.setattr(molecule_lanes, "localcloud", lambda action, env: 1 if action == "up" else 0)

    assert molecule_lanes.Lanes(["a"], 1, 5410, tmp_path / "test").run() == 1


def test_never_more_lanes_than_scenarios(fake, tmp_path, monkeypatch):
    seen = {}
    monkeypatch.setattr(molecule_lanes.Lanes, "run", lambda self: seen.setdefault("lanes", self.lanes) and 0)

    assert molecule_lanes.main(["--lanes", "4", "--dir", str(tmp_path / "t"), "a", "b"]) == 0
    assert seen["lanes"] == 2
