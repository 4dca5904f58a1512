"""Watch streams: the events after a resourceVersion (or a synthetic ADDED per existing object
when none is given), filtered by namespace and selectors, with periodic BOOKMARKs when asked,
an ERROR event carrying a 410 Status when the version was compacted away, an end after
timeoutSeconds, and an early end when the test-control surface drops watches."""
import copy
import time

from .errors import bad_request, query_bool
from .select import parse_fields, parse_labels


def _too_old(rv, oldest):
    return {"type": "ERROR", "object": {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": f"too old resource version: {rv} ({oldest})", "reason": "Expired", "code": 410}}


def _bookmark(rtype, rv, initial_end=False):
    meta = {"resourceVersion": str(rv)}
    if initial_end:
        meta["annotations"] = {"k8s.io/initial-events-end": "true"}
    return {"type": "BOOKMARK", "object": {"kind": rtype.kind, "apiVersion": rtype.api_version, "metadata": meta}}


def _filtered(e, matches):
    """The event a selector-filtered watch sees, as the watch cache decides it: an object that
    starts matching is ADDED, one that stops matching is DELETED (its old state at the new
    resourceVersion)."""
    now = matches(e.obj)
    if e.type != "MODIFIED" or e.old is None:
        return {"type": e.type, "object": copy.deepcopy(e.obj)} if now else None
    before = matches(e.old)
    if now:
        return {"type": "MODIFIED" if before else "ADDED", "object": copy.deepcopy(e.obj)}
    if before:
        gone = copy.deepcopy(e.old)
        gone["metadata"]["resourceVersion"] = e.obj["metadata"]["resourceVersion"]
        return {"type": "DELETED", "object": gone}
    return None


def parse_params(params):
    """(labels, fields, timeout, start_rv, bookmarks, initial) of a watch request; 400 when
    malformed. Called before the response starts, so errors are a plain Status."""
    labels = parse_labels(params.get("labelSelector", ""))
    fields = parse_fields(params.get("fieldSelector", ""))
    try:
        timeout = float(params.get("timeoutSeconds") or 1800)
        rv_param = params.get("resourceVersion", "")
        start_rv = int(rv_param) if rv_param not in ("", "0") else None
    except ValueError:
        raise bad_request("resourceVersion and timeoutSeconds must be integers")
    return (labels, fields, timeout, start_rv, query_bool(params, "allowWatchBookmarks"),
            query_bool(params, "sendInitialEvents"))


def stream(store, rtype, ns, params, bookmark_interval):
    """Yields watch events (dicts) until the timeout, a drop or a 410."""
    labels, fields, timeout, start_rv, bookmarks, initial = parse_params(params)
    ns = ns if rtype.namespaced else ""
    deadline = time.monotonic() + timeout

    def matches(obj):
        return labels((obj.get("metadata") or {}).get("labels")) and fields(obj)

    with store.lock:
        epoch = store.watch_epoch
        store.open_watches += 1
        pending, expired = [], None
        if start_rv is None or initial:
            for (ons, _), obj in sorted(store.bucket(rtype.key).items()):
                if (not ns or ons == ns) and matches(obj):
                    pending.append({"type": "ADDED", "object": copy.deepcopy(obj)})
            last = store.rv
            if initial and bookmarks:
                pending.append(_bookmark(rtype, last, initial_end=True))
        elif start_rv < store.compacted_rv:
            store.open_watches -= 1
            expired = _too_old(start_rv, store.compacted_rv)
        else:
            last = start_rv
    if expired is not None:  # yielded outside the lock: the client may read slowly
        yield expired
        return
    try:
        next_bookmark = time.monotonic() + bookmark_interval
        while True:
            for ev in pending:
                yield ev
            pending = []
            with store.lock:
                while True:
                    if store.watch_epoch != epoch or time.monotonic() >= deadline:
                        return
                    if last < store.compacted_rv:
                        # Changes and a compaction happened since this watch last looked.
                        pending.append(_too_old(last, store.compacted_rv))
                        break
                    events = store.events_after(last, rtype.key, ns)
                    last = store.rv
                    if events:
                        for e in events:
                            ev = _filtered(e, matches)
                            if ev is not None:
                                pending.append(ev)
                        if pending:
                            break
                    if bookmarks and time.monotonic() >= next_bookmark:
                        pending.append(_bookmark(rtype, last))
                        next_bookmark = time.monotonic() + bookmark_interval
                        break
                    wait = deadline - time.monotonic()
                    if bookmarks:
                        wait = min(wait, next_bookmark - time.monotonic())
                    store.changed.wait(timeout=max(0.01, min(wait, 1.0)))
            if pending and pending[-1]["type"] == "ERROR":
                for ev in pending:
                    yield ev
                return
    finally:
        with store.lock:
            store.open_watches -= 1
