"""Where a project's inputs are, and starting a project of one's own (``gci init DIR``).

This module owns the default-input rule (:func:`fill_defaults`: each of ``indicators.yaml``,
``weights.yaml`` and ``responses/`` from the current folder, else from the shipped default
edition) and the layout of a new gci project folder: the shipped default framework and
weights (editable copies), a ``responses/`` folder with one example country, and a README stub.
``gci score`` run inside the folder scores it at once (the file-by-file default rule of
:func:`fill_defaults` finds all three inputs there). Nothing is ever overwritten: a
folder that exists and is not empty is refused, and the project appears in one rename (a run cut
short leaves no half-made project).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from .._version import __version__
from ..errors import GCIError

#: The country whose (synthetic) demo answers are copied as the example response file.
EXAMPLE_COUNTRY = "KEN"

_README = """\
# {name}: a gci project

Made by `gci init` (gci {version}) from gci's shipped default edition. Run every `gci` command
from this folder: each of `indicators.yaml`, `weights.yaml` and `responses/` is read from here.

* `indicators.yaml`: the framework (pillars, indicators, questions, how each answer is
  credited). Edit, add or remove questions. It is the gci project's own wording of the public
  GCI 2020/2024 structure, not ITU's questionnaire.
* `weights.yaml`: the weight schemes (the `default:` one is used unless `--scheme NAME`); the
  gci project's own schemes, not ITU's weights.
* `responses/{example}.yaml`: one example country's answers. They are **SYNTHETIC** (gci's
  demo data, seed 2024), not real answers: replace them, and add one file per country.

Start:

```bash
gci validate          # every problem in the framework, weights and answers
gci score             # scores, tiers and ranks -> results/
gci template FRA -o responses/FRA.yaml --blank   # a blank answer file for another country
```

`gci score` writes `results/` only with every input and option at its default; when you try
another choice (`--scheme`, `--missing`, `--responses`, ...) name the output folder with `-o`.
"""


def _refuse_existing(target: Path) -> None:
    """Raise when ``target`` is a file, or a folder that is not empty (nothing is overwritten)."""
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise GCIError(f"{target} exists and is not a folder: gci init makes a new folder; "
                       "choose another name")
    if target.is_dir():
        entries = sorted(os.listdir(target))
        if entries:
            shown = ", ".join(entries[:5]) + (f" and {len(entries) - 5} more"
                                              if len(entries) > 5 else "")
            raise GCIError(f"{target} is not empty ({shown}): gci init never overwrites "
                           "anything; choose a new or empty folder")


def init_project(directory: str | os.PathLike) -> list[Path]:
    """Write a new gci project into ``directory`` (new, or an empty folder).

    Parameters
    ----------
    directory : path
        The project folder. Created (with its parents) when missing; refused when it exists
        and is not an empty folder.

    Returns
    -------
    list of Path
        The files written, inside ``directory``.

    Raises
    ------
    GCIError
        ``directory`` exists and is not empty (or is a file), or the shipped default edition
        cannot be found.
    """
    target = Path(directory)
    _refuse_existing(target)
    source = shipped_root()
    example = (source / "responses" / f"{EXAMPLE_COUNTRY}.yaml") if source else None
    if example is None or not example.is_file():
        raise GCIError("cannot find gci's shipped default edition (indicators.yaml, weights.yaml, "
                       "responses/): reinstall gci")
    files = {"indicators.yaml": (source / "indicators.yaml").read_bytes(),
             "weights.yaml": (source / "weights.yaml").read_bytes(),
             f"responses/{EXAMPLE_COUNTRY}.yaml": example.read_bytes(),
             "README.md": _README.format(name=target.resolve().name, version=__version__,
                                         example=EXAMPLE_COUNTRY).encode("utf-8")}
    parent = target.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.gci-init-", dir=parent))
    try:
        os.chmod(staging, 0o777 & ~_umask())
        for rel, data in files.items():
            path = staging / rel
            path.parent.mkdir(exist_ok=True)
            with open(path, "xb") as fh:
                fh.write(data)
        try:
            # POSIX: replaces only a missing or EMPTY folder; a file that appeared meanwhile
            # makes it fail (ENOTEMPTY/EEXIST) instead of being overwritten
            os.rename(staging, target)
        except OSError as exc:
            if exc.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR, errno.EISDIR):
                _refuse_existing(target)
            if not target.is_dir():
                raise
            # an empty folder that cannot be renamed over (a mount point, another OS):
            # copy file by file, never replacing one that exists
            _copy_exclusive(staging, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(staging)
    return [target / rel for rel in files]


def _copy_exclusive(source: Path, target: Path) -> None:
    """Copy every file of ``source`` into ``target``; a file already there is an error."""
    for path in sorted(source.rglob("*")):
        dest = target / path.relative_to(source)
        if path.is_dir():
            dest.mkdir(exist_ok=True)
            continue
        try:
            with open(dest, "xb") as fh:
                fh.write(path.read_bytes())
        except FileExistsError:
            raise GCIError(f"{dest} appeared while gci init was writing {target}; it was not "
                           "overwritten") from None


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


#: Default input of each kind, looked up by name in the current folder, then in the shipped
#: default (:func:`shipped_root`: the checkout, else the copy installed with the package).
DEFAULT_NAMES = {"framework": "indicators.yaml", "weights": "weights.yaml",
                 "responses": "responses"}


def shipped_root() -> Path | None:
    """Folder of the shipped default edition, or ``None`` when there is none.

    The source checkout gci runs from (an editable install, or ``PYTHONPATH``): its top-level
    ``indicators.yaml``, ``weights.yaml`` and ``responses/`` are the one source of the default
    edition. Else the copy of those files built into the installed package (``gci/_default``,
    written by ``setup.py`` when the wheel is built; ``pip install .`` from anywhere).
    """
    package = Path(__file__).resolve().parent.parent  # gci/ (this file is gci/inputs/…)
    for base in (package.parent, package / "_default"):
        if (base / "indicators.yaml").is_file() and (base / "weights.yaml").is_file():
            return base
    return None


def project_root() -> Path | None:
    """Folder holding the default framework and weights, or ``None``.

    The current folder when it has both ``indicators.yaml`` and ``weights.yaml``, else the
    shipped default (:func:`shipped_root`).
    """
    here = Path(".")
    if (here / "indicators.yaml").is_file() and (here / "weights.yaml").is_file():
        return here
    return shipped_root()


def default_input(kind: str) -> Path | None:
    """The default input of one kind, resolved on its own (see :func:`fill_defaults`)."""
    here = Path(DEFAULT_NAMES[kind])
    if here.is_dir() if kind == "responses" else here.is_file():
        return here
    root = shipped_root()
    return root / DEFAULT_NAMES[kind] if root is not None else None


def default_paths() -> dict[str, Path]:
    """Paths of the default framework, weights and responses (see :func:`fill_defaults`).

    Raises
    ------
    GCIError
        When they cannot be found, or would mix a framework and weights from two places.
    """
    fw, w, resp = fill_defaults(None, None, None)
    return {"framework": Path(fw), "weights": Path(w), "responses": Path(resp)}


def fill_defaults(framework: Any, weights: Any, responses: Any, *,
                  need_weights: bool = True) -> tuple[Any, Any, Any]:
    """Replace each input left as ``None`` by its default, resolved file by file.

    ``need_weights=False`` (a command that reads no weights, such as ``gci template``): the
    weights are neither looked up nor paired with the framework, and ``None`` is returned for
    them.

    Rule: each of ``indicators.yaml``, ``weights.yaml`` and ``responses/`` is taken from the
    current folder when it is there, else from the shipped default (:func:`shipped_root`: the
    checkout gci runs from, else the copy installed with the package). A framework and weights
    from two different folders are used together only when both were named explicitly: e.g. a
    local ``indicators.yaml`` is never paired silently with the shipped ``weights.yaml``, and
    ``--framework other/fw.yaml`` alone is refused when the default weights are elsewhere.

    Raises
    ------
    GCIError
        A default cannot be found, or the framework and weights would come from different
        folders without both being named (the message says which and how to fix it).
    """
    given = {"framework": framework is not None, "weights": weights is not None}
    values = {"framework": framework, "weights": weights, "responses": responses}
    if not need_weights:
        del values["weights"]
    missing = []
    for kind, value in values.items():
        if value is None:
            values[kind] = default_input(kind)
            if values[kind] is None:
                missing.append(DEFAULT_NAMES[kind] + ("/" if kind == "responses" else ""))
    if missing:
        raise GCIError(f"cannot find the default {', '.join(missing)}: run gci from a folder "
                       "that has them, or pass --framework, --weights and --responses")
    if not need_weights:
        return values["framework"], None, values["responses"]
    fw, w = values["framework"], values["weights"]
    if not all(given.values()) and all(isinstance(x, (str, os.PathLike)) for x in (fw, w)):
        fw_dir, w_dir = Path(fw).resolve().parent, Path(w).resolve().parent
        if fw_dir != w_dir:
            if not any(given.values()):
                local = "indicators.yaml" if Path("indicators.yaml").is_file() else \
                    "weights.yaml"
                other = "weights.yaml" if local == "indicators.yaml" else "indicators.yaml"
                raise GCIError(
                    f"{local} is in the current folder but {other} is not: gci will not pair "
                    f"your {local} with the shipped {Path(fw if other == 'indicators.yaml' else w)}"
                    f"; add {other} here, or name both with --framework and --weights")
            named, dflt = ("framework", "weights") if given["framework"] else \
                ("weights", "framework")
            raise GCIError(
                f"--{named} {values[named]} was given but not --{dflt}, and the default "
                f"{DEFAULT_NAMES[dflt]} is in another folder ({values[dflt]}): a framework and "
                f"weights from different places are used together only when both are named; "
                f"pass --{dflt} too")
    return values["framework"], values["weights"], values["responses"]
