"""Fault tests of ``gci score -o DIR``: the output folder is one transaction (gci.transaction).

Real ``python -m gci score`` subprocesses are stopped with SIGKILL and SIGINT at several points
of the multi-file write (the test-only hook ``GCI_TEST_PAUSE=STAGE:FLAGFILE`` makes the writer
wait there); afterwards DIR must hold one complete set whose manifest sha256s match its files.
Also: two concurrent writers, a full file system (a 64 KiB tmpfs), a read-only file system, an
output under a regular file, a name too long, foreign content and nested output folders.
Mounting needs root (as here and in CI); those tests are skipped, saying why, where it is not
permitted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import gci
from gci import transaction
from gci.cli.app import main
from gci.errors import OutputError

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "data" / "tiny"
CSV_SET = {"scores.csv", "indicators.csv", "effective_weights.csv", "validation.csv",
           "manifest.json"}


@pytest.fixture
def tiny(tmp_path) -> dict[str, Path]:
    dst = tmp_path / "in"
    shutil.copytree(TINY, dst)
    return {"framework": dst / "indicators.yaml", "weights": dst / "weights.yaml",
            "responses": dst / "responses"}


def args(paths: dict[str, Path], out: Path, *extra: str) -> list[str]:
    return ["score", "--framework", str(paths["framework"]), "--weights",
            str(paths["weights"]), "--responses", str(paths["responses"]), "-o", str(out),
            "--quiet", *extra]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def check_complete(folder: Path) -> dict:
    """``folder`` holds exactly the files its manifest lists, each with the listed sha256."""
    manifest = json.loads((folder / "manifest.json").read_text())
    names = {p.name for p in folder.iterdir()}
    assert names == set(manifest["outputs"]) | {"manifest.json"}, names
    for name, digest in manifest["outputs"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    return manifest


def aux_files(parent: Path) -> list[str]:
    """Locks, staging and .prev folders gci may leave beside an output folder."""
    return sorted(p.name for p in parent.iterdir() if ".gci-" in p.name)


def start(paths: dict[str, Path], out: Path, stage: str, flag: Path, *extra: str,
          env: dict | None = None) -> subprocess.Popen:
    """Start ``python -m gci score`` that pauses at ``stage`` while ``flag`` exists."""
    flag.write_text("wait")
    environ = {**os.environ, "PYTHONPATH": str(ROOT), "GCI_TEST_PAUSE": f"{stage}:{flag}",
               **(env or {})}
    proc = subprocess.Popen([sys.executable, "-m", "gci", *args(paths, out, *extra)],
                            stderr=subprocess.PIPE, stdout=subprocess.PIPE, env=environ,
                            text=True)
    deadline = time.monotonic() + 120
    seen = ""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], 1.0)
        if ready:
            line = proc.stderr.readline()
            seen += line
            if f"gci-test: paused at {stage}" in line:
                return proc
            if not line and proc.poll() is not None:
                break
    proc.kill()
    raise AssertionError(f"the writer never paused at {stage}: {seen}")


def old_set(paths: dict[str, Path], out: Path, fmt: str = "csv") -> dict[str, bytes]:
    """Write a first, complete set (default scheme) in-process; return its bytes."""
    gci.score(paths["responses"], paths["framework"], paths["weights"]).write(out, fmt)
    check_complete(out)
    return snapshot(out)


# ---------------------------------------------------------------- killed mid-write
@pytest.mark.parametrize("sig,stage", [
    (signal.SIGKILL, "scores.csv"), (signal.SIGKILL, "validation.csv"),
    (signal.SIGKILL, "switch"), (signal.SIGINT, "indicators.csv"),
    (signal.SIGINT, "switch"), (signal.SIGTERM, "manifest.json"),
])
def test_a_killed_writer_leaves_the_complete_previous_set(tiny, tmp_path, sig, stage):
    out = tmp_path / "results"
    before = old_set(tiny, out)
    proc = start(tiny, out, stage, tmp_path / "flag", "--scheme", "a_heavy")
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == {signal.SIGKILL: -9, signal.SIGINT: 130,
                               signal.SIGTERM: 128 + signal.SIGTERM}[sig], err
    assert snapshot(out) == before  # byte for byte the old set, never a mix
    check_complete(out)
    if sig == signal.SIGKILL:  # no clean-up possible: a stale lock and a staging folder remain
        assert any(n.endswith(".lock") for n in aux_files(tmp_path))
        run = CliRunner().invoke(main, args(tiny, out, "--scheme", "a_heavy"))
        assert run.exit_code == 2
        assert "stale lock" in run.output and "no longer running" in run.output
        assert "--break-lock" in run.output and str(out) in run.output
        run = CliRunner().invoke(main, args(tiny, out, "--scheme", "a_heavy", "--break-lock"))
        assert run.exit_code == 0, run.output
        assert json.loads((out / "manifest.json").read_text())["options"]["scheme"] == "a_heavy"
    else:
        assert "interrupted" in err or sig == signal.SIGTERM
    assert aux_files(tmp_path) == []  # nothing left beside the folder
    check_complete(out)


def test_a_writer_killed_between_the_fallback_renames_is_recovered(tiny, tmp_path):
    """Without renameat2 the switch is two renames; a kill between them is undone next run."""
    out = tmp_path / "results"
    before = old_set(tiny, out)
    proc = start(tiny, out, "prev", tmp_path / "flag", "--scheme", "a_heavy",
                 env={"GCI_TEST_NO_EXCHANGE": "1"})
    proc.kill()
    proc.communicate(timeout=60)
    assert not out.exists()  # the one window of the fallback: the old set is in .prev
    prev = [tmp_path / n for n in aux_files(tmp_path) if n.endswith(".prev")]
    assert len(prev) == 1 and snapshot(prev[0]) == before
    with transaction.folder_lock(out.absolute(), break_lock=True):
        note = transaction.recover(out)
    assert "restored" in note and snapshot(out) == before
    assert aux_files(tmp_path) == []


def test_fallback_switch_and_sigint_between_the_renames(tiny, tmp_path):
    out = tmp_path / "results"
    before = old_set(tiny, out)
    proc = start(tiny, out, "prev", tmp_path / "flag", "--scheme", "a_heavy",
                 env={"GCI_TEST_NO_EXCHANGE": "1"})
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert snapshot(out) == before and aux_files(tmp_path) == []  # put back at once


@pytest.mark.parametrize("exchange", [True, False])
def test_a_finished_writer_replaces_the_whole_set_even_across_formats(tiny, tmp_path,
                                                                      exchange):
    out = tmp_path / "results"
    old_set(tiny, out, "csv")
    env = {} if exchange else {"GCI_TEST_NO_EXCHANGE": "1"}
    proc = start(tiny, out, "switch", tmp_path / "flag", "--format", "json", env=env)
    assert {p.name for p in out.iterdir()} == CSV_SET  # still the old set while staged
    (tmp_path / "flag").unlink()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    manifest = check_complete(out)  # no csv of the earlier run survives
    assert set(manifest["outputs"]) == {"results.json"}
    assert aux_files(tmp_path) == []


# ---------------------------------------------------------------- concurrent writers
def test_a_second_concurrent_writer_is_refused(tiny, tmp_path):
    out = tmp_path / "results"
    old_set(tiny, out)
    first = start(tiny, out, "indicators.csv", tmp_path / "flag", "--scheme", "a_heavy")
    second = CliRunner().invoke(main, args(tiny, out, "--break-lock"))  # a live lock stays
    assert second.exit_code == 2
    assert "another gci is writing this folder" in second.output
    assert f"gci process {first.pid}" in second.output and str(out) in second.output
    (tmp_path / "flag").unlink()
    _, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    manifest = check_complete(out)  # the survivor's set, complete
    assert manifest["options"]["scheme"] == "a_heavy"
    assert aux_files(tmp_path) == []


# ---------------------------------------------------------------- operating-system errors
@pytest.fixture
def tmpfs(tmp_path):
    """A 64 KiB tmpfs (root only); unmounted afterwards."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    run = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)],
                         capture_output=True, text=True)
    if run.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {run.stderr.strip() or run.returncode}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill_up(folder: Path, leave: int) -> None:
    """Fill the file system of ``folder``, then free ``leave`` bytes."""
    filler = folder / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        with contextlib.suppress(OSError):
            while True:
                os.write(fd, b"\0" * 4096)
    finally:
        os.close(fd)
    os.truncate(filler, max(filler.stat().st_size - leave, 0))


def test_a_full_disk_is_exit_2_and_keeps_the_previous_set(tiny, tmpfs):
    out = tmpfs / "results"
    before = old_set(tiny, out)
    fill_up(tmpfs, leave=8192)  # room for the lock and about one table
    run = CliRunner().invoke(main, args(tiny, out, "--scheme", "a_heavy"))
    assert run.exit_code == 2, run.output
    assert str(out) in run.output and "disk full" in run.output
    assert snapshot(out) == before
    assert aux_files(tmpfs) == []


def test_a_read_only_file_system_is_exit_2(tiny, tmpfs):
    out = tmpfs / "results"
    before = old_set(tiny, out)
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    run = CliRunner().invoke(main, args(tiny, out, "--scheme", "a_heavy"))
    assert run.exit_code == 2, run.output
    assert str(out) in run.output and "read-only" in run.output
    assert snapshot(out) == before
    assert aux_files(tmpfs) == []


def test_an_output_under_a_regular_file_is_exit_2(tiny, tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("mine")
    out = blocker / "results"
    run = CliRunner().invoke(main, args(tiny, out))
    assert run.exit_code == 2, run.output
    assert str(out) in run.output and "is a file, not a folder" in run.output
    assert blocker.read_text() == "mine" and aux_files(tmp_path) == []


def test_an_output_name_too_long_is_exit_2(tiny, tmp_path):
    out = tmp_path / ("r" * 300)
    run = CliRunner().invoke(main, args(tiny, out))
    assert run.exit_code == 2, run.output
    assert "name is too long" in run.output and str(out) in run.output
    assert aux_files(tmp_path) == []


def test_a_folder_that_is_a_file_is_exit_2(tiny, tmp_path):
    out = tmp_path / "results"
    out.write_text("mine")
    run = CliRunner().invoke(main, args(tiny, out))
    assert run.exit_code == 2 and "is a file" in run.output  # click's check
    assert out.read_text() == "mine"


# ---------------------------------------------------------------- foreign content
def test_foreign_files_and_nested_output_folders_are_carried_over(tiny, tmp_path):
    out = tmp_path / "results"
    old_set(tiny, out)
    (out / "notes.txt").write_text("my notes")
    nested = CliRunner().invoke(main, args(tiny, out / "cop", "--format", "json"))
    assert nested.exit_code == 0, nested.output
    cop = snapshot(out / "cop")
    run = CliRunner().invoke(main, args(tiny, out, "--scheme", "a_heavy"))
    assert run.exit_code == 0, run.output
    assert (out / "notes.txt").read_text() == "my notes"
    assert snapshot(out / "cop") == cop
    check_complete(out / "cop")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["options"]["scheme"] == "a_heavy"
    assert {p.name for p in out.iterdir()} == CSV_SET | {"notes.txt", "cop"}
    loud = CliRunner().invoke(main, args(tiny, out)[:-1])  # not --quiet: says what it kept
    assert "kept 2 item(s)" in loud.output and "cop, notes.txt" in loud.output


def test_a_foreign_file_with_an_output_name_is_refused(tiny, tmp_path):
    out = tmp_path / "results"
    out.mkdir()
    (out / "scores.csv").write_text("my own table")  # no manifest: gci did not write it
    run = CliRunner().invoke(main, args(tiny, out))
    assert run.exit_code == 2, run.output
    assert "scores.csv" in run.output and "gci did not write" in run.output
    assert (out / "scores.csv").read_text() == "my own table"
    assert aux_files(tmp_path) == []


def test_the_current_folder_and_a_folder_holding_inputs_are_refused(tiny, tmp_path,
                                                                    monkeypatch):
    (tmp_path / "work" / "deep").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "work" / "deep")
    for here in (Path("."), Path("..")):
        run = CliRunner().invoke(main, args(tiny, here))
        assert run.exit_code == 2 and "current folder" in run.output, run.output
    monkeypatch.chdir(tmp_path)
    run = CliRunner().invoke(main, args(tiny, tmp_path / "in"))
    assert run.exit_code == 2 and "holds the input" in run.output


def test_library_write_raises_output_error(tiny, tmp_path):
    result = gci.score(tiny["responses"], tiny["framework"], tiny["weights"])
    (tmp_path / "f").write_text("x")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        result.write(tmp_path / "f" / "results")


# ---------------------------------------------------------------- the demo responses
def test_demo_files_are_one_transaction_and_keep_other_files(tmp_path):
    from gci.analysis.demo import generate_demo

    fw = gci.load_framework(ROOT / "indicators.yaml")
    ws = gci.load_weights(ROOT / "weights.yaml", fw).scheme()
    out = tmp_path / "responses"
    out.mkdir()
    (out / "FRA.yaml").write_text("# SYNTHETIC DEMO DATA - stale\ncountry: FRA\n")
    (out / "DEU.yaml").write_text("# SYNTHETIC DEMO DATA - another country, kept\n")
    (out / "notes.md").write_text("mine")
    generate_demo(fw, ws, out, countries=["FRA"])
    assert (out / "FRA.yaml").read_bytes() == (ROOT / "responses" / "FRA.yaml").read_bytes()
    assert (out / "DEU.yaml").read_text().endswith("kept\n")
    assert (out / "notes.md").read_text() == "mine"
    assert aux_files(tmp_path) == []
    (out / "FRA.yaml").write_text("country: FRA  # real answers, not synthetic\n")
    with pytest.raises(OutputError, match="FRA.yaml, which gci did not write"):
        generate_demo(fw, ws, out, countries=["FRA"])
    assert (out / "FRA.yaml").read_text().startswith("country: FRA  # real")


@pytest.mark.parametrize("exchange", [True, False])
def test_a_file_saved_into_the_folder_during_the_write_is_kept(tiny, tmp_path, exchange):
    out = tmp_path / "results"
    old_set(tiny, out)
    env = {} if exchange else {"GCI_TEST_NO_EXCHANGE": "1"}
    proc = start(tiny, out, "switch", tmp_path / "flag", env=env)  # carry-over already done
    (out / "late.txt").write_text("saved while gci was writing")
    (tmp_path / "flag").unlink()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert (out / "late.txt").read_text() == "saved while gci was writing"
    assert {p.name for p in out.iterdir()} == CSV_SET | {"late.txt"}
    assert aux_files(tmp_path) == []


def test_an_unreadable_old_lock_is_stale_and_a_fresh_one_is_not(tiny, tmp_path):
    out = tmp_path / "results"
    lock = transaction.lock_path(out)
    lock.write_text("")  # a run killed between creating the lock and writing it
    run = CliRunner().invoke(main, args(tiny, out, "--break-lock"))
    assert run.exit_code == 2 and "an unknown process" in run.output  # maybe just created
    old = time.time() - 60
    os.utime(lock, (old, old))
    run = CliRunner().invoke(main, args(tiny, out))
    assert run.exit_code == 2 and "stale lock" in run.output
    run = CliRunner().invoke(main, args(tiny, out, "--break-lock"))
    assert run.exit_code == 0, run.output
    check_complete(out)
    assert aux_files(tmp_path) == []


# ---------------------------------------------------------------- single-file outputs
@pytest.mark.parametrize("command", [
    ["plot", "pillars"], ["report", "KEN"], ["whatif", "KEN", "--set", "Q5=yes"],
    ["gaps", "KEN"],
])
def test_single_file_outputs_under_a_regular_file_are_exit_2(tiny, tmp_path, command):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("mine")
    suffix = {"plot": ".png", "report": ".html"}.get(command[0], ".csv")
    target = blocker / f"out{suffix}"
    run = CliRunner().invoke(main, [*command, *args(tiny, target)[1:]])
    assert run.exit_code == 2, run.output
    assert "internal error" not in run.output
    assert "notes.txt" in run.output and ("file, not a folder" in run.output
                                         or "file is in the way" in run.output)
    assert blocker.read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "notes.txt"]


def test_a_single_file_on_a_full_disk_is_exit_2(tiny, tmpfs):
    fill_up(tmpfs, leave=0)
    target = tmpfs / "k.html"
    run = CliRunner().invoke(main, ["report", "KEN", *args(tiny, target)[1:]])
    assert run.exit_code == 2, run.output
    assert "disk full" in run.output and str(tmpfs) in run.output
    assert sorted(p.name for p in tmpfs.iterdir()) == ["filler.bin"]


@pytest.mark.parametrize("code,words", [
    (28, "disk full"), (30, "read-only"), (13, "permission denied"),
    (20, "a file, not a folder"), (36, "name is too long"),
])
def test_os_errors_are_named_in_words(code, words, tmp_path):
    import errno as errno_mod

    assert code == {28: errno_mod.ENOSPC, 30: errno_mod.EROFS, 13: errno_mod.EACCES,
                    20: errno_mod.ENOTDIR, 36: errno_mod.ENAMETOOLONG}[code]
    err = transaction.os_error(OSError(code, os.strerror(code)), tmp_path / "results")
    assert isinstance(err, OutputError) and words in str(err)
    assert str(err).startswith(str(tmp_path / "results") + ": cannot write it")
    assert words in transaction.describe_os_error(OSError(code, "x", "/some/file"))
