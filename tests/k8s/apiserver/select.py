"""Label and field selectors as the API server parses them (`a=b`, `a==b`, `a!=b`, `a in (x,y)`,
`a notin (x)`, `a`, `!a`; field selectors: metadata.name and metadata.namespace)."""
import re

from .errors import bad_request

_SET_RE = re.compile(r"^\s*(!?)\s*([A-Za-z0-9_./-]+)\s*(?:(in|notin)\s*\(([^)]*)\))?\s*$")


def _split_terms(text):
    terms, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            terms.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        terms.append(cur)
    return terms


def parse_labels(text):
    """Returns a predicate over a labels dict; raises 400 on a malformed selector."""
    preds = []
    for term in _split_terms(text or ""):
        m = re.match(r"^\s*([A-Za-z0-9_./-]+)\s*(==|=|!=)\s*([A-Za-z0-9_.-]*)\s*$", term)
        if m:
            key, op, val = m.groups()
            if op == "!=":
                preds.append(lambda l, k=key, v=val: l.get(k) != v)
            else:
                preds.append(lambda l, k=key, v=val: l.get(k) == v)
            continue
        m = _SET_RE.match(term)
        if not m:
            raise bad_request(f"unable to parse requirement: invalid label selector {term.strip()!r}")
        neg, key, op, vals = m.groups()
        if op:
            if neg:
                raise bad_request(f"unable to parse requirement: {term.strip()!r}")
            values = {v.strip() for v in vals.split(",") if v.strip()}
            if op == "in":
                preds.append(lambda l, k=key, vs=values: l.get(k) in vs)
            else:
                preds.append(lambda l, k=key, vs=values: l.get(k) not in vs)
        elif neg:
            preds.append(lambda l, k=key: k not in l)
        else:
            preds.append(lambda l, k=key: k in l)
    return lambda labels: all(p(labels or {}) for p in preds)


_FIELDS = {"metadata.name": ("metadata", "name"), "metadata.namespace": ("metadata", "namespace")}


def parse_fields(text):
    preds = []
    for term in _split_terms(text or ""):
        m = re.match(r"^\s*([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*?)\s*$", term)
        if not m:
            raise bad_request(f"invalid field selector: {term.strip()!r}")
        field, op, val = m.groups()
        if field not in _FIELDS:
            raise bad_request(f'field label not supported: {field}')
        a, b = _FIELDS[field]
        if op == "!=":
            preds.append(lambda o, a=a, b=b, v=val: (o.get(a) or {}).get(b, "") != v)
        else:
            preds.append(lambda o, a=a, b=b, v=val: (o.get(a) or {}).get(b, "") == v)
    return lambda obj: all(p(obj) for p in preds)
