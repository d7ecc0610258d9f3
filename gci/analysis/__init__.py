"""Stage 3 — analysis: questions asked of a scoring run.

What-if answers (:mod:`~gci.analysis.whatif`), a country's gaps (:mod:`~gci.analysis.gaps`),
editions compared with each other or with ITU's results (:mod:`~gci.analysis.editions`), Monte
Carlo uncertainty (:mod:`~gci.analysis.uncertainty`), Sobol' sensitivity
(:mod:`~gci.analysis.sensitivity`), the JRC-style statistical audit (:mod:`~gci.analysis.audit`)
and the synthetic demo responses calibrated to GCI 2024 (:mod:`~gci.analysis.demo`).
"""

from typing import Any


def __getattr__(name: str) -> Any:
    """A submodule on first use (``gci.present.plots`` after a plain ``import gci``; PEP 562)."""
    import importlib

    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{name}":
            raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
