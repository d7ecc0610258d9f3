"""Stage 4 — present: everything a person reads.

Result folders and manifests (:mod:`~gci.present.output`), the Excel workbook
(:mod:`~gci.present.workbook`), the country profile page (:mod:`~gci.present.report_html`), the
audit page (:mod:`~gci.present.audit_report`), the offline questionnaire
(:mod:`~gci.present.questionnaire`), answer templates for member states
(:mod:`~gci.present.template`) and the plots (:mod:`gci.present.plots`).
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
