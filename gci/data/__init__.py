"""Reference data shipped with gci (see REFERENCE_PROVENANCE.md)."""
