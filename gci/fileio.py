"""Safe reading and atomic writing of files.

* YAML is parsed by libyaml (PyYAML's pure-Python parser when libyaml is missing) and built by
  gci itself: every scalar is text (``010`` is the text "010", never 8; ``1:20`` never 80; ``on``
  never true; no dates), a plain empty/``~``/``null`` is ``None``, explicit tags other than
  ``!!str``/``!!map``/``!!seq`` and merge keys are refused; duplicate keys are refused (PyYAML
  keeps the last silently), aliases are limited (no "billion laughs"), and the line of every key
  and item is remembered so that messages can point at it. Values are typed by
  :mod:`gci.inputs.values`.
* JSON is read with numbers kept as their text (:func:`parse_json`), so that JSON, YAML, CSV and
  XLSX values go through the same typing.
* Text is decoded as UTF-8 (a UTF-8 or UTF-16 byte-order mark is honoured); anything else is a
  clear error rather than silently mis-read data.
* Inputs larger than :data:`MAX_INPUT_BYTES` are refused before they are read.
* Outputs are written to a temporary file in the target folder and renamed into place, so an
  interrupted run never leaves half a file.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import yaml

from .errors import InputError

#: Largest input file gci reads, in bytes (200 MiB). Larger files are refused with a clear message.
MAX_INPUT_BYTES = 200 * 1024 * 1024
#: Largest YAML/JSON document, in bytes (20 MiB): YAML parsing is memory hungry.
MAX_YAML_BYTES = 20 * 1024 * 1024
#: Most YAML aliases (``*name``) one document may use.
MAX_YAML_ALIASES = 100
#: Most nodes that aliases may add to a YAML document once expanded ("billion laughs" bound:
#: a few aliases nested in each other can otherwise stand for billions of values).
MAX_YAML_ALIAS_EXPANSION = 100_000
#: Most data rows of a CSV/XLSX table (194 countries x 80 questions is about 16,000).
MAX_TABLE_ROWS = 1_000_000
#: Most columns of a CSV/XLSX table.
MAX_TABLE_COLUMNS = 10_000
#: Most bytes an XLSX workbook may hold once uncompressed (an .xlsx is a zip archive; a small
#: "zip bomb" can expand to gigabytes), and most members the archive may have.
MAX_XLSX_UNCOMPRESSED_BYTES = 500 * 1024 * 1024
MAX_XLSX_MEMBERS = 10_000


class LineDict(dict):
    """A dict that remembers the (1-based) line of each key and of itself."""

    line: int | None = None
    lines: dict

    def line_of(self, key: Any) -> int | None:
        """Line of ``key`` in the source, or of the mapping itself when unknown."""
        return self.lines.get(key, self.line) if hasattr(self, "lines") else self.line


class LineList(list):
    """A list that remembers the (1-based) line of each item and of itself."""

    line: int | None = None
    lines: list

    def line_of(self, index: int) -> int | None:
        """Line of item ``index`` in the source."""
        try:
            return self.lines[index]
        except (AttributeError, IndexError):
            return self.line


def line_of(obj: Any, key: Any = None) -> int | None:
    """Line of ``obj`` (or of ``obj[key]``) when it came from :func:`read_yaml`, else ``None``."""
    if key is not None and isinstance(obj, (LineDict, LineList)):
        return obj.line_of(key)
    return getattr(obj, "line", None)


#: Tags of YAML nodes (after resolution, everything untagged is text, a mapping or a list).
_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
#: Tag gci gives a plain (unquoted, untagged) empty, ``~`` or ``null`` scalar: "no value".
_NULL_TAG = "gci:null"
_NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})
_ALLOWED_TAGS = frozenset({_STR_TAG, _MAP_TAG, _SEQ_TAG, _NULL_TAG})


class _TextResolver(yaml.resolver.BaseResolver):
    """YAML typing of gci: every scalar is text; a plain empty/``~``/``null`` is "no value".

    YAML 1.1 (PyYAML's default) would read ``1:20`` as 80, ``010`` as 8, ``on`` as true and
    ``2024-01-05`` as a date; gci reads them all as the text written and types values itself
    (:mod:`gci.inputs.values`), the same way for YAML, JSON, CSV and XLSX.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:  # noqa: D102
        if kind is yaml.ScalarNode:
            if implicit[0] and value in _NULL_WORDS:
                return _NULL_TAG
            return _STR_TAG
        return super().resolve(kind, value, implicit)


class _PyComposer(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,
                  yaml.composer.Composer, _TextResolver):
    """PyYAML's pure-Python parser with gci's typing (used when libyaml is missing)."""

    def __init__(self, stream: Any) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _TextResolver.__init__(self)


try:  # libyaml's C parser (about ten times faster); the pure-Python parser otherwise
    from yaml.cyaml import CParser as _CParser

    class _CComposer(_CParser, _TextResolver):  # type: ignore[valid-type, misc]
        """libyaml's parser with gci's typing."""

        def __init__(self, stream: Any) -> None:
            _CParser.__init__(self, stream)
            _TextResolver.__init__(self)

    _Composer: type = _CComposer
    YAML_PARSER = "libyaml"
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _Composer = _PyComposer
    YAML_PARSER = "python"


class _Builder:
    """Turns composed YAML nodes into :class:`LineDict`/:class:`LineList`/text/None.

    Refuses explicit tags other than ``!!str``/``!!map``/``!!seq``, merge keys, duplicate keys,
    non-text keys and more than :data:`MAX_YAML_ALIASES` aliases. At the first alias the whole
    document is checked for cycles and expansion (:func:`_check_expansion`); a document without
    aliases needs no such check.
    """

    def __init__(self, name: str, root: yaml.Node) -> None:
        self.name = name
        self.root = root
        self.aliases = 0
        self.seen: set[int] = set()
        self.tags: list[tuple[str, int]] = []  # every refused tag, reported together

    def _alias(self, node: yaml.Node, line: int | None) -> None:
        self.aliases += 1
        if self.aliases == 1:
            _check_expansion(self.root, self.name)
        if self.aliases > MAX_YAML_ALIASES:
            raise InputError(
                f"more than {MAX_YAML_ALIASES} YAML aliases (*name); refusing a document that "
                "may expand without bound (write the values out instead)",
                self.name, line or node.start_mark.line + 1)

    def _bad_tag(self, node: yaml.Node) -> None:
        self.tags.append((node.tag.replace("tag:yaml.org,2002:", "!!"),
                          node.start_mark.line + 1))

    def document(self, node: yaml.Node) -> Any:
        """The whole document; every refused tag is reported in one error."""
        data = self.build(node)
        if self.tags:
            (shown, line), rest = self.tags[0], self.tags[1:]
            also = ", ".join(f"{t} at line {ln}" for t, ln in rest[:10])
            raise InputError(
                f"explicit YAML tag {shown} is not supported: gci reads every value as written "
                f"and types it itself; remove the tag {shown}"
                + (" (a set is written as a list: - a)" if shown == "!!set" else "")
                + (f" (and the tags {also}{' …' if len(rest) > 10 else ''})" if rest else ""),
                self.name, line)
        return data

    def build(self, node: yaml.Node, line: int | None = None) -> Any:
        key = id(node)
        if key in self.seen:
            self._alias(node, line)
        else:
            self.seen.add(key)
        tag = node.tag
        if tag not in _ALLOWED_TAGS:
            return self._bad_tag(node)
        if tag == _STR_TAG:
            if isinstance(node, yaml.ScalarNode):
                return node.value
            return self._bad_tag(node)  # !!str on a mapping or list
        if tag == _NULL_TAG:
            return None
        if isinstance(node, yaml.SequenceNode) and tag == _SEQ_TAG:
            out = LineList()
            out.line = node.start_mark.line + 1
            out.lines = lines = []
            for child in node.value:
                ln = child.start_mark.line + 1
                out.append(self.build(child, ln))
                lines.append(ln)
            return out
        if isinstance(node, yaml.MappingNode) and tag == _MAP_TAG:
            return self.mapping(node)
        return self._bad_tag(node)  # !!map or !!seq on the wrong kind of node

    def mapping(self, node: yaml.MappingNode) -> LineDict:
        out = LineDict()
        out.line = node.start_mark.line + 1
        out.lines = lines = {}
        scalar = yaml.ScalarNode
        for key_node, value_node in node.value:
            ln = key_node.start_mark.line + 1
            if type(key_node) is not scalar:
                raise InputError("a mapping key must be a plain value, not a list or mapping",
                                 self.name, ln)
            refused = len(self.tags)
            key = self.build(key_node, ln)
            if len(self.tags) > refused:  # a tagged key: reported with the other tags
                self.build(value_node, ln)
                continue
            if key == "<<" and not key_node.style:
                raise InputError(
                    "YAML merge keys (<<: *name) are not supported: write the keys out in "
                    "each mapping", self.name, ln)
            if key in lines:
                raise InputError(
                    f"duplicate key {key!r} (first at line {lines[key]}); "
                    "each key may appear once in a mapping", self.name, ln)
            if type(value_node) is scalar and value_node.tag == _STR_TAG \
                    and id(value_node) not in self.seen:
                self.seen.add(id(value_node))
                out[key] = value_node.value
            else:
                out[key] = self.build(value_node, ln)
            lines[key] = ln
        return out


def _check_expansion(root: yaml.Node, name: str) -> None:
    """Refuse alias cycles and documents whose aliases expand to too many nodes.

    Each node's expanded size is computed once (aliases share node objects), so the check is
    linear in the size of the file, however large the expansion would be.
    """
    size: dict[int, int] = {}
    active: set[int] = set()
    distinct: set[int] = set()

    def walk(node: yaml.Node) -> int:
        key = id(node)
        if key in size:
            return size[key]
        if key in active:
            raise InputError(
                "an alias (*name) refers to a node that contains it (a cycle); a YAML document "
                "must be a tree", name, node.start_mark.line + 1)
        active.add(key)
        distinct.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(walk(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(walk(k) + walk(v) for k, v in node.value)
        active.discard(key)
        size[key] = total
        if total - len(distinct) > MAX_YAML_ALIAS_EXPANSION:
            raise InputError(
                f"aliases (*name) expand this document by more than {MAX_YAML_ALIAS_EXPANSION:,} "
                "values (a \"billion laughs\" document?); refusing it (write the values out "
                "instead)", name, node.start_mark.line + 1)
        return total

    walk(root)


#: errno values for which :meth:`Path.exists` says False (as pathlib ignores them)
_NOT_THERE = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)


def read_bytes(path: str | os.PathLike, limit: int | None = None) -> bytes:
    """Read a whole file, refusing missing, non-regular or over-large files.

    ``limit`` defaults to :data:`MAX_INPUT_BYTES` (looked up at call time).

    Raises
    ------
    InputError
        When the file does not exist, is a folder, or is larger than ``limit`` bytes.
    """
    limit = MAX_INPUT_BYTES if limit is None else limit
    p = Path(path)
    try:  # one stat (what Path.exists, is_file and stat would each do)
        st = os.stat(p)
    except OSError as exc:
        if exc.errno in _NOT_THERE or getattr(exc, "winerror", None) in (21, 123, 1921):
            raise InputError("file not found", p) from None
        raise
    except ValueError:  # an unrepresentable path (e.g. a NUL byte): as Path.exists
        raise InputError("file not found", p) from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError("not a regular file", p)
    size = st.st_size
    if size > limit:
        raise InputError(
            f"file is {size:,} bytes, over the limit of {limit:,} bytes; "
            "split it or raise gci.fileio.MAX_INPUT_BYTES/MAX_YAML_BYTES deliberately", p)
    with open(p, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"file grew over the limit of {limit:,} bytes while being read", p)
    return data


def decode_text(data: bytes, name: str | os.PathLike) -> str:
    """Decode bytes as UTF-8 (BOMs for UTF-8/UTF-16 honoured), or raise a clear error."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError("starts with a UTF-16 byte-order mark but is not valid UTF-16 "
                             f"({exc.reason})", name) from None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError("contains NUL bytes: this is a binary file or UTF-16 without a "
                         "byte-order mark; save it as UTF-8 text", name, line)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8 (in Excel: 'CSV UTF-8')", name, line) from None


def read_yaml(path: str | os.PathLike, *, allow_empty: bool = False) -> Any:
    """Read a YAML (or JSON) file safely.

    Parameters
    ----------
    path : path-like
        The file.
    allow_empty : bool
        Return ``None`` for an empty document instead of raising.

    Returns
    -------
    object
        Plain Python data; mappings are :class:`LineDict`, sequences :class:`LineList`.

    Raises
    ------
    InputError
        Missing/large/undecodable file, malformed YAML, duplicate keys, too many aliases,
        more than one document, or an empty document.
    """
    text = decode_text(read_bytes(path, MAX_YAML_BYTES), path)
    return parse_yaml(text, str(path), allow_empty=allow_empty)


def parse_yaml(text: str, name: str = "<string>", *, allow_empty: bool = False,
               _composer: type | None = None) -> Any:
    """Parse YAML text with the rules of :func:`read_yaml`; ``name`` is used in messages."""
    loader = None
    try:
        loader = (_composer or _Composer)(text)
        node = loader.get_single_node()
        data = _Builder(name, node).document(node) if node is not None else None
    except InputError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or "malformed YAML"
        if exc.context:
            what = f"{exc.context}: {what}"
        if "tab" in what and "'\\t'" not in what:  # libyaml does not show the character
            what += " (a tab character '\\t': indent with spaces)"
        if "expected a single document" in str(exc):
            what = "more than one YAML document (---) in the file; expected exactly one"
        raise InputError(f"malformed YAML: {what}", name, line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"malformed YAML: {exc}", name) from None
    except RecursionError:
        raise InputError("YAML nested too deeply", name) from None
    finally:
        if loader is not None:
            loader.dispose()
    if data is None and not allow_empty:
        raise InputError("the file is empty; expected a YAML mapping", name)
    return data


def read_json(path: str | os.PathLike) -> Any:
    """Read a JSON file with the rules of :func:`parse_json`."""
    text = decode_text(read_bytes(path, MAX_YAML_BYTES), path)
    return parse_json(text, str(path))


def parse_json(text: str, name: str = "<string>") -> Any:
    """Parse JSON text keeping every number as the text written (``3.50`` stays ``"3.50"``).

    Numbers are then typed by :mod:`gci.inputs.values` exactly like YAML, CSV and XLSX values;
    ``true``/``false`` stay booleans and ``null`` is ``None``.

    Raises
    ------
    InputError
        Malformed JSON (with its line), duplicate keys, ``NaN``/``Infinity`` constants, or
        nesting too deep.
    """
    def unique(pairs: list[tuple[str, Any]]) -> dict:
        out: dict = {}
        for k, v in pairs:
            if k in out:
                raise InputError(f"duplicate key {k!r} in a JSON object; each key may appear "
                                 "once", name)
            out[k] = v
        return out

    def constant(token: str) -> Any:
        raise InputError(f"JSON contains {token}, which is not a valid value (write a finite "
                         "number, or leave the value out)", name)

    try:
        return json.loads(text, object_pairs_hook=unique, parse_constant=constant,
                          parse_int=str, parse_float=str)
    except RecursionError:
        raise InputError("JSON nested too deeply", name) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON: {exc.msg}", name, exc.lineno) from None


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a block builds many small objects.

    Reading 194 YAML files builds some 80,000 nodes and rows, all kept or freed by reference
    counting; the collector would otherwise walk every object of the process (pandas' among
    them) several times meanwhile (about a tenth of a run without the cache). It is switched
    back on (when it was on) however the block ends; any cycle made meanwhile is collected
    afterwards.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def resolve_path(path: str | os.PathLike, folders: dict | None = None) -> Path:
    """``Path(path).resolve()``, resolving each folder once across calls sharing ``folders``.

    A path whose last part is not a symbolic link resolves to its resolved folder plus its
    name, so the files of one folder (194 response files) cost one folder resolution and one
    ``lstat`` each instead of a full resolution each. ``folders`` (a dict the caller keeps for
    one run) holds the resolved folders; without it this is ``Path(path).resolve()``.
    """
    p = Path(path)
    if folders is None or p.name in ("", "..") or os.path.islink(p):
        return p.resolve()
    folder = folders.get(p.parent)
    if folder is None:
        folder = folders[p.parent] = p.parent.resolve()
    return folder / p.name


def sha256_file(path: str | os.PathLike) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w", *, encoding: str | None = "utf-8",
                 newline: str | None = None) -> Iterator[IO]:
    """Write ``path`` atomically: to a temporary file beside it, renamed into place on success.

    If the body raises (or the process is interrupted), the target is left as it was and the
    temporary file is removed.
    """
    target = Path(path)
    binary = "b" in mode
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except FileExistsError as exc:  # a file where a folder of the path should be
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR),
                                 str(target)) from exc
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror or str(exc), str(target)) from exc
    try:
        with os.fdopen(fd, mode, encoding=None if binary else encoding,
                       newline=None if binary else newline) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _default_mode())  # mkstemp makes 0600; outputs get the usual mode
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if exc.filename is None:  # e.g. a full disk on write(): name the file concerned
            raise OSError(exc.errno, exc.strerror or str(exc), str(target)) from exc
        raise
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _default_mode() -> int:
    """File mode a plain ``open(..., "w")`` would give (0666 less the umask)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """Write text to ``path`` atomically (UTF-8, LF line ends)."""
    with atomic_write(path, "w", newline="\n") as fh:
        fh.write(text)


def write_json_atomic(path: str | os.PathLike, data: Any) -> None:
    """Write JSON (sorted keys, indented, UTF-8) atomically; lone surrogates become U+FFFD."""
    from .sanitise import for_json

    write_text_atomic(path, json.dumps(for_json(data), indent=2, sort_keys=True,
                                       ensure_ascii=False) + "\n")


def plain(obj: Any) -> Any:
    """Convert :class:`LineDict`/:class:`LineList` trees to plain dicts and lists."""
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [plain(v) for v in obj]
    return obj
