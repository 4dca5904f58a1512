"""gotemplate.py's lexing: a file split into text and actions (trim markers applied, comments
dropped), an action's tokens, and Go's literal syntax (string escapes, raw strings, runes,
numbers)."""
import re

from gotemplate_funcs import TemplateError

KEYWORDS = {"if", "else", "end", "range", "with", "define", "template", "block", "break", "continue"}

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<declare>:=)
  | (?P<assign>=)
  | (?P<pipe>\|)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<comma>,)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<raw>`[^`]*`)
  | (?P<char>'(?:[^'\\\n]|\\.)+')
  | (?P<number>[+-]?(?:0[xX][0-9a-fA-F_]+|(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][+-]?\d+)?))
  | (?P<variable>\$[A-Za-z0-9_]*)
  | (?P<field>(?:\.[A-Za-z_][A-Za-z0-9_]*)+|\.)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
""", re.VERBOSE)


def lex_action(text, where):
    tokens, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise TemplateError(f"{where}: unexpected {text[pos]!r} in action {text!r}")
        kind = m.lastgroup
        value = m.group()
        pos = m.end()
        if kind == "space":
            continue
        if kind == "field" and tokens and tokens[-1][0] in ("rparen", "variable") and not text[m.start() - 1].isspace():
            kind = "chain"  # (pipe).x or $x.y: a field chain applied to what precedes it
        tokens.append((kind, value))
    return tokens


_SPACES = (" ", "\t", "\r", "\n")


def split_text(source, name):
    """Text and actions, trim markers applied, comments dropped: [("text", s) | ("action", s, line)]."""
    parts, pos = [], 0
    while True:
        start = source.find("{{", pos)
        if start < 0:
            parts.append(("text", source[pos:]))
            return parts
        line = 1 + source.count("\n", 0, start)
        text = source[pos:start]
        i = start + 2
        if source[i:i + 1] == "-" and source[i + 1:i + 2] in _SPACES:  # "{{- " trims the text before
            text = text.rstrip(" \t\r\n")
            i += 2
        parts.append(("text", text))
        if source.startswith("/*", i):  # a comment starts right after the delimiter (and marker)
            close = source.find("*/", i + 2)
            if close < 0:
                raise TemplateError(f"{name}:{line}: unclosed comment")
            end = close + 2
            inner = ""
            if not source.startswith("}}", end):
                if source[end:end + 1] in _SPACES and source.startswith("-}}", end + 1):
                    inner, end = " -", end + 2
                else:
                    raise TemplateError(f"{name}:{line}: comment ends before closing delimiter")
            action = None
        else:
            end = _find_action_end(source, i, name, line)
            inner = action = source[i:end]
        pos = end + 2
        if len(inner) >= 2 and inner[-1] == "-" and inner[-2] in _SPACES:  # " -}}" trims the text after
            if action is not None:
                action = inner[:-2]
            while pos < len(source) and source[pos] in _SPACES:
                pos += 1
        if action is not None:
            parts.append(("action", action, line))


def _find_action_end(source, i, name, line):
    """The index of the `}}` closing an action, skipping quoted strings."""
    while i < len(source):
        c = source[i]
        if source.startswith("}}", i):
            return i
        if c in "\"'`":
            close = c
            i += 1
            while i < len(source) and source[i] != close:
                if source[i] == "\\" and close != "`":
                    i += 1
                i += 1
        i += 1
    raise TemplateError(f"{name}:{line}: unclosed action")


def unquote(token):
    kind, text = token
    if kind == "raw":
        return text[1:-1]
    if kind == "char":
        value = _go_unescape(text[1:-1])
        if len(value) != 1:
            raise TemplateError(f"bad character literal {text}")
        return ord(value)
    return _go_unescape(text[1:-1])


def _go_unescape(body):
    simple = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        e = body[i + 1]
        if e in simple:
            out.append(simple[e])
            i += 2
        elif e in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[e]
            out.append(chr(int(body[i + 2:i + 2 + width], 16)))
            i += 2 + width
        else:
            raise TemplateError(f"unknown escape \\{e}")
    return "".join(out)


def parse_number(text, where):
    t = text.replace("_", "")
    try:
        if t.lower().lstrip("+-").startswith("0x"):
            return int(t, 16)
        if re.fullmatch(r"[+-]?\d+", t):
            return int(t)
        return float(t)
    except ValueError:
        raise TemplateError(f"{where}: bad number syntax: {text}")
