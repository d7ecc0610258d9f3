"""Build step that ships the default edition inside the package (metadata lives in setup.cfg).

The top-level ``indicators.yaml``, ``weights.yaml`` and ``responses/*.yaml`` of the checkout are
the one source of the default edition. ``build_py`` copies them, byte for byte, into
``gci/_default/`` of the built package (never into the source tree), so that ``pip install .``
(or a wheel) can run ``gci score`` from any folder; ``gci.engine.scoring.shipped_root`` finds them
there when gci is not run from a checkout. ``tests/test_install.py`` builds the wheel and checks
its copies against the checkout's files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
#: The default edition's files, relative to the checkout (and to ``gci/_default`` when built).
DEFAULT_FILES = ["indicators.yaml", "weights.yaml"]
DEFAULT_FOLDERS = {"responses": "*.yaml"}
TARGET = Path("gci") / "_default"


def default_edition_files() -> list[Path]:
    """Every file of the default edition, relative to the checkout, in a stable order."""
    files = [Path(name) for name in DEFAULT_FILES]
    for folder, pattern in DEFAULT_FOLDERS.items():
        found = sorted(p.relative_to(HERE) for p in (HERE / folder).glob(pattern))
        if not found:
            raise SystemExit(f"setup.py: no {pattern} in {HERE / folder}: the default edition "
                             "cannot be shipped")
        files += found
    for rel in files:
        if not (HERE / rel).is_file():
            raise SystemExit(f"setup.py: {HERE / rel} is missing: the default edition cannot "
                             "be shipped")
    return files


class BuildWithDefaultEdition(build_py):
    """``build_py`` that also copies the default edition into ``gci/_default/``."""

    def run(self) -> None:  # noqa: D102
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself (shipped_root)
        for rel in default_edition_files():
            target = Path(self.build_lib) / TARGET / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(HERE / rel, target)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:  # noqa: D102
        outputs = super().get_outputs(include_bytecode)
        if getattr(self, "editable_mode", False):
            return outputs
        return outputs + [str(Path(self.build_lib) / TARGET / rel)
                          for rel in default_edition_files()]


setup(cmdclass={"build_py": BuildWithDefaultEdition})
