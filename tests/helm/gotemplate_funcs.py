"""The functions gotemplate.py knows: Go's text/template builtins, the Sprig functions our chart
uses, and Helm's include and required. Each takes (template, where, *args) and checks its
arguments' types as Go's reflection-based call would: a float64 (every number of a Helm values
file) where Go wants an int, or a nil where Go wants a string, is an error, not a guess."""
import base64
import decimal
import math

import yaml


class TemplateError(Exception):
    """A parse or execution error, with "file:line:" when known."""


# ---- Go's value semantics -----------------------------------------------------------------

def truth(v):
    """Go's template truth (and Sprig's `empty`, negated): false, 0, "", nil, empty list/map are false."""
    if v is None:
        return False
    if isinstance(v, (bool, int, float, str, list, dict)):
        return bool(v)
    raise TemplateError(f"truth of unsupported type {type(v).__name__}")


def go_float(f):
    """fmt's %v of a float64: strconv's 'g' with the shortest digits, in exponent form when the
    decimal exponent is < -4 or >= 6 (Go: 100000 prints "100000", 1000000 prints "1e+06")."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if f == 0:
        return "-0" if math.copysign(1, f) < 0 else "0"
    sign, digits, exponent = decimal.Decimal(repr(f)).as_tuple()
    digits = list(digits)
    while len(digits) > 1 and digits[-1] == 0:
        digits.pop()
        exponent += 1
    text = "".join(map(str, digits))
    point = len(digits) + exponent  # position of the decimal point in `text`
    exp = point - 1
    prefix = "-" if sign else ""
    if exp < -4 or exp >= 6:
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{prefix}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if point <= 0:
        return f"{prefix}0.{'0' * -point}{text}"
    if point >= len(text):
        return prefix + text + "0" * (point - len(text))
    return f"{prefix}{text[:point]}.{text[point:]}"


def go_print(v, top=True):
    """fmt's %v as text/template prints a value; a nil at the top is "<no value>"."""
    if v is None:
        return "<no value>" if top else "<nil>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return go_float(v)
    if isinstance(v, str):
        return v
    if isinstance(v, list):
        return "[" + " ".join(go_print(x, False) for x in v) + "]"
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{go_print(v[k], False)}" for k in sorted(v)) + "]"
    raise TemplateError(f"cannot print {type(v).__name__}")


def go_quote(s):
    """strconv.Quote."""
    out = ['"']
    named = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
             "\\": "\\\\", '"': '\\"'}
    for c in s:
        if c in named:
            out.append(named[c])
        elif c.isprintable():
            out.append(c)
        elif ord(c) < 0x80:
            out.append(f"\\x{ord(c):02x}")
        elif ord(c) <= 0xFFFF:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(f"\\U{ord(c):08x}")
    out.append('"')
    return "".join(out)


def _kind(v):
    if v is None:
        return "nil"
    for t, name in ((bool, "bool"), (int, "int"), (float, "float64"), (str, "string"), (list, "slice"), (dict, "map")):
        if isinstance(v, t):
            return name
    return type(v).__name__


def _want_int(v, where, fn):
    if isinstance(v, bool) or not isinstance(v, int):
        raise TemplateError(f"{where}: error calling {fn}: wrong type for value; expected int; got {_kind(v)}")
    return v


def _want_str(v, where, fn):
    if not isinstance(v, str):
        what = "invalid value" if v is None else f"wrong type for value; got {_kind(v)}"
        raise TemplateError(f"{where}: error calling {fn}: {what}; expected string")
    return v


def _arity(args, n, where, fn):
    if len(args) != n:
        raise TemplateError(f"{where}: wrong number of args for {fn}: want {n} got {len(args)}")


# ---- builtins ------------------------------------------------------------------------------

def _and(t, where, *args):
    if not args:
        raise TemplateError(f"{where}: wrong number of args for and")
    for a in args:
        if not truth(a):
            return a
    return args[-1]


def _or(t, where, *args):
    if not args:
        raise TemplateError(f"{where}: wrong number of args for or")
    for a in args:
        if truth(a):
            return a
    return args[-1]


def _basic(v, where):
    k = _kind(v)
    if k not in ("bool", "int", "float64", "string", "nil"):
        raise TemplateError(f"{where}: error calling eq: invalid type for comparison")
    return k


def _eq(t, where, a, *others):
    if not others:
        raise TemplateError(f"{where}: missing argument for comparison")
    ka = _basic(a, where)
    for b in others:
        kb = _basic(b, where)
        if ka != kb:
            raise TemplateError(f"{where}: error calling eq: incompatible types for comparison")
        if a == b:
            return True
    return False


def _ordered(op):
    def compare(t, where, a, b):
        ka, kb = _kind(a), _kind(b)
        if ka != kb or ka not in ("int", "float64", "string"):
            raise TemplateError(f"{where}: incompatible types for comparison")
        return op(a, b)
    return compare


def _len(t, where, v):
    if isinstance(v, (str, list, dict)):
        return len(v)
    raise TemplateError(f"{where}: error calling len: len of type {_kind(v)}")


def _index(t, where, item, *keys):
    for k in keys:
        if isinstance(item, list):
            k = _want_int(k, where, "index")
            if not 0 <= k < len(item):
                raise TemplateError(f"{where}: error calling index: index out of range: {k}")
            item = item[k]
        elif isinstance(item, dict):
            item = item.get(_want_str(k, where, "index"))
        else:
            raise TemplateError(f"{where}: error calling index: can't index item of type {_kind(item)}")
    return item


def _sprint(t, where, *args):
    out = []
    for i, a in enumerate(args):
        if i and not isinstance(a, str) and not isinstance(args[i - 1], str):
            out.append(" ")
        out.append(go_print(a, False))
    return "".join(out)


def _sprintln(t, where, *args):
    return " ".join(go_print(a, False) for a in args) + "\n"


def _sprintf(t, where, fmt, *args):
    _want_str(fmt, where, "printf")
    out, i, n = [], 0, 0
    while i < len(fmt):
        c = fmt[i]
        if c != "%":
            out.append(c)
            i += 1
            continue
        verb = fmt[i + 1:i + 2]
        i += 2
        if verb == "%":
            out.append("%")
            continue
        if n >= len(args):
            raise TemplateError(f"{where}: printf: missing argument for %{verb}")
        a = args[n]
        n += 1
        if verb == "v":
            out.append(go_print(a, False))
        elif verb == "s" and isinstance(a, str):
            out.append(a)
        elif verb == "q" and isinstance(a, str):
            out.append(go_quote(a))
        elif verb == "d" and isinstance(a, int) and not isinstance(a, bool):
            out.append(str(a))
        elif verb == "t" and isinstance(a, bool):
            out.append(go_print(a))
        else:
            raise TemplateError(f"{where}: printf: %{verb} of {_kind(a)} is not supported")
    if n != len(args):
        raise TemplateError(f"{where}: printf: {len(args) - n} extra argument(s)")
    return "".join(out)


# ---- Sprig and Helm ------------------------------------------------------------------------

def _for_yaml(v):
    """Helm's toYaml goes through JSON: integral float64s come out as integers."""
    if isinstance(v, dict):
        return {k: _for_yaml(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_for_yaml(x) for x in v]
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e21:
        return int(v)
    return v


def _to_yaml(t, where, v):
    text = yaml.safe_dump(_for_yaml(v), default_flow_style=False, sort_keys=True, allow_unicode=True, width=1 << 30)
    if text.endswith("\n...\n"):  # PyYAML ends a bare scalar document with "..."
        text = text[:-4]
    return text[:-1] if text.endswith("\n") else text  # Helm trims the final newline


def _indent(t, where, n, s):
    pad = " " * _want_int(n, where, "indent")
    return pad + _want_str(s, where, "indent").replace("\n", "\n" + pad)


def _nindent(t, where, n, s):
    pad = " " * _want_int(n, where, "nindent")
    return "\n" + pad + _want_str(s, where, "nindent").replace("\n", "\n" + pad)


def _quote(t, where, *args):
    return " ".join(go_quote(a if isinstance(a, str) else go_print(a, False)) for a in args if a is not None)


def _default(t, where, d, *given):
    if not given or not truth(given[0]):
        return d
    return given[0]


def _trunc(t, where, c, s):
    c, s = _want_int(c, where, "trunc"), _want_str(s, where, "trunc")
    if c < 0 and len(s) + c > 0:
        return s[len(s) + c:]
    if c >= 0 and len(s) > c:
        return s[:c]
    return s


def _trim_suffix(t, where, suffix, s):
    suffix, s = _want_str(suffix, where, "trimSuffix"), _want_str(s, where, "trimSuffix")
    return s[:-len(suffix)] if suffix and s.endswith(suffix) else s


def _required(t, where, message, value):
    if value is None or value == "":
        raise TemplateError(f"{where}: error calling required: {_want_str(message, where, 'required')}")
    return value


def _include(t, where, name, data):
    try:
        return t.include(_want_str(name, where, "include"), data)
    except TemplateError as e:
        raise TemplateError(f"{where}: error calling include: {e}") from None


def _dict(t, where, *pairs):
    if len(pairs) % 2:
        raise TemplateError(f"{where}: error calling dict: odd number of arguments")
    return {_want_str(pairs[i], where, "dict"): pairs[i + 1] for i in range(0, len(pairs), 2)}


def _one_string(fn, f):
    def call(t, where, *args):
        _arity(args, 1, where, fn)
        return f(_want_str(args[0], where, fn))
    return call


FUNCS = {
    "and": _and, "or": _or,
    "not": lambda t, where, *a: (_arity(a, 1, where, "not"), not truth(a[0]))[1],
    "len": _len, "index": _index,
    "print": _sprint, "println": _sprintln, "printf": _sprintf,
    "eq": _eq,
    "ne": lambda t, where, a, b: not _eq(t, where, a, b),
    "lt": _ordered(lambda a, b: a < b), "le": _ordered(lambda a, b: a <= b),
    "gt": _ordered(lambda a, b: a > b), "ge": _ordered(lambda a, b: a >= b),
    "toYaml": _to_yaml, "indent": _indent, "nindent": _nindent, "quote": _quote, "default": _default,
    "empty": lambda t, where, *a: (_arity(a, 1, where, "empty"), not truth(a[0]))[1],
    "trunc": _trunc, "trimSuffix": _trim_suffix,
    "upper": _one_string("upper", str.upper), "lower": _one_string("lower", str.lower),
    "b64enc": _one_string("b64enc", lambda s: base64.b64encode(s.encode()).decode()),
    "dict": _dict, "required": _required, "include": _include,
}
