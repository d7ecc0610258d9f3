"""Shared fixtures: the tiny hand-checkable framework and the shipped default data."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "data" / "tiny"


@pytest.fixture(scope="session", autouse=True)
def _session_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The parsed-responses cache (gci.inputs.cache) of the whole run lives in a session folder:
    the suite never writes to the user's ~/.cache (subprocesses inherit the variable)."""
    os.environ["GCI_CACHE_DIR"] = str(tmp_path_factory.mktemp("gci-cache"))
    os.environ.pop("GCI_NO_CACHE", None)


@pytest.fixture
def tiny_paths() -> dict[str, Path]:
    return {"framework": TINY / "indicators.yaml", "weights": TINY / "weights.yaml",
            "responses": TINY / "responses"}


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def default_result():
    import gci

    return gci.score(ROOT / "responses", ROOT / "indicators.yaml", ROOT / "weights.yaml")


def write(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` (creating folders) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
