"""Multi-file outputs as one transaction: an output folder is replaced as a whole, under a lock.

This module owns how gci writes a *set* of files (``gci score -o DIR``: the tables and
``manifest.json``). Single files (plots, HTML profile, workbook, one table) are written with
:func:`gci.fileio.atomic_write` instead.

Guarantee
---------
At every instant ``DIR`` holds either the complete previous set or the complete new set, never a
mix, whatever stops the run (Ctrl-C, SIGKILL, a full disk, a power cut after the data reached the
disk):

1. the whole new set is written into a fresh staging folder beside ``DIR`` (same file system),
   every file flushed to disk, ``manifest.json`` last;
2. the staging folder and ``DIR`` are swapped in one step with Linux ``renameat2(RENAME_EXCHANGE)``
   (through ctypes); then the previous set (now in the staging folder) is removed;
3. where that call is missing (other systems, some file systems) the fallback is two renames:
   ``DIR`` → ``.DIR.gci-*.prev``, staging → ``DIR``, then the ``.prev`` folder is removed. A run
   stopped between the two renames leaves ``DIR`` absent and the complete previous set in
   ``.prev``; the next run (or :func:`recover`) puts it back before anything else.

The previous set is replaced as a whole: files of an earlier run in another ``--format`` do not
survive. Content gci did not write (anything not listed in the previous ``manifest.json``: your
notes, ``gci report`` pages, a nested ``gci score -o DIR/sub`` folder) is carried over into the new
set: hard-linked (copied where links are impossible) into the staging folder, so that it exists
in the old set until the switch and in the new set after it — it is never lost. A foreign file
whose name the new set needs (e.g. your own ``scores.csv`` in a folder gci did not write) is
refused, naming it.

A lock file ``.DIR.gci-*.lock`` beside ``DIR`` (created with ``O_EXCL``; holds pid, host and
start time) refuses a second writer of the same folder. A lock left by a killed run is reported as
stale (its process is gone) and is broken only on request (``break_lock=True``, ``gci score
--break-lock``) or by deleting the file.

Refused outright (exit 2, nothing changed): ``DIR`` is the current folder or contains it, ``DIR``
is a mount point, a file is in the way. Operating-system errors (disk full, read-only file
system, permission denied, a path under a regular file, a name too long) become
:class:`gci.errors.OutputError` naming ``DIR`` and the cause; the staging folder and the lock are
removed and ``DIR`` is left as it was.

Test-only hooks (environment, used by ``tests/test_output_transactions.py``; never set them
otherwise): ``GCI_TEST_PAUSE=STAGE:FLAGFILE`` makes the writer print ``gci-test: paused at STAGE``
to stderr and wait while ``FLAGFILE`` exists (at most 60 s); stages are each file name once it is
staged, ``switch`` (all staged) and ``prev`` (fallback, between the two renames).
``GCI_TEST_NO_EXCHANGE=1`` forces the two-rename fallback.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import os
import shutil
import signal
import socket
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .errors import OutputError

MANIFEST = "manifest.json"

_CAUSES = {
    errno.ENOSPC: "no space left on the device (disk full)",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.ENAMETOOLONG: "a file name is too long",
    errno.EEXIST: "a file is in the way",
    errno.EBUSY: "the folder is busy (a mount point, or open elsewhere)",
    errno.EXDEV: "the folder is on another file system than its parent",
    errno.EIO: "input/output error (a failing disk?)",
}


def os_error(exc: OSError, path: str | os.PathLike, what: str = "write") -> OutputError:
    """An :class:`OutputError` naming ``path`` and the cause of an operating-system error."""
    cause = _CAUSES.get(exc.errno or 0, exc.strerror or str(exc))
    return OutputError(f"cannot {what} it: {cause}; the previous contents (if any) are intact "
                       "and no temporary file was left", path)


def describe_os_error(exc: OSError) -> str:
    """``path: cause`` of an operating-system error, in words (for the command line)."""
    cause = _CAUSES.get(exc.errno or 0, exc.strerror or str(exc))
    where = exc.filename if exc.filename is not None else "a file"
    return f"{where}: {cause} (nothing was left half-written)"


def _aux(folder: Path, kind: str) -> Path:
    """Auxiliary path beside ``folder`` (lock, prev, new-*), short whatever the folder name."""
    h = hashlib.sha1(folder.name.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return folder.parent / f".{folder.name[:40]}.gci-{h}.{kind}"


def lock_path(folder: str | os.PathLike) -> Path:
    """The lock file of an output folder."""
    return _aux(Path(folder).absolute(), "lock")


# ------------------------------------------------------------------------------------- lock
def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def read_lock(path: Path) -> dict:
    """What a lock file says (pid, host, started), ``{}`` when unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


@contextlib.contextmanager
def folder_lock(folder: Path, *, break_lock: bool = False) -> Iterator[Path]:
    """Hold the lock of ``folder`` (see the module notes) for the body of the ``with``."""
    path = _aux(folder, "lock")
    info = {"pid": os.getpid(), "host": socket.gethostname(),
            "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "folder": str(folder)}
    for attempt in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            break
        except FileExistsError:
            held = read_lock(path)
            pid, host = held.get("pid"), held.get("host")
            stale = (isinstance(pid, int) and host == info["host"] and not _pid_alive(pid))
            if not held:  # unreadable: killed between creating and filling it (if not new)
                with contextlib.suppress(OSError):
                    stale = time.time() - path.stat().st_mtime > 10
            if stale and break_lock and attempt == 0:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(path)
                continue
            who = (f"gci process {pid} on {host}, started {held.get('started', '?')}"
                   if pid else "an unknown process")
            if stale:
                raise OutputError(
                    f"a stale lock {path} was left by {who}, which is no longer running (killed?)."
                    " Make sure no gci is writing this folder, then delete the lock file or rerun "
                    "with --break-lock", folder) from None
            raise OutputError(
                f"another gci is writing this folder ({who}; lock {path}); wait for it to finish "
                "or choose another --output (if that process no longer runs, delete the lock "
                "file)", folder) from None
        except OSError as exc:
            raise os_error(exc, folder) from None
    try:
        try:
            os.write(fd, (json.dumps(info) + "\n").encode())
        except OSError as exc:
            os.close(fd)
            fd = -1
            with contextlib.suppress(OSError):
                os.unlink(path)
            raise os_error(exc, folder) from None
        finally:
            if fd >= 0:
                os.close(fd)
        yield path
    finally:
        with contextlib.suppress(OSError):
            if read_lock(path).get("pid") == info["pid"]:
                os.unlink(path)


# ------------------------------------------------------------------------------ test hooks
def _test_pause(stage: str) -> None:
    """Test-only: wait at ``stage`` while a flag file exists (see the module notes)."""
    spec = os.environ.get("GCI_TEST_PAUSE")
    if not spec:
        return
    want, _, flag = spec.partition(":")
    if want != stage:
        return
    sys.stderr.write(f"gci-test: paused at {stage}\n")
    sys.stderr.flush()
    deadline = time.monotonic() + 60
    while flag and os.path.exists(flag) and time.monotonic() < deadline:
        time.sleep(0.02)


# ----------------------------------------------------------------------------- the switch
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); ``False`` when unsupported here."""
    if os.environ.get("GCI_TEST_NO_EXCHANGE") or not sys.platform.startswith("linux"):
        return False
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                   ctypes.c_uint]
    fn.restype = ctypes.c_int
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def recover(folder: str | os.PathLike) -> str | None:
    """Finish or undo a switch that a killed run left half done; remove its staging folders.

    Call it holding the folder's lock. Returns what was done (for messages), or ``None``.
    """
    folder = Path(folder).absolute()
    prev = _aux(folder, "prev")
    done = None
    if prev.is_dir():
        if not folder.exists():
            os.rename(prev, folder)  # stopped between the two renames: put the old set back
            done = f"restored the previous contents of {folder} from an interrupted run"
        else:
            shutil.rmtree(prev)  # the switch had completed; only the clean-up was missed
    stem = _aux(folder, "new-").name
    with contextlib.suppress(OSError):
        for entry in folder.parent.iterdir():
            if entry.name.startswith(stem) and entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
    return done


def _link_or_copy(src: str, dst: str) -> str:
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        shutil.copy2(src, dst, follow_symlinks=False)
    return dst


def _carry(src: Path, dst: Path) -> None:
    """Put foreign ``src`` at ``dst`` without touching ``src`` (hard links, else copies)."""
    if src.is_symlink():
        os.symlink(os.readlink(src), dst)
    elif src.is_dir():
        shutil.copytree(src, dst, symlinks=True, copy_function=_link_or_copy)
    elif src.is_file():
        _link_or_copy(str(src), str(dst))
    else:
        raise OutputError(f"{src.name} in the output folder is not a file or folder (a pipe or "
                          "device?); move it away", src.parent)


def _rescue(old: Path, new: Path, previous: set[str]) -> list[str]:
    """Move into ``new`` what appeared in ``old`` after the carry-over.

    A file saved into the folder during the write is thereby kept: removing the previous set
    never removes foreign content.
    """
    rescued = []
    for entry in old.iterdir():
        dest = new / entry.name
        if entry.name in previous or dest.exists() or dest.is_symlink():
            continue
        os.rename(entry, dest)
        rescued.append(entry.name)
    return rescued


def previous_outputs(folder: Path) -> set[str] | None:
    """Names gci wrote in ``folder`` by its ``manifest.json``; ``None`` when there is none."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or "gci_version" not in data \
            or not isinstance(data.get("outputs"), dict):
        return None
    return {str(k) for k in data["outputs"]} | {MANIFEST}


@dataclass
class FolderWrite:
    """What :func:`write_folder` did.

    ``files``: name → final path; ``kept``: foreign entries carried over; ``recovered``: a note
    when an interrupted earlier run was repaired.
    """

    files: dict[str, Path] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)
    recovered: str | None = None


def _default_dir_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


@contextlib.contextmanager
def _sigterm_as_exit() -> Iterator[None]:
    """Turn SIGTERM into SystemExit during the write, so that clean-up runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    try:
        old = signal.signal(signal.SIGTERM, handler)
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def _check_target(shown: Path) -> Path:
    """The absolute folder to replace; refuses what cannot be replaced as a whole."""
    target = Path(os.path.realpath(shown)) if shown.is_symlink() else shown.absolute()
    cwd = Path.cwd().resolve()
    real = target.resolve()
    if real == cwd or real in cwd.parents:
        raise OutputError("it is the current folder (or contains it), which gci cannot replace "
                          "as a whole; choose a sub-folder such as results", shown)
    if target.exists() and not target.is_dir():
        raise OutputError("exists and is a file, not a folder; choose another --output", shown)
    if target.is_dir() and os.path.ismount(target):
        raise OutputError("is a mount point, which gci cannot replace as a whole; write into a "
                          "folder inside it", shown)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"cannot create it: {target.parent} exists and is a file, not a "
                          "folder", shown) from None
    return target


def write_folder(folder: str | os.PathLike,
                 fill: Callable[[Path, Callable[[str], None]], dict[str, str]], *,
                 break_lock: bool = False,
                 owned: Callable[[Path], bool] | None = None) -> FolderWrite:
    """Write a set of files as one transaction into ``folder`` (see the module notes).

    Parameters
    ----------
    folder : path
        The output folder (created with its parents if needed).
    fill : callable
        ``fill(staging, staged)`` writes every file of the new set into the ``staging`` folder
        (``manifest.json`` last) and returns name → file name of each; it calls ``staged(name)``
        after each file (the test pause points).
    break_lock : bool
        Break a stale lock (its process is gone); a live writer is always refused.
    owned : callable, optional
        ``owned(path)`` says whether an entry of the existing folder was written by gci and may
        be replaced, besides those its ``manifest.json`` lists (for sets without a manifest,
        e.g. the synthetic demo responses).

    Returns
    -------
    FolderWrite

    Raises
    ------
    OutputError
        Another writer holds the lock; the folder is the current folder or a mount point; a
        foreign file has the name of a new output; any operating-system error (named cause).
    """
    shown = Path(folder)
    try:
        target = _check_target(shown)
    except OSError as exc:
        raise os_error(exc, shown, "create") from None
    out = FolderWrite()
    with _sigterm_as_exit(), folder_lock(target, break_lock=break_lock):
        staging: Path | None = None
        try:
            out.recovered = recover(target)
            staging = Path(tempfile.mkdtemp(prefix=_aux(target, "new-").name,
                                            dir=target.parent))
            mode = (stat.S_IMODE(target.stat().st_mode) if target.is_dir()
                    else _default_dir_mode())
            os.chmod(staging, mode)
            names = fill(staging, _test_pause)
            previous: set[str] = set()
            if target.is_dir():
                mine = previous_outputs(target) or set()
                entries = list(target.iterdir())
                previous = {e.name for e in entries
                            if e.name in mine or (owned is not None and owned(e))}
                foreign = sorted(e.name for e in entries if e.name not in previous)
                clash = [n for n in foreign if n in names.values()]
                if clash:
                    raise OutputError(
                        f"holds {', '.join(clash)}, which gci did not write (no earlier "
                        "manifest.json lists it) and would replace; move it away or choose "
                        "another --output", shown)
                for name in foreign:
                    _carry(target / name, staging / name)
                out.kept = foreign
            _fsync_dir(staging)
            _test_pause("switch")
            if not target.exists():
                os.rename(staging, target)
            elif _exchange(staging, target):
                out.kept += _rescue(staging, target, previous)
                shutil.rmtree(staging, ignore_errors=True)
            else:
                prev = _aux(target, "prev")
                os.rename(target, prev)
                try:
                    _test_pause("prev")
                    os.rename(staging, target)
                except BaseException:
                    if not target.exists():
                        os.rename(prev, target)  # put the previous set back at once
                    raise
                out.kept += _rescue(prev, target, previous)
                shutil.rmtree(prev, ignore_errors=True)
            staging = None
            _fsync_dir(target.parent)
        except OSError as exc:
            raise os_error(exc, shown) from None
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
    out.files = {key: shown / name for key, name in names.items()}
    return out
