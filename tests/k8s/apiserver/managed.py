"""Server-side apply and managedFields, simplified: each field manager (manager, operation,
subresource) owns a set of leaf paths written in FieldsV1 notation (`f:spec`, `f:replicas`,
`k:{"name":"a"}` for an item of a keyed list, `v:"x"` for a member of a set). Apply merges the
applied configuration, reports conflicts with other owners of fields whose value it would
change (409 unless force), removes fields the applier stopped applying that nobody else owns,
and takes ownership. Updates (PUT and non-apply patches) take ownership of the leaves they
change."""
import copy
import json
from datetime import datetime, timezone

from .patches import item_key, list_kind

# Never tracked: identity and server-owned metadata.
_UNTRACKED_TOP = {"apiVersion", "kind"}
_UNTRACKED_META = {"name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
                   "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"}


def _kseg(item, fields):
    return "k:" + json.dumps({f: item.get(f) for f in fields if f in item}, sort_keys=True,
                             separators=(",", ":"))


def leaves(value, rtype, keys=(), seg=()):
    """The set of leaf paths (tuples of segments) of `value`."""
    out = set()
    if isinstance(value, dict):
        if not value and seg:
            out.add(seg)
        for k, v in value.items():
            if not seg and k in _UNTRACKED_TOP:
                continue
            if seg == ("f:metadata",) and k in _UNTRACKED_META:
                continue
            out |= leaves(v, rtype, keys + (k,), seg + ("f:" + k,))
        return out
    if isinstance(value, list):
        kind, fields = list_kind(rtype, list(keys))
        if kind == "map" and all(isinstance(i, dict) for i in value) and value:
            for item in value:
                out |= leaves(item, rtype, keys, seg + (_kseg(item, fields),)) or {seg + (_kseg(item, fields),)}
            return out
        if kind == "set" and value:
            return {seg + ("v:" + json.dumps(v, sort_keys=True, separators=(",", ":")),) for v in value}
    out.add(seg)
    return out


def scoped(paths, status_only, has_status_subresource):
    """The paths a write to the main resource (status_only False) or /status may touch."""
    if not has_status_subresource:
        return set(paths)
    if status_only:
        return {p for p in paths if p and p[0] == "f:status"}
    return {p for p in paths if not (p and p[0] == "f:status")}


def _match(item, seg):
    want = json.loads(seg[2:])
    return isinstance(item, dict) and all(item.get(k) == v for k, v in want.items())


def get_path(obj, path):
    """(found, value) at a leaf path."""
    cur = obj
    for s in path:
        if s.startswith("f:"):
            if not isinstance(cur, dict) or s[2:] not in cur:
                return False, None
            cur = cur[s[2:]]
        elif s.startswith("k:"):
            if not isinstance(cur, list):
                return False, None
            found = [i for i in cur if _match(i, s)]
            if not found:
                return False, None
            cur = found[0]
        elif s.startswith("v:"):
            v = json.loads(s[2:])
            if not isinstance(cur, list) or v not in cur:
                return False, None
            cur = v
    return True, cur


def remove_path(obj, path):
    if not path:
        return
    found, parent = get_path(obj, path[:-1])
    if not found:
        return
    s = path[-1]
    if s.startswith("f:") and isinstance(parent, dict):
        parent.pop(s[2:], None)
    elif s.startswith("k:") and isinstance(parent, list):
        parent[:] = [i for i in parent if not _match(i, s)]
    elif s.startswith("v:") and isinstance(parent, list):
        v = json.loads(s[2:])
        parent[:] = [i for i in parent if i != v]


def merge_applied(current, applied, rtype, keys=()):
    """The current value with the applied configuration merged in."""
    if isinstance(applied, dict) and isinstance(current, dict):
        out = copy.deepcopy(current)
        for k, v in applied.items():
            out[k] = merge_applied(current.get(k), v, rtype, keys + (k,))
        return out
    if isinstance(applied, list) and isinstance(current, list):
        kind, fields = list_kind(rtype, list(keys))
        if kind == "set":
            return list(current) + [v for v in applied if v not in current]
        if kind == "map":
            out = copy.deepcopy(current)
            for item in applied:
                key = item_key(item, fields)
                idx = next((i for i, c in enumerate(out) if item_key(c, fields) == key), None)
                if idx is None:
                    out.append(copy.deepcopy(item))
                else:
                    out[idx] = merge_applied(out[idx], item, rtype, keys)
            return out
    return copy.deepcopy(applied)


# managedFields entries <-> {(manager, operation, subresource): (set of paths, apiVersion, time)}

def _tree(paths):
    root = {}
    for p in sorted(paths):
        node = root
        for s in p:
            node = node.setdefault(s, {})
    return root


def _paths(tree, prefix=()):
    out = set()
    for k, sub in (tree or {}).items():
        if k == ".":
            continue
        if sub:
            out |= _paths(sub, prefix + (k,))
        else:
            out.add(prefix + (k,))
    return out


def read_owners(obj):
    owners = {}
    for e in (obj.get("metadata") or {}).get("managedFields") or []:
        key = (e.get("manager", ""), e.get("operation", "Update"), e.get("subresource", ""))
        owners[key] = {"paths": _paths(e.get("fieldsV1") or {}), "apiVersion": e.get("apiVersion", ""),
                       "time": e.get("time")}
    return owners


def write_owners(obj, owners):
    entries = []
    for (manager, operation, sub), info in owners.items():
        if not info["paths"]:
            continue
        e = {"manager": manager, "operation": operation, "apiVersion": info["apiVersion"],
             "time": info["time"], "fieldsType": "FieldsV1", "fieldsV1": _tree(info["paths"])}
        if sub:
            e["subresource"] = sub
        entries.append(e)
    meta = obj.setdefault("metadata", {})
    if entries:
        meta["managedFields"] = entries
    else:
        meta.pop("managedFields", None)


def now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _path_text(p):
    out = ""
    for s in p:
        if s.startswith("f:"):
            out += "." + s[2:]
        elif s.startswith("k:"):
            out += "[" + ",".join(f"{k}={json.dumps(v)}" for k, v in json.loads(s[2:]).items()) + "]"
        else:
            out += "[" + s[2:] + "]"
    return out


def apply(current, applied, manager, force, rtype, subresource):
    """Server-side apply. Returns (new object, conflicts [(manager, path text)])."""
    status_only = subresource == "status"
    base = copy.deepcopy(current) if current is not None else {}
    owners = read_owners(base)
    mine_key = (manager, "Apply", subresource)
    applied_paths = scoped(leaves(applied, rtype), status_only, rtype.status_subresource)
    conflicts = []
    for key, info in owners.items():
        if key[0] == manager and key[1] == "Apply":
            continue
        for p in applied_paths & info["paths"]:
            if get_path(base, p) != get_path(applied, p):
                conflicts.append((key[0], p))
    if conflicts and not force:
        return None, [(m, _path_text(p)) for m, p in sorted(conflicts)]
    for key, info in owners.items():
        if key != mine_key:
            info["paths"] -= applied_paths
    previously = owners.get(mine_key, {"paths": set()})["paths"]
    others = set()
    for key, info in owners.items():
        if key != mine_key:
            others |= info["paths"]
    scoped_applied = _scope_object(applied, status_only, rtype.status_subresource)
    result = merge_applied(base, scoped_applied, rtype)
    kept = others | applied_paths
    for p in sorted(previously - applied_paths, key=len, reverse=True):
        if p in others or any(o[:len(p)] == p for o in others):
            continue
        target = _unowned_item(p, kept)
        remove_path(result, target)
        _prune_empty_parents(result, target, kept)
    owners[mine_key] = {"paths": applied_paths, "apiVersion": rtype.api_version, "time": now()}
    write_owners(result, owners)
    return result, []


def _scope_object(applied, status_only, has_status):
    if not has_status:
        return applied
    if status_only:
        return {k: v for k, v in applied.items() if k in ("status", "apiVersion", "kind")} | \
            {"metadata": {}}
    return {k: v for k, v in applied.items() if k != "status"}


def _unowned_item(path, kept):
    """The outermost keyed-list item on `path` that no kept path reaches into (so the item goes
    as a whole, key fields included), else `path` itself."""
    for i, seg in enumerate(path):
        if seg.startswith("k:") and not any(k[:i + 1] == path[:i + 1] for k in kept):
            return path[:i + 1]
    return path


def _prune_empty_parents(obj, path, kept):
    for n in range(len(path) - 1, 0, -1):
        prefix = path[:n]
        if any(k[:n] == prefix for k in kept):
            return
        found, value = get_path(obj, prefix)
        if found and value in ({}, []):
            remove_path(obj, prefix)
        else:
            return


def record_update(old, new, manager, rtype, subresource):
    """After a PUT or patch: `manager` (operation Update) owns the leaves whose value changed;
    leaves that disappeared are owned by nobody."""
    status_only = subresource == "status"
    owners = read_owners(old or {})
    new_paths = scoped(leaves(new, rtype), status_only, rtype.status_subresource)
    old_paths = scoped(leaves(old, rtype), status_only, rtype.status_subresource) if old else set()
    changed = {p for p in new_paths if get_path(old or {}, p) != get_path(new, p)}
    gone = old_paths - new_paths
    for info in owners.values():
        info["paths"] -= changed | gone
    key = (manager, "Update", subresource)
    entry = owners.setdefault(key, {"paths": set(), "apiVersion": rtype.api_version, "time": now()})
    if changed:
        entry["paths"] |= changed
        entry["time"] = now()
    write_owners(new, owners)
