"""The events file as YAML: bytes to text, text to a tree of nodes, and small questions about a node.

Layer: loader. Imports PyYAML and the loader's ``problems``; no Flask.

The file is *composed* (PyYAML's libyaml parser builds a node tree with line and column for every
value) but never *constructed*: no YAML type guessing, no tags that build objects. Every scalar stays
the string the person typed; the readers decide what it means from where it stands.
"""

from __future__ import annotations

from typing import Any

import yaml

from .problems import INVALID, Invalid, Problems


def _bounded_parser() -> type:
    """libyaml (~10x faster) when it refuses nesting deeper than 1000 levels, as libyaml 0.2.5+ does;
    else the pure-Python parser, which stops at Python's recursion limit. Either way a hostile file of
    100,000 '[' is a YAML error, never a C stack overflow that kills the process."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is None:
        return yaml.SafeLoader
    try:
        yaml.compose("[" * 1001 + "]" * 1001, Loader=fast)
    except yaml.YAMLError:
        return fast
    return yaml.SafeLoader


Parser = _bounded_parser()
CORE_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}
_NULL = "tag:yaml.org,2002:null"
_STR = "tag:yaml.org,2002:str"
_NULL_WORDS = frozenset(("", "~", "null", "Null", "NULL"))


class Composer(Parser):  # type: ignore[valid-type,misc]
    """The parser, resolving implicit tags only as far as the loader reads them: null or text.
    Guessing int, bool or timestamp for every plain value (regular expressions per scalar) would be
    thrown away here, and is a fifth of composing a 10,000-event file."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            return _NULL if implicit[0] and value in _NULL_WORDS else _STR
        return super().resolve(kind, value, implicit)


def decode(data: bytes | str, max_bytes: int, problems: Problems) -> str | Invalid:
    """The text of the file, or ``INVALID`` when it is too large, not UTF-8, binary or indented with tabs."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if len(data) > max_bytes:
        return problems.at(1, 1, f"the file is larger than {max_bytes:,} bytes",
                           "split old events into an archive file, or raise CALFEED_MAX_BYTES")  # fmt: skip
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a BOM from Windows editors is harmless
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return problems.at(line, column, "the file is not valid UTF-8 text",
                           "save it as UTF-8; in most editors: Save As… > Encoding: UTF-8")  # fmt: skip
    text = text.replace("\r\n", "\n")
    tabs = False
    for number, line_text in enumerate(text.split("\n"), 1):
        if "\x00" in line_text:
            return problems.at(number, line_text.index("\x00") + 1,
                               "the file contains a NUL byte; it looks like binary data, not text")  # fmt: skip
        indent = len(line_text) - len(line_text.lstrip(" \t"))
        if "\t" in line_text[:indent]:
            problems.at(number, line_text.index("\t") + 1, "a tab is used for indentation",
                        "YAML indents with spaces only; replace the tab with spaces")  # fmt: skip
            tabs = True  # every tabbed line is reported, then the file is refused
    return INVALID if tabs else text


def compose(text: str, problems: Problems) -> Any:
    """The root node of the text, or ``INVALID`` for text that is not YAML or is empty."""
    try:
        root = yaml.compose(text, Loader=Composer)
    except yaml.MarkedYAMLError as exc:
        return _syntax_error(exc, text, problems)
    except yaml.reader.ReaderError as exc:  # a character YAML allows nowhere, e.g. a raw U+0007
        code = exc.character if isinstance(exc.character, int) else 0
        at = max(text.find(chr(code)), 0)  # the reader stops at its first occurrence
        return problems.at(
            text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1,
            f"the file contains the control character U+{code:04X}, which is not allowed in YAML",
            "delete it; it is invisible in most editors (try the editor's 'show all characters')",
        )  # fmt: skip
    except (yaml.YAMLError, RecursionError) as exc:
        return problems.at(1, 1, f"the file is not valid YAML: {exc}")
    if root is None:
        return problems.at(1, 1, "the file is empty", "it needs at least 'calendar:' and 'events:'")
    return root


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, problems: Problems) -> Invalid:
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark is not None and "end of stream" in (exc.problem or ""):
        mark = exc.context_mark  # an unclosed quote: show where it was opened, not the file's end
    line = mark.line + 1 if mark else 0
    column = mark.column + 1 if mark else 0
    what = (exc.problem or "syntax error").replace("\t", "\\t")
    if exc.context:
        what = f"{exc.context}, {what}"
    lines = text.split("\n")
    shown = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    hint = "check the indentation and that every ':' is followed by a space"
    if "found character '\\t'" in what:
        hint = "YAML indents with spaces only; replace the tab with spaces"
    elif '"' in shown or "'" in shown:
        hint = "check that every quote you open is closed on the same value"
    message = f"this is not valid YAML: {what}"
    if shown:
        message += f" — the line reads: {shown[:80]}"
    return problems.at(line, column, message, hint)


def is_null(node: Any) -> bool:
    """A value left empty (``key:``, ``~``, ``null``); a quoted "" is text, and reported as empty text."""
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL and node.style is None


def kind(node: Any) -> str:
    """What a node is, in the words of a message: "should be a list, not <kind>"."""
    if isinstance(node, yaml.MappingNode):
        return "a set of 'key: value' lines"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"the single value '{node.value}'"


def value_of(node: Any, key: str) -> Any:
    """The value node of ``key`` in a mapping node, or None: for pointing at a field after reading."""
    for k, v in getattr(node, "value", []) if isinstance(node, yaml.MappingNode) else []:
        if k.value == key:
            return v
    return None
