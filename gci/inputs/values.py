"""Typed values from outside: where text a user wrote becomes a number, an answer or a name.

Every reader of gci (YAML, JSON, CSV, XLSX, framework tables, weights, score tables, command-line
values) hands the raw value to a function of this module, which either returns the typed value
or raises :class:`BadValue`. The message of a :class:`BadValue` says what was given, what was
expected and how to write it; the caller adds the file, line or row, country and question.

The rules are strict on purpose: a value that *could* be read in two ways is refused, never
guessed. In particular

* ``3,5`` is refused (is it 3.5 or 35?) unless the decimal comma is asked for
  (``decimal=","``), and then ``3.5`` is refused;
* ``1 000``, ``1_000``, ``1'000`` (thousands separators), ``50%``, ``inf``, ``nan``, ``0x10``,
  ``1:20``, ``2024-01-05`` and digits other than ASCII 0-9 are refused;
* ``010`` is ten (decimal), never eight.

Pure functions, no pandas; :func:`number_map` types the distinct values of a column once.
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

#: Decimal marks gci understands (``--decimal``).
DECIMAL_MARKS = (".", ",")
#: Decimal mark used by readers called with ``decimal=None`` (set for one command by the CLI's
#: ``--decimal`` option through :func:`decimal_mark`; "." otherwise).
_DECIMAL: contextvars.ContextVar[str] = contextvars.ContextVar("gci_decimal", default=".")

#: Spellings of a yes/no answer (compared lower-case, stripped).
YES_WORDS = ("yes", "y", "true", "1")
NO_WORDS = ("no", "n", "false", "0")
_BINARY = {**{w: True for w in YES_WORDS}, **{w: False for w in NO_WORDS}}

_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DATE_RE = re.compile(r"(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})"
                      r"(?:[ T].*)?")
_SEXAGESIMAL_RE = re.compile(r"[+-]?\d+(?::[0-5]?\d)+(?:\.\d*)?")
_PREFIX_RE = re.compile(r"[+-]?0[xXoObB][0-9A-Fa-f_]+")
_SEPARATED_RE = re.compile(r"[+-]?\d{1,3}(?:[ _'\u00a0\u202f\u2009]\d{3})+(?:[.,]\d*)?")
_SPECIAL = frozenset({"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "nan",
                      "+nan", "-nan", ".inf", "-.inf", "+.inf", ".nan"})
#: Most characters of a number written as text (a longer one is a typo or an attack).
MAX_NUMBER_CHARS = 400


class BadValue(ValueError):
    """A value that cannot be read as what was expected.

    Parameters
    ----------
    message : str
        What was given, what was expected and how to write it (no file or place: the caller
        knows them and adds them).
    hint : str
        The suggestion alone (``"did you mean partial?"``), also part of ``message``.
    plain : bool
        True when the message only says what is expected (a caller that already says so need
        not repeat it).
    """

    def __init__(self, message: str, hint: str = "", plain: bool = False):
        self.message = message
        self.hint = hint
        self.plain = plain
        super().__init__(message)


def show(value: Any, limit: int = 60) -> str:
    """A value as it should appear in a message: text quoted, never a Python repr of a list."""
    if isinstance(value, str):
        text = value if len(value) <= limit else value[: limit - 1] + "…"
        return repr(text)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple, set)):
        return "a list"
    if value is None:
        return "nothing"
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def written(value: Any, limit: int = 60) -> str:
    """A value as the user wrote it, unquoted (for numbers in messages: ``weight 1,5``)."""
    if isinstance(value, str):
        return value if len(value) <= limit else value[: limit - 1] + "…"
    return show(value, limit)


def suggest(value: Any, choices: Iterable[Any], *, cutoff: float = 0.6) -> str:
    """``" (did you mean X?)"``-style hint text for a near miss, or ``""``.

    Parameters
    ----------
    value : object
        What was given.
    choices : iterable
        The valid values.
    cutoff : float
        Similarity (0-1, :func:`difflib.get_close_matches`) a choice needs to be suggested.

    Returns
    -------
    str
        ``"did you mean X?"`` or ``""`` when nothing is close. Case is ignored.
    """
    if value is None:
        return ""
    text = str(value).strip()
    pool = [str(c) for c in choices]
    if not text or not pool:
        return ""
    lower = {c.lower(): c for c in pool}
    if text.lower() in lower and lower[text.lower()] != text:
        return f"did you mean {lower[text.lower()]}?"
    unpadded = {_unpad(c): c for c in lower}  # Q7 for Q07, q007 for Q07
    if _unpad(text.lower()) in unpadded:
        return f"did you mean {lower[unpadded[_unpad(text.lower())]]}?"
    close = difflib.get_close_matches(text.lower(), list(lower), n=1, cutoff=cutoff)
    return f"did you mean {lower[close[0]]}?" if close else ""


def _unpad(text: str) -> str:
    """``text`` with leading zeros of its numbers removed (``q07`` -> ``q7``)."""
    return re.sub(r"(?<![0-9])0+(?=[0-9])", "", text)


def _with_hint(message: str, hint: str) -> str:
    return f"{message} ({hint})" if hint else message


# --------------------------------------------------------------------------------------------
# numbers
# --------------------------------------------------------------------------------------------
def parse_number(value: Any, *, decimal: str = ".") -> float:
    """A finite number from a text or a number, refusing anything ambiguous.

    Parameters
    ----------
    value : str, int or float
        Text (surrounding spaces ignored) such as ``"3.5"``, ``"-2"``, ``".5"``, ``"1e3"``; or an
        int or a finite float.
    decimal : {".", ","}
        The decimal mark. With ``","`` a comma is the decimal mark (``"3,5"`` is 3.5) and a dot
        is refused as ambiguous.

    Returns
    -------
    float

    Raises
    ------
    BadValue
        For booleans, empty text, a comma (with ``decimal="."``) or a dot (with ``decimal=","``),
        thousands separators, percentages, infinities, NaN, overflow, hexadecimal/octal/binary
        prefixes, sexagesimal ``1:20``, dates, non-ASCII digits and anything else that is not a
        plain decimal number.
    """
    if decimal not in DECIMAL_MARKS:
        raise ValueError(f"decimal mark {decimal!r}; expected '.' or ','")
    if isinstance(value, bool):
        raise BadValue(f"{show(value)} is a true/false value, not a number")
    if isinstance(value, int):
        try:
            out = float(value)
        except OverflowError:
            raise BadValue(f"{str(value)[:20]}… ({len(str(value))} digits) is too large; "
                           "expected a finite number") from None
        return out
    if isinstance(value, float):
        if not math.isfinite(value):
            raise BadValue(f"{value} is not a finite number; expected a finite number")
        return value
    if not isinstance(value, str):
        # numpy scalars and the like: numbers, but never booleans
        kind = type(value).__name__
        if "bool" in kind:
            raise BadValue(f"{show(value)} is a true/false value, not a number")
        try:
            out = float(value)
        except (TypeError, ValueError, OverflowError):
            raise BadValue(f"{show(value)} is not a number; expected a number such as 3.5") \
                from None
        if not math.isfinite(out):
            raise BadValue(f"{show(value)} is not a finite number; expected a finite number")
        return out
    text = value.strip()
    if not text:
        raise BadValue("the value is empty; expected a number such as 3.5")
    if len(text) > MAX_NUMBER_CHARS:
        raise BadValue(f"{show(text)} has {len(text)} characters; expected a number")
    plain = text
    if decimal == ",":
        if "." in text:
            raise BadValue(f"{show(text)} has a dot but the decimal mark is a comma "
                           f"(--decimal ,): write {text.replace('.', ',', 1)} for a decimal "
                           "comma, or the number without separators, or pass --decimal . for "
                           "a decimal point")
        if text.count(",") == 1:
            plain = text.replace(",", ".")
    elif "," in text:
        as_point, as_plain = text.replace(",", ".", 1), text.replace(",", "")
        both = (f"write {as_point} with a decimal point, or {as_plain} without separators"
                if text.count(",") == 1 and _NUMBER_RE.fullmatch(as_point)
                else "write it with a decimal point (3.5) and no thousands separators")
        raise BadValue(f"{show(text)} has a comma: is it a decimal comma or a thousands "
                       f"separator? {both}, or pass --decimal , when every number of the file "
                       "uses a decimal comma")
    if _NUMBER_RE.fullmatch(plain):
        out = float(plain)
        if not math.isfinite(out):
            raise BadValue(f"{show(text)} is too large (beyond 1.8e308); expected a finite "
                           "number")
        return out
    why = _why_not_number(text, decimal)
    raise BadValue(why, plain=" is not a number; expected a number written" in why)


def _why_not_number(text: str, decimal: str) -> str:
    """The message for a text that is not a plain number (what it looks like instead)."""
    low = text.lower()
    given = show(text)
    if text.endswith("%"):
        return (f"{given} is a percentage: write the number the question asks for "
                f"(e.g. {text[:-1].strip()} for {text}, or {_tenth(text[:-1])} if the question "
                "asks for a share between 0 and 1)")
    if low in _SPECIAL:
        return f"{given} is not a finite number; expected a finite number such as 3.5"
    if any(ch.isdigit() and not ("0" <= ch <= "9") for ch in text):
        return f"{given} has digits other than 0-9; write the number with the digits 0-9"
    if _PREFIX_RE.fullmatch(text):
        return (f"{given} is a hexadecimal, octal or binary number; write it in decimal "
                "digits (010 is read as ten)")
    if _SEXAGESIMAL_RE.fullmatch(text):
        return (f"{given} looks like a time or a ratio (1:20); write the single number the "
                "question asks for")
    if _DATE_RE.fullmatch(text):
        return f"{given} looks like a date; expected a number such as 3.5"
    if _SEPARATED_RE.fullmatch(text):
        return (f"{given} has thousands separators (spaces, _ or '); write the number without "
                "them, e.g. 1000")
    mark = "a decimal comma (3,5)" if decimal == "," else "a decimal point (3.5)"
    return f"{given} is not a number; expected a number written with digits and {mark}"


def _tenth(text: str) -> str:
    try:
        return f"{float(text.strip()) / 100:g}"
    except ValueError:
        return "a share"


def parse_int(value: Any, *, low: int | None = None, high: int | None = None) -> int:
    """A whole number (``"3"``, ``"3.0"`` or 3), within ``[low, high]`` when given.

    Raises
    ------
    BadValue
        Not a number, not whole, or out of bounds.
    """
    x = parse_number(value)
    if not x.is_integer():
        raise BadValue(f"{show(value)} is not a whole number; expected a whole number")
    n = int(x)
    if (low is not None and n < low) or (high is not None and n > high):
        span = f"from {low} to {high}" if low is not None and high is not None else \
            f">= {low}" if low is not None else f"<= {high}"
        raise BadValue(f"{show(value)} is out of range; expected a whole number {span}")
    return n


def parse_bool(value: Any) -> bool:
    """A true/false setting: ``true``/``false`` (also ``yes``/``no``), or a bool.

    Raises
    ------
    BadValue
        Anything else (with a suggestion for a near miss).
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in ("true", "yes"):
            return True
        if word in ("false", "no"):
            return False
        raise BadValue(_with_hint(f"{show(value)} is not true or false; expected true or false",
                                  suggest(word, ["true", "false"])))
    raise BadValue(f"{show(value)} is not true or false; expected true or false")


def parse_param(value: Any) -> Any:
    """A method parameter written as text, typed: ``true``/``false``, a number, or text.

    A number is an int when written without a dot or exponent, else a float.

    Values that are not text (from a table reader or Python) are returned unchanged.
    """
    if not isinstance(value, str):
        return value
    word = value.strip()
    if word.lower() in ("true", "false"):
        return word.lower() == "true"
    try:
        x = parse_number(word)
    except BadValue:
        return word
    return int(x) if x.is_integer() and re.fullmatch(r"[+-]?[0-9]+", word) else x


# --------------------------------------------------------------------------------------------
# answers
# --------------------------------------------------------------------------------------------
def parse_binary(value: Any) -> bool:
    """A yes/no answer: True for yes, False for no.

    Accepted (case ignored, spaces stripped): ``yes``/``no``, ``y``/``n``, ``true``/``false``,
    ``1``/``0`` as text, the exact numbers 1 and 0, and booleans (a JSON ``true``).

    Raises
    ------
    BadValue
        Anything else (``0.9999999``, ``2``, ``on``, …), listing the allowed answers and
        suggesting the closest one.
    """
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _BINARY:
            return _BINARY[word]
        if word in ("1.0", "0.0"):  # a spreadsheet's 1 written out as a float
            return word == "1.0"
        if word in ("on", "off"):
            hint = "on/off could mean a switch or a state; gci does not guess: write yes or no"
        else:
            hint = suggest(word, ["yes", "no", "true", "false"], cutoff=0.75)
        raise BadValue(_with_hint(f"{show(value)} is not a yes/no answer; expected yes or no "
                                  "(also y/n, true/false, 1/0)", hint), hint, plain=not hint)
    if value is not None and not isinstance(value, (Mapping, list, tuple, set)):
        try:
            x = float(value)
        except (TypeError, ValueError, OverflowError):
            x = float("nan")
        if x in (0.0, 1.0):
            return x == 1.0
    raise BadValue(f"{show(value)} is not a yes/no answer; expected yes or no "
                   "(also y/n, true/false, 1/0)", plain=True)


def parse_level(value: Any, levels: Iterable[str]) -> str:
    """The level name of a scale answer (case-insensitive exact match).

    Returns
    -------
    str
        The level name as the scale spells it.

    Raises
    ------
    BadValue
        Not one of the levels (with a suggestion for a near miss).
    """
    names = [str(x) for x in levels]
    if isinstance(value, str):
        word = value.strip().lower()
        for name in names:
            if name.lower() == word:
                return name
    hint = suggest(value, names) if isinstance(value, str) else ""
    raise BadValue(_with_hint(f"{show(value)} is not a level of the scale; expected one of "
                              f"{', '.join(names)}", hint), hint, plain=not hint)


def parse_text(value: Any, what: str = "value") -> str:
    """A code, name or other text: a string (stripped), never a list, mapping or boolean.

    Numbers from JSON are kept as their text by gci's readers, so they arrive here as text; a
    Python int (from a DataFrame) is accepted and written in decimal.

    Raises
    ------
    BadValue
        For lists, mappings, booleans and None.
    """
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool) or value is None or isinstance(value, (Mapping, list, tuple,
                                                                     set)):
        raise BadValue(f"{what} is {show(value)}; expected a text")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:g}"
    raise BadValue(f"{what} is {show(value)}; expected a text")


def parse_evidence(value: Any) -> str | None:
    """Evidence of an answer: one text, or a list of non-empty texts (several sources).

    A list is stored as one text, its items joined by newlines, in every format (YAML and JSON
    lists; a table cell holds one text and may contain line breaks itself). Blank evidence is
    ``None``.

    Raises
    ------
    BadValue
        For a mapping, or a list holding anything but non-empty texts. (A boolean, from JSON,
        is the text ``true``/``false``, as YAML and CSV give it.)
    """
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        items = []
        for item in value:
            if not isinstance(item, str) or not item.strip():
                raise BadValue(f"evidence lists {show(item)}; every item of an evidence list "
                               "must be a non-empty text (a link or a reference)")
            items.append(item.strip())
        return "\n".join(items) or None
    if isinstance(value, Mapping):
        raise BadValue("evidence is a mapping; expected a text (a link or a reference) or a "
                       "list of texts")
    if isinstance(value, bool):  # a JSON true reads as the text a YAML or CSV true gives
        return "true" if value else "false"
    if isinstance(value, float) and math.isnan(value):
        return None
    text = value.strip() if isinstance(value, str) else str(value)
    return text or None


# --------------------------------------------------------------------------------------------
# columns: each distinct raw value typed once
# --------------------------------------------------------------------------------------------
def number_map(values: Iterable[Any], *, decimal: str = ".") -> tuple[dict[Any, float],
                                                                      dict[Any, str]]:
    """Type every distinct value of a column once.

    Returns
    -------
    numbers : dict
        Raw value -> float, for the values that are numbers.
    errors : dict
        Raw value -> message of :class:`BadValue`, for the others.
    """
    numbers: dict[Any, float] = {}
    errors: dict[Any, str] = {}
    for v in values:
        if v in numbers or v in errors:
            continue
        try:
            numbers[v] = parse_number(v, decimal=decimal)
        except BadValue as exc:
            errors[v] = exc.message
    return numbers, errors


def check_decimal(decimal: str | None) -> str:
    """The decimal mark to use: ``decimal``, or the current one (:func:`decimal_mark`) for None.

    Raises
    ------
    ValueError
        When ``decimal`` is neither ``"."`` nor ``","``.
    """
    if decimal is None:
        return _DECIMAL.get()
    if decimal not in DECIMAL_MARKS:
        raise ValueError(f"decimal mark {decimal!r}; expected '.' or ','")
    return decimal


@contextlib.contextmanager
def decimal_mark(decimal: str) -> Iterator[str]:
    """Use ``decimal`` for readers called without an explicit decimal mark, inside the block.

    Examples
    --------
    >>> with decimal_mark(","):
    ...     check_decimal(None)
    ','
    """
    token = _DECIMAL.set(check_decimal(decimal))
    try:
        yield decimal
    finally:
        _DECIMAL.reset(token)
