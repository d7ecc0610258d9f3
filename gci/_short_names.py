"""Short module names: ``gci.plots``, ``gci.whatif``, ``gci.scoring``, … for the stage modules.

gci's modules live in stage subpackages (``gci.inputs``, ``gci.engine``, ``gci.analysis``,
``gci.present``, ``gci.cli``; see ARCHITECTURE.md). The names they had before, and that the
documentation and notebooks use, stay valid: ``import gci.whatif`` or ``gci.plots.radar`` gives
the *same module object* as ``gci.analysis.whatif`` or ``gci.present.plots.radar`` (not a copy),
so attributes set on one are seen through the other. Nothing is imported until a short name is
used. :func:`submodules_on_first_use` gives the stage packages the same laziness
(``gci.present.plots`` after a plain ``import gci``).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Callable
from types import ModuleType

#: Short name (under ``gci.``) -> the module's place in the stage layout (under ``gci.``).
SHORT_NAMES: dict[str, str] = {
    # inputs
    "values": "inputs.values", "countries": "inputs.countries", "framework": "inputs.framework",
    "framework_table": "inputs.framework_table", "weights": "inputs.weights",
    "tiers": "inputs.tiers", "responses": "inputs.responses", "published": "inputs.published",
    "project": "inputs.project", "validate": "inputs.validate", "cache": "inputs.cache",
    # engine
    "aggregate": "engine.aggregate", "scoring": "engine.scoring", "ranking": "engine.ranking",
    "result": "engine.result", "impute": "engine.impute", "normalise": "engine.normalise",
    "score_table": "engine.score_table",
    # analysis
    "whatif": "analysis.whatif", "gaps": "analysis.gaps", "editions": "analysis.editions",
    "uncertainty": "analysis.uncertainty", "sensitivity": "analysis.sensitivity",
    "audit": "analysis.audit", "demo": "analysis.demo",
    # present
    "output": "present.output", "workbook": "present.workbook",
    "report_html": "present.report_html", "audit_report": "present.audit_report",
    "questionnaire": "present.questionnaire", "template": "present.template",
    "plots": "present.plots", "plots_audit": "present.plots.audit",
    "plots_uncertainty": "present.plots.uncertainty",
}


def target_of(fullname: str) -> str | None:
    """The stage-layout name of a short name: ``gci.plots.radar`` → ``gci.present.plots.radar``."""
    parts = fullname.split(".")
    if len(parts) < 2 or parts[0] != "gci":
        return None
    for k in range(len(parts) - 1, 0, -1):
        key = ".".join(parts[1:k + 1])
        if key in SHORT_NAMES:
            return ".".join(["gci", SHORT_NAMES[key], *parts[k + 1:]])
    return None


class _Alias(importlib.abc.Loader):
    """Loader that hands out the already imported stage module under its short name."""

    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = importlib.import_module(self.target)
        # Submodules the target already imported get their short names now: imported later
        # through this loader, Python would set each as an attribute of its package, over a
        # function of the same name (``gci.plots.radar`` the function, not the module).
        prefix = self.target + "."
        for name, sub in list(sys.modules.items()):
            if name.startswith(prefix):
                sys.modules.setdefault(spec.name + name[len(self.target):], sub)
        return module

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the stage module was executed when it was imported."""


class _ShortNameFinder(importlib.abc.MetaPathFinder):
    """Finds ``gci.<short name>[.<sub>]`` and aliases it to the stage module."""

    def find_spec(self, fullname: str, path: object = None,
                  target: object = None) -> importlib.machinery.ModuleSpec | None:
        real = target_of(fullname)
        if real is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, _Alias(real))


def install_short_names() -> None:
    """Put the short-name finder on ``sys.meta_path`` once (done by ``import gci``)."""
    if not any(isinstance(f, _ShortNameFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _ShortNameFinder())


def submodules_on_first_use(package: str) -> Callable[[str], ModuleType]:
    """A PEP 562 ``__getattr__`` for ``package``: its submodules are imported on first use.

    Each stage package sets ``__getattr__ = submodules_on_first_use(__name__)``; an unknown name
    is an ``AttributeError``, and an import error inside the submodule is raised as it is.
    """

    def __getattr__(name: str) -> ModuleType:
        try:
            return importlib.import_module(f"{package}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{package}.{name}":
                raise
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
