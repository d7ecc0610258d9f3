"""The package installs anywhere: a real sdist -> wheel -> venv -> `gci score` outside the checkout.

The checkout's sources are copied to a temporary folder (a build writes ``build/`` and
``*.egg-info`` beside its sources; the checkout is never touched), an sdist is built from the
copy (which checks MANIFEST.in), a wheel from the sdist (which checks setup.py's build step), and
the wheel is installed with ``pip --no-deps --no-index`` into a fresh venv that sees this
environment's numpy/pandas (nothing is downloaded for it). The wheel's default edition must equal
the checkout's ``indicators.yaml``, ``weights.yaml`` and ``responses/`` byte for byte, and
``gci score`` run by the installed entry point in an empty folder must reproduce the committed
``results/``. Budget: about 15 s (the build fetches setuptools and wheel like
``pip install .``; pip's cache makes that fast).
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT

SOURCES = ["setup.py", "setup.cfg", "pyproject.toml", "MANIFEST.in", "README.md", "LICENSE",
           "indicators.yaml", "weights.yaml", "gci", "responses"]
BIN = "Scripts" if os.name == "nt" else "bin"


def _edition() -> list[str]:
    """The default edition's files, relative to the checkout (the one source)."""
    return ["indicators.yaml", "weights.yaml",
            *sorted(f"responses/{p.name}" for p in (ROOT / "responses").glob("*.yaml"))]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV")}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", PYTHONNOUSERSITE="1")
    return env


def _run(args: list, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=_env(), capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """Build an sdist from a copy of the checkout, then a wheel from the sdist."""
    work = tmp_path_factory.mktemp("install")
    src = work / "src"
    src.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "_default"))
        else:
            shutil.copyfile(ROOT / name, src / name)
    sdist = _run([sys.executable, "-c",
                  "from setuptools import build_meta as b; print(b.build_sdist('dist'))"], src)
    assert sdist.returncode == 0, sdist.stdout + sdist.stderr
    sdist_path = src / "dist" / sdist.stdout.strip().splitlines()[-1]
    # as `pip install .` does: pip fetches the build tools of pyproject.toml (setuptools, wheel)
    # into an isolated build environment (from its cache when it has them)
    wheel = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", work / "dist",
                  sdist_path], work)
    if wheel.returncode != 0 and any(
            s in wheel.stdout + wheel.stderr for s in ("NewConnectionError", "Could not find a "
                                                       "version", "No matching distribution")):
        pytest.skip("pip cannot fetch the build tools (setuptools, wheel) from the package index")
    assert wheel.returncode == 0, wheel.stdout + wheel.stderr
    (wheel_path,) = (work / "dist").glob("gci-*.whl")
    return {"work": work, "sdist": sdist_path, "wheel": wheel_path}


def test_sdist_carries_the_default_edition(built):
    with tarfile.open(built["sdist"]) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert set(_edition()) <= names
    assert "setup.py" in names and not any(n.startswith("gci/_default") for n in names)


def test_wheel_ships_the_default_edition_byte_for_byte(built):
    with zipfile.ZipFile(built["wheel"]) as whl:
        shipped = sorted(n[len("gci/_default/"):] for n in whl.namelist()
                         if n.startswith("gci/_default/"))
        assert shipped == sorted(_edition())  # every file, nothing stale or extra
        for rel in shipped:
            assert whl.read(f"gci/_default/{rel}") == (ROOT / rel).read_bytes(), rel
        names = whl.namelist()
    assert "gci/data/gci2024_published_pillars.csv" in names
    assert not any(n.startswith(("tests/", "results/", "responses/")) for n in names)


@pytest.fixture(scope="module")
def venv(built) -> Path:
    """A fresh venv with the wheel installed (--no-deps: numpy etc. come from this Python)."""
    env_dir = built["work"] / "venv"
    made = _run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip",
                 env_dir], built["work"])
    assert made.returncode == 0, made.stderr
    if sys.prefix != sys.base_prefix:
        # this Python is itself a venv: --system-site-packages would see the base Python, not
        # this environment's packages; point the new venv at them (their .pth files, e.g. an
        # editable gci, are not processed from a plain path entry)
        python = _run([env_dir / BIN / "python", "-c",
                       "import sysconfig; print(sysconfig.get_paths()['purelib'])"], env_dir)
        purelib = Path(python.stdout.strip())
        (purelib / "outer-site-packages.pth").write_text(
            "\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    pip = _run([env_dir / BIN / "python", "-m", "pip", "install", "--no-deps", "--no-index",
                "--ignore-installed", "-q", built["wheel"]], built["work"])
    assert pip.returncode == 0, pip.stdout + pip.stderr
    return env_dir


def test_installed_gci_scores_from_any_folder(venv, tmp_path):
    where = _run([venv / BIN / "python", "-c", "import gci, gci.inputs.project; "
                  "print(gci.__file__); "
                  "print(gci.inputs.project.shipped_root())"], tmp_path)
    assert where.returncode == 0, where.stderr
    module, root = where.stdout.split()
    assert Path(module).is_relative_to(venv)  # the installed copy, not the checkout
    assert Path(root) == Path(module).parent / "_default"
    run = _run([venv / BIN / "gci", "score"], tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Scored 194 countries" in run.stdout
    for name in ("scores.csv", "indicators.csv", "effective_weights.csv", "validation.csv"):
        got = pd.read_csv(tmp_path / "results" / name)
        if "file" in got:  # warnings name the installed file; the committed run, the checkout's
            assert got["file"].str.startswith(root + os.sep).all()
            got["file"] = got["file"].str.slice(len(root) + 1)
        pd.testing.assert_frame_equal(got, pd.read_csv(ROOT / "results" / name),
                                      check_exact=False, rtol=1e-12)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]


def test_installed_gci_init_then_score(venv, tmp_path):
    init = _run([venv / BIN / "gci", "init", "mine"], tmp_path)
    assert init.returncode == 0, init.stdout + init.stderr
    assert (tmp_path / "mine" / "indicators.yaml").read_bytes() == \
        (ROOT / "indicators.yaml").read_bytes()
    run = _run([venv / BIN / "gci", "score", "-q"], tmp_path / "mine")
    assert run.returncode == 0, run.stdout + run.stderr
    scores = pd.read_csv(tmp_path / "mine" / "results" / "scores.csv")
    assert scores["iso3"].tolist() == ["KEN"]
    again = _run([venv / BIN / "gci", "init", "mine"], tmp_path)
    assert again.returncode == 2 and "is not empty" in again.stderr
