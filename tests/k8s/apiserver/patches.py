"""JSON merge patch (RFC 7386), JSON patch (RFC 6902), strategic merge patch (the subset
built-in kinds need: lists merged by their patch merge key, primitive sets unioned,
`$patch: delete|replace`, `$deleteFromPrimitiveList/`), and list semantics shared with
server-side apply."""
import copy

from .errors import ApiError, bad_request

# Built-in lists that merge by key (patchMergeKey / listMapKeys), by field name; `ports`
# depends on its parent (a container's or a Service's).
_MAP_LISTS = {
    "containers": ["name"], "initContainers": ["name"], "ephemeralContainers": ["name"],
    "env": ["name"], "volumes": ["name"], "volumeMounts": ["mountPath"],
    "imagePullSecrets": ["name"], "ownerReferences": ["uid"], "conditions": ["type"],
    "hostAliases": ["ip"], "volumeDevices": ["devicePath"], "topologySpreadConstraints":
    ["topologyKey", "whenUnsatisfiable"],
}
_SET_LISTS = {"finalizers"}


def _schema_at(schema, keys):
    s = schema
    for k in keys:
        if not isinstance(s, dict):
            return None
        if s.get("type") == "array" or "items" in s:
            s = s.get("items")
            if not isinstance(s, dict):
                return None
        props = s.get("properties") or {}
        if k in props:
            s = props[k]
        elif isinstance(s.get("additionalProperties"), dict):
            s = s["additionalProperties"]
        else:
            return None
    return s


def list_kind(rtype, keys):
    """("map", [key fields]) | ("set", None) | ("atomic", None) for the list at `keys`
    (the map keys from the root; list positions omitted)."""
    if not keys:
        return ("atomic", None)
    last = keys[-1]
    if last in _SET_LISTS and keys[0] == "metadata":
        return ("set", None)
    if last == "ownerReferences" and keys[0] == "metadata":
        return ("map", ["uid"])
    if rtype is not None and rtype.crd:
        s = _schema_at(rtype.schema or {}, keys)
        if isinstance(s, dict):
            lt = s.get("x-kubernetes-list-type")
            if lt == "map":
                return ("map", list(s.get("x-kubernetes-list-map-keys") or []))
            if lt == "set":
                return ("set", None)
        return ("atomic", None)
    if last == "ports":
        parent = keys[-2] if len(keys) >= 2 else ""
        if parent in ("containers", "initContainers"):
            return ("map", ["containerPort", "protocol"])
        return ("map", ["port", "protocol"])
    if last in _MAP_LISTS:
        return ("map", _MAP_LISTS[last])
    return ("atomic", None)


def item_key(item, fields):
    if not isinstance(item, dict):
        return None
    return tuple(item.get(f, "TCP" if f == "protocol" else None) for f in fields)


def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            result.pop(k, None)
        else:
            result[k] = merge_patch(result.get(k), v)
    return result


def strategic_merge(target, patch, rtype, keys=()):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if patch.get("$patch") == "replace":
        return {k: copy.deepcopy(v) for k, v in patch.items() if k != "$patch"}
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if k.startswith("$deleteFromPrimitiveList/"):
            field = k.split("/", 1)[1]
            if isinstance(result.get(field), list):
                result[field] = [x for x in result[field] if x not in (v or [])]
            continue
        if k.startswith("$"):
            continue  # $setElementOrder, $retainKeys: ordering hints only here
        if v is None:
            result.pop(k, None)
        elif isinstance(v, list):
            result[k] = _merge_list(result.get(k), v, rtype, keys + (k,))
        elif isinstance(v, dict) and v.get("$patch") == "delete":
            result.pop(k, None)
        else:
            result[k] = strategic_merge(result.get(k), v, rtype, keys + (k,))
    return result


def _merge_list(current, patch, rtype, keys):
    kind, fields = list_kind(rtype, list(keys))
    current = current if isinstance(current, list) else []
    if any(isinstance(p, dict) and p.get("$patch") == "replace" for p in patch):
        return [copy.deepcopy(p) for p in patch if not (isinstance(p, dict) and "$patch" in p)]
    if kind == "set":
        out = list(current)
        for p in patch:
            if p not in out:
                out.append(p)
        return out
    if kind != "map":
        return copy.deepcopy(patch)
    out = copy.deepcopy(current)
    for p in patch:
        key = item_key(p, fields)
        idx = next((i for i, c in enumerate(out) if item_key(c, fields) == key), None)
        if isinstance(p, dict) and p.get("$patch") == "delete":
            if idx is not None:
                del out[idx]
        elif idx is None:
            out.append(strategic_merge({}, p, rtype, keys))
        else:
            out[idx] = strategic_merge(out[idx], p, rtype, keys)
    return out


def _pointer(path):
    if path == "":
        return []
    if not path.startswith("/"):
        raise bad_request(f"json patch: invalid path {path!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _parent(doc, parts, path):
    cur = doc
    for p in parts[:-1]:
        if isinstance(cur, dict) and p in cur:
            cur = cur[p]
        elif isinstance(cur, list) and p.isdigit() and int(p) < len(cur):
            cur = cur[int(p)]
        else:
            raise ApiError(422, "Invalid", f"the server rejected our request due to an error in our "
                                          f"request: jsonpatch: path {path!r} not found")
    return cur


def json_patch(doc, ops):
    if not isinstance(ops, list):
        raise bad_request("json patch: the body must be a JSON array of operations")
    doc = copy.deepcopy(doc)
    for op in ops:
        if not isinstance(op, dict) or "op" not in op or "path" not in op:
            raise bad_request("json patch: each operation needs op and path")
        name, path = op["op"], op["path"]
        if name in ("move", "copy"):
            src = _pointer(op.get("from", ""))
            value = _get(doc, src, op.get("from", ""))
            if name == "move":
                doc = _remove(doc, src, op["from"])
            doc = _add(doc, _pointer(path), copy.deepcopy(value), path)
        elif name == "add":
            doc = _add(doc, _pointer(path), copy.deepcopy(op.get("value")), path)
        elif name == "remove":
            doc = _remove(doc, _pointer(path), path)
        elif name == "replace":
            parts = _pointer(path)
            _get(doc, parts, path)
            doc = _remove(doc, parts, path)
            doc = _add(doc, parts, copy.deepcopy(op.get("value")), path)
        elif name == "test":
            if _get(doc, _pointer(path), path) != op.get("value"):
                raise ApiError(422, "Invalid", f"the server rejected our request due to an error in "
                                              f"our request: testing value {path} failed")
        else:
            raise bad_request(f"json patch: unknown op {name!r}")
    return doc


def _get(doc, parts, path):
    cur = _parent(doc, parts, path) if parts else doc
    if not parts:
        return cur
    last = parts[-1]
    if isinstance(cur, dict) and last in cur:
        return cur[last]
    if isinstance(cur, list) and last.isdigit() and int(last) < len(cur):
        return cur[int(last)]
    raise ApiError(422, "Invalid", f"the server rejected our request due to an error in our "
                                  f"request: jsonpatch: path {path!r} not found")


def _add(doc, parts, value, path):
    if not parts:
        return value
    cur = _parent(doc, parts, path)
    last = parts[-1]
    if isinstance(cur, dict):
        cur[last] = value
    elif isinstance(cur, list):
        if last == "-":
            cur.append(value)
        elif last.isdigit() and int(last) <= len(cur):
            cur.insert(int(last), value)
        else:
            raise bad_request(f"json patch: index out of range at {path!r}")
    else:
        raise bad_request(f"json patch: cannot add at {path!r}")
    return doc


def _remove(doc, parts, path):
    _get(doc, parts, path)
    cur = _parent(doc, parts, path)
    last = parts[-1]
    if isinstance(cur, dict):
        del cur[last]
    else:
        del cur[int(last)]
    return doc
