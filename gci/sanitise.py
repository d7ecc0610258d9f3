r"""One sanitising path for user text on its way out: plots, workbook cells, HTML and JSON.

User text (country, pillar, question and region names; evidence) is checked where it comes
in: :func:`gci.inputs.responses.read_table` and the YAML/JSON responses reader refuse control
characters and lone surrogates with the file and line (:func:`gci.inputs.responses.bad_text`), so a
file never smuggles them in. Text can still arrive by other ways (a framework or a
``Responses`` built in Python, a file name on the command line), so every writer passes user
text through this module as defence in depth:

=================  ==========================================================================
:func:`for_plot`   matplotlib text: ``$`` escaped (no mathtext: ``$x$`` shows as ``$x$``),
                   control characters dropped, lone surrogates shown as U+FFFD
:func:`for_cell`   a spreadsheet/CSV/JSON table cell: control characters that XLSX cannot hold
                   shown as ``\x07`` (visible, never silently dropped), lone surrogates as
                   U+FFFD, formula-like text prefixed with ``'`` (formula injection)
:func:`for_html`   HTML text: control characters and lone surrogates shown as U+FFFD, escaped
:func:`for_json`   any JSON-able object: lone surrogates in strings (and keys) as U+FFFD
=================  ==========================================================================
"""

from __future__ import annotations

import html
import re
from typing import Any

#: Text cells that a spreadsheet would run as a formula start with one of these.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
REPLACEMENT = "\ufffd"

_SURROGATE = re.compile("[\ud800-\udfff]")
# control characters other than tab, line feed and carriage return (XLSX cannot hold them)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(value: Any) -> str:
    return _SURROGATE.sub(REPLACEMENT, value if isinstance(value, str) else str(value))


def for_plot(text: Any) -> str:
    r"""Text for a matplotlib label, title or legend that is drawn literally.

    ``$`` is escaped as ``\$`` (matplotlib draws it as ``$``), so ``$x$`` is never parsed as
    mathtext; control characters (no glyph) are dropped; lone surrogates become U+FFFD.
    Line breaks are kept.
    """
    out = _CONTROL.sub("", _text(text))
    return out.replace("\t", " ").replace("$", r"\$")


def for_cell(value: Any) -> Any:
    r"""A table cell for XLSX (openpyxl), CSV or JSON; non-text values pass unchanged.

    Control characters that a workbook cannot hold are written visibly as ``\xNN``; lone
    surrogates become U+FFFD; text a spreadsheet would read as a formula is prefixed with
    ``'`` so it opens as text.
    """
    if not isinstance(value, str):
        return value
    out = _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", _text(value))
    if out.startswith(FORMULA_START):
        return "'" + out
    return out


def for_html(text: Any, *, quote: bool = True) -> str:
    """Escaped HTML text; control characters and lone surrogates shown as U+FFFD."""
    return html.escape(_CONTROL.sub(REPLACEMENT, _text(text)), quote=quote)


def for_json(obj: Any) -> Any:
    """A copy of a JSON-able object whose strings (values and keys) hold no lone surrogate."""
    if isinstance(obj, str):
        return _SURROGATE.sub(REPLACEMENT, obj)
    if isinstance(obj, dict):
        return {for_json(k): for_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [for_json(v) for v in obj]
    return obj
