"""Objects, the global resourceVersion counter, the bounded event history watches read from,
and the counters the test-control surface reports. One lock guards everything; watchers wait
on a condition that every change notifies."""
import bisect
import copy
import threading


class Event:
    __slots__ = ("rv", "type", "key", "namespace", "obj", "old")

    def __init__(self, rv, type_, key, namespace, obj, old):
        self.rv, self.type, self.key, self.namespace, self.obj = rv, type_, key, namespace, obj
        self.old = old  # the object before a MODIFIED event (selector transitions), else None


class Store:
    def __init__(self, history_limit=10000):
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.rv = 0
        self.objects = {}  # (group, plural) -> {(namespace, name): obj}
        self.history = []  # Events in resourceVersion order, at most history_limit of them
        self.history_limit = max(1, history_limit)
        self.terminating = set()  # (key, namespace, name) of objects with a deletionTimestamp
        self.compacted_rv = 0  # a watch or continue from below this answers 410
        self.watch_epoch = 0  # bumped to end every open watch
        self.writes = {}  # "group/plural" -> number of mutating requests (incl. no-ops)
        self.changes = {}  # "group/plural" -> number of stored changes (resourceVersion bumps)
        self.requests = []  # (method, path, code, identity), bounded
        self.open_watches = 0

    def next_rv(self):
        self.rv += 1
        return self.rv

    def bucket(self, key):
        return self.objects.setdefault(key, {})

    def get(self, key, ns, name):
        return self.bucket(key).get((ns or "", name))

    def put(self, key, obj, event_type):
        """Stores obj (already carrying its new resourceVersion) and records the event."""
        meta = obj["metadata"]
        ns = meta.get("namespace", "")
        ident = (key, ns, meta["name"])
        old = self.bucket(key).get((ns, meta["name"])) if event_type == "MODIFIED" else None
        if event_type == "DELETED":
            self.bucket(key).pop((ns, meta["name"]), None)
            self.terminating.discard(ident)
        else:
            self.bucket(key)[(ns, meta["name"])] = obj
            if meta.get("deletionTimestamp"):
                self.terminating.add(ident)
        self.history.append(Event(int(meta["resourceVersion"]), event_type, key, ns, copy.deepcopy(obj), old))
        if len(self.history) > self.history_limit:
            dropped = len(self.history) - self.history_limit
            self.compacted_rv = max(self.compacted_rv, self.history[dropped - 1].rv)
            del self.history[:dropped]
        label = "/".join(key)
        self.changes[label] = self.changes.get(label, 0) + 1
        self.changed.notify_all()

    def count_write(self, key):
        label = "/".join(key)
        self.writes[label] = self.writes.get(label, 0) + 1

    def compact(self):
        self.history.clear()
        self.compacted_rv = self.rv
        self.changed.notify_all()

    def drop_watches(self):
        self.watch_epoch += 1
        self.changed.notify_all()

    def events_after(self, rv, key, namespace):
        start = bisect.bisect_right(self.history, rv, key=lambda e: e.rv)
        return [e for e in self.history[start:]
                if e.key == key and (not namespace or e.namespace == namespace)]

    def note_request(self, method, path, code, identity=""):
        with self.lock:
            self.requests.append((method, path, code, identity))
            if len(self.requests) > 5000:
                del self.requests[:1000]
