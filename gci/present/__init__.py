"""Stage 4 — present: everything a person reads.

Result folders and manifests (:mod:`~gci.present.output`), the Excel workbook
(:mod:`~gci.present.workbook`), the country profile page (:mod:`~gci.present.report_html`), the
audit page (:mod:`~gci.present.audit_report`), the offline questionnaire
(:mod:`~gci.present.questionnaire`), answer templates for member states
(:mod:`~gci.present.template`) and the plots (:mod:`gci.present.plots`).
"""

from .._short_names import submodules_on_first_use

__getattr__ = submodules_on_first_use(__name__)
