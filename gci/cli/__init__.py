"""Stage 5 — the ``gci`` command line: modules that parse arguments and call the library.

:mod:`gci.cli.app` defines the ``gci`` group and registers every command module in one place;
:mod:`gci.cli.options` holds the options commands share; each other module is one group of
commands with its ``COMMANDS`` list. Nothing outside this package imports it, and no command
module imports :mod:`gci.cli.app`.
"""

from __future__ import annotations

from typing import Any

from .._short_names import submodules_on_first_use

_submodule = submodules_on_first_use(__name__)


def __getattr__(name: str) -> Any:
    """``main`` (the click group) for ``from gci.cli import main``; submodules on first use."""
    if name == "main":
        from .app import main

        return main
    return _submodule(name)
