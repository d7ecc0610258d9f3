r"""The content-hash cache of parsed input files (invisible: same results, same messages).

Reading and typing 194 YAML response files is most of the time of ``gci score``. The outcome
of reading one file (its answer rows, the warnings it gave, the country it names) depends only
on the file's bytes, its name as given, the reading options and gci's own code, so gci keeps
it in a cache entry named by a sha256 over all of these:

* the **bytes** of the file are read and hashed on every run: an edited file (even one of the
  same size and modification time) has another key and is read again; nothing relies on
  modification times;
* gci's **code and data** (every ``.py`` file of gci, every ``gci/data`` file, the gci, PyYAML
  and Python versions) are hashed once per run into a *context*: a new or edited gci never
  reads entries written by another;
* only a file read **without an error** is stored; a file that raises an error is read again
  on every run, so error messages (with their line numbers) always come from the file itself;
* each entry holds the sha256 of its own content and its key: a corrupt, truncated or foreign
  entry is silently ignored and written again;
* several country files read together also get one entry for the **set**, named by the keys
  of all its files and holding what each gave (one entry read instead of one per file); any
  miss, damaged entry or unreadable file falls back to the files' own entries; the
  :data:`KEEP_SETS` most recently stored set entries are kept;
* entries are written to a temporary file and renamed into place; a cache folder that cannot
  be created or written only means no cache (gci works as without it). Entries hold answers:
  they are created readable by their owner only (folders 0700, files 0600).

Where: ``$GCI_CACHE_DIR`` when set, else ``$XDG_CACHE_HOME/gci`` (``~/.cache/gci``;
``%LOCALAPPDATA%\gci\cache`` on Windows, ``~/Library/Caches/gci`` on macOS). Clear it by
deleting that folder (:func:`clear`); disable it with ``GCI_NO_CACHE=1``. Entries of the three
most recently used gci builds are kept; older builds' entries are removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

#: Format of the entries (a new format is a new folder: old entries are never misread).
FORMAT = 2
#: Entries of this many gci builds (contexts) are kept per kind.
KEEP_CONTEXTS = 3
#: Entries of whole sets of files (see :func:`store`'s ``keep``) kept per gci build.
KEEP_SETS = 8
_MAGIC = b"gci-cache 1 "
_disabled_writes: set[str] = set()  # cache folders found not writable in this process


def enabled() -> bool:
    """Whether the cache is used (``GCI_NO_CACHE`` unset, empty or ``0``)."""
    return os.environ.get("GCI_NO_CACHE", "").strip() in ("", "0")


def cache_dir() -> Path:
    """The cache folder (``$GCI_CACHE_DIR``, else the platform's user cache folder + gci)."""
    given = os.environ.get("GCI_CACHE_DIR")
    if given:
        return Path(given).expanduser()
    if os.name == "nt":  # pragma: no cover - Windows
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "gci" / "cache"
    if sys.platform == "darwin":  # pragma: no cover - macOS
        return Path.home() / "Library" / "Caches" / "gci"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache") / "gci"


#: Kinds of entries gci keeps (one subfolder ``KIND-vFORMAT`` each).
KINDS = ("responses",)


def clear() -> None:
    """Delete gci's entries (rebuilt as needed): only gci's own subfolders of the cache folder.

    Nothing else in the folder is touched (``GCI_CACHE_DIR`` may name a folder that also holds
    other files); the folder itself is removed when that leaves it empty.
    """
    folder = cache_dir()
    for kind in KINDS:
        for sub in folder.glob(f"{kind}-v*"):
            shutil.rmtree(sub, ignore_errors=True)
    with contextlib.suppress(OSError):
        folder.rmdir()  # only when empty


@lru_cache(maxsize=1)
def context() -> str | None:
    """sha256 of gci's code and data and of the versions that shape parsing (None: unknown).

    Computed once per process (about 2 ms); when gci's files cannot be read the cache is off.
    """
    import yaml

    from .. import __version__
    from ..fileio import YAML_PARSER

    here = Path(__file__).resolve().parent.parent  # gci/ (this file is gci/inputs/cache.py)
    h = hashlib.sha256()
    h.update(f"{FORMAT}|{__version__}|{yaml.__version__}|{YAML_PARSER}|"
             f"{sys.version_info[0]}.{sys.version_info[1]}".encode())
    try:
        files = sorted(here.rglob("*.py")) + sorted(p for p in (here / "data").iterdir()
                                                    if p.is_file())
        for p in files:
            data = p.read_bytes()
            h.update(f"\0{p.relative_to(here).as_posix()}\0{len(data)}\0".encode())
            h.update(data)
    except OSError:
        return None
    return h.hexdigest()


def _folder(kind: str) -> Path | None:
    """The folder of this gci build's entries of ``kind`` (None when the cache is off)."""
    env = (kind, os.environ.get("GCI_CACHE_DIR"), os.environ.get("XDG_CACHE_HOME"),
           os.environ.get("HOME"))
    if env not in _folders:
        ctx = context()
        _folders[env] = None if ctx is None else cache_dir() / f"{kind}-v{FORMAT}" / ctx[:32]
    return _folders[env]


_folders: dict[tuple, Path | None] = {}


def key_of(name: str, options: str, data: bytes) -> str:
    """Key of the entry for ``data`` read as ``name`` with ``options`` (hex sha256)."""
    h = hashlib.sha256()
    h.update(f"{context()}\0{name}\0{options}\0{len(data)}\0".encode("utf-8",
                                                                       "surrogatepass"))
    h.update(data)
    return h.hexdigest()


def lookup(kind: str, key: str) -> Any:
    """The payload stored under ``key``, or None (no entry, cache off, or a bad entry)."""
    if not enabled():
        return None
    folder = _folder(kind)
    if folder is None:
        return None
    try:
        raw = (folder / f"{key}.json").read_bytes()
    except OSError:
        return None
    head, sep, body = raw.partition(b"\n")
    if not sep or not head.startswith(_MAGIC) \
            or head[len(_MAGIC):] != hashlib.sha256(body).hexdigest().encode():
        return None  # truncated, corrupt or not ours: read the file again
    try:
        entry = json.loads(body)
    except ValueError:
        return None
    if not isinstance(entry, dict) or entry.get("key") != key:
        return None
    return entry.get("data")


def store(kind: str, key: str, payload: Any, keep: str | None = None) -> None:
    """Store ``payload`` (plain JSON data) under ``key``; any failure is silent (no cache).

    ``keep``: a prefix of keys (``"set-"``) of which only the :data:`KEEP_SETS` most recently
    stored entries are kept (entries of whole sets of files are large and change with any
    file).
    """
    if not enabled():
        return
    folder = _folder(kind)
    if folder is None or str(folder) in _disabled_writes:
        return
    body = json.dumps({"key": key, "data": payload}, ensure_ascii=True,
                      separators=(",", ":")).encode()
    blob = _MAGIC + hashlib.sha256(body).hexdigest().encode() + b"\n" + body
    tmp: str | None = None
    try:
        if not folder.is_dir():
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            _prune(folder)
        # a name no other writer uses (process id and random bytes), created exclusively
        name = str(folder / f".{key[:16]}.{os.getpid()}.{os.urandom(6).hex()}.tmp")
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o600)
        tmp = name
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, folder / f"{key}.json")
        tmp = None
        if keep:
            _prune_prefix(folder, keep)
    except (OSError, ValueError):
        _disabled_writes.add(str(folder))
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _prune_prefix(folder: Path, prefix: str) -> None:
    """Remove all but the :data:`KEEP_SETS` newest entries whose keys start with ``prefix``."""
    try:
        found = sorted(((p.stat().st_mtime_ns, p) for p in folder.glob(f"{prefix}*.json")),
                       reverse=True)
    except OSError:
        return
    for _, old in found[KEEP_SETS:]:
        with contextlib.suppress(OSError):
            old.unlink()


def _prune(folder: Path) -> None:
    """Remove the entries of all but the :data:`KEEP_CONTEXTS` most recent gci builds."""
    try:
        others = sorted((p for p in folder.parent.iterdir() if p.is_dir() and p != folder),
                        key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    for old in others[KEEP_CONTEXTS - 1:]:
        shutil.rmtree(old, ignore_errors=True)
